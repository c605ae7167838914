//! Reads of the transparency log. (The operator's audit is in `store::audit`, rebuilding the
//! served tables in `store::rebuild`.)

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::StoreError;
use super::publish::VersionMeta;
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::{self as tlog, canonical};
use crate::entity::{document_version, log_entry, write_head};

/// The committed size of the log and its root.
pub async fn head<C: ConnectionTrait>(db: &C) -> Result<(u64, Hash), StoreError> {
    let h = write_head::Entity::find_by_id(1).one(db).await?.ok_or_else(|| StoreError::NotFound("log head".into()))?;
    let frontier: Vec<Hash> = h
        .frontier
        .split(',')
        .filter(|x| !x.is_empty())
        .filter_map(canonical::from_hex)
        .filter_map(|b| merkle::hash_from_slice(&b).ok())
        .collect();
    Ok((h.log_size.max(0) as u64, tlog::frontier_root(&frontier)))
}

/// The leaf hashes of the first `size` entries.
pub async fn leaf_hashes<C: ConnectionTrait>(db: &C, size: u64) -> Result<Vec<Hash>, StoreError> {
    let rows = log_entry::Entity::find()
        .filter(log_entry::Column::Idx.lt(size as i64))
        .order_by_asc(log_entry::Column::Idx)
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| canonical::from_hex(&r.leaf_hash))
        .filter_map(|b| merkle::hash_from_slice(&b).ok())
        .collect())
}

/// A log entry with the version it logs.
#[derive(Debug, Clone)]
pub struct EntryRead {
    /// Its index.
    pub index: i64,
    /// The exact leaf data (canonical JSON) that was hashed.
    pub leaf_data: String,
    /// The version, with the entry's leaf hash (hex).
    pub version: VersionMeta,
}

/// The stored versions `entries` log, by id (one query).
pub(crate) async fn versions_of<C: ConnectionTrait>(
    db: &C,
    entries: &[log_entry::Model],
) -> Result<HashMap<i64, document_version::Model>, StoreError> {
    let ids: Vec<i64> = entries.iter().map(|e| e.version_id).collect();
    Ok(document_version::Entity::find()
        .filter(document_version::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect())
}

/// Entries `[start, end)` with their versions.
pub async fn entries(db: &DatabaseConnection, start: u64, end: u64) -> Result<Vec<EntryRead>, StoreError> {
    let entries = log_entry::Entity::find()
        .filter(log_entry::Column::Idx.gte(start as i64))
        .filter(log_entry::Column::Idx.lt(end as i64))
        .order_by_asc(log_entry::Column::Idx)
        .all(db)
        .await?;
    let versions = versions_of(db, &entries).await?;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        if let Some(v) = versions.get(&e.version_id).cloned() {
            let mut version = VersionMeta::try_from(v)?;
            version.leaf_hash = Some(e.leaf_hash);
            out.push(EntryRead { index: e.idx, leaf_data: e.leaf_data, version });
        }
    }
    Ok(out)
}

/// The stored canonical JSON of the version at log `index`, byte for byte.
pub async fn entry_body(db: &DatabaseConnection, index: u64) -> Result<String, StoreError> {
    let e = log_entry::Entity::find_by_id(index as i64)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("log entry {index}")))?;
    let v = document_version::Entity::find_by_id(e.version_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("version of log entry {index}")))?;
    Ok(v.body)
}
