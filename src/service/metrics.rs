//! Openness, debate, voting and composition metrics (method v1) per council, group and deputy,
//! and rankings of every council by one metric: the periods they cover, their computation in
//! batches, and their caches.
//!
//! A council's metrics are cached per (council, period, moment) and stay valid while the newest
//! change number of the council's documents is the one they were computed at, so an answer
//! always reflects every accepted publication. Rankings are cached whole, valid while the newest
//! change number of any council's documents holds.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, DurationRound, NaiveDate, Utc};

use super::{Error, Service};
use crate::domain::enums::Level;
use crate::domain::metrics as m;
use crate::store::{self, Db, paging, read};

/// The first day of the period when the client gives none: the start of the VIII convocation
/// (elected March 2023, the first under the 2023 rules).
pub const DEFAULT_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2023, 3, 19) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// At most this many council results are cached: every council of a scale-10 country for one
/// moment, with room to spare.
const COUNCILS_CACHED: usize = 3000;

/// At most this many rankings are cached (parameters vary little in practice: metric, level,
/// order, and the minute of `as_of`).
const RANKINGS_CACHED: usize = 256;

/// Councils read per batch: few queries, and memory bounded whatever the scale.
const BATCH: usize = 24;

/// Locks that concurrent misses of one computation take turns on (keys are spread over them by
/// hash): the first computes, the others then find its result in the cache.
const TURNS: usize = 32;

/// The computed results a server keeps. Bounded: the least useful entries go first (a moment
/// nobody asks about any more, once `as_of` has moved on).
pub(super) struct Caches {
    /// A council's metrics for a period and moment, with the change number they were computed at.
    councils: quick_cache::sync::Cache<(String, Period), (i64, Arc<m::CouncilMetrics>)>,
    /// Whole rankings, with the newest change number of any council's documents at the time.
    rankings: quick_cache::sync::Cache<RankingKey, (i64, Arc<Ranking>)>,
    /// After a publication every reader misses at once (the home page in three languages, the
    /// rankings page and the API all want the same ranking): one computation per key, not one per
    /// request, which would hold every database connection with the same work.
    council_turns: [tokio::sync::Mutex<()>; TURNS],
    ranking_turns: [tokio::sync::Mutex<()>; TURNS],
    /// How many councils' metrics and how many rankings were computed (not taken from the cache).
    councils_computed: AtomicU64,
    rankings_computed: AtomicU64,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            councils: quick_cache::sync::Cache::new(COUNCILS_CACHED),
            rankings: quick_cache::sync::Cache::new(RANKINGS_CACHED),
            council_turns: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            ranking_turns: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            councils_computed: AtomicU64::new(0),
            rankings_computed: AtomicU64::new(0),
        }
    }
}

/// The lock of `key`'s stripe among `turns`.
fn turn<'a, K: Hash>(turns: &'a [tokio::sync::Mutex<()>; TURNS], key: &K) -> &'a tokio::sync::Mutex<()> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    // The remainder is below TURNS, so the cast cannot truncate.
    #[expect(clippy::cast_possible_truncation, reason = "a remainder below TURNS")]
    let i = (h.finish() % TURNS as u64) as usize;
    &turns[i]
}

/// How many councils' metrics and how many rankings this server has computed rather than taken
/// from its cache (for tests and diagnostics).
pub fn computed(svc: &Service) -> (u64, u64) {
    (svc.metrics.councils_computed.load(Ordering::Relaxed), svc.metrics.rankings_computed.load(Ordering::Relaxed))
}

/// The period a client asks for; each part defaults (see [`resolve`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct PeriodQuery {
    /// First local date.
    pub from: Option<NaiveDate>,
    /// Last local date.
    pub to: Option<NaiveDate>,
    /// The moment of evaluation.
    pub as_of: Option<DateTime<Utc>>,
}

/// The resolved period and evaluation moment of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// First local date.
    pub from: NaiveDate,
    /// Last local date.
    pub to: NaiveDate,
    /// The moment of evaluation: publications received later count as not yet made.
    pub as_of: DateTime<Utc>,
}

