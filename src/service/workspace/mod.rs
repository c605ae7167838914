//! The publisher workspace's use cases (issue 18): accounts and their browser sessions, drafts
//! of a council's roster, of a session record and of a public-sources record, kept on the server
//! until published, and publishing them.
//!
//! A draft is the very JSON body the API's `PUT` takes (or, for a monitor, the importer's record
//! format), plus what the workspace needs between requests (the ETag it was started from, a roll
//! call waiting for the clerk's review). Publishing parses that body with the same document types
//! and hands it to [`super::publish`] (the store's one publication path), with a [`PublishMeta`]
//! naming the account: the same rules, the same transaction, the same log. There is no second
//! write path.

pub mod rollcall;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Error, Service};
use crate::documents::read;
use crate::documents::roster::RosterDoc;
use crate::documents::session::SessionRecordDoc;
use crate::domain::Violation;
use crate::domain::enums::Provenance;
use crate::domain::metrics as m;
use crate::domain::session::SessionRecord;
use crate::domain::violation::Violations;
use crate::domain::witness::Witnessed;
use crate::store::read::versions;
use crate::store::{DocKind, PublishMeta, VersionMeta};

pub use crate::store::accounts::{Account, AccountKind, SignedIn};

use crate::store::accounts;

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
pub async fn roster_draft(svc: &Service, council: &str) -> Result<Draft, Error> {
    if let Some(body) = accounts::get_draft(&svc.db, &roster_draft_id(council)).await? {
        return serde_json::from_str(&body).map_err(|e| Error::Internal(format!("roster draft {council}: {e}")));
    }
    Ok(match versions::latest_version(&svc.db, DocKind::Roster, council).await? {
        Some(versions::StoredVersion { meta, body }) => {
            Draft { doc: parse_body(&body)?, base: Some(meta.etag()), pending: None }
        }
        None => Draft { doc: json!({"deputies": []}), base: None, pending: None },
    })
}

/// The session record draft, if one is kept or published.
pub async fn session_draft(svc: &Service, council: &str, session: &str) -> Result<Option<Draft>, Error> {
    if let Some(body) = accounts::get_draft(&svc.db, &session_draft_id(council, session)).await? {
        let d = serde_json::from_str(&body).map_err(|e| Error::Internal(format!("session draft {session}: {e}")))?;
        return Ok(Some(d));
    }
    let Some(versions::StoredVersion { meta, body }) =
        versions::latest_version(&svc.db, DocKind::SessionRecord, session).await?
    else {
        return Ok(None);
    };
    if meta.council_id.as_deref() != Some(council) {
        return Err(Error::NotFound(format!("session {session} of council {council}")));
    }
    let mut doc = parse_body(&body)?;
    // A stated reason belongs to the version that stated it, not to the next correction.
    if let Some(o) = doc.as_object_mut() {
        o.remove("reason");
    }
    Ok(Some(Draft { doc, base: Some(meta.etag()), pending: None }))
}

fn parse_body(body: &str) -> Result<Value, Error> {
    serde_json::from_str(body).map_err(|e| Error::Internal(format!("stored version body: {e}")))
}

/// Keeps a draft.
pub async fn save(svc: &Service, id: &str, council: &str, draft: &Draft, by: &Account) -> Result<(), Error> {
    let body = serde_json::to_string(draft).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(accounts::put_draft(&svc.db, id, council, &body, &by.id).await?)
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
    /// Anything else (the draft is gone, the database failed).
    #[error(transparent)]
    Other(Error),
}

impl From<Error> for PublishError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(v) => PublishError::Invalid(v),
            Error::PreconditionFailed { .. } | Error::PreconditionRequired { .. } => PublishError::Conflict,
            other => PublishError::Other(other),
        }
    }
}

fn meta(account: &Account, base: Option<String>, provenance: Provenance) -> PublishMeta {
    PublishMeta { publisher: account.id.clone(), if_match: base, reason: None, provenance, received_at: None }
}

/// A body that does not fit the document type: one violation at the field it names, with the
/// API's rule (`required`, `allowed_values`, `unknown_field`, `range`, `type`).
fn shape_violation(v: Violation) -> PublishError {
    PublishError::Invalid(vec![v])
}

/// Publishes the roster draft through the API's path, then drops the draft.
pub async fn publish_roster(svc: &Service, account: &Account, council: &str) -> Result<VersionMeta, PublishError> {
    let draft = roster_draft(svc, council).await?;
    let doc: RosterDoc = read::from_value(draft.doc).map_err(shape_violation)?;
    let mut v = Violations::new();
    let roster = doc.parse(&mut v);
    let published =
        super::publish::roster(svc, council, &roster, v, &meta(account, draft.base, Provenance::Council)).await?;
    accounts::delete_draft(&svc.db, &roster_draft_id(council)).await.map_err(Error::from)?;
    Ok(published.meta().clone())
}

