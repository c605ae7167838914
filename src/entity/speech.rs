//! `speech` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "speech")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub session_id: String,
    pub council_id: String,
    pub agenda_item_id: Option<String>,
    pub position: i32,
    pub deputy_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub speaker_name: Option<String>,
    pub speaker_role: String,
    pub speech_type: String,
    pub language: String,
    pub seconds: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub body_text: Option<String>,
    pub session_date: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
