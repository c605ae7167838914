//! Import from Popolo JSON (`maslikhat import --popolo FILE`): people, organizations,
//! memberships, legislative periods, and vote events where present, published as one council
//! through the same path as the API (the document types of [`crate::documents`], then the store's
//! `put_*`), with
//! provenance `public_sources`. It reads what `maslikhat export --popolo` writes (a round trip
//! keeps every field Popolo can carry) and what EveryPolitician publishes.
//!
//! ## Mapping
//!
//! | Popolo | maslikhat |
//! |---|---|
//! | the organization with `classification: legislature` (the first one with members when there are several) | the council: names from `name` and `other_names` (by `lang`, else by script), `seats` the larger of the stated seats and the most members serving together |
//! | `events` with `classification: legislative period` | convocations: the number from the id's last segment (a Roman numeral, or digits turned into one: `term/5` → `V`); an open period ends the day before the next one starts |
//! | `organizations` with `classification: party` | parties (`registered`), except pseudo-parties (below) |
//! | `organizations` with `classification: committee` or `commission` under the council | commissions (`standing`) |
//! | `persons` | deputies: `name` and `other_names`, given, family and patronymic names per language, gender, contact details |
//! | a membership in the council | a mandate in its legislative period (or the convocation covering its start); `on_behalf_of_id` a real party → `party_list`, nominated by that party; else `single_member`, `self_nominated` |
//! | a membership in a party | a party membership; when the file has none at all (EveryPolitician), the party a mandate was won for is taken as the deputy's party for the mandate's period |
//! | a membership with a role (`chairman`, `deputy_chairman`, `secretary`, `faction_leader`; `chair`/`member` of a commission) | a role |
//! | `vote_events` (grouped by `legislative_session_id`, else by day), session `events`, agenda-item `events`, `speeches` | session records: one per session, `held`, with one agenda item per vote when the file has none, ballots from `votes` and counts from `counts` (options as [`parse_option`] reads them) |
//!
//! **Names by script.** Popolo has one `name`; `other_names` carry a `lang` when the source
//! knows it. A name without one is classified by its letters: Kazakh-only Cyrillic letters
//! (ә ғ қ ң ө ұ ү һ і) → `kk`, other Cyrillic → `ru` (or `kk` when `ru` is taken by another
//! spelling), Latin → `en`. EveryPolitician keeps its Russian and Kazakh spellings in a separate
//! `names.csv` (`name,id`): with [`PopoloOptions::names`] (by default `names.csv` beside the
//! file, when present) every name sharing an id with a person's `name` is added the same way;
//! spellings that differ only in letter case are kept once.
//!
//! **Pseudo-parties.** Organizations named `Independent`, `Non-partisan`, `None`, `unknown`
//! (and their Russian and Kazakh forms) are not parties: a deputy elected "for" one is
//! non-partisan (no party membership) and self-nominated. For `unknown` that is a guess the
//! source does not make, and the report says so.
//!
//! **Levels and seat caps.** Our levels are the maslikhat tiers with their legal seat caps
//! (oblast and republican city 50, city 30, district 25) plus `national` for the Mazhilis
//! (cap 107, its size from 2007 to 2023). The council gets the smallest level whose cap holds
//! the seats it needs, `national` above 50 (a national parliament is neither a district nor an
//! oblast maslikhat, and folding 107 deputies into 50 seats would break the seat rule);
//! party-list seats need an oblast, republican-city or national council, so a file with party
//! lists gets at least `oblast`. Ids are kept when they are valid ids here, else derived from
//! the source id (`person/1374` → `{council}-1374`) or the name (`Nur Otan` → `nur-otan`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use serde_json::Value;

use super::format::{Membership, Names, Organization, Popolo, text};
use super::names::{add_name, is_pseudo_party, local_id, read_names, roman, script_lang, slug};
use super::sessions::session_records;
use crate::documents::bounded::Seats;
use crate::documents::council::{ConvocationDto, CouncilDoc};
use crate::documents::enums as e;
use crate::documents::party::PartyDoc;
use crate::documents::read;
use crate::documents::roster::{CommissionDto, ContactDto, DeputyDto, MandateDto, MembershipDto, RoleDto, RosterDoc};
use crate::documents::session::SessionRecordDoc;
use crate::domain::enums as d;
use crate::domain::{Violations, text as t};
use crate::interchange::{progress_bar, refusal};
use crate::store::councils::replace_meta;
use crate::store::{self, DocKind, PublishMeta, Published, StoreError, VersionMeta};

#[cfg(doc)]
use super::format::parse_option;

