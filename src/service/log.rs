//! The transparency log as citizens and clients see it: the signed checkpoint of its committed
//! head, its entries, inclusion and consistency proofs (never beyond the committed size), and the
//! server's public keys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Error, Service};
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::note;
use crate::store::{self, StoreError};

pub use store::log::EntryRead;

/// The log's committed head with its signature.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// The log's origin (first line of the note).
    pub origin: String,
    /// Number of entries.
    pub tree_size: u64,
    /// Merkle tree hash.
    pub root: Hash,
    /// The signature, when the server holds a signing key.
    pub signed: Option<Signed>,
}

/// A checkpoint's signature and the key that made it.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The C2SP signed note (tlog-checkpoint body plus the Ed25519 signature line).
    pub note: String,
    /// The verifier key (C2SP vkey string).
    pub verifier_key: String,
    /// The raw Ed25519 public key, base64.
    pub public_key: String,
    /// The key's id.
    pub kid: String,
}

/// The latest checkpoint, read from committed state only (it never covers an uncommitted
/// append), signed with the active key.
#[tracing::instrument(skip(svc), err(level = "debug"))]
pub async fn checkpoint(svc: &Service) -> Result<Checkpoint, Error> {
    let (tree_size, root) = head(svc).await?;
    let origin = svc.settings.log_origin();
    let signed = match svc.keys.active() {
        None => None,
        Some(key) => {
            let body = note::checkpoint_body(&origin, tree_size, &root);
            let note = note::sign_note(&body, &origin, &key.signing).map_err(|e| Error::Internal(e.to_string()))?;
            Some(Signed {
                note,
                verifier_key: note::verifier_key_string(&origin, &key.verifying()),
                public_key: STANDARD.encode(key.verifying().as_bytes()),
                kid: key.kid.clone(),
            })
        }
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
    let leaves = store::log::leaf_hashes(&svc.db, tree_size).await?;
    let proof =
        merkle::inclusion_proof(&leaves, leaf_index, tree_size).map_err(|e| Error::BadRequest(e.to_string()))?;
    let leaf_hash = *leaves
        .get(usize::try_from(leaf_index).unwrap_or(usize::MAX))
        .ok_or_else(|| Error::Internal(format!("the log has no leaf {leaf_index} below its size {size}")))?;
    Ok(Inclusion { leaf_hash, proof, root: merkle::root(&leaves) })
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
    let leaves = store::log::leaf_hashes(&svc.db, second).await?;
    let proof = merkle::consistency_proof(&leaves, first, second).map_err(|e| Error::BadRequest(e.to_string()))?;
    let prefix = leaves.get(..usize::try_from(first).unwrap_or(usize::MAX)).unwrap_or(&leaves);
    Ok(Consistency { proof, first_root: merkle::root(prefix), second_root: merkle::root(&leaves) })
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

/// The server's public keys, oldest first.
pub fn keys(svc: &Service) -> Vec<PublicKey> {
    let origin = svc.settings.log_origin();
    let active = svc.keys.active().map(|k| k.kid.clone());
    svc.keys
        .all()
        .map(|k| PublicKey {
            kid: k.kid.clone(),
            public_key: STANDARD.encode(k.verifying().as_bytes()),
            verifier_key: note::verifier_key_string(&origin, &k.verifying()),
            active: active.as_deref() == Some(k.kid.as_str()),
        })
        .collect()
}
