//! Bulk export and import of stored documents as JSON Lines: one document version per line,
//! with its kind, id, council, version, change number, receive time, reason, provenance and
//! body.
//!
//! Export writes every stored version in change order (optionally one council's, with the
//! parties and parent council it needs). Import replays the file in its order, every version
//! through the publication path with the same field cleaning and rules as the API, keeping each
//! version's receive time and reason from the line. Importing a whole export into an empty
//! database therefore reproduces the same history: the same documents and versions, the same
//! receive times (so the same witnessed times and metrics), and the same log root. Importing it
//! again changes nothing: a line whose version is already stored with the same SHA-256 is
//! counted unchanged. A line without a receive time (a hand-written bundle) is stamped with the
//! importing server's clock.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{progress_bar, refusal};
use crate::documents::council::CouncilDoc;
use crate::documents::party::PartyDoc;
use crate::documents::read;
use crate::documents::roster::RosterDoc;
use crate::documents::session::SessionRecordDoc;
use crate::domain::enums::Provenance;
use crate::domain::{Violations, text};
use crate::store::bulk::{ExportScope, versions_after};
use crate::store::councils::replace_meta;
use crate::store::{self, DocKind, PublishMeta, Published, StoreError};

/// The kind of document a line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A council's own description.
    Council,
    /// A party.
    Party,
    /// A council's roster.
    Roster,
    /// One session's record.
    SessionRecord,
    /// A record compiled from public sources.
    PublicRecord,
}

impl LineKind {
    /// The store's kind.
    pub fn doc_kind(self) -> DocKind {
        match self {
            LineKind::Council => DocKind::Council,
            LineKind::Party => DocKind::Party,
            LineKind::Roster => DocKind::Roster,
            LineKind::SessionRecord => DocKind::SessionRecord,
            LineKind::PublicRecord => DocKind::PublicRecord,
        }
    }

    /// The kind of a line holding a stored version of `kind`.
    pub fn of(kind: DocKind) -> LineKind {
        match kind {
            DocKind::Council => LineKind::Council,
            DocKind::Party => LineKind::Party,
            DocKind::Roster => LineKind::Roster,
            DocKind::SessionRecord => LineKind::SessionRecord,
            DocKind::PublicRecord => LineKind::PublicRecord,
        }
    }
}

/// One line of an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportLine {
    /// What the document is.
    pub kind: LineKind,
    /// The document's id.
    pub id: String,
    /// The council it belongs to (none for parties).
    #[serde(default)]
    pub council: Option<String>,
    /// Its version number where it was exported from.
    #[serde(default)]
    pub version: i32,
    /// Its change number where it was exported from.
    #[serde(default)]
    pub seq: i64,
    /// When the exporting server received it.
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
    /// The stated reason of a correction.
    #[serde(default)]
    pub reason: Option<String>,
    /// Where it comes from.
    pub provenance: Provenance,
    /// SHA-256 (hex) of the canonical body.
    #[serde(default)]
    pub sha256: Option<String>,
    /// The document.
    pub body: serde_json::Value,
}

/// Why a bulk operation stopped.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A line could not be written as JSON.
    #[error("cannot encode: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes every stored version (of `council` and what it needs, when given) to `out` in change
/// order. Returns how many lines it wrote.
pub async fn export(
    db: &store::Db,
    out: &mut impl Write,
    council: Option<&str>,
    progress: bool,
) -> Result<u64, BulkError> {
    let scope = match council {
        Some(c) => {
            let parent = store::councils::load_council(db, c).await?.parent;
            ExportScope { council: Some(c.to_owned()), parent }
        }
        None => ExportScope::default(),
    };
    let pb = progress_bar(progress, None, "versions");
    let (mut after, mut n) = (0i64, 0u64);
    loop {
        let page = versions_after(db, &scope, after, 500).await?;
        let Some(last) = page.last() else { break };
        after = last.meta.seq;
        for v in page {
            let line = ExportLine {
                kind: LineKind::of(v.meta.kind),
                id: v.meta.doc_id,
                council: v.meta.council_id,
                version: v.meta.version,
                seq: v.meta.seq,
                received_at: Some(v.meta.received_at),
                reason: v.meta.reason,
                provenance: v.meta.provenance,
                sha256: Some(v.meta.sha256),
                body: serde_json::from_str(&v.body)?,
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
            n += 1;
        }
        pb.set_position(n);
    }
    out.flush()?;
    pb.finish_and_clear();
    Ok(n)
}

/// A line that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Its line number (from 1).
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Lines read (blank lines aside).
    pub lines: u64,
    /// Versions stored.
    pub created: u64,
    /// Lines whose version was already stored (nothing changed).
    pub unchanged: u64,
    /// Lines refused, with the reason.
    pub refused: Vec<Refusal>,
    /// Whether what was stored was kept: false when a refused line (without
    /// `continue_on_error`) discarded the whole file, so nothing was stored.
    pub kept: bool,
}

/// The fields needed to place a line in its document's history.
#[derive(Deserialize)]
struct Header {
    kind: LineKind,
    id: String,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    sha256: Option<String>,
}

