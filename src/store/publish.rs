//! The publication transaction shared by every document kind: take the write lock, compare with
//! the current version, check preconditions, then (after the caller's validation and normalized
//! writes) store the version with its change number and commit. All of it or nothing.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde::Serialize;

use super::StoreError;
use super::projection::Logged;
use crate::domain::enums::Provenance;
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::{self as tlog, canonical, leaf_time};
use crate::entity::{document_version, log_entry, write_head};

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

/// Who publishes, under which precondition and why.
#[derive(Debug, Clone)]
pub struct PublishMeta {
    /// The `sub` of the token.
    pub publisher: String,
    /// The `If-Match` header, verbatim.
    pub if_match: Option<String>,
    /// The stated reason for a correction.
    pub reason: Option<String>,
    /// Where the document comes from.
    pub provenance: Provenance,
    /// The receive time to record instead of the clock's, for history that is not received
    /// live: the synthetic country's invented receive times, and bulk imports that carry the
    /// exporting server's times. `None` (every API write) means now.
    pub received_at: Option<DateTime<Utc>>,
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

/// Canonical JSON of a document (see `domain::log::canonical` for the exact format): what is
/// stored, hashed and logged.
pub fn canonical_json<T: Serialize>(doc: &T) -> Result<String, StoreError> {
    let value =
        serde_json::to_value(doc).map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("serialize: {e}"))))?;
    canonical::canonical_json(&value)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("canonical JSON: {e}"))))
}

fn decode_frontier(text: &str) -> Vec<Hash> {
    text.split(',')
        .filter(|h| !h.is_empty())
        .filter_map(canonical::from_hex)
        .filter_map(|b| merkle::hash_from_slice(&b).ok())
        .collect()
}

/// The metadata of the current version of a document, without its body (which may be large and
/// is not needed to compare or to answer).
async fn current_meta(
    txn: &DatabaseTransaction,
    kind: DocKind,
    doc_id: &str,
) -> Result<Option<VersionMeta>, StoreError> {
    use document_version::Column as C;
    type Row = (Option<String>, i32, String, DateTime<Utc>, Option<String>, String, String, i64, Option<i64>);
    let row = document_version::Entity::find()
        .select_only()
        .columns([C::CouncilId, C::Version, C::Sha256, C::ReceivedAt, C::Reason, C::Publisher, C::Provenance])
        .columns([C::Seq, C::LogIndex])
        .filter(C::Kind.eq(kind.as_str()))
        .filter(C::DocId.eq(doc_id))
        .order_by_desc(C::Version)
        .into_tuple::<Row>()
        .one(txn)
        .await?;
    let Some((council_id, version, sha256, received_at, reason, publisher, provenance, seq, log_index)) = row else {
        return Ok(None);
    };
    let provenance = stored_provenance(format_args!("document_version ({kind} {doc_id} v{version})"), &provenance)?;
    Ok(Some(VersionMeta {
        kind,
        doc_id: doc_id.to_owned(),
        council_id,
        version,
        sha256,
        received_at,
        reason,
        publisher,
        provenance,
        seq,
        log_index,
        leaf_hash: None,
    }))
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
    log_size: i64,
    frontier: Vec<Hash>,
}

