//! Popolo JSON and CSV exports of a council, written a page of rows at a time from one
//! consistent snapshot, so memory stays flat whatever the council's size; the same writers feed
//! a file (`maslikhat export --popolo` / `--csv`) and an HTTP response body ([`stream_body`]).
//!
//! ## Popolo (one JSON object per council)
//!
//! | maslikhat | Popolo |
//! |---|---|
//! | the council | `organizations[]` with `classification: legislature` (KATO code as an identifier, parent council as `parent_id`, seats as `seats`) |
//! | a party | `organizations[]` with `classification: party` (every party on the platform) |
//! | a commission | `organizations[]` with `classification: committee`, `parent_id` the council |
//! | a convocation | `events[]` with `classification: legislative period` (id `{council}/convocation/{number}`) |
//! | a deputy | `persons[]`: `name` in the first of kk, ru, en, kk-Latn; every name in `other_names[]` with its `lang` (as EveryPolitician writes them), with given, family and patronymic names of that language |
//! | a mandate | `memberships[]` in the council, `role: member`, `on_behalf_of_id` the nominating party, `legislative_period_id` the convocation; seat type, district, nomination and end reason as extra fields |
//! | a party membership | `memberships[]` in the party (no membership on a date = non-partisan) |
//! | a role | `memberships[]` in the council (chairman, deputy_chairman, secretary), the commission (commission_chair, commission_member) or the council on behalf of the party (faction_leader), `role` the role's name |
//! | a session | `events[]` with `classification: session`, `parent_id` its convocation |
//! | an agenda item | `events[]` with `classification: agenda item`, `parent_id` its session |
//! | a vote event | `vote_events[]` with `legislative_session_id` the session, the `motion` (text in the first language, every language in `texts`), `counts[]` and `votes[]`; options `yes`, `no`, `abstain`, `not voting` (with a space, as Popolo spells it), `absent`, `excused` |
//! | a speech | `speeches[]` with `event_id` the session, `creator_id` the deputy or `attribution_text` the speaker's name |
//!
//! `meta` says where the file comes from, the change number it reflects and whether the records
//! are synthetic.
//!
//! ## CSV package
//!
//! One RFC 4180 table per kind ([`CSV_TABLES`]): a header row, CRLF line ends, fields quoted
//! when they hold a comma, a quote or a line break (quotes doubled). Names and titles get one
//! column per common language (kk, kk-Latn, ru, en) and one with every language as JSON.

use std::collections::{BTreeMap, HashMap};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};

use crate::store::{self, StoreError, export as q};

/// Rows read per query.
pub const PAGE: u64 = 500;

/// The tables of the CSV package, in the order they are written.
pub const CSV_TABLES: [&str; 9] = [
    "councils",
    "deputies",
    "mandates",
    "party_memberships",
    "sessions",
    "agenda_items",
    "vote_events",
    "ballots",
    "speeches",
];

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing failed (or the reader went away).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The database failed, or the council does not exist.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A CSV table that does not exist.
    #[error("unknown table {0}; the tables are {tables}", tables = CSV_TABLES.join(", "))]
    UnknownTable(String),
}

impl From<sea_orm::DbErr> for ExportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ExportError::Store(e.into())
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn names(json_text: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json_text).unwrap_or_default()
}

/// The language shown first where a format has room for one name only.
const PREFERRED: [&str; 4] = ["kk", "ru", "en", "kk-Latn"];

fn pick(m: &BTreeMap<String, String>) -> Option<&str> {
    PREFERRED.iter().find_map(|l| m.get(*l)).or_else(|| m.values().next()).map(String::as_str)
}

/// Popolo's spelling of a ballot option.
pub fn popolo_option(option: &str) -> &str {
    if option == "not_voting" { "not voting" } else { option }
}

/// Runs `fetch` page after page from key `None`, calling `each` with every page.
macro_rules! pages {
    ($fetch:expr, $key:ident, |$rows:ident| $body:block) => {{
        let mut after = None;
        loop {
            let $rows = $fetch(after.clone()).await?;
            let Some(last) = $rows.last() else { break };
            after = Some(last.$key.clone());
            $body
        }
    }};
}

// ---------------------------------------------------------------- CSV

