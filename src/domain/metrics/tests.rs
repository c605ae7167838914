//! Scenario tests: small council periods built by hand, with every expected
//! value worked out in the comments.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

use super::*;

const EPS: f64 = 1e-9;

pub(super) fn ts(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("valid timestamp")
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn plus5() -> FixedOffset {
    almaty_offset()
}

fn approx(v: &MetricValue, expected: f64) {
    match v.value {
        Some(x) => assert!((x - expected).abs() < EPS, "expected {expected}, got {x} ({v:?})"),
        None => panic!("expected {expected}, got null ({v:?})"),
    }
}

fn approx_n(v: &MetricValue, expected: f64, n: u64) {
    approx(v, expected);
    assert_eq!(v.n, n, "n of {v:?}");
}

fn null(v: &MetricValue, reason: NullReason) {
    assert_eq!(v.value, None, "expected null, got {v:?}");
    assert_eq!(v.reason, Some(reason), "reason of {v:?}");
}

pub(super) fn session(id: &str, kind: SessionKind, start: DateTime<Utc>) -> Session {
    Session {
        id: id.to_owned(),
        kind,
        status: SessionStatus::Held,
        scheduled_start: start,
        scheduled_end: None,
        actual_end: None,
        is_open: false,
        has_livestream: false,
        has_recording: false,
        backfilled: false,
        agenda_first_public: None,
        minutes_first_public: None,
        provenance: Provenance::Council,
        unattached_documents: vec![],
    }
}

pub(super) fn item(id: &str, session_id: &str, is_open: bool, docs: Vec<PublicTime>) -> AgendaItem {
    AgendaItem { id: id.to_owned(), session_id: session_id.to_owned(), is_open, documents_first_public: docs }
}

pub(super) fn vote(
    id: &str,
    session_id: &str,
    item_id: &str,
    method: VoteMethod,
    result: VoteResult,
    ballots: &[(&str, BallotOption)],
) -> VoteEvent {
    VoteEvent {
        id: id.to_owned(),
        session_id: session_id.to_owned(),
        agenda_item_id: item_id.to_owned(),
        method,
        result,
        counts: None,
        ballots: ballots.iter().map(|(d, o)| Ballot { deputy_id: (*d).to_owned(), option: *o }).collect(),
    }
}

pub(super) fn speech(
    session_id: &str,
    item_id: Option<&str>,
    deputy_id: Option<&str>,
    role: SpeakerRole,
    speech_type: SpeechType,
    seconds: Option<u64>,
) -> Speech {
    Speech {
        session_id: session_id.to_owned(),
        agenda_item_id: item_id.map(str::to_owned),
        deputy_id: deputy_id.map(str::to_owned),
        role,
        speech_type,
        seconds,
    }
}

pub(super) fn range(start: NaiveDate, end: Option<NaiveDate>) -> DateRange {
    DateRange { start, end }
}

pub(super) fn deputy(id: &str, mandate: DateRange, parties: &[(&str, DateRange)]) -> Deputy {
    Deputy {
        id: id.to_owned(),
        mandates: vec![mandate],
        party_memberships: parties
            .iter()
            .map(|(p, r)| PartyMembership { party_id: (*p).to_owned(), period: *r })
            .collect(),
    }
}

use BallotOption::{Absent, Abstain, No, NotVoting, Yes};

/// The main scenario. Period 2025-01-01..2025-03-31 on the UTC+5 calendar.
///
/// Deputies: d1, d2 in party A; d3 in A until 2025-02-10, non-partisan after;
/// d4 in B; d5 non-partisan; d6's mandate ended 2024-12-31.
///
/// Held sessions in the period: s1 (regular, 20 Jan), s2 (extraordinary,
/// 15 Feb), s3 (regular, backfilled, 10 Mar). Out of scope: s4 (cancelled),
/// s5 (held, 2025-03-31 20:00 UTC = 1 Apr local).
fn scenario() -> CouncilPeriod {
    let mandate = range(date(2023, 3, 15), None);
    let deputies = vec![
        deputy("d1", mandate, &[("A", mandate)]),
        deputy("d2", mandate, &[("A", mandate)]),
        deputy("d3", mandate, &[("A", range(date(2023, 3, 15), Some(date(2025, 2, 10))))]),
        deputy("d4", mandate, &[("B", mandate)]),
        deputy("d5", mandate, &[]),
        deputy("d6", range(date(2023, 3, 15), Some(date(2024, 12, 31))), &[]),
    ];

    // s1: agenda 5 days ahead (0.5), minutes exactly 7 days after the scheduled end (1),
    // livestream (1), items i1 (open, document before start) and i2 (closed, none).
    let mut s1 = session("s1", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    s1.scheduled_end = Some(ts(2025, 1, 20, 9, 0));
    s1.is_open = true;
    s1.has_livestream = true;
    s1.has_recording = true;
    s1.agenda_first_public = Some(PublicTime::witnessed(ts(2025, 1, 15, 5, 0)));
    s1.minutes_first_public = Some(PublicTime::witnessed(ts(2025, 1, 27, 9, 0)));

    // s2: extraordinary, agenda 4 days ahead (1), closed session, recording only (0.5),
    // minutes 18.5 days after the actual end (0.5); its document came after the start.
    let mut s2 = session("s2", SessionKind::Extraordinary, ts(2025, 2, 15, 5, 0));
    s2.scheduled_end = Some(ts(2025, 2, 15, 8, 0));
    s2.actual_end = Some(ts(2025, 2, 15, 10, 0));
    s2.has_recording = true;
    s2.agenda_first_public = Some(PublicTime::witnessed(ts(2025, 2, 11, 5, 0)));
    s2.minutes_first_public = Some(PublicTime::witnessed(ts(2025, 3, 5, 22, 0)));

    // s3: backfilled; declared agenda 10 days ahead (1); minutes only witnessed (null);
    // one open item with a declared document before the start (1); no broadcast (0).
    let mut s3 = session("s3", SessionKind::Regular, ts(2025, 3, 10, 5, 0));
    s3.is_open = true;
    s3.backfilled = true;
    s3.agenda_first_public = Some(PublicTime::declared(ts(2025, 2, 28, 5, 0)));
    s3.minutes_first_public = Some(PublicTime::witnessed(ts(2025, 3, 12, 5, 0)));

    let mut s4 = session("s4", SessionKind::Regular, ts(2025, 1, 25, 5, 0));
    s4.status = SessionStatus::Cancelled;
    let s5 = session("s5", SessionKind::Regular, ts(2025, 3, 31, 20, 0));

    let all_no: Vec<(&str, BallotOption)> = ["d1", "d2", "d3", "d4", "d5"].iter().map(|d| (*d, No)).collect();
    let mut v2 = vote("v2", "s1", "i2", VoteMethod::ShowOfHands, VoteResult::Pass, &[]);
    v2.counts = Some(VoteCounts { yes: 5, no: 0, abstain: 0 });

    CouncilPeriod {
        council_id: "c1".to_owned(),
        sessions: vec![s1, s2, s3, s4, s5],
        agenda_items: vec![
            item("i1", "s1", true, vec![PublicTime::witnessed(ts(2025, 1, 18, 0, 0))]),
            item("i2", "s1", false, vec![]),
            item("i3", "s2", true, vec![PublicTime::witnessed(ts(2025, 2, 15, 6, 0))]),
            item("i4", "s3", true, vec![PublicTime::declared(ts(2025, 3, 1, 0, 0))]),
            item("i5", "s4", true, vec![]),
            item("i6", "s5", true, vec![]),
        ],
        vote_events: vec![
            vote(
                "v1",
                "s1",
                "i1",
                VoteMethod::RollCall,
                VoteResult::Pass,
                &[("d1", Yes), ("d2", Yes), ("d3", No), ("d4", Yes), ("d5", Abstain)],
            ),
            v2,
            vote(
                "v3",
                "s2",
                "i3",
                VoteMethod::Electronic,
                VoteResult::Fail,
                &[("d1", No), ("d2", No), ("d3", Yes), ("d4", Absent), ("d5", Yes)],
            ),
            vote("v5", "s4", "i5", VoteMethod::RollCall, VoteResult::Fail, &all_no),
            vote("v6", "s5", "i6", VoteMethod::RollCall, VoteResult::Fail, &all_no),
        ],
        speeches: vec![
            speech("s1", Some("i1"), Some("d1"), SpeakerRole::Deputy, SpeechType::Speech, Some(120)),
            speech("s1", Some("i1"), Some("d2"), SpeakerRole::Deputy, SpeechType::Question, Some(60)),
            speech("s1", Some("i1"), None, SpeakerRole::Executive, SpeechType::Report, Some(300)),
            speech("s1", None, None, SpeakerRole::Chair, SpeechType::Procedural, Some(30)),
            speech("s2", Some("i3"), Some("d1"), SpeakerRole::Deputy, SpeechType::Question, Some(40)),
            speech("s2", Some("i3"), None, SpeakerRole::Rapporteur, SpeechType::Report, None),
            speech("s3", Some("i4"), Some("d4"), SpeakerRole::Deputy, SpeechType::Speech, None),
            speech("s4", Some("i5"), Some("d5"), SpeakerRole::Deputy, SpeechType::Question, Some(1000)),
            speech("s5", Some("i6"), Some("d5"), SpeakerRole::Deputy, SpeechType::Question, Some(1000)),
        ],
        deputies,
    }
}

fn run(input: &CouncilPeriod, as_of: DateTime<Utc>) -> CouncilMetrics {
    council_metrics(input, date(2025, 1, 1), date(2025, 3, 31), as_of, plus5())
}

fn scenario_metrics() -> CouncilMetrics {
    run(&scenario(), ts(2025, 6, 1, 0, 0))
}

#[test]
fn only_held_sessions_dated_in_the_period_on_the_local_calendar_count() {
    let m = scenario_metrics();
    assert_eq!(m.held_sessions, 3);
    assert_eq!(m.method, "v1.1");
    // On the UTC calendar s5 (2025-03-31 20:00 UTC) falls on 31 March.
    let utc = council_metrics(&scenario(), date(2025, 1, 1), date(2025, 3, 31), ts(2025, 6, 1, 0, 0), utc_offset());
    assert_eq!(utc.held_sessions, 4);
}

#[test]
fn openness_components_are_session_means() {
    let o = scenario_metrics().openness;
    // notice: 0.5, 1, 1
    approx_n(&o.notice.value, 2.5 / 3.0, 3);
    // documents: 1/2, 0/1, 1/1
    approx_n(&o.documents.value, 0.5, 3);
    // open_items: 1/2, 0 (closed session), 1
    approx_n(&o.open_items.value, 0.5, 3);
    // broadcast: 1, 0.5, 0
    approx_n(&o.broadcast.value, 0.5, 3);
    // minutes: 1, 0.5, null (backfilled, only a witnessed time)
    approx_n(&o.minutes.value, 0.75, 2);
    // roll_call: 1/2, 1/1, null (no vote events)
    approx_n(&o.roll_call.value, 0.75, 2);
}

#[test]
fn openness_sessions_carry_their_null_reasons() {
    let o = scenario_metrics().openness;
    assert_eq!(o.sessions.len(), 3);
    let s3 = o.sessions.iter().find(|s| s.session_id == "s3").expect("s3 scored");
    assert_eq!(s3.time_kind, TimeKind::Declared);
    null(&s3.minutes, NullReason::BackfilledWithoutDeclaredMinutes);
    null(&s3.roll_call, NullReason::NoVoteEvents);
    approx(&s3.notice, 1.0);
    approx(&s3.documents, 1.0);
}

#[test]
fn openness_score_weighs_components_and_reports_coverage() {
    let o = scenario_metrics().openness;
    let expected = 100.0 * (0.20 * 2.5 / 3.0 + 0.15 * 0.5 * 3.0 + 0.15 * 0.75 + 0.20 * 0.75);
    approx_n(&o.score, expected, 6);
    approx_n(&o.coverage, 1.0, 6);
    assert!((o.notice.weight - 0.20).abs() < EPS);
}

#[test]
fn openness_reports_which_kind_of_time_was_used() {
    let o = scenario_metrics().openness;
    assert_eq!(o.notice.time_basis, Some(TimeBasis::Mixed));
    assert_eq!(o.documents.time_basis, Some(TimeBasis::Mixed));
    assert_eq!(o.minutes.time_basis, Some(TimeBasis::Witnessed));
    assert_eq!(o.broadcast.time_basis, None);
    assert_eq!(o.time_basis, Some(TimeBasis::Mixed));
}

#[test]
fn debate_metrics_match_the_hand_computation() {
    let d = scenario_metrics().debate;
    // Items put to vote: i1, i2, i3; only i2 has no deputy speech.
    approx_n(&d.undiscussed_item_share, 1.0 / 3.0, 3);
    // Distinct deputy speakers: i1 {d1, d2}, i2 {}, i3 {d1}.
    approx_n(&d.speakers_per_item, 1.0, 3);
    // Serving at a held session: d1..d5; silent: d3, d5.
    approx_n(&d.silent_deputy_share, 0.4, 5);
    // Seconds [160, 60, 0, 0, 0]: (2·60 + 4·160) / (5·220).
    approx_n(&d.speaking_time_gini, 760.0 / 1100.0, 5);
    // (300 executive + 30 chair) / 550 timed seconds over 5 timed speeches.
    approx_n(&d.executive_share, 0.6, 5);
    // Two deputy questions over three held sessions.
    approx_n(&d.questions_per_session, 2.0 / 3.0, 3);
}

#[test]
fn debate_counts_kept_per_session_give_the_hand_computed_debate_metrics() {
    let input = scenario();
    let d = scenario_metrics().debate;
    // What publication keeps: each session's counts from its own items, vote events and speeches,
    // held or not (the period and `as_of` choose among them later).
    let debates: Vec<SessionDebate> = input
        .sessions
        .iter()
        .map(|s| {
            let items: Vec<String> =
                input.agenda_items.iter().filter(|i| i.session_id == s.id).map(|i| i.id.clone()).collect();
            let votes: Vec<VoteEvent> = input.vote_events.iter().filter(|v| v.session_id == s.id).cloned().collect();
            let speeches: Vec<Speech> = input.speeches.iter().filter(|x| x.session_id == s.id).cloned().collect();
            session_debate(&s.id, &items, &votes, &speeches)
        })
        .collect();
    assert!(debates.iter().map(|x| x.items_put_to_vote).sum::<u64>() >= 3, "i1, i2 and i3 at least");
    let kept = |debates: &[SessionDebate]| {
        council_session_debate(&input, debates, date(2025, 1, 1), date(2025, 3, 31), ts(2025, 6, 1, 0, 0), plus5())
    };
    let expected = SessionsDebate {
        undiscussed_item_share: d.undiscussed_item_share,
        speakers_per_item: d.speakers_per_item,
        executive_share: d.executive_share,
        questions_per_session: d.questions_per_session,
    };
    assert_eq!(kept(&debates), expected);
    // A session's counts are read once, however often they are given.
    let twice: Vec<SessionDebate> = debates.iter().chain(&debates).cloned().collect();
    assert_eq!(kept(&twice), expected);
    // Without them the items are not there, nor the questions.
    let none = kept(&[]);
    null(&none.undiscussed_item_share, NullReason::NoItemsPutToVote);
    approx_n(&none.questions_per_session, 0.0, 3);
}

#[test]
fn voting_metrics_match_the_hand_computation() {
    let v = scenario_metrics().voting;
    // v1 3-1-1 pass (dissent 2/5), v2 5-0-0 given counts, v3 2-2-0 fail (dissent 2/4).
    approx_n(&v.unanimity_rate, 1.0 / 3.0, 3);
    approx_n(&v.contested_share, 2.0 / 3.0, 3);
    approx_n(&v.mean_dissent, 0.3, 3);
}

fn find<'a>(m: &'a CouncilMetrics, id: &str) -> &'a DeputyMetrics {
    m.deputies.iter().find(|d| d.deputy_id == id).expect("deputy listed")
}

