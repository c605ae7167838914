//! Loading one council's records as the plain inputs of the metric functions.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, StreamTrait,
};

use super::StoreError;
use crate::domain::metrics as m;
use crate::entity::{
    agenda_item, ballot, document, document_version, mandate, party_membership, session, session_debate_tally,
    session_deputy_tally, speech, vote_event,
};

/// A stored enum string as the domain enum (its serde name), without copying it.
fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    use serde::de::IntoDeserializer;
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(s)).ok()
}

/// The newest change number and receive time among a council's documents (or all councils'
/// documents; parties carry no council and change no metric): what a cached metric must be
/// recomputed after.
pub async fn data_version(
    db: &DatabaseConnection,
    council: Option<&str>,
) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
    // Only the two columns: the row's body can be large.
    let mut q = document_version::Entity::find()
        .select_only()
        .column(document_version::Column::Seq)
        .column(document_version::Column::ReceivedAt)
        .order_by_desc(document_version::Column::Seq)
        .limit(1);
    q = match council {
        Some(c) => q.filter(document_version::Column::CouncilId.eq(c)),
        None => q.filter(document_version::Column::CouncilId.is_not_null()),
    };
    let row: Option<(i64, DateTime<Utc>)> = q.into_tuple().one(db).await?;
    Ok(row.map_or((0, None), |(seq, at)| (seq, Some(at))))
}

/// What a council's metrics are served with, read in one query: whether it exists and is
/// synthetic, its data version (see [`data_version`]) and the provenance kinds of its documents
/// (as [`crate::store::read::public_records::provenance_kinds`] lists them). None when there is
/// no such council. One round trip instead of four (the council, its convocations, the data
/// version, the provenance kinds): with the response cache off, each costs a pooled connection
/// and a hand-off to the database's thread, most of an uncached read's time (issue 25).
pub async fn council_state(db: &DatabaseConnection, id: &str) -> Result<Option<CouncilState>, StoreError> {
    use sea_orm::sea_query::{ExprTrait, Order, Query, QueryStatementBuilder, SelectStatement};

    use crate::domain::enums::Provenance;
    use crate::entity::council;

    let of_council = || {
        Expr::col((document_version::Entity, document_version::Column::CouncilId))
            .equals((council::Entity, council::Column::Id))
    };
    let newest = |col: document_version::Column| {
        let mut s: SelectStatement = Query::select();
        s.column((document_version::Entity, col))
            .from(document_version::Entity)
            .and_where(of_council())
            .order_by((document_version::Entity, document_version::Column::Seq), Order::Desc)
            .limit(1);
        Expr::SubQuery(None, Box::new(s.into_sub_query_statement()))
    };
    let kinds = Provenance::ALL;
    let mut q = Query::select();
    q.column((council::Entity, council::Column::Synthetic))
        .expr(newest(document_version::Column::Seq))
        .expr(newest(document_version::Column::ReceivedAt));
    for k in kinds {
        let mut s: SelectStatement = Query::select();
        s.expr(Expr::val(1))
            .from(document_version::Entity)
            .and_where(of_council())
            .and_where(Expr::col((document_version::Entity, document_version::Column::Provenance)).eq(*k));
        q.expr(Expr::exists(s));
    }
    q.from(council::Entity).and_where(Expr::col((council::Entity, council::Column::Id)).eq(id));
    let Some(row) = db.query_one_raw(db.get_database_backend().build(&q)).await? else {
        return Ok(None);
    };
    let seq: Option<i64> = row.try_get_by_index(1)?;
    let mut provenance = vec![];
    for (i, k) in kinds.iter().enumerate() {
        if row.try_get_by_index::<bool>(3 + i)? {
            provenance.push((*k).to_owned());
        }
    }
    provenance.sort();
    Ok(Some(CouncilState {
        synthetic: row.try_get_by_index(0)?,
        seq: seq.unwrap_or(0),
        newest: row.try_get_by_index(2)?,
        provenance,
    }))
}

/// See [`council_state`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilState {
    /// The council's records are made up (demo data).
    pub synthetic: bool,
    /// The newest change number among its documents (0 before the first).
    pub seq: i64,
    /// When that version was received.
    pub newest: Option<DateTime<Utc>>,
    /// The provenance kinds of its documents, sorted.
    pub provenance: Vec<String>,
}

/// The newest change number of every council's documents, in one query (for rankings, which
/// would otherwise ask once per council).
pub async fn data_versions(db: &DatabaseConnection) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<(Option<String>, Option<i64>)> = document_version::Entity::find()
        .select_only()
        .column(document_version::Column::CouncilId)
        .column_as(document_version::Column::Seq.max(), "seq")
        .filter(document_version::Column::CouncilId.is_not_null())
        .group_by(document_version::Column::CouncilId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(c, s)| Some((c?, s?))).collect())
}

