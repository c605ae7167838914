//! The checkpoint the log serves: its origin (stored with the log), the log's signatures, and the
//! witnesses' cosignatures it has collected.

use tokio::sync::Notify;

use crate::auth::KeyRing;
use crate::config::Settings;
use crate::domain::log::cosignature::Cosigner;
use crate::domain::log::merkle::Hash;
use crate::domain::log::note::{self, NoteError};
use crate::store::{self, Db, StoreError};

/// A witness the log asks for cosignatures.
#[derive(Debug, Clone)]
pub struct Witness {
    /// Its submission prefix (no trailing slash).
    pub url: String,
    /// Its name and key.
    pub cosigner: Cosigner,
}

/// Why a checkpoint could not be made or the witnessing could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// A database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No key to sign with.
    #[error("no signing key is loaded")]
    NoKey,
    /// A key, origin or note that the signed-note rules refuse.
    #[error("{0}")]
    Note(#[from] NoteError),
    /// A witness setting that cannot work.
    #[error("witness settings: {0}")]
    Settings(String),
}

/// The log's identity and witnesses, shared by the API, the pages and the cosigning task.
pub struct Checkpoints {
    /// The origin line, fixed when the log was first served.
    pub origin: String,
    /// The witnesses asked to cosign.
    pub witnesses: Vec<Witness>,
    /// Cosignatures a checkpoint needs to be served in preference to a newer one.
    pub quorum: usize,
    /// Woken after a write on this node, so new checkpoints are cosigned at once.
    pub wake: Notify,
    /// This node's name in the lease that decides which node asks the witnesses.
    pub node: String,
}

/// A checkpoint as served: the note text, the log's signatures and the valid cosignatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// Its tree size.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// The whole signed note.
    pub note: String,
    /// The witnesses whose cosignature it carries.
    pub cosigned_by: Vec<String>,
}

impl Checkpoints {
    /// Reads the witnesses from `settings` for a log of `origin`, refusing keys that do not parse
    /// and a quorum larger than the witnesses.
    pub fn new(origin: String, settings: &Settings) -> Result<Self, CheckpointError> {
        note::check_name(&origin)?;
        let witnesses = settings
            .witnesses
            .iter()
            .map(|w| {
                let cosigner = Cosigner::parse(&w.verifier_key)
                    .map_err(|e| CheckpointError::Settings(format!("witness {}: {e}", w.url)))?;
                Ok(Witness { url: w.url.trim_end_matches('/').to_owned(), cosigner })
            })
            .collect::<Result<Vec<_>, CheckpointError>>()?;
        let quorum = usize::try_from(settings.witness_quorum).unwrap_or(usize::MAX);
        if quorum > witnesses.len() {
            return Err(CheckpointError::Settings(format!(
                "witness_quorum is {quorum} but {} witnesses are configured",
                witnesses.len()
            )));
        }
        let mut names: Vec<&str> = witnesses.iter().map(|w| w.cosigner.name()).collect();
        names.sort_unstable();
        if names.windows(2).any(|p| p[0] == p[1]) {
            return Err(CheckpointError::Settings("two witnesses have the same name".into()));
        }
        Ok(Self { origin, witnesses, quorum, wake: Notify::new(), node: uuid::Uuid::new_v4().simple().to_string() })
    }

    /// The checkpoint to serve: with a quorum, the newest checkpoint that has it, else the
    /// newest of all; always with the valid cosignatures stored for it.
    ///
    /// When the tree no longer has the root the witnesses cosigned at that size (its database
    /// was rewritten), the newest checkpoint is served as it is, without their cosignatures:
    /// the rewrite shows to every verifier that asks for a quorum, rather than an older prefix
    /// being served in its place.
    pub async fn served(&self, db: &Db, keys: &KeyRing) -> Result<Served, CheckpointError> {
        let (size, root) = store::log::head(db).await?;
        if self.quorum > 0 {
            for (cosigned, cosigned_root) in store::witnessing::cosigned(db, self.quorum as u64, 1).await? {
                if cosigned > size || store::tiles::root_at(db, cosigned).await? != cosigned_root {
                    tracing::error!(size = cosigned, "the tree's root differs from the one the witnesses cosigned");
                    continue;
                }
                let served = self.at(db, keys, cosigned, cosigned_root).await?;
                if served.cosigned_by.len() >= self.quorum {
                    return Ok(served);
                }
            }
        }
        self.at(db, keys, size, root).await
    }

    /// The checkpoint of `size` leaves and `root`, signed by every key of the ring (the newest
    /// first: while keys rotate, a verifier that pinned an older key still finds its signature),
    /// with the stored cosignatures that verify.
    pub async fn at(&self, db: &Db, keys: &KeyRing, size: u64, root: Hash) -> Result<Served, CheckpointError> {
        let signed = self.sign(keys, size, &root)?;
        let text = note::checkpoint_body(&self.origin, size, &root);
        let mut note = signed;
        let mut cosigned_by = vec![];
        for c in store::witnessing::cosignatures(db, size, &root).await? {
            let Some(w) = self.witnesses.iter().find(|w| w.cosigner.name() == c.witness) else { continue };
            if w.cosigner.find_in(&format!("{text}\n{}", c.line)).is_some() {
                note.push_str(&c.line);
                cosigned_by.push(c.witness);
            }
        }
        Ok(Served { size, root, note, cosigned_by })
    }

    /// The checkpoint note signed by the log's keys only (what witnesses are sent).
    pub fn sign(&self, keys: &KeyRing, size: u64, root: &Hash) -> Result<String, CheckpointError> {
        let text = note::checkpoint_body(&self.origin, size, root);
        let mut all: Vec<_> = keys.all().collect();
        all.reverse();
        if all.is_empty() {
            return Err(CheckpointError::NoKey);
        }
        let mut out = format!("{text}\n");
        for k in all {
            let signed = note::sign_note(&text, &self.origin, &k.signing)?;
            out.push_str(&signed[text.len() + 1..]);
        }
        Ok(out)
    }
}