/// Imports a JSON Lines file, line by line in its order (see the module documentation). A
/// document's first line in the file is refused when the database holds the document with
/// other content, unless `replace` (`If-Match: *`); its later lines continue its history.
///
/// The file stands or falls as a whole: one refused line discards everything (nothing is
/// stored, `kept` is false), unless `continue_on_error`, which keeps every line that passed.
pub async fn import(
    db: &store::Db,
    path: &Path,
    replace: bool,
    continue_on_error: bool,
    progress: bool,
) -> Result<ImportReport, BulkError> {
    let mut report = ImportReport::default();
    let pool = db;
    let batch = store::begin_batch(db).await?;
    let db = &batch;
    let total = BufReader::new(std::fs::File::open(path)?).lines().count() as u64;
    let pb = progress_bar(progress, Some(total), "lines");
    let mut reader = BufReader::new(std::fs::File::open(path)?);
    // The documents met so far in this file: their later lines continue their history.
    let mut seen: HashSet<(LineKind, String)> = HashSet::new();
    let (mut line_no, mut buf) = (0u64, String::new());
    loop {
        buf.clear();
        if reader.read_line(&mut buf)? == 0 {
            break;
        }
        line_no += 1;
        pb.inc(1);
        if buf.trim().is_empty() {
            continue;
        }
        report.lines += 1;
        let h = match serde_json::from_str::<Header>(&buf) {
            Ok(h) => h,
            Err(e) => {
                report.refused.push(Refusal { line: line_no, reason: format!("not a document line: {e}") });
                continue;
            }
        };
        if let Some(sha) = &h.sha256
            && store::bulk::has_version(db, h.kind.doc_kind().as_str(), &h.id, h.version, sha).await?
        {
            report.unchanged += 1;
            seen.insert((h.kind, h.id));
            continue;
        }
        let continuing = !seen.insert((h.kind, h.id));
        match publish_line(db, &buf, replace || continuing).await {
            Ok(Published::Created(_)) => report.created += 1,
            Ok(Published::Unchanged(_)) => report.unchanged += 1,
            Err(LineError::Refused(reason)) => report.refused.push(Refusal { line: line_no, reason }),
            Err(LineError::Store(e)) => return Err(e.into()),
        }
    }
    pb.finish_and_clear();
    report.kept = store::end_batch(batch, report.refused.is_empty() || continue_on_error).await?;
    if report.kept {
        store::refresh_statistics(pool).await?;
    } else {
        report.created = 0;
    }
    Ok(report)
}

enum LineError {
    Refused(String),
    Store(StoreError),
}

impl From<StoreError> for LineError {
    fn from(e: StoreError) -> Self {
        match refusal(e) {
            Ok(reason) => LineError::Refused(reason),
            Err(e) => LineError::Store(e),
        }
    }
}

fn shape<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, LineError> {
    read::from_value(body).map_err(|v| LineError::Refused(format!("body {v}")))
}

async fn publish_line(db: &store::Batch, raw: &str, overwrite: bool) -> Result<Published, LineError> {
    let line: ExportLine =
        serde_json::from_str(raw).map_err(|e| LineError::Refused(format!("not a document line: {e}")))?;
    let meta = PublishMeta {
        publisher: "import".into(),
        if_match: overwrite.then(|| "*".to_owned()),
        reason: line.reason.clone(),
        provenance: line.provenance,
        received_at: line.received_at,
    };
    let meta = replace_meta(db, &meta, line.kind.doc_kind(), &line.id).await.map_err(LineError::Store)?;
    let mut v = Violations::new();
    text::check_id(&mut v, "/id", &line.id);
    let (id, council) = (line.id.as_str(), line.council.as_deref());
    let council = || council.ok_or_else(|| LineError::Refused(format!("a {:?} line has no council", line.kind)));
    Ok(match line.kind {
        LineKind::Party => {
            let doc = shape::<PartyDoc>(line.body)?.parse(&mut v);
            store::councils::put_party(db, id, &doc, v, &meta).await?
        }
        LineKind::Council => {
            let doc = shape::<CouncilDoc>(line.body)?.parse(&mut v);
            store::councils::put_council(db, id, &doc, v, &meta).await?
        }
        LineKind::Roster => {
            let doc = shape::<RosterDoc>(line.body)?.parse(&mut v);
            store::councils::put_roster(db, council()?, &doc, v, &meta).await?
        }
        LineKind::SessionRecord => {
            let (doc, _) = shape::<SessionRecordDoc>(line.body)?.parse(&mut v);
            // The API's rule, unchanged: a correction after the session date carries the reason
            // its line gives, and a line without one is refused, never given an invented reason.
            store::sessions::put_session_record(db, council()?, id, &doc, line.reason.clone(), v, &meta).await?
        }
        LineKind::PublicRecord => {
            let doc = shape::<crate::domain::public_record::PublicRecord>(line.body)?;
            store::public_records::put_public_record(db, id, &doc, v, &meta).await?
        }
    })
}