/// Everything the metrics need about one council, all periods (the metric functions scope it).
/// Read in one snapshot. Backfilled sessions carry declared times where their records declare
/// them; the others witnessed times only (see `docs/metrics.md`, v1.1).
pub async fn load_period(db: &DatabaseConnection, council_id: &str) -> Result<m::CouncilPeriod, StoreError> {
    let mut all = load_periods(db, &[council_id.to_owned()]).await?;
    Ok(all.remove(council_id).unwrap_or_else(|| empty_period(council_id)))
}

/// The inputs of a council with no stored records.
pub fn empty_period(council_id: &str) -> m::CouncilPeriod {
    m::CouncilPeriod {
        council_id: council_id.to_owned(),
        sessions: vec![],
        agenda_items: vec![],
        vote_events: vec![],
        speeches: vec![],
        deputies: vec![],
    }
}

/// The columns of a `session` row that the metrics read.
#[derive(FromQueryResult)]
struct SessionRow {
    id: String,
    council_id: String,
    kind: String,
    status: String,
    scheduled_start: DateTime<Utc>,
    scheduled_end: Option<DateTime<Utc>>,
    actual_end: Option<DateTime<Utc>>,
    is_open: bool,
    livestream_url: Option<String>,
    recording_url: Option<String>,
    backfilled: bool,
    synthetic: bool,
    last_seq: i64,
    declared_notice_at: Option<DateTime<Utc>>,
    agenda_first_public_at: Option<DateTime<Utc>>,
    minutes_first_public_at: Option<DateTime<Utc>>,
}

/// What the partial computations without documents read of a session ([`Inputs::Votes`],
/// [`Inputs::Tallies`], [`Inputs::Debate`], [`Inputs::VoteTallies`]): which sessions are held,
/// and when. A third of the columns, so a third of the values the driver copies and decodes (the
/// session rows are most of what the national rankings read).
#[derive(FromQueryResult)]
struct SessionCore {
    id: String,
    council_id: String,
    kind: String,
    status: String,
    scheduled_start: DateTime<Utc>,
}

impl From<SessionCore> for SessionRow {
    fn from(s: SessionCore) -> Self {
        Self {
            id: s.id,
            council_id: s.council_id,
            kind: s.kind,
            status: s.status,
            scheduled_start: s.scheduled_start,
            scheduled_end: None,
            actual_end: None,
            is_open: false,
            livestream_url: None,
            recording_url: None,
            backfilled: false,
            synthetic: false,
            last_seq: 0,
            declared_notice_at: None,
            agenda_first_public_at: None,
            minutes_first_public_at: None,
        }
    }
}

/// Separates the fields of one record in an [`aggregate`]d column.
const UNIT: char = '\u{1f}';
/// Separates the records in an [`aggregate`]d column.
const RECORD: char = '\u{1e}';

/// A column that concatenates, over the rows of a group, the given SQL expressions of each row:
/// fields separated by [`UNIT`], records by [`RECORD`] (in no particular order). For child rows
/// that come many per parent (ballots, speeches) this is much cheaper than a row each: every row
/// and value passed out of the database driver and decoded costs more than the query itself.
/// The expressions must never be NULL nor contain the separators: ids (`a-z 0-9 . _ -`), enum
/// names and numbers, with `''` for none.
fn aggregate(backend: DbBackend, fields: &[&str]) -> Expr {
    aggregate_exprs(backend, fields.iter().map(|f| Expr::cust((*f).to_owned())).collect())
}

/// [`aggregate`] of expressions (for fields that are subqueries): a column that concatenates,
/// over the rows of a group, `fields` of each row, fields separated by [`UNIT`], records by
/// [`RECORD`]. The same rules hold: no field may be NULL or contain the separators.
pub(crate) fn aggregate_exprs(backend: DbBackend, fields: Vec<Expr>) -> Expr {
    let (concat, chr) = match backend {
        DbBackend::Postgres => ("string_agg", "chr"),
        _ => ("group_concat", "char"),
    };
    let unit = format!(" || {chr}({}) || ", UNIT as u32);
    let placeholders: Vec<String> = (1..=fields.len()).map(|i| placeholder(backend, i)).collect();
    Expr::cust_with_exprs(format!("{concat}({}, {chr}({}))", placeholders.join(&unit), RECORD as u32), fields)
}

/// How a custom expression names its `i`th expression (from 1) for `backend`'s query builder:
/// `$i` for PostgreSQL, `?` (the next one) for SQLite.
pub(crate) fn placeholder(backend: DbBackend, i: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => "?".to_owned(),
    }
}

/// The records of an [`aggregate`]d column, each as an iterator over its fields; none for an
/// empty column (an aggregate of no rows), which splitting alone would read as one empty record.
pub(crate) fn records(list: &str) -> impl Iterator<Item = std::str::Split<'_, char>> {
    list.split(RECORD).filter(move |_| !list.is_empty()).map(|r| r.split(UNIT))
}