#[test]
fn per_deputy_metrics_match_the_hand_computation() {
    let m = scenario_metrics();
    let ids: Vec<&str> = m.deputies.iter().map(|d| d.deputy_id.as_str()).collect();
    assert_eq!(ids, ["d1", "d2", "d3", "d4", "d5"], "d6 did not serve");

    let d1 = find(&m, "d1");
    approx_n(&d1.attendance_rate, 1.0, 2);
    approx_n(&d1.abstention_rate, 0.0, 2);
    approx_n(&d1.losing_side_rate, 0.0, 2);
    approx_n(&d1.rebellion_rate, 0.0, 2);
    approx_n(&d1.speeches_per_session, 2.0 / 3.0, 3);

    let d4 = find(&m, "d4");
    approx_n(&d4.attendance_rate, 0.5, 2);
    approx_n(&d4.abstention_rate, 0.0, 1);
    approx_n(&d4.losing_side_rate, 0.0, 1);
    null(&d4.rebellion_rate, NullReason::NoEventsWithPartyLine);
    approx_n(&d4.speeches_per_session, 1.0 / 3.0, 3);

    let d5 = find(&m, "d5");
    approx_n(&d5.attendance_rate, 1.0, 2);
    approx_n(&d5.abstention_rate, 0.5, 2);
    approx_n(&d5.losing_side_rate, 1.0, 2);
    null(&d5.rebellion_rate, NullReason::NonPartisan);
    approx_n(&d5.speeches_per_session, 0.0, 3);
    assert_eq!(d5.group, Some(DeputyGroup::NonPartisan));
}

