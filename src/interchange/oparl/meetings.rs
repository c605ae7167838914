//! The council's meetings as session records: each meeting of the council organization (in
//! date order, numbered from 1) with its agenda items, its files (invitation, minutes, verbatim
//! record, others) and the papers consulted at its agenda items.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::dump::Dump;
use super::format::{AgendaItem, File, Meeting, Paper, Ref, text};
use super::import::{Ids, OparlReport, Outcome, Publisher, de, one_line, time};
use crate::documents::bounded::{Position, SessionNumber};
use crate::documents::enums::{DocumentKind, Initiator, SessionKind, SessionStatus};
use crate::documents::session::{AgendaItemDto, DocumentDto, SessionRecordDoc};
use crate::domain::Violations;
use crate::domain::session::local_date;
use crate::domain::text::{self as t, MAX_LINE};
use crate::store::{self, DocKind, StoreError};

/// The council's meetings with a start, in date order.
pub(super) struct Meetings<'a> {
    list: Vec<(&'a String, &'a Meeting, DateTime<Utc>)>,
}

/// The document kind of a paper's main file: a draft decision for papers put to a decision.
fn paper_kind(paper: &Paper) -> DocumentKind {
    let t = text(&paper.paper_type).unwrap_or_default().to_lowercase();
    let draft = ["beschlussvorlage", "tischvorlage", "antrag", "draft decision", "draft_decision"];
    if t == "decision" {
        DocumentKind::Decision
    } else if draft.iter().any(|d| t.contains(d)) {
        DocumentKind::DraftDecision
    } else {
        DocumentKind::Other
    }
}

impl<'a> Meetings<'a> {
    /// The meetings of `council_org`; every other one is reported as skipped.
    pub(super) fn select(dump: &'a Dump, council_org: &str, report: &mut OparlReport) -> Self {
        let mut list = Vec::new();
        for (id, m) in &dump.meetings {
            let of_council = m.organization.iter().any(|o| o == council_org);
            match time(&m.start) {
                Some(t) if of_council && !m.common.deleted => {
                    list.push((id, m, t));
                    continue;
                }
                _ if m.common.deleted => report.skip("Meeting", id, "deleted in the source"),
                None if of_council => report.skip("Meeting", id, "no start time: a session record needs one"),
                _ => {
                    let orgs: Vec<&str> = m
                        .organization
                        .iter()
                        .map(|o| dump.organizations.get(o).and_then(|x| text(&x.name)).unwrap_or(o))
                        .collect();
                    let of = if orgs.is_empty() { "no organization".to_owned() } else { orgs.join(", ") };
                    let reason = format!(
                        "a meeting of {of}, not of the council: session records hold the council's own sittings"
                    );
                    report.skip("Meeting", id, &reason);
                }
            }
            report.meetings_skipped += 1;
        }
        list.sort_by(|a, b| (a.2, a.0).cmp(&(b.2, b.0)));
        Meetings { list }
    }

    /// The day of the first meeting (UTC+5).
    pub(super) fn first_day(&self) -> Option<NaiveDate> {
        self.list.first().map(|m| local_date(m.2))
    }

    /// Publishes a session record per meeting, then reports the papers no record took.
    pub(super) async fn publish(
        self,
        dump: &Dump,
        council_id: &str,
        ids: &mut Ids,
        now: DateTime<Utc>,
        out: &mut Publisher<'_>,
    ) -> Result<(), StoreError> {
        let papers_of = papers_of(dump);
        let mut used = Used::default();
        for (number, (oparl_id, m, start)) in self.list.into_iter().enumerate() {
            let mut draft = Draft { dump, ids, oparl_id, used: &mut used, here: HashSet::new(), documents: Vec::new() };
            let minutes = draft.files_of_meeting(m);
            let (agenda, out_of_range) = draft.agenda(m, &papers_of, out.report);
            let documents = draft.documents;
            let session_id = ids.make("m", oparl_id);
            let number = SessionNumber::new(number as u64 + 1).map_err(|e| format!("/number range: {e}"));
            let number = match out_of_range.map_or(number, Err) {
                Ok(n) => n,
                Err(reason) => {
                    out.refuse("session_record", &session_id, oparl_id, reason);
                    out.report.sessions.add(Outcome::Refused);
                    continue;
                }
            };
            let (n_items, n_documents) = (agenda.len() as u64, documents.len() as u64);
            let doc = record(m, start, now, number, minutes, agenda, documents);
            let mut v = Violations::new();
            t::check_id(&mut v, "/id", &session_id);
            let (record, _) = doc.parse(&mut v);
            let reason = Some(format!("imported from OParl {oparl_id}"));
            let meta = out.meta_for(DocKind::SessionRecord, &session_id).await?;
            let r =
                store::sessions::put_session_record(out.db, council_id, &session_id, &record, reason, v, &meta).await;
            let o = out.outcome("session_record", &session_id, oparl_id, r)?;
            out.report.sessions.add(o);
            for _ in 0..n_items {
                out.report.agenda_items.add(o);
            }
            if !matches!(o, Outcome::Refused) {
                out.report.documents += n_documents;
            }
        }
        for (pid, p) in &dump.papers {
            if !used.papers.contains(pid.as_str()) {
                out.report.skip("Paper", pid, unused_paper(p));
            }
        }
        Ok(())
    }
}

