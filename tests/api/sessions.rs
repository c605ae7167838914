//! Session records: whole-document PUT semantics, every session rule, witnessed times,
//! corrections with reasons, party at vote time, concurrency, and the granular reads (sessions,
//! agenda items, vote events, deputy ballots, speeches, versions, diffs, the change feed).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, deputy, roster, spawn_app};

/// A session date safely in the past (10:00 in Kazakhstan on 15 May 2024).
pub(crate) const PAST: &str = "2024-05-15T05:00:00Z";
/// The four deputies of `alpha` made by `app_with_alpha`.
pub(crate) const DEPS: [&str; 4] = ["alpha-d1", "alpha-d2", "alpha-d3", "alpha-d4"];

fn session_path(council: &str, sid: &str) -> String {
    format!("/v1/councils/{council}/sessions/{sid}")
}

/// Parses a served RFC 3339 time.
fn t(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap_or_else(|| panic!("not a time: {v}")).parse().unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// RFC 3339 (whole seconds, UTC) of now plus `days`.
fn days_from_now(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The values of `key` in a list reply's items.
fn field(r: &Reply, key: &str) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {r:?}"))
        .iter()
        .map(|i| i[key].as_str().unwrap_or_else(|| panic!("no {key} in {i}")).to_owned())
        .collect()
}

fn ids(r: &Reply) -> Vec<String> {
    field(r, "id")
}

/// Follows `links.next` from `first`; returns every item and the number of pages.
async fn all_pages(app: &TestApp, first: &str) -> (Vec<Value>, usize) {
    let mut items = vec![];
    let mut pages = 0;
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let r = app.get(&path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        items.extend(r.body["items"].as_array().expect("items").iter().cloned());
        next = r.body["links"]["next"].as_str().map(str::to_owned);
        pages += 1;
        assert!(pages < 100, "paging does not end");
    }
    (items, pages)
}

fn item(id: &str, position: u32) -> Value {
    json!({
        "id": id,
        "position": position,
        "number_label": position.to_string(),
        "titles": {"kk": format!("Мәселе {position}"), "ru": format!("Вопрос {position}")},
        "initiator": "akimat"
    })
}

fn ballots(deputies: &[&str], options: &[&str]) -> Value {
    assert_eq!(deputies.len(), options.len());
    json!(deputies.iter().zip(options).map(|(d, o)| json!({"deputy": d, "option": o})).collect::<Vec<_>>())
}

/// A named roll-call vote on `item` by majority of those present: every deputy votes yes except
/// the last of several, who votes no; counts are stated and agree.
fn roll_call(id: &str, item: &str, deputies: &[&str]) -> Value {
    let n = deputies.len();
    let options: Vec<&str> = (0..n).map(|i| if n > 1 && i + 1 == n { "no" } else { "yes" }).collect();
    let no = usize::from(n > 1);
    json!({
        "id": id,
        "agenda_item": item,
        "motion": {"kk": "Шешімді қабылдау", "ru": "Принять решение"},
        "stage": "as_a_whole",
        "method": "roll_call",
        "majority_rule": "majority_of_present",
        "seats": 5,
        "result": "pass",
        "counts": {"yes": n - no, "no": no},
        "ballots": ballots(deputies, &options)
    })
}

/// A valid held session `sid` starting at `start` with one agenda item (`{sid}-i1`), a decision
/// document (`{sid}-doc1`), one named roll-call vote (`{sid}-v1`) with a ballot for every deputy in
/// `deputies` (who must be all those serving that day) and two speeches (`{sid}-s1` by the first
/// deputy, `{sid}-s2` by the akim).
pub(crate) fn held_session(sid: &str, start: &str, deputies: &[&str]) -> Value {
    let i1 = format!("{sid}-i1");
    let mut agenda_item = item(&i1, 1);
    agenda_item["result"] = json!("adopted");
    json!({
        "convocation": "VIII",
        "number": 1,
        "kind": "regular",
        "status": "held",
        "scheduled_start": start,
        "place": "Зал сессий",
        "is_open": true,
        "agenda": [agenda_item],
        "documents": [{
            "id": format!("{sid}-doc1"),
            "agenda_item": i1,
            "kind": "decision",
            "title": "Решение маслихата",
            "media_type": "application/pdf",
            "url": format!("https://maslihat.example.kz/{sid}/decision.pdf"),
            "sha256": "a".repeat(64),
            "language": "ru"
        }],
        "vote_events": [roll_call(&format!("{sid}-v1"), &i1, deputies)],
        "speeches": [
            {"id": format!("{sid}-s1"), "agenda_item": i1, "deputy": deputies[0], "speaker_role": "deputy", "speech_type": "speech", "language": "kk", "seconds": 120, "text": "Құрметті депутаттар!"},
            {"id": format!("{sid}-s2"), "speaker_name": "Аким района", "speaker_role": "executive", "speech_type": "report", "language": "ru"}
        ]
    })
}

/// A planned session starting at `start` with the given agenda.
fn planned_session(start: &str, agenda: Vec<Value>) -> Value {
    json!({
        "convocation": "VIII",
        "number": 7,
        "kind": "regular",
        "status": "planned",
        "scheduled_start": start,
        "is_open": true,
        "agenda": agenda
    })
}

/// Council `alpha` with deputies `alpha-d1` … `alpha-d4` serving from 2023-03-20.
pub(crate) async fn app_with_alpha() -> TestApp {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 4)).await;
    assert_eq!(r.status, 201, "{r:?}");
    app
}

/// Adds council `beta` with one deputy `beta-d1`.
async fn add_beta(app: &TestApp) {
    app.seed_council("beta").await;
    let r =
        app.put("/v1/councils/beta/roster", &app.publisher("beta"), &json!({"deputies": [deputy("beta-d1")]})).await;
    assert_eq!(r.status, 201, "{r:?}");
}

/// Publishes the first version of a session and returns the reply (asserting 201).
async fn publish(app: &TestApp, council: &str, sid: &str, doc: &Value) -> Reply {
    let r = app.put(&session_path(council, sid), &app.publisher(council), doc).await;
    assert_eq!(r.status, 201, "{sid}: {r:?}");
    r
}

/// Publishes a new version of a session over `etag` and returns the reply (asserting 200).
async fn update(app: &TestApp, council: &str, sid: &str, doc: &Value, etag: &str) -> Reply {
    let r = app.put_if(&session_path(council, sid), &app.publisher(council), doc, etag).await;
    assert_eq!(r.status, 200, "{sid}: {r:?}");
    r
}

fn etag(r: &Reply) -> String {
    r.header("etag").unwrap_or_else(|| panic!("no ETag: {r:?}")).to_owned()
}

#[expect(
    clippy::too_many_lines,
    reason = "one record published then read back through every endpoint that serves a part of it"
)]
#[tokio::test]
async fn a_session_record_is_published_and_read_back() {
    let app = app_with_alpha().await;
    let token = app.publisher("alpha");
    let path = session_path("alpha", "alpha-s1");
    let doc = held_session("alpha-s1", PAST, &DEPS);
    let r = app.put(&path, &token, &doc).await;
    assert_eq!(r.status, 201, "{r:?}");
    let info = &r.body;
    assert_eq!(info["kind"], "session_record");
    assert_eq!(info["id"], "alpha-s1");
    assert_eq!(info["council"], "alpha");
    assert_eq!(info["version"], 1);
    assert_eq!(info["publisher"], "test");
    assert_eq!(info["provenance"], "council");
    assert!(info.get("reason").is_none_or(Value::is_null));
    assert_eq!(info["sha256"].as_str().unwrap().len(), 64);
    assert!(info["seq"].as_i64().unwrap() > 0);
    let tag = etag(&r);
    assert_eq!(info["etag"], tag.as_str());
    let received = t(&info["received_at"]);

    // The session.
    let s = app.get("/v1/sessions/alpha-s1").await;
    assert_eq!(s.status, 200, "{s:?}");
    assert_eq!(s.body["id"], "alpha-s1");
    assert_eq!(s.body["council"], "alpha");
    assert_eq!(s.body["convocation"], "VIII");
    assert_eq!(s.body["number"], 1);
    assert_eq!(s.body["kind"], "regular");
    assert_eq!(s.body["status"], "held");
    assert_eq!(t(&s.body["scheduled_start"]), t(&json!(PAST)));
    assert_eq!(s.body["place"], "Зал сессий");
    assert_eq!(s.body["is_open"], true);
    assert_eq!(s.body["version"]["version"], 1);
    assert_eq!(s.body["version"]["etag"], tag.as_str());
    assert!(s.body["url"].as_str().unwrap().ends_with("/v1/sessions/alpha-s1"));
    assert_eq!(t(&s.body["witnessed"]["first_received_at"]), received);
    let agenda = s.body["agenda"].as_array().unwrap();
    assert_eq!(agenda.len(), 1);
    assert_eq!(agenda[0]["id"], "alpha-s1-i1");
    assert_eq!(agenda[0]["session"], "alpha-s1");
    assert_eq!(agenda[0]["position"], 1);
    assert_eq!(agenda[0]["number_label"], "1");
    assert_eq!(agenda[0]["titles"]["kk"], "Мәселе 1");
    assert_eq!(agenda[0]["initiator"], "akimat");
    assert_eq!(agenda[0]["is_open"], true);
    assert_eq!(agenda[0]["result"], "adopted");
    let docs = s.body["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], "alpha-s1-doc1");
    assert_eq!(docs[0]["agenda_item"], "alpha-s1-i1");
    assert_eq!(docs[0]["kind"], "decision");
    assert_eq!(docs[0]["media_type"], "application/pdf");
    assert_eq!(docs[0]["sha256"], "a".repeat(64));
    assert_eq!(docs[0]["url"], "https://maslihat.example.kz/alpha-s1/decision.pdf");

    // The vote event with every ballot.
    let v = app.get("/v1/vote-events/alpha-s1-v1").await;
    assert_eq!(v.status, 200, "{v:?}");
    assert_eq!(v.body["session"], "alpha-s1");
    assert_eq!(v.body["council"], "alpha");
    assert_eq!(v.body["agenda_item"], "alpha-s1-i1");
    assert_eq!(v.body["session_date"], "2024-05-15");
    assert_eq!(v.body["method"], "roll_call");
    assert_eq!(v.body["majority_rule"], "majority_of_present");
    assert_eq!(v.body["stage"], "as_a_whole");
    assert_eq!(v.body["seats"], 5);
    assert_eq!(v.body["result"], "pass");
    assert_eq!(v.body["named"], true);
    assert_eq!(v.body["contested"], true, "1 no of 4 is 25 % dissent");
    assert_eq!(v.body["counts"]["yes"], 3);
    assert_eq!(v.body["counts"]["no"], 1);
    assert_eq!(v.body["motion"]["ru"], "Принять решение");
    let mut got: Vec<(String, String)> = v.body["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["deputy"].as_str().unwrap().to_owned(), b["option"].as_str().unwrap().to_owned()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [("alpha-d1", "yes"), ("alpha-d2", "yes"), ("alpha-d3", "yes"), ("alpha-d4", "no")]
            .map(|(d, o)| (d.to_owned(), o.to_owned()))
    );

    // Agenda items, speeches and a deputy's ballots.
    let r = app.get("/v1/agenda-items?session=alpha-s1").await;
    assert_eq!(ids(&r), ["alpha-s1-i1"]);
    let r = app.get("/v1/agenda-items?council=alpha").await;
    assert_eq!(ids(&r), ["alpha-s1-i1"]);
    let r = app.get("/v1/speeches?session=alpha-s1").await;
    assert_eq!(ids(&r), ["alpha-s1-s1", "alpha-s1-s2"]);
    assert_eq!(r.body["items"][0]["deputy"], "alpha-d1");
    assert!(r.body["items"][0]["position"].as_i64().unwrap() < r.body["items"][1]["position"].as_i64().unwrap());
    assert_eq!(r.body["items"][0]["seconds"], 120);
    assert_eq!(r.body["items"][1]["speaker_name"], "Аким района");
    assert_eq!(r.body["items"][1]["speaker_role"], "executive");
    assert_eq!(r.body["items"][1]["speech_type"], "report");
    assert_eq!(ids(&app.get("/v1/speeches?deputy=alpha-d1").await), ["alpha-s1-s1"]);
    let (items, pages) = all_pages(&app, "/v1/speeches?limit=1").await;
    assert_eq!(pages, 2);
    assert_eq!(items.iter().map(|i| i["id"].as_str().unwrap()).collect::<Vec<_>>(), ["alpha-s1-s1", "alpha-s1-s2"]);
    assert_eq!(ids(&app.get("/v1/speeches?agenda_item=alpha-s1-i1").await), ["alpha-s1-s1"]);
    let r = app.get("/v1/deputies/alpha-d4/ballots").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(field(&r, "vote_event"), ["alpha-s1-v1"]);
    assert_eq!(r.body["items"][0]["option"], "no");
    assert_eq!(r.body["items"][0]["result"], "pass");
    assert_eq!(r.body["items"][0]["session"], "alpha-s1");
    assert_eq!(r.body["items"][0]["session_date"], "2024-05-15");
    assert_eq!(r.body["items"][0]["agenda_item"], "alpha-s1-i1");
    assert_eq!(r.body["items"][0]["non_partisan"], true);
    // After their last ballot, a deputy's record is an empty page, not a 404.
    let r = app.get("/v1/deputies/alpha-d4/ballots?cursor=2024-05-15%7Calpha-s1-v1").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["items"], json!([]), "{r:?}");
    assert!(r.body["links"]["next"].is_null(), "{r:?}");

    // Versions.
    let r = app.get("/v1/sessions/alpha-s1/versions").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["items"][0]["kind"], "session_record");
    let r = app.get("/v1/sessions/alpha-s1/versions/1").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["version"]["version"], 1);
    assert_eq!(r.body["document"]["vote_events"][0]["ballots"], doc["vote_events"][0]["ballots"]);
    assert_eq!(r.body["document"]["agenda"][0]["id"], "alpha-s1-i1");

    // Unknown things are 404 problems.
    for p in [
        "/v1/sessions/nothing",
        "/v1/sessions/alpha-s1/versions/2",
        "/v1/sessions/nothing/versions",
        "/v1/vote-events/nothing",
        "/v1/deputies/nobody/ballots",
        "/v1/sessions/alpha-s1/diff?from=1&to=2",
    ] {
        let r = app.get(p).await;
        assert_eq!(r.status, 404, "{p}: {r:?}");
        assert!(r.is_problem(), "{p}");
    }
}

