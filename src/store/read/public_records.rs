//! Records compiled from public sources as served, and the provenance kinds of council documents.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::public_record::PublicRecord;
use crate::entity::{document_version, public_record};
use crate::store::paging::{Page, page};
use crate::store::stored::At;
use crate::store::{Db, StoreError};

/// A public record as stored now.
#[derive(Debug, Clone)]
pub struct PublicRecordRead {
    /// Its id.
    pub id: String,
    /// `public_sources` (or how it was published).
    pub provenance: String,
    /// What it is listed under: its sitting's date, else its reported date, else empty.
    pub sort_key: String,
    /// The record.
    pub record: PublicRecord,
}

fn record_read(row: public_record::Model) -> Result<PublicRecordRead, StoreError> {
    let record = At::new("public_record", &row.id).json("body", &row.body)?;
    Ok(PublicRecordRead { id: row.id, provenance: row.provenance, sort_key: row.sort_date, record })
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
    db: &Db,
    f: &RecordFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<PublicRecordRead>, StoreError> {
    let mut q = public_record::Entity::find().order_by_asc(public_record::Column::Id).limit(limit.saturating_add(1));
    if let Some(c) = &f.council {
        q = q.filter(public_record::Column::CouncilSlug.eq(c.as_str()));
    }
    if let Some(p) = &f.provenance {
        q = q.filter(public_record::Column::Provenance.eq(p.as_str()));
    }
    if let Some(c) = cursor {
        q = q.filter(public_record::Column::Id.gt(c));
    }
    let rows = q.all(db).await?.into_iter().map(record_read).collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |r| r.id.clone()))
}

/// Every record, by id.
pub async fn all_public_records(db: &Db) -> Result<Vec<PublicRecordRead>, StoreError> {
    let rows = public_record::Entity::find().order_by_asc(public_record::Column::Id).all(db).await?;
    rows.into_iter().map(record_read).collect()
}

/// One record.
pub async fn get_public_record(db: &Db, id: &str) -> Result<PublicRecordRead, StoreError> {
    let row = public_record::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("public record {id}")))?;
    record_read(row)
}

/// The provenance kinds of the documents of one council (or of every council): what metrics
/// computed from them rest on.
pub async fn provenance_kinds(db: &Db, council: Option<&str>) -> Result<Vec<String>, StoreError> {
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
