//! `document` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub session_id: String,
    pub council_id: String,
    pub agenda_item_id: Option<String>,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    pub media_type: String,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    pub sha256: Option<String>,
    pub language: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: Option<String>,
    pub first_public_at: DateTimeUtc,
    pub declared_public_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub declared_public_source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
