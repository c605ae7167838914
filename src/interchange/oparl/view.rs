//! The read-only OParl 1.1 view of the published records (served under `/oparl/v1.1/` by
//! `api::oparl`, which only routes): every object built from the store's read models.
//!
//! OParl is the open standard that council information systems and their clients speak. Every
//! object here is generated from the same tables as `/v1`; nothing is stored twice. The mapping:
//!
//! | OParl | maslikhat |
//! |---|---|
//! | `Body` | a council |
//! | `Organization` | the council itself (`Gremium`), its commissions (`Gremium`), party groups (`Fraktion`) |
//! | `Person` | a deputy (a deputy no longer on the roster is a tombstone, `deleted: true`) |
//! | `Membership` | mandates, party memberships and roles |
//! | `Meeting` / `AgendaItem` / `Location` | sessions, their agenda items, their place |
//! | `Paper` / `Consultation` | draft decisions and decisions, and the agenda item they were put to |
//! | `File` | documents |
//! | `LegislativeTerm` | convocations |
//!
//! Vote events, ballots and speeches have no OParl type; they travel as `maslikhat:` extension
//! properties on agenda items and meetings, described in `openapi/oparl-profile.md`.
//!
//! A body's lists are built in memory from one snapshot of that council, then filtered and paged:
//! several OParl timestamps are derived (from the session or roster version that carried an
//! object), so they cannot be filtered in SQL, and one council's records are small.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use crate::domain::enums::{BallotOption, DocumentKind, SessionStatus};
use crate::store::oparl::{BodyData, Parts};
use crate::store::tables::{self as t, Names};
use crate::store::{self, StoreError};

/// The licence every object of the view is published under.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// Where the view is mounted, under `public_url`.
pub const PREFIX: &str = "/oparl/v1.1";

/// The prefix of extension properties (OParl 1.1, "Vendor-specific extensions").
pub const EXT: &str = "maslikhat";

const SCHEMA: &str = "https://schema.oparl.org/1.1/";

/// The object lists of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The council, its commissions and party groups.
    Organization,
    /// Deputies.
    Person,
    /// Mandates, party memberships and roles.
    Membership,
    /// Sessions.
    Meeting,
    /// Agenda items.
    AgendaItem,
    /// Draft decisions and decisions.
    Paper,
    /// A paper put to an agenda item.
    Consultation,
    /// Documents.
    File,
    /// Convocations.
    LegislativeTerm,
    /// Session places.
    Location,
}

impl Kind {
    const ALL: [Kind; 10] = [
        Kind::Organization,
        Kind::Person,
        Kind::Membership,
        Kind::Meeting,
        Kind::AgendaItem,
        Kind::Paper,
        Kind::Consultation,
        Kind::File,
        Kind::LegislativeTerm,
        Kind::Location,
    ];

    /// The path segment of the list.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Organization => "organizations",
            Kind::Person => "persons",
            Kind::Membership => "memberships",
            Kind::Meeting => "meetings",
            Kind::AgendaItem => "agenda-items",
            Kind::Paper => "papers",
            Kind::Consultation => "consultations",
            Kind::File => "files",
            Kind::LegislativeTerm => "legislative-terms",
            Kind::Location => "locations",
        }
    }

    fn from_path(p: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.path() == p)
    }

    /// The OParl type name.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Organization => "Organization",
            Kind::Person => "Person",
            Kind::Membership => "Membership",
            Kind::Meeting => "Meeting",
            Kind::AgendaItem => "AgendaItem",
            Kind::Paper => "Paper",
            Kind::Consultation => "Consultation",
            Kind::File => "File",
            Kind::LegislativeTerm => "LegislativeTerm",
            Kind::Location => "Location",
        }
    }

    fn parts(self) -> Parts {
        match self {
            Kind::Organization | Kind::Person | Kind::Membership => Parts { roster: true, ..Parts::default() },
            Kind::LegislativeTerm => Parts::default(),
            Kind::Meeting | Kind::AgendaItem => Parts { records: true, votes: true, ..Parts::default() },
            Kind::Paper | Kind::Consultation | Kind::File | Kind::Location => {
                Parts { records: true, ..Parts::default() }
            }
        }
    }
}

/// The `created_since` … `modified_until` filters of OParl lists, plus paging.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    /// Objects created at or after this time.
    pub created_since: Option<String>,
    /// Objects created at or before this time.
    pub created_until: Option<String>,
    /// Objects modified at or after this time.
    pub modified_since: Option<String>,
    /// Objects modified at or before this time.
    pub modified_until: Option<String>,
    /// Objects per page.
    pub limit: Option<u64>,
    /// The key of the last object of the previous page (from `links.next`).
    pub cursor: Option<String>,
}

struct Filter {
    created_since: Option<DateTime<Utc>>,
    created_until: Option<DateTime<Utc>>,
    modified_since: Option<DateTime<Utc>>,
    modified_until: Option<DateTime<Utc>>,
}

fn parse_time(name: &str, v: Option<&str>) -> Result<Option<DateTime<Utc>>, ViewError> {
    let Some(v) = v else { return Ok(None) };
    // A `+` in an unencoded query arrives as a space; accept it rather than fail on a timezone.
    let fixed = v.trim().replace(' ', "+");
    DateTime::parse_from_rfc3339(&fixed).map(|t| Some(t.with_timezone(&Utc))).map_err(|_| {
        ViewError::BadRequest(format!(
            "{name} must be an ISO 8601 date-time with a timezone, e.g. 2024-01-31T00:00:00+05:00"
        ))
    })
}

