//! Indexes on `council_id` for the tables the metrics read council by council (agenda items,
//! documents, speeches). Without them every council's metrics scanned these tables whole, which
//! made national rankings cost seconds when nothing was cached (issue 8).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str); 3] = [
    ("agenda_item", "ix_agenda_item_council_id"),
    ("document", "ix_document_council_id"),
    ("speech", "ix_speech_council_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in INDEXES {
            m.create_index(
                Index::create().name(name).table(Alias::new(table)).col(Alias::new("council_id")).to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in INDEXES {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
