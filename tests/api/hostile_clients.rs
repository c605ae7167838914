//! Nothing a hostile client does degrades anyone else (issue 20): its failures count against its
//! own address or token, never against the shared response cache or other clients.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, party, spawn_app_with};

async fn junk_put(app: &TestApp, i: usize, from: Option<&str>) -> u16 {
    let mut headers = vec![];
    if let Some(f) = from {
        headers.push(("X-Forwarded-For", f));
    }
    app.send(Method::PUT, "/v1/parties/x", Some(&format!("junk.token.{i}")), Some(&party("x")), &headers).await.status
}

#[tokio::test]
async fn writes_with_ever_new_junk_tokens_count_against_the_address_and_get_429() {
    let app = spawn_app_with(|s| {
        s.read_rate_per_second = 1;
        s.read_burst = 20;
        s.write_rate_per_second = 1;
        s.write_burst = 5;
    })
    .await;
    let started = std::time::Instant::now();
    let mut statuses = vec![];
    for i in 0..60 {
        statuses.push(junk_put(&app, i, None).await);
    }
    // The address's burst of 20, plus one a second refilled while the test ran: not 60 budgets.
    let allowed = 20 + started.elapsed().as_secs() as usize + 1;
    let unauthorized = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(unauthorized + limited, 60, "{statuses:?}");
    assert!(unauthorized <= allowed, "{unauthorized} refusals passed the limit of {allowed}: {statuses:?}");
    assert!(limited > 0, "{statuses:?}");
    // A token that authenticated counts against itself from then on, with its own write budget.
    let other = spawn_app_with(|s| {
        s.read_rate_per_second = 1;
        s.read_burst = 2;
        s.write_rate_per_second = 1;
        s.write_burst = 4;
    })
    .await;
    let admin = other.admin();
    let first = other.put("/v1/parties/p0", &admin, &party("p0")).await.status;
    assert_eq!(first, 201, "a new token's first write counts against its address");
    let mut writes = vec![];
    for i in 1..4 {
        writes.push(other.put(&format!("/v1/parties/p{i}"), &admin, &party("p")).await.status);
    }
    assert_eq!(writes, [201, 201, 201], "then against the token's budget, not the exhausted address");
}

#[tokio::test]
async fn refused_writes_leave_the_response_cache_alone_and_a_committed_one_empties_it() {
    let app = spawn_app_with(|s| s.response_cache_seconds = 60).await;
    app.seed_council("alpha").await;
    let status = |r: &crate::helpers::Reply| r.header("cache-status").unwrap_or_default().to_owned();
    let first = app.get("/v1/councils/alpha").await;
    assert_eq!(status(&first), "maslikhat; fwd=miss; stored");
    assert_eq!(status(&app.get("/v1/councils/alpha").await), "maslikhat; hit");
    // Refusals of every kind: junk tokens (401), a publisher of another council (403), a broken
    // document (422), a stale If-Match (412), a missing one (428).
    let publisher = app.publisher("beta");
    let admin = app.admin();
    let mut broken = crate::helpers::council("alpha");
    broken["seats"] = json!(0);
    for i in 0..20 {
        assert_eq!(junk_put(&app, i, None).await, 401);
    }
    assert_eq!(app.put("/v1/councils/alpha/roster", &publisher, &json!({"deputies": []})).await.status, 403);
    assert_eq!(app.put_if("/v1/councils/alpha", &admin, &broken, "*").await.status, 422);
    let mut changed = crate::helpers::council("alpha");
    changed["seats"] = json!(4);
    assert_eq!(app.put_if("/v1/councils/alpha", &admin, &changed, "\"v9-x\"").await.status, 412);
    assert_eq!(app.put("/v1/councils/alpha", &admin, &broken).await.status, 428);
    assert_eq!(status(&app.get("/v1/councils/alpha").await), "maslikhat; hit", "no refusal emptied the cache");
    // A committed write does, and its writer reads it at once.
    assert_eq!(app.put_if("/v1/councils/alpha", &admin, &changed, "*").await.status, 200);
    let after = app.get("/v1/councils/alpha").await;
    assert_eq!(status(&after), "maslikhat; fwd=miss; stored");
    assert_eq!(after.body["seats"], 4);
}

#[tokio::test]
async fn behind_a_trusted_proxy_a_spoofed_first_hop_does_not_reset_the_read_limit() {
    // The test client is the proxy (127.0.0.1); nginx appends the address it saw, so the client
    // behind it is the right-most hop, whatever the client wrote before it.
    let app = spawn_app_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".into()];
        s.read_rate_per_second = 1;
        s.read_burst = 5;
    })
    .await;
    let get = |xff: String| {
        let app = &app;
        async move { app.send(Method::GET, "/v1/parties", None, None, &[("X-Forwarded-For", &xff)]).await.status }
    };
    let mut spoofed = vec![];
    for i in 0..12 {
        spoofed.push(get(format!("10.{i}.{i}.{i}, 198.51.100.7")).await);
    }
    assert_eq!(&spoofed[..5], &[200; 5], "the burst is served");
    assert!(spoofed[6..].iter().all(|s| *s == 429), "a new first hop each time is still one client: {spoofed:?}");
    assert_eq!(get("203.0.113.1".into()).await, 200, "another client behind the proxy has its own budget");
    // Without trusted proxies the header is nobody's word: every request counts against the peer.
    let plain = spawn_app_with(|s| {
        s.read_rate_per_second = 1;
        s.read_burst = 5;
    })
    .await;
    let mut statuses = vec![];
    for i in 0..8 {
        let xff = format!("198.51.100.{i}");
        statuses.push(plain.send(Method::GET, "/v1/parties", None, None, &[("X-Forwarded-For", &xff)]).await.status);
    }
    assert!(statuses[6..].iter().all(|s| *s == 429), "{statuses:?}");
}

#[tokio::test]
async fn settings_naming_the_old_forwarded_switch_or_a_bad_proxy_are_refused() {
    let mut s = maslikhat::config::Settings { trust_forwarded_for: Some(true), ..Default::default() };
    assert!(s.check().is_err_and(|e| e.contains("trusted_proxies")));
    s.trust_forwarded_for = None;
    s.trusted_proxies = vec!["nginx".into()];
    assert!(s.check().is_err_and(|e| e.contains("'nginx'")));
    s.trusted_proxies = vec!["10.0.0.0/8".into(), "172.30.0.10".into()];
    assert!(s.check().is_ok());
}
