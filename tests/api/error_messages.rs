//! Error messages that say what would be right (issue 20, item 11): the valid values of an
//! enumeration, the written form of a date, every wrong type at once, how to authenticate, the
//! media type to send, an ETag that works as If-Match, and problem types documented at their URLs.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{council, spawn_app};
use crate::sessions::{DEPS, PAST, app_with_alpha, held_session};

#[tokio::test]
async fn a_bad_enumeration_value_is_refused_with_the_values_it_takes() {
    let app = spawn_app().await;
    let r = app.get("/v1/councils?level=village").await;
    assert_eq!(r.status, 400, "{r:?}");
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("`level`") && detail.contains("oblast, republican_city, city, district"), "{r:?}");

    let mut doc = council("c1");
    doc["level"] = json!("village");
    let r = app.put("/v1/councils/c1", &app.admin(), &doc).await;
    assert_eq!(r.status, 422, "{r:?}");
    let v = r.body["errors"].as_array().unwrap().iter().find(|v| v["path"] == "/level").cloned().unwrap_or_default();
    assert_eq!(v["rule"], "allowed_values", "{r:?}");
    assert!(v["message"].as_str().unwrap_or_default().contains("oblast, republican_city, city, district"), "{r:?}");
}

#[tokio::test]
async fn a_date_written_day_first_is_refused_saying_yyyy_mm_dd() {
    let app = spawn_app().await;
    let r = app.get("/v1/sessions?from=19.03.2023").await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.body["detail"].as_str().unwrap_or_default().contains("YYYY-MM-DD"), "{r:?}");

    let mut doc = council("c1");
    doc["convocations"][0]["start_date"] = json!("19.03.2023");
    let r = app.put("/v1/councils/c1", &app.admin(), &doc).await;
    assert_eq!(r.status, 422, "{r:?}");
    let v = r.body["errors"].as_array().unwrap().iter().find(|v| v["path"] == "/convocations/0/start_date").cloned();
    assert!(v.unwrap_or_default()["message"].as_str().unwrap_or_default().contains("YYYY-MM-DD"), "{r:?}");
}

#[tokio::test]
async fn every_wrong_type_of_a_body_is_reported_in_one_answer() {
    let app = spawn_app().await;
    let mut doc = council("c1");
    doc["seats"] = json!("five");
    doc["names"]["ru"] = json!(5);
    doc["convocations"][0]["number"] = json!(8);
    doc["mayor"] = json!("x");
    let r = app.put("/v1/councils/c1", &app.admin(), &doc).await;
    assert_eq!(r.status, 422, "{r:?}");
    for (path, rule) in
        [("/seats", "type"), ("/names/ru", "type"), ("/convocations/0/number", "type"), ("/mayor", "unknown_field")]
    {
        assert!(r.has_violation(path, rule), "{path} {rule}: {r:?}");
    }
    assert_eq!(app.version_count().await, 0);
}

#[tokio::test]
async fn a_write_without_a_token_is_told_to_send_a_bearer_token() {
    let app = spawn_app().await;
    let r = app.send(Method::PUT, "/v1/councils/c1", None, Some(&council("c1")), &[]).await;
    assert_eq!(r.status, 401, "{r:?}");
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert!(r.body["detail"].as_str().unwrap_or_default().contains("Authorization: Bearer"), "{r:?}");
    let r = app.put("/v1/councils/c1", "not.a.token", &council("c1")).await;
    assert_eq!(r.status, 401, "{r:?}");
    assert!(r.body["detail"].as_str().unwrap_or_default().contains("Authorization: Bearer"), "{r:?}");
}

#[tokio::test]
async fn a_body_not_sent_as_json_gets_415_naming_application_json() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(&council("c1")).unwrap();
    let r = app.send_raw(Method::PUT, "/v1/councils/c1", Some(&app.admin()), body, "text/plain").await;
    assert_eq!(r.status, 415, "{r:?}");
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("application/json") && detail.contains("text/plain"), "{r:?}");
}

#[tokio::test]
async fn the_etag_of_a_session_read_is_the_if_match_of_its_next_write() {
    let app = app_with_alpha().await;
    let token = app.publisher("alpha");
    let path = "/v1/councils/alpha/sessions/alpha-s1";
    let doc = held_session("alpha-s1", PAST, &DEPS);
    assert_eq!(app.put(path, &token, &doc).await.status, 201);
    let read = app.get("/v1/sessions/alpha-s1").await;
    assert_eq!(read.status, 200, "{read:?}");
    let tag = read.header("etag").unwrap_or_else(|| panic!("no ETag: {read:?}")).to_owned();
    assert_eq!(read.body["version"]["etag"], tag.as_str(), "{read:?}");
    let mut changed = doc.clone();
    changed["place"] = json!("Малый зал");
    changed["reason"] = json!("the place was recorded wrongly");
    let r = app.put_if(path, &token, &changed, &tag).await;
    assert_eq!(r.status, 200, "{r:?}");
    // The old tag is now stale, and the 412 says how to get the current one.
    let r = app.put_if(path, &token, &doc, &tag).await;
    assert_eq!(r.status, 412, "{r:?}");
    assert!(r.body["detail"].as_str().unwrap_or_default().contains("GET it again"), "{r:?}");
}

#[tokio::test]
async fn problem_types_are_documented_at_their_urls_on_the_platform_itself() {
    let app = spawn_app().await;
    let answers = [
        app.get("/v1/councils?level=village").await,
        app.get("/v1/councils/nothing-here").await,
        app.send(Method::PUT, "/v1/councils/c1", None, Some(&council("c1")), &[]).await,
        app.put("/v1/councils/c1", &app.admin(), &json!({"seats": "x"})).await,
    ];
    for r in &answers {
        let kind = r.body["type"].as_str().unwrap_or_else(|| panic!("no type: {r:?}"));
        assert!(kind.starts_with("/problems/"), "{r:?}");
        let page = app.client.get(format!("{}{kind}", app.base)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{kind}");
        let html = page.text().await.unwrap();
        assert!(html.contains(kind.trim_start_matches("/problems/")) && html.contains("What to do"), "{kind}: {html}");
    }
    let index = app.client.get(format!("{}/problems", app.base)).send().await.unwrap();
    assert_eq!(index.status(), 200);
    assert_eq!(app.client.get(format!("{}/problems/no-such", app.base)).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_change_number_that_is_not_a_whole_number_is_refused_on_every_read_even_without_replicas() {
    let app = spawn_app().await;
    app.seed_council("c1").await;
    // Asked once without it, so the response cache holds the URL.
    assert_eq!(app.get("/v1/councils/c1").await.status, 200);
    for path in ["/v1/councils/c1", "/v1/councils", "/health"] {
        for bad in ["abc", "-1", "1.5"] {
            let r = app.send(Method::GET, path, None, None, &[("Maslikhat-Min-Change", bad)]).await;
            assert_eq!(r.status, 400, "{path} with {bad}: {r:?}");
            assert!(r.has_violation("header:Maslikhat-Min-Change", "integer"), "{path} with {bad}: {r:?}");
        }
        let r = app.send(Method::GET, path, None, None, &[("Maslikhat-Min-Change", "0")]).await;
        assert_eq!(r.status, 200, "{path} with 0: {r:?}");
    }
}