/// A count of an [`aggregate`]d record: none when absent or empty (NULL), a negative one as 0.
fn count_field(field: Option<&str>) -> Option<u64> {
    field.filter(|f| !f.is_empty()).map(|f| f.parse::<i64>().map_or(0, |x| x.max(0) as u64))
}

/// An empty field of an [`aggregate`]d record as none.
fn non_empty(field: &str) -> Option<String> {
    (!field.is_empty()).then(|| field.to_owned())
}

/// Agenda item: id, session, is_open.
type ItemRow = (String, String, bool);
/// Document: session, agenda item (if any), kind, first public at (witnessed), declared public at.
type DocRow = (String, Option<String>, String, DateTime<Utc>, Option<DateTime<Utc>>);
/// The council of a document, then its [`DocRow`].
type CouncilDocRow = (String, String, Option<String>, String, DateTime<Utc>, Option<DateTime<Utc>>);
/// Mandate: deputy, start, end.
type MandateRow = (String, NaiveDate, Option<NaiveDate>);
/// Party membership: deputy, party, start, end.
type MembershipRow = (String, String, NaiveDate, Option<NaiveDate>);

/// The stored rows of one council, as read: only the columns the metrics use (whole rows carry
/// titles, motions, transcripts and URLs that cost more to decode than everything else).
#[derive(Default)]
struct Rows {
    sessions: Vec<SessionRow>,
    items: Vec<ItemRow>,
    docs: Vec<DocRow>,
    /// Per session: the session and its vote events (id, agenda item, method, result, yes, no,
    /// abstain) [`aggregate`]d.
    votes: Vec<(String, String)>,
    /// Per session: the session and its speeches (agenda item, deputy, role, type, seconds)
    /// [`aggregate`]d.
    speeches: Vec<(String, String)>,
    mandates: Vec<MandateRow>,
    memberships: Vec<MembershipRow>,
    /// Change numbers of the council's session-record versions with provenance
    /// `public_sources`: a session whose current version is one of them is such a record.
    public_sources_seqs: HashSet<i64>,
}

/// [`load_period`] for several councils at once, in one snapshot and one query per table (so a
/// national ranking reads a batch of councils in a handful of queries). Councils without any
/// stored row are absent from the map.
pub async fn load_periods(
    db: &DatabaseConnection,
    councils: &[String],
) -> Result<HashMap<String, m::CouncilPeriod>, StoreError> {
    load_inputs(db, councils, Inputs::All).await
}

/// Which of a council's stored rows a metric computation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inputs {
    /// Every row: what [`m::council_metrics`] needs.
    All,
    /// The sessions and the vote events with the counts kept at publication (stated, else
    /// tallied from the ballots), without a ballot, speech, item or document: what
    /// [`m::council_voting_metrics`] needs. The sessions carry only their id, council, kind,
    /// status and scheduled start (no documents, times or provenance); nothing else may be
    /// computed from them. So do the sessions of [`Self::Tallies`], [`Self::Debate`] and
    /// [`Self::VoteTallies`].
    Votes,
    /// The mandates and party memberships only: what [`m::council_composition`] needs.
    Deputies,
    /// The sessions, agenda items and documents, without a vote event, ballot or speech: with
    /// each session's counts of vote events ([`load_openness`]), what [`m::council_openness`]
    /// needs.
    Openness,
    /// The sessions and the deputies, without a vote event, ballot, speech or document: with the
    /// sessions' tallies ([`load_tallied`]), what [`m::council_tally_means`] needs.
    Tallies,
    /// The sessions alone: with their debate counts ([`load_debated`]), what
    /// [`m::council_session_debate`] needs.
    Debate,
    /// The sessions alone: with their vote tallies ([`load_vote_tallied`]), what
    /// [`m::council_vote_rates`] needs.
    VoteTallies,
}

impl Inputs {
    fn sessions(self) -> bool {
        matches!(self, Self::All | Self::Votes | Self::Tallies | Self::Debate | Self::Openness | Self::VoteTallies)
    }

    fn documents(self) -> bool {
        matches!(self, Self::All | Self::Openness)
    }

    fn votes(self) -> bool {
        matches!(self, Self::All | Self::Votes)
    }

    fn details(self) -> bool {
        self == Self::All
    }

    fn deputies(self) -> bool {
        matches!(self, Self::All | Self::Deputies | Self::Tallies)
    }
}

/// [`load_periods`] reading only the rows `inputs` names: the other tables are not queried, and
/// the councils' inputs have none of their rows.
pub async fn load_inputs(
    db: &DatabaseConnection,
    councils: &[String],
    inputs: Inputs,
) -> Result<HashMap<String, m::CouncilPeriod>, StoreError> {
    let txn = super::snapshot(db).await?;
    let out = read_inputs(&txn, councils, inputs).await?;
    txn.commit().await?;
    Ok(out)
}

