//! Proving the log: the pinned key, the signed checkpoint, its consistency with the one
//! remembered from the last run, every entry's leaf (the root rebuilt from all of them), and each
//! document in scope rehashed into its leaf.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::http::Http;
use super::logged::Version;
use super::{Fail, TrustState, VerifyOptions, VerifyReport};
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::{self as tlog, canonical, note};

/// A checkpoint whose signature verified.
pub struct Checkpoint {
    /// The pinned verifier key.
    pub key: String,
    /// Its tree size.
    pub size: u64,
    /// Its root.
    pub root: Hash,
}

fn decode(b64: &str) -> Result<Hash, Fail> {
    let bytes = STANDARD.decode(b64)?;
    Ok(merkle::hash_from_slice(&bytes)?)
}

/// The key to verify with: given, remembered, or the server's active key on first use.
async fn pinned_key(
    http: &mut Http,
    opts: &VerifyOptions,
    state: &TrustState,
    report: &mut VerifyReport,
) -> Result<String, Fail> {
    if let Some(k) = opts.key.as_ref().or(state.verifier_key.as_ref()) {
        return Ok(k.clone());
    }
    let keys = http.json("/v1/log/keys").await?;
    let active = keys["items"]
        .as_array()
        .and_then(|a| a.iter().find(|k| k["active"] == true))
        .ok_or("the server lists no active key")?;
    let k = active["verifier_key"].as_str().ok_or("the key has no verifier_key")?.to_owned();
    report.lines.push(format!("note  pinning the server's key on first use: {k}"));
    Ok(k)
}

/// A checkpoint whose log signature verified: origin, size, root, and the whole signed note
/// (with the witnesses' cosignatures).
type Signed = (String, u64, Hash, String);

/// The server's current checkpoint, if its signature verifies with `key` (else reported).
async fn signed(http: &mut Http, key: &str, report: &mut VerifyReport) -> Result<Option<Signed>, Fail> {
    let verifier = note::parse_verifier_key(key)?;
    let cp = http.json("/v1/log/checkpoint").await?;
    let text = cp["note"].as_str().ok_or("the checkpoint has no note")?;
    match note::open_note(text, &verifier) {
        Ok(body) => {
            let (origin, size, root) = note::parse_checkpoint(&body)?;
            Ok(Some((origin, size, root, text.to_owned())))
        }
        Err(e) => {
            report.fail(format!("checkpoint signature: {e}"));
            Ok(None)
        }
    }
}

/// Opens the signed checkpoint and proves it consistent with the remembered one. `None` when
/// the signature does not verify (reported).
pub async fn checkpoint(
    http: &mut Http,
    opts: &VerifyOptions,
    state: &TrustState,
    report: &mut VerifyReport,
) -> Result<Option<Checkpoint>, Fail> {
    let key = pinned_key(http, opts, state, report).await?;
    let Some((origin, size, root, text)) = signed(http, &key, report).await? else { return Ok(None) };
    report.ok(format!("checkpoint of {origin}: {size} entries, root {}", STANDARD.encode(root)));
    match crate::witness::quorum(&text, &opts.witnesses, opts.quorum) {
        Ok(line) => report.ok(line),
        Err(why) => {
            report.fail(why);
            return Ok(None);
        }
    }
    if state.tree_size > 0 {
        consistency(http, state, size, &root, report).await?;
    }
    Ok(Some(Checkpoint { key, size, root }))
}

/// The documents the log gained since `cp`, proven: the server's new signed checkpoint must be
/// the root of `cp`'s tree (its `frontier`) extended by the new entries' leaves, each leaf the
/// hash of the leaf data that names the document. Empty when the log has not grown, or when the
/// proof fails (reported).
pub async fn appended_since(
    http: &mut Http,
    cp: &Checkpoint,
    frontier: &[Hash],
    report: &mut VerifyReport,
) -> Result<BTreeSet<(String, String)>, Fail> {
    let Some((_, size, root, _)) = signed(http, &cp.key, report).await? else { return Ok(BTreeSet::new()) };
    let mut frontier = frontier.to_vec();
    let (mut out, mut n) = (BTreeSet::new(), cp.size);
    while n < size {
        let page = http.json(&format!("/v1/log/entries?start={n}&end={}", (n + 1000).min(size))).await?;
        let items = page["items"].as_array().ok_or("no entries")?;
        if items.is_empty() {
            break;
        }
        for e in items {
            let e = entry(e)?;
            let data: Value = serde_json::from_str(&e.leaf_data)?;
            if merkle::leaf_hash(e.leaf_data.as_bytes()) != e.leaf {
                report.fail(format!("entry {n}: the leaf is not the hash of its leaf data"));
            }
            let name = |k: &str| data[k].as_str().unwrap_or_default().to_owned();
            out.insert((name("kind"), name("document_id")));
            tlog::frontier_append(&mut frontier, n, e.leaf);
            n += 1;
        }
    }
    if n != size || tlog::frontier_root(&frontier) != root {
        report.fail(format!("the entries appended since the checkpoint of {} do not rebuild the new one", cp.size));
        return Ok(BTreeSet::new());
    }
    Ok(out)
}