#[test]
fn a_deputy_who_leaves_a_party_is_attributed_to_it_only_until_the_day_they_leave() {
    let m = scenario_metrics();
    let d3 = find(&m, "d3");
    // v1 (20 Jan): in A, whose line is yes (2–1); d3 voted no: a rebellion.
    // v3 (15 Feb): non-partisan, so it does not count.
    approx_n(&d3.rebellion_rate, 1.0, 1);
    approx_n(&d3.losing_side_rate, 1.0, 2);
    // Status on the last day served in the period (31 Mar): non-partisan.
    assert_eq!(d3.group, Some(DeputyGroup::NonPartisan));

    let a = m.cohesion.iter().find(|g| g.group == CohesionGroup::Party { party_id: "A".into() }).expect("party A");
    // v1 A: 2 yes, 1 no → agreement 0.5, Rice 1/3; v3 A: 2 no → 1 and 1.
    approx_n(&a.agreement_index, 0.75, 2);
    approx_n(&a.rice_index, 2.0 / 3.0, 2);
    let np = m.cohesion.iter().find(|g| g.group == CohesionGroup::NonPartisan).expect("non-partisan group");
    // v1: d5 alone (undefined); v3: d3 and d5 both yes.
    approx_n(&np.agreement_index, 1.0, 1);
    approx_n(&np.rice_index, 1.0, 1);
    let b = m.cohesion.iter().find(|g| g.group == CohesionGroup::Party { party_id: "B".into() }).expect("party B");
    null(&b.agreement_index, NullReason::TooFewGroupBallots);
    null(&b.rice_index, NullReason::TooFewGroupBallots);
    assert_eq!(m.cohesion.len(), 3);
}