impl Filter {
    fn parse(q: &ListQuery) -> Result<Self, ViewError> {
        Ok(Self {
            created_since: parse_time("created_since", q.created_since.as_deref())?,
            created_until: parse_time("created_until", q.created_until.as_deref())?,
            modified_since: parse_time("modified_since", q.modified_since.as_deref())?,
            modified_until: parse_time("modified_until", q.modified_until.as_deref())?,
        })
    }

    fn keeps(&self, o: &Obj) -> bool {
        self.created_since.is_none_or(|t| o.created >= t)
            && self.created_until.is_none_or(|t| o.created <= t)
            && self.modified_since.is_none_or(|t| o.modified >= t)
            && self.modified_until.is_none_or(|t| o.modified <= t)
    }
}

/// One generated object with the times its list is filtered by.
struct Obj {
    key: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
    value: Value,
}

/// The profile page: the mapping and the extension properties, as written in the repository.
pub const PROFILE: &str = include_str!("../../../openapi/oparl-profile.md");

/// Why a request to the view cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// No such body, list or object.
    #[error("{0} not found")]
    NotFound(String),
    /// A filter the view cannot read.
    #[error("{0}")]
    BadRequest(String),
    /// The database failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ViewError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ViewError::NotFound(what),
            e => ViewError::Store(e),
        }
    }
}

/// The view as seen from `public_url`: every object's id is the URL it is served at there.
pub struct View<'a> {
    db: &'a store::Db,
    u: Urls,
}

impl<'a> View<'a> {
    /// The view of `db`'s records, served under `public_url`.
    pub fn new(db: &'a store::Db, public_url: &str) -> Self {
        Self { db, u: Urls::new(public_url) }
    }

    /// The `System` object.
    pub fn system(&self, website: &str) -> Value {
        json!({
            "id": self.u.system(),
            "type": format!("{SCHEMA}System"),
            "oparlVersion": SCHEMA,
            "license": LICENSE,
            "body": self.u.bodies(),
            "name": "maslikhat: records of Kazakhstan's local councils",
            "website": website,
            // The software's own documentation, as this server serves it (it has no other home).
            "product": format!("{}/docs", website.trim_end_matches('/')),
            format!("{EXT}:profile"): self.u.profile(),
        })
    }

    /// The list of bodies (one per council), a page of `limit` (already checked).
    pub async fn bodies(&self, q: &ListQuery, limit: u64) -> Result<Value, ViewError> {
        let f = Filter::parse(q)?;
        let councils = store::oparl::all_councils(self.db).await?;
        let objs = councils.iter().map(|(c, convs)| body_obj(&self.u, c, convs)).collect();
        Ok(page(&self.u.bodies(), objs, &f, q, limit))
    }

    /// One body.
    pub async fn body(&self, id: &str) -> Result<Value, ViewError> {
        let d = store::oparl::load_body(self.db, id, Parts::default()).await?;
        let c = d.council.as_ref().ok_or_else(|| ViewError::NotFound(format!("body {id}")))?;
        Ok(body_obj(&self.u, c, &d.convocations).value)
    }

    /// A page of the list `list` (`meetings`, `persons` …) of body `id`.
    pub async fn list(&self, id: &str, list: &str, q: &ListQuery, limit: u64) -> Result<Value, ViewError> {
        let kind = Kind::from_path(list).ok_or_else(|| ViewError::NotFound(format!("list {list}")))?;
        let f = Filter::parse(q)?;
        let d = store::oparl::load_body(self.db, id, kind.parts()).await?;
        let c = d.council.as_ref().ok_or_else(|| ViewError::NotFound(format!("body {id}")))?;
        let objs = Builder::new(&self.u, &d, c).objects(kind);
        Ok(page(&self.u.list(id, kind), objs, &f, q, limit))
    }

    /// The object `key` of the list `list` of body `id`.
    pub async fn object(&self, id: &str, list: &str, key: &str) -> Result<Value, ViewError> {
        let kind = Kind::from_path(list).ok_or_else(|| ViewError::NotFound(format!("list {list}")))?;
        let not_found = || ViewError::NotFound(format!("{} {key}", kind.type_name()));
        let mut parts = kind.parts();
        // One object of a session needs that session's records only, not the whole council's.
        parts.session = match kind {
            Kind::Meeting | Kind::Location => Some(key.to_owned()),
            Kind::AgendaItem | Kind::File | Kind::Paper | Kind::Consultation => {
                let item = kind == Kind::AgendaItem;
                let mut found = store::oparl::session_of(self.db, id, key, item).await?;
                if found.is_none() {
                    // Dropped from its session record: a tombstone.
                    found = store::oparl::removed_from(self.db, id, key, item).await?;
                }
                Some(found.ok_or_else(not_found)?)
            }
            _ => None,
        };
        let d = store::oparl::load_body(self.db, id, parts).await?;
        let c = d.council.as_ref().ok_or_else(|| ViewError::NotFound(format!("body {id}")))?;
        let found = Builder::new(&self.u, &d, c).objects(kind).into_iter().find(|o| o.key == key);
        Ok(found.ok_or_else(not_found)?.value)
    }
}

