//! Per-deputy metric inputs kept at publication (issue 25): what one deputy did in one session
//! that the per-deputy metrics count, tallied once from the session's ballots and speeches when
//! the session is published, and the council means of those metrics computed from the tallies
//! instead of every ballot and speech. [`council_metrics`](super::council_metrics) stays the
//! definition: the means computed here equal its `deputy_means` (a test compares them).
//!
//! Not here: the rebellion rate and the cohesion, which need the party line of each vote event,
//! which depends on the deputies' party memberships on its date (the roster, published apart from
//! the session): they read the ballots.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::deputy::{DeputyMetrics, deputy_means};
use super::input::{BallotOption, CouncilPeriod, SpeakerRole, Speech, SpeechType, VoteEvent};
use super::scope::Scope;
use super::value::{MetricValue, NullReason};
use super::voting::is_dissent;

/// What one deputy did in one session, as the per-deputy metrics count it: their ballots on the
/// session's named vote events (one per event: a duplicate is ignored) and their deputy speeches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeputyTally {
    /// The session.
    pub session_id: String,
    /// The deputy.
    pub deputy_id: String,
    /// Ballots on named vote events.
    pub ballots: u64,
    /// Of those, the ones recording the deputy present (yes, no, abstain, not voting).
    pub present: u64,
    /// Of those, the cast ones (yes, no, abstain).
    pub cast: u64,
    /// Of the cast ones, abstentions.
    pub abstentions: u64,
    /// Of the cast ones, dissents (no or abstain on a passed vote, yes on a failed one).
    pub dissents: u64,
    /// Deputy speeches (role `deputy`) naming the deputy.
    pub deputy_speeches: u64,
    /// Their seconds (unknown durations count 0).
    pub speech_seconds: u64,
}

/// The tallies of one session from its vote events and speeches, by deputy id: a deputy with
/// neither a ballot on a named vote event nor a deputy speech has none.
pub fn session_tallies(session_id: &str, votes: &[VoteEvent], speeches: &[Speech]) -> Vec<DeputyTally> {
    let mut by_id: Vec<&VoteEvent> = votes.iter().collect();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    by_id.dedup_by(|a, b| a.id == b.id);
    let mut out: BTreeMap<&str, DeputyTally> = BTreeMap::new();
    for event in by_id.into_iter().filter(|v| v.is_named()) {
        let mut seen: HashSet<&str> = HashSet::new();
        for b in &event.ballots {
            if !seen.insert(b.deputy_id.as_str()) {
                continue;
            }
            let t = out.entry(b.deputy_id.as_str()).or_default();
            t.ballots += 1;
            t.present += u64::from(b.option.is_present());
            t.cast += u64::from(b.option.is_cast());
            t.abstentions += u64::from(b.option == BallotOption::Abstain);
            t.dissents += u64::from(b.option.is_cast() && is_dissent(b.option, event.result));
        }
    }
    for s in speeches.iter().filter(|s| s.is_deputy_speech()) {
        if let Some(deputy) = s.deputy_id.as_deref() {
            let t = out.entry(deputy).or_default();
            t.deputy_speeches += 1;
            t.speech_seconds += s.seconds.unwrap_or(0);
        }
    }
    out.into_iter()
        .map(|(deputy, t)| DeputyTally { session_id: session_id.to_owned(), deputy_id: deputy.to_owned(), ..t })
        .collect()
}

/// Council values of the per-deputy metrics that [`DeputyTally`]s give: what
/// [`council_metrics`](super::council_metrics) serves as `deputy_means`, less the rebellion rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TallyMeans {
    /// Mean attendance rate.
    pub attendance_rate: MetricValue,
    /// Mean abstention rate.
    pub abstention_rate: MetricValue,
    /// Mean losing-side rate.
    pub losing_side_rate: MetricValue,
    /// Mean speeches per session.
    pub speeches_per_session: MetricValue,
}

