//! The transparency log as citizens and clients see it: the signed checkpoint of its committed
//! head.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Error, Service};
use crate::domain::log::merkle::Hash;
use crate::domain::log::note;
use crate::store;

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
    let (tree_size, root) = store::log::head(&svc.db).await?;
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
