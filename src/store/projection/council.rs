//! Councils and parties: one row each, a council's convocations beside it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Ints, Logged, json};
use crate::domain::Violation;
use crate::domain::council::{Council, Party};
use crate::domain::text::search_key;
use crate::entity::{convocation, council as council_row, party as party_row};

/// The rows a council version implies.
#[derive(Debug, Clone, PartialEq)]
pub struct CouncilRows {
    /// The council.
    pub council: council_row::Model,
    /// Its convocations in document order (ids assigned by the database).
    pub convocations: Vec<convocation::Model>,
}

/// The rows of council version `v`. `created_at` is the existing row's (absent for a new
/// council: then it is this version's receive time).
pub fn council(v: &Logged, doc: &Council, created_at: Option<DateTime<Utc>>) -> Result<CouncilRows, Vec<Violation>> {
    let mut ints = Ints::default();
    let id = v.doc_id.to_owned();
    let council = council_row::Model {
        id: id.clone(),
        names: json(&doc.names),
        level: doc.level.as_str().to_owned(),
        parent_id: doc.parent.clone(),
        kato: doc.kato.clone(),
        seats: ints.fit(doc.seats, || "/seats".into()),
        website: doc.website.clone(),
        search_key: search_key(doc.names.values()),
        synthetic: doc.synthetic,
        version: v.version,
        created_at: created_at.unwrap_or(v.received_at),
        updated_at: v.received_at,
        served: String::new(),
    };
    let council = council_row::Model { served: served(&council, doc), ..council };
    let convocations = doc
        .convocations
        .iter()
        .map(|c| convocation::Model {
            id: 0,
            council_id: id.clone(),
            number: c.number.clone(),
            start_date: c.start_date,
            end_date: c.end_date,
        })
        .collect();
    ints.finish(CouncilRows { council, convocations })
}

/// The council as `GET /v1/councils/{id}` serves it, without its `url` (which depends on the
/// address a client used): the same keys in the same order, times as RFC 3339 with `+00:00`,
/// absent optional fields left out. The council list serves this text with the URL added
/// (`api::councils`); `tests/api/councils.rs` holds each item equal to `GET /v1/councils/{id}`.
fn served(row: &council_row::Model, doc: &Council) -> String {
    #[derive(serde::Serialize)]
    struct Convocation<'a> {
        number: &'a str,
        start_date: NaiveDate,
        #[serde(skip_serializing_if = "Option::is_none")]
        end_date: Option<NaiveDate>,
    }
    #[derive(serde::Serialize)]
    struct Served<'a> {
        id: &'a str,
        names: &'a BTreeMap<String, String>,
        level: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        parent: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kato: Option<&'a str>,
        seats: i32,
        #[serde(skip_serializing_if = "Option::is_none")]
        website: Option<&'a str>,
        convocations: Vec<Convocation<'a>>,
        synthetic: bool,
        version: i32,
        created_at: String,
        updated_at: String,
    }
    json(&Served {
        id: &row.id,
        names: &doc.names,
        level: &row.level,
        parent: row.parent_id.as_deref(),
        kato: row.kato.as_deref(),
        seats: row.seats,
        website: row.website.as_deref(),
        convocations: doc
            .convocations
            .iter()
            .map(|c| Convocation { number: &c.number, start_date: c.start_date, end_date: c.end_date })
            .collect(),
        synthetic: row.synthetic,
        version: row.version,
        created_at: row.created_at.to_rfc3339(),
        updated_at: row.updated_at.to_rfc3339(),
    })
}

/// The row of party version `v`; `created_at` as for [`council`].
pub fn party(v: &Logged, doc: &Party, created_at: Option<DateTime<Utc>>) -> party_row::Model {
    party_row::Model {
        id: v.doc_id.to_owned(),
        names: json(&doc.names),
        abbreviations: json(&doc.abbreviations),
        registration_status: doc.registration_status.as_str().to_owned(),
        search_key: search_key(doc.names.values().chain(doc.abbreviations.values())),
        synthetic: doc.synthetic,
        version: v.version,
        created_at: created_at.unwrap_or(v.received_at),
        updated_at: v.received_at,
    }
}
