//! Councils and parties as served: their current documents with version and times.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::domain::council::{Convocation, Council, Party};
use crate::domain::enums::Level;
use crate::entity::{convocation, council, party};
use crate::store::paging::{Page, id_after, id_cursor, page};
use crate::store::tables::{self as t, all};
use crate::store::{Db, StoreError};

/// A council as stored now.
#[derive(Debug, Clone)]
pub struct CouncilRead {
    /// Its id.
    pub id: String,
    /// Its current document.
    pub council: Council,
    /// The current version of that document.
    pub version: i32,
    /// When its first version was received.
    pub created_at: DateTime<Utc>,
    /// When its current version was received.
    pub updated_at: DateTime<Utc>,
}

/// A party as stored now.
#[derive(Debug, Clone)]
pub struct PartyRead {
    /// Its id.
    pub id: String,
    /// Its current document.
    pub party: Party,
    /// The current version of that document.
    pub version: i32,
}

/// Filters of [`list_councils`].
#[derive(Debug, Default, Clone)]
pub struct CouncilFilter {
    /// Only this level.
    pub level: Option<Level>,
    /// Only children of this council.
    pub parent: Option<String>,
    /// Folded text to find in any name (see [`crate::domain::text::fold`]).
    pub q: Option<String>,
}

/// A `LIKE` pattern that finds `folded` anywhere, its wildcards escaped.
pub(crate) fn like_pattern(folded: &str) -> LikeExpr {
    let escaped = folded.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// A council as served, from its read model and its convocations (oldest first).
fn council_read(c: t::Council, convocations: Vec<Convocation>) -> CouncilRead {
    CouncilRead {
        council: Council {
            names: c.names,
            level: c.level,
            parent: c.parent_id,
            kato: c.kato,
            seats: c.seats,
            website: c.website,
            convocations,
            synthetic: c.synthetic,
        },
        version: c.version,
        created_at: c.created_at,
        updated_at: c.updated_at,
        id: c.id,
    }
}

async fn convocations<C: ConnectionTrait>(
    db: &C,
    councils: Vec<String>,
) -> Result<Vec<convocation::Model>, StoreError> {
    Ok(convocation::Entity::find()
        .filter(convocation::Column::CouncilId.is_in(councils))
        .order_by_asc(convocation::Column::StartDate)
        .all(db)
        .await?)
}

/// The councils `f` selects, ordered by id, after `cursor`: `limit` and one more, to tell whether
/// a next page exists.
fn selected(f: &CouncilFilter, cursor: Option<&str>, limit: u64) -> Result<Select<council::Entity>, StoreError> {
    let mut q = council::Entity::find().order_by_asc(council::Column::Id).limit(limit.saturating_add(1));
    if let Some(c) = cursor {
        q = q.filter(council::Column::Id.gt(id_after("council", c)?));
    }
    if let Some(l) = f.level {
        q = q.filter(council::Column::Level.eq(l.as_str()));
    }
    if let Some(p) = &f.parent {
        q = q.filter(council::Column::ParentId.eq(p.as_str()));
    }
    if let Some(text) = &f.q {
        q = q.filter(Expr::col(council::Column::SearchKey).like(like_pattern(text)));
    }
    Ok(q)
}

/// Councils ordered by id, after `cursor`.
pub async fn list_councils(
    db: &Db,
    f: &CouncilFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<CouncilRead>, StoreError> {
    let rows: Vec<t::Council> = all(selected(f, cursor, limit)?.all(db).await?)?;
    let convs = convocations(db, rows.iter().map(|r| r.id.clone()).collect()).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let mine = convs.iter().filter(|c| c.council_id == r.id).cloned().map(Convocation::from).collect();
            council_read(r, mine)
        })
        .collect();
    Ok(page(rows, limit, |r| id_cursor("council", &r.id)))
}

/// A council's id and its served JSON without its URL (see `projection::council`).
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct ServedCouncil {
    /// The council's id.
    pub id: String,
    /// Its JSON as served, without `url`.
    pub served: String,
}

/// Councils ordered by id, after `cursor`, as their served JSON: what [`list_councils`] reads, in
/// one column of one table (the council list's read).
pub async fn list_councils_served(
    db: &Db,
    f: &CouncilFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<ServedCouncil>, StoreError> {
    let rows = selected(f, cursor, limit)?
        .select_only()
        .columns([council::Column::Id, council::Column::Served])
        .into_model::<ServedCouncil>()
        .all(db)
        .await?;
    Ok(page(rows, limit, |r| id_cursor("council", &r.id)))
}

/// Every council, ordered by id.
pub async fn all_councils(db: &Db) -> Result<Vec<CouncilRead>, StoreError> {
    Ok(list_councils(db, &CouncilFilter::default(), None, u64::MAX >> 2).await?.items)
}

/// One council (through any connection: publishing reads it to check documents against it).
pub async fn get_council<C: ConnectionTrait>(db: &C, id: &str) -> Result<CouncilRead, StoreError> {
    let row = council::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("council {id}")))?;
    let convs = convocations(db, vec![id.to_owned()]).await?;
    Ok(council_read(t::Council::try_from(row)?, convs.into_iter().map(Convocation::from).collect()))
}

/// A party as served, from its read model.
fn party_read(p: t::Party) -> PartyRead {
    PartyRead {
        party: Party {
            names: p.names,
            abbreviations: p.abbreviations,
            registration_status: p.registration_status,
            synthetic: p.synthetic,
        },
        version: p.version,
        id: p.id,
    }
}

/// Parties ordered by id, after `cursor`, optionally matching folded text in names or
/// abbreviations.
pub async fn list_parties(
    db: &Db,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<PartyRead>, StoreError> {
    let mut s = party::Entity::find().order_by_asc(party::Column::Id).limit(limit.saturating_add(1));
    if let Some(c) = cursor {
        s = s.filter(party::Column::Id.gt(id_after("party", c)?));
    }
    if let Some(text) = q {
        s = s.filter(Expr::col(party::Column::SearchKey).like(like_pattern(text)));
    }
    let rows = all(s.all(db).await?)?.into_iter().map(party_read).collect();
    Ok(page(rows, limit, |r| id_cursor("party", &r.id)))
}

/// Every party, ordered by id.
pub async fn all_parties(db: &Db) -> Result<Vec<PartyRead>, StoreError> {
    Ok(list_parties(db, None, None, u64::MAX >> 2).await?.items)
}

/// One party.
pub async fn get_party(db: &Db, id: &str) -> Result<PartyRead, StoreError> {
    let row = party::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("party {id}")))?;
    Ok(party_read(t::Party::try_from(row)?))
}
