//! What the logged documents say the API must serve: pure functions from verified document
//! versions to the expected JSON of each read endpoint, folded version after version where
//! earlier versions matter (witnessed times, deputies a roster no longer lists, the council's
//! `synthetic` flag when a version was published).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::compare::unordered;
use crate::domain::council::{Council, Party};
use crate::domain::roster::Roster;
use crate::domain::session::SessionRecord;
use crate::domain::witness::Witnessed;

/// One verified version: its leaf's fields and the document that hashes to it.
#[derive(Debug, Clone)]
pub struct Version {
    /// Its log index.
    pub index: u64,
    /// Its document kind.
    pub kind: String,
    /// Its document id.
    pub doc_id: String,
    /// Its council.
    pub council: Option<String>,
    /// Its version number.
    pub version: i64,
    /// When the server received it (from the signed leaf).
    pub received_at: DateTime<Utc>,
    /// The SHA-256 of the document.
    pub sha256: String,
    /// The document (canonical JSON, verified against the leaf).
    pub body: Value,
}

impl Version {
    /// How a version is named in a report.
    pub fn origin(&self) -> String {
        format!("{} {} v{}, log entry {}", self.kind, self.doc_id, self.version, self.index)
    }

    fn meta(&self) -> Value {
        json!({"version": self.version, "sha256": self.sha256, "log_index": self.index})
    }
}

/// One read to check: the endpoint, and the value the log implies for it. A list endpoint
/// (`list: true`) is read whole, page after page, and its `items` compared.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The endpoint, e.g. `/v1/sessions/s1`.
    pub endpoint: String,
    /// True for a paged list.
    pub list: bool,
    /// The fields the log determines.
    pub value: Value,
    /// What kind of thing it counts as in the summary, and how many.
    pub counts: Vec<(&'static str, u64)>,
    /// Adapts what is served before comparing (each item of a list, else the whole body): the
    /// part of a larger body to compare, or lists reduced the way the expected ones are.
    pub reduce: Option<fn(Value) -> Value>,
}

impl Expected {
    /// A list endpoint.
    pub fn list(endpoint: String, items: Vec<Value>, kind: &'static str) -> Self {
        let n = items.len() as u64;
        Expected { endpoint, list: true, value: Value::Array(items), counts: vec![(kind, n)], reduce: None }
    }
}

fn one(endpoint: String, value: Value, kind: &'static str) -> Expected {
    Expected { endpoint, list: false, value, counts: vec![(kind, 1)], reduce: None }
}

/// A council as `GET /v1/councils/{id}` serves it, after its versions `first`..`v`.
pub fn council(v: &Version, first_received_at: DateTime<Utc>, doc: &Council) -> Expected {
    let convocations: Vec<Value> = doc.convocations.iter().map(|c| json!(c)).collect();
    let value = json!({
        "id": v.doc_id, "names": doc.names, "level": doc.level, "parent": doc.parent, "kato": doc.kato,
        "seats": doc.seats, "website": doc.website, "synthetic": doc.synthetic, "version": v.version,
        "convocations": unordered(&convocations, CONVOCATION),
        "created_at": first_received_at, "updated_at": v.received_at,
    });
    Expected { reduce: Some(served_council), ..one(format!("/v1/councils/{}", v.doc_id), value, "councils") }
}

const CONVOCATION: &[&str] = &["number", "start_date", "end_date"];

/// Reduces a served council's convocations the way [`council`] does.
pub fn served_council(mut c: Value) -> Value {
    let items = c["convocations"].as_array().cloned().unwrap_or_default();
    c["convocations"] = unordered(&items, CONVOCATION);
    c
}

/// A party as `GET /v1/parties/{id}` serves it.
pub fn party(v: &Version, doc: &Party) -> Expected {
    let value = json!({
        "id": v.doc_id, "names": doc.names, "abbreviations": doc.abbreviations,
        "registration_status": doc.registration_status, "synthetic": doc.synthetic, "version": v.version,
    });
    one(format!("/v1/parties/{}", v.doc_id), value, "parties")
}

/// A public record as `GET /v1/public-records/{id}` serves it: every field of the record, and
/// the version.
pub fn public_record(v: &Version) -> Expected {
    let mut value = v.body.clone();
    if let Value::Object(m) = &mut value {
        m.insert("id".into(), json!(v.doc_id));
        m.insert("version".into(), v.meta());
    }
    one(format!("/v1/public-records/{}", v.doc_id), value, "public records")
}

