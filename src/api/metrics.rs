//! Openness, debate, voting and composition metrics (method v1.1), per council, group and
//! deputy, with each held session's openness components, rankings and the definitions. Results are cached per council and invalidated by the
//! council's newest change number, so a response always reflects every accepted publication.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, DurationRound, NaiveDate, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use super::councils::path_id;
use super::paging::{Links, limit, next_link};
use super::problem::ApiError;
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::Level;
use crate::domain::metrics as m;
use crate::store;

/// The period used when the client gives none: from the start of the VIII convocation (elected
/// March 2023, the first under the 2023 rules).
pub const DEFAULT_FROM: (i32, u32, u32) = (2023, 3, 19);

/// Computed council metrics, keyed by (council, from, to, as_of), with the change number they
/// were computed at.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<CacheKey, (i64, Arc<m::CouncilMetrics>)>>,
    /// Whole rankings, keyed by their parameters, with the newest change number of any
    /// council's documents they were computed at.
    rankings: Mutex<HashMap<String, (i64, Arc<Ranking>)>>,
}

/// At most this many rankings are cached (parameters vary little in practice: metric, level,
/// order, and the minute of `as_of`).
const RANKINGS_CACHED: usize = 256;

/// At most this many council results are cached: every council of a scale-10 country for one
/// moment, with room to spare.
const ENTRIES_CACHED: usize = 3000;

/// Council, from, to, as_of.
type CacheKey = (String, NaiveDate, NaiveDate, DateTime<Utc>);

/// A metric value: `{value, n}`, or `{value: null, n, reason}` when it is undefined.
#[derive(Object, Debug, Clone)]
pub struct MetricValueDto {
    /// The value, or null when undefined.
    #[oai(nullable)]
    pub value: Option<f64>,
    /// How many items it was computed from.
    pub n: u64,
    /// Why it is null.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    /// The reason in words.
    #[oai(skip_serializing_if_is_none)]
    pub reason_text: Option<String>,
}

impl From<&m::MetricValue> for MetricValueDto {
    fn from(v: &m::MetricValue) -> Self {
        Self {
            value: v.value,
            n: v.n,
            reason: v.reason.map(reason_code),
            reason_text: v.reason.map(|r| r.message().to_owned()),
        }
    }
}

