//! Session records: publication with witnessed times. (Their reads are in `store::read`.)

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use super::councils::load_council;
use super::projection::write;
use super::publish::{DocKind, Publication, PublishMeta, Published, canonical_json};
use crate::domain::Violations;
use crate::domain::roster::period_covers;
use crate::domain::session::{SessionContext, SessionRecord, local_date};
use crate::entity::{document_version, mandate, session};

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
