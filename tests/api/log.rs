//! The transparency log: proofs the server produces verify (and tampered ones do not), audit and
//! verify catch a changed ballot, verify catches a rewritten log, and a killed server loses no
//! acknowledged publication.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use maslikhat::domain::log::merkle::{self, Hash};
use maslikhat::verify::{VerifyOptions, VerifyReport};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::helpers::{TestApp, party, roster, spawn_app, spawn_app_with};

fn h(b64: &serde_json::Value) -> Hash {
    merkle::hash_from_slice(&STANDARD.decode(b64.as_str().expect("base64 string")).expect("base64")).expect("32 bytes")
}

fn hashes(v: &serde_json::Value) -> Vec<Hash> {
    v.as_array().expect("array").iter().map(h).collect()
}

fn flip(mut x: Hash, bit: usize) -> Hash {
    x[bit / 8 % 32] ^= 1 << (bit % 8);
    x
}

#[tokio::test]
async fn every_proof_the_server_produces_verifies_and_a_flipped_bit_never_does() {
    let app = spawn_app().await;
    let admin = app.admin();
    let n = 13u64;
    let mut roots = vec![];
    for i in 0..n {
        assert_eq!(app.put(&format!("/v1/parties/p{i}"), &admin, &party(&format!("p{i}"))).await.status, 201);
        let cp = app.get("/v1/log/checkpoint").await;
        assert_eq!(cp.body["tree_size"], i + 1);
        roots.push(h(&cp.body["root_hash"]));
    }
    let mut bit = 0usize;
    for size in 1..=n {
        let root = roots[size as usize - 1];
        for index in 0..size {
            let p = app.get(&format!("/v1/log/proofs/inclusion?leaf_index={index}&tree_size={size}")).await;
            assert_eq!(p.status, 200, "{p:?}");
            let leaf = h(&p.body["leaf_hash"]);
            let proof = hashes(&p.body["proof"]);
            assert_eq!(h(&p.body["root_hash"]), root);
            merkle::verify_inclusion(&leaf, index, size, &proof, &root).expect("inclusion verifies");
            bit += 37;
            assert!(merkle::verify_inclusion(&flip(leaf, bit), index, size, &proof, &root).is_err());
            assert!(merkle::verify_inclusion(&leaf, index, size, &proof, &flip(root, bit)).is_err());
            for k in 0..proof.len() {
                let mut bad = proof.clone();
                bad[k] = flip(bad[k], bit);
                assert!(merkle::verify_inclusion(&leaf, index, size, &bad, &root).is_err(), "flipped proof hash {k}");
            }
        }
        for first in 1..=size {
            let c = app.get(&format!("/v1/log/proofs/consistency?first={first}&second={size}")).await;
            assert_eq!(c.status, 200, "{c:?}");
            let (r1, r2) = (h(&c.body["first_root"]), h(&c.body["second_root"]));
            assert_eq!(r1, roots[first as usize - 1], "first_root is the root the log had at that size");
            assert_eq!(r2, root);
            let proof = hashes(&c.body["proof"]);
            merkle::verify_consistency(first, size, &r1, &r2, &proof).expect("consistency verifies");
            bit += 53;
            assert!(merkle::verify_consistency(first, size, &flip(r1, bit), &r2, &proof).is_err());
            for k in 0..proof.len() {
                let mut bad = proof.clone();
                bad[k] = flip(bad[k], bit);
                assert!(merkle::verify_consistency(first, size, &r1, &r2, &bad).is_err());
            }
        }
    }
    // Out-of-range requests are refused cleanly.
    for path in [
        "/v1/log/proofs/inclusion?leaf_index=13&tree_size=13",
        "/v1/log/proofs/inclusion?leaf_index=0&tree_size=14",
        "/v1/log/proofs/consistency?first=0&second=3",
        "/v1/log/proofs/consistency?first=5&second=3",
        "/v1/log/entries?start=5&end=2",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 400, "{path}");
        assert!(r.is_problem());
    }
}

