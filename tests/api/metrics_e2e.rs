//! Every council metric of a small council published by hand, against values worked out by hand.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn close(body: &Value, pointer: &str, expected: f64) {
    let got =
        body.pointer(pointer).and_then(Value::as_f64).unwrap_or_else(|| panic!("{pointer} is a number in {body}"));
    assert!((got - expected).abs() < 1e-4, "{pointer}: {got} != {expected}");
}

fn null(body: &Value, pointer: &str) {
    assert_eq!(body.pointer(pointer), Some(&Value::Null), "{pointer} is null");
}

fn ballots(options: [&str; 5]) -> Value {
    Value::Array(
        options.iter().enumerate().map(|(i, o)| json!({"deputy": format!("e-d{}", i + 1), "option": o})).collect(),
    )
}

fn speech(id: &str, item: &str, deputy: Option<&str>, role: &str, kind: &str, seconds: u32) -> Value {
    let mut s = json!({"id": id, "agenda_item": item, "speaker_role": role, "speech_type": kind, "language": "ru", "seconds": seconds});
    match deputy {
        Some(d) => s["deputy"] = json!(d),
        None => s["speaker_name"] = json!("Аким района"),
    }
    s
}

#[expect(
    clippy::too_many_lines,
    reason = "one hand-worked example, its inputs then each metric's expected value beside its arithmetic"
)]
#[tokio::test]
async fn every_council_metric_matches_a_hand_worked_example() {
    let app = spawn_app().await;
    app.seed_council("e").await; // district, 5 seats, parties amanat and auyl
    let token = app.publisher("e");
    let mandate = json!([{"convocation": "VIII", "seat_type": "single_member", "district": "1", "nomination": "self_nominated", "start_date": "2023-03-20"}]);
    let dep = |i: u32, memberships: Value| json!({"id": format!("e-d{i}"), "names": {"ru": format!("Депутат {i}")}, "mandates": mandate.clone(), "party_memberships": memberships});
    let roster = json!({"deputies": [
        dep(1, json!([{"party": "amanat", "start_date": "2020-01-01"}])),
        // d2 leaves AMANAT on 31 March 2024 and is non-partisan afterwards.
        dep(2, json!([{"party": "amanat", "start_date": "2020-01-01", "end_date": "2024-03-31"}])),
        dep(3, json!([{"party": "auyl", "start_date": "2020-01-01"}])),
        dep(4, json!([])),
        dep(5, json!([])),
    ]});
    assert_eq!(app.put("/v1/councils/e/roster", &token, &roster).await.status, 201);

    // S1: regular, 20 days ahead (notice 1), open, livestream (broadcast 1), minutes published
    // now (minutes 1). Item 1 has a draft and is open; item 2 is closed and has no document
    // (documents 1/2, open_items 1/2). V1 roll call (named), V2 show of hands (roll_call 1/2).
    let s1_start = (Utc::now() + Duration::days(20)).to_rfc3339();
    let s1 = json!({
        "convocation": "VIII", "number": 10, "kind": "regular", "status": "held", "scheduled_start": s1_start, "is_open": true,
        "livestream_url": "https://example.kz/live",
        "agenda": [
            {"id": "e1-i1", "position": 1, "titles": {"ru": "Бюджет"}, "initiator": "akimat"},
            {"id": "e1-i2", "position": 2, "titles": {"ru": "Кадры"}, "initiator": "chairman", "is_open": false}
        ],
        "documents": [
            {"id": "e1-doc", "agenda_item": "e1-i1", "kind": "draft_decision", "title": "Проект", "media_type": "application/pdf", "url": "https://example.kz/1.pdf", "language": "ru"},
            {"id": "e1-min", "kind": "minutes", "title": "Протокол", "media_type": "application/pdf", "url": "https://example.kz/m.pdf", "language": "ru"}
        ],
        "minutes_document": "e1-min",
        "vote_events": [
            // Y3 N1 A1, pass: dissent 2/5 = 0.4, contested.
            {"id": "e1-v1", "agenda_item": "e1-i1", "motion": {"ru": "Принять"}, "stage": "as_a_whole", "method": "roll_call",
             "majority_rule": "majority_of_seats", "seats": 5, "result": "pass", "ballots": ballots(["yes", "yes", "no", "abstain", "yes"])},
            // Unanimous show of hands: counts only.
            {"id": "e1-v2", "agenda_item": "e1-i2", "motion": {"ru": "Назначить"}, "stage": "as_a_whole", "method": "show_of_hands",
             "majority_rule": "majority_of_seats", "seats": 5, "result": "pass", "counts": {"yes": 5}}
        ],
        "speeches": [
            speech("e1-s1", "e1-i1", Some("e-d1"), "deputy", "speech", 60),
            speech("e1-s2", "e1-i1", Some("e-d3"), "deputy", "question", 30),
            speech("e1-s3", "e1-i1", Some("e-d1"), "chair", "procedural", 20),
            speech("e1-s4", "e1-i1", None, "executive", "report", 120)
        ]
    });
    // S2: extraordinary, 25 days ahead (notice 1), closed (open_items 0), recording only
    // (broadcast 1/2), minutes never published (minutes 0 once 30 days have passed), one item
    // with a decision public before the session (documents 1), a secret vote (roll_call 0).
    let s2_start = (Utc::now() + Duration::days(25)).to_rfc3339();
    let s2 = json!({
        "convocation": "VIII", "number": 11, "kind": "extraordinary", "status": "held", "scheduled_start": s2_start, "is_open": false,
        "recording_url": "https://example.kz/rec.mp4",
        "agenda": [{"id": "e2-i1", "position": 1, "titles": {"ru": "Согласие на назначение акима"}, "initiator": "akimat"}],
        "documents": [{"id": "e2-doc", "agenda_item": "e2-i1", "kind": "decision", "title": "Решение", "media_type": "application/pdf", "url": "https://example.kz/2.pdf", "language": "ru"}],
        "vote_events": [
            // Y3 N2 secret, pass: dissent 2/5 = 0.4, contested.
            {"id": "e2-v1", "agenda_item": "e2-i1", "motion": {"ru": "Согласиться"}, "stage": "as_a_whole", "method": "secret",
             "majority_rule": "majority_of_seats", "seats": 5, "result": "pass", "counts": {"yes": 3, "no": 2}}
        ],
        "speeches": [speech("e2-s1", "e2-i1", Some("e-d4"), "deputy", "speech", 90)]
    });
    // S3: regular, 20 February 2024, first sent now: backfilled. Declared notice 5 days ahead
    // (notice 5/10 = 0.5); a document without a declared time (documents null) and no minutes
    // (v1.1: minutes 0, as for any session, once 30 days have passed);
    // open with one open item (open_items 1); no broadcast (0); an electronic vote (roll_call 1).
    let s3 = json!({
        "convocation": "VIII", "number": 3, "kind": "regular", "status": "held", "scheduled_start": "2024-02-20T10:00:00+05:00", "is_open": true,
        "declared_notice": {"published_at": "2024-02-15T10:00:00+05:00", "source_url": "https://gazeta.example.kz/notice"},
        "agenda": [{"id": "e3-i1", "position": 1, "titles": {"ru": "Отчёт"}, "initiator": "akimat"}],
        "documents": [{"id": "e3-doc", "agenda_item": "e3-i1", "kind": "draft_decision", "title": "Проект", "media_type": "application/pdf", "url": "https://example.kz/3.pdf", "language": "ru"}],
        "vote_events": [
            // Y3 N1, d5 present but not voting; majority of present (3 of 5) passes: dissent 1/4.
            {"id": "e3-v1", "agenda_item": "e3-i1", "motion": {"ru": "Принять к сведению"}, "stage": "as_a_whole", "method": "electronic",
             "majority_rule": "majority_of_present", "seats": 5, "result": "pass", "ballots": ballots(["yes", "no", "yes", "yes", "not_voting"])}
        ],
        "speeches": [speech("e3-s1", "e3-i1", Some("e-d1"), "chair", "procedural", 10)]
    });
    for (id, doc) in [("e-s1", &s1), ("e-s2", &s2), ("e-s3", &s3)] {
        let r = app.put(&format!("/v1/councils/e/sessions/{id}"), &token, doc).await;
        assert_eq!(r.status, 201, "{id}: {r:?}");
    }

    let r = app.get("/v1/councils/e/metrics?from=2024-01-01&to=2027-12-31&as_of=2028-01-01T00:00:00Z").await;
    assert_eq!(r.status, 200, "{r:?}");
    let b = &r.body;
    assert_eq!(b["held_sessions"], 3);
    // Openness components: means over sessions where defined.
    close(b, "/openness/notice/value/value", (1.0 + 1.0 + 0.5) / 3.0);
    assert_eq!(b["openness"]["notice"]["time_basis"], "mixed");
    close(b, "/openness/documents/value/value", (0.5 + 1.0) / 2.0); // S3 null: nothing declared
    close(b, "/openness/open_items/value/value", (0.5 + 0.0 + 1.0) / 3.0);
    close(b, "/openness/broadcast/value/value", (1.0 + 0.5 + 0.0) / 3.0);
    close(b, "/openness/minutes/value/value", (1.0 + 0.0 + 0.0) / 3.0); // S3 has no minutes: 0
    close(b, "/openness/roll_call/value/value", (0.5 + 0.0 + 1.0) / 3.0);
    // Score: 100 · (.20·0.8333 + .15·0.75 + .15·0.5 + .15·0.5 + .15·0.3333 + .20·0.5) / 1.
    close(
        b,
        "/openness/openness_score/value",
        100.0 * (0.2 * 2.5 / 3.0 + 0.15 * 0.75 + 0.15 * 0.5 * 2.0 + 0.15 / 3.0 + 0.2 * 0.5),
    );
    close(b, "/openness/coverage/value", 1.0);
    assert_eq!(b["openness"]["coverage"]["n"], 6);
    // Voting over the four counted votes: V2 unanimous; V1, V3, V4 contested.
    close(b, "/voting/unanimity_rate/value", 0.25);
    close(b, "/voting/contested_share/value", 0.75);
    close(b, "/voting/mean_dissent/value", (0.4 + 0.0 + 0.4 + 0.25) / 4.0);
    // Debate: four items put to vote; e1-i2 and e3-i1 had no deputy speech.
    close(b, "/debate/undiscussed_item_share/value", 0.5);
    close(b, "/debate/speakers_per_item/value", (2.0 + 0.0 + 1.0 + 0.0) / 4.0);
    close(b, "/debate/silent_deputy_share/value", 2.0 / 5.0); // d2 and d5
    // Gini of deputy-speech seconds [0, 0, 30, 60, 90]: (2·60 + 4·90) / (5 · 180).
    close(b, "/debate/speaking_time_gini/value", 480.0 / 900.0);
    // Executive and chair seconds (120 + 20 + 10) of all 330.
    close(b, "/debate/executive_share/value", 150.0 / 330.0);
    close(b, "/debate/questions_per_session/value", 1.0 / 3.0);
    // Composition on 31 December 2027: d2, d4, d5 non-partisan; AMANAT 1, Auyl 1.
    assert_eq!(b["composition"]["seats"], json!({"value": 5.0, "n": 5}));
    close(b, "/composition/non_partisan_share/value", 0.6);
    close(b, "/composition/largest_party_share/value", 0.2);
    close(b, "/composition/enp_seats/value", 5.0);
    close(b, "/composition/enp_seats_bloc/value", 1.0 / 0.44);
    // Cohesion on the named votes V1 and V4, groups by membership on each vote's date.
    let group = |g: &str| {
        b["cohesion"].as_array().unwrap().iter().find(|c| c["group"] == g).unwrap_or_else(|| panic!("{g}")).clone()
    };
    // Non-partisans on V1 (d2 yes, d4 abstain, d5 yes): agreement (2 − 1/2)/3, Rice 1; V4 has one vote.
    close(&group("non_partisan"), "/agreement_index/value", 0.5);
    close(&group("non_partisan"), "/rice_index/value", 1.0);
    // AMANAT on V4 (d1 yes, d2 no): agreement (1 − 1/2)/2 = 0.25, Rice 0; on V1 only d1.
    close(&group("amanat"), "/agreement_index/value", 0.25);
    close(&group("amanat"), "/rice_index/value", 0.0);
    null(&group("auyl"), "/agreement_index/value");
    // Non-partisan (d2, d4, d5) against party (d1, d3) deputies.
    close(b, "/non_partisan_comparison/losing_side_rate/non_partisan/value", (0.5 + 0.5 + 0.0) / 3.0);
    close(b, "/non_partisan_comparison/losing_side_rate/party/value", (0.0 + 0.5) / 2.0);
    close(b, "/non_partisan_comparison/losing_side_rate/difference/value", 1.0 / 3.0 - 0.25);
    close(b, "/non_partisan_comparison/abstention_rate/non_partisan/value", 0.5 / 3.0);
    close(b, "/non_partisan_comparison/abstention_rate/party/value", 0.0);
    close(b, "/non_partisan_comparison/attendance_rate/difference/value", 0.0);
    close(b, "/non_partisan_comparison/speeches_per_session/non_partisan/value", (1.0 / 3.0) / 3.0);
    close(b, "/non_partisan_comparison/speeches_per_session/party/value", 1.0 / 3.0);

    // Per deputy, on the named votes V1 and V4.
    let d =
        app.get("/v1/councils/e/deputy-metrics?from=2024-01-01&to=2027-12-31&as_of=2028-01-01T00:00:00Z").await.body;
    let dep = |id: &str| d["items"].as_array().unwrap().iter().find(|x| x["deputy"] == id).unwrap().clone();
    close(&dep("e-d2"), "/losing_side_rate/value", 0.5); // no on V4
    close(&dep("e-d4"), "/abstention_rate/value", 0.5); // abstained on V1
    close(&dep("e-d5"), "/attendance_rate/value", 1.0); // not voting is present
    close(&dep("e-d5"), "/abstention_rate/value", 0.0);
    assert_eq!(dep("e-d2")["group"], "non_partisan", "d2's group is their status on the last day served");
    null(&dep("e-d1"), "/rebellion_rate/value"); // AMANAT tied on V4 and had one vote on V1: no line
    assert_eq!(dep("e-d4")["rebellion_rate"]["reason"], "non_partisan");
    close(&dep("e-d1"), "/speeches_per_session/value", 1.0 / 3.0); // the chair speeches do not count
}
