//! Operations: two server processes on one database keep one log (PostgreSQL, and SQLite in WAL
//! mode with two processes on one file); Prometheus metrics at `/metrics`; a request id in the
//! `X-Request-Id` header and in every problem+json body; SIGTERM finishes requests in flight.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use maslikhat::auth::{KeyRing, Role, TokenPolicy};
use maslikhat::domain::log::merkle::{self, Hash};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{council, fresh_database, party, roster, spawn_app};
use crate::processes::{checkpoint, hash, start_node};

async fn get_json(client: &reqwest::Client, url: &str) -> Value {
    let r = client.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200, "GET {url}");
    r.json().await.expect("json")
}

/// The version number in a strong ETag `"v{version}-{hash}"`.
fn etag_version(etag: &str) -> i64 {
    etag.trim_matches('"').trim_start_matches('v').split('-').next().and_then(|v| v.parse().ok()).expect("version")
}

/// (kind, document id, version) of every acknowledged publication (201 or 200 with a new version).
type Acked = Arc<Mutex<BTreeSet<(String, String, i64)>>>;

fn ack(acked: &Acked, kind: &str, id: &str, resp: &reqwest::Response) -> String {
    let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).expect("etag on success").to_owned();
    acked.lock().expect("lock").insert((kind.to_owned(), id.to_owned(), etag_version(&etag)));
    etag
}

