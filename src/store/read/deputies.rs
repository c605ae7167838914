//! Deputies as served: each with their dated history (mandates, party memberships, roles), listed
//! in their council's current roster or not.

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::enums::SeatType;
use crate::domain::roster::{Deputy, Mandate, Role, period_covers};
use crate::entity::{deputy, deputy_role, mandate, party_membership};
use crate::store::tables::{self as t, all};
use crate::store::{Db, StoreError};

/// A deputy as stored now.
#[derive(Debug, Clone)]
pub struct DeputyRead {
    /// The deputy with their names, contacts, mandates and party memberships, oldest first.
    pub deputy: Deputy,
    /// Their council.
    pub council_id: String,
    /// False once dropped from the council's current roster (their past ballots stay).
    pub listed: bool,
    /// Made up (demo data).
    pub synthetic: bool,
    /// Positions held, oldest first.
    pub roles: Vec<Role>,
}

impl DeputyRead {
    /// Holds a mandate on `date`.
    pub fn serving_on(&self, date: NaiveDate) -> bool {
        self.deputy.mandates.iter().any(|m| period_covers(m.start_date, m.end_date, date))
    }

    /// Their party on `date`; none means non-partisan.
    pub fn party_on(&self, date: NaiveDate) -> Option<&str> {
        self.deputy
            .party_memberships
            .iter()
            .find(|m| period_covers(m.start_date, m.end_date, date))
            .map(|m| m.party.as_str())
    }

    /// Their mandate on `date`.
    pub fn mandate_on(&self, date: NaiveDate) -> Option<&Mandate> {
        self.deputy.mandates.iter().find(|m| period_covers(m.start_date, m.end_date, date))
    }
}

/// A deputy with their dated facts (the facts of other deputies are passed over).
fn deputy_read(
    d: t::Deputy,
    mandates: &[t::Mandate],
    memberships: &[t::PartyMembership],
    roles: &[t::Role],
) -> DeputyRead {
    let deputy = Deputy {
        mandates: mandates.iter().filter(|m| m.deputy_id == d.id).cloned().map(Into::into).collect(),
        party_memberships: memberships.iter().filter(|m| m.deputy_id == d.id).cloned().map(Into::into).collect(),
        names: d.names,
        given_names: d.given_names,
        family_names: d.family_names,
        patronymic_names: d.patronymic_names,
        gender: d.gender,
        contacts: d.contacts,
        id: d.id.clone(),
    };
    let roles = roles.iter().filter(|r| r.deputy_id == d.id).cloned().map(Into::into).collect();
    DeputyRead { deputy, council_id: d.council_id, listed: d.listed, synthetic: d.synthetic, roles }
}

/// Whose dated facts to read: a whole council's, or one deputy's.
#[derive(Clone, Copy)]
enum Owner<'a> {
    Council(&'a str),
    Deputy(&'a str),
}

/// The mandates, party memberships and roles of `owner`, each oldest first.
async fn facts(
    db: &Db,
    owner: Owner<'_>,
) -> Result<(Vec<t::Mandate>, Vec<t::PartyMembership>, Vec<t::Role>), StoreError> {
    let (m, p, r) = match owner {
        Owner::Council(id) => (
            mandate::Column::CouncilId.eq(id),
            party_membership::Column::CouncilId.eq(id),
            deputy_role::Column::CouncilId.eq(id),
        ),
        Owner::Deputy(id) => (
            mandate::Column::DeputyId.eq(id),
            party_membership::Column::DeputyId.eq(id),
            deputy_role::Column::DeputyId.eq(id),
        ),
    };
    let mandates = mandate::Entity::find().filter(m).order_by_asc(mandate::Column::StartDate).all(db).await?;
    let memberships =
        party_membership::Entity::find().filter(p).order_by_asc(party_membership::Column::StartDate).all(db).await?;
    let roles = deputy_role::Entity::find().filter(r).order_by_asc(deputy_role::Column::StartDate).all(db).await?;
    Ok((all(mandates)?, all(memberships)?, all(roles)?))
}

/// Every deputy of a council (listed or not) with their dated facts, ordered by id.
pub async fn council_deputies(db: &Db, council_id: &str) -> Result<Vec<DeputyRead>, StoreError> {
    let deputies = deputy::Entity::find()
        .filter(deputy::Column::CouncilId.eq(council_id))
        .order_by_asc(deputy::Column::Id)
        .all(db)
        .await?;
    let (mandates, memberships, roles) = facts(db, Owner::Council(council_id)).await?;
    Ok(all(deputies)?.into_iter().map(|d| deputy_read(d, &mandates, &memberships, &roles)).collect())
}

/// One deputy with their dated facts.
pub async fn get_deputy(db: &Db, id: &str) -> Result<DeputyRead, StoreError> {
    let d = deputy::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("deputy {id}")))?;
    let (mandates, memberships, roles) = facts(db, Owner::Deputy(id)).await?;
    Ok(deputy_read(t::Deputy::try_from(d)?, &mandates, &memberships, &roles))
}

/// A deputy of a council as its page counts them on one day: their names, and on that day the
/// seat type of their mandate and their party (none: no mandate, or non-partisan).
#[derive(Debug, Clone, PartialEq)]
pub struct DeputyOnDay {
    /// The deputy's id.
    pub id: String,
    /// Names per language tag.
    pub names: t::Names,
    /// The seat type of their mandate on the day; none when they hold none.
    pub seat_type: Option<SeatType>,
    /// Their party on the day; none means non-partisan.
    pub party: Option<String>,
}
/// `column` of the first row of `table` (a deputy's dated fact) that covers `day` for the deputy
/// of the enclosing row, by start date then id: a correlated subquery.
pub(super) fn covering(table: impl sea_orm::Iden + Copy + 'static, column: &'static str, day: NaiveDate) -> Expr {
    use sea_orm::sea_query::{Alias, ExprTrait, Order, Query, QueryStatementBuilder};
    let c = |name: &'static str| Expr::col((table, Alias::new(name)));
    let mut s = Query::select();
    s.expr(c(column))
        .from(table)
        .and_where(c("deputy_id").equals((deputy::Entity, deputy::Column::Id)))
        .and_where(c("start_date").lte(day))
        .and_where(c("end_date").is_null().or(c("end_date").gte(day)))
        .order_by((table, Alias::new("start_date")), Order::Asc)
        .order_by((table, Alias::new("id")), Order::Asc)
        .limit(1);
    Expr::SubQuery(None, Box::new(s.into_sub_query_statement()))
}
