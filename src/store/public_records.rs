//! Records compiled from public sources: published through the normal path (a versioned
//! document of kind `public_record` in the log), projected into the `public_record` table.
//!
//! Their versions carry no council id: a public record names its council inline and never
//! touches the councils that publish through the platform (nor their change numbers, exports
//! or metrics caches).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, Set};

use super::publish::{Publication, canonical_json};
use super::{DocKind, PublishMeta, Published, StoreError};
use crate::domain::Violations;
use crate::domain::public_record::{PublicRecord, sort_key};
use crate::entity::public_record;

/// Publishes a public record. `v` holds the violations found so far (e.g. of the id); the
/// record's own rules are checked here. An identical re-send changes nothing.
pub async fn put_public_record(
    db: &DatabaseConnection,
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
    let body = canonical_json(doc)?;
    apply_public_record(&p.txn, id, doc, &body, p.next_version(), p.seq, p.received_at, meta.provenance).await?;
    // A reason explains a change: a first version has none to explain.
    let meta = PublishMeta { reason: meta.reason.clone().filter(|_| p.current.is_some()), ..meta.clone() };
    Ok(Published::Created(p.commit(&meta).await?))
}

/// Writes (or replaces) the projection row of a record's version.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_public_record(
    txn: &DatabaseTransaction,
    id: &str,
    doc: &PublicRecord,
    body: &str,
    version: i32,
    seq: i64,
    received_at: DateTime<Utc>,
    provenance: &str,
) -> Result<(), StoreError> {
    public_record::Entity::delete_by_id(id.to_owned()).exec(txn).await?;
    public_record::ActiveModel {
        id: Set(id.to_owned()),
        council_slug: Set(doc.council.slug.clone()),
        level: Set(doc.council.level.as_str().to_owned()),
        session_date: Set(doc.date),
        sort_date: Set(sort_key(doc)),
        body: Set(body.to_owned()),
        version: Set(version),
        seq: Set(seq),
        received_at: Set(received_at),
        provenance: Set(provenance.to_owned()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Empties the projection (before a rebuild re-applies every version).
pub(crate) async fn clear<C: ConnectionTrait>(db: &C) -> Result<(), StoreError> {
    public_record::Entity::delete_many().exec(db).await?;
    Ok(())
}
