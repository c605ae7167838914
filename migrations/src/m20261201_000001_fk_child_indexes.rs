//! Indexes on the child side of foreign keys that had none: the agenda item a document, a vote
//! event or a speech belongs to, and the commission a deputy role belongs to.
//!
//! With foreign keys enforced, deleting a parent row makes the database look for rows that still
//! point at it. Without an index that look-up scans the child table whole, once per deleted row:
//! every new version of a session record deletes its agenda items, so publication time grew with
//! the number of documents, vote events and speeches already stored (issue 8: loading the
//! synthetic country spent most of its time in these scans, on SQLite and PostgreSQL alike).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, &str); 4] = [
    ("document", "agenda_item_id", "ix_document_agenda_item_id"),
    ("vote_event", "agenda_item_id", "ix_vote_event_agenda_item_id"),
    ("speech", "agenda_item_id", "ix_speech_agenda_item_id"),
    ("deputy_role", "commission_id", "ix_deputy_role_commission_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, col, name) in INDEXES {
            m.create_index(Index::create().name(name).table(Alias::new(table)).col(Alias::new(col)).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, _, name) in INDEXES {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
