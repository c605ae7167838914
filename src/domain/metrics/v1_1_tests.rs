//! Method v1.1: the three classes that v1 read differently (declared document and minutes
//! times of backfilled sessions; a backfilled session with agenda items and no documents;
//! sessions scheduled after `as_of`) and each clarification of `docs/metrics.md`.

use chrono::{DateTime, Utc};

use super::tests::{date, deputy, item, range, session, speech, ts, vote};
use super::*;

const EPS: f64 = 1e-9;

fn value(v: &MetricValue) -> f64 {
    v.value.unwrap_or_else(|| panic!("expected a value, got {v:?}"))
}

fn reason(v: &MetricValue) -> NullReason {
    assert_eq!(v.value, None, "expected null, got {v:?}");
    v.reason.unwrap_or_else(|| panic!("null without a reason: {v:?}"))
}

/// A backfilled regular session on 20 January 2025 at 10:00 local, ending at 14:00.
fn backfilled() -> Session {
    let mut s = session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    s.scheduled_end = Some(ts(2025, 1, 20, 9, 0));
    s.backfilled = true;
    s
}

const LATER: fn() -> DateTime<Utc> = || ts(2025, 6, 1, 0, 0);

// Class 1: declared document and minutes times are used for backfilled sessions.

#[test]
fn class_1_a_backfilled_session_scores_documents_and_minutes_from_their_declared_times() {
    let mut s = backfilled();
    // Minutes declared public 18.5 days after the end: 0.5.
    s.minutes_first_public = Some(PublicTime::declared(ts(2025, 2, 7, 21, 0)));
    // Two items: one with a document declared 3 days ahead, one declared after the start.
    let early = item("a", "s", true, vec![PublicTime::declared(ts(2025, 1, 17, 5, 0))]);
    let late = item("b", "s", true, vec![PublicTime::declared(ts(2025, 1, 21, 5, 0))]);
    let o = session_openness(&s, &[&early, &late], &[], LATER());
    assert!((value(&o.documents) - 0.5).abs() < EPS);
    assert_eq!(o.documents.n, 2);
    assert!((value(&o.minutes) - 0.5).abs() < EPS);
    assert_eq!(o.time_kind_of(Component::Documents), Some(TimeKind::Declared));
    assert_eq!(o.time_kind_of(Component::Minutes), Some(TimeKind::Declared));
    assert_eq!(o.time_kind_of(Component::Broadcast), None);
}

#[test]
fn class_1_the_witnessed_times_of_a_backfilled_record_are_not_used() {
    let mut s = backfilled();
    // The server received everything after the sitting: a witnessed time says nothing.
    s.minutes_first_public = Some(PublicTime::witnessed(ts(2025, 1, 21, 5, 0)));
    let witnessed = item("a", "s", true, vec![PublicTime::witnessed(ts(2025, 1, 21, 5, 0))]);
    let o = session_openness(&s, &[&witnessed], &[], LATER());
    assert_eq!(reason(&o.documents), NullReason::BackfilledWithoutDeclaredDocuments);
    assert_eq!(reason(&o.minutes), NullReason::BackfilledWithoutDeclaredMinutes);
}

// Class 2: a backfilled session with agenda items and no documents at all.

#[test]
fn class_2_a_council_record_without_documents_scores_0_for_documents() {
    let s = backfilled();
    let (a, b) = (item("a", "s", true, vec![]), item("b", "s", true, vec![]));
    let o = session_openness(&s, &[&a, &b], &[], LATER());
    assert_eq!(o.documents.value, Some(0.0));
    assert_eq!(o.documents.n, 2);
}

#[test]
fn class_2_a_public_sources_record_without_documents_is_documents_unknown() {
    let mut s = backfilled();
    s.provenance = Provenance::PublicSources;
    let (a, b) = (item("a", "s", true, vec![]), item("b", "s", true, vec![]));
    let o = session_openness(&s, &[&a, &b], &[], LATER());
    assert_eq!(reason(&o.documents), NullReason::DocumentsUnknown);
}

#[test]
fn class_2_synthetic_records_stand_in_for_the_councils_own() {
    let mut s = backfilled();
    s.provenance = Provenance::Synthetic;
    let a = item("a", "s", true, vec![]);
    assert_eq!(session_openness(&s, &[&a], &[], LATER()).documents.value, Some(0.0));
}

// Class 3: sessions scheduled after `as_of` are out of every metric.

