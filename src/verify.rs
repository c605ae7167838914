//! `maslikhat verify`: a citizen's check of a server's log, from outside.
//!
//! It pins the server's checkpoint key (given, or remembered from first use), remembers the last
//! checkpoint it accepted, proves the new checkpoint consistent with it, then fetches document
//! versions, recomputes their hashes and leaves, proves their inclusion, and compares the vote
//! events the server serves with the logged records they must come from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::{self as tlog, canonical, note};

/// What `verify` remembers between runs.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TrustState {
    /// The pinned C2SP verifier key.
    pub verifier_key: Option<String>,
    /// The last accepted tree size.
    pub tree_size: u64,
    /// The last accepted root (base64).
    pub root_hash: String,
}

/// Options of one run.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The server's base URL.
    pub server: String,
    /// A verifier key to pin (overrides the remembered one).
    pub key: Option<String>,
    /// Where the trust state lives.
    pub state_file: PathBuf,
    /// Check only this council's documents (default: everything).
    pub council: Option<String>,
    /// Witnesses' `cosignature/v1` verifier keys.
    pub witnesses: Vec<String>,
    /// Valid cosignatures from `witnesses` a checkpoint needs.
    pub quorum: usize,
}

/// The outcome: every line of the report, and whether anything failed.
#[derive(Debug, Default)]
pub struct VerifyReport {
    /// Human-readable lines.
    pub lines: Vec<String>,
    /// Failures (empty = verified).
    pub failures: Vec<String>,
}

impl VerifyReport {
    fn ok(&mut self, s: impl Into<String>) {
        self.lines.push(format!("ok    {}", s.into()));
    }
    fn fail(&mut self, s: impl Into<String>) {
        let s = s.into();
        self.lines.push(format!("FAIL  {s}"));
        self.failures.push(s);
    }
}

type Fail = Box<dyn std::error::Error + Send + Sync>;

fn decode(b64: &str) -> Result<Hash, Fail> {
    let bytes = STANDARD.decode(b64)?;
    Ok(merkle::hash_from_slice(&bytes)?)
}

async fn get_json(client: &reqwest::Client, url: &str) -> Result<Value, Fail> {
    let r = client.get(url).send().await?;
    let status = r.status();
    if !status.is_success() {
        return Err(format!("GET {url}: {status}").into());
    }
    Ok(r.json().await?)
}

