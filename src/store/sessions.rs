//! Session records: publication with witnessed times, and the reads behind sessions, agenda
//! items, vote events, ballots, speeches and the change feed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, NotSet, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::StoreError;
use super::batch::insert_all;
use super::councils::load_council;
use super::publish::{DocKind, Publication, PublishMeta, Published, canonical_json};
use crate::domain::Violations;
use crate::domain::enums::DocumentKind;
use crate::domain::roster::period_covers;
use crate::domain::session::{SessionContext, SessionRecord, local_date};
use crate::entity::{agenda_item, ballot, document, document_version, mandate, session, speech, vote_event};

fn json<T: serde::Serialize>(v: &T) -> String {
    // Plain data (maps of strings, lists of structs) always serializes.
    serde_json::to_string(v).unwrap_or_default()
}

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
pub async fn put_session_record(
    db: &DatabaseConnection,
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

    let synthetic = council.synthetic || meta.provenance == "synthetic";
    let (now, version, seq) = (p.received_at, p.next_version(), p.seq);
    write_session(&p.txn, existing, council_id, session_id, doc, synthetic, now, version, seq).await?;
    let meta = PublishMeta { reason, ..meta.clone() };
    Ok(Published::Created(p.commit(&meta).await?))
}

/// Writes a session's normalized rows for a version received at `now`, carrying witnessed
/// times over from the rows of earlier versions.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_session(
    txn: &DatabaseTransaction,
    council_id: &str,
    session_id: &str,
    doc: &SessionRecord,
    synthetic: bool,
    now: DateTime<Utc>,
    version: i32,
    seq: i64,
) -> Result<(), StoreError> {
    let existing = session::Entity::find_by_id(session_id.to_owned()).one(txn).await?;
    write_session(txn, existing, council_id, session_id, doc, synthetic, now, version, seq).await
}

