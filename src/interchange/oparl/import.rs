//! Import from a council information system: reads an OParl 1.0 / 1.1 body, from a directory
//! holding the JSON pages an OParl API serves (one file per page, as a crawler caches them) or
//! from a live OParl server (the URL of its `System` or of one `Body`; lists are followed through
//! `links.next`), and publishes it as one council through the same path as the API and `bulk` import: the API
//! document types and their `parse`, then the store's `put_*`, with provenance
//! `public_sources`.
//!
//! The mapping is the OParl view (`api::oparl`) in reverse:
//!
//! | OParl | maslikhat |
//! |---|---|
//! | the `Body` | the council (names in `de`, one convocation `I` covering every membership and meeting) |
//! | the council's own `Organization` (the `Gremium` that is the council: Gemeinderat, Stadtrat, Rat, Kreistag …) | the roster |
//! | `Person` with a `Membership` in it | a deputy; merged membership periods become mandates (`single_member`, `self_nominated`: OParl does not say) |
//! | `Membership` in a `Fraktion` | a party membership; each `Fraktion` becomes a party document |
//! | every other `Gremium` (a committee, `Ausschuss`) | a commission of the roster (`standing`), with its dates |
//! | a deputy's `Membership` in a committee | a role `commission_member` (`commission_chair` for its chair); substitutes and citizen experts are no members |
//! | `Membership` with a deputy-mayor / group-leader role | a role (`deputy_chairman`, `chairman`, `faction_leader`) |
//! | `Meeting` of the council | a session record (`regular`; `held` once past), numbered in date order |
//! | `AgendaItem` | an agenda item (title in `de`, initiator `other`, result unknown) |
//! | `Paper` consulted at an agenda item (`Consultation`) | its `mainFile` a document of the item, kind `draft_decision` (a `Beschlussvorlage` or `Tischvorlage`) or `other` (a `Mitteilungsvorlage` …); its `auxiliaryFile`s `other` |
//! | `invitation` / `resultsProtocol` / `verbatimProtocol` / `resolutionFile` / `auxiliaryFile` | documents of kind `agenda` / `minutes` / `verbatim` / `decision` / `other` |
//!
//! OParl has no votes or speeches, so none are invented. Ids are derived from the OParl ids
//! (their last path segment, or a hash when that is not a valid id), prefixed with the council
//! id, so importing the same dump twice stores nothing new; the report maps every id made to the
//! OParl id it was made from ([`OparlReport::identifiers`]), and each session record's version
//! names its OParl meeting in its reason. Refused documents are reported with their reasons; the
//! import goes on. Objects the domain has no place for (committee meetings, persons who never
//! sat on the council, papers consulted only in committees, administrative units, deleted
//! objects) are listed in [`OparlReport::skipped`] with the reason.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::api::councils::{ConvocationDto, CouncilDoc, PartyDoc};
use crate::api::rosters::{CommissionDto, DeputyDto, MandateDto, MembershipDto, RoleDto, RosterDoc};
use crate::documents::enums::{
    CommissionKind, DocumentKind, Gender, Initiator, Level, Nomination, RegistrationStatus, RoleKind, SeatType,
    SessionKind, SessionStatus,
};
use crate::documents::session::{AgendaItemDto, DocumentDto, SessionRecordDoc};
use crate::domain::text::{self, MAX_LINE};
use crate::domain::{Violations, enums as d};
use crate::store::{self, PublishMeta, Published, StoreError};

/// Why an OParl import stopped (refused documents do not stop it).
#[derive(Debug, thiserror::Error)]
pub enum OparlError {
    /// Reading the directory failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The directory does not hold a usable OParl body.
    #[error("{0}")]
    Dump(String),
    /// Fetching from an OParl server failed.
    #[error("{0}")]
    Fetch(String),
}

/// How to import.
#[derive(Debug, Clone)]
pub struct OparlOptions {
    /// The council id to use (default: derived from the body's name, e.g. `gemeinde-huertgenwald`).
    pub council_id: Option<String>,
    /// Replace documents that exist with other content (a newer dump); otherwise they are refused.
    pub replace: bool,
    /// "Now": meetings that started before it are `held`; memberships open on it are current.
    pub now: DateTime<Utc>,
}

/// Stored / unchanged / refused counts of one kind of document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// New versions stored.
    pub stored: u64,
    /// Identical to the current version.
    pub unchanged: u64,
    /// Refused.
    pub refused: u64,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Stored => self.stored += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Refused => self.refused += 1,
        }
    }
}

/// A document that was not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OparlRefusal {
    /// `council`, `party`, `roster` or `session_record`.
    pub kind: &'static str,
    /// The document's id here.
    pub id: String,
    /// The OParl object it was made from.
    pub source: String,
    /// Why.
    pub reason: String,
}

/// An OParl object the domain has no place for, left out of the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OparlSkip {
    /// The OParl type (`Meeting`, `Person` …).
    pub kind: String,
    /// The OParl id.
    pub source: String,
    /// Why it was left out.
    pub reason: String,
}

