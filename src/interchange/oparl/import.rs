//! Import from a council information system: reads an OParl 1.0 / 1.1 body, from a directory
//! holding the JSON pages an OParl API serves (one file per page, as a crawler caches them) or
//! from a live OParl server ([`super::client`]: the URL of its `System` or of one `Body`; lists
//! are followed through `links.next`), reads its objects as the typed structs of
//! [`super::format`], and publishes it as one council through the same path as the API and the
//! JSON Lines import: the document types of [`crate::documents`] and their `parse`, then the
//! store's `put_*`, with provenance `public_sources`.
//!
//! The mapping is the OParl view ([`super::view`]) in reverse:
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
//! objects) are listed in [`OparlReport::skipped`] with the reason, and so is an object of a
//! type the import reads whose members it cannot read (a member of the wrong type, named by its
//! path).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use super::dump::Dump;
use super::format::text;
use super::meetings::Meetings;
use super::roster::RosterPlan;
use crate::documents::bounded::Seats;
use crate::documents::council::{ConvocationDto, CouncilDoc};
use crate::domain::Violations;
use crate::domain::enums::Provenance;
use crate::domain::text::{self as t, MAX_LINE};
use crate::interchange::{refusal, short_hash};
use crate::store::councils::replace_meta;
use crate::store::{self, DocKind, PublishMeta, Published, StoreError};

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
    /// Store every document that passes and report the others; by default one refused
    /// document discards the whole dump (nothing is stored).
    pub continue_on_error: bool,
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
    pub(super) fn add(&mut self, outcome: Outcome) {
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
    /// Whether what was stored was kept: false when a refused document (without
    /// `continue_on_error`) discarded the whole dump, so nothing was stored.
    pub kept: bool,
    /// What was guessed, capped or left out.
    pub warnings: Vec<String>,
}

impl OparlReport {
    pub(super) fn skip(&mut self, kind: &str, source: &str, reason: &str) {
        self.skipped.push(OparlSkip { kind: kind.to_owned(), source: source.to_owned(), reason: reason.to_owned() });
    }
}

/// What became of one document.
#[derive(Debug, Clone, Copy)]
pub(super) enum Outcome {
    Stored,
    Unchanged,
    Refused,
}

/// A date member (its first ten characters as `YYYY-MM-DD`).
pub(super) fn date(v: &Option<String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text(v)?.get(..10)?, "%Y-%m-%d").ok()
}

/// A date-time member (RFC 3339).
pub(super) fn time(v: &Option<String>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text(v)?).ok().map(|t| t.with_timezone(&Utc))
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

/// Makes platform ids from OParl ids: `{council}-{kind}{last path segment}`, or a hash of the
/// OParl id when that segment does not make a valid id or is taken by another object.
pub(super) struct Ids {
    council: String,
    pub taken: HashMap<String, String>,
}

impl Ids {
    fn id_for(&mut self, kind: &str, plain: String, source: String) -> String {
        let id = if t::is_valid_id(&plain) && self.taken.get(&plain).is_none_or(|o| *o == source) {
            plain
        } else {
            let h = short_hash(&source);
            let keep = 64 - kind.len() - h.len() - 1;
            format!("{}-{kind}{h}", self.council.chars().take(keep).collect::<String>())
        };
        self.taken.insert(id.clone(), source);
        id
    }

    pub(super) fn make(&mut self, kind: &str, oparl_id: &str) -> String {
        let plain = format!("{}-{kind}{}", self.council, tail(oparl_id));
        self.id_for(kind, plain, oparl_id.to_owned())
    }

    /// The id of the object `oparl_id` repeated inside `scope` (another OParl object):
    /// `{council}-{kind}{tail}-{scope tail}`, or a hash of both.
    pub(super) fn make_in(&mut self, kind: &str, oparl_id: &str, scope: &str) -> String {
        let plain = format!("{}-{kind}{}-{}", self.council, tail(oparl_id), tail(scope));
        self.id_for(kind, plain, format!("{oparl_id} in {scope}"))
    }
}

fn tail(id: &str) -> String {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_ascii_lowercase()
}

/// One line of text: white space (line breaks too) collapsed, at most `max` characters.
pub(super) fn one_line(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max { s } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

/// A German text as a names map.
pub(super) fn de(s: String) -> BTreeMap<String, String> {
    BTreeMap::from([("de".to_owned(), s)])
}

/// Publishes documents and counts what became of them.
pub(super) struct Publisher<'a> {
    pub db: &'a store::Batch,
    pub meta: PublishMeta,
    pub report: &'a mut OparlReport,
}

impl Publisher<'_> {
    /// The publication's meta for document `id` of `kind`: a `--replace` (`If-Match: *`) is
    /// dropped when nothing is stored yet, since RFC 9110 makes `*` fail on a missing document.
    pub(super) async fn meta_for(&self, kind: DocKind, id: &str) -> Result<PublishMeta, StoreError> {
        replace_meta(self.db, &self.meta, kind, id).await
    }

    pub(super) fn outcome(
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
                let reason = refusal(e)?;
                self.refuse(kind, id, source, reason);
                Outcome::Refused
            }
        })
    }

    pub(super) fn refuse(&mut self, kind: &'static str, id: &str, source: &str, reason: String) {
        self.report.refused.push(OparlRefusal { kind, id: id.to_owned(), source: source.to_owned(), reason });
    }
}

