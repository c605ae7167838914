//! The search index as part of the projection: the `search_entry` rows a council, a roster's
//! deputies or a session's rows imply. Pure functions of the rows the same version writes, so
//! the publication path, `rebuild` and `audit` derive the same entries (see
//! [`crate::domain::search`] for how keys are normalized).

use std::collections::BTreeMap;

use super::session::SessionRows;
use crate::domain::search;
use crate::domain::session::local_date;
use crate::entity::{council, deputy, search_entry};

pub use crate::domain::search::kind;

/// Which document's projection writes an entry: its kind in `document_version` and its id.
pub mod source {
    /// A council's own document.
    pub const COUNCIL: &str = "council";
    /// A council's roster.
    pub const ROSTER: &str = "roster";
    /// A session record.
    pub const SESSION: &str = "session_record";
}

/// A stored per-language map (names, titles, motions) as the projection wrote it.
fn langs(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn exact<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    names.into_iter().map(|n| search::exact_line(n)).collect()
}

struct Entry<'a> {
    source_kind: &'static str,
    source: &'a str,
    kind: &'static str,
    ref_id: &'a str,
    council_id: &'a str,
}

impl Entry<'_> {
    fn row(
        self,
        session: Option<(&str, chrono::NaiveDate)>,
        title: String,
        body: Option<String>,
        key: String,
        exact: String,
        synthetic: bool,
    ) -> search_entry::Model {
        search_entry::Model {
            id: 0,
            source_kind: self.source_kind.to_owned(),
            source: self.source.to_owned(),
            kind: self.kind.to_owned(),
            ref_id: self.ref_id.to_owned(),
            council_id: self.council_id.to_owned(),
            session_id: session.map(|s| s.0.to_owned()),
            date: session.map(|s| s.1),
            title,
            body,
            key,
            exact,
            synthetic,
        }
    }
}

/// The entry of a council.
pub fn council_entry(c: &council::Model) -> search_entry::Model {
    let names = langs(&c.names);
    let e =
        Entry { source_kind: source::COUNCIL, source: &c.id, kind: kind::COUNCIL, ref_id: &c.id, council_id: &c.id };
    let key = search::key(names.values().map(String::as_str).chain(c.kato.as_deref()));
    e.row(None, c.names.clone(), None, key, exact(names.values()), c.synthetic)
}

/// The entry of a deputy (listed or not: past votes keep naming them).
pub fn deputy_entry(d: &deputy::Model) -> search_entry::Model {
    let names = langs(&d.names);
    let parts = [&d.given_names, &d.family_names, &d.patronymic_names].map(|j| langs(j));
    let texts = names.values().chain(parts.iter().flat_map(|p| p.values())).map(String::as_str);
    let e = Entry {
        source_kind: source::ROSTER,
        source: &d.council_id,
        kind: kind::DEPUTY,
        ref_id: &d.id,
        council_id: &d.council_id,
    };
    e.row(None, d.names.clone(), None, search::key(texts), exact(names.values()), d.synthetic)
}

/// The entries of a session version's rows: its agenda items, decisions, motions and speeches.
pub fn session_entries(rows: &SessionRows) -> Vec<search_entry::Model> {
    let s = &rows.session;
    let at = Some((s.id.as_str(), local_date(s.scheduled_start)));
    let entry =
        |kind, ref_id| Entry { source_kind: source::SESSION, source: &s.id, kind, ref_id, council_id: &s.council_id };
    let mut out = vec![];
    for a in &rows.agenda_items {
        let t = langs(&a.titles);
        let key = search::key(t.values().map(String::as_str));
        out.push(entry(kind::AGENDA_ITEM, &a.id).row(at, a.titles.clone(), None, key, exact(t.values()), s.synthetic));
    }
    for d in rows.documents.iter().filter(|d| matches!(d.kind.as_str(), "decision" | "draft_decision")) {
        let title = BTreeMap::from([(d.language.clone(), d.title.clone())]);
        let key = search::key([d.title.as_str()].into_iter().chain(d.body_text.as_deref()));
        let title_json = serde_json::to_string(&title).unwrap_or_default();
        let row = entry(kind::DECISION, &d.id).row(
            at,
            title_json,
            d.body_text.clone(),
            key,
            exact(title.values()),
            s.synthetic,
        );
        out.push(row);
    }
    for v in &rows.vote_events {
        let t = langs(&v.motion);
        let key = search::key(t.values().map(String::as_str));
        out.push(entry(kind::MOTION, &v.id).row(at, v.motion.clone(), None, key, exact(t.values()), s.synthetic));
    }
    for sp in rows.speeches.iter().filter(|sp| sp.body_text.is_some()) {
        let speaker = sp.speaker_name.clone().unwrap_or_default();
        let title =
            serde_json::to_string(&BTreeMap::from([(sp.language.clone(), speaker.clone())])).unwrap_or_default();
        let key = search::key([speaker.as_str()].into_iter().chain(sp.body_text.as_deref()));
        out.push(entry(kind::SPEECH, &sp.id).row(at, title, sp.body_text.clone(), key, String::new(), s.synthetic));
    }
    out
}
