//! The log's side of C2SP tlog-witness: after each new checkpoint, ask every witness for a
//! cosignature, in the background.
//!
//! Every API node runs [`run`]; one at a time (whichever holds the `witness-requests` lease)
//! sends requests, so witnesses never see two nodes' conflicting `old` sizes. A request has a
//! timeout, a witness that fails is retried with exponential backoff (1 s doubling to 5 min,
//! shared by all nodes through the database), and nothing here is on a write's path: a witness
//! that is down delays no publication, it only leaves checkpoints without its cosignature.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::checkpoint::Witness;
use crate::api::AppState;
use crate::domain::log::cosignature::AddCheckpoint;
use crate::domain::log::merkle::Hash;
use crate::domain::log::note;
use crate::store::witnessing::{self, WitnessState};
use crate::store::{self, StoreError};

/// The lease's name.
const LEASE: &str = "witness-requests";
/// Longest backoff after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Why one request to a witness failed (kept as the witness's `last_error`).
type Failure = String;

/// Asks the witnesses after every write on this node and every `change_poll_ms`, until the task
/// is dropped. Errors are logged and retried on the next round.
pub async fn run(state: Arc<AppState>) {
    let every = Duration::from_millis(state.service.settings.change_poll_ms.max(10));
    let timeout = Duration::from_millis(state.service.settings.witness_timeout_ms.max(1));
    let client = match reqwest::Client::builder().timeout(timeout).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the HTTP client for witnesses; checkpoints stay uncosigned");
            return;
        }
    };
    let mut seen_cosignatures = None;
    loop {
        tokio::select! {
            () = state.service.checkpoints.wake.notified() => {}
            () = tokio::time::sleep(every) => {}
        }
        // Cosignatures another node stored change what this node serves.
        match witnessing::cosignature_count(&state.service.db).await {
            Ok(n) if seen_cosignatures.is_some_and(|s| s != n) => {
                state.responses.invalidate();
                seen_cosignatures = Some(n);
            }
            Ok(n) => seen_cosignatures = Some(n),
            Err(_) => continue,
        }
        match round(&state, &client, timeout).await {
            Ok(0) => {}
            Ok(_) => {
                state.responses.invalidate();
                seen_cosignatures = witnessing::cosignature_count(&state.service.db).await.ok();
            }
            Err(e) => tracing::warn!(error = %e, "asking the witnesses failed; trying again"),
        }
    }
}

/// One round: if this node holds the lease, ask every witness that lacks the newest checkpoint.
/// Returns how many cosignatures it stored.
pub async fn round(state: &Arc<AppState>, client: &reqwest::Client, timeout: Duration) -> Result<usize, StoreError> {
    let cp = &state.service.checkpoints;
    if cp.witnesses.is_empty() {
        return Ok(0);
    }
    let (size, root) = store::log::head(&state.service.db).await?;
    if size == 0 {
        return Ok(0);
    }
    let ttl = chrono::Duration::from_std(timeout * 4).unwrap_or_default().max(chrono::Duration::seconds(30));
    if !witnessing::take_lease(&state.service.db, LEASE, &cp.node, Utc::now() + ttl).await? {
        return Ok(0);
    }
    let note = match cp.sign(&state.service.keys, size, &root) {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = %e, "cannot sign a checkpoint for the witnesses");
            return Ok(0);
        }
    };
    // Side by side: one slow witness does not hold up the others.
    let mut asks = tokio::task::JoinSet::new();
    for w in cp.witnesses.clone() {
        let (state, client, note) = (state.clone(), client.clone(), note.clone());
        asks.spawn(async move { ask(&state, &client, &w, size, root, &note).await });
    }
    let mut stored = 0;
    while let Some(done) = asks.join_next().await {
        match done {
            Ok(Ok(true)) => stored += 1,
            Ok(Ok(false)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "storing a witness's answer failed"),
            Err(e) => tracing::error!(error = %e, "a witness request task failed"),
        }
    }
    Ok(stored)
}

