//! Upgrade safety for the metric inputs kept at publication (issue 25): a table the projection
//! derives from each session's record starts empty when a migration creates it, although the
//! database may already hold sessions. `derived_fill` names such tables; at start-up, right after
//! the migrations and before anything is served, the server fills each named table from every
//! session's current stored version (the projection's own code) and removes the name, in one
//! transaction (`maslikhat::store::derived`).
//!
//! This migration names `session_deputy_tally`, which `m20261218_000001` created empty. A later
//! migration that adds such a table inserts its name here too.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create().table("derived_fill").col(string_len("table_name", 64).primary_key()).to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("derived_fill")
                .columns(["table_name"])
                .values_panic(["session_deputy_tally".into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("derived_fill").to_owned()).await
    }
}
