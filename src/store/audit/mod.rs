//! `maslikhat audit`: the operator's check that what the database serves is what the log says.
//!
//! Two parts, both streamed in pages inside one read snapshot so memory stays flat whatever the
//! size of the history:
//!
//! 1. [`log`](self::log): every leaf is recomputed from its stored version (the body rehashed),
//!    the tree root from the leaves, and both are compared with what is stored.
//! 2. [`documents`]: for each document, its logged versions are folded through the projection
//!    (`store::projection`, the same functions the publication path writes with) into the rows
//!    they imply, and those rows are compared with the stored rows of every served table, column
//!    by column, both ways: a changed column, a missing row and an extra row are each named, with
//!    the logged version they come from.
//!
//! Findings go to a [`Sink`] as they are found (the command line prints them; [`audit`] collects
//! them).

mod documents;
mod log;
mod tables;

use std::collections::BTreeMap;
use std::fmt;

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QuerySelect};

pub use tables::{COVERED, NOT_SERVED, SQLITE_ONLY};

use super::StoreError;
use super::projection::Origin;
use crate::entity::{document_version, log_entry};

/// What kind of difference a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// A stored column differs from what the log implies.
    Changed,
    /// The log implies a row that is not stored.
    Missing,
    /// A stored row that no logged version implies.
    Extra,
    /// The log itself does not add up (a leaf, a version's hash, the root).
    Log,
}

/// One thing `audit` found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The table.
    pub table: &'static str,
    /// The row, by its id (or, where the database assigns ids, by what identifies it).
    pub row: String,
    /// What kind of difference.
    pub kind: FindingKind,
    /// The column that differs (for [`FindingKind::Changed`]).
    pub column: Option<String>,
    /// The stored value, as SQL writes it.
    pub stored: Option<String>,
    /// The value the log implies.
    pub logged: Option<String>,
    /// The logged document version the row comes from.
    pub origin: Option<Origin>,
    /// What is wrong, for findings about the log itself.
    pub detail: Option<String>,
}

impl Finding {
    /// A finding about a whole row.
    pub(crate) fn row(table: &'static str, row: String, kind: FindingKind, origin: Option<Origin>) -> Self {
        Self { table, row, kind, column: None, stored: None, logged: None, origin, detail: None }
    }

    /// A finding about the log itself.
    pub(crate) fn log(table: &'static str, row: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { detail: Some(detail.into()), ..Self::row(table, row.into(), FindingKind::Log, None) }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.table, self.row)?;
        let origin = self.origin.as_ref().map(|o| o.to_string());
        match self.kind {
            FindingKind::Changed => write!(
                f,
                "column {} is {}, the log says {} ({})",
                self.column.as_deref().unwrap_or("?"),
                self.stored.as_deref().unwrap_or("?"),
                self.logged.as_deref().unwrap_or("?"),
                origin.as_deref().unwrap_or("?"),
            ),
            FindingKind::Missing => {
                write!(f, "missing: {} implies it", origin.as_deref().unwrap_or("the log"))
            }
            FindingKind::Extra => match origin {
                Some(o) => write!(f, "extra: stored under {o}, which does not imply it"),
                None => write!(f, "extra: no logged document implies it"),
            },
            FindingKind::Log => f.write_str(self.detail.as_deref().unwrap_or("")),
        }
    }
}

/// Where findings and progress go while `audit` runs.
pub trait Sink: Send {
    /// One difference.
    fn finding(&mut self, f: Finding);
    /// `done` of `total` units (log entries plus documents) checked.
    fn progress(&mut self, _done: u64, _total: u64) {}
}

/// What `audit` checked.
#[derive(Debug, Default, Clone)]
pub struct AuditSummary {
    /// Log entries recomputed.
    pub entries: u64,
    /// Documents whose versions were folded into rows.
    pub documents: u64,
    /// Rows compared, per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// Differences found.
    pub findings: u64,
}

/// What `audit` checked and everything it found.
#[derive(Debug, Default)]
pub struct AuditReport {
    /// The counts.
    pub summary: AuditSummary,
    /// Every difference.
    pub findings: Vec<Finding>,
}

struct Collect(Vec<Finding>);

impl Sink for Collect {
    fn finding(&mut self, f: Finding) {
        self.0.push(f);
    }
}

/// Runs the whole audit and collects every finding (for tests and small databases; the command
/// line streams them with [`audit_with`]).
pub async fn audit(db: &DatabaseConnection) -> Result<AuditReport, StoreError> {
    let mut sink = Collect(vec![]);
    let summary = audit_with(db, &mut sink).await?;
    Ok(AuditReport { summary, findings: sink.0 })
}

/// The state of one run: its sink, its counts and its progress.
pub(crate) struct Run<'a> {
    sink: &'a mut dyn Sink,
    summary: AuditSummary,
    done: u64,
    total: u64,
}

impl Run<'_> {
    fn advance(&mut self, n: u64) {
        self.done += n;
        self.sink.progress(self.done, self.total);
    }

    fn compared(&mut self, table: &'static str, n: u64) {
        *self.summary.rows.entry(table).or_default() += n;
    }
}

impl Sink for Run<'_> {
    fn finding(&mut self, f: Finding) {
        self.summary.findings += 1;
        self.sink.finding(f);
    }
}

/// Log entries plus distinct documents: the units progress is counted in.
async fn total<C: ConnectionTrait>(db: &C) -> Result<u64, StoreError> {
    let entries = log_entry::Entity::find().count(db).await?;
    let documents = document_version::Entity::find()
        .select_only()
        .columns([document_version::Column::Kind, document_version::Column::DocId])
        .distinct()
        .count(db)
        .await?;
    Ok(entries + documents)
}

/// Runs the whole audit in one read snapshot, sending each finding to `sink` as it is found.
#[tracing::instrument(skip_all)]
pub async fn audit_with(db: &DatabaseConnection, sink: &mut dyn Sink) -> Result<AuditSummary, StoreError> {
    let txn = super::snapshot(db).await?;
    let total = total(&txn).await?;
    let mut run = Run { sink, summary: AuditSummary::default(), done: 0, total };
    run.sink.progress(0, total);
    log::check(&txn, &mut run).await?;
    documents::check(&txn, &mut run).await?;
    txn.commit().await?;
    Ok(run.summary)
}
