//! The publisher workspace's use cases (issue 18): drafts of a council's roster and of a session
//! record, kept on the server until published, and publishing them.
//!
//! A draft is the very JSON body the API's `PUT` takes, plus what the workspace needs between
//! requests (the ETag it was started from, a roll call waiting for the clerk's review). Publishing
//! parses that body with the same document types and hands it to the same store functions
//! (`put_roster`, `put_session_record`) as the API, with a [`PublishMeta`] naming the account: the
//! same rules, the same transaction, the same log. There is no second write path.

pub mod rollcall;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::documents::roster::RosterDoc;
use crate::documents::session::SessionRecordDoc;
use crate::domain::Violation;
use crate::domain::enums::Provenance;
use crate::domain::violation::Violations;
use crate::store::accounts::{self, Account};
use crate::store::{self, Db, DocKind, PublishMeta, StoreError, VersionMeta};

/// A draft as kept on the server.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Draft {
    /// The document body, as the API takes it.
    pub doc: Value,
    /// The ETag of the published version the draft started from (sent as `If-Match`, so a
    /// concurrent publication is not overwritten silently).
    #[serde(default)]
    pub base: Option<String>,
    /// A roll call read from a spreadsheet, waiting for the clerk's review.
    #[serde(default)]
    pub pending: Option<PendingRollCall>,
}

/// A roll call read from an upload, with each name's match, not yet part of the draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingRollCall {
    /// The agenda item voted on.
    pub agenda_item: String,
    /// The motion, per language.
    pub motion: Value,
    /// The vote's stage (`as_a_whole`, `first_reading` …).
    pub stage: String,
    /// The file's name, as uploaded.
    pub file: String,
    /// The rows and how each matched.
    pub rows: Vec<(rollcall::Row, rollcall::Match)>,
}

/// The draft id of a council's roster.
pub fn roster_draft_id(council: &str) -> String {
    format!("roster:{council}")
}

/// The draft id of a session record.
pub fn session_draft_id(council: &str, session: &str) -> String {
    format!("session_record:{council}:{session}")
}

/// The roster draft: the kept one, else the published roster, else an empty roster.
pub async fn roster_draft(db: &Db, council: &str) -> Result<Draft, StoreError> {
    if let Some(body) = accounts::get_draft(db, &roster_draft_id(council)).await? {
        return serde_json::from_str(&body).map_err(|e| StoreError::corrupt(format!("roster draft {council}: {e}")));
    }
    Ok(match store::councils::latest_version(db, DocKind::Roster, council).await? {
        Some((meta, body)) => Draft { doc: parse_body(&body)?, base: Some(meta.etag()), pending: None },
        None => Draft { doc: json!({"deputies": []}), base: None, pending: None },
    })
}

/// The session record draft, if one is kept or published.
pub async fn session_draft(db: &Db, council: &str, session: &str) -> Result<Option<Draft>, StoreError> {
    if let Some(body) = accounts::get_draft(db, &session_draft_id(council, session)).await? {
        let d =
            serde_json::from_str(&body).map_err(|e| StoreError::corrupt(format!("session draft {session}: {e}")))?;
        return Ok(Some(d));
    }
    let Some((meta, body)) = store::councils::latest_version(db, DocKind::SessionRecord, session).await? else {
        return Ok(None);
    };
    if meta.council_id.as_deref() != Some(council) {
        return Err(StoreError::NotFound(format!("session {session} of council {council}")));
    }
    let mut doc = parse_body(&body)?;
    // A stated reason belongs to the version that stated it, not to the next correction.
    if let Some(o) = doc.as_object_mut() {
        o.remove("reason");
    }
    Ok(Some(Draft { doc, base: Some(meta.etag()), pending: None }))
}

fn parse_body(body: &str) -> Result<Value, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::corrupt(format!("stored version body: {e}")))
}

/// Keeps a draft.
pub async fn save(db: &Db, id: &str, council: &str, draft: &Draft, by: &Account) -> Result<(), StoreError> {
    let body = serde_json::to_string(draft).map_err(|e| StoreError::corrupt(e.to_string()))?;
    accounts::put_draft(db, id, council, &body, &by.id).await
}

/// Why publishing a draft did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The document breaks rules; nothing was stored. Every violation, with its path and rule.
    #[error("the draft breaks {} rule(s)", .0.len())]
    Invalid(Vec<Violation>),
    /// Someone published another version since the draft was started.
    #[error("another version was published meanwhile")]
    Conflict,
    /// Anything else.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for PublishError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(v) => PublishError::Invalid(v),
            StoreError::PreconditionFailed { .. } | StoreError::PreconditionRequired { .. } => PublishError::Conflict,
            other => PublishError::Store(other),
        }
    }
}

fn meta(account: &Account, base: Option<String>, provenance: Provenance) -> PublishMeta {
    PublishMeta { publisher: account.id.clone(), if_match: base, reason: None, provenance, received_at: None }
}