#[test]
fn membership_end_date_is_a_day_of_membership() {
    let mandate = range(date(2023, 1, 1), None);
    let left = range(date(2023, 1, 1), Some(date(2025, 2, 10)));
    let mut input = CouncilPeriod {
        council_id: "c".into(),
        deputies: vec![
            deputy("a1", mandate, &[("A", mandate)]),
            deputy("a2", mandate, &[("A", mandate)]),
            deputy("x", mandate, &[("A", left)]),
        ],
        ..CouncilPeriod::default()
    };
    // 10 Feb local (05:00 UTC): x still in A. 11 Feb: not.
    for (sid, day) in [("s10", 10), ("s11", 11)] {
        input.sessions.push(session(sid, SessionKind::Regular, ts(2025, 2, day, 5, 0)));
        input.agenda_items.push(item(&format!("i{sid}"), sid, true, vec![]));
        input.vote_events.push(vote(
            &format!("v{sid}"),
            sid,
            &format!("i{sid}"),
            VoteMethod::RollCall,
            VoteResult::Pass,
            &[("a1", Yes), ("a2", Yes), ("x", No)],
        ));
    }
    let m = council_metrics(&input, date(2025, 2, 1), date(2025, 2, 28), ts(2025, 6, 1, 0, 0), plus5());
    approx_n(&find(&m, "x").rebellion_rate, 1.0, 1);
    let a = &m.cohesion[0];
    // 10 Feb: A 2–1 → agreement 0.5; 11 Feb: A 2–0 → 1.
    approx_n(&a.agreement_index, 0.75, 2);
}

