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

/// Counts of counted vote events: all that the unanimity rate and the contested share read of
/// them, so that those two can be computed from counts kept per session at publication (issue
/// 25) as well as from the vote events themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteTally {
    /// Counted vote events: with counts, given or tallied from ballots.
    pub counted: u64,
    /// Of those, the unanimous ones: `N = 0`, `A = 0`, `Y > 0`.
    pub unanimous: u64,
    /// Of those counted, the ones with `T > 0`.
    pub with_votes: u64,
    /// Of those, the contested ones: `dissenters / T ≥ 0.10`.
    pub contested: u64,
}

impl VoteTally {
    /// Counts one counted vote event.
    pub fn add(&mut self, counts: VoteCounts, result: VoteResult) {
        self.counted += 1;
        self.unanimous += u64::from(counts.no == 0 && counts.abstain == 0 && counts.yes > 0);
        let t = counts.total();
        if t > 0 {
            self.with_votes += 1;
            // Integer comparison keeps the 10 % boundary exact.
            self.contested += u64::from(dissenters(counts, result) * 100 >= CONTESTED_THRESHOLD_PERCENT * t);
        }
    }

    /// Adds the counts of other vote events.
    pub fn merge(&mut self, other: &Self) {
        self.counted += other.counted;
        self.unanimous += other.unanimous;
        self.with_votes += other.with_votes;
        self.contested += other.contested;
    }

    /// Why a share of these vote events is null when it is.
    fn empty_reason(&self) -> NullReason {
        if self.counted == 0 { NullReason::NoCountedVoteEvents } else { NullReason::NoVotesCast }
    }

    /// The unanimity rate and the contested share of the vote events counted.
    pub fn rates(&self) -> VoteRates {
        VoteRates {
            unanimity_rate: MetricValue::ratio(self.unanimous, self.counted, NullReason::NoCountedVoteEvents),
            contested_share: MetricValue::ratio(self.contested, self.with_votes, self.empty_reason()),
        }
    }
}

/// The [`VoteTally`] of one session's vote events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionVoteTally {
    /// The session.
    pub session_id: String,
    /// Its counted vote events.
    pub tally: VoteTally,
}

/// What is kept of one session's vote events at publication: how many there are and how many are
/// named (what the openness reads of them), and their [`VoteTally`] (what the unanimity rate and
/// the contested share read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionVotes {
    /// Vote events, and the named ones.
    pub counts: super::openness::VoteEventCounts,
    /// The counted ones.
    pub tally: VoteTally,
}

/// The [`SessionVotes`] of one session's vote events.
pub fn session_votes(votes: &[VoteEvent]) -> SessionVotes {
    let mut out = SessionVotes::default();
    for v in votes {
        out.counts.vote_events += 1;
        out.counts.named += u64::from(v.is_named());
        if let Some(c) = effective_counts(v) {
            out.tally.add(c, v.result);
        }
    }
    out
}

/// The two voting metrics a [`VoteTally`] gives: what [`VotingMetrics`] has of them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VoteRates {
    /// As [`VotingMetrics::unanimity_rate`].
    pub unanimity_rate: MetricValue,
    /// As [`VotingMetrics::contested_share`].
    pub contested_share: MetricValue,
}

/// The unanimity rate and the contested share of the held sessions in scope from their sessions'
/// vote tallies (one per session; another for the same session is not counted again).
pub(super) fn vote_rates(scope: &Scope<'_>, tallies: &[SessionVoteTally]) -> VoteRates {
    let held: std::collections::HashSet<&str> = scope.held.iter().map(|s| s.id.as_str()).collect();
    let mut seen = std::collections::HashSet::new();
    let mut sum = VoteTally::default();
    for t in tallies.iter().filter(|t| held.contains(t.session_id.as_str()) && seen.insert(t.session_id.as_str())) {
        sum.merge(&t.tally);
    }
    sum.rates()
}

/// Computes the council voting metrics for the events in scope.
pub(super) fn voting_metrics(scope: &Scope<'_>) -> VotingMetrics {
    let counted: Vec<(VoteCounts, VoteResult)> =
        scope.votes.iter().filter_map(|v| effective_counts(v).map(|c| (c, v.result))).collect();
    let mut tally = VoteTally::default();
    for &(c, r) in &counted {
        tally.add(c, r);
    }
    let VoteRates { unanimity_rate, contested_share } = tally.rates();
    let shares: Vec<f64> = counted
        .iter()
        .filter(|(c, _)| c.total() > 0)
        .map(|&(c, r)| dissenters(c, r) as f64 / c.total() as f64)
        .collect();
    let mean_dissent = MetricValue::mean_of(&shares, tally.empty_reason());

    VotingMetrics { unanimity_rate, contested_share, mean_dissent }
}
