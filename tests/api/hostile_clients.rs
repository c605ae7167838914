//! Nothing a hostile client does degrades anyone else (issue 20): its failures count against its
//! own address or token, never against the shared response cache or other clients.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, party, spawn_app, spawn_app_with};

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
    // A token that verifies counts against itself: the flood cost it nothing, even from the same
    // address.
    let admin = app.admin();
    let mut writes = vec![];
    for i in 0..3 {
        writes.push(app.put(&format!("/v1/parties/p{i}"), &admin, &party("p")).await.status);
    }
    assert_eq!(writes, [201, 201, 201]);
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
    assert_eq!(app.put("/v1/councils/alpha", &admin, &changed).await.status, 428);
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

/// Reads until the server closes the connection (or `within` passes), returning what arrived.
async fn read_until_closed(stream: &mut tokio::net::TcpStream, within: std::time::Duration) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut out = vec![];
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read_all).await.ok().map(|()| out)
}

async fn connect(app: &TestApp) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.expect("connect")
}

#[tokio::test]
async fn idle_dripping_and_bare_connections_are_closed_by_their_timeouts() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app_with(|s| {
        s.header_timeout_seconds = 1;
        s.idle_timeout_seconds = 2;
    })
    .await;
    // A socket that never sends a byte, and one that finished a request and stays open.
    let mut silent = connect(&app).await;
    let mut kept = connect(&app).await;
    kept.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    // A bare request line, and a header dripped a line every 300 ms, which an inactivity timer
    // would never end.
    let mut bare = connect(&app).await;
    bare.write_all(b"GET /health HTTP/1.1\r\n").await.expect("write");
    let dripping = connect(&app).await;
    let (mut drip_read, mut drip_write) = dripping.into_split();
    let drip = tokio::spawn(async move {
        drip_write.write_all(b"GET /health HTTP/1.1\r\n").await.ok();
        for i in 0..40 {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            if drip_write.write_all(format!("X-Drip-{i}: 1\r\n").as_bytes()).await.is_err() {
                return i;
            }
        }
        40
    });
    let bound = std::time::Duration::from_secs(20);
    assert!(read_until_closed(&mut silent, bound).await.is_some(), "an idle socket is closed");
    let kept_reply = read_until_closed(&mut kept, bound).await.expect("a kept-alive socket is closed when idle");
    assert!(kept_reply.starts_with(b"HTTP/1.1 200"), "after its answer");
    assert_eq!(read_until_closed(&mut bare, bound).await, Some(vec![]), "a bare request line is closed, unanswered");
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(bound, tokio::io::AsyncReadExt::read(&mut drip_read, &mut buf)).await;
    assert!(matches!(closed, Ok(Ok(0) | Err(_))), "a dripped header is closed: {closed:?}");
    let drips = drip.await.expect("drip task");
    assert!(drips < 40, "the server stopped taking the drip");
    assert_eq!(app.get("/health").await.status, 200);
}

#[tokio::test]
async fn idle_sockets_beyond_the_cap_never_lock_out_health() {
    let app = spawn_app_with(|s| {
        s.max_connections = 20;
        s.idle_timeout_seconds = 600;
    })
    .await;
    let mut idle = vec![];
    for _ in 0..50 {
        idle.push(connect(&app).await);
    }
    for _ in 0..4 {
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(20)).build().expect("client");
        let r = client.get(format!("{}/health", app.base)).send().await.expect("health answers");
        assert_eq!(r.status(), 200);
    }
    // The longest-idle sockets were closed to make room.
    let mut closed = 0;
    for s in &mut idle {
        if read_until_closed(s, std::time::Duration::from_millis(200)).await.is_some() {
            closed += 1;
        }
    }
    assert!(closed >= 30, "{closed} of 50 idle sockets closed");
}

#[tokio::test]
async fn when_every_connection_is_busy_a_new_one_gets_503_problem_json() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app_with(|s| {
        s.max_connections = 3;
        s.body_timeout_seconds = 30;
    })
    .await;
    let token = app.admin();
    // Three writes whose bodies are still arriving hold every connection with a request in progress.
    let mut busy = vec![];
    for i in 0..3 {
        let mut s = connect(&app).await;
        let head = format!(
            "PUT /v1/parties/p{i} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
        );
        s.write_all(head.as_bytes()).await.expect("write");
        busy.push(s);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut fresh = connect(&app).await;
    let reply = read_until_closed(&mut fresh, std::time::Duration::from_secs(10)).await.expect("answered and closed");
    let text = String::from_utf8_lossy(&reply);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(text.contains("\"status\":503"), "{text}");
    drop(busy);
}

#[tokio::test]
async fn refusals_made_below_the_router_are_problem_json_too() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let long_url = format!("GET /v1/parties?q={} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
    let many_headers = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..120).map(|i| format!("X-H{i}: 1\r\n")).collect::<String>()
    );
    let huge_header = format!("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "b".repeat(1024 * 1024));
    for (label, request, status) in [
        ("a 70 KB URL", long_url, 414),
        ("120 header fields", many_headers, 431),
        ("a 1 MB header", huge_header, 431),
        ("a malformed request line", "GARBAGE\r\n\r\n".to_owned(), 400),
    ] {
        let mut s = connect(&app).await;
        let _ = s.write_all(request.as_bytes()).await;
        let reply = read_until_closed(&mut s, std::time::Duration::from_secs(10)).await.expect("answered and closed");
        let text = String::from_utf8_lossy(&reply);
        assert!(text.starts_with(&format!("HTTP/1.1 {status}")), "{label}: {text}");
        assert!(text.to_lowercase().contains("content-type: application/problem+json"), "{label}: {text}");
        let body: serde_json::Value =
            serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("a JSON body");
        assert_eq!(body["status"], status, "{label}: {body}");
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{label}: {body}");
    }
    assert_eq!(app.get("/health").await.status, 200);
}