/// A body that does not fit the document type: one violation at the field serde names.
fn shape_violation(e: serde_json::Error) -> PublishError {
    PublishError::Invalid(vec![Violation { path: String::new(), rule: "shape", message: e.to_string() }])
}

/// Publishes the roster draft through the API's path, then drops the draft.
pub async fn publish_roster(db: &Db, account: &Account, council: &str) -> Result<VersionMeta, PublishError> {
    let draft = roster_draft(db, council).await?;
    let doc: RosterDoc = serde_json::from_value(draft.doc).map_err(shape_violation)?;
    let mut v = Violations::new();
    let roster = doc.parse(&mut v);
    let published =
        store::councils::put_roster(db, council, &roster, v, &meta(account, draft.base, Provenance::Council)).await?;
    accounts::delete_draft(db, &roster_draft_id(council)).await?;
    Ok(published.meta().clone())
}

/// Publishes a session record draft (with the correction's reason) through the API's path.
pub async fn publish_session(
    db: &Db,
    account: &Account,
    council: &str,
    session: &str,
    reason: Option<String>,
) -> Result<VersionMeta, PublishError> {
    let draft = session_draft(db, council, session).await?.ok_or_else(|| StoreError::NotFound(session.into()))?;
    let mut body = draft.doc;
    if let (Some(o), Some(r)) = (body.as_object_mut(), reason.filter(|r| !r.trim().is_empty())) {
        o.insert("reason".into(), Value::String(r));
    }
    let doc: SessionRecordDoc = serde_json::from_value(body).map_err(shape_violation)?;
    let mut v = Violations::new();
    crate::domain::text::check_id(&mut v, "", session);
    let (record, reason) = doc.parse(&mut v);
    let m = meta(account, draft.base, Provenance::Council);
    let published = store::sessions::put_session_record(db, council, session, &record, reason, v, &m).await?;
    accounts::delete_draft(db, &session_draft_id(council, session)).await?;
    Ok(published.meta().clone())
}

/// Deputies serving in `council` on `date`, as roll-call candidates, from the published roster.
pub async fn serving(db: &Db, council: &str, date: NaiveDate) -> Result<Vec<rollcall::Candidate>, StoreError> {
    let roster = match store::councils::latest_version(db, DocKind::Roster, council).await? {
        Some((_, body)) => parse_body(&body)?,
        None => return Ok(Vec::new()),
    };
    Ok(candidates(&roster, date))
}

/// The deputies of a roster body with a mandate covering `date`.
pub fn candidates(roster: &Value, date: NaiveDate) -> Vec<rollcall::Candidate> {
    let day = |v: &Value| v.as_str().and_then(|s| s.parse::<NaiveDate>().ok());
    let mut out = Vec::new();
    for d in roster["deputies"].as_array().into_iter().flatten() {
        let on =
            d["mandates"].as_array().into_iter().flatten().any(|m| {
                day(&m["start_date"]).is_some_and(|s| s <= date) && day(&m["end_date"]).is_none_or(|e| e >= date)
            });
        if !on {
            continue;
        }
        let mut names: Vec<String> =
            d["names"].as_object().into_iter().flatten().filter_map(|(_, n)| n.as_str().map(str::to_owned)).collect();
        names.dedup();
        out.push(rollcall::Candidate { id: d["id"].as_str().unwrap_or_default().to_owned(), names });
    }
    out
}

/// The draft id of a public-sources record.
pub fn public_record_draft_id(id: &str) -> String {
    format!("public_record:{id}")
}

/// A monitor's public-sources record draft, in the importer's file format (every fact with its
/// source URL), if one is kept.
pub async fn public_record_draft(db: &Db, id: &str) -> Result<Option<Draft>, StoreError> {
    match accounts::get_draft(db, &public_record_draft_id(id)).await? {
        Some(body) => serde_json::from_str(&body)
            .map(Some)
            .map_err(|e| StoreError::corrupt(format!("public record draft {id}: {e}"))),
        None => Ok(None),
    }
}

/// Publishes a monitor's draft through the importer's parsing and the store's
/// `put_public_record`, with provenance `public_sources` and the account as publisher.
pub async fn publish_public_record(db: &Db, account: &Account, id: &str) -> Result<VersionMeta, PublishError> {
    let draft = public_record_draft(db, id).await?.ok_or_else(|| StoreError::NotFound(id.into()))?;
    let (doc_id, record, v) =
        crate::interchange::public_records::parse_record(draft.doc).map_err(|v| PublishError::Invalid(vec![v]))?;
    let m = meta(account, draft.base, Provenance::PublicSources);
    let published = store::public_records::put_public_record(db, &doc_id, &record, v, &m).await?;
    accounts::delete_draft(db, &public_record_draft_id(id)).await?;
    Ok(published.meta().clone())
}
