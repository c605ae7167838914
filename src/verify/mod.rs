//! `maslikhat verify`: a citizen's check of a server, from outside.
//!
//! 1. [`log`]: pin the server's checkpoint key (given, or remembered from first use), open the
//!    signed checkpoint, prove it consistent with the last one accepted, rebuild its root from
//!    every entry's leaf, and rehash each document in scope into its leaf.
//! 2. [`logged`] and [`served`]: fold each document's verified versions into what the API must
//!    serve for it (councils, parties, rosters and deputies with their mandates, memberships and
//!    roles, sessions with agenda, documents and witnessed times, vote events with counts, result
//!    and motion, ballots, speeches, public records), read those endpoints and report every field
//!    that differs, by endpoint and JSON Pointer; then check the lists serve no document the log
//!    lacks.
//!
//! Requests go through [`http::Http`], which waits out `429`/`503` as the server asks. The
//! comparison itself ([`compare`]) is pure, over JSON values.

mod compare;
mod http;
mod log;
mod logged;
mod served;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use compare::{Difference, compare, unordered};
pub use http::wait_from_headers;

use self::http::Http;
use self::log::Entry;
use self::logged::{Expected, RosterFold, SessionFold, Version};
use self::served::Checker;
use crate::domain::council::{Council, Party};
use crate::domain::roster::Roster;
use crate::domain::session::SessionRecord;

/// What `verify` remembers between runs.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TrustState {
    /// The pinned C2SP verifier key.
    pub verifier_key: Option<String>,
    /// The last accepted tree size.
    pub tree_size: u64,
    /// The last accepted root (base64).
    pub root_hash: String,
}

/// Options of one run.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The server's base URL.
    pub server: String,
    /// A verifier key to pin (overrides the remembered one).
    pub key: Option<String>,
    /// Where the trust state lives.
    pub state_file: PathBuf,
    /// Check only this council's documents (default: everything).
    pub council: Option<String>,
    /// Witnesses' `cosignature/v1` verifier keys.
    pub witnesses: Vec<String>,
    /// Valid cosignatures from `witnesses` a checkpoint needs.
    pub quorum: usize,
}

/// The outcome: every line of the report, and whether anything failed.
#[derive(Debug, Default)]
pub struct VerifyReport {
    /// Human-readable lines.
    pub lines: Vec<String>,
    /// Failures (empty = verified).
    pub failures: Vec<String>,
    /// Things compared with what the server serves, per kind.
    pub compared: BTreeMap<&'static str, u64>,
    /// Requests sent, and how many of them the server's rate limits answered first.
    pub requests: (u64, u64),
    /// How long the run took.
    pub elapsed: Duration,
}

impl VerifyReport {
    fn ok(&mut self, s: impl Into<String>) {
        self.lines.push(format!("ok    {}", s.into()));
    }
    fn fail(&mut self, s: impl Into<String>) {
        let s = s.into();
        self.lines.push(format!("FAIL  {s}"));
        self.failures.push(s);
    }
}

type Fail = Box<dyn std::error::Error + Send + Sync>;

/// Percent-encodes a query value: everything but RFC 3986's unreserved characters.
fn encode(s: &str) -> String {
    const ESCAPED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(s, ESCAPED).to_string()
}

fn load_state(path: &Path) -> TrustState {
    std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// Runs the checks. Network and format errors are failures in the report, not panics.
pub async fn run(opts: &VerifyOptions) -> Result<VerifyReport, Fail> {
    let started = Instant::now();
    let mut http = Http::new(&opts.server);
    let mut report = VerifyReport::default();
    let state = load_state(&opts.state_file);
    let Some(cp) = log::checkpoint(&mut http, opts, &state, &mut report).await? else {
        return Ok(report);
    };
    let (entries, frontier) = log::entries(&mut http, &cp, &mut report).await?;
    let mut walk = Walk::new(opts.council.clone(), &entries);
    for e in &entries {
        if !walk.in_scope(e) {
            continue;
        }
        if let Some(v) = log::document(&mut http, e, &mut report).await? {
            walk.version(&mut http, v, &mut report).await?;
        }
    }
    report.ok(format!("{} document versions rehashed and matched to their leaves", walk.versions));
    walk.lists(&mut http).await?;
    if !walk.checker.differences.is_empty() {
        let changed = log::appended_since(&mut http, &cp, &frontier, &mut report).await?;
        walk.checker.settle(&changed, &mut report);
    }
    report.compared = walk.checker.counts.clone();
    report.requests = (http.requests, http.limited);
    report.elapsed = started.elapsed();
    summary(&walk, &http, &mut report);
    if report.failures.is_empty() {
        let state = TrustState { verifier_key: Some(cp.key), tree_size: cp.size, root_hash: STANDARD.encode(cp.root) };
        if let Some(dir) = opts.state_file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&opts.state_file, serde_json::to_string_pretty(&state)?)?;
        report.lines.push(format!("saved checkpoint {} to {}", cp.size, opts.state_file.display()));
    }
    Ok(report)
}

fn summary(walk: &Walk, http: &Http, report: &mut VerifyReport) {
    let kinds = walk.checker.counts.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ");
    let line = format!(
        "compared {} served reads with the log: {kinds}; {} requests ({} rate-limited, {:.1} s waited) in {:.1} s",
        walk.checker.reads,
        http.requests,
        http.limited,
        http.waited.as_secs_f64(),
        report.elapsed.as_secs_f64()
    );
    report.lines.push(format!("note  {line}"));
}