#[tokio::test]
async fn updates_need_if_match_stale_tags_are_refused_and_resends_change_nothing() {
    let app = app_with_alpha().await;
    let token = app.publisher("alpha");
    let path = session_path("alpha", "alpha-s1");
    let v1 = held_session("alpha-s1", PAST, &DEPS);
    let r = publish(&app, "alpha", "alpha-s1", &v1).await;
    let tag1 = etag(&r);

    // Re-sending the same document (a retry) returns the current version unchanged, even after
    // the session date and without a reason.
    let before = app.version_count().await;
    let r = app.put(&path, &token, &v1).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["version"], 1);
    assert_eq!(etag(&r), tag1);
    let r = app.put_if(&path, &token, &v1, &tag1).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["version"], 1);
    assert_eq!(app.version_count().await, before, "a re-send stores nothing");

    let mut v2 = v1.clone();
    v2["place"] = json!("Малый зал");
    v2["reason"] = json!("Сессия перенесена в малый зал");
    let r = app.put(&path, &token, &v2).await;
    assert_eq!(r.status, 428, "{r:?}");
    assert!(r.is_problem());
    assert_eq!(r.body["current_etag"], tag1.as_str());
    let r = app.put_if(&path, &token, &v2, "\"v0-0000000000000000\"").await;
    assert_eq!(r.status, 412, "{r:?}");
    assert!(r.is_problem());
    assert_eq!(app.version_count().await, before);
    let r = app.put_if(&path, &token, &v2, &tag1).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.body["reason"], "Сессия перенесена в малый зал");
    let tag2 = etag(&r);
    assert_ne!(tag1, tag2);
    // The retry of v2 with the tag of v1 is recognised as a re-send.
    let r = app.put_if(&path, &token, &v2, &tag1).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["version"], 2);
    assert_eq!(etag(&r), tag2);
    let s = app.get("/v1/sessions/alpha-s1").await;
    assert_eq!(s.body["place"], "Малый зал");
    assert_eq!(s.body["version"]["version"], 2);
    assert_eq!(s.body["version"]["etag"], tag2.as_str());
    // The reason is kept in the version, not in the document.
    let r = app.get("/v1/sessions/alpha-s1/versions/2").await;
    assert_eq!(r.body["version"]["reason"], "Сессия перенесена в малый зал");
}

#[tokio::test]
async fn writes_need_a_token_for_the_council() {
    let app = app_with_alpha().await;
    add_beta(&app).await;
    let path = session_path("alpha", "alpha-s1");
    let doc = held_session("alpha-s1", PAST, &DEPS);
    let r = app.send(Method::PUT, &path, None, Some(&doc), &[]).await;
    assert_eq!(r.status, 401, "{r:?}");
    assert!(r.is_problem());
    let r = app.put(&path, &app.publisher("beta"), &doc).await;
    assert_eq!(r.status, 403, "{r:?}");
    assert!(r.is_problem());
    assert_eq!(app.get("/v1/sessions/alpha-s1").await.status, 404);
    let r = app.put(&path, &app.admin(), &doc).await;
    assert_eq!(r.status, 201, "an admin may publish: {r:?}");

    // A council that does not exist.
    let r = app.put(&session_path("nowhere", "nowhere-s1"), &app.admin(), &doc).await;
    assert_eq!(r.status, 404, "{r:?}");
    assert!(r.is_problem());
    // A session id that belongs to another council cannot be taken over.
    let before = app.version_count().await;
    let mut other = held_session("alpha-s1", PAST, &["beta-d1"]);
    other["vote_events"][0]["id"] = json!("beta-x-v1");
    let r = app.put_if(&session_path("beta", "alpha-s1"), &app.admin(), &other, "*").await;
    assert!((400..500).contains(&r.status), "{r:?}");
    assert!(r.is_problem());
    assert_eq!(app.version_count().await, before);
    let s = app.get("/v1/sessions/alpha-s1").await;
    assert_eq!(s.body["council"], "alpha");
    assert_eq!(s.body["version"]["version"], 1);
}

/// Applies `edit` to a valid correction of `alpha-s1` (with a reason) and expects a 422 naming
/// `path` and `rule`, with nothing stored.
async fn refused(app: &TestApp, etag: &str, edit: impl FnOnce(&mut Value), path: &str, rule: &str) {
    let mut doc = held_session("alpha-s1", PAST, &DEPS);
    doc["reason"] = json!("Исправление протокола");
    edit(&mut doc);
    let before = app.version_count().await;
    let r = app.put_if(&session_path("alpha", "alpha-s1"), &app.publisher("alpha"), &doc, etag).await;
    assert_eq!(r.status, 422, "{path} {rule}: {r:?}");
    assert!(r.is_problem(), "{path} {rule}: {r:?}");
    assert!(r.has_violation(path, rule), "expected {path} {rule}, got {:?}", r.violations());
    assert_eq!(app.version_count().await, before, "{path} {rule}: nothing stored");
    let current = app.get("/v1/sessions/alpha-s1").await;
    assert_eq!(current.body["version"]["version"], 1, "{path} {rule}");
    assert_eq!(current.body["agenda"].as_array().map(Vec::len), Some(1), "{path} {rule}");
    let v = app.get("/v1/vote-events/alpha-s1-v1").await;
    assert_eq!(v.body["counts"]["yes"], 3, "{path} {rule}");
    assert_eq!(v.body["ballots"].as_array().map(Vec::len), Some(4), "{path} {rule}");
}

