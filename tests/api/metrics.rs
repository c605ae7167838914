//! Metrics through the API: values from published records, null with reasons, freshness after
//! a publication, conditional GET, rankings and definitions.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, roster, spawn_app};

/// A held session on `date` with one roll-call vote: `no` deputies vote no, the rest yes.
fn held(council: &str, n: u32, date: &str, no: usize, speeches: Value) -> Value {
    let ballots: Vec<_> = (1..=5)
        .map(|i| json!({"deputy": format!("{council}-d{i}"), "option": if i <= no { "no" } else { "yes" }}))
        .collect();
    let yes = 5 - no;
    json!({
        "convocation": "VIII", "number": n, "kind": "regular", "status": "held",
        "scheduled_start": format!("{date}T10:00:00+05:00"), "is_open": true,
        "recording_url": "https://example.kz/rec.mp4",
        "agenda": [{"id": format!("{council}-{n}-i1"), "position": 1, "titles": {"ru": "Вопрос"}, "initiator": "akimat"}],
        "vote_events": [{"id": format!("{council}-{n}-v1"), "agenda_item": format!("{council}-{n}-i1"), "motion": {"ru": "Принять"},
            "stage": "as_a_whole", "method": "roll_call", "majority_rule": "majority_of_seats", "seats": 5,
            "result": if yes * 2 > 5 { "pass" } else { "fail" }, "ballots": ballots}],
        "speeches": speeches
    })
}

async fn council_with_votes(app: &TestApp, id: &str) {
    app.seed_council(id).await;
    let token = app.publisher(id);
    assert_eq!(app.put(&format!("/v1/councils/{id}/roster"), &token, &roster(id, 5)).await.status, 201);
    let s1 = held(id, 1, "2024-03-01", 0, json!([]));
    let s2 = held(
        id,
        2,
        "2024-04-01",
        2,
        json!([{"id": format!("{id}-2-s1"), "agenda_item": format!("{id}-2-i1"), "deputy": format!("{id}-d1"), "speaker_role": "deputy", "speech_type": "question", "language": "ru", "seconds": 120}]),
    );
    assert_eq!(app.put(&format!("/v1/councils/{id}/sessions/{id}-1"), &token, &s1).await.status, 201);
    assert_eq!(app.put(&format!("/v1/councils/{id}/sessions/{id}-2"), &token, &s2).await.status, 201);
}

fn value(body: &Value, path: &[&str]) -> Value {
    path.iter().fold(body.clone(), |v, k| v[*k].clone())
}

