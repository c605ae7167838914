//! The witnessed, tiled log (issue 24):
//!
//! - `log_tile_hash`: every Merkle tree hash at a tlog-tiles level `L ≥ 1` (the root of a full
//!   tile of the level below), written by the append that completes it, so tiles, roots and
//!   proofs read O(log n) rows instead of every leaf. Level 0 is `log_entry.leaf_hash`. A log that
//!   existed before this migration gets its rows on the server's first start (hashing cannot be
//!   done in SQL on SQLite).
//! - `log_identity`: the log's origin line, fixed when the log is first served and never derived
//!   from `public_url` again.
//! - `log_cosignature`: witnesses' `cosignature/v1` lines, one per witness and checkpoint.
//! - `log_witness`: what the log knows of each witness (its latest cosigned size, failures and
//!   when to try again), shared by every API node.
//! - `log_lease`: which API node asks the witnesses, so two nodes never send conflicting requests.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 5] = ["log_lease", "log_witness", "log_cosignature", "log_identity", "log_tile_hash"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("log_tile_hash")
                .col(integer("level"))
                .col(big_integer("idx"))
                .col(string_len("hash", 64))
                .primary_key(Index::create().col("level").col("idx"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("log_identity")
                .col(integer("id").primary_key())
                .col(text("origin"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("log_cosignature")
                .col(big_integer("tree_size"))
                .col(string_len("root_hash", 64))
                .col(string_len("witness", 255))
                .col(text("line"))
                .col(big_integer("signed_at"))
                .col(timestamp_with_time_zone("received_at"))
                .primary_key(Index::create().col("tree_size").col("root_hash").col("witness"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("log_witness")
                .col(string_len("witness", 255).primary_key())
                .col(big_integer("cosigned_size"))
                .col(integer("failures"))
                .col(timestamp_with_time_zone_null("next_attempt_at"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("log_lease")
                .col(string_len("name", 64).primary_key())
                .col(string_len("holder", 64))
                .col(timestamp_with_time_zone("expires_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
