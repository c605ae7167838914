//! `session_deputy_tally` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_deputy_tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deputy_id: String,
    pub council_id: String,
    pub session_date: Date,
    pub ballots: i32,
    pub present: i32,
    pub cast_ballots: i32,
    pub abstentions: i32,
    pub dissents: i32,
    pub deputy_speeches: i32,
    pub speech_seconds: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
