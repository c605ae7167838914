//! `import --public-records FILE`: real session records compiled from public texts (the format of
//! `data/public-records/sessions.json`, described in its README), each published as a
//! `public_record` document with provenance `public_sources`.
//!
//! Only the facts present are carried over: a `null` stays unknown, nothing is filled in, and a
//! key the format does not know refuses the record (so nothing is dropped silently). Importing
//! the same file again stores nothing (identical re-sends). [`load_bundled`] imports the copy
//! compiled into the binary.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use crate::documents::read;
use crate::domain::Violations;
use crate::domain::enums::Level;
use crate::domain::enums::Provenance;
use crate::domain::public_record::{
    PublicAgendaItem, PublicBallot, PublicCouncil, PublicDecision, PublicLivestream, PublicMinutes, PublicNotice,
    PublicRecord, PublicRecordStatus, PublicRegistration, PublicSittingKind, PublicSource, PublicSpeech, PublicVote,
    PublicVoteMethod, SessionNumber, VoteCount,
};
use crate::domain::text;
use crate::store::councils::replace_meta;
use crate::store::{self, DocKind, PublishMeta, Published, StoreError};

/// The records compiled into the binary (a copy of the sample in `data/public-records/`).
pub const BUNDLED: &str = include_str!("../../../data/public-records/sessions.json");

/// Who the importer publishes as.
pub const PUBLISHER: &str = "public-records-import";

