//! Records compiled from public sources: each with its current version, and the coverage of
//! what councils make public today.

use std::collections::BTreeMap;

use super::{Error, Service};
use crate::domain::public_record::{self as d, CoverageCounts};
use crate::store::paging::Page;
use crate::store::read::public_records as read;
use crate::store::read::versions;
use crate::store::{DocKind, VersionMeta};

pub use read::{PublicRecordRead, RecordFilter};

/// A public record with its current version.
#[derive(Debug, Clone)]
pub struct Versioned {
    /// The record.
    pub record: PublicRecordRead,
    /// Its current version.
    pub version: VersionMeta,
}

/// Records by id, after `cursor`, each with its current version.
pub async fn list(svc: &Service, f: &RecordFilter, cursor: Option<&str>, limit: u64) -> Result<Page<Versioned>, Error> {
    let page = read::list_public_records(&svc.reads().await, f, cursor, limit).await?;
    let ids: Vec<String> = page.items.iter().map(|r| r.id.clone()).collect();
    let mut latest = versions::latest_versions(&svc.reads().await, DocKind::PublicRecord, &ids).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for record in page.items {
        let version = latest
            .remove(&record.id)
            .ok_or_else(|| Error::Internal(format!("public record {} has no version", record.id)))?;
        items.push(Versioned { record, version });
    }
    Ok(Page { items, next: page.next })
}

/// Every record, by id.
pub async fn all(svc: &Service) -> Result<Vec<PublicRecordRead>, Error> {
    Ok(read::all_public_records(&svc.reads().await).await?)
}

/// One record with its current version.
pub async fn get(svc: &Service, id: &str) -> Result<Versioned, Error> {
    let record = read::get_public_record(&svc.reads().await, id).await?;
    let version = versions::latest_version(&svc.reads().await, DocKind::PublicRecord, id)
        .await?
        .ok_or_else(|| Error::NotFound(id.to_owned()))?
        .meta;
    Ok(Versioned { record, version })
}

/// What the real records show councils make public, overall and per council slug.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The provenance kinds of the records counted.
    pub provenance: Vec<String>,
    /// Counts over every record.
    pub overall: CoverageCounts,
    /// Counts per council slug, with the council as its first record names it.
    pub councils: Vec<(d::PublicCouncil, CoverageCounts)>,
    /// The records counted.
    pub records: Vec<PublicRecordRead>,
}

/// Counts, per council and overall, the records that state each fact.
pub async fn coverage(svc: &Service) -> Result<Coverage, Error> {
    let records = all(svc).await?;
    let mut provenance: Vec<String> = records.iter().map(|s| s.provenance.clone()).collect();
    provenance.sort();
    provenance.dedup();
    let (per, overall): (BTreeMap<String, CoverageCounts>, CoverageCounts) =
        d::coverage(records.iter().map(|s| &s.record));
    let councils = per
        .into_iter()
        .filter_map(|(slug, c)| {
            let council = records.iter().find(|s| s.record.council.slug == slug).map(|s| s.record.council.clone())?;
            Some((council, c))
        })
        .collect();
    Ok(Coverage { provenance, overall, councils, records })
}
