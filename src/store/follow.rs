//! What followers read: a council's logged versions, newest first, each summarized from its own
//! body (so a feed says what that version published, not what the tables say now).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use super::projection::{self, Document, Logged};
use super::publish::DocKind;
use crate::entity::document_version;

/// What one version published.
#[derive(Debug, Clone)]
pub enum Summary {
    /// The council's own description.
    Council,
    /// A roster with this many deputies.
    Roster {
        /// Deputies listed.
        deputies: usize,
    },
    /// A session record.
    Session {
        /// Its number in the convocation.
        number: u32,
        /// Its date.
        date: NaiveDate,
        /// Agenda items.
        agenda: usize,
        /// Vote events.
        votes: usize,
    },
    /// Anything else.
    Other,
}

/// One logged version of a council's documents.
#[derive(Debug, Clone)]
pub struct Change {
    /// The document's kind.
    pub kind: DocKind,
    /// Its id.
    pub doc_id: String,
    /// The version.
    pub version: i32,
    /// The change number (the feed's order and the entry's identity).
    pub seq: i64,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// The reason given for a correction.
    pub reason: Option<String>,
    /// What it published.
    pub summary: Summary,
}

/// The latest `limit` versions of council `council`'s documents (its own, its roster's, its
/// sessions'), newest first.
pub async fn council_changes(db: &DatabaseConnection, council: &str, limit: u64) -> Result<Vec<Change>, StoreError> {
    use document_version::Column as V;
    let rows = document_version::Entity::find()
        .filter(
            Condition::any()
                .add(V::CouncilId.eq(council))
                .add(Condition::all().add(V::Kind.eq(DocKind::Council.as_str())).add(V::DocId.eq(council))),
        )
        .order_by_desc(V::Seq)
        .limit(limit)
        .all(db)
        .await?;
    rows.iter().map(change).collect()
}

fn change(m: &document_version::Model) -> Result<Change, StoreError> {
    let v = Logged::stored(m)?;
    let summary = match projection::parse(&v)? {
        Document::Council(_) => Summary::Council,
        Document::Roster(r) => Summary::Roster { deputies: r.deputies.len() },
        Document::Session(s) => {
            Summary::Session { number: s.number, date: s.date(), agenda: s.agenda.len(), votes: s.vote_events.len() }
        }
        _ => Summary::Other,
    };
    Ok(Change {
        kind: v.kind,
        doc_id: m.doc_id.clone(),
        version: m.version,
        seq: m.seq,
        received_at: m.received_at,
        reason: m.reason.clone(),
        summary,
    })
}