/// The councils' sessions and deputies ([`Inputs::Tallies`]) with the tallies of their sessions
/// kept at publication, in one snapshot: what [`m::council_tally_means`] reads.
pub async fn load_tallied(
    db: &DatabaseConnection,
    councils: &[String],
) -> Result<HashMap<String, (m::CouncilPeriod, Vec<m::DeputyTally>)>, StoreError> {
    let txn = super::snapshot(db).await?;
    let inputs = read_inputs(&txn, councils, Inputs::Tallies).await?;
    let query = session_deputy_tally::Entity::find()
        .filter(session_deputy_tally::Column::CouncilId.is_in(councils.iter().cloned()))
        .into_model::<session_deputy_tally::Model>();
    let mut kept = vec![];
    each(&txn, query, |r| {
        let tally = m::DeputyTally {
            ballots: count(r.ballots),
            present: count(r.present),
            cast: count(r.cast_ballots),
            abstentions: count(r.abstentions),
            dissents: count(r.dissents),
            deputy_speeches: count(r.deputy_speeches),
            speech_seconds: u64::try_from(r.speech_seconds).unwrap_or(0),
            session_id: r.session_id,
            deputy_id: r.deputy_id,
        };
        kept.push((r.council_id, tally));
    })
    .await?;
    txn.commit().await?;
    Ok(beside(inputs, kept))
}

/// The councils' sessions ([`Inputs::Debate`]) with the debate counts of each kept at
/// publication, in one snapshot: what [`m::council_session_debate`] reads.
pub async fn load_debated(
    db: &DatabaseConnection,
    councils: &[String],
) -> Result<HashMap<String, (m::CouncilPeriod, Vec<m::SessionDebate>)>, StoreError> {
    let txn = super::snapshot(db).await?;
    let inputs = read_inputs(&txn, councils, Inputs::Debate).await?;
    let query = session_debate_tally::Entity::find()
        .filter(session_debate_tally::Column::CouncilId.is_in(councils.iter().cloned()))
        .into_model::<session_debate_tally::Model>();
    let mut kept = vec![];
    each(&txn, query, |r| {
        let debate = m::SessionDebate {
            items_put_to_vote: count(r.items_put_to_vote),
            undiscussed_items: count(r.undiscussed_items),
            item_speakers: count(r.item_speakers),
            timed_speeches: count(r.timed_speeches),
            speech_seconds: u64::try_from(r.speech_seconds).unwrap_or(0),
            executive_seconds: u64::try_from(r.executive_seconds).unwrap_or(0),
            questions: count(r.questions),
            session_id: r.session_id,
        };
        kept.push((r.council_id, debate));
    })
    .await?;
    txn.commit().await?;
    Ok(beside(inputs, kept))
}

/// A count as stored (never negative: the projection writes what it counted).
fn count(x: i32) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// Each council's inputs with the kept rows naming it; a council with rows but no inputs (none
/// of its sessions or deputies stored) gets an empty period.
fn beside<T>(
    mut inputs: HashMap<String, m::CouncilPeriod>,
    kept: impl IntoIterator<Item = (String, T)>,
) -> HashMap<String, (m::CouncilPeriod, Vec<T>)> {
    let mut out: HashMap<String, (m::CouncilPeriod, Vec<T>)> = HashMap::new();
    for (council, row) in kept {
        let entry = match out.entry(council) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let input = inputs.remove(e.key()).unwrap_or_else(|| empty_period(e.key()));
                e.insert((input, vec![]))
            }
        };
        entry.1.push(row);
    }
    for (c, input) in inputs {
        out.insert(c, (input, vec![]));
    }
    out
}

