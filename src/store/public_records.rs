//! Records compiled from public sources: published through the normal path (a versioned
//! document of kind `public_record` in the log), projected into the `public_record` table.
//!
//! Their versions carry no council id: a public record names its council inline and never
//! touches the councils that publish through the platform (nor their change numbers, exports
//! or metrics caches).

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::councils::{Page, page};
use super::projection::write;
use super::publish::{Publication, canonical_json};
use super::{DocKind, PublishMeta, Published, StoreError, VersionMeta};
use crate::domain::Violations;
use crate::domain::public_record::PublicRecord;
use crate::entity::{document_version, log_entry, public_record};

/// Publishes a public record. `v` holds the violations found so far (e.g. of the id); the
/// record's own rules are checked here. An identical re-send changes nothing.
#[tracing::instrument(skip_all, fields(record = %id))]
pub async fn put_public_record<C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>>(
    db: &C,
    id: &str,
    doc: &PublicRecord,
    mut v: Violations,
    meta: &PublishMeta,
) -> Result<Published, StoreError> {
    let p = Publication::begin(db, DocKind::PublicRecord, id, None, canonical_json(doc)?, meta.received_at).await?;
    if let Some(same) = p.preconditions(meta.if_match.as_deref(), &v)? {
        return Ok(Published::Unchanged(same));
    }
    doc.check(&mut v);
    if !v.is_empty() {
        return Err(StoreError::Invalid(v.into_vec()));
    }
    write::apply_public_record(&p.txn, &p.logged(meta.provenance), doc).await?;
    // A reason explains a change: a first version has none to explain.
    let meta = PublishMeta { reason: meta.reason.clone().filter(|_| p.current.is_some()), ..meta.clone() };
    Ok(Published::Created(p.commit(&meta).await?))
}

/// A stored record: its projection row and the parsed body.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    /// The projection row.
    pub row: public_record::Model,
    /// The record.
    pub record: PublicRecord,
}

fn parse(row: public_record::Model) -> Result<StoredRecord, StoreError> {
    let record = serde_json::from_str(&row.body)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("public record {} does not parse: {e}", row.id))))?;
    Ok(StoredRecord { row, record })
}

/// Filters of [`list_public_records`].
#[derive(Debug, Default, Clone)]
pub struct RecordFilter {
    /// Only this council slug.
    pub council: Option<String>,
    /// Only this provenance kind.
    pub provenance: Option<String>,
}

/// A page of records by id, after `cursor` (an id).
pub async fn list_public_records(
    db: &DatabaseConnection,
    f: &RecordFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<StoredRecord>, StoreError> {
    let mut q = public_record::Entity::find().order_by_asc(public_record::Column::Id).limit(limit + 1);
    if let Some(c) = &f.council {
        q = q.filter(public_record::Column::CouncilSlug.eq(c.as_str()));
    }
    if let Some(p) = &f.provenance {
        q = q.filter(public_record::Column::Provenance.eq(p.as_str()));
    }
    if let Some(c) = cursor {
        q = q.filter(public_record::Column::Id.gt(c));
    }
    let rows = q.all(db).await?.into_iter().map(parse).collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |r| r.row.id.clone()))
}

/// Every record (for the coverage summary), optionally of one provenance.
pub async fn all_public_records(
    db: &DatabaseConnection,
    provenance: Option<&str>,
) -> Result<Vec<StoredRecord>, StoreError> {
    let mut q = public_record::Entity::find().order_by_asc(public_record::Column::Id);
    if let Some(p) = provenance {
        q = q.filter(public_record::Column::Provenance.eq(p));
    }
    q.all(db).await?.into_iter().map(parse).collect()
}

/// One record.
pub async fn get_public_record(db: &DatabaseConnection, id: &str) -> Result<StoredRecord, StoreError> {
    let row = public_record::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("public record {id}")))?;
    parse(row)
}

/// The current version metadata of each of these records, in one query.
pub async fn versions_of(db: &DatabaseConnection, ids: &[String]) -> Result<Vec<VersionMeta>, StoreError> {
    let rows = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(DocKind::PublicRecord.as_str()))
        .filter(document_version::Column::DocId.is_in(ids.to_vec()))
        .order_by_asc(document_version::Column::Version)
        .all(db)
        .await?;
    let mut latest: std::collections::BTreeMap<String, VersionMeta> = std::collections::BTreeMap::new();
    for r in rows {
        latest.insert(r.doc_id.clone(), r.try_into()?);
    }
    let indexes: Vec<i64> = latest.values().filter_map(|m| m.log_index).collect();
    let leaves: std::collections::HashMap<i64, String> = log_entry::Entity::find()
        .filter(log_entry::Column::Idx.is_in(indexes))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.idx, e.leaf_hash))
        .collect();
    Ok(latest
        .into_values()
        .map(|mut m| {
            m.leaf_hash = m.log_index.and_then(|i| leaves.get(&i).cloned());
            m
        })
        .collect())
}

/// The provenance kinds of the documents of one council (or of every council): what metrics
/// computed from them rest on.
pub async fn provenance_kinds(db: &DatabaseConnection, council: Option<&str>) -> Result<Vec<String>, StoreError> {
    let mut q = document_version::Entity::find()
        .select_only()
        .column(document_version::Column::Provenance)
        .distinct()
        .filter(document_version::Column::CouncilId.is_not_null());
    if let Some(c) = council {
        q = q.filter(document_version::Column::CouncilId.eq(c));
    }
    let mut kinds: Vec<String> = q.into_tuple().all(db).await?;
    kinds.sort();
    Ok(kinds)
}
