//! `deputy_role` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deputy_role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub council_id: String,
    pub deputy_id: String,
    pub role: String,
    pub commission_id: Option<String>,
    pub party_id: Option<String>,
    pub start_date: Date,
    pub end_date: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