/// The councils' sessions, agenda items and documents ([`Inputs::Openness`]) with each session's
/// counts of vote events and named ones (kept per session at publication), in one snapshot: what
/// [`m::council_openness`] reads. Councils without any such row are absent from the map.
pub async fn load_openness(
    db: &DatabaseConnection,
    councils: &[String],
) -> Result<HashMap<String, (m::CouncilPeriod, HashMap<String, m::VoteEventCounts>)>, StoreError> {
    let txn = super::snapshot(db).await?;
    let inputs = read_inputs(&txn, councils, Inputs::Openness).await?;
    let mut out: HashMap<String, (m::CouncilPeriod, HashMap<String, m::VoteEventCounts>)> =
        inputs.into_iter().map(|(c, input)| (c, (input, HashMap::new()))).collect();
    session_votes(&txn, councils, |c, session, votes| {
        let (_, counts) = out.entry(c.clone()).or_insert_with(|| (empty_period(&c), HashMap::new()));
        counts.insert(session, votes.counts);
    })
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// The councils' sessions ([`Inputs::VoteTallies`]) with the vote tally of each kept at
/// publication, in one snapshot: what [`m::council_vote_rates`] reads. A national ranking by the
/// contested share reads a row per session instead of one per vote event (195,330 at scale 10).
pub async fn load_vote_tallied(
    db: &DatabaseConnection,
    councils: &[String],
) -> Result<HashMap<String, (m::CouncilPeriod, Vec<m::SessionVoteTally>)>, StoreError> {
    let txn = super::snapshot(db).await?;
    let inputs = read_inputs(&txn, councils, Inputs::VoteTallies).await?;
    let mut kept = vec![];
    session_votes(&txn, councils, |c, session_id, votes| {
        kept.push((c, m::SessionVoteTally { session_id, tally: votes.tally }));
    })
    .await?;
    txn.commit().await?;
    Ok(beside(inputs, kept))
}

/// What is kept at publication of the vote events of each of the councils' sessions (a row of
/// `session_debate_tally` each), handed to `fold` with the council and the session.
async fn session_votes<C: ConnectionTrait + StreamTrait + Send>(
    db: &C,
    councils: &[String],
    mut fold: impl FnMut(String, String, m::SessionVotes),
) -> Result<(), StoreError> {
    use session_debate_tally::Column as T;
    let query = session_debate_tally::Entity::find()
        .select_only()
        .columns([
            T::CouncilId,
            T::SessionId,
            T::VoteEvents,
            T::NamedVoteEvents,
            T::CountedVoteEvents,
            T::UnanimousVoteEvents,
            T::VoteEventsWithVotes,
            T::ContestedVoteEvents,
        ])
        .filter(T::CouncilId.is_in(councils.iter().cloned()))
        .into_tuple::<(String, String, i32, i32, i32, i32, i32, i32)>();
    each(db, query, |(c, session, events, named, counted, unanimous, with_votes, contested)| {
        let votes = m::SessionVotes {
            counts: m::VoteEventCounts { vote_events: count(events), named: count(named) },
            tally: m::VoteTally {
                counted: count(counted),
                unanimous: count(unanimous),
                with_votes: count(with_votes),
                contested: count(contested),
            },
        };
        fold(c, session, votes);
    })
    .await
}

/// Runs `query` and hands each row to `fold` as it arrives, so that no more than the driver's
/// few rows in flight are held besides what `fold` keeps. Collecting rows first (`all`) held
/// every row twice, as the driver's values and as decoded: on SQLite those values are the
/// library's own allocations on the connection's thread, and a scale-10 ranking left hundreds of
/// MB of them in the heap of each connection it had used.
async fn each<C, S>(db: &C, query: sea_orm::Selector<S>, mut fold: impl FnMut(S::Item)) -> Result<(), StoreError>
where
    C: ConnectionTrait + StreamTrait + Send,
    S: sea_orm::SelectorTrait + Send,
    S::Item: Send,
{
    let mut rows = query.stream(db).await?;
    while let Some(row) = rows.try_next().await? {
        fold(row);
    }
    Ok(())
}

/// [`load_inputs`] within a snapshot: one query per table, each row folded into its council's
/// inputs as it is read.
#[expect(
    clippy::too_many_lines,
    reason = "one query per table in one snapshot, each folded into the councils' inputs beside the others"
)]
async fn read_inputs<C: ConnectionTrait + StreamTrait + Send>(
    db: &C,
    councils: &[String],
    inputs: Inputs,
) -> Result<HashMap<String, m::CouncilPeriod>, StoreError> {
    let backend = ConnectionTrait::get_database_backend(db);
    let ids = || councils.iter().cloned();
    let mut rows: HashMap<String, Rows> = ids().map(|c| (c, Rows::default())).collect();
    if inputs.sessions() && !inputs.documents() {
        let core = session::Entity::find()
            .select_only()
            .columns([
                session::Column::Id,
                session::Column::CouncilId,
                session::Column::Kind,
                session::Column::Status,
                session::Column::ScheduledStart,
            ])
            .filter(session::Column::CouncilId.is_in(ids()))
            .into_model::<SessionCore>();
        each(db, core, |x| {
            if let Some(r) = rows.get_mut(&x.council_id) {
                r.sessions.push(x.into());
            }
        })
        .await?;
    } else if inputs.sessions() {
        let whole = session::Entity::find()
            .select_only()
            .columns([
                session::Column::Id,
                session::Column::CouncilId,
                session::Column::Kind,
                session::Column::Status,
                session::Column::ScheduledStart,
                session::Column::ScheduledEnd,
                session::Column::ActualEnd,
                session::Column::IsOpen,
                session::Column::LivestreamUrl,
                session::Column::RecordingUrl,
                session::Column::Backfilled,
                session::Column::Synthetic,
                session::Column::LastSeq,
                session::Column::DeclaredNoticeAt,
                session::Column::AgendaFirstPublicAt,
                session::Column::MinutesFirstPublicAt,
            ])
            .filter(session::Column::CouncilId.is_in(ids()))
            .into_model::<SessionRow>();
        each(db, whole, |x| {
            if let Some(r) = rows.get_mut(&x.council_id) {
                r.sessions.push(x);
            }
        })
        .await?;
    }
    if inputs.documents() {
        let items = agenda_item::Entity::find()
            .select_only()
            .columns([
                agenda_item::Column::CouncilId,
                agenda_item::Column::Id,
                agenda_item::Column::SessionId,
                agenda_item::Column::IsOpen,
            ])
            .filter(agenda_item::Column::CouncilId.is_in(ids()))
            .into_tuple::<(String, String, String, bool)>();
        each(db, items, |(c, id, session, is_open)| {
            if let Some(r) = rows.get_mut(&c) {
                r.items.push((id, session, is_open));
            }
        })
        .await?;
        // Every document: an item's count for `documents`, and in a backfilled session any
        // document without a declared time makes `documents` null (v1.1); the minutes carry their
        // declared time.
        let docs = document::Entity::find()
            .select_only()
            .columns([
                document::Column::CouncilId,
                document::Column::SessionId,
                document::Column::AgendaItemId,
                document::Column::Kind,
                document::Column::FirstPublicAt,
                document::Column::DeclaredPublicAt,
            ])
            .filter(document::Column::CouncilId.is_in(ids()))
            .into_tuple::<CouncilDocRow>();
        each(db, docs, |(c, session, item, kind, first_public, declared)| {
            if let Some(r) = rows.get_mut(&c) {
                r.docs.push((session, item, kind, first_public, declared));
            }
        })
        .await?;
        // Session-record versions compiled from public sources (normally none: the index on
        // council and provenance answers without reading bodies).
        let sourced = document_version::Entity::find()
            .select_only()
            .columns([document_version::Column::CouncilId, document_version::Column::Seq])
            .filter(document_version::Column::CouncilId.is_in(ids()))
            .filter(document_version::Column::Provenance.eq("public_sources"))
            .filter(document_version::Column::Kind.eq(crate::store::DocKind::SessionRecord.as_str()))
            .into_tuple::<(Option<String>, i64)>();
        each(db, sourced, |(c, seq)| {
            if let Some(r) = c.and_then(|c| rows.get_mut(&c)) {
                r.public_sources_seqs.insert(seq);
            }
        })
        .await?;
    }
    if inputs.votes() {
        // Vote events: one row per session, its vote events concatenated (see `aggregate`); a
        // national ranking reads every vote event of the country, and a row each cost five times
        // the query (issue 25).
        let votes = vote_event::Entity::find()
            .select_only()
            .columns([vote_event::Column::CouncilId, vote_event::Column::SessionId])
            .column_as(
                aggregate(
                    backend,
                    &[
                        "\"id\"",
                        "\"agenda_item_id\"",
                        "\"method\"",
                        "\"result\"",
                        "coalesce(cast(\"yes_count\" as text), '')",
                        "coalesce(cast(\"no_count\" as text), '')",
                        "coalesce(cast(\"abstain_count\" as text), '')",
                    ],
                ),
                "votes",
            )
            .filter(vote_event::Column::CouncilId.is_in(ids()))
            .group_by(vote_event::Column::CouncilId)
            .group_by(vote_event::Column::SessionId)
            .into_tuple::<(String, String, String)>();
        each(db, votes, |(c, session, list)| {
            if let Some(r) = rows.get_mut(&c) {
                r.votes.push((session, list));
            }
        })
        .await?;
    }
    if inputs.details() {
        // Speeches: one row per session, its speeches concatenated (see `aggregate`).
        let speeches = speech::Entity::find()
            .select_only()
            .columns([speech::Column::CouncilId, speech::Column::SessionId])
            .column_as(
                aggregate(
                    backend,
                    &[
                        "coalesce(\"agenda_item_id\", '')",
                        "coalesce(\"deputy_id\", '')",
                        "\"speaker_role\"",
                        "\"speech_type\"",
                        "coalesce(cast(\"seconds\" as text), '')",
                    ],
                ),
                "speeches",
            )
            .filter(speech::Column::CouncilId.is_in(ids()))
            .group_by(speech::Column::CouncilId)
            .group_by(speech::Column::SessionId)
            .into_tuple::<(String, String, String)>();
        each(db, speeches, |(c, session, list)| {
            if let Some(r) = rows.get_mut(&c) {
                r.speeches.push((session, list));
            }
        })
        .await?;
    }
    if inputs.deputies() {
        let mandates = mandate::Entity::find()
            .select_only()
            .columns([
                mandate::Column::CouncilId,
                mandate::Column::DeputyId,
                mandate::Column::StartDate,
                mandate::Column::EndDate,
            ])
            .filter(mandate::Column::CouncilId.is_in(ids()))
            .into_tuple::<(String, String, NaiveDate, Option<NaiveDate>)>();
        each(db, mandates, |(c, deputy, start, end)| {
            if let Some(r) = rows.get_mut(&c) {
                r.mandates.push((deputy, start, end));
            }
        })
        .await?;
        let memberships = party_membership::Entity::find()
            .select_only()
            .columns([
                party_membership::Column::CouncilId,
                party_membership::Column::DeputyId,
                party_membership::Column::PartyId,
                party_membership::Column::StartDate,
                party_membership::Column::EndDate,
            ])
            .filter(party_membership::Column::CouncilId.is_in(ids()))
            .into_tuple::<(String, String, String, NaiveDate, Option<NaiveDate>)>();
        each(db, memberships, |(c, deputy, party, start, end)| {
            if let Some(r) = rows.get_mut(&c) {
                r.memberships.push((deputy, party, start, end));
            }
        })
        .await?;
    }
    // Ballots of the councils' sessions (by the session index: through the vote events,
    // PostgreSQL scans every ballot), one row per vote event with its ballots concatenated (a
    // named vote has up to 200), parsed as they arrive.
    let mut ballots: HashMap<String, Vec<m::Ballot>> = HashMap::new();
    if inputs.details() {
        let of_sessions = session::Entity::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::CouncilId.is_in(ids()))
            .into_query();
        let lists = ballot::Entity::find()
            .select_only()
            .column(ballot::Column::VoteEventId)
            .column_as(aggregate(backend, &["\"deputy_id\"", "\"option\""]), "ballots")
            .filter(ballot::Column::SessionId.in_subquery(of_sessions))
            .group_by(ballot::Column::VoteEventId)
            .into_tuple::<(String, String)>();
        each(db, lists, |(vote_event_id, list)| {
            let parsed = records(&list)
                .filter_map(|mut f| {
                    let (deputy_id, option) = (f.next()?, f.next()?);
                    Some(m::Ballot { deputy_id: deputy_id.to_owned(), option: parse_enum(option)? })
                })
                .collect();
            ballots.insert(vote_event_id, parsed);
        })
        .await?;
    }
    Ok(rows
        .into_iter()
        .filter(|(_, r)| !r.is_empty())
        .map(|(c, r)| (c.clone(), assemble(&c, r, &mut ballots)))
        .collect())
}

