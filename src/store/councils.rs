//! Councils, parties and rosters: their publication. (Their reads are in `store::read`.)

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use super::projection::write;
use super::publish::{DocKind, Publication, PublishMeta, Published, VersionMeta, canonical_json};
use crate::domain::Violations;
use crate::domain::council::{Council, Party};
use crate::domain::roster::{Roster, RosterContext, StoredItem, StoredReference};
use crate::entity::{ballot, commission, convocation, council, deputy, document_version, party, session, speech};

/// Publishes a council (admins only; checked by the caller).
#[tracing::instrument(skip_all, fields(council = %id))]
pub async fn put_council<C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>>(
    db: &C,
    id: &str,
    doc: &Council,
    mut v: Violations,
    meta: &PublishMeta,
) -> Result<Published, StoreError> {
    let p = Publication::begin(db, DocKind::Council, id, Some(id), canonical_json(doc)?, meta.received_at).await?;
    if let Some(same) = p.preconditions(meta.if_match.as_deref(), &v)? {
        return Ok(Published::Unchanged(same));
    }
    doc.check(id, &mut v);
    if let Some(parent) = &doc.parent
        && parent != id
        && council::Entity::find_by_id(parent.clone()).one(&p.txn).await?.is_none()
    {
        v.push("/parent", "known_council", format!("council {parent} does not exist"));
    }
    if !v.is_empty() {
        return Err(StoreError::Invalid(v.into_vec()));
    }
    write::apply_council(&p.txn, &p.logged(meta.provenance), doc).await?;
    Ok(Published::Created(p.commit(meta).await?))
}

/// Publishes a party (admins only).
#[tracing::instrument(skip_all, fields(party = %id))]
pub async fn put_party<C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>>(
    db: &C,
    id: &str,
    doc: &Party,
    v: Violations,
    meta: &PublishMeta,
) -> Result<Published, StoreError> {
    let p = Publication::begin(db, DocKind::Party, id, None, canonical_json(doc)?, meta.received_at).await?;
    if let Some(same) = p.preconditions(meta.if_match.as_deref(), &v)? {
        return Ok(Published::Unchanged(same));
    }
    if !v.is_empty() {
        return Err(StoreError::Invalid(v.into_vec()));
    }
    write::apply_party(&p.txn, &p.logged(meta.provenance), doc).await?;
    Ok(Published::Created(p.commit(meta).await?))
}

/// Loads a council as its domain value (for validating documents that depend on it).
pub async fn load_council<C: ConnectionTrait>(db: &C, id: &str) -> Result<Council, StoreError> {
    let row = council::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("council {id}")))?;
    let convs = convocation::Entity::find()
        .filter(convocation::Column::CouncilId.eq(id))
        .order_by_asc(convocation::Column::StartDate)
        .all(db)
        .await?;
    super::read::councils::council_of(&row, &convs)
}