/// The council means of the per-deputy metrics from the council's sessions and deputies (`input`
/// needs no vote event, ballot or speech) and the tallies of its sessions: the same values as
/// [`council_metrics`](super::council_metrics) computes from every ballot and speech.
pub fn council_tally_means(
    input: &CouncilPeriod,
    tallies: &[DeputyTally],
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> TallyMeans {
    let scope = Scope::new(input, from, to, as_of, offset);
    let held: HashMap<&str, NaiveDate> =
        scope.held.iter().map(|s| (s.id.as_str(), super::input::local_date(s.scheduled_start, offset))).collect();
    let mut by_deputy: HashMap<&str, Vec<(&DeputyTally, NaiveDate)>> = HashMap::new();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for t in tallies {
        if let Some(&date) = held.get(t.session_id.as_str())
            && seen.insert((t.session_id.as_str(), t.deputy_id.as_str()))
        {
            by_deputy.entry(t.deputy_id.as_str()).or_default().push((t, date));
        }
    }
    let deputies: Vec<DeputyMetrics> = scope
        .deputies_serving_in_period()
        .into_iter()
        .map(|d| {
            let mine = by_deputy.get(d.id.as_str()).map_or(&[][..], Vec::as_slice);
            // Ballots count on dates the deputy served; deputy speeches in every held session.
            let served = || mine.iter().filter(|(_, date)| d.serves_on(*date)).map(|(t, _)| *t);
            let all: u64 = served().map(|t| t.ballots).sum();
            let present: u64 = served().map(|t| t.present).sum();
            let cast: u64 = served().map(|t| t.cast).sum();
            let abstained: u64 = served().map(|t| t.abstentions).sum();
            let dissents: u64 = served().map(|t| t.dissents).sum();
            let speeches: u64 = mine.iter().map(|(t, _)| t.deputy_speeches).sum();
            let cast_reason = if all == 0 { NullReason::NoBallots } else { NullReason::NoCastBallots };
            DeputyMetrics {
                deputy_id: d.id.clone(),
                group: None,
                attendance_rate: MetricValue::ratio(present, all, NullReason::NoBallots),
                abstention_rate: MetricValue::ratio(abstained, cast, cast_reason),
                losing_side_rate: MetricValue::ratio(dissents, cast, cast_reason),
                // Not computed from tallies, and not returned.
                rebellion_rate: MetricValue::null(NullReason::NoEventsWithPartyLine, 0),
                speeches_per_session: MetricValue::ratio(
                    speeches,
                    scope.sessions_served(d),
                    NullReason::NoSessionsServed,
                ),
            }
        })
        .collect();
    let means = deputy_means(&deputies);
    TallyMeans {
        attendance_rate: means.attendance_rate,
        abstention_rate: means.abstention_rate,
        losing_side_rate: means.losing_side_rate,
        speeches_per_session: means.speeches_per_session,
    }
}

/// The debate metrics that [`DeputyTally`]s give: what [`council_metrics`](super::council_metrics)
/// serves as `debate.silent_deputy_share` and `debate.speaking_time_gini`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TallyDebate {
    /// Share of deputies serving at a held session with no deputy speech in the period.
    pub silent_deputy_share: MetricValue,
    /// Gini of total deputy-speech seconds over those deputies, zeros included.
    pub speaking_time_gini: MetricValue,
}

/// The silent-deputy share and the speaking-time Gini from the council's sessions and deputies
/// (`input` needs no vote event, ballot or speech) and the tallies of its sessions: the same
/// values as [`council_metrics`](super::council_metrics) computes from every speech.
pub fn council_tally_debate(
    input: &CouncilPeriod,
    tallies: &[DeputyTally],
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> TallyDebate {
    let scope = Scope::new(input, from, to, as_of, offset);
    let held: HashSet<&str> = scope.held.iter().map(|s| s.id.as_str()).collect();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    let mut spoke: HashSet<&str> = HashSet::new();
    let mut seconds_by_deputy: HashMap<&str, u64> = HashMap::new();
    for t in tallies {
        if held.contains(t.session_id.as_str())
            && seen.insert((t.session_id.as_str(), t.deputy_id.as_str()))
            && t.deputy_speeches > 0
        {
            spoke.insert(t.deputy_id.as_str());
            *seconds_by_deputy.entry(t.deputy_id.as_str()).or_default() += t.speech_seconds;
        }
    }
    let serving = scope.deputies_serving_at_sessions();
    let (silent_deputy_share, speaking_time_gini) =
        super::debate::silence_and_gini(&serving, &spoke, &seconds_by_deputy);
    TallyDebate { silent_deputy_share, speaking_time_gini }
}

/// What one session gives the debate metrics that count items, speaking time and questions:
/// [`debate_metrics`](super::debate) summed over the held sessions of a period is these counts
/// summed, because every speech and vote event names an agenda item of its own session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SessionDebate {
    /// The session.
    pub session_id: String,
    /// Its agenda items with at least one vote event.
    pub items_put_to_vote: u64,
    /// Of those, the ones with no deputy speech.
    pub undiscussed_items: u64,
    /// The distinct deputies giving a deputy speech on each of those items, summed over them.
    pub item_speakers: u64,
    /// Speeches of known duration, whoever gave them.
    pub timed_speeches: u64,
    /// Their seconds.
    pub speech_seconds: u64,
    /// Of those, the seconds of `executive` and `chair` speeches.
    pub executive_seconds: u64,
    /// Deputy speeches of type `question`.
    pub questions: u64,
}