#[tokio::test]
async fn council_metrics_follow_the_published_records_and_change_with_the_next_publication() {
    let app = spawn_app().await;
    council_with_votes(&app, "alpha").await;
    let r = app.get("/v1/councils/alpha/metrics?to=2024-12-31&as_of=2025-01-01T00:00:00Z").await;
    assert_eq!(r.status, 200, "{r:?}");
    let b = &r.body;
    assert_eq!(b["method"], "v1.1");
    assert_eq!(b["held_sessions"], 2);
    // One unanimous vote and one 3–2 vote: unanimity 0.5, contested 0.5, mean dissent 0.2.
    assert_eq!(value(b, &["voting", "unanimity_rate", "value"]), json!(0.5));
    assert_eq!(value(b, &["voting", "contested_share", "value"]), json!(0.5));
    assert_eq!(value(b, &["voting", "mean_dissent", "value"]), json!(0.2));
    assert_eq!(value(b, &["voting", "unanimity_rate", "n"]), json!(2));
    // Every vote is named and every session has a recording.
    assert_eq!(value(b, &["openness", "roll_call", "value", "value"]), json!(1.0));
    assert_eq!(value(b, &["openness", "broadcast", "value", "value"]), json!(0.5));
    // Both records arrived long after the sessions: backfilled, no declared notice: null with a reason.
    assert_eq!(value(b, &["openness", "notice", "value", "value"]), Value::Null);
    assert_eq!(value(b, &["openness", "notice", "value", "reason"]), json!("backfilled_without_declared_notice"));
    // Debate: one of two items put to vote was discussed; one question in two sessions.
    assert_eq!(value(b, &["debate", "undiscussed_item_share", "value"]), json!(0.5));
    assert_eq!(value(b, &["debate", "questions_per_session", "value"]), json!(0.5));
    // Composition: 5 non-partisan deputies, each a group of one.
    assert_eq!(value(b, &["composition", "seats"]), json!({"value": 5.0, "n": 5}));
    assert_eq!(value(b, &["composition", "non_partisan_share", "value"]), json!(1.0));
    assert!((value(b, &["composition", "enp_seats", "value"]).as_f64().unwrap() - 5.0).abs() < 1e-9);
    assert!((value(b, &["composition", "enp_seats_bloc", "value"]).as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert!(b["cohesion"].as_array().unwrap().iter().any(|g| g["group"] == "non_partisan"));

    // Conditional GET, then a new publication changes the answer at once.
    let etag = r.header("etag").unwrap().to_owned();
    let again = app
        .send(
            Method::GET,
            "/v1/councils/alpha/metrics?to=2024-12-31&as_of=2025-01-01T00:00:00Z",
            None,
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(again.status, 304);
    let token = app.publisher("alpha");
    let s3 = held("alpha", 3, "2024-05-01", 0, json!([]));
    assert_eq!(app.put("/v1/councils/alpha/sessions/alpha-3", &token, &s3).await.status, 201);
    let r = app
        .send(
            Method::GET,
            "/v1/councils/alpha/metrics?to=2024-12-31&as_of=2025-01-01T00:00:00Z",
            None,
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200, "the cached result was invalidated");
    assert_eq!(r.body["held_sessions"], 3);
    assert!((value(&r.body, &["voting", "unanimity_rate", "value"]).as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);

    // as_of hides what was published after it, and (v1.1) sessions scheduled after it are not
    // yet held: as of 15 March 2024 only the session of 1 March counts.
    let r = app.get("/v1/councils/alpha/metrics?to=2024-12-31&as_of=2024-03-15T00:00:00Z").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["held_sessions"], 1, "sessions scheduled after as_of are in no metric");
    assert_eq!(value(&r.body, &["voting", "unanimity_rate", "n"]), json!(1));
}

#[tokio::test]
async fn deputy_metrics_and_the_comparison() {
    let app = spawn_app().await;
    council_with_votes(&app, "alpha").await;
    let r = app.get("/v1/councils/alpha/deputy-metrics?to=2024-12-31").await;
    assert_eq!(r.status, 200, "{r:?}");
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let d1 = items.iter().find(|d| d["deputy"] == "alpha-d1").unwrap();
    // d1 voted yes then no (losing once of two), attended both, asked one question.
    assert_eq!(d1["attendance_rate"]["value"], json!(1.0));
    assert_eq!(d1["losing_side_rate"]["value"], json!(0.5));
    assert_eq!(d1["rebellion_rate"]["value"], Value::Null);
    assert_eq!(d1["rebellion_rate"]["reason"], "non_partisan");
    assert_eq!(d1["speeches_per_session"]["value"], json!(0.5));
    let one = app.get("/v1/deputies/alpha-d1/metrics?to=2024-12-31").await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["losing_side_rate"], d1["losing_side_rate"]);
    assert_eq!(app.get("/v1/deputies/nobody/metrics").await.status, 404);
    assert_eq!(app.get("/v1/councils/nowhere/metrics").await.status, 404);
    let bad = app.get("/v1/councils/alpha/metrics?from=2025-01-01&to=2024-01-01").await;
    assert_eq!(bad.status, 400);
    assert!(bad.is_problem());
}

#[tokio::test]
async fn rankings_order_values_predictably_with_nulls_last() {
    let app = spawn_app().await;
    council_with_votes(&app, "beta").await;
    council_with_votes(&app, "alpha").await;
    app.seed_council("gamma").await; // no sessions: null
    let r = app.get("/v1/rankings?metric=contested_share&to=2024-12-31").await;
    assert_eq!(r.status, 200, "{r:?}");
    let rows = r.body["items"].as_array().unwrap();
    let order: Vec<&str> = rows.iter().map(|x| x["council"].as_str().unwrap()).collect();
    assert_eq!(order, ["alpha", "beta", "gamma"], "equal values tie-break by id; nulls last");
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(rows[1]["rank"], 1, "ties share a rank");
    assert!(rows[2].get("rank").is_none());
    assert_eq!(rows[2]["value"]["value"], Value::Null);
    let r = app.get("/v1/rankings?metric=contested_share&level=oblast").await;
    assert!(r.body["items"].as_array().unwrap().is_empty());
    // Rankings are cached whole, until the next publication for any council: the same request
    // (same as_of, so the same cache key) sees a new council at once.
    let url = "/v1/rankings?metric=contested_share&to=2024-12-31&as_of=2026-01-01T00:00:00Z";
    let before = app.get(url).await;
    assert_eq!(before.body["items"].as_array().unwrap().len(), 3);
    assert_eq!(app.get(url).await.body, before.body, "a cached ranking answers the same");
    council_with_votes(&app, "delta").await;
    let after = app.get(url).await;
    let order: Vec<&str> =
        after.body["items"].as_array().unwrap().iter().map(|x| x["council"].as_str().unwrap()).collect();
    assert_eq!(order, ["alpha", "beta", "delta", "gamma"], "the publication invalidated the cached ranking");
    let r = app.get("/v1/rankings?metric=nonsense").await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn every_metric_has_a_definition() {
    let app = spawn_app().await;
    let r = app.get("/v1/metrics/definitions").await;
    let names: Vec<&str> = r.body["items"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    for expected in [
        "openness_score",
        "notice",
        "minutes",
        "roll_call",
        "undiscussed_item_share",
        "speaking_time_gini",
        "contested_share",
        "rebellion_rate",
        "agreement_index",
        "rice_index",
        "enp_seats",
        "enp_seats_bloc",
        "coverage",
        "seats",
    ] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    assert!(
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["method"] == "v1.1" && !d["formula"].as_str().unwrap().is_empty())
    );
}