#[expect(clippy::too_many_lines, reason = "a table of session rules, one broken record per rule; a list, not logic")]
#[tokio::test]
async fn each_session_rule_refuses_a_record_that_breaks_it() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    // Four serving deputies and one whose mandate ended before the session.
    let mut old = deputy("alpha-old");
    old["mandates"][0]["end_date"] = json!("2023-12-31");
    old["mandates"][0]["end_reason"] = json!("resigned");
    let mut deputies: Vec<Value> = DEPS.iter().map(|d| deputy(d)).collect();
    deputies.push(old);
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &json!({"deputies": deputies})).await;
    assert_eq!(r.status, 201, "{r:?}");
    add_beta(&app).await;
    let tag = etag(&publish(&app, "alpha", "alpha-s1", &held_session("alpha-s1", PAST, &DEPS)).await);
    // Another session owns these ids.
    publish(&app, "alpha", "alpha-s2", &held_session("alpha-s2", "2024-06-15T05:00:00Z", &DEPS)).await;
    // The deputy who left is not needed on the ballots (a valid correction is accepted later).

    let e = &app;
    refused(e, &tag, |d| d["convocation"] = json!("VII"), "/convocation", "known_convocation").await;
    refused(
        e,
        &tag,
        |d| d["scheduled_start"] = json!("2022-06-01T05:00:00Z"),
        "/scheduled_start",
        "within_convocation",
    )
    .await;
    refused(e, &tag, |d| d["scheduled_end"] = json!("2024-05-15T04:00:00Z"), "/scheduled_end", "date_order").await;
    refused(e, &tag, |d| d["scheduled_end"] = json!(PAST), "/scheduled_end", "date_order").await;
    refused(e, &tag, |d| d["number"] = json!(0), "/number", "range").await;
    refused(e, &tag, |d| d["status"] = json!("planned"), "/status", "status_consistency").await;
    refused(
        e,
        &tag,
        |d| {
            d["status"] = json!("cancelled");
            d["vote_events"] = json!([]);
            d["actual_start"] = json!("2024-05-15T05:10:00Z");
        },
        "/status",
        "status_consistency",
    )
    .await;
    refused(e, &tag, |d| d["status"] = json!("postponed"), "/status", "status_consistency").await;
    refused(e, &tag, |d| d["agenda"].as_array_mut().unwrap().push(item("alpha-s1-i1", 2)), "/agenda/1/id", "unique")
        .await;
    refused(
        e,
        &tag,
        |d| d["agenda"].as_array_mut().unwrap().push(item("alpha-s2-i1", 2)),
        "/agenda/1/id",
        "owned_by_other_session",
    )
    .await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["id"] = json!("alpha-s2-v1"),
        "/vote_events/0/id",
        "owned_by_other_session",
    )
    .await;
    refused(e, &tag, |d| d["documents"][0]["id"] = json!("alpha-s2-doc1"), "/documents/0/id", "owned_by_other_session")
        .await;
    refused(e, &tag, |d| d["speeches"][0]["id"] = json!("alpha-s2-s1"), "/speeches/0/id", "owned_by_other_session")
        .await;
    refused(
        e,
        &tag,
        |d| d["agenda"].as_array_mut().unwrap().push(item("alpha-s1-i2", 1)),
        "/agenda/1/position",
        "unique_position",
    )
    .await;
    refused(e, &tag, |d| d["agenda"][0]["position"] = json!(0), "/agenda/0/position", "range").await;
    refused(e, &tag, |d| d["agenda"][0]["id"] = json!("Item One"), "/agenda/0/id", "id_format").await;
    refused(e, &tag, |d| d["agenda"][0]["titles"] = json!({}), "/agenda/0/titles", "non_empty").await;
    refused(
        e,
        &tag,
        |d| d["documents"][0]["agenda_item"] = json!("alpha-s2-i1"),
        "/documents/0/agenda_item",
        "known_agenda_item",
    )
    .await;
    refused(e, &tag, |d| d["documents"][0]["sha256"] = json!("A".repeat(64)), "/documents/0/sha256", "sha256_hex")
        .await;
    refused(e, &tag, |d| d["documents"][0]["sha256"] = json!("abc123"), "/documents/0/sha256", "sha256_hex").await;
    refused(
        e,
        &tag,
        |d| d["documents"][0]["url"] = json!("ftp://maslihat.example.kz/x.pdf"),
        "/documents/0/url",
        "http_url",
    )
    .await;
    refused(e, &tag, |d| d["minutes_document"] = json!("alpha-s1-minutes"), "/minutes_document", "known_document")
        .await;
    refused(e, &tag, |d| d["minutes_document"] = json!("alpha-s1-doc1"), "/minutes_document", "minutes_kind").await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["agenda_item"] = json!("alpha-s2-i1"),
        "/vote_events/0/agenda_item",
        "known_agenda_item",
    )
    .await;
    refused(e, &tag, |d| d["vote_events"][0]["seats"] = json!(0), "/vote_events/0/seats", "range").await;
    refused(e, &tag, |d| d["vote_events"][0]["seats"] = json!(6), "/vote_events/0/seats", "seat_count").await;
    refused(
        e,
        &tag,
        |d| {
            d["vote_events"][0]["ballots"].as_array_mut().unwrap().push(json!({"deputy": "alpha-d1", "option": "no"}));
            d["vote_events"][0].as_object_mut().unwrap().remove("counts");
        },
        "/vote_events/0/ballots/4/deputy",
        "one_ballot_per_deputy",
    )
    .await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["ballots"][3]["deputy"] = json!("beta-d1"),
        "/vote_events/0/ballots/3/deputy",
        "serving_deputy",
    )
    .await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["ballots"][3]["deputy"] = json!("ghost"),
        "/vote_events/0/ballots/3/deputy",
        "serving_deputy",
    )
    .await;
    refused(
        e,
        &tag,
        |d| {
            d["vote_events"][0]["ballots"]
                .as_array_mut()
                .unwrap()
                .push(json!({"deputy": "alpha-old", "option": "absent"}));
            d["vote_events"][0]["counts"]["absent"] = json!(1);
        },
        "/vote_events/0/ballots/4/deputy",
        "serving_deputy",
    )
    .await;
    refused(
        e,
        &tag,
        |d| {
            d["vote_events"][0]["method"] = json!("secret");
        },
        "/vote_events/0/ballots",
        "secret_has_no_ballots",
    )
    .await;
    refused(
        e,
        &tag,
        |d| {
            d["vote_events"][0]["ballots"].as_array_mut().unwrap().pop();
            d["vote_events"][0]["counts"] = json!({"yes": 3});
        },
        "/vote_events/0/ballots",
        "ballot_for_every_deputy",
    )
    .await;
    refused(
        e,
        &tag,
        |d| {
            d["vote_events"][0]["method"] = json!("electronic");
            d["vote_events"][0]["ballots"].as_array_mut().unwrap().remove(0);
            d["vote_events"][0]["counts"] = json!({"yes": 2, "no": 1});
        },
        "/vote_events/0/ballots",
        "ballot_for_every_deputy",
    )
    .await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["counts"] = json!({"yes": 4, "no": 0}),
        "/vote_events/0/counts",
        "counts_match_ballots",
    )
    .await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["counts"] = json!({"yes": 3, "no": 1, "absent": 1}),
        "/vote_events/0/counts",
        "counts_match_ballots",
    )
    .await;
    refused(e, &tag, |d| d["vote_events"][0]["seats"] = json!(3), "/vote_events/0/counts", "present_within_seats")
        .await;
    refused(
        e,
        &tag,
        |d| {
            d["vote_events"][0]["method"] = json!("show_of_hands");
            d["vote_events"][0]["ballots"] = json!([]);
            d["vote_events"][0]["counts"] = json!({"yes": 5, "no": 1});
        },
        "/vote_events/0/counts",
        "present_within_seats",
    )
    .await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["result"] = json!("fail"),
        "/vote_events/0/result",
        "result_matches_counts",
    )
    .await;
    refused(e, &tag, |d| d["speeches"][0]["deputy"] = json!("beta-d1"), "/speeches/0/deputy", "serving_deputy").await;
    refused(e, &tag, |d| d["speeches"][0]["deputy"] = json!("alpha-old"), "/speeches/0/deputy", "serving_deputy").await;
    refused(
        e,
        &tag,
        |d| d["speeches"][0]["speaker_name"] = json!("Депутат Д1"),
        "/speeches/0/speaker_name",
        "one_speaker",
    )
    .await;
    refused(
        e,
        &tag,
        |d| {
            d["speeches"][0].as_object_mut().unwrap().remove("deputy");
        },
        "/speeches/0/deputy",
        "one_speaker",
    )
    .await;
    refused(e, &tag, |d| d["speeches"][1]["speaker_role"] = json!("deputy"), "/speeches/1/deputy", "required").await;
    refused(
        e,
        &tag,
        |d| {
            d.as_object_mut().unwrap().remove("reason");
            d["place"] = json!("Малый зал");
        },
        "/reason",
        "reason_required",
    )
    .await;
    // Field-level rules found while parsing.
    refused(e, &tag, |d| d["vote_events"][0]["method"] = json!("voice"), "/vote_events/0/method", "allowed_values")
        .await;
    refused(
        e,
        &tag,
        |d| d["vote_events"][0]["ballots"][0]["option"] = json!("maybe"),
        "/vote_events/0/ballots/0/option",
        "allowed_values",
    )
    .await;
    refused(e, &tag, |d| d["vote_events"][0]["weight"] = json!(1), "/vote_events/0/weight", "unknown_field").await;
    refused(e, &tag, |d| d["chairman"] = json!("alpha-d1"), "/chairman", "unknown_field").await;

    // The same correction, valid, is accepted.
    let mut ok = held_session("alpha-s1", PAST, &DEPS);
    ok["reason"] = json!("Исправление протокола");
    ok["place"] = json!("Малый зал");
    let r = app.put_if(&session_path("alpha", "alpha-s1"), &app.publisher("alpha"), &ok, &tag).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["version"], 2);
}