/// Fields of a served mandate, membership and role the log determines.
const MANDATE: &[&str] = &[
    "council",
    "convocation",
    "seat_type",
    "district",
    "nomination",
    "nominating_party",
    "start_date",
    "end_date",
    "end_reason",
];
const MEMBERSHIP: &[&str] = &["party", "start_date", "end_date"];
const ROLE: &[&str] = &["role", "commission", "party", "start_date", "end_date"];

/// A council's roster folded over its versions: every deputy any version listed keeps the row
/// of the last version that listed them.
#[derive(Debug, Default)]
pub struct RosterFold {
    deputies: BTreeMap<String, Value>,
    latest: Option<(Version, Roster)>,
}

impl RosterFold {
    /// Folds in the next version, published while the council's `synthetic` flag was `synthetic`.
    pub fn push(&mut self, v: Version, doc: Roster, synthetic: bool) {
        let council = v.council.clone().unwrap_or_else(|| v.doc_id.clone());
        for d in &doc.deputies {
            self.deputies.insert(
                d.id.clone(),
                json!({
                    "id": d.id, "council": council, "names": d.names, "given_names": d.given_names,
                    "family_names": d.family_names, "patronymic_names": d.patronymic_names, "gender": d.gender,
                    "contacts": d.contacts, "synthetic": synthetic,
                }),
            );
        }
        self.latest = Some((v, doc));
    }

    /// The roster document and every deputy as served, after the last version.
    pub fn expected(self) -> Vec<Expected> {
        let Some((v, doc)) = self.latest else { return vec![] };
        let council = v.council.clone().unwrap_or_else(|| v.doc_id.clone());
        let mut deputies = vec![];
        for (id, mut d) in self.deputies {
            let listed = doc.deputies.iter().find(|x| x.id == id);
            let mandates: Vec<Value> = listed
                .into_iter()
                .flat_map(|x| &x.mandates)
                .map(|m| {
                    let mut m = json!(m);
                    m["council"] = json!(council);
                    m
                })
                .collect();
            let memberships: Vec<Value> =
                listed.into_iter().flat_map(|x| &x.party_memberships).map(|m| json!(m)).collect();
            let roles: Vec<Value> = doc.roles.iter().filter(|r| r.deputy == id).map(|r| json!(r)).collect();
            d["listed"] = json!(listed.is_some());
            d["mandates"] = unordered(&mandates, MANDATE);
            d["party_memberships"] = unordered(&memberships, MEMBERSHIP);
            d["roles"] = unordered(&roles, ROLE);
            deputies.push(d);
        }
        let commissions: Vec<Value> = doc
            .commissions
            .iter()
            .map(|c| {
                let names: Vec<Value> = c
                    .names
                    .iter()
                    .map(|(lang, name)| json!({"name": name, "lang": lang, "note": "multilingual"}))
                    .collect();
                json!({
                    "id": c.id, "classification": "committee", "parent_id": council, "kind": c.kind,
                    "founding_date": c.start_date, "dissolution_date": c.end_date, "other_names": names,
                })
            })
            .collect();
        let n = commissions.len() as u64;
        vec![
            one(format!("/v1/councils/{council}/roster"), json!({"version": v.meta(), "document": v.body}), "rosters"),
            Expected {
                reduce: Some(served_deputy),
                ..Expected::list(format!("/v1/councils/{council}/deputies"), deputies, "deputies")
            },
            // Commissions are served in the council's Popolo export (organizations classified
            // `committee`).
            Expected {
                endpoint: format!("/v1/councils/{council}/export/popolo"),
                list: false,
                value: json!({"committees": commissions}),
                counts: vec![("commissions", n)],
                reduce: Some(popolo_committees),
            },
        ]
    }
}

