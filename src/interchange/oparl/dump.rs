//! Everything read of one OParl server, deduplicated by OParl id: from a directory of the JSON
//! pages a crawler cached (one file per page) or from a live server ([`super::client`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::format::{Body, Common, File, Meeting, Membership, Organization, Paper, Person, Ref, text};
use super::import::{OparlError, OparlSkip};
use crate::documents::read;

/// The objects read, by OParl id.
#[derive(Default)]
pub struct Dump {
    /// Bodies, in the order read.
    pub bodies: Vec<Body>,
    /// Organizations.
    pub organizations: BTreeMap<String, Organization>,
    /// Persons.
    pub persons: BTreeMap<String, Person>,
    /// Meetings (with their agenda items).
    pub meetings: BTreeMap<String, Meeting>,
    /// Papers (with their consultations).
    pub papers: BTreeMap<String, Paper>,
    /// (paper, agenda item) of consultations given on their own, not embedded in a paper.
    pub consultations: BTreeMap<String, (String, String)>,
    /// Files, to resolve a file named by URL.
    pub files: HashMap<String, File>,
    /// (person id, membership), from persons' embedded lists and from standalone memberships.
    pub memberships: BTreeMap<String, (String, Membership)>,
    /// Objects read, by type (embedded ones included).
    pub counts: BTreeMap<String, u64>,
    /// Objects of a type the import reads that it could not read, with the reason.
    pub unreadable: Vec<OparlSkip>,
}

impl Dump {
    /// Reads every `*.json` file under `dir` (in file name order).
    pub fn read(dir: &Path) -> Result<Dump, OparlError> {
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
            // A file that is no JSON at all is no page of the server (a crawler's log, say).
            let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&p)?) else { continue };
            // Tombstones (`{id, deleted: true}`) may lack a `type`: a list page's name tells it.
            let stem = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
            let stem = stem.split(['?', '%', '.']).next().unwrap_or_default();
            dump.add_page(v, hint_of(stem));
        }
        Ok(dump)
    }

    /// Adds a list page's objects, or one object.
    pub fn add_page(&mut self, v: Value, hint: Option<&str>) {
        match v {
            Value::Object(mut m) if m.get("data").is_some_and(Value::is_array) => {
                if let Some(Value::Array(list)) = m.remove("data") {
                    list.into_iter().for_each(|o| self.add(o, hint));
                }
            }
            other => self.add(other, None),
        }
    }

    /// Adds one object (typed by its `type`, else by `hint`) and the objects embedded in it.
    /// Something without an id and a type is no OParl object and is passed over.
    pub fn add(&mut self, o: Value, hint: Option<&str>) {
        let Ok(common) = serde_json::from_value::<Common>(o.clone()) else { return };
        let (Some(t), Some(id)) = (common.type_name().or(hint), text(&common.id)) else { return };
        let (t, id) = (t.to_owned(), id.to_owned());
        *self.counts.entry(t.clone()).or_default() += 1;
        match t.as_str() {
            "Body" => {
                if let Some(b) = self.typed::<Body>(&t, &id, o)
                    && !self.bodies.iter().any(|x| text(&x.common.id) == Some(&id))
                {
                    self.bodies.push(b);
                }
            }
            "Organization" => self.insert(&t, id, o, |d| &mut d.organizations),
            "Person" => {
                let Some(p) = self.typed::<Person>(&t, &id, o) else { return };
                for m in p.membership.iter().filter_map(Ref::object) {
                    self.embedded_membership(m, &id);
                }
                self.persons.insert(id, p);
            }
            "Membership" => {
                let Some(m) = self.typed::<Membership>(&t, &id, o) else { return };
                if let Some(person) = text(&m.person).map(str::to_owned) {
                    self.memberships.insert(id, (person, m));
                }
            }
            "Meeting" => {
                let Some(m) = self.typed::<Meeting>(&t, &id, o) else { return };
                for f in [&m.invitation, &m.results_protocol, &m.verbatim_protocol].into_iter().flatten() {
                    self.embedded_file(f);
                }
                self.meetings.insert(id, m);
            }
            "Paper" => {
                let Some(p) = self.typed::<Paper>(&t, &id, o) else { return };
                for f in p.main_file.iter().chain(&p.auxiliary_file) {
                    self.embedded_file(f);
                }
                self.papers.insert(id, p);
            }
            "Consultation" => {
                let Some(c) = self.typed::<super::format::Consultation>(&t, &id, o) else { return };
                if let (Some(paper), Some(item)) = (text(&c.paper), text(&c.agenda_item)) {
                    self.consultations.insert(id, (paper.to_owned(), item.to_owned()));
                }
            }
            "File" => self.insert(&t, id, o, |d| &mut d.files),
            _ => {}
        }
    }

    /// `o` as a `T`, or `None` with the reason noted.
    fn typed<T: DeserializeOwned>(&mut self, t: &str, id: &str, o: Value) -> Option<T> {
        read::from_value(o)
            .map_err(|v| {
                let reason = format!("not an OParl {t} this import reads: {v}");
                self.unreadable.push(OparlSkip { kind: t.to_owned(), source: id.to_owned(), reason });
            })
            .ok()
    }

    fn insert<T: DeserializeOwned, M: Extend<(String, T)>>(
        &mut self,
        t: &str,
        id: String,
        o: Value,
        map: impl FnOnce(&mut Dump) -> &mut M,
    ) {
        if let Some(x) = self.typed::<T>(t, &id, o) {
            map(self).extend([(id, x)]);
        }
    }

    /// A membership embedded in a person, counted by its own type.
    fn embedded_membership(&mut self, m: &Membership, person: &str) {
        let (Some(t), Some(id)) = (m.common.type_name(), text(&m.common.id)) else { return };
        *self.counts.entry(t.to_owned()).or_default() += 1;
        if t == "Membership" {
            self.memberships.insert(id.to_owned(), (person.to_owned(), m.clone()));
        }
    }

    /// A file embedded in a meeting or a paper, counted by its own type and kept to resolve
    /// references by URL.
    fn embedded_file(&mut self, f: &Ref<File>) {
        let Some(f) = f.object() else { return };
        let (Some(t), Some(id)) = (f.common.type_name(), text(&f.common.id)) else { return };
        *self.counts.entry(t.to_owned()).or_default() += 1;
        if t == "File" {
            self.files.insert(id.to_owned(), f.clone());
        }
    }

    /// An embedded file, or one referenced by URL and found among the files read.
    pub fn file<'a>(&'a self, r: &'a Ref<File>) -> Option<&'a File> {
        match r {
            Ref::Url(url) => self.files.get(url),
            Ref::Object(f) => Some(f),
        }
    }
}

/// The OParl type a list page's file name (`meeting`, `paper?page=2` …) tells.
fn hint_of(stem: &str) -> Option<&'static str> {
    ["Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem", "Paper", "Consultation", "File"]
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case(stem))
}
