//! The database of `maslikhat witness serve` (its own small SQLite file, not the log's): the
//! latest checkpoint it cosigned for each log, and the refused requests that may be evidence of
//! a log's misbehaviour.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::{Db, StoreError};
use crate::domain::log::canonical;
use crate::domain::log::merkle::{self, Hash};

const SCHEMA: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS witness_checkpoint (
        origin TEXT PRIMARY KEY,
        tree_size INTEGER NOT NULL,
        root_hash TEXT NOT NULL,
        note TEXT NOT NULL,
        updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS witness_refusal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        origin TEXT NOT NULL,
        status INTEGER NOT NULL,
        reason TEXT NOT NULL,
        request TEXT NOT NULL,
        received_at TEXT NOT NULL)",
];

/// Opens (creating when needed) the witness database at `url` (`sqlite://FILE?mode=rwc`).
pub async fn open(url: &str) -> Result<Db, StoreError> {
    let db = super::connect(url, 4).await?;
    for stmt in SCHEMA {
        db.execute_unprepared(stmt).await?;
    }
    Ok(db)
}

fn stmt(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

/// The latest checkpoint cosigned for `origin`: its size and root.
pub async fn latest(db: &Db, origin: &str) -> Result<Option<(u64, Hash)>, StoreError> {
    let row = db
        .query_one_raw(stmt(
            "SELECT tree_size, root_hash FROM witness_checkpoint WHERE origin = ?",
            vec![origin.into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    let size: i64 = row.try_get_by_index(0)?;
    let hex: String = row.try_get_by_index(1)?;
    let root = canonical::from_hex(&hex)
        .and_then(|b| merkle::hash_from_slice(&b).ok())
        .ok_or_else(|| StoreError::Db(sea_orm::DbErr::Custom(format!("witness state of {origin} is not a hash"))))?;
    Ok(Some((size.max(0) as u64, root)))
}

/// Records `(size, root)` and its note as the latest checkpoint of `origin`, only if the stored
/// latest is still `previous` (compare and swap, so two requests can never both advance from the
/// same state). True when it was recorded.
pub async fn advance(
    db: &Db,
    origin: &str,
    previous: Option<(u64, Hash)>,
    size: u64,
    root: &Hash,
    note: &str,
) -> Result<bool, StoreError> {
    let now = Utc::now().to_rfc3339();
    let (size, root) = (size as i64, canonical::to_hex(root));
    let done = match previous {
        None => {
            db.execute_raw(stmt(
                "INSERT INTO witness_checkpoint (origin, tree_size, root_hash, note, updated_at) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (origin) DO NOTHING",
                vec![origin.into(), size.into(), root.into(), note.into(), now.into()],
            ))
            .await?
        }
        Some((old_size, old_root)) => {
            db.execute_raw(stmt(
                "UPDATE witness_checkpoint SET tree_size = ?, root_hash = ?, note = ?, updated_at = ? \
                 WHERE origin = ? AND tree_size = ? AND root_hash = ?",
                vec![
                    size.into(),
                    root.into(),
                    note.into(),
                    now.into(),
                    origin.into(),
                    (old_size as i64).into(),
                    canonical::to_hex(&old_root).into(),
                ],
            ))
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Keeps a refused request of a known log (a fork or an inconsistent tree is evidence).
pub async fn refused(db: &Db, origin: &str, status: u16, reason: &str, request: &str) -> Result<(), StoreError> {
    db.execute_raw(stmt(
        "INSERT INTO witness_refusal (origin, status, reason, request, received_at) VALUES (?, ?, ?, ?, ?)",
        vec![origin.into(), i32::from(status).into(), reason.into(), request.into(), Utc::now().to_rfc3339().into()],
    ))
    .await?;
    Ok(())
}

/// How many refused requests of `origin` are kept, by status.
pub async fn refusals(db: &Db, origin: &str, status: u16) -> Result<u64, StoreError> {
    let row = db
        .query_one_raw(stmt(
            "SELECT COUNT(*) FROM witness_refusal WHERE origin = ? AND status = ?",
            vec![origin.into(), i32::from(status).into()],
        ))
        .await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0).max(0) as u64)
}