#[tokio::test]
async fn majority_rules_decide_which_result_is_accepted() {
    let app = app_with_alpha().await;
    let path = session_path("alpha", "alpha-m");
    let token = app.publisher("alpha");
    // (method, majority rule, seats, ballots for d1..d4 or counts, the only acceptable result)
    type Case = (&'static str, &'static str, u32, [&'static str; 4], &'static str);
    let cases: Vec<Case> = vec![
        // 2 yes of 4 present (not voting is present): not a majority.
        ("roll_call", "majority_of_present", 5, ["yes", "yes", "not_voting", "not_voting"], "fail"),
        // 2 yes of 3 present (absent is not present): a majority.
        ("roll_call", "majority_of_present", 5, ["yes", "yes", "no", "absent"], "pass"),
        // 2 yes of 2 present, but not a majority of 5 seats.
        ("roll_call", "majority_of_seats", 5, ["yes", "yes", "excused", "absent"], "fail"),
        ("electronic", "majority_of_seats", 5, ["yes", "yes", "yes", "absent"], "pass"),
        // 3 yes of 5 seats is less than two thirds; 3 of 4 seats is more.
        ("roll_call", "two_thirds_of_seats", 5, ["yes", "yes", "yes", "no"], "fail"),
        ("roll_call", "two_thirds_of_seats", 4, ["yes", "yes", "yes", "no"], "pass"),
        // 4 yes of 5 seats: 12 >= 10.
        ("roll_call", "two_thirds_of_seats", 5, ["yes", "yes", "yes", "yes"], "pass"),
    ];
    let mut tag: Option<String> = None;
    for (i, (method, rule, seats, options, result)) in cases.into_iter().enumerate() {
        let wrong = if result == "pass" { "fail" } else { "pass" };
        for (declared, accepted) in [(wrong, false), (result, true)] {
            let mut doc = held_session("alpha-m", PAST, &DEPS);
            let e = &mut doc["vote_events"][0];
            e["method"] = json!(method);
            e["majority_rule"] = json!(rule);
            e["seats"] = json!(seats);
            e["ballots"] = ballots(&DEPS, &options);
            e.as_object_mut().unwrap().remove("counts");
            e["result"] = json!(declared);
            doc["reason"] = json!(format!("case {i}"));
            doc["number"] = json!(i + 1);
            let r = match &tag {
                None => app.put(&path, &token, &doc).await,
                Some(t) => app.put_if(&path, &token, &doc, t).await,
            };
            let label = format!("case {i}: {method} {rule} seats {seats} {options:?} declared {declared}");
            if accepted {
                assert!(r.status == 200 || r.status == 201, "{label}: {r:?}");
                tag = Some(etag(&r));
                let v = app.get("/v1/vote-events/alpha-m-v1").await;
                assert_eq!(v.body["result"], declared, "{label}");
            } else {
                assert_eq!(r.status, 422, "{label}: {r:?}");
                assert!(
                    r.has_violation("/vote_events/0/result", "result_matches_counts"),
                    "{label}: {:?}",
                    r.violations()
                );
            }
        }
    }
    // Secret and show-of-hands votes carry counts without ballots and are checked the same way.
    for (method, counts, result, ok) in [
        ("secret", json!({"yes": 3, "no": 1}), "pass", true),
        ("secret", json!({"yes": 2, "no": 2}), "pass", false),
        ("show_of_hands", json!({"yes": 2, "no": 1, "abstain": 1}), "fail", true),
        ("show_of_hands", json!({"yes": 2, "no": 1, "abstain": 1}), "pass", false),
    ] {
        let mut doc = held_session("alpha-m", PAST, &DEPS);
        let e = &mut doc["vote_events"][0];
        e["method"] = json!(method);
        e["ballots"] = json!([]);
        e["counts"] = counts.clone();
        e["result"] = json!(result);
        doc["reason"] = json!(format!("{method} {counts} {result}"));
        let r = app.put_if(&path, &token, &doc, tag.as_deref().unwrap()).await;
        if ok {
            assert_eq!(r.status, 200, "{method} {counts} {result}: {r:?}");
            tag = Some(etag(&r));
            let v = app.get("/v1/vote-events/alpha-m-v1").await;
            assert_eq!(v.body["named"], false);
            assert_eq!(v.body["counts"], {
                let mut c = json!({"yes": 0, "no": 0, "abstain": 0, "not_voting": 0, "absent": 0, "excused": 0});
                for (k, n) in counts.as_object().unwrap() {
                    c[k] = n.clone();
                }
                c
            });
            assert!(v.body["ballots"].as_array().is_none_or(Vec::is_empty), "{v:?}");
        } else {
            assert_eq!(r.status, 422, "{method} {counts} {result}: {r:?}");
            assert!(r.has_violation("/vote_events/0/result", "result_matches_counts"), "{:?}", r.violations());
        }
    }
}

/// label, body, expected status, expected (path, rule).
type BadBody = (&'static str, Vec<u8>, u16, Option<(&'static str, &'static str)>);

#[expect(
    clippy::too_many_lines,
    reason = "a table of malformed bodies, one entry per way to break the PUT; a list, not logic"
)]
#[tokio::test]
async fn bad_input_on_the_session_put_is_refused_and_changes_nothing() {
    let app = app_with_alpha().await;
    add_beta(&app).await;
    let admin = app.admin();
    let good = held_session("alpha-bad", PAST, &DEPS);
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        edit(&mut d);
        serde_json::to_vec(&d).unwrap()
    };
    let cases: Vec<BadBody> = vec![
        ("broken json", b"{\"convocation\": ".to_vec(), 400, None),
        ("trailing garbage", b"{\"convocation\": \"VIII\"} x".to_vec(), 400, None),
        ("empty body", vec![], 400, None),
        ("not an object", b"[1, 2]".to_vec(), 422, None),
        ("number as text", with(&|d| d["number"] = json!("one")), 422, Some(("/number", "type"))),
        ("negative number", with(&|d| d["number"] = json!(-1)), 422, Some(("/number", "range"))),
        ("bad time", with(&|d| d["scheduled_start"] = json!("tomorrow")), 422, Some(("/scheduled_start", "type"))),
        ("date without time", with(&|d| d["scheduled_start"] = json!("2024-05-15")), 422, Some(("/scheduled_start", "type"))),
        ("bool as text", with(&|d| d["is_open"] = json!("yes")), 422, Some(("/is_open", "type"))),
        ("seats as text", with(&|d| d["vote_events"][0]["seats"] = json!("5")), 422, Some(("/vote_events/0/seats", "type"))),
        (
            "ballots as an object",
            with(&|d| d["vote_events"][0]["ballots"] = json!({"alpha-d1": "yes"})),
            422,
            Some(("/vote_events/0/ballots", "type")),
        ),
        ("count as text", with(&|d| d["vote_events"][0]["counts"]["yes"] = json!("3")), 422, Some(("/vote_events/0/counts/yes", "type"))),
        ("unknown status", with(&|d| d["status"] = json!("done")), 422, Some(("/status", "allowed_values"))),
        ("unknown kind", with(&|d| d["kind"] = json!("emergency")), 422, Some(("/kind", "allowed_values"))),
        (
            "unknown ballot option",
            with(&|d| d["vote_events"][0]["ballots"][0]["option"] = json!("maybe")),
            422,
            Some(("/vote_events/0/ballots/0/option", "allowed_values")),
        ),
        (
            "Popolo spelling of not voting",
            with(&|d| d["vote_events"][0]["ballots"][0]["option"] = json!("not voting")),
            422,
            Some(("/vote_events/0/ballots/0/option", "allowed_values")),
        ),
        (
            "unknown majority rule",
            with(&|d| d["vote_events"][0]["majority_rule"] = json!("simple")),
            422,
            Some(("/vote_events/0/majority_rule", "allowed_values")),
        ),
        (
            "unknown document kind",
            with(&|d| d["documents"][0]["kind"] = json!("photo")),
            422,
            Some(("/documents/0/kind", "allowed_values")),
        ),
        ("unknown field", with(&|d| d["chairman"] = json!("alpha-d1")), 422, Some(("/chairman", "unknown_field"))),
        (
            "unknown nested field",
            with(&|d| d["agenda"][0]["speaker"] = json!("x")),
            422,
            Some(("/agenda/0/speaker", "unknown_field")),
        ),
        ("missing field", with(&|d| { d.as_object_mut().unwrap().remove("convocation"); }), 422, None),
        (
            "duplicate key",
            br#"{"convocation": "VIII", "number": 1, "kind": "regular", "status": "held", "status": "planned", "scheduled_start": "2024-05-15T05:00:00Z", "is_open": true}"#.to_vec(),
            422,
            Some(("/status", "duplicate_key")),
        ),
        (
            "counts that disagree with the ballots",
            with(&|d| d["vote_events"][0]["counts"] = json!({"yes": 2, "no": 2})),
            422,
            Some(("/vote_events/0/counts", "counts_match_ballots")),
        ),
        (
            "a ballot for a deputy of another council",
            with(&|d| d["vote_events"][0]["ballots"][2]["deputy"] = json!("beta-d1")),
            422,
            Some(("/vote_events/0/ballots/2/deputy", "serving_deputy")),
        ),
        (
            "a speech by a deputy of another council",
            with(&|d| d["speeches"][0]["deputy"] = json!("beta-d1")),
            422,
            Some(("/speeches/0/deputy", "serving_deputy")),
        ),
        (
            "a bad agenda item id",
            with(&|d| d["agenda"][0]["id"] = json!("Bad Id")),
            422,
            Some(("/agenda/0/id", "id_format")),
        ),
        ("a javascript url", with(&|d| d["documents"][0]["url"] = json!("javascript:alert(1)")), 422, Some(("/documents/0/url", "http_url"))),
        (
            "a control character",
            with(&|d| d["place"] = json!("Зал\u{0007}")),
            422,
            Some(("/place", "no_control_characters")),
        ),
        ("a bad language tag", with(&|d| d["speeches"][0]["language"] = json!("Kazakh")), 422, Some(("/speeches/0/language", "language_tag"))),
    ];
    let before = app.version_count().await;
    for (label, body, status, violation) in cases {
        let r = app
            .send_raw(Method::PUT, &session_path("alpha", "alpha-bad"), Some(&admin), body, "application/json")
            .await;
        assert_eq!(r.status, status, "{label}: {r:?}");
        assert!(r.is_problem(), "{label} is problem+json: {r:?}");
        if let Some((path, rule)) = violation {
            assert!(r.has_violation(path, rule), "{label}: {:?}", r.violations());
            if rule == "allowed_values" {
                let message = r.body["errors"][0]["message"].as_str().unwrap_or("");
                assert!(message.contains("one of: "), "{label}: the allowed values are listed: {message}");
            }
        }
        assert_eq!(app.version_count().await, before, "{label}: nothing stored");
    }
    let r = app
        .send_raw(Method::PUT, &session_path("alpha", "Bad_Session"), Some(&admin), with(&|_| {}), "application/json")
        .await;
    assert!(r.status == 422 || r.status == 404, "a bad session id: {r:?}");
    assert!(r.is_problem());
    let r = app
        .send_raw(Method::PUT, &session_path("alpha", "alpha-bad"), Some(&admin), b"x=1".to_vec(), "text/plain")
        .await;
    assert_eq!(r.status, 415, "{r:?}");
    assert_eq!(app.version_count().await, before, "nothing stored");
    assert_eq!(app.get("/v1/sessions/alpha-bad").await.status, 404);
    assert!(ids(&app.get("/v1/sessions").await).is_empty());
    // The allowed values of an unknown enum are named.
    let r = app
        .send_raw(
            Method::PUT,
            &session_path("alpha", "alpha-bad"),
            Some(&admin),
            with(&|d| d["status"] = json!("done")),
            "application/json",
        )
        .await;
    let message = r.body["errors"][0]["message"].as_str().unwrap_or("").to_owned();
    for allowed in ["planned", "convened", "held", "cancelled", "postponed"] {
        assert!(message.contains(allowed), "{allowed} is listed in {message}");
    }
}

