//! Import from Popolo JSON (`maslikhat import --popolo FILE`): people, organizations,
//! memberships, legislative periods, and vote events where present, published as one council
//! through the same path as the API (the API document types, then the store's `put_*`), with
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
//! | `vote_events` (grouped by `legislative_session_id`, else by day), session `events`, agenda-item `events`, `speeches` | session records: one per session, `held`, with one agenda item per vote when the file has none, ballots from `votes` and counts from `counts` (`not voting` with a space or an underscore) |
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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use crate::documents::council::CouncilDoc;
use crate::documents::party::PartyDoc;
use crate::documents::roster::RosterDoc;
use crate::documents::session::SessionRecordDoc;
use crate::domain::enums as d;
use crate::domain::{Violations, text};
use crate::store::{self, PublishMeta, Published, StoreError};

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
    pub seats: u32,
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
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).map(str::trim).filter(|x| !x.is_empty())
}

fn arr<'a>(v: &'a Value, k: &str) -> impl Iterator<Item = &'a Value> {
    v.get(k).and_then(Value::as_array).into_iter().flatten()
}

fn date(v: &Value, k: &str) -> Option<NaiveDate> {
    s(v, k).and_then(|x| x.get(..10)).and_then(|x| NaiveDate::parse_from_str(x, "%Y-%m-%d").ok())
}

fn datetime(v: &Value, k: &str) -> Option<DateTime<Utc>> {
    let x = s(v, k)?;
    DateTime::parse_from_rfc3339(x).ok().map(|t| t.with_timezone(&Utc)).or_else(|| {
        // A bare date: 10:00 in Kazakhstan (UTC+5), the usual opening hour.
        let d = NaiveDate::parse_from_str(x.get(..10)?, "%Y-%m-%d").ok()?;
        Some(Utc.from_utc_datetime(&d.and_time(NaiveTime::from_hms_opt(5, 0, 0)?)))
    })
}

/// The language tag of a name by its letters: `kk` (Kazakh-only Cyrillic letters), `ru` (other
/// Cyrillic), `en` (Latin).
pub fn script_lang(name: &str) -> &'static str {
    const KK: &str = "ӘәҒғҚқҢңӨөҰұҮүҺһІі";
    if name.chars().any(|c| KK.contains(c)) {
        "kk"
    } else if name.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) {
        "ru"
    } else {
        "en"
    }
}

