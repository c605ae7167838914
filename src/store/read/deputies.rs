//! Deputies as served: each with their dated history (mandates, party memberships, roles), listed
//! in their council's current roster or not.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::roster::{Contact, Deputy, Mandate, PartyMembership, Role, period_covers};
use crate::entity::{deputy, deputy_role, mandate, party_membership};
use crate::store::stored::At;
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

/// A deputy's rows, strictly parsed.
fn deputy_read(
    d: deputy::Model,
    mandates: &[mandate::Model],
    memberships: &[party_membership::Model],
    roles: &[deputy_role::Model],
) -> Result<DeputyRead, StoreError> {
    let at = At::new("deputy", &d.id);
    let deputy = Deputy {
        names: at.names("names", &d.names)?,
        given_names: at.names("given_names", &d.given_names)?,
        family_names: at.names("family_names", &d.family_names)?,
        patronymic_names: at.names("patronymic_names", &d.patronymic_names)?,
        gender: at.opt_enumeration("gender", d.gender.as_deref())?,
        contacts: at.json::<Vec<Contact>>("contacts", &d.contacts)?,
        mandates: mandates.iter().filter(|m| m.deputy_id == d.id).map(mandate_of).collect::<Result<_, _>>()?,
        party_memberships: memberships
            .iter()
            .filter(|m| m.deputy_id == d.id)
            .map(|m| PartyMembership { party: m.party_id.clone(), start_date: m.start_date, end_date: m.end_date })
            .collect(),
        id: d.id.clone(),
    };
    let roles = roles.iter().filter(|r| r.deputy_id == d.id).map(role_of).collect::<Result<_, _>>()?;
    Ok(DeputyRead { deputy, council_id: d.council_id, listed: d.listed, synthetic: d.synthetic, roles })
}

fn mandate_of(m: &mandate::Model) -> Result<Mandate, StoreError> {
    let row = m.id.to_string();
    let at = At::new("mandate", &row);
    Ok(Mandate {
        convocation: m.convocation.clone(),
        seat_type: at.enumeration("seat_type", &m.seat_type)?,
        district: m.district.clone(),
        nomination: at.enumeration("nomination", &m.nomination)?,
        nominating_party: m.nominating_party_id.clone(),
        start_date: m.start_date,
        end_date: m.end_date,
        end_reason: at.opt_enumeration("end_reason", m.end_reason.as_deref())?,
    })
}

fn role_of(r: &deputy_role::Model) -> Result<Role, StoreError> {
    let row = r.id.to_string();
    Ok(Role {
        deputy: r.deputy_id.clone(),
        role: At::new("deputy_role", &row).enumeration("role", &r.role)?,
        commission: r.commission_id.clone(),
        party: r.party_id.clone(),
        start_date: r.start_date,
        end_date: r.end_date,
    })
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
) -> Result<(Vec<mandate::Model>, Vec<party_membership::Model>, Vec<deputy_role::Model>), StoreError> {
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
    Ok((mandates, memberships, roles))
}

/// Every deputy of a council (listed or not) with their dated facts, ordered by id.
pub async fn council_deputies(db: &Db, council_id: &str) -> Result<Vec<DeputyRead>, StoreError> {
    let deputies = deputy::Entity::find()
        .filter(deputy::Column::CouncilId.eq(council_id))
        .order_by_asc(deputy::Column::Id)
        .all(db)
        .await?;
    let (mandates, memberships, roles) = facts(db, Owner::Council(council_id)).await?;
    deputies.into_iter().map(|d| deputy_read(d, &mandates, &memberships, &roles)).collect()
}

/// One deputy with their dated facts.
pub async fn get_deputy(db: &Db, id: &str) -> Result<DeputyRead, StoreError> {
    let d = deputy::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("deputy {id}")))?;
    let (mandates, memberships, roles) = facts(db, Owner::Deputy(id)).await?;
    deputy_read(d, &mandates, &memberships, &roles)
}