impl Rows {
    fn is_empty(&self) -> bool {
        self.sessions.is_empty()
            && self.items.is_empty()
            && self.docs.is_empty()
            && self.votes.is_empty()
            && self.speeches.is_empty()
            && self.mandates.is_empty()
            && self.memberships.is_empty()
            && self.public_sources_seqs.is_empty()
    }
}

/// The documents of one session as metric inputs: each item's documents, the documents attached
/// to no item, and the minutes' time. Each document carries its declared time when the session is
/// backfilled and the record declares one, else its witnessed time (which, in a backfilled
/// session, counts as no declared time; see [`m::Session`]).
#[derive(Default)]
struct SessionDocs {
    by_item: HashMap<String, Vec<m::PublicTime>>,
    unattached: Vec<m::PublicTime>,
    /// Whether the session has minutes, and the earliest declared time among them.
    has_minutes: bool,
    minutes_declared: Option<DateTime<Utc>>,
}

fn session_docs(docs: Vec<DocRow>, backfilled: &HashMap<String, bool>) -> HashMap<String, SessionDocs> {
    let mut out: HashMap<String, SessionDocs> = HashMap::new();
    for (session_id, item, kind, witnessed, declared) in docs {
        let is_backfilled = backfilled.get(&session_id).copied().unwrap_or(false);
        let time = match declared {
            Some(at) if is_backfilled => m::PublicTime::declared(at),
            _ => m::PublicTime::witnessed(witnessed),
        };
        let d = out.entry(session_id).or_default();
        if kind == crate::domain::enums::DocumentKind::Minutes.as_str() {
            d.has_minutes = true;
            if let Some(at) = declared {
                d.minutes_declared = Some(d.minutes_declared.map_or(at, |earliest| earliest.min(at)));
            }
        }
        match item {
            Some(item) => d.by_item.entry(item).or_default().push(time),
            None => d.unattached.push(time),
        }
    }
    out
}