/// Filters, sorts by key and pages `objs` as an OParl list of at most `limit` objects.
fn page(path: &str, mut objs: Vec<Obj>, f: &Filter, q: &ListQuery, limit: u64) -> Value {
    objs.retain(|o| f.keeps(o));
    objs.sort_by(|a, b| a.key.cmp(&b.key));
    let total = objs.len();
    let rest: Vec<Obj> = match &q.cursor {
        Some(c) => objs.into_iter().filter(|o| o.key.as_str() > c.as_str()).collect(),
        None => objs,
    };
    let more = rest.len() as u64 > limit;
    let data: Vec<Obj> = rest.into_iter().take(limit as usize).collect();
    let params = [
        ("created_since", q.created_since.clone()),
        ("created_until", q.created_until.clone()),
        ("modified_since", q.modified_since.clone()),
        ("modified_until", q.modified_until.clone()),
        ("limit", q.limit.map(|l| l.to_string())),
    ];
    let mut links = Map::new();
    // The first page is the link without a cursor.
    links.insert("first".into(), json!(link(path, &params, None)));
    if let Some(last) = data.last().filter(|_| more) {
        links.insert("next".into(), json!(link(path, &params, Some(&last.key))));
    }
    json!({
        "data": data.into_iter().map(|o| o.value).collect::<Vec<_>>(),
        "pagination": {"totalElements": total, "elementsPerPage": limit},
        "links": links,
    })
}

/// Everything but RFC 3986's unreserved characters is percent-encoded, in a path segment or a
/// query value alike.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn encode(s: &str) -> String {
    utf8_percent_encode(s, ESCAPED).to_string()
}

/// `path?query` with the parameters given, then the cursor.
fn link(path: &str, params: &[(&str, Option<String>)], cursor: Option<&str>) -> String {
    let mut q: Vec<String> =
        params.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v)))).collect();
    if let Some(c) = cursor {
        q.push(format!("cursor={}", encode(c)));
    }
    if q.is_empty() { path.to_owned() } else { format!("{path}?{}", q.join("&")) }
}

/// The URLs of the view: every object id is the URL it is served at.
struct Urls {
    base: String,
    public: String,
}

impl Urls {
    fn new(public_url: &str) -> Self {
        let public = public_url.trim_end_matches('/').to_owned();
        Self { base: format!("{public}{PREFIX}"), public }
    }
    fn system(&self) -> String {
        format!("{}/system", self.base)
    }
    fn bodies(&self) -> String {
        format!("{}/bodies", self.base)
    }
    fn profile(&self) -> String {
        format!("{}/profile", self.base)
    }
    fn body(&self, c: &str) -> String {
        format!("{}/bodies/{}", self.base, encode(c))
    }
    fn list(&self, c: &str, k: Kind) -> String {
        format!("{}/{}", self.body(c), k.path())
    }
    fn obj(&self, c: &str, k: Kind, key: &str) -> String {
        format!("{}/{}", self.list(c, k), encode(key))
    }
    fn api(&self, path: &str, id: &str) -> String {
        format!("{}/v1/{path}/{}", self.public, encode(id))
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The calendar day in Kazakhstan (UTC+5) of an instant.
fn local_day(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(5)).date_naive()
}

/// Languages in the order a single OParl `name` is chosen from.
const LANGS: [&str; 4] = ["kk", "ru", "en", "kk-Latn"];

/// The names, and the one preferred for OParl's single `name`.
fn names(map: &Names) -> (Option<String>, Value) {
    let pick = LANGS.iter().find_map(|l| map.get(*l)).or_else(|| map.values().next()).cloned();
    (pick, json!(map))
}

/// Drops `null` members, which OParl's types forbid (an unknown value is absent, not null).
fn prune(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, prune(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(prune).collect()),
        other => other,
    }
}

fn ext(key: &str) -> String {
    format!("{EXT}:{key}")
}

fn body_obj(u: &Urls, c: &t::Council, convs: &[t::Convocation]) -> Obj {
    let (name, all) = names(&c.names);
    let b = |k: Kind| u.list(&c.id, k);
    let mut v = json!({
        "id": u.body(&c.id),
        "type": format!("{SCHEMA}Body"),
        "system": u.system(),
        "name": name.unwrap_or_else(|| c.id.clone()),
        "website": c.website,
        "license": LICENSE,
        "organization": b(Kind::Organization),
        "person": b(Kind::Person),
        "meeting": b(Kind::Meeting),
        "paper": b(Kind::Paper),
        "agendaItem": b(Kind::AgendaItem),
        "consultation": b(Kind::Consultation),
        "file": b(Kind::File),
        "locationList": b(Kind::Location),
        "legislativeTermList": b(Kind::LegislativeTerm),
        "membership": b(Kind::Membership),
        "legislativeTerm": convs.iter().map(|t| term(u, c, t)).collect::<Vec<_>>(),
        "mainOrganization": u.obj(&c.id, Kind::Organization, COUNCIL_ORG),
        "classification": c.level,
        "created": ts(c.created_at),
        "modified": ts(c.updated_at),
    });
    if let Value::Object(m) = &mut v {
        m.insert(ext("names"), all);
        m.insert(ext("level"), json!(c.level));
        m.insert(ext("kato"), json!(c.kato));
        m.insert(ext("seats"), json!(c.seats));
        m.insert(ext("parent"), json!(c.parent_id.as_ref().map(|p| u.body(p))));
        m.insert(ext("synthetic"), json!(c.synthetic));
        m.insert(ext("api"), json!(u.api("councils", &c.id)));
    }
    Obj { key: c.id.clone(), created: c.created_at, modified: c.updated_at, value: prune(v) }
}

