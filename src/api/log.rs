//! The transparency log: signed checkpoints, entries, inclusion and consistency proofs, keys.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::problem::Problem;
use super::responses::{ByIdAndQuery, ByQuery, Nothing, Read, Refused};
use super::{ApiTags, AppState, PREFIX};
use crate::domain::log::merkle::Hash;
use crate::service;
use crate::service::log::EntryRead;

fn b64(h: &Hash) -> String {
    STANDARD.encode(h)
}

/// A hash stored as hex, served as base64.
pub(crate) fn hex_to_b64(hex: &str) -> Option<String> {
    hex::decode(hex).ok().map(|b| STANDARD.encode(b))
}

/// A signed checkpoint of the log.
#[derive(Object)]
pub struct Checkpoint {
    /// The log's origin (first line of the note), fixed when the log was created.
    pub origin: String,
    /// Number of entries.
    pub tree_size: u64,
    /// Merkle tree hash (base64).
    pub root_hash: String,
    /// The C2SP signed note: the tlog-checkpoint body, a signature line from each of the log's
    /// keys, and the `cosignature/v1` lines of the witnesses that cosigned it.
    pub note: String,
    /// The verifier key of the log's active key (C2SP vkey string).
    pub verifier_key: String,
    /// The witnesses whose valid cosignature the note carries.
    pub cosigned_by: Vec<String>,
}

/// One log entry.
#[derive(Object)]
pub struct LogEntry {
    /// Its index.
    pub index: i64,
    /// The exact leaf data (canonical JSON) that was hashed.
    pub leaf_data: String,
    /// `SHA-256(0x00 || leaf_data)`, base64.
    pub leaf_hash: String,
    /// Document kind.
    pub kind: String,
    /// Document id.
    pub document_id: String,
    /// Council.
    #[oai(skip_serializing_if_is_none)]
    pub council: Option<String>,
    /// Version.
    pub version: i32,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// SHA-256 (hex) of the version's canonical JSON.
    pub sha256: String,
    /// The stored canonical JSON of the version, byte for byte.
    pub document_url: String,
    /// Its inclusion proof in a tree of `tree_size` (fill in the size of your checkpoint).
    pub inclusion_proof_url: String,
}

/// A range of entries.
#[derive(Object)]
pub struct LogEntries {
    /// The entries, by index.
    pub items: Vec<LogEntry>,
    /// The log's size when read.
    pub tree_size: u64,
}

/// An inclusion proof.
#[derive(Object)]
pub struct InclusionProof {
    /// The entry.
    pub leaf_index: u64,
    /// The tree size the proof is for.
    pub tree_size: u64,
    /// The entry's leaf hash (base64).
    pub leaf_hash: String,
    /// Sibling hashes from the leaf up (base64).
    pub proof: Vec<String>,
    /// The root at `tree_size` (base64).
    pub root_hash: String,
}

/// A consistency proof.
#[derive(Object)]
pub struct ConsistencyProof {
    /// The older size.
    pub first: u64,
    /// The newer size.
    pub second: u64,
    /// Proof hashes (base64).
    pub proof: Vec<String>,
    /// Root at `first` (base64).
    pub first_root: String,
    /// Root at `second` (base64).
    pub second_root: String,
}

/// A public key.
#[derive(Object)]
pub struct LogKey {
    /// Key id (also the `kid` of tokens it signs).
    pub kid: String,
    /// Always `Ed25519`.
    pub algorithm: String,
    /// The 32-byte public key, base64.
    pub public_key: String,
    /// The C2SP verifier key string for checkpoints (name is the log origin).
    pub verifier_key: String,
    /// True for the key that signs tokens now. Every listed key signs each checkpoint.
    pub active: bool,
}

/// A witness that cosigns the log's checkpoints.
#[derive(Object)]
pub struct LogWitness {
    /// Its name (the key name of its cosignature lines).
    pub name: String,
    /// Its `cosignature/v1` verifier key (signature type 0x04).
    pub verifier_key: String,
    /// Where the log sends it checkpoints (`<url>/add-checkpoint`).
    pub url: String,
}

/// The keys.
#[derive(Object)]
pub struct LogKeys {
    /// The log's origin: the name of every key below. It never changes, not when keys rotate
    /// and not when the server moves to another address.
    pub origin: String,
    /// Every key, oldest first. A new key is listed, and signs checkpoints beside the old ones,
    /// from the day it is added; a key leaves the list only when the operator retires it.
    pub items: Vec<LogKey>,
    /// The witnesses asked to cosign each checkpoint.
    pub witnesses: Vec<LogWitness>,
    /// How many cosignatures a checkpoint needs before the log serves it in preference to a
    /// newer one (0: the newest is always served).
    pub witness_quorum: u64,
}

/// JSON served byte for byte as stored (re-serializing could change what was hashed).
pub struct RawJson(pub Vec<u8>);

impl poem_openapi::payload::Payload for RawJson {
    const CONTENT_TYPE: &'static str = "application/json";

    fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
        poem_openapi::registry::MetaSchemaRef::Inline(Box::new(poem_openapi::registry::MetaSchema::new("object")))
    }
}

impl poem::IntoResponse for RawJson {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().content_type("application/json").body(self.0)
    }
}