fn unused_paper(p: &Paper) -> &'static str {
    if p.common.deleted {
        "deleted in the source"
    } else if p.main_file.is_none() {
        "no main file: a paper is published here as a document of an agenda item"
    } else {
        "consulted at no agenda item of a council session (only in committees, or not yet)"
    }
}

/// The papers consulted at each agenda item (by OParl ids).
fn papers_of(dump: &Dump) -> HashMap<&str, Vec<&str>> {
    let mut papers_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (pid, p) in &dump.papers {
        for c in &p.consultation {
            let item = match c {
                Ref::Object(c) => text(&c.agenda_item),
                Ref::Url(cid) => dump.consultations.get(cid).map(|(_, item)| item.as_str()),
            };
            if let Some(item) = item {
                papers_of.entry(item).or_default().push(pid);
            }
        }
    }
    for (paper, item) in dump.consultations.values() {
        if let Some((pid, _)) = dump.papers.get_key_value(paper) {
            papers_of.entry(item).or_default().push(pid);
        }
    }
    for ps in papers_of.values_mut() {
        ps.sort_unstable();
        ps.dedup();
    }
    papers_of
}

/// What earlier records took: papers attached, document ids given (a file in several sessions,
/// a paper consulted twice, gets an id per session after the first).
#[derive(Default)]
struct Used {
    papers: HashSet<String>,
    documents: HashSet<String>,
}

/// A session record being read from one meeting.
struct Draft<'a, 'b> {
    dump: &'a Dump,
    ids: &'b mut Ids,
    oparl_id: &'a str,
    used: &'b mut Used,
    /// Files already in this record.
    here: HashSet<String>,
    documents: Vec<DocumentDto>,
}

impl Draft<'_, '_> {
    /// Adds the file `f` as a document of kind `kind` (of agenda item `item`), unless deleted,
    /// without an address, or already in this record. Returns its id.
    fn doc(&mut self, f: &Ref<File>, kind: DocumentKind, item: Option<&str>) -> Option<String> {
        let f = self.dump.file(f).filter(|f| !f.common.deleted)?;
        let (Some(fid), Some(url)) = (text(&f.common.id), text(&f.access_url).or_else(|| text(&f.download_url))) else {
            return None;
        };
        if !self.here.insert(fid.to_owned()) {
            return None;
        }
        let mut id = self.ids.make("f", fid);
        if !self.used.documents.insert(id.clone()) {
            id = self.ids.make_in("f", fid, self.oparl_id);
            self.used.documents.insert(id.clone());
        }
        self.documents.push(DocumentDto {
            id: id.clone(),
            agenda_item: item.map(str::to_owned),
            kind,
            title: one_line(text(&f.name).or_else(|| text(&f.file_name)).unwrap_or("Datei"), MAX_LINE),
            media_type: text(&f.mime_type).unwrap_or("application/octet-stream").to_owned(),
            url: url.to_owned(),
            sha256: None,
            language: "de".into(),
            text: None,
            declared_public: None,
        });
        Some(id)
    }

    /// The meeting's own files; returns the minutes' id.
    fn files_of_meeting(&mut self, m: &Meeting) -> Option<String> {
        if let Some(f) = &m.invitation {
            self.doc(f, DocumentKind::Agenda, None);
        }
        let minutes = m.results_protocol.as_ref().and_then(|f| self.doc(f, DocumentKind::Minutes, None));
        if let Some(f) = &m.verbatim_protocol {
            self.doc(f, DocumentKind::Verbatim, None);
        }
        for f in &m.auxiliary_file {
            self.doc(f, DocumentKind::Other, None);
        }
        minutes
    }

