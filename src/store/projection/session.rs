//! A session record: the session row with its witnessed times, and the agenda items, documents,
//! vote events (with counts), ballots and speeches that each version replaces whole.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Ints, Logged, json};
use crate::domain::Violation;
use crate::domain::enums::Provenance;
use crate::domain::session::SessionRecord;
use crate::domain::witness::Witnessed;
use crate::entity::{
    agenda_item, ballot, document, session as session_row, session_debate_tally, session_deputy_tally, speech,
    vote_event,
};

/// What earlier versions of a session established: its creation time and the witnessed times
/// (see [`Witnessed`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionPrior {
    /// When the session's row was created (its first version's receive time).
    pub created_at: DateTime<Utc>,
    /// When its parts first became public.
    pub witnessed: Witnessed,
}

/// The rows a session record version implies.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRows {
    /// The session.
    pub session: session_row::Model,
    /// Agenda items in document order.
    pub agenda_items: Vec<agenda_item::Model>,
    /// Documents.
    pub documents: Vec<document::Model>,
    /// Vote events, with their counts (stated, else tallied from the ballots).
    pub vote_events: Vec<vote_event::Model>,
    /// Ballots.
    pub ballots: Vec<ballot::Model>,
    /// Speeches in order.
    pub speeches: Vec<speech::Model>,
    /// What each deputy did in the session that the per-deputy metrics count, by deputy id.
    pub deputy_tallies: Vec<session_deputy_tally::Model>,
    /// What the session gives the debate metrics that count items, speaking time and questions.
    pub debate_tally: session_debate_tally::Model,
    /// The witnessed times after this version.
    pub witnessed: Witnessed,
}

impl SessionRows {
    /// What these rows establish for the next version of the same session.
    pub fn prior(&self) -> SessionPrior {
        SessionPrior { created_at: self.session.created_at, witnessed: self.witnessed.clone() }
    }
}

/// The rows of session record version `v` of a council whose `synthetic` flag is
/// `council_synthetic` at the time, after the versions that established `prior` (none for the
/// first version). Refused, with the path, when an integer does not fit its column.
pub fn session(
    v: &Logged,
    doc: &SessionRecord,
    council_synthetic: bool,
    prior: Option<&SessionPrior>,
) -> Result<SessionRows, Vec<Violation>> {
    let mut ints = Ints::default();
    let synthetic = council_synthetic || v.provenance == Provenance::Synthetic;
    let witnessed = Witnessed::next(prior.map(|p| &p.witnessed), doc, v.received_at);
    let created_at = prior.map_or(v.received_at, |p| p.created_at);
    let session = session_row(v, doc, synthetic, &witnessed, created_at, &mut ints);
    let ctx = Child { session_id: v.doc_id, council_id: v.council(), date: doc.date() };
    let agenda_items = doc
        .agenda
        .iter()
        .enumerate()
        .map(|(i, a)| agenda_item::Model {
            id: a.id.clone(),
            session_id: ctx.session_id.to_owned(),
            council_id: ctx.council_id.to_owned(),
            position: ints.fit(a.position, || format!("/agenda/{i}/position")),
            number_label: a.number_label.clone(),
            titles: json(&a.titles),
            initiator: a.initiator.as_str().to_owned(),
            is_open: a.is_open,
            result: a.result.map(|r| r.as_str().to_owned()),
            first_public_at: witnessed.item(&a.id),
            added_late: witnessed.added_late(&a.id),
        })
        .collect();
    let documents = doc
        .documents
        .iter()
        .map(|d| document::Model {
            id: d.id.clone(),
            session_id: ctx.session_id.to_owned(),
            council_id: ctx.council_id.to_owned(),
            agenda_item_id: d.agenda_item.clone(),
            kind: d.kind.as_str().to_owned(),
            title: d.title.clone(),
            media_type: d.media_type.clone(),
            url: d.url.clone(),
            sha256: d.sha256.clone(),
            language: d.language.clone(),
            body_text: d.text.clone(),
            first_public_at: witnessed.document(&d.id),
            declared_public_at: d.declared_public.as_ref().map(|t| t.published_at),
            declared_public_source: d.declared_public.as_ref().map(|t| t.source_url.clone()),
        })
        .collect();
    let (vote_events, ballots) = votes(&ctx, doc, &mut ints);
    let speeches = speeches(&ctx, doc, &mut ints);
    let Aggregates { deputy_tallies, debate_tally } = aggregates(&ctx, doc, &mut ints);
    ints.finish(SessionRows {
        session,
        agenda_items,
        documents,
        vote_events,
        ballots,
        speeches,
        deputy_tallies,
        debate_tally,
        witnessed,
    })
}

