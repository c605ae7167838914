//! HTTP caching: a default `Cache-Control` on successful reads (a year and `immutable` for stored
//! versions and proofs, a short `max-age` with `stale-while-revalidate` for the rest), `private,
//! no-store` for credentialed reads, none on errors; `304` keeps it; responses are compressed on
//! request.

use crate::helpers::{Reply, TestApp, party, spawn_app};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=10, stale-while-revalidate=60";

fn cc(r: &Reply) -> Option<&str> {
    r.header("cache-control")
}

/// An app with two parties published (log entries 0 and 1).
async fn app_with_two_entries() -> TestApp {
    let app = spawn_app().await;
    let admin = app.admin();
    for p in ["amanat", "auyl"] {
        assert_eq!(app.put(&format!("/v1/parties/{p}"), &admin, &party(p)).await.status, 201);
    }
    app
}

#[tokio::test]
async fn immutable_things_are_cached_for_a_year() {
    let app = app_with_two_entries().await;
    for path in [
        "/v1/log/entries/0/document",
        "/v1/log/entries/1/document",
        "/v1/log/proofs/inclusion?leaf_index=0&tree_size=2",
        "/v1/log/proofs/consistency?first=1&second=2",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert_eq!(cc(&r), Some(IMMUTABLE), "{path}");
    }
}

#[tokio::test]
async fn everything_else_is_fresh_briefly_then_revalidated() {
    let app = app_with_two_entries().await;
    for path in ["/v1/parties", "/v1/parties/amanat", "/v1/log/checkpoint", "/v1/log/entries?start=0&end=2"] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert_eq!(cc(&r), Some(SHORT), "{path}");
    }
}

#[tokio::test]
async fn a_not_modified_keeps_the_cache_control() {
    let app = app_with_two_entries().await;
    for (path, want) in [("/v1/log/entries/0/document", IMMUTABLE), ("/v1/parties", SHORT)] {
        let first = app.get(path).await;
        let etag = first.header("etag").expect("etag").to_owned();
        let again = app.send(reqwest::Method::GET, path, None, None, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status, 304, "{path}");
        assert_eq!(cc(&again), Some(want), "{path}");
    }
}

#[tokio::test]
async fn credentialed_reads_are_private_and_errors_are_not_cached() {
    let app = app_with_two_entries().await;
    let admin = app.admin();
    for path in ["/v1/parties", "/v1/log/entries/0/document"] {
        let r = app.send(reqwest::Method::GET, path, Some(&admin), None, &[]).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert_eq!(cc(&r), Some("private, no-store"), "{path}");
    }
    for path in
        ["/v1/parties/nobody", "/v1/log/entries/99/document", "/v1/log/proofs/inclusion?leaf_index=5&tree_size=2"]
    {
        let r = app.get(path).await;
        assert!(r.status >= 400, "{path}: {r:?}");
        assert!(cc(&r).is_none_or(|v| !v.contains("public")), "{path}: {r:?}");
    }
    // Writes get no default either.
    let r = app.put("/v1/parties/nurotan", &admin, &party("nurotan")).await;
    assert_eq!(r.status, 201);
    assert!(cc(&r).is_none_or(|v| !v.contains("public")), "{r:?}");
}