/// Fills in a period: `as_of` = now, rounded down to the minute but never before the newest
/// publication considered (`newest`), so nothing accepted is hidden and repeated requests within
/// a minute hit the cache; `to` = `as_of`'s local date; `from` = [`DEFAULT_FROM`]. A period that
/// ends before it starts is refused.
pub fn resolve(q: PeriodQuery, newest: Option<DateTime<Utc>>) -> Result<Period, Error> {
    let now = Utc::now();
    let as_of = q.as_of.unwrap_or_else(|| {
        let minute = now.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(now);
        newest.map_or(minute, |n| n.max(minute))
    });
    let to = q.to.unwrap_or_else(|| crate::domain::session::local_date(as_of));
    let from = q.from.unwrap_or(DEFAULT_FROM);
    if from > to {
        let message = match (q.from, q.to) {
            (None, _) => {
                format!("to ({to}) is before the default from ({DEFAULT_FROM}); send an earlier to, or a from")
            }
            (Some(_), None) => format!("from ({from}) is after the default to ({to}, as_of's date); send a later to"),
            _ => "from must not be after to".to_owned(),
        };
        return Err(Error::BadRequest(message));
    }
    Ok(Period { from, to, as_of })
}

/// A council's metrics with what the answer must say about their sources.
#[derive(Debug, Clone)]
pub struct CouncilReport {
    /// The metrics.
    pub metrics: Arc<m::CouncilMetrics>,
    /// The council's records are made up (demo data).
    pub synthetic: bool,
    /// The provenance kinds of the council documents they were computed from.
    pub provenance: Vec<String>,
}

/// Every metric of council `id` for a period.
#[tracing::instrument(skip(svc), err(level = "debug"))]
pub async fn council(svc: &Service, id: &str, q: PeriodQuery) -> Result<CouncilReport, Error> {
    let state = known(svc, id).await?;
    let p = resolve(q, state.newest)?;
    let metrics = compute(svc, id, p, state.seq).await?;
    Ok(CouncilReport { metrics, synthetic: state.synthetic, provenance: state.provenance })
}

/// Council `id`'s state for its metrics (one query), or not found.
async fn known(svc: &Service, id: &str) -> Result<store::metrics::CouncilState, Error> {
    store::metrics::council_state(&svc.reads().await, id)
        .await?
        .ok_or_else(|| Error::from(store::StoreError::NotFound(format!("council {id}"))))
}

/// The metrics of council `id` for a period, of which the per-deputy ones are what
/// `list_deputy_metrics` serves.
pub async fn council_deputies(svc: &Service, id: &str, q: PeriodQuery) -> Result<Arc<m::CouncilMetrics>, Error> {
    Ok(council_in(svc, id, q).await?.1)
}

/// The metrics of council `id` (not found when it does not exist) for the period `q` resolves
/// to, from the cache while current.
async fn council_in(svc: &Service, id: &str, q: PeriodQuery) -> Result<(Period, Arc<m::CouncilMetrics>), Error> {
    let state = known(svc, id).await?;
    let p = resolve(q, state.newest)?;
    Ok((p, compute(svc, id, p, state.seq).await?))
}

/// The metrics of existing council `id` (a page that has read it with its data version `seq` and
/// `newest`, see [`super::councils::row_versioned`]) for the period `q` resolves to, and for each
/// of the periods `more` names from those (a page's trend by year): nothing read but each period's
/// metrics, from the cache while current.
pub async fn council_known(
    svc: &Service,
    id: &str,
    (seq, newest): (i64, Option<DateTime<Utc>>),
    q: PeriodQuery,
    more: impl FnOnce(&m::CouncilMetrics) -> Vec<PeriodQuery>,
) -> Result<(Arc<m::CouncilMetrics>, Vec<Arc<m::CouncilMetrics>>), Error> {
    let first = compute(svc, id, resolve(q, newest)?, seq).await?;
    let periods = more(&first);
    let mut out = Vec::with_capacity(periods.len());
    for q in periods {
        out.push(compute(svc, id, resolve(q, newest)?, seq).await?);
    }
    Ok((first, out))
}

/// A page of the held sessions of a council in a period with their openness components.
#[derive(Debug, Clone)]
pub struct SessionOpennessPage {
    /// The resolved period.
    pub period: Period,
    /// Method version.
    pub method: String,
    /// The sessions, by scheduled start then id.
    pub items: Vec<m::SessionOpenness>,
    /// The cursor of the next page.
    pub next: Option<String>,
}

/// The openness components of each held session of council `id` in a period, by scheduled start
/// then id: `limit` of them after `cursor` (from a previous page's `next`).
#[tracing::instrument(skip(svc), err(level = "debug"))]
pub async fn session_openness(
    svc: &Service,
    id: &str,
    q: PeriodQuery,
    cursor: Option<&str>,
    limit: u64,
) -> Result<SessionOpennessPage, Error> {
    let after = cursor.filter(|c| !c.is_empty()).map(session_cursor).transpose()?;
    let (period, x) = council_in(svc, id, q).await?;
    let rest: Vec<m::SessionOpenness> = by_start(&x)
        .into_iter()
        .filter(|s| after.as_ref().is_none_or(|(t, sid)| (s.scheduled_start, &s.session_id) > (*t, sid)))
        .cloned()
        .collect();
    let page = paging::page(rest, limit, |s| format!("{}|{}", s.scheduled_start.to_rfc3339(), s.session_id));
    Ok(SessionOpennessPage { period, method: x.method.clone(), items: page.items, next: page.next })
}

