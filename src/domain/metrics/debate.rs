//! Debate metrics over the held sessions of the period: whether items are
//! discussed before votes, who speaks, and for how long.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::input::{Deputy, SpeakerRole, Speech, SpeechType};
use super::scope::Scope;
use super::stats::gini;
use super::value::{MetricValue, NullReason};

/// Council-level debate metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DebateMetrics {
    /// Items put to vote with no deputy speech ÷ items put to vote.
    pub undiscussed_item_share: MetricValue,
    /// Mean number of distinct deputies giving a deputy speech per item put to vote.
    pub speakers_per_item: MetricValue,
    /// Share of deputies serving at a held session with no deputy speech in the period.
    pub silent_deputy_share: MetricValue,
    /// Gini of total deputy-speech seconds over those deputies, zeros included.
    pub speaking_time_gini: MetricValue,
    /// Seconds of `executive` and `chair` speeches ÷ seconds of all speeches.
    pub executive_share: MetricValue,
    /// Deputy speeches of type `question` ÷ held sessions.
    pub questions_per_session: MetricValue,
}

/// Computes the debate metrics for the held sessions in scope.
pub(super) fn debate_metrics(scope: &Scope<'_>) -> DebateMetrics {
    let deputy_speeches: Vec<&Speech> = scope.speeches.iter().copied().filter(|s| s.is_deputy_speech()).collect();

    // Items put to vote: items of held sessions with at least one vote event.
    let voted_item_ids: HashSet<&str> = scope.votes.iter().map(|v| v.agenda_item_id.as_str()).collect();
    let items_put_to_vote: Vec<&str> = scope
        .held
        .iter()
        .flat_map(|s| scope.items_of(&s.id))
        .map(|i| i.id.as_str())
        .filter(|id| voted_item_ids.contains(id))
        .collect();

    // Per item: whether any deputy speech, and which deputies spoke.
    let mut item_speech: HashMap<&str, (bool, BTreeSet<&str>)> = HashMap::new();
    for speech in &deputy_speeches {
        if let Some(item) = speech.agenda_item_id.as_deref() {
            let entry = item_speech.entry(item).or_default();
            entry.0 = true;
            if let Some(deputy) = speech.deputy_id.as_deref() {
                entry.1.insert(deputy);
            }
        }
    }
    let voted_count = items_put_to_vote.len() as u64;
    let undiscussed =
        items_put_to_vote.iter().filter(|id| !item_speech.get(*id).is_some_and(|(any, _)| *any)).count() as u64;
    let undiscussed_item_share = MetricValue::ratio(undiscussed, voted_count, NullReason::NoItemsPutToVote);
    let speakers: Vec<f64> =
        items_put_to_vote.iter().map(|id| item_speech.get(*id).map_or(0, |(_, set)| set.len()) as f64).collect();
    let speakers_per_item = MetricValue::mean_of(&speakers, NullReason::NoItemsPutToVote);

    // Deputies serving on the date of at least one held session.
    let serving = scope.deputies_serving_at_sessions();
    let mut seconds_by_deputy: HashMap<&str, u64> = HashMap::new();
    let mut spoke: HashSet<&str> = HashSet::new();
    for speech in &deputy_speeches {
        if let Some(deputy) = speech.deputy_id.as_deref() {
            spoke.insert(deputy);
            *seconds_by_deputy.entry(deputy).or_default() += speech.seconds.unwrap_or(0);
        }
    }
    let (silent_deputy_share, speaking_time_gini) = silence_and_gini(&serving, &spoke, &seconds_by_deputy);

    let timed: Vec<&Speech> = scope.speeches.iter().copied().filter(|s| s.seconds.is_some()).collect();
    let total_seconds: u64 = timed.iter().filter_map(|s| s.seconds).sum();
    let executive_seconds: u64 = timed
        .iter()
        .filter(|s| matches!(s.role, SpeakerRole::Executive | SpeakerRole::Chair))
        .filter_map(|s| s.seconds)
        .sum();
    let executive_share = MetricValue::from_option(
        super::stats::ratio(executive_seconds, total_seconds),
        timed.len() as u64,
        NullReason::NoSpeechTime,
    );

    let questions = deputy_speeches.iter().filter(|s| s.speech_type == SpeechType::Question).count() as u64;
    let questions_per_session = MetricValue::ratio(questions, scope.held.len() as u64, NullReason::NoHeldSessions);

    DebateMetrics {
        undiscussed_item_share,
        speakers_per_item,
        silent_deputy_share,
        speaking_time_gini,
        executive_share,
        questions_per_session,
    }
}

/// `silent_deputy_share` and `speaking_time_gini` over the deputies `serving` at a held session of
/// the period, from who gave a deputy speech in those sessions (`spoke`) and their seconds.
pub(super) fn silence_and_gini(
    serving: &[&Deputy],
    spoke: &HashSet<&str>,
    seconds_by_deputy: &HashMap<&str, u64>,
) -> (MetricValue, MetricValue) {
    let silent = serving.iter().filter(|d| !spoke.contains(d.id.as_str())).count() as u64;
    let silent_deputy_share = MetricValue::ratio(silent, serving.len() as u64, NullReason::NoServingDeputies);
    let seconds: Vec<f64> =
        serving.iter().map(|d| seconds_by_deputy.get(d.id.as_str()).copied().unwrap_or(0) as f64).collect();
    let gini_reason = if seconds.len() < 2 { NullReason::TooFewDeputies } else { NullReason::NoSpeechTime };
    let speaking_time_gini = MetricValue::from_option(gini(&seconds), seconds.len() as u64, gini_reason);
    (silent_deputy_share, speaking_time_gini)
}