/// [`apply_session`] given the session's current row (`None` for a new session).
#[allow(clippy::too_many_arguments)]
async fn write_session(
    txn: &DatabaseTransaction,
    existing: Option<session::Model>,
    council_id: &str,
    session_id: &str,
    doc: &SessionRecord,
    synthetic: bool,
    now: DateTime<Utc>,
    version: i32,
    seq: i64,
) -> Result<(), StoreError> {
    let date = doc.date();
    // Witnessed times carry over from earlier versions: the first version that contained a thing
    // made it public. A new session has no rows yet (they all point at its row): nothing to read
    // or delete.
    let mut old_items: HashMap<String, DateTime<Utc>> = HashMap::new();
    let mut old_docs: HashMap<String, DateTime<Utc>> = HashMap::new();
    if existing.is_some() {
        old_items = agenda_item::Entity::find()
            .select_only()
            .column(agenda_item::Column::Id)
            .column(agenda_item::Column::FirstPublicAt)
            .filter(agenda_item::Column::SessionId.eq(session_id))
            .into_tuple::<(String, DateTime<Utc>)>()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        old_docs = document::Entity::find()
            .select_only()
            .column(document::Column::Id)
            .column(document::Column::FirstPublicAt)
            .filter(document::Column::SessionId.eq(session_id))
            .into_tuple::<(String, DateTime<Utc>)>()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        ballot::Entity::delete_many().filter(ballot::Column::SessionId.eq(session_id)).exec(txn).await?;
        vote_event::Entity::delete_many().filter(vote_event::Column::SessionId.eq(session_id)).exec(txn).await?;
        speech::Entity::delete_many().filter(speech::Column::SessionId.eq(session_id)).exec(txn).await?;
        document::Entity::delete_many().filter(document::Column::SessionId.eq(session_id)).exec(txn).await?;
        agenda_item::Entity::delete_many().filter(agenda_item::Column::SessionId.eq(session_id)).exec(txn).await?;
    }
    let first_received_at = existing.as_ref().map_or(now, |s| s.first_received_at);
    let agenda_first_public_at =
        existing.as_ref().and_then(|s| s.agenda_first_public_at).or_else(|| (!doc.agenda.is_empty()).then_some(now));
    let has_minutes = doc.documents.iter().any(|d| d.kind == DocumentKind::Minutes);
    let minutes_first_public_at =
        existing.as_ref().and_then(|s| s.minutes_first_public_at).or_else(|| has_minutes.then_some(now));

    let row = session::ActiveModel {
        id: Set(session_id.to_owned()),
        council_id: Set(council_id.to_owned()),
        convocation: Set(doc.convocation.clone()),
        number: Set(doc.number as i32),
        kind: Set(doc.kind.as_str().to_owned()),
        status: Set(doc.status.as_str().to_owned()),
        scheduled_start: Set(doc.scheduled_start),
        scheduled_end: Set(doc.scheduled_end),
        actual_start: Set(doc.actual_start),
        actual_end: Set(doc.actual_end),
        place: Set(doc.place.clone()),
        is_open: Set(doc.is_open),
        livestream_url: Set(doc.livestream_url.clone()),
        recording_url: Set(doc.recording_url.clone()),
        minutes_document_id: Set(doc.minutes_document.clone()),
        declared_notice_at: Set(doc.declared_notice.as_ref().map(|n| n.published_at)),
        declared_notice_source: Set(doc.declared_notice.as_ref().map(|n| n.source_url.clone())),
        backfilled: Set(first_received_at > doc.scheduled_start),
        first_received_at: Set(first_received_at),
        agenda_first_public_at: Set(agenda_first_public_at),
        minutes_first_public_at: Set(minutes_first_public_at),
        synthetic: Set(synthetic),
        version: Set(version),
        last_seq: Set(seq),
        created_at: Set(existing.as_ref().map_or(now, |s| s.created_at)),
        updated_at: Set(now),
    };
    if existing.is_some() {
        let mut changes = row;
        changes.id = NotSet;
        session::Entity::update_many().set(changes).filter(session::Column::Id.eq(session_id)).exec(txn).await?;
    } else {
        session::Entity::insert(row).exec_without_returning(txn).await?;
    }
    // One multi-row INSERT per table, parents before children.
    let items = doc.agenda.iter().map(|a| {
        let first = old_items.get(&a.id).copied().unwrap_or(now);
        agenda_item::ActiveModel {
            id: Set(a.id.clone()),
            session_id: Set(session_id.to_owned()),
            council_id: Set(council_id.to_owned()),
            position: Set(a.position as i32),
            number_label: Set(a.number_label.clone()),
            titles: Set(json(&a.titles)),
            initiator: Set(a.initiator.as_str().to_owned()),
            is_open: Set(a.is_open),
            result: Set(a.result.map(|r| r.as_str().to_owned())),
            first_public_at: Set(first),
            added_late: Set(agenda_first_public_at.is_some_and(|t| first > t)),
        }
    });
    insert_all(txn, items.collect()).await?;
    let documents = doc.documents.iter().map(|d| document::ActiveModel {
        id: Set(d.id.clone()),
        session_id: Set(session_id.to_owned()),
        council_id: Set(council_id.to_owned()),
        agenda_item_id: Set(d.agenda_item.clone()),
        kind: Set(d.kind.as_str().to_owned()),
        title: Set(d.title.clone()),
        media_type: Set(d.media_type.clone()),
        url: Set(d.url.clone()),
        sha256: Set(d.sha256.clone()),
        language: Set(d.language.clone()),
        body_text: Set(d.text.clone()),
        first_public_at: Set(old_docs.get(&d.id).copied().unwrap_or(now)),
    });
    insert_all(txn, documents.collect()).await?;
    let events = doc.vote_events.iter().enumerate().map(|(i, e)| {
        let counts = e.effective_counts();
        vote_event::ActiveModel {
            id: Set(e.id.clone()),
            session_id: Set(session_id.to_owned()),
            council_id: Set(council_id.to_owned()),
            agenda_item_id: Set(e.agenda_item.clone()),
            position: Set(i as i32),
            motion: Set(json(&e.motion)),
            stage: Set(e.stage.as_str().to_owned()),
            method: Set(e.method.as_str().to_owned()),
            majority_rule: Set(e.majority_rule.as_str().to_owned()),
            seats: Set(e.seats as i32),
            result: Set(e.result.as_str().to_owned()),
            yes_count: Set(counts.map(|c| c.yes as i32)),
            no_count: Set(counts.map(|c| c.no as i32)),
            abstain_count: Set(counts.map(|c| c.abstain as i32)),
            not_voting_count: Set(counts.map(|c| c.not_voting as i32)),
            absent_count: Set(counts.map(|c| c.absent as i32)),
            excused_count: Set(counts.map(|c| c.excused as i32)),
            named: Set(e.method.is_named() && !e.ballots.is_empty()),
            contested: Set(counts.is_some_and(|c| c.contested(e.result))),
            session_date: Set(date),
        }
    });
    insert_all(txn, events.collect()).await?;
    let ballots = doc.vote_events.iter().flat_map(|e| {
        e.ballots.iter().map(|b| ballot::ActiveModel {
            vote_event_id: Set(e.id.clone()),
            deputy_id: Set(b.deputy.clone()),
            option: Set(b.option.as_str().to_owned()),
            session_id: Set(session_id.to_owned()),
            session_date: Set(date),
        })
    });
    insert_all(txn, ballots.collect()).await?;
    let speeches = doc.speeches.iter().enumerate().map(|(i, s)| speech::ActiveModel {
        id: Set(s.id.clone()),
        session_id: Set(session_id.to_owned()),
        council_id: Set(council_id.to_owned()),
        agenda_item_id: Set(s.agenda_item.clone()),
        position: Set(i as i32),
        deputy_id: Set(s.deputy.clone()),
        speaker_name: Set(s.speaker_name.clone()),
        speaker_role: Set(s.speaker_role.as_str().to_owned()),
        speech_type: Set(s.speech_type.as_str().to_owned()),
        language: Set(s.language.clone()),
        seconds: Set(s.seconds.map(|x| x as i32)),
        body_text: Set(s.text.clone()),
        session_date: Set(date),
    });
    insert_all(txn, speeches.collect()).await?;
    Ok(())
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