/// Two held sessions: s1 on 20 January and s2 on 20 March (backfilled, with a declared notice,
/// a named vote, a deputy's question); as of 1 February only s1 has been held.
fn two_sessions() -> CouncilPeriod {
    let mandate = range(date(2024, 1, 1), None);
    let s1 = session("s1", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    let mut s2 = session("s2", SessionKind::Regular, ts(2025, 3, 20, 5, 0));
    s2.backfilled = true;
    s2.agenda_first_public = Some(PublicTime::declared(ts(2025, 3, 1, 5, 0)));
    CouncilPeriod {
        council_id: "c".into(),
        sessions: vec![s1, s2],
        agenda_items: vec![item("i1", "s1", true, vec![]), item("i2", "s2", true, vec![])],
        vote_events: vec![vote(
            "v2",
            "s2",
            "i2",
            VoteMethod::RollCall,
            VoteResult::Pass,
            &[("a", BallotOption::Yes), ("b", BallotOption::No)],
        )],
        speeches: vec![speech("s2", Some("i2"), Some("a"), SpeakerRole::Deputy, SpeechType::Question, Some(60))],
        deputies: vec![deputy("a", mandate, &[]), deputy("b", mandate, &[])],
    }
}

#[test]
fn class_3_a_session_scheduled_after_as_of_is_out_of_every_metric() {
    let input = two_sessions();
    let m = council_metrics(&input, date(2025, 1, 1), date(2025, 12, 31), ts(2025, 2, 1, 0, 0), almaty_offset());
    assert_eq!(m.held_sessions, 1);
    assert_eq!(m.openness.sessions.len(), 1);
    assert_eq!(m.openness.sessions[0].session_id, "s1");
    // Its declared notice is not a null notice: the session is not there at all.
    assert_eq!(m.openness.notice.value.value, Some(0.0));
    assert_eq!(m.openness.notice.value.n, 1);
    assert_eq!(reason(&m.openness.roll_call.value), NullReason::NoVoteEvents);
    assert_eq!(reason(&m.voting.unanimity_rate), NullReason::NoCountedVoteEvents);
    assert_eq!(m.debate.questions_per_session.value, Some(0.0));
    let a = m.deputies.iter().find(|d| d.deputy_id == "a").expect("deputy a");
    assert_eq!(reason(&a.attendance_rate), NullReason::NoBallots);
    assert_eq!(a.speeches_per_session.value, Some(0.0));

    // Once it has started it counts, with its declared notice 19 days ahead.
    let m = council_metrics(&input, date(2025, 1, 1), date(2025, 12, 31), ts(2025, 3, 20, 5, 0), almaty_offset());
    assert_eq!(m.held_sessions, 2);
    let s2 = m.openness.sessions.iter().find(|s| s.session_id == "s2").expect("s2");
    assert_eq!(s2.notice.value, Some(1.0));
    assert_eq!(m.voting.unanimity_rate.value, Some(0.0));
}

// Clarifications.

#[test]
fn backfilled_means_first_received_after_the_scheduled_start() {
    use crate::domain::session::SessionRecord;
    let record: SessionRecord = serde_json::from_value(serde_json::json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2025-01-20T05:00:00Z", "scheduled_end": null, "actual_start": null,
        "actual_end": null, "place": null, "is_open": true, "livestream_url": null,
        "recording_url": null, "minutes_document": null, "declared_notice": null,
        "agenda": [], "documents": [], "vote_events": [], "speeches": []
    }))
    .expect("a record");
    assert!(!record.is_backfilled(ts(2025, 1, 20, 5, 0)), "received at the start: witnessed");
    assert!(record.is_backfilled(ts(2025, 1, 20, 5, 1)));
}

#[test]
fn any_document_of_a_backfilled_session_without_a_declared_time_makes_documents_null() {
    let mut s = backfilled();
    let declared = item("a", "s", true, vec![PublicTime::declared(ts(2025, 1, 10, 0, 0))]);
    assert_eq!(session_openness(&s, &[&declared], &[], LATER()).documents.value, Some(1.0));
    // A document attached to no item (here the agenda itself) without a declared time.
    s.unattached_documents = vec![PublicTime::witnessed(ts(2025, 1, 21, 0, 0))];
    let o = session_openness(&s, &[&declared], &[], LATER());
    assert_eq!(reason(&o.documents), NullReason::BackfilledWithoutDeclaredDocuments);
    s.unattached_documents = vec![PublicTime::declared(ts(2025, 1, 5, 0, 0))];
    assert_eq!(session_openness(&s, &[&declared], &[], LATER()).documents.value, Some(1.0));
}

