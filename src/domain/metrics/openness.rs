//! Openness: six components scored per held session, averaged over the
//! council, and combined into a weighted score with its coverage.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::input::{AgendaItem, Provenance, PublicTime, Session, SessionKind, TimeKind, VoteEvent};
use super::scope::Scope;
use super::stats::{clamp, days_between};
use super::value::{MetricValue, NullReason, dominant_reason};

/// Notice target in days for every kind of session but `extraordinary`.
pub const NOTICE_TARGET_DAYS: f64 = 10.0;
/// Notice target in days for an `extraordinary` session.
pub const NOTICE_TARGET_DAYS_EXTRAORDINARY: f64 = 3.0;
/// Minutes published within this many days score 1.
pub const MINUTES_FULL_DAYS: f64 = 7.0;
/// Minutes published this many days or later (or never, once this many days passed) score 0.
pub const MINUTES_ZERO_DAYS: f64 = 30.0;

/// Weights of the components in percent, in the order notice, documents,
/// open_items, broadcast, minutes, roll_call. Percent keeps sums exact.
pub const WEIGHTS_PERCENT: [u32; 6] = [20, 15, 15, 15, 15, 20];

/// Which kind of publication time a time-dependent value rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// Only server-witnessed times.
    Witnessed,
    /// Only declared times (backfilled sessions).
    Declared,
    /// Both kinds, from different sessions.
    Mixed,
}

impl TimeBasis {
    fn of(kinds: &BTreeSet<TimeKindKey>) -> Option<Self> {
        match (kinds.contains(&TimeKindKey::Witnessed), kinds.contains(&TimeKindKey::Declared)) {
            (true, true) => Some(Self::Mixed),
            (true, false) => Some(Self::Witnessed),
            (false, true) => Some(Self::Declared),
            (false, false) => None,
        }
    }
}

/// Orderable mirror of [`TimeKind`] for sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TimeKindKey {
    Witnessed,
    Declared,
}

/// The six openness components, in the order of [`WEIGHTS_PERCENT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Agenda published in advance.
    Notice,
    /// Documents published before the session.
    Documents,
    /// Items held in public.
    OpenItems,
    /// Livestream or recording.
    Broadcast,
    /// Minutes published promptly.
    Minutes,
    /// Named (recorded) votes.
    RollCall,
}

impl Component {
    /// Every component, in the order of the weights.
    pub const ALL: [Self; 6] =
        [Self::Notice, Self::Documents, Self::OpenItems, Self::Broadcast, Self::Minutes, Self::RollCall];

    /// The served name, e.g. `open_items`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Notice => "notice",
            Self::Documents => "documents",
            Self::OpenItems => "open_items",
            Self::Broadcast => "broadcast",
            Self::Minutes => "minutes",
            Self::RollCall => "roll_call",
        }
    }

    /// The component's weight in percent.
    pub fn weight_percent(self) -> u32 {
        WEIGHTS_PERCENT[self as usize]
    }

    /// Whether the component rests on publication times (notice, documents, minutes).
    pub fn uses_time(self) -> bool {
        matches!(self, Self::Notice | Self::Documents | Self::Minutes)
    }
}

/// The six openness components of one held session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionOpenness {
    /// The session.
    pub session_id: String,
    /// Its scheduled start.
    pub scheduled_start: DateTime<Utc>,
    /// Which kind of time this session's time-dependent components use:
    /// declared for a backfilled session, witnessed otherwise.
    pub time_kind: TimeKind,
    /// Agenda lead time against the target (n = 1).
    pub notice: MetricValue,
    /// Share of items with a document public before the start (n = items).
    pub documents: MetricValue,
    /// Share of items held in public (n = items).
    pub open_items: MetricValue,
    /// 1 livestream, 0.5 recording only, 0 neither (n = 1).
    pub broadcast: MetricValue,
    /// Timeliness of the minutes (n = 1).
    pub minutes: MetricValue,
    /// Share of the session's vote events that are named (n = vote events).
    pub roll_call: MetricValue,
}

/// The one of `all` (given in the order of [`Component::ALL`]) that belongs to `c`.
fn of_component<T>(c: Component, all: [&T; 6]) -> &T {
    all[c as usize]
}

