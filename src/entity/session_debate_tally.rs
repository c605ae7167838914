//! `session_debate_tally` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_debate_tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: String,
    pub council_id: String,
    pub session_date: Date,
    pub items_put_to_vote: i32,
    pub undiscussed_items: i32,
    pub item_speakers: i32,
    pub timed_speeches: i32,
    pub speech_seconds: i64,
    pub executive_seconds: i64,
    pub questions: i32,
    pub vote_events: i32,
    pub named_vote_events: i32,
    pub counted_vote_events: i32,
    pub unanimous_vote_events: i32,
    pub vote_events_with_votes: i32,
    pub contested_vote_events: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
