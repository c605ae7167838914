//! Records compiled from public sources: published through the normal path (a versioned
//! document of kind `public_record` in the log), projected into the `public_record` table.
//!
//! Their versions carry no council id: a public record names its council inline and never
//! touches the councils that publish through the platform (nor their change numbers, exports
//! or metrics caches).

use super::projection::write;
use super::publish::{Publication, canonical_json};
use super::{DocKind, PublishMeta, Published, StoreError};
use crate::domain::Violations;
use crate::domain::public_record::PublicRecord;

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
