//! Metric inputs kept at publication (issue 25), continued: `session_debate_tally` also keeps what
//! the openness and two voting metrics read of a session's vote events: how many there are, how
//! many are named, and how many are counted, unanimous, with votes cast and contested. The
//! national rankings by the contested share, the unanimity rate and the openness then read one
//! row per session instead of one per vote event (195,330 at scale 10).
//!
//! The new columns start at 0 on a database that already holds sessions, so this migration names
//! the table in `derived_fill` again: the next start refills it (and `session_deputy_tally`, filled
//! in the same pass) from every session's current stored version before anything is served.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new columns, each a count of the session's vote events.
const COLUMNS: [&str; 6] = [
    "vote_events",
    "named_vote_events",
    "counted_vote_events",
    "unanimous_vote_events",
    "vote_events_with_votes",
    "contested_vote_events",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for c in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("session_debate_tally")
                    .add_column(ColumnDef::new(c).integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        }
        // A fresh database names the table already (m20261220, filled after all migrations).
        m.exec_stmt(
            Query::insert()
                .into_table("derived_fill")
                .columns(["table_name"])
                .values_panic(["session_debate_tally".into()])
                .on_conflict(OnConflict::column("table_name").do_nothing().to_owned())
                .to_owned(),
        )
        .await
    }

    /// Drops the columns. A name left in `derived_fill` only refills the table at the next start,
    /// which gives the rows it holds (and m20261220 may have named it as well).
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in COLUMNS {
            m.alter_table(Table::alter().table("session_debate_tally").drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
