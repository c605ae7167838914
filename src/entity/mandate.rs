//! `mandate` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mandate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub deputy_id: String,
    pub council_id: String,
    pub convocation: String,
    pub seat_type: String,
    #[sea_orm(column_type = "Text")]
    pub district: Option<String>,
    pub nomination: String,
    pub nominating_party_id: Option<String>,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
