//! Metric inputs kept at publication (issue 25): one `session_deputy_tally` row per session and
//! deputy with a ballot on a named vote event or a deputy speech in it, written by the projection
//! with the session's other rows (so every publication, correction and `rebuild` re-derives it,
//! and `audit` compares it). The per-deputy metrics read these tallies instead of every ballot
//! and speech.
//!
//! A database that held session records before this migration gets its tallies at the next
//! start: `m20261219_000001_derived_fill` names the table for filling.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("session_deputy_tally")
                .col(string_len("session_id", 64))
                .col(string_len("deputy_id", 64))
                .col(string_len("council_id", 64))
                .col(date("session_date"))
                .col(integer("ballots"))
                .col(integer("present"))
                .col(integer("cast_ballots"))
                .col(integer("abstentions"))
                .col(integer("dissents"))
                .col(integer("deputy_speeches"))
                .col(big_integer("speech_seconds"))
                .primary_key(Index::create().col("session_id").col("deputy_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_session_deputy_tally_session_id")
                        .from("session_deputy_tally", "session_id")
                        .to("session", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_session_deputy_tally_council_id")
                .table("session_deputy_tally")
                .col("council_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("session_deputy_tally").to_owned()).await
    }
}
