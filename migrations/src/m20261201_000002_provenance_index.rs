//! An index on `document_version (council_id, provenance)`: the provenance kinds that metrics and
//! rankings report were read by scanning every stored document body (tens of megabytes at scale
//! 1), and a council's by reading past each of its bodies to the column after them (issue 8).
//! With the index both come from the index alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_document_version_council_id_provenance";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Alias::new("document_version"))
                .col(Alias::new("council_id"))
                .col(Alias::new("provenance"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Alias::new("document_version")).to_owned()).await
    }
}