impl Publication {
    /// Starts the transaction, takes the global write lock, and loads the current version.
    #[tracing::instrument(name = "publication.begin", skip_all, fields(kind = %kind, doc_id = %doc_id))]
    pub async fn begin<C: TransactionTrait<Transaction = DatabaseTransaction>>(
        db: &C,
        kind: DocKind,
        doc_id: &str,
        council_id: Option<&str>,
        body: String,
        received_at: Option<DateTime<Utc>>,
    ) -> Result<Self, StoreError> {
        let txn = db.begin().await?;
        // First statement is a write: it takes SQLite's write lock (waiting on busy_timeout) or
        // PostgreSQL's row lock, so publications are serialized from here to commit.
        // It returns the head it wrote (SQLite ≥ 3.35 and PostgreSQL both have RETURNING), which
        // saves reading it back.
        let bump = Query::update()
            .table(write_head::Entity)
            .value(write_head::Column::LastSeq, Expr::col(write_head::Column::LastSeq).add(1))
            .and_where(Expr::col(write_head::Column::Id).eq(Expr::val(1)))
            .returning(Query::returning().columns([
                write_head::Column::LastSeq,
                write_head::Column::LogSize,
                write_head::Column::Frontier,
            ]))
            .to_owned();
        let head = txn
            .query_all(&bump)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotFound("write_head".into())))?;
        let last_seq: i64 = head.try_get_by_index(0)?;
        let log_size: i64 = head.try_get_by_index(1)?;
        let frontier: String = head.try_get_by_index(2)?;
        let current = current_meta(&txn, kind, doc_id).await?;
        let sha256 = canonical::sha256_hex(body.as_bytes());
        Ok(Self {
            txn,
            kind,
            doc_id: doc_id.to_owned(),
            council_id: council_id.map(str::to_owned),
            body,
            sha256,
            current,
            received_at: received_at.unwrap_or_else(Utc::now).trunc_subsecs(6),
            seq: last_seq,
            log_size,
            frontier: decode_frontier(&frontier),
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
                // Nothing matches a missing document, `*` included (RFC 9110 §13.1.1).
                Some(_) => Err(StoreError::PreconditionFailed { current: "none".into() }),
                None => Ok(None),
            },
        }
    }

    /// The version number this publication will get.
    pub fn next_version(&self) -> i32 {
        self.current.as_ref().map_or(1, |c| c.version + 1)
    }

    /// The version this publication will log, as the projection reads it.
    pub fn logged(&self, provenance: Provenance) -> Logged<'_> {
        Logged {
            kind: self.kind,
            doc_id: &self.doc_id,
            council_id: self.council_id.as_deref(),
            version: self.next_version(),
            seq: self.seq,
            log_index: Some(self.log_size),
            received_at: self.received_at,
            provenance,
            body: &self.body,
        }
    }

    /// Stores the version row, appends its leaf to the log, and commits everything written in
    /// this transaction.
    #[tracing::instrument(name = "publication.commit", skip_all, fields(kind = %self.kind, doc_id = %self.doc_id, seq = self.seq))]
    pub async fn commit(mut self, meta: &PublishMeta) -> Result<VersionMeta, StoreError> {
        let seq = self.seq;
        let index = self.log_size;
        let version = self.next_version();
        let data = tlog::leaf_data(
            index as u64,
            self.council_id.as_deref(),
            self.kind.as_str(),
            &self.doc_id,
            i64::from(version),
            &leaf_time(self.received_at),
            &self.sha256,
        )
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("leaf data: {e}"))))?;
        let leaf = merkle::leaf_hash(data.as_bytes());
        let completed = tlog::tiles::append_leaf(&mut self.frontier, index as u64, leaf);
        // Nothing is read back: every value is known here but the version's row id.
        let version_id = document_version::Entity::insert(document_version::ActiveModel {
            kind: Set(self.kind.as_str().to_owned()),
            doc_id: Set(self.doc_id.clone()),
            council_id: Set(self.council_id.clone()),
            version: Set(version),
            body: Set(self.body),
            sha256: Set(self.sha256.clone()),
            received_at: Set(self.received_at),
            reason: Set(meta.reason.clone()),
            publisher: Set(meta.publisher.clone()),
            provenance: Set(meta.provenance.as_str().to_owned()),
            seq: Set(seq),
            log_index: Set(Some(index)),
            ..Default::default()
        })
        .exec(&self.txn)
        .await?
        .last_insert_id;
        let leaf_hex = canonical::to_hex(&leaf);
        log_entry::Entity::insert(log_entry::ActiveModel {
            idx: Set(index),
            version_id: Set(version_id),
            leaf_data: Set(data),
            leaf_hash: Set(leaf_hex.clone()),
        })
        .exec_without_returning(&self.txn)
        .await?;
        super::tiles::store_completed(&self.txn, &completed).await?;
        let frontier = self.frontier.iter().map(|h| canonical::to_hex(h)).collect::<Vec<_>>().join(",");
        write_head::Entity::update_many()
            .set(write_head::ActiveModel {
                id: NotSet,
                last_seq: Set(seq),
                log_size: Set(index + 1),
                frontier: Set(frontier),
            })
            .filter(write_head::Column::Id.eq(1))
            .exec(&self.txn)
            .await?;
        self.txn.commit().await?;
        let meta = VersionMeta {
            kind: self.kind,
            doc_id: self.doc_id,
            council_id: self.council_id,
            version,
            sha256: self.sha256,
            received_at: self.received_at,
            reason: meta.reason.clone(),
            publisher: meta.publisher.clone(),
            provenance: meta.provenance,
            seq,
            log_index: Some(index),
            leaf_hash: Some(leaf_hex),
        };
        Ok(meta)
    }
}