/// The held sessions of computed metrics with their openness components, by scheduled start then
/// id (what the council page shows).
pub fn sessions_by_start(x: &m::CouncilMetrics) -> Vec<m::SessionOpenness> {
    by_start(x).into_iter().cloned().collect()
}

/// The metrics of existing councils for one period given in full (a ranking's, whose rows a page
/// details): each council's data version read, nothing else, and its metrics from the cache while
/// current.
pub async fn councils_at(
    svc: &Service,
    ids: &[&str],
    p: Period,
) -> Result<HashMap<String, Arc<m::CouncilMetrics>>, Error> {
    let mut out = HashMap::with_capacity(ids.len());
    for &id in ids {
        let (seq, _) = store::metrics::data_version(&svc.reads().await, Some(id)).await?;
        out.insert(id.to_owned(), compute(svc, id, p, seq).await?);
    }
    Ok(out)
}

/// The openness components of one held session of `council` on `date`, as of now; `None` when
/// the session is not held by then.
pub async fn session_openness_on(
    svc: &Service,
    council: &str,
    session_id: &str,
    date: NaiveDate,
) -> Result<Option<m::SessionOpenness>, Error> {
    let q = PeriodQuery { from: Some(date), to: Some(date), as_of: None };
    let (_, x) = council_in(svc, council, q).await?;
    Ok(x.openness.sessions.iter().find(|s| s.session_id == session_id).cloned())
}

fn by_start(x: &m::CouncilMetrics) -> Vec<&m::SessionOpenness> {
    let mut sessions: Vec<&m::SessionOpenness> = x.openness.sessions.iter().collect();
    sessions.sort_by(|a, b| (a.scheduled_start, &a.session_id).cmp(&(b.scheduled_start, &b.session_id)));
    sessions
}

/// A `session-openness` cursor: the scheduled start and id of the last session of a page.
fn session_cursor(c: &str) -> Result<(DateTime<Utc>, String), Error> {
    let bad = || Error::BadRequest("cursor: not one from links.next".into());
    let (t, id) = c.split_once('|').ok_or_else(bad)?;
    let t = DateTime::parse_from_rfc3339(t).map_err(|_| bad())?.with_timezone(&Utc);
    Ok((t, id.to_owned()))
}

/// One deputy's metrics for a period. They need the whole council (party lines, sessions
/// served); a deputy with no mandate is not found.
#[tracing::instrument(skip(svc), err(level = "debug"))]
pub async fn deputy(svc: &Service, id: &str, q: PeriodQuery) -> Result<m::DeputyMetrics, Error> {
    let council = read::deputies::get_deputy(&svc.reads().await, id).await?.council_id;
    let (_, newest) = store::metrics::data_version(&svc.reads().await, Some(&council)).await?;
    let p = resolve(q, newest)?;
    let input = store::metrics::load_period(&svc.reads().await, &council).await?;
    m::deputy_metrics(&input, id, p.from, p.to, p.as_of, m::almaty_offset())
        .ok_or_else(|| Error::NotFound(format!("deputy {id} has no mandate")))
}

/// The metrics of one council, from the cache or computed.
async fn compute(svc: &Service, council: &str, p: Period, seq: i64) -> Result<Arc<m::CouncilMetrics>, Error> {
    let key = (council.to_owned(), p);
    if let Some((at, hit)) = svc.metrics.councils.get(&key)
        && at == seq
    {
        return Ok(hit);
    }
    // Concurrent misses of this council wait for the first; `compute_many` then finds its result.
    let _turn = turn(&svc.metrics.council_turns, &key).lock().await;
    let mut one = compute_many(svc, &[(council.to_owned(), seq)], p).await?;
    Ok(one.remove(council).unwrap_or_else(|| {
        Arc::new(m::council_metrics(&store::metrics::empty_period(council), p.from, p.to, p.as_of, m::almaty_offset()))
    }))
}