#[test]
fn council_means_of_per_deputy_metrics_skip_nulls() {
    let m = scenario_metrics().deputy_means;
    approx_n(&m.attendance_rate, 0.9, 5);
    approx_n(&m.abstention_rate, 0.1, 5);
    approx_n(&m.losing_side_rate, 0.4, 5);
    approx_n(&m.rebellion_rate, 1.0 / 3.0, 3);
    approx_n(&m.speeches_per_session, 4.0 / 15.0, 5);
}

#[test]
fn non_partisan_deputies_are_compared_with_party_deputies() {
    let c = scenario_metrics().non_partisan_comparison;
    // Non-partisan: d3, d5. Party: d1, d2 (A), d4 (B).
    approx_n(&c.losing_side_rate.non_partisan, 1.0, 2);
    approx_n(&c.losing_side_rate.party, 0.0, 3);
    approx(&c.losing_side_rate.difference, 1.0);
    approx(&c.abstention_rate.difference, 0.25);
    approx(&c.attendance_rate.party, 2.5 / 3.0);
    approx(&c.attendance_rate.difference, 1.0 - 2.5 / 3.0);
    approx(&c.speeches_per_session.difference, -4.0 / 9.0);
}

#[test]
fn composition_is_taken_on_the_last_day_of_the_period() {
    let c = scenario_metrics().composition;
    assert_eq!(c.date, date(2025, 3, 31));
    approx_n(&c.seats, 5.0, 5);
    approx(&c.non_partisan_share, 0.4);
    approx(&c.largest_party_share, 0.4);
    // Groups 2, 1, 1, 1 → 25/7; bloc 2, 1, 2 → 25/9.
    approx(&c.enp_seats, 25.0 / 7.0);
    approx(&c.enp_seats_bloc, 25.0 / 9.0);
}

#[test]
fn composition_is_taken_on_as_of_when_it_comes_first() {
    let m = run(&scenario(), ts(2025, 2, 1, 0, 0));
    assert_eq!(m.composition.date, date(2025, 2, 1));
    // On 1 Feb d3 is still in A: 3 A, 1 B, 1 non-partisan.
    approx(&m.composition.largest_party_share, 0.6);
    approx(&m.composition.non_partisan_share, 0.2);
}

#[test]
fn composition_of_a_32_seat_council_matches_the_reference_enp() {
    let mandate = range(date(2023, 3, 1), None);
    let mut deputies = Vec::new();
    for (party, size) in [("P1", 13), ("P2", 2), ("P3", 1)] {
        for k in 0..size {
            deputies.push(deputy(&format!("{party}-{k}"), mandate, &[(party, mandate)]));
        }
    }
    for k in 0..16 {
        deputies.push(deputy(&format!("np-{k}"), mandate, &[]));
    }
    let c = composition_on(&deputies, date(2025, 1, 1));
    approx_n(&c.seats, 32.0, 32);
    assert!(c.enp_seats.value.is_some_and(|v| (v - 5.389).abs() < 5e-4));
    assert!(c.enp_seats_bloc.value.is_some_and(|v| (v - 2.381).abs() < 5e-4));
    approx(&c.non_partisan_share, 0.5);
    approx(&c.largest_party_share, 13.0 / 32.0);
}

#[test]
fn as_of_hides_publications_that_come_later() {
    // 20 Feb: s2's minutes (5 Mar) are not public yet and 30 days have not passed.
    let o = run(&scenario(), ts(2025, 2, 20, 0, 0)).openness;
    let s2 = o.sessions.iter().find(|s| s.session_id == "s2").expect("s2");
    null(&s2.minutes, NullReason::MinutesNotYetDue);
    approx_n(&o.minutes.value, 1.0, 1);
    assert_eq!(o.notice.time_basis, Some(TimeBasis::Witnessed));
    // 12 Mar: s3 (10 Mar) is held; its declared agenda (28 Feb) and document (1 Mar) count.
    let o = run(&scenario(), ts(2025, 3, 12, 0, 0)).openness;
    let s3 = o.sessions.iter().find(|s| s.session_id == "s3").expect("s3");
    approx(&s3.notice, 1.0);
    approx(&s3.documents, 1.0);
}

#[test]
fn an_agenda_published_after_as_of_scores_zero_notice_for_a_live_session() {
    let mut s = session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    s.agenda_first_public = Some(PublicTime::witnessed(ts(2025, 1, 10, 5, 0)));
    approx(&session_openness(&s, &[], &[], ts(2025, 1, 5, 0, 0)).notice, 0.0);
    approx(&session_openness(&s, &[], &[], ts(2025, 1, 11, 0, 0)).notice, 1.0);
    // Published at the very start: 0.
    s.agenda_first_public = Some(PublicTime::witnessed(s.scheduled_start));
    approx(&session_openness(&s, &[], &[], ts(2025, 2, 1, 0, 0)).notice, 0.0);
}

#[test]
fn missing_minutes_are_null_until_30_days_pass_then_zero() {
    let mut s = session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    s.scheduled_end = Some(ts(2025, 1, 20, 9, 0));
    null(&session_openness(&s, &[], &[], ts(2025, 2, 19, 8, 59)).minutes, NullReason::MinutesNotYetDue);
    approx(&session_openness(&s, &[], &[], ts(2025, 2, 19, 9, 0)).minutes, 0.0);
    // Minutes published after as_of count as not yet published.
    s.minutes_first_public = Some(PublicTime::witnessed(ts(2025, 1, 22, 9, 0)));
    null(&session_openness(&s, &[], &[], ts(2025, 1, 21, 0, 0)).minutes, NullReason::MinutesNotYetDue);
    approx(&session_openness(&s, &[], &[], ts(2025, 1, 23, 0, 0)).minutes, 1.0);
}