impl SessionOpenness {
    /// One component's value.
    pub fn get(&self, c: Component) -> &MetricValue {
        of_component(
            c,
            [&self.notice, &self.documents, &self.open_items, &self.broadcast, &self.minutes, &self.roll_call],
        )
    }

    /// The kind of publication time a component used in this session: the session's own for
    /// notice, documents and minutes; none for the others, which need no time.
    pub fn time_kind_of(&self, c: Component) -> Option<TimeKind> {
        c.uses_time().then_some(self.time_kind)
    }
}

/// A council-level openness component.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OpennessComponent {
    /// Mean over held sessions where the component is not null (n = those sessions).
    pub value: MetricValue,
    /// The component's weight in the score.
    pub weight: f64,
    /// Kind of time the value rests on; `None` for components that need no time
    /// or when no session contributed.
    pub time_basis: Option<TimeBasis>,
}

/// Council openness: the components beside the score, so users can reweigh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpennessMetrics {
    /// Agenda published in advance.
    pub notice: OpennessComponent,
    /// Documents published before the session.
    pub documents: OpennessComponent,
    /// Items held in public.
    pub open_items: OpennessComponent,
    /// Livestream or recording.
    pub broadcast: OpennessComponent,
    /// Minutes published promptly.
    pub minutes: OpennessComponent,
    /// Named (recorded) votes.
    pub roll_call: OpennessComponent,
    /// `100 · Σ w·c / Σ w` over components with a council value (n = such components).
    pub score: MetricValue,
    /// `Σ w` of the components in the score, from 0 to 1 (n = such components).
    pub coverage: MetricValue,
    /// Kind of time all time-dependent components used together.
    pub time_basis: Option<TimeBasis>,
    /// The per-session components the council values were computed from.
    pub sessions: Vec<SessionOpenness>,
}

/// The notice target in days for a kind of session.
pub fn notice_target_days(kind: SessionKind) -> f64 {
    match kind {
        SessionKind::Extraordinary => NOTICE_TARGET_DAYS_EXTRAORDINARY,
        SessionKind::Regular | SessionKind::Constituent | SessionKind::Joint => NOTICE_TARGET_DAYS,
    }
}

/// Notice score from the agenda's lead time in days: `clamp(lead / target, 0, 1)`;
/// an agenda first public at or after the start (`lead ≤ 0`) scores 0.
pub fn notice_score(lead_days: f64, kind: SessionKind) -> f64 {
    if lead_days <= 0.0 { 0.0 } else { clamp(lead_days / notice_target_days(kind), 0.0, 1.0) }
}

/// Minutes score from the days between the session's end and publication:
/// 1 if `d ≤ 7`, `(30 − d) / 23` if `7 < d < 30`, 0 if `d ≥ 30`.
pub fn minutes_score(days: f64) -> f64 {
    if days <= MINUTES_FULL_DAYS {
        1.0
    } else if days < MINUTES_ZERO_DAYS {
        (MINUTES_ZERO_DAYS - days) / (MINUTES_ZERO_DAYS - MINUTES_FULL_DAYS)
    } else {
        0.0
    }
}

/// Broadcast score: 1 with a livestream, 0.5 with a recording only, else 0.
pub fn broadcast_score(has_livestream: bool, has_recording: bool) -> f64 {
    if has_livestream {
        1.0
    } else if has_recording {
        0.5
    } else {
        0.0
    }
}

/// The publication time usable for a session's metrics: of the kind the
/// session calls for (declared when backfilled, witnessed otherwise), or `None`.
fn of_kind(time: Option<&PublicTime>, backfilled: bool) -> Option<DateTime<Utc>> {
    let wanted = if backfilled { TimeKind::Declared } else { TimeKind::Witnessed };
    time.filter(|t| t.kind == wanted).map(|t| t.at)
}

/// `notice` of one session. A backfilled session scores its declared notice (null without
/// one); any other session its witnessed agenda time. A time after `as_of` has not happened:
/// no agenda public before the start, which scores 0.
pub fn notice_component(session: &Session, as_of: DateTime<Utc>) -> MetricValue {
    let reason = NullReason::BackfilledWithoutDeclaredNotice;
    match of_kind(session.agenda_first_public.as_ref(), session.backfilled) {
        Some(at) if at <= as_of => {
            MetricValue::known(notice_score(days_between(at, session.scheduled_start), session.kind), 1, reason)
        }
        None if session.backfilled => MetricValue::null(reason, 1),
        _ => MetricValue::known(0.0, 1, reason),
    }
}

