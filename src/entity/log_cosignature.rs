//! `log_cosignature` rows. Kept in sea-orm's generated style; see `migrations/` for the schema.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "log_cosignature")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tree_size: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub root_hash: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub witness: String,
    #[sea_orm(column_type = "Text")]
    pub line: String,
    pub signed_at: i64,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