/// What an OParl import did.
#[derive(Debug, Clone, Default)]
pub struct OparlReport {
    /// The council the body became.
    pub council_id: String,
    /// The body's council document.
    pub councils: Tally,
    /// Party documents (one per `Fraktion`).
    pub parties: Tally,
    /// The roster document.
    pub rosters: Tally,
    /// Deputies in the roster, counted by what became of the roster.
    pub deputies: Tally,
    /// Session records (one per meeting of the council).
    pub sessions: Tally,
    /// Agenda items in the session records, counted by what became of their record.
    pub agenda_items: Tally,
    /// OParl objects read, by type (`Body`, `Person`, `Meeting` …; embedded ones included).
    pub objects: BTreeMap<String, u64>,
    /// Meetings skipped: deleted, without a start, or of another organization (a committee).
    pub meetings_skipped: u64,
    /// Commissions in the roster (one per committee).
    pub commissions: u64,
    /// Papers attached to agenda items of the session records.
    pub papers: u64,
    /// Documents (files) in the session records.
    pub documents: u64,
    /// Every id made here, with the OParl id it was made from.
    pub identifiers: BTreeMap<String, String>,
    /// Objects left out, with the reason (see the module documentation).
    pub skipped: Vec<OparlSkip>,
    /// Every refused document with its reason.
    pub refused: Vec<OparlRefusal>,
    /// What was guessed, capped or left out.
    pub warnings: Vec<String>,
}

impl OparlReport {
    fn skip(&mut self, kind: &str, source: &str, reason: &str) {
        self.skipped.push(OparlSkip { kind: kind.to_owned(), source: source.to_owned(), reason: reason.to_owned() });
    }
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Stored,
    Unchanged,
    Refused,
}

/// Everything read from the dump, deduplicated by OParl id.
#[derive(Default)]
struct Dump {
    bodies: Vec<Value>,
    organizations: BTreeMap<String, Value>,
    persons: BTreeMap<String, Value>,
    meetings: BTreeMap<String, Value>,
    papers: BTreeMap<String, Value>,
    /// (paper, agenda item) of consultations given on their own, not embedded in a paper.
    consultations: BTreeMap<String, (String, String)>,
    files: HashMap<String, Value>,
    /// (person id, membership), from persons' embedded lists and from standalone memberships.
    memberships: BTreeMap<String, (String, Value)>,
    counts: BTreeMap<String, u64>,
}

fn type_name(v: &Value) -> Option<&str> {
    v.get("type")?.as_str()?.rsplit('/').next()
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn date_of(v: &Value, key: &str) -> Option<NaiveDate> {
    let s = str_of(v, key)?;
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

fn time_of(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(str_of(v, key)?).ok().map(|t| t.with_timezone(&Utc))
}

fn is_deleted(v: &Value) -> bool {
    v.get("deleted").and_then(Value::as_bool).unwrap_or(false)
}

impl Dump {
    fn read(dir: &Path) -> Result<Dump, OparlError> {
        let mut files = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d)? {
                let p = e?.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    files.push(p);
                }
            }
        }
        files.sort();
        let mut dump = Dump::default();
        for p in files {
            let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&p)?) else { continue };
            // Tombstones (`{id, deleted: true}`) may lack a `type`: a list page's name tells it.
            let stem = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
            let stem = stem.split(['?', '%', '.']).next().unwrap_or_default();
            dump.add_page(&v, hint_of(stem));
        }
        Ok(dump)
    }

    /// Reads a body from a live OParl server: `url` is its `System` (the first body is read) or
    /// one `Body`; every list of the body that the import uses is followed through `links.next`.
    async fn fetch(url: &str) -> Result<Dump, OparlError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("maslikhat/", env!("CARGO_PKG_VERSION"), " (OParl import)"))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| OparlError::Fetch(format!("HTTP client: {e}")))?;
        let mut dump = Dump::default();
        let first = get_json(&client, url).await?;
        let body = match type_name(&first) {
            Some("Body") => first,
            Some("System") => {
                let list = str_of(&first, "body")
                    .ok_or_else(|| OparlError::Fetch(format!("the system {url} names no body list")))?;
                let bodies = fetch_list(&client, list).await?;
                let n = bodies.len();
                let body = bodies.into_iter().find(|b| !is_deleted(b));
                body.ok_or_else(|| OparlError::Fetch(format!("the body list {list} holds no body ({n} deleted)")))?
            }
            other => return Err(OparlError::Fetch(format!("{url} is no OParl System or Body (type {other:?})"))),
        };
        dump.add(&body, None, None);
        // Agenda items and files travel embedded in meetings and papers.
        for (key, hint) in [
            ("organization", "Organization"),
            ("person", "Person"),
            ("membership", "Membership"),
            ("meeting", "Meeting"),
            ("paper", "Paper"),
        ] {
            if let Some(list) = str_of(&body, key) {
                for o in fetch_list(&client, list).await? {
                    dump.add(&o, None, Some(hint));
                }
            }
        }
        Ok(dump)
    }

    /// Adds a list page's objects, or one object.
    fn add_page(&mut self, v: &Value, hint: Option<&str>) {
        match v.get("data").and_then(Value::as_array) {
            Some(list) => list.iter().for_each(|o| self.add(o, None, hint)),
            None => self.add(v, None, None),
        }
    }

    /// Adds one object and the objects embedded in it.
    #[allow(clippy::too_many_lines)]
    fn add(&mut self, o: &Value, parent_person: Option<&str>, hint: Option<&str>) {
        let (Some(t), Some(id)) = (type_name(o).or(hint), str_of(o, "id")) else { return };
        let id = id.to_owned();
        *self.counts.entry(t.to_owned()).or_default() += 1;
        match t {
            "Body" if !self.bodies.iter().any(|b| str_of(b, "id") == Some(&id)) => self.bodies.push(o.clone()),
            "Organization" => {
                self.organizations.insert(id, o.clone());
            }
            "Person" => {
                for m in o.get("membership").and_then(Value::as_array).into_iter().flatten() {
                    self.add(m, Some(&id), None);
                }
                self.persons.insert(id, o.clone());
            }
            "Membership" => {
                if let Some(person) = parent_person.or_else(|| str_of(o, "person")) {
                    self.memberships.insert(id, (person.to_owned(), o.clone()));
                }
            }
            "Meeting" => {
                for f in ["invitation", "resultsProtocol", "verbatimProtocol"] {
                    if let Some(file) = o.get(f).filter(|x| x.is_object()) {
                        self.add(file, None, None);
                    }
                }
                self.meetings.insert(id, o.clone());
            }
            "Paper" => {
                for f in o
                    .get("mainFile")
                    .into_iter()
                    .chain(o.get("auxiliaryFile").and_then(Value::as_array).into_iter().flatten())
                {
                    if f.is_object() {
                        self.add(f, None, None);
                    }
                }
                self.papers.insert(id, o.clone());
            }
            "Consultation" => {
                if let (Some(paper), Some(item)) = (str_of(o, "paper"), str_of(o, "agendaItem")) {
                    self.consultations.insert(id, (paper.to_owned(), item.to_owned()));
                }
            }
            "File" => {
                self.files.insert(id, o.clone());
            }
            _ => {}
        }
    }

    /// An embedded file, or one referenced by URL and found among the files read.
    fn file<'a>(&'a self, v: &'a Value) -> Option<&'a Value> {
        match v {
            Value::String(url) => self.files.get(url),
            Value::Object(_) => Some(v),
            _ => None,
        }
    }
}

