//! Reads from a PostgreSQL streaming replica: two API nodes on one primary and one standby
//! (`.ci/replica-cluster` starts them: `initdb`, `pg_basebackup -R`, a hot standby). Public reads
//! are served by the replica; a write is visible at once to its writer on the other node (it
//! sends back the change number its write answered with); the replica's loss is survived.
//!
//! Runs when `MASLIKHAT_TEST_PRIMARY_URL` and `MASLIKHAT_TEST_REPLICA_URL` name the two servers
//! and `MASLIKHAT_TEST_REPLICA_STOP` is the command that stops the standby (the test stops it);
//! otherwise it says it was skipped.

use std::time::{Duration, Instant};

use maslikhat::auth::{KeyRing, Role, TokenPolicy};
use maslikhat::config::Settings;
use maslikhat::startup::Application;
use sea_orm::ConnectionTrait;
use serde_json::Value;
use tokio::sync::oneshot;

use crate::helpers::{council, party};

/// One API node, stopped when dropped.
struct Node {
    base: String,
    _shutdown: oneshot::Sender<()>,
}

async fn start(primary: &str, replica: &str, keys_dir: &std::path::Path) -> Node {
    let settings = Settings {
        bind: "127.0.0.1:0".parse().expect("addr"),
        database_url: Some(primary.to_owned().into()),
        replica_urls: vec![replica.to_owned().into()],
        replica_retry_seconds: 60,
        keys_dir: keys_dir.to_owned(),
        db_max_connections: 5,
        read_rate_per_second: 100_000,
        read_burst: 100_000,
        write_rate_per_second: 100_000,
        write_burst: 100_000,
        ..Settings::default()
    };
    let app = Application::build(settings).await.expect("node builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = app
            .run_until(async {
                let _ = rx.await;
            })
            .await;
    });
    Node { base, _shutdown: tx }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (prefix, _) = url.rsplit_once('/').expect("the URL names a database");
    format!("{prefix}/{name}")
}

/// Status, the named header, and the JSON body of a GET with `extra` headers.
async fn get(client: &reqwest::Client, url: &str, extra: &[(&str, String)]) -> (u16, Option<String>, Value) {
    let mut req = client.get(url);
    for (k, v) in extra {
        req = req.header(*k, v);
    }
    let r = req.send().await.expect("get");
    let status = r.status().as_u16();
    let from = r.headers().get("maslikhat-read-from").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, from, r.json().await.unwrap_or(Value::Null))
}

