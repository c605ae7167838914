//! Openness, debate, voting and composition metrics (method v1.1), per council, group and
//! deputy, with each held session's openness components, rankings and the definitions: HTTP over
//! [`crate::service::metrics`], which computes and caches them.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use super::councils::path_id;
use super::paging::{Links, limit, next_link};
use super::responses::{ByIdAndQuery, ByQuery, Cached, Nothing, Read, Refused};
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::{Level, api_enum};
use crate::domain::metrics as m;
use crate::service::metrics::{self as svc, PeriodQuery};

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
            reason: v.reason.map(svc::reason_code),
            reason_text: v.reason.map(|r| r.message().to_owned()),
        }
    }
}

fn basis(b: Option<m::TimeBasis>) -> Option<String> {
    b.map(svc::basis_code)
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

fn deputy_dto(d: &m::DeputyMetrics) -> DeputyMetricsDto {
    DeputyMetricsDto {
        method: m::METHOD.to_owned(),
        deputy: d.deputy_id.clone(),
        group: d.group.as_ref().map(|g| svc::group_id(g).to_owned()),
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
                group: svc::cohesion_group_id(&c.group).to_owned(),
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

api_enum!(
    /// Council-level metrics a ranking can order by.
    RankingMetric => svc::RankingMetric {
        OpennessScore, Notice, Documents, OpenItems, Broadcast, Minutes, RollCall, UndiscussedItemShare,
        SpeakersPerItem, SilentDeputyShare, SpeakingTimeGini, ExecutiveShare, QuestionsPerSession, UnanimityRate,
        ContestedShare, MeanDissent, NonPartisanShare, LargestPartyShare, EnpSeats, EnpSeatsBloc, AttendanceRate,
        AbstentionRate, LosingSideRate, RebellionRate, SpeechesPerSession
    }
);

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Order {
    /// Highest first (default).
    Desc,
    /// Lowest first.
    Asc,
}

impl From<Order> for svc::Order {
    fn from(o: Order) -> Self {
        match o {
            Order::Desc => svc::Order::Desc,
            Order::Asc => svc::Order::Asc,
        }
    }
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

const SHORT_CACHE: &str = "public, max-age=60, stale-while-revalidate=300";

/// Metric operations.
pub struct MetricsApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

fn period(
    from: Query<Option<NaiveDate>>,
    to: Query<Option<NaiveDate>>,
    as_of: Query<Option<DateTime<Utc>>>,
) -> PeriodQuery {
    PeriodQuery { from: from.0, to: to.0, as_of: as_of.0 }
}

fn ranking_dto(r: &svc::Ranking) -> Ranking {
    Ranking {
        metric: r.metric.into(),
        method: r.method.clone(),
        from: r.period.from,
        to: r.period.to,
        as_of: r.period.as_of,
        items: r
            .items
            .iter()
            .map(|x| RankingRow {
                rank: x.rank,
                council: x.council.clone(),
                names: x.names.clone(),
                level: x.level.into(),
                value: (&x.value).into(),
            })
            .collect(),
        provenance: r.provenance.clone(),
    }
}

fn definition_dto(d: m::MetricDefinition) -> MetricDefinitionDto {
    MetricDefinitionDto {
        name: d.name.to_owned(),
        family: d.family.to_owned(),
        level: serde_json::to_value(d.level).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        formula: d.formula.to_owned(),
        range: d.range.to_owned(),
        null_when: d.null_when.to_owned(),
        null_reasons: d.null_reasons.iter().map(|r| svc::reason_code(*r)).collect(),
        method: d.method.to_owned(),
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Metrics")]
impl MetricsApi {
    /// A council's openness, debate, voting, cohesion and composition metrics for a period.
    #[oai(path = "/councils/:council/metrics", method = "get", operation_id = "get_council_metrics")]
    async fn get_council_metrics(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now); later publications count as not yet made.
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<Cached<CouncilMetricsDto>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let report = svc::council(&self.state.service, &id, period(from, to, as_of)).await?;
        let mut dto = council_dto(&report.metrics, report.synthetic);
        dto.provenance = report.provenance;
        Ok(Cached::Ok(Json(dto), SHORT_CACHE.into()))
    }

    /// The openness components of each held session of a council in the period, each with the
    /// kind of publication time it used and its null reason: the council's components are their
    /// means (over the sessions where each is not null), so anyone can see which sessions pull a
    /// value down and recompute it. Sessions scheduled after `as_of` are not yet held.
    #[oai(path = "/councils/:council/session-openness", method = "get", operation_id = "list_session_openness")]
    async fn list_session_openness(
        &self,
        /// The council's id.
        #[oai(name = "council")]
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
    ) -> Result<Cached<SessionOpennessList>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let q = period(from, to, as_of);
        let page = svc::session_openness(&self.state.service, &id, q, cursor.0.as_deref(), n).await?;
        let p = page.period;
        let base = &self.state.service.settings.link_base();
        Ok(Cached::Ok(
            Json(SessionOpennessList {
                method: page.method,
                council: id.0.clone(),
                from: p.from,
                to: p.to,
                as_of: p.as_of,
                items: page.items.iter().map(|s| session_openness_dto(base, s)).collect(),
                links: next_link(
                    &format!("{PREFIX}/councils/{}/session-openness", id.0),
                    &[
                        ("from", Some(p.from.to_string())),
                        ("to", Some(p.to.to_string())),
                        ("as_of", Some(p.as_of.to_rfc3339())),
                        ("limit", limit.0.map(|l| l.to_string())),
                    ],
                    page.next,
                ),
            }),
            SHORT_CACHE.into(),
        ))
    }

    /// Per-deputy metrics of every deputy who served in the council in the period.
    #[oai(path = "/councils/:council/deputy-metrics", method = "get", operation_id = "list_deputy_metrics")]
    async fn list_deputy_metrics(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now).
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<Cached<DeputyMetricsList>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let x = svc::council_deputies(&self.state.service, &id, period(from, to, as_of)).await?;
        let mut items: Vec<DeputyMetricsDto> = x.deputies.iter().map(deputy_dto).collect();
        items.sort_by(|a, b| a.deputy.cmp(&b.deputy));
        let list = DeputyMetricsList {
            council: id.0.clone(),
            from: x.from,
            to: x.to,
            as_of: x.as_of,
            method: x.method.clone(),
            items,
        };
        Ok(Cached::Ok(Json(list), SHORT_CACHE.into()))
    }

    /// One deputy's attendance, abstention, losing-side, rebellion and speech metrics.
    #[oai(path = "/deputies/:deputy/metrics", method = "get", operation_id = "get_deputy_metrics")]
    async fn get_deputy_metrics(
        &self,
        /// The deputy's id.
        #[oai(name = "deputy")]
        id: Path<String>,
        /// First date of the period (default 2023-03-19).
        from: Query<Option<NaiveDate>>,
        /// Last date (default: `as_of`'s date).
        to: Query<Option<NaiveDate>>,
        /// The moment of evaluation (default: now).
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<Cached<DeputyMetricsDto>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let d = svc::deputy(&self.state.service, &id, period(from, to, as_of)).await?;
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
    ) -> Result<Cached<Ranking>, Refused<ByQuery>> {
        let q = svc::RankingQuery {
            metric: metric.0.map_or(svc::RankingMetric::OpennessScore, Into::into),
            level: level.0.map(Into::into),
            order: order.0.map(Into::into).unwrap_or_default(),
            period: period(from, to, as_of),
        };
        let ranking = svc::ranking(&self.state.service, q).await?;
        Ok(Cached::Ok(Json(ranking_dto(&ranking)), SHORT_CACHE.into()))
    }

    /// Every metric's name, level, formula in words, range, null conditions and method version.
    #[oai(path = "/metrics/definitions", method = "get", operation_id = "list_metric_definitions")]
    async fn list_metric_definitions(&self) -> Result<Read<MetricDefinitions>, Refused<Nothing>> {
        Ok(Read::of(MetricDefinitions {
            method: m::METHOD.to_owned(),
            items: svc::definitions().into_iter().map(definition_dto).collect(),
        }))
    }
}
