//! Session records and what is read from them: sessions, agenda items, versions and their
//! differences, speeches.

use super::{Error, Service, version_cursor};
use crate::documents::session::SessionRecordDoc;
use crate::domain::session::{self as s, SessionRecord};
use crate::store::paging::Page;
use crate::store::read::sessions as read;
use crate::store::read::versions::{self, StoredVersion};
use crate::store::read::votes;
use crate::store::{DocKind, VersionMeta};

pub use crate::store::tables::{AgendaItem, Document, Session, Speech};
pub use read::{SessionFilter, SessionFull};
pub use votes::SpeechFilter;

/// Sessions by scheduled start, after `cursor`.
pub async fn list(svc: &Service, f: &SessionFilter, cursor: Option<&str>, limit: u64) -> Result<Page<Session>, Error> {
    Ok(read::list_sessions(&svc.reads().await, f, cursor, limit).await?)
}

/// One session with its agenda, documents and current version.
pub async fn get(svc: &Service, id: &str) -> Result<SessionFull, Error> {
    Ok(read::get_session(&svc.reads().await, id).await?)
}

/// The versions of a session's record, oldest first; a session with none is not found.
pub async fn versions(svc: &Service, id: &str, cursor: Option<&str>, limit: u64) -> Result<Page<VersionMeta>, Error> {
    let after = version_cursor(cursor)?;
    let page = versions::list_versions(&svc.reads().await, DocKind::SessionRecord, id, after, limit).await?;
    if page.items.is_empty() && after == 0 {
        return Err(Error::NotFound(format!("session {id}")));
    }
    Ok(page)
}

async fn stored(svc: &Service, id: &str, version: i32) -> Result<StoredVersion, Error> {
    versions::get_version(&svc.reads().await, DocKind::SessionRecord, id, version)
        .await?
        .ok_or_else(|| Error::NotFound(format!("version {version} of session {id}")))
}

/// Two stored versions of a session's record and what changed between them, for the page that
/// shows a correction.
pub async fn compare(
    svc: &Service,
    id: &str,
    from: i32,
    to: i32,
) -> Result<((VersionMeta, SessionRecord), (VersionMeta, SessionRecord), s::RecordDiff), Error> {
    let (a, b) = (stored(svc, id, from).await?, stored(svc, id, to).await?);
    let (old, new): (SessionRecord, SessionRecord) = (parse_body(&a)?, parse_body(&b)?);
    let d = s::diff(&old, &new);
    Ok(((a.meta, old), (b.meta, new), d))
}

/// One stored version of a session's record, as its document (with the stated reason).
pub async fn version(svc: &Service, id: &str, version: i32) -> Result<(VersionMeta, SessionRecordDoc), Error> {
    let v = stored(svc, id, version).await?;
    let mut document: SessionRecordDoc = parse_body(&v)?;
    document.reason = v.meta.reason.clone();
    Ok((v.meta, document))
}

/// What changed between two versions of a session's record.
pub async fn diff(svc: &Service, id: &str, from: i32, to: i32) -> Result<s::RecordDiff, Error> {
    Ok(compare(svc, id, from, to).await?.2)
}

/// A stored version's canonical JSON as `T`; one that does not parse is the server's fault.
pub(super) fn parse_body<T: serde::de::DeserializeOwned>(v: &StoredVersion) -> Result<T, Error> {
    serde_json::from_str(&v.body).map_err(|e| {
        Error::Internal(format!("version {} of {} {} does not parse: {e}", v.meta.version, v.meta.kind, v.meta.doc_id))
    })
}

/// Agenda items of a session or a council, by session then position.
pub async fn agenda_items(
    svc: &Service,
    session: Option<&str>,
    council: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<AgendaItem>, Error> {
    Ok(read::list_agenda_items(&svc.reads().await, session, council, cursor, limit).await?)
}

/// Speeches by session date, session and position.
pub async fn speeches(
    svc: &Service,
    f: &SpeechFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<Speech>, Error> {
    Ok(votes::list_speeches(&svc.reads().await, f, cursor, limit).await?)
}