/// The stored bytes of a document version.
#[derive(ApiResponse)]
pub enum DocumentBytes {
    /// The canonical JSON, exactly as hashed; immutable.
    #[oai(status = 200)]
    Ok(RawJson, #[oai(header = "Cache-Control")] String),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

/// Log operations.
pub struct LogApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

fn entry_view(e: EntryRead, size: u64) -> LogEntry {
    let m = e.version;
    LogEntry {
        document_url: format!("{PREFIX}/log/entries/{}/document", e.index),
        inclusion_proof_url: format!("{PREFIX}/log/proofs/inclusion?leaf_index={}&tree_size={size}", e.index),
        index: e.index,
        leaf_hash: m.leaf_hash.as_deref().and_then(hex_to_b64).unwrap_or_default(),
        leaf_data: e.leaf_data,
        kind: m.kind.as_str().to_owned(),
        document_id: m.doc_id,
        council: m.council_id,
        version: m.version,
        received_at: m.received_at,
        sha256: m.sha256,
    }
}

#[OpenApi(prefix_path = "/v1/log", tag = "ApiTags::Log")]
impl LogApi {
    /// The latest signed checkpoint: tree size and root hash, as a C2SP signed note.
    #[oai(path = "/checkpoint", method = "get", operation_id = "get_log_checkpoint")]
    async fn get_log_checkpoint(&self) -> Result<Read<Checkpoint>, Refused<Nothing>> {
        let cp = service::log::checkpoint(&self.state.service).await?;
        let signed = cp.signed.ok_or_else(|| Problem::internal(&"no signing key loaded"))?;
        Ok(Read::of(Checkpoint {
            origin: cp.origin,
            tree_size: cp.tree_size,
            root_hash: b64(&cp.root),
            note: signed.note,
            verifier_key: signed.verifier_key,
            cosigned_by: signed.cosigned_by,
        }))
    }

    /// Entries `start` (inclusive) to `end` (exclusive), at most 1000, each with its leaf hash.
    #[oai(path = "/entries", method = "get", operation_id = "list_log_entries")]
    async fn list_log_entries(
        &self,
        /// First index.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        start: Query<u64>,
        /// One past the last index.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        end: Query<u64>,
    ) -> Result<Read<LogEntries>, Refused<ByQuery>> {
        let (size, rows) = service::log::entries(&self.state.service, start.0, end.0).await?;
        Ok(Read::of(LogEntries { items: rows.into_iter().map(|e| entry_view(e, size)).collect(), tree_size: size }))
    }

    /// The stored canonical JSON of the version at a log index, byte for byte.
    #[oai(path = "/entries/:index/document", method = "get", operation_id = "get_log_entry_document")]
    async fn get_log_entry_document(
        &self,
        /// The entry's index.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        index: Path<u64>,
    ) -> Result<DocumentBytes, Refused<ByIdAndQuery>> {
        let body = service::log::entry_document(&self.state.service, index.0).await?;
        Ok(DocumentBytes::Ok(RawJson(body.into_bytes()), "public, max-age=31536000, immutable".into()))
    }

    /// Proof that the entry at `leaf_index` is in the tree of size `tree_size`.
    #[oai(path = "/proofs/inclusion", method = "get", operation_id = "get_inclusion_proof")]
    async fn get_inclusion_proof(
        &self,
        /// The entry's index.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        leaf_index: Query<u64>,
        /// The tree size (from a checkpoint).
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        tree_size: Query<u64>,
    ) -> Result<Read<InclusionProof>, Refused<ByQuery>> {
        let p = service::log::inclusion_proof(&self.state.service, leaf_index.0, tree_size.0).await?;
        Ok(Read::of(InclusionProof {
            leaf_index: leaf_index.0,
            tree_size: tree_size.0,
            leaf_hash: b64(&p.leaf_hash),
            proof: p.proof.iter().map(b64).collect(),
            root_hash: b64(&p.root),
        }))
    }

    /// Proof that the tree of size `first` is a prefix of the tree of size `second`, with both roots.
    #[oai(path = "/proofs/consistency", method = "get", operation_id = "get_consistency_proof")]
    async fn get_consistency_proof(
        &self,
        /// The older size.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        first: Query<u64>,
        /// The newer size.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        second: Query<u64>,
    ) -> Result<Read<ConsistencyProof>, Refused<ByQuery>> {
        let p = service::log::consistency_proof(&self.state.service, first.0, second.0).await?;
        Ok(Read::of(ConsistencyProof {
            first: first.0,
            second: second.0,
            proof: p.proof.iter().map(b64).collect(),
            first_root: b64(&p.first_root),
            second_root: b64(&p.second_root),
        }))
    }

    /// The server's public keys: they verify checkpoints and tokens.
    #[oai(path = "/keys", method = "get", operation_id = "list_log_keys")]
    async fn list_log_keys(&self) -> Result<Read<LogKeys>, Refused<Nothing>> {
        let keys = service::log::keys(&self.state.service);
        Ok(Read::of(LogKeys {
            origin: keys.origin,
            items: keys
                .keys
                .into_iter()
                .map(|k| LogKey {
                    kid: k.kid,
                    algorithm: "Ed25519".into(),
                    public_key: k.public_key,
                    verifier_key: k.verifier_key,
                    active: k.active,
                })
                .collect(),
            witnesses: keys
                .witnesses
                .into_iter()
                .map(|w| LogWitness { name: w.name, verifier_key: w.verifier_key, url: w.url })
                .collect(),
            witness_quorum: keys.quorum,
        }))
    }
}
