//! Openness and debate metrics of a council, method v1.1 (`docs/metrics.md`).
//!
//! Pure functions over plain inputs: the store loads a [`CouncilPeriod`],
//! and [`council_metrics`] / [`deputy_metrics`] compute every metric as a
//! [`MetricValue`] (a number, or `null` with a [`NullReason`], always with
//! `n`). [`definitions`] lists what each metric means.
//!
//! Layout:
//! - `input`: the plain input types (sessions, items, votes, speeches, deputies).
//! - `value`: the served value and the null reasons.
//! - `stats`: Gini, agreement and Rice indexes, ENP and other small helpers.
//! - `openness`, `debate`, `voting`, `deputy`, `cohesion`, `composition`: the metric families.
//! - `definitions`: the machine-readable definitions.
//!
//! Scope: a session is in the period when the local calendar date of its
//! scheduled start (under the council's UTC offset, e.g. [`almaty_offset`])
//! is in `[from, to]`; only `held` sessions count, and only those whose
//! scheduled start is not after `as_of` (v1.1: a later one is not yet held,
//! whatever its stored status); a publication time after `as_of` counts as not
//! yet happened.

mod cohesion;
mod composition;
mod debate;
mod definitions;
mod deputy;
mod input;
mod openness;
mod record;
mod scope;
mod stats;
mod tally;
mod value;
mod voting;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod v1_1_tests;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use cohesion::{CohesionGroup, GroupCohesion};
pub use composition::{CompositionMetrics, composition_on};
pub use debate::DebateMetrics;
pub use definitions::{METHOD, MetricDefinition, MetricLevel, definitions};
pub use deputy::{DeputyGroup, DeputyMetricMeans, DeputyMetrics, GroupComparison, NonPartisanComparison};
pub use input::{
    ALMATY_UTC_OFFSET_SECONDS, AgendaItem, Ballot, BallotOption, CouncilPeriod, DateRange, Deputy, PartyMembership,
    Provenance, PublicTime, Session, SessionKind, SessionStatus, SpeakerRole, Speech, SpeechType, TimeKind, VoteCounts,
    VoteEvent, VoteMethod, VoteResult, almaty_offset, local_date, utc_offset,
};
pub use openness::{
    Component, MINUTES_FULL_DAYS, MINUTES_ZERO_DAYS, NOTICE_TARGET_DAYS, NOTICE_TARGET_DAYS_EXTRAORDINARY,
    OpennessComponent, OpennessMetrics, SessionOpenness, TimeBasis, VoteEventCounts, WEIGHTS_PERCENT, broadcast_score,
    coverage_value, documents_component, minutes_component, minutes_score, notice_component, notice_score,
    notice_target_days, openness_score, session_openness, session_openness_counted,
};
pub use record::{RecordInputs, record_inputs, record_kept};
pub use stats::{agreement_index, clamp, days_between, enp, enp_from_counts, gini, mean, ratio, rice_index};
pub use tally::{
    DeputyTally, SessionDebate, SessionsDebate, TallyDebate, TallyMeans, council_session_debate, council_tally_debate,
    council_tally_means, session_debate, session_tallies,
};
pub use value::{MetricValue, NullReason, dominant_reason};
pub use voting::{
    CONTESTED_THRESHOLD_PERCENT, SessionVoteTally, SessionVotes, VoteRates, VoteTally, VotingMetrics, dissenters,
    effective_counts, is_dissent, session_votes,
};

use scope::Scope;

/// All metrics of one council for a period, as of one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilMetrics {
    /// The method version, `"v1.1"`.
    pub method: String,
    /// The council.
    pub council_id: String,
    /// First local date of the period.
    pub from: NaiveDate,
    /// Last local date of the period.
    pub to: NaiveDate,
    /// The moment of evaluation.
    pub as_of: DateTime<Utc>,
    /// Held sessions in the period.
    pub held_sessions: u64,
    /// Openness components, score and coverage.
    pub openness: OpennessMetrics,
    /// Debate metrics.
    pub debate: DebateMetrics,
    /// Council voting metrics.
    pub voting: VotingMetrics,
    /// Composition on `min(to, as_of)`.
    pub composition: CompositionMetrics,
    /// Cohesion per party with members in the council, then non-partisan.
    pub cohesion: Vec<GroupCohesion>,
    /// Per-deputy metrics for every deputy who served in the period, by id.
    pub deputies: Vec<DeputyMetrics>,
    /// Council values of the per-deputy metrics.
    pub deputy_means: DeputyMetricMeans,
    /// Non-partisan against party deputies.
    pub non_partisan_comparison: NonPartisanComparison,
}