/// The metrics of many councils (each with the change number its result must carry): cached
/// ones from the cache, the others read in batches (one snapshot and a handful of queries per
/// batch), computed and cached. Batches run side by side, one per core: reading rows costs CPU
/// in the database driver as much as in decoding them, and one batch at a time keeps one core
/// busy.
#[tracing::instrument(skip_all, fields(councils = councils.len(), from = %p.from, to = %p.to, as_of = %p.as_of))]
async fn compute_many(
    svc: &Service,
    councils: &[(String, i64)],
    p: Period,
) -> Result<HashMap<String, Arc<m::CouncilMetrics>>, Error> {
    let mut out = HashMap::new();
    let mut missing = vec![];
    for (c, seq) in councils {
        match svc.metrics.councils.get(&(c.clone(), p)) {
            Some((at, hit)) if at == *seq => {
                out.insert(c.clone(), hit);
            }
            _ => missing.push((c.clone(), *seq)),
        }
    }
    let parallel = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let mut batches = missing.chunks(BATCH).map(<[(String, i64)]>::to_vec);
    // Dropping the set (the request went away, or a batch failed) aborts the other batches.
    let mut running = tokio::task::JoinSet::new();
    // The batches run as tasks of their own, outside the request's read scope: they read the
    // database the request was given.
    let reads = svc.reads().await;
    let spawn = |running: &mut tokio::task::JoinSet<_>, batch: Vec<(String, i64)>| {
        let db = reads.clone();
        running.spawn(async move { compute_batch(&db, batch, p).await });
    };
    for batch in batches.by_ref().take(parallel) {
        spawn(&mut running, batch);
    }
    while let Some(done) = running.join_next().await {
        let computed = done.map_err(|e| Error::Internal(format!("a metrics batch failed: {e}")))??;
        if let Some(batch) = batches.next() {
            spawn(&mut running, batch);
        }
        svc.metrics.councils_computed.fetch_add(computed.len() as u64, Ordering::Relaxed);
        for (c, seq, result) in computed {
            svc.metrics.councils.insert((c.clone(), p), (seq, result.clone()));
            out.insert(c, result);
        }
    }
    Ok(out)
}

/// Reads one batch of councils in one snapshot and computes their metrics.
async fn compute_batch(
    db: &Db,
    batch: Vec<(String, i64)>,
    p: Period,
) -> Result<Vec<(String, i64, Arc<m::CouncilMetrics>)>, Error> {
    let ids: Vec<String> = batch.iter().map(|(c, _)| c.clone()).collect();
    let mut inputs = store::metrics::load_periods(db, &ids).await?;
    Ok(batch
        .into_iter()
        .map(|(c, seq)| {
            let input = inputs.remove(&c).unwrap_or_else(|| store::metrics::empty_period(&c));
            let result = Arc::new(m::council_metrics(&input, p.from, p.to, p.as_of, m::almaty_offset()));
            (c, seq, result)
        })
        .collect())
}

/// At most this many councils read per batch when a ranking's metric needs only some rows (no
/// ballot or speech). As many as [`BATCH`]: 112 per batch (the 223 councils split over 2 cores)
/// almost doubled a scale-10 server's peak memory over three rankings (rows streamed, see
/// `store::metrics`), for no gain in time.
const PARTIAL_BATCH: usize = BATCH;

/// The value of one metric for many councils whose metric needs only some rows (see
/// [`RankingMetric::inputs`]): from the cached whole metrics of a council where they are current,
/// else computed from those rows alone, in batches side by side. These values are not cached per
/// council (the ranking is, whole).
async fn compute_values(
    svc: &Service,
    councils: &[(String, i64)],
    p: Period,
    metric: RankingMetric,
) -> Result<HashMap<String, m::MetricValue>, Error> {
    let mut out = HashMap::new();
    let mut missing = vec![];
    for (c, seq) in councils {
        match svc.metrics.councils.get(&(c.clone(), p)) {
            Some((at, hit)) if at == *seq => {
                out.insert(c.clone(), *metric.pick(&hit));
            }
            _ => missing.push(c.clone()),
        }
    }
    let parallel = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    // Even batches, at most PARTIAL_BATCH councils each: few councils are split over the cores
    // rather than left in one batch on one core.
    let size = missing.len().div_ceil(parallel).clamp(1, PARTIAL_BATCH);
    let mut batches = missing.chunks(size).map(<[String]>::to_vec);
    let mut running = tokio::task::JoinSet::new();
    let reads = svc.reads().await;
    let spawn = |running: &mut tokio::task::JoinSet<_>, batch: Vec<String>| {
        let db = reads.clone();
        running.spawn(async move { value_batch(&db, batch, p, metric).await });
    };
    for batch in batches.by_ref().take(parallel) {
        spawn(&mut running, batch);
    }
    while let Some(done) = running.join_next().await {
        let computed = done.map_err(|e| Error::Internal(format!("a metrics batch failed: {e}")))??;
        if let Some(batch) = batches.next() {
            spawn(&mut running, batch);
        }
        out.extend(computed);
    }
    Ok(out)
}