/// Latin letters that look like Cyrillic ones, and their Cyrillic twins.
const LOOK_ALIKES: [(char, char); 22] = [
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('I', 'І'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('i', 'і'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('k', 'к'),
];

/// Repairs words that mix Latin and Cyrillic letters (a typing slip in the source, such as a
/// Latin `C` opening `Cерік`): each such word takes its majority script, look-alike letters
/// swapped. `None` when a word cannot be repaired that way.
fn one_script(name: &str) -> Option<String> {
    if text::mixed_script_word(name).is_none() {
        return Some(name.to_owned());
    }
    let words: Vec<String> = name
        .split(' ')
        .map(|w| {
            if text::mixed_script_word(w).is_none() {
                return w.to_owned();
            }
            let cyr = w.chars().filter(|c| ('\u{0400}'..='\u{052F}').contains(c)).count();
            let lat = w.chars().filter(|c| c.is_ascii_alphabetic()).count();
            // Kazakh letters without a Latin look-alike, in a Latin word, get their Latin spelling.
            const KK_LATIN: [(char, char); 9] = [
                ('қ', 'q'),
                ('ұ', 'u'),
                ('ү', 'u'),
                ('ә', 'a'),
                ('ғ', 'g'),
                ('ң', 'n'),
                ('ө', 'o'),
                ('һ', 'h'),
                ('ы', 'y'),
            ];
            w.chars()
                .map(|c| {
                    let twin = LOOK_ALIKES
                        .iter()
                        .find(|(l, k)| if cyr >= lat { *l == c } else { *k == c })
                        .map(|(l, k)| if cyr >= lat { *k } else { *l });
                    let latin = (cyr < lat).then(|| KK_LATIN.iter().find(|(k, _)| *k == c).map(|(_, l)| *l)).flatten();
                    twin.or(latin).unwrap_or(c)
                })
                .collect()
        })
        .collect();
    let fixed = words.join(" ");
    text::mixed_script_word(&fixed).is_none().then_some(fixed)
}

/// Adds `name` to `names` under its `lang` (or its script's), unless a spelling differing only
/// in case is already there. A spelling mixing scripts is repaired when a look-alike letter is
/// the cause, else left out.
fn add_name(names: &mut BTreeMap<String, String>, name: &str, lang: Option<&str>) {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(name) = one_script(&name) else { return };
    if let Some(l) = lang.filter(|l| text::is_valid_lang(l))
        && !name.is_empty()
    {
        // The source says which language: two languages may well spell a name alike.
        names.entry(l.to_owned()).or_insert(name);
        return;
    }
    if name.is_empty() || names.values().any(|n| n.to_lowercase() == name.to_lowercase()) {
        return;
    }
    let tag = {
        let l = script_lang(&name);
        if l == "ru" && names.contains_key("ru") && !names.contains_key("kk") { "kk" } else { l }
    };
    names.entry(tag.to_owned()).or_insert(name);
}

fn is_pseudo_party(name: &str) -> bool {
    let n = name.trim().to_lowercase();
    [
        "independent",
        "independents",
        "non-partisan",
        "nonpartisan",
        "none",
        "unknown",
        "беспартийный",
        "самовыдвиженец",
        "партиясыз",
        "өзін-өзі ұсынған",
    ]
    .contains(&n.as_str())
}

/// A Roman numeral for 1..=39.
fn roman(n: u32) -> Option<String> {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    (1..40).contains(&n).then(|| format!("{}{}", "X".repeat((n / 10) as usize), ONES[(n % 10) as usize]))
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

fn short_hash(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes())[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// An id here for the source id `src` (kept when valid), else `{prefix}-{last segment}`, else a
/// hash.
fn local_id(prefix: &str, src: &str) -> String {
    if text::is_valid_id(src) && !src.bytes().all(|b| b.is_ascii_digit()) {
        return src.to_owned();
    }
    let tail = src.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    let plain = format!("{prefix}-{tail}");
    if text::is_valid_id(&plain) {
        plain
    } else {
        format!("{}-{}", prefix.chars().take(48).collect::<String>(), short_hash(src))
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(v: Option<&str>) -> Option<T> {
    serde_json::from_value(Value::String(v?.replace(' ', "_"))).ok()
}

fn bar(progress: bool, len: u64, what: &str) -> ProgressBar {
    if !progress {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template(&format!("{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {what}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    b
}

struct Out<'a> {
    db: &'a DatabaseConnection,
    meta: PublishMeta,
    report: &'a mut PopoloReport,
}

impl Out<'_> {
    fn outcome(&mut self, kind: &'static str, id: &str, r: Result<Published, StoreError>) -> Result<bool, StoreError> {
        match r {
            Ok(Published::Created(_)) => self.report.stored += 1,
            Ok(Published::Unchanged(_)) => self.report.unchanged += 1,
            Err(StoreError::Db(e)) => return Err(StoreError::Db(e)),
            Err(e) => {
                let reason = match e {
                    StoreError::Invalid(v) => {
                        v.iter().map(|x| format!("{} {}: {}", x.path, x.rule, x.message)).collect::<Vec<_>>().join("; ")
                    }
                    StoreError::PreconditionRequired { current } | StoreError::PreconditionFailed { current } => {
                        format!("the document exists with other content (version {current}); use --replace")
                    }
                    other => other.to_string(),
                };
                self.report.refused.push(PopoloRefusal { kind, id: id.to_owned(), reason });
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn refuse(&mut self, kind: &'static str, id: &str, reason: String) {
        self.report.refused.push(PopoloRefusal { kind, id: id.to_owned(), reason });
    }
}

fn shape<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(v).map_err(|e| format!("at {}: {}", e.path(), e.inner()))
}

/// EveryPolitician's `names.csv`: every spelling of each person, grouped by its id.
fn read_names(path: &Path) -> Result<HashMap<String, Vec<String>>, PopoloError> {
    let text = std::fs::read_to_string(path)?;
    let mut by_id: HashMap<String, Vec<String>> = HashMap::new();
    for line in text.lines().skip(1) {
        // `name,id`; a name holding a comma is quoted.
        let (name, id) = match line.rsplit_once(',') {
            Some((n, i)) => (n.trim().trim_matches('"').replace("\"\"", "\""), i.trim().to_owned()),
            None => continue,
        };
        by_id.entry(id).or_default().push(name);
    }
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for names in by_id.into_values() {
        for n in &names {
            by_name.insert(n.clone(), names.clone());
        }
    }
    Ok(by_name)
}

/// Imports the Popolo JSON file at `path` as one council.
pub async fn import_file(
    db: &DatabaseConnection,
    path: &Path,
    opts: &PopoloOptions,
) -> Result<PopoloReport, PopoloError> {
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
    db: &DatabaseConnection,
    doc: &Value,
    extra_names: &HashMap<String, Vec<String>>,
    opts: &PopoloOptions,
) -> Result<PopoloReport, PopoloError> {
    let mut report = PopoloReport::default();
    let orgs: Vec<&Value> = arr(doc, "organizations").collect();
    let memberships: Vec<&Value> = arr(doc, "memberships").collect();
    let class = |o: &Value| s(o, "classification").unwrap_or_default().to_lowercase();
    let members_of = |id: &str| memberships.iter().filter(|m| s(m, "organization_id") == Some(id)).count();
    let legislature = orgs
        .iter()
        .filter(|o| class(o) == "legislature")
        .max_by_key(|o| members_of(s(o, "id").unwrap_or_default()))
        .copied()
        .ok_or_else(|| PopoloError::File("no organization with classification legislature".into()))?;
    let leg_src = s(legislature, "id").unwrap_or_default().to_owned();
    let council_id = opts.council_id.clone().unwrap_or_else(|| {
        if text::is_valid_id(&leg_src) && leg_src != "legislature" {
            leg_src.clone()
        } else {
            let sl = slug(s(legislature, "name").unwrap_or_default());
            if text::is_valid_id(&sl) { sl } else { "popolo-council".into() }
        }
    });
    report.council_id = council_id.clone();

    // Parties (real ones) and pseudo-parties.
    let mut party_ids: HashMap<String, String> = HashMap::new();
    let mut pseudo: HashMap<String, String> = HashMap::new();
    let mut party_docs = Vec::new();
    for o in orgs.iter().filter(|o| class(o) == "party") {
        let (Some(src), name) = (s(o, "id"), s(o, "name").unwrap_or_default()) else { continue };
        if is_pseudo_party(name) {
            pseudo.insert(src.to_owned(), name.to_owned());
            continue;
        }
        let id = if text::is_valid_id(src) && !src.bytes().all(|b| b.is_ascii_digit()) {
            src.to_owned()
        } else {
            let sl = slug(name);
            if text::is_valid_id(&sl) { sl } else { local_id(&format!("{council_id}-party"), src) }
        };
        let mut names = BTreeMap::new();
        for n in arr(o, "other_names") {
            if let Some(x) = s(n, "name") {
                add_name(&mut names, x, s(n, "lang"));
            }
        }
        add_name(&mut names, if name.is_empty() { &id } else { name }, None);
        let abbreviations: BTreeMap<String, String> =
            o.get("abbreviations").and_then(|a| serde_json::from_value(a.clone()).ok()).unwrap_or_default();
        let status = s(o, "registration_status").unwrap_or("registered");
        party_ids.insert(src.to_owned(), id.clone());
        party_docs.push((id, json!({"names": names, "abbreviations": abbreviations, "registration_status": status})));
    }
    for name in pseudo.values() {
        if name.eq_ignore_ascii_case("unknown") {
            report.warnings.push(format!(
                "deputies elected for \"{name}\" are recorded as non-partisan and self-nominated: the source does \
                 not say"
            ));
        }
    }

    // Convocations from legislative periods of the council.
    let mut periods: Vec<(String, String, NaiveDate, Option<NaiveDate>)> = Vec::new(); // src id, number, start, end
    for e in arr(doc, "events").filter(|e| class(e) == "legislative period") {
        if s(e, "organization_id").is_some_and(|o| o != leg_src) {
            continue;
        }
        let (Some(src), Some(start)) = (s(e, "id"), date(e, "start_date")) else { continue };
        let tail = src.trim_end_matches('/').rsplit(['/', '-', '_']).next().unwrap_or_default();
        let number = if crate::domain::council::is_roman(tail) {
            Some(tail.to_owned())
        } else {
            tail.parse::<u32>().ok().and_then(roman)
        };
        match number {
            Some(n) => periods.push((src.to_owned(), n, start, date(e, "end_date"))),
            None => report.warnings.push(format!("legislative period {src} has no number we can read; skipped")),
        }
    }
    periods.sort_by_key(|p| p.2);
    for i in 1..periods.len() {
        let next = periods[i].2;
        if periods[i - 1].3.is_none_or(|e| e >= next) {
            periods[i - 1].3 = next.checked_sub_days(Days::new(1));
        }
    }

    // Commissions.
    let mut commission_ids: HashMap<String, String> = HashMap::new();
    let mut commissions = Vec::new();
    for o in orgs.iter().filter(|o| matches!(class(o).as_str(), "committee" | "commission")) {
        let Some(src) = s(o, "id") else { continue };
        if s(o, "parent_id").is_some_and(|p| p != leg_src) {
            continue;
        }
        let id = local_id(&format!("{council_id}-c"), src);
        let mut names = BTreeMap::new();
        for n in arr(o, "other_names") {
            if let Some(x) = s(n, "name") {
                add_name(&mut names, x, s(n, "lang"));
            }
        }
        add_name(&mut names, s(o, "name").unwrap_or(&id), None);
        commission_ids.insert(src.to_owned(), id.clone());
        commissions.push(json!({
            "id": id, "names": names, "kind": s(o, "kind").unwrap_or("standing"),
            "start_date": date(o, "founding_date"), "end_date": date(o, "dissolution_date"),
        }));
    }

    // Deputies.
    let explicit_parties =
        memberships.iter().any(|m| s(m, "organization_id").is_some_and(|o| party_ids.contains_key(o)));
    let mut person_ids: HashMap<String, String> = HashMap::new();
    let mut deputies: Vec<(String, Value)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for p in arr(doc, "persons") {
        let Some(src) = s(p, "id") else { continue };
        let id = local_id(&council_id, src);
        let mut names = BTreeMap::new();
        let (mut given, mut family, mut patronymic) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for n in arr(p, "other_names") {
            let Some(x) = s(n, "name") else { continue };
            let lang = s(n, "lang").filter(|l| text::is_valid_lang(l)).map(str::to_owned);
            add_name(&mut names, x, lang.as_deref());
            let tag = lang.unwrap_or_else(|| script_lang(x).to_owned());
            for (k, m) in
                [("given_name", &mut given), ("family_name", &mut family), ("patronymic_name", &mut patronymic)]
            {
                if let Some(v) = s(n, k) {
                    m.entry(tag.clone()).or_insert_with(|| v.to_owned());
                }
            }
        }
        let primary = s(p, "name").unwrap_or(&id).to_owned();
        add_name(&mut names, &primary, None);
        for other in extra_names.get(&primary).into_iter().flatten() {
            add_name(&mut names, other, None);
        }
        let tag = names.iter().find(|(_, n)| **n == primary).map(|(t, _)| t.clone()).unwrap_or_else(|| "en".into());
        for (k, m) in [("given_name", &mut given), ("family_name", &mut family), ("patronymic_name", &mut patronymic)] {
            if let Some(v) = s(p, k) {
                m.entry(tag.clone()).or_insert_with(|| v.to_owned());
            }
        }
        let contacts: Vec<Value> = arr(p, "contact_details")
            .filter_map(|c| {
                let kind = match s(c, "type")? {
                    "email" => "email",
                    "voice" | "phone" | "cell" => "phone",
                    "url" => "url",
                    "office" | "address" => "office",
                    _ => return None,
                };
                Some(json!({"kind": kind, "value": s(c, "value")?}))
            })
            .collect();
        person_ids.insert(src.to_owned(), id.clone());
        index.insert(id.clone(), deputies.len());
        deputies.push((
            id.clone(),
            json!({
                "id": id, "names": names, "given_names": given, "family_names": family,
                "patronymic_names": patronymic, "gender": parse_enum::<d::Gender>(s(p, "gender")),
                "contacts": contacts, "mandates": [], "party_memberships": [],
            }),
        ));
    }

    // Memberships → mandates, party memberships, roles.
    let mut roles = Vec::new();
    let mut list_seats = false;
    let convocation_of = |m: &Value, start: Option<NaiveDate>| -> Option<(String, NaiveDate, Option<NaiveDate>)> {
        let by_period = s(m, "legislative_period_id").and_then(|l| periods.iter().find(|p| p.0 == l));
        let by_date = start.and_then(|d| periods.iter().find(|p| p.2 <= d && p.3.is_none_or(|e| d <= e)));
        by_period.or(by_date).map(|p| (p.1.clone(), p.2, p.3))
    };
    for m in &memberships {
        let (Some(person), Some(org)) = (s(m, "person_id"), s(m, "organization_id")) else { continue };
        let Some(dep) = person_ids.get(person).and_then(|id| index.get(id)).copied() else { continue };
        let dep_id = deputies[dep].0.clone();
        let role = s(m, "role").unwrap_or("member").to_lowercase();
        let (start, end) = (date(m, "start_date"), date(m, "end_date"));
        if org == leg_src && matches!(role.as_str(), "member" | "deputy" | "mp") {
            let Some((number, p_start, p_end)) = convocation_of(m, start) else {
                report.warnings.push(format!("membership of {person} has no legislative period; skipped"));
                continue;
            };
            let start = start.unwrap_or(p_start);
            let end = end.or(p_end);
            let behalf = s(m, "on_behalf_of_id");
            let party = behalf.and_then(|b| party_ids.get(b)).cloned();
            let seat_type = parse_enum::<d::SeatType>(s(m, "seat_type")).unwrap_or(if party.is_some() {
                d::SeatType::PartyList
            } else {
                d::SeatType::SingleMember
            });
            let nomination = parse_enum::<d::Nomination>(s(m, "nomination")).unwrap_or(if party.is_some() {
                d::Nomination::Party
            } else {
                d::Nomination::SelfNominated
            });
            list_seats |= seat_type == d::SeatType::PartyList;
            let mandate = json!({
                "convocation": number, "seat_type": seat_type, "district": s(m, "district"),
                "nomination": nomination,
                "nominating_party": if nomination == d::Nomination::Party { party.clone() } else { None },
                "start_date": start, "end_date": end, "end_reason": parse_enum::<d::EndReason>(s(m, "end_reason")),
            });
            let dv = &mut deputies[dep].1;
            push(&mut dv["mandates"], mandate);
            if !explicit_parties && let Some(pa) = party {
                push(&mut dv["party_memberships"], json!({"party": pa, "start_date": start, "end_date": end}));
            }
        } else if let Some(pa) = party_ids.get(org) {
            let Some(start) = start else { continue };
            push(&mut deputies[dep].1["party_memberships"], json!({"party": pa, "start_date": start, "end_date": end}));
        } else if pseudo.contains_key(org) {
            // A membership in "Independent": non-partisan, nothing to record.
        } else if let Some(c) = commission_ids.get(org) {
            let kind = if matches!(role.as_str(), "chair" | "chairman" | "commission_chair") {
                d::RoleKind::CommissionChair
            } else {
                d::RoleKind::CommissionMember
            };
            if let Some(start) = start {
                roles.push(
                    json!({"deputy": dep_id, "role": kind, "commission": c, "start_date": start, "end_date": end}),
                );
            }
        } else if org == leg_src {
            let kind = match role.as_str() {
                "chairman" | "chair" | "speaker" => Some(d::RoleKind::Chairman),
                "deputy_chairman" | "deputy chair" | "deputy chairman" | "deputy speaker" => {
                    Some(d::RoleKind::DeputyChairman)
                }
                "secretary" => Some(d::RoleKind::Secretary),
                "faction_leader" | "faction leader" => Some(d::RoleKind::FactionLeader),
                _ => None,
            };
            let party = s(m, "on_behalf_of_id").and_then(|b| party_ids.get(b)).cloned();
            match (kind, start) {
                (Some(k), Some(start)) => roles.push(json!({
                    "deputy": dep_id, "role": k,
                    "party": if k == d::RoleKind::FactionLeader { party } else { None },
                    "start_date": start, "end_date": end,
                })),
                _ => report.warnings.push(format!("role {role} of {person} is not one of ours; skipped")),
            }
        }
    }
    // Memberships are listed oldest first.
    for (_, dv) in &mut deputies {
        for k in ["mandates", "party_memberships"] {
            if let Some(a) = dv[k].as_array_mut() {
                a.sort_by(|x, y| x["start_date"].as_str().cmp(&y["start_date"].as_str()));
            }
        }
    }
    let deputies: Vec<Value> = deputies
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v["mandates"].as_array().is_some_and(|a| !a.is_empty()))
        .collect();
    if periods.is_empty() {
        return Err(PopoloError::File("no legislative period for the council, so no convocation".into()));
    }

    // Seats: the stated number, raised to the most deputies serving together.
    let spans: Vec<(NaiveDate, Option<NaiveDate>)> = deputies
        .iter()
        .flat_map(|dv| {
            arr(dv, "mandates").map(|m| (date(m, "start_date").unwrap_or(NaiveDate::MIN), date(m, "end_date")))
        })
        .collect();
    let peak = spans
        .iter()
        .map(|(day, _)| spans.iter().filter(|(s, e)| s <= day && e.is_none_or(|e| *day <= e)).count() as u32)
        .max()
        .unwrap_or(0);
    let stated = legislature.get("seats").and_then(Value::as_u64).unwrap_or(0) as u32;
    let seats = stated.max(peak).max(1);
    if peak > stated && stated > 0 {
        report.warnings.push(format!("{stated} seats stated but {peak} members served together; seats set to {peak}"));
    }
    let level = parse_enum::<d::Level>(s(legislature, "level")).unwrap_or_else(|| level_for(seats, list_seats));
    if seats > level.seat_cap() {
        report.warnings.push(format!(
            "{seats} seats exceed the cap of a {level} council ({}); the council will be refused",
            level.seat_cap()
        ));
    }
    report.level = level.to_string();
    report.seats = seats;

    let mut council_names = BTreeMap::new();
    for n in arr(legislature, "other_names") {
        if let Some(x) = s(n, "name") {
            add_name(&mut council_names, x, s(n, "lang"));
        }
    }
    add_name(&mut council_names, s(legislature, "name").unwrap_or(&council_id), None);
    let council_doc = json!({
        "names": council_names,
        "level": level,
        "parent": s(legislature, "parent_id"),
        "kato": arr(legislature, "identifiers").find(|i| s(i, "scheme") == Some("KATO")).and_then(|i| s(i, "identifier")),
        "seats": seats,
        "website": arr(legislature, "links").find_map(|l| s(l, "url")).filter(|u| u.starts_with("http")),
        "convocations": periods.iter().map(|p| json!({"number": p.1, "start_date": p.2, "end_date": p.3})).collect::<Vec<_>>(),
        "synthetic": legislature.get("synthetic").and_then(Value::as_bool).unwrap_or(false),
    });

    let meta = PublishMeta {
        publisher: "popolo-import".into(),
        if_match: opts.replace.then(|| "*".to_owned()),
        reason: None,
        provenance: crate::domain::enums::Provenance::PublicSources,
        received_at: None,
    };
    let mut out = Out { db, meta, report: &mut report };
    for (id, body) in party_docs {
        let mut v = Violations::new();
        text::check_id(&mut v, "/id", &id);
        match shape::<PartyDoc>(body) {
            Ok(p) => {
                let doc = p.parse(&mut v);
                let r = store::councils::put_party(out.db, &id, &doc, v, &out.meta).await;
                if out.outcome("party", &id, r)? {
                    out.report.parties += 1;
                }
            }
            Err(e) => out.refuse("party", &id, e),
        }
    }
    let mut v = Violations::new();
    text::check_id(&mut v, "/id", &council_id);
    match shape::<CouncilDoc>(council_doc) {
        Ok(c) => {
            let doc = c.parse(&mut v);
            let r = store::councils::put_council(out.db, &council_id, &doc, v, &out.meta).await;
            out.outcome("council", &council_id, r)?;
        }
        Err(e) => out.refuse("council", &council_id, e),
    }
    let n_deputies = deputies.len() as u64;
    match shape::<RosterDoc>(json!({"deputies": deputies, "commissions": commissions, "roles": roles})) {
        Ok(r) => {
            let mut v = Violations::new();
            let doc = r.parse(&mut v);
            let r = store::councils::put_roster(out.db, &council_id, &doc, v, &out.meta).await;
            if out.outcome("roster", &council_id, r)? {
                out.report.deputies = n_deputies;
            }
        }
        Err(e) => out.refuse("roster", &council_id, e),
    }

    // Session records.
    let sessions = session_records(doc, &leg_src, &council_id, seats, &periods, &person_ids, &mut *out.report);
    let pb = bar(opts.progress, sessions.len() as u64, "session records");
    for (id, body) in sessions {
        let n_votes = body["vote_events"].as_array().map_or(0, Vec::len) as u64;
        let mut v = Violations::new();
        text::check_id(&mut v, "/id", &id);
        match shape::<SessionRecordDoc>(body) {
            Ok(r) => {
                let (doc, _) = r.parse(&mut v);
                let reason = opts.replace.then(|| "Popolo import".to_owned());
                let r = store::sessions::put_session_record(out.db, &council_id, &id, &doc, reason, v, &out.meta).await;
                if out.outcome("session_record", &id, r)? {
                    out.report.sessions += 1;
                    out.report.vote_events += n_votes;
                }
            }
            Err(e) => out.refuse("session_record", &id, e),
        }
        pb.inc(1);
    }
    pb.finish_and_clear();
    Ok(report)
}

/// The smallest level whose seat cap holds `seats` (party lists need an oblast at least).
fn level_for(seats: u32, list_seats: bool) -> d::Level {
    let candidates: &[d::Level] = if list_seats {
        &[d::Level::Oblast, d::Level::National]
    } else {
        &[d::Level::District, d::Level::City, d::Level::Oblast, d::Level::National]
    };
    candidates.iter().copied().find(|l| seats <= l.seat_cap()).unwrap_or(d::Level::National)
}

/// A session's start, key, event (if the file has one) and vote events.
type Grouped<'a> = (DateTime<Utc>, String, Option<&'a Value>, Vec<&'a Value>);

fn push(list: &mut Value, item: Value) {
    if let Some(a) = list.as_array_mut() {
        a.push(item);
    }
}

/// Session records from the session events, agenda-item events, vote events and speeches.
fn session_records(
    doc: &Value,
    leg_src: &str,
    council_id: &str,
    seats: u32,
    periods: &[(String, String, NaiveDate, Option<NaiveDate>)],
    person_ids: &HashMap<String, String>,
    report: &mut PopoloReport,
) -> Vec<(String, Value)> {
    let of_council = |v: &Value| s(v, "organization_id").is_none_or(|o| o == leg_src || o == council_id);
    let class = |o: &Value| s(o, "classification").unwrap_or_default().to_lowercase();
    // Session key → (event, vote events).
    let mut sessions: BTreeMap<String, (Option<&Value>, Vec<&Value>)> = BTreeMap::new();
    for e in arr(doc, "events").filter(|e| class(e) == "session" && of_council(e)) {
        if let Some(id) = s(e, "id") {
            sessions.entry(id.to_owned()).or_default().0 = Some(e);
        }
    }
    for ve in arr(doc, "vote_events").filter(|v| of_council(v)) {
        let key = match s(ve, "legislative_session_id") {
            Some(k) => k.to_owned(),
            None => match datetime(ve, "start_date") {
                Some(t) => format!("{council_id}-s{}", crate::domain::session::local_date(t).format("%Y%m%d")),
                None => {
                    report.warnings.push(format!(
                        "vote event {} has neither a session nor a date; skipped",
                        s(ve, "id").unwrap_or("?")
                    ));
                    continue;
                }
            },
        };
        sessions.entry(key).or_default().1.push(ve);
    }
    let mut items_of: HashMap<&str, Vec<&Value>> = HashMap::new();
    for e in arr(doc, "events").filter(|e| class(e) == "agenda item") {
        if let Some(p) = s(e, "parent_id") {
            items_of.entry(p).or_default().push(e);
        }
    }
    let mut speeches_of: HashMap<&str, Vec<&Value>> = HashMap::new();
    for sp in arr(doc, "speeches") {
        if let Some(e) = s(sp, "event_id") {
            speeches_of.entry(e).or_default().push(sp);
        }
    }
    let mut ordered: Vec<Grouped> = sessions
        .into_iter()
        .filter_map(|(k, (ev, votes))| {
            let start = ev
                .and_then(|e| datetime(e, "start_date"))
                .or_else(|| votes.iter().filter_map(|v| datetime(v, "start_date")).min())?;
            Some((start, k, ev, votes))
        })
        .collect();
    ordered.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut out = Vec::new();
    for (start, key, ev, votes) in ordered {
        let date = crate::domain::session::local_date(start);
        let Some(conv) = periods.iter().find(|p| p.2 <= date && p.3.is_none_or(|e| date <= e)) else {
            report.warnings.push(format!("session {key} on {date} is outside every legislative period; skipped"));
            continue;
        };
        let id = local_id(&format!("{council_id}-s"), &key);
        let counter = numbers.entry(conv.1.clone()).or_default();
        *counter += 1;
        let number = ev.and_then(|e| e.get("number")).and_then(Value::as_u64).map_or(*counter, |n| n as u32);
        let mut agenda: Vec<Value> = Vec::new();
        let mut item_ids: HashSet<String> = HashSet::new();
        let mut items: Vec<&Value> = items_of.get(key.as_str()).cloned().unwrap_or_default();
        items.sort_by_key(|i| i.get("position").and_then(Value::as_u64).unwrap_or(u64::MAX));
        for it in items {
            let Some(iid) = s(it, "id") else { continue };
            let iid = local_id(&format!("{id}-i"), iid);
            let mut titles: BTreeMap<String, String> =
                it.get("titles").and_then(|t| serde_json::from_value(t.clone()).ok()).unwrap_or_default();
            if titles.is_empty() {
                add_name(&mut titles, s(it, "name").unwrap_or("—"), None);
            }
            item_ids.insert(iid.clone());
            agenda.push(json!({
                "id": iid, "position": agenda.len() + 1, "titles": titles, "initiator": "other",
                "is_open": true, "result": parse_enum::<d::ItemResult>(s(it, "result")),
            }));
        }
        let mut vote_events = Vec::new();
        for (k, ve) in votes.iter().enumerate() {
            let vid = local_id(&format!("{id}-v"), s(ve, "id").unwrap_or(&format!("{}", k + 1)));
            let motion_v = ve.get("motion");
            let mut motion: BTreeMap<String, String> = motion_v
                .and_then(|m| m.get("texts"))
                .and_then(|t| serde_json::from_value(t.clone()).ok())
                .unwrap_or_default();
            if motion.is_empty() {
                let t = motion_v.and_then(|m| s(m, "text")).or_else(|| s(ve, "identifier")).unwrap_or("—");
                add_name(&mut motion, t, None);
            }
            let item = match s(ve, "agenda_item_id").map(|i| local_id(&format!("{id}-i"), i)) {
                Some(i) if item_ids.contains(&i) => i,
                _ => {
                    let iid = format!("{vid}-item");
                    item_ids.insert(iid.clone());
                    agenda.push(json!({
                        "id": iid, "position": agenda.len() + 1, "titles": motion.clone(),
                        "initiator": "other", "is_open": true, "result": null,
                    }));
                    iid
                }
            };
            let option = |o: &str| -> Option<d::BallotOption> {
                Some(match o.to_lowercase().replace('_', " ").as_str() {
                    "yes" | "aye" | "for" => d::BallotOption::Yes,
                    "no" | "nay" | "against" => d::BallotOption::No,
                    "abstain" | "abstention" => d::BallotOption::Abstain,
                    "not voting" => d::BallotOption::NotVoting,
                    "absent" => d::BallotOption::Absent,
                    "excused" => d::BallotOption::Excused,
                    _ => return None,
                })
            };
            let mut ballots = Vec::new();
            for b in arr(ve, "votes") {
                let voter = s(b, "voter_id").and_then(|v| person_ids.get(v));
                match (voter, s(b, "option").and_then(option)) {
                    (Some(dep), Some(o)) => ballots.push(json!({"deputy": dep, "option": o})),
                    _ => report.warnings.push(format!("a vote in {vid} names an unknown voter or option; skipped")),
                }
            }
            let mut counts: Option<BTreeMap<&str, u64>> = None;
            for c in arr(ve, "counts").filter(|c| c.get("group_id").is_none() && c.get("group").is_none()) {
                if let (Some(o), Some(n)) = (s(c, "option").and_then(option), c.get("value").and_then(Value::as_u64)) {
                    *counts.get_or_insert_with(BTreeMap::new).entry(o.as_str()).or_default() += n;
                }
            }
            let counts = counts.map(|c| {
                let g = |k: &str| c.get(k).copied().unwrap_or(0);
                json!({"yes": g("yes"), "no": g("no"), "abstain": g("abstain"), "not_voting": g("not_voting"),
                       "absent": g("absent"), "excused": g("excused")})
            });
            let method = parse_enum::<d::VoteMethod>(s(ve, "method")).unwrap_or(if ballots.is_empty() {
                d::VoteMethod::ShowOfHands
            } else {
                d::VoteMethod::RollCall
            });
            vote_events.push(json!({
                "id": vid, "agenda_item": item, "motion": motion,
                "stage": parse_enum::<d::VoteStage>(s(ve, "classification")).unwrap_or(d::VoteStage::Other),
                "method": method,
                "majority_rule": parse_enum::<d::MajorityRule>(s(ve, "majority_rule").or_else(|| motion_v.and_then(|m| s(m, "requirement"))))
                    .unwrap_or(d::MajorityRule::MajorityOfPresent),
                "seats": ve.get("seats").and_then(Value::as_u64).unwrap_or(seats as u64),
                "result": parse_enum::<d::VoteResult>(s(ve, "result")),
                "counts": counts, "ballots": ballots,
            }));
        }
        let mut speeches = Vec::new();
        let mut sps: Vec<&Value> = speeches_of.get(key.as_str()).cloned().unwrap_or_default();
        sps.sort_by_key(|x| x.get("position").and_then(Value::as_u64).unwrap_or(u64::MAX));
        for (k, sp) in sps.into_iter().enumerate() {
            let sid = local_id(&format!("{id}-sp"), s(sp, "id").unwrap_or(&format!("{}", k + 1)));
            let deputy = s(sp, "creator_id").and_then(|c| person_ids.get(c)).cloned();
            let text_v = s(sp, "text");
            speeches.push(json!({
                "id": sid,
                "agenda_item": s(sp, "agenda_item_id").map(|i| local_id(&format!("{id}-i"), i)).filter(|i| item_ids.contains(i)),
                "deputy": deputy,
                "speaker_name": if deputy.is_none() { Some(s(sp, "attribution_text").unwrap_or("—")) } else { None },
                "speaker_role": parse_enum::<d::SpeakerRole>(s(sp, "role")).unwrap_or(if deputy.is_some() { d::SpeakerRole::Deputy } else { d::SpeakerRole::Public }),
                "speech_type": parse_enum::<d::SpeechType>(s(sp, "type")).unwrap_or(d::SpeechType::Speech),
                "language": s(sp, "language").map(str::to_owned).unwrap_or_else(|| text_v.map_or("ru", script_lang).to_owned()),
                "seconds": sp.get("seconds").and_then(Value::as_u64),
                "text": text_v,
            }));
        }
        let status = ev.and_then(|e| parse_enum::<d::SessionStatus>(s(e, "status"))).unwrap_or(d::SessionStatus::Held);
        out.push((
            id,
            json!({
                "convocation": conv.1, "number": number,
                "kind": ev.and_then(|e| parse_enum::<d::SessionKind>(s(e, "kind"))).unwrap_or(d::SessionKind::Regular),
                "status": status,
                "scheduled_start": start,
                "scheduled_end": ev.and_then(|e| datetime(e, "end_date")).filter(|e| *e > start),
                "place": ev.and_then(|e| s(e, "location")),
                "is_open": ev.and_then(|e| e.get("is_open")).and_then(Value::as_bool).unwrap_or(true),
                "agenda": agenda, "documents": [], "vote_events": vote_events, "speeches": speeches,
            }),
        ));
    }
    out
}
