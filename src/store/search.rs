//! Search: the engines' full-text indexes over `search_entry` (SQLite FTS5, PostgreSQL
//! `tsvector`), with filters, relevance order and cursor paging. The entries themselves are
//! written by the projection ([`super::projection::search`]); this module only reads them.
//!
//! Order: an entry whose name or title is exactly the query comes first (so typing a council's
//! full name finds that council before the items that mention it), then the engine's relevance
//! (BM25 on SQLite, `ts_rank` on PostgreSQL), then the entry id so pages are stable. The cursor
//! is the position in that order: relevance has no key a row could be resumed after.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};

use super::StoreError;
use crate::domain::search::Query;

/// What to search for and where.
#[derive(Debug, Default, Clone)]
pub struct SearchFilter {
    /// Only entries of this council.
    pub council: Option<String>,
    /// Only entries of this council, its children and grandchildren (an oblast with its
    /// districts and cities).
    pub oblast: Option<String>,
    /// Only these kinds (empty: every kind).
    pub kinds: Vec<String>,
    /// Only dated entries (of sessions) on or after this date.
    pub from: Option<NaiveDate>,
    /// Only dated entries on or before this date.
    pub to: Option<NaiveDate>,
}

/// One entry found.
#[derive(Debug, Clone)]
pub struct Hit {
    /// What it is (`council`, `deputy`, `agenda_item`, `decision`, `motion`, `speech`).
    pub kind: String,
    /// The id of the thing found.
    pub ref_id: String,
    /// Its council.
    pub council_id: String,
    /// The council's names (JSON map by language).
    pub council_names: Option<String>,
    /// Its session, for things of a session.
    pub session_id: Option<String>,
    /// The session's date.
    pub date: Option<NaiveDate>,
    /// The names or title per language (JSON map).
    pub title: String,
    /// The longer text (a decision's or speech's), if any.
    pub body: Option<String>,
    /// True for synthetic records.
    pub synthetic: bool,
}

/// A page of hits, with how many entries of each kind match in all.
#[derive(Debug, Clone)]
pub struct Found {
    /// The hits of this page, most relevant first.
    pub hits: Vec<Hit>,
    /// The cursor of the next page.
    pub next: Option<String>,
    /// Matches per kind over every page (kinds with none left out).
    pub counts: Vec<(String, i64)>,
}

/// SQL text with its values, placeholders written for the backend.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
}

/// The `FROM … WHERE …` shared by the page and the counts.
fn from_where(sql: &mut Sql, q: &Query, f: &SearchFilter, with_kinds: bool) {
    if sql.backend == DbBackend::Postgres {
        let m = sql.bind(q.tsquery());
        sql.push(&format!(
            " FROM search_entry e LEFT JOIN council c ON c.id = e.council_id, to_tsquery('simple', {m}) query \
             WHERE to_tsvector('simple', e.key) @@ query"
        ));
    } else {
        let m = sql.bind(q.fts5());
        sql.push(&format!(
            " FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid LEFT JOIN council c ON c.id = e.council_id \
             WHERE search_fts MATCH {m}"
        ));
    }
    if let Some(c) = &f.council {
        let p = sql.bind(c.clone());
        sql.push(&format!(" AND e.council_id = {p}"));
    }
    if let Some(o) = &f.oblast {
        let (a, b, d) = (sql.bind(o.clone()), sql.bind(o.clone()), sql.bind(o.clone()));
        sql.push(&format!(
            " AND e.council_id IN (SELECT id FROM council WHERE id = {a} OR parent_id = {b} \
             OR parent_id IN (SELECT id FROM council WHERE parent_id = {d}))"
        ));
    }
    if with_kinds && !f.kinds.is_empty() {
        let ps: Vec<String> = f.kinds.iter().map(|k| sql.bind(k.clone())).collect();
        sql.push(&format!(" AND e.kind IN ({})", ps.join(", ")));
    }
    if let Some(d) = f.from {
        let p = sql.bind(d);
        sql.push(&format!(" AND e.date >= {p}"));
    }
    if let Some(d) = f.to {
        let p = sql.bind(d);
        sql.push(&format!(" AND e.date <= {p}"));
    }
}

/// Parses a cursor this module issued: a position in the result order.
fn offset(cursor: Option<&str>) -> Result<u64, StoreError> {
    match cursor {
        None => Ok(0),
        Some(c) => c
            .strip_prefix('p')
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| StoreError::BadRequest("cursor: not a cursor of this search; use links.next".into())),
    }
}

/// Searches the index. A query without words finds nothing (never an error).
#[tracing::instrument(name = "store.search", skip_all, fields(terms = q.terms.len()))]
pub async fn search(
    db: &DatabaseConnection,
    q: &Query,
    f: &SearchFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Found, StoreError> {
    let start = offset(cursor)?;
    if q.is_empty() {
        return Ok(Found { hits: vec![], next: None, counts: vec![] });
    }
    let backend = db.get_database_backend();
    let mut sql = Sql { backend, text: String::new(), values: vec![] };
    let exact = sql.bind(q.exact());
    let (hit, score) = match backend {
        DbBackend::Postgres => {
            (format!("strpos(e.exact, {exact}) > 0"), "-ts_rank(to_tsvector('simple', e.key), query)")
        }
        _ => (format!("instr(e.exact, {exact}) > 0"), "bm25(search_fts)"),
    };
    sql.push(&format!(
        "SELECT e.kind, e.ref_id, e.council_id, c.names, e.session_id, e.date, e.title, e.body, e.synthetic, \
         CASE WHEN {hit} THEN 0 ELSE 1 END AS exact_miss, {score} AS score"
    ));
    from_where(&mut sql, q, f, true);
    let (lim, off) = (sql.bind((limit + 1) as i64), sql.bind(start as i64));
    sql.push(&format!(" ORDER BY exact_miss, score, e.id LIMIT {lim} OFFSET {off}"));
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql.text, sql.values)).await?;
    let mut hits = Vec::with_capacity(rows.len());
    for r in rows {
        hits.push(Hit {
            kind: r.try_get_by_index(0)?,
            ref_id: r.try_get_by_index(1)?,
            council_id: r.try_get_by_index(2)?,
            council_names: r.try_get_by_index(3)?,
            session_id: r.try_get_by_index(4)?,
            date: r.try_get_by_index(5)?,
            title: r.try_get_by_index(6)?,
            body: r.try_get_by_index(7)?,
            synthetic: r.try_get_by_index(8)?,
        });
    }
    let more = hits.len() as u64 > limit;
    hits.truncate(limit as usize);
    let next = more.then(|| format!("p{}", start + limit));
    Ok(Found { hits, next, counts: counts(db, q, f).await? })
}

/// Matches per kind, whatever kinds the filter asks for (so a page can offer the others).
async fn counts(db: &DatabaseConnection, q: &Query, f: &SearchFilter) -> Result<Vec<(String, i64)>, StoreError> {
    let backend = db.get_database_backend();
    let mut sql = Sql { backend, text: "SELECT e.kind, COUNT(*)".into(), values: vec![] };
    from_where(&mut sql, q, f, false);
    sql.push(" GROUP BY e.kind");
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql.text, sql.values)).await?;
    let mut out = vec![];
    for r in rows {
        out.push((r.try_get_by_index::<String>(0)?, r.try_get_by_index::<i64>(1)?));
    }
    Ok(out)
}
