//! What followers read: a council's logged versions, newest first, each summarized from its own
//! body (so a feed says what that version published, not what the tables say now).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use super::projection::{self, Document, Logged};
use super::publish::DocKind;
use crate::entity::{ballot, deputy, document_version, speech};

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

/// The latest `limit` versions of the documents `docs` (by kind and id), newest first: what a
/// feed of a chosen set of documents (a deputy's, a search's) carries.
pub async fn document_changes(
    db: &DatabaseConnection,
    docs: &[(DocKind, String)],
    limit: u64,
) -> Result<Vec<Change>, StoreError> {
    use document_version::Column as V;
    if docs.is_empty() {
        return Ok(vec![]);
    }
    let mut any = Condition::any();
    for kind in DocKind::ALL {
        let ids: Vec<&str> = docs.iter().filter(|(k, _)| *k == kind).map(|(_, id)| id.as_str()).collect();
        if !ids.is_empty() {
            any = any.add(Condition::all().add(V::Kind.eq(kind.as_str())).add(V::DocId.is_in(ids)));
        }
    }
    let rows = document_version::Entity::find().filter(any).order_by_desc(V::Seq).limit(limit).all(db).await?;
    rows.iter().map(change).collect()
}

/// The documents a deputy's feed follows: the roster of their council and every session record
/// they voted or spoke in. `None` when there is no such deputy.
pub async fn deputy_documents(db: &DatabaseConnection, id: &str) -> Result<Option<Vec<(DocKind, String)>>, StoreError> {
    let Some(d) = deputy::Entity::find_by_id(id.to_owned()).one(db).await? else { return Ok(None) };
    let mut sessions: Vec<String> = ballot::Entity::find()
        .select_only()
        .column(ballot::Column::SessionId)
        .distinct()
        .filter(ballot::Column::DeputyId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    let spoke: Vec<String> = speech::Entity::find()
        .select_only()
        .column(speech::Column::SessionId)
        .distinct()
        .filter(speech::Column::DeputyId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    sessions.extend(spoke);
    sessions.sort();
    sessions.dedup();
    let mut docs = vec![(DocKind::Roster, d.council_id)];
    docs.extend(sessions.into_iter().map(|s| (DocKind::SessionRecord, s)));
    Ok(Some(docs))
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