#[test]
fn minutes_are_measured_from_the_start_when_no_end_is_known() {
    let mut s = session("s", SessionKind::Regular, ts(2025, 1, 1, 0, 0));
    s.minutes_first_public = Some(PublicTime::witnessed(ts(2025, 1, 19, 12, 0)));
    approx(&session_openness(&s, &[], &[], ts(2025, 6, 1, 0, 0)).minutes, 0.5);
}

#[test]
fn backfilled_sessions_use_declared_times_only() {
    let mut s = session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    s.backfilled = true;
    let as_of = ts(2025, 6, 1, 0, 0);
    // No record declares the agenda: null, not 0.
    null(&session_openness(&s, &[], &[], as_of).notice, NullReason::BackfilledWithoutDeclaredNotice);
    // A witnessed time of a backfilled record says nothing about openness.
    s.agenda_first_public = Some(PublicTime::witnessed(ts(2025, 1, 10, 5, 0)));
    null(&session_openness(&s, &[], &[], as_of).notice, NullReason::BackfilledWithoutDeclaredNotice);
    s.agenda_first_public = Some(PublicTime::declared(ts(2025, 1, 15, 5, 0)));
    approx(&session_openness(&s, &[], &[], as_of).notice, 0.5);

    let undeclared = item("i", "s", true, vec![PublicTime::witnessed(ts(2025, 1, 1, 0, 0))]);
    null(&session_openness(&s, &[&undeclared], &[], as_of).documents, NullReason::BackfilledWithoutDeclaredDocuments);
    let declared = item("j", "s", true, vec![PublicTime::declared(ts(2025, 1, 1, 0, 0))]);
    let late = item("k", "s", true, vec![PublicTime::declared(ts(2025, 1, 21, 0, 0))]);
    approx(&session_openness(&s, &[&declared, &late], &[], as_of).documents, 0.5);
    // Minutes with only a witnessed time: null, however long after.
    s.minutes_first_public = Some(PublicTime::witnessed(ts(2025, 1, 22, 0, 0)));
    null(&session_openness(&s, &[], &[], as_of).minutes, NullReason::BackfilledWithoutDeclaredMinutes);
}

#[test]
fn live_sessions_ignore_declared_times() {
    let mut s = session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0));
    s.agenda_first_public = Some(PublicTime::declared(ts(2025, 1, 1, 0, 0)));
    approx(&session_openness(&s, &[], &[], ts(2025, 6, 1, 0, 0)).notice, 0.0);
}

#[test]
fn a_backfilled_only_period_reports_declared_time() {
    let mut input = scenario();
    input.sessions.retain(|s| s.id == "s3");
    let o = run(&input, ts(2025, 6, 1, 0, 0)).openness;
    assert_eq!(o.time_basis, Some(TimeBasis::Declared));
    // minutes and roll_call are null; coverage = notice + documents + open_items + broadcast.
    null(&o.minutes.value, NullReason::BackfilledWithoutDeclaredMinutes);
    null(&o.roll_call.value, NullReason::NoVoteEvents);
    approx_n(&o.coverage, 0.65, 4);
    approx_n(&o.score, 100.0 * (0.20 + 0.15 + 0.15) / 0.65, 4);
}

#[test]
fn an_empty_period_serves_nulls_with_reasons() {
    let m =
        council_metrics(&CouncilPeriod::default(), date(2025, 1, 1), date(2025, 3, 31), ts(2025, 6, 1, 0, 0), plus5());
    assert_eq!(m.held_sessions, 0);
    for c in [
        m.openness.notice,
        m.openness.documents,
        m.openness.open_items,
        m.openness.broadcast,
        m.openness.minutes,
        m.openness.roll_call,
    ] {
        null(&c.value, NullReason::NoHeldSessions);
        assert_eq!(c.value.n, 0);
    }
    null(&m.openness.score, NullReason::NoHeldSessions);
    approx_n(&m.openness.coverage, 0.0, 0);
    assert_eq!(m.openness.time_basis, None);
    null(&m.debate.undiscussed_item_share, NullReason::NoItemsPutToVote);
    null(&m.debate.speakers_per_item, NullReason::NoItemsPutToVote);
    null(&m.debate.silent_deputy_share, NullReason::NoServingDeputies);
    null(&m.debate.speaking_time_gini, NullReason::TooFewDeputies);
    null(&m.debate.executive_share, NullReason::NoSpeechTime);
    null(&m.debate.questions_per_session, NullReason::NoHeldSessions);
    null(&m.voting.unanimity_rate, NullReason::NoCountedVoteEvents);
    null(&m.voting.contested_share, NullReason::NoCountedVoteEvents);
    null(&m.voting.mean_dissent, NullReason::NoCountedVoteEvents);
    null(&m.composition.seats, NullReason::NoSeats);
    assert_eq!(m.composition.seats.n, 0);
    null(&m.composition.enp_seats, NullReason::NoSeats);
    null(&m.composition.enp_seats_bloc, NullReason::NoSeats);
    null(&m.composition.non_partisan_share, NullReason::NoSeats);
    null(&m.deputy_means.attendance_rate, NullReason::NoDeputiesWithValue);
    null(&m.non_partisan_comparison.losing_side_rate.difference, NullReason::NoDeputiesWithValue);
    assert_eq!(m.cohesion.len(), 1, "only the non-partisan group");
    null(&m.cohesion[0].agreement_index, NullReason::TooFewGroupBallots);
}