/// The minutes' time of a session: witnessed unless backfilled; for a backfilled session the
/// minutes' declared time, or (minutes without one) the witnessed time, which counts as none.
fn minutes_time(row: &SessionRow, docs: Option<&SessionDocs>) -> Option<m::PublicTime> {
    let witnessed = row.minutes_first_public_at.map(m::PublicTime::witnessed);
    if !row.backfilled {
        return witnessed;
    }
    match docs {
        Some(d) if d.has_minutes => d.minutes_declared.map(m::PublicTime::declared).or(witnessed),
        _ => None,
    }
}

/// One session row as a metric input.
fn session_input(s: SessionRow, docs: Option<&mut SessionDocs>, sourced: &HashSet<i64>) -> Option<m::Session> {
    let minutes_first_public = minutes_time(&s, docs.as_deref());
    Some(m::Session {
        kind: parse_enum(&s.kind)?,
        status: parse_enum(&s.status)?,
        scheduled_start: s.scheduled_start,
        scheduled_end: s.scheduled_end,
        actual_end: s.actual_end,
        is_open: s.is_open,
        has_livestream: s.livestream_url.is_some(),
        has_recording: s.recording_url.is_some(),
        backfilled: s.backfilled,
        agenda_first_public: if s.backfilled {
            s.declared_notice_at.map(m::PublicTime::declared)
        } else {
            s.agenda_first_public_at.map(m::PublicTime::witnessed)
        },
        minutes_first_public,
        provenance: if sourced.contains(&s.last_seq) {
            m::Provenance::PublicSources
        } else if s.synthetic {
            m::Provenance::Synthetic
        } else {
            m::Provenance::Council
        },
        unattached_documents: docs.map(|d| std::mem::take(&mut d.unattached)).unwrap_or_default(),
        id: s.id,
    })
}

