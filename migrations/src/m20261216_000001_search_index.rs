//! The search index (issue 19): one `search_entry` row per council, deputy, agenda item,
//! decision, motion and speech, written by the projection with the rows it comes from (so every
//! publication, correction and `rebuild` re-derives it), and each engine's full-text index over
//! its `key` column:
//!
//! - SQLite: an FTS5 table with external content (`search_fts`, rowid = `search_entry.id`),
//!   kept in step by triggers, with prefix indexes for one- to three-letter prefixes (initials).
//! - PostgreSQL: a GIN index on `to_tsvector('simple', key)`.
//!
//! The keys are already normalized in Rust (`domain::search`): folded, transliterated and
//! stemmed the same way for Kazakh, Russian and Latin script, which is why both engines use
//! their plain tokenizers and no language configuration.
//!
//! A database that held documents before this migration has an empty index until the operator
//! runs `maslikhat rebuild` (the projection then writes every entry).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_FTS: &[&str] = &[
    "CREATE VIRTUAL TABLE search_fts USING fts5(key, content='search_entry', content_rowid='id', \
     tokenize='unicode61', prefix='1 2 3')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN \
     INSERT INTO search_fts(rowid, key) VALUES (new.id, new.key); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN \
     INSERT INTO search_fts(search_fts, rowid, key) VALUES ('delete', old.id, old.key); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN \
     INSERT INTO search_fts(search_fts, rowid, key) VALUES ('delete', old.id, old.key); \
     INSERT INTO search_fts(rowid, key) VALUES (new.id, new.key); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("search_entry")
                .col(big_pk_auto("id"))
                .col(string_len("source_kind", 32))
                .col(string_len("source", 64))
                .col(string_len("kind", 32))
                .col(string_len("ref_id", 64))
                .col(string_len("council_id", 64))
                .col(string_len_null("session_id", 64))
                .col(date_null("date"))
                .col(text("title"))
                .col(text_null("body"))
                .col(text("key"))
                .col(text("exact"))
                .col(boolean("synthetic"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("search_entry_source")
                .table("search_entry")
                .col("source_kind")
                .col("source")
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                for sql in SQLITE_FTS {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {
                db.execute_unprepared(
                    "CREATE INDEX search_entry_fts ON search_entry USING GIN (to_tsvector('simple', key))",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Sqlite {
            db.execute_unprepared("DROP TABLE IF EXISTS search_fts").await?;
        }
        m.drop_table(Table::drop().table("search_entry").to_owned()).await
    }
}
