//! `deputy` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deputy")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub council_id: String,
    #[sea_orm(column_type = "Text")]
    pub names: String,
    #[sea_orm(column_type = "Text")]
    pub given_names: String,
    #[sea_orm(column_type = "Text")]
    pub family_names: String,
    #[sea_orm(column_type = "Text")]
    pub patronymic_names: String,
    pub gender: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub contacts: String,
    #[sea_orm(column_type = "Text")]
    pub search_key: String,
    pub listed: bool,
    pub synthetic: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
