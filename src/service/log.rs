//! The transparency log as citizens and clients see it: the signed checkpoint of its committed
//! head, its entries, inclusion and consistency proofs (never beyond the committed size), and the
//! server's public keys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Error, Service};
use crate::domain::log::merkle::Hash;
use crate::domain::log::note;
use crate::store::{self, StoreError};
use crate::witness::CheckpointError;

pub use store::log::EntryRead;

/// The checkpoint the log serves.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// The log's origin (first line of the note), fixed when the log was created.
    pub origin: String,
    /// Number of entries.
    pub tree_size: u64,
    /// Merkle tree hash.
    pub root: Hash,
    /// Its signatures, when the server holds a signing key.
    pub signed: Option<Signed>,
}

/// A checkpoint's signed note and the key that made it.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The C2SP signed note: the checkpoint body, a signature line from each of the log's keys
    /// and the `cosignature/v1` lines of the witnesses that cosigned it.
    pub note: String,
    /// The verifier key of the log's active key (C2SP vkey string).
    pub verifier_key: String,
    /// The active key's raw Ed25519 public key, base64.
    pub public_key: String,
    /// The active key's id.
    pub kid: String,
    /// The witnesses whose valid cosignature the note carries.
    pub cosigned_by: Vec<String>,
}

/// A checkpoint that cannot be made is the server's fault (or its database's).
fn checkpoint_error(e: CheckpointError) -> Error {
    match e {
        CheckpointError::Store(s) => s.into(),
        other => Error::Internal(other.to_string()),
    }
}

/// The checkpoint to serve (see [`crate::witness::Checkpoints::served`]), read from committed
/// state only: it never covers an uncommitted append. Without a signing key, the committed head
/// unsigned.
#[tracing::instrument(skip(svc), err(level = "debug"))]
pub async fn checkpoint(svc: &Service) -> Result<Checkpoint, Error> {
    let origin = svc.checkpoints.origin.clone();
    let served = match svc.checkpoints.served(&svc.db, &svc.keys).await {
        Ok(s) => Some(s),
        Err(CheckpointError::NoKey) => None,
        Err(e) => return Err(checkpoint_error(e)),
    };
    let (tree_size, root) = match &served {
        Some(s) => (s.size, s.root),
        None => head(svc).await?,
    };
    let signed = match (svc.keys.active(), served) {
        (Some(key), Some(s)) => Some(Signed {
            note: s.note,
            verifier_key: note::verifier_key_string(&origin, &key.verifying()),
            public_key: STANDARD.encode(key.verifying().as_bytes()),
            kid: key.kid.clone(),
            cosigned_by: s.cosigned_by,
        }),
        _ => None,
    };
    Ok(Checkpoint { origin, tree_size, root, signed })
}

/// The committed size of the log and its root. A log without its head row is the server's
/// fault, never the client's "not found".
pub async fn head(svc: &Service) -> Result<(u64, Hash), Error> {
    store::log::head(&svc.db).await.map_err(|e| match e {
        StoreError::NotFound(what) => Error::Internal(format!("{what} is missing")),
        other => other.into(),
    })
}

/// Most entries one [`entries`] call returns.
pub const MAX_ENTRIES: u64 = 1000;

/// Entries `[start, end)` (at most [`MAX_ENTRIES`], cut at the log's size) and the log's size.
pub async fn entries(svc: &Service, start: u64, end: u64) -> Result<(u64, Vec<EntryRead>), Error> {
    let (size, _) = head(svc).await?;
    if start > end || end - start > MAX_ENTRIES {
        return Err(Error::BadRequest(format!("need start <= end and at most {MAX_ENTRIES} entries")));
    }
    let end = end.min(size);
    let rows = if start < end { store::log::entries(&svc.db, start, end).await? } else { vec![] };
    Ok((size, rows))
}

/// The stored canonical JSON of the version at a log index, byte for byte.
pub async fn entry_document(svc: &Service, index: u64) -> Result<String, Error> {
    Ok(store::log::entry_body(&svc.db, index).await?)
}