/// Appends one field. A text that a spreadsheet would run as a formula (it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'` and quotes, as OWASP's "CSV Injection"
/// advises, so opening an export never runs what a publisher typed; a plain number such as `-3`
/// stays as it is, since a spreadsheet reads it as the number it is.
fn csv_field(out: &mut String, s: &str) {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    if formula || s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends one CSV record (RFC 4180: CRLF, quoted where needed).
pub fn csv_row<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f.as_ref());
    }
    out.push_str("\r\n");
}

fn o<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn ot(v: Option<DateTime<Utc>>) -> String {
    v.map(time).unwrap_or_default()
}

fn od(v: Option<NaiveDate>) -> String {
    o(v)
}

/// The four language columns and the JSON column of a names map.
fn lang_cols(json_text: &str) -> [String; 5] {
    let m = names(json_text);
    let g = |l: &str| m.get(l).cloned().unwrap_or_default();
    [g("kk"), g("kk-Latn"), g("ru"), g("en"), serde_json::to_string(&m).unwrap_or_default()]
}

fn lang_headers(prefix: &str) -> [String; 5] {
    [
        format!("{prefix}_kk"),
        format!("{prefix}_kk_latn"),
        format!("{prefix}_ru"),
        format!("{prefix}_en"),
        format!("{prefix}s_json"),
    ]
}

async fn put<W: AsyncWrite + Unpin>(out: &mut W, buf: &mut String) -> std::io::Result<()> {
    out.write_all(buf.as_bytes()).await?;
    buf.clear();
    Ok(())
}

