//! Councils and parties as served: their current documents with version and times.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::council::{Convocation, Council, Party};
use crate::domain::enums::Level;
use crate::entity::{convocation, council, party};
use crate::store::paging::{Page, page};
use crate::store::stored::At;
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

/// A council's document from its row and its convocations, strictly.
pub(crate) fn council_of(row: &council::Model, convs: &[convocation::Model]) -> Result<Council, StoreError> {
    let at = At::new("council", &row.id);
    Ok(Council {
        names: at.names("names", &row.names)?,
        level: at.enumeration("level", &row.level)?,
        parent: row.parent_id.clone(),
        kato: row.kato.clone(),
        seats: at.number("seats", row.seats)?,
        website: row.website.clone(),
        convocations: convs
            .iter()
            .map(|c| Convocation { number: c.number.clone(), start_date: c.start_date, end_date: c.end_date })
            .collect(),
        synthetic: row.synthetic,
    })
}

fn council_read(row: council::Model, convs: &[convocation::Model]) -> Result<CouncilRead, StoreError> {
    Ok(CouncilRead {
        council: council_of(&row, convs)?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
        id: row.id,
    })
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

/// Councils ordered by id, after `cursor`.
pub async fn list_councils(
    db: &Db,
    f: &CouncilFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<CouncilRead>, StoreError> {
    let mut q = council::Entity::find().order_by_asc(council::Column::Id).limit(limit.saturating_add(1));
    if let Some(c) = cursor {
        q = q.filter(council::Column::Id.gt(c));
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
    let rows = q.all(db).await?;
    let convs = convocations(db, rows.iter().map(|r| r.id.clone()).collect()).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let mine: Vec<convocation::Model> = convs.iter().filter(|c| c.council_id == r.id).cloned().collect();
            council_read(r, &mine)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |r| r.id.clone()))
}

/// Every council, ordered by id.
pub async fn all_councils(db: &Db) -> Result<Vec<CouncilRead>, StoreError> {
    Ok(list_councils(db, &CouncilFilter::default(), None, u64::MAX >> 2).await?.items)
}

/// One council.
pub async fn get_council(db: &Db, id: &str) -> Result<CouncilRead, StoreError> {
    let row = council::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("council {id}")))?;
    let convs = convocations(db, vec![id.to_owned()]).await?;
    council_read(row, &convs)
}

fn party_read(row: party::Model) -> Result<PartyRead, StoreError> {
    let at = At::new("party", &row.id);
    Ok(PartyRead {
        party: Party {
            names: at.names("names", &row.names)?,
            abbreviations: at.names("abbreviations", &row.abbreviations)?,
            registration_status: at.enumeration("registration_status", &row.registration_status)?,
            synthetic: row.synthetic,
        },
        version: row.version,
        id: row.id,
    })
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
        s = s.filter(party::Column::Id.gt(c));
    }
    if let Some(text) = q {
        s = s.filter(Expr::col(party::Column::SearchKey).like(like_pattern(text)));
    }
    let rows = s.all(db).await?.into_iter().map(party_read).collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |r| r.id.clone()))
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
    party_read(row)
}
