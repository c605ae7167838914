//! `document_version` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub doc_id: String,
    pub council_id: Option<String>,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub sha256: String,
    pub received_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub reason: Option<String>,
    pub publisher: String,
    pub provenance: String,
    pub seq: i64,
    pub log_index: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
