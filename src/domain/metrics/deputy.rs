//! Per-deputy metrics over named vote events on dates the deputy served,
//! their council means, and the non-partisan against party comparison.

use serde::{Deserialize, Serialize};

use super::input::{BallotOption, Deputy};
use super::scope::Scope;
use super::value::{MetricValue, NullReason, dominant_reason};
use super::voting::is_dissent;

/// A deputy's group for the non-partisan comparison: their status on the
/// last date in the period on which they served.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeputyGroup {
    /// A member of this party on that date.
    Party {
        /// The party.
        party_id: String,
    },
    /// No party on that date.
    NonPartisan,
}

/// The per-deputy metrics of one deputy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeputyMetrics {
    /// The deputy.
    pub deputy_id: String,
    /// Status on the last date in the period they served; `None` if they did not serve.
    pub group: Option<DeputyGroup>,
    /// Ballots yes/no/abstain/not_voting ÷ all their ballots.
    pub attendance_rate: MetricValue,
    /// `abstain` ÷ their yes + no + abstain.
    pub abstention_rate: MetricValue,
    /// Their dissenting ballots ÷ their yes + no + abstain.
    pub losing_side_rate: MetricValue,
    /// Ballots against their party's line ÷ their cast ballots where the party had a line.
    pub rebellion_rate: MetricValue,
    /// Their deputy speeches ÷ held sessions on dates they served.
    pub speeches_per_session: MetricValue,
}

/// Council values of the per-deputy metrics: means over deputies with a value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeputyMetricMeans {
    /// Mean attendance rate (n = deputies with a value).
    pub attendance_rate: MetricValue,
    /// Mean abstention rate.
    pub abstention_rate: MetricValue,
    /// Mean losing-side rate.
    pub losing_side_rate: MetricValue,
    /// Mean rebellion rate.
    pub rebellion_rate: MetricValue,
    /// Mean speeches per session.
    pub speeches_per_session: MetricValue,
}

/// One metric compared between non-partisan and party deputies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupComparison {
    /// Mean over non-partisan deputies with a value.
    pub non_partisan: MetricValue,
    /// Mean over party deputies with a value.
    pub party: MetricValue,
    /// `non_partisan − party`; null when either side is.
    pub difference: MetricValue,
}

/// Non-partisan deputies against party deputies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NonPartisanComparison {
    /// Losing-side rate.
    pub losing_side_rate: GroupComparison,
    /// Abstention rate.
    pub abstention_rate: GroupComparison,
    /// Attendance rate.
    pub attendance_rate: GroupComparison,
    /// Speeches per session.
    pub speeches_per_session: GroupComparison,
}

/// Computes one deputy's metrics.
pub(super) fn deputy_metrics_in(scope: &Scope<'_>, deputy: &Deputy) -> DeputyMetrics {
    let ballots = scope.ballots_by_deputy.get(deputy.id.as_str()).map_or(&[][..], |v| v.as_slice());

    let all = ballots.len() as u64;
    let present = ballots.iter().filter(|b| b.option.is_present()).count() as u64;
    let attendance_rate = MetricValue::ratio(present, all, NullReason::NoBallots);

    let cast: Vec<_> = ballots.iter().filter(|b| b.option.is_cast()).collect();
    let cast_count = cast.len() as u64;
    let cast_reason = if all == 0 { NullReason::NoBallots } else { NullReason::NoCastBallots };
    let abstained = cast.iter().filter(|b| b.option == BallotOption::Abstain).count() as u64;
    let abstention_rate = MetricValue::ratio(abstained, cast_count, cast_reason);

    let dissents =
        cast.iter().filter(|b| scope.named.get(b.event).is_some_and(|e| is_dissent(b.option, e.event.result))).count()
            as u64;
    let losing_side_rate = MetricValue::ratio(dissents, cast_count, cast_reason);

    // Non-partisan: no party on any vote they took part in or, with no
    // ballots at all, no party on the last day they served in the period.
    let non_partisan =
        if all > 0 { ballots.iter().all(|b| b.party.is_none()) } else { deputy_status_is_non_partisan(scope, deputy) };
    let rebellion_rate = if non_partisan {
        MetricValue::null(NullReason::NonPartisan, 0)
    } else {
        let mut with_line = 0_u64;
        let mut rebellions = 0_u64;
        for b in &cast {
            let Some(party) = b.party else { continue };
            if let Some(line) = scope.party_line(b.event, party) {
                with_line += 1;
                if b.option != line {
                    rebellions += 1;
                }
            }
        }
        MetricValue::ratio(rebellions, with_line, NullReason::NoEventsWithPartyLine)
    };

    let sessions = scope.sessions_served(deputy);
    let speeches = scope.deputy_speeches_of(deputy);
    let speeches_per_session = MetricValue::ratio(speeches, sessions, NullReason::NoSessionsServed);

    DeputyMetrics {
        deputy_id: deputy.id.clone(),
        group: deputy_group(scope, deputy),
        attendance_rate,
        abstention_rate,
        losing_side_rate,
        rebellion_rate,
        speeches_per_session,
    }
}