#[tokio::test]
async fn party_at_vote_time_follows_the_membership_history_to_the_day() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    // d1 is nominated by AMANAT, leaves it after 31 May 2024, is non-partisan for the summer and
    // joins Auyl on 1 September 2024. d2 is an AMANAT member throughout; d3 and d4 never are.
    let mut d1 = deputy("alpha-d1");
    d1["mandates"][0]["nomination"] = json!("party");
    d1["mandates"][0]["nominating_party"] = json!("amanat");
    d1["party_memberships"] = json!([
        {"party": "amanat", "start_date": "2019-05-01", "end_date": "2024-05-31"},
        {"party": "auyl", "start_date": "2024-09-01"}
    ]);
    let mut d2 = deputy("alpha-d2");
    d2["party_memberships"] = json!([{"party": "amanat", "start_date": "2020-01-01"}]);
    let doc = json!({"deputies": [d1, d2, deputy("alpha-d3"), deputy("alpha-d4")]});
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &doc).await;
    assert_eq!(r.status, 201, "{r:?}");

    // Session dates are taken in UTC+5: 20:00 UTC on 31 May is 1 June in Kazakhstan.
    let sessions = [
        ("alpha-p1", "2024-05-31T05:00:00Z", "2024-05-31", Some("amanat")),
        ("alpha-p2", "2024-05-31T20:00:00Z", "2024-06-01", None),
        ("alpha-p3", "2024-08-31T20:00:00Z", "2024-09-01", Some("auyl")),
    ];
    for (i, (sid, start, _, _)) in sessions.iter().enumerate() {
        let mut doc = held_session(sid, start, &DEPS);
        doc["number"] = json!(i + 1);
        publish(&app, "alpha", sid, &doc).await;
    }
    for (sid, _, date, party) in sessions {
        let v = app.get(&format!("/v1/vote-events/{sid}-v1")).await;
        assert_eq!(v.status, 200, "{v:?}");
        assert_eq!(v.body["session_date"], date, "{sid}");
        let ballots = v.body["ballots"].as_array().unwrap();
        assert_eq!(ballots.len(), 4);
        let of =
            |d: &str| ballots.iter().find(|b| b["deputy"] == d).unwrap_or_else(|| panic!("{sid}: no ballot of {d}"));
        let b1 = of("alpha-d1");
        match party {
            Some(p) => {
                assert_eq!(b1["party"], p, "{sid} {date}: {b1}");
                assert_eq!(b1["non_partisan"], false, "{sid} {date}");
            }
            None => {
                assert!(b1.get("party").is_none_or(Value::is_null), "{sid} {date}: {b1}");
                assert_eq!(b1["non_partisan"], true, "{sid} {date}");
            }
        }
        // Nomination does not change with membership.
        assert_eq!(b1["nomination"], "party", "{sid}");
        assert_eq!(b1["seat_type"], "single_member", "{sid}");
        assert_eq!(of("alpha-d2")["party"], "amanat", "{sid}");
        assert_eq!(of("alpha-d2")["non_partisan"], false, "{sid}");
        let b3 = of("alpha-d3");
        assert_eq!(b3["non_partisan"], true, "{sid}");
        assert!(b3.get("party").is_none_or(Value::is_null), "{sid}: {b3}");
        assert_eq!(b3["nomination"], "self_nominated", "{sid}");
    }

    let r = app.get("/v1/deputies/alpha-d1/ballots").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(field(&r, "vote_event"), ["alpha-p1-v1", "alpha-p2-v1", "alpha-p3-v1"]);
    assert_eq!(field(&r, "session_date"), ["2024-05-31", "2024-06-01", "2024-09-01"]);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items[0]["party"], "amanat");
    assert_eq!(items[0]["non_partisan"], false);
    assert!(items[1].get("party").is_none_or(Value::is_null), "{}", items[1]);
    assert_eq!(items[1]["non_partisan"], true);
    assert_eq!(items[2]["party"], "auyl");
    assert_eq!(items[2]["non_partisan"], false);
    for i in items {
        assert_eq!(i["option"], "yes");
        assert_eq!(i["result"], "pass");
    }
    // Paging keeps the order.
    let (paged, pages) = all_pages(&app, "/v1/deputies/alpha-d1/ballots?limit=2").await;
    assert_eq!(pages, 2);
    assert_eq!(
        paged.iter().map(|i| i["vote_event"].as_str().unwrap()).collect::<Vec<_>>(),
        ["alpha-p1-v1", "alpha-p2-v1", "alpha-p3-v1"]
    );
    let r = app.get("/v1/deputies/alpha-d4/ballots").await;
    assert_eq!(field(&r, "option"), ["no", "no", "no"]);
}

#[tokio::test]
async fn witnessed_times_give_first_public_times_and_flag_items_added_late() {
    let app = app_with_alpha().await;
    let path = session_path("alpha", "alpha-w");
    let token = app.publisher("alpha");
    let start = days_from_now(10);

    // Ten days ahead: the agenda with one item.
    let v1 = planned_session(&start, vec![item("alpha-w-i1", 1)]);
    let r1 = publish(&app, "alpha", "alpha-w", &v1).await;
    let t1 = t(&r1.body["received_at"]);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    // Later: a second item is added.
    let mut v2 = v1.clone();
    v2["agenda"].as_array_mut().unwrap().push(item("alpha-w-i2", 2));
    let r2 = update(&app, "alpha", "alpha-w", &v2, &etag(&r1)).await;
    let t2 = t(&r2.body["received_at"]);
    assert!(t2 > t1, "{t1} < {t2}");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    // Then the minutes and a decision document.
    let mut v3 = v2.clone();
    v3["documents"] = json!([
        {"id": "alpha-w-minutes", "kind": "minutes", "title": "Хаттама", "media_type": "application/pdf", "url": "https://maslihat.example.kz/w/minutes.pdf", "language": "kk"},
        {"id": "alpha-w-dec", "agenda_item": "alpha-w-i2", "kind": "decision", "title": "Шешім", "media_type": "application/pdf", "url": "https://maslihat.example.kz/w/decision.pdf", "language": "kk"}
    ]);
    v3["minutes_document"] = json!("alpha-w-minutes");
    let r3 = app.put_if(&path, &token, &v3, &etag(&r2)).await;
    assert_eq!(r3.status, 200, "{r3:?}");
    let t3 = t(&r3.body["received_at"]);
    assert!(t3 > t2);

    let s = app.get("/v1/sessions/alpha-w").await;
    assert_eq!(s.status, 200, "{s:?}");
    let w = &s.body["witnessed"];
    assert_eq!(t(&w["first_received_at"]), t1);
    assert_eq!(t(&w["agenda_first_public_at"]), t1);
    assert_eq!(t(&w["minutes_first_public_at"]), t3);
    assert_eq!(w["backfilled"], false);
    assert_eq!(s.body["minutes_document"], "alpha-w-minutes");
    let agenda = s.body["agenda"].as_array().unwrap();
    assert_eq!(agenda.len(), 2);
    assert_eq!(agenda[0]["id"], "alpha-w-i1");
    assert_eq!(t(&agenda[0]["first_public_at"]), t1);
    assert_eq!(agenda[0]["added_late"], false);
    assert_eq!(agenda[1]["id"], "alpha-w-i2");
    assert_eq!(t(&agenda[1]["first_public_at"]), t2);
    assert_eq!(agenda[1]["added_late"], true);
    for d in s.body["documents"].as_array().unwrap() {
        assert_eq!(t(&d["first_public_at"]), t3, "{d}");
    }
    let r = app.get("/v1/agenda-items?session=alpha-w").await;
    assert_eq!(ids(&r), ["alpha-w-i1", "alpha-w-i2"]);
    assert_eq!(r.body["items"][0]["added_late"], false);
    assert_eq!(r.body["items"][1]["added_late"], true);
    assert_eq!(t(&r.body["items"][1]["first_public_at"]), t2);
    let r = app.get("/v1/sessions?council=alpha").await;
    assert_eq!(ids(&r), ["alpha-w"]);
    assert_eq!(r.body["items"][0]["backfilled"], false);
    assert_eq!(r.body["items"][0]["version"], 3);

    // A later version keeps the first times.
    let mut v4 = v3.clone();
    v4["place"] = json!("Зал сессий");
    let r4 = update(&app, "alpha", "alpha-w", &v4, &etag(&r3)).await;
    assert_eq!(r4.body["version"], 4);
    let s = app.get("/v1/sessions/alpha-w").await;
    assert_eq!(t(&s.body["witnessed"]["agenda_first_public_at"]), t1);
    assert_eq!(t(&s.body["agenda"][0]["first_public_at"]), t1);
    assert_eq!(t(&s.body["agenda"][1]["first_public_at"]), t2);
    assert_eq!(s.body["agenda"][1]["added_late"], true);
    assert_eq!(t(&s.body["witnessed"]["minutes_first_public_at"]), t3);
    for d in s.body["documents"].as_array().unwrap() {
        assert_eq!(t(&d["first_public_at"]), t3, "a document keeps its first time: {d}");
    }

    // A session announced before it has an agenda: the agenda is first public when the first
    // version with an item arrives, and nothing in that version is late.
    let e1 = planned_session(&days_from_now(12), vec![]);
    let q1 = publish(&app, "alpha", "alpha-x", &e1).await;
    let s = app.get("/v1/sessions/alpha-x").await;
    assert!(s.body["witnessed"].get("agenda_first_public_at").is_none_or(Value::is_null), "{s:?}");
    assert!(s.body["agenda"].as_array().unwrap().is_empty());
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mut e2 = e1.clone();
    e2["agenda"] = json!([item("alpha-x-i1", 1), item("alpha-x-i2", 2)]);
    let q2 = update(&app, "alpha", "alpha-x", &e2, &etag(&q1)).await;
    let s = app.get("/v1/sessions/alpha-x").await;
    assert_eq!(t(&s.body["witnessed"]["first_received_at"]), t(&q1.body["received_at"]));
    assert_eq!(t(&s.body["witnessed"]["agenda_first_public_at"]), t(&q2.body["received_at"]));
    for a in s.body["agenda"].as_array().unwrap() {
        assert_eq!(t(&a["first_public_at"]), t(&q2.body["received_at"]), "{a}");
        assert_eq!(a["added_late"], false, "{a}");
    }
    // Agenda items of a council, by session then position, a page at a time.
    let (items, pages) = all_pages(&app, "/v1/agenda-items?council=alpha&limit=1").await;
    assert_eq!(pages, 4);
    assert_eq!(
        items.iter().map(|i| i["id"].as_str().unwrap()).collect::<Vec<_>>(),
        ["alpha-w-i1", "alpha-w-i2", "alpha-x-i1", "alpha-x-i2"]
    );
}

