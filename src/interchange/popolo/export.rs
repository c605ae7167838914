//! Writing a council as Popolo JSON, a page of rows at a time from one consistent snapshot, so
//! memory stays flat whatever the council's size; the same writer feeds a file
//! (`maslikhat export --popolo`) and an HTTP response (`GET …/export/popolo`).
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
//! | a vote event | `vote_events[]` with `legislative_session_id` the session, the `motion` (text in the first language, every language in `texts`), `counts[]` and `votes[]`; options as [`option_name`] spells them |
//! | a speech | `speeches[]` with `event_id` the session, `creator_id` the deputy or `attribution_text` the speaker's name |
//!
//! `meta` says where the file comes from, the change number it reflects and whether the records
//! are synthetic.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::format::{
    ContactDetail, Count, Event, Identifier, Link, Membership, Meta, Motion, Names, Organization, OtherName, Person,
    Speech, Vote, VoteEvent, option_name,
};
use crate::interchange::csv::{ExportError, PAGE, put};
use crate::interchange::progress_bar;
use crate::store::{self, Snapshot, StoreError, export as q, tables as t};

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

/// Vote events read per query: each brings its ballots.
const VOTE_PAGE: u64 = 100;

/// The language shown first where a format has room for one name only.
const PREFERRED: [&str; 4] = ["kk", "ru", "en", "kk-Latn"];

fn pick(m: &Names) -> Option<String> {
    PREFERRED.iter().find_map(|l| m.get(*l)).or_else(|| m.values().next()).cloned()
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn day(d: NaiveDate) -> String {
    d.to_string()
}

/// Every name as an `other_names` entry.
fn lang_names(all: &Names) -> Vec<OtherName> {
    all.iter()
        .map(|(lang, name)| OtherName {
            name: Some(name.clone()),
            lang: Some(lang.clone()),
            note: Some("multilingual".into()),
            ..OtherName::default()
        })
        .collect()
}

/// One JSON array being written: elements joined by commas, flushed a page at a time.
struct Array<'a, W> {
    out: &'a mut W,
    buf: String,
    first: bool,
    n: u64,
}

impl<'a, W: AsyncWrite + Unpin> Array<'a, W> {
    fn open(out: &'a mut W, key: &str) -> Self {
        Array { out, buf: format!(",\"{key}\":["), first: true, n: 0 }
    }

    fn push(&mut self, v: &impl Serialize) -> Result<(), ExportError> {
        if !self.first {
            self.buf.push(',');
        }
        self.first = false;
        self.buf.push_str(&serde_json::to_string(v).map_err(std::io::Error::other)?);
        self.n += 1;
        Ok(())
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        put(self.out, &mut self.buf).await
    }

    async fn close(mut self) -> std::io::Result<u64> {
        self.buf.push(']');
        self.flush().await?;
        Ok(self.n)
    }
}

/// Writes the Popolo JSON of `council` to `out`, reading every page from `snap`.
pub async fn write_popolo<W: AsyncWrite + Unpin>(
    snap: &Snapshot,
    council: &str,
    out: &mut W,
) -> Result<PopoloCounts, ExportError> {
    let c = q::councils(snap, Some(council), None, 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::NotFound(format!("council {council}")))?;
    let meta = Meta {
        generator: "maslikhat",
        council: council.to_owned(),
        change_number: q::change_number(snap, council).await?,
        synthetic: c.synthetic,
        popolo: "https://www.popoloproject.com/specs/",
    };
    let mut head = String::from("{\"meta\":");
    head.push_str(&serde_json::to_string(&meta).map_err(std::io::Error::other)?);
    put(out, &mut head).await?;
    let e = Exporter { snap, council };
    let counts = PopoloCounts {
        organizations: e.organizations(&c, Array::open(out, "organizations")).await?,
        persons: e.persons(Array::open(out, "persons")).await?,
        memberships: e.memberships(Array::open(out, "memberships")).await?,
        events: e.events(Array::open(out, "events")).await?,
        vote_events: e.vote_events(Array::open(out, "vote_events")).await?,
        speeches: e.speeches(Array::open(out, "speeches")).await?,
    };
    out.write_all(b"}").await?;
    out.flush().await?;
    Ok(counts)
}

/// Reads one council's tables from a snapshot into Popolo arrays.
struct Exporter<'a> {
    snap: &'a Snapshot,
    council: &'a str,
}