fn term(u: &Urls, c: &t::Council, term: &t::Convocation) -> Value {
    let mut v = json!({
        "id": u.obj(&c.id, Kind::LegislativeTerm, &term.number),
        "type": format!("{SCHEMA}LegislativeTerm"),
        "body": u.body(&c.id),
        "name": format!("{} convocation", term.number),
        "startDate": term.start_date,
        "endDate": term.end_date,
        "created": ts(c.created_at),
        "modified": ts(c.updated_at),
    });
    if let Value::Object(m) = &mut v {
        m.insert(ext("synthetic"), json!(c.synthetic));
    }
    prune(v)
}

/// The key of the organization that is the council itself.
const COUNCIL_ORG: &str = "council";

/// The key of an organization that is a commission of the council.
fn commission_org(id: &str) -> String {
    format!("commission-{id}")
}

/// The key of the organization that is a party's group in the council.
fn party_org(id: &str) -> String {
    format!("party-{id}")
}

/// Makes keys unique: the second `k` becomes `k-2`, and so on (only malformed histories collide).
#[derive(Default)]
struct Keys(HashSet<String>);

impl Keys {
    fn take(&mut self, k: String) -> String {
        let mut n = 1;
        let mut key = k.clone();
        while !self.0.insert(key.clone()) {
            n += 1;
            key = format!("{k}-{n}");
        }
        key
    }
}

/// A membership with the person and organization it links.
struct MembershipObj {
    deputy: String,
    org: String,
    obj: Obj,
}

/// Builds a body's objects from one snapshot.
struct Builder<'a> {
    u: &'a Urls,
    d: &'a BodyData,
    c: &'a t::Council,
    /// When the roster was first and last accepted: the times of everything only a roster carries
    /// (its rows are replaced whole, so a finer time is not known).
    roster: (DateTime<Utc>, DateTime<Utc>),
    sessions: HashMap<&'a str, &'a t::Session>,
    /// Indexes of the snapshot, so that building a list stays linear in its size.
    deputies: HashMap<&'a str, &'a t::Deputy>,
    agenda_by_session: HashMap<&'a str, Vec<&'a t::AgendaItem>>,
    docs_by_session: HashMap<&'a str, Vec<&'a t::Document>>,
    docs_by_item: HashMap<&'a str, Vec<&'a t::Document>>,
    votes_by_item: HashMap<&'a str, Vec<&'a t::VoteEvent>>,
    ballots_by_vote: HashMap<&'a str, Vec<&'a t::Ballot>>,
    ballots_by_session: HashMap<&'a str, Vec<&'a t::Ballot>>,
    speeches_by_item: HashMap<&'a str, Vec<&'a t::Speech>>,
    speeches_by_session: HashMap<&'a str, Vec<&'a t::Speech>>,
}

/// Groups `xs` by a key, keeping their order.
fn group<'a, T>(xs: &'a [T], key: impl Fn(&'a T) -> Option<&'a str>) -> HashMap<&'a str, Vec<&'a T>> {
    let mut m: HashMap<&str, Vec<&T>> = HashMap::new();
    for x in xs {
        if let Some(k) = key(x) {
            m.entry(k).or_default().push(x);
        }
    }
    m
}