/// The rows of the tables of metric inputs kept per session.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    /// `session_deputy_tally`: one row per deputy with a ballot on a named vote event or a deputy
    /// speech.
    pub deputy_tallies: Vec<session_deputy_tally::Model>,
    /// `session_debate_tally`: one row.
    pub debate_tally: session_debate_tally::Model,
}

/// The rows of the tables of metric inputs kept per session that session record version `v`
/// implies: the same rows [`session`] writes, without the others. What `store::derived` fills a
/// table with when a migration has just created it.
pub fn session_aggregates(v: &Logged, doc: &SessionRecord) -> Result<Aggregates, Vec<Violation>> {
    let mut ints = Ints::default();
    let ctx = Child { session_id: v.doc_id, council_id: v.council(), date: doc.date() };
    let rows = aggregates(&ctx, doc, &mut ints);
    ints.finish(rows)
}

/// What every child row of a session repeats.
struct Child<'a> {
    session_id: &'a str,
    council_id: &'a str,
    date: NaiveDate,
}

fn session_row(
    v: &Logged,
    doc: &SessionRecord,
    synthetic: bool,
    witnessed: &Witnessed,
    created_at: DateTime<Utc>,
    ints: &mut Ints,
) -> session_row::Model {
    session_row::Model {
        id: v.doc_id.to_owned(),
        council_id: v.council().to_owned(),
        convocation: doc.convocation.clone(),
        number: ints.fit(doc.number, || "/number".into()),
        kind: doc.kind.as_str().to_owned(),
        status: doc.status.as_str().to_owned(),
        scheduled_start: doc.scheduled_start,
        scheduled_end: doc.scheduled_end,
        actual_start: doc.actual_start,
        actual_end: doc.actual_end,
        place: doc.place.clone(),
        is_open: doc.is_open,
        livestream_url: doc.livestream_url.clone(),
        recording_url: doc.recording_url.clone(),
        minutes_document_id: doc.minutes_document.clone(),
        declared_notice_at: doc.declared_notice.as_ref().map(|n| n.published_at),
        declared_notice_source: doc.declared_notice.as_ref().map(|n| n.source_url.clone()),
        backfilled: witnessed.backfilled(doc),
        first_received_at: witnessed.first_received_at,
        agenda_first_public_at: witnessed.agenda_first_public_at,
        minutes_first_public_at: witnessed.minutes_first_public_at,
        synthetic,
        version: v.version,
        last_seq: v.seq,
        created_at,
        updated_at: v.received_at,
    }
}

fn votes(ctx: &Child, doc: &SessionRecord, ints: &mut Ints) -> (Vec<vote_event::Model>, Vec<ballot::Model>) {
    let mut events = Vec::with_capacity(doc.vote_events.len());
    for (i, e) in doc.vote_events.iter().enumerate() {
        let counts = e.effective_counts();
        let count = |ints: &mut Ints, n: Option<u32>, name: &str| {
            n.map(|n| ints.fit(n, || format!("/vote_events/{i}/counts/{name}")))
        };
        events.push(vote_event::Model {
            id: e.id.clone(),
            session_id: ctx.session_id.to_owned(),
            council_id: ctx.council_id.to_owned(),
            agenda_item_id: e.agenda_item.clone(),
            position: ints.fit(i, || format!("/vote_events/{i}")),
            motion: json(&e.motion),
            stage: e.stage.as_str().to_owned(),
            method: e.method.as_str().to_owned(),
            majority_rule: e.majority_rule.as_str().to_owned(),
            seats: ints.fit(e.seats, || format!("/vote_events/{i}/seats")),
            result: e.result.as_str().to_owned(),
            yes_count: count(ints, counts.map(|c| c.yes), "yes"),
            no_count: count(ints, counts.map(|c| c.no), "no"),
            abstain_count: count(ints, counts.map(|c| c.abstain), "abstain"),
            not_voting_count: count(ints, counts.map(|c| c.not_voting), "not_voting"),
            absent_count: count(ints, counts.map(|c| c.absent), "absent"),
            excused_count: count(ints, counts.map(|c| c.excused), "excused"),
            named: e.method.is_named() && !e.ballots.is_empty(),
            contested: counts.is_some_and(|c| c.contested(e.result)),
            session_date: ctx.date,
        });
    }
    let ballots = doc
        .vote_events
        .iter()
        .flat_map(|e| {
            e.ballots.iter().map(|b| ballot::Model {
                vote_event_id: e.id.clone(),
                deputy_id: b.deputy.clone(),
                option: b.option.as_str().to_owned(),
                session_id: ctx.session_id.to_owned(),
                session_date: ctx.date,
            })
        })
        .collect();
    (events, ballots)
}

