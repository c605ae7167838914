//! Speed without the cache (issue 25): each council row keeps the JSON it is served as (without
//! its URL, which depends on the address a client used), written by the projection when the
//! council is published. The council list then reads one column of one table per council instead
//! of twelve columns and the council's convocations, and writes them out as they are.
//!
//! The column starts empty on a database that already holds councils, so this migration names
//! `council` in `derived_fill`: the next start writes every council's served JSON from its current
//! stored version before anything is served. The audit compares the column like any other, so
//! what the list serves is checked against the log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("council")
                .add_column(ColumnDef::new("served").text().not_null().default(""))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("derived_fill")
                .columns(["table_name"])
                .values_panic(["council".into()])
                .on_conflict(OnConflict::column("table_name").do_nothing().to_owned())
                .to_owned(),
        )
        .await
    }

    /// Drops the column. A name left in `derived_fill` would only rewrite the column the release
    /// before this one does not have: it is removed too.
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(
            Query::delete().from_table("derived_fill").and_where(Expr::col("table_name").eq("council")).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table("council").drop_column("served").to_owned()).await
    }
}