/// The debate counts of one session from the ids of its agenda items, its vote events and its
/// speeches, counted as [`debate_metrics`](super::debate) counts them.
pub fn session_debate(
    session_id: &str,
    item_ids: &[String],
    votes: &[VoteEvent],
    speeches: &[Speech],
) -> SessionDebate {
    let voted: HashSet<&str> = votes.iter().map(|v| v.agenda_item_id.as_str()).collect();
    let mut items: Vec<&str> = item_ids.iter().map(String::as_str).filter(|id| voted.contains(id)).collect();
    items.sort_unstable();
    items.dedup();
    let mut discussed: HashMap<&str, HashSet<&str>> = HashMap::new();
    for s in speeches.iter().filter(|s| s.is_deputy_speech()) {
        if let Some(item) = s.agenda_item_id.as_deref() {
            let speakers = discussed.entry(item).or_default();
            speakers.extend(s.deputy_id.as_deref());
        }
    }
    let timed = speeches.iter().filter_map(|s| s.seconds.map(|n| (s, n)));
    SessionDebate {
        session_id: session_id.to_owned(),
        items_put_to_vote: items.len() as u64,
        undiscussed_items: items.iter().filter(|id| !discussed.contains_key(*id)).count() as u64,
        item_speakers: items.iter().map(|id| discussed.get(id).map_or(0, HashSet::len) as u64).sum(),
        timed_speeches: timed.clone().count() as u64,
        speech_seconds: timed.clone().map(|(_, n)| n).sum(),
        executive_seconds: timed
            .filter(|(s, _)| matches!(s.role, SpeakerRole::Executive | SpeakerRole::Chair))
            .map(|(_, n)| n)
            .sum(),
        questions: speeches.iter().filter(|s| s.is_deputy_speech() && s.speech_type == SpeechType::Question).count()
            as u64,
    }
}

/// The debate metrics that [`SessionDebate`]s give: what [`council_metrics`](super::council_metrics)
/// serves as `debate.undiscussed_item_share`, `speakers_per_item`, `executive_share` and
/// `questions_per_session`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SessionsDebate {
    /// Items put to vote with no deputy speech ÷ items put to vote.
    pub undiscussed_item_share: MetricValue,
    /// Mean number of distinct deputies giving a deputy speech per item put to vote.
    pub speakers_per_item: MetricValue,
    /// Seconds of `executive` and `chair` speeches ÷ seconds of all speeches.
    pub executive_share: MetricValue,
    /// Deputy speeches of type `question` ÷ held sessions.
    pub questions_per_session: MetricValue,
}

/// Those four debate metrics from the council's sessions (`input` needs no agenda item, vote
/// event or speech) and the debate counts of its sessions: the same values as
/// [`council_metrics`](super::council_metrics) computes from every item, vote event and speech.
pub fn council_session_debate(
    input: &CouncilPeriod,
    debates: &[SessionDebate],
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    offset: FixedOffset,
) -> SessionsDebate {
    let scope = Scope::new(input, from, to, as_of, offset);
    let held: HashSet<&str> = scope.held.iter().map(|s| s.id.as_str()).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut sum = SessionDebate::default();
    for d in debates.iter().filter(|d| held.contains(d.session_id.as_str()) && seen.insert(d.session_id.as_str())) {
        sum.items_put_to_vote += d.items_put_to_vote;
        sum.undiscussed_items += d.undiscussed_items;
        sum.item_speakers += d.item_speakers;
        sum.timed_speeches += d.timed_speeches;
        sum.speech_seconds += d.speech_seconds;
        sum.executive_seconds += d.executive_seconds;
        sum.questions += d.questions;
    }
    SessionsDebate {
        undiscussed_item_share: MetricValue::ratio(
            sum.undiscussed_items,
            sum.items_put_to_vote,
            NullReason::NoItemsPutToVote,
        ),
        // The mean over items of whole numbers: their sum ÷ their count, to the last bit.
        speakers_per_item: MetricValue::ratio(sum.item_speakers, sum.items_put_to_vote, NullReason::NoItemsPutToVote),
        executive_share: MetricValue::from_option(
            super::stats::ratio(sum.executive_seconds, sum.speech_seconds),
            sum.timed_speeches,
            NullReason::NoSpeechTime,
        ),
        questions_per_session: MetricValue::ratio(sum.questions, scope.held.len() as u64, NullReason::NoHeldSessions),
    }
}
