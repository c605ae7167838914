//! The machine-readable list of metric definitions served beside the values.

use serde::Serialize;

use super::value::NullReason;

/// The method version of every definition here.
pub const METHOD: &str = "v1.1";

/// The level at which a metric is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricLevel {
    /// One value per council and period.
    Council,
    /// One value per group (party or non-partisan).
    Group,
    /// One value per deputy (and a council mean).
    Deputy,
}

/// One metric's definition as served by the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricDefinition {
    /// The metric's name, as in the values.
    pub name: &'static str,
    /// The family it belongs to: openness, debate, voting, deputy, cohesion, composition.
    pub family: &'static str,
    /// Where it is computed.
    pub level: MetricLevel,
    /// The formula in words.
    pub formula: &'static str,
    /// The range of the value.
    pub range: &'static str,
    /// When the value is null, in words.
    pub null_when: &'static str,
    /// The reason codes a null value can carry.
    pub null_reasons: &'static [NullReason],
    /// The method version, `"v1.1"`.
    pub method: &'static str,
}

use MetricLevel::{Council, Deputy, Group};
use NullReason as R;

const fn def(
    name: &'static str,
    family: &'static str,
    level: MetricLevel,
    formula: &'static str,
    range: &'static str,
    null_when: &'static str,
    null_reasons: &'static [NullReason],
) -> MetricDefinition {
    MetricDefinition { name, family, level, formula, range, null_when, null_reasons, method: METHOD }
}

const UNIT: &str = "[0, 1]";

