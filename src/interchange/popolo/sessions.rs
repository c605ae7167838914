//! Session records from a Popolo file: one per session (a `session` event, else the vote events
//! of one `legislative_session_id`, else of one day), numbered in date order within their
//! convocation unless the file numbers them, with their agenda items, vote events (ballots from
//! `votes`, counts from `counts`) and speeches. An integer the document cannot take (a session
//! number, a seat count, a count, a speech's length out of range) refuses that record, naming
//! its path.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use super::format::{Event, Names, Popolo, Speech, VoteEvent, parse_option, text};
use super::import::{Period, PopoloReport, parse_enum};
use super::names::{add_name, local_id, script_lang};
use crate::documents::bounded::Bounded;
use crate::documents::session::{AgendaItemDto, BallotDto, CountsDto, SessionRecordDoc, SpeechDto, VoteEventDto};
use crate::domain::enums as d;
use crate::domain::session::local_date;

/// A session's records, or why the document cannot be made.
pub(super) type Record = (String, Result<SessionRecordDoc, String>);

/// A date-time member; a bare date means 10:00 in Kazakhstan (UTC+5), the usual opening hour.
fn datetime(v: &Option<String>) -> Option<DateTime<Utc>> {
    let x = text(v)?;
    DateTime::parse_from_rfc3339(x).ok().map(|t| t.with_timezone(&Utc)).or_else(|| {
        let d = NaiveDate::parse_from_str(x.get(..10)?, "%Y-%m-%d").ok()?;
        Some(Utc.from_utc_datetime(&d.and_time(NaiveTime::from_hms_opt(5, 0, 0)?)))
    })
}

/// A session as grouped from the file: its start, key, event (when the file has one) and votes.
struct Grouped<'a> {
    start: DateTime<Utc>,
    key: String,
    event: Option<&'a Event>,
    votes: Vec<&'a VoteEvent>,
}

/// What a session's records are read from.
struct Source<'a> {
    council_id: &'a str,
    seats: u64,
    person_ids: &'a HashMap<String, String>,
    items_of: HashMap<&'a str, Vec<&'a Event>>,
    speeches_of: HashMap<&'a str, Vec<&'a Speech>>,
}

/// Session records from the session events, agenda-item events, vote events and speeches.
pub(super) fn session_records(
    file: &Popolo,
    leg_src: &str,
    council_id: &str,
    seats: u64,
    periods: &[Period],
    person_ids: &HashMap<String, String>,
    report: &mut PopoloReport,
) -> Vec<Record> {
    let class = |c: &Option<String>| text(c).unwrap_or_default().to_lowercase();
    let mut items_of: HashMap<&str, Vec<&Event>> = HashMap::new();
    for e in file.events.iter().filter(|e| class(&e.classification) == "agenda item") {
        if let Some(p) = text(&e.parent_id) {
            items_of.entry(p).or_default().push(e);
        }
    }
    let mut speeches_of: HashMap<&str, Vec<&Speech>> = HashMap::new();
    for sp in &file.speeches {
        if let Some(e) = text(&sp.event_id) {
            speeches_of.entry(e).or_default().push(sp);
        }
    }
    let src = Source { council_id, seats, person_ids, items_of, speeches_of };
    let mut numbers: HashMap<&str, u64> = HashMap::new();
    let mut out = Vec::new();
    for g in group(file, leg_src, council_id, report) {
        let day = local_date(g.start);
        let Some(conv) = periods.iter().find(|p| p.covers(day)) else {
            report.warnings.push(format!("session {} on {day} is outside every legislative period; skipped", g.key));
            continue;
        };
        let counter = numbers.entry(conv.number.as_str()).or_default();
        *counter += 1;
        let number = g.event.and_then(|e| e.number).unwrap_or(*counter);
        out.push(src.record(&g, &conv.number, number, report));
    }
    out
}

/// The file's sessions in date order (then by key).
fn group<'a>(file: &'a Popolo, leg_src: &str, council_id: &str, report: &mut PopoloReport) -> Vec<Grouped<'a>> {
    let of_council = |o: &Option<String>| text(o).is_none_or(|o| o == leg_src || o == council_id);
    let mut sessions: BTreeMap<String, (Option<&Event>, Vec<&VoteEvent>)> = BTreeMap::new();
    for e in file.events.iter().filter(|e| of_council(&e.organization_id)) {
        if text(&e.classification).is_some_and(|c| c.eq_ignore_ascii_case("session"))
            && let Some(id) = text(&e.id)
        {
            sessions.entry(id.to_owned()).or_default().0 = Some(e);
        }
    }
    for ve in file.vote_events.iter().filter(|v| of_council(&v.organization_id)) {
        let key = match (text(&ve.legislative_session_id), datetime(&ve.start_date)) {
            (Some(k), _) => k.to_owned(),
            (None, Some(t)) => format!("{council_id}-s{}", local_date(t).format("%Y%m%d")),
            (None, None) => {
                let id = text(&ve.id).unwrap_or("?");
                report.warnings.push(format!("vote event {id} has neither a session nor a date; skipped"));
                continue;
            }
        };
        sessions.entry(key).or_default().1.push(ve);
    }
    let mut ordered: Vec<Grouped> = sessions
        .into_iter()
        .filter_map(|(key, (event, votes))| {
            let start = event
                .and_then(|e| datetime(&e.start_date))
                .or_else(|| votes.iter().filter_map(|v| datetime(&v.start_date)).min())?;
            Some(Grouped { start, key, event, votes })
        })
        .collect();
    ordered.sort_by(|a, b| (a.start, &a.key).cmp(&(b.start, &b.key)));
    ordered
}

