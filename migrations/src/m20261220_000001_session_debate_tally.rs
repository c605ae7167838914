//! Metric inputs kept at publication (issue 25), continued: one `session_debate_tally` row per
//! session with what the debate metrics count in it (items put to vote, the undiscussed ones,
//! their distinct deputy speakers, timed and executive seconds, questions), written by the
//! projection with the session's other rows, like `session_deputy_tally`. The rankings by those
//! metrics read these rows instead of every agenda item, vote event and speech.
//!
//! No foreign key to `session`: only the projection writes these rows, with their session's, and
//! `audit` names a row whose session's record does not imply it, stray ones included.
//!
//! The table starts empty on a database that already holds sessions, so this migration names it
//! in `derived_fill`: the next start fills it before anything is served.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("session_debate_tally")
                .col(string_len("session_id", 64).primary_key())
                .col(string_len("council_id", 64))
                .col(date("session_date"))
                .col(integer("items_put_to_vote"))
                .col(integer("undiscussed_items"))
                .col(integer("item_speakers"))
                .col(integer("timed_speeches"))
                .col(big_integer("speech_seconds"))
                .col(big_integer("executive_seconds"))
                .col(integer("questions"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_session_debate_tally_council_id")
                .table("session_debate_tally")
                .col("council_id")
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("derived_fill")
                .columns(["table_name"])
                .values_panic(["session_debate_tally".into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(
            Query::delete()
                .from_table("derived_fill")
                .and_where(Expr::col("table_name").eq("session_debate_tally"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("session_debate_tally").to_owned()).await
    }
}
