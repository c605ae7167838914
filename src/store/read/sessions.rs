//! Sessions as served: the session with its witnessed times, its agenda items and documents, each
//! with when it first became public.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::versions::attach_leaves;
use crate::domain::enums::{SessionKind, SessionStatus};
use crate::entity::{agenda_item, document, document_version, session};
use crate::store::paging::{Page, after, cursor_part, page, split_cursor};
use crate::store::tables::{AgendaItem, Document, Session, all};
use crate::store::{Db, DocKind, StoreError, VersionMeta};

/// A session with its agenda, documents and current version, read in one snapshot.
#[derive(Debug, Clone)]
pub struct SessionFull {
    /// The session.
    pub session: Session,
    /// Agenda items by position.
    pub agenda: Vec<AgendaItem>,
    /// Documents by id.
    pub documents: Vec<Document>,
    /// The current version.
    pub version: VersionMeta,
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
) -> Result<Page<Session>, StoreError> {
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
    let rows = all(q.all(db).await?)?;
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
    Ok(SessionFull { session: Session::try_from(s)?, agenda: all(agenda)?, documents: all(documents)?, version })
}

/// Agenda items of a session or a council, by session then position.
pub async fn list_agenda_items(
    db: &Db,
    session_id: Option<&str>,
    council: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<AgendaItem>, StoreError> {
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
    let rows = all(q.all(db).await?)?;
    Ok(page(rows, limit, |a| format!("{}|{}", a.session_id, a.position)))
}
