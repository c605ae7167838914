//! Session records: publication with witnessed times, and the reads behind sessions, agenda
//! items, vote events, ballots, speeches and the change feed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::StoreError;
use super::councils::{Page, load_council, page};
use super::projection::write;
use super::publish::{DocKind, Publication, PublishMeta, Published, VersionMeta, canonical_json};
use crate::domain::Violations;
use crate::domain::roster::period_covers;
use crate::domain::session::{SessionContext, SessionRecord, local_date};
use crate::entity::{agenda_item, ballot, document, document_version, mandate, session, speech, vote_event};

/// Ids in `ids` that agenda items, documents, vote events or speeches of a session other than
/// `session_id` already hold: one query (a `UNION ALL` over the four tables) per chunk of ids.
async fn foreign<C: ConnectionTrait>(db: &C, session_id: &str, ids: &[String]) -> Result<HashSet<String>, StoreError> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType};
    // Each id is bound once per table: keep a statement well below the parameter limits.
    const CHUNK: usize = 2_000;
    let select = |table: &str, chunk: &[String]| -> SelectStatement {
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().cloned()))
            .and_where(Expr::col(Alias::new("session_id")).ne(session_id))
            .to_owned()
    };
    let mut out = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let mut q = select("agenda_item", chunk);
        for table in ["document", "vote_event", "speech"] {
            q.union(UnionType::All, select(table, chunk));
        }
        for row in db.query_all(&q).await? {
            out.insert(row.try_get_by_index::<String>(0)?);
        }
    }
    Ok(out)
}

/// Publishes one session's record (publisher of its council, or admin).
#[tracing::instrument(skip_all, fields(council = %council_id, session = %session_id))]
pub async fn put_session_record<C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>>(
    db: &C,
    council_id: &str,
    session_id: &str,
    doc: &SessionRecord,
    reason: Option<String>,
    mut v: Violations,
    meta: &PublishMeta,
) -> Result<Published, StoreError> {
    let p = Publication::begin(
        db,
        DocKind::SessionRecord,
        session_id,
        Some(council_id),
        canonical_json(doc)?,
        meta.received_at,
    )
    .await?;
    let council = load_council(&p.txn, council_id).await?;
    let existing = session::Entity::find_by_id(session_id.to_owned()).one(&p.txn).await?;
    if existing.as_ref().is_some_and(|s| s.council_id != council_id) {
        return Err(StoreError::NotFound(format!("session {session_id} of council {council_id}")));
    }
    if let Some(same) = p.preconditions(meta.if_match.as_deref(), &v)? {
        return Ok(Published::Unchanged(same));
    }
    let date = doc.date();
    let mandates = mandate::Entity::find().filter(mandate::Column::CouncilId.eq(council_id)).all(&p.txn).await?;
    let mut serving: HashMap<String, bool> = HashMap::new();
    for m in mandates {
        let on = period_covers(m.start_date, m.end_date, date);
        *serving.entry(m.deputy_id).or_insert(false) |= on;
    }
    let mut ids: Vec<String> = doc.agenda.iter().map(|a| a.id.clone()).collect();
    ids.extend(doc.documents.iter().map(|d| d.id.clone()));
    ids.extend(doc.vote_events.iter().map(|e| e.id.clone()));
    ids.extend(doc.speeches.iter().map(|s| s.id.clone()));
    let ctx = SessionContext { serving, foreign_ids: foreign(&p.txn, session_id, &ids).await? };
    doc.check(&council, &ctx, &mut v);
    // A change after the session date is a correction: it must say why, in public.
    if p.current.is_some() && local_date(p.received_at) > date && reason.is_none() {
        v.push(
            "/reason",
            "reason_required",
            format!("this record is changed after the session date {date}; give a reason"),
        );
    }
    if !v.is_empty() {
        return Err(StoreError::Invalid(v.into_vec()));
    }

    write::apply_session(&p.txn, &p.logged(meta.provenance), doc, council.synthetic, existing).await?;
    let meta = PublishMeta { reason, ..meta.clone() };
    Ok(Published::Created(p.commit(&meta).await?))
}

/// Splits a composite cursor `a|b`.
fn split_cursor(c: &str) -> Result<(&str, &str), StoreError> {
    c.split_once('|').ok_or_else(bad_cursor)
}

fn bad_cursor() -> StoreError {
    StoreError::BadRequest("cursor is not one this server issued; start again without it".into())
}