/// Why a Popolo import stopped (refused documents do not stop it).
#[derive(Debug, thiserror::Error)]
pub enum PopoloError {
    /// Reading the file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file is not Popolo JSON we can use.
    #[error("{0}")]
    File(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct PopoloOptions {
    /// The council id (default: the legislature's id when valid here, else from its name).
    pub council_id: Option<String>,
    /// EveryPolitician's `names.csv` (default: `names.csv` beside the file, when present).
    pub names: Option<PathBuf>,
    /// Replace documents that exist with other content.
    pub replace: bool,
    /// Store every document that passes and report the others; by default a file with any
    /// refused document stores nothing.
    pub continue_on_error: bool,
    /// Show progress bars.
    pub progress: bool,
}

/// A document that was not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopoloRefusal {
    /// `council`, `party`, `roster` or `session_record`.
    pub kind: &'static str,
    /// The document's id here.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// What a Popolo import did.
#[derive(Debug, Clone, Default)]
pub struct PopoloReport {
    /// The council the legislature became.
    pub council_id: String,
    /// Its level and seats.
    pub level: String,
    /// Seats.
    pub seats: u64,
    /// Documents stored as new versions.
    pub stored: u64,
    /// Documents identical to the current version.
    pub unchanged: u64,
    /// Parties (documents published).
    pub parties: u64,
    /// Deputies in the roster.
    pub deputies: u64,
    /// Session records published.
    pub sessions: u64,
    /// Vote events in them.
    pub vote_events: u64,
    /// Refused documents with reasons.
    pub refused: Vec<PopoloRefusal>,
    /// What was guessed or left out.
    pub warnings: Vec<String>,
    /// Whether what was stored was kept: false when a refusal (without `continue_on_error`)
    /// discarded the whole file, so nothing was stored.
    pub kept: bool,
}

/// A date member (`YYYY-MM-DD`, or a date-time whose date part is taken); `None` for a partial
/// date (`2016`), which names no day.
pub(super) fn date(v: &Option<String>) -> Option<NaiveDate> {
    text(v).and_then(|x| x.get(..10)).and_then(|x| NaiveDate::parse_from_str(x, "%Y-%m-%d").ok())
}

/// A Popolo enumeration member read as ours (`not voting` → `not_voting`); `None` when absent
/// or unknown (the mapping then says what it means).
pub(super) fn parse_enum<T>(v: &Option<String>, parse: fn(&str) -> Option<T>) -> Option<T> {
    parse(&text(v)?.replace(' ', "_"))
}

/// An enumeration member that must be one of ours when present: an unknown value refuses the
/// document it goes to, naming the member at `path`.
fn known<T>(v: &Option<String>, path: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, String> {
    match text(v) {
        None => Ok(None),
        Some(x) => parse_enum(v, parse).map(Some).ok_or_else(|| format!("{path} allowed_values: unknown value {x:?}")),
    }
}

fn class(classification: &Option<String>) -> String {
    text(classification).unwrap_or_default().to_lowercase()
}

/// A legislative period that became a convocation.
pub(super) struct Period {
    /// The event's id in the file.
    pub src: String,
    /// The convocation's number (a Roman numeral).
    pub number: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day, when known.
    pub end: Option<NaiveDate>,
}

impl Period {
    /// Whether the period covers `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|e| day <= e)
    }
}

/// Imports the Popolo JSON file at `path` as one council.
pub async fn import_file(db: &store::Db, path: &Path, opts: &PopoloOptions) -> Result<PopoloReport, PopoloError> {
    let doc: Value = serde_json::from_slice(&std::fs::read(path)?)
        .map_err(|e| PopoloError::File(format!("{} is not JSON: {e}", path.display())))?;
    let names_file = opts.names.clone().or_else(|| {
        let p = path.with_file_name("names.csv");
        p.exists().then_some(p)
    });
    let extra_names = match names_file {
        Some(p) => read_names(&p)?,
        None => HashMap::new(),
    };
    import_value(db, &doc, &extra_names, opts).await
}

/// Imports a parsed Popolo document; `extra_names` maps a name to every spelling of the same
/// person.
pub async fn import_value(
    db: &store::Db,
    doc: &Value,
    extra_names: &HashMap<String, Vec<String>>,
    opts: &PopoloOptions,
) -> Result<PopoloReport, PopoloError> {
    let file: Popolo = read::from_value(doc.clone())
        .map_err(|v| PopoloError::File(format!("not Popolo JSON this import reads: {v}")))?;
    let mut report = PopoloReport::default();
    let plan = Plan::build(&file, extra_names, opts, &mut report)?;
    let meta = plan.meta(opts);
    let council_id = plan.council_id.clone();
    let mut planned = plan.parse(&mut report);
    if !opts.replace {
        keep_stored_parties(db, &mut planned, &mut report).await?;
    }
    // All or nothing: a document refused before anything is stored stops the whole file, unless
    // the caller asked to store what passes.
    if !opts.continue_on_error {
        preflight(db, &planned, opts.replace, &council_id, &mut report).await?;
        if !report.refused.is_empty() {
            return Ok(report);
        }
    }
    // One batch: a refusal found only while publishing (a rule that needs the stored state)
    // discards the documents stored before it too.
    let batch = store::begin_batch(db).await?;
    let mut out = Out { db: &batch, meta, report: &mut report };
    let pb = progress_bar(opts.progress, Some(planned.len() as u64), "documents");
    for p in planned {
        out.publish(&council_id, p).await?;
        pb.inc(1);
    }
    pb.finish_and_clear();
    report.kept = store::end_batch(batch, report.refused.is_empty() || opts.continue_on_error).await?;
    if !report.kept {
        (report.stored, report.parties, report.deputies, report.sessions, report.vote_events) = (0, 0, 0, 0, 0);
    }
    Ok(report)
}

/// A document of the file, parsed without violations, before anything is stored.
enum Planned {
    Party(String, crate::domain::council::Party),
    Council(crate::domain::council::Council),
    /// The roster and how many deputies it has.
    Roster(crate::domain::roster::Roster, u64),
    /// A session record and how many vote events it has.
    Session(String, Box<crate::domain::session::SessionRecord>, u64),
}

impl Planned {
    fn key<'a>(&'a self, council_id: &'a str) -> (DocKind, &'a str) {
        match self {
            Planned::Party(id, _) => (DocKind::Party, id),
            Planned::Council(_) => (DocKind::Council, council_id),
            Planned::Roster(..) => (DocKind::Roster, council_id),
            Planned::Session(id, ..) => (DocKind::SessionRecord, id),
        }
    }

    /// The stored version of this document when its content differs from the planned one.
    async fn stored_otherwise(&self, db: &store::Db, council_id: &str) -> Result<Option<VersionMeta>, StoreError> {
        let (kind, id) = self.key(council_id);
        let planned = crate::domain::log::canonical::sha256_hex(self.body()?.as_bytes());
        Ok(store::councils::current_version(db, kind, id).await?.filter(|current| current.sha256 != planned))
    }

    fn body(&self) -> Result<String, StoreError> {
        match self {
            Planned::Party(_, d) => store::canonical_json(d),
            Planned::Council(d) => store::canonical_json(d),
            Planned::Roster(d, _) => store::canonical_json(d),
            Planned::Session(_, d, _) => store::canonical_json(d),
        }
    }
}

/// Parties are national: a party the database already holds with other content is the one the
/// file's memberships refer to, kept as stored (with a warning) rather than refused or changed,
/// unless the import replaces.
async fn keep_stored_parties(
    db: &store::Db,
    plan: &mut Vec<Planned>,
    report: &mut PopoloReport,
) -> Result<(), StoreError> {
    let mut kept = Vec::with_capacity(plan.len());
    for p in plan.drain(..) {
        if let Planned::Party(id, _) = &p
            && let Some(current) = p.stored_otherwise(db, "").await?
        {
            report.warnings.push(format!(
                "party {id} is already stored (version {}) with another description; it is kept as stored \
                 (--replace applies the file's)",
                current.etag()
            ));
            report.unchanged += 1;
            continue;
        }
        kept.push(p);
    }
    *plan = kept;
    Ok(())
}

/// Refuses, before anything is stored, every planned document that exists with other content
/// when the import does not replace (the store would refuse it with 428 after earlier documents
/// were stored).
async fn preflight(
    db: &store::Db,
    plan: &[Planned],
    replace: bool,
    council_id: &str,
    report: &mut PopoloReport,
) -> Result<(), StoreError> {
    if replace {
        return Ok(());
    }
    for p in plan {
        let (kind, id) = p.key(council_id);
        if let Some(current) = p.stored_otherwise(db, council_id).await? {
            report.refused.push(PopoloRefusal {
                kind: kind.as_str(),
                id: id.to_owned(),
                reason: format!("the document exists with other content (version {}); use --replace", current.etag()),
            });
        }
    }
    Ok(())
}

/// Every document the file becomes, before any is published.
struct Plan {
    council_id: String,
    parties: Vec<(String, Result<PartyDoc, String>)>,
    council: Result<CouncilDoc, String>,
    roster: Result<RosterDoc, String>,
    sessions: Vec<(String, Result<SessionRecordDoc, String>)>,
}

impl Plan {
    fn build(
        file: &Popolo,
        extra_names: &HashMap<String, Vec<String>>,
        opts: &PopoloOptions,
        report: &mut PopoloReport,
    ) -> Result<Plan, PopoloError> {
        let legislature = legislature(file)?;
        let leg_src = text(&legislature.id).unwrap_or_default().to_owned();
        let council_id = opts.council_id.clone().unwrap_or_else(|| council_id(legislature, &leg_src));
        report.council_id = council_id.clone();
        let parties = Parties::read(file, &council_id, report);
        let periods = periods(file, &leg_src, report);
        if periods.is_empty() {
            return Err(PopoloError::File("no legislative period for the council, so no convocation".into()));
        }
        let people = People { file, leg_src: &leg_src, council_id: &council_id, parties: &parties, periods: &periods };
        let roster = people.roster(extra_names, report);
        let (council, seats) = council_doc(legislature, &council_id, &periods, &roster, report);
        let sessions = session_records(file, &leg_src, &council_id, seats, &periods, &roster.person_ids, report);
        let roster = match roster.problems.is_empty() {
            true => Ok(roster.doc),
            false => Err(roster.problems.join("; ")),
        };
        Ok(Plan { council_id, parties: parties.docs, council, roster, sessions })
    }

