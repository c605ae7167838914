//! Publishing a document version: what `api` and the publishers' workspace call. Each is the
//! store's publication path (one transaction: preconditions, the domain's rules, the version,
//! its log entry, the projection), traced with the document's kind and id.

use super::{Error, Service};
use crate::domain::Violations;
use crate::domain::council::{Council, Party};
use crate::domain::public_record::PublicRecord;
use crate::domain::roster::Roster;
use crate::domain::session::SessionRecord;
use crate::store;

pub use store::{PublishMeta, Published};

/// Publishes a council's own document (admins; checked by the caller).
#[tracing::instrument(skip(svc, doc, v, meta), fields(kind = "council", publisher = %meta.publisher), err(level = "debug"))]
pub async fn council(
    svc: &Service,
    id: &str,
    doc: &Council,
    v: Violations,
    meta: &PublishMeta,
) -> Result<Published, Error> {
    announced(svc, store::councils::put_council(&svc.db, id, doc, v, meta).await)
}

/// Publishes a party (admins; checked by the caller).
#[tracing::instrument(skip(svc, doc, v, meta), fields(kind = "party", publisher = %meta.publisher), err(level = "debug"))]
pub async fn party(
    svc: &Service,
    id: &str,
    doc: &Party,
    v: Violations,
    meta: &PublishMeta,
) -> Result<Published, Error> {
    announced(svc, store::councils::put_party(&svc.db, id, doc, v, meta).await)
}

/// Publishes a council's roster (its publisher or an admin; checked by the caller).
#[tracing::instrument(skip(svc, doc, v, meta), fields(kind = "roster", publisher = %meta.publisher), err(level = "debug"))]
pub async fn roster(
    svc: &Service,
    council: &str,
    doc: &Roster,
    v: Violations,
    meta: &PublishMeta,
) -> Result<Published, Error> {
    announced(svc, store::councils::put_roster(&svc.db, council, doc, v, meta).await)
}

/// Publishes one session's record (its council's publisher or an admin; checked by the caller).
#[tracing::instrument(skip(svc, doc, reason, v, meta), fields(kind = "session_record", publisher = %meta.publisher), err(level = "debug"))]
pub async fn session_record(
    svc: &Service,
    council: &str,
    id: &str,
    doc: &SessionRecord,
    reason: Option<String>,
    v: Violations,
    meta: &PublishMeta,
) -> Result<Published, Error> {
    announced(svc, store::sessions::put_session_record(&svc.db, council, id, doc, reason, v, meta).await)
}

/// Publishes a record compiled from public sources (monitors and admins; checked by the caller).
#[tracing::instrument(skip(svc, doc, v, meta), fields(kind = "public_record", publisher = %meta.publisher), err(level = "debug"))]
pub async fn public_record(
    svc: &Service,
    id: &str,
    doc: &PublicRecord,
    v: Violations,
    meta: &PublishMeta,
) -> Result<Published, Error> {
    announced(svc, store::public_records::put_public_record(&svc.db, id, doc, v, meta).await)
}

/// A publication's outcome; when stored, the node's change streams and webhook deliverer are
/// woken at once rather than at the log watcher's next look.
fn announced(svc: &Service, out: Result<Published, store::StoreError>) -> Result<Published, Error> {
    let out = out?;
    svc.published.send_modify(|n| *n += 1);
    Ok(out)
}