/// `documents` of one session from its items' documents: for each item, each document's
/// publication time of the kind the session uses (`None` for a document without one);
/// `undeclared_elsewhere` says whether a document attached to no item lacks one.
///
/// Not backfilled: the share of items with a document public before the start (and by
/// `as_of`). Backfilled: null (`backfilled_without_declared_documents`) when any document of
/// the session has no declared time; otherwise an item without documents counts as an item
/// without a document before the start when the record states every document (council
/// provenance), and is left out as unknown for public-sources records, whose component is null
/// (`documents_unknown`) when no item has a document.
pub fn documents_component(
    items: &[Vec<Option<DateTime<Utc>>>],
    undeclared_elsewhere: bool,
    start: DateTime<Utc>,
    as_of: DateTime<Utc>,
    backfilled: bool,
    provenance: Provenance,
) -> MetricValue {
    let count = items.len() as u64;
    let before_start = |docs: &Vec<Option<DateTime<Utc>>>| docs.iter().flatten().any(|&at| at < start && at <= as_of);
    if items.is_empty() {
        return MetricValue::null(NullReason::NoAgendaItems, 0);
    }
    if !backfilled {
        let with_docs = items.iter().filter(|d| before_start(d)).count() as u64;
        return MetricValue::ratio(with_docs, count, NullReason::NoAgendaItems);
    }
    if undeclared_elsewhere || items.iter().flatten().any(Option::is_none) {
        return MetricValue::null(NullReason::BackfilledWithoutDeclaredDocuments, count);
    }
    let known: Vec<&Vec<Option<DateTime<Utc>>>> =
        items.iter().filter(|d| provenance.states_every_document() || !d.is_empty()).collect();
    if known.is_empty() {
        return MetricValue::null(NullReason::DocumentsUnknown, count);
    }
    let with_docs = known.iter().filter(|d| before_start(d)).count() as u64;
    MetricValue::ratio(with_docs, known.len() as u64, NullReason::DocumentsUnknown)
}

/// `minutes` of one session, `d` days after its end (actual, else scheduled end, else start).
/// A backfilled session uses the minutes' declared time: null
/// (`backfilled_without_declared_minutes`) when it has minutes with no declared time. Minutes
/// not public by `as_of`, or none at all, score 0 once 30 days have passed and are null
/// (`minutes_not_yet_due`) before; except that a public-sources record without minutes is
/// null (`minutes_unknown`): its sources may not show minutes that exist.
pub fn minutes_component(session: &Session, as_of: DateTime<Utc>) -> MetricValue {
    let end = session.actual_end.or(session.scheduled_end).unwrap_or(session.scheduled_start);
    let minutes = session.minutes_first_public.as_ref();
    match of_kind(minutes, session.backfilled) {
        Some(at) if at <= as_of => {
            return MetricValue::known(minutes_score(days_between(end, at)), 1, NullReason::MinutesNotYetDue);
        }
        None if minutes.is_some() && session.backfilled => {
            return MetricValue::null(NullReason::BackfilledWithoutDeclaredMinutes, 1);
        }
        None if minutes.is_none() && !session.provenance.states_every_document() => {
            return MetricValue::null(NullReason::MinutesUnknown, 1);
        }
        _ => {}
    }
    if days_between(end, as_of) >= MINUTES_ZERO_DAYS {
        MetricValue::known(0.0, 1, NullReason::MinutesNotYetDue)
    } else {
        MetricValue::null(NullReason::MinutesNotYetDue, 1)
    }
}

/// Scores the six openness components of one session as of `as_of`.
///
/// `items` and `votes` are the session's agenda items and vote events.
pub fn session_openness(
    session: &Session,
    items: &[&AgendaItem],
    votes: &[&VoteEvent],
    as_of: DateTime<Utc>,
) -> SessionOpenness {
    let named = votes.iter().filter(|v| v.is_named()).count() as u64;
    session_openness_counted(session, items, VoteEventCounts { vote_events: votes.len() as u64, named }, as_of)
}

