//! Crash safety: a server killed with SIGKILL while publications stream in loses no
//! acknowledged publication, keeps nothing partial, and its log stays consistent with every
//! checkpoint it served before the crash. Repeated several times in one run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use maslikhat::auth::{KeyRing, Role, TokenPolicy};
use maslikhat::domain::log::merkle::{self, Hash};

use crate::helpers::{fresh_database, party};
use crate::processes::{checkpoint, hash, start_node};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_publication_loses_nothing_acknowledged_and_keeps_its_log_consistent() {
    let tmp = tempfile::tempdir().expect("tmp");
    let database = fresh_database(tmp.path()).await;
    let keys_dir = tmp.path().join("keys");
    KeyRing::generate(&keys_dir).expect("key");
    let ring = KeyRing::load(&keys_dir).expect("ring");
    let policy = TokenPolicy { issuer: "maslikhat".into(), audience: "maslikhat-api".into() };
    let (token, _) =
        maslikhat::auth::issue(&ring, &policy, "crash-test", Role::Admin, None, chrono::Duration::hours(1))
            .expect("token");
    let client = reqwest::Client::new();
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut last_served: Option<(u64, Hash)> = None;

    for round in 0..5u64 {
        let mut node = start_node(&client, &database, &keys_dir).await;
        let base = node.base.clone();

        // After every restart: all that was acknowledged is there...
        let so_far = acked.lock().expect("lock").clone();
        for id in so_far {
            let r = client.get(format!("{base}/v1/parties/{id}")).send().await.expect("get");
            assert_eq!(r.status(), 200, "round {round}: acknowledged party {id} was lost");
        }
        // ...nothing is partial (every version has its leaf, the tree matches its leaves)...
        let db = maslikhat::store::connect(&database, 2).await.expect("connect");
        let audit = maslikhat::store::audit::audit(&db).await.expect("audit");
        assert!(audit.findings.is_empty(), "round {round}: {:?}", audit.findings);
        db.close().await.ok();
        // ...and the log extends every checkpoint served before the crash.
        let (size, root) = checkpoint(&client, &base).await.expect("checkpoint");
        if let Some((old_size, old_root)) = last_served {
            assert!(size >= old_size, "round {round}: the log shrank");
            if size == old_size {
                assert_eq!(root, old_root);
            } else {
                let r = client
                    .get(format!("{base}/v1/log/proofs/consistency?first={old_size}&second={size}"))
                    .send()
                    .await
                    .expect("proof");
                let status = r.status();
                let c: serde_json::Value = r.json().await.expect("json");
                let proof: Vec<Hash> = c["proof"]
                    .as_array()
                    .unwrap_or_else(|| panic!("round {round}: consistency {old_size}..{size}: {status} {c}"))
                    .iter()
                    .map(hash)
                    .collect();
                merkle::verify_consistency(old_size, size, &old_root, &root, &proof)
                    .expect("consistent with the checkpoint served before the crash");
            }
        }

        // Stream publications from four writers and a checkpoint reader, then SIGKILL.
        let mut tasks = vec![];
        for w in 0..4 {
            let (client, base, token, acked) = (client.clone(), base.clone(), token.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                for k in 0.. {
                    let id = format!("r{round}-w{w}-{k}");
                    let r = client
                        .put(format!("{base}/v1/parties/{id}"))
                        .bearer_auth(&token)
                        .json(&party(&id))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status() == 201 => acked.lock().expect("lock").push(id),
                        _ => break,
                    }
                }
            }));
        }
        // One checkpoint served before the writers start, so every round has one to hold the log to
        // even on a slow machine.
        let first = checkpoint(&client, &base).await.expect("a checkpoint is served");
        let served: Arc<Mutex<Option<(u64, Hash)>>> = Arc::new(Mutex::new(Some(first)));
        {
            let (client, base, served) = (client.clone(), base.clone(), served.clone());
            tasks.push(tokio::spawn(async move {
                // Runs until the server is gone; a failed read mid-kill ends it.
                while let Some(cp) = checkpoint(&client, &base).await {
                    *served.lock().expect("lock") = Some(cp);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }));
        }
        // Kill once this round has had some publications acknowledged (however slow the machine),
        // then a little later each round so that the kill lands at different points of a write.
        let before = acked.lock().expect("lock").len();
        for _ in 0..600 {
            if acked.lock().expect("lock").len() >= before + 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(50 + 70 * round)).await;
        node.child.kill().expect("SIGKILL");
        node.child.wait().expect("reaped");
        for t in tasks {
            let _ = t.await;
        }
        last_served = *served.lock().expect("lock");
        assert!(last_served.is_some(), "a checkpoint was served in round {round}");
    }
    assert!(acked.lock().expect("lock").len() > 20, "publications were acknowledged");
}
