//! The `search` operation: councils, deputies, agenda items, decisions, motions and speeches,
//! most relevant first, each with its matched words marked.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use poem_openapi::param::Query;
use poem_openapi::{Object, OpenApi};

use super::paging::{Links, limit, next_link};
use super::problem::Problem;
use super::responses::{ByQuery, Read, Refused};
use super::{ApiTags, AppState, PREFIX};
use crate::domain::search::Segment;
use crate::service::search::{self as service, SearchFilter, kind};

/// A run of a result's text: a matched word or the text between matches. Joined in order, the
/// runs give the text back exactly; render `text` escaped.
#[derive(Object, Debug, Clone)]
pub struct TextRun {
    /// The text, as published.
    pub text: String,
    /// True when the query matched this word.
    #[oai(rename = "match")]
    pub hit: bool,
}

/// Matches of one kind.
#[derive(Object, Debug, Clone)]
pub struct KindCount {
    /// The kind: `council`, `deputy`, `agenda_item`, `decision`, `motion` or `speech`.
    pub kind: String,
    /// How many entries of it match, over every page.
    pub count: i64,
}

/// One thing found.
#[derive(Object, Debug, Clone)]
pub struct SearchHit {
    /// The kind: `council`, `deputy`, `agenda_item`, `decision`, `motion` or `speech`.
    pub kind: String,
    /// Its id (for a deputy, the deputy's; for an agenda item, the item's).
    pub id: String,
    /// Its council.
    pub council: String,
    /// The council's names by language tag.
    pub council_names: BTreeMap<String, String>,
    /// Its session, for things of a session.
    #[oai(skip_serializing_if_is_none)]
    pub session: Option<String>,
    /// The session's date.
    #[oai(skip_serializing_if_is_none)]
    pub date: Option<NaiveDate>,
    /// Its names or title by language tag, with the matched words marked.
    pub title: BTreeMap<String, Vec<TextRun>>,
    /// For decisions and speeches: the text around the first match, with the matched words marked.
    #[oai(skip_serializing_if_is_none)]
    pub excerpt: Option<Vec<TextRun>>,
    /// The citizens' page that shows it.
    pub page: String,
    /// True for synthetic (demo) records.
    pub synthetic: bool,
}

/// A page of search results.
#[derive(Object, Debug, Clone)]
pub struct SearchResults {
    /// The words searched for, after folding and stemming (empty when the text had none).
    pub terms: Vec<String>,
    /// Most relevant first: an exact name first, then by the engine's relevance.
    pub items: Vec<SearchHit>,
    /// Matches per kind over every page, whatever `kind` asked for.
    pub counts: Vec<KindCount>,
    /// Paging.
    pub links: Links,
}

fn runs(segments: Vec<Segment>) -> Vec<TextRun> {
    segments.into_iter().map(|s| TextRun { text: s.text, hit: s.hit }).collect()
}

/// Parses `kind=deputy,council`; an unknown kind is a 400 naming it.
pub fn kinds(raw: Option<&str>) -> Result<Vec<String>, Problem> {
    let Some(raw) = raw else { return Ok(vec![]) };
    let mut out = vec![];
    for k in raw.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        if !kind::ALL.contains(&k) {
            return Err(Problem::bad_request(format!(
                "kind: '{k}' is not a kind (rule: one_of); use {}",
                kind::ALL.join(", ")
            )));
        }
        out.push(k.to_owned());
    }
    Ok(out)
}

/// The search operation.
pub struct SearchApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Search")]
impl SearchApi {
    /// Search councils, deputies, agenda items, decisions, motions and speeches.
    ///
    /// Kazakh, Russian and Latin spellings of a name meet (Жақсыбеков, Жаксыбеков, Zhaksybekov),
    /// Russian and Kazakh inflections meet (бюджета finds бюджет), each word matches as a prefix
    /// (so initials work), and every word must match. Quotes, `*`, `OR`, `NEAR` and `--` are
    /// plain text. Dated filters (`from`, `to`) keep only things of sessions.
    #[expect(clippy::too_many_arguments, reason = "one argument per documented query parameter")]
    #[oai(path = "/search", method = "get", operation_id = "search")]
    async fn search(
        &self,
        /// What to find.
        q: Query<String>,
        /// Only these kinds, comma-separated: council, deputy, agenda_item, decision, motion, speech.
        kind: Query<Option<String>>,
        /// Only things of this council.
        council: Query<Option<String>>,
        /// Only things of this council and the councils under it (an oblast, its cities and districts).
        oblast: Query<Option<String>>,
        /// Only things of sessions on or after this date.
        from: Query<Option<NaiveDate>>,
        /// Only things of sessions on or before this date.
        to: Query<Option<NaiveDate>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<SearchResults>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let filter = SearchFilter {
            council: council.0.clone(),
            oblast: oblast.0.clone(),
            kinds: kinds(kind.0.as_deref())?,
            from: from.0,
            to: to.0,
        };
        let cur = cursor.0.as_deref().filter(|c| !c.is_empty());
        let found = service::find(&self.state.service, &q.0, &filter, cur, n).await?;
        let items = found
            .items
            .into_iter()
            .map(|r| SearchHit {
                page: r.page(),
                kind: r.kind,
                id: r.id,
                council: r.council,
                council_names: r.council_names,
                session: r.session,
                date: r.date,
                title: r.title.into_iter().map(|(l, s)| (l, runs(s))).collect(),
                excerpt: r.excerpt.map(runs),
                synthetic: r.synthetic,
            })
            .collect();
        let params = [
            ("q", Some(q.0)),
            ("kind", kind.0),
            ("council", council.0),
            ("oblast", oblast.0),
            ("from", from.0.map(|d| d.to_string())),
            ("to", to.0.map(|d| d.to_string())),
            ("limit", limit.0.map(|l| l.to_string())),
        ];
        Ok(Read::of(SearchResults {
            terms: found.terms,
            items,
            counts: found.counts.into_iter().map(|(kind, count)| KindCount { kind, count }).collect(),
            links: next_link(&format!("{PREFIX}/search"), &params, found.next),
        }))
    }
}