    /// Parses every document; what does not shape or parse is refused (in `report`).
    fn parse(self, report: &mut PopoloReport) -> Vec<Planned> {
        fn parsed<T>(
            report: &mut PopoloReport,
            kind: &'static str,
            id: &str,
            r: Result<T, String>,
            v: Violations,
        ) -> Option<T> {
            let reason = match r {
                Ok(doc) if v.is_empty() => return Some(doc),
                Ok(_) => v
                    .into_vec()
                    .iter()
                    .map(|x| format!("{} {}: {}", x.path, x.rule, x.message))
                    .collect::<Vec<_>>()
                    .join("; "),
                Err(e) => e,
            };
            report.refused.push(PopoloRefusal { kind, id: id.to_owned(), reason });
            None
        }
        let c = self.council_id;
        let mut out = vec![];
        for (id, doc) in self.parties {
            let mut v = Violations::new();
            t::check_id(&mut v, "/id", &id);
            let doc = doc.map(|d| d.parse(&mut v));
            out.extend(parsed(report, "party", &id, doc, v).map(|d| Planned::Party(id, d)));
        }
        let mut v = Violations::new();
        t::check_id(&mut v, "/id", &c);
        let doc = self.council.map(|d| d.parse(&mut v));
        out.extend(parsed(report, "council", &c, doc, v).map(Planned::Council));
        let mut v = Violations::new();
        let doc = self.roster.map(|d| {
            let n = d.deputies.len() as u64;
            (d.parse(&mut v), n)
        });
        out.extend(parsed(report, "roster", &c, doc, v).map(|(d, n)| Planned::Roster(d, n)));
        for (id, doc) in self.sessions {
            let mut v = Violations::new();
            t::check_id(&mut v, "/id", &id);
            let doc = doc.map(|d| {
                let n = d.vote_events.len() as u64;
                (d.parse(&mut v).0, n)
            });
            out.extend(
                parsed(report, "session_record", &id, doc, v).map(|(d, n)| Planned::Session(id, Box::new(d), n)),
            );
        }
        out
    }