/// Reads the rows one batch of councils needs for `metric` in one snapshot and computes it.
async fn value_batch(
    db: &Db,
    batch: Vec<String>,
    p: Period,
    metric: RankingMetric,
) -> Result<Vec<(String, m::MetricValue)>, Error> {
    let mut loaded: HashMap<String, (m::CouncilPeriod, Kept)> = match metric.inputs() {
        store::metrics::Inputs::Tallies => store::metrics::load_tallied(db, &batch)
            .await?
            .into_iter()
            .map(|(c, (input, tallies))| (c, (input, Kept { tallies, ..Kept::default() })))
            .collect(),
        store::metrics::Inputs::Debate => store::metrics::load_debated(db, &batch)
            .await?
            .into_iter()
            .map(|(c, (input, debates))| (c, (input, Kept { debates, ..Kept::default() })))
            .collect(),
        store::metrics::Inputs::VoteTallies => store::metrics::load_vote_tallied(db, &batch)
            .await?
            .into_iter()
            .map(|(c, (input, vote_tallies))| (c, (input, Kept { vote_tallies, ..Kept::default() })))
            .collect(),
        store::metrics::Inputs::Openness => store::metrics::load_openness(db, &batch)
            .await?
            .into_iter()
            .map(|(c, (input, vote_counts))| (c, (input, Kept { vote_counts, ..Kept::default() })))
            .collect(),
        inputs => store::metrics::load_inputs(db, &batch, inputs)
            .await?
            .into_iter()
            .map(|(c, input)| (c, (input, Kept::default())))
            .collect(),
    };
    Ok(batch
        .into_iter()
        .map(|c| {
            let (input, kept) =
                loaded.remove(&c).unwrap_or_else(|| (store::metrics::empty_period(&c), Kept::default()));
            let value = metric.pick_partial(&input, &kept, p);
            (c, value)
        })
        .collect())
}

/// The metric inputs kept at publication that a partial computation reads beside a council's
/// rows: its sessions' tallies ([`store::metrics::Inputs::Tallies`]), debate counts
/// ([`store::metrics::Inputs::Debate`]), vote tallies ([`store::metrics::Inputs::VoteTallies`])
/// or counts of vote events ([`store::metrics::Inputs::Openness`]).
#[derive(Debug, Clone, Default)]
pub struct Kept {
    /// The tallies of the council's sessions.
    pub tallies: Vec<m::DeputyTally>,
    /// The debate counts of the council's sessions.
    pub debates: Vec<m::SessionDebate>,
    /// Each session's counts of vote events and named ones, by session id.
    pub vote_counts: HashMap<String, m::VoteEventCounts>,
    /// The vote tallies of the council's sessions.
    pub vote_tallies: Vec<m::SessionVoteTally>,
}

/// Council-level metrics a ranking can order by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RankingMetric {
    /// Openness score (0–100).
    OpennessScore,
    /// Notice component.
    Notice,
    /// Documents component.
    Documents,
    /// Open-items component.
    OpenItems,
    /// Broadcast component.
    Broadcast,
    /// Minutes component.
    Minutes,
    /// Roll-call component.
    RollCall,
    /// Undiscussed item share.
    UndiscussedItemShare,
    /// Speakers per item.
    SpeakersPerItem,
    /// Silent deputy share.
    SilentDeputyShare,
    /// Speaking-time Gini.
    SpeakingTimeGini,
    /// Executive share of speaking time.
    ExecutiveShare,
    /// Questions per session.
    QuestionsPerSession,
    /// Unanimity rate.
    UnanimityRate,
    /// Contested vote share.
    ContestedShare,
    /// Mean dissent.
    MeanDissent,
    /// Non-partisan seat share.
    NonPartisanShare,
    /// Largest party's seat share.
    LargestPartyShare,
    /// Effective number of parties.
    EnpSeats,
    /// Effective number of parties, non-partisans as a bloc.
    EnpSeatsBloc,
    /// Mean attendance.
    AttendanceRate,
    /// Mean abstention.
    AbstentionRate,
    /// Mean losing-side rate.
    LosingSideRate,
    /// Mean rebellion rate.
    RebellionRate,
    /// Mean speeches per session.
    SpeechesPerSession,
}