/// PUTs `body` and returns the change number the write answered with.
async fn put(client: &reqwest::Client, url: &str, token: &str, body: &Value) -> i64 {
    let r = client.put(url).bearer_auth(token).json(body).send().await.expect("put");
    assert_eq!(r.status(), 201, "PUT {url}");
    r.headers()
        .get("maslikhat-change")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a write answers with Maslikhat-Change")
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_go_to_the_replica_writers_read_their_writes_and_the_replicas_loss_is_survived() {
    let (Ok(primary_admin), Ok(replica_admin), Ok(stop)) = (
        std::env::var("MASLIKHAT_TEST_PRIMARY_URL"),
        std::env::var("MASLIKHAT_TEST_REPLICA_URL"),
        std::env::var("MASLIKHAT_TEST_REPLICA_STOP"),
    ) else {
        // CI sets MASLIKHAT_TEST_REQUIRE_REPLICA: there, a missing cluster is a failure, not a skip.
        assert!(
            std::env::var_os("MASLIKHAT_TEST_REQUIRE_REPLICA").is_none(),
            "MASLIKHAT_TEST_REQUIRE_REPLICA is set but the cluster's variables are not"
        );
        eprintln!(
            "skipped: set MASLIKHAT_TEST_PRIMARY_URL, MASLIKHAT_TEST_REPLICA_URL and MASLIKHAT_TEST_REPLICA_STOP \
             (.ci/replica-cluster prints them) to run the replica test"
        );
        return;
    };
    // A database of its own on the primary; streaming replication creates it on the standby.
    let name = format!("r_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&primary_admin).await.expect("primary reachable");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await.ok();
    let (primary, replica) = (with_database(&primary_admin, &name), with_database(&replica_admin, &name));
    let deadline = Instant::now() + Duration::from_secs(20);
    while sea_orm::Database::connect(&replica).await.is_err() {
        assert!(Instant::now() < deadline, "the standby never got the new database");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let tmp = tempfile::tempdir().expect("tmp");
    let keys_dir = tmp.path().join("keys");
    KeyRing::generate(&keys_dir).expect("key");
    let ring = KeyRing::load(&keys_dir).expect("ring");
    let policy = TokenPolicy { issuer: "maslikhat".into(), audience: "maslikhat-api".into() };
    let admin_token = maslikhat::auth::issue(&ring, &policy, "replicas", Role::Admin, None, chrono::Duration::hours(1))
        .expect("token")
        .0;
    // Node a migrates the primary before node b starts, as a deployment's first node does.
    let a = start(&primary, &replica, &keys_dir).await;
    let b = start(&primary, &replica, &keys_dir).await;
    let client = reqwest::Client::new();

    // 1. Reads are served by the replica once it has replayed the write.
    let first = put(&client, &format!("{}/v1/councils/rc1", a.base), &admin_token, &council("rc1")).await;
    assert!(first > 0, "the first publication's change number: {first}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, from, _) = get(&client, &format!("{}/v1/councils/rc1", b.base), &[]).await;
        if status == 200 && from.as_deref() == Some("replica") {
            break;
        }
        assert!(Instant::now() < deadline, "the replica never served the council: {status} {from:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for node in [&a, &b] {
        let (status, from, list) = get(&client, &format!("{}/v1/councils", node.base), &[]).await;
        assert_eq!((status, from.as_deref()), (200, Some("replica")), "{}", node.base);
        assert_eq!(ids(&list), ["rc1"]);
    }
    // A client that has seen a change the replica has not is answered by the primary.
    let ahead = [("maslikhat-min-change", (first + 1_000_000).to_string())];
    let (status, from, _) = get(&client, &format!("{}/v1/councils/rc1", b.base), &ahead).await;
    assert_eq!((status, from.as_deref()), (200, Some("primary")));
    // A change number that is not one is refused, naming the header.
    let bad = [("maslikhat-min-change", "soon".to_owned())];
    let (status, _, problem) = get(&client, &format!("{}/v1/councils", b.base), &bad).await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["errors"][0]["path"], "header:Maslikhat-Min-Change", "{problem}");

    // 2. A write is visible at once to its writer, on the other node too: node b's list of
    // parties is in its response cache, and the replica may not have replayed the write yet.
    let (status, _, before) = get(&client, &format!("{}/v1/parties", b.base), &[]).await;
    assert_eq!((status, ids(&before).len()), (200, 0));
    for i in 0..10 {
        let id = format!("rp{i}");
        let seen = put(&client, &format!("{}/v1/parties/{id}", a.base), &admin_token, &party(&id)).await;
        let header = [("maslikhat-min-change", seen.to_string())];
        let (status, from, one) = get(&client, &format!("{}/v1/parties/{id}", b.base), &header).await;
        assert_eq!(status, 200, "party {id} after change {seen}, read from {from:?}: {one}");
        let (status, _, list) = get(&client, &format!("{}/v1/parties", b.base), &header).await;
        assert_eq!(status, 200);
        assert!(ids(&list).contains(&id), "the writer's list lacks {id}: {list}");
        // Browsers send it back as the cookie their write set.
        let cookie = [("cookie", format!("maslikhat_change={seen}"))];
        let (status, _, _) = get(&client, &format!("{}/v1/parties/{id}", b.base), &cookie).await;
        assert_eq!(status, 200, "party {id} with the cookie");
    }

    // 3. The replica's loss is survived: reads go to the primary, writes go on.
    let out = std::process::Command::new("sh").args(["-c", &stop]).output().expect("run the stop command");
    assert!(out.status.success(), "stopping the standby: {}", String::from_utf8_lossy(&out.stderr));
    // (Another URL than above: that answer may still be in node b's response cache.)
    for node in [&b, &a] {
        let (status, from, list) = get(&client, &format!("{}/v1/councils?limit=7", node.base), &[]).await;
        assert_eq!((status, from.as_deref()), (200, Some("primary")), "{}: {list}", node.base);
        assert_eq!(ids(&list), ["rc1"]);
    }
    let seen = put(&client, &format!("{}/v1/councils/rc2", b.base), &admin_token, &council("rc2")).await;
    let (status, from, one) = get(&client, &format!("{}/v1/councils/rc2", a.base), &[]).await;
    assert_eq!((status, from.as_deref()), (200, Some("primary")), "after change {seen}: {one}");
    let r = client.get(format!("{}/ready", a.base)).send().await.expect("ready");
    assert!(r.status().is_success(), "ready without the replica");
}
