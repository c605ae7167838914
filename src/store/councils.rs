//! Councils, parties and rosters: their publication and the reads behind their endpoints.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::StoreError;
use super::projection::write;
use super::publish::{DocKind, Publication, PublishMeta, Published, VersionMeta, canonical_json};
use crate::domain::Violations;
use crate::domain::council::{Convocation, Council, Party};
use crate::domain::roster::{Roster, RosterContext, StoredItem, StoredReference};
use crate::entity::{
    ballot, commission, convocation, council, deputy, deputy_role, document_version, mandate, party, party_membership,
    session, speech,
};

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
    Ok(council_from_rows(row, convs))
}

fn council_from_rows(row: council::Model, convs: Vec<convocation::Model>) -> Council {
    Council {
        names: serde_json::from_str(&row.names).unwrap_or_default(),
        level: crate::domain::enums::Level::parse(&row.level).unwrap_or(crate::domain::enums::Level::District),
        parent: row.parent_id,
        kato: row.kato,
        seats: u32::try_from(row.seats).unwrap_or(0),
        website: row.website,
        convocations: convs
            .into_iter()
            .map(|c| Convocation { number: c.number, start_date: c.start_date, end_date: c.end_date })
            .collect(),
        synthetic: row.synthetic,
    }
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

/// A page of rows and whether more follow.
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// Splits `limit + 1` fetched rows into a page and the cursor of the next one.
pub fn page<T>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> String) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(key) } else { None };
    Page { items: rows, next }
}

fn like_pattern(folded: &str) -> LikeExpr {
    let escaped = folded.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Filters for `list_councils`.
#[derive(Debug, Default)]
pub struct CouncilFilter {
    /// Only this level.
    pub level: Option<String>,
    /// Only children of this council.
    pub parent: Option<String>,
    /// Folded text to find in any name.
    pub q: Option<String>,
}

/// Councils ordered by id, after `cursor`.
pub async fn list_councils(
    db: &DatabaseConnection,
    f: &CouncilFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<(council::Model, Vec<convocation::Model>)>, StoreError> {
    let mut q = council::Entity::find().order_by_asc(council::Column::Id).limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(council::Column::Id.gt(c));
    }
    if let Some(l) = &f.level {
        q = q.filter(council::Column::Level.eq(l.as_str()));
    }
    if let Some(p) = &f.parent {
        q = q.filter(council::Column::ParentId.eq(p.as_str()));
    }
    if let Some(text) = &f.q {
        q = q.filter(Expr::col(council::Column::SearchKey).like(like_pattern(text)));
    }
    let rows = q.all(db).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let convs = convocation::Entity::find()
        .filter(convocation::Column::CouncilId.is_in(ids))
        .order_by_asc(convocation::Column::StartDate)
        .all(db)
        .await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let mine = convs.iter().filter(|c| c.council_id == r.id).cloned().collect();
            (r, mine)
        })
        .collect();
    Ok(page(rows, limit, |(r, _)| r.id.clone()))
}

/// One council with its convocations.
pub async fn get_council(
    db: &DatabaseConnection,
    id: &str,
) -> Result<(council::Model, Vec<convocation::Model>), StoreError> {
    let row = council::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("council {id}")))?;
    let convs = convocation::Entity::find()
        .filter(convocation::Column::CouncilId.eq(id))
        .order_by_asc(convocation::Column::StartDate)
        .all(db)
        .await?;
    Ok((row, convs))
}

/// Parties ordered by id, after `cursor`, optionally matching folded text.
pub async fn list_parties(
    db: &DatabaseConnection,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<party::Model>, StoreError> {
    let mut s = party::Entity::find().order_by_asc(party::Column::Id).limit(limit + 1);
    if let Some(c) = cursor {
        s = s.filter(party::Column::Id.gt(c));
    }
    if let Some(text) = q {
        s = s.filter(Expr::col(party::Column::SearchKey).like(like_pattern(text)));
    }
    Ok(page(s.all(db).await?, limit, |r| r.id.clone()))
}

/// One party.
pub async fn get_party(db: &DatabaseConnection, id: &str) -> Result<party::Model, StoreError> {
    party::Entity::find_by_id(id.to_owned()).one(db).await?.ok_or_else(|| StoreError::NotFound(format!("party {id}")))
}

/// The current version of a document with its body.
pub async fn latest_version(
    db: &DatabaseConnection,
    kind: DocKind,
    doc_id: &str,
) -> Result<Option<(VersionMeta, String)>, StoreError> {
    let row = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(kind.as_str()))
        .filter(document_version::Column::DocId.eq(doc_id))
        .order_by_desc(document_version::Column::Version)
        .one(db)
        .await?;
    with_leaf(db, row).await
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

/// One version of a document with its body.
pub async fn get_version(
    db: &DatabaseConnection,
    kind: DocKind,
    doc_id: &str,
    version: i32,
) -> Result<Option<(VersionMeta, String)>, StoreError> {
    let row = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(kind.as_str()))
        .filter(document_version::Column::DocId.eq(doc_id))
        .filter(document_version::Column::Version.eq(version))
        .one(db)
        .await?;
    with_leaf(db, row).await
}