    fn meta(&self, opts: &PopoloOptions) -> PublishMeta {
        PublishMeta {
            publisher: "popolo-import".into(),
            if_match: opts.replace.then(|| "*".to_owned()),
            reason: None,
            provenance: d::Provenance::PublicSources,
            received_at: None,
        }
    }
}

/// The organization that is the legislature (the first one with the most members).
fn legislature(file: &Popolo) -> Result<&Organization, PopoloError> {
    let members_of = |id: Option<&str>| file.memberships.iter().filter(|m| text(&m.organization_id) == id).count();
    file.organizations
        .iter()
        .filter(|o| class(&o.classification) == "legislature")
        .max_by_key(|o| members_of(text(&o.id)))
        .ok_or_else(|| PopoloError::File("no organization with classification legislature".into()))
}

fn council_id(legislature: &Organization, leg_src: &str) -> String {
    if t::is_valid_id(leg_src) && leg_src != "legislature" {
        return leg_src.to_owned();
    }
    let sl = slug(text(&legislature.name).unwrap_or_default());
    if t::is_valid_id(&sl) { sl } else { "popolo-council".into() }
}

/// Every name of an organization or person: `other_names` by their `lang`, then `name`.
fn names_of(other_names: &[super::format::OtherName], name: &str) -> Names {
    let mut names = BTreeMap::new();
    for n in other_names {
        if let Some(x) = text(&n.name) {
            add_name(&mut names, x, text(&n.lang));
        }
    }
    add_name(&mut names, name, None);
    names
}

/// The parties of the file: real ones become documents; pseudo-parties mean non-partisan.
struct Parties {
    /// Source id → our id.
    ids: HashMap<String, String>,
    /// Source ids of pseudo-parties.
    pseudo: HashMap<String, String>,
    docs: Vec<(String, Result<PartyDoc, String>)>,
}

impl Parties {
    fn read(file: &Popolo, council_id: &str, report: &mut PopoloReport) -> Parties {
        let mut p = Parties { ids: HashMap::new(), pseudo: HashMap::new(), docs: Vec::new() };
        for o in file.organizations.iter().filter(|o| class(&o.classification) == "party") {
            let (Some(src), name) = (text(&o.id), text(&o.name).unwrap_or_default()) else { continue };
            if is_pseudo_party(name) {
                p.pseudo.insert(src.to_owned(), name.to_owned());
                continue;
            }
            let id = party_id(src, name, council_id);
            let names = names_of(&o.other_names, if name.is_empty() { &id } else { name });
            let doc =
                known(&o.registration_status, "/registration_status", d::RegistrationStatus::parse).map(|status| {
                    PartyDoc {
                        names,
                        abbreviations: o.abbreviations.clone().unwrap_or_default(),
                        registration_status: status.unwrap_or(d::RegistrationStatus::Registered).into(),
                        synthetic: false,
                    }
                });
            p.ids.insert(src.to_owned(), id.clone());
            p.docs.push((id, doc));
        }
        for name in p.pseudo.values().filter(|n| n.eq_ignore_ascii_case("unknown")) {
            report.warnings.push(format!(
                "deputies elected for \"{name}\" are recorded as non-partisan and self-nominated: the source does \
                 not say"
            ));
        }
        p
    }
}

fn party_id(src: &str, name: &str, council_id: &str) -> String {
    if t::is_valid_id(src) && !src.bytes().all(|b| b.is_ascii_digit()) {
        return src.to_owned();
    }
    let sl = slug(name);
    if t::is_valid_id(&sl) { sl } else { local_id(&format!("{council_id}-party"), src) }
}

/// Convocations from the legislative periods of the council, oldest first; an open period ends
/// the day before the next one starts.
fn periods(file: &Popolo, leg_src: &str, report: &mut PopoloReport) -> Vec<Period> {
    let mut periods = Vec::new();
    for e in file.events.iter().filter(|e| class(&e.classification) == "legislative period") {
        if text(&e.organization_id).is_some_and(|o| o != leg_src) {
            continue;
        }
        let (Some(src), Some(start)) = (text(&e.id), date(&e.start_date)) else { continue };
        let tail = src.trim_end_matches('/').rsplit(['/', '-', '_']).next().unwrap_or_default();
        let number = if crate::domain::council::is_roman(tail) {
            Some(tail.to_owned())
        } else {
            tail.parse::<u32>().ok().and_then(roman)
        };
        match number {
            Some(number) => periods.push(Period { src: src.to_owned(), number, start, end: date(&e.end_date) }),
            None => report.warnings.push(format!("legislative period {src} has no number we can read; skipped")),
        }
    }
    periods.sort_by_key(|p| p.start);
    for i in 1..periods.len() {
        let next = periods[i].start;
        if periods[i - 1].end.is_none_or(|e| e >= next) {
            periods[i - 1].end = next.checked_sub_days(Days::new(1));
        }
    }
    periods
}

/// The roster as read: its document and the ids given to the file's persons.
pub(super) struct Roster {
    doc: RosterDoc,
    /// Values the roster cannot take: it is refused with these reasons.
    problems: Vec<String>,
    /// Source person id → deputy id.
    pub person_ids: HashMap<String, String>,
    /// Whether any mandate is a party-list seat.
    list_seats: bool,
}

/// What the roster is made of.
struct People<'a> {
    file: &'a Popolo,
    leg_src: &'a str,
    council_id: &'a str,
    parties: &'a Parties,
    periods: &'a [Period],
}

