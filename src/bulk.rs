//! Bulk export and import of stored documents as JSON Lines: one document version per line,
//! with its kind, id, council, version, change number, receive time, reason, provenance and
//! body.
//!
//! Export writes every stored version in change order (optionally one council's, with the
//! parties and parent council it needs). Import re-publishes the *current* version of each
//! document through the publication path, with the same field cleaning and rules as the API, so
//! importing an export into an empty database reproduces the same documents (the same SHA-256
//! of each body), and importing it again changes nothing. History is not replayed: the target's
//! versions and receive times are its own, as the server witnessed them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use crate::api::councils::{CouncilDoc, PartyDoc};
use crate::api::rosters::RosterDoc;
use crate::api::session_dto::SessionRecordDoc;
use crate::domain::{Violations, text};
use crate::store::bulk::{ExportScope, versions_after};
use crate::store::{self, PublishMeta, Published, StoreError};

/// One line of an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportLine {
    /// `council`, `party`, `roster` or `session_record`.
    pub kind: String,
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
    /// `council`, `public_sources` or `synthetic`.
    pub provenance: String,
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

fn bar(progress: bool, len: Option<u64>, what: &str) -> ProgressBar {
    if !progress {
        return ProgressBar::hidden();
    }
    let (b, template) = match len {
        Some(n) => (ProgressBar::new(n), format!("{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {what}")),
        None => (ProgressBar::new_spinner(), format!("{{elapsed_precise}} {{spinner}} {{pos}} {what}")),
    };
    b.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "),
    );
    b
}