fn speeches(ctx: &Child, doc: &SessionRecord, ints: &mut Ints) -> Vec<speech::Model> {
    doc.speeches
        .iter()
        .enumerate()
        .map(|(i, s)| speech::Model {
            id: s.id.clone(),
            session_id: ctx.session_id.to_owned(),
            council_id: ctx.council_id.to_owned(),
            agenda_item_id: s.agenda_item.clone(),
            position: ints.fit(i, || format!("/speeches/{i}")),
            deputy_id: s.deputy.clone(),
            speaker_name: s.speaker_name.clone(),
            speaker_role: s.speaker_role.as_str().to_owned(),
            speech_type: s.speech_type.as_str().to_owned(),
            language: s.language.clone(),
            seconds: s.seconds.map(|x| ints.fit(x, || format!("/speeches/{i}/seconds"))),
            body_text: s.text.clone(),
            session_date: ctx.date,
        })
        .collect()
}

/// The metric inputs kept per session: `record_kept` of the record, as rows.
fn aggregates(ctx: &Child, doc: &SessionRecord, ints: &mut Ints) -> Aggregates {
    let (tallies, debate, votes) = crate::domain::metrics::record_kept(ctx.session_id, doc);
    let deputy_tallies = tallies
        .into_iter()
        .map(|t| {
            let path = || format!("/tallies/{}", t.deputy_id);
            session_deputy_tally::Model {
                session_id: ctx.session_id.to_owned(),
                council_id: ctx.council_id.to_owned(),
                session_date: ctx.date,
                ballots: ints.fit(t.ballots, path),
                present: ints.fit(t.present, path),
                cast_ballots: ints.fit(t.cast, path),
                abstentions: ints.fit(t.abstentions, path),
                dissents: ints.fit(t.dissents, path),
                deputy_speeches: ints.fit(t.deputy_speeches, path),
                speech_seconds: i64::try_from(t.speech_seconds).unwrap_or(i64::MAX),
                deputy_id: t.deputy_id,
            }
        })
        .collect();
    let path = || "/debate_tally".to_owned();
    let debate_tally = session_debate_tally::Model {
        session_id: ctx.session_id.to_owned(),
        council_id: ctx.council_id.to_owned(),
        session_date: ctx.date,
        items_put_to_vote: ints.fit(debate.items_put_to_vote, path),
        undiscussed_items: ints.fit(debate.undiscussed_items, path),
        item_speakers: ints.fit(debate.item_speakers, path),
        timed_speeches: ints.fit(debate.timed_speeches, path),
        speech_seconds: i64::try_from(debate.speech_seconds).unwrap_or(i64::MAX),
        executive_seconds: i64::try_from(debate.executive_seconds).unwrap_or(i64::MAX),
        questions: ints.fit(debate.questions, path),
        vote_events: ints.fit(votes.counts.vote_events, path),
        named_vote_events: ints.fit(votes.counts.named, path),
        counted_vote_events: ints.fit(votes.tally.counted, path),
        unanimous_vote_events: ints.fit(votes.tally.unanimous, path),
        vote_events_with_votes: ints.fit(votes.tally.with_votes, path),
        contested_vote_events: ints.fit(votes.tally.contested, path),
    };
    Aggregates { deputy_tallies, debate_tally }
}
