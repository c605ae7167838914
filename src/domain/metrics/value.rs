//! The served value of one metric: a number or `null` with a reason, always
//! with `n`, the number of items it was computed from.

use serde::{Deserialize, Serialize};

/// Why a metric is `null`. Serialized in snake_case; these codes are part of
/// the API contract, so variants are only ever added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NullReason {
    /// No session with status `held` in the period.
    NoHeldSessions,
    /// The session (or every session) has no agenda items.
    NoAgendaItems,
    /// There are no vote events.
    NoVoteEvents,
    /// No agenda item was put to vote.
    NoItemsPutToVote,
    /// No vote event has counts (given or from ballots).
    NoCountedVoteEvents,
    /// Counted vote events exist but none has a yes, no or abstain vote.
    NoVotesCast,
    /// No speech has a known, non-zero duration.
    NoSpeechTime,
    /// Fewer than two deputies to compare.
    TooFewDeputies,
    /// No deputy served on the date of a held session of the period.
    NoServingDeputies,
    /// A backfilled session whose agenda publication time no record declares.
    BackfilledWithoutDeclaredNotice,
    /// A backfilled session with a document whose publication time the record does not declare.
    BackfilledWithoutDeclaredDocuments,
    /// A backfilled session with minutes whose publication time the record does not declare.
    BackfilledWithoutDeclaredMinutes,
    /// No minutes yet and fewer than 30 days have passed since the session.
    MinutesNotYetDue,
    /// The deputy was non-partisan on every vote they took part in.
    NonPartisan,
    /// Their party never had a line on an event where they cast a vote.
    NoEventsWithPartyLine,
    /// The deputy has no ballots on named vote events on dates they served.
    NoBallots,
    /// The deputy has no yes, no or abstain ballot.
    NoCastBallots,
    /// No held session of the period fell on a date the deputy served.
    NoSessionsServed,
    /// No deputy serves on the composition date.
    NoSeats,
    /// No named vote event had at least two qualifying ballots from the group.
    TooFewGroupBallots,
    /// No deputy of the group has a value for this metric.
    NoDeputiesWithValue,
    /// No openness component has a council value.
    NoOpennessComponents,
    /// A record compiled from public sources that do not state the sitting's date.
    SessionDateNotStated,
    /// The sources do not state whether the sitting was regular or extraordinary, and the notice
    /// score differs between the two targets.
    SessionKindNotStated,
    /// The sources do not state whether the sitting was open to the public.
    OpennessNotStated,
    /// The sources do not state whether the sitting was broadcast.
    BroadcastNotStated,
    /// A backfilled record compiled from public sources in which no agenda item has a document:
    /// whether the items had documents is unknown.
    DocumentsUnknown,
    /// A record compiled from public sources that shows no minutes: whether minutes were
    /// published is unknown.
    MinutesUnknown,
}

impl NullReason {
    /// A short human-readable explanation, for API users and the citizens' pages.
    pub fn message(self) -> &'static str {
        match self {
            Self::NoHeldSessions => "no session was held in the period",
            Self::NoAgendaItems => "there are no agenda items",
            Self::NoVoteEvents => "there are no vote events",
            Self::NoItemsPutToVote => "no agenda item was put to vote",
            Self::NoCountedVoteEvents => "no vote event has vote counts",
            Self::NoVotesCast => "no counted vote event has any yes, no or abstain vote",
            Self::NoSpeechTime => "no speech time is recorded",
            Self::TooFewDeputies => "fewer than two deputies to compare",
            Self::NoServingDeputies => "no deputy served on the date of a held session",
            Self::BackfilledWithoutDeclaredNotice => "backfilled session with no declared time for its agenda notice",
            Self::BackfilledWithoutDeclaredDocuments => {
                "backfilled session with a document whose publication time the record does not declare"
            }
            Self::BackfilledWithoutDeclaredMinutes => {
                "backfilled session with minutes whose publication time the record does not declare"
            }
            Self::MinutesNotYetDue => "no minutes yet, and fewer than 30 days have passed since the session",
            Self::NonPartisan => "the deputy is non-partisan",
            Self::NoEventsWithPartyLine => "the deputy's party had no line on any vote the deputy took part in",
            Self::NoBallots => "the deputy has no ballots on named votes",
            Self::NoCastBallots => "the deputy cast no yes, no or abstain ballot",
            Self::NoSessionsServed => "no held session fell on a date the deputy served",
            Self::NoSeats => "no deputy serves on that date",
            Self::TooFewGroupBallots => "no named vote had enough ballots from the group to measure cohesion",
            Self::NoDeputiesWithValue => "no deputy of the group has a value for this metric",
            Self::NoOpennessComponents => "no openness component could be computed",
            Self::SessionDateNotStated => "the public sources do not state the date of the sitting",
            Self::SessionKindNotStated => {
                "the public sources do not state whether the session was regular or extraordinary, and the score \
                 depends on it"
            }
            Self::OpennessNotStated => "the public sources do not state whether the sitting was open to the public",
            Self::BroadcastNotStated => "the public sources do not state whether the sitting was broadcast",
            Self::DocumentsUnknown => {
                "the public sources show no document of any agenda item, so whether the items had documents is unknown"
            }
            Self::MinutesUnknown => "the public sources show no minutes, so whether minutes were published is unknown",
        }
    }
}

/// One metric as served: `value` is `None` exactly when `reason` is `Some`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    /// The value, or `None` when it cannot be computed.
    pub value: Option<f64>,
    /// How many items the value was computed from (sessions, items, events, ballots...).
    pub n: u64,
    /// Why the value is `None`.
    pub reason: Option<NullReason>,
}

impl MetricValue {
    /// A computed value; a non-finite number is never served, so it
    /// becomes `null` with `fallback` as the reason.
    pub fn known(value: f64, n: u64, fallback: NullReason) -> Self {
        if value.is_finite() { Self { value: Some(value), n, reason: None } } else { Self::null(fallback, n) }
    }

    /// A value that cannot be computed, with the reason why.
    pub fn null(reason: NullReason, n: u64) -> Self {
        Self { value: None, n, reason: Some(reason) }
    }

    /// A value when `value` is `Some`, else `null` with `reason`.
    pub fn from_option(value: Option<f64>, n: u64, reason: NullReason) -> Self {
        match value {
            Some(v) => Self::known(v, n, reason),
            None => Self::null(reason, n),
        }
    }

    /// `numerator ÷ denominator` with `n = denominator`; `null` with
    /// `reason` when the denominator is 0.
    pub fn ratio(numerator: u64, denominator: u64, reason: NullReason) -> Self {
        Self::from_option(super::stats::ratio(numerator, denominator), denominator, reason)
    }

    /// The mean of `values` with `n` = their count; `null` with `reason` when empty.
    pub fn mean_of(values: &[f64], reason: NullReason) -> Self {
        Self::from_option(super::stats::mean(values), values.len() as u64, reason)
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        self.value.is_none()
    }
}

/// The most frequent reason in `reasons` (ties go to the earliest variant),
/// or `fallback` when there is none; used when a council value is `null`
/// because every underlying value is.
pub fn dominant_reason(reasons: impl IntoIterator<Item = NullReason>, fallback: NullReason) -> NullReason {
    let mut counts = std::collections::BTreeMap::new();
    for reason in reasons {
        *counts.entry(reason).or_insert(0_u64) += 1;
    }
    counts
        .into_iter()
        .fold(None, |best: Option<(NullReason, u64)>, (reason, count)| match best {
            Some((_, best_count)) if best_count >= count => best,
            _ => Some((reason, count)),
        })
        .map_or(fallback, |(reason, _)| reason)
}