/// Asks one witness to cosign the checkpoint `(size, root)` unless it already did or is backing
/// off. True when a new cosignature was stored.
async fn ask(
    state: &AppState,
    client: &reqwest::Client,
    w: &Witness,
    size: u64,
    root: Hash,
    note: &str,
) -> Result<bool, StoreError> {
    let name = w.cosigner.name();
    let mut st = witnessing::witness_state(&state.service.db, name).await?;
    let have = witnessing::cosignatures(&state.service.db, size, &root).await?.iter().any(|c| c.witness == name);
    if have || st.next_attempt_at.is_some_and(|t| t > Utc::now()) {
        return Ok(false);
    }
    let outcome = if st.cosigned_size > size {
        Err(format!("the witness holds a checkpoint of {} entries, more than this log's {size}", st.cosigned_size))
    } else {
        request(state, client, w, size, root, note, &mut st).await
    };
    match outcome {
        Ok(line) => {
            let text = note::checkpoint_body(&state.service.checkpoints.origin, size, &root);
            let signed_at = w.cosigner.find_in(&format!("{text}\n{line}")).unwrap_or_default();
            witnessing::add_cosignature(&state.service.db, size, &root, name, &line, signed_at).await?;
            st = WitnessState { cosigned_size: size, ..WitnessState::default() };
            witnessing::save_witness_state(&state.service.db, name, &st).await?;
            Ok(true)
        }
        Err(why) => {
            st.failures = st.failures.saturating_add(1);
            let backoff = Duration::from_secs(1u64 << st.failures.min(20).saturating_sub(1)).min(MAX_BACKOFF);
            st.next_attempt_at = Some(Utc::now() + chrono::Duration::from_std(backoff).unwrap_or_default());
            tracing::warn!(witness = name, url = %w.url, failures = st.failures, error = %why, "witness did not cosign");
            st.last_error = Some(why);
            witnessing::save_witness_state(&state.service.db, name, &st).await?;
            Ok(false)
        }
    }
}

/// Sends `add-checkpoint`, once more when the witness says it holds another size (409 with
/// `text/x.tlog.size`), and returns the witness's valid cosignature line.
async fn request(
    state: &AppState,
    client: &reqwest::Client,
    w: &Witness,
    size: u64,
    root: Hash,
    note: &str,
    st: &mut WitnessState,
) -> Result<String, Failure> {
    let text = note::checkpoint_body(&state.service.checkpoints.origin, size, &root);
    for _ in 0..2 {
        let old = st.cosigned_size;
        let proof = if old == 0 || old == size {
            vec![]
        } else {
            store::tiles::consistency(&state.service.db, old, size).await.map_err(|e| e.to_string())?.proof
        };
        let body = AddCheckpoint { old_size: old, proof, checkpoint: note.to_owned() }.to_body();
        let resp = client
            .post(format!("{}/add-checkpoint", w.url))
            .body(body)
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = resp.status().as_u16();
        let size_reply = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|v| v.to_str().is_ok_and(|t| t.starts_with("text/x.tlog.size")));
        let reply = resp.text().await.map_err(|e| format!("reading the answer failed: {e}"))?;
        match status {
            200 => {
                return reply
                    .split_inclusive('\n')
                    .find(|line| w.cosigner.find_in(&format!("{text}\n{line}")).is_some())
                    .map(str::to_owned)
                    .ok_or_else(|| "the answer holds no valid cosignature from the witness's key".into());
            }
            409 if size_reply => {
                let latest: u64 =
                    reply.trim_end().parse().map_err(|_| format!("409 with a malformed size {reply:?}"))?;
                if latest > size {
                    return Err(format!("the witness holds a checkpoint of {latest} entries, more than {size}"));
                }
                if latest == old {
                    return Err(format!("409 naming the size {latest} that was sent"));
                }
                st.cosigned_size = latest;
            }
            _ => return Err(format!("HTTP {status}: {}", reply.trim())),
        }
    }
    Err("the witness's size kept changing".into())
}
