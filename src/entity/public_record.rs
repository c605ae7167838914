//! `public_record` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub council_slug: String,
    pub level: String,
    pub session_date: Option<Date>,
    pub sort_date: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub version: i32,
    pub seq: i64,
    pub received_at: DateTimeUtc,
    pub provenance: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
