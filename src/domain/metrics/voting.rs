//! Council voting metrics over the vote events of held sessions in the
//! period, and the vote-event vocabulary (named, counted, dissenters) that
//! the per-deputy metrics share.

use serde::{Deserialize, Serialize};

use super::input::{BallotOption, VoteCounts, VoteEvent, VoteResult};
use super::scope::Scope;
use super::value::{MetricValue, NullReason};

/// Dissent share from which a vote event counts as contested (`dissenters / T ≥ 0.10`).
pub const CONTESTED_THRESHOLD_PERCENT: u64 = 10;

/// Council-level voting metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VotingMetrics {
    /// Counted vote events with `N = 0`, `A = 0`, `Y > 0` ÷ counted vote events.
    pub unanimity_rate: MetricValue,
    /// Counted events with `T > 0` and `dissenters / T ≥ 0.10` ÷ counted events with `T > 0`.
    pub contested_share: MetricValue,
    /// Mean of `dissenters / T` over counted events with `T > 0`.
    pub mean_dissent: MetricValue,
}

/// The counts of a vote event: the given counts, else tallied from its
/// ballots; `None` (not *counted*) when there are neither.
pub fn effective_counts(event: &VoteEvent) -> Option<VoteCounts> {
    if let Some(counts) = event.counts {
        return Some(counts);
    }
    if event.ballots.is_empty() {
        return None;
    }
    let mut counts = VoteCounts::default();
    for ballot in &event.ballots {
        counts.add(ballot.option);
    }
    Some(counts)
}

/// Dissenters of a vote event: `N + A` when it passed, `Y` when it failed.
pub fn dissenters(counts: VoteCounts, result: VoteResult) -> u64 {
    match result {
        VoteResult::Pass => counts.no + counts.abstain,
        VoteResult::Fail => counts.yes,
    }
}

/// Whether a ballot counts as dissent: `no` or `abstain` on a passed vote,
/// `yes` on a failed one.
pub fn is_dissent(option: BallotOption, result: VoteResult) -> bool {
    match result {
        VoteResult::Pass => matches!(option, BallotOption::No | BallotOption::Abstain),
        VoteResult::Fail => option == BallotOption::Yes,
    }
}

/// Computes the council voting metrics for the events in scope.
pub(super) fn voting_metrics(scope: &Scope<'_>) -> VotingMetrics {
    let counted: Vec<(VoteCounts, VoteResult)> =
        scope.votes.iter().filter_map(|v| effective_counts(v).map(|c| (c, v.result))).collect();
    let unanimous = counted.iter().filter(|(c, _)| c.no == 0 && c.abstain == 0 && c.yes > 0).count() as u64;
    let unanimity_rate = MetricValue::ratio(unanimous, counted.len() as u64, NullReason::NoCountedVoteEvents);

    let with_votes: Vec<(u64, u64)> =
        counted.iter().filter(|(c, _)| c.total() > 0).map(|(c, r)| (dissenters(*c, *r), c.total())).collect();
    let empty_reason = if counted.is_empty() { NullReason::NoCountedVoteEvents } else { NullReason::NoVotesCast };
    // Integer comparison keeps the 10 % boundary exact.
    let contested = with_votes.iter().filter(|(d, t)| d * 100 >= CONTESTED_THRESHOLD_PERCENT * t).count() as u64;
    let contested_share = MetricValue::ratio(contested, with_votes.len() as u64, empty_reason);
    let shares: Vec<f64> = with_votes.iter().map(|&(d, t)| d as f64 / t as f64).collect();
    let mean_dissent = MetricValue::mean_of(&shares, empty_reason);

    VotingMetrics { unanimity_rate, contested_share, mean_dissent }
}
