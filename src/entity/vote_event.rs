//! `vote_event` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub session_id: String,
    pub council_id: String,
    pub agenda_item_id: String,
    pub position: i32,
    #[sea_orm(column_type = "Text")]
    pub motion: String,
    pub stage: String,
    pub method: String,
    pub majority_rule: String,
    pub seats: i32,
    pub result: String,
    pub yes_count: Option<i32>,
    pub no_count: Option<i32>,
    pub abstain_count: Option<i32>,
    pub not_voting_count: Option<i32>,
    pub absent_count: Option<i32>,
    pub excused_count: Option<i32>,
    pub named: bool,
    pub contested: bool,
    pub session_date: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