/// How many vote events a session has, and how many of them are named: all that `roll_call`
/// reads of them (the store keeps whether each is named at publication).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteEventCounts {
    /// Vote events.
    pub vote_events: u64,
    /// Of those, the named ones.
    pub named: u64,
}

/// [`session_openness`] from the session's counts of vote events instead of the vote events.
pub fn session_openness_counted(
    session: &Session,
    items: &[&AgendaItem],
    votes: VoteEventCounts,
    as_of: DateTime<Utc>,
) -> SessionOpenness {
    let backfilled = session.backfilled;
    let item_docs: Vec<Vec<Option<DateTime<Utc>>>> =
        items.iter().map(|i| i.documents_first_public.iter().map(|t| of_kind(Some(t), backfilled)).collect()).collect();
    let undeclared_elsewhere = session.unattached_documents.iter().any(|t| of_kind(Some(t), backfilled).is_none());
    let documents = documents_component(
        &item_docs,
        undeclared_elsewhere,
        session.scheduled_start,
        as_of,
        backfilled,
        session.provenance,
    );

    let item_count = items.len() as u64;
    let public_items = items.iter().filter(|i| i.is_open && session.is_open).count() as u64;
    let open_items = MetricValue::ratio(public_items, item_count, NullReason::NoAgendaItems);

    let broadcast = MetricValue::known(
        broadcast_score(session.has_livestream, session.has_recording),
        1,
        NullReason::NoHeldSessions,
    );

    let roll_call = MetricValue::ratio(votes.named, votes.vote_events, NullReason::NoVoteEvents);

    SessionOpenness {
        session_id: session.id.clone(),
        scheduled_start: session.scheduled_start,
        time_kind: if backfilled { TimeKind::Declared } else { TimeKind::Witnessed },
        notice: notice_component(session, as_of),
        documents,
        open_items,
        broadcast,
        minutes: minutes_component(session, as_of),
        roll_call,
    }
}

/// `100 · Σ w·c / Σ w` over the components that have a value, and the
/// coverage `Σ w`; weights are in percent. The score is `None` when no
/// component has a value.
pub fn openness_score(components: &[(u32, Option<f64>)]) -> (Option<f64>, f64) {
    let mut weight_sum = 0_u32;
    let mut weighted = 0.0;
    for (weight, value) in components {
        if let Some(value) = value {
            weight_sum += weight;
            weighted += f64::from(*weight) * value;
        }
    }
    let coverage = f64::from(weight_sum) / 100.0;
    let score = (weight_sum > 0).then(|| 100.0 * weighted / f64::from(weight_sum));
    (score, coverage)
}

/// Aggregates one component over sessions.
fn component(
    sessions: &[SessionOpenness],
    pick: impl Fn(&SessionOpenness) -> MetricValue,
    weight_percent: u32,
    uses_time: bool,
) -> OpennessComponent {
    let mut values = Vec::new();
    let mut reasons = Vec::new();
    let mut kinds = BTreeSet::new();
    for s in sessions {
        let v = pick(s);
        match (v.value, v.reason) {
            (Some(x), _) => {
                values.push(x);
                kinds.insert(match s.time_kind {
                    TimeKind::Witnessed => TimeKindKey::Witnessed,
                    TimeKind::Declared => TimeKindKey::Declared,
                });
            }
            (None, Some(r)) => reasons.push(r),
            (None, None) => {}
        }
    }
    let reason = dominant_reason(reasons, NullReason::NoHeldSessions);
    OpennessComponent {
        value: MetricValue::mean_of(&values, reason),
        weight: f64::from(weight_percent) / 100.0,
        time_basis: if uses_time { TimeBasis::of(&kinds) } else { None },
    }
}

impl OpennessMetrics {
    /// One council component.
    pub fn get(&self, c: Component) -> &OpennessComponent {
        of_component(
            c,
            [&self.notice, &self.documents, &self.open_items, &self.broadcast, &self.minutes, &self.roll_call],
        )
    }
}

