//! Councils and parties: lists, one by one with the ETag of its current version.

use super::{Current, Error, Service};
use crate::store::DocKind;
use crate::store::paging::Page;
use crate::store::read::{councils as read, versions};

pub use crate::store::read::council_page::{CouncilPageReads, SessionLine};
pub use crate::store::tables::Council as CouncilRow;
pub use read::{CouncilFilter, CouncilRead, PartyRead, ServedCouncil};

/// Councils by id, after `cursor`, as their served JSON without URLs.
pub async fn list_served(
    svc: &Service,
    f: &CouncilFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<ServedCouncil>, Error> {
    Ok(read::list_councils_served(&svc.reads().await, f, cursor, limit).await?)
}

/// Every council, by id.
pub async fn all(svc: &Service) -> Result<Vec<CouncilRead>, Error> {
    Ok(read::all_councils(&svc.reads().await).await?)
}

/// One council.
pub async fn get(svc: &Service, id: &str) -> Result<CouncilRead, Error> {
    Ok(read::get_council(&svc.reads().await, id).await?)
}

/// One council's own row, without its convocations, with its data version: the newest change
/// number and receive time among its documents (what its metrics are cached under).
pub async fn row_versioned(
    svc: &Service,
    id: &str,
) -> Result<(CouncilRow, i64, Option<chrono::DateTime<chrono::Utc>>), Error> {
    Ok(crate::store::read::council_page::council_versioned(&svc.reads().await, id).await?)
}

/// What council `id`'s page shows beside its metrics, in one statement: its deputies with their
/// seat type and party on `day`, every party's names, and its `sessions` latest sessions.
pub async fn page_reads(
    svc: &Service,
    id: &str,
    day: chrono::NaiveDate,
    sessions: u64,
) -> Result<CouncilPageReads, Error> {
    Ok(crate::store::read::council_page::council_page(&svc.reads().await, id, day, sessions).await?)
}

/// One council with the ETag of its current document version.
pub async fn current(svc: &Service, id: &str) -> Result<Current<CouncilRead>, Error> {
    let value = get(svc, id).await?;
    Ok(Current { value, etag: etag(svc, DocKind::Council, id).await? })
}

/// Parties by id, after `cursor`, optionally matching folded text.
pub async fn list_parties(
    svc: &Service,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<PartyRead>, Error> {
    Ok(read::list_parties(&svc.reads().await, q, cursor, limit).await?)
}

/// Every party, by id.
pub async fn all_parties(svc: &Service) -> Result<Vec<PartyRead>, Error> {
    Ok(read::all_parties(&svc.reads().await).await?)
}

/// One party with the ETag of its current document version.
pub async fn current_party(svc: &Service, id: &str) -> Result<Current<PartyRead>, Error> {
    let value = read::get_party(&svc.reads().await, id).await?;
    Ok(Current { value, etag: etag(svc, DocKind::Party, id).await? })
}

/// The ETag of the current version of a document.
pub(super) async fn etag(svc: &Service, kind: DocKind, id: &str) -> Result<String, Error> {
    let v =
        versions::latest_version(&svc.reads().await, kind, id).await?.ok_or_else(|| Error::NotFound(id.to_owned()))?;
    Ok(v.meta.etag())
}