/// The vote events of [`aggregate`]d rows (session, vote events), each with its ballots (taken out
/// of `ballots`). A vote event whose method or result does not parse is no input.
fn vote_events(votes: &[(String, String)], ballots: &mut HashMap<String, Vec<m::Ballot>>) -> Vec<m::VoteEvent> {
    let mut out = vec![];
    for (session_id, list) in votes {
        for mut f in records(list) {
            let (Some(id), Some(item), Some(method), Some(result)) = (f.next(), f.next(), f.next(), f.next()) else {
                continue;
            };
            let (Some(method), Some(result)) = (parse_enum(method), parse_enum(result)) else {
                continue;
            };
            let (yes, no, abstain) = (count_field(f.next()), count_field(f.next()), count_field(f.next()));
            out.push(m::VoteEvent {
                method,
                result,
                counts: yes.map(|yes| m::VoteCounts { yes, no: no.unwrap_or(0), abstain: abstain.unwrap_or(0) }),
                ballots: ballots.remove(id).unwrap_or_default(),
                id: id.to_owned(),
                session_id: session_id.clone(),
                agenda_item_id: item.to_owned(),
            });
        }
    }
    out
}

/// One council's rows as metric inputs.
fn assemble(council_id: &str, r: Rows, ballots: &mut HashMap<String, Vec<m::Ballot>>) -> m::CouncilPeriod {
    let Rows { sessions, items, docs, votes, speeches, mandates, memberships, public_sources_seqs } = r;
    let backfilled: HashMap<String, bool> = sessions.iter().map(|s| (s.id.clone(), s.backfilled)).collect();
    let mut docs = session_docs(docs, &backfilled);
    let mut deputies: HashMap<String, m::Deputy> = HashMap::new();
    for (deputy_id, start, end) in mandates {
        deputies
            .entry(deputy_id.clone())
            .or_insert_with(|| m::Deputy { id: deputy_id, mandates: vec![], party_memberships: vec![] })
            .mandates
            .push(m::DateRange { start, end });
    }
    for (deputy_id, party_id, start, end) in memberships {
        if let Some(d) = deputies.get_mut(&deputy_id) {
            d.party_memberships.push(m::PartyMembership { party_id, period: m::DateRange { start, end } });
        }
    }
    let sessions: Vec<m::Session> = sessions
        .into_iter()
        .filter_map(|s| {
            let d = docs.get_mut(&s.id);
            session_input(s, d, &public_sources_seqs)
        })
        .collect();
    m::CouncilPeriod {
        council_id: council_id.to_owned(),
        sessions,
        agenda_items: items
            .into_iter()
            .map(|(id, session_id, is_open)| m::AgendaItem {
                documents_first_public: docs
                    .get_mut(&session_id)
                    .and_then(|d| d.by_item.remove(&id))
                    .unwrap_or_default(),
                id,
                session_id,
                is_open,
            })
            .collect(),
        vote_events: vote_events(&votes, ballots),
        speeches: speeches
            .iter()
            .flat_map(|(session_id, list)| {
                records(list).filter_map(move |mut f| {
                    let (item, deputy, role, speech_type, seconds) =
                        (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
                    Some(m::Speech {
                        role: parse_enum(role)?,
                        speech_type: parse_enum(speech_type)?,
                        session_id: session_id.clone(),
                        agenda_item_id: non_empty(item),
                        deputy_id: non_empty(deputy),
                        seconds: seconds.parse::<i64>().ok().map(|x| x.max(0) as u64),
                    })
                })
            })
            .collect(),
        deputies: deputies.into_values().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{RECORD, UNIT, records};

    #[test]
    fn an_aggregate_of_no_rows_has_no_records_and_empty_fields_stay_fields() {
        assert_eq!(records("").count(), 0);
        let list = format!("d1{UNIT}yes{RECORD}d2{UNIT}");
        let parsed: Vec<Vec<&str>> = records(&list).map(Iterator::collect).collect();
        assert_eq!(parsed, [vec!["d1", "yes"], vec!["d2", ""]]);
    }
}
