//! The transparency log: signed checkpoints, entries, inclusion and consistency proofs, keys.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::problem::ApiError;
use super::{ApiTags, AppState, PREFIX};
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::{canonical, note};
use crate::{service, store};

/// Most entries one `list_log_entries` call returns.
pub const MAX_ENTRIES: u64 = 1000;

fn b64(h: &Hash) -> String {
    STANDARD.encode(h)
}

fn hex_to_b64(hex: &str) -> String {
    canonical::from_hex(hex).map(|b| STANDARD.encode(b)).unwrap_or_default()
}

/// A signed checkpoint of the log.
#[derive(Object)]
pub struct Checkpoint {
    /// The log's origin (first line of the note).
    pub origin: String,
    /// Number of entries.
    pub tree_size: u64,
    /// Merkle tree hash (base64).
    pub root_hash: String,
    /// The C2SP signed note (tlog-checkpoint body plus the Ed25519 signature line).
    pub note: String,
    /// The verifier key that signed it (C2SP vkey string).
    pub verifier_key: String,
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
    /// True for the key that signs now.
    pub active: bool,
}

/// The keys.
#[derive(Object)]
pub struct LogKeys {
    /// Every key, oldest first.
    pub items: Vec<LogKey>,
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
}

/// Log operations.
pub struct LogApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

/// Roots and proofs for sizes up to the committed size.
async fn tree(state: &AppState, size: u64) -> Result<Vec<Hash>, ApiError> {
    Ok(store::log::leaf_hashes(&state.service.db, size).await?)
}

#[OpenApi(prefix_path = "/v1/log", tag = "ApiTags::Log")]
impl LogApi {
    /// The latest signed checkpoint: tree size and root hash, as a C2SP signed note.
    #[oai(path = "/checkpoint", method = "get", operation_id = "get_log_checkpoint")]
    async fn get_log_checkpoint(&self) -> Result<Json<Checkpoint>, ApiError> {
        let cp = service::log::checkpoint(&self.state.service).await?;
        let signed = cp.signed.ok_or_else(|| ApiError::internal(&"no signing key loaded"))?;
        Ok(Json(Checkpoint {
            origin: cp.origin,
            tree_size: cp.tree_size,
            root_hash: b64(&cp.root),
            note: signed.note,
            verifier_key: signed.verifier_key,
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
    ) -> Result<Json<LogEntries>, ApiError> {
        let (size, _) = store::log::head(&self.state.service.db).await?;
        if start.0 > end.0 || end.0 - start.0 > MAX_ENTRIES {
            return Err(ApiError::bad_request(format!("need start <= end and at most {MAX_ENTRIES} entries")));
        }
        let end = end.0.min(size);
        let rows = if start.0 < end { store::log::entries(&self.state.service.db, start.0, end).await? } else { vec![] };
        Ok(Json(LogEntries {
            items: rows
                .into_iter()
                .map(|(e, m)| LogEntry {
                    document_url: format!("{PREFIX}/log/entries/{}/document", e.idx),
                    inclusion_proof_url: format!("{PREFIX}/log/proofs/inclusion?leaf_index={}&tree_size={size}", e.idx),
                    index: e.idx,
                    leaf_hash: hex_to_b64(&e.leaf_hash),
                    leaf_data: e.leaf_data,
                    kind: m.kind,
                    document_id: m.doc_id,
                    council: m.council_id,
                    version: m.version,
                    received_at: m.received_at,
                    sha256: m.sha256,
                })
                .collect(),
            tree_size: size,
        }))
    }

    /// The stored canonical JSON of the version at a log index, byte for byte.
    #[oai(path = "/entries/:index/document", method = "get", operation_id = "get_log_entry_document")]
    async fn get_log_entry_document(
        &self,
        /// The entry's index.
        #[oai(validator(minimum(value = "0"), maximum(value = "9007199254740991")))]
        index: Path<u64>,
    ) -> Result<DocumentBytes, ApiError> {
        let (_, v) = store::log::entry_body(&self.state.service.db, index.0).await?;
        Ok(DocumentBytes::Ok(RawJson(v.body.into_bytes()), "public, max-age=31536000, immutable".into()))
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
    ) -> Result<Json<InclusionProof>, ApiError> {
        let (size, _) = store::log::head(&self.state.service.db).await?;
        if tree_size.0 == 0 || tree_size.0 > size || leaf_index.0 >= tree_size.0 {
            return Err(ApiError::bad_request(format!("need leaf_index < tree_size <= {size}")));
        }
        let leaves = tree(&self.state, tree_size.0).await?;
        let proof = merkle::inclusion_proof(&leaves, leaf_index.0, tree_size.0)
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(Json(InclusionProof {
            leaf_index: leaf_index.0,
            tree_size: tree_size.0,
            leaf_hash: b64(&leaves[leaf_index.0 as usize]),
            proof: proof.iter().map(b64).collect(),
            root_hash: b64(&merkle::root(&leaves)),
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
    ) -> Result<Json<ConsistencyProof>, ApiError> {
        let (size, _) = store::log::head(&self.state.service.db).await?;
        if first.0 == 0 || first.0 > second.0 || second.0 > size {
            return Err(ApiError::bad_request(format!("need 0 < first <= second <= {size}")));
        }
        let leaves = tree(&self.state, second.0).await?;
        let proof =
            merkle::consistency_proof(&leaves, first.0, second.0).map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(Json(ConsistencyProof {
            first: first.0,
            second: second.0,
            proof: proof.iter().map(b64).collect(),
            first_root: b64(&merkle::root(&leaves[..first.0 as usize])),
            second_root: b64(&merkle::root(&leaves)),
        }))
    }

    /// The server's public keys: they verify checkpoints and tokens.
    #[oai(path = "/keys", method = "get", operation_id = "list_log_keys")]
    async fn list_log_keys(&self) -> Result<Json<LogKeys>, ApiError> {
        let origin = self.state.service.settings.log_origin();
        let active = self.state.service.keys.active().map(|k| k.kid.clone());
        Ok(Json(LogKeys {
            items: self
                .state
                .service
                .keys
                .all()
                .map(|k| LogKey {
                    kid: k.kid.clone(),
                    algorithm: "Ed25519".into(),
                    public_key: STANDARD.encode(k.verifying().as_bytes()),
                    verifier_key: note::verifier_key_string(&origin, &k.verifying()),
                    active: active.as_deref() == Some(k.kid.as_str()),
                })
                .collect(),
        }))
    }
}
