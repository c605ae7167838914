//! Declared times of documents (issue 18 item 5, metrics v1.1): a session record may declare
//! when each document (the minutes among them) first became public, with the page that shows
//! it. The metrics use these times for backfilled sessions, whose receive times say nothing
//! about when their documents were public. Rows stored before this migration declared none.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        m.alter_table(
            Table::alter().table("document").add_column(timestamp_with_time_zone_null("declared_public_at")).to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table("document").add_column(text_null("declared_public_source")).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("document").drop_column("declared_public_source").to_owned()).await?;
        m.alter_table(Table::alter().table("document").drop_column("declared_public_at").to_owned()).await
    }
}