impl RankingMetric {
    /// The stored rows this metric reads: the unanimity rate and the contested share the
    /// sessions' vote tallies (kept per session at publication), the mean dissent the vote
    /// events' counts kept at publication, the composition the deputies, the per-deputy means
    /// (less the rebellion rate), the silent-deputy share and the speaking-time Gini the
    /// sessions' tallies, the other debate metrics the sessions' debate counts, the openness the
    /// sessions, items, documents and counts of vote events, and the rebellion rate every row.
    pub fn inputs(self) -> store::metrics::Inputs {
        use RankingMetric as R;
        use store::metrics::Inputs;
        match self {
            R::UnanimityRate | R::ContestedShare => Inputs::VoteTallies,
            R::MeanDissent => Inputs::Votes,
            R::NonPartisanShare | R::LargestPartyShare | R::EnpSeats | R::EnpSeatsBloc => Inputs::Deputies,
            R::AttendanceRate
            | R::AbstentionRate
            | R::LosingSideRate
            | R::SpeechesPerSession
            | R::SilentDeputyShare
            | R::SpeakingTimeGini => Inputs::Tallies,
            R::UndiscussedItemShare | R::SpeakersPerItem | R::ExecutiveShare | R::QuestionsPerSession => Inputs::Debate,
            R::OpennessScore | R::Notice | R::Documents | R::OpenItems | R::Broadcast | R::Minutes | R::RollCall => {
                Inputs::Openness
            }
            R::RebellionRate => Inputs::All,
        }
    }

    /// This metric's value computed from an input of the rows [`Self::inputs`] names and what is
    /// [`Kept`] for it: equal to [`Self::pick`] of
    /// [`m::council_metrics`] over every row.
    pub fn pick_partial(self, input: &m::CouncilPeriod, kept: &Kept, p: Period) -> m::MetricValue {
        use RankingMetric as R;
        let offset = m::almaty_offset();
        match self.inputs() {
            store::metrics::Inputs::Votes => {
                let v = m::council_voting_metrics(input, p.from, p.to, p.as_of, offset);
                match self {
                    R::UnanimityRate => v.unanimity_rate,
                    R::MeanDissent => v.mean_dissent,
                    _ => v.contested_share,
                }
            }
            store::metrics::Inputs::Deputies => {
                let c = m::council_composition(input, p.from, p.to, p.as_of, offset);
                match self {
                    R::NonPartisanShare => c.non_partisan_share,
                    R::LargestPartyShare => c.largest_party_share,
                    R::EnpSeats => c.enp_seats,
                    _ => c.enp_seats_bloc,
                }
            }
            store::metrics::Inputs::Tallies if matches!(self, R::SilentDeputyShare | R::SpeakingTimeGini) => {
                let d = m::council_tally_debate(input, &kept.tallies, p.from, p.to, p.as_of, offset);
                if self == R::SilentDeputyShare { d.silent_deputy_share } else { d.speaking_time_gini }
            }
            store::metrics::Inputs::Tallies => {
                let t = m::council_tally_means(input, &kept.tallies, p.from, p.to, p.as_of, offset);
                match self {
                    R::AttendanceRate => t.attendance_rate,
                    R::AbstentionRate => t.abstention_rate,
                    R::LosingSideRate => t.losing_side_rate,
                    _ => t.speeches_per_session,
                }
            }
            store::metrics::Inputs::Debate => {
                let d = m::council_session_debate(input, &kept.debates, p.from, p.to, p.as_of, offset);
                match self {
                    R::UndiscussedItemShare => d.undiscussed_item_share,
                    R::SpeakersPerItem => d.speakers_per_item,
                    R::ExecutiveShare => d.executive_share,
                    _ => d.questions_per_session,
                }
            }
            store::metrics::Inputs::VoteTallies => {
                let r = m::council_vote_rates(input, &kept.vote_tallies, p.from, p.to, p.as_of, offset);
                if self == R::UnanimityRate { r.unanimity_rate } else { r.contested_share }
            }
            store::metrics::Inputs::Openness => {
                let o = m::council_openness(input, &kept.vote_counts, p.from, p.to, p.as_of, offset);
                match self {
                    R::OpennessScore => o.score,
                    R::Notice => o.notice.value,
                    R::Documents => o.documents.value,
                    R::OpenItems => o.open_items.value,
                    R::Broadcast => o.broadcast.value,
                    R::Minutes => o.minutes.value,
                    _ => o.roll_call.value,
                }
            }
            store::metrics::Inputs::All => *self.pick(&m::council_metrics(input, p.from, p.to, p.as_of, offset)),
        }
    }

