//! `session` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub council_id: String,
    pub convocation: String,
    pub number: i32,
    pub kind: String,
    pub status: String,
    pub scheduled_start: DateTimeUtc,
    pub scheduled_end: Option<DateTimeUtc>,
    pub actual_start: Option<DateTimeUtc>,
    pub actual_end: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub place: Option<String>,
    pub is_open: bool,
    #[sea_orm(column_type = "Text")]
    pub livestream_url: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub recording_url: Option<String>,
    pub minutes_document_id: Option<String>,
    pub declared_notice_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub declared_notice_source: Option<String>,
    pub backfilled: bool,
    pub first_received_at: DateTimeUtc,
    pub agenda_first_public_at: Option<DateTimeUtc>,
    pub minutes_first_public_at: Option<DateTimeUtc>,
    pub synthetic: bool,
    pub version: i32,
    pub last_seq: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