/// The OParl type a list page's file name (`meeting`, `paper?page=2` …) tells.
fn hint_of(stem: &str) -> Option<&'static str> {
    ["Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem", "Paper", "Consultation", "File"]
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case(stem))
}

/// GETs one JSON document of an OParl server.
async fn get_json(client: &reqwest::Client, url: &str) -> Result<Value, OparlError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(OparlError::Fetch(format!("{url} is not an http(s) URL")));
    }
    let r = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| OparlError::Fetch(format!("GET {url}: {e}")))?;
    let status = r.status();
    if !status.is_success() {
        return Err(OparlError::Fetch(format!("GET {url}: HTTP {status}")));
    }
    r.json::<Value>().await.map_err(|e| OparlError::Fetch(format!("GET {url}: not JSON: {e}")))
}

/// Every element of an OParl list, following `links.next` (a page seen before ends the walk).
async fn fetch_list(client: &reqwest::Client, url: &str) -> Result<Vec<Value>, OparlError> {
    const MAX_PAGES: usize = 100_000;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut next = Some(url.to_owned());
    while let Some(page_url) = next.take() {
        if !seen.insert(page_url.clone()) || seen.len() > MAX_PAGES {
            break;
        }
        let page = get_json(client, &page_url).await?;
        let data = page
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| OparlError::Fetch(format!("{page_url} is no OParl list page (no `data`)")))?;
        out.extend(data.iter().cloned());
        next = page.pointer("/links/next").and_then(Value::as_str).map(str::to_owned);
    }
    Ok(out)
}

/// Lower-case ASCII slug of a German name: `Gemeinde Hürtgenwald` → `gemeinde-huertgenwald`.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => s.push_str("ae"),
            'ö' => s.push_str("oe"),
            'ü' => s.push_str("ue"),
            'ß' => s.push_str("ss"),
            c if c.is_ascii_alphanumeric() => s.push(c),
            _ if !s.is_empty() && !s.ends_with('-') => s.push('-'),
            _ => {}
        }
    }
    let mut s: String = s.trim_end_matches('-').chars().take(40).collect();
    while s.ends_with('-') {
        s.pop();
    }
    s
}

fn short_hash(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Makes platform ids from OParl ids: `{council}-{kind}{last path segment}`, or a hash of the
/// OParl id when that segment does not make a valid id or is taken by another object.
struct Ids {
    council: String,
    taken: HashMap<String, String>,
}

impl Ids {
    fn make(&mut self, kind: &str, oparl_id: &str) -> String {
        let tail = oparl_id.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
        let plain = format!("{}-{kind}{tail}", self.council);
        let id = if text::is_valid_id(&plain) && self.taken.get(&plain).is_none_or(|o| o == oparl_id) {
            plain
        } else {
            let h = short_hash(oparl_id);
            let keep = 64 - kind.len() - h.len() - 1;
            format!("{}-{kind}{h}", self.council.chars().take(keep).collect::<String>())
        };
        self.taken.insert(id.clone(), oparl_id.to_owned());
        id
    }

    /// The id of the object `oparl_id` repeated inside `scope` (another OParl object):
    /// `{council}-{kind}{tail}-{scope tail}`, or a hash of both.
    fn make_in(&mut self, kind: &str, oparl_id: &str, scope: &str) -> String {
        let tail = |s: &str| s.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
        let source = format!("{oparl_id} in {scope}");
        let plain = format!("{}-{kind}{}-{}", self.council, tail(oparl_id), tail(scope));
        let id = if text::is_valid_id(&plain) && self.taken.get(&plain).is_none_or(|o| *o == source) {
            plain
        } else {
            let h = short_hash(&source);
            let keep = 64 - kind.len() - h.len() - 1;
            format!("{}-{kind}{h}", self.council.chars().take(keep).collect::<String>())
        };
        self.taken.insert(id.clone(), source);
        id
    }
}

/// One line of text: white space (line breaks too) collapsed, at most `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max { s } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

fn de(s: String) -> BTreeMap<String, String> {
    BTreeMap::from([("de".to_owned(), s)])
}

/// Finds the organization that is the council itself.
fn council_organization(dump: &Dump) -> Option<String> {
    let mut meetings: HashMap<&str, u64> = HashMap::new();
    for m in dump.meetings.values() {
        for o in m.get("organization").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            *meetings.entry(o).or_default() += 1;
        }
    }
    let score = |(id, o): (&String, &Value)| {
        let name = str_of(o, "name").unwrap_or_default().to_lowercase();
        let kind = str_of(o, "organizationType").or_else(|| str_of(o, "classification")).unwrap_or_default();
        let named = ["gemeinderat", "stadtrat", "rat der", "kreistag", "gemeindevertretung", "stadtverordneten"]
            .iter()
            .any(|k| name.contains(k))
            || name == "rat";
        let gremium = kind.eq_ignore_ascii_case("gremium") || kind.to_lowercase().contains("rat");
        let ended = o.get("endDate").is_some();
        ((named as u8) * 4 + (gremium as u8) * 2 + (!ended as u8), meetings.get(id.as_str()).copied().unwrap_or(0))
    };
    dump.organizations
        .iter()
        .filter(|(_, o)| !is_deleted(o))
        .filter(|(_, o)| !str_of(o, "organizationType").unwrap_or_default().eq_ignore_ascii_case("fraktion"))
        .max_by_key(|&e| score(e))
        .map(|(id, _)| id.clone())
}