    /// This metric's value among a council's metrics.
    pub fn pick(self, x: &m::CouncilMetrics) -> &m::MetricValue {
        use RankingMetric as R;
        match self {
            R::OpennessScore => &x.openness.score,
            R::Notice => &x.openness.notice.value,
            R::Documents => &x.openness.documents.value,
            R::OpenItems => &x.openness.open_items.value,
            R::Broadcast => &x.openness.broadcast.value,
            R::Minutes => &x.openness.minutes.value,
            R::RollCall => &x.openness.roll_call.value,
            R::UndiscussedItemShare => &x.debate.undiscussed_item_share,
            R::SpeakersPerItem => &x.debate.speakers_per_item,
            R::SilentDeputyShare => &x.debate.silent_deputy_share,
            R::SpeakingTimeGini => &x.debate.speaking_time_gini,
            R::ExecutiveShare => &x.debate.executive_share,
            R::QuestionsPerSession => &x.debate.questions_per_session,
            R::UnanimityRate => &x.voting.unanimity_rate,
            R::ContestedShare => &x.voting.contested_share,
            R::MeanDissent => &x.voting.mean_dissent,
            R::NonPartisanShare => &x.composition.non_partisan_share,
            R::LargestPartyShare => &x.composition.largest_party_share,
            R::EnpSeats => &x.composition.enp_seats,
            R::EnpSeatsBloc => &x.composition.enp_seats_bloc,
            R::AttendanceRate => &x.deputy_means.attendance_rate,
            R::AbstentionRate => &x.deputy_means.abstention_rate,
            R::LosingSideRate => &x.deputy_means.losing_side_rate,
            R::RebellionRate => &x.deputy_means.rebellion_rate,
            R::SpeechesPerSession => &x.deputy_means.speeches_per_session,
        }
    }
}

/// Sort direction of a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Order {
    /// Highest first.
    #[default]
    Desc,
    /// Lowest first.
    Asc,
}

/// What a ranking is asked for.
#[derive(Debug, Clone, Copy)]
pub struct RankingQuery {
    /// The metric to rank by.
    pub metric: RankingMetric,
    /// Only councils of this level.
    pub level: Option<Level>,
    /// The direction.
    pub order: Order,
    /// The period.
    pub period: PeriodQuery,
}

/// The parameters a ranking's cache entry is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RankingKey {
    metric: RankingMetric,
    level: Option<Level>,
    order: Order,
    period: Period,
}

/// One council in a ranking.
#[derive(Debug, Clone)]
pub struct RankingRow {
    /// 1 = best; councils with equal values share a rank; null values have no rank.
    pub rank: Option<u64>,
    /// The council.
    pub council: String,
    /// Its names.
    pub names: BTreeMap<String, String>,
    /// Its level.
    pub level: Level,
    /// The value.
    pub value: m::MetricValue,
}

/// Every council ranked by one metric.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// The metric.
    pub metric: RankingMetric,
    /// Method version.
    pub method: String,
    /// The period.
    pub period: Period,
    /// Councils in rank order; ties by council id; null values last.
    pub items: Vec<RankingRow>,
    /// The provenance kinds of the council documents the values were computed from.
    pub provenance: Vec<String>,
}

/// Every council (of a level) ranked by one council-level metric; ties share a rank, nulls come
/// last.
#[tracing::instrument(skip(svc), err(level = "debug"))]
pub async fn ranking(svc: &Service, q: RankingQuery) -> Result<Arc<Ranking>, Error> {
    let (global_seq, newest) = store::metrics::data_version(&svc.reads().await, None).await?;
    let period = resolve(q.period, newest)?;
    let key = RankingKey { metric: q.metric, level: q.level, order: q.order, period };
    if let Some((at, hit)) = svc.metrics.rankings.get(&key)
        && at == global_seq
    {
        return Ok(hit);
    }
    // Concurrent misses of this ranking wait for the first, then take its result.
    let _turn = turn(&svc.metrics.ranking_turns, &key).lock().await;
    if let Some((at, hit)) = svc.metrics.rankings.get(&key)
        && at == global_seq
    {
        return Ok(hit);
    }
    svc.metrics.rankings_computed.fetch_add(1, Ordering::Relaxed);
    let filter = read::councils::CouncilFilter { level: q.level, ..Default::default() };
    let mut councils = read::councils::list_councils(&svc.reads().await, &filter, None, u64::MAX >> 2).await?.items;
    // A national council (the Mazhilis, from a Popolo import) is no maslikhat: ranked only when
    // `level=national` asks for it.
    councils.retain(|c| q.level.is_some() || c.council.level != Level::National);
    let versions = store::metrics::data_versions(&svc.reads().await).await?;
    let ids: Vec<(String, i64)> =
        councils.iter().map(|c| (c.id.clone(), versions.get(&c.id).copied().unwrap_or(0))).collect();
    let mut values = match q.metric.inputs() {
        store::metrics::Inputs::All => {
            compute_many(svc, &ids, period).await?.into_iter().map(|(c, x)| (c, *q.metric.pick(&x))).collect()
        }
        _ => compute_values(svc, &ids, period, q.metric).await?,
    };
    let mut rows = vec![];
    for c in councils {
        let Some(value) = values.remove(&c.id) else { continue };
        rows.push(RankingRow { rank: None, names: c.council.names, level: c.council.level, value, council: c.id });
    }
    rank(&mut rows, q.order);
    let ranking = Arc::new(Ranking {
        metric: q.metric,
        method: m::METHOD.to_owned(),
        period,
        items: rows,
        provenance: read::public_records::provenance_kinds(&svc.reads().await, None).await?,
    });
    svc.metrics.rankings.insert(key, (global_seq, ranking.clone()));
    Ok(ranking)
}