#[tokio::test]
async fn a_change_on_the_session_date_itself_needs_no_reason() {
    let app = app_with_alpha().await;
    // The session started a moment ago, today in Kazakhstan.
    let start = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let r1 = publish(&app, "alpha", "alpha-t", &held_session("alpha-t", &start, &DEPS)).await;
    let mut v2 = held_session("alpha-t", &start, &DEPS);
    v2["recording_url"] = json!("https://video.example.kz/alpha-t");
    let r2 = app.put_if(&session_path("alpha", "alpha-t"), &app.publisher("alpha"), &v2, &etag(&r1)).await;
    assert_eq!(r2.status, 200, "a change on the session date is not a correction: {r2:?}");
    assert_eq!(r2.body["version"], 2);
    assert!(r2.body.get("reason").is_none_or(Value::is_null));
}

#[tokio::test]
async fn a_record_first_sent_after_the_session_is_backfilled_and_serves_its_declared_notice() {
    let app = app_with_alpha().await;
    let mut doc = held_session("alpha-b", PAST, &DEPS);
    doc["declared_notice"] =
        json!({"published_at": "2024-05-05T04:00:00Z", "source_url": "https://gazeta.example.kz/notice/15"});
    let r = publish(&app, "alpha", "alpha-b", &doc).await;
    let received = t(&r.body["received_at"]);
    let s = app.get("/v1/sessions/alpha-b").await;
    assert_eq!(s.status, 200, "{s:?}");
    let w = &s.body["witnessed"];
    assert_eq!(w["backfilled"], true);
    assert_eq!(t(&w["first_received_at"]), received);
    assert_eq!(t(&w["agenda_first_public_at"]), received);
    assert_eq!(t(&s.body["declared_notice"]["published_at"]), t(&json!("2024-05-05T04:00:00Z")));
    assert_eq!(s.body["declared_notice"]["source_url"], "https://gazeta.example.kz/notice/15");
    assert_eq!(s.body["agenda"][0]["added_late"], false);
    assert_eq!(t(&s.body["agenda"][0]["first_public_at"]), received);
    let r2 = app.get("/v1/sessions?council=alpha").await;
    assert_eq!(ids(&r2), ["alpha-b"]);
    assert_eq!(r2.body["items"][0]["backfilled"], true);

    // A session published before it starts is not backfilled.
    publish(&app, "alpha", "alpha-f", &planned_session(&days_from_now(3), vec![item("alpha-f-i1", 1)])).await;
    let s = app.get("/v1/sessions/alpha-f").await;
    assert_eq!(s.body["witnessed"]["backfilled"], false);
    assert!(s.body.get("declared_notice").is_none_or(Value::is_null));

    // A later correction keeps the first receive time and the backfilled flag.
    let mut v2 = doc.clone();
    v2["recording_url"] = json!("https://video.example.kz/alpha-b");
    v2["reason"] = json!("Добавлена видеозапись");
    update(&app, "alpha", "alpha-b", &v2, &etag(&r)).await;
    let s = app.get("/v1/sessions/alpha-b").await;
    assert_eq!(s.body["witnessed"]["backfilled"], true);
    assert_eq!(t(&s.body["witnessed"]["first_received_at"]), received);
    assert_eq!(s.body["recording_url"], "https://video.example.kz/alpha-b");
    assert_eq!(s.body["declared_notice"]["source_url"], "https://gazeta.example.kz/notice/15");
}

#[tokio::test]
async fn a_correction_after_the_session_date_needs_a_reason_and_both_versions_stay_readable() {
    let app = app_with_alpha().await;
    let path = session_path("alpha", "alpha-c");
    let token = app.publisher("alpha");
    let v1 = held_session("alpha-c", PAST, &DEPS);
    let r1 = publish(&app, "alpha", "alpha-c", &v1).await;
    let tag1 = etag(&r1);

    // d4 voted yes, not no.
    let mut v2 = v1.clone();
    v2["vote_events"][0]["ballots"][3]["option"] = json!("yes");
    v2["vote_events"][0]["counts"] = json!({"yes": 4});
    let before = app.version_count().await;
    let r = app.put_if(&path, &token, &v2, &tag1).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.is_problem());
    assert!(r.has_violation("/reason", "reason_required"), "{:?}", r.violations());
    assert_eq!(app.version_count().await, before, "nothing stored");
    let v = app.get("/v1/vote-events/alpha-c-v1").await;
    assert_eq!(v.body["counts"]["yes"], 3);
    assert_eq!(app.get("/v1/sessions/alpha-c").await.body["version"]["version"], 1);
    // A blank reason is no reason.
    v2["reason"] = json!("   ");
    let r = app.put_if(&path, &token, &v2, &tag1).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(app.version_count().await, before, "nothing stored");

    let reason = "Ошибка в протоколе: депутат Д4 голосовал «за»";
    v2["reason"] = json!(reason);
    let r2 = app.put_if(&path, &token, &v2, &tag1).await;
    assert_eq!(r2.status, 200, "{r2:?}");
    assert_eq!(r2.body["version"], 2);
    assert_eq!(r2.body["reason"], reason);

    let v = app.get("/v1/vote-events/alpha-c-v1").await;
    assert_eq!(v.body["counts"]["yes"], 4);
    assert_eq!(v.body["counts"]["no"], 0);
    assert_eq!(v.body["contested"], false);
    let d4 = v.body["ballots"].as_array().unwrap().iter().find(|b| b["deputy"] == "alpha-d4").cloned().unwrap();
    assert_eq!(d4["option"], "yes");

    let r = app.get("/v1/sessions/alpha-c/versions").await;
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["version"], 1);
    assert!(items[0].get("reason").is_none_or(Value::is_null));
    assert_eq!(items[1]["version"], 2);
    assert_eq!(items[1]["reason"], reason);
    assert!(items[0]["seq"].as_i64() < items[1]["seq"].as_i64());
    let old = app.get("/v1/sessions/alpha-c/versions/1").await;
    assert_eq!(old.status, 200);
    assert_eq!(old.body["document"]["vote_events"][0]["ballots"][3]["option"], "no");
    assert_eq!(old.body["document"]["vote_events"][0]["counts"]["no"], 1);
    let new = app.get("/v1/sessions/alpha-c/versions/2").await;
    assert_eq!(new.status, 200);
    assert_eq!(new.body["document"]["vote_events"][0]["ballots"][3]["option"], "yes");
    assert_eq!(new.body["version"]["reason"], reason);

    let diff = app.get("/v1/sessions/alpha-c/diff?from=1&to=2").await;
    assert_eq!(diff.status, 200, "{diff:?}");
    assert_eq!(diff.body["from"], 1);
    assert_eq!(diff.body["to"], 2);
    assert_eq!(diff.body["changed_fields"], json!([]), "only a vote changed, and the reason is not in the document");
    assert_eq!(diff.body["vote_events"]["changed"], json!(["alpha-c-v1"]));
    assert_eq!(diff.body["vote_events"]["added"], json!([]));
    assert_eq!(diff.body["vote_events"]["removed"], json!([]));
    assert_eq!(diff.body["agenda"]["changed"], json!([]));
    assert_eq!(diff.body["documents"]["changed"], json!([]));
    assert_eq!(diff.body["speeches"]["changed"], json!([]));
    assert_eq!(
        diff.body["ballots"],
        json!([{"vote_event": "alpha-c-v1", "deputy": "alpha-d4", "from": "no", "to": "yes"}])
    );

    // A third version adds an item, drops a speech and moves the session: the diff says so.
    let mut v3 = v2.clone();
    v3["reason"] = json!("Дополнение");
    v3["agenda"].as_array_mut().unwrap().push(item("alpha-c-i2", 2));
    v3["speeches"].as_array_mut().unwrap().pop();
    v3["place"] = json!("Малый зал");
    let r3 = update(&app, "alpha", "alpha-c", &v3, &etag(&r2)).await;
    assert_eq!(r3.body["version"], 3);
    let diff = app.get("/v1/sessions/alpha-c/diff?from=1&to=3").await;
    assert_eq!(diff.status, 200, "{diff:?}");
    assert_eq!(diff.body["changed_fields"], json!(["place"]));
    assert_eq!(diff.body["agenda"]["added"], json!(["alpha-c-i2"]));
    assert_eq!(diff.body["speeches"]["removed"], json!(["alpha-c-s2"]));
    assert_eq!(diff.body["ballots"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/v1/sessions/alpha-c/diff?from=1&to=9").await.status, 404);
}

#[tokio::test]
async fn two_concurrent_updates_with_the_same_if_match_exactly_one_wins() {
    let app = app_with_alpha().await;
    let path = session_path("alpha", "alpha-k");
    let token = app.publisher("alpha");
    publish(&app, "alpha", "alpha-k", &held_session("alpha-k", PAST, &DEPS)).await;
    for round in 0..3 {
        let tag = app.get("/v1/sessions/alpha-k").await.body["version"]["etag"].as_str().unwrap().to_owned();
        // Two editors start from the same version and send different corrections.
        let mut a = held_session("alpha-k", PAST, &DEPS);
        a["vote_events"][0]["ballots"][3]["option"] = json!("yes");
        a["vote_events"][0]["counts"] = json!({"yes": 4});
        a["place"] = json!(format!("Зал A{round}"));
        a["reason"] = json!(format!("Редактор A, раунд {round}"));
        let mut b = held_session("alpha-k", PAST, &DEPS);
        b["vote_events"][0]["ballots"][3]["option"] = json!("abstain");
        b["vote_events"][0]["counts"] = json!({"yes": 3, "abstain": 1});
        b["place"] = json!(format!("Зал B{round}"));
        b["reason"] = json!(format!("Редактор B, раунд {round}"));
        let (ra, rb) = tokio::join!(app.put_if(&path, &token, &a, &tag), app.put_if(&path, &token, &b, &tag));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "round {round}: {ra:?} {rb:?}");
        let (winner, doc) = if ra.status == 200 { (&ra, &a) } else { (&rb, &b) };
        assert_eq!(winner.body["version"], round + 2);
        let s = app.get("/v1/sessions/alpha-k").await;
        assert_eq!(s.body["place"], doc["place"], "round {round}: the winner's record is served");
        assert_eq!(s.body["version"]["version"], round + 2);
        assert_eq!(s.body["version"]["reason"], doc["reason"]);
    }
    let versions = app.get("/v1/sessions/alpha-k/versions").await;
    assert_eq!(versions.body["items"].as_array().unwrap().len(), 4);
}