/// Every metric of method v1.1, in the order of `docs/metrics.md`.
#[expect(
    clippy::too_many_lines,
    reason = "a table of every metric of the method, one entry each, in the order of docs/metrics.md"
)]
pub fn definitions() -> Vec<MetricDefinition> {
    let mut out = vec![
        // Openness.
        def(
            "notice",
            "openness",
            Council,
            "Per held session (held sessions of the period whose scheduled start is not after as_of): clamp(lead_days / target, 0, 1), lead_days = scheduled start minus the first time an agenda was public, in fractional days; target 10 days, 3 for extraordinary sessions; an agenda first public at or after the start, or not public by as_of, scores 0. A backfilled session (first received after its scheduled start) uses its declared notice; any other session the server-witnessed time only (a declared notice on it is shown, never scored). Council value: mean over held sessions where the session value is not null; n = those sessions; time_basis says which kind of time the values used.",
            UNIT,
            "backfilled session with no declared notice (per session); no held session (council)",
            &[R::BackfilledWithoutDeclaredNotice, R::NoHeldSessions],
        ),
        def(
            "documents",
            "openness",
            Council,
            "Per held session: share of agenda items with at least one document (attached to the item in the record) public before the scheduled start and by as_of. A session that is not backfilled uses witnessed times. A backfilled session uses each document's declared time: null if any document of the session has none; an item without documents counts as an item without a document before the start when the record's provenance is council (or synthetic), and is left out as unknown for public_sources records (null documents_unknown when no item has a document). Council value: mean over held sessions where the session value is not null; n = those sessions.",
            UNIT,
            "session has no agenda items; backfilled session with a document without a declared time; public-sources record where no item has a document",
            &[R::NoAgendaItems, R::BackfilledWithoutDeclaredDocuments, R::DocumentsUnknown, R::NoHeldSessions],
        ),
        def(
            "open_items",
            "openness",
            Council,
            "Per held session: share of agenda items held in public (item open and session open). Council value: mean over held sessions where the session value is not null; n = those sessions.",
            UNIT,
            "session has no agenda items",
            &[R::NoAgendaItems, R::NoHeldSessions],
        ),
        def(
            "broadcast",
            "openness",
            Council,
            "Per held session: 1 with a livestream URL, 0.5 with a recording only, 0 with neither. Council value: mean over held sessions where the session value is not null; n = those sessions.",
            UNIT,
            "never per session; no held session (council)",
            &[R::NoHeldSessions],
        ),
        def(
            "minutes",
            "openness",
            Council,
            "Per held session: d = days from the session's end (actual, else scheduled end, else scheduled start) to the minutes first being public (witnessed; for a backfilled session the minutes' declared time); 1 if d <= 7, (30 - d) / 23 if 7 < d < 30, 0 if d >= 30, or if there are no minutes public by as_of and 30 days have passed. A backfilled session with minutes that declare no time is null. A public_sources record without minutes is null (its sources may not show minutes that exist). Council value: mean over held sessions where the session value is not null; n = those sessions.",
            UNIT,
            "no minutes yet and fewer than 30 days have passed by as_of; backfilled session with minutes without a declared time; public-sources record without minutes",
            &[R::MinutesNotYetDue, R::BackfilledWithoutDeclaredMinutes, R::MinutesUnknown, R::NoHeldSessions],
        ),
        def(
            "roll_call",
            "openness",
            Council,
            "Per held session: share of the session's vote events that are named (roll_call or electronic, with ballots). Council value: mean over held sessions where the session value is not null; n = those sessions.",
            UNIT,
            "session has no vote events",
            &[R::NoVoteEvents, R::NoHeldSessions],
        ),
        def(
            "openness_score",
            "openness",
            Council,
            "100 * sum(w * c) / sum(w) over the components with a council value; weights notice 0.20, documents 0.15, open_items 0.15, broadcast 0.15, minutes 0.15, roll_call 0.20. n = components used.",
            "[0, 100]",
            "no component has a council value",
            &[R::NoHeldSessions, R::NoOpennessComponents],
        ),
        def(
            "coverage",
            "openness",
            Council,
            "sum(w) over the components with a council value: the weight openness_score covers (1 = every component). n = components used.",
            UNIT,
            "never (0 when no component has a value)",
            &[],
        ),
        // Debate.
        def(
            "undiscussed_item_share",
            "debate",
            Council,
            "Items put to vote (at least one vote event) with no deputy speech, divided by items put to vote, over held sessions in the period (sessions scheduled after as_of are not yet held).",
            UNIT,
            "no items put to vote",
            &[R::NoItemsPutToVote],
        ),
        def(
            "speakers_per_item",
            "debate",
            Council,
            "Mean, over items put to vote, of the number of distinct deputies who gave a deputy speech on the item.",
            "[0, seats]",
            "no items put to vote",
            &[R::NoItemsPutToVote],
        ),
        def(
            "silent_deputy_share",
            "debate",
            Council,
            "Among deputies who served on the date of at least one held session of the period, the share with no deputy speech in the period.",
            UNIT,
            "no such deputies",
            &[R::NoServingDeputies],
        ),
        def(
            "speaking_time_gini",
            "debate",
            Council,
            "Gini of total deputy-speech seconds over the same deputies, zeros included: sort ascending, G = sum_i (2i - n - 1) x_i / (n * sum x).",
            "[0, 1)",
            "fewer than 2 deputies, or no deputy speech time",
            &[R::TooFewDeputies, R::NoSpeechTime],
        ),
        def(
            "executive_share",
            "debate",
            Council,
            "Seconds of speeches by executive and chair speakers divided by seconds of all speeches; n = speeches with a known duration.",
            UNIT,
            "no speech time",
            &[R::NoSpeechTime],
        ),
        def(
            "questions_per_session",
            "debate",
            Council,
            "Deputy speeches of type question divided by held sessions.",
            ">= 0",
            "no held sessions",
            &[R::NoHeldSessions],
        ),
        // Voting.
        def(
            "unanimity_rate",
            "voting",
            Council,
            "Counted vote events (counts given or from ballots) of held sessions in the period (sessions scheduled after as_of are not yet held) with N = 0, A = 0, Y > 0, divided by counted vote events.",
            UNIT,
            "no counted vote events",
            &[R::NoCountedVoteEvents],
        ),
        def(
            "contested_share",
            "voting",
            Council,
            "Counted vote events with T > 0 and dissenters / T >= 0.10, divided by counted vote events with T > 0; dissenters are N + A on pass, Y on fail.",
            UNIT,
            "no counted vote event with T > 0",
            &[R::NoCountedVoteEvents, R::NoVotesCast],
        ),
        def(
            "mean_dissent",
            "voting",
            Council,
            "Mean of dissenters / T over counted vote events with T > 0.",
            UNIT,
            "no counted vote event with T > 0",
            &[R::NoCountedVoteEvents, R::NoVotesCast],
        ),
    ];
    out.extend(deputy_definitions());
    out.extend(group_and_composition_definitions());
    out
}

