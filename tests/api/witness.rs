//! Witnesses (C2SP tlog-witness, `cosignature/v1`): a real `maslikhat witness` server cosigns the
//! log's checkpoints over HTTP, refuses inconsistent ones and rollbacks with the spec's status
//! codes, keeps its state across a restart; the log asks its witnesses in the background and
//! serves their cosignatures; a log rewritten after a witness cosigned gets no new cosignature,
//! and `verify --quorum` refuses it; two API nodes ask without conflicting.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use maslikhat::auth::KeyRing;
use maslikhat::domain::log::cosignature::AddCheckpoint;
use maslikhat::domain::log::merkle::{self, Hash};
use maslikhat::domain::log::note;
use maslikhat::verify::{VerifyOptions, VerifyReport};
use maslikhat::witness::server::{Stats, WitnessConfig, WitnessServer, generate_key};
use tokio::sync::oneshot;

use crate::helpers::{TestApp, party, spawn_app_in};

/// The origin every test server's log gets (from the default `public_url`).
const ORIGIN: &str = "127.0.0.1:8080/log";

/// A running witness in its own folder (key and database survive a restart).
struct TestWitness {
    url: String,
    vkey: String,
    stats: Arc<Stats>,
    cfg: WitnessConfig,
    _shutdown: oneshot::Sender<()>,
}

async fn start_witness(cfg: WitnessConfig) -> TestWitness {
    let server = WitnessServer::build(&cfg).await.expect("witness starts");
    let url = format!("http://127.0.0.1:{}", server.port());
    let (vkey, stats) = (server.verifier_key(), server.stats());
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(server.run_until(async {
        let _ = rx.await;
    }));
    // A restart binds the same port, where the log already sends its requests.
    let bind = std::net::SocketAddr::from(([127, 0, 0, 1], url.rsplit(':').next().unwrap().parse().unwrap()));
    TestWitness { url, vkey, stats, cfg: WitnessConfig { bind, ..cfg }, _shutdown: tx }
}

/// A new witness named `name` in `dir`, following the logs `logs` (verifier keys).
async fn new_witness(dir: &std::path::Path, name: &str, logs: Vec<String>) -> TestWitness {
    let key_file = dir.join(format!("{}.key", name.replace('/', "_")));
    generate_key(name, &key_file).expect("witness key");
    let database = format!("sqlite://{}?mode=rwc", dir.join(format!("{}.sqlite", name.replace('/', "_"))).display());
    start_witness(WitnessConfig { bind: "127.0.0.1:0".parse().unwrap(), key_file, database, logs }).await
}

/// A folder whose `keys` hold the log's key, and that key's verifier key for [`ORIGIN`].
fn log_keys() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    KeyRing::generate(&keys).unwrap();
    let ring = KeyRing::load(&keys).unwrap();
    let vkey = note::verifier_key_string(ORIGIN, &ring.active().unwrap().verifying());
    (tmp, vkey)
}

/// A server in `tmp` that asks `witnesses` (quorum `quorum`), polling every 50 ms, with its
/// response cache off (tests rewrite its database behind its back).
async fn app_with_witnesses(tmp: tempfile::TempDir, witnesses: &[&TestWitness], quorum: u64) -> TestApp {
    let ws: Vec<_> = witnesses
        .iter()
        .map(|w| maslikhat::config::WitnessSetting { url: w.url.clone(), verifier_key: w.vkey.clone() })
        .collect();
    spawn_app_in(tmp, |s| {
        s.witnesses = ws;
        s.witness_quorum = quorum;
        s.change_poll_ms = 50;
        s.response_cache_seconds = 0;
    })
    .await
}

