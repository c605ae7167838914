//! Sessions as served: the session with its witnessed times, its agenda items and documents, each
//! with when it first became public.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::versions::attach_leaves;
use crate::domain::enums::{DocumentKind, Initiator, ItemResult, SessionKind, SessionStatus};
use crate::domain::session::DeclaredNotice;
use crate::entity::{agenda_item, document, document_version, session};
use crate::store::paging::{Page, after, cursor_part, page, split_cursor};
use crate::store::stored::At;
use crate::store::{Db, DocKind, StoreError, VersionMeta};

/// A session as stored now.
#[derive(Debug, Clone)]
pub struct SessionRead {
    /// Its id.
    pub id: String,
    /// Its council.
    pub council_id: String,
    /// Its convocation.
    pub convocation: String,
    /// Its number within the convocation.
    pub number: i32,
    /// What kind of sitting.
    pub kind: SessionKind,
    /// Where it stands.
    pub status: SessionStatus,
    /// Scheduled start.
    pub scheduled_start: DateTime<Utc>,
    /// Scheduled end.
    pub scheduled_end: Option<DateTime<Utc>>,
    /// Actual start.
    pub actual_start: Option<DateTime<Utc>>,
    /// Actual end.
    pub actual_end: Option<DateTime<Utc>>,
    /// Place.
    pub place: Option<String>,
    /// Open to the public.
    pub is_open: bool,
    /// Live stream.
    pub livestream_url: Option<String>,
    /// Recording.
    pub recording_url: Option<String>,
    /// The minutes document's id.
    pub minutes_document_id: Option<String>,
    /// A notice the council declares it published elsewhere.
    pub declared_notice: Option<DeclaredNotice>,
    /// Its first version arrived after its scheduled start: witnessed times say nothing about
    /// openness.
    pub backfilled: bool,
    /// When its first version was received.
    pub first_received_at: DateTime<Utc>,
    /// When a version with an agenda was first received.
    pub agenda_first_public_at: Option<DateTime<Utc>>,
    /// When a version with minutes was first received.
    pub minutes_first_public_at: Option<DateTime<Utc>>,
    /// Made up (demo data).
    pub synthetic: bool,
    /// The current version of its record.
    pub version: i32,
}

/// An agenda item as stored now.
#[derive(Debug, Clone)]
pub struct AgendaItemRead {
    /// Its id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// Its order.
    pub position: i32,
    /// Its number as printed.
    pub number_label: Option<String>,
    /// Titles per language tag.
    pub titles: BTreeMap<String, String>,
    /// Who put it on the agenda.
    pub initiator: Initiator,
    /// Considered in public.
    pub is_open: bool,
    /// What became of it.
    pub result: Option<ItemResult>,
    /// When it first appeared in a received version.
    pub first_public_at: DateTime<Utc>,
    /// It appeared after the agenda was first public.
    pub added_late: bool,
}

/// A session document as stored now.
#[derive(Debug, Clone)]
pub struct DocumentRead {
    /// Its id.
    pub id: String,
    /// The agenda item it belongs to.
    pub agenda_item_id: Option<String>,
    /// Its kind.
    pub kind: DocumentKind,
    /// Its title.
    pub title: String,
    /// Its media type.
    pub media_type: String,
    /// Where it is.
    pub url: String,
    /// SHA-256 of the file.
    pub sha256: Option<String>,
    /// Its language.
    pub language: String,
    /// Its text.
    pub text: Option<String>,
    /// When it first appeared in a received version.
    pub first_public_at: DateTime<Utc>,
    /// When a backfilled record declares it was first made public.
    pub declared_public_at: Option<DateTime<Utc>>,
    /// Where that declared time can be checked.
    pub declared_public_source: Option<String>,
}

/// A session with its agenda, documents and current version, read in one snapshot.
#[derive(Debug, Clone)]
pub struct SessionFull {
    /// The session.
    pub session: SessionRead,
    /// Agenda items by position.
    pub agenda: Vec<AgendaItemRead>,
    /// Documents by id.
    pub documents: Vec<DocumentRead>,
    /// The current version.
    pub version: VersionMeta,
}

pub(crate) fn session_read(s: session::Model) -> Result<SessionRead, StoreError> {
    let at = At::new("session", &s.id);
    Ok(SessionRead {
        kind: at.enumeration("kind", &s.kind)?,
        status: at.enumeration("status", &s.status)?,
        declared_notice: match (s.declared_notice_at, s.declared_notice_source) {
            (Some(published_at), Some(source_url)) => Some(DeclaredNotice { published_at, source_url }),
            _ => None,
        },
        id: s.id,
        council_id: s.council_id,
        convocation: s.convocation,
        number: s.number,
        scheduled_start: s.scheduled_start,
        scheduled_end: s.scheduled_end,
        actual_start: s.actual_start,
        actual_end: s.actual_end,
        place: s.place,
        is_open: s.is_open,
        livestream_url: s.livestream_url,
        recording_url: s.recording_url,
        minutes_document_id: s.minutes_document_id,
        backfilled: s.backfilled,
        first_received_at: s.first_received_at,
        agenda_first_public_at: s.agenda_first_public_at,
        minutes_first_public_at: s.minutes_first_public_at,
        synthetic: s.synthetic,
        version: s.version,
    })
}