fn load_state(path: &Path) -> TrustState {
    std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// Runs the checks. Network and format errors are failures in the report, not panics.
pub async fn run(opts: &VerifyOptions) -> Result<VerifyReport, Fail> {
    let client = reqwest::Client::new();
    let base = opts.server.trim_end_matches('/');
    let mut report = VerifyReport::default();
    let mut state = load_state(&opts.state_file);

    // 1. The key.
    let pinned = match (&opts.key, &state.verifier_key) {
        (Some(k), _) => k.clone(),
        (None, Some(k)) => k.clone(),
        (None, None) => {
            let keys = get_json(&client, &format!("{base}/v1/log/keys")).await?;
            let active = keys["items"]
                .as_array()
                .and_then(|a| a.iter().find(|k| k["active"] == true))
                .ok_or("the server lists no active key")?;
            let k = active["verifier_key"].as_str().ok_or("the key has no verifier_key")?.to_owned();
            report.lines.push(format!("note  pinning the server's key on first use: {k}"));
            k
        }
    };
    let verifier = note::parse_verifier_key(&pinned)?;

    // 2. The checkpoint, and its consistency with the last one we accepted.
    let cp = get_json(&client, &format!("{base}/v1/log/checkpoint")).await?;
    let text = cp["note"].as_str().ok_or("the checkpoint has no note")?;
    let body = match note::open_note(text, &verifier) {
        Ok(b) => b,
        Err(e) => {
            report.fail(format!("checkpoint signature: {e}"));
            return Ok(report);
        }
    };
    let (origin, size, root) = note::parse_checkpoint(&body)?;
    report.ok(format!("checkpoint of {origin}: {size} entries, root {}", STANDARD.encode(root)));
    match crate::witness::quorum(text, &opts.witnesses, opts.quorum) {
        Ok(line) => report.ok(line),
        Err(why) => {
            report.fail(why);
            return Ok(report);
        }
    }
    if state.tree_size > 0 {
        let old_root = decode(&state.root_hash)?;
        if size < state.tree_size {
            report.fail(format!("the log shrank from {} to {size} entries", state.tree_size));
        } else if size == state.tree_size {
            if root == old_root {
                report.ok("same checkpoint as last time");
            } else {
                report.fail("same size as the remembered checkpoint but a different root: the log was rewritten");
            }
        } else {
            let url = format!("{base}/v1/log/proofs/consistency?first={}&second={size}", state.tree_size);
            let proof = get_json(&client, &url).await?;
            let hashes: Result<Vec<Hash>, Fail> =
                proof["proof"].as_array().ok_or("no proof")?.iter().map(|h| decode(h.as_str().unwrap_or(""))).collect();
            match merkle::verify_consistency(state.tree_size, size, &old_root, &root, &hashes?) {
                Ok(()) => {
                    report.ok(format!("consistent with the remembered checkpoint of {} entries", state.tree_size))
                }
                Err(e) => report.fail(format!(
                    "not consistent with the remembered checkpoint of {} entries ({e}): the log was rewritten",
                    state.tree_size
                )),
            }
        }
    }

    // 3. The entries: documents rehashed, leaves rebuilt, inclusion proven.
    let mut all_leaves: Vec<Hash> = Vec::with_capacity(size as usize);
    // The verified bytes of each session's newest version: step 4 compares served votes with
    // these, never with a second download the server could answer differently.
    let mut latest_sessions: BTreeMap<String, (i64, Vec<u8>)> = BTreeMap::new();
    let mut checked = 0u64;
    let mut start = 0u64;
    while start < size {
        let end = (start + 1000).min(size);
        let page = get_json(&client, &format!("{base}/v1/log/entries?start={start}&end={end}")).await?;
        for e in page["items"].as_array().ok_or("no entries")? {
            let index = e["index"].as_u64().ok_or("entry without index")?;
            let leaf = decode(e["leaf_hash"].as_str().unwrap_or(""))?;
            all_leaves.push(leaf);
            let council = e["council"].as_str();
            if opts.council.as_deref().is_some_and(|c| council != Some(c)) {
                continue;
            }
            checked += 1;
            let doc = client.get(format!("{base}/v1/log/entries/{index}/document")).send().await?.bytes().await?;
            let sha = canonical::sha256_hex(&doc);
            let kind = e["kind"].as_str().unwrap_or("");
            let id = e["document_id"].as_str().unwrap_or("");
            let version = e["version"].as_i64().unwrap_or(0);
            let what = format!("entry {index} ({kind} {id} v{version})");
            if Some(sha.as_str()) != e["sha256"].as_str() {
                report.fail(format!("{what}: the served document does not hash to the logged sha256"));
                continue;
            }
            let received_at = e["leaf_data"]
                .as_str()
                .and_then(|d| serde_json::from_str::<Value>(d).ok())
                .and_then(|d| d["received_at"].as_str().map(str::to_owned));
            let data = tlog::leaf_data(index, council, kind, id, version, received_at.as_deref().unwrap_or(""), &sha)?;
            if Some(data.as_str()) != e["leaf_data"].as_str() || merkle::leaf_hash(data.as_bytes()) != leaf {
                report.fail(format!("{what}: the leaf does not match the document"));
                continue;
            }
            if kind == "session_record" {
                let newer = latest_sessions.get(id).is_none_or(|(v, _)| version >= *v);
                if newer {
                    latest_sessions.insert(id.to_owned(), (version, doc.to_vec()));
                }
            }
            if opts.council.is_some() {
                let p =
                    get_json(&client, &format!("{base}/v1/log/proofs/inclusion?leaf_index={index}&tree_size={size}"))
                        .await?;
                let hashes: Result<Vec<Hash>, Fail> =
                    p["proof"].as_array().ok_or("no proof")?.iter().map(|h| decode(h.as_str().unwrap_or(""))).collect();
                if let Err(err) = merkle::verify_inclusion(&leaf, index, size, &hashes?, &root) {
                    report.fail(format!("{what}: not included in the checkpoint ({err})"));
                }
            }
        }
        start = end;
    }
    if opts.council.is_none() {
        // Every leaf was fetched: recomputing the root proves all of them at once.
        if all_leaves.len() as u64 == size && merkle::root(&all_leaves) == root {
            report.ok(format!("all {size} entries rebuild the checkpoint's root"));
        } else {
            report.fail("the entries do not rebuild the checkpoint's root");
        }
    }
    report.ok(format!("{checked} document versions rehashed and matched to their leaves"));

    // 4. What the server serves must be what it logged.
    let mut votes = 0;
    for (session, (_, body)) in &latest_sessions {
        let doc: Value = serde_json::from_slice(body)?;
        for e in doc["vote_events"].as_array().into_iter().flatten() {
            let id = e["id"].as_str().unwrap_or("");
            let served = get_json(&client, &format!("{base}/v1/vote-events/{id}")).await?;
            let logged: BTreeMap<&str, &str> = e["ballots"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| Some((b["deputy"].as_str()?, b["option"].as_str()?)))
                .collect();
            let got: BTreeMap<&str, &str> = served["ballots"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| Some((b["deputy"].as_str()?, b["option"].as_str()?)))
                .collect();
            votes += 1;
            if logged != got {
                report.fail(format!(
                    "vote event {id} of session {session}: the ballots served differ from the logged record"
                ));
            }
        }
    }
    report.ok(format!("{votes} served vote events match their logged records"));

    if report.failures.is_empty() {
        state = TrustState { verifier_key: Some(pinned), tree_size: size, root_hash: STANDARD.encode(root) };
        if let Some(dir) = opts.state_file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&opts.state_file, serde_json::to_string_pretty(&state)?)?;
        report.lines.push(format!("saved checkpoint {size} to {}", opts.state_file.display()));
    }
    Ok(report)
}