/// Publishes a session record draft (with the correction's reason) through the API's path.
pub async fn publish_session(
    svc: &Service,
    account: &Account,
    council: &str,
    session: &str,
    reason: Option<String>,
) -> Result<VersionMeta, PublishError> {
    let draft = session_draft(svc, council, session).await?.ok_or_else(|| Error::NotFound(session.into()))?;
    let mut body = draft.doc;
    if let (Some(o), Some(r)) = (body.as_object_mut(), reason.filter(|r| !r.trim().is_empty())) {
        o.insert("reason".into(), Value::String(r));
    }
    let doc: SessionRecordDoc = read::from_value(body).map_err(shape_violation)?;
    let mut v = Violations::new();
    crate::domain::text::check_id(&mut v, "", session);
    let (record, reason) = doc.parse(&mut v);
    let m = meta(account, draft.base, Provenance::Council);
    let published = super::publish::session_record(svc, council, session, &record, reason, v, &m).await?;
    accounts::delete_draft(&svc.db, &session_draft_id(council, session)).await.map_err(Error::from)?;
    Ok(published.meta().clone())
}

/// Deputies serving in `council` on `date`, as roll-call candidates, from the published roster.
pub async fn serving(svc: &Service, council: &str, date: NaiveDate) -> Result<Vec<rollcall::Candidate>, Error> {
    let roster = match versions::latest_version(&svc.db, DocKind::Roster, council).await? {
        Some(v) => parse_body(&v.body)?,
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
pub async fn public_record_draft(svc: &Service, id: &str) -> Result<Option<Draft>, Error> {
    match accounts::get_draft(&svc.db, &public_record_draft_id(id)).await? {
        Some(body) => {
            serde_json::from_str(&body).map(Some).map_err(|e| Error::Internal(format!("public record draft {id}: {e}")))
        }
        None => Ok(None),
    }
}

/// Publishes a monitor's draft through the importer's parsing and the store's
/// `put_public_record`, with provenance `public_sources` and the account as publisher. A
/// correction (a draft started from a published version) must say why; the reason is kept with
/// the new version, as a clerk's is.
pub async fn publish_public_record(
    svc: &Service,
    account: &Account,
    id: &str,
    reason: Option<String>,
) -> Result<VersionMeta, PublishError> {
    let draft = public_record_draft(svc, id).await?.ok_or_else(|| Error::NotFound(id.into()))?;
    let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let (doc_id, record, mut v) =
        crate::interchange::public_records::parse_record(draft.doc).map_err(|v| PublishError::Invalid(vec![v]))?;
    if draft.base.is_some() && reason.is_none() {
        v.push("/reason", "reason_required", "a correction of a published record says why");
    }
    if let Some(r) = &reason {
        crate::domain::text::clean_opt(&mut v, "/reason", Some(r.as_str()), 2000, true);
    }
    let m = PublishMeta { reason, ..meta(account, draft.base, Provenance::PublicSources) };
    let published = super::publish::public_record(svc, &doc_id, &record, v, &m).await?;
    accounts::delete_draft(&svc.db, &public_record_draft_id(id)).await.map_err(Error::from)?;
    Ok(published.meta().clone())
}

/// Starts a correction of a published public-sources record: a draft of its current version in
/// the importer's format, based on that version's ETag (so a concurrent publication is not
/// overwritten). An existing draft is kept as it is.
pub async fn correct_public_record(svc: &Service, account: &Account, id: &str) -> Result<(), Error> {
    if public_record_draft(svc, id).await?.is_some() {
        return Ok(());
    }
    let current = super::public_records::get(svc, id).await?;
    if current.record.provenance != Provenance::PublicSources.as_str() {
        return Err(Error::BadRequest(format!("{id} is not a public-sources record")));
    }
    let doc = crate::interchange::public_records::to_file(id, &current.record.record);
    let draft = Draft { doc, base: Some(current.version.etag()), pending: None };
    save_public_record(svc, id, &draft, account).await
}

/// Whether a public record `id` is published.
pub async fn public_record_published(svc: &Service, id: &str) -> Result<bool, Error> {
    match super::public_records::get(svc, id).await {
        Ok(_) => Ok(true),
        Err(Error::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Keeps a monitor's public-sources record draft (not tied to one council).
pub async fn save_public_record(svc: &Service, id: &str, draft: &Draft, by: &Account) -> Result<(), Error> {
    save(svc, &public_record_draft_id(id), "", draft, by).await
}

// ---------------------------------------------------------------- accounts and sessions

/// Creates an account and returns it with its first one-time sign-in token.
pub async fn create_account(
    svc: &Service,
    name: &str,
    kind: AccountKind,
    council: Option<&str>,
    link_ttl: Duration,
) -> Result<(Account, String), Error> {
    Ok(accounts::create_account(&svc.db, name, kind, council, link_ttl).await?)
}

/// Every account, oldest first.
pub async fn list_accounts(svc: &Service) -> Result<Vec<Account>, Error> {
    Ok(accounts::list_accounts(&svc.db).await?)
}

/// Revokes an account: its sessions end and its sign-in link stops working.
pub async fn revoke_account(svc: &Service, id: &str) -> Result<(), Error> {
    Ok(accounts::revoke_account(&svc.db, id).await?)
}

/// Exchanges a one-time sign-in token for a session: the cookie's value and the session.
pub async fn redeem(svc: &Service, token: &str, session_ttl: Duration) -> Result<Option<(String, SignedIn)>, Error> {
    Ok(accounts::redeem(&svc.db, token, session_ttl).await?)
}

/// The account whose latest sign-in link `token` is (fresh, used or expired), if any.
pub async fn sign_in_owner(svc: &Service, token: &str) -> Result<Option<String>, Error> {
    Ok(accounts::sign_in_owner(&svc.db, token).await?)
}

/// The live session a cookie names, if any.
pub async fn session(svc: &Service, cookie: &str) -> Result<Option<SignedIn>, Error> {
    Ok(accounts::session(&svc.db, cookie).await?)
}

/// Ends a session.
pub async fn sign_out(svc: &Service, id_hash: &str) -> Result<(), Error> {
    Ok(accounts::sign_out(&svc.db, id_hash).await?)
}

// ---------------------------------------------------------------- preview

/// What a session draft would be if it were published now, computed without storing anything.
#[derive(Debug, Clone)]
pub struct SessionPreview {
    /// The record as the draft parses (`None` when it breaks the document's rules).
    pub record: Option<SessionRecord>,
    /// Every rule of the document format the draft breaks (the publication path checks more:
    /// deputies serving on the day, the council's seats; those show when publishing).
    pub violations: Vec<Violation>,
    /// Whether the record would count as backfilled (first received after its start).
    pub backfilled: bool,
    /// The six openness components it would earn as of now (held sessions only).
    pub openness: Option<m::SessionOpenness>,
    /// The session's openness score and coverage from those components.
    pub score: (Option<f64>, f64),
}

/// The times the published versions of `session` established, if it is published.
async fn witnessed_so_far(svc: &Service, session: &str) -> Result<Option<Witnessed>, Error> {
    let full = match super::sessions::get(svc, session).await {
        Ok(f) => f,
        Err(Error::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(Witnessed {
        first_received_at: full.session.first_received_at,
        agenda_first_public_at: full.session.agenda_first_public_at,
        minutes_first_public_at: full.session.minutes_first_public_at,
        items: full.agenda.iter().map(|a| (a.id.clone(), a.first_public_at)).collect(),
        documents: full.documents.iter().map(|d| (d.id.clone(), d.first_public_at)).collect(),
    }))
}

/// Previews the session draft: parsed with the API's document type, with the witnessed times a
/// publication now would give it (keeping those of earlier versions), scored by the domain's
/// openness functions exactly as the stored record would be.
pub async fn preview_session(svc: &Service, council: &str, session: &str) -> Result<SessionPreview, Error> {
    let draft = session_draft(svc, council, session).await?.ok_or_else(|| Error::NotFound(session.into()))?;
    let doc: SessionRecordDoc = match read::from_value(draft.doc) {
        Ok(d) => d,
        Err(x) => {
            let v = vec![x];
            return Ok(SessionPreview {
                record: None,
                violations: v,
                backfilled: false,
                openness: None,
                score: (None, 0.0),
            });
        }
    };
    let mut v = Violations::new();
    let (record, _) = doc.parse(&mut v);
    let violations = v.into_vec();
    let now = chrono::Utc::now();
    let w = Witnessed::next(witnessed_so_far(svc, session).await?.as_ref(), &record, now);
    let backfilled = w.backfilled(&record);
    let held = record.status == crate::domain::enums::SessionStatus::Held;
    let openness = m::record_inputs(session, &record, &w, m::Provenance::Council).filter(|_| held).map(|x| {
        let items: Vec<&m::AgendaItem> = x.items.iter().collect();
        let votes: Vec<&m::VoteEvent> = x.votes.iter().collect();
        m::session_openness(&x.session, &items, &votes, now)
    });
    let score = openness.as_ref().map_or((None, 0.0), |o| {
        let parts: Vec<(u32, Option<f64>)> =
            m::Component::ALL.iter().map(|c| (c.weight_percent(), o.get(*c).value)).collect();
        m::openness_score(&parts)
    });
    Ok(SessionPreview { record: Some(record), violations, backfilled, openness, score })
}