#[expect(clippy::too_many_lines, reason = "one scenario across two nodes, whose steps depend on each other's state")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_writing_at_once_keep_one_gap_free_consistent_log() {
    const NODES: usize = 2;
    const PARTY_WRITERS: usize = 3;
    const PARTIES_EACH: usize = 12;
    const ROSTER_VERSIONS: usize = 8;

    let tmp = tempfile::tempdir().expect("tmp");
    let database = fresh_database(tmp.path()).await;
    // Migrate once before the nodes start, as a deployment's migration job does.
    let db = maslikhat::store::connect(&database, 2).await.expect("connect");
    maslikhat::store::migrate(&db).await.expect("migrate");
    db.close().await.ok();
    let keys_dir = tmp.path().join("keys");
    KeyRing::generate(&keys_dir).expect("key");
    let ring = KeyRing::load(&keys_dir).expect("ring");
    let policy = TokenPolicy { issuer: "maslikhat".into(), audience: "maslikhat-api".into() };
    let token = |role: Role, council: Option<&str>| {
        maslikhat::auth::issue(&ring, &policy, "scaleout", role, council.map(str::to_owned), chrono::Duration::hours(1))
            .expect("token")
            .0
    };
    let admin = token(Role::Admin, None);
    let client = reqwest::Client::new();
    let mut nodes = vec![];
    for _ in 0..NODES {
        nodes.push(start_node(&client, &database, &keys_dir).await);
    }
    let bases: Vec<String> = nodes.iter().map(|n| n.base.clone()).collect();
    let acked: Acked = Arc::default();

    // One council per (node, roster writer), created through alternating nodes.
    let councils: Vec<String> = (0..NODES * 2).map(|i| format!("so-c{i}")).collect();
    for (i, c) in councils.iter().enumerate() {
        let r = client
            .put(format!("{}/v1/councils/{c}", bases[i % NODES]))
            .bearer_auth(&admin)
            .json(&council(c))
            .send()
            .await
            .expect("put council");
        assert_eq!(r.status(), 201, "council {c}");
        ack(&acked, "council", c, &r);
    }

    let started = Instant::now();
    let done = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<(u64, Hash)>>> = Arc::default();
    let refused = Arc::new(Mutex::new(0usize));
    let mut writers = vec![];
    let mut readers = vec![];
    for (n, base) in bases.iter().enumerate() {
        // Party writers: new documents, one after another.
        for w in 0..PARTY_WRITERS {
            let (client, base, admin, acked) = (client.clone(), base.clone(), admin.clone(), acked.clone());
            writers.push(tokio::spawn(async move {
                for k in 0..PARTIES_EACH {
                    let id = format!("so-n{n}-w{w}-p{k}");
                    let r = client
                        .put(format!("{base}/v1/parties/{id}"))
                        .bearer_auth(&admin)
                        .json(&party(&id))
                        .send()
                        .await
                        .expect("put party");
                    assert_eq!(r.status(), 201, "party {id}: {:?}", r.text().await);
                    ack(&acked, "party", &id, &r);
                }
            }));
        }
        // Roster writers: successive versions of one council's roster, each with If-Match.
        for w in 0..2 {
            let c = councils[n * 2 + w].clone();
            let (client, base, acked) = (client.clone(), base.clone(), acked.clone());
            let publisher = token(Role::Publisher, Some(&c));
            writers.push(tokio::spawn(async move {
                let mut etag: Option<String> = None;
                for k in 0..ROSTER_VERSIONS {
                    let mut body = roster(&c, 3);
                    body["deputies"][0]["names"]["ru"] = Value::String(format!("Депутат версии {k}"));
                    let mut rb =
                        client.put(format!("{base}/v1/councils/{c}/roster")).bearer_auth(&publisher).json(&body);
                    if let Some(e) = &etag {
                        rb = rb.header("If-Match", e);
                    }
                    let r = rb.send().await.expect("put roster");
                    // 201 for the first version, 200 for each later one.
                    assert_eq!(r.status(), if k == 0 { 201 } else { 200 }, "roster {c} v{k}: {:?}", r.text().await);
                    etag = Some(ack(&acked, "roster", &c, &r));
                }
            }));
        }
        // A contended document: both nodes race to update one party with If-Match; a loser gets
        // 412 (or 428 if the other created it first) with the current ETag, and retries with it.
        {
            let (client, base, admin, acked, refused) =
                (client.clone(), base.clone(), admin.clone(), acked.clone(), refused.clone());
            writers.push(tokio::spawn(async move {
                let id = "so-contended";
                let (mut won, mut etag) = (0, None::<String>);
                for attempt in 0.. {
                    assert!(attempt < 500, "the contended writer on node {n} never wins");
                    let mut body = party(id);
                    body["names"]["en"] = Value::String(format!("Contended n{n} #{attempt}"));
                    let mut rb = client.put(format!("{base}/v1/parties/{id}")).bearer_auth(&admin).json(&body);
                    if let Some(e) = &etag {
                        rb = rb.header("If-Match", e);
                    }
                    let r = rb.send().await.expect("put contended");
                    match r.status().as_u16() {
                        200 | 201 => {
                            etag = Some(ack(&acked, "party", id, &r));
                            won += 1;
                            if won == 5 {
                                break;
                            }
                        }
                        412 | 428 => {
                            *refused.lock().expect("lock") += 1;
                            let p: Value = r.json().await.expect("problem");
                            etag = p["current_etag"].as_str().map(str::to_owned);
                        }
                        s => panic!("contended party: {s} {:?}", r.text().await),
                    }
                }
            }));
        }
        // A checkpoint reader per node.
        let (client, base, done, seen) = (client.clone(), base.clone(), done.clone(), seen.clone());
        readers.push(tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Some(cp) = checkpoint(&client, &base).await {
                    seen.lock().expect("lock").push(cp);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    for w in writers {
        w.await.expect("writer");
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.await.expect("reader");
    }

    let acked = acked.lock().expect("lock").clone();
    let n = acked.len() as u64;
    // Each node learns of the other's writes within its `change_poll_ms` (1 s by default): until
    // then its response cache may serve an earlier (valid) checkpoint.
    let converged = Instant::now();
    let (size, root) = loop {
        let last = checkpoint(&client, &bases[1]).await.expect("final checkpoint");
        let first = checkpoint(&client, &bases[0]).await;
        if (first == Some(last) && last.0 == n) || converged.elapsed() > Duration::from_secs(5) {
            assert_eq!(first, Some(last), "both nodes serve the same checkpoint within 5 s");
            break last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Every leaf is an acknowledged publication: nothing lost, nothing extra.
    assert_eq!(size, n, "tree size equals the number of acknowledged publications");

    // One gap-free sequence of log indexes, and every acknowledged publication is in it.
    let mut leaves = vec![];
    let mut logged = BTreeSet::new();
    let mut start = 0;
    while start < size {
        let end = (start + 1000).min(size);
        let page = get_json(&client, &format!("{}/v1/log/entries?start={start}&end={end}", bases[0])).await;
        for e in page["items"].as_array().expect("items") {
            assert_eq!(e["index"].as_u64(), Some(leaves.len() as u64), "log index gap");
            leaves.push(hash(&e["leaf_hash"]));
            logged.insert((
                e["kind"].as_str().expect("kind").to_owned(),
                e["document_id"].as_str().expect("id").to_owned(),
                e["version"].as_i64().expect("version"),
            ));
        }
        start = end;
    }
    assert_eq!(leaves.len() as u64, size);
    assert_eq!(merkle::root(&leaves), root, "the served leaves make the served root");
    assert_eq!(logged, acked, "the log holds exactly the acknowledged publications");

    // One gap-free sequence of change numbers holding the same publications.
    let mut seqs = vec![];
    let mut changed = BTreeSet::new();
    let mut url = format!("{}/v1/changes?limit=500", bases[1]);
    loop {
        let page = get_json(&client, &url).await;
        for c in page["items"].as_array().expect("items") {
            seqs.push(c["seq"].as_i64().expect("seq"));
            changed.insert((
                c["kind"].as_str().expect("kind").to_owned(),
                c["id"].as_str().expect("id").to_owned(),
                c["version"].as_i64().expect("version"),
            ));
        }
        match page["links"]["next"].as_str() {
            Some(next) => url = format!("{}{next}", bases[1]),
            None => break,
        }
    }
    let expected: Vec<i64> = (1..=n as i64).collect();
    assert_eq!(seqs, expected, "change numbers are 1..=n without gaps");
    assert_eq!(changed, acked, "the change feed holds exactly the acknowledged publications");

    // Every checkpoint seen on either node during the run is consistent with every earlier one
    // (checked between neighbours in size order, which is transitive, and against the final one).
    let mut seen = seen.lock().expect("lock").clone();
    seen.push((size, root));
    seen.sort_by_key(|(s, _)| *s);
    seen.dedup();
    let checkpoints = seen.len();
    let prove = |k: usize, (s1, r1): (u64, Hash), (s2, r2): (u64, Hash)| {
        let (client, base) = (client.clone(), bases[k % NODES].clone());
        async move {
            let c = get_json(&client, &format!("{base}/v1/log/proofs/consistency?first={s1}&second={s2}")).await;
            let proof: Vec<Hash> = c["proof"].as_array().expect("proof").iter().map(hash).collect();
            merkle::verify_consistency(s1, s2, &r1, &r2, &proof)
                .unwrap_or_else(|e| panic!("checkpoint {s1} is not consistent with {s2} (node {}): {e}", k % NODES));
        }
    };
    for (k, pair) in seen.windows(2).enumerate() {
        assert_ne!(pair[0].0, pair[1].0, "two different roots for tree size {}: a fork", pair[0].0);
        if pair[0].0 > 0 {
            prove(k, pair[0], pair[1]).await;
            prove(k + 1, pair[0], (size, root)).await;
        }
    }
    assert!(checkpoints > 3, "checkpoints were observed during the run");
    eprintln!(
        "scale-out: {NODES} nodes, {n} publications in {elapsed:?} ({:.0}/s), {} refused If-Match races, {checkpoints} \
         distinct checkpoints checked",
        n as f64 / elapsed.as_secs_f64(),
        refused.lock().expect("lock"),
    );
}

#[tokio::test]
async fn metrics_count_requests_publications_log_size_and_pool() {
    let app = spawn_app().await;
    let admin = app.admin();
    assert_eq!(app.put("/v1/parties/amanat", &admin, &party("amanat")).await.status, 201);
    assert_eq!(app.put("/v1/parties/auyl", &admin, &party("auyl")).await.status, 201);
    let mut bad = party("bad");
    bad["names"] = serde_json::json!({});
    assert_eq!(app.put("/v1/parties/bad", &admin, &bad).await.status, 422);
    assert_eq!(app.get("/v1/parties/amanat").await.status, 200);
    assert_eq!(app.get("/v1/nowhere").await.status, 404);

    let r = app.client.get(format!("{}/metrics", app.base)).send().await.expect("metrics");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().expect("ct").starts_with("text/plain"));
    let text = r.text().await.expect("text");
    for line in [
        r#"maslikhat_publications_total{kind="party",outcome="accepted"} 2"#,
        r#"maslikhat_publications_total{kind="party",outcome="refused"} 1"#,
        r#"maslikhat_http_requests_total{method="GET",operation="get_party",status="200"} 1"#,
        r#"maslikhat_http_requests_total{method="PUT",operation="put_party",status="422"} 1"#,
        r#"maslikhat_http_requests_total{method="GET",operation="unmatched",status="404"} 1"#,
        r#"maslikhat_http_request_duration_seconds_count{operation="put_party"} 3"#,
        "maslikhat_log_size 2",
        "maslikhat_db_pool_max 5",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in\n{text}");
    }
    let open: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("maslikhat_db_pool_connections "))
        .and_then(|v| v.parse().ok())
        .expect("pool gauge");
    assert!((1..=5).contains(&open), "pool connections {open}");
}

#[tokio::test]
async fn every_response_has_a_request_id_and_every_problem_repeats_it() {
    let app = spawn_app().await;
    let admin = app.admin();
    // A fresh id on success...
    let ok = app.get("/health").await;
    let id = ok.header("x-request-id").expect("x-request-id").to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).map(|_| ()), Ok(()));
    assert_ne!(app.get("/health").await.header("x-request-id"), Some(id.as_str()), "ids differ");
    // ...and on every kind of problem: unknown route, missing token, refused document, bad JSON.
    let mut bad = party("bad");
    bad["names"] = serde_json::json!({});
    let problems = [
        app.get("/v1/nowhere").await,
        app.send(reqwest::Method::PUT, "/v1/parties/x", None, Some(&party("x")), &[]).await,
        app.put("/v1/parties/bad", &admin, &bad).await,
        app.send_raw(reqwest::Method::PUT, "/v1/parties/y", Some(&admin), b"{".to_vec(), "application/json").await,
        app.get("/v1/log/entries?start=5&end=1").await,
    ];
    for p in &problems {
        assert!(p.is_problem(), "{p:?}");
        let header = p.header("x-request-id").expect("x-request-id");
        assert_eq!(p.body["request_id"], header, "{p:?}");
    }
    // A caller's (or proxy's) well-formed id is kept; a malformed one is replaced.
    let p = app.send(reqwest::Method::GET, "/v1/nowhere", None, None, &[("X-Request-Id", "nginx-4f2a.1")]).await;
    assert_eq!(p.header("x-request-id"), Some("nginx-4f2a.1"));
    assert_eq!(p.body["request_id"], "nginx-4f2a.1");
    let long = "x".repeat(200);
    let p = app.send(reqwest::Method::GET, "/v1/nowhere", None, None, &[("X-Request-Id", long.as_str())]).await;
    assert_ne!(p.header("x-request-id"), Some(long.as_str()));
    assert_eq!(p.body["request_id"].as_str(), p.header("x-request-id"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_then_exits() {
    let tmp = tempfile::tempdir().expect("tmp");
    let database = fresh_database(tmp.path()).await;
    let keys_dir = tmp.path().join("keys");
    KeyRing::generate(&keys_dir).expect("key");
    let ring = KeyRing::load(&keys_dir).expect("ring");
    let policy = TokenPolicy { issuer: "maslikhat".into(), audience: "maslikhat-api".into() };
    let (token, _) =
        maslikhat::auth::issue(&ring, &policy, "term", Role::Admin, None, chrono::Duration::hours(1)).expect("token");
    let client = reqwest::Client::new();
    let mut node = start_node(&client, &database, &keys_dir).await;
    let addr = node.base.trim_start_matches("http://").to_owned();

    // Send the headers and half the body, then SIGTERM, then the rest of the body.
    let body = serde_json::to_vec(&party("in-flight")).expect("json");
    let mut stream = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "PUT /v1/parties/in-flight HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: \
         application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&body[..body.len() / 2]).await.expect("half");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let term =
        std::process::Command::new("kill").args(["-TERM", &node.child.id().to_string()]).status().expect("kill -TERM");
    assert!(term.success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    // No new requests are served once the signal is taken...
    let late = tokio::time::timeout(Duration::from_millis(500), client.get(format!("{}/health", node.base)).send());
    assert!(!matches!(late.await, Ok(Ok(_))), "still serving new requests after SIGTERM");
    // ...but the request in flight completes.
    stream.write_all(&body[body.len() / 2..]).await.expect("rest");
    let mut answer = vec![];
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "in-flight request after SIGTERM: {answer}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = node.child.try_wait().expect("wait") {
            assert!(status.success(), "clean exit after SIGTERM: {status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The publication made in flight was committed.
    let db = maslikhat::store::connect(&database, 1).await.expect("connect");
    let (size, _) = maslikhat::store::log::head(&db).await.expect("head");
    assert_eq!(size, 1);
}