async fn with_leaf(
    db: &DatabaseConnection,
    row: Option<document_version::Model>,
) -> Result<Option<(VersionMeta, String)>, StoreError> {
    let Some(m) = row else { return Ok(None) };
    let body = m.body.clone();
    let mut metas = [VersionMeta::try_from(m)?];
    super::log::attach_leaves(db, &mut metas).await?;
    let [meta] = metas;
    Ok(Some((meta, body)))
}

/// The versions of a document, oldest first, after version `after`.
pub async fn list_versions(
    db: &DatabaseConnection,
    kind: DocKind,
    doc_id: &str,
    after: i32,
    limit: u64,
) -> Result<Page<VersionMeta>, StoreError> {
    let rows = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(kind.as_str()))
        .filter(document_version::Column::DocId.eq(doc_id))
        .filter(document_version::Column::Version.gt(after))
        .order_by_asc(document_version::Column::Version)
        .limit(limit + 1)
        .all(db)
        .await?;
    let mut metas = rows.into_iter().map(VersionMeta::try_from).collect::<Result<Vec<_>, _>>()?;
    super::log::attach_leaves(db, &mut metas).await?;
    Ok(page(metas, limit, |m| m.version.to_string()))
}

/// A deputy's row with every dated fact about them.
pub struct DeputyRecord {
    /// The deputy.
    pub deputy: deputy::Model,
    /// Mandates, oldest first.
    pub mandates: Vec<mandate::Model>,
    /// Party memberships, oldest first.
    pub memberships: Vec<party_membership::Model>,
    /// Roles, oldest first.
    pub roles: Vec<deputy_role::Model>,
}

/// Every deputy of a council (listed or not) with their dated facts, ordered by id.
pub async fn council_deputies(db: &DatabaseConnection, council_id: &str) -> Result<Vec<DeputyRecord>, StoreError> {
    let deputies = deputy::Entity::find()
        .filter(deputy::Column::CouncilId.eq(council_id))
        .order_by_asc(deputy::Column::Id)
        .all(db)
        .await?;
    let mandates = mandate::Entity::find()
        .filter(mandate::Column::CouncilId.eq(council_id))
        .order_by_asc(mandate::Column::StartDate)
        .all(db)
        .await?;
    let memberships = party_membership::Entity::find()
        .filter(party_membership::Column::CouncilId.eq(council_id))
        .order_by_asc(party_membership::Column::StartDate)
        .all(db)
        .await?;
    let roles = deputy_role::Entity::find()
        .filter(deputy_role::Column::CouncilId.eq(council_id))
        .order_by_asc(deputy_role::Column::StartDate)
        .all(db)
        .await?;
    Ok(deputies
        .into_iter()
        .map(|d| DeputyRecord {
            mandates: mandates.iter().filter(|m| m.deputy_id == d.id).cloned().collect(),
            memberships: memberships.iter().filter(|m| m.deputy_id == d.id).cloned().collect(),
            roles: roles.iter().filter(|r| r.deputy_id == d.id).cloned().collect(),
            deputy: d,
        })
        .collect())
}

/// One deputy with their dated facts.
pub async fn get_deputy(db: &DatabaseConnection, id: &str) -> Result<DeputyRecord, StoreError> {
    let d = deputy::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("deputy {id}")))?;
    Ok(DeputyRecord {
        mandates: mandate::Entity::find()
            .filter(mandate::Column::DeputyId.eq(id))
            .order_by_asc(mandate::Column::StartDate)
            .all(db)
            .await?,
        memberships: party_membership::Entity::find()
            .filter(party_membership::Column::DeputyId.eq(id))
            .order_by_asc(party_membership::Column::StartDate)
            .all(db)
            .await?,
        roles: deputy_role::Entity::find()
            .filter(deputy_role::Column::DeputyId.eq(id))
            .order_by_asc(deputy_role::Column::StartDate)
            .all(db)
            .await?,
        deputy: d,
    })
}

/// True when `jti` has been revoked.
pub async fn is_revoked(db: &DatabaseConnection, jti: &str) -> Result<bool, StoreError> {
    Ok(crate::entity::revoked_token::Entity::find_by_id(jti.to_owned()).one(db).await?.is_some())
}

/// Revokes `jti` (idempotent).
pub async fn revoke(db: &DatabaseConnection, jti: &str, reason: Option<String>) -> Result<(), StoreError> {
    use crate::entity::revoked_token;
    if revoked_token::Entity::find_by_id(jti.to_owned()).one(db).await?.is_none() {
        revoked_token::ActiveModel {
            jti: Set(jti.to_owned()),
            revoked_at: Set(chrono::Utc::now()),
            reason: Set(reason),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