impl People<'_> {
    fn roster(&self, extra_names: &HashMap<String, Vec<String>>, report: &mut PopoloReport) -> Roster {
        let (commission_ids, commissions, problems) = self.commissions();
        let mut person_ids = HashMap::new();
        let mut deputies: Vec<DeputyDto> = Vec::new();
        for p in &self.file.persons {
            let Some(src) = text(&p.id) else { continue };
            let dep = person(p, local_id(self.council_id, src), extra_names);
            person_ids.insert(src.to_owned(), deputies.len());
            deputies.push(dep);
        }
        let mut roles = Vec::new();
        let mut list_seats = false;
        let explicit_parties = self
            .file
            .memberships
            .iter()
            .any(|m| text(&m.organization_id).is_some_and(|o| self.parties.ids.contains_key(o)));
        for m in &self.file.memberships {
            let (Some(person), Some(org)) = (text(&m.person_id), text(&m.organization_id)) else { continue };
            let Some(&dep) = person_ids.get(person) else { continue };
            let deputy = &mut deputies[dep];
            let is_member = matches!(role_name(m).as_str(), "member" | "deputy" | "mp");
            if org == self.leg_src && is_member {
                list_seats |= self.mandate(deputy, m, explicit_parties, report);
            } else if let Some(party) = self.parties.ids.get(org) {
                if let Some(start) = date(&m.start_date) {
                    let end_date = date(&m.end_date);
                    deputy.party_memberships.push(MembershipDto { party: party.clone(), start_date: start, end_date });
                }
            } else if self.parties.pseudo.contains_key(org) {
                // A membership in "Independent": non-partisan, nothing to record.
            } else if let Some(c) = commission_ids.get(org) {
                roles.extend(commission_role(&deputy.id, c, m));
            } else if org == self.leg_src {
                match self.council_role(&deputy.id, m) {
                    Some(role) => roles.push(role),
                    None => {
                        report.warnings.push(format!("role {} of {person} is not one of ours; skipped", role_name(m)))
                    }
                }
            }
        }
        for d in &mut deputies {
            d.mandates.sort_by_key(|m| m.start_date);
            d.party_memberships.sort_by_key(|m| m.start_date);
        }
        let person_ids = person_ids.into_iter().map(|(src, i)| (src, deputies[i].id.clone())).collect();
        deputies.retain(|d| !d.mandates.is_empty());
        Roster { doc: RosterDoc { deputies, commissions, roles }, problems, person_ids, list_seats }
    }

    /// Committees under the council become commissions.
    fn commissions(&self) -> (HashMap<String, String>, Vec<CommissionDto>, Vec<String>) {
        let (mut ids, mut docs, mut problems) = (HashMap::new(), Vec::new(), Vec::new());
        for o in &self.file.organizations {
            let Some(src) =
                text(&o.id).filter(|_| matches!(class(&o.classification).as_str(), "committee" | "commission"))
            else {
                continue;
            };
            if text(&o.parent_id).is_some_and(|p| p != self.leg_src) {
                continue;
            }
            let id = local_id(&format!("{}-c", self.council_id), src);
            let path = format!("/commissions/{}/kind", docs.len());
            let kind = known(&o.kind, &path, d::CommissionKind::parse).unwrap_or_else(|p| {
                problems.push(p);
                None
            });
            docs.push(CommissionDto {
                names: names_of(&o.other_names, text(&o.name).unwrap_or(&id)),
                kind: kind.unwrap_or(d::CommissionKind::Standing).into(),
                start_date: date(&o.founding_date),
                end_date: date(&o.dissolution_date),
                id: id.clone(),
            });
            ids.insert(src.to_owned(), id);
        }
        (ids, docs, problems)
    }

    /// Adds the mandate membership `m` is to `deputy` (and, when the file lists no party
    /// memberships, the party it was won for). True when it is a party-list seat.
    fn mandate(
        &self,
        deputy: &mut DeputyDto,
        m: &Membership,
        explicit_parties: bool,
        report: &mut PopoloReport,
    ) -> bool {
        let start = date(&m.start_date);
        let by_period = text(&m.legislative_period_id).and_then(|l| self.periods.iter().find(|p| p.src == l));
        let by_date = start.and_then(|day| self.periods.iter().find(|p| p.covers(day)));
        let Some(period) = by_period.or(by_date) else {
            let person = text(&m.person_id).unwrap_or_default();
            report.warnings.push(format!("membership of {person} has no legislative period; skipped"));
            return false;
        };
        let (start, end) = (start.unwrap_or(period.start), date(&m.end_date).or(period.end));
        let party = text(&m.on_behalf_of_id).and_then(|b| self.parties.ids.get(b)).cloned();
        let (seat_type, nomination) = match party {
            Some(_) => (d::SeatType::PartyList, d::Nomination::Party),
            None => (d::SeatType::SingleMember, d::Nomination::SelfNominated),
        };
        let seat_type = parse_enum(&m.seat_type, d::SeatType::parse).unwrap_or(seat_type);
        let nomination = parse_enum(&m.nomination, d::Nomination::parse).unwrap_or(nomination);
        deputy.mandates.push(MandateDto {
            convocation: period.number.clone(),
            seat_type: seat_type.into(),
            district: text(&m.district).map(str::to_owned),
            nomination: nomination.into(),
            nominating_party: party.clone().filter(|_| nomination == d::Nomination::Party),
            start_date: start,
            end_date: end,
            end_reason: parse_enum(&m.end_reason, d::EndReason::parse).map(Into::into),
        });
        if !explicit_parties && let Some(party) = party {
            deputy.party_memberships.push(MembershipDto { party, start_date: start, end_date: end });
        }
        seat_type == d::SeatType::PartyList
    }

    /// A post in the council itself (chairman, deputy chairman, secretary, faction leader).
    fn council_role(&self, deputy: &str, m: &Membership) -> Option<RoleDto> {
        let kind = match role_name(m).as_str() {
            "chairman" | "chair" | "speaker" => d::RoleKind::Chairman,
            "deputy_chairman" | "deputy chair" | "deputy chairman" | "deputy speaker" => d::RoleKind::DeputyChairman,
            "secretary" => d::RoleKind::Secretary,
            "faction_leader" | "faction leader" => d::RoleKind::FactionLeader,
            _ => return None,
        };
        let party = text(&m.on_behalf_of_id).and_then(|b| self.parties.ids.get(b)).cloned();
        Some(RoleDto {
            deputy: deputy.to_owned(),
            role: kind.into(),
            commission: None,
            party: party.filter(|_| kind == d::RoleKind::FactionLeader),
            start_date: date(&m.start_date)?,
            end_date: date(&m.end_date),
        })
    }
}

