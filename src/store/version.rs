//! What a stored version is: its document kind, its metadata, and their strict reading from a
//! `document_version` row. Apart from the publication transaction ([`super::publish`]), so that
//! the log, the projection and the tiles read versions without depending on the code that
//! writes them (no import cycle among `store/{log,projection,publish,tiles}`).

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::enums::Provenance;
use crate::entity::document_version;

/// The kinds of versioned document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A council's own description (admins).
    Council,
    /// A party (admins).
    Party,
    /// A council's roster.
    Roster,
    /// One session's record.
    SessionRecord,
    /// A record compiled from public sources (provenance `public_sources`), its council inline.
    PublicRecord,
}

impl DocKind {
    /// Stored and served name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Council => "council",
            DocKind::Party => "party",
            DocKind::Roster => "roster",
            DocKind::SessionRecord => "session_record",
            DocKind::PublicRecord => "public_record",
        }
    }

    /// Every kind, in the order their documents depend on one another (a council before its
    /// roster, a roster before the sessions whose ballots name its deputies).
    pub const ALL: [DocKind; 5] =
        [DocKind::Council, DocKind::Party, DocKind::Roster, DocKind::SessionRecord, DocKind::PublicRecord];

    /// Parses a stored or served name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored value that does not parse: the database holds something no publication writes. An
/// error naming the row, never a silent default.
pub(crate) fn corrupt(row: impl std::fmt::Display, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("{row}: {detail}")))
}

/// Parses a stored document kind strictly.
pub(crate) fn stored_kind(row: impl std::fmt::Display, s: &str) -> Result<DocKind, StoreError> {
    DocKind::parse(s).ok_or_else(|| corrupt(row, format!("unknown document kind '{s}'")))
}

/// Parses a stored provenance strictly.
pub(crate) fn stored_provenance(row: impl std::fmt::Display, s: &str) -> Result<Provenance, StoreError> {
    Provenance::parse(s).ok_or_else(|| corrupt(row, format!("unknown provenance '{s}'")))
}

/// A stored version's metadata.
#[derive(Debug, Clone)]
pub struct VersionMeta {
    /// Which kind of document.
    pub kind: DocKind,
    /// The document's id.
    pub doc_id: String,
    /// The council it belongs to.
    pub council_id: Option<String>,
    /// 1, 2, 3 …
    pub version: i32,
    /// SHA-256 (hex) of the canonical JSON body.
    pub sha256: String,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// The stated reason, for corrections.
    pub reason: Option<String>,
    /// Who published it.
    pub publisher: String,
    /// Where it came from.
    pub provenance: Provenance,
    /// Its change-feed number.
    pub seq: i64,
    /// Its leaf in the transparency log.
    pub log_index: Option<i64>,
    /// The leaf hash (hex) of that entry.
    pub leaf_hash: Option<String>,
}

impl VersionMeta {
    /// The strong entity tag of this version, as sent in `ETag` and expected in `If-Match`.
    pub fn etag(&self) -> String {
        format!("\"v{}-{}\"", self.version, &self.sha256[..16])
    }
}

impl TryFrom<document_version::Model> for VersionMeta {
    type Error = StoreError;

    /// Fails, naming the row, when the stored kind or provenance is not one publication writes.
    fn try_from(m: document_version::Model) -> Result<Self, StoreError> {
        let row = format!("document_version {}", m.id);
        Ok(Self {
            kind: stored_kind(&row, &m.kind)?,
            provenance: stored_provenance(&row, &m.provenance)?,
            doc_id: m.doc_id,
            council_id: m.council_id,
            version: m.version,
            sha256: m.sha256,
            received_at: m.received_at,
            reason: m.reason,
            publisher: m.publisher,
            seq: m.seq,
            log_index: m.log_index,
            leaf_hash: None,
        })
    }
}