/// Integers the record is built with; one out of its range is noted with its path and refuses
/// the record.
#[derive(Default)]
struct Ints(Vec<String>);

impl Ints {
    fn get<const MIN: u32, const MAX: u32>(&mut self, path: impl FnOnce() -> String, v: u64) -> Bounded<MIN, MAX> {
        Bounded::new(v).unwrap_or_else(|e| {
            self.0.push(format!("{} range: {e}", path()));
            Bounded::default()
        })
    }
}

/// A record being built: its agenda (ids used so far) and the integers checked.
struct Draft {
    id: String,
    agenda: Vec<AgendaItemDto>,
    item_ids: HashSet<String>,
    ints: Ints,
}

impl Draft {
    fn push_item(&mut self, id: String, titles: Names, result: Option<d::ItemResult>) {
        let i = self.agenda.len();
        let position = self.ints.get(|| format!("/agenda/{i}/position"), i as u64 + 1);
        self.item_ids.insert(id.clone());
        self.agenda.push(AgendaItemDto {
            id,
            position,
            number_label: None,
            titles,
            initiator: d::Initiator::Other.into(),
            is_open: true,
            result: result.map(Into::into),
        });
    }

    /// The id here of an agenda item the file names, when the record has it.
    fn item(&self, src: &Option<String>) -> Option<String> {
        text(src).map(|i| local_id(&format!("{}-i", self.id), i)).filter(|i| self.item_ids.contains(i))
    }
}