/// An inclusion proof and what it proves.
#[derive(Debug, Clone)]
pub struct Inclusion {
    /// The entry's leaf hash.
    pub leaf_hash: Hash,
    /// Sibling hashes from the leaf up.
    pub proof: Vec<Hash>,
    /// The root at the tree size.
    pub root: Hash,
}

/// Proof that the entry at `leaf_index` is in the tree of size `tree_size` (at most the log's
/// committed size).
pub async fn inclusion_proof(svc: &Service, leaf_index: u64, tree_size: u64) -> Result<Inclusion, Error> {
    let (size, _) = head(svc).await?;
    if tree_size == 0 || tree_size > size || leaf_index >= tree_size {
        return Err(Error::BadRequest(format!("need leaf_index < tree_size <= {size}")));
    }
    let p = store::tiles::inclusion(&svc.db, leaf_index, tree_size).await?;
    Ok(Inclusion { leaf_hash: p.leaf, proof: p.proof, root: p.root })
}

/// A consistency proof and the two roots it links.
#[derive(Debug, Clone)]
pub struct Consistency {
    /// Proof hashes.
    pub proof: Vec<Hash>,
    /// The root at the older size.
    pub first_root: Hash,
    /// The root at the newer size.
    pub second_root: Hash,
}

/// Proof that the tree of size `first` is a prefix of the tree of size `second` (at most the
/// log's committed size).
pub async fn consistency_proof(svc: &Service, first: u64, second: u64) -> Result<Consistency, Error> {
    let (size, _) = head(svc).await?;
    if first == 0 || first > second || second > size {
        return Err(Error::BadRequest(format!("need 0 < first <= second <= {size}")));
    }
    let p = store::tiles::consistency(&svc.db, first, second).await?;
    Ok(Consistency { proof: p.proof, first_root: p.first_root, second_root: p.second_root })
}

/// One of the server's public keys.
#[derive(Debug, Clone)]
pub struct PublicKey {
    /// Key id (also the `kid` of tokens it signs).
    pub kid: String,
    /// The raw Ed25519 public key, base64.
    pub public_key: String,
    /// The C2SP verifier key string for checkpoints (its name is the log's origin).
    pub verifier_key: String,
    /// It signs now.
    pub active: bool,
}

/// The log's public identity: its origin, keys and witnesses.
#[derive(Debug, Clone)]
pub struct Keys {
    /// The log's origin: the name of every key.
    pub origin: String,
    /// Every key, oldest first.
    pub keys: Vec<PublicKey>,
    /// The witnesses asked to cosign each checkpoint.
    pub witnesses: Vec<Witness>,
    /// Cosignatures a checkpoint needs to be served in preference to a newer one.
    pub quorum: u64,
}

/// A witness that cosigns the log's checkpoints.
#[derive(Debug, Clone)]
pub struct Witness {
    /// Its name (the key name of its cosignature lines).
    pub name: String,
    /// Its `cosignature/v1` verifier key.
    pub verifier_key: String,
    /// Where the log sends it checkpoints.
    pub url: String,
}

/// The server's public keys, oldest first, and the witnesses.
pub fn keys(svc: &Service) -> Keys {
    let cp = &svc.checkpoints;
    let active = svc.keys.active().map(|k| k.kid.clone());
    let keys = svc
        .keys
        .all()
        .map(|k| PublicKey {
            kid: k.kid.clone(),
            public_key: STANDARD.encode(k.verifying().as_bytes()),
            verifier_key: note::verifier_key_string(&cp.origin, &k.verifying()),
            active: active.as_deref() == Some(k.kid.as_str()),
        })
        .collect();
    let witnesses = cp
        .witnesses
        .iter()
        .map(|w| Witness { name: w.cosigner.name().to_owned(), verifier_key: w.cosigner.vkey(), url: w.url.clone() })
        .collect();
    Keys { origin: cp.origin.clone(), keys, witnesses, quorum: cp.quorum as u64 }
}

/// The bytes of a tlog tile (C2SP tlog-tiles) of the log at its committed size.
pub async fn tile(svc: &Service, tile: crate::domain::log::tiles::TileRef) -> Result<Vec<u8>, Error> {
    let (size, _) = head(svc).await?;
    Ok(store::tiles::tile(&svc.db, tile, size).await?)
}