fn reason_code(r: m::NullReason) -> String {
    serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn basis(b: Option<m::TimeBasis>) -> Option<String> {
    b.and_then(|b| serde_json::to_value(b).ok()).and_then(|v| v.as_str().map(str::to_owned))
}

/// One openness component.
#[derive(Object, Debug, Clone)]
pub struct OpennessComponentDto {
    /// The council value (mean over sessions where it is defined).
    pub value: MetricValueDto,
    /// Its weight in the score.
    pub weight: f64,
    /// `witnessed`, `declared` or `mixed`: which kind of publication time it used.
    #[oai(skip_serializing_if_is_none)]
    pub time_basis: Option<String>,
}

impl From<&m::OpennessComponent> for OpennessComponentDto {
    fn from(c: &m::OpennessComponent) -> Self {
        Self { value: (&c.value).into(), weight: c.weight, time_basis: basis(c.time_basis) }
    }
}

/// One openness component of one held session.
#[derive(Object, Debug, Clone)]
pub struct SessionComponentDto {
    /// The value with `n` (agenda items, vote events, or 1) and the reason when null.
    #[oai(flatten)]
    pub value: MetricValueDto,
    /// `witnessed` (times the server received) or `declared` (times a backfilled record
    /// declares): the kind of publication time it used; absent for components that use none.
    #[oai(skip_serializing_if_is_none)]
    pub time_kind: Option<String>,
}

/// The openness components of one held session: the council values are their means over the
/// sessions where each is not null.
#[derive(Object, Debug, Clone)]
pub struct SessionOpennessDto {
    /// Metric method version.
    pub method: String,
    /// The session.
    pub session: String,
    /// Its scheduled start.
    pub scheduled_start: DateTime<Utc>,
    /// `witnessed`, or `declared` when the session is backfilled (its first record arrived
    /// after the scheduled start).
    pub time_kind: String,
    /// Agenda published ahead.
    pub notice: SessionComponentDto,
    /// Items with a document public before the start.
    pub documents: SessionComponentDto,
    /// Items held in public.
    pub open_items: SessionComponentDto,
    /// Livestream or recording.
    pub broadcast: SessionComponentDto,
    /// Minutes published promptly.
    pub minutes: SessionComponentDto,
    /// Named votes.
    pub roll_call: SessionComponentDto,
    /// The session.
    pub url: String,
}

impl SessionOpennessDto {
    /// The components in the order of the weights, with their served names.
    pub fn components(&self) -> [(&'static str, &SessionComponentDto); 6] {
        [
            ("notice", &self.notice),
            ("documents", &self.documents),
            ("open_items", &self.open_items),
            ("broadcast", &self.broadcast),
            ("minutes", &self.minutes),
            ("roll_call", &self.roll_call),
        ]
    }
}

fn kind_name(k: m::TimeKind) -> String {
    match k {
        m::TimeKind::Witnessed => "witnessed",
        m::TimeKind::Declared => "declared",
    }
    .to_owned()
}

/// One session's components as served.
pub fn session_openness_dto(base: &str, s: &m::SessionOpenness) -> SessionOpennessDto {
    let c =
        |c: m::Component| SessionComponentDto { value: s.get(c).into(), time_kind: s.time_kind_of(c).map(kind_name) };
    SessionOpennessDto {
        method: m::METHOD.to_owned(),
        session: s.session_id.clone(),
        scheduled_start: s.scheduled_start,
        time_kind: kind_name(s.time_kind),
        notice: c(m::Component::Notice),
        documents: c(m::Component::Documents),
        open_items: c(m::Component::OpenItems),
        broadcast: c(m::Component::Broadcast),
        minutes: c(m::Component::Minutes),
        roll_call: c(m::Component::RollCall),
        url: format!("{base}{PREFIX}/sessions/{}", s.session_id),
    }
}

/// A page of the held sessions of a council in a period with their openness components.
#[derive(Object, Debug, Clone)]
pub struct SessionOpennessList {
    /// Metric method version.
    pub method: String,
    /// The council.
    pub council: String,
    /// First date of the period.
    pub from: NaiveDate,
    /// Last date of the period.
    pub to: NaiveDate,
    /// The moment of evaluation (pinned in `links.next`).
    pub as_of: DateTime<Utc>,
    /// Held sessions by scheduled start, then id.
    pub items: Vec<SessionOpennessDto>,
    /// Paging links.
    pub links: Links,
}

/// Openness: each component, the score and its coverage.
#[derive(Object, Debug, Clone)]
pub struct OpennessDto {
    /// Agenda published ahead of the session.
    pub notice: OpennessComponentDto,
    /// Items with a document public before the session.
    pub documents: OpennessComponentDto,
    /// Items held in public.
    pub open_items: OpennessComponentDto,
    /// Livestream or recording.
    pub broadcast: OpennessComponentDto,
    /// Minutes published promptly.
    pub minutes: OpennessComponentDto,
    /// Named votes.
    pub roll_call: OpennessComponentDto,
    /// `100 · Σ w·c / Σ w` over the components with a value.
    pub openness_score: MetricValueDto,
    /// The weight the score covers (1 = every component; n = the components with a value).
    pub coverage: MetricValueDto,
    /// Which kind of times the score used overall.
    #[oai(skip_serializing_if_is_none)]
    pub time_basis: Option<String>,
}

/// Debate metrics.
#[derive(Object, Debug, Clone)]
pub struct DebateDto {
    /// Items put to vote with no deputy speech ÷ items put to vote.
    pub undiscussed_item_share: MetricValueDto,
    /// Mean distinct deputy speakers per item put to vote.
    pub speakers_per_item: MetricValueDto,
    /// Share of serving deputies who never spoke.
    pub silent_deputy_share: MetricValueDto,
    /// Gini of deputies' speaking time.
    pub speaking_time_gini: MetricValueDto,
    /// Executive and chair share of speaking time.
    pub executive_share: MetricValueDto,
    /// Deputy questions per held session.
    pub questions_per_session: MetricValueDto,
}

/// Voting metrics.
#[derive(Object, Debug, Clone)]
pub struct VotingDto {
    /// Share of counted votes with no no and no abstention.
    pub unanimity_rate: MetricValueDto,
    /// Share of votes with at least 10 % dissent.
    pub contested_share: MetricValueDto,
    /// Mean dissent share.
    pub mean_dissent: MetricValueDto,
}

/// Composition on the period's last date.
#[derive(Object, Debug, Clone)]
pub struct CompositionDto {
    /// The date.
    pub date: NaiveDate,
    /// Deputies serving (n = the same); null with `no_seats` when no roster covers the date.
    pub seats: MetricValueDto,
    /// Non-partisan share.
    pub non_partisan_share: MetricValueDto,
    /// The largest party's share.
    pub largest_party_share: MetricValueDto,
    /// Effective number of parties, each non-partisan counted alone.
    pub enp_seats: MetricValueDto,
    /// Effective number of parties, non-partisans as one bloc.
    pub enp_seats_bloc: MetricValueDto,
}

/// Cohesion of one group.
#[derive(Object, Debug, Clone)]
pub struct CohesionDto {
    /// A party id, or `non_partisan`.
    pub group: String,
    /// Hix–Noury–Roland agreement index, mean over named votes.
    pub agreement_index: MetricValueDto,
    /// Rice index, mean over named votes.
    pub rice_index: MetricValueDto,
}

/// One deputy's metrics.
#[derive(Object, Debug, Clone)]
pub struct DeputyMetricsDto {
    /// Metric method version.
    pub method: String,
    /// The deputy.
    pub deputy: String,
    /// Their group on the last date they served in the period: a party id or `non_partisan`.
    #[oai(skip_serializing_if_is_none)]
    pub group: Option<String>,
    /// Present on named votes.
    pub attendance_rate: MetricValueDto,
    /// Abstentions among their yes/no/abstain.
    pub abstention_rate: MetricValueDto,
    /// Dissent (losing side) among their yes/no/abstain.
    pub losing_side_rate: MetricValueDto,
    /// Votes against their party's line.
    pub rebellion_rate: MetricValueDto,
    /// Deputy speeches per held session served.
    pub speeches_per_session: MetricValueDto,
}

/// Council means of the per-deputy metrics.
#[derive(Object, Debug, Clone)]
pub struct DeputyMeansDto {
    /// Mean attendance.
    pub attendance_rate: MetricValueDto,
    /// Mean abstention.
    pub abstention_rate: MetricValueDto,
    /// Mean losing-side rate.
    pub losing_side_rate: MetricValueDto,
    /// Mean rebellion rate.
    pub rebellion_rate: MetricValueDto,
    /// Mean speeches per session.
    pub speeches_per_session: MetricValueDto,
}

/// Non-partisan against party deputies for one metric.
#[derive(Object, Debug, Clone)]
pub struct ComparisonDto {
    /// Mean over non-partisan deputies.
    pub non_partisan: MetricValueDto,
    /// Mean over party deputies.
    pub party: MetricValueDto,
    /// Non-partisan minus party.
    pub difference: MetricValueDto,
}

/// The non-partisan-versus-party comparison.
#[derive(Object, Debug, Clone)]
pub struct NonPartisanComparisonDto {
    /// Losing-side rate.
    pub losing_side_rate: ComparisonDto,
    /// Abstention rate.
    pub abstention_rate: ComparisonDto,
    /// Attendance rate.
    pub attendance_rate: ComparisonDto,
    /// Speeches per session.
    pub speeches_per_session: ComparisonDto,
}

/// All metrics of one council for a period.
#[derive(Object, Debug, Clone)]
pub struct CouncilMetricsDto {
    /// Metric method version.
    pub method: String,
    /// The council.
    pub council: String,
    /// First date of the period.
    pub from: NaiveDate,
    /// Last date of the period.
    pub to: NaiveDate,
    /// The moment of evaluation.
    pub as_of: DateTime<Utc>,
    /// Held sessions in the period.
    pub held_sessions: u64,
    /// Openness.
    pub openness: OpennessDto,
    /// Debate.
    pub debate: DebateDto,
    /// Voting.
    pub voting: VotingDto,
    /// Composition.
    pub composition: CompositionDto,
    /// Cohesion of each party group and of the non-partisans.
    pub cohesion: Vec<CohesionDto>,
    /// Council means of the per-deputy metrics.
    pub deputy_means: DeputyMeansDto,
    /// Non-partisan against party deputies.
    pub non_partisan_comparison: NonPartisanComparisonDto,
    /// Where these records come from: whether any is synthetic.
    pub synthetic: bool,
    /// The provenance kinds (`council`, `public_sources`, `synthetic`) of the council's documents
    /// these metrics were computed from.
    pub provenance: Vec<String>,
    /// The definitions.
    pub definitions_url: String,
}

fn group(g: &m::DeputyGroup) -> String {
    match g {
        m::DeputyGroup::Party { party_id } => party_id.clone(),
        m::DeputyGroup::NonPartisan => "non_partisan".into(),
    }
}

fn deputy_dto(d: &m::DeputyMetrics) -> DeputyMetricsDto {
    DeputyMetricsDto {
        method: m::METHOD.to_owned(),
        deputy: d.deputy_id.clone(),
        group: d.group.as_ref().map(group),
        attendance_rate: (&d.attendance_rate).into(),
        abstention_rate: (&d.abstention_rate).into(),
        losing_side_rate: (&d.losing_side_rate).into(),
        rebellion_rate: (&d.rebellion_rate).into(),
        speeches_per_session: (&d.speeches_per_session).into(),
    }
}

fn comparison(c: &m::GroupComparison) -> ComparisonDto {
    ComparisonDto {
        non_partisan: (&c.non_partisan).into(),
        party: (&c.party).into(),
        difference: (&c.difference).into(),
    }
}

fn council_dto(x: &m::CouncilMetrics, synthetic: bool) -> CouncilMetricsDto {
    let o = &x.openness;
    CouncilMetricsDto {
        method: x.method.clone(),
        council: x.council_id.clone(),
        from: x.from,
        to: x.to,
        as_of: x.as_of,
        held_sessions: x.held_sessions,
        openness: OpennessDto {
            notice: (&o.notice).into(),
            documents: (&o.documents).into(),
            open_items: (&o.open_items).into(),
            broadcast: (&o.broadcast).into(),
            minutes: (&o.minutes).into(),
            roll_call: (&o.roll_call).into(),
            openness_score: (&o.score).into(),
            coverage: (&o.coverage).into(),
            time_basis: basis(o.time_basis),
        },
        debate: DebateDto {
            undiscussed_item_share: (&x.debate.undiscussed_item_share).into(),
            speakers_per_item: (&x.debate.speakers_per_item).into(),
            silent_deputy_share: (&x.debate.silent_deputy_share).into(),
            speaking_time_gini: (&x.debate.speaking_time_gini).into(),
            executive_share: (&x.debate.executive_share).into(),
            questions_per_session: (&x.debate.questions_per_session).into(),
        },
        voting: VotingDto {
            unanimity_rate: (&x.voting.unanimity_rate).into(),
            contested_share: (&x.voting.contested_share).into(),
            mean_dissent: (&x.voting.mean_dissent).into(),
        },
        composition: CompositionDto {
            date: x.composition.date,
            seats: (&x.composition.seats).into(),
            non_partisan_share: (&x.composition.non_partisan_share).into(),
            largest_party_share: (&x.composition.largest_party_share).into(),
            enp_seats: (&x.composition.enp_seats).into(),
            enp_seats_bloc: (&x.composition.enp_seats_bloc).into(),
        },
        cohesion: x
            .cohesion
            .iter()
            .map(|c| CohesionDto {
                group: match &c.group {
                    m::CohesionGroup::Party { party_id } => party_id.clone(),
                    m::CohesionGroup::NonPartisan => "non_partisan".into(),
                },
                agreement_index: (&c.agreement_index).into(),
                rice_index: (&c.rice_index).into(),
            })
            .collect(),
        deputy_means: DeputyMeansDto {
            attendance_rate: (&x.deputy_means.attendance_rate).into(),
            abstention_rate: (&x.deputy_means.abstention_rate).into(),
            losing_side_rate: (&x.deputy_means.losing_side_rate).into(),
            rebellion_rate: (&x.deputy_means.rebellion_rate).into(),
            speeches_per_session: (&x.deputy_means.speeches_per_session).into(),
        },
        non_partisan_comparison: NonPartisanComparisonDto {
            losing_side_rate: comparison(&x.non_partisan_comparison.losing_side_rate),
            abstention_rate: comparison(&x.non_partisan_comparison.abstention_rate),
            attendance_rate: comparison(&x.non_partisan_comparison.attendance_rate),
            speeches_per_session: comparison(&x.non_partisan_comparison.speeches_per_session),
        },
        synthetic,
        provenance: vec![],
        definitions_url: format!("{PREFIX}/metrics/definitions"),
    }
}

/// Council-level metrics a ranking can order by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
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

fn pick(x: &m::CouncilMetrics, metric: RankingMetric) -> &m::MetricValue {
    use RankingMetric as R;
    match metric {
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

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Order {
    /// Highest first (default).
    Desc,
    /// Lowest first.
    Asc,
}

/// One council in a ranking.
#[derive(Object, Debug, Clone)]
pub struct RankingRow {
    /// 1 = best; councils with equal values share a rank; null values have no rank.
    #[oai(skip_serializing_if_is_none)]
    pub rank: Option<u64>,
    /// The council.
    pub council: String,
    /// Its names.
    pub names: std::collections::BTreeMap<String, String>,
    /// Its level.
    pub level: Level,
    /// The value.
    pub value: MetricValueDto,
}

/// A ranking.
#[derive(Object, Debug, Clone)]
pub struct Ranking {
    /// The metric.
    pub metric: RankingMetric,
    /// Method version.
    pub method: String,
    /// Period start.
    pub from: NaiveDate,
    /// Period end.
    pub to: NaiveDate,
    /// Evaluation moment.
    pub as_of: DateTime<Utc>,
    /// Councils in rank order; ties by council id; null values last.
    pub items: Vec<RankingRow>,
    /// The provenance kinds of the council documents the values were computed from.
    pub provenance: Vec<String>,
}

/// A metric's definition.
#[derive(Object, Debug, Clone)]
pub struct MetricDefinitionDto {
    /// Name as served.
    pub name: String,
    /// openness, debate, voting, deputy, cohesion or composition.
    pub family: String,
    /// council, group or deputy.
    pub level: String,
    /// The formula in words.
    pub formula: String,
    /// Range of values.
    pub range: String,
    /// When it is null.
    pub null_when: String,
    /// The reasons it may carry when null.
    pub null_reasons: Vec<String>,
    /// Method version.
    pub method: String,
}

/// The definitions.
#[derive(Object, Debug, Clone)]
pub struct MetricDefinitions {
    /// Method version of every definition.
    pub method: String,
    /// Every metric.
    pub items: Vec<MetricDefinitionDto>,
}

/// A page of deputy metrics.
#[derive(Object, Debug, Clone)]
pub struct DeputyMetricsList {
    /// Council.
    pub council: String,
    /// Period start.
    pub from: NaiveDate,
    /// Period end.
    pub to: NaiveDate,
    /// Evaluation moment.
    pub as_of: DateTime<Utc>,
    /// Method version.
    pub method: String,
    /// Deputies who served in the period.
    pub items: Vec<DeputyMetricsDto>,
}

/// A response that may be cached briefly.
#[derive(ApiResponse)]
pub enum Cached<T: poem_openapi::types::ToJSON + Send + Sync> {
    /// The metrics.
    #[oai(status = 200)]
    Ok(Json<T>, #[oai(header = "Cache-Control")] String),
}

const SHORT_CACHE: &str = "public, max-age=60, stale-while-revalidate=300";

/// Metric operations.
pub struct MetricsApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

/// The resolved period and evaluation moment of a request.
struct Period {
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
}

impl MetricsApi {
    /// Defaults: `as_of` = now, rounded down to the minute but never before the newest
    /// publication considered (so nothing accepted is hidden, and repeated requests within a
    /// minute hit the cache); `to` = `as_of`'s local date; `from` = 2023-03-19.
    fn period(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        as_of: Option<DateTime<Utc>>,
        newest: Option<DateTime<Utc>>,
    ) -> Result<Period, ApiError> {
        let now = Utc::now();
        let as_of = as_of.unwrap_or_else(|| {
            let minute = now.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(now);
            newest.map_or(minute, |n| n.max(minute))
        });
        let to = to.unwrap_or_else(|| crate::domain::session::local_date(as_of));
        let from = from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(DEFAULT_FROM.0, DEFAULT_FROM.1, DEFAULT_FROM.2).unwrap_or(to));
        if from > to {
            return Err(ApiError::bad_request("from must not be after to"));
        }
        Ok(Period { from, to, as_of })
    }

    /// A council's metrics for the period and moment the parameters resolve to (see
    /// [`Self::period`]), from the cache while current.
    async fn resolve(
        &self,
        council: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<(Period, Arc<m::CouncilMetrics>), ApiError> {
        let (seq, newest) = store::metrics::data_version(&self.state.db, Some(council)).await?;
        let p = self.period(from, to, as_of, newest)?;
        let x = self.compute(council, &p, seq).await?;
        Ok((p, x))
    }

    async fn compute(&self, council: &str, p: &Period, seq: i64) -> Result<Arc<m::CouncilMetrics>, ApiError> {
        let mut one = self.compute_many(&[(council.to_owned(), seq)], p).await?;
        Ok(one.remove(council).unwrap_or_else(|| {
            Arc::new(m::council_metrics(
                &store::metrics::empty_period(council),
                p.from,
                p.to,
                p.as_of,
                m::almaty_offset(),
            ))
        }))
    }
}

impl MetricsApi {
    /// A council's metrics for many councils: cached ones from the cache (keyed by council and
    /// period, valid while the council's newest change number is `seq`), the others read in
    /// batches (one snapshot and a handful of queries per batch), computed and cached. Batches
    /// run side by side, one per core: reading rows costs CPU in the database driver as much as
    /// in decoding them, and a single batch at a time keeps one core busy.
    async fn compute_many(
        &self,
        councils: &[(String, i64)],
        p: &Period,
    ) -> Result<HashMap<String, Arc<m::CouncilMetrics>>, ApiError> {
        /// Councils read per batch: few queries, and memory bounded whatever the scale.
        const BATCH: usize = 24;
        let mut out = HashMap::new();
        let mut missing = vec![];
        {
            let cache = self.state.metrics_cache.entries.lock().ok();
            for (c, seq) in councils {
                match cache.as_ref().and_then(|x| x.get(&(c.clone(), p.from, p.to, p.as_of))) {
                    Some((at, hit)) if at == seq => {
                        out.insert(c.clone(), hit.clone());
                    }
                    _ => missing.push((c.clone(), *seq)),
                }
            }
        }
        let parallel = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let mut batches = missing.chunks(BATCH).map(<[(String, i64)]>::to_vec);
        // Dropping the set (the request went away, or a batch failed) aborts the other batches.
        let mut running = tokio::task::JoinSet::new();
        let spawn = |running: &mut tokio::task::JoinSet<_>, batch: Vec<(String, i64)>| {
            let db = self.state.db.clone();
            let (from, to, as_of) = (p.from, p.to, p.as_of);
            running.spawn(async move { compute_batch(&db, batch, from, to, as_of).await });
        };
        for batch in batches.by_ref().take(parallel) {
            spawn(&mut running, batch);
        }
        while let Some(done) = running.join_next().await {
            let computed = done.map_err(|e| ApiError::internal(&e))??;
            if let Some(batch) = batches.next() {
                spawn(&mut running, batch);
            }
            for (c, seq, result) in computed {
                if let Ok(mut cache) = self.state.metrics_cache.entries.lock() {
                    cache.retain(|k, (at, _)| k.0 != c || *at == seq);
                    if cache.len() >= ENTRIES_CACHED {
                        // The default `as_of` moves every minute: forget other moments first.
                        cache.retain(|k, _| k.3 == p.as_of);
                        if cache.len() >= ENTRIES_CACHED {
                            cache.clear();
                        }
                    }
                    cache.insert((c.clone(), p.from, p.to, p.as_of), (seq, result.clone()));
                }
                out.insert(c, result);
            }
        }
        Ok(out)
    }
}

/// A `session-openness` cursor: the scheduled start and id of the last session of a page.
fn parse_session_cursor(c: &str) -> Result<(DateTime<Utc>, String), ApiError> {
    let bad = || ApiError::bad_request("cursor: not one from links.next");
    let (t, id) = c.split_once('|').ok_or_else(bad)?;
    let t = DateTime::parse_from_rfc3339(t).map_err(|_| bad())?.with_timezone(&Utc);
    Ok((t, id.to_owned()))
}

/// Reads one batch of councils in one snapshot and computes their metrics.
async fn compute_batch(
    db: &sea_orm::DatabaseConnection,
    batch: Vec<(String, i64)>,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> Result<Vec<(String, i64, Arc<m::CouncilMetrics>)>, ApiError> {
    let ids: Vec<String> = batch.iter().map(|(c, _)| c.clone()).collect();
    let mut inputs = store::metrics::load_periods(db, &ids).await?;
    Ok(batch
        .into_iter()
        .map(|(c, seq)| {
            let input = inputs.remove(&c).unwrap_or_else(|| store::metrics::empty_period(&c));
            let result = Arc::new(m::council_metrics(&input, from, to, as_of, m::almaty_offset()));
            (c, seq, result)
        })
        .collect())
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Metrics")]
impl MetricsApi {
    /// A council's openness, debate, voting, cohesion and composition metrics for a period.
    #[oai(path = "/councils/:id/metrics", method = "get", operation_id = "get_council_metrics")]
    async fn get_council_metrics(
        &self,
        /// The council's id.
        id: Path<String>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now); later publications count as not yet made.
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<Cached<CouncilMetricsDto>, ApiError> {
        path_id(&id)?;
        let (row, _) = store::councils::get_council(&self.state.db, &id).await?;
        let (seq, newest) = store::metrics::data_version(&self.state.db, Some(&id)).await?;
        let p = self.period(from.0, to.0, as_of.0, newest)?;
        let x = self.compute(&id, &p, seq).await?;
        let mut dto = council_dto(&x, row.synthetic);
        dto.provenance = store::public_records::provenance_kinds(&self.state.db, Some(&id)).await?;
        Ok(Cached::Ok(Json(dto), SHORT_CACHE.into()))
    }

    /// The openness components of each held session of a council in the period, each with the
    /// kind of publication time it used and its null reason: the council's components are their
    /// means (over the sessions where each is not null), so anyone can see which sessions pull a
    /// value down and recompute it. Sessions scheduled after `as_of` are not yet held.
    #[oai(path = "/councils/:id/session-openness", method = "get", operation_id = "list_session_openness")]
    async fn list_session_openness(
        &self,
        /// The council's id.
        id: Path<String>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now); later publications count as not yet made.
        as_of: Query<Option<DateTime<Utc>>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Cached<SessionOpennessList>, ApiError> {
        path_id(&id)?;
        store::councils::get_council(&self.state.db, &id).await?;
        let n = self::limit(limit.0, self.state.settings.max_page_size)?;
        let after = cursor.0.as_deref().filter(|c| !c.is_empty()).map(parse_session_cursor).transpose()?;
        let (p, x) = self.resolve(&id, from.0, to.0, as_of.0).await?;
        let mut sessions: Vec<&m::SessionOpenness> = x.openness.sessions.iter().collect();
        sessions.sort_by(|a, b| (a.scheduled_start, &a.session_id).cmp(&(b.scheduled_start, &b.session_id)));
        let rest: Vec<&m::SessionOpenness> = sessions
            .into_iter()
            .filter(|s| after.as_ref().is_none_or(|(t, sid)| (s.scheduled_start, &s.session_id) > (*t, sid)))
            .collect();
        let page = &rest[..rest.len().min(n as usize)];
        let next = (rest.len() > page.len())
            .then(|| page.last().map(|s| format!("{}|{}", s.scheduled_start.to_rfc3339(), s.session_id)))
            .flatten();
        let base = &self.state.settings.public_url;
        Ok(Cached::Ok(
            Json(SessionOpennessList {
                method: x.method.clone(),
                council: id.0.clone(),
                from: p.from,
                to: p.to,
                as_of: p.as_of,
                items: page.iter().map(|s| session_openness_dto(base, s)).collect(),
                links: next_link(
                    &format!("{PREFIX}/councils/{}/session-openness", id.0),
                    &[
                        ("from", Some(p.from.to_string())),
                        ("to", Some(p.to.to_string())),
                        ("as_of", Some(p.as_of.to_rfc3339())),
                        ("limit", limit.0.map(|l| l.to_string())),
                    ],
                    next,
                ),
            }),
            SHORT_CACHE.into(),
        ))
    }

    /// Per-deputy metrics of every deputy who served in the council in the period.
    #[oai(path = "/councils/:id/deputy-metrics", method = "get", operation_id = "list_deputy_metrics")]
    async fn list_deputy_metrics(
        &self,
        /// The council's id.
        id: Path<String>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now).
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<Cached<DeputyMetricsList>, ApiError> {
        path_id(&id)?;
        store::councils::get_council(&self.state.db, &id).await?;
        let (seq, newest) = store::metrics::data_version(&self.state.db, Some(&id)).await?;
        let p = self.period(from.0, to.0, as_of.0, newest)?;
        let x = self.compute(&id, &p, seq).await?;
        let mut items: Vec<DeputyMetricsDto> = x.deputies.iter().map(deputy_dto).collect();
        items.sort_by(|a, b| a.deputy.cmp(&b.deputy));
        Ok(Cached::Ok(
            Json(DeputyMetricsList {
                council: id.0.clone(),
                from: p.from,
                to: p.to,
                as_of: p.as_of,
                method: x.method.clone(),
                items,
            }),
            SHORT_CACHE.into(),
        ))
    }

    /// One deputy's attendance, abstention, losing-side, rebellion and speech metrics.
    #[oai(path = "/deputies/:id/metrics", method = "get", operation_id = "get_deputy_metrics")]
    async fn get_deputy_metrics(
        &self,
        /// The deputy's id.
        id: Path<String>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now).
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<Cached<DeputyMetricsDto>, ApiError> {
        path_id(&id)?;
        let rec = store::councils::get_deputy(&self.state.db, &id).await?;
        let council = rec.deputy.council_id;
        let (_, newest) = store::metrics::data_version(&self.state.db, Some(&council)).await?;
        let p = self.period(from.0, to.0, as_of.0, newest)?;
        // One deputy's metrics need the whole council (party lines, sessions served).
        let input = store::metrics::load_period(&self.state.db, &council).await?;
        let d = m::deputy_metrics(&input, &id, p.from, p.to, p.as_of, m::almaty_offset())
            .ok_or_else(|| ApiError::not_found(format!("deputy {} has no mandate", id.0)))?;
        Ok(Cached::Ok(Json(deputy_dto(&d)), SHORT_CACHE.into()))
    }

    /// Every maslikhat ranked by one council-level metric; ties share a rank, nulls come last. A
    /// national council (the Mazhilis, from a Popolo import) is no maslikhat: it is ranked only
    /// when `level=national` asks for it.
    #[oai(path = "/rankings", method = "get", operation_id = "list_council_rankings")]
    async fn list_council_rankings(
        &self,
        /// The metric to rank by (default `openness_score`).
        metric: Query<Option<RankingMetric>>,
        /// Only councils of this level.
        level: Query<Option<Level>>,
        /// Highest first (default) or lowest first.
        order: Query<Option<Order>>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now).
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<Cached<Ranking>, ApiError> {
        let metric = metric.0.unwrap_or(RankingMetric::OpennessScore);
        let (global_seq, newest) = store::metrics::data_version(&self.state.db, None).await?;
        let p = self.period(from.0, to.0, as_of.0, newest)?;
        let key = format!("{metric:?}|{:?}|{:?}|{}|{}|{}", level.0, order.0, p.from, p.to, p.as_of.to_rfc3339());
        if let Ok(cache) = self.state.metrics_cache.rankings.lock()
            && let Some((at, hit)) = cache.get(&key)
            && *at == global_seq
        {
            return Ok(Cached::Ok(Json(Ranking::clone(hit)), SHORT_CACHE.into()));
        }
        let level_s = level.0.map(|l| crate::domain::enums::Level::from(l).as_str().to_owned());
        let filter = store::councils::CouncilFilter { level: level_s, ..Default::default() };
        let mut councils = store::councils::list_councils(&self.state.db, &filter, None, u64::MAX >> 2).await?.items;
        let national = crate::domain::enums::Level::National.as_str();
        councils.retain(|(c, _)| level.0.is_some() || c.level != national);
        let versions = store::metrics::data_versions(&self.state.db).await?;
        let seq_of = |id: &str| versions.get(id).copied().unwrap_or(0);
        let ids: Vec<(String, i64)> = councils.iter().map(|(c, _)| (c.id.clone(), seq_of(&c.id))).collect();
        let mut computed = self.compute_many(&ids, &p).await?;
        let mut rows = vec![];
        for (c, _) in councils {
            let Some(x) = computed.remove(&c.id) else { continue };
            rows.push(RankingRow {
                rank: None,
                names: serde_json::from_str(&c.names).unwrap_or_default(),
                level: crate::documents::enums::stored(
                    &c.level,
                    crate::domain::enums::Level::parse,
                    crate::domain::enums::Level::District,
                ),
                value: pick(&x, metric).into(),
                council: c.id,
            });
        }
        let desc = order.0.unwrap_or(Order::Desc) == Order::Desc;
        rows.sort_by(|a, b| match (a.value.value, b.value.value) {
            (Some(x), Some(y)) => {
                let ord = if desc { y.total_cmp(&x) } else { x.total_cmp(&y) };
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
        let ranking = Ranking {
            metric,
            method: m::METHOD.to_owned(),
            from: p.from,
            to: p.to,
            as_of: p.as_of,
            items: rows,
            provenance: store::public_records::provenance_kinds(&self.state.db, None).await?,
        };
        if let Ok(mut cache) = self.state.metrics_cache.rankings.lock() {
            cache.retain(|_, (at, _)| *at == global_seq);
            if cache.len() >= RANKINGS_CACHED {
                cache.clear();
            }
            cache.insert(key, (global_seq, Arc::new(ranking.clone())));
        }
        Ok(Cached::Ok(Json(ranking), SHORT_CACHE.into()))
    }

    /// Every metric's name, level, formula in words, range, null conditions and method version.
    #[oai(path = "/metrics/definitions", method = "get", operation_id = "list_metric_definitions")]
    async fn list_metric_definitions(&self) -> Result<Json<MetricDefinitions>, ApiError> {
        Ok(Json(MetricDefinitions {
            method: m::METHOD.to_owned(),
            items: m::definitions()
                .into_iter()
                .map(|d| MetricDefinitionDto {
                    name: d.name.to_owned(),
                    family: d.family.to_owned(),
                    level: serde_json::to_value(d.level)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    formula: d.formula.to_owned(),
                    range: d.range.to_owned(),
                    null_when: d.null_when.to_owned(),
                    null_reasons: d.null_reasons.iter().map(|r| reason_code(*r)).collect(),
                    method: d.method.to_owned(),
                })
                .collect(),
        }))
    }
}

/// The same answers for the citizens' pages (`crate::web`), which must show what the API returns.
impl MetricsApi {
    /// What `GET /v1/councils/{id}/metrics` returns for this period and moment.
    pub async fn council_for_page(
        &self,
        id: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<CouncilMetricsDto, ApiError> {
        let Cached::Ok(Json(x), _) =
            self.get_council_metrics(Path(id.to_owned()), Query(from), Query(to), Query(as_of)).await?;
        Ok(x)
    }

    /// The openness components of one held session of `council` on `date`, as of now (the
    /// default `as_of`), as `GET /v1/sessions/{id}` serves them; `None` when the session is not
    /// held by then.
    pub async fn session_openness(
        &self,
        council: &str,
        session_id: &str,
        date: NaiveDate,
    ) -> Result<Option<SessionOpennessDto>, ApiError> {
        let (_, x) = self.resolve(council, Some(date), Some(date), None).await?;
        let base = &self.state.settings.public_url;
        Ok(x.openness.sessions.iter().find(|s| s.session_id == session_id).map(|s| session_openness_dto(base, s)))
    }

    /// What `GET /v1/councils/{id}/session-openness` returns over the default period, whole.
    pub async fn sessions_for_page(&self, id: &str) -> Result<Vec<SessionOpennessDto>, ApiError> {
        let (_, x) = self.resolve(id, None, None, None).await?;
        let base = &self.state.settings.public_url;
        let mut items: Vec<SessionOpennessDto> =
            x.openness.sessions.iter().map(|s| session_openness_dto(base, s)).collect();
        items.sort_by(|a, b| (a.scheduled_start, &a.session).cmp(&(b.scheduled_start, &b.session)));
        Ok(items)
    }

    /// What `GET /v1/councils/{id}/deputy-metrics` returns over the default period.
    pub async fn deputies_for_page(&self, id: &str) -> Result<DeputyMetricsList, ApiError> {
        let Cached::Ok(Json(x), _) =
            self.list_deputy_metrics(Path(id.to_owned()), Query(None), Query(None), Query(None)).await?;
        Ok(x)
    }

    /// What `GET /v1/deputies/{id}/metrics` returns over the default period.
    pub async fn deputy_for_page(&self, id: &str) -> Result<DeputyMetricsDto, ApiError> {
        let Cached::Ok(Json(x), _) =
            self.get_deputy_metrics(Path(id.to_owned()), Query(None), Query(None), Query(None)).await?;
        Ok(x)
    }

    /// What `GET /v1/rankings?metric=…&level=…` returns over the default period.
    pub async fn ranking_for_page(&self, metric: RankingMetric, level: Option<Level>) -> Result<Ranking, ApiError> {
        let Cached::Ok(Json(x), _) = self
            .list_council_rankings(
                Query(Some(metric)),
                Query(level),
                Query(None),
                Query(None),
                Query(None),
                Query(None),
            )
            .await?;
        Ok(x)
    }
}
