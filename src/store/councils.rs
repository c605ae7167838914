//! Councils, parties and rosters: their publication and the reads behind their endpoints.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, NotSet, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::StoreError;
use super::batch::insert_all;
use super::publish::{DocKind, Publication, PublishMeta, Published, canonical_json};
use crate::domain::Violations;
use crate::domain::council::{Council, Party};
use crate::domain::roster::{Roster, RosterContext};
use crate::domain::text::search_key;
use crate::entity::{commission, convocation, council, deputy, deputy_role, mandate, party, party_membership};

fn json<T: serde::Serialize>(v: &T) -> String {
    // Plain data (maps of strings, lists of structs) always serializes.
    serde_json::to_string(v).unwrap_or_default()
}

/// Publishes a council (admins only; checked by the caller).
pub async fn put_council(
    db: &DatabaseConnection,
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
    apply_council(&p.txn, id, doc, p.received_at, p.next_version()).await?;
    Ok(Published::Created(p.commit(meta).await?))
}

/// Writes a council's normalized rows for a version received at `now`.
pub(crate) async fn apply_council(
    txn: &DatabaseTransaction,
    id: &str,
    doc: &Council,
    now: DateTime<Utc>,
    version: i32,
) -> Result<(), StoreError> {
    let existing = council::Entity::find_by_id(id.to_owned()).one(txn).await?;
    let mut row = council::ActiveModel {
        id: Set(id.to_owned()),
        names: Set(json(&doc.names)),
        level: Set(doc.level.as_str().to_owned()),
        parent_id: Set(doc.parent.clone()),
        kato: Set(doc.kato.clone()),
        seats: Set(doc.seats as i32),
        website: Set(doc.website.clone()),
        search_key: Set(search_key(doc.names.values())),
        synthetic: Set(doc.synthetic),
        version: Set(version),
        created_at: Set(existing.as_ref().map_or(now, |e| e.created_at)),
        updated_at: Set(now),
    };
    if existing.is_some() {
        row.id = NotSet;
        council::Entity::update_many().set(row).filter(council::Column::Id.eq(id)).exec(txn).await?;
    } else {
        council::Entity::insert(row).exec_without_returning(txn).await?;
    }
    convocation::Entity::delete_many().filter(convocation::Column::CouncilId.eq(id)).exec(txn).await?;
    let convocations = doc.convocations.iter().map(|c| convocation::ActiveModel {
        council_id: Set(id.to_owned()),
        number: Set(c.number.clone()),
        start_date: Set(c.start_date),
        end_date: Set(c.end_date),
        ..Default::default()
    });
    insert_all(txn, convocations.collect()).await?;
    Ok(())
}

/// Publishes a party (admins only).
pub async fn put_party(
    db: &DatabaseConnection,
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
    apply_party(&p.txn, id, doc, p.received_at, p.next_version()).await?;
    Ok(Published::Created(p.commit(meta).await?))
}