fn role_name(m: &Membership) -> String {
    text(&m.role).unwrap_or("member").to_lowercase()
}

/// A commission post: the chair, or a member.
fn commission_role(deputy: &str, commission: &str, m: &Membership) -> Option<RoleDto> {
    let kind = if matches!(role_name(m).as_str(), "chair" | "chairman" | "commission_chair") {
        e::RoleKind::CommissionChair
    } else {
        e::RoleKind::CommissionMember
    };
    Some(RoleDto {
        deputy: deputy.to_owned(),
        role: kind,
        commission: Some(commission.to_owned()),
        party: None,
        start_date: date(&m.start_date)?,
        end_date: date(&m.end_date),
    })
}

/// A deputy from a person: every name and its parts by language, gender, public contacts.
fn person(p: &super::format::Person, id: String, extra_names: &HashMap<String, Vec<String>>) -> DeputyDto {
    let mut names = BTreeMap::new();
    let (mut given, mut family, mut patronymic) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut parts = |tag: &str, g: &Option<String>, f: &Option<String>, pa: &Option<String>| {
        for (m, v) in [(&mut given, g), (&mut family, f), (&mut patronymic, pa)] {
            if let Some(v) = text(v) {
                m.entry(tag.to_owned()).or_insert_with(|| v.to_owned());
            }
        }
    };
    for n in &p.other_names {
        let Some(x) = text(&n.name) else { continue };
        let lang = text(&n.lang).filter(|l| t::is_valid_lang(l));
        add_name(&mut names, x, lang);
        parts(lang.unwrap_or_else(|| script_lang(x)), &n.given_name, &n.family_name, &n.patronymic_name);
    }
    let primary = text(&p.name).unwrap_or(&id).to_owned();
    add_name(&mut names, &primary, None);
    for other in extra_names.get(&primary).into_iter().flatten() {
        add_name(&mut names, other, None);
    }
    let tag = names.iter().find(|(_, n)| **n == primary).map_or("en", |(t, _)| t.as_str()).to_owned();
    parts(&tag, &p.given_name, &p.family_name, &p.patronymic_name);
    DeputyDto {
        id,
        names,
        given_names: given,
        family_names: family,
        patronymic_names: patronymic,
        gender: parse_enum(&p.gender, d::Gender::parse).map(Into::into),
        contacts: p.contact_details.iter().filter_map(contact).collect(),
        mandates: Vec::new(),
        party_memberships: Vec::new(),
    }
}