impl Exporter<'_> {
    fn period(&self, number: &str) -> String {
        format!("{}/convocation/{number}", self.council)
    }

    /// The council, every party, the council's commissions.
    async fn organizations<W: AsyncWrite + Unpin>(
        &self,
        c: &t::Council,
        mut a: Array<'_, W>,
    ) -> Result<u64, ExportError> {
        a.push(&council_org(c))?;
        for p in q::parties(self.snap).await? {
            a.push(&Organization {
                id: Some(p.id),
                name: pick(&p.names),
                other_names: lang_names(&p.names),
                classification: Some("party".into()),
                abbreviations: Some(p.abbreviations),
                registration_status: Some(p.registration_status.as_str().into()),
                ..Organization::default()
            })?;
        }
        let mut after = None;
        loop {
            let page = q::commissions(self.snap, Some(self.council), after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for m in page {
                a.push(&self.commission(m))?;
            }
            a.flush().await?;
        }
        Ok(a.close().await?)
    }

    fn commission(&self, m: t::Commission) -> Organization {
        Organization {
            id: Some(m.id),
            name: pick(&m.names),
            other_names: lang_names(&m.names),
            classification: Some("committee".into()),
            parent_id: Some(self.council.to_owned()),
            kind: Some(m.kind.as_str().into()),
            founding_date: m.start_date.map(day),
            dissolution_date: m.end_date.map(day),
            ..Organization::default()
        }
    }

    async fn persons<W: AsyncWrite + Unpin>(&self, mut a: Array<'_, W>) -> Result<u64, ExportError> {
        let mut after = None;
        loop {
            let page = q::deputies(self.snap, Some(self.council), after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for d in page {
                a.push(&person(d))?;
            }
            a.flush().await?;
        }
        Ok(a.close().await?)
    }

    /// Mandates, party memberships, roles.
    async fn memberships<W: AsyncWrite + Unpin>(&self, mut a: Array<'_, W>) -> Result<u64, ExportError> {
        let (snap, council) = (self.snap, Some(self.council));
        let mut after = None;
        while let Some(last) = self.page(&mut a, q::mandates(snap, council, after, PAGE).await?, |m| self.mandate(m))? {
            after = Some(last);
            a.flush().await?;
        }
        let mut after = None;
        while let Some(last) =
            self.page(&mut a, q::party_memberships(snap, council, after, PAGE).await?, party_membership)?
        {
            after = Some(last);
            a.flush().await?;
        }
        let mut after = None;
        while let Some(last) = self.page(&mut a, q::roles(snap, council, after, PAGE).await?, |r| self.role(r))? {
            after = Some(last);
            a.flush().await?;
        }
        Ok(a.close().await?)
    }

    /// Pushes a page of membership rows; the key of the last, or `None` when the page is empty.
    fn page<R: HasRowId, W: AsyncWrite + Unpin>(
        &self,
        a: &mut Array<'_, W>,
        rows: Vec<R>,
        to: impl Fn(R) -> Membership,
    ) -> Result<Option<i32>, ExportError> {
        let last = rows.last().map(HasRowId::row_id);
        for r in rows {
            a.push(&to(r))?;
        }
        Ok(last)
    }

    fn mandate(&self, m: t::Mandate) -> Membership {
        Membership {
            id: Some(format!("{}/mandate/{}", m.deputy_id, m.start_date)),
            person_id: Some(m.deputy_id),
            organization_id: Some(self.council.to_owned()),
            role: Some("member".into()),
            on_behalf_of_id: m.nominating_party_id,
            legislative_period_id: Some(self.period(&m.convocation)),
            start_date: Some(day(m.start_date)),
            end_date: m.end_date.map(day),
            seat_type: Some(m.seat_type.as_str().into()),
            district: m.district,
            nomination: Some(m.nomination.as_str().into()),
            end_reason: m.end_reason.map(|e| e.as_str().into()),
        }
    }

    fn role(&self, r: t::Role) -> Membership {
        Membership {
            id: Some(format!("{}/role/{}/{}", r.deputy_id, r.role, r.start_date)),
            person_id: Some(r.deputy_id),
            organization_id: Some(r.commission_id.unwrap_or_else(|| self.council.to_owned())),
            role: Some(r.role.as_str().into()),
            on_behalf_of_id: r.party_id,
            start_date: Some(day(r.start_date)),
            end_date: r.end_date.map(day),
            ..Membership::default()
        }
    }

    /// Convocations, sessions, agenda items.
    async fn events<W: AsyncWrite + Unpin>(&self, mut a: Array<'_, W>) -> Result<u64, ExportError> {
        for cv in q::convocations(self.snap, self.council).await? {
            a.push(&Event {
                id: Some(self.period(&cv.number)),
                name: Some(format!("Convocation {}", cv.number)),
                classification: Some("legislative period".into()),
                organization_id: Some(self.council.to_owned()),
                start_date: Some(day(cv.start_date)),
                end_date: cv.end_date.map(day),
                ..Event::default()
            })?;
        }
        let mut after = None;
        loop {
            let page = q::sessions(self.snap, Some(self.council), after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for s in page {
                a.push(&self.session(s))?;
            }
            a.flush().await?;
        }
        let mut after = None;
        loop {
            let page = q::agenda_items(self.snap, Some(self.council), after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for i in page {
                a.push(&self.agenda_item(i))?;
            }
            a.flush().await?;
        }
        Ok(a.close().await?)
    }

    fn session(&self, s: t::Session) -> Event {
        Event {
            name: Some(format!("Session {} of convocation {}", s.number, s.convocation)),
            classification: Some("session".into()),
            organization_id: Some(self.council.to_owned()),
            parent_id: Some(self.period(&s.convocation)),
            start_date: Some(time(s.scheduled_start)),
            end_date: s.scheduled_end.map(time),
            location: s.place,
            status: Some(s.status.as_str().into()),
            number: Some(u64::from(s.number)),
            kind: Some(s.kind.as_str().into()),
            is_open: Some(s.is_open),
            id: Some(s.id),
            ..Event::default()
        }
    }

    fn agenda_item(&self, i: t::AgendaItem) -> Event {
        Event {
            id: Some(i.id),
            name: pick(&i.titles),
            classification: Some("agenda item".into()),
            organization_id: Some(self.council.to_owned()),
            parent_id: Some(i.session_id),
            position: Some(u64::from(i.position)),
            titles: Some(i.titles),
            result: i.result.map(|r| r.as_str().into()),
            ..Event::default()
        }
    }

    /// Vote events with their counts and votes.
    async fn vote_events<W: AsyncWrite + Unpin>(&self, mut a: Array<'_, W>) -> Result<u64, ExportError> {
        let mut after = None;
        loop {
            let page = q::vote_events(self.snap, Some(self.council), after, VOTE_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            let ids: Vec<String> = page.iter().map(|r| r.id.clone()).collect();
            let mut sessions: Vec<String> = page.iter().map(|r| r.session_id.clone()).collect();
            sessions.dedup();
            let starts = q::session_starts(self.snap, &sessions).await?;
            let mut votes: HashMap<String, Vec<Vote>> = HashMap::new();
            for b in q::ballots_of(self.snap, &ids).await? {
                let vote = Vote { voter_id: Some(b.deputy_id), option: Some(option_name(b.option).into()) };
                votes.entry(b.vote_event_id).or_default().push(vote);
            }
            for e in page {
                let start = starts.get(&e.session_id).map(|t| time(*t));
                let votes = votes.remove(&e.id).unwrap_or_default();
                a.push(&self.vote_event(e, start, votes))?;
            }
            a.flush().await?;
        }
        Ok(a.close().await?)
    }

    fn vote_event(&self, e: t::VoteEvent, start: Option<String>, votes: Vec<Vote>) -> VoteEvent {
        let counts = e.counts.map_or_else(Vec::new, |c| {
            c.by_option()
                .iter()
                .map(|(o, n)| Count {
                    option: Some(option_name(*o).into()),
                    value: Some(u64::from(*n)),
                    ..Count::default()
                })
                .collect()
        });
        let (stage, rule, result) = (e.stage.as_str(), e.majority_rule.as_str(), e.result.as_str());
        VoteEvent {
            organization_id: Some(self.council.to_owned()),
            legislative_session_id: Some(e.session_id),
            identifier: Some(e.position.to_string()),
            motion: Some(Motion {
                text: pick(&e.motion),
                texts: Some(e.motion),
                organization_id: Some(self.council.to_owned()),
                classification: Some(stage.into()),
                requirement: Some(rule.into()),
                result: Some(result.into()),
            }),
            classification: Some(stage.into()),
            start_date: start,
            result: Some(result.into()),
            counts,
            votes,
            agenda_item_id: Some(e.agenda_item_id),
            method: Some(e.method.as_str().into()),
            majority_rule: Some(rule.into()),
            seats: Some(u64::from(e.seats)),
            id: Some(e.id),
        }
    }

    async fn speeches<W: AsyncWrite + Unpin>(&self, mut a: Array<'_, W>) -> Result<u64, ExportError> {
        let mut after = None;
        loop {
            let page = q::speeches(self.snap, Some(self.council), after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for s in page {
                a.push(&speech(s))?;
            }
            a.flush().await?;
        }
        Ok(a.close().await?)
    }
}

/// Membership rows page by their row id.
trait HasRowId {
    fn row_id(&self) -> i32;
}

impl HasRowId for t::Mandate {
    fn row_id(&self) -> i32 {
        self.id
    }
}

impl HasRowId for t::PartyMembership {
    fn row_id(&self) -> i32 {
        self.id
    }
}

impl HasRowId for t::Role {
    fn row_id(&self) -> i32 {
        self.id
    }
}

fn council_org(c: &t::Council) -> Organization {
    Organization {
        id: Some(c.id.clone()),
        name: pick(&c.names),
        other_names: lang_names(&c.names),
        classification: Some("legislature".into()),
        parent_id: c.parent_id.clone(),
        seats: Some(u64::from(c.seats)),
        level: Some(c.level.as_str().into()),
        synthetic: Some(c.synthetic),
        identifiers: c
            .kato
            .iter()
            .map(|k| Identifier { scheme: Some("KATO".into()), identifier: Some(k.clone()) })
            .collect(),
        links: c.website.iter().map(|w| Link { url: Some(w.clone()), note: Some("website".into()) }).collect(),
        ..Organization::default()
    }
}

fn person(d: t::Deputy) -> Person {
    let lang = PREFERRED.iter().find(|l| d.names.contains_key(**l)).copied();
    let part = |m: &Names| lang.and_then(|l| m.get(l)).cloned();
    let other_names = d
        .names
        .iter()
        .map(|(lang, name)| OtherName {
            name: Some(name.clone()),
            lang: Some(lang.clone()),
            note: Some("multilingual".into()),
            given_name: d.given_names.get(lang).cloned(),
            family_name: d.family_names.get(lang).cloned(),
            patronymic_name: d.patronymic_names.get(lang).cloned(),
        })
        .collect();
    Person {
        name: pick(&d.names),
        given_name: part(&d.given_names),
        family_name: part(&d.family_names),
        patronymic_name: part(&d.patronymic_names),
        other_names,
        gender: d.gender.map(|g| g.as_str().into()),
        contact_details: d
            .contacts
            .into_iter()
            .map(|c| ContactDetail { kind: Some(c.kind), value: Some(c.value) })
            .collect(),
        synthetic: Some(d.synthetic),
        id: Some(d.id),
    }
}

fn party_membership(m: t::PartyMembership) -> Membership {
    Membership {
        id: Some(format!("{}/party/{}/{}", m.deputy_id, m.party_id, m.start_date)),
        person_id: Some(m.deputy_id),
        organization_id: Some(m.party_id),
        role: Some("member".into()),
        start_date: Some(day(m.start_date)),
        end_date: m.end_date.map(day),
        ..Membership::default()
    }
}

fn speech(s: t::Speech) -> Speech {
    Speech {
        id: Some(s.id),
        creator_id: s.deputy_id,
        attribution_text: s.speaker_name,
        role: Some(s.speaker_role.as_str().into()),
        kind: Some(s.speech_type.as_str().into()),
        text: s.body_text,
        position: Some(u64::from(s.position)),
        event_id: Some(s.session_id),
        agenda_item_id: s.agenda_item_id,
        language: Some(s.language),
        seconds: s.seconds.map(u64::from),
    }
}

/// Writes the Popolo JSON of `council` to `path` (`-` for standard output) from one snapshot.
pub async fn popolo_file(
    db: &store::Db,
    council: &str,
    path: &Path,
    progress: bool,
) -> Result<PopoloCounts, ExportError> {
    let snap = store::snapshot(db).await.map_err(StoreError::from)?;
    let pb = progress_bar(progress, None, "");
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
    snap.commit().await.map_err(StoreError::from)?;
    Ok(counts)
}