type Period = (NaiveDate, Option<NaiveDate>);

/// Sorts periods and merges the ones that overlap or touch.
fn merge(mut ps: Vec<Period>) -> Vec<Period> {
    ps.sort();
    let mut out: Vec<Period> = Vec::new();
    for (s, e) in ps {
        if let Some(last) = out.last_mut()
            && last.1.is_none_or(|le| le.checked_add_days(Days::new(1)).is_none_or(|n| s <= n))
        {
            last.1 = match (last.1, e) {
                (None, _) | (_, None) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
            };
            continue;
        }
        out.push((s, e));
    }
    out
}

/// A deputy's party memberships, made not to overlap: the same party's periods are merged, and
/// a membership ends the day before the next one (of another party) starts.
fn party_periods(mut ps: Vec<(String, NaiveDate, Option<NaiveDate>)>) -> Vec<(String, NaiveDate, Option<NaiveDate>)> {
    ps.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let mut out: Vec<(String, NaiveDate, Option<NaiveDate>)> = Vec::new();
    for (party, s, e) in ps {
        if let Some(last) = out.last_mut()
            && last.2.is_none_or(|le| s <= le.checked_add_days(Days::new(1)).unwrap_or(le))
        {
            if last.0 == party {
                last.2 = match (last.2, e) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
                continue;
            }
            match s.pred_opt() {
                Some(day) if day >= last.1 => last.2 = Some(last.2.map_or(day, |le| le.min(day))),
                _ => {
                    out.pop();
                }
            }
        }
        out.push((party, s, e));
    }
    out
}

fn describe(e: StoreError) -> Result<String, StoreError> {
    Ok(match e {
        StoreError::Invalid(v) => {
            v.iter().map(|x| format!("{} {}: {}", x.path, x.rule, x.message)).collect::<Vec<_>>().join("; ")
        }
        StoreError::PreconditionRequired { current } | StoreError::PreconditionFailed { current } => {
            format!("the document exists with other content (version {current}); use --replace")
        }
        StoreError::NotFound(what) => format!("{what} not found"),
        StoreError::BadRequest(what) => what,
        e @ (StoreError::Db(_) | StoreError::Unavailable(_) | StoreError::Corrupt { .. }) => return Err(e),
    })
}

struct Publisher<'a> {
    meta: PublishMeta,
    report: &'a mut OparlReport,
}

impl Publisher<'_> {
    fn outcome(
        &mut self,
        kind: &'static str,
        id: &str,
        source: &str,
        r: Result<Published, StoreError>,
    ) -> Result<Outcome, StoreError> {
        Ok(match r {
            Ok(Published::Created(_)) => Outcome::Stored,
            Ok(Published::Unchanged(_)) => Outcome::Unchanged,
            Err(e) => {
                let reason = describe(e)?;
                self.report.refused.push(OparlRefusal { kind, id: id.to_owned(), source: source.to_owned(), reason });
                Outcome::Refused
            }
        })
    }
}

/// Role names of the council organization and of party groups that map to our roles.
fn role_of(name: &str, in_party: bool) -> Option<RoleKind> {
    let n = name.to_lowercase();
    if in_party {
        return (n.contains("fraktionsvorsitz") && !n.contains("stellv")).then_some(RoleKind::FactionLeader);
    }
    if n.contains("bürgermeister") || n.contains("vorsitz") {
        return Some(if n.contains("stellv") { RoleKind::DeputyChairman } else { RoleKind::Chairman });
    }
    None
}

/// Whether a membership role in a party group makes the person a member of that group (not a
/// citizen expert or a substitute sitting for the group in a committee).
fn is_group_member(role: &str) -> bool {
    let r = role.to_lowercase();
    !(r.contains("sachkundig") || r.contains("vertret") || r.contains("beratend"))
}

/// Imports the OParl body in `dir` into `db`. See the module documentation for the mapping.
pub async fn import_dir(db: &DatabaseConnection, dir: &Path, opts: &OparlOptions) -> Result<OparlReport, OparlError> {
    let dump = Dump::read(dir)?;
    import_dump(db, dump, &dir.display().to_string(), opts).await
}

/// Imports the OParl body a live server serves at `url` (its `System`, whose first body is
/// read, or one `Body`) into `db`.
pub async fn import_url(db: &DatabaseConnection, url: &str, opts: &OparlOptions) -> Result<OparlReport, OparlError> {
    let dump = Dump::fetch(url).await?;
    import_dump(db, dump, url, opts).await
}

/// Imports from `source`: an `http(s)://` URL of an OParl server, or a directory of its pages.
pub async fn import_source(
    db: &DatabaseConnection,
    source: &str,
    opts: &OparlOptions,
) -> Result<OparlReport, OparlError> {
    if source.starts_with("https://") || source.starts_with("http://") {
        import_url(db, source, opts).await
    } else {
        import_dir(db, Path::new(source), opts).await
    }
}