#[test]
fn sessions_without_items_votes_or_speech_time_give_specific_reasons() {
    let mandate = range(date(2023, 1, 1), None);
    let input = CouncilPeriod {
        council_id: "c".into(),
        sessions: vec![session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0))],
        deputies: vec![deputy("a", mandate, &[]), deputy("b", mandate, &[])],
        speeches: vec![speech("s", None, Some("a"), SpeakerRole::Deputy, SpeechType::Speech, None)],
        ..CouncilPeriod::default()
    };
    let m = run(&input, ts(2025, 6, 1, 0, 0));
    null(&m.openness.documents.value, NullReason::NoAgendaItems);
    null(&m.openness.open_items.value, NullReason::NoAgendaItems);
    null(&m.openness.roll_call.value, NullReason::NoVoteEvents);
    approx_n(&m.openness.broadcast.value, 0.0, 1);
    approx_n(&m.openness.notice.value, 0.0, 1);
    approx_n(&m.openness.minutes.value, 0.0, 1);
    null(&m.debate.speaking_time_gini, NullReason::NoSpeechTime);
    null(&m.debate.executive_share, NullReason::NoSpeechTime);
    approx_n(&m.debate.silent_deputy_share, 0.5, 2);
    approx_n(&m.debate.questions_per_session, 0.0, 1);
    let a = find(&m, "a");
    null(&a.attendance_rate, NullReason::NoBallots);
    null(&a.abstention_rate, NullReason::NoBallots);
    null(&a.rebellion_rate, NullReason::NonPartisan);
    approx_n(&a.speeches_per_session, 1.0, 1);
}

#[test]
fn counted_vote_events_without_votes_cast_have_their_own_reason() {
    let mut input = CouncilPeriod {
        council_id: "c".into(),
        sessions: vec![session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0))],
        agenda_items: vec![item("i", "s", true, vec![])],
        ..CouncilPeriod::default()
    };
    let mut secret = vote("v", "s", "i", VoteMethod::Secret, VoteResult::Fail, &[]);
    secret.counts = Some(VoteCounts::default());
    input.vote_events.push(secret);
    // An acclamation without counts is not counted at all.
    input.vote_events.push(vote("w", "s", "i", VoteMethod::Acclamation, VoteResult::Pass, &[]));
    let m = run(&input, ts(2025, 6, 1, 0, 0));
    approx_n(&m.voting.unanimity_rate, 0.0, 1);
    null(&m.voting.contested_share, NullReason::NoVotesCast);
    null(&m.voting.mean_dissent, NullReason::NoVotesCast);
    // Neither is named.
    approx_n(&m.openness.roll_call.value, 0.0, 1);
}

#[test]
fn given_counts_take_precedence_over_ballots_and_ten_percent_is_contested() {
    let mut v = vote("v", "s", "i", VoteMethod::RollCall, VoteResult::Pass, &[("a", Yes)]);
    v.counts = Some(VoteCounts { yes: 9, no: 1, abstain: 0 });
    let counts = effective_counts(&v).expect("counted");
    assert_eq!(counts.total(), 10);
    assert_eq!(dissenters(counts, v.result), 1);
    let input = CouncilPeriod {
        council_id: "c".into(),
        sessions: vec![session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0))],
        agenda_items: vec![item("i", "s", true, vec![])],
        vote_events: vec![v],
        ..CouncilPeriod::default()
    };
    let m = run(&input, ts(2025, 6, 1, 0, 0));
    approx_n(&m.voting.contested_share, 1.0, 1);
    approx_n(&m.voting.mean_dissent, 0.1, 1);
}

fn line_council(ballots: &[(&str, BallotOption)]) -> CouncilMetrics {
    let mandate = range(date(2023, 1, 1), None);
    let input = CouncilPeriod {
        council_id: "c".into(),
        sessions: vec![session("s", SessionKind::Regular, ts(2025, 1, 20, 5, 0))],
        agenda_items: vec![item("i", "s", true, vec![])],
        vote_events: vec![vote("v", "s", "i", VoteMethod::RollCall, VoteResult::Pass, ballots)],
        deputies: ["p1", "p2", "p3", "p4"].iter().map(|id| deputy(id, mandate, &[("P", mandate)])).collect(),
        ..CouncilPeriod::default()
    };
    run(&input, ts(2025, 6, 1, 0, 0))
}

#[test]
fn a_tied_party_has_no_line_and_no_rebels() {
    let m = line_council(&[("p1", Yes), ("p2", No), ("p3", Absent), ("p4", NotVoting)]);
    for id in ["p1", "p2", "p3", "p4"] {
        null(&find(&m, id).rebellion_rate, NullReason::NoEventsWithPartyLine);
    }
    let m = line_council(&[("p1", Yes), ("p2", Yes), ("p3", No), ("p4", No)]);
    null(&find(&m, "p1").rebellion_rate, NullReason::NoEventsWithPartyLine);
    // A three-way 1–1–1 split is a tie too.
    let m = line_council(&[("p1", Yes), ("p2", No), ("p3", Abstain), ("p4", Absent)]);
    null(&find(&m, "p3").rebellion_rate, NullReason::NoEventsWithPartyLine);
}