/// The documents the log has, by kind, for checking the lists.
#[derive(Debug, Default)]
struct Logged {
    councils: BTreeSet<String>,
    /// Each council as its last version says the list serves it.
    council_items: Vec<serde_json::Value>,
    parties: BTreeSet<String>,
    public_records: BTreeSet<String>,
    rosters: BTreeSet<String>,
    sessions: BTreeMap<String, BTreeSet<String>>,
}

/// One pass over the log's versions in order, folding each document and checking what is served
/// for it as soon as its last version is seen (so only unfinished documents are held).
struct Walk {
    council: Option<String>,
    last: HashMap<(String, String), u64>,
    synthetic: HashMap<String, bool>,
    first: HashMap<(String, String), DateTime<Utc>>,
    rosters: HashMap<String, RosterFold>,
    sessions: HashMap<String, SessionFold>,
    logged: Logged,
    checker: Checker,
    versions: u64,
}

impl Walk {
    fn new(council: Option<String>, entries: &[Entry]) -> Self {
        let mut last = HashMap::new();
        for e in entries {
            last.insert((e.kind.clone(), e.doc_id.clone()), e.index);
        }
        Self {
            council,
            last,
            synthetic: HashMap::new(),
            first: HashMap::new(),
            rosters: HashMap::new(),
            sessions: HashMap::new(),
            logged: Logged::default(),
            checker: Checker::default(),
            versions: 0,
        }
    }

    fn in_scope(&self, e: &Entry) -> bool {
        self.council.as_deref().is_none_or(|c| e.council.as_deref() == Some(c))
    }

    /// Folds one verified version in, and checks its document's reads after its last version.
    async fn version(&mut self, http: &mut Http, v: Version, report: &mut VerifyReport) -> Result<(), Fail> {
        self.versions += 1;
        let key = (v.kind.clone(), v.doc_id.clone());
        let last = self.last.get(&key) == Some(&v.index);
        let first = *self.first.entry(key.clone()).or_insert(v.received_at);
        let origin = v.origin();
        let expected = match self.fold(v, first, last) {
            Ok(e) => e,
            Err(problem) => {
                report.fail(format!("{origin}: {problem}"));
                return Ok(());
            }
        };
        for e in &expected {
            self.checker.check(http, e, &key, &origin).await?;
        }
        Ok(())
    }

    /// Folds `v` into its document's state; after its `last` version, what must be served.
    fn fold(&mut self, v: Version, first: DateTime<Utc>, last: bool) -> Result<Vec<Expected>, String> {
        fn parse<T: serde::de::DeserializeOwned>(v: &Version) -> Result<T, String> {
            serde_json::from_value(v.body.clone()).map_err(|e| format!("the logged document does not parse: {e}"))
        }
        let council = v.council.clone().unwrap_or_default();
        let flag = self.synthetic.get(&council).copied().unwrap_or(false);
        let id = v.doc_id.clone();
        Ok(match v.kind.as_str() {
            "council" => {
                let doc: Council = parse(&v)?;
                self.synthetic.insert(id.clone(), doc.synthetic);
                self.logged.councils.insert(id);
                if last {
                    let e = logged::council(&v, first, &doc);
                    self.logged.council_items.push(e.value.clone());
                    vec![e]
                } else {
                    vec![]
                }
            }
            "party" => {
                let doc: Party = parse(&v)?;
                self.logged.parties.insert(id);
                if last { vec![logged::party(&v, &doc)] } else { vec![] }
            }
            "roster" => {
                let doc: Roster = parse(&v)?;
                self.logged.rosters.insert(id.clone());
                self.rosters.entry(id.clone()).or_default().push(v, doc, flag);
                if last { self.rosters.remove(&id).map(RosterFold::expected).unwrap_or_default() } else { vec![] }
            }
            "session_record" => {
                let doc: SessionRecord = parse(&v)?;
                self.logged.sessions.entry(council).or_default().insert(id.clone());
                self.sessions.entry(id.clone()).or_default().push(v, doc, flag);
                if last { self.sessions.remove(&id).map(SessionFold::expected).unwrap_or_default() } else { vec![] }
            }
            "public_record" => {
                self.logged.public_records.insert(id);
                if last { vec![logged::public_record(&v)] } else { vec![] }
            }
            other => return Err(format!("unknown document kind {other}")),
        })
    }

    /// The lists serve exactly the logged documents: councils, parties and public records (for
    /// the whole log), each council's sessions, and no deputies for a council without a roster.
    async fn lists(&mut self, http: &mut Http) -> Result<(), Fail> {
        let l = std::mem::take(&mut self.logged);
        if self.council.is_none() {
            // The list is written from each council's row of its own (`council.served`): its items
            // are compared whole, not only their ids.
            let list = Expected {
                counts: vec![],
                reduce: Some(logged::served_council),
                ..Expected::list("/v1/councils".to_owned(), l.council_items, "lists")
            };
            self.checker.items(http, list, "council", None).await?;
            self.checker.ids(http, "/v1/parties", "party", None, &l.parties).await?;
            self.checker.ids(http, "/v1/public-records", "public_record", None, &l.public_records).await?;
        }
        for c in &l.councils {
            let sessions = l.sessions.get(c).cloned().unwrap_or_default();
            let sessions_list = format!("/v1/sessions?council={}", encode(c));
            self.checker.ids(http, &sessions_list, "session_record", None, &sessions).await?;
            if !l.rosters.contains(c) {
                let roster = ("roster".to_owned(), c.clone());
                let deputies = format!("/v1/councils/{c}/deputies");
                self.checker.ids(http, &deputies, "roster", Some(&roster), &BTreeSet::new()).await?;
            }
        }
        Ok(())
    }
}