/// Filters for `list_sessions`.
#[derive(Debug, Default)]
pub struct SessionFilter {
    /// Only this council.
    pub council: Option<String>,
    /// Sessions scheduled on or after this date.
    pub from: Option<NaiveDate>,
    /// Sessions scheduled on or before this date.
    pub to: Option<NaiveDate>,
    /// Only this status.
    pub status: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Changed after this time.
    pub modified_since: Option<DateTime<Utc>>,
}

/// UTC bounds of local (UTC+5) calendar dates, inclusive.
fn day_bounds(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc() - chrono::Duration::hours(5));
    (from.and_then(start), to.and_then(|d| d.succ_opt()).and_then(start))
}

/// The SHA-256 of the current version of the session record `id`, if one is stored.
pub async fn current_sha256(db: &DatabaseConnection, id: &str) -> Result<Option<String>, StoreError> {
    Ok(document_version::Entity::find()
        .select_only()
        .column(document_version::Column::Sha256)
        .filter(document_version::Column::Kind.eq(DocKind::SessionRecord.as_str()))
        .filter(document_version::Column::DocId.eq(id))
        .order_by_desc(document_version::Column::Version)
        .into_tuple::<String>()
        .one(db)
        .await?)
}

/// Sessions ordered by scheduled start, then id.
pub async fn list_sessions(
    db: &DatabaseConnection,
    f: &SessionFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<session::Model>, StoreError> {
    let mut q = session::Entity::find()
        .order_by_asc(session::Column::ScheduledStart)
        .order_by_asc(session::Column::Id)
        .limit(limit + 1);
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
    if let Some(s) = &f.status {
        q = q.filter(session::Column::Status.eq(s.as_str()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(session::Column::Kind.eq(k.as_str()));
    }
    if let Some(t) = f.modified_since {
        q = q.filter(session::Column::UpdatedAt.gt(t));
    }
    if let Some(c) = cursor {
        let (t, id) = split_cursor(c)?;
        let t: DateTime<Utc> = t.parse().map_err(|_| bad_cursor())?;
        q = q.filter(
            Condition::any()
                .add(session::Column::ScheduledStart.gt(t))
                .add(Condition::all().add(session::Column::ScheduledStart.eq(t)).add(session::Column::Id.gt(id))),
        );
    }
    Ok(page(q.all(db).await?, limit, |s| format!("{}|{}", s.scheduled_start.to_rfc3339(), s.id)))
}

/// A session with its agenda and documents.
pub struct SessionFull {
    /// The session row.
    pub session: session::Model,
    /// Agenda items by position.
    pub agenda: Vec<agenda_item::Model>,
    /// Documents.
    pub documents: Vec<document::Model>,
    /// The current version.
    pub version: VersionMeta,
}

/// One session with agenda, documents and its current version.
pub async fn get_session(db: &DatabaseConnection, id: &str) -> Result<SessionFull, StoreError> {
    // Read in one snapshot so a concurrent publication is seen whole or not at all.
    let txn = super::snapshot(db).await?;
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
    super::log::attach_leaves(db, &mut metas).await?;
    let [version] = metas;
    Ok(SessionFull { session: s, agenda, documents, version })
}

/// Agenda items of a session or a council, by session then position.
pub async fn list_agenda_items(
    db: &DatabaseConnection,
    session_id: Option<&str>,
    council: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<agenda_item::Model>, StoreError> {
    let mut q = agenda_item::Entity::find()
        .order_by_asc(agenda_item::Column::SessionId)
        .order_by_asc(agenda_item::Column::Position)
        .limit(limit + 1);
    if let Some(s) = session_id {
        q = q.filter(agenda_item::Column::SessionId.eq(s));
    }
    if let Some(c) = council {
        q = q.filter(agenda_item::Column::CouncilId.eq(c));
    }
    if let Some(c) = cursor {
        let (s, pos) = split_cursor(c)?;
        let pos: i32 = pos.parse().map_err(|_| bad_cursor())?;
        q = q.filter(Condition::any().add(agenda_item::Column::SessionId.gt(s)).add(
            Condition::all().add(agenda_item::Column::SessionId.eq(s)).add(agenda_item::Column::Position.gt(pos)),
        ));
    }
    Ok(page(q.all(db).await?, limit, |a| format!("{}|{}", a.session_id, a.position)))
}

/// Filters for `list_vote_events`.
#[derive(Debug, Default)]
pub struct VoteFilter {
    /// Only this council.
    pub council: Option<String>,
    /// Only this session.
    pub session: Option<String>,
    /// On or after this date.
    pub from: Option<NaiveDate>,
    /// On or before this date.
    pub to: Option<NaiveDate>,
    /// Only this result.
    pub result: Option<String>,
    /// Only this method.
    pub method: Option<String>,
    /// Only contested (true) or uncontested (false) votes.
    pub contested: Option<bool>,
}

/// Vote events by session date, then id.
pub async fn list_vote_events(
    db: &DatabaseConnection,
    f: &VoteFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<vote_event::Model>, StoreError> {
    let mut q = vote_event::Entity::find()
        .order_by_asc(vote_event::Column::SessionDate)
        .order_by_asc(vote_event::Column::Id)
        .limit(limit + 1);
    if let Some(c) = &f.council {
        q = q.filter(vote_event::Column::CouncilId.eq(c.as_str()));
    }
    if let Some(s) = &f.session {
        q = q.filter(vote_event::Column::SessionId.eq(s.as_str()));
    }
    if let Some(d) = f.from {
        q = q.filter(vote_event::Column::SessionDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(vote_event::Column::SessionDate.lte(d));
    }
    if let Some(r) = &f.result {
        q = q.filter(vote_event::Column::Result.eq(r.as_str()));
    }
    if let Some(m) = &f.method {
        q = q.filter(vote_event::Column::Method.eq(m.as_str()));
    }
    if let Some(c) = f.contested {
        q = q.filter(vote_event::Column::Contested.eq(c));
    }
    if let Some(c) = cursor {
        let (d, id) = split_cursor(c)?;
        let d: NaiveDate = d.parse().map_err(|_| bad_cursor())?;
        q = q.filter(
            Condition::any()
                .add(vote_event::Column::SessionDate.gt(d))
                .add(Condition::all().add(vote_event::Column::SessionDate.eq(d)).add(vote_event::Column::Id.gt(id))),
        );
    }
    Ok(page(q.all(db).await?, limit, |e| format!("{}|{}", e.session_date, e.id)))
}

/// Each deputy's party (absent when non-partisan) and mandate (nomination, seat type) on a date.
pub type StatusOn = HashMap<String, (Option<String>, Option<(String, String)>)>;

/// One vote event with its ballots and each voter's status that day, read in one snapshot.
pub async fn get_vote_event(
    db: &DatabaseConnection,
    id: &str,
) -> Result<(vote_event::Model, Vec<ballot::Model>, StatusOn), StoreError> {
    let txn = super::snapshot(db).await?;
    let e = vote_event::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("vote event {id}")))?;
    let ballots = ballot::Entity::find()
        .filter(ballot::Column::VoteEventId.eq(id))
        .order_by_asc(ballot::Column::DeputyId)
        .all(&txn)
        .await?;
    let deputies: Vec<String> = ballots.iter().map(|b| b.deputy_id.clone()).collect();
    let status = status_on(&txn, &deputies, e.session_date).await?;
    txn.commit().await?;
    Ok((e, ballots, status))
}

/// A deputy's ballots by session date, then vote event, with the vote they were cast in.
pub async fn list_deputy_ballots(
    db: &DatabaseConnection,
    deputy_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<(Page<(ballot::Model, vote_event::Model)>, Vec<crate::entity::party_membership::Model>), StoreError> {
    use crate::entity::party_membership;
    let txn = super::snapshot(db).await?;
    let db = &txn;
    if crate::entity::deputy::Entity::find_by_id(deputy_id.to_owned()).one(db).await?.is_none() {
        return Err(StoreError::NotFound(format!("deputy {deputy_id}")));
    }
    let memberships =
        party_membership::Entity::find().filter(party_membership::Column::DeputyId.eq(deputy_id)).all(db).await?;
    let mut q = ballot::Entity::find()
        .filter(ballot::Column::DeputyId.eq(deputy_id))
        .order_by_asc(ballot::Column::SessionDate)
        .order_by_asc(ballot::Column::VoteEventId)
        .limit(limit + 1);
    if let Some(c) = cursor {
        let (d, id) = split_cursor(c)?;
        let d: NaiveDate = d.parse().map_err(|_| bad_cursor())?;
        q = q.filter(
            Condition::any()
                .add(ballot::Column::SessionDate.gt(d))
                .add(Condition::all().add(ballot::Column::SessionDate.eq(d)).add(ballot::Column::VoteEventId.gt(id))),
        );
    }
    let ballots = q.all(db).await?;
    let ids: Vec<String> = ballots.iter().map(|b| b.vote_event_id.clone()).collect();
    let events: HashMap<String, vote_event::Model> = vote_event::Entity::find()
        .filter(vote_event::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    let rows = ballots.into_iter().filter_map(|b| events.get(&b.vote_event_id).cloned().map(|e| (b, e))).collect();
    txn.commit().await?;
    Ok((page(rows, limit, |(b, _)| format!("{}|{}", b.session_date, b.vote_event_id)), memberships))
}

/// Speeches by session and position, filtered by session, agenda item or deputy.
pub async fn list_speeches(
    db: &DatabaseConnection,
    session_id: Option<&str>,
    item: Option<&str>,
    deputy: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<speech::Model>, StoreError> {
    let mut q = speech::Entity::find()
        .order_by_asc(speech::Column::SessionDate)
        .order_by_asc(speech::Column::SessionId)
        .order_by_asc(speech::Column::Position)
        .limit(limit + 1);
    if let Some(s) = session_id {
        q = q.filter(speech::Column::SessionId.eq(s));
    }
    if let Some(i) = item {
        q = q.filter(speech::Column::AgendaItemId.eq(i));
    }
    if let Some(d) = deputy {
        q = q.filter(speech::Column::DeputyId.eq(d));
    }
    if let Some(c) = cursor {
        // date|session|position, flattened as date|session#position to keep one separator.
        let (d, rest) = split_cursor(c)?;
        let (s, pos) = rest.rsplit_once('#').ok_or_else(bad_cursor)?;
        let d: NaiveDate = d.parse().map_err(|_| bad_cursor())?;
        let pos: i32 = pos.parse().map_err(|_| bad_cursor())?;
        q =
            q.filter(Condition::any().add(speech::Column::SessionDate.gt(d)).add(
                Condition::all().add(speech::Column::SessionDate.eq(d)).add(
                    Condition::any().add(speech::Column::SessionId.gt(s)).add(
                        Condition::all().add(speech::Column::SessionId.eq(s)).add(speech::Column::Position.gt(pos)),
                    ),
                ),
            ));
    }
    Ok(page(q.all(db).await?, limit, |s| format!("{}|{}#{}", s.session_date, s.session_id, s.position)))
}

/// Every accepted version after change number `since`, in order; optionally only one council's
/// or one provenance kind's.
pub async fn list_changes(
    db: &DatabaseConnection,
    since: i64,
    council: Option<&str>,
    provenance: Option<&str>,
    limit: u64,
) -> Result<Page<VersionMeta>, StoreError> {
    let mut q = document_version::Entity::find()
        .filter(document_version::Column::Seq.gt(since))
        .order_by_asc(document_version::Column::Seq)
        .limit(limit + 1);
    if let Some(c) = council {
        q = q.filter(document_version::Column::CouncilId.eq(c));
    }
    if let Some(p) = provenance {
        q = q.filter(document_version::Column::Provenance.eq(p));
    }
    let rows = q.all(db).await?;
    let metas = rows.into_iter().map(VersionMeta::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(page(metas, limit, |m| m.seq.to_string()))
}

/// For each deputy, their party on `date` (absent when non-partisan) and their mandate's
/// nomination and seat type.
async fn status_on<C: ConnectionTrait>(db: &C, deputies: &[String], date: NaiveDate) -> Result<StatusOn, StoreError> {
    use crate::entity::party_membership;
    let memberships = party_membership::Entity::find()
        .filter(party_membership::Column::DeputyId.is_in(deputies.to_vec()))
        .all(db)
        .await?;
    let mandates = mandate::Entity::find().filter(mandate::Column::DeputyId.is_in(deputies.to_vec())).all(db).await?;
    Ok(deputies
        .iter()
        .map(|d| {
            let party = memberships
                .iter()
                .find(|m| &m.deputy_id == d && period_covers(m.start_date, m.end_date, date))
                .map(|m| m.party_id.clone());
            let seat = mandates
                .iter()
                .find(|m| &m.deputy_id == d && period_covers(m.start_date, m.end_date, date))
                .map(|m| (m.nomination.clone(), m.seat_type.clone()));
            (d.clone(), (party, seat))
        })
        .collect())
}
