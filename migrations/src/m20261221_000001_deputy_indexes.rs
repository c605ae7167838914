//! Indexes on `mandate (deputy_id)` and `deputy_role (deputy_id)` (issue 25). A vote event's
//! ballots carry each voter's mandate on the vote's day, and a deputy's page their mandates and
//! roles: both looked them up by deputy, which the existing indexes (council first) cannot
//! answer, so every such read scanned the whole table (3,537 mandates at scale 1, ten times as
//! many at scale 10). An uncached `get_vote_event` spent most of its time in that scan.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, table) pairs, each on the table's `deputy_id`.
const INDEXES: [(&str, &str); 2] = [("ix_mandate_deputy_id", "mandate"), ("ix_deputy_role_deputy_id", "deputy_role")];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in INDEXES {
            m.create_index(Index::create().name(name).table(Alias::new(table)).col(Alias::new("deputy_id")).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in INDEXES {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
