//! Stored document versions: one, the current one, a document's history, and the change feed,
//! each with its entry in the transparency log.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{document_version, log_entry};
use crate::store::paging::{Page, page};
use crate::store::{Db, DocKind, StoreError, VersionMeta};

/// A stored version: its metadata and its canonical JSON, byte for byte.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    /// Metadata, with the log entry's leaf hash.
    pub meta: VersionMeta,
    /// The canonical JSON as stored (and hashed).
    pub body: String,
}

/// Fills `leaf_hash` of each version from the log.
pub async fn attach_leaves(db: &Db, metas: &mut [VersionMeta]) -> Result<(), StoreError> {
    let idx: Vec<i64> = metas.iter().filter_map(|m| m.log_index).collect();
    if idx.is_empty() {
        return Ok(());
    }
    let leaves: HashMap<i64, String> = log_entry::Entity::find()
        .filter(log_entry::Column::Idx.is_in(idx))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.idx, e.leaf_hash))
        .collect();
    for m in metas {
        m.leaf_hash = m.log_index.and_then(|i| leaves.get(&i).cloned());
    }
    Ok(())
}

async fn with_leaf(db: &Db, row: Option<document_version::Model>) -> Result<Option<StoredVersion>, StoreError> {
    let Some(m) = row else { return Ok(None) };
    let body = m.body.clone();
    let mut metas = [VersionMeta::try_from(m)?];
    attach_leaves(db, &mut metas).await?;
    let [meta] = metas;
    Ok(Some(StoredVersion { meta, body }))
}

/// The versions of one document.
fn versions_of(kind: DocKind, doc_id: &str) -> sea_orm::Select<document_version::Entity> {
    document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(kind.as_str()))
        .filter(document_version::Column::DocId.eq(doc_id))
}

/// The current version of a document.
pub async fn latest_version(db: &Db, kind: DocKind, doc_id: &str) -> Result<Option<StoredVersion>, StoreError> {
    let row = versions_of(kind, doc_id).order_by_desc(document_version::Column::Version).one(db).await?;
    with_leaf(db, row).await
}

/// One version of a document.
pub async fn get_version(
    db: &Db,
    kind: DocKind,
    doc_id: &str,
    version: i32,
) -> Result<Option<StoredVersion>, StoreError> {
    let row = versions_of(kind, doc_id).filter(document_version::Column::Version.eq(version)).one(db).await?;
    with_leaf(db, row).await
}

/// The versions of a document, oldest first, after version `after`.
pub async fn list_versions(
    db: &Db,
    kind: DocKind,
    doc_id: &str,
    after: i32,
    limit: u64,
) -> Result<Page<VersionMeta>, StoreError> {
    let rows = versions_of(kind, doc_id)
        .filter(document_version::Column::Version.gt(after))
        .order_by_asc(document_version::Column::Version)
        .limit(limit.saturating_add(1))
        .all(db)
        .await?;
    let mut metas = rows.into_iter().map(VersionMeta::try_from).collect::<Result<Vec<_>, _>>()?;
    attach_leaves(db, &mut metas).await?;
    Ok(page(metas, limit, |m| m.version.to_string()))
}

/// The current version of each of these documents of one kind, in one query.
pub async fn latest_versions(
    db: &Db,
    kind: DocKind,
    ids: &[String],
) -> Result<BTreeMap<String, VersionMeta>, StoreError> {
    let rows = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(kind.as_str()))
        .filter(document_version::Column::DocId.is_in(ids.to_vec()))
        .order_by_asc(document_version::Column::Version)
        .all(db)
        .await?;
    let mut latest: BTreeMap<String, VersionMeta> = BTreeMap::new();
    for r in rows {
        latest.insert(r.doc_id.clone(), r.try_into()?);
    }
    let mut metas: Vec<VersionMeta> = latest.into_values().collect();
    attach_leaves(db, &mut metas).await?;
    Ok(metas.into_iter().map(|m| (m.doc_id.clone(), m)).collect())
}

/// Filters of the change feed.
#[derive(Debug, Default, Clone)]
pub struct ChangeFilter {
    /// Only this council's documents.
    pub council: Option<String>,
    /// Only documents of this provenance.
    pub provenance: Option<crate::domain::enums::Provenance>,
}

/// Every accepted version after change number `since`, in order.
pub async fn list_changes(db: &Db, since: i64, f: &ChangeFilter, limit: u64) -> Result<Page<VersionMeta>, StoreError> {
    let mut q = document_version::Entity::find()
        .filter(document_version::Column::Seq.gt(since))
        .order_by_asc(document_version::Column::Seq)
        .limit(limit.saturating_add(1));
    if let Some(c) = &f.council {
        q = q.filter(document_version::Column::CouncilId.eq(c.as_str()));
    }
    if let Some(p) = &f.provenance {
        q = q.filter(document_version::Column::Provenance.eq(p.as_str()));
    }
    let rows = q.all(db).await?;
    let metas = rows.into_iter().map(VersionMeta::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(page(metas, limit, |m| m.seq.to_string()))
}
