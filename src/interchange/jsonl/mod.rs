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
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use crate::api::councils::{CouncilDoc, PartyDoc};
use crate::api::rosters::RosterDoc;
use crate::documents::session::SessionRecordDoc;
use crate::domain::{Violations, text};
use crate::store::bulk::{ExportScope, versions_after};
use crate::store::{self, PublishMeta, Published, StoreError};

/// One line of an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportLine {
    /// `council`, `party`, `roster`, `session_record` or `public_record`.
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
    /// Lines read (blank lines aside).
    pub lines: u64,
    /// Versions stored.
    pub created: u64,
    /// Lines whose version was already stored (nothing changed).
    pub unchanged: u64,
    /// Lines refused, with the reason.
    pub refused: Vec<Refusal>,
}

/// The fields needed to place a line in its document's history.
#[derive(Deserialize)]
struct Header {
    kind: String,
    id: String,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    sha256: Option<String>,
}

fn provenance(p: &str) -> Option<&'static str> {
    ["council", "public_sources", "synthetic"].into_iter().find(|x| *x == p)
}

/// Imports a JSON Lines file, line by line in its order (see the module documentation). A
/// document's first line in the file is refused when the database holds the document with
/// other content, unless `replace` (`If-Match: *`); its later lines continue its history.
pub async fn import(
    db: &DatabaseConnection,
    path: &Path,
    replace: bool,
    progress: bool,
) -> Result<ImportReport, BulkError> {
    let mut report = ImportReport::default();
    let total = BufReader::new(std::fs::File::open(path)?).lines().count() as u64;
    let pb = bar(progress, Some(total), "lines");
    let mut reader = BufReader::new(std::fs::File::open(path)?);
    // The documents met so far in this file: their later lines continue their history.
    let mut seen: HashSet<(String, String)> = HashSet::new();
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
            && store::bulk::has_version(db, &h.kind, &h.id, h.version, sha).await?
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
        e @ (StoreError::Db(_) | StoreError::Unavailable(_) | StoreError::Corrupt { .. }) => LineError::Store(e),
    }
}

fn shape<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, LineError> {
    serde_path_to_error::deserialize(body)
        .map_err(|e| LineError::Refused(format!("body at {}: {}", e.path(), e.inner())))
}

async fn publish_line(db: &DatabaseConnection, raw: &str, overwrite: bool) -> Result<Published, LineError> {
    let line: ExportLine =
        serde_json::from_str(raw).map_err(|e| LineError::Refused(format!("not a document line: {e}")))?;
    let provenance = provenance(&line.provenance)
        .ok_or_else(|| LineError::Refused(format!("unknown provenance {}", line.provenance)))?;
    let meta = PublishMeta {
        publisher: "import".into(),
        if_match: overwrite.then(|| "*".to_owned()),
        reason: line.reason.clone(),
        provenance,
        received_at: line.received_at,
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
            let reason = line.reason.or_else(|| overwrite.then(|| "bulk import".to_owned()));
            store::sessions::put_session_record(db, &c, &line.id, &doc, reason, v, &meta).await
        }
        "public_record" => {
            let doc = shape::<crate::domain::public_record::PublicRecord>(line.body)?;
            store::public_records::put_public_record(db, &line.id, &doc, v, &meta).await
        }
        other => return Err(LineError::Refused(format!("unknown kind {other}"))),
    };
    published.map_err(refusal)
}
