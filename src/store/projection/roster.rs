//! A council's roster: its deputies (upserted, never deleted), and the dated facts that each
//! version replaces whole (mandates, party memberships, commissions, roles).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Logged, json};
use crate::domain::roster::Roster;
use crate::domain::text::search_key;
use crate::entity::{commission, deputy, deputy_role, mandate, party_membership};

/// The rows a roster version implies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RosterRows {
    /// The deputies this version lists (`listed: true`). Deputies of the council that it no
    /// longer lists keep their last row, with `listed: false`: see [`RosterRows::fold`].
    pub deputies: Vec<deputy::Model>,
    /// Mandates, in document order (ids assigned by the database).
    pub mandates: Vec<mandate::Model>,
    /// Party memberships, in document order.
    pub memberships: Vec<party_membership::Model>,
    /// Commissions.
    pub commissions: Vec<commission::Model>,
    /// Roles, in document order.
    pub roles: Vec<deputy_role::Model>,
}

/// The rows of roster version `v` of a council whose `synthetic` flag is `council_synthetic` at
/// the time. `created_at` gives the existing row's creation time of a deputy already stored.
pub fn roster(
    v: &Logged,
    doc: &Roster,
    council_synthetic: bool,
    created_at: impl Fn(&str) -> Option<DateTime<Utc>>,
) -> RosterRows {
    let council_id = v.council().to_owned();
    let now = v.received_at;
    let deputies = doc
        .deputies
        .iter()
        .map(|d| deputy::Model {
            id: d.id.clone(),
            council_id: council_id.clone(),
            names: json(&d.names),
            given_names: json(&d.given_names),
            family_names: json(&d.family_names),
            patronymic_names: json(&d.patronymic_names),
            gender: d.gender.map(|g| g.as_str().to_owned()),
            contacts: json(&d.contacts),
            search_key: search_key(d.names.values()),
            listed: true,
            synthetic: council_synthetic,
            created_at: created_at(&d.id).unwrap_or(now),
            updated_at: now,
        })
        .collect();
    let mandates = doc
        .deputies
        .iter()
        .flat_map(|d| {
            d.mandates.iter().map(|m| mandate::Model {
                id: 0,
                deputy_id: d.id.clone(),
                council_id: council_id.clone(),
                convocation: m.convocation.clone(),
                seat_type: m.seat_type.as_str().to_owned(),
                district: m.district.clone(),
                nomination: m.nomination.as_str().to_owned(),
                nominating_party_id: m.nominating_party.clone(),
                start_date: m.start_date,
                end_date: m.end_date,
                end_reason: m.end_reason.map(|r| r.as_str().to_owned()),
            })
        })
        .collect();
    let memberships = doc
        .deputies
        .iter()
        .flat_map(|d| {
            d.party_memberships.iter().map(|m| party_membership::Model {
                id: 0,
                deputy_id: d.id.clone(),
                council_id: council_id.clone(),
                party_id: m.party.clone(),
                start_date: m.start_date,
                end_date: m.end_date,
            })
        })
        .collect();
    let commissions = doc
        .commissions
        .iter()
        .map(|c| commission::Model {
            id: c.id.clone(),
            council_id: council_id.clone(),
            names: json(&c.names),
            kind: c.kind.as_str().to_owned(),
            start_date: c.start_date,
            end_date: c.end_date,
        })
        .collect();
    let roles = doc
        .roles
        .iter()
        .map(|r| deputy_role::Model {
            id: 0,
            council_id: council_id.clone(),
            deputy_id: r.deputy.clone(),
            role: r.role.as_str().to_owned(),
            commission_id: r.commission.clone(),
            party_id: r.party.clone(),
            start_date: r.start_date,
            end_date: r.end_date,
        })
        .collect();
    RosterRows { deputies, mandates, memberships, commissions, roles }
}

impl RosterRows {
    /// Folds this version's deputies into every deputy the council's earlier versions stored:
    /// those it lists replace their rows, the others stay as they were but unlisted. What the
    /// deputy table holds for the council after this version.
    pub fn fold(&self, earlier: &mut BTreeMap<String, deputy::Model>) {
        for d in earlier.values_mut() {
            d.listed = false;
        }
        for d in &self.deputies {
            earlier.insert(d.id.clone(), d.clone());
        }
    }
}