async fn consistency(
    http: &mut Http,
    state: &TrustState,
    size: u64,
    root: &Hash,
    report: &mut VerifyReport,
) -> Result<(), Fail> {
    let old_root = decode(&state.root_hash)?;
    let old = state.tree_size;
    if size < old {
        report.fail(format!("the log shrank from {old} to {size} entries"));
    } else if size == old {
        if *root == old_root {
            report.ok("same checkpoint as last time");
        } else {
            report.fail("same size as the remembered checkpoint but a different root: the log was rewritten");
        }
    } else {
        let proof = http.json(&format!("/v1/log/proofs/consistency?first={old}&second={size}")).await?;
        let hashes: Result<Vec<Hash>, Fail> =
            proof["proof"].as_array().ok_or("no proof")?.iter().map(|h| decode(h.as_str().unwrap_or(""))).collect();
        match merkle::verify_consistency(old, size, &old_root, root, &hashes?) {
            Ok(()) => report.ok(format!("consistent with the remembered checkpoint of {old} entries")),
            Err(e) => report.fail(format!(
                "not consistent with the remembered checkpoint of {old} entries ({e}): the log was rewritten"
            )),
        }
    }
    Ok(())
}

/// One entry of the log as listed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its index.
    pub index: u64,
    /// The document kind.
    pub kind: String,
    /// The document id.
    pub doc_id: String,
    /// The version.
    pub version: i64,
    /// The council.
    pub council: Option<String>,
    /// The SHA-256 the leaf names.
    pub sha256: String,
    /// The leaf data.
    pub leaf_data: String,
    /// The leaf hash.
    pub leaf: Hash,
}

fn entry(e: &Value) -> Result<Entry, Fail> {
    Ok(Entry {
        index: e["index"].as_u64().ok_or("entry without index")?,
        kind: e["kind"].as_str().unwrap_or_default().to_owned(),
        doc_id: e["document_id"].as_str().unwrap_or_default().to_owned(),
        version: e["version"].as_i64().unwrap_or(0),
        council: e["council"].as_str().map(str::to_owned),
        sha256: e["sha256"].as_str().unwrap_or_default().to_owned(),
        leaf_data: e["leaf_data"].as_str().unwrap_or_default().to_owned(),
        leaf: decode(e["leaf_hash"].as_str().unwrap_or(""))?,
    })
}

/// Every entry of the checkpoint's tree, and the tree's frontier. Rebuilding the root from all
/// their leaves proves each leaf is in the signed tree at its index (so no inclusion proof per
/// entry is needed).
pub async fn entries(
    http: &mut Http,
    cp: &Checkpoint,
    report: &mut VerifyReport,
) -> Result<(Vec<Entry>, Vec<Hash>), Fail> {
    let mut out = Vec::with_capacity(cp.size as usize);
    let mut frontier = vec![];
    while (out.len() as u64) < cp.size {
        let start = out.len() as u64;
        let end = (start + 1000).min(cp.size);
        let page = http.json(&format!("/v1/log/entries?start={start}&end={end}")).await?;
        let items = page["items"].as_array().ok_or("no entries")?;
        if items.is_empty() {
            break;
        }
        for e in items {
            let e = entry(e)?;
            tlog::frontier_append(&mut frontier, out.len() as u64, e.leaf);
            out.push(e);
        }
    }
    if out.len() as u64 == cp.size && tlog::frontier_root(&frontier) == cp.root {
        report.ok(format!("all {} entries rebuild the checkpoint's root", cp.size));
    } else {
        report.fail("the entries do not rebuild the checkpoint's root");
    }
    Ok((out, frontier))
}

/// Fetches the document of entry `e`, rehashes it and rebuilds its leaf. `None` (reported) when
/// it does not match.
pub async fn document(http: &mut Http, e: &Entry, report: &mut VerifyReport) -> Result<Option<Version>, Fail> {
    let what = format!("entry {} ({} {} v{})", e.index, e.kind, e.doc_id, e.version);
    let (status, doc) = http.get(&format!("/v1/log/entries/{}/document", e.index)).await?;
    let sha = canonical::sha256_hex(&doc);
    if !status.is_success() || sha != e.sha256 {
        report.fail(format!("{what}: the served document does not hash to the logged sha256"));
        return Ok(None);
    }
    let received = serde_json::from_str::<Value>(&e.leaf_data)
        .ok()
        .and_then(|d| d["received_at"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let data = tlog::leaf_data(e.index, e.council.as_deref(), &e.kind, &e.doc_id, e.version, &received, &sha)?;
    let at = DateTime::parse_from_rfc3339(&received).map(|t| t.with_timezone(&Utc));
    let (true, Ok(received_at)) = (data == e.leaf_data && merkle::leaf_hash(data.as_bytes()) == e.leaf, at) else {
        report.fail(format!("{what}: the leaf does not match the document"));
        return Ok(None);
    };
    Ok(Some(Version {
        index: e.index,
        kind: e.kind.clone(),
        doc_id: e.doc_id.clone(),
        council: e.council.clone(),
        version: e.version,
        received_at,
        sha256: sha,
        body: serde_json::from_slice(&doc)?,
    }))
}