#[tokio::test]
async fn every_accepted_version_is_one_entry_and_served_versions_carry_their_leaf() {
    let app = spawn_app().await;
    app.seed_council("alpha").await; // 2 parties + 1 council
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 2)).await;
    assert_eq!(r.body["log_index"], 3);
    let leaf = r.body["leaf_hash"].as_str().expect("leaf hash").to_owned();
    // An identical re-send and a refused document append nothing.
    app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 2)).await;
    app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &json!({"deputies": []})).await;
    let cp = app.get("/v1/log/checkpoint").await;
    assert_eq!(cp.body["tree_size"], 4);
    let entries = app.get("/v1/log/entries?start=0&end=10").await;
    let items = entries.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 4);
    assert_eq!(items[3]["leaf_hash"], leaf.as_str());
    assert_eq!(items[3]["kind"], "roster");
    let data: serde_json::Value = serde_json::from_str(items[3]["leaf_data"].as_str().unwrap()).unwrap();
    assert_eq!(data["index"], 3);
    assert_eq!(data["document_id"], "alpha");
    // The served document hashes to the logged sha256.
    let bytes =
        app.client.get(format!("{}/v1/log/entries/3/document", app.base)).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(maslikhat::domain::log::canonical::sha256_hex(&bytes), data["sha256"].as_str().unwrap());
    let versions = app.get("/v1/councils/alpha/roster/versions").await;
    assert_eq!(versions.body["items"][0]["leaf_hash"], leaf.as_str());
    let keys = app.get("/v1/log/keys").await;
    assert_eq!(keys.body["items"][0]["active"], true);
    assert_eq!(keys.body["items"][0]["verifier_key"], cp.body["verifier_key"]);
}

/// `maslikhat verify` against `app`, remembering checkpoints in `state`.
pub async fn verify(app: &TestApp, state: &std::path::Path) -> VerifyReport {
    maslikhat::verify::run(&VerifyOptions {
        server: app.base.clone(),
        key: None,
        state_file: state.to_owned(),
        council: None,
        witnesses: vec![],
        quorum: 0,
    })
    .await
    .expect("verify runs")
}

/// A server whose response cache is off: these tests change the database behind its back, as
/// a dishonest operator would, and check what it serves straight after; with the cache on, the
/// change would show only when the entries expire (`response_cache_seconds`).
async fn app_without_response_cache() -> TestApp {
    spawn_app_with(|s| s.response_cache_seconds = 0).await
}

/// A council with three deputies and one held session with a named vote.
pub async fn app_with_a_vote() -> TestApp {
    let app = app_without_response_cache().await;
    app.seed_council("alpha").await;
    let token = app.publisher("alpha");
    assert_eq!(app.put("/v1/councils/alpha/roster", &token, &roster("alpha", 3)).await.status, 201);
    let ballots: Vec<_> = (1..=3)
        .map(|i| json!({"deputy": format!("alpha-d{i}"), "option": if i == 3 { "no" } else { "yes" }}))
        .collect();
    let record = json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-02-01T10:00:00+05:00", "is_open": true,
        "agenda": [{"id": "a1-i1", "position": 1, "titles": {"ru": "О бюджете"}, "initiator": "akimat"}],
        "vote_events": [{"id": "a1-v1", "agenda_item": "a1-i1", "motion": {"ru": "Принять"}, "stage": "as_a_whole",
            "method": "roll_call", "majority_rule": "majority_of_seats", "seats": 5, "result": "fail", "ballots": ballots}]
    });
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &token, &record).await;
    assert_eq!(r.status, 201, "{r:?}");
    app
}

#[tokio::test]
async fn a_ballot_changed_in_the_database_is_named_by_audit_and_rejected_by_verify() {
    let app = app_with_a_vote().await;
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("verify.json");
    let report = verify(&app, &state).await;
    assert!(report.failures.is_empty(), "{:?}", report.lines);
    let audit = maslikhat::store::audit::audit(&app.state.service.db).await.unwrap();
    assert!(audit.findings.is_empty(), "{:?}", audit.findings);

    use maslikhat::entity::ballot;
    let row = ballot::Entity::find()
        .filter(ballot::Column::VoteEventId.eq("a1-v1"))
        .filter(ballot::Column::DeputyId.eq("alpha-d3"))
        .one(&app.state.service.db)
        .await
        .unwrap()
        .expect("ballot");
    let mut tampered: ballot::ActiveModel = row.into();
    tampered.option = Set("yes".into());
    tampered.update(&app.state.service.db).await.unwrap();

    let audit = maslikhat::store::audit::audit(&app.state.service.db).await.unwrap();
    assert_eq!(audit.findings.len(), 1, "{:?}", audit.findings);
    assert!(
        audit.findings[0].row.contains("a1-v1") && audit.findings[0].row.contains("alpha-d3"),
        "{:?}",
        audit.findings
    );
    let report = verify(&app, &state).await;
    assert!(report.failures.iter().any(|f| f.contains("a1-v1")), "{:?}", report.lines);

    // `rebuild` restores the served tables from the logged versions.
    maslikhat::store::rebuild::rebuild(&app.state.service.db).await.unwrap();
    assert!(maslikhat::store::audit::audit(&app.state.service.db).await.unwrap().findings.is_empty());
    let served = app.get("/v1/vote-events/a1-v1").await;
    assert_eq!(served.body["ballots"][2]["option"], "no");
}