fn contact(c: &super::format::ContactDetail) -> Option<ContactDto> {
    let kind = match text(&c.kind)? {
        "email" => "email",
        "voice" | "phone" | "cell" => "phone",
        "url" => "url",
        "office" | "address" => "office",
        _ => return None,
    };
    Some(ContactDto { kind: kind.into(), value: text(&c.value)?.to_owned() })
}

/// The council: its names, level and seats (the stated number, raised to the most deputies
/// serving together). Refused (`Err`) when the seats are out of range.
fn council_doc(
    legislature: &Organization,
    council_id: &str,
    periods: &[Period],
    roster: &Roster,
    report: &mut PopoloReport,
) -> (Result<CouncilDoc, String>, u64) {
    let spans: Vec<(NaiveDate, Option<NaiveDate>)> =
        roster.doc.deputies.iter().flat_map(|d| d.mandates.iter().map(|m| (m.start_date, m.end_date))).collect();
    let serving = |day: &NaiveDate| spans.iter().filter(|(s, e)| s <= day && e.is_none_or(|e| *day <= e)).count();
    let peak = spans.iter().map(|(day, _)| serving(day) as u64).max().unwrap_or(0);
    let stated = legislature.seats.unwrap_or(0);
    let seats = stated.max(peak).max(1);
    if peak > stated && stated > 0 {
        report.warnings.push(format!("{stated} seats stated but {peak} members served together; seats set to {peak}"));
    }
    let level = parse_enum(&legislature.level, d::Level::parse).unwrap_or_else(|| level_for(seats, roster.list_seats));
    if seats > u64::from(level.seat_cap()) {
        report.warnings.push(format!(
            "{seats} seats exceed the cap of a {level} council ({}); the council will be refused",
            level.seat_cap()
        ));
    }
    (report.level, report.seats) = (level.to_string(), seats);
    let doc = Seats::new(seats).map_err(|e| format!("/seats range: {e}")).map(|seats| CouncilDoc {
        names: names_of(&legislature.other_names, text(&legislature.name).unwrap_or(council_id)),
        level: level.into(),
        parent: text(&legislature.parent_id).map(str::to_owned),
        kato: legislature
            .identifiers
            .iter()
            .find(|i| text(&i.scheme) == Some("KATO"))
            .and_then(|i| text(&i.identifier))
            .map(str::to_owned),
        seats,
        website: legislature
            .links
            .iter()
            .find_map(|l| text(&l.url))
            .filter(|u| u.starts_with("http"))
            .map(str::to_owned),
        convocations: periods
            .iter()
            .map(|p| ConvocationDto { number: p.number.clone(), start_date: p.start, end_date: p.end })
            .collect(),
        synthetic: legislature.synthetic.unwrap_or(false),
    });
    (doc, seats)
}

