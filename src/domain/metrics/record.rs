//! One session record, with what its versions established ([`Witnessed`]), as metric inputs: what
//! the publication path's projection would give the metrics if the record were stored now. The
//! publishers' workspace uses it to show the openness components a draft would earn before it is
//! published; the times follow the same rule as the stored rows (`docs/metrics.md`): a backfilled
//! session uses declared times, any other session witnessed ones.

use serde::de::DeserializeOwned;

use super::input::{self as m, PublicTime};
use crate::domain::enums::DocumentKind;
use crate::domain::session::SessionRecord;
use crate::domain::witness::Witnessed;

/// A session record's metric inputs.
#[derive(Debug, Clone)]
pub struct RecordInputs {
    /// The session.
    pub session: m::Session,
    /// Its agenda items, with each one's documents' times.
    pub items: Vec<m::AgendaItem>,
    /// Its vote events.
    pub votes: Vec<m::VoteEvent>,
}

/// The same value in the metrics' own enum (both are the snake_case names of the record).
fn same<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// `doc` as the metrics would read it once stored with `witnessed` times, or `None` when one of
/// its kinds has no metric counterpart.
pub fn record_inputs(
    id: &str,
    doc: &SessionRecord,
    witnessed: &Witnessed,
    provenance: m::Provenance,
) -> Option<RecordInputs> {
    let backfilled = witnessed.backfilled(doc);
    let time = |d: &crate::domain::session::Document| match &d.declared_public {
        Some(t) if backfilled => PublicTime::declared(t.published_at),
        _ => PublicTime::witnessed(witnessed.document(&d.id)),
    };
    let has_minutes = doc.documents.iter().any(|d| d.kind == DocumentKind::Minutes);
    let minutes_witnessed = witnessed.minutes_first_public_at.map(PublicTime::witnessed);
    let minutes_first_public = match (backfilled, has_minutes) {
        (false, _) => minutes_witnessed,
        (true, true) => doc.declared_minutes().map(|t| PublicTime::declared(t.published_at)).or(minutes_witnessed),
        (true, false) => None,
    };
    let session = m::Session {
        id: id.to_owned(),
        kind: same(doc.kind.as_str())?,
        status: same(doc.status.as_str())?,
        scheduled_start: doc.scheduled_start,
        scheduled_end: doc.scheduled_end,
        actual_end: doc.actual_end,
        is_open: doc.is_open,
        has_livestream: doc.livestream_url.is_some(),
        has_recording: doc.recording_url.is_some(),
        backfilled,
        agenda_first_public: if backfilled {
            doc.declared_notice.as_ref().map(|n| PublicTime::declared(n.published_at))
        } else {
            witnessed.agenda_first_public_at.map(PublicTime::witnessed)
        },
        minutes_first_public,
        provenance,
        unattached_documents: doc.documents.iter().filter(|d| d.agenda_item.is_none()).map(time).collect(),
    };
    let items = doc
        .agenda
        .iter()
        .map(|a| m::AgendaItem {
            id: a.id.clone(),
            session_id: id.to_owned(),
            is_open: a.is_open,
            documents_first_public: doc
                .documents
                .iter()
                .filter(|d| d.agenda_item.as_deref() == Some(a.id.as_str()))
                .map(time)
                .collect(),
        })
        .collect();
    let mut votes = Vec::new();
    for e in &doc.vote_events {
        let mut ballots = Vec::new();
        for b in &e.ballots {
            ballots.push(m::Ballot { deputy_id: b.deputy.clone(), option: same(b.option.as_str())? });
        }
        votes.push(m::VoteEvent {
            id: e.id.clone(),
            session_id: id.to_owned(),
            agenda_item_id: e.agenda_item.clone(),
            method: same(e.method.as_str())?,
            result: same(e.result.as_str())?,
            counts: e.counts.as_ref().map(|c| m::VoteCounts {
                yes: u64::from(c.yes),
                no: u64::from(c.no),
                abstain: u64::from(c.abstain),
            }),
            ballots,
        });
    }
    Some(RecordInputs { session, items, votes })
}

/// The vote events and speeches of session record `doc` read as the metrics read the stored
/// ones (a value with no metric counterpart is left out, as the store's reader leaves out a row it
/// cannot read).
fn record_votes_and_speeches(id: &str, doc: &SessionRecord) -> (Vec<m::VoteEvent>, Vec<m::Speech>) {
    let votes: Vec<m::VoteEvent> = doc
        .vote_events
        .iter()
        .filter_map(|e| {
            Some(m::VoteEvent {
                id: e.id.clone(),
                session_id: id.to_owned(),
                agenda_item_id: e.agenda_item.clone(),
                method: same(e.method.as_str())?,
                result: same(e.result.as_str())?,
                // As stored: the counts stated (else the metrics tally the ballots).
                counts: e.counts.as_ref().map(|c| m::VoteCounts {
                    yes: u64::from(c.yes),
                    no: u64::from(c.no),
                    abstain: u64::from(c.abstain),
                }),
                ballots: e
                    .ballots
                    .iter()
                    .filter_map(|b| Some(m::Ballot { deputy_id: b.deputy.clone(), option: same(b.option.as_str())? }))
                    .collect(),
            })
        })
        .collect();
    let speeches: Vec<m::Speech> = doc
        .speeches
        .iter()
        .filter_map(|s| {
            Some(m::Speech {
                session_id: id.to_owned(),
                agenda_item_id: s.agenda_item.clone(),
                deputy_id: s.deputy.clone(),
                role: same(s.speaker_role.as_str())?,
                speech_type: same(s.speech_type.as_str())?,
                seconds: s.seconds.map(u64::from),
            })
        })
        .collect();
    (votes, speeches)
}

/// What the publication path keeps beside the rows of session record `doc`: the per-deputy
/// tallies (see [`session_tallies`](super::session_tallies)), the session's debate counts (see
/// [`session_debate`](super::session_debate)) and what is kept of its vote events (see
/// [`session_votes`](super::session_votes)).
pub fn record_kept(
    id: &str,
    doc: &SessionRecord,
) -> (Vec<super::DeputyTally>, super::SessionDebate, super::SessionVotes) {
    let (votes, speeches) = record_votes_and_speeches(id, doc);
    let items: Vec<String> = doc.agenda.iter().map(|a| a.id.clone()).collect();
    (
        super::session_tallies(id, &votes, &speeches),
        super::session_debate(id, &items, &votes, &speeches),
        super::session_votes(&votes),
    )
}