/// Computes council openness for the held sessions in scope.
pub(super) fn openness_metrics(scope: &Scope<'_>) -> OpennessMetrics {
    let sessions: Vec<SessionOpenness> = scope
        .held
        .iter()
        .map(|s| session_openness(s, scope.items_of(&s.id), scope.votes_of(&s.id), scope.as_of))
        .collect();
    openness_of(sessions)
}

/// Council openness for the held sessions in scope, from each session's counts of vote events
/// (by session id; none: no vote event) instead of the vote events.
pub(super) fn openness_counted(
    scope: &Scope<'_>,
    votes: &std::collections::HashMap<String, VoteEventCounts>,
) -> OpennessMetrics {
    let sessions: Vec<SessionOpenness> = scope
        .held
        .iter()
        .map(|s| {
            let counts = votes.get(&s.id).copied().unwrap_or_default();
            session_openness_counted(s, scope.items_of(&s.id), counts, scope.as_of)
        })
        .collect();
    openness_of(sessions)
}

/// Council openness from the openness of each held session.
fn openness_of(sessions: Vec<SessionOpenness>) -> OpennessMetrics {
    let [notice, documents, open_items, broadcast, minutes, roll_call] =
        Component::ALL.map(|c| component(&sessions, |s| *s.get(c), c.weight_percent(), c.uses_time()));
    let parts: Vec<(u32, Option<f64>)> = [&notice, &documents, &open_items, &broadcast, &minutes, &roll_call]
        .iter()
        .zip(Component::ALL)
        .map(|(x, c)| (c.weight_percent(), x.value.value))
        .collect();
    let (score, coverage) = openness_score(&parts);
    let used = parts.iter().filter(|(_, v)| v.is_some()).count() as u64;
    let score_reason = if sessions.is_empty() { NullReason::NoHeldSessions } else { NullReason::NoOpennessComponents };

    let mut kinds = BTreeSet::new();
    for basis in [notice.time_basis, documents.time_basis, minutes.time_basis].into_iter().flatten() {
        if basis != TimeBasis::Declared {
            kinds.insert(TimeKindKey::Witnessed);
        }
        if basis != TimeBasis::Witnessed {
            kinds.insert(TimeKindKey::Declared);
        }
    }

    OpennessMetrics {
        notice,
        documents,
        open_items,
        broadcast,
        minutes,
        roll_call,
        score: MetricValue::from_option(score, used, score_reason),
        coverage: coverage_value(coverage, used),
        time_basis: TimeBasis::of(&kinds),
        sessions,
    }
}

/// The coverage `Σ w` as a value with `n` = the components it sums; always defined (0 when no
/// component has a value).
pub fn coverage_value(coverage: f64, components: u64) -> MetricValue {
    MetricValue::known(coverage, components, NullReason::NoOpennessComponents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_regular_session_agenda_5_days_ahead_scores_0_5() {
        assert!((notice_score(5.0, SessionKind::Regular) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn notice_extraordinary_session_agenda_4_days_ahead_scores_1() {
        assert!((notice_score(4.0, SessionKind::Extraordinary) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn notice_agenda_at_or_after_start_scores_0() {
        assert_eq!(notice_score(0.0, SessionKind::Regular), 0.0);
        assert_eq!(notice_score(-2.0, SessionKind::Extraordinary), 0.0);
    }

    #[test]
    fn minutes_published_7_days_after_score_1() {
        assert!((minutes_score(7.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn minutes_published_18_5_days_after_score_0_5() {
        assert!((minutes_score(18.5) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn minutes_published_30_days_after_score_0() {
        assert_eq!(minutes_score(30.0), 0.0);
        assert_eq!(minutes_score(45.0), 0.0);
    }

    #[test]
    fn broadcast_scores_livestream_recording_neither() {
        assert_eq!(broadcast_score(true, true), 1.0);
        assert_eq!(broadcast_score(false, true), 0.5);
        assert_eq!(broadcast_score(false, false), 0.0);
    }

    #[test]
    fn score_reweighs_over_present_components() {
        let (score, coverage) = openness_score(&[(20, Some(1.0)), (15, None), (15, Some(0.0))]);
        assert!((coverage - 0.35).abs() < 1e-12);
        assert!(score.is_some_and(|s| (s - 100.0 * 20.0 / 35.0).abs() < 1e-9));
        assert_eq!(openness_score(&[(20, None)]), (None, 0.0));
    }
}