/// One record as the file writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRecord {
    id: String,
    council: FileCouncil,
    council_level: String,
    #[serde(default)]
    convocation: Option<String>,
    #[serde(default)]
    session_number: Option<SessionNumber>,
    #[serde(default)]
    kind: Option<PublicSittingKind>,
    #[serde(default)]
    status: Option<PublicRecordStatus>,
    #[serde(default)]
    date: Option<NaiveDate>,
    #[serde(default)]
    date_basis: Option<String>,
    #[serde(default)]
    reported_date: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    notice: Option<FileNotice>,
    #[serde(default)]
    agenda: Vec<PublicAgendaItem>,
    #[serde(default)]
    decisions: Vec<FileDecision>,
    #[serde(default)]
    referenced_decisions: Vec<FileDecision>,
    #[serde(default)]
    votes: Vec<FileVote>,
    #[serde(default)]
    speeches: Vec<PublicSpeech>,
    #[serde(default)]
    participants: Vec<String>,
    #[serde(default)]
    open: Option<bool>,
    #[serde(default)]
    livestream: Option<bool>,
    #[serde(default)]
    livestream_detail: Option<FileLivestream>,
    #[serde(default)]
    minutes: Option<PublicMinutes>,
    #[serde(default)]
    chairman: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    notes: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FileCouncil {
    slug: String,
    #[serde(flatten)]
    names: BTreeMap<String, Option<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNotice {
    #[serde(default)]
    date: Option<NaiveDate>,
    #[serde(default)]
    date_basis: Option<String>,
    source_url: String,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    heading: Option<String>,
    #[serde(default)]
    signed_by: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDecision {
    #[serde(default)]
    number: Option<String>,
    title: String,
    title_lang: String,
    #[serde(default)]
    adilet_id: Option<String>,
    #[serde(default)]
    registration: Option<FileRegistration>,
    #[serde(default)]
    date: Option<NaiveDate>,
    source_url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRegistration {
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileVote {
    item: String,
    #[serde(default)]
    yes: Option<VoteCount>,
    #[serde(default)]
    no: Option<VoteCount>,
    #[serde(default)]
    abstain: Option<VoteCount>,
    #[serde(default)]
    unanimous: Option<bool>,
    #[serde(default)]
    method: Option<PublicVoteMethod>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    ballots: Vec<PublicBallot>,
    source_url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLivestream {
    #[serde(default)]
    basis: Option<String>,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// Our level for the file's `council_level`.
pub fn map_level(level: &str) -> Option<Level> {
    match level {
        "oblast" => Some(Level::Oblast),
        "city_republican" | "republican_city" => Some(Level::RepublicanCity),
        "city_oblast" | "city" => Some(Level::City),
        "district" => Some(Level::District),
        _ => None,
    }
}

fn decision(d: FileDecision) -> PublicDecision {
    PublicDecision {
        number: d.number,
        title: d.title,
        title_lang: d.title_lang,
        adilet_id: d.adilet_id,
        registration: d.registration.map(|r| PublicRegistration { body: r.body, number: r.number, date: r.date }),
        date: d.date,
        source_url: d.source_url,
    }
}

impl FileRecord {
    /// The domain record; violations of the mapping (the level) go to `v` with the file's paths.
    fn into_record(self, v: &mut Violations) -> (String, PublicRecord) {
        let level = map_level(&self.council_level).unwrap_or_else(|| {
            v.push(
                "/council_level",
                "known_level",
                "one of oblast, city_republican, city_oblast, district (or our republican_city, city)",
            );
            Level::District
        });
        let publisher_of =
            |url: &str| self.notice.as_ref().filter(|n| n.source_url == url).and_then(|n| n.publisher.clone());
        let sources = self
            .sources
            .iter()
            .map(|u| PublicSource { url: u.clone(), publisher: publisher_of(u), read_on: None })
            .collect();
        let record = PublicRecord {
            council: PublicCouncil {
                slug: self.council.slug,
                names: self.council.names.into_iter().filter_map(|(k, n)| Some((k, n?))).collect(),
                level,
                convocation: self.convocation,
            },
            session_number: self.session_number.map(SessionNumber::get),
            kind: self.kind,
            status: self.status,
            date: self.date,
            date_basis: self.date_basis,
            reported_date: self.reported_date,
            time: self.time,
            place: self.place,
            notice: self.notice.map(|n| PublicNotice {
                date: n.date,
                date_basis: n.date_basis,
                source_url: n.source_url,
                publisher: n.publisher,
                heading: n.heading,
                signed_by: n.signed_by,
            }),
            agenda: self.agenda,
            decisions: self.decisions.into_iter().map(decision).collect(),
            referenced_decisions: self.referenced_decisions.into_iter().map(decision).collect(),
            votes: self
                .votes
                .into_iter()
                .map(|x| PublicVote {
                    item: x.item,
                    yes: x.yes.map(VoteCount::get),
                    no: x.no.map(VoteCount::get),
                    abstain: x.abstain.map(VoteCount::get),
                    unanimous: x.unanimous,
                    method: x.method,
                    note: x.note,
                    ballots: x.ballots,
                    source_url: x.source_url,
                })
                .collect(),
            speeches: self.speeches,
            participants: self.participants,
            open: self.open,
            livestream: self.livestream,
            livestream_detail: self.livestream_detail.map(|l| PublicLivestream {
                basis: l.basis,
                platform: l.platform,
                url: l.url,
            }),
            minutes: self.minutes,
            chairman: self.chairman,
            sources,
            notes: self.notes,
        };
        (self.id, record)
    }
}

/// A record that was not stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Its position in the file (0-based).
    pub index: usize,
    /// Its `id`, when it has one.
    pub id: Option<String>,
    /// Why, with the JSON pointer of each offending value.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Records in the file.
    pub records: usize,
    /// New versions stored.
    pub stored: usize,
    /// Records identical to their stored version: nothing written.
    pub unchanged: usize,
    /// Distinct councils among the accepted records.
    pub councils: usize,
    /// Records refused.
    pub refused: Vec<Refused>,
    /// Whether what was stored was kept: false when a refused record (without
    /// `continue_on_error`) discarded the whole file, so nothing was stored.
    pub kept: bool,
}

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Replace stored records whose content differs (otherwise they are refused).
    pub replace: bool,
    /// Store every record that passes and report the others; by default one refused record
    /// discards the whole file (nothing is stored).
    pub continue_on_error: bool,
}

/// Why an import could not run at all (a refused record is reported, not an error).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    /// The file is not a JSON array.
    #[error("not a JSON array of records: {0}")]
    Shape(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports the records of a JSON file.
pub async fn import_file(db: &store::Db, path: &Path, opts: &ImportOptions) -> Result<Report, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read(path.display().to_string(), e))?;
    import_str(db, &text, opts).await
}

/// Imports the records compiled into the binary, replacing older bundled versions.
pub async fn load_bundled(db: &store::Db) -> Result<Report, ImportError> {
    import_str(db, BUNDLED, &ImportOptions { replace: true, continue_on_error: false }).await
}

/// Parses one record of the file format into its id and domain record, with the violations
/// found so far (the id's). The workspace's monitors publish through this, as the importer does.
pub fn parse_record(value: Value) -> Result<(String, PublicRecord, Violations), crate::domain::Violation> {
    let file: FileRecord = read::from_value(value)?;
    let mut v = Violations::new();
    text::check_id(&mut v, "/id", &file.id);
    let (id, record) = file.into_record(&mut v);
    Ok((id, record, v))
}

/// A stored record back in the file format, so that a monitor can correct it in the workspace
/// and publish it again through [`parse_record`] (which gives back the same record).
pub fn to_file(id: &str, record: &PublicRecord) -> Value {
    let mut v = serde_json::to_value(record).unwrap_or(Value::Null);
    let Some(o) = v.as_object_mut() else { return Value::Null };
    o.insert("id".into(), Value::String(id.to_owned()));
    let c = &record.council;
    let mut council = serde_json::Map::new();
    council.insert("slug".into(), Value::String(c.slug.clone()));
    for (lang, name) in &c.names {
        council.insert(lang.clone(), Value::String(name.clone()));
    }
    o.insert("council".into(), Value::Object(council));
    let level = match c.level {
        Level::RepublicanCity => "republican_city",
        Level::City => "city",
        Level::Oblast => "oblast",
        Level::District | Level::National => "district",
    };
    o.insert("council_level".into(), Value::String(level.into()));
    if let Some(n) = &c.convocation {
        o.insert("convocation".into(), Value::String(n.clone()));
    }
    let sources = record.sources.iter().map(|s| Value::String(s.url.clone())).collect();
    o.insert("sources".into(), Value::Array(sources));
    v
}

/// Imports the records of a JSON array given as text.
pub async fn import_str(db: &store::Db, text: &str, opts: &ImportOptions) -> Result<Report, ImportError> {
    let values: Vec<Value> = serde_json::from_str(text).map_err(|e| ImportError::Shape(e.to_string()))?;
    let mut report = Report { records: values.len(), ..Report::default() };
    let mut councils = std::collections::BTreeSet::new();
    // One batch: the file stands or falls as a whole (unless `continue_on_error`).
    let batch = store::begin_batch(db).await?;
    let db = &batch;
    for (index, value) in values.into_iter().enumerate() {
        let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
        let refuse = |reason: String| Refused { index, id: id.clone(), reason };
        let file: FileRecord = match read::from_value(value) {
            Ok(f) => f,
            Err(v) => {
                report.refused.push(refuse(format!("{}: {}", v.path, v.message)));
                continue;
            }
        };
        let mut v = Violations::new();
        text::check_id(&mut v, "/id", &file.id);
        let (id_s, record) = file.into_record(&mut v);
        let meta = PublishMeta {
            publisher: PUBLISHER.into(),
            if_match: opts.replace.then(|| "*".to_owned()),
            reason: opts.replace.then(|| "re-imported from public sources".to_owned()),
            provenance: Provenance::PublicSources,
            received_at: None,
        };
        match store::public_records::put_public_record(
            db,
            &id_s,
            &record,
            v,
            &replace_meta(db, &meta, DocKind::PublicRecord, &id_s).await?,
        )
        .await
        {
            Ok(Published::Created(_)) => {
                report.stored += 1;
                councils.insert(record.council.slug.clone());
            }
            Ok(Published::Unchanged(_)) => {
                report.unchanged += 1;
                councils.insert(record.council.slug.clone());
            }
            Err(StoreError::Invalid(violations)) => {
                report.refused.push(refuse(violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))
            }
            Err(StoreError::PreconditionRequired { .. } | StoreError::PreconditionFailed { .. }) => {
                report.refused.push(refuse("a different version is stored; import with --replace to replace it".into()))
            }
            Err(e) => return Err(e.into()),
        }
    }
    report.councils = councils.len();
    report.kept = store::end_batch(batch, report.refused.is_empty() || opts.continue_on_error).await?;
    if !report.kept {
        (report.stored, report.councils) = (0, 0);
    }
    Ok(report)
}

#[cfg(test)]
mod round_trip {
    use super::*;

    /// Every bundled record, stored and turned back into the file format, parses to itself.
    #[test]
    fn a_stored_record_goes_back_to_the_file_format_unchanged() {
        let values: Vec<Value> = serde_json::from_str(BUNDLED).expect("the bundled file");
        assert!(values.len() > 10);
        for value in values {
            let (id, record, v) = parse_record(value).expect("a bundled record");
            assert!(v.is_empty(), "{id}");
            let (id2, again, v2) = parse_record(to_file(&id, &record)).unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert!(v2.is_empty(), "{id}");
            assert_eq!((id2, again), (id.clone(), record), "{id}");
        }
    }
}