/// The smallest level whose seat cap holds `seats` (party lists need an oblast at least).
fn level_for(seats: u64, list_seats: bool) -> d::Level {
    let candidates: &[d::Level] = if list_seats {
        &[d::Level::Oblast, d::Level::National]
    } else {
        &[d::Level::District, d::Level::City, d::Level::Oblast, d::Level::National]
    };
    candidates.iter().copied().find(|l| seats <= u64::from(l.seat_cap())).unwrap_or(d::Level::National)
}

/// Publishes the plan's documents, counting what became of each.
struct Out<'a> {
    db: &'a store::Batch,
    meta: PublishMeta,
    report: &'a mut PopoloReport,
}

impl Out<'_> {
    /// Counts a publication; true when stored or unchanged, false when refused.
    fn outcome(&mut self, kind: &'static str, id: &str, r: Result<Published, StoreError>) -> Result<bool, StoreError> {
        match r {
            Ok(Published::Created(_)) => self.report.stored += 1,
            Ok(Published::Unchanged(_)) => self.report.unchanged += 1,
            Err(e) => {
                let reason = refusal(e)?;
                self.refuse(kind, id, reason);
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn refuse(&mut self, kind: &'static str, id: &str, reason: String) {
        self.report.refused.push(PopoloRefusal { kind, id: id.to_owned(), reason });
    }

    /// Publishes one planned document through the store, as the API would.
    async fn publish(&mut self, council_id: &str, p: Planned) -> Result<(), StoreError> {
        let (kind, id) = p.key(council_id);
        let (kind_name, id) = (kind.as_str(), id.to_owned());
        let meta = replace_meta(self.db, &self.meta, kind, &id).await?;
        let v = Violations::new();
        match p {
            Planned::Party(_, doc) => {
                let r = store::councils::put_party(self.db, &id, &doc, v, &meta).await;
                if self.outcome(kind_name, &id, r)? {
                    self.report.parties += 1;
                }
            }
            Planned::Council(doc) => {
                let r = store::councils::put_council(self.db, &id, &doc, v, &meta).await;
                self.outcome(kind_name, &id, r)?;
            }
            Planned::Roster(doc, n) => {
                let r = store::councils::put_roster(self.db, &id, &doc, v, &meta).await;
                if self.outcome(kind_name, &id, r)? {
                    self.report.deputies = n;
                }
            }
            Planned::Session(_, doc, votes) => {
                // Popolo carries no reasons: a correction after the session date is refused, as
                // the API refuses one without a reason.
                let r = store::sessions::put_session_record(self.db, council_id, &id, &doc, None, v, &meta).await;
                if self.outcome(kind_name, &id, r)? {
                    self.report.sessions += 1;
                    self.report.vote_events += votes;
                }
            }
        }
        Ok(())
    }
}
