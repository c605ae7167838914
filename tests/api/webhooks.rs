//! Webhooks (issue 19 item 2): a receiver in the test, on a real socket, gets signed deliveries,
//! a retry after a 500, and nothing once the subscription is disabled; the delivery log shows
//! every attempt; a tampered body or signature is detected; private addresses are refused.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use maslikhat::service::webhooks::{DELIVERY, SIGNATURE, verify};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, council, spawn_app_with};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 receiver: records each request and answers with the next status of
/// `script` (the last one once the script runs out).
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

async fn receiver(script: Vec<u16>) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
    let got = Arc::new(Mutex::new(Vec::<Received>::new()));
    let seen = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let mut buf = vec![];
            let mut chunk = [0u8; 4096];
            let head_end = loop {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(at);
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let mut lines = head.lines();
            let path = lines.next().unwrap_or_default().split(' ').nth(1).unwrap_or_default().to_owned();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = buf[head_end + 4..].to_vec();
            while body.len() < len {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
            let status = {
                let mut g = seen.lock().unwrap();
                g.push(Received { path, headers, body });
                script.get(g.len() - 1).or(script.last()).copied().unwrap_or(200)
            };
            let extra = if status == 302 { "location: http://127.0.0.1:9/elsewhere\r\n" } else { "" };
            let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\n{extra}connection: close\r\n\r\n");
            let _ = sock.write_all(reply.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    Receiver { url, got }
}

impl Receiver {
    fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }

    async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let until = tokio::time::Instant::now() + within;
        while self.count() < n {
            assert!(tokio::time::Instant::now() < until, "{n} deliveries expected, {} arrived", self.count());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.got.lock().unwrap().clone()
    }
}

const SECRET: &str = "s3cret-of-the-subscriber";

async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.webhook_allow_loopback = true;
        s.webhook_retry_base_ms = 300;
        s.webhook_max_attempts = 8;
        s.webhook_disable_after = 3;
        s.change_poll_ms = 100;
        s.response_cache_seconds = 0;
    })
    .await
}

async fn subscribe(app: &TestApp, token: &str, id: &str, body: Value) -> crate::helpers::Reply {
    app.put(&format!("/v1/webhooks/{id}"), token, &body).await
}

