//! The publication transaction shared by every document kind: take the write lock, compare with
//! the current version, check preconditions, then (after the caller's validation and normalized
//! writes) store the version with its change number and commit. All of it or nothing.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::entity::{document_version, write_head};

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
}

impl DocKind {
    /// Stored and served name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Council => "council",
            DocKind::Party => "party",
            DocKind::Roster => "roster",
            DocKind::SessionRecord => "session_record",
        }
    }
}

/// Who publishes, under which precondition and why.
#[derive(Debug, Clone)]
pub struct PublishMeta {
    /// The `sub` of the token.
    pub publisher: String,
    /// The `If-Match` header, verbatim.
    pub if_match: Option<String>,
    /// The stated reason for a correction.
    pub reason: Option<String>,
    /// `council`, `public_sources` or `synthetic`.
    pub provenance: &'static str,
}

/// A stored version's metadata.
#[derive(Debug, Clone)]
pub struct VersionMeta {
    /// Which kind of document.
    pub kind: String,
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
    pub provenance: String,
    /// Its change-feed number.
    pub seq: i64,
}

impl VersionMeta {
    /// The strong entity tag of this version, as sent in `ETag` and expected in `If-Match`.
    pub fn etag(&self) -> String {
        format!("\"v{}-{}\"", self.version, &self.sha256[..16])
    }
}

impl From<document_version::Model> for VersionMeta {
    fn from(m: document_version::Model) -> Self {
        Self {
            kind: m.kind,
            doc_id: m.doc_id,
            council_id: m.council_id,
            version: m.version,
            sha256: m.sha256,
            received_at: m.received_at,
            reason: m.reason,
            publisher: m.publisher,
            provenance: m.provenance,
            seq: m.seq,
        }
    }
}

/// What a `PUT` did.
#[derive(Debug, Clone)]
pub enum Published {
    /// A new version was stored.
    Created(VersionMeta),
    /// The body equals the current version: nothing changed.
    Unchanged(VersionMeta),
}

impl Published {
    /// The version now current.
    pub fn meta(&self) -> &VersionMeta {
        match self {
            Published::Created(m) | Published::Unchanged(m) => m,
        }
    }
}

/// Canonical JSON of a document: object keys sorted, no insignificant white space. Strings are
/// already NFC-normalized by the domain parsers. This is what is stored and hashed.
pub fn canonical_json<T: Serialize>(doc: &T) -> String {
    fn sort(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<_> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sort(v))).collect())
            }
            serde_json::Value::Array(a) => serde_json::Value::Array(a.into_iter().map(sort).collect()),
            other => other,
        }
    }
    // Serializing plain data structs to a Value cannot fail (no maps with non-string keys).
    serde_json::to_value(doc).map(sort).map(|v| v.to_string()).unwrap_or_default()
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// An open publication: the write lock is held until it is committed or dropped.
pub(crate) struct Publication {
    pub txn: DatabaseTransaction,
    kind: DocKind,
    doc_id: String,
    council_id: Option<String>,
    body: String,
    sha256: String,
    /// The version this one replaces.
    pub current: Option<VersionMeta>,
    /// The server's receive time of this version.
    pub received_at: DateTime<Utc>,
    /// The change number this version gets if it is committed.
    pub seq: i64,
}

impl Publication {
    /// Starts the transaction, takes the global write lock, and loads the current version.
    pub async fn begin(
        db: &DatabaseConnection,
        kind: DocKind,
        doc_id: &str,
        council_id: Option<&str>,
        body: String,
    ) -> Result<Self, StoreError> {
        let txn = db.begin().await?;
        // First statement is a write: it takes SQLite's write lock (waiting on busy_timeout) or
        // PostgreSQL's row lock, so publications are serialized from here to commit.
        txn.execute(
            Query::update()
                .table(write_head::Entity)
                .value(write_head::Column::LastSeq, Expr::col(write_head::Column::LastSeq).add(1))
                .and_where(Expr::col(write_head::Column::Id).eq(Expr::val(1))),
        )
        .await?;
        let seq: i64 = write_head::Entity::find_by_id(1)
            .one(&txn)
            .await?
            .map(|h| h.last_seq)
            .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotFound("write_head".into())))?;
        let current = document_version::Entity::find()
            .filter(document_version::Column::Kind.eq(kind.as_str()))
            .filter(document_version::Column::DocId.eq(doc_id))
            .order_by_desc(document_version::Column::Version)
            .one(&txn)
            .await?
            .map(VersionMeta::from);
        let sha256 = sha256_hex(&body);
        Ok(Self {
            txn,
            kind,
            doc_id: doc_id.to_owned(),
            council_id: council_id.map(str::to_owned),
            body,
            sha256,
            current,
            received_at: Utc::now().trunc_subsecs(6),
            seq,
        })
    }

    /// Applies the `PUT` preconditions. `Ok(Some(_))` means the body equals the current version
    /// (an idempotent re-send): nothing is to be written. A body with violations found so far is
    /// never taken for a re-send.
    pub fn preconditions(
        &self,
        if_match: Option<&str>,
        pending: &crate::domain::Violations,
    ) -> Result<Option<VersionMeta>, StoreError> {
        match &self.current {
            Some(cur) if cur.sha256 == self.sha256 && pending.is_empty() => Ok(Some(cur.clone())),
            Some(cur) => match if_match {
                None => Err(StoreError::PreconditionRequired { current: cur.etag() }),
                Some(tag) if tag.trim() == "*" || tag.split(',').any(|t| t.trim() == cur.etag()) => Ok(None),
                Some(_) => Err(StoreError::PreconditionFailed { current: cur.etag() }),
            },
            None => match if_match {
                Some(tag) if tag.trim() != "*" => Err(StoreError::PreconditionFailed { current: "none".into() }),
                _ => Ok(None),
            },
        }
    }

    /// The version number this publication will get.
    pub fn next_version(&self) -> i32 {
        self.current.as_ref().map_or(1, |c| c.version + 1)
    }

    /// Stores the version row and commits everything written in this transaction.
    pub async fn commit(self, meta: &PublishMeta) -> Result<VersionMeta, StoreError> {
        let seq = self.seq;
        let row = document_version::ActiveModel {
            kind: Set(self.kind.as_str().to_owned()),
            doc_id: Set(self.doc_id.clone()),
            council_id: Set(self.council_id.clone()),
            version: Set(self.next_version()),
            body: Set(self.body.clone()),
            sha256: Set(self.sha256.clone()),
            received_at: Set(self.received_at),
            reason: Set(meta.reason.clone()),
            publisher: Set(meta.publisher.clone()),
            provenance: Set(meta.provenance.to_owned()),
            seq: Set(seq),
            log_index: Set(None),
            ..Default::default()
        }
        .insert(&self.txn)
        .await?;
        self.txn.commit().await?;
        Ok(row.into())
    }
}