impl Source<'_> {
    fn record(&self, g: &Grouped, convocation: &str, number: u64, report: &mut PopoloReport) -> Record {
        let id = local_id(&format!("{}-s", self.council_id), &g.key);
        let mut draft = Draft { id: id.clone(), agenda: Vec::new(), item_ids: HashSet::new(), ints: Ints::default() };
        let mut items: Vec<&Event> = self.items_of.get(g.key.as_str()).cloned().unwrap_or_default();
        items.sort_by_key(|i| i.position.unwrap_or(u64::MAX));
        for it in items {
            let Some(src) = text(&it.id) else { continue };
            let mut titles = it.titles.clone().unwrap_or_default();
            if titles.is_empty() {
                add_name(&mut titles, text(&it.name).unwrap_or("—"), None);
            }
            draft.push_item(local_id(&format!("{id}-i"), src), titles, parse_enum(&it.result, d::ItemResult::parse));
        }
        let mut vote_events = Vec::new();
        let mut missing_result = Vec::new();
        for (k, ve) in g.votes.iter().enumerate() {
            match self.vote_event(&mut draft, k, ve, report) {
                Some(v) => vote_events.push(v),
                None => missing_result.push(format!("/vote_events/{k}/result required: no result this import reads")),
            }
        }
        let speeches = self.speeches(&mut draft, g);
        let number = draft.ints.get(|| "/number".into(), number);
        let mut problems = draft.ints.0;
        problems.extend(missing_result);
        if !problems.is_empty() {
            return (id, Err(problems.join("; ")));
        }
        let ev = g.event;
        let doc = SessionRecordDoc {
            convocation: convocation.to_owned(),
            number,
            kind: ev.and_then(|e| parse_enum(&e.kind, d::SessionKind::parse)).unwrap_or(d::SessionKind::Regular).into(),
            status: ev
                .and_then(|e| parse_enum(&e.status, d::SessionStatus::parse))
                .unwrap_or(d::SessionStatus::Held)
                .into(),
            scheduled_start: g.start,
            scheduled_end: ev.and_then(|e| datetime(&e.end_date)).filter(|e| *e > g.start),
            actual_start: None,
            actual_end: None,
            place: ev.and_then(|e| text(&e.location)).map(str::to_owned),
            is_open: ev.and_then(|e| e.is_open).unwrap_or(true),
            livestream_url: None,
            recording_url: None,
            minutes_document: None,
            declared_notice: None,
            agenda: draft.agenda,
            documents: Vec::new(),
            vote_events,
            speeches,
            reason: None,
        };
        (id, Ok(doc))
    }

    /// A vote event (and its agenda item, when the file names none the record has); `None` when
    /// the file states no result this import reads.
    fn vote_event(
        &self,
        draft: &mut Draft,
        k: usize,
        ve: &VoteEvent,
        report: &mut PopoloReport,
    ) -> Option<VoteEventDto> {
        let vid = local_id(&format!("{}-v", draft.id), text(&ve.id).unwrap_or(&format!("{}", k + 1)));
        let motion = ve.motion.clone().unwrap_or_default();
        let mut texts = motion.texts.clone().unwrap_or_default();
        if texts.is_empty() {
            add_name(&mut texts, text(&motion.text).or_else(|| text(&ve.identifier)).unwrap_or("—"), None);
        }
        let item = draft.item(&ve.agenda_item_id).unwrap_or_else(|| {
            let iid = format!("{vid}-item");
            draft.push_item(iid.clone(), texts.clone(), None);
            iid
        });
        let mut ballots = Vec::new();
        for b in &ve.votes {
            let voter = text(&b.voter_id).and_then(|v| self.person_ids.get(v));
            match (voter, text(&b.option).and_then(parse_option)) {
                (Some(dep), Some(o)) => ballots.push(BallotDto { deputy: dep.clone(), option: o.into() }),
                _ => report.warnings.push(format!("a vote in {vid} names an unknown voter or option; skipped")),
            }
        }
        let counts = self.counts(&mut draft.ints, k, ve);
        let named_default = if ballots.is_empty() { d::VoteMethod::ShowOfHands } else { d::VoteMethod::RollCall };
        let rule = parse_enum(&ve.majority_rule, d::MajorityRule::parse)
            .or_else(|| parse_enum(&motion.requirement, d::MajorityRule::parse));
        let seats = draft.ints.get(|| format!("/vote_events/{k}/seats"), ve.seats.unwrap_or(self.seats));
        Some(VoteEventDto {
            id: vid,
            agenda_item: item,
            motion: texts,
            stage: parse_enum(&ve.classification, d::VoteStage::parse).unwrap_or(d::VoteStage::Other).into(),
            method: parse_enum(&ve.method, d::VoteMethod::parse).unwrap_or(named_default).into(),
            majority_rule: rule.unwrap_or(d::MajorityRule::MajorityOfPresent).into(),
            seats,
            result: parse_enum(&ve.result, d::VoteResult::parse)?.into(),
            counts,
            ballots,
        })
    }

    /// The whole vote's counts (group counts aside), summed by option; `None` when there are none.
    fn counts(&self, ints: &mut Ints, k: usize, ve: &VoteEvent) -> Option<CountsDto> {
        let mut by: BTreeMap<&str, u64> = BTreeMap::new();
        for c in ve.counts.iter().filter(|c| c.group_id.is_none() && c.group.is_none()) {
            if let (Some(o), Some(n)) = (text(&c.option).and_then(parse_option), c.value) {
                let sum = by.entry(o.as_str()).or_default();
                *sum = sum.saturating_add(n);
            }
        }
        if by.is_empty() {
            return None;
        }
        let mut get = |o: &str| ints.get(|| format!("/vote_events/{k}/counts/{o}"), by.get(o).copied().unwrap_or(0));
        Some(CountsDto {
            yes: get("yes"),
            no: get("no"),
            abstain: get("abstain"),
            not_voting: get("not_voting"),
            absent: get("absent"),
            excused: get("excused"),
        })
    }

    /// The session's speeches in order.
    fn speeches(&self, draft: &mut Draft, g: &Grouped) -> Vec<SpeechDto> {
        let mut sps: Vec<&Speech> = self.speeches_of.get(g.key.as_str()).cloned().unwrap_or_default();
        sps.sort_by_key(|x| x.position.unwrap_or(u64::MAX));
        let mut out = Vec::new();
        for (k, sp) in sps.into_iter().enumerate() {
            let deputy = text(&sp.creator_id).and_then(|c| self.person_ids.get(c)).cloned();
            let default_role = if deputy.is_some() { d::SpeakerRole::Deputy } else { d::SpeakerRole::Public };
            let language = text(&sp.language).unwrap_or_else(|| text(&sp.text).map_or("ru", script_lang));
            out.push(SpeechDto {
                id: local_id(&format!("{}-sp", draft.id), text(&sp.id).unwrap_or(&format!("{}", k + 1))),
                agenda_item: draft.item(&sp.agenda_item_id),
                speaker_name: deputy.is_none().then(|| text(&sp.attribution_text).unwrap_or("—").to_owned()),
                deputy,
                speaker_role: parse_enum(&sp.role, d::SpeakerRole::parse).unwrap_or(default_role).into(),
                speech_type: parse_enum(&sp.kind, d::SpeechType::parse).unwrap_or(d::SpeechType::Speech).into(),
                language: language.to_owned(),
                seconds: sp.seconds.map(|s| draft.ints.get(|| format!("/speeches/{k}/seconds"), s)),
                text: text(&sp.text).map(str::to_owned),
            });
        }
        out
    }
}
