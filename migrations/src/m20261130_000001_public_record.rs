//! The `public_record` projection: the current version of each record compiled from public
//! sources, with its council slug and date for listing. The versions themselves live in
//! `document_version` and the log like every other document.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("public_record")
                .col(string_len("id", 64).primary_key())
                .col(string_len("council_slug", 64))
                .col(string_len("level", 32))
                .col(date_null("session_date"))
                // The session date, else the reported date or month, else empty: for ordering.
                .col(string_len("sort_date", 16))
                // The canonical JSON of the current version.
                .col(text("body"))
                .col(integer("version"))
                .col(big_integer("seq"))
                .col(timestamp_with_time_zone("received_at"))
                .col(string_len("provenance", 32))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_public_record_council_slug_id")
                .table("public_record")
                .col("council_slug")
                .col("id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("public_record").to_owned()).await
    }
}