/// Writes a party's row for a version received at `now`.
pub(crate) async fn apply_party(
    txn: &DatabaseTransaction,
    id: &str,
    doc: &Party,
    now: DateTime<Utc>,
    version: i32,
) -> Result<(), StoreError> {
    let existing = party::Entity::find_by_id(id.to_owned()).one(txn).await?;
    let mut row = party::ActiveModel {
        id: Set(id.to_owned()),
        names: Set(json(&doc.names)),
        abbreviations: Set(json(&doc.abbreviations)),
        registration_status: Set(doc.registration_status.as_str().to_owned()),
        search_key: Set(search_key(doc.names.values().chain(doc.abbreviations.values()))),
        synthetic: Set(doc.synthetic),
        version: Set(version),
        created_at: Set(existing.as_ref().map_or(now, |e| e.created_at)),
        updated_at: Set(now),
    };
    if existing.is_some() {
        row.id = NotSet;
        party::Entity::update_many().set(row).filter(party::Column::Id.eq(id)).exec(txn).await?;
    } else {
        party::Entity::insert(row).exec_without_returning(txn).await?;
    }
    Ok(())
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
pub async fn put_roster(
    db: &DatabaseConnection,
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
    if !v.is_empty() {
        return Err(StoreError::Invalid(v.into_vec()));
    }
    apply_roster(&p.txn, council_id, doc, council.synthetic, p.received_at).await?;
    Ok(Published::Created(p.commit(meta).await?))
}

/// Replaces a council's roster rows for a version received at `now`.
pub(crate) async fn apply_roster(
    txn: &DatabaseTransaction,
    council_id: &str,
    doc: &Roster,
    synthetic: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // Replace the dated facts wholesale; deputies are upserted and never deleted, because ballots
    // and speeches of past sessions keep pointing at them.
    deputy_role::Entity::delete_many().filter(deputy_role::Column::CouncilId.eq(council_id)).exec(txn).await?;
    commission::Entity::delete_many().filter(commission::Column::CouncilId.eq(council_id)).exec(txn).await?;
    mandate::Entity::delete_many().filter(mandate::Column::CouncilId.eq(council_id)).exec(txn).await?;
    party_membership::Entity::delete_many()
        .filter(party_membership::Column::CouncilId.eq(council_id))
        .exec(txn)
        .await?;
    deputy::Entity::update_many()
        .col_expr(deputy::Column::Listed, Expr::value(false))
        .filter(deputy::Column::CouncilId.eq(council_id))
        .exec(txn)
        .await?;
    let existing: BTreeMap<String, deputy::Model> = deputy::Entity::find()
        .filter(deputy::Column::CouncilId.eq(council_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect();
    // Parents before children, each table in one multi-row INSERT (rows in document order, so
    // generated ids come out as they would one row at a time).
    let mut new_deputies = vec![];
    for d in &doc.deputies {
        let mut row = deputy::ActiveModel {
            id: Set(d.id.clone()),
            council_id: Set(council_id.to_owned()),
            names: Set(json(&d.names)),
            given_names: Set(json(&d.given_names)),
            family_names: Set(json(&d.family_names)),
            patronymic_names: Set(json(&d.patronymic_names)),
            gender: Set(d.gender.map(|g| g.as_str().to_owned())),
            contacts: Set(json(&d.contacts)),
            search_key: Set(search_key(d.names.values())),
            listed: Set(true),
            synthetic: Set(synthetic),
            created_at: Set(existing.get(&d.id).map_or(now, |e| e.created_at)),
            updated_at: Set(now),
        };
        if existing.contains_key(&d.id) {
            row.id = NotSet;
            deputy::Entity::update_many().set(row).filter(deputy::Column::Id.eq(d.id.as_str())).exec(txn).await?;
        } else {
            new_deputies.push(row);
        }
    }
    insert_all(txn, new_deputies).await?;
    let mandates = doc.deputies.iter().flat_map(|d| {
        d.mandates.iter().map(|m| mandate::ActiveModel {
            deputy_id: Set(d.id.clone()),
            council_id: Set(council_id.to_owned()),
            convocation: Set(m.convocation.clone()),
            seat_type: Set(m.seat_type.as_str().to_owned()),
            district: Set(m.district.clone()),
            nomination: Set(m.nomination.as_str().to_owned()),
            nominating_party_id: Set(m.nominating_party.clone()),
            start_date: Set(m.start_date),
            end_date: Set(m.end_date),
            end_reason: Set(m.end_reason.map(|r| r.as_str().to_owned())),
            ..Default::default()
        })
    });
    insert_all(txn, mandates.collect()).await?;
    let memberships = doc.deputies.iter().flat_map(|d| {
        d.party_memberships.iter().map(|m| party_membership::ActiveModel {
            deputy_id: Set(d.id.clone()),
            council_id: Set(council_id.to_owned()),
            party_id: Set(m.party.clone()),
            start_date: Set(m.start_date),
            end_date: Set(m.end_date),
            ..Default::default()
        })
    });
    insert_all(txn, memberships.collect()).await?;
    let commissions = doc.commissions.iter().map(|c| commission::ActiveModel {
        id: Set(c.id.clone()),
        council_id: Set(council_id.to_owned()),
        names: Set(json(&c.names)),
        kind: Set(c.kind.as_str().to_owned()),
        start_date: Set(c.start_date),
        end_date: Set(c.end_date),
    });
    insert_all(txn, commissions.collect()).await?;
    let roles = doc.roles.iter().map(|r| deputy_role::ActiveModel {
        council_id: Set(council_id.to_owned()),
        deputy_id: Set(r.deputy.clone()),
        role: Set(r.role.as_str().to_owned()),
        commission_id: Set(r.commission.clone()),
        party_id: Set(r.party.clone()),
        start_date: Set(r.start_date),
        end_date: Set(r.end_date),
        ..Default::default()
    });
    insert_all(txn, roles.collect()).await?;
    Ok(())
}
