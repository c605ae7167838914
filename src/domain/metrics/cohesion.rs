//! Group cohesion on named vote events: agreement index and Rice index for
//! each party with members in the council and for the non-partisan group,
//! with membership taken on each vote's date.

use serde::{Deserialize, Serialize};

use super::scope::{GroupKey, Scope};
use super::stats::{agreement_index, rice_index};
use super::value::{MetricValue, NullReason};

/// A group whose cohesion is measured.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CohesionGroup {
    /// Members of one party on each vote's date.
    Party {
        /// The party.
        party_id: String,
    },
    /// Deputies with no party on each vote's date.
    NonPartisan,
}

/// Cohesion of one group over the named vote events in scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCohesion {
    /// The group.
    pub group: CohesionGroup,
    /// Mean agreement index over events where the group cast `T ≥ 2` votes
    /// (n = such events).
    pub agreement_index: MetricValue,
    /// Mean Rice index over events where the group cast `Y + N ≥ 2` (n = such events).
    pub rice_index: MetricValue,
}

/// Cohesion for one group key.
fn cohesion_of(scope: &Scope<'_>, key: &GroupKey) -> (MetricValue, MetricValue) {
    let slot = scope.slot(key);
    let mut agreement = Vec::new();
    let mut rice = Vec::new();
    for event in &scope.named {
        if let Some(t) = slot.and_then(|slot| event.tally(slot)) {
            agreement.extend(agreement_index(t.yes, t.no, t.abstain));
            rice.extend(rice_index(t.yes, t.no));
        }
    }
    (
        MetricValue::mean_of(&agreement, NullReason::TooFewGroupBallots),
        MetricValue::mean_of(&rice, NullReason::TooFewGroupBallots),
    )
}

/// Cohesion of every party that had a member serving in the council during
/// the period, by party id, then of the non-partisan group.
pub(super) fn group_cohesion(scope: &Scope<'_>) -> Vec<GroupCohesion> {
    let mut parties: Vec<&str> = scope
        .deputies
        .iter()
        .flat_map(|d| {
            d.party_memberships.iter().filter_map(move |m| {
                d.mandates.iter().any(|mandate| overlaps_in(mandate, &m.period, scope)).then_some(m.party_id.as_str())
            })
        })
        .collect();
    parties.sort_unstable();
    parties.dedup();

    let mut out: Vec<GroupCohesion> = parties
        .into_iter()
        .map(|party_id| {
            let (agreement_index, rice_index) = cohesion_of(scope, &GroupKey::Party(party_id.to_owned()));
            GroupCohesion { group: CohesionGroup::Party { party_id: party_id.to_owned() }, agreement_index, rice_index }
        })
        .collect();
    let (agreement_index, rice_index) = cohesion_of(scope, &GroupKey::NonPartisan);
    out.push(GroupCohesion { group: CohesionGroup::NonPartisan, agreement_index, rice_index });
    out
}

/// Whether a mandate and a membership share a day within the period.
fn overlaps_in(mandate: &super::input::DateRange, membership: &super::input::DateRange, scope: &Scope<'_>) -> bool {
    let start = mandate.start.max(membership.start).max(scope.from);
    let end = [mandate.end, membership.end, Some(scope.to)].into_iter().flatten().min().unwrap_or(scope.to);
    start <= end
}