async fn deliveries(app: &TestApp, id: &str) -> Vec<Value> {
    let r =
        app.send(reqwest::Method::GET, &format!("/v1/webhooks/{id}/deliveries"), Some(&app.admin()), None, &[]).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_receiver_gets_signed_deliveries_a_retry_after_a_500_and_nothing_once_disabled() {
    let app = app().await;
    app.seed_council("alpha").await;
    let hook = receiver(vec![500, 200]).await;
    let (owner, publisher) = (app.subscriber(), app.publisher("alpha"));
    let r = subscribe(&app, &owner, "app1", json!({"url": hook.url, "secret": SECRET, "council": "alpha"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(r.body.get("secret").is_none(), "the secret is never shown again");
    assert_eq!(r.body["active"], true);

    // A change of another council is not sent; alpha's roster is, first answered 500, then
    // retried and answered 200.
    app.seed_council("beta").await;
    let put = app.put("/v1/councils/alpha/roster", &publisher, &crate::helpers::roster("alpha", 3)).await;
    assert_eq!(put.status, 201, "{put:?}");
    let got = hook.wait_for(2, Duration::from_secs(20)).await;
    assert_eq!(got[0].path, "/hook");
    assert_eq!(got[0].body, got[1].body, "the retry sends the same delivery");
    assert_eq!(got[0].header(DELIVERY), got[1].header(DELIVERY));
    let now = chrono::Utc::now().timestamp();
    for g in &got {
        let sig = g.header(SIGNATURE).expect("a signature header");
        assert_eq!(verify(SECRET, sig, &g.body, now), Ok(()), "{sig}");
        assert_eq!(g.header("content-type"), Some("application/json"));
    }
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["change"]["kind"], "roster");
    assert_eq!(body["change"]["council"], "alpha");
    // A tampered body, or a signature made with another secret, is detected.
    let mut tampered = got[0].body.clone();
    tampered[5] ^= 1;
    assert!(verify(SECRET, got[0].header(SIGNATURE).unwrap(), &tampered, now).is_err());
    assert!(verify("not-the-secret-at-all", got[0].header(SIGNATURE).unwrap(), &got[0].body, now).is_err());
    let forged = got[0].header(SIGNATURE).unwrap().replace("v1=", "v1=00");
    assert!(verify(SECRET, &forged, &got[0].body, now).is_err());

    // The delivery log: one delivery, delivered on its second attempt, its first answer kept.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = deliveries(&app, "app1").await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0]["state"].as_str(), log[0]["attempts"].as_i64()), (Some("delivered"), Some(2)));
    assert_eq!(log[0]["last_status"], 200);
    assert_eq!(log[0]["id"].to_string(), got[0].header(DELIVERY).unwrap());

    // Disabled by its owner: nothing more arrives.
    let r = subscribe(
        &app,
        &owner,
        "app1",
        json!({"url": hook.url, "secret": SECRET, "council": "alpha", "active": false}),
    )
    .await;
    assert_eq!((r.status, &r.body["active"]), (200, &json!(false)), "{r:?}");
    let put = app
        .put(
            "/v1/councils/alpha/sessions/alpha-s1",
            &publisher,
            &crate::sessions::held_session(
                "alpha-s1",
                "2024-05-14T10:00:00+05:00",
                &["alpha-d1", "alpha-d2", "alpha-d3"],
            ),
        )
        .await;
    assert_eq!(put.status, 201, "{put:?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(hook.count(), 2, "nothing is delivered to a disabled webhook");
}

#[tokio::test]
async fn repeated_failure_disables_a_webhook_its_owner_enables_it_and_strangers_cannot_touch_it() {
    let app = app().await;
    app.seed_council("alpha").await;
    let hook = receiver(vec![500, 503, 302, 200]).await;
    let (owner, publisher) = (app.subscriber(), app.publisher("alpha"));
    let r = subscribe(&app, &owner, "flaky", json!({"url": hook.url, "secret": SECRET, "kinds": ["roster"]})).await;
    assert_eq!(r.status, 201, "{r:?}");
    // A council document is not of the kinds asked for; the roster is.
    app.put("/v1/councils/zeta", &app.admin(), &council("zeta")).await;
    let put = app.put("/v1/councils/alpha/roster", &publisher, &crate::helpers::roster("alpha", 3)).await;
    assert_eq!(put.status, 201);
    // Three failures in a row (500, 503, and a redirect, not followed) disable it.
    hook.wait_for(3, Duration::from_secs(20)).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    let state = loop {
        let w = app.send(reqwest::Method::GET, "/v1/webhooks/flaky", Some(&owner), None, &[]).await;
        if w.body["active"] == false || tokio::time::Instant::now() > until {
            break w.body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(state["active"], false, "{state}");
    assert_eq!(state["failures"], 3);
    assert!(state["disabled_reason"].as_str().unwrap().contains("redirect"), "{state}");
    let got = hook.got.lock().unwrap().clone();
    assert!(got.iter().all(|g| g.path == "/hook"), "the redirect's target is never asked");
    assert_eq!(serde_json::from_slice::<Value>(&got[0].body).unwrap()["change"]["kind"], "roster");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(hook.count(), 3, "nothing is sent while disabled");

    // A stranger can neither read nor change it; an unknown one is a 404; no token is a 401.
    let stranger = {
        let mut c = app.claims();
        (c.sub, c.role, c.council) = ("another-app".into(), maslikhat::auth::Role::Subscriber, None);
        app.sign(&c)
    };
    let r = app.send(reqwest::Method::GET, "/v1/webhooks/flaky", Some(&stranger), None, &[]).await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = subscribe(&app, &stranger, "flaky", json!({"url": hook.url, "secret": SECRET})).await;
    assert_eq!(r.status, 403, "{r:?}");
    // Nor can a publisher of the same subject: a publisher's token registers and reads no
    // webhook (an app never needs a credential that can publish), and a subscriber's publishes
    // nothing.
    for t in [publisher.clone(), app.publisher("beta")] {
        let r = subscribe(&app, &t, "fresh", json!({"url": hook.url, "secret": SECRET})).await;
        assert_eq!(r.status, 403, "{r:?}");
        assert!(r.body["detail"].as_str().unwrap().contains("subscriber token"), "{r:?}");
        let r = app.send(reqwest::Method::GET, "/v1/webhooks/flaky", Some(&t), None, &[]).await;
        assert_eq!(r.status, 403, "{r:?}");
    }
    let r = app.send(reqwest::Method::GET, "/v1/webhooks/fresh", Some(&owner), None, &[]).await;
    assert_eq!(r.status, 404, "nothing was stored: {r:?}");
    let r = app.put("/v1/councils/alpha/roster", &owner, &crate::helpers::roster("alpha", 3)).await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = app.send(reqwest::Method::GET, "/v1/webhooks/nobody/deliveries", Some(&owner), None, &[]).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = app.send(reqwest::Method::GET, "/v1/webhooks/flaky", None, None, &[]).await;
    assert_eq!(r.status, 401, "{r:?}");

    // Its owner enables it again: failures are cleared and the pending delivery goes out.
    let r = subscribe(&app, &owner, "flaky", json!({"url": hook.url, "secret": SECRET, "kinds": ["roster"]})).await;
    assert_eq!((r.status, &r.body["active"], &r.body["failures"]), (200, &json!(true), &json!(0)), "{r:?}");
    hook.wait_for(4, Duration::from_secs(20)).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let log = deliveries(&app, "flaky").await;
        if log[0]["state"] == "delivered" {
            assert_eq!(log.len(), 1, "only the roster: {log:?}");
            assert_eq!(log[0]["attempts"], 4);
            break;
        }
        assert!(tokio::time::Instant::now() < until, "{log:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn only_public_addresses_are_delivered_to_and_bad_subscriptions_are_refused_by_field() {
    // Loopback not allowed here (production's rule): a name that resolves to it is refused at
    // delivery, after resolution, and the receiver is never reached.
    let app = spawn_app_with(|s| {
        s.change_poll_ms = 100;
        s.webhook_retry_base_ms = 60_000;
    })
    .await;
    app.seed_council("alpha").await;
    let hook = receiver(vec![200]).await;
    let by_name = hook.url.replace("127.0.0.1", "localhost");
    let (owner, publisher) = (app.subscriber(), app.publisher("alpha"));
    let r = subscribe(&app, &owner, "local", json!({"url": by_name, "secret": SECRET})).await;
    assert_eq!(r.status, 201, "{r:?}");
    app.put("/v1/councils/alpha/roster", &publisher, &crate::helpers::roster("alpha", 3)).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    let log = loop {
        let log = deliveries(&app, "local").await;
        if log.first().is_some_and(|d| d["attempts"] == 1) {
            break log;
        }
        assert!(tokio::time::Instant::now() < until, "{log:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let why = log[0]["last_error"].as_str().unwrap();
    assert!(why.contains("loopback"), "{why}");
    assert_eq!(hook.count(), 0);

    // Literal private, link-local and metadata addresses, bad schemes, short secrets and
    // unknown kinds are refused when registering, each naming its field and rule.
    for (body, path, rule) in [
        (json!({"url": "http://169.254.169.254/latest", "secret": SECRET}), "/url", "public_address"),
        (json!({"url": "http://10.0.0.7/hook", "secret": SECRET}), "/url", "public_address"),
        (json!({"url": "http://[fd00:ec2::254]/", "secret": SECRET}), "/url", "public_address"),
        (json!({"url": "ftp://example.org/", "secret": SECRET}), "/url", "url_scheme"),
        (json!({"url": "https://u:p@example.org/", "secret": SECRET}), "/url", "url_credentials"),
        (json!({"url": "https://example.org/", "secret": "short"}), "/secret", "length"),
        (json!({"url": "https://example.org/", "secret": SECRET, "kinds": ["votes"]}), "/kinds/0", "allowed_values"),
    ] {
        let r = subscribe(&app, &owner, "bad", body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
        assert!(r.has_violation(path, rule), "{body}: {r:?}");
    }
    let r = subscribe(&app, &owner, "bad", json!({"url": "https://example.org/", "secret": SECRET, "council": "nope"}))
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = subscribe(&app, &owner, "bad", json!({"url": "https://example.org/", "secret": SECRET, "extra": 1})).await;
    assert_eq!(r.status, 422, "an unknown field: {r:?}");
    let r = app.send(reqwest::Method::GET, "/v1/webhooks/bad", Some(&owner), None, &[]).await;
    assert_eq!(r.status, 404, "nothing was stored: {r:?}");
}
