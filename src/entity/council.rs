//! `council` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(column_type = "Text")]
    pub names: String,
    pub level: String,
    pub parent_id: Option<String>,
    pub kato: Option<String>,
    pub seats: i32,
    #[sea_orm(column_type = "Text")]
    pub website: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub search_key: String,
    pub synthetic: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The council as served, as JSON, without its `url` (written by the projection).
    #[sea_orm(column_type = "Text")]
    pub served: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
