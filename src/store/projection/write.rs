//! Writing what the projection implies. The publication path and `rebuild` call these inside
//! their transaction: each reads the earlier state it needs from the current rows, projects the
//! version, and replaces the rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect};

use super::{Document, Logged, SessionPrior};
use crate::domain::council::{Council, Party};
use crate::domain::public_record::PublicRecord;
use crate::domain::roster::Roster;
use crate::domain::session::SessionRecord;
use crate::domain::witness::Witnessed;
use crate::entity::{
    agenda_item, ballot, commission, convocation, council, deputy, deputy_role, document, mandate, party,
    party_membership, public_record, search_entry, session, session_debate_tally, session_deputy_tally, speech,
    vote_event,
};
use crate::store::StoreError;
use crate::store::batch::insert_all;

/// Writes `model` over the row with primary key `id` when `exists`, else inserts it.
async fn put_row<E, C>(db: &C, model: E::Model, exists: bool, pk: E::Column, id: &str) -> Result<(), StoreError>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    // `reset_all` marks every value as set: an UPDATE writes only set values.
    let mut row = model.into_active_model().reset_all();
    if exists {
        row.not_set(pk);
        E::update_many().set(row).filter(pk.eq(id)).exec(db).await?;
    } else {
        E::insert(row).exec_without_returning(db).await?;
    }
    Ok(())
}

/// A row whose id the database assigns.
fn without_id<E: EntityTrait>(model: E::Model, pk: E::Column) -> E::ActiveModel
where
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    let mut row = model.into_active_model();
    row.not_set(pk);
    row
}

/// The creation time of the row `id` of `E`, if it exists.
async fn created_at<E, C>(
    db: &C,
    pk: E::Column,
    created: E::Column,
    id: &str,
) -> Result<Option<DateTime<Utc>>, StoreError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    Ok(E::find().select_only().column(created).filter(pk.eq(id)).into_tuple::<DateTime<Utc>>().one(db).await?)
}

/// Writes a council's rows for version `v`.
#[tracing::instrument(name = "projection.council", skip_all, fields(council = %v.doc_id, version = v.version))]
pub(crate) async fn apply_council<C: ConnectionTrait>(db: &C, v: &Logged<'_>, doc: &Council) -> Result<(), StoreError> {
    use council::Column as K;
    let created = created_at::<council::Entity, _>(db, K::Id, K::CreatedAt, v.doc_id).await?;
    let rows = super::council(v, doc, created).map_err(StoreError::Invalid)?;
    let entries = vec![super::search::council_entry(&rows.council)];
    replace_entries(db, super::search::source::COUNCIL, v.doc_id, entries).await?;
    put_row::<council::Entity, _>(db, rows.council, created.is_some(), K::Id, v.doc_id).await?;
    convocation::Entity::delete_many().filter(convocation::Column::CouncilId.eq(v.doc_id)).exec(db).await?;
    let convocations =
        rows.convocations.into_iter().map(|c| without_id::<convocation::Entity>(c, convocation::Column::Id));
    insert_all(db, convocations.collect()).await?;
    Ok(())
}

/// Writes a party's row for version `v`.
#[tracing::instrument(name = "projection.party", skip_all, fields(party = %v.doc_id, version = v.version))]
pub(crate) async fn apply_party<C: ConnectionTrait>(db: &C, v: &Logged<'_>, doc: &Party) -> Result<(), StoreError> {
    use party::Column as K;
    let created = created_at::<party::Entity, _>(db, K::Id, K::CreatedAt, v.doc_id).await?;
    put_row::<party::Entity, _>(db, super::party(v, doc, created), created.is_some(), K::Id, v.doc_id).await
}