/// Computes every council metric for the period `[from, to]` (local dates,
/// under `offset`) as of `as_of`.
pub fn council_metrics(
    input: &CouncilPeriod,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> CouncilMetrics {
    let scope = Scope::new(input, from, to, as_of, offset);
    let deputies: Vec<DeputyMetrics> =
        scope.deputies_serving_in_period().into_iter().map(|d| deputy::deputy_metrics_in(&scope, d)).collect();
    let composition_date = to.min(local_date(as_of, offset));
    CouncilMetrics {
        method: METHOD.to_owned(),
        council_id: input.council_id.clone(),
        from,
        to,
        as_of,
        held_sessions: scope.held.len() as u64,
        openness: openness::openness_metrics(&scope),
        debate: debate::debate_metrics(&scope),
        voting: voting::voting_metrics(&scope),
        composition: composition_on(scope.deputies.iter().copied(), composition_date),
        cohesion: cohesion::group_cohesion(&scope),
        deputy_means: deputy::deputy_means(&deputies),
        non_partisan_comparison: deputy::non_partisan_comparison(&deputies),
        deputies,
    }
}

/// The council voting metrics alone: what [`council_metrics`] gives as `voting`, at a fraction of
/// its cost. They read the held sessions and each vote event's counts, never a ballot or speech:
/// a vote event's counts are its effective ones (stated, else tallied from its ballots), which the
/// store keeps per vote event at publication, so an input whose vote events carry those counts
/// and no ballots gives the same values as the whole input.
pub fn council_voting_metrics(
    input: &CouncilPeriod,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> VotingMetrics {
    voting::voting_metrics(&Scope::new(input, from, to, as_of, offset))
}

/// The unanimity rate and the contested share alone, from the council's sessions (`input` needs
/// no vote event, ballot or anything else) and the vote tallies of its sessions: the same values
/// as [`council_voting_metrics`] computes from every vote event.
pub fn council_vote_rates(
    input: &CouncilPeriod,
    tallies: &[SessionVoteTally],
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> VoteRates {
    voting::vote_rates(&Scope::new(input, from, to, as_of, offset), tallies)
}

/// The openness alone: what [`council_metrics`] gives as `openness`. It reads the sessions, their
/// agenda items and documents, and each session's counts of vote events and named ones (`votes`,
/// by session id), never a vote event, ballot or speech: `roll_call` is all openness asks of
/// the vote events, and whether each is named is kept at publication.
pub fn council_openness(
    input: &CouncilPeriod,
    votes: &std::collections::HashMap<String, VoteEventCounts>,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> OpennessMetrics {
    openness::openness_counted(&Scope::new(input, from, to, as_of, offset), votes)
}

/// The composition alone: what [`council_metrics`] gives as `composition`. It reads the deputies
/// (mandates and party memberships) only: no session, vote or speech.
pub fn council_composition(
    input: &CouncilPeriod,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> CompositionMetrics {
    let scope = Scope::new(input, from, to, as_of, offset);
    composition_on(scope.deputies.iter().copied(), to.min(local_date(as_of, offset)))
}

/// Computes the per-deputy metrics of one deputy for the period; `None`
/// when the deputy is not in the input.
pub fn deputy_metrics(
    input: &CouncilPeriod,
    deputy_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> Option<DeputyMetrics> {
    let deputy = input.deputies.iter().find(|d| d.id == deputy_id)?;
    let scope = Scope::new(input, from, to, as_of, offset);
    Some(deputy::deputy_metrics_in(&scope, deputy))
}