/// Checks that a served vote event is whole: counts equal the tally of its ballots, every
/// serving deputy has one ballot, and the result agrees with the counts.
fn assert_consistent_vote(v: &Reply) {
    assert_eq!(v.status, 200, "the vote event is always there: {v:?}");
    let ballots = v.body["ballots"].as_array().unwrap_or_else(|| panic!("no ballots: {v:?}"));
    assert_eq!(ballots.len(), 4, "a ballot for each serving deputy: {v:?}");
    let mut tally = json!({"yes": 0, "no": 0, "abstain": 0, "not_voting": 0, "absent": 0, "excused": 0});
    for b in ballots {
        let o = b["option"].as_str().unwrap();
        tally[o] = json!(tally[o].as_u64().unwrap() + 1);
    }
    assert_eq!(v.body["counts"], tally, "counts equal the ballots: {v:?}");
    let yes = tally["yes"].as_u64().unwrap();
    let present = yes + tally["no"].as_u64().unwrap() + tally["abstain"].as_u64().unwrap();
    let result = if yes * 2 > present { "pass" } else { "fail" };
    assert_eq!(v.body["result"], result, "{v:?}");
}

/// Two shapes of the record `alpha-r`, alternating version by version: odd versions have one
/// agenda item and a unanimous vote in "Зал A"; even versions two items and a failed vote in
/// "Зал B". The version number is also the session number and is named in the reason.
fn alternating(version: usize) -> Value {
    let mut d = held_session("alpha-r", PAST, &DEPS);
    d["reason"] = json!(format!("Версия {version}"));
    d["number"] = json!(version);
    if version % 2 == 1 {
        d["place"] = json!("Зал A");
        d["vote_events"][0]["ballots"] = ballots(&DEPS, &["yes", "yes", "yes", "yes"]);
        d["vote_events"][0]["counts"] = json!({"yes": 4});
    } else {
        d["place"] = json!("Зал B");
        d["agenda"].as_array_mut().unwrap().push(item("alpha-r-i2", 2));
        d["vote_events"][0]["ballots"] = ballots(&DEPS, &["yes", "no", "no", "abstain"]);
        d["vote_events"][0]["counts"] = json!({"yes": 1, "no": 2, "abstain": 1});
        d["vote_events"][0]["result"] = json!("fail");
    }
    d
}

/// Publishes versions 2..=`last` of `alternating` one after another, then sets `done`.
async fn write_alternating(app: &TestApp, first: &Reply, last: usize, done: &AtomicBool) {
    let mut tag = etag(first);
    for version in 2..=last {
        let r = update(app, "alpha", "alpha-r", &alternating(version), &tag).await;
        assert_eq!(r.body["version"], version);
        tag = etag(&r);
    }
    done.store(true, Ordering::SeqCst);
}

#[tokio::test]
async fn readers_never_see_a_half_written_record() {
    let app = app_with_alpha().await;
    let first = publish(&app, "alpha", "alpha-r", &alternating(1)).await;
    let done = AtomicBool::new(false);
    let reads = AtomicUsize::new(0);
    let vote_reader = async {
        while !done.load(Ordering::SeqCst) {
            assert_consistent_vote(&app.get("/v1/vote-events/alpha-r-v1").await);
            reads.fetch_add(1, Ordering::SeqCst);
        }
    };
    let session_reader = async {
        while !done.load(Ordering::SeqCst) {
            let s = app.get("/v1/sessions/alpha-r").await;
            assert_eq!(s.status, 200, "the session is always there: {s:?}");
            let version = s.body["version"]["version"].as_u64().unwrap();
            let items = s.body["agenda"].as_array().unwrap().len();
            let place = s.body["place"].as_str().unwrap();
            let (want_place, want_items) = if version % 2 == 1 { ("Зал A", 1) } else { ("Зал B", 2) };
            assert_eq!((place, items), (want_place, want_items), "version {version} is served whole: {s:?}");
            assert_eq!(s.body["number"], version, "{s:?}");
            assert_eq!(s.body["version"]["reason"], json!(format!("Версия {version}")), "{s:?}");
            reads.fetch_add(1, Ordering::SeqCst);
        }
    };
    tokio::join!(write_alternating(&app, &first, 14, &done), vote_reader, session_reader);
    assert!(reads.load(Ordering::SeqCst) >= 2, "the readers ran");
    let v = app.get("/v1/vote-events/alpha-r-v1").await;
    assert_consistent_vote(&v);
    assert_eq!(v.body["result"], "fail", "version 14 is served");
}

#[tokio::test]
async fn a_deputys_ballots_are_never_read_half_written() {
    let app = app_with_alpha().await;
    let first = publish(&app, "alpha", "alpha-r", &alternating(1)).await;
    let done = AtomicBool::new(false);
    let reads = AtomicUsize::new(0);
    // d2 votes yes in the passed votes and no in the failed ones: a line of their record that
    // pairs "no" with "pass" (or "yes" with "fail") mixes two versions.
    let ballots_reader = async {
        while !done.load(Ordering::SeqCst) {
            let r = app.get("/v1/deputies/alpha-d2/ballots").await;
            assert_eq!(r.status, 200, "{r:?}");
            assert_eq!(field(&r, "vote_event"), ["alpha-r-v1"], "exactly one ballot of d2: {r:?}");
            let line = &r.body["items"][0];
            let expected = if line["option"] == "yes" { "pass" } else { "fail" };
            assert_eq!(line["result"], expected, "the ballot and the vote's result come from one version: {r:?}");
            reads.fetch_add(1, Ordering::SeqCst);
        }
    };
    tokio::join!(write_alternating(&app, &first, 30, &done), ballots_reader);
    assert!(reads.load(Ordering::SeqCst) >= 1, "the reader ran");
}

#[tokio::test]
async fn sessions_are_listed_with_filters_and_pages() {
    let app = app_with_alpha().await;
    add_beta(&app).await;
    let mut published = vec![];
    for (n, (council, sid, start, kind, status)) in [
        ("alpha", "alpha-a", "2024-01-10T05:00:00Z", "regular", "held"),
        ("alpha", "alpha-c", "2024-02-10T05:00:00Z", "regular", "held"),
        ("alpha", "alpha-b", "2024-02-10T05:00:00Z", "extraordinary", "held"),
        ("beta", "beta-a", "2024-02-15T05:00:00Z", "regular", "held"),
        // 20:00 UTC on 10 March is 11 March in Kazakhstan.
        ("alpha", "alpha-d", "2024-03-10T20:00:00Z", "regular", "planned"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut doc =
            if council == "alpha" { held_session(sid, start, &DEPS) } else { held_session(sid, start, &["beta-d1"]) };
        doc["number"] = json!(n + 1);
        doc["kind"] = json!(kind);
        doc["status"] = json!(status);
        if status == "planned" {
            doc["vote_events"] = json!([]);
        }
        published.push(publish(&app, council, sid, &doc).await);
    }
    let all = ["alpha-a", "alpha-b", "alpha-c", "beta-a", "alpha-d"];
    let list = |q: &str| {
        let path = format!("/v1/sessions{q}");
        let app = &app;
        async move {
            let r = app.get(&path).await;
            assert_eq!(r.status, 200, "{path}: {r:?}");
            ids(&r)
        }
    };
    assert_eq!(list("").await, all, "by scheduled start, then id");
    assert_eq!(list("?council=alpha").await, ["alpha-a", "alpha-b", "alpha-c", "alpha-d"]);
    assert_eq!(list("?council=beta").await, ["beta-a"]);
    assert_eq!(list("?from=2024-02-01&to=2024-02-29").await, ["alpha-b", "alpha-c", "beta-a"]);
    assert_eq!(list("?council=alpha&from=2024-02-10&to=2024-02-10").await, ["alpha-b", "alpha-c"]);
    assert_eq!(list("?to=2024-03-10").await, ["alpha-a", "alpha-b", "alpha-c", "beta-a"]);
    assert_eq!(list("?from=2024-03-11").await, ["alpha-d"]);
    assert_eq!(list("?status=planned").await, ["alpha-d"]);
    assert_eq!(list("?status=held&council=alpha").await, ["alpha-a", "alpha-b", "alpha-c"]);
    assert_eq!(list("?kind=extraordinary").await, ["alpha-b"]);
    assert!(list("?council=nowhere").await.is_empty());
    assert!(list("?from=2025-01-01").await.is_empty());

    let r = app.get("/v1/sessions?kind=extraordinary").await;
    let s = &r.body["items"][0];
    assert_eq!(s["council"], "alpha");
    assert_eq!(s["convocation"], "VIII");
    assert_eq!(s["number"], 3);
    assert_eq!(s["kind"], "extraordinary");
    assert_eq!(s["status"], "held");
    assert_eq!(t(&s["scheduled_start"]), t(&json!("2024-02-10T05:00:00Z")));
    assert_eq!(s["is_open"], true);
    assert_eq!(s["backfilled"], true);
    assert_eq!(s["version"], 1);
    assert!(s["url"].as_str().unwrap().ends_with("/v1/sessions/alpha-b"));

    // Pages of two, following links.next.
    let (items, pages) = all_pages(&app, "/v1/sessions?limit=2").await;
    assert_eq!(pages, 3);
    assert_eq!(items.iter().map(|i| i["id"].as_str().unwrap()).collect::<Vec<_>>(), all);
    let r = app.get("/v1/sessions?council=alpha&limit=3").await;
    assert_eq!(ids(&r), ["alpha-a", "alpha-b", "alpha-c"]);
    let next = r.body["links"]["next"].as_str().expect("next").to_owned();
    let r = app.get(&next).await;
    assert_eq!(ids(&r), ["alpha-d"], "the next link keeps the filter");
    assert!(r.body["links"].get("next").is_none_or(Value::is_null));
    let r = app.get("/v1/sessions?limit=0").await;
    assert_eq!(r.status, 400);
    assert!(r.is_problem());
    let r = app.get("/v1/sessions?status=done").await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.is_problem());
    let r = app.get("/v1/sessions?cursor=garbage").await;
    assert!((400..500).contains(&r.status), "{r:?}");

    // Changed since the fourth publication: the fifth; then a correction of the first.
    let since = published[3].body["received_at"].as_str().unwrap().replace('+', "%2B");
    assert_eq!(list(&format!("?modified_since={since}")).await, ["alpha-d"]);
    let mut doc = held_session("alpha-a", "2024-01-10T05:00:00Z", &DEPS);
    doc["number"] = json!(1);
    doc["place"] = json!("Малый зал");
    doc["reason"] = json!("Уточнено место");
    update(&app, "alpha", "alpha-a", &doc, &etag(&published[0])).await;
    assert_eq!(list(&format!("?modified_since={since}")).await, ["alpha-a", "alpha-d"]);
    assert_eq!(list(&format!("?council=beta&modified_since={since}")).await, Vec::<String>::new());
}

