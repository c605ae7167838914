//! `agenda_item` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agenda_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub session_id: String,
    pub council_id: String,
    pub position: i32,
    pub number_label: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub titles: String,
    pub initiator: String,
    pub is_open: bool,
    pub result: Option<String>,
    pub first_public_at: DateTimeUtc,
    pub added_late: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