fn deputy_definitions() -> Vec<MetricDefinition> {
    vec![
        def(
            "attendance_rate",
            "deputy",
            Deputy,
            "Over named vote events of held sessions in the period on dates the deputy served: ballots yes, no, abstain, not_voting divided by all their ballots. Council value: mean over deputies with a value.",
            UNIT,
            "no ballots",
            &[R::NoBallots],
        ),
        def(
            "abstention_rate",
            "deputy",
            Deputy,
            "abstain ballots divided by their yes + no + abstain ballots. Council value: mean over deputies with a value.",
            UNIT,
            "no yes, no or abstain ballots",
            &[R::NoBallots, R::NoCastBallots],
        ),
        def(
            "losing_side_rate",
            "deputy",
            Deputy,
            "Their ballots that count as dissent (no or abstain on a passed vote, yes on a failed one) divided by their yes + no + abstain ballots. Council value: mean over deputies with a value.",
            UNIT,
            "no yes, no or abstain ballots",
            &[R::NoBallots, R::NoCastBallots],
        ),
        def(
            "rebellion_rate",
            "deputy",
            Deputy,
            "Party members only (party on the vote's date). The party line on a named vote event is the option among yes/no/abstain with a strict plurality among the party members' yes/no/abstain ballots; no line on a tie or with fewer than 2 such ballots. Ballots differing from the line divided by their yes/no/abstain ballots on events where their party had a line. Council value: mean over deputies with a value.",
            UNIT,
            "non-partisan, or no events with a party line",
            &[R::NonPartisan, R::NoEventsWithPartyLine],
        ),
        def(
            "speeches_per_session",
            "deputy",
            Deputy,
            "Their deputy speeches in held sessions of the period divided by held sessions on dates they served. Council value: mean over deputies with a value.",
            ">= 0",
            "no held session on a date they served",
            &[R::NoSessionsServed],
        ),
    ]
}

fn group_and_composition_definitions() -> Vec<MetricDefinition> {
    vec![
        def(
            "agreement_index",
            "cohesion",
            Group,
            "Per party and for non_partisan, on named vote events with Y, N, A counted within the group (membership on the vote's date): (max(Y,N,A) - (T - max(Y,N,A)) / 2) / T, defined when T >= 2; mean over events where defined (Hix, Noury and Roland 2005).",
            "[0, 1] (0 at an even three-way split)",
            "no event with T >= 2 for the group",
            &[R::TooFewGroupBallots],
        ),
        def(
            "rice_index",
            "cohesion",
            Group,
            "|Y - N| / (Y + N) within the group, defined when Y + N >= 2; mean over events where defined (Rice 1925).",
            UNIT,
            "no event with Y + N >= 2 for the group",
            &[R::TooFewGroupBallots],
        ),
        def(
            "non_partisan_vs_party",
            "deputy",
            Group,
            "For losing_side_rate, abstention_rate, attendance_rate and speeches_per_session: the mean over non-partisan deputies, the mean over party deputies, and their difference (non-partisan minus party). A deputy's group is their status on the last date in the period on which they served.",
            "difference of two means of the metric",
            "either group has no deputy with a value",
            &[R::NoDeputiesWithValue],
        ),
        def(
            "seats",
            "composition",
            Council,
            "Deputies serving on min(to, as_of); n = the same.",
            ">= 1",
            "no deputy serves on that date (no roster covers it)",
            &[R::NoSeats],
        ),
        def(
            "non_partisan_share",
            "composition",
            Council,
            "Deputies with no party divided by seats, on min(to, as_of).",
            UNIT,
            "no seats",
            &[R::NoSeats],
        ),
        def(
            "largest_party_share",
            "composition",
            Council,
            "The largest party's members divided by seats, on min(to, as_of).",
            UNIT,
            "no seats",
            &[R::NoSeats],
        ),
        def(
            "enp_seats",
            "composition",
            Council,
            "1 / sum(p^2) over seat shares, each non-partisan deputy a group of one (Laakso and Taagepera 1979).",
            "[1, seats]",
            "no seats",
            &[R::NoSeats],
        ),
        def(
            "enp_seats_bloc",
            "composition",
            Council,
            "1 / sum(p^2) over seat shares, all non-partisans as one group.",
            "[1, seats]",
            "no seats",
            &[R::NoSeats],
        ),
    ]
}