/// Writes every stored version (of `council` and what it needs, when given) to `out` in change
/// order. Returns how many lines it wrote.
pub async fn export(
    db: &DatabaseConnection,
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
    let pb = bar(progress, None, "versions");
    let (mut after, mut n) = (0i64, 0u64);
    loop {
        let page = versions_after(db, &scope, after, 500).await?;
        let Some(last) = page.last() else { break };
        after = last.meta.seq;
        for v in page {
            let line = ExportLine {
                kind: v.meta.kind,
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
    /// Lines read.
    pub lines: u64,
    /// Documents stored as new versions.
    pub created: u64,
    /// Documents identical to the current version (nothing changed).
    pub unchanged: u64,
    /// Lines skipped because a later line holds a newer version of the same document.
    pub superseded: u64,
    /// Lines refused, with the reason.
    pub refused: Vec<Refusal>,
}

/// The fields needed to plan an import, read from every line in the first pass.
#[derive(Deserialize)]
struct Header {
    kind: String,
    id: String,
}

fn kind_rank(kind: &str) -> Option<u8> {
    match kind {
        "party" => Some(0),
        "council" => Some(1),
        "roster" => Some(2),
        "session_record" => Some(3),
        _ => None,
    }
}

fn provenance(p: &str) -> Option<&'static str> {
    ["council", "public_sources", "synthetic"].into_iter().find(|x| *x == p)
}

/// Imports a JSON Lines file. The current (last) version of each document is published, parties
/// first, then councils, rosters and session records, each group in the order the documents
/// first appear. With `replace`, a document that exists with other content is replaced
/// (`If-Match: *`); without it, such a line is refused.
pub async fn import(
    db: &DatabaseConnection,
    path: &Path,
    replace: bool,
    progress: bool,
) -> Result<ImportReport, BulkError> {
    let mut report = ImportReport::default();
    // Pass 1: where each document's first and last line are, by byte offset, so pass 2 can seek
    // to them and memory holds only one entry per document.
    let mut reader = BufReader::new(std::fs::File::open(path)?);
    let mut docs: HashMap<(u8, String), (u64, u64, u64)> = HashMap::new(); // first line, last line, offset
    let (mut offset, mut line_no, mut buf) = (0u64, 0u64, String::new());
    loop {
        buf.clear();
        let n = reader.read_line(&mut buf)? as u64;
        if n == 0 {
            break;
        }
        line_no += 1;
        let at = offset;
        offset += n;
        if buf.trim().is_empty() {
            continue;
        }
        report.lines += 1;
        match serde_json::from_str::<Header>(&buf) {
            Err(e) => report.refused.push(Refusal { line: line_no, reason: format!("not a document line: {e}") }),
            Ok(h) => match kind_rank(&h.kind) {
                None => report.refused.push(Refusal { line: line_no, reason: format!("unknown kind {}", h.kind) }),
                Some(rank) => {
                    let e = docs.entry((rank, h.id)).or_insert((line_no, line_no, at));
                    if e.1 != line_no {
                        report.superseded += 1;
                    }
                    (e.1, e.2) = (line_no, at);
                }
            },
        }
    }
    let mut plan: Vec<(u8, u64, u64, u64)> = docs.into_iter().map(|((r, _), (f, l, o))| (r, f, l, o)).collect();
    plan.sort_unstable();
    let pb = bar(progress, Some(plan.len() as u64), "documents");
    let mut file = BufReader::new(std::fs::File::open(path)?);
    for (_, _, line, at) in plan {
        file.seek(SeekFrom::Start(at))?;
        buf.clear();
        file.read_line(&mut buf)?;
        match publish_line(db, &buf, replace).await {
            Ok(Published::Created(_)) => report.created += 1,
            Ok(Published::Unchanged(_)) => report.unchanged += 1,
            Err(LineError::Refused(reason)) => report.refused.push(Refusal { line, reason }),
            Err(LineError::Store(e)) => return Err(e.into()),
        }
        pb.inc(1);
    }
    pb.finish_and_clear();
    report.refused.sort_by_key(|r| r.line);
    Ok(report)
}

enum LineError {
    Refused(String),
    Store(StoreError),
}

fn refusal(e: StoreError) -> LineError {
    match e {
        StoreError::Invalid(v) => LineError::Refused(
            v.iter().map(|x| format!("{} {}: {}", x.path, x.rule, x.message)).collect::<Vec<_>>().join("; "),
        ),
        StoreError::PreconditionRequired { current } | StoreError::PreconditionFailed { current } => {
            LineError::Refused(format!("the document exists with other content (version {current}); use --replace"))
        }
        StoreError::NotFound(what) => LineError::Refused(format!("{what} not found")),
        StoreError::BadRequest(what) => LineError::Refused(what),
        e @ StoreError::Db(_) => LineError::Store(e),
    }
}

fn shape<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, LineError> {
    serde_path_to_error::deserialize(body)
        .map_err(|e| LineError::Refused(format!("body at {}: {}", e.path(), e.inner())))
}

async fn publish_line(db: &DatabaseConnection, raw: &str, replace: bool) -> Result<Published, LineError> {
    let line: ExportLine =
        serde_json::from_str(raw).map_err(|e| LineError::Refused(format!("not a document line: {e}")))?;
    let provenance = provenance(&line.provenance)
        .ok_or_else(|| LineError::Refused(format!("unknown provenance {}", line.provenance)))?;
    let meta = PublishMeta {
        publisher: "import".into(),
        if_match: replace.then(|| "*".to_owned()),
        reason: None,
        provenance,
        received_at: None,
    };
    let mut v = Violations::new();
    text::check_id(&mut v, "/id", &line.id);
    let council = || line.council.clone().ok_or_else(|| LineError::Refused(format!("{} has no council", line.kind)));
    let published = match line.kind.as_str() {
        "party" => {
            let doc = shape::<PartyDoc>(line.body)?.parse(&mut v);
            store::councils::put_party(db, &line.id, &doc, v, &meta).await
        }
        "council" => {
            let doc = shape::<CouncilDoc>(line.body)?.parse(&mut v);
            store::councils::put_council(db, &line.id, &doc, v, &meta).await
        }
        "roster" => {
            let c = council()?;
            let doc = shape::<RosterDoc>(line.body)?.parse(&mut v);
            store::councils::put_roster(db, &c, &doc, v, &meta).await
        }
        "session_record" => {
            let c = council()?;
            let (doc, _) = shape::<SessionRecordDoc>(line.body)?.parse(&mut v);
            // A replaced record after its session date needs a public reason: keep the exported
            // one, or say where the change came from.
            let reason = line.reason.or_else(|| replace.then(|| "bulk import".to_owned()));
            store::sessions::put_session_record(db, &c, &line.id, &doc, reason, v, &meta).await
        }
        other => return Err(LineError::Refused(format!("unknown kind {other}"))),
    };
    published.map_err(refusal)
}