/// An empty slice for a key with no group.
fn of<'a, 'b, T>(m: &'b HashMap<&'a str, Vec<&'a T>>, k: &str) -> &'b [&'a T] {
    m.get(k).map_or(&[], Vec::as_slice)
}

impl<'a> Builder<'a> {
    fn new(u: &'a Urls, d: &'a BodyData, c: &'a t::Council) -> Self {
        Self {
            u,
            d,
            c,
            roster: d.roster_times.unwrap_or((c.created_at, c.updated_at)),
            sessions: d.sessions.iter().map(|s| (s.id.as_str(), s)).collect(),
            deputies: d.deputies.iter().map(|x| (x.id.as_str(), x)).collect(),
            agenda_by_session: group(&d.agenda, |a| Some(a.session_id.as_str())),
            docs_by_session: group(&d.documents, |x| Some(x.session_id.as_str())),
            docs_by_item: group(&d.documents, |x| x.agenda_item_id.as_deref()),
            votes_by_item: group(&d.vote_events, |e| Some(e.agenda_item_id.as_str())),
            ballots_by_vote: group(&d.ballots, |b| Some(b.vote_event_id.as_str())),
            ballots_by_session: group(&d.ballots, |b| Some(b.session_id.as_str())),
            speeches_by_item: group(&d.speeches, |x| x.agenda_item_id.as_deref()),
            speeches_by_session: group(&d.speeches, |x| x.agenda_item_id.is_none().then_some(x.session_id.as_str())),
        }
    }

    fn url(&self, k: Kind, key: &str) -> String {
        self.u.obj(&self.c.id, k, key)
    }

    fn objects(&self, kind: Kind) -> Vec<Obj> {
        match kind {
            Kind::Organization => self.organizations(),
            Kind::Person => self.persons(),
            Kind::Membership => self.memberships().into_iter().map(|m| m.obj).collect(),
            Kind::Meeting => self.d.sessions.iter().map(|s| self.meeting(s)).collect(),
            Kind::AgendaItem => self.agenda_items(),
            Kind::Paper => self.papers().map(|d| self.paper(d)).chain(self.tombstones(kind)).collect(),
            Kind::Consultation => {
                self.papers().filter_map(|d| self.consultation(d)).chain(self.tombstones(kind)).collect()
            }
            Kind::File => self.d.documents.iter().map(|d| self.file(d)).chain(self.tombstones(kind)).collect(),
            Kind::LegislativeTerm => self
                .d
                .convocations
                .iter()
                .map(|t| Obj {
                    key: t.number.clone(),
                    created: self.c.created_at,
                    modified: self.c.updated_at,
                    value: term(self.u, self.c, t),
                })
                .collect(),
            Kind::Location => self.d.sessions.iter().filter_map(|s| self.location(s)).collect(),
        }
    }

    /// Adds the common members and drops nulls.
    fn finish(
        &self,
        kind: Kind,
        key: String,
        created: DateTime<Utc>,
        modified: DateTime<Utc>,
        synthetic: bool,
        mut v: Value,
    ) -> Obj {
        // Derived times can put `created` after the carrying version's time; never report a
        // modification before the creation.
        let modified = modified.max(created);
        if let Value::Object(m) = &mut v {
            m.insert("id".into(), json!(self.url(kind, &key)));
            m.insert("type".into(), json!(format!("{SCHEMA}{}", kind.type_name())));
            m.insert("created".into(), json!(ts(created)));
            m.insert("modified".into(), json!(ts(modified)));
            m.insert(ext("synthetic"), json!(self.c.synthetic || synthetic));
        }
        Obj { key, created, modified, value: prune(v) }
    }

    fn deputy_synthetic(&self, id: &str) -> bool {
        self.deputies.get(id).is_some_and(|d| d.synthetic)
    }

    fn organizations(&self) -> Vec<Obj> {
        let members = self.memberships();
        let of = |org: &str| -> Vec<Value> {
            members.iter().filter(|m| m.org == org).map(|m| m.obj.value["id"].clone()).collect()
        };
        let council_url = self.url(Kind::Organization, COUNCIL_ORG);
        let (name, all) = names(&self.c.names);
        let mut out = vec![self.finish(
            Kind::Organization,
            COUNCIL_ORG.into(),
            self.c.created_at,
            self.c.updated_at.max(self.roster.1),
            false,
            json!({
                "body": self.u.body(&self.c.id),
                "name": name,
                "organizationType": "Gremium",
                "classification": "council",
                "membership": of(COUNCIL_ORG),
                "meeting": self.u.list(&self.c.id, Kind::Meeting),
                "startDate": self.d.convocations.first().map(|t| t.start_date),
                "website": self.c.website,
                "memberCount": self.c.seats,
                ext("names"): all,
            }),
        )];
        for cm in &self.d.commissions {
            let key = commission_org(&cm.id);
            let (name, all) = names(&cm.names);
            out.push(self.finish(
                Kind::Organization,
                key.clone(),
                self.roster.0,
                self.roster.1,
                false,
                json!({
                    "body": self.u.body(&self.c.id),
                    "name": name,
                    "organizationType": "Gremium",
                    "classification": format!("{} commission", cm.kind),
                    "subOrganizationOf": council_url,
                    "membership": of(&key),
                    "startDate": cm.start_date,
                    "endDate": cm.end_date,
                    ext("names"): all,
                    ext("kind"): cm.kind,
                }),
            ));
        }
        for p in self.d.parties.values() {
            let key = party_org(&p.id);
            let (name, all) = names(&p.names);
            let (short, _) = names(&p.abbreviations);
            out.push(self.finish(
                Kind::Organization,
                key.clone(),
                self.roster.0,
                self.roster.1,
                p.synthetic,
                json!({
                    "body": self.u.body(&self.c.id),
                    "name": name,
                    "shortName": short,
                    "organizationType": "Fraktion",
                    "classification": "party group",
                    "subOrganizationOf": council_url,
                    "membership": of(&key),
                    ext("names"): all,
                    ext("party"): self.u.api("parties", &p.id),
                }),
            ));
        }
        out
    }

    fn memberships(&self) -> Vec<MembershipObj> {
        let mut keys = Keys::default();
        let mut out = Vec::new();
        let person = |id: &str| self.url(Kind::Person, id);
        for m in &self.d.mandates {
            let key = keys.take(format!("{}-mandate-{}-{}", m.deputy_id, m.convocation, m.start_date));
            let obj = self.finish(
                Kind::Membership,
                key,
                self.member_created(&m.deputy_id),
                self.roster.1,
                self.deputy_synthetic(&m.deputy_id),
                json!({
                    "person": person(&m.deputy_id),
                    "organization": self.url(Kind::Organization, COUNCIL_ORG),
                    "role": "deputy",
                    "votingRight": true,
                    "startDate": m.start_date,
                    "endDate": m.end_date,
                    "onBehalfOf": m.nominating_party_id.as_deref().map(|p| self.url(Kind::Organization, &party_org(p))),
                    ext("legislativeTerm"): self.url(Kind::LegislativeTerm, &m.convocation),
                    ext("seatType"): m.seat_type,
                    ext("district"): m.district,
                    ext("nomination"): m.nomination,
                    ext("endReason"): m.end_reason,
                }),
            );
            out.push(MembershipObj { deputy: m.deputy_id.clone(), org: COUNCIL_ORG.into(), obj });
        }
        for m in &self.d.memberships {
            let key = keys.take(format!("{}-party-{}-{}", m.deputy_id, m.party_id, m.start_date));
            let org = party_org(&m.party_id);
            let obj = self.finish(
                Kind::Membership,
                key,
                self.member_created(&m.deputy_id),
                self.roster.1,
                self.deputy_synthetic(&m.deputy_id),
                json!({
                    "person": person(&m.deputy_id),
                    "organization": self.url(Kind::Organization, &org),
                    "role": "member",
                    "startDate": m.start_date,
                    "endDate": m.end_date,
                    ext("party"): self.u.api("parties", &m.party_id),
                }),
            );
            out.push(MembershipObj { deputy: m.deputy_id.clone(), org, obj });
        }
        for r in &self.d.roles {
            let org = match (&r.commission_id, &r.party_id) {
                (Some(c), _) => commission_org(c),
                (None, Some(p)) => party_org(p),
                (None, None) => COUNCIL_ORG.to_owned(),
            };
            let key = keys.take(format!("{}-{}-{}-{}", r.deputy_id, r.role, org, r.start_date));
            let obj = self.finish(
                Kind::Membership,
                key,
                self.member_created(&r.deputy_id),
                self.roster.1,
                self.deputy_synthetic(&r.deputy_id),
                json!({
                    "person": person(&r.deputy_id),
                    "organization": self.url(Kind::Organization, &org),
                    "role": r.role,
                    "votingRight": r.commission_id.is_some(),
                    "startDate": r.start_date,
                    "endDate": r.end_date,
                }),
            );
            out.push(MembershipObj { deputy: r.deputy_id.clone(), org, obj });
        }
        out
    }

    /// A roster fact of a deputy is created with the deputy (or later, with a later roster).
    fn member_created(&self, deputy: &str) -> DateTime<Utc> {
        self.deputies.get(deputy).map_or(self.roster.0, |d| d.created_at)
    }

    fn persons(&self) -> Vec<Obj> {
        let members = self.memberships();
        self.d.deputies.iter().map(|p| self.person(p, &members)).collect()
    }

    fn person(&self, p: &t::Deputy, members: &[MembershipObj]) -> Obj {
        if !p.listed {
            // Dropped from the roster: a tombstone, as OParl asks for deleted objects.
            return self.finish(
                Kind::Person,
                p.id.clone(),
                p.created_at,
                p.updated_at,
                p.synthetic,
                json!({"deleted": true}),
            );
        }
        let (name, all) = names(&p.names);
        let (given, _) = names(&p.given_names);
        let (family, _) = names(&p.family_names);
        let (patronymic, _) = names(&p.patronymic_names);
        let contacts = &p.contacts;
        let of_kind = |k: &str| contacts.iter().filter(|c| c.kind == k).map(|c| c.value.clone()).collect::<Vec<_>>();
        let membership: Vec<Value> = members.iter().filter(|m| m.deputy == p.id).map(|m| m.obj.value.clone()).collect();
        self.finish(
            Kind::Person,
            p.id.clone(),
            p.created_at,
            p.updated_at,
            p.synthetic,
            json!({
                "body": self.u.body(&self.c.id),
                "name": name,
                "givenName": given,
                "familyName": family,
                "gender": p.gender,
                "email": of_kind("email"),
                "phone": of_kind("phone"),
                "membership": membership,
                ext("names"): all,
                ext("patronymicName"): patronymic,
                ext("contacts"): contacts.iter().map(|c| json!({"kind": c.kind, "value": c.value})).collect::<Vec<_>>(),
                ext("api"): self.u.api("deputies", &p.id),
            }),
        )
    }

    fn session_times(&self, session_id: &str) -> (DateTime<Utc>, DateTime<Utc>, bool) {
        self.sessions
            .get(session_id)
            .map_or((self.c.created_at, self.c.updated_at, false), |s| (s.created_at, s.updated_at, s.synthetic))
    }

    fn location(&self, s: &t::Session) -> Option<Obj> {
        let place = s.place.as_ref()?;
        Some(self.finish(
            Kind::Location,
            s.id.clone(),
            s.created_at,
            s.updated_at,
            s.synthetic,
            json!({
                "description": place,
                "meetings": [self.url(Kind::Meeting, &s.id)],
            }),
        ))
    }

    fn meeting(&self, s: &'a t::Session) -> Obj {
        let docs = of(&self.docs_by_session, &s.id);
        let first_of = |kind: DocumentKind| docs.iter().find(|d| d.kind == kind).copied();
        let minutes = s
            .minutes_document_id
            .as_deref()
            .and_then(|id| docs.iter().find(|d| d.id == id).copied())
            .or_else(|| first_of(DocumentKind::Minutes));
        let invitation = first_of(DocumentKind::Agenda);
        let verbatim = first_of(DocumentKind::Verbatim);
        let used: HashSet<&str> =
            [minutes, invitation, verbatim].into_iter().flatten().map(|d| d.id.as_str()).collect();
        let auxiliary: Vec<Value> = docs
            .iter()
            .filter(|d| d.agenda_item_id.is_none() && !used.contains(d.id.as_str()))
            .map(|d| self.file(d).value)
            .collect();
        let items: Vec<Value> = self.items_of(&s.id).map(|o| o.value).collect();
        let present: std::collections::BTreeSet<&str> = of(&self.ballots_by_session, &s.id)
            .iter()
            .filter(|b| b.option.is_present())
            .map(|b| b.deputy_id.as_str())
            .collect();
        let speeches: Vec<Value> = of(&self.speeches_by_session, &s.id).iter().map(|x| self.speech(x)).collect();
        self.finish(
            Kind::Meeting,
            s.id.clone(),
            s.created_at,
            s.updated_at,
            s.synthetic,
            json!({
                "name": format!("Session {} ({} convocation)", s.number, s.convocation),
                "meetingState": s.status,
                "cancelled": s.status == SessionStatus::Cancelled,
                "start": ts(s.actual_start.unwrap_or(s.scheduled_start)),
                "end": s.actual_end.or(s.scheduled_end).map(ts),
                "location": self.location(s).map(|l| l.value),
                "organization": [self.url(Kind::Organization, COUNCIL_ORG)],
                "participant": present.iter().map(|d| self.url(Kind::Person, d)).collect::<Vec<_>>(),
                "invitation": invitation.map(|d| self.file(d).value),
                "resultsProtocol": minutes.map(|d| self.file(d).value),
                "verbatimProtocol": verbatim.map(|d| self.file(d).value),
                "auxiliaryFile": auxiliary,
                "agendaItem": items,
                ext("number"): s.number,
                ext("kind"): s.kind,
                ext("legislativeTerm"): self.url(Kind::LegislativeTerm, &s.convocation),
                ext("scheduledStart"): ts(s.scheduled_start),
                ext("scheduledEnd"): s.scheduled_end.map(ts),
                ext("actualStart"): s.actual_start.map(ts),
                ext("actualEnd"): s.actual_end.map(ts),
                ext("isOpen"): s.is_open,
                ext("livestreamUrl"): s.livestream_url,
                ext("recordingUrl"): s.recording_url,
                ext("declaredNoticeAt"): s.declared_notice_at.map(ts),
                ext("declaredNoticeSource"): s.declared_notice_source,
                ext("backfilled"): s.backfilled,
                ext("speeches"): speeches,
                ext("api"): self.u.api("sessions", &s.id),
            }),
        )
    }

    fn agenda_items(&self) -> Vec<Obj> {
        let live = self.d.sessions.iter().flat_map(|s| self.items_of(&s.id).collect::<Vec<_>>());
        live.chain(self.tombstones(Kind::AgendaItem)).collect()
    }

    /// Agenda items and documents (files, papers and their consultations) dropped from their
    /// session records: tombstones, as OParl asks for deleted objects, modified when dropped.
    fn tombstones(&self, kind: Kind) -> Vec<Obj> {
        let removed = match kind {
            Kind::AgendaItem => &self.d.removed_items,
            _ => &self.d.removed_documents,
        };
        let paper = |r: &crate::store::oparl::Removed| matches!(r.kind.as_deref(), Some("draft_decision" | "decision"));
        removed
            .iter()
            .filter(|r| matches!(kind, Kind::AgendaItem | Kind::File) || paper(r))
            .map(|r| {
                let (_, _, synthetic) = self.session_times(&r.session_id);
                // Only what the schemas require besides id and type: an agenda item's `order`, a
                // file's `accessUrl` (as the last version had them).
                let v = match kind {
                    Kind::AgendaItem => json!({"deleted": true, "order": r.order}),
                    Kind::File => json!({"deleted": true, "accessUrl": r.url}),
                    _ => json!({"deleted": true}),
                };
                self.finish(kind, r.id.clone(), r.created, r.deleted, synthetic, v)
            })
            .collect()
    }

    /// The agenda items of a session, in order.
    fn items_of(&self, session_id: &'a str) -> impl Iterator<Item = Obj> + '_ {
        of(&self.agenda_by_session, session_id).iter().enumerate().map(|(order, a)| self.agenda_item(a, order))
    }

    fn agenda_item(&self, a: &t::AgendaItem, order: usize) -> Obj {
        let (_, modified, synthetic) = self.session_times(&a.session_id);
        let docs = of(&self.docs_by_item, &a.id);
        let resolution = docs.iter().find(|d| d.kind == DocumentKind::Decision).copied();
        let consultation = docs.iter().find(|d| is_paper(d)).map(|d| self.url(Kind::Consultation, &d.id));
        let auxiliary: Vec<Value> = docs
            .iter()
            .filter(|d| Some(d.id.as_str()) != resolution.map(|r| r.id.as_str()))
            .map(|d| self.file(d).value)
            .collect();
        let votes: Vec<Value> = of(&self.votes_by_item, &a.id).iter().map(|e| self.vote_event(e)).collect();
        let speeches: Vec<Value> = of(&self.speeches_by_item, &a.id).iter().map(|x| self.speech(x)).collect();
        let (name, all) = names(&a.titles);
        self.finish(
            Kind::AgendaItem,
            a.id.clone(),
            a.first_public_at,
            modified,
            synthetic,
            json!({
                "meeting": self.url(Kind::Meeting, &a.session_id),
                "number": a.number_label,
                "order": order,
                "name": name,
                "public": a.is_open,
                "consultation": consultation,
                "result": a.result,
                "resolutionFile": resolution.map(|d| self.file(d).value),
                "auxiliaryFile": auxiliary,
                ext("titles"): all,
                ext("position"): a.position,
                ext("initiator"): a.initiator,
                ext("addedLate"): a.added_late,
                ext("voteEvents"): votes,
                ext("speeches"): speeches,
            }),
        )
    }

    fn vote_event(&self, e: &t::VoteEvent) -> Value {
        let ballots = of(&self.ballots_by_vote, &e.id);
        let tally = |option: BallotOption| ballots.iter().filter(|b| b.option == option).count() as u32;
        // The stated counts, else the ballots' tally, else unknown.
        let counts: Map<String, Value> = BallotOption::ALL
            .iter()
            .filter_map(|o| BallotOption::parse(o))
            .map(|o| {
                let stated = e.counts.map(|c| c.by_option().into_iter().find(|(x, _)| *x == o).map_or(0, |(_, n)| n));
                let n = stated.or_else(|| (!ballots.is_empty()).then(|| tally(o)));
                (o.as_str().to_owned(), json!(n))
            })
            .collect();
        let (motion, all) = names(&e.motion);
        prune(json!({
            "id": self.u.api("vote-events", &e.id),
            "identifier": e.id,
            "motion": motion,
            "motionTexts": all,
            "stage": e.stage,
            "method": e.method,
            "majorityRule": e.majority_rule,
            "seats": e.seats,
            "result": e.result,
            "named": e.named,
            "contested": e.contested,
            "counts": counts,
            "ballots": ballots
                .iter()
                .map(|b| json!({"person": self.url(Kind::Person, &b.deputy_id), "option": b.option}))
                .collect::<Vec<_>>(),
        }))
    }

    fn speech(&self, s: &t::Speech) -> Value {
        prune(json!({
            "identifier": s.id,
            "position": s.position,
            "person": s.deputy_id.as_deref().map(|d| self.url(Kind::Person, d)),
            "speakerName": s.speaker_name,
            "speakerRole": s.speaker_role,
            "speechType": s.speech_type,
            "language": s.language,
            "seconds": s.seconds,
            "text": s.body_text,
        }))
    }

    fn papers(&self) -> impl Iterator<Item = &'a t::Document> + 'a {
        self.d.documents.iter().filter(|d| is_paper(d))
    }

    fn file(&self, d: &t::Document) -> Obj {
        let (_, modified, synthetic) = self.session_times(&d.session_id);
        let file_name = d.url.split(['?', '#']).next().and_then(|p| p.rsplit('/').next()).filter(|n| !n.is_empty());
        self.finish(
            Kind::File,
            d.id.clone(),
            d.first_public_at,
            modified,
            synthetic,
            json!({
                "name": d.title,
                "fileName": file_name,
                "mimeType": d.media_type,
                "date": local_day(d.first_public_at),
                "text": d.body_text,
                "accessUrl": d.url,
                "meeting": [self.url(Kind::Meeting, &d.session_id)],
                "agendaItem": d.agenda_item_id.as_deref().map(|a| vec![self.url(Kind::AgendaItem, a)]),
                "paper": is_paper(d).then(|| vec![self.url(Kind::Paper, &d.id)]),
                ext("kind"): d.kind,
                ext("language"): d.language,
                ext("sha256Checksum"): d.sha256,
                ext("declaredPublicAt"): d.declared_public_at.map(ts),
                ext("declaredPublicSource"): d.declared_public_source,
            }),
        )
    }

    fn paper(&self, d: &t::Document) -> Obj {
        let (_, modified, synthetic) = self.session_times(&d.session_id);
        self.finish(
            Kind::Paper,
            d.id.clone(),
            d.first_public_at,
            modified,
            synthetic,
            json!({
                "body": self.u.body(&self.c.id),
                "name": d.title,
                "reference": d.id,
                "date": local_day(d.first_public_at),
                "paperType": if d.kind == DocumentKind::Decision { "decision" } else { "draft decision" },
                "mainFile": self.file(d).value,
                "consultation": self.consultation(d).map(|c| vec![c.value]),
                ext("kind"): d.kind,
            }),
        )
    }

    fn consultation(&self, d: &t::Document) -> Option<Obj> {
        let item = d.agenda_item_id.as_deref()?;
        let (_, modified, synthetic) = self.session_times(&d.session_id);
        Some(self.finish(
            Kind::Consultation,
            d.id.clone(),
            d.first_public_at,
            modified,
            synthetic,
            json!({
                "paper": self.url(Kind::Paper, &d.id),
                "agendaItem": self.url(Kind::AgendaItem, item),
                "meeting": self.url(Kind::Meeting, &d.session_id),
                "organization": [self.url(Kind::Organization, COUNCIL_ORG)],
                "authoritative": d.kind == DocumentKind::Decision,
                "role": if d.kind == DocumentKind::Decision { "decision" } else { "deliberation" },
            }),
        ))
    }
}

/// Draft decisions and decisions are OParl papers (and files).
fn is_paper(d: &t::Document) -> bool {
    matches!(d.kind, DocumentKind::DraftDecision | DocumentKind::Decision)
}