/// Whether the deputy has no party on the last date they served in the period
/// (or never served in it); used for the rebellion reason when they have no ballots.
fn deputy_status_is_non_partisan(scope: &Scope<'_>, deputy: &Deputy) -> bool {
    !matches!(deputy_group(scope, deputy), Some(DeputyGroup::Party { .. }))
}

/// The deputy's status on the last date in the period on which they served.
fn deputy_group(scope: &Scope<'_>, deputy: &Deputy) -> Option<DeputyGroup> {
    let last = deputy.last_day_served_within(scope.from, scope.to)?;
    Some(match deputy.party_on(last) {
        Some(party_id) => DeputyGroup::Party { party_id: party_id.to_owned() },
        None => DeputyGroup::NonPartisan,
    })
}

/// Mean of one metric over deputies with a value; `null` with the most
/// common deputy-level reason when none has one.
fn mean_over<'a>(
    deputies: impl IntoIterator<Item = &'a DeputyMetrics>,
    pick: impl Fn(&DeputyMetrics) -> MetricValue,
    empty_reason: NullReason,
) -> MetricValue {
    let mut values = Vec::new();
    let mut reasons = Vec::new();
    for d in deputies {
        let v = pick(d);
        match v.value {
            Some(x) => values.push(x),
            None => reasons.extend(v.reason),
        }
    }
    MetricValue::mean_of(&values, dominant_reason(reasons, empty_reason))
}

/// Council means of the per-deputy metrics.
pub(super) fn deputy_means(deputies: &[DeputyMetrics]) -> DeputyMetricMeans {
    let none = NullReason::NoDeputiesWithValue;
    DeputyMetricMeans {
        attendance_rate: mean_over(deputies, |d| d.attendance_rate, none),
        abstention_rate: mean_over(deputies, |d| d.abstention_rate, none),
        losing_side_rate: mean_over(deputies, |d| d.losing_side_rate, none),
        rebellion_rate: mean_over(deputies, |d| d.rebellion_rate, none),
        speeches_per_session: mean_over(deputies, |d| d.speeches_per_session, none),
    }
}

fn compare(deputies: &[DeputyMetrics], pick: impl Fn(&DeputyMetrics) -> MetricValue + Copy) -> GroupComparison {
    let none = NullReason::NoDeputiesWithValue;
    let non_partisan = mean_over(deputies.iter().filter(|d| d.group == Some(DeputyGroup::NonPartisan)), pick, none);
    let party = mean_over(deputies.iter().filter(|d| matches!(d.group, Some(DeputyGroup::Party { .. }))), pick, none);
    let difference = match (non_partisan.value, party.value) {
        (Some(a), Some(b)) => MetricValue::known(a - b, non_partisan.n + party.n, none),
        _ => MetricValue::null(non_partisan.reason.or(party.reason).unwrap_or(none), non_partisan.n + party.n),
    };
    GroupComparison { non_partisan, party, difference }
}

/// Non-partisan against party deputies on four per-deputy metrics.
pub(super) fn non_partisan_comparison(deputies: &[DeputyMetrics]) -> NonPartisanComparison {
    NonPartisanComparison {
        losing_side_rate: compare(deputies, |d| d.losing_side_rate),
        abstention_rate: compare(deputies, |d| d.abstention_rate),
        attendance_rate: compare(deputies, |d| d.attendance_rate),
        speeches_per_session: compare(deputies, |d| d.speeches_per_session),
    }
}