async fn publish_parties(app: &TestApp, ids: std::ops::Range<u32>) {
    let admin = app.admin();
    for i in ids {
        let r = app.put(&format!("/v1/parties/p{i}"), &admin, &party(&format!("p{i}"))).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
}

/// Waits until the served checkpoint has `size` entries and `n` cosignatures.
async fn cosigned(app: &TestApp, size: u64, n: usize) -> serde_json::Value {
    for _ in 0..200 {
        let cp = app.get("/v1/log/checkpoint").await;
        if cp.body["tree_size"] == size && cp.body["cosigned_by"].as_array().is_some_and(|a| a.len() == n) {
            return cp.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the checkpoint of {size} entries did not get {n} cosignatures: {:?}", app.get("/v1/log/checkpoint").await);
}

async fn verify(app: &TestApp, state: &std::path::Path, witnesses: &[&TestWitness], quorum: usize) -> VerifyReport {
    maslikhat::verify::run(&VerifyOptions {
        server: app.base.clone(),
        key: None,
        state_file: state.to_owned(),
        council: None,
        witnesses: witnesses.iter().map(|w| w.vkey.clone()).collect(),
        quorum,
    })
    .await
    .expect("verify runs")
}

#[tokio::test]
async fn two_witnesses_cosign_each_new_checkpoint_and_verify_requires_the_quorum() {
    let dir = tempfile::tempdir().unwrap();
    let (tmp, log_vkey) = log_keys();
    let w1 = new_witness(dir.path(), "witness.example/w1", vec![log_vkey.clone()]).await;
    let w2 = new_witness(dir.path(), "witness.example/w2", vec![log_vkey]).await;
    let app = app_with_witnesses(tmp, &[&w1, &w2], 2).await;
    publish_parties(&app, 0..3).await;
    let cp = cosigned(&app, 3, 2).await;
    assert_eq!(cp["cosigned_by"], serde_json::json!(["witness.example/w1", "witness.example/w2"]));
    // The tlog-tiles checkpoint is the same note.
    let text = app.client.get(format!("{}/log/checkpoint", app.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(text, cp["note"].as_str().unwrap());
    publish_parties(&app, 3..5).await;
    cosigned(&app, 5, 2).await;
    assert_eq!(w1.stats.cosigned.load(Ordering::Relaxed), w2.stats.cosigned.load(Ordering::Relaxed));
    assert_eq!(w1.stats.stale.load(Ordering::Relaxed) + w1.stats.refused.load(Ordering::Relaxed), 0);

    let tmp = tempfile::tempdir().unwrap();
    let report = verify(&app, &tmp.path().join("v.json"), &[&w1, &w2], 2).await;
    assert!(report.failures.is_empty(), "{:?}", report.lines);
    assert!(
        report.lines.iter().any(|l| l.contains("cosigned by witness.example/w1, witness.example/w2")),
        "{:?}",
        report.lines
    );
    // A witness the log does not use: its cosignature is missing, so a quorum of 3 fails.
    let stranger = new_witness(dir.path(), "witness.example/w3", vec![]).await;
    let report = verify(&app, &tmp.path().join("w.json"), &[&w1, &w2, &stranger], 3).await;
    assert!(report.failures.iter().any(|f| f.contains("fewer than the quorum of 3")), "{:?}", report.lines);
    // /v1/log/keys names the witnesses and the quorum.
    let keys = app.get("/v1/log/keys").await;
    assert_eq!(keys.body["witness_quorum"], 2);
    assert_eq!(keys.body["witnesses"][0]["verifier_key"], w1.vkey.as_str());
}

/// A signed checkpoint of the first `n` of `leaves` under [`ORIGIN`], submitted from `old`
/// with an honest consistency proof when one exists.
fn submission(key: &ed25519_dalek::SigningKey, leaves: &[Hash], n: usize, old: u64) -> String {
    let body = note::checkpoint_body(ORIGIN, n as u64, &merkle::root(&leaves[..n]));
    let proof = if old == 0 || old as usize >= n {
        vec![]
    } else {
        merkle::consistency_proof(&leaves[..n], old, n as u64).unwrap()
    };
    AddCheckpoint { old_size: old, proof, checkpoint: note::sign_note(&body, ORIGIN, key).unwrap() }.to_body()
}

async fn post(w: &TestWitness, body: String) -> (u16, String, String) {
    let r = reqwest::Client::new().post(format!("{}/add-checkpoint", w.url)).body(body).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, ct, r.text().await.unwrap())
}

#[tokio::test]
async fn a_witness_refuses_forks_inconsistency_and_rollbacks_with_the_spec_codes_and_keeps_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let log = note::generate_signing_key();
    let log_vkey = note::verifier_key_string(ORIGIN, &log.verifying_key());
    let w = new_witness(dir.path(), "witness.example/w1", vec![log_vkey]).await;
    let leaves: Vec<Hash> = (0..40u64).map(|i| merkle::leaf_hash(&i.to_be_bytes())).collect();
    let mut forked = leaves.clone();
    forked[3] = merkle::leaf_hash(b"rewritten");

    let (status, _, line) = post(&w, submission(&log, &leaves, 10, 0)).await;
    assert_eq!(status, 200, "{line}");
    let cosigner = maslikhat::domain::log::cosignature::Cosigner::parse(&w.vkey).unwrap();
    let text = note::checkpoint_body(ORIGIN, 10, &merkle::root(&leaves[..10]));
    assert!(cosigner.find_in(&format!("{text}\n{line}")).is_some(), "a valid cosignature line: {line}");
    assert_eq!(post(&w, submission(&log, &leaves, 17, 10)).await.0, 200, "consistent growth is cosigned");

    let cases = [
        ("a stale old size", submission(&log, &leaves, 20, 10), 409),
        ("a fork of the same size", submission(&log, &forked, 17, 17), 409),
        ("an inconsistent larger tree", submission(&log, &forked, 30, 17), 422),
        ("a rollback", submission(&log, &leaves, 12, 17), 400),
        ("a checkpoint signed by another key", submission(&note::generate_signing_key(), &leaves, 30, 17), 403),
        ("garbage", "hello\n".into(), 400),
    ];
    for (what, body, want) in cases {
        let (status, ct, text) = post(&w, body).await;
        assert_eq!(status, want, "{what}: {text}");
        if what == "a stale old size" {
            assert_eq!((ct.as_str(), text.as_str()), ("text/x.tlog.size", "17\n"), "{what}");
        }
    }
    let other = note::generate_signing_key();
    let body = note::checkpoint_body("elsewhere.example/log", 1, &leaves[0]);
    let stranger = AddCheckpoint {
        old_size: 0,
        proof: vec![],
        checkpoint: note::sign_note(&body, "elsewhere.example/log", &other).unwrap(),
    };
    assert_eq!(post(&w, stranger.to_body()).await.0, 404, "an unknown log");

    // Restarted on the same database and key, it still holds 17 and still refuses the fork.
    let cfg = w.cfg.clone();
    drop(w);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let w = start_witness(cfg).await;
    assert_eq!(post(&w, submission(&log, &leaves, 20, 0)).await.1, "text/x.tlog.size");
    assert_eq!(post(&w, submission(&log, &leaves, 20, 0)).await.2, "17\n");
    assert_eq!(post(&w, submission(&log, &forked, 17, 17)).await.0, 409);
    assert_eq!(post(&w, submission(&log, &leaves, 25, 17)).await.0, 200);
    let db = maslikhat::store::witness::open(&w.cfg.database).await.unwrap();
    assert_eq!(maslikhat::store::witness::refusals(&db, ORIGIN, 409).await.unwrap(), 2, "both forks kept as evidence");
    assert_eq!(maslikhat::store::witness::refusals(&db, ORIGIN, 422).await.unwrap(), 1);
}

#[tokio::test]
async fn a_log_rewritten_after_a_witness_cosigned_gets_no_new_cosignature_and_verify_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let (tmp, log_vkey) = log_keys();
    let w = new_witness(dir.path(), "witness.example/w1", vec![log_vkey]).await;
    let app = app_with_witnesses(tmp, &[&w], 1).await;
    publish_parties(&app, 0..5).await;
    let honest = cosigned(&app, 5, 1).await;
    let states = tempfile::tempdir().unwrap();
    assert!(verify(&app, &states.path().join("a.json"), &[&w], 1).await.failures.is_empty());
    let honest_cosignatures = w.stats.cosigned.load(Ordering::Relaxed);

    // Fork with the same size: the witness answers 409 and the log keeps serving... nothing
    // cosigned for the new root, so even a verifier with no memory refuses it.
    crate::log::rewrite_history(&app, 1).await;
    for _ in 0..100 {
        if w.stats.refused.load(Ordering::Relaxed) >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(w.stats.refused.load(Ordering::Relaxed) >= 1, "the witness was asked and refused the fork");
    let cp = app.get("/v1/log/checkpoint").await;
    assert_ne!(cp.body["root_hash"], honest["root_hash"]);
    assert_eq!(cp.body["cosigned_by"], serde_json::json!([]), "{cp:?}");
    let report = verify(&app, &states.path().join("fresh.json"), &[&w], 1).await;
    assert!(report.failures.iter().any(|f| f.contains("fewer than the quorum")), "{:?}", report.lines);

    // Fork with a larger size: the consistency proof from the witness's 5 fails (422).
    publish_parties(&app, 5..6).await;
    for _ in 0..200 {
        if w.stats.refused.load(Ordering::Relaxed) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let db = maslikhat::store::witness::open(&w.cfg.database).await.unwrap();
    assert!(maslikhat::store::witness::refusals(&db, ORIGIN, 422).await.unwrap() >= 1, "the larger fork was refused");
    let cp = app.get("/v1/log/checkpoint").await;
    assert_eq!((cp.body["tree_size"].as_u64(), cp.body["cosigned_by"].clone()), (Some(6), serde_json::json!([])));
    let report = verify(&app, &states.path().join("fresh2.json"), &[&w], 1).await;
    assert!(report.failures.iter().any(|f| f.contains("fewer than the quorum")), "{:?}", report.lines);
    assert_eq!(w.stats.cosigned.load(Ordering::Relaxed), honest_cosignatures, "nothing cosigned after the rewrite");
}

#[tokio::test]
async fn a_witness_that_is_down_delays_no_write_and_is_caught_up_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let (tmp, log_vkey) = log_keys();
    let w = new_witness(dir.path(), "witness.example/w1", vec![log_vkey]).await;
    let cfg = w.cfg.clone();
    let app = app_with_witnesses(tmp, &[&w], 0).await;
    publish_parties(&app, 0..2).await;
    cosigned(&app, 2, 1).await;
    drop(w);
    let started = std::time::Instant::now();
    publish_parties(&app, 2..12).await;
    assert!(started.elapsed() < Duration::from_secs(5), "ten writes took {:?}", started.elapsed());
    // Quorum 0: the newest checkpoint is served at once, without the absent witness.
    let cp = app.get("/v1/log/checkpoint").await;
    assert_eq!((cp.body["tree_size"].as_u64(), cp.body["cosigned_by"].clone()), (Some(12), serde_json::json!([])));
    // Back on the same port: within the backoff it cosigns the newest checkpoint from 2.
    let _w = start_witness(cfg).await;
    cosigned(&app, 12, 1).await;
}

#[tokio::test]
async fn two_api_nodes_ask_each_witness_once_per_checkpoint_without_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let (tmp, log_vkey) = log_keys();
    let w = new_witness(dir.path(), "witness.example/w1", vec![log_vkey]).await;
    let a = app_with_witnesses(tmp, &[&w], 1).await;
    let ws = vec![maslikhat::config::WitnessSetting { url: w.url.clone(), verifier_key: w.vkey.clone() }];
    let (db, keys) = (a.database_url.clone(), a.keys_dir.clone());
    let b = crate::helpers::spawn_app_with(|s| {
        s.database_url = Some(db.into());
        s.keys_dir = keys;
        s.witnesses = ws;
        s.witness_quorum = 1;
        s.change_poll_ms = 50;
    })
    .await;
    let admin = a.admin();
    for i in 0..12 {
        let node = if i % 2 == 0 { &a } else { &b };
        let r = node.put(&format!("/v1/parties/p{i}"), &admin, &party(&format!("p{i}"))).await;
        assert_eq!(r.status, 201, "{r:?}");
        if i % 4 == 3 {
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
    let on_a = cosigned(&a, 12, 1).await;
    let on_b = cosigned(&b, 12, 1).await;
    assert_eq!(on_a["note"], on_b["note"], "both nodes serve one checkpoint, byte for byte");
    assert_eq!(w.stats.stale.load(Ordering::Relaxed), 0, "no request named a size the witness did not hold");
    assert_eq!(w.stats.refused.load(Ordering::Relaxed), 0);
    use sea_orm::{EntityTrait, PaginatorTrait};
    let stored = maslikhat::entity::log_cosignature::Entity::find().count(&a.state.service.db).await.unwrap();
    assert_eq!(w.stats.cosigned.load(Ordering::Relaxed), stored, "no checkpoint was cosigned twice");
}

#[tokio::test]
async fn the_witness_lease_goes_to_one_node_until_it_lapses() {
    use maslikhat::store::witnessing::take_lease;
    let (tmp, _) = log_keys();
    let app = spawn_app_in(tmp, |_| {}).await;
    let db = &app.state.service.db;
    let soon = chrono::Utc::now() + chrono::Duration::seconds(30);
    assert!(take_lease(db, "test", "node-a", soon).await.unwrap());
    assert!(!take_lease(db, "test", "node-b", soon).await.unwrap(), "held by a");
    assert!(take_lease(db, "test", "node-a", soon).await.unwrap(), "a renews its own");
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    assert!(take_lease(db, "test", "node-a", past).await.unwrap());
    assert!(take_lease(db, "test", "node-b", soon).await.unwrap(), "b takes a lapsed lease");
    assert!(!take_lease(db, "test", "node-a", soon).await.unwrap());
}
