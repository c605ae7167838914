//! The projection: what one logged document version means in the served tables.
//!
//! The served tables are a pure function of the logged versions. This module is that function,
//! written once and used three ways:
//!
//! - the publication path ([`write`]) projects the version it is about to log and writes the rows;
//! - `rebuild` replays every stored version through the same writes;
//! - `audit` folds each document's versions through the same pure functions and compares the rows
//!   they imply with the stored rows, column by column.
//!
//! A version alone does not say everything: some columns keep what *earlier* versions
//! established. Witnessed times (when a session, an agenda item, a document or the minutes were
//! first received), `created_at`, the deputies a roster no longer lists (kept, unlisted, because
//! past ballots name them) and the council's `synthetic` flag at the time of publication. Each
//! projection function takes that earlier state explicitly (an `Option<&Prior>` or a lookup), so
//! the publication path reads it from the current rows and `audit` carries it from the previous
//! version's projection: the same function either way.
//!
//! Rows are sea-orm models (they never leave `store`). Tables with database-assigned ids
//! (convocations, mandates, party memberships, roles) get `id: 0` here; the writer leaves the id
//! to the database and `audit` matches those rows by their content's identity instead.

mod council;
mod public_record;
mod roster;
pub mod search;
mod session;
pub(crate) mod write;

use std::fmt;

use chrono::{DateTime, Utc};

pub use council::{council, party};
pub use public_record::public_record;
pub use roster::{RosterRows, roster};
pub use session::{SessionPrior, session, session_aggregates};

use super::StoreError;
use super::version::{DocKind, stored_kind, stored_provenance};
use crate::domain::Violation;
use crate::domain::council::{Council, Party};
use crate::domain::enums::Provenance;
use crate::domain::public_record::PublicRecord;
use crate::domain::roster::Roster;
use crate::domain::session::SessionRecord;
use crate::entity::document_version;

/// One logged document version, as the projection reads it.
#[derive(Debug, Clone, Copy)]
pub struct Logged<'a> {
    /// Which kind of document.
    pub kind: DocKind,
    /// The document's id.
    pub doc_id: &'a str,
    /// The council it belongs to (none for parties and public records).
    pub council_id: Option<&'a str>,
    /// Its version number.
    pub version: i32,
    /// Its change number.
    pub seq: i64,
    /// Its leaf in the log (known before commit: the publication holds the write lock).
    pub log_index: Option<i64>,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// Where it came from.
    pub provenance: Provenance,
    /// Its canonical JSON, exactly as stored and hashed.
    pub body: &'a str,
}

impl<'a> Logged<'a> {
    /// A stored version. Its kind and provenance are parsed strictly: a value no publication
    /// writes is an error naming the row.
    pub fn stored(v: &'a document_version::Model) -> Result<Self, StoreError> {
        let row = format!("document_version {} ({} {} v{})", v.id, v.kind, v.doc_id, v.version);
        Ok(Logged {
            kind: stored_kind(&row, &v.kind)?,
            doc_id: &v.doc_id,
            council_id: v.council_id.as_deref(),
            version: v.version,
            seq: v.seq,
            log_index: v.log_index,
            received_at: v.received_at,
            provenance: stored_provenance(&row, &v.provenance)?,
            body: &v.body,
        })
    }

    /// Which version this is, for reports.
    pub fn origin(&self) -> Origin {
        Origin { kind: self.kind, doc_id: self.doc_id.to_owned(), version: self.version, log_index: self.log_index }
    }

    /// The council a council-scoped document belongs to: its `council_id`, else its own id (a
    /// roster's id is its council's).
    fn council(&self) -> &str {
        self.council_id.unwrap_or(self.doc_id)
    }
}

/// The document version a row comes from, named in every finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Its kind.
    pub kind: DocKind,
    /// Its id.
    pub doc_id: String,
    /// Its version.
    pub version: i32,
    /// Its log entry.
    pub log_index: Option<i64>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} v{}", self.kind, self.doc_id, self.version)?;
        match self.log_index {
            Some(i) => write!(f, " (log entry {i})"),
            None => Ok(()),
        }
    }
}

/// A stored version's document, parsed by its kind.
#[derive(Debug, Clone)]
pub enum Document {
    /// A council.
    Council(Council),
    /// A party.
    Party(Party),
    /// A roster.
    Roster(Roster),
    /// A session record.
    Session(Box<SessionRecord>),
    /// A public record.
    PublicRecord(Box<PublicRecord>),
}

/// Parses the body of a stored version. A body that does not parse as its kind is an error
/// naming the version.
pub fn parse(v: &Logged) -> Result<Document, StoreError> {
    let bad =
        |e: serde_json::Error| super::version::corrupt(v.origin(), format!("the stored body does not parse: {e}"));
    Ok(match v.kind {
        DocKind::Council => Document::Council(serde_json::from_str(v.body).map_err(bad)?),
        DocKind::Party => Document::Party(serde_json::from_str(v.body).map_err(bad)?),
        DocKind::Roster => Document::Roster(serde_json::from_str(v.body).map_err(bad)?),
        DocKind::SessionRecord => Document::Session(Box::new(serde_json::from_str(v.body).map_err(bad)?)),
        DocKind::PublicRecord => Document::PublicRecord(Box::new(serde_json::from_str(v.body).map_err(bad)?)),
    })
}

/// Plain data (maps of strings, lists of structs) as the JSON text the tables store.
fn json<T: serde::Serialize>(v: &T) -> String {
    // Maps of strings and lists of plain structs always serialize.
    serde_json::to_string(v).unwrap_or_default()
}

/// Integer columns are 32-bit: a value that does not fit is refused with its path, never wrapped
/// (a wrapped value would be served as something the log does not say).
#[derive(Default)]
struct Ints(crate::domain::Violations);

impl Ints {
    fn fit(&mut self, x: impl TryInto<i32> + Copy + fmt::Display, path: impl FnOnce() -> String) -> i32 {
        x.try_into().unwrap_or_else(|_| {
            self.0.push(path(), "storage_range", format!("{x} is larger than the largest value stored (2147483647)"));
            0
        })
    }

    fn finish<T>(self, rows: T) -> Result<T, Vec<Violation>> {
        self.0.finish(rows)
    }
}