/// The committees of a served Popolo export.
fn popolo_committees(export: Value) -> Value {
    let committees: Vec<Value> = export["organizations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["classification"] == "committee")
        .cloned()
        .collect();
    json!({"committees": committees})
}

/// Reduces a served deputy's dated lists the way [`RosterFold::expected`] does, so that the
/// server's order (by start date) does not count as a difference.
fn served_deputy(mut d: Value) -> Value {
    for (field, keys) in [("mandates", MANDATE), ("party_memberships", MEMBERSHIP), ("roles", ROLE)] {
        let items = d[field].as_array().cloned().unwrap_or_default();
        d[field] = unordered(&items, keys);
    }
    d
}

/// A session record folded over its versions.
#[derive(Debug, Default)]
pub struct SessionFold {
    witnessed: Option<Witnessed>,
    latest: Option<(Version, SessionRecord, bool)>,
}

impl SessionFold {
    /// Folds in the next version; `synthetic` is the council's flag when it was published.
    pub fn push(&mut self, v: Version, doc: SessionRecord, synthetic: bool) {
        self.witnessed = Some(Witnessed::next(self.witnessed.as_ref(), &doc, v.received_at));
        self.latest = Some((v, doc, synthetic));
    }

    /// Everything the latest version says is served: the session with its agenda, documents and
    /// witnessed times, its vote events with counts, each vote event's ballots, its speeches.
    pub fn expected(self) -> Vec<Expected> {
        let (Some(w), Some((v, doc, synthetic))) = (self.witnessed, self.latest) else { return vec![] };
        let id = v.doc_id.clone();
        let council = v.council.clone().unwrap_or_default();
        let date = doc.date();
        let mut out = vec![session_view(&v, &doc, &w, synthetic)];
        let events: Vec<Value> = doc
            .vote_events
            .iter()
            .map(|e| {
                let counts = e.effective_counts();
                json!({
                    "id": e.id, "session": id, "council": council, "agenda_item": e.agenda_item,
                    "session_date": date, "motion": e.motion, "stage": e.stage, "method": e.method,
                    "majority_rule": e.majority_rule, "seats": e.seats, "result": e.result, "counts": counts,
                    "named": e.method.is_named() && !e.ballots.is_empty(),
                    "contested": counts.is_some_and(|c| c.contested(e.result)),
                })
            })
            .collect();
        out.push(Expected::list(format!("/v1/vote-events?session={}", super::encode(&id)), events, "vote events"));
        for e in &doc.vote_events {
            let ballots: Vec<Value> =
                e.ballots.iter().map(|b| json!({"deputy": b.deputy, "option": b.option})).collect();
            out.push(Expected {
                counts: vec![("ballots", ballots.len() as u64)],
                ..one(format!("/v1/vote-events/{}", e.id), json!({"id": e.id, "ballots": ballots}), "ballots")
            });
        }
        let speeches: Vec<Value> = doc
            .speeches
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "id": s.id, "session": id, "agenda_item": s.agenda_item, "position": i, "deputy": s.deputy,
                    "speaker_name": s.speaker_name, "speaker_role": s.speaker_role, "speech_type": s.speech_type,
                    "language": s.language, "seconds": s.seconds, "text": s.text, "session_date": date,
                })
            })
            .collect();
        out.push(Expected::list(format!("/v1/speeches?session={}", super::encode(&id)), speeches, "speeches"));
        out
    }
}

fn session_view(v: &Version, doc: &SessionRecord, w: &Witnessed, council_synthetic: bool) -> Expected {
    let id = &v.doc_id;
    let agenda: Vec<Value> = doc
        .agenda
        .iter()
        .map(|a| {
            json!({
                "id": a.id, "session": id, "position": a.position, "number_label": a.number_label, "titles": a.titles,
                "initiator": a.initiator, "is_open": a.is_open, "result": a.result,
                "first_public_at": w.item(&a.id), "added_late": w.added_late(&a.id),
            })
        })
        .collect();
    let documents: Vec<Value> = doc
        .documents
        .iter()
        .map(|d| {
            json!({
                "id": d.id, "agenda_item": d.agenda_item, "kind": d.kind, "title": d.title, "media_type": d.media_type,
                "url": d.url, "sha256": d.sha256, "language": d.language, "text": d.text,
                "first_public_at": w.document(&d.id), "declared_public": d.declared_public,
            })
        })
        .collect();
    let mut value = json!({
        "id": id, "council": v.council, "convocation": doc.convocation, "number": doc.number, "kind": doc.kind,
        "status": doc.status, "scheduled_start": doc.scheduled_start, "scheduled_end": doc.scheduled_end,
        "actual_start": doc.actual_start, "actual_end": doc.actual_end, "place": doc.place, "is_open": doc.is_open,
        "livestream_url": doc.livestream_url, "recording_url": doc.recording_url,
        "minutes_document": doc.minutes_document, "declared_notice": doc.declared_notice,
        "declared_minutes": doc.declared_minutes(),
        "witnessed": {
            "first_received_at": w.first_received_at, "agenda_first_public_at": w.agenda_first_public_at,
            "minutes_first_public_at": w.minutes_first_public_at, "backfilled": w.backfilled(doc),
        },
        "agenda": agenda, "documents": documents, "version": v.meta(),
    });
    // A version's provenance is not in its leaf, so a session of a real council whose version
    // was marked synthetic cannot be told from the log: `synthetic` is checked when the
    // council itself is synthetic.
    if council_synthetic {
        value["synthetic"] = json!(true);
    }
    let (items, docs) = (doc.agenda.len() as u64, doc.documents.len() as u64);
    Expected {
        counts: vec![("sessions", 1), ("agenda items", items), ("documents", docs)],
        ..one(format!("/v1/sessions/{id}"), value, "sessions")
    }
}