fn item_read(a: agenda_item::Model) -> Result<AgendaItemRead, StoreError> {
    let at = At::new("agenda_item", &a.id);
    Ok(AgendaItemRead {
        titles: at.names("titles", &a.titles)?,
        initiator: at.enumeration("initiator", &a.initiator)?,
        result: at.opt_enumeration("result", a.result.as_deref())?,
        id: a.id,
        session_id: a.session_id,
        position: a.position,
        number_label: a.number_label,
        is_open: a.is_open,
        first_public_at: a.first_public_at,
        added_late: a.added_late,
    })
}

fn document_read(d: document::Model) -> Result<DocumentRead, StoreError> {
    Ok(DocumentRead {
        kind: At::new("document", &d.id).enumeration("kind", &d.kind)?,
        id: d.id,
        agenda_item_id: d.agenda_item_id,
        title: d.title,
        media_type: d.media_type,
        url: d.url,
        sha256: d.sha256,
        language: d.language,
        text: d.body_text,
        first_public_at: d.first_public_at,
        declared_public_at: d.declared_public_at,
        declared_public_source: d.declared_public_source,
    })
}

/// Filters of [`list_sessions`].
#[derive(Debug, Default, Clone)]
pub struct SessionFilter {
    /// Only this council.
    pub council: Option<String>,
    /// Sessions scheduled on or after this local date.
    pub from: Option<NaiveDate>,
    /// Sessions scheduled on or before this local date.
    pub to: Option<NaiveDate>,
    /// Only this status.
    pub status: Option<SessionStatus>,
    /// Only this kind.
    pub kind: Option<SessionKind>,
    /// Changed after this time.
    pub modified_since: Option<DateTime<Utc>>,
}

/// UTC bounds of local (UTC+5) calendar dates, inclusive.
fn day_bounds(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc() - chrono::Duration::hours(5));
    (from.and_then(start), to.and_then(|d| d.succ_opt()).and_then(start))
}

/// Sessions ordered by scheduled start, then id.
pub async fn list_sessions(
    db: &Db,
    f: &SessionFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<SessionRead>, StoreError> {
    let mut q = session::Entity::find()
        .order_by_asc(session::Column::ScheduledStart)
        .order_by_asc(session::Column::Id)
        .limit(limit.saturating_add(1));
    if let Some(c) = &f.council {
        q = q.filter(session::Column::CouncilId.eq(c.as_str()));
    }
    let (lo, hi) = day_bounds(f.from, f.to);
    if let Some(lo) = lo {
        q = q.filter(session::Column::ScheduledStart.gte(lo));
    }
    if let Some(hi) = hi {
        q = q.filter(session::Column::ScheduledStart.lt(hi));
    }
    if let Some(s) = f.status {
        q = q.filter(session::Column::Status.eq(s.as_str()));
    }
    if let Some(k) = f.kind {
        q = q.filter(session::Column::Kind.eq(k.as_str()));
    }
    if let Some(t) = f.modified_since {
        q = q.filter(session::Column::UpdatedAt.gt(t));
    }
    if let Some(c) = cursor {
        let (t, id) = split_cursor(c)?;
        let t: DateTime<Utc> = cursor_part(t)?;
        q = q.filter(after(session::Column::ScheduledStart, t, session::Column::Id, id));
    }
    let rows = q.all(db).await?.into_iter().map(session_read).collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |s| format!("{}|{}", s.scheduled_start.to_rfc3339(), s.id)))
}

/// One session with agenda, documents and its current version.
pub async fn get_session(db: &Db, id: &str) -> Result<SessionFull, StoreError> {
    // Read in one snapshot so a concurrent publication is seen whole or not at all.
    let txn = crate::store::snapshot(db).await?;
    let s = session::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("session {id}")))?;
    let agenda = agenda_item::Entity::find()
        .filter(agenda_item::Column::SessionId.eq(id))
        .order_by_asc(agenda_item::Column::Position)
        .all(&txn)
        .await?;
    let documents = document::Entity::find()
        .filter(document::Column::SessionId.eq(id))
        .order_by_asc(document::Column::Id)
        .all(&txn)
        .await?;
    let version = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(DocKind::SessionRecord.as_str()))
        .filter(document_version::Column::DocId.eq(id))
        .order_by_desc(document_version::Column::Version)
        .one(&txn)
        .await?
        .map(VersionMeta::try_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("session {id}")))?;
    txn.commit().await?;
    let mut metas = [version];
    attach_leaves(db, &mut metas).await?;
    let [version] = metas;
    Ok(SessionFull {
        session: session_read(s)?,
        agenda: agenda.into_iter().map(item_read).collect::<Result<_, _>>()?,
        documents: documents.into_iter().map(document_read).collect::<Result<_, _>>()?,
        version,
    })
}

/// Agenda items of a session or a council, by session then position.
pub async fn list_agenda_items(
    db: &Db,
    session_id: Option<&str>,
    council: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<AgendaItemRead>, StoreError> {
    let mut q = agenda_item::Entity::find()
        .order_by_asc(agenda_item::Column::SessionId)
        .order_by_asc(agenda_item::Column::Position)
        .limit(limit.saturating_add(1));
    if let Some(s) = session_id {
        q = q.filter(agenda_item::Column::SessionId.eq(s));
    }
    if let Some(c) = council {
        q = q.filter(agenda_item::Column::CouncilId.eq(c));
    }
    if let Some(c) = cursor {
        let (s, pos) = split_cursor(c)?;
        let pos: i32 = cursor_part(pos)?;
        q = q.filter(after(agenda_item::Column::SessionId, s, agenda_item::Column::Position, pos));
    }
    let rows = q.all(db).await?.into_iter().map(item_read).collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |a| format!("{}|{}", a.session_id, a.position)))
}