#[tokio::test]
async fn responses_are_gzipped_when_asked() {
    let app = app_with_two_entries().await;
    let resp = app
        .client
        .get(format!("{}/openapi.json", app.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let bytes = resp.bytes().await.expect("body");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip magic");
    // Without the header, the body is plain JSON.
    let plain = app.get("/openapi.json").await;
    assert!(plain.header("content-encoding").is_none());
    assert!(plain.body.is_object());
}

fn cache_status(r: &Reply) -> Option<&str> {
    r.header("cache-status")
}

const HIT: &str = "maslikhat; hit";
const STORED: &str = "maslikhat; fwd=miss; stored";

#[tokio::test]
async fn repeated_reads_are_answered_from_the_server_cache() {
    let app = app_with_two_entries().await;
    for path in ["/v1/parties", "/v1/parties/amanat", "/v1/log/entries/0/document", "/oparl/v1.1/system"] {
        let first = app.get(path).await;
        assert_eq!(first.status, 200, "{path}: {first:?}");
        assert_eq!(cache_status(&first), Some(STORED), "{path}");
        let second = app.get(path).await;
        assert_eq!(cache_status(&second), Some(HIT), "{path}");
        assert_eq!(second.body, first.body, "{path}");
        for h in ["etag", "cache-control", "content-type"] {
            assert_eq!(second.header(h), first.header(h), "{path}: {h}");
        }
        // Revalidation is answered from the entry too.
        let etag = first.header("etag").expect("etag").to_owned();
        let again = app.send(reqwest::Method::GET, path, None, None, &[("If-None-Match", &etag)]).await;
        assert_eq!((again.status, cache_status(&again)), (304, Some(HIT)), "{path}");
        assert_eq!(again.header("etag"), Some(etag.as_str()), "{path}");
        let other = app.send(reqwest::Method::GET, path, None, None, &[("If-None-Match", "\"nope\"")]).await;
        assert_eq!((other.status, cache_status(&other)), (200, Some(HIT)), "{path}");
    }
    // The request counter still names the operation of a cached answer.
    let metrics = app.client.get(format!("{}/metrics", app.base)).send().await.expect("metrics");
    let text = metrics.text().await.expect("text");
    let counted: u64 = text
        .lines()
        .filter(|l| l.starts_with("maslikhat_http_requests_total{") && l.contains("operation=\"list_parties\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(counted, 4, "list_parties counted 4 times (3 × 200, 1 × 304):\n{text}");
}

#[tokio::test]
async fn a_write_is_seen_by_the_next_read() {
    let app = app_with_two_entries().await;
    let before = app.get("/v1/parties").await;
    assert_eq!(cache_status(&app.get("/v1/parties").await), Some(HIT));
    let r = app.put("/v1/parties/nurotan", &app.admin(), &party("nurotan")).await;
    assert_eq!(r.status, 201);
    let after = app.get("/v1/parties").await;
    assert_eq!(cache_status(&after), Some(STORED), "{after:?}");
    assert_ne!(after.header("etag"), before.header("etag"));
    let ids: Vec<&str> =
        after.body["items"].as_array().expect("items").iter().filter_map(|p| p["id"].as_str()).collect();
    assert!(ids.contains(&"nurotan"), "{ids:?}");
    // A refused write changes nothing, but the cache is not asked to know that.
    let refused = app.put("/v1/parties/bad", &app.admin(), &serde_json::json!({"names": {}})).await;
    assert_eq!(refused.status, 422);
    let again = app.get("/v1/parties").await;
    assert_eq!(again.body, after.body);
}

#[tokio::test]
async fn credentialed_reads_errors_and_health_bypass_the_server_cache() {
    let app = app_with_two_entries().await;
    let admin = app.admin();
    for _ in 0..2 {
        let r = app.send(reqwest::Method::GET, "/v1/parties", Some(&admin), None, &[]).await;
        assert_eq!(r.status, 200);
        assert_eq!(cache_status(&r), None, "{r:?}");
        let missing = app.get("/v1/parties/nobody").await;
        assert_eq!((missing.status, cache_status(&missing)), (404, None));
    }
    for path in ["/health", "/openapi.json"] {
        let r = app.get(path).await;
        assert_eq!(cache_status(&r), None, "{path}");
    }
}

#[tokio::test]
async fn entries_expire_and_the_cache_can_be_turned_off() {
    let app = crate::helpers::spawn_app_with(|s| s.response_cache_seconds = 1).await;
    assert_eq!(cache_status(&app.get("/v1/councils").await), Some(STORED));
    assert_eq!(cache_status(&app.get("/v1/councils").await), Some(HIT));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(cache_status(&app.get("/v1/councils").await), Some(STORED));

    let off = crate::helpers::spawn_app_with(|s| s.response_cache_seconds = 0).await;
    for _ in 0..2 {
        let r = off.get("/v1/councils").await;
        assert_eq!((r.status, cache_status(&r)), (200, None));
    }
}

const STALE: &str = "maslikhat; hit; detail=stale-while-revalidate";

/// `n` concurrent anonymous GETs of `path`: each one's `Cache-Status` and body.
async fn together(app: &TestApp, path: &str, n: usize) -> Vec<(String, String)> {
    let asks: Vec<_> = (0..n)
        .map(|_| {
            let (client, url) = (app.client.clone(), format!("{}{path}", app.base));
            tokio::spawn(async move {
                let r = client.get(url).send().await.expect("request");
                assert_eq!(r.status(), 200);
                let status = r.headers().get("cache-status").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                (status, r.text().await.expect("body"))
            })
        })
        .collect();
    let mut out = vec![];
    for a in asks {
        out.push(a.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn an_entry_past_its_time_answers_while_one_request_recomputes_it_but_never_after_a_write() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.response_cache_seconds = 1;
        s.change_poll_ms = 50;
    })
    .await;
    assert!(maslikhat::demo::load_sample(&app.state).await.expect("sample"));
    // The sample was stored beside the server: let its log-head watch see it first.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // The home page: the slowest page to compute (national rankings), so the requests that
    // arrive while one recomputes it are many.
    let mut old = app.client.get(format!("{}/", app.base)).send().await.expect("request").text().await.expect("body");
    // Whether a request arrives while another recomputes is a race: the faster the page (the
    // rankings read counts kept per session), the fewer do. So up to four rounds, each after
    // the entry's time, until one answers stale; every round must hold the rules.
    let (n, mut stale) = (24, 0);
    let mut rounds = vec![];
    for _ in 0..4 {
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let answers = together(&app, "/", n).await;
        let count = |want: &str| answers.iter().filter(|(s, _)| s == want).count();
        assert_eq!(count(STORED), 1, "one request recomputes: {answers:?}");
        assert_eq!(count(STORED) + count(STALE) + count(HIT), n, "no other answer");
        for (status, body) in &answers {
            if status == STALE {
                assert_eq!(body, &old, "a stale answer is the old entry as it was");
            }
        }
        stale += count(STALE);
        rounds.push(answers.iter().map(|a| a.0.clone()).collect::<Vec<_>>());
        old = answers.iter().find(|(s, _)| s == STORED).map(|(_, b)| b.clone()).expect("the recomputed page");
        if stale > 0 {
            break;
        }
    }
    assert!(stale >= 1, "the others get the old page meanwhile, in one of four rounds: {rounds:?}");
    // After a write, nobody gets the old page: the data changed.
    assert_eq!(app.put("/v1/parties/zhana", &app.admin(), &party("zhana")).await.status, 201);
    // (The log-head watch sees this node's own write too, and empties the cache once more.)
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let answers = together(&app, "/", 12).await;
    assert!(
        answers.iter().all(|(s, _)| s == STORED || s == HIT),
        "{:?}",
        answers.iter().map(|a| &a.0).collect::<Vec<_>>()
    );
    assert!(answers.iter().any(|(s, _)| s == STORED), "the page is computed afresh");
}

#[tokio::test]
async fn a_write_through_another_node_reaches_the_cache_within_the_poll() {
    // Node A caches for a minute; its only way to learn of node B's write is the log-head watch.
    let a = crate::helpers::spawn_app_with(|s| {
        s.response_cache_seconds = 60;
        s.change_poll_ms = 50;
    })
    .await;
    let url = a.database_url.clone();
    let b = crate::helpers::spawn_app_with(move |s| s.database_url = Some(url.into())).await;
    assert_eq!(a.put("/v1/parties/amanat", &a.admin(), &party("amanat")).await.status, 201);
    // Let the watch see node A's own write first (it invalidates once more).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before = a.get("/v1/parties").await;
    assert_eq!(cache_status(&a.get("/v1/parties").await), Some(HIT));
    assert_eq!(b.put("/v1/parties/auyl", &b.admin(), &party("auyl")).await.status, 201);
    let started = std::time::Instant::now();
    let seen = loop {
        let r = a.get("/v1/parties").await;
        if r.body != before.body {
            break r;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "node A still serves the old list");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(seen.body["items"].as_array().map(Vec::len), Some(2), "{seen:?}");
}

#[tokio::test]
async fn cached_answers_are_compressed_once_per_encoding_and_vary_by_it() {
    let app = app_with_two_entries().await;
    let plain = app.get("/v1/parties").await;
    assert!(plain.header("vary").is_some_and(|v| v.contains("Accept-Encoding")), "{plain:?}");
    assert!(plain.header("content-encoding").is_none());
    for round in 0..2 {
        let resp = app
            .client
            .get(format!("{}/v1/parties", app.base))
            .header("Accept-Encoding", "zstd, gzip;q=0.5")
            .send()
            .await
            .expect("request");
        let h = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(h("content-encoding").as_deref(), Some("zstd"), "round {round}");
        assert_eq!(h("cache-status").as_deref(), Some(HIT), "round {round}");
        let coded = plain.header("etag").map(|t| format!("{}-zstd\"", t.trim_end_matches('"')));
        assert_eq!(h("etag"), coded, "the zstd body has its own ETag");
        assert!(h("vary").is_some_and(|v| v.contains("Accept-Encoding")));
        let bytes = resp.bytes().await.expect("body");
        let decoded: serde_json::Value = serde_json::from_slice(&zstd::decode_all(&bytes[..]).expect("zstd")).unwrap();
        assert_eq!(decoded, plain.body, "round {round}");
    }
    // A 304 is never encoded.
    let etag = plain.header("etag").expect("etag").to_owned();
    let resp = app
        .client
        .get(format!("{}/v1/parties", app.base))
        .header("Accept-Encoding", "gzip")
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 304);
    assert!(resp.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn concurrent_misses_of_one_resource_compute_it_once() {
    let app = app_with_two_entries().await;
    let asks = (0..16).map(|_| {
        let (client, url) = (app.client.clone(), format!("{}/v1/rankings", app.base));
        tokio::spawn(async move {
            let r = client.get(url).send().await.expect("request");
            assert_eq!(r.status(), 200);
            r.headers().get("cache-status").and_then(|v| v.to_str().ok()).map(str::to_owned)
        })
    });
    let mut statuses = vec![];
    for a in asks {
        statuses.push(a.await.expect("task"));
    }
    let misses = statuses.iter().filter(|s| s.as_deref() == Some(STORED)).count();
    let hits = statuses.iter().filter(|s| s.as_deref() == Some(HIT)).count();
    assert_eq!((misses, hits), (1, 15), "{statuses:?}");
}

#[tokio::test]
async fn links_point_at_the_address_served_when_no_public_url_is_set() {
    // `serve --bind HOST:PORT` without a public URL: every absolute link is on that server.
    let app = crate::helpers::spawn_app_with(|s| s.public_url = String::new()).await;
    app.seed_council("alpha").await;
    let own = app.base.trim_end_matches('/').to_owned();
    let council = app.get("/v1/councils/alpha").await;
    assert_eq!(council.body["url"], format!("{own}/v1/councils/alpha"), "{council:?}");
    let system = app.get("/oparl/v1.1/system").await;
    assert!(system.body["body"].as_str().is_some_and(|b| b.starts_with(&own)), "{system:?}");
    // A configured public URL (behind a proxy) wins.
    let proxied = crate::helpers::spawn_app_with(|s| s.public_url = "https://maslikhat.example.kz".into()).await;
    proxied.seed_council("alpha").await;
    let council = proxied.get("/v1/councils/alpha").await;
    assert_eq!(council.body["url"], "https://maslikhat.example.kz/v1/councils/alpha", "{council:?}");
}

/// Status, `ETag` and `Content-Encoding` of a request with `headers`.
async fn tagged(app: &TestApp, method: reqwest::Method, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut rb = app.client.request(method, format!("{}{path}", app.base));
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    let r = rb.send().await.expect("request");
    let h = |n: &str| r.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (r.status().as_u16(), h("etag"), h("content-encoding"))
}

#[tokio::test]
async fn each_encoding_has_its_own_strong_etag_and_either_revalidates_and_updates() {
    use reqwest::Method;
    let app = app_with_two_entries().await;
    // A stored document (its ETag names the version) and a computed list (its ETag hashes the
    // body), each twice: computed, then from the server's cache.
    for path in ["/v1/parties/amanat", "/v1/parties/amanat", "/v1/parties", "/v1/parties"] {
        let (status, plain, ce) = tagged(&app, Method::GET, path, &[]).await;
        assert_eq!((status, ce.as_str()), (200, ""), "{path}");
        let (status, gzip, ce) = tagged(&app, Method::GET, path, &[("Accept-Encoding", "gzip")]).await;
        assert_eq!((status, ce.as_str()), (200, "gzip"), "{path}");
        assert_eq!(gzip, format!("{}-gzip\"", plain.trim_end_matches('"')), "{path}: a strong ETag per encoding");
        let (_, br, _) = tagged(&app, Method::GET, path, &[("Accept-Encoding", "br")]).await;
        assert!(br.ends_with("-br\"") && br != gzip, "{path}: {br}");
        // HEAD says what GET would.
        assert_eq!(tagged(&app, Method::HEAD, path, &[("Accept-Encoding", "gzip")]).await.1, gzip, "{path}");
        assert_eq!(tagged(&app, Method::HEAD, path, &[]).await.1, plain, "{path}");
        // Either tag revalidates either encoding; the 304 names the representation it stands for.
        for sent in [&plain, &gzip] {
            let r = tagged(&app, Method::GET, path, &[("Accept-Encoding", "gzip"), ("If-None-Match", sent)]).await;
            assert_eq!(r, (304, gzip.clone(), String::new()), "{path}, If-None-Match {sent}");
            let r = tagged(&app, Method::GET, path, &[("If-None-Match", sent)]).await;
            assert_eq!(r, (304, plain.clone(), String::new()), "{path}, If-None-Match {sent}");
        }
        let other = format!("{}-gzip\"", "\"0123456789abcdef");
        assert_eq!(tagged(&app, Method::GET, path, &[("If-None-Match", &other)]).await.0, 200, "{path}");
    }
    // The ETag of a gzip read works as If-Match (issue 20); a stale one, in any encoding, does not.
    let admin = app.admin();
    let (_, gzip, _) = tagged(&app, Method::GET, "/v1/parties/amanat", &[("Accept-Encoding", "gzip")]).await;
    let mut changed = party("amanat");
    changed["names"]["en"] = serde_json::json!("Amanat party");
    let r = app.put_if("/v1/parties/amanat", &admin, &changed, &gzip).await;
    assert_eq!(r.status, 200, "{r:?}");
    changed["names"]["en"] = serde_json::json!("Amanat");
    let r = app.put_if("/v1/parties/amanat", &admin, &changed, &gzip).await;
    assert_eq!(r.status, 412, "the version it named is replaced: {r:?}");
    let (_, br, _) = tagged(&app, Method::GET, "/v1/parties/amanat", &[("Accept-Encoding", "br")]).await;
    let r = app.put_if("/v1/parties/amanat", &admin, &changed, &br).await;
    assert_eq!(r.status, 200, "{r:?}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_links_follow_the_forwarded_origin_and_nowhere_else() {
    let council_url = |r: &Reply| r.body["url"].as_str().unwrap_or_default().to_owned();
    async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
        app.send(reqwest::Method::GET, path, None, None, headers).await
    }
    let https = [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "maslikhat.example.kz")];
    // The test client connects from 127.0.0.1: here, a proxy of ours.
    let app = crate::helpers::spawn_app_with(|s| {
        s.public_url = String::new();
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    app.seed_council("alpha").await;
    let own = app.base.trim_end_matches('/').to_owned();
    for round in 0..2 {
        let r = get(&app, "/v1/councils/alpha", &https).await;
        assert_eq!(council_url(&r), "https://maslikhat.example.kz/v1/councils/alpha", "round {round}: {r:?}");
        // Another origin, or none, is another answer: the server's cache keeps them apart.
        let r = get(&app, "/v1/councils/alpha", &[]).await;
        assert_eq!(council_url(&r), format!("{own}/v1/councils/alpha"), "round {round}: {r:?}");
    }
    assert_eq!(get(&app, "/v1/councils/alpha", &https).await.header("cache-status"), Some(HIT));
    let r =
        get(&app, "/v1/councils/alpha", &[("Forwarded", "for=198.51.100.7;proto=https;host=\"open.example.kz:8443\"")])
            .await;
    assert_eq!(council_url(&r), "https://open.example.kz:8443/v1/councils/alpha", "{r:?}");
    let r = get(&app, "/v1/councils?limit=1", &https).await;
    assert!(
        r.body["items"][0]["url"].as_str().is_some_and(|u| u.starts_with("https://maslikhat.example.kz/")),
        "{r:?}"
    );
    let r = get(&app, "/oparl/v1.1/system", &https).await;
    assert!(r.body["body"].as_str().is_some_and(|b| b.starts_with("https://maslikhat.example.kz/oparl/")), "{r:?}");
    // A host that is not one, or a scheme other than http(s), is not believed.
    for bad in [
        [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil.example/x?")],
        [("X-Forwarded-Proto", "javascript"), ("X-Forwarded-Host", "maslikhat.example.kz")],
    ] {
        let r = get(&app, "/v1/councils/alpha", &bad).await;
        assert_eq!(council_url(&r), format!("{own}/v1/councils/alpha"), "{bad:?}: {r:?}");
    }

    // From a peer that is not a proxy of ours, the headers are the client's own claim.
    let direct = crate::helpers::spawn_app_with(|s| {
        s.public_url = String::new();
        s.trusted_proxies = vec!["10.0.0.0/8".into()];
    })
    .await;
    direct.seed_council("alpha").await;
    let r = get(&direct, "/v1/councils/alpha", &https).await;
    assert_eq!(council_url(&r), format!("{}/v1/councils/alpha", direct.base.trim_end_matches('/')), "{r:?}");

    // A configured public URL is the operator's word, whoever relays the request.
    let configured = crate::helpers::spawn_app_with(|s| {
        s.public_url = "https://maslikhat.kz".into();
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    configured.seed_council("alpha").await;
    let r = get(&configured, "/v1/councils/alpha", &https).await;
    assert_eq!(council_url(&r), "https://maslikhat.kz/v1/councils/alpha", "{r:?}");
}

/// Without the response cache (or after a publication, when every reader misses at once), many
/// requests that need the same ranking or the same council's metrics compute it once: the others
/// wait for the first and take its result, instead of each holding a database connection with
/// the same work (64 concurrent home pages once answered nothing in 10 s).
#[tokio::test]
async fn concurrent_misses_of_one_ranking_or_one_councils_metrics_compute_it_once() {
    use maslikhat::service::metrics::computed;
    let app = crate::helpers::spawn_app_with(|s| s.response_cache_seconds = 0).await;
    assert!(maslikhat::demo::load_sample(&app.state).await.expect("sample"));
    let council = app.get("/v1/councils?limit=1").await.body["items"][0]["id"].as_str().expect("a council").to_owned();
    let svc = &app.state.service;

    let (_, rankings) = computed(svc);
    let answers = together(&app, "/v1/rankings?metric=openness_score&as_of=2025-12-31T00:00:00Z", 16).await;
    assert!(answers.iter().all(|(_, body)| body == &answers[0].1), "every request gets the same ranking");
    assert_eq!(computed(svc).1 - rankings, 1, "one computation for 16 concurrent requests");
    // Another moment is another ranking.
    together(&app, "/v1/rankings?metric=openness_score&as_of=2025-11-30T00:00:00Z", 4).await;
    assert_eq!(computed(svc).1 - rankings, 2);

    let (councils, _) = computed(svc);
    let path = format!("/v1/councils/{council}/metrics?from=2024-01-01&as_of=2025-12-31T00:00:00Z");
    let answers = together(&app, &path, 16).await;
    assert!(answers.iter().all(|(_, body)| body == &answers[0].1));
    assert_eq!(computed(svc).0 - councils, 1, "one council computed once for 16 concurrent requests");

    // The home page, computed on every request here: 16 at once all answer, and the national
    // ranking behind it is computed once (twice if the minute of its default moment turns).
    let (_, rankings) = computed(svc);
    let answers = together(&app, "/", 16).await;
    assert_eq!(answers.len(), 16);
    let n = computed(svc).1 - rankings;
    assert!((1..=2).contains(&n), "the home page's ranking computed {n} times for 16 requests");
}