/// Replaces a council's roster rows for version `v`. Deputies are upserted and never deleted,
/// because ballots and speeches of past sessions keep pointing at them; the dated facts are
/// replaced whole.
#[tracing::instrument(name = "projection.roster", skip_all, fields(council = %v.council(), version = v.version))]
pub(crate) async fn apply_roster<C: ConnectionTrait>(
    db: &C,
    v: &Logged<'_>,
    doc: &Roster,
    council_synthetic: bool,
) -> Result<(), StoreError> {
    let council_id = v.council();
    deputy_role::Entity::delete_many().filter(deputy_role::Column::CouncilId.eq(council_id)).exec(db).await?;
    commission::Entity::delete_many().filter(commission::Column::CouncilId.eq(council_id)).exec(db).await?;
    mandate::Entity::delete_many().filter(mandate::Column::CouncilId.eq(council_id)).exec(db).await?;
    party_membership::Entity::delete_many().filter(party_membership::Column::CouncilId.eq(council_id)).exec(db).await?;
    deputy::Entity::update_many()
        .col_expr(deputy::Column::Listed, Expr::value(false))
        .filter(deputy::Column::CouncilId.eq(council_id))
        .exec(db)
        .await?;
    let existing: HashMap<String, DateTime<Utc>> = deputy::Entity::find()
        .select_only()
        .columns([deputy::Column::Id, deputy::Column::CreatedAt])
        .filter(deputy::Column::CouncilId.eq(council_id))
        .into_tuple::<(String, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows = super::roster(v, doc, council_synthetic, |id| existing.get(id).copied());
    // Parents before children, each table in one multi-row INSERT (rows in document order, so
    // generated ids come out as they would one row at a time).
    let mut new_deputies = vec![];
    for d in rows.deputies {
        if existing.contains_key(&d.id) {
            let id = d.id.clone();
            put_row::<deputy::Entity, _>(db, d, true, deputy::Column::Id, &id).await?;
        } else {
            new_deputies.push(deputy::ActiveModel::from(d));
        }
    }
    insert_all(db, new_deputies).await?;
    let mandates = rows.mandates.into_iter().map(|m| without_id::<mandate::Entity>(m, mandate::Column::Id));
    insert_all(db, mandates.collect()).await?;
    let memberships =
        rows.memberships.into_iter().map(|m| without_id::<party_membership::Entity>(m, party_membership::Column::Id));
    insert_all(db, memberships.collect()).await?;
    insert_all(db, rows.commissions.into_iter().map(commission::ActiveModel::from).collect()).await?;
    let roles = rows.roles.into_iter().map(|r| without_id::<deputy_role::Entity>(r, deputy_role::Column::Id));
    insert_all(db, roles.collect()).await?;
    // Every deputy the council ever listed stays findable: past votes keep naming them.
    let all = deputy::Entity::find().filter(deputy::Column::CouncilId.eq(council_id)).all(db).await?;
    let entries = all.iter().map(super::search::deputy_entry).collect();
    replace_entries(db, super::search::source::ROSTER, council_id, entries).await
}

/// Replaces the search entries that the document `source` of kind `source_kind` implies.
async fn replace_entries<C: ConnectionTrait>(
    db: &C,
    source_kind: &str,
    source: &str,
    entries: Vec<search_entry::Model>,
) -> Result<(), StoreError> {
    use search_entry::Column as S;
    search_entry::Entity::delete_many()
        .filter(S::SourceKind.eq(source_kind))
        .filter(S::Source.eq(source))
        .exec(db)
        .await?;
    let rows = entries.into_iter().map(|e| without_id::<search_entry::Entity>(e, S::Id));
    Ok(insert_all(db, rows.collect()).await?)
}

/// What the rows of a stored session say earlier versions established.
async fn session_prior<C: ConnectionTrait>(db: &C, s: &session::Model) -> Result<SessionPrior, StoreError> {
    let items = agenda_item::Entity::find()
        .select_only()
        .columns([agenda_item::Column::Id, agenda_item::Column::FirstPublicAt])
        .filter(agenda_item::Column::SessionId.eq(s.id.as_str()))
        .into_tuple::<(String, DateTime<Utc>)>()
        .all(db)
        .await?;
    let documents = document::Entity::find()
        .select_only()
        .columns([document::Column::Id, document::Column::FirstPublicAt])
        .filter(document::Column::SessionId.eq(s.id.as_str()))
        .into_tuple::<(String, DateTime<Utc>)>()
        .all(db)
        .await?;
    Ok(SessionPrior {
        created_at: s.created_at,
        witnessed: Witnessed {
            first_received_at: s.first_received_at,
            agenda_first_public_at: s.agenda_first_public_at,
            minutes_first_public_at: s.minutes_first_public_at,
            items: items.into_iter().collect(),
            documents: documents.into_iter().collect(),
        },
    })
}

/// Replaces a session's rows for version `v`, carrying witnessed times over from `existing`, the
/// session's current row (`None` for a new session: nothing points at it yet, nothing to read
/// or delete).
#[tracing::instrument(name = "projection.session", skip_all, fields(session = %v.doc_id, version = v.version))]
pub(crate) async fn apply_session<C: ConnectionTrait>(
    db: &C,
    v: &Logged<'_>,
    doc: &SessionRecord,
    council_synthetic: bool,
    existing: Option<session::Model>,
) -> Result<(), StoreError> {
    let prior = match &existing {
        None => None,
        Some(s) => Some(session_prior(db, s).await?),
    };
    let rows = super::session(v, doc, council_synthetic, prior.as_ref()).map_err(StoreError::Invalid)?;
    replace_entries(db, super::search::source::SESSION, v.doc_id, super::search::session_entries(&rows)).await?;
    if existing.is_some() {
        let id = v.doc_id;
        ballot::Entity::delete_many().filter(ballot::Column::SessionId.eq(id)).exec(db).await?;
        session_deputy_tally::Entity::delete_many()
            .filter(session_deputy_tally::Column::SessionId.eq(id))
            .exec(db)
            .await?;
        session_debate_tally::Entity::delete_many()
            .filter(session_debate_tally::Column::SessionId.eq(id))
            .exec(db)
            .await?;
        vote_event::Entity::delete_many().filter(vote_event::Column::SessionId.eq(id)).exec(db).await?;
        speech::Entity::delete_many().filter(speech::Column::SessionId.eq(id)).exec(db).await?;
        document::Entity::delete_many().filter(document::Column::SessionId.eq(id)).exec(db).await?;
        agenda_item::Entity::delete_many().filter(agenda_item::Column::SessionId.eq(id)).exec(db).await?;
    }
    put_row::<session::Entity, _>(db, rows.session, existing.is_some(), session::Column::Id, v.doc_id).await?;
    // One multi-row INSERT per table, parents before children.
    insert_all(db, rows.agenda_items.into_iter().map(agenda_item::ActiveModel::from).collect()).await?;
    insert_all(db, rows.documents.into_iter().map(document::ActiveModel::from).collect()).await?;
    insert_all(db, rows.vote_events.into_iter().map(vote_event::ActiveModel::from).collect()).await?;
    insert_all(db, rows.ballots.into_iter().map(ballot::ActiveModel::from).collect()).await?;
    insert_all(db, rows.speeches.into_iter().map(speech::ActiveModel::from).collect()).await?;
    insert_all(db, rows.deputy_tallies.into_iter().map(session_deputy_tally::ActiveModel::from).collect()).await?;
    insert_all(db, vec![session_debate_tally::ActiveModel::from(rows.debate_tally)]).await?;
    Ok(())
}

/// Writes (or replaces) the row of a public record's version `v`.
#[tracing::instrument(name = "projection.public_record", skip_all, fields(record = %v.doc_id, version = v.version))]
pub(crate) async fn apply_public_record<C: ConnectionTrait>(
    db: &C,
    v: &Logged<'_>,
    doc: &PublicRecord,
) -> Result<(), StoreError> {
    public_record::Entity::delete_by_id(v.doc_id.to_owned()).exec(db).await?;
    public_record::Entity::insert(public_record::ActiveModel::from(super::public_record(v, doc)))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes the rows of any stored version: what `rebuild` replays. `council_synthetic` is the
/// council's flag when the version was published.
pub(crate) async fn apply<C: ConnectionTrait>(
    db: &C,
    v: &Logged<'_>,
    doc: &Document,
    council_synthetic: bool,
) -> Result<(), StoreError> {
    match doc {
        Document::Council(d) => apply_council(db, v, d).await,
        Document::Party(d) => apply_party(db, v, d).await,
        Document::Roster(d) => apply_roster(db, v, d, council_synthetic).await,
        Document::Session(d) => {
            let existing = session::Entity::find_by_id(v.doc_id.to_owned()).one(db).await?;
            apply_session(db, v, d, council_synthetic, existing).await
        }
        Document::PublicRecord(d) => apply_public_record(db, v, d).await,
    }
}