/// Sorts rows by value in `order` (ties by council id, nulls last) and numbers them: equal values
/// share a rank, the next value's rank counts every row before it.
fn rank(rows: &mut [RankingRow], order: Order) {
    rows.sort_by(|a, b| match (a.value.value, b.value.value) {
        (Some(x), Some(y)) => {
            let ord = if order == Order::Desc { y.total_cmp(&x) } else { x.total_cmp(&y) };
            ord.then_with(|| a.council.cmp(&b.council))
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.council.cmp(&b.council),
    });
    let mut rank = 0u64;
    let mut prev: Option<f64> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        if let Some(v) = r.value.value {
            if prev != Some(v) {
                rank = i as u64 + 1;
                prev = Some(v);
            }
            r.rank = Some(rank);
        }
    }
}

/// Every metric's definition.
pub fn definitions() -> Vec<m::MetricDefinition> {
    m::definitions()
}

/// The name of a group as served: its party's id, or `non_partisan`.
pub fn group_id(g: &m::DeputyGroup) -> &str {
    match g {
        m::DeputyGroup::Party { party_id } => party_id,
        m::DeputyGroup::NonPartisan => "non_partisan",
    }
}

/// The name of a cohesion group as served: its party's id, or `non_partisan`.
pub fn cohesion_group_id(g: &m::CohesionGroup) -> &str {
    match g {
        m::CohesionGroup::Party { party_id } => party_id,
        m::CohesionGroup::NonPartisan => "non_partisan",
    }
}

/// The code of a null reason as served (its serde name, e.g. `no_held_sessions`).
pub fn reason_code(r: m::NullReason) -> String {
    serde_name(&r)
}

/// The name of a time basis as served (`witnessed`, `declared` or `mixed`).
pub fn basis_code(b: m::TimeBasis) -> String {
    serde_name(&b)
}

/// The serde name of a unit enum value (what JSON calls it).
fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(council: &str, value: Option<f64>) -> RankingRow {
        RankingRow {
            rank: None,
            council: council.into(),
            names: BTreeMap::new(),
            level: Level::District,
            value: m::MetricValue { value, n: 1, reason: None },
        }
    }

    #[test]
    fn equal_values_share_a_rank_and_nulls_come_last_without_one() {
        let mut rows = vec![row("d", None), row("c", Some(0.5)), row("a", Some(0.9)), row("b", Some(0.5))];
        rank(&mut rows, Order::Desc);
        let got: Vec<(&str, Option<u64>)> = rows.iter().map(|r| (r.council.as_str(), r.rank)).collect();
        assert_eq!(got, [("a", Some(1)), ("b", Some(2)), ("c", Some(2)), ("d", None)]);
        rank(&mut rows, Order::Asc);
        let got: Vec<(&str, Option<u64>)> = rows.iter().map(|r| (r.council.as_str(), r.rank)).collect();
        assert_eq!(got, [("b", Some(1)), ("c", Some(1)), ("a", Some(3)), ("d", None)]);
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 1, d);
        let q = PeriodQuery { from: day(10), to: day(9), as_of: None };
        assert!(matches!(resolve(q, None), Err(Error::BadRequest(_))));
        let q = PeriodQuery { from: day(9), to: day(9), as_of: None };
        assert_eq!(resolve(q, None).map(|p| (p.from, p.to)).ok(), Some((day(9).unwrap(), day(9).unwrap())));
    }
}
