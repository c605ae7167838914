//! `search_entry` rows: the search index, one row per findable thing. Kept in sea-orm's
//! generated style; see `migrations/` for the schema (and the engines' full-text indexes).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub source_kind: String,
    pub source: String,
    pub kind: String,
    pub ref_id: String,
    pub council_id: String,
    pub session_id: Option<String>,
    pub date: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub exact: String,
    pub synthetic: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