/// Which committee post a membership role names: the chair, a member, or none (a substitute,
/// a citizen expert or their stand-in, an advisory seat).
fn commission_role(role: &str) -> Option<RoleKind> {
    let n = role.to_lowercase();
    if n.contains("vorsitz") {
        return Some(if n.contains("stellv") { RoleKind::CommissionMember } else { RoleKind::CommissionChair });
    }
    let excluded = ["stellv", "vertret", "sachkundig", "beratend", "sonstig"];
    (!excluded.iter().any(|x| n.contains(x))).then_some(RoleKind::CommissionMember)
}

/// The document kind of a paper's main file: a draft decision for papers put to a decision.
fn paper_kind(paper: &Value) -> DocumentKind {
    let t = str_of(paper, "paperType").unwrap_or_default().to_lowercase();
    let draft = ["beschlussvorlage", "tischvorlage", "antrag", "draft decision", "draft_decision"];
    if t == "decision" {
        DocumentKind::Decision
    } else if draft.iter().any(|d| t.contains(d)) {
        DocumentKind::DraftDecision
    } else {
        DocumentKind::Other
    }
}

#[allow(clippy::too_many_lines)]
async fn import_dump(
    db: &DatabaseConnection,
    dump: Dump,
    source: &str,
    opts: &OparlOptions,
) -> Result<OparlReport, OparlError> {
    let mut report = OparlReport { objects: dump.counts.clone(), ..OparlReport::default() };
    let body = dump.bodies.first().ok_or_else(|| OparlError::Dump(format!("no OParl Body in {source}")))?;
    if dump.bodies.len() > 1 {
        report.warnings.push(format!("{} bodies in the dump; importing only the first", dump.bodies.len()));
    }
    let body_id = str_of(body, "id").unwrap_or_default().to_owned();
    let body_name = one_line(str_of(body, "name").unwrap_or("OParl body"), MAX_LINE);
    let council_id = opts.council_id.clone().unwrap_or_else(|| {
        let named = slug(&body_name);
        // A name in another script gives no slug: the body id's last segment may.
        if text::is_valid_id(&named) {
            named
        } else {
            slug(body_id.trim_end_matches('/').rsplit('/').next().unwrap_or(""))
        }
    });
    if !text::is_valid_id(&council_id) {
        return Err(OparlError::Dump(format!("'{council_id}' is not a valid council id; pass one")));
    }
    report.council_id = council_id.clone();
    let mut ids = Ids { council: council_id.clone(), taken: HashMap::new() };
    let today = opts.now.date_naive();
    let council_org = council_organization(&dump)
        .ok_or_else(|| OparlError::Dump("no organization in the dump could be the council".into()))?;

    // The roster: persons with a membership in the council organization.
    let in_org = |m: &Value, org: &str| str_of(m, "organization") == Some(org);
    let mut by_person: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for (person, m) in dump.memberships.values() {
        by_person.entry(person.as_str()).or_default().push(m);
    }
    let fraktionen: BTreeMap<&String, &Value> = dump
        .organizations
        .iter()
        .filter(|(_, o)| str_of(o, "organizationType").is_some_and(|t| t.eq_ignore_ascii_case("fraktion")))
        .collect();
    let party_ids: BTreeMap<&str, String> = fraktionen.keys().map(|k| (k.as_str(), ids.make("party-", k))).collect();
    // Every other committee (`Gremium`) of the body is a commission of the council.
    let mut commissions = Vec::new();
    let mut commission_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (org_id, o) in &dump.organizations {
        let kind = str_of(o, "organizationType").unwrap_or_default();
        if *org_id == council_org || kind.eq_ignore_ascii_case("fraktion") {
            continue;
        }
        if is_deleted(o) {
            report.skip("Organization", org_id, "deleted in the source");
            continue;
        }
        if !kind.eq_ignore_ascii_case("gremium") {
            report.skip(
                "Organization",
                org_id,
                &format!(
                    "an administrative unit or other organization (type {kind:?}), not a committee of the council"
                ),
            );
            continue;
        }
        let id = ids.make("c", org_id);
        let (start, end) = (date_of(o, "startDate"), date_of(o, "endDate"));
        commissions.push(CommissionDto {
            id: id.clone(),
            names: de(one_line(str_of(o, "name").unwrap_or("Ausschuss"), MAX_LINE)),
            kind: CommissionKind::Standing,
            start_date: start,
            end_date: end.filter(|e| start.is_none_or(|s| *e >= s)),
        });
        commission_ids.insert(org_id.as_str(), id);
    }
    let mut deputies = Vec::new();
    let mut deputy_sources: HashSet<&str> = HashSet::new();
    let mut roles = Vec::new();
    let mut earliest: Option<NaiveDate> = None;
    for (person_id, ms) in &by_person {
        let Some(person) = dump.persons.get(*person_id).filter(|p| !is_deleted(p)) else { continue };
        let mut periods = Vec::new();
        for m in ms.iter().filter(|m| in_org(m, &council_org) && !is_deleted(m)) {
            match (date_of(m, "startDate"), date_of(m, "endDate")) {
                (Some(s), e) if e.is_none_or(|e| e >= s) => periods.push((s, e)),
                _ => report.warnings.push(format!(
                    "membership {} has no start date or ends before it starts; left out",
                    str_of(m, "id").unwrap_or_default()
                )),
            }
        }
        if periods.is_empty() {
            continue;
        }
        let deputy_id = ids.make("p", person_id);
        deputy_sources.insert(person_id);
        let mandates = merge(periods);
        earliest = earliest.into_iter().chain(mandates.first().map(|p| p.0)).min();
        let mut parties = Vec::new();
        for m in ms.iter().filter(|m| !is_deleted(m)) {
            let org = str_of(m, "organization").unwrap_or_default();
            let role = str_of(m, "role").unwrap_or_default();
            let (Some(s), e) = (date_of(m, "startDate"), date_of(m, "endDate")) else { continue };
            if e.is_some_and(|e| e < s) {
                continue;
            }
            if let Some(party) = party_ids.get(org) {
                if is_group_member(role) {
                    parties.push((party.clone(), s, e));
                }
                if let Some(kind) = role_of(role, true) {
                    roles.push(RoleDto {
                        deputy: deputy_id.clone(),
                        role: kind,
                        commission: None,
                        party: Some(party.clone()),
                        start_date: s,
                        end_date: e,
                    });
                }
            } else if let Some(commission) = commission_ids.get(org) {
                if let Some(kind) = commission_role(role) {
                    roles.push(RoleDto {
                        deputy: deputy_id.clone(),
                        role: kind,
                        commission: Some(commission.clone()),
                        party: None,
                        start_date: s,
                        end_date: e,
                    });
                }
            } else if org == council_org
                && let Some(kind) = role_of(role, false)
            {
                roles.push(RoleDto {
                    deputy: deputy_id.clone(),
                    role: kind,
                    commission: None,
                    party: None,
                    start_date: s,
                    end_date: e,
                });
            }
        }
        let given = str_of(person, "givenName").map(|s| one_line(s, 200));
        let family = str_of(person, "familyName").map(|s| one_line(s, 200));
        let title = person.get("title").and_then(|t| match t {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => Some(a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" ")),
            _ => None,
        });
        let full = match (&given, &family) {
            (Some(g), Some(f)) => one_line(&format!("{} {g} {f}", title.unwrap_or_default()), MAX_LINE),
            _ => {
                let name = str_of(person, "name").unwrap_or("?");
                let address = str_of(person, "formOfAddress").unwrap_or("\u{0}");
                one_line(name.strip_prefix(address).unwrap_or(name), MAX_LINE)
            }
        };
        deputies.push(DeputyDto {
            id: deputy_id,
            names: de(full),
            given_names: given.map(de).unwrap_or_default(),
            family_names: family.map(de).unwrap_or_default(),
            patronymic_names: BTreeMap::new(),
            gender: match str_of(person, "gender") {
                Some("female") => Some(Gender::Female),
                Some("male") => Some(Gender::Male),
                _ => None,
            },
            contacts: Vec::new(),
            mandates: mandates
                .into_iter()
                .map(|(s, e)| MandateDto {
                    convocation: "I".into(),
                    seat_type: SeatType::SingleMember,
                    district: None,
                    nomination: Nomination::SelfNominated,
                    nominating_party: None,
                    start_date: s,
                    end_date: e,
                    end_reason: None,
                })
                .collect(),
            party_memberships: party_periods(parties)
                .into_iter()
                .map(|(party, s, e)| MembershipDto { party, start_date: s, end_date: e })
                .collect(),
        });
    }

    for (id, p) in &dump.persons {
        if deputy_sources.contains(id.as_str()) {
            continue;
        }
        let reason = if is_deleted(p) {
            "deleted in the source"
        } else {
            "no dated membership in the council: a roster holds deputies only (committee members from outside the \
             council, citizen experts and substitutes have no place)"
        };
        report.skip("Person", id, reason);
    }

    // Seats: deputies serving now; raised to the most that ever served together, which the
    // roster rules require.
    let serves = |dep: &DeputyDto, day: NaiveDate| {
        dep.mandates.iter().any(|m| m.start_date <= day && m.end_date.is_none_or(|e| day <= e))
    };
    let current = deputies.iter().filter(|dep| serves(dep, today)).count() as u32;
    let peak = deputies
        .iter()
        .flat_map(|dep| dep.mandates.iter().map(|m| m.start_date))
        .map(|day| deputies.iter().filter(|dep| serves(dep, day)).count() as u32)
        .max()
        .unwrap_or(0);
    let wanted = current.max(peak).max(1);
    if peak > current {
        report.warnings.push(format!(
            "{current} persons hold a current membership in the council, but {peak} served together on some day \
             (memberships without an end date); seats set to {peak}"
        ));
    }
    // The level: the body's classification when it names one of ours (a platform's own OParl
    // view says it), else the smallest level whose seat cap fits.
    let named = match str_of(body, "classification") {
        Some("oblast") => Some((Level::Oblast, d::Level::Oblast)),
        Some("republican_city") => Some((Level::RepublicanCity, d::Level::RepublicanCity)),
        Some("city") => Some((Level::City, d::Level::City)),
        Some("district") => Some((Level::District, d::Level::District)),
        _ => None,
    };
    let by_size =
        [(Level::District, d::Level::District), (Level::City, d::Level::City), (Level::Oblast, d::Level::Oblast)]
            .into_iter()
            .find(|(_, l)| wanted <= l.seat_cap());
    let (level, cap) = match named.filter(|(_, l)| wanted <= l.seat_cap()).or(by_size) {
        Some((level, l)) => {
            if named.is_none() && l != d::Level::District {
                report.warnings.push(format!(
                    "{wanted} seats exceed the district cap of {}; imported as {} council (cap {})",
                    d::Level::District.seat_cap(),
                    l.as_str(),
                    l.seat_cap()
                ));
            }
            (level, l.seat_cap())
        }
        None => {
            let cap = d::Level::Oblast.seat_cap();
            report.warnings.push(format!("{wanted} seats capped to {cap}; the roster will likely be refused"));
            (Level::Oblast, cap)
        }
    };
    let seats = wanted.min(cap);

    // Meetings of the council, in date order.
    let mut meetings: Vec<(&String, &Value, DateTime<Utc>)> = Vec::new();
    for (id, m) in &dump.meetings {
        let of_council = m
            .get("organization")
            .and_then(Value::as_array)
            .is_some_and(|os| os.iter().any(|o| o.as_str() == Some(council_org.as_str())));
        match time_of(m, "start") {
            Some(t) if of_council && !is_deleted(m) => {
                meetings.push((id, m, t));
                continue;
            }
            _ if is_deleted(m) => report.skip("Meeting", id, "deleted in the source"),
            None if of_council => report.skip("Meeting", id, "no start time: a session record needs one"),
            _ => {
                let orgs: Vec<&str> = m
                    .get("organization")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|o| dump.organizations.get(o).and_then(|o| str_of(o, "name")).unwrap_or(o))
                    .collect();
                report.skip(
                    "Meeting",
                    id,
                    &format!(
                        "a meeting of {}, not of the council: session records hold the council's own sittings",
                        if orgs.is_empty() { "no organization".to_owned() } else { orgs.join(", ") }
                    ),
                );
            }
        }
        report.meetings_skipped += 1;
    }
    meetings.sort_by(|a, b| (a.2, a.0).cmp(&(b.2, b.0)));
    let first_meeting = meetings.first().map(|m| crate::domain::session::local_date(m.2));
    let start = earliest.into_iter().chain(first_meeting).min().unwrap_or(today);
    let website = str_of(body, "website").filter(|w| w.starts_with("http")).map(str::to_owned);

    let meta = PublishMeta {
        publisher: "oparl-import".into(),
        if_match: opts.replace.then(|| "*".to_owned()),
        reason: None,
        provenance: "public_sources",
        received_at: None,
    };
    let mut out = Publisher { meta, report: &mut report };

    // Parties first: the roster names them.
    for (org_id, o) in &fraktionen {
        let Some(pid) = party_ids.get(org_id.as_str()) else { continue };
        let mut v = Violations::new();
        text::check_id(&mut v, "/id", pid);
        let doc = PartyDoc {
            names: de(one_line(str_of(o, "name").unwrap_or("Fraktion"), MAX_LINE)),
            abbreviations: str_of(o, "shortName").map(|s| de(one_line(s, 32))).unwrap_or_default(),
            registration_status: RegistrationStatus::Registered,
            synthetic: false,
        }
        .parse(&mut v);
        let r = store::councils::put_party(db, pid, &doc, v, &out.meta).await;
        let o = out.outcome("party", pid, org_id, r)?;
        out.report.parties.add(o);
    }

    let mut v = Violations::new();
    let council = CouncilDoc {
        names: de(body_name),
        level,
        parent: None,
        kato: None,
        seats,
        website,
        convocations: vec![ConvocationDto { number: "I".into(), start_date: start, end_date: None }],
        synthetic: false,
    }
    .parse(&mut v);
    let r = store::councils::put_council(db, &council_id, &council, v, &out.meta).await;
    let o = out.outcome("council", &council_id, &body_id, r)?;
    out.report.councils.add(o);

    let n_deputies = deputies.len() as u64;
    let mut v = Violations::new();
    out.report.commissions = commissions.len() as u64;
    let roster = RosterDoc { deputies, commissions, roles }.parse(&mut v);
    let r = store::councils::put_roster(db, &council_id, &roster, v, &out.meta).await;
    let o = out.outcome("roster", &council_id, &council_org, r)?;
    out.report.rosters.add(o);
    for _ in 0..n_deputies {
        out.report.deputies.add(o);
    }

    // The papers consulted at each agenda item (by OParl ids).
    let mut papers_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (pid, p) in &dump.papers {
        for c in p.get("consultation").and_then(Value::as_array).into_iter().flatten() {
            let item = match c {
                Value::Object(_) => str_of(c, "agendaItem"),
                Value::String(cid) => dump.consultations.get(cid).map(|(_, item)| item.as_str()),
                _ => None,
            };
            if let Some(item) = item {
                papers_of.entry(item).or_default().push(pid);
            }
        }
    }
    for (paper, item) in dump.consultations.values() {
        if let Some((pid, _)) = dump.papers.get_key_value(paper) {
            papers_of.entry(item).or_default().push(pid);
        }
    }
    for ps in papers_of.values_mut() {
        ps.sort_unstable();
        ps.dedup();
    }
    let mut papers_used: HashSet<&str> = HashSet::new();

    // A file in several sessions (a paper consulted twice) gets an id per session after the first.
    let mut used_documents: HashSet<String> = HashSet::new();
    for (number, (oparl_id, m, start)) in meetings.into_iter().enumerate() {
        let session_id = ids.make("m", oparl_id);
        let mut agenda = Vec::new();
        let mut documents = Vec::new();
        let mut here: HashSet<String> = HashSet::new();
        let mut add_doc =
            |documents: &mut Vec<DocumentDto>, ids: &mut Ids, f: &Value, kind: DocumentKind, item: Option<&str>| {
                let f = dump.file(f).filter(|f| !is_deleted(f))?;
                let (Some(fid), Some(url)) =
                    (str_of(f, "id"), str_of(f, "accessUrl").or_else(|| str_of(f, "downloadUrl")))
                else {
                    return None;
                };
                if !here.insert(fid.to_owned()) {
                    return None;
                }
                let mut id = ids.make("f", fid);
                if !used_documents.insert(id.clone()) {
                    id = ids.make_in("f", fid, oparl_id);
                    used_documents.insert(id.clone());
                }
                documents.push(DocumentDto {
                    id: id.clone(),
                    agenda_item: item.map(str::to_owned),
                    kind,
                    title: one_line(str_of(f, "name").or_else(|| str_of(f, "fileName")).unwrap_or("Datei"), MAX_LINE),
                    media_type: str_of(f, "mimeType").unwrap_or("application/octet-stream").to_owned(),
                    url: url.to_owned(),
                    sha256: None,
                    language: "de".into(),
                    text: None,
                });
                Some(id)
            };
        add_doc(&mut documents, &mut ids, m.get("invitation").unwrap_or(&Value::Null), DocumentKind::Agenda, None);
        let minutes = add_doc(
            &mut documents,
            &mut ids,
            m.get("resultsProtocol").unwrap_or(&Value::Null),
            DocumentKind::Minutes,
            None,
        );
        add_doc(
            &mut documents,
            &mut ids,
            m.get("verbatimProtocol").unwrap_or(&Value::Null),
            DocumentKind::Verbatim,
            None,
        );
        for f in m.get("auxiliaryFile").and_then(Value::as_array).into_iter().flatten() {
            add_doc(&mut documents, &mut ids, f, DocumentKind::Other, None);
        }
        let mut open = true;
        let items = m.get("agendaItem").and_then(Value::as_array).into_iter().flatten().filter(|a| !is_deleted(a));
        for a in items {
            let Some(aid) = str_of(a, "id") else { continue };
            let name = str_of(a, "name").unwrap_or_default();
            let label = str_of(a, "number").map(|n| one_line(n, 32));
            // A section heading ("A Öffentliche Sitzung", "B Nicht öffentliche Sitzung") opens or
            // closes the items after it; OParl 1.1's `public` says it per item.
            let folded = name.to_lowercase().replace(['-', ' '], "");
            if folded.contains("nichtöffentlich") {
                open = false;
            } else if folded.starts_with("öffentlich") {
                open = true;
            }
            let item_id = ids.make("ai", aid);
            if let Some(f) = a.get("resolutionFile") {
                add_doc(&mut documents, &mut ids, f, DocumentKind::Decision, Some(&item_id));
            }
            // Papers before the item's other files: a paper's main file listed among them too keeps
            // the paper's kind.
            for pid in papers_of.get(aid).map_or(&[][..], Vec::as_slice) {
                let Some(p) = dump.papers.get(*pid).filter(|p| !is_deleted(p)) else { continue };
                let main = p.get("mainFile").unwrap_or(&Value::Null);
                let attached = add_doc(&mut documents, &mut ids, main, paper_kind(p), Some(&item_id)).is_some();
                for f in p.get("auxiliaryFile").and_then(Value::as_array).into_iter().flatten() {
                    add_doc(&mut documents, &mut ids, f, DocumentKind::Other, Some(&item_id));
                }
                if attached {
                    papers_used.insert(pid);
                    out.report.papers += 1;
                }
            }
            for f in a.get("auxiliaryFile").and_then(Value::as_array).into_iter().flatten() {
                add_doc(&mut documents, &mut ids, f, DocumentKind::Other, Some(&item_id));
            }
            agenda.push(AgendaItemDto {
                id: item_id,
                position: agenda.len() as u32 + 1,
                number_label: label,
                titles: de(if name.is_empty() { "(ohne Titel)".to_owned() } else { one_line(name, MAX_LINE) }),
                initiator: Initiator::Other,
                is_open: a.get("public").and_then(Value::as_bool).unwrap_or(open),
                result: None,
            });
        }
        let end = time_of(m, "end").filter(|e| *e > start);
        let cancelled = m.get("cancelled").and_then(Value::as_bool).unwrap_or(false);
        let place = m.get("location").filter(|l| l.is_object()).and_then(|l| {
            str_of(l, "description")
                .map(str::to_owned)
                .or_else(|| {
                    let parts: Vec<&str> =
                        ["room", "streetAddress", "locality"].iter().filter_map(|k| str_of(l, k)).collect();
                    (!parts.is_empty()).then(|| parts.join(", "))
                })
                .map(|p| one_line(&p, MAX_LINE))
        });
        let n_items = agenda.len() as u64;
        let n_documents = documents.len() as u64;
        let doc = SessionRecordDoc {
            convocation: "I".into(),
            number: number as u32 + 1,
            kind: SessionKind::Regular,
            status: if cancelled {
                SessionStatus::Cancelled
            } else if start < opts.now {
                SessionStatus::Held
            } else if m.get("invitation").is_some() {
                SessionStatus::Convened
            } else {
                SessionStatus::Planned
            },
            scheduled_start: start,
            scheduled_end: end,
            actual_start: None,
            actual_end: None,
            place,
            is_open: true,
            livestream_url: None,
            recording_url: None,
            minutes_document: minutes,
            declared_notice: None,
            agenda,
            documents,
            vote_events: Vec::new(),
            speeches: Vec::new(),
            reason: None,
        };
        let mut v = Violations::new();
        text::check_id(&mut v, "/id", &session_id);
        let (record, _) = doc.parse(&mut v);
        let reason = Some(format!("imported from OParl {oparl_id}"));
        let r = store::sessions::put_session_record(db, &council_id, &session_id, &record, reason, v, &out.meta).await;
        let o = out.outcome("session_record", &session_id, oparl_id, r)?;
        out.report.sessions.add(o);
        for _ in 0..n_items {
            out.report.agenda_items.add(o);
        }
        if !matches!(o, Outcome::Refused) {
            out.report.documents += n_documents;
        }
    }
    for (pid, p) in &dump.papers {
        if !papers_used.contains(pid.as_str()) {
            let reason = if is_deleted(p) {
                "deleted in the source"
            } else if p.get("mainFile").is_none() {
                "no main file: a paper is published here as a document of an agenda item"
            } else {
                "consulted at no agenda item of a council session (only in committees, or not yet)"
            };
            out.report.skip("Paper", pid, reason);
        }
    }
    out.report.identifiers = ids.taken.into_iter().collect();
    Ok(report)
}