#[test]
fn council_records_count_an_item_without_documents_as_0_public_sources_leave_it_out() {
    let mut s = backfilled();
    let with = item("a", "s", true, vec![PublicTime::declared(ts(2025, 1, 10, 0, 0))]);
    let without = item("b", "s", true, vec![]);
    let council = session_openness(&s, &[&with, &without], &[], LATER()).documents;
    assert_eq!((council.value, council.n), (Some(0.5), 2));
    s.provenance = Provenance::PublicSources;
    let sources = session_openness(&s, &[&with, &without], &[], LATER()).documents;
    assert_eq!((sources.value, sources.n), (Some(1.0), 1));
}

#[test]
fn backfilled_minutes_without_minutes_follow_the_usual_rule() {
    let s = backfilled();
    // No minutes at all: null until 30 days after the end, then 0.
    let o = session_openness(&s, &[], &[], ts(2025, 2, 19, 8, 59));
    assert_eq!(reason(&o.minutes), NullReason::MinutesNotYetDue);
    assert_eq!(session_openness(&s, &[], &[], ts(2025, 2, 19, 9, 0)).minutes.value, Some(0.0));
}

#[test]
fn declared_minutes_after_as_of_are_not_yet_public() {
    let mut s = backfilled();
    s.minutes_first_public = Some(PublicTime::declared(ts(2025, 1, 25, 9, 0)));
    let o = session_openness(&s, &[], &[], ts(2025, 1, 22, 0, 0));
    assert_eq!(reason(&o.minutes), NullReason::MinutesNotYetDue);
    assert_eq!(session_openness(&s, &[], &[], ts(2025, 1, 26, 0, 0)).minutes.value, Some(1.0));
}

#[test]
fn public_sources_records_without_minutes_are_minutes_unknown() {
    let mut s = backfilled();
    s.provenance = Provenance::PublicSources;
    assert_eq!(reason(&session_openness(&s, &[], &[], LATER()).minutes), NullReason::MinutesUnknown);
}

#[test]
fn a_session_sent_ahead_uses_witnessed_times_and_never_scores_declared_ones() {
    let mut s = session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    s.scheduled_end = Some(ts(2025, 1, 20, 9, 0));
    // A declared notice 10 days ahead is shown, not scored: no witnessed agenda, 0.
    s.agenda_first_public = Some(PublicTime::declared(ts(2025, 1, 10, 5, 0)));
    s.minutes_first_public = Some(PublicTime::declared(ts(2025, 1, 21, 5, 0)));
    let declared = item("a", "s", true, vec![PublicTime::declared(ts(2025, 1, 10, 5, 0))]);
    let o = session_openness(&s, &[&declared], &[], LATER());
    assert_eq!(o.notice.value, Some(0.0));
    assert_eq!(o.documents.value, Some(0.0));
    assert_eq!(o.minutes.value, Some(0.0), "no witnessed minutes 30 days after: 0");
    assert_eq!(o.time_kind_of(Component::Notice), Some(TimeKind::Witnessed));
}

#[test]
fn a_declared_notice_after_as_of_scores_0_like_any_agenda_not_yet_public() {
    let mut s = backfilled();
    s.agenda_first_public = Some(PublicTime::declared(ts(2025, 1, 25, 5, 0)));
    assert_eq!(session_openness(&s, &[], &[], ts(2025, 1, 22, 0, 0)).notice.value, Some(0.0));
}

#[test]
fn each_council_component_is_the_mean_of_the_served_session_components() {
    let input = two_sessions();
    let m = council_metrics(&input, date(2025, 1, 1), date(2025, 12, 31), LATER(), almaty_offset());
    for c in Component::ALL {
        let values: Vec<f64> = m.openness.sessions.iter().filter_map(|s| s.get(c).value).collect();
        let council = m.openness.get(c).value;
        assert_eq!(council.n, values.len() as u64, "{}", c.name());
        assert_eq!(council.value, mean(&values), "{}", c.name());
    }
}

#[test]
fn coverage_and_seats_are_values_with_n() {
    let m = council_metrics(&two_sessions(), date(2025, 1, 1), date(2025, 12, 31), LATER(), almaty_offset());
    assert_eq!((m.composition.seats.value, m.composition.seats.n), (Some(2.0), 2));
    let used = Component::ALL.iter().filter(|c| m.openness.get(**c).value.value.is_some()).count() as u64;
    let weight: u32 =
        Component::ALL.iter().filter(|c| m.openness.get(**c).value.value.is_some()).map(|c| c.weight_percent()).sum();
    assert_eq!(m.openness.coverage.n, used);
    assert!((value(&m.openness.coverage) - f64::from(weight) / 100.0).abs() < EPS);
}