/// Writes the CSV table `table` (of `council`, or of every council) to `out`. Returns the number
/// of data rows.
pub async fn write_csv<C: ConnectionTrait, W: AsyncWrite + Unpin>(
    conn: &C,
    table: &str,
    council: Option<&str>,
    out: &mut W,
) -> Result<u64, ExportError> {
    let mut buf = String::new();
    let mut n = 0u64;
    match table {
        "councils" => {
            let mut h: Vec<String> = vec!["id".into(), "level".into(), "parent_id".into(), "kato".into()];
            h.extend(["seats", "website", "synthetic", "version", "created_at", "updated_at"].map(String::from));
            h.extend(lang_headers("name"));
            csv_row(&mut buf, &h);
            pages!(|a| q::councils(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    let mut f = vec![r.id, r.level, o(r.parent_id), o(r.kato), r.seats.to_string(), o(r.website)];
                    f.extend([r.synthetic.to_string(), r.version.to_string(), time(r.created_at), time(r.updated_at)]);
                    f.extend(lang_cols(&r.names));
                    csv_row(&mut buf, &f);
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "deputies" => {
            let mut h: Vec<String> = vec!["id".into(), "council_id".into(), "gender".into(), "listed".into()];
            h.push("synthetic".into());
            h.extend(lang_headers("name"));
            h.extend(
                ["given_names_json", "family_names_json", "patronymic_names_json", "contacts_json"].map(String::from),
            );
            csv_row(&mut buf, &h);
            pages!(|a| q::deputies(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    let mut f = vec![r.id, r.council_id, o(r.gender), r.listed.to_string(), r.synthetic.to_string()];
                    f.extend(lang_cols(&r.names));
                    f.extend([r.given_names, r.family_names, r.patronymic_names, r.contacts]);
                    csv_row(&mut buf, &f);
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "mandates" => {
            csv_row(
                &mut buf,
                &[
                    "deputy_id",
                    "council_id",
                    "convocation",
                    "seat_type",
                    "district",
                    "nomination",
                    "nominating_party_id",
                    "start_date",
                    "end_date",
                    "end_reason",
                ],
            );
            pages!(|a| q::mandates(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    csv_row(
                        &mut buf,
                        &[
                            r.deputy_id,
                            r.council_id,
                            r.convocation,
                            r.seat_type,
                            o(r.district),
                            r.nomination,
                            o(r.nominating_party_id),
                            r.start_date.to_string(),
                            od(r.end_date),
                            o(r.end_reason),
                        ],
                    );
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "party_memberships" => {
            csv_row(&mut buf, &["deputy_id", "council_id", "party_id", "start_date", "end_date"]);
            pages!(|a| q::party_memberships(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    csv_row(
                        &mut buf,
                        &[r.deputy_id, r.council_id, r.party_id, r.start_date.to_string(), od(r.end_date)],
                    );
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "sessions" => {
            csv_row(
                &mut buf,
                &[
                    "id",
                    "council_id",
                    "convocation",
                    "number",
                    "kind",
                    "status",
                    "scheduled_start",
                    "scheduled_end",
                    "actual_start",
                    "actual_end",
                    "place",
                    "is_open",
                    "livestream_url",
                    "recording_url",
                    "minutes_document_id",
                    "declared_notice_at",
                    "declared_notice_source",
                    "backfilled",
                    "first_received_at",
                    "agenda_first_public_at",
                    "minutes_first_public_at",
                    "synthetic",
                    "version",
                ],
            );
            pages!(|a| q::sessions(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    csv_row(
                        &mut buf,
                        &[
                            r.id,
                            r.council_id,
                            r.convocation,
                            r.number.to_string(),
                            r.kind,
                            r.status,
                            time(r.scheduled_start),
                            ot(r.scheduled_end),
                            ot(r.actual_start),
                            ot(r.actual_end),
                            o(r.place),
                            r.is_open.to_string(),
                            o(r.livestream_url),
                            o(r.recording_url),
                            o(r.minutes_document_id),
                            ot(r.declared_notice_at),
                            o(r.declared_notice_source),
                            r.backfilled.to_string(),
                            time(r.first_received_at),
                            ot(r.agenda_first_public_at),
                            ot(r.minutes_first_public_at),
                            r.synthetic.to_string(),
                            r.version.to_string(),
                        ],
                    );
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "agenda_items" => {
            let mut h: Vec<String> =
                ["id", "session_id", "council_id", "position", "number_label"].map(String::from).to_vec();
            h.extend(lang_headers("title"));
            h.extend(["initiator", "is_open", "result", "first_public_at", "added_late"].map(String::from));
            csv_row(&mut buf, &h);
            pages!(|a| q::agenda_items(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    let mut f = vec![r.id, r.session_id, r.council_id, r.position.to_string(), o(r.number_label)];
                    f.extend(lang_cols(&r.titles));
                    f.extend([r.initiator, r.is_open.to_string(), o(r.result), time(r.first_public_at)]);
                    f.push(r.added_late.to_string());
                    csv_row(&mut buf, &f);
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "vote_events" => {
            let mut h: Vec<String> = ["id", "session_id", "council_id", "agenda_item_id", "position", "session_date"]
                .map(String::from)
                .to_vec();
            h.extend(lang_headers("motion"));
            h.extend(
                [
                    "stage",
                    "method",
                    "majority_rule",
                    "seats",
                    "result",
                    "yes",
                    "no",
                    "abstain",
                    "not_voting",
                    "absent",
                    "excused",
                    "named",
                    "contested",
                ]
                .map(String::from),
            );
            csv_row(&mut buf, &h);
            pages!(|a| q::vote_events(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    let mut f = vec![r.id, r.session_id, r.council_id, r.agenda_item_id, r.position.to_string()];
                    f.push(r.session_date.to_string());
                    f.extend(lang_cols(&r.motion));
                    f.extend([r.stage, r.method, r.majority_rule, r.seats.to_string(), r.result]);
                    f.extend([r.yes_count, r.no_count, r.abstain_count, r.not_voting_count].map(o));
                    f.extend([r.absent_count, r.excused_count].map(o));
                    f.extend([r.named.to_string(), r.contested.to_string()]);
                    csv_row(&mut buf, &f);
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "ballots" => {
            csv_row(&mut buf, &["vote_event_id", "deputy_id", "option", "session_id", "session_date"]);
            pages!(|a| q::vote_events(conn, council, a, PAGE), id, |rows| {
                let ids: Vec<String> = rows.into_iter().map(|r| r.id).collect();
                for b in q::ballots_of(conn, &ids).await? {
                    csv_row(
                        &mut buf,
                        &[b.vote_event_id, b.deputy_id, b.option, b.session_id, b.session_date.to_string()],
                    );
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        "speeches" => {
            csv_row(
                &mut buf,
                &[
                    "id",
                    "session_id",
                    "council_id",
                    "agenda_item_id",
                    "position",
                    "deputy_id",
                    "speaker_name",
                    "speaker_role",
                    "speech_type",
                    "language",
                    "seconds",
                    "text",
                    "session_date",
                ],
            );
            pages!(|a| q::speeches(conn, council, a, PAGE), id, |rows| {
                for r in rows {
                    csv_row(
                        &mut buf,
                        &[
                            r.id,
                            r.session_id,
                            r.council_id,
                            o(r.agenda_item_id),
                            r.position.to_string(),
                            o(r.deputy_id),
                            o(r.speaker_name),
                            r.speaker_role,
                            r.speech_type,
                            r.language,
                            o(r.seconds),
                            o(r.body_text),
                            r.session_date.to_string(),
                        ],
                    );
                    n += 1;
                }
                put(out, &mut buf).await?;
            });
        }
        other => return Err(ExportError::UnknownTable(other.to_owned())),
    }
    put(out, &mut buf).await?;
    out.flush().await?;
    Ok(n)
}

/// Writes every table of the CSV package into `dir` (`{table}.csv`), of `council` or of every
/// council, from one snapshot. Returns the rows of each table.
pub async fn csv_package(
    db: &DatabaseConnection,
    dir: &std::path::Path,
    council: Option<&str>,
    progress: bool,
) -> Result<Vec<(&'static str, u64)>, ExportError> {
    tokio::fs::create_dir_all(dir).await?;
    let snap = store::snapshot(db).await?;
    if let Some(c) = council {
        store::councils::load_council(&snap, c).await?;
    }
    let pb =
        if progress { indicatif::ProgressBar::new(CSV_TABLES.len() as u64) } else { indicatif::ProgressBar::hidden() };
    pb.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} tables {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut counts = Vec::new();
    for table in CSV_TABLES {
        pb.set_message(table);
        let file = tokio::fs::File::create(dir.join(format!("{table}.csv"))).await?;
        let mut w = tokio::io::BufWriter::new(file);
        let n = write_csv(&snap, table, council, &mut w).await?;
        w.shutdown().await?;
        counts.push((table, n));
        pb.inc(1);
    }
    pb.finish_and_clear();
    snap.commit().await?;
    Ok(counts)
}

// ---------------------------------------------------------------- Popolo

/// One JSON array being written: elements joined by commas, flushed a page at a time.
struct Array {
    buf: String,
    first: bool,
    n: u64,
}

impl Array {
    fn open(buf: String, key: &str, leading_comma: bool) -> Self {
        let mut buf = buf;
        if leading_comma {
            buf.push(',');
        }
        buf.push_str(&Value::String(key.to_owned()).to_string());
        buf.push_str(":[");
        Array { buf, first: true, n: 0 }
    }

    fn push(&mut self, v: Value) {
        if !self.first {
            self.buf.push(',');
        }
        self.first = false;
        self.buf.push_str(&v.to_string());
        self.n += 1;
    }

    async fn flush<W: AsyncWrite + Unpin>(&mut self, out: &mut W) -> std::io::Result<()> {
        put(out, &mut self.buf).await
    }

    fn close(mut self) -> (String, u64) {
        self.buf.push(']');
        (self.buf, self.n)
    }
}

fn other_names(all: &BTreeMap<String, String>, parts: [(&str, &BTreeMap<String, String>); 3]) -> Vec<Value> {
    all.iter()
        .map(|(lang, name)| {
            let mut o = json!({"name": name, "lang": lang, "note": "multilingual"});
            for (key, m) in parts {
                if let Some(x) = m.get(lang) {
                    o[key] = json!(x);
                }
            }
            o
        })
        .collect()
}

fn lang_names(all: &BTreeMap<String, String>) -> Vec<Value> {
    all.iter().map(|(lang, name)| json!({"name": name, "lang": lang, "note": "multilingual"})).collect()
}

/// Removes null members, which Popolo's schemas mostly allow but which say nothing.
fn strip(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !x.is_null());
    }
    v
}

/// Counts of the Popolo export, by array.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PopoloCounts {
    /// Organizations (the council, parties, commissions).
    pub organizations: u64,
    /// Persons.
    pub persons: u64,
    /// Memberships (mandates, party memberships, roles).
    pub memberships: u64,
    /// Events (convocations, sessions, agenda items).
    pub events: u64,
    /// Vote events.
    pub vote_events: u64,
    /// Speeches.
    pub speeches: u64,
}

/// Writes the Popolo JSON of `council` to `out`, reading every page through `conn` (pass a
/// snapshot for a consistent file).
pub async fn write_popolo<C: ConnectionTrait, W: AsyncWrite + Unpin>(
    conn: &C,
    council: &str,
    out: &mut W,
) -> Result<PopoloCounts, ExportError> {
    let c = q::councils(conn, Some(council), None, 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("council {council}")))?;
    let seq = q::change_number(conn, council).await?;
    let convs = q::convocations(conn, council).await?;
    let period = |number: &str| format!("{council}/convocation/{number}");
    let mut counts = PopoloCounts::default();
    let meta = json!({
        "generator": "maslikhat",
        "council": council,
        "change_number": seq,
        "synthetic": c.synthetic,
        "popolo": "https://www.popoloproject.com/specs/",
    });
    let mut head = String::from("{\"meta\":");
    head.push_str(&meta.to_string());

    // Organizations: the council, every party, the council's commissions.
    let mut a = Array::open(head, "organizations", true);
    let cn = names(&c.names);
    let mut org = json!({
        "id": c.id,
        "name": pick(&cn),
        "other_names": lang_names(&cn),
        "classification": "legislature",
        "parent_id": c.parent_id,
        "seats": c.seats,
        "level": c.level,
        "synthetic": c.synthetic,
    });
    if let Some(k) = &c.kato {
        org["identifiers"] = json!([{"scheme": "KATO", "identifier": k}]);
    }
    if let Some(w) = &c.website {
        org["links"] = json!([{"url": w, "note": "website"}]);
    }
    a.push(strip(org));
    for p in q::parties(conn).await? {
        let pn = names(&p.names);
        let abbr = names(&p.abbreviations);
        a.push(strip(json!({
            "id": p.id,
            "name": pick(&pn),
            "other_names": lang_names(&pn),
            "classification": "party",
            "abbreviations": abbr,
            "registration_status": p.registration_status,
        })));
    }
    pages!(|x| q::commissions(conn, Some(council), x, PAGE), id, |rows| {
        for m in rows {
            let mn = names(&m.names);
            a.push(strip(json!({
                "id": m.id,
                "name": pick(&mn),
                "other_names": lang_names(&mn),
                "classification": "committee",
                "parent_id": council,
                "kind": m.kind,
                "founding_date": m.start_date.map(|d| d.to_string()),
                "dissolution_date": m.end_date.map(|d| d.to_string()),
            })));
        }
        a.flush(out).await?;
    });
    let (buf, n) = a.close();
    counts.organizations = n;

    // Persons.
    let mut a = Array::open(buf, "persons", true);
    pages!(|x| q::deputies(conn, Some(council), x, PAGE), id, |rows| {
        for d in rows {
            let (all, given, family, patronymic) =
                (names(&d.names), names(&d.given_names), names(&d.family_names), names(&d.patronymic_names));
            let lang = PREFERRED.iter().find(|l| all.contains_key(**l)).copied();
            let part = |m: &BTreeMap<String, String>| lang.and_then(|l| m.get(l)).cloned();
            let contacts: Vec<crate::domain::roster::Contact> = serde_json::from_str(&d.contacts).unwrap_or_default();
            a.push(strip(json!({
                "id": d.id,
                "name": pick(&all),
                "given_name": part(&given),
                "family_name": part(&family),
                "patronymic_name": part(&patronymic),
                "other_names": other_names(&all, [("given_name", &given), ("family_name", &family), ("patronymic_name", &patronymic)]),
                "gender": d.gender,
                "contact_details": contacts.iter().map(|c| json!({"type": c.kind, "value": c.value})).collect::<Vec<_>>(),
                "synthetic": d.synthetic,
            })));
        }
        a.flush(out).await?;
    });
    let (buf, n) = a.close();
    counts.persons = n;

    // Memberships: mandates, party memberships, roles.
    let mut a = Array::open(buf, "memberships", true);
    pages!(|x| q::mandates(conn, Some(council), x, PAGE), id, |rows| {
        for m in rows {
            a.push(strip(json!({
                "id": format!("{}/mandate/{}", m.deputy_id, m.start_date),
                "person_id": m.deputy_id,
                "organization_id": council,
                "role": "member",
                "on_behalf_of_id": m.nominating_party_id,
                "legislative_period_id": period(&m.convocation),
                "start_date": m.start_date.to_string(),
                "end_date": m.end_date.map(|d| d.to_string()),
                "seat_type": m.seat_type,
                "district": m.district,
                "nomination": m.nomination,
                "end_reason": m.end_reason,
            })));
        }
        a.flush(out).await?;
    });
    pages!(|x| q::party_memberships(conn, Some(council), x, PAGE), id, |rows| {
        for m in rows {
            a.push(strip(json!({
                "id": format!("{}/party/{}/{}", m.deputy_id, m.party_id, m.start_date),
                "person_id": m.deputy_id,
                "organization_id": m.party_id,
                "role": "member",
                "start_date": m.start_date.to_string(),
                "end_date": m.end_date.map(|d| d.to_string()),
            })));
        }
        a.flush(out).await?;
    });
    pages!(|x| q::roles(conn, Some(council), x, PAGE), id, |rows| {
        for r in rows {
            a.push(strip(json!({
                "id": format!("{}/role/{}/{}", r.deputy_id, r.role, r.start_date),
                "person_id": r.deputy_id,
                "organization_id": r.commission_id.clone().unwrap_or_else(|| council.to_owned()),
                "role": r.role,
                "on_behalf_of_id": r.party_id,
                "start_date": r.start_date.to_string(),
                "end_date": r.end_date.map(|d| d.to_string()),
            })));
        }
        a.flush(out).await?;
    });
    let (buf, n) = a.close();
    counts.memberships = n;

    // Events: convocations, sessions, agenda items.
    let mut a = Array::open(buf, "events", true);
    for cv in &convs {
        a.push(strip(json!({
            "id": period(&cv.number),
            "name": format!("Convocation {}", cv.number),
            "classification": "legislative period",
            "organization_id": council,
            "start_date": cv.start_date.to_string(),
            "end_date": cv.end_date.map(|d| d.to_string()),
        })));
    }
    pages!(|x| q::sessions(conn, Some(council), x, PAGE), id, |rows| {
        for s in rows {
            a.push(strip(json!({
                "id": s.id,
                "name": format!("Session {} of convocation {}", s.number, s.convocation),
                "classification": "session",
                "organization_id": council,
                "parent_id": period(&s.convocation),
                "start_date": time(s.scheduled_start),
                "end_date": s.scheduled_end.map(time),
                "location": s.place,
                "status": s.status,
                "number": s.number,
                "kind": s.kind,
                "is_open": s.is_open,
            })));
        }
        a.flush(out).await?;
    });
    pages!(|x| q::agenda_items(conn, Some(council), x, PAGE), id, |rows| {
        for i in rows {
            let titles = names(&i.titles);
            a.push(strip(json!({
                "id": i.id,
                "name": pick(&titles),
                "classification": "agenda item",
                "organization_id": council,
                "parent_id": i.session_id,
                "position": i.position,
                "titles": titles,
                "result": i.result,
            })));
        }
        a.flush(out).await?;
    });
    let (buf, n) = a.close();
    counts.events = n;

    // Vote events with their counts and votes.
    let mut a = Array::open(buf, "vote_events", true);
    pages!(|x| q::vote_events(conn, Some(council), x, 100), id, |rows| {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let mut sessions: Vec<String> = rows.iter().map(|r| r.session_id.clone()).collect();
        sessions.dedup();
        let starts = q::session_starts(conn, &sessions).await?;
        let mut ballots: HashMap<String, Vec<Value>> = HashMap::new();
        for b in q::ballots_of(conn, &ids).await? {
            ballots
                .entry(b.vote_event_id)
                .or_default()
                .push(json!({"voter_id": b.deputy_id, "option": popolo_option(&b.option)}));
        }
        for e in rows {
            let motion = names(&e.motion);
            let c = [
                ("yes", e.yes_count),
                ("no", e.no_count),
                ("abstain", e.abstain_count),
                ("not voting", e.not_voting_count),
                ("absent", e.absent_count),
                ("excused", e.excused_count),
            ];
            let counts: Vec<Value> =
                c.iter().filter_map(|(k, v)| v.map(|v| json!({"option": k, "value": v}))).collect();
            a.push(strip(json!({
                "id": e.id,
                "organization_id": council,
                "legislative_session_id": e.session_id,
                "identifier": e.position.to_string(),
                "motion": {"text": pick(&motion), "texts": motion, "organization_id": council,
                           "classification": e.stage, "requirement": e.majority_rule, "result": e.result},
                "classification": e.stage,
                "start_date": starts.get(&e.session_id).map(|t| time(*t)),
                "result": e.result,
                "counts": counts,
                "votes": ballots.remove(&e.id).unwrap_or_default(),
                "agenda_item_id": e.agenda_item_id,
                "method": e.method,
                "majority_rule": e.majority_rule,
                "seats": e.seats,
            })));
        }
        a.flush(out).await?;
    });
    let (buf, n) = a.close();
    counts.vote_events = n;

    // Speeches.
    let mut a = Array::open(buf, "speeches", true);
    pages!(|x| q::speeches(conn, Some(council), x, PAGE), id, |rows| {
        for s in rows {
            a.push(strip(json!({
                "id": s.id,
                "creator_id": s.deputy_id,
                "attribution_text": s.speaker_name,
                "role": s.speaker_role,
                "type": s.speech_type,
                "text": s.body_text,
                "position": s.position,
                "event_id": s.session_id,
                "agenda_item_id": s.agenda_item_id,
                "language": s.language,
                "seconds": s.seconds,
            })));
        }
        a.flush(out).await?;
    });
    let (mut buf, n) = a.close();
    counts.speeches = n;
    buf.push('}');
    put(out, &mut buf).await?;
    out.flush().await?;
    Ok(counts)
}

/// Writes the Popolo JSON of `council` to `path` (`-` for standard output) from one snapshot.
pub async fn popolo_file(
    db: &DatabaseConnection,
    council: &str,
    path: &std::path::Path,
    progress: bool,
) -> Result<PopoloCounts, ExportError> {
    let snap = store::snapshot(db).await?;
    let pb = if progress { indicatif::ProgressBar::new_spinner() } else { indicatif::ProgressBar::hidden() };
    pb.set_message(format!("writing the Popolo export of {council}"));
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    let counts = if path.as_os_str() == "-" {
        let mut w = tokio::io::BufWriter::new(tokio::io::stdout());
        let c = write_popolo(&snap, council, &mut w).await?;
        w.flush().await?;
        c
    } else {
        let mut w = tokio::io::BufWriter::new(tokio::fs::File::create(path).await?);
        let c = write_popolo(&snap, council, &mut w).await?;
        w.shutdown().await?;
        c
    };
    pb.finish_and_clear();
    snap.commit().await?;
    Ok(counts)
}

// ---------------------------------------------------------------- HTTP bodies

/// The reading end of a streamed export: the pipe's bytes, then an error instead of a clean
/// end when the writer failed half-way, so a client never takes a cut-off export for a whole one.
struct Piped {
    inner: tokio::io::DuplexStream,
    failed: Arc<Mutex<Option<String>>>,
}

impl AsyncRead for Piped {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before => {
                let failed = self.failed.lock().map(|f| f.clone()).unwrap_or_else(|_| Some("poisoned".into()));
                match failed {
                    Some(e) => Poll::Ready(Err(std::io::Error::other(e))),
                    None => Poll::Ready(Ok(())),
                }
            }
            other => other,
        }
    }
}

/// A response body fed by `job` through a small pipe: the job runs as its own task and waits
/// whenever the client reads slower than the database, so at most the pipe's 64 KiB and one
/// page of rows are in memory. The job hands the pipe back with its result; a failure half-way
/// aborts the body instead of ending it.
pub fn stream_body<F, Fut>(job: F) -> poem::Body
where
    F: FnOnce(tokio::io::DuplexStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (tokio::io::DuplexStream, Result<(), ExportError>)> + Send + 'static,
{
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let failed = Arc::new(Mutex::new(None));
    let flag = failed.clone();
    tokio::spawn(async move {
        let (mut writer, result) = job(writer).await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "export stopped half-way");
            if let Ok(mut f) = flag.lock() {
                *f = Some(e.to_string());
            }
        }
        // Only now may the reader see the end: the failure (if any) is recorded.
        let _ = writer.shutdown().await;
    });
    poem::Body::from_async_read(Piped { inner: reader, failed })
}