/// Rewrites version `index`'s party document and recomputes its leaf and the whole tree, as an
/// operator hiding a change would.
pub async fn rewrite_history(app: &TestApp, index: i64) {
    use maslikhat::domain::log::{canonical, frontier_append, leaf_data};
    use maslikhat::entity::{document_version, log_entry, write_head};
    let db = &app.state.service.db;
    let entry = log_entry::Entity::find_by_id(index).one(db).await.unwrap().unwrap();
    let v = document_version::Entity::find_by_id(entry.version_id).one(db).await.unwrap().unwrap();
    let body = v.body.replace("партиясы", "партиясы (өзгертілген)");
    assert_ne!(body, v.body);
    let sha = canonical::sha256_hex(body.as_bytes());
    let old: serde_json::Value = serde_json::from_str(&entry.leaf_data).unwrap();
    let data = leaf_data(
        index as u64,
        v.council_id.as_deref(),
        &v.kind,
        &v.doc_id,
        v.version as i64,
        old["received_at"].as_str().unwrap(),
        &sha,
    )
    .unwrap();
    let leaf = merkle::leaf_hash(data.as_bytes());
    let mut vm: document_version::ActiveModel = v.into();
    vm.body = Set(body);
    vm.sha256 = Set(sha);
    vm.update(db).await.unwrap();
    let mut em: log_entry::ActiveModel = entry.into();
    em.leaf_data = Set(data);
    em.leaf_hash = Set(canonical::to_hex(&leaf));
    em.update(db).await.unwrap();
    let leaves = maslikhat::store::log::leaf_hashes(db, u64::MAX >> 1).await.unwrap();
    let mut frontier = vec![];
    for (i, l) in leaves.iter().enumerate() {
        frontier_append(&mut frontier, i as u64, *l);
    }
    let head = write_head::Entity::find_by_id(1).one(db).await.unwrap().unwrap();
    let mut hm: write_head::ActiveModel = head.into();
    hm.frontier = Set(frontier.iter().map(|h| canonical::to_hex(h)).collect::<Vec<_>>().join(","));
    hm.update(db).await.unwrap();
}

#[tokio::test]
async fn a_rewritten_log_is_caught_by_verify_through_the_remembered_checkpoint() {
    let app = app_without_response_cache().await;
    let admin = app.admin();
    for i in 0..5 {
        assert_eq!(app.put(&format!("/v1/parties/p{i}"), &admin, &party(&format!("p{i}"))).await.status, 201);
    }
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("verify.json");
    assert!(verify(&app, &state).await.failures.is_empty());

    rewrite_history(&app, 1).await;
    // The forged log is self-consistent; what audit still sees is that the served party is not
    // what the forged version says. Rebuilding the served tables from the forgery hides that
    // too: the operator's own audit cannot see the forgery...
    let audit = maslikhat::store::audit::audit(&app.state.service.db).await.unwrap();
    assert!(!audit.findings.is_empty() && audit.findings.iter().all(|f| f.table == "party"), "{:?}", audit.findings);
    maslikhat::store::rebuild::rebuild(&app.state.service.db).await.unwrap();
    assert!(maslikhat::store::audit::audit(&app.state.service.db).await.unwrap().findings.is_empty());
    // ...but a citizen who remembered the earlier checkpoint can.
    let report = verify(&app, &state).await;
    assert!(report.failures.iter().any(|f| f.contains("rewritten")), "{:?}", report.lines);
    // Growing the log after the rewrite does not help: the consistency proof fails.
    assert_eq!(app.put("/v1/parties/p9", &admin, &party("p9")).await.status, 201);
    let report = verify(&app, &state).await;
    assert!(report.failures.iter().any(|f| f.contains("not consistent")), "{:?}", report.lines);
    // A fresh verifier pinning the same key but with no memory sees a valid (forged) log: the
    // remembered checkpoint is what makes forks detectable.
    let fresh = tmp.path().join("fresh.json");
    assert!(verify(&app, &fresh).await.failures.is_empty());
}
