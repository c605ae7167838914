//! Search as citizens and apps use it: parse what was typed, ask the index
//! ([`crate::store::search`]), and return each hit with its matched words marked, ready for the
//! `search` operation and the search page alike (both call [`find`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Error, Service};
pub use crate::domain::search::kind;
use crate::domain::search::{Query, Segment, highlight};
use crate::store::search as index;
pub use crate::store::search::SearchFilter;

/// Characters of a long text (decision, speech) kept around its first matched word.
pub const EXCERPT: usize = 240;

/// One result, its names and text split into marked and unmarked runs.
#[derive(Debug, Clone)]
pub struct Result {
    /// What it is: one of [`kind::ALL`].
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Its council's id.
    pub council: String,
    /// The council's names per language.
    pub council_names: BTreeMap<String, String>,
    /// Its session, for things of a session.
    pub session: Option<String>,
    /// The session's date.
    pub date: Option<NaiveDate>,
    /// Its names or title per language, marked.
    pub title: BTreeMap<String, Vec<Segment>>,
    /// An excerpt of its text around the first match, marked (decisions and speeches).
    pub excerpt: Option<Vec<Segment>>,
    /// True for synthetic records.
    pub synthetic: bool,
}

impl Result {
    /// The citizens' page that shows it.
    pub fn page(&self) -> String {
        match (self.kind.as_str(), &self.session) {
            (kind::COUNCIL, _) => format!("/councils/{}", self.id),
            (kind::DEPUTY, _) => format!("/deputies/{}", self.id),
            (_, Some(s)) => format!("/sessions/{s}"),
            _ => format!("/councils/{}", self.council),
        }
    }
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Results {
    /// The words looked for, after normalization (empty: the text had none).
    pub terms: Vec<String>,
    /// Most relevant first.
    pub items: Vec<Result>,
    /// Matches per kind over every page, in [`kind::ALL`] order.
    pub counts: Vec<(String, i64)>,
    /// The next page's cursor.
    pub next: Option<String>,
}

/// Searches for `text` (free text; any syntax in it is only text).
pub async fn find(
    svc: &Service,
    text: &str,
    filter: &SearchFilter,
    cursor: Option<&str>,
    limit: u64,
) -> std::result::Result<Results, Error> {
    let q = Query::parse(text);
    let found = index::search(&svc.reads().await, &q, filter, cursor, limit).await?;
    let langs = |json: &str| serde_json::from_str::<BTreeMap<String, String>>(json).unwrap_or_default();
    let items = found
        .hits
        .into_iter()
        .map(|h| Result {
            title: langs(&h.title).into_iter().map(|(l, t)| (l, highlight(&q, &t, None))).collect(),
            excerpt: h.body.as_deref().map(|b| highlight(&q, b, Some(EXCERPT))),
            council_names: h.council_names.as_deref().map(langs).unwrap_or_default(),
            kind: h.kind,
            id: h.ref_id,
            council: h.council_id,
            session: h.session_id,
            date: h.date,
            synthetic: h.synthetic,
        })
        .collect();
    let mut counts = found.counts;
    counts.sort_by_key(|(k, _)| kind::ALL.iter().position(|x| x == k));
    Ok(Results { terms: q.terms, items, counts, next: found.next })
}