#[expect(clippy::too_many_lines, reason = "each filter and the paging checked in turn on one published set")]
#[tokio::test]
async fn vote_events_are_listed_with_filters_and_pages() {
    let app = app_with_alpha().await;
    add_beta(&app).await;
    let vote = |id: &str, item: &str, method: &str, rule: &str, result: &str, counts: Value, ballots: Value| {
        let mut e = json!({
            "id": id, "agenda_item": item, "motion": {"ru": format!("Голосование {id}")}, "stage": "as_a_whole",
            "method": method, "majority_rule": rule, "seats": 5, "result": result, "ballots": ballots
        });
        if !counts.is_null() {
            e["counts"] = counts;
        }
        e
    };
    // 10 February: a unanimous roll call without stated counts, a contested roll call, and a
    // failed show of hands (2 of 4) where the 2 yes are dissent.
    let mut e1 = held_session("alpha-e1", "2024-02-10T05:00:00Z", &DEPS);
    e1["vote_events"] = json!([
        vote(
            "alpha-e1-v1",
            "alpha-e1-i1",
            "roll_call",
            "majority_of_present",
            "pass",
            Value::Null,
            ballots(&DEPS, &["yes"; 4])
        ),
        vote(
            "alpha-e1-v2",
            "alpha-e1-i1",
            "roll_call",
            "majority_of_present",
            "pass",
            json!({"yes": 3, "no": 1}),
            ballots(&DEPS, &["yes", "yes", "yes", "no"])
        ),
        vote(
            "alpha-e1-v3",
            "alpha-e1-i1",
            "show_of_hands",
            "majority_of_present",
            "fail",
            json!({"yes": 2, "no": 2}),
            json!([])
        ),
    ]);
    publish(&app, "alpha", "alpha-e1", &e1).await;
    // 10 March: a secret vote with counts, a show of hands with no counts at all, and a roll call
    // with 1 abstention in 10 %: 9 yes would be needed, so 3 yes 1 abstain is 25 % (contested).
    let mut e2 = held_session("alpha-e2", "2024-03-10T05:00:00Z", &DEPS);
    e2["number"] = json!(2);
    e2["vote_events"] = json!([
        vote("alpha-e2-v1", "alpha-e2-i1", "secret", "majority_of_seats", "pass", json!({"yes": 4}), json!([])),
        vote("alpha-e2-v2", "alpha-e2-i1", "show_of_hands", "majority_of_present", "pass", Value::Null, json!([])),
    ]);
    publish(&app, "alpha", "alpha-e2", &e2).await;
    publish(&app, "beta", "beta-e1", &held_session("beta-e1", "2024-02-20T05:00:00Z", &["beta-d1"])).await;

    let all = ["alpha-e1-v1", "alpha-e1-v2", "alpha-e1-v3", "beta-e1-v1", "alpha-e2-v1", "alpha-e2-v2"];
    let list = |q: &str| {
        let path = format!("/v1/vote-events{q}");
        let app = &app;
        async move {
            let r = app.get(&path).await;
            assert_eq!(r.status, 200, "{path}: {r:?}");
            ids(&r)
        }
    };
    assert_eq!(list("").await, all, "by session date, then id");
    assert_eq!(
        list("?council=alpha").await,
        ["alpha-e1-v1", "alpha-e1-v2", "alpha-e1-v3", "alpha-e2-v1", "alpha-e2-v2"]
    );
    assert_eq!(list("?session=alpha-e2").await, ["alpha-e2-v1", "alpha-e2-v2"]);
    assert_eq!(list("?from=2024-02-11&to=2024-03-09").await, ["beta-e1-v1"]);
    assert_eq!(list("?from=2024-03-10").await, ["alpha-e2-v1", "alpha-e2-v2"]);
    assert_eq!(list("?to=2024-02-10").await, ["alpha-e1-v1", "alpha-e1-v2", "alpha-e1-v3"]);
    assert_eq!(list("?result=fail").await, ["alpha-e1-v3"]);
    assert_eq!(list("?method=secret").await, ["alpha-e2-v1"]);
    assert_eq!(list("?method=roll_call&council=alpha").await, ["alpha-e1-v1", "alpha-e1-v2"]);
    assert_eq!(list("?contested=true").await, ["alpha-e1-v2", "alpha-e1-v3"]);
    assert_eq!(list("?contested=false&council=alpha").await, ["alpha-e1-v1", "alpha-e2-v1", "alpha-e2-v2"]);
    assert_eq!(list("?contested=true&result=pass&council=alpha").await, ["alpha-e1-v2"]);
    assert!(list("?council=nowhere").await.is_empty());

    let r = app.get("/v1/vote-events?session=alpha-e1").await;
    let items = r.body["items"].as_array().unwrap();
    let v1 = &items[0];
    assert_eq!(v1["session"], "alpha-e1");
    assert_eq!(v1["council"], "alpha");
    assert_eq!(v1["agenda_item"], "alpha-e1-i1");
    assert_eq!(v1["session_date"], "2024-02-10");
    assert_eq!(v1["method"], "roll_call");
    assert_eq!(v1["named"], true);
    assert_eq!(v1["contested"], false);
    assert_eq!(
        v1["counts"],
        json!({"yes": 4, "no": 0, "abstain": 0, "not_voting": 0, "absent": 0, "excused": 0}),
        "counts come from the ballots"
    );
    assert!(v1["url"].as_str().unwrap().ends_with("/v1/vote-events/alpha-e1-v1"));
    assert_eq!(items[2]["named"], false);
    assert_eq!(items[2]["contested"], true);
    let r = app.get("/v1/vote-events/alpha-e2-v2").await;
    assert_eq!(r.status, 200);
    assert!(r.body.get("counts").is_none_or(Value::is_null), "no counts stated, no ballots: {r:?}");
    assert_eq!(r.body["named"], false);
    assert_eq!(r.body["contested"], false);
    let r = app.get("/v1/vote-events/alpha-e2-v1").await;
    assert_eq!(r.body["counts"]["yes"], 4);
    assert!(r.body["ballots"].as_array().is_none_or(Vec::is_empty), "a secret vote has no ballots: {r:?}");

    // Pages of two, following links.next, with and without filters.
    let (items, pages) = all_pages(&app, "/v1/vote-events?limit=2").await;
    assert_eq!(pages, 3);
    assert_eq!(items.iter().map(|i| i["id"].as_str().unwrap()).collect::<Vec<_>>(), all);
    let (items, pages) = all_pages(&app, "/v1/vote-events?council=alpha&limit=2").await;
    assert_eq!(pages, 3);
    assert_eq!(
        items.iter().map(|i| i["id"].as_str().unwrap()).collect::<Vec<_>>(),
        ["alpha-e1-v1", "alpha-e1-v2", "alpha-e1-v3", "alpha-e2-v1", "alpha-e2-v2"]
    );
    let (items, _) = all_pages(&app, "/v1/vote-events?contested=true&limit=1").await;
    assert_eq!(items.iter().map(|i| i["id"].as_str().unwrap()).collect::<Vec<_>>(), ["alpha-e1-v2", "alpha-e1-v3"]);
    let r = app.get("/v1/vote-events?method=voice").await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.is_problem());

    // A correction that removes a vote removes it from the lists.
    let mut e2b = e2.clone();
    e2b["vote_events"].as_array_mut().unwrap().pop();
    e2b["reason"] = json!("Голосование не проводилось");
    let tag = app.get("/v1/sessions/alpha-e2").await.body["version"]["etag"].as_str().unwrap().to_owned();
    update(&app, "alpha", "alpha-e2", &e2b, &tag).await;
    assert_eq!(list("?session=alpha-e2").await, ["alpha-e2-v1"]);
    assert_eq!(app.get("/v1/vote-events/alpha-e2-v2").await.status, 404);
}

#[tokio::test]
async fn the_change_feed_is_gap_free_and_covers_every_kind_of_document() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let roster = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 4)).await;
    assert_eq!(roster.status, 201);
    let v1 = held_session("alpha-s1", PAST, &DEPS);
    let s1 = publish(&app, "alpha", "alpha-s1", &v1).await;
    // Neither a refused document nor a re-send takes a change number.
    let mut bad = v1.clone();
    bad["vote_events"][0]["result"] = json!("fail");
    bad["reason"] = json!("x");
    assert_eq!(
        app.put_if(&session_path("alpha", "alpha-s1"), &app.publisher("alpha"), &bad, &etag(&s1)).await.status,
        422
    );
    assert_eq!(app.put(&session_path("alpha", "alpha-s1"), &app.publisher("alpha"), &v1).await.status, 200);
    let mut v2 = v1.clone();
    v2["place"] = json!("Малый зал");
    v2["reason"] = json!("Уточнено место");
    let s2 = update(&app, "alpha", "alpha-s1", &v2, &etag(&s1)).await;
    let future =
        publish(&app, "alpha", "alpha-s2", &planned_session(&days_from_now(5), vec![item("alpha-s2-i1", 1)])).await;

    let (items, pages) = all_pages(&app, "/v1/changes?limit=2").await;
    assert_eq!(pages, 4);
    let got: Vec<(String, String, i64)> = items
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["id"].as_str().unwrap().to_owned(),
                c["version"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("party", "amanat", 1),
        ("party", "auyl", 1),
        ("council", "alpha", 1),
        ("roster", "alpha", 1),
        ("session_record", "alpha-s1", 1),
        ("session_record", "alpha-s1", 2),
        ("session_record", "alpha-s2", 1),
    ]
    .map(|(k, i, v)| (k.to_owned(), i.to_owned(), v));
    assert_eq!(got, expected);
    let seqs: Vec<i64> = items.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    for w in seqs.windows(2) {
        assert_eq!(w[1], w[0] + 1, "gap-free and increasing: {seqs:?}");
    }
    assert!(seqs[0] >= 1);
    for w in items.windows(2) {
        assert!(t(&w[0]["received_at"]) <= t(&w[1]["received_at"]));
    }
    for (c, put) in items[3..].iter().zip([&roster, &s1, &s2, &future]) {
        assert_eq!(c["seq"], put.body["seq"], "{c}");
        assert_eq!(t(&c["received_at"]), t(&put.body["received_at"]));
        assert_eq!(c["council"], "alpha");
    }
    let (all, _) = all_pages(&app, "/v1/changes").await;
    assert_eq!(all, items);
    let since = seqs[3];
    let r = app.get(&format!("/v1/changes?since={since}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["items"].as_array().unwrap(), &items[4..].to_vec());
    assert!(r.body["links"].get("next").is_none_or(Value::is_null));
    let r = app.get(&format!("/v1/changes?since={}", seqs[6])).await;
    assert!(r.body["items"].as_array().unwrap().is_empty());
    let r = app.get("/v1/changes?since=-1").await;
    assert_eq!(r.status, 400);
    assert!(r.is_problem());
}