#[test]
fn a_strict_plurality_sets_the_line_even_for_abstain() {
    let m = line_council(&[("p1", Abstain), ("p2", Abstain), ("p3", Yes), ("p4", NotVoting)]);
    approx_n(&find(&m, "p1").rebellion_rate, 0.0, 1);
    approx_n(&find(&m, "p3").rebellion_rate, 1.0, 1);
    // Not voting is not a yes/no/abstain ballot: no rebellion counted.
    null(&find(&m, "p4").rebellion_rate, NullReason::NoEventsWithPartyLine);
    approx_n(&find(&m, "p4").attendance_rate, 1.0, 1);
    null(&find(&m, "p4").abstention_rate, NullReason::NoCastBallots);
}

#[test]
fn a_single_party_ballot_gives_no_line() {
    let m = line_council(&[("p1", Yes), ("p2", Absent), ("p3", Absent), ("p4", Absent)]);
    null(&find(&m, "p1").rebellion_rate, NullReason::NoEventsWithPartyLine);
    approx_n(&find(&m, "p2").attendance_rate, 0.0, 1);
}

#[test]
fn deputy_metrics_for_one_deputy_match_the_council_listing() {
    let input = scenario();
    let m = scenario_metrics();
    for listed in &m.deputies {
        let one = deputy_metrics(
            &input,
            &listed.deputy_id,
            date(2025, 1, 1),
            date(2025, 3, 31),
            ts(2025, 6, 1, 0, 0),
            plus5(),
        );
        assert_eq!(one.as_ref(), Some(listed));
    }
    let unknown = deputy_metrics(&input, "nobody", date(2025, 1, 1), date(2025, 3, 31), ts(2025, 6, 1, 0, 0), plus5());
    assert_eq!(unknown, None);
}

#[test]
fn ballots_of_deputies_outside_their_mandate_are_ignored_for_deputy_metrics() {
    let mut input = scenario();
    // d6's mandate ended in 2024; a stray ballot in 2025 is not theirs to count.
    if let Some(v1) = input.vote_events.iter_mut().find(|v| v.id == "v1") {
        v1.ballots.push(Ballot { deputy_id: "d6".into(), option: Yes });
    }
    let d6 = deputy_metrics(&input, "d6", date(2025, 1, 1), date(2025, 3, 31), ts(2025, 6, 1, 0, 0), plus5())
        .expect("d6 known");
    null(&d6.attendance_rate, NullReason::NoBallots);
    null(&d6.speeches_per_session, NullReason::NoSessionsServed);
    assert_eq!(d6.group, None);
}

#[test]
fn definitions_cover_every_served_metric_once_with_method_v1_1() {
    let defs = definitions();
    let mut names: Vec<&str> = defs.iter().map(|d| d.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate definition names");
    for name in [
        "notice",
        "documents",
        "open_items",
        "broadcast",
        "minutes",
        "roll_call",
        "openness_score",
        "coverage",
        "undiscussed_item_share",
        "speakers_per_item",
        "silent_deputy_share",
        "speaking_time_gini",
        "executive_share",
        "questions_per_session",
        "unanimity_rate",
        "contested_share",
        "mean_dissent",
        "attendance_rate",
        "abstention_rate",
        "losing_side_rate",
        "rebellion_rate",
        "speeches_per_session",
        "agreement_index",
        "rice_index",
        "seats",
        "non_partisan_share",
        "largest_party_share",
        "enp_seats",
        "enp_seats_bloc",
    ] {
        assert!(names.contains(&name), "missing definition of {name}");
    }
    assert!(defs.iter().all(|d| d.method == "v1.1"));
    assert!(defs.iter().filter(|d| d.level == MetricLevel::Deputy).count() >= 5);
}

#[test]
fn every_null_reason_has_a_message() {
    let reasons = [
        NullReason::NoHeldSessions,
        NullReason::NoAgendaItems,
        NullReason::NoVoteEvents,
        NullReason::NoItemsPutToVote,
        NullReason::NoCountedVoteEvents,
        NullReason::NoVotesCast,
        NullReason::NoSpeechTime,
        NullReason::TooFewDeputies,
        NullReason::NoServingDeputies,
        NullReason::BackfilledWithoutDeclaredNotice,
        NullReason::BackfilledWithoutDeclaredDocuments,
        NullReason::BackfilledWithoutDeclaredMinutes,
        NullReason::MinutesNotYetDue,
        NullReason::NonPartisan,
        NullReason::NoEventsWithPartyLine,
        NullReason::NoBallots,
        NullReason::NoCastBallots,
        NullReason::NoSessionsServed,
        NullReason::NoSeats,
        NullReason::TooFewGroupBallots,
        NullReason::NoDeputiesWithValue,
        NullReason::NoOpennessComponents,
        NullReason::DocumentsUnknown,
        NullReason::MinutesUnknown,
    ];
    for r in reasons {
        assert!(!r.message().is_empty());
    }
    assert_eq!(
        dominant_reason([NullReason::NoSeats, NullReason::NoBallots, NullReason::NoSeats], NullReason::NoHeldSessions),
        NullReason::NoSeats
    );
    assert_eq!(dominant_reason([], NullReason::NoHeldSessions), NullReason::NoHeldSessions);
}