async fn party_ids<C: ConnectionTrait>(db: &C) -> Result<HashSet<String>, StoreError> {
    Ok(party::Entity::find()
        .select_only()
        .column(party::Column::Id)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Publishes a council's roster (publisher of that council, or admin).
#[tracing::instrument(skip_all, fields(council = %council_id))]
pub async fn put_roster<C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>>(
    db: &C,
    council_id: &str,
    doc: &Roster,
    mut v: Violations,
    meta: &PublishMeta,
) -> Result<Published, StoreError> {
    let p =
        Publication::begin(db, DocKind::Roster, council_id, Some(council_id), canonical_json(doc)?, meta.received_at)
            .await?;
    let council = load_council(&p.txn, council_id).await?;
    if let Some(same) = p.preconditions(meta.if_match.as_deref(), &v)? {
        return Ok(Published::Unchanged(same));
    }
    let deputy_ids: Vec<String> = doc.deputies.iter().map(|d| d.id.clone()).collect();
    let commission_ids: Vec<String> = doc.commissions.iter().map(|c| c.id.clone()).collect();
    let ctx = RosterContext {
        parties: party_ids(&p.txn).await?,
        foreign_deputies: deputy::Entity::find()
            .select_only()
            .column(deputy::Column::Id)
            .filter(deputy::Column::Id.is_in(deputy_ids.clone()))
            .filter(deputy::Column::CouncilId.ne(council_id))
            .into_tuple::<String>()
            .all(&p.txn)
            .await?
            .into_iter()
            .collect(),
        foreign_commissions: commission::Entity::find()
            .select_only()
            .column(commission::Column::Id)
            .filter(commission::Column::Id.is_in(commission_ids))
            .filter(commission::Column::CouncilId.ne(council_id))
            .into_tuple::<String>()
            .all(&p.txn)
            .await?
            .into_iter()
            .collect(),
    };
    doc.check(&council, &ctx, &mut v);
    doc.check_stored(&stored_references(&p.txn, council_id).await?, &mut v);
    if !v.is_empty() {
        return Err(StoreError::Invalid(v.into_vec()));
    }
    write::apply_roster(&p.txn, &p.logged(meta.provenance), doc, council.synthetic).await?;
    Ok(Published::Created(p.commit(meta).await?))
}

/// Every deputy the council's stored session records name: on ballots and as speakers.
async fn stored_references<C: ConnectionTrait>(db: &C, council_id: &str) -> Result<Vec<StoredReference>, StoreError> {
    let sessions = Query::select()
        .column(session::Column::Id)
        .from(session::Entity)
        .and_where(session::Column::CouncilId.eq(council_id))
        .to_owned();
    let ballots: Vec<(String, String, NaiveDate, String)> = ballot::Entity::find()
        .select_only()
        .columns([ballot::Column::DeputyId, ballot::Column::SessionId, ballot::Column::SessionDate])
        .column(ballot::Column::VoteEventId)
        .filter(ballot::Column::SessionId.in_subquery(sessions.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let speeches: Vec<(Option<String>, String, NaiveDate, String)> = speech::Entity::find()
        .select_only()
        .columns([speech::Column::DeputyId, speech::Column::SessionId, speech::Column::SessionDate, speech::Column::Id])
        .filter(speech::Column::SessionId.in_subquery(sessions))
        .filter(speech::Column::DeputyId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let ballots = ballots.into_iter().map(|(deputy, session, date, event)| StoredReference {
        deputy,
        session,
        date,
        item: StoredItem::Ballot(event),
    });
    let speeches = speeches.into_iter().filter_map(|(deputy, session, date, id)| {
        Some(StoredReference { deputy: deputy?, session, date, item: StoredItem::Speech(id) })
    });
    Ok(ballots.chain(speeches).collect())
}

/// The current version of a document, without its body (for its ETag).
pub async fn current_version<C: ConnectionTrait>(
    db: &C,
    kind: DocKind,
    doc_id: &str,
) -> Result<Option<VersionMeta>, StoreError> {
    use document_version::Column as C;
    let row = document_version::Entity::find()
        .select_only()
        .columns([C::Id, C::Kind, C::DocId, C::CouncilId, C::Version, C::Sha256, C::ReceivedAt, C::Reason])
        .columns([C::Publisher, C::Provenance, C::Seq, C::LogIndex])
        .column_as(Expr::value(String::new()), "body")
        .filter(C::Kind.eq(kind.as_str()))
        .filter(C::DocId.eq(doc_id))
        .order_by_desc(C::Version)
        .into_model::<document_version::Model>()
        .one(db)
        .await?;
    row.map(VersionMeta::try_from).transpose()
}

/// `meta` for publishing document `doc_id` of `kind`, where an `If-Match: *` (an import's
/// `--replace`: replace whatever is stored) is dropped when nothing is stored yet, since RFC 9110
/// makes `*` fail on a missing document.
pub async fn replace_meta<C: ConnectionTrait>(
    db: &C,
    meta: &PublishMeta,
    kind: DocKind,
    doc_id: &str,
) -> Result<PublishMeta, StoreError> {
    let mut meta = meta.clone();
    if meta.if_match.as_deref() == Some("*") && current_version(db, kind, doc_id).await?.is_none() {
        meta.if_match = None;
    }
    Ok(meta)
}