/// Imports the OParl body in `dir` into `db`. See the module documentation for the mapping.
pub async fn import_dir(db: &store::Db, dir: &Path, opts: &OparlOptions) -> Result<OparlReport, OparlError> {
    let dump = Dump::read(dir)?;
    import_dump(db, dump, &dir.display().to_string(), opts).await
}

/// Imports the OParl body a live server serves at `url` (its `System`, whose first body is
/// read, or one `Body`) into `db`.
pub async fn import_url(db: &store::Db, url: &str, opts: &OparlOptions) -> Result<OparlReport, OparlError> {
    let dump = super::client::fetch(url).await?;
    import_dump(db, dump, url, opts).await
}

/// Imports from `source`: an `http(s)://` URL of an OParl server, or a directory of its pages.
pub async fn import_source(db: &store::Db, source: &str, opts: &OparlOptions) -> Result<OparlReport, OparlError> {
    if source.starts_with("https://") || source.starts_with("http://") {
        import_url(db, source, opts).await
    } else {
        import_dir(db, Path::new(source), opts).await
    }
}

/// The council's id: the one asked for, else from the body's name, else its id's last segment.
fn council_id(opts: &OparlOptions, body_name: &str, body_id: &str) -> Result<String, OparlError> {
    let id = opts.council_id.clone().unwrap_or_else(|| {
        let named = slug(body_name);
        // A name in another script gives no slug: the body id's last segment may.
        if t::is_valid_id(&named) {
            named
        } else {
            slug(body_id.trim_end_matches('/').rsplit('/').next().unwrap_or(""))
        }
    });
    if t::is_valid_id(&id) {
        Ok(id)
    } else {
        Err(OparlError::Dump(format!("'{id}' is not a valid council id; pass one")))
    }
}

async fn import_dump(db: &store::Db, dump: Dump, source: &str, opts: &OparlOptions) -> Result<OparlReport, OparlError> {
    let mut report = OparlReport { objects: dump.counts.clone(), ..OparlReport::default() };
    report.skipped.extend(dump.unreadable.iter().cloned());
    let body = dump.bodies.first().ok_or_else(|| OparlError::Dump(format!("no OParl Body in {source}")))?;
    if dump.bodies.len() > 1 {
        report.warnings.push(format!("{} bodies in the dump; importing only the first", dump.bodies.len()));
    }
    let body_id = text(&body.common.id).unwrap_or_default().to_owned();
    let body_name = one_line(text(&body.name).unwrap_or("OParl body"), MAX_LINE);
    let council_id = council_id(opts, &body_name, &body_id)?;
    report.council_id = council_id.clone();
    let mut ids = Ids { council: council_id.clone(), taken: HashMap::new() };
    let today = opts.now.date_naive();
    let roster = RosterPlan::build(&dump, &mut ids, &mut report)?;
    let (level, seats) = roster.size(text(&body.classification), today, &mut report);
    let meetings = Meetings::select(&dump, &roster.council_org, &mut report);
    let start = roster.earliest.into_iter().chain(meetings.first_day()).min().unwrap_or(today);
    let council = CouncilDoc {
        names: de(body_name),
        level: level.into(),
        parent: None,
        kato: None,
        seats: Seats::new(seats).map_err(|e| OparlError::Dump(format!("seats: {e}")))?,
        website: text(&body.website).filter(|w| w.starts_with("http")).map(str::to_owned),
        convocations: vec![ConvocationDto { number: "I".into(), start_date: start, end_date: None }],
        synthetic: false,
    };
    let meta = PublishMeta {
        publisher: "oparl-import".into(),
        if_match: opts.replace.then(|| "*".to_owned()),
        reason: None,
        provenance: Provenance::PublicSources,
        received_at: None,
    };
    // One batch: the dump stands or falls as a whole (unless `continue_on_error`).
    let batch = store::begin_batch(db).await?;
    let mut out = Publisher { db: &batch, meta, report: &mut report };
    roster.publish_parties(&dump, &mut out).await?;
    let mut v = Violations::new();
    let meta = out.meta_for(DocKind::Council, &council_id).await?;
    let r = store::councils::put_council(out.db, &council_id, &council.parse(&mut v), v, &meta).await;
    let o = out.outcome("council", &council_id, &body_id, r)?;
    out.report.councils.add(o);
    roster.publish(&council_id, &mut out).await?;
    meetings.publish(&dump, &council_id, &mut ids, opts.now, &mut out).await?;
    report.identifiers = ids.taken.into_iter().collect();
    report.kept = store::end_batch(batch, report.refused.is_empty() || opts.continue_on_error).await?;
    if !report.kept {
        for t in [
            &mut report.councils,
            &mut report.parties,
            &mut report.rosters,
            &mut report.deputies,
            &mut report.sessions,
            &mut report.agenda_items,
        ] {
            t.stored = 0;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_german_name_becomes_an_ascii_slug() {
        assert_eq!(slug("Gemeinde Hürtgenwald"), "gemeinde-huertgenwald");
        assert_eq!(slug("  Straße & Söhne  "), "strasse-soehne");
    }

    #[test]
    fn an_id_taken_by_another_source_falls_back_to_a_hash() {
        let mut ids = Ids { council: "c".into(), taken: HashMap::new() };
        assert_eq!(ids.make("p", "https://o/person/7"), "c-p7");
        assert_eq!(ids.make("p", "https://o/person/7"), "c-p7", "the same source keeps its id");
        let other = ids.make("p", "https://elsewhere/person/7");
        assert!(other.starts_with("c-p") && other.len() == "c-p".len() + 12, "{other}");
    }
}