    /// The agenda items in order, with their files and papers; and the path of a position out of
    /// range, which refuses the record.
    fn agenda(
        &mut self,
        m: &Meeting,
        papers_of: &HashMap<&str, Vec<&str>>,
        report: &mut OparlReport,
    ) -> (Vec<AgendaItemDto>, Option<String>) {
        let mut agenda = Vec::new();
        let mut open = true;
        for a in m.agenda_item.iter().filter(|a| !a.common.deleted) {
            let Some(aid) = text(&a.common.id) else { continue };
            let name = text(&a.name).unwrap_or_default();
            // A section heading ("A Öffentliche Sitzung", "B Nicht öffentliche Sitzung") opens or
            // closes the items after it; OParl 1.1's `public` says it per item.
            let folded = name.to_lowercase().replace(['-', ' '], "");
            if folded.contains("nichtöffentlich") {
                open = false;
            } else if folded.starts_with("öffentlich") {
                open = true;
            }
            let position = match Position::new(agenda.len() as u64 + 1) {
                Ok(p) => p,
                Err(e) => {
                    let why = format!("/agenda/{}/position range: {e}", agenda.len());
                    return (agenda, Some(why));
                }
            };
            let item_id = self.ids.make("ai", aid);
            self.files_of_item(a, aid, &item_id, papers_of, report);
            agenda.push(AgendaItemDto {
                id: item_id,
                position,
                number_label: text(&a.number).map(|n| one_line(n, 32)),
                titles: de(if name.is_empty() { "(ohne Titel)".to_owned() } else { one_line(name, MAX_LINE) }),
                initiator: Initiator::Other,
                is_open: a.public.unwrap_or(open),
                result: None,
            });
        }
        (agenda, None)
    }

    /// An agenda item's decision, the papers consulted at it (before its other files: a paper's
    /// main file listed among them too keeps the paper's kind), and its other files.
    fn files_of_item(
        &mut self,
        a: &AgendaItem,
        aid: &str,
        item_id: &str,
        papers_of: &HashMap<&str, Vec<&str>>,
        report: &mut OparlReport,
    ) {
        if let Some(f) = &a.resolution_file {
            self.doc(f, DocumentKind::Decision, Some(item_id));
        }
        for pid in papers_of.get(aid).map_or(&[][..], Vec::as_slice) {
            let Some(p) = self.dump.papers.get(*pid).filter(|p| !p.common.deleted) else { continue };
            let attached = p.main_file.as_ref().is_some_and(|f| self.doc(f, paper_kind(p), Some(item_id)).is_some());
            for f in &p.auxiliary_file {
                self.doc(f, DocumentKind::Other, Some(item_id));
            }
            if attached {
                self.used.papers.insert((*pid).to_owned());
                report.papers += 1;
            }
        }
        for f in &a.auxiliary_file {
            self.doc(f, DocumentKind::Other, Some(item_id));
        }
    }
}

/// The session record of meeting `m`.
fn record(
    m: &Meeting,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    number: SessionNumber,
    minutes: Option<String>,
    agenda: Vec<AgendaItemDto>,
    documents: Vec<DocumentDto>,
) -> SessionRecordDoc {
    let place = m.location.as_ref().and_then(Ref::object).and_then(|l| {
        text(&l.description)
            .map(str::to_owned)
            .or_else(|| {
                let parts: Vec<&str> = [&l.room, &l.street_address, &l.locality].into_iter().filter_map(text).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            })
            .map(|p| one_line(&p, MAX_LINE))
    });
    let status = if m.cancelled.unwrap_or(false) {
        SessionStatus::Cancelled
    } else if start < now {
        SessionStatus::Held
    } else if m.invitation.is_some() {
        SessionStatus::Convened
    } else {
        SessionStatus::Planned
    };
    SessionRecordDoc {
        convocation: "I".into(),
        number,
        kind: SessionKind::Regular,
        status,
        scheduled_start: start,
        scheduled_end: time(&m.end).filter(|e| *e > start),
        actual_start: None,
        actual_end: None,
        place,
        is_open: true,
        livestream_url: None,
        recording_url: None,
        minutes_document: minutes,
        declared_notice: None,
        agenda,
        documents,
        vote_events: Vec::new(),
        speeches: Vec::new(),
        reason: None,
    }
}
