//! Real records compiled from public sources: every fact as the sources give it, with its
//! sources and the record's provenance; each record's openness components (scored by the metrics'
//! own functions, `null` with a reason where the sources are silent); and the coverage summary of
//! what councils make public today.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use super::councils::{VersionInfo, path_id};
use super::metrics::MetricValueDto;
use super::paging::{Links, limit, next_link};
use super::responses::{ById, ByQuery, Nothing, Read, Refused, WithEtag};
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::{BallotOption, Level};
use crate::domain::metrics as m;
use crate::domain::public_record as d;
use crate::service::VersionMeta;
use crate::service::public_records::{self, RecordFilter};

/// Provenance kinds of a document version.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Provenance {
    /// Published by the council itself through the API.
    Council,
    /// Compiled by a third party from public texts.
    PublicSources,
    /// Made up (the demo country).
    Synthetic,
}

impl Provenance {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Council => "council",
            Self::PublicSources => "public_sources",
            Self::Synthetic => "synthetic",
        }
    }
}

pub use crate::documents::enums::{PublicVoteMethod, RecordStatus, SittingKind};

/// The council a record is about, inline (not a council document of the platform).
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicCouncilView {
    /// Our slug for it.
    pub slug: String,
    /// Names exactly as the sources write them, per language; no translations.
    pub names: BTreeMap<String, String>,
    /// Its tier, mapped to ours.
    pub level: Level,
    /// The convocation.
    pub convocation: Option<String>,
}

/// The notice, as found.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicNoticeView {
    /// Its declared publication date.
    pub date: Option<NaiveDate>,
    /// Why that date is trusted.
    pub date_basis: Option<String>,
    /// Where it was published.
    pub source_url: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// Its heading.
    pub heading: Option<String>,
    /// Who signed it.
    pub signed_by: Option<String>,
}

/// An agenda item.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicAgendaItemView {
    /// Title in the original language.
    pub title: String,
    /// Its language tag.
    pub title_lang: String,
    /// Who put it on the agenda.
    pub initiator: Option<String>,
    /// Who presented it.
    pub reporter: Option<String>,
}

/// A decision's state registration.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicRegistrationView {
    /// The registering body.
    pub body: Option<String>,
    /// Registration number.
    pub number: Option<String>,
    /// Registration date.
    pub date: Option<NaiveDate>,
}

/// A decision adopted, or cited by the agenda.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicDecisionView {
    /// Its number.
    pub number: Option<String>,
    /// Title as published.
    pub title: String,
    /// Its language tag.
    pub title_lang: String,
    /// Id in the adilet register.
    pub adilet_id: Option<String>,
    /// State registration.
    pub registration: Option<PublicRegistrationView>,
    /// Date adopted.
    pub date: Option<NaiveDate>,
    /// The source.
    pub source_url: String,
}

/// A named ballot, as a source lists it.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicBallotView {
    /// The deputy's name as published.
    pub name: String,
    /// How they voted.
    pub option: BallotOption,
}

/// A vote, only where a source says something about it.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicVoteView {
    /// What was voted on.
    pub item: String,
    /// Yes votes, when stated.
    pub yes: Option<u32>,
    /// No votes, when stated.
    pub no: Option<u32>,
    /// Abstentions, when stated.
    pub abstain: Option<u32>,
    /// True when a source reports it as unanimous (counts are then not invented).
    pub unanimous: Option<bool>,
    /// How it was taken.
    pub method: Option<PublicVoteMethod>,
    /// The compiler's note.
    pub note: Option<String>,
    /// Named ballots, when listed.
    pub ballots: Vec<PublicBallotView>,
    /// Whether it is a named vote under the metrics' rule.
    pub named: bool,
    /// The source.
    pub source_url: String,
}

/// A speech or report, as given.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicSpeechView {
    /// The speaker's name as published.
    pub speaker: Option<String>,
    /// Their role in the source's words.
    pub role: Option<String>,
    /// Whether the speaker is a deputy.
    pub is_deputy: Option<bool>,
    /// The compiler's summary (not a quotation).
    pub summary: Option<String>,
    /// The source.
    pub source_url: String,
}

/// What a source says about a broadcast.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicLivestreamView {
    /// How it is known.
    pub basis: Option<String>,
    /// Where.
    pub platform: Option<String>,
    /// The stream's address.
    pub url: Option<String>,
}

/// Minutes a source shows public.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicMinutesView {
    /// Declared date first public.
    pub published: Option<NaiveDate>,
    /// Where.
    pub url: Option<String>,
    /// The source.
    pub source_url: String,
}

/// A page facts of the record come from.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicSourceView {
    /// Its address.
    pub url: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was read.
    pub read_on: Option<NaiveDate>,
    /// JSON pointers (into this record) of the facts citing it as their own source. Facts with
    /// no `source_url` of their own rest on all the record's sources together.
    pub supports: Vec<String>,
}

/// A record's openness components, scored like a council's (method v1); `null` with a reason
/// where the sources do not state what a component needs.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct RecordOpennessDto {
    /// Metric method version.
    pub method: String,
    /// Always `declared`: times come from the sources, none was witnessed by this server.
    pub time_kind: String,
    /// Notice lead time against the target, from the declared notice date (whole days).
    pub notice: MetricValueDto,
    /// Items with a document public before the sitting.
    pub documents: MetricValueDto,
    /// Items held in public.
    pub open_items: MetricValueDto,
    /// Livestream.
    pub broadcast: MetricValueDto,
    /// Minutes published promptly.
    pub minutes: MetricValueDto,
    /// Share of named votes among the reported votes.
    pub roll_call: MetricValueDto,
    /// `100 · Σ w·c / Σ w` over the components with a value.
    pub openness_score: MetricValueDto,
    /// The weight the score covers.
    pub coverage: f64,
}

/// A real record with every fact the sources give, its sources and its provenance.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicRecordView {
    /// Stable id.
    pub id: String,
    /// The council, inline.
    pub council: PublicCouncilView,
    /// Session number.
    pub session_number: Option<u32>,
    /// Regular, extraordinary or a deputies' meeting.
    pub kind: Option<SittingKind>,
    /// What the sources show about whether it took place.
    pub status: Option<RecordStatus>,
    /// Date of the sitting.
    pub date: Option<NaiveDate>,
    /// Why that date is trusted.
    pub date_basis: Option<String>,
    /// The report's date or month, when the sitting's date is not stated.
    pub reported_date: Option<String>,
    /// Time as published.
    pub time: Option<String>,
    /// Place as published.
    pub place: Option<String>,
    /// The notice.
    pub notice: Option<PublicNoticeView>,
    /// Agenda items.
    pub agenda: Vec<PublicAgendaItemView>,
    /// Decisions reported as adopted.
    pub decisions: Vec<PublicDecisionView>,
    /// Earlier decisions the agenda cites.
    pub referenced_decisions: Vec<PublicDecisionView>,
    /// Votes, only where a source says something.
    pub votes: Vec<PublicVoteView>,
    /// Speeches and reports.
    pub speeches: Vec<PublicSpeechView>,
    /// Named attendees who are not deputies.
    pub participants: Vec<String>,
    /// Open to the public, when a source says.
    pub open: Option<bool>,
    /// Broadcast live, when a source says.
    pub livestream: Option<bool>,
    /// What the source says about the broadcast.
    pub livestream_detail: Option<PublicLivestreamView>,
    /// Minutes, when a source shows them public.
    pub minutes: Option<PublicMinutesView>,
    /// Who presided (or signed the notice).
    pub chairman: Option<String>,
    /// Every page a fact comes from.
    pub sources: Vec<PublicSourceView>,
    /// The compiler's notes.
    pub notes: Option<String>,
    /// Openness components of this record.
    pub openness: RecordOpennessDto,
    /// `public_sources`: compiled by a third party from public texts.
    pub provenance: String,
    /// The stored version (change number, log entry, hash).
    pub version: VersionInfo,
    /// This record's canonical URL.
    pub url: String,
}

/// A page of records.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicRecordList {
    /// The records, by id.
    pub items: Vec<PublicRecordView>,
    /// Paging links.
    pub links: Links,
}

/// A count and its share of the records.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct CoverageShare {
    /// Records with the fact.
    pub count: u64,
    /// `count ÷ records`.
    pub share: f64,
}

/// What a set of records makes public.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct CoverageDto {
    /// Records.
    pub records: u64,
    /// With a notice whose publication date is known.
    pub notice_date: CoverageShare,
    /// With a notice lead time (notice and sitting dates both known).
    pub notice_lead_time: CoverageShare,
    /// With agenda item titles.
    pub agenda_titles: CoverageShare,
    /// With a document identified (a decision in the adilet register, or minutes with an address).
    pub documents: CoverageShare,
    /// With vote counts beyond what "unanimously" implies.
    pub counts: CoverageShare,
    /// With a named vote.
    pub named_votes: CoverageShare,
    /// With a livestream.
    pub livestream: CoverageShare,
    /// With minutes known to be public.
    pub minutes: CoverageShare,
}

/// One council's coverage.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct CouncilCoverage {
    /// The council's slug.
    pub council: String,
    /// Its names as the sources write them.
    pub names: BTreeMap<String, String>,
    /// Its level.
    pub level: Level,
    /// The coverage of its records.
    pub coverage: CoverageDto,
}

/// What councils make public today, as far as the real records show.
#[derive(Object, Debug, Clone)]
#[oai(skip_serializing_if_is_none)]
pub struct PublicRecordCoverage {
    /// The provenance kinds of the records counted (`public_sources`).
    pub provenance: Vec<String>,
    /// Over every record.
    pub overall: CoverageDto,
    /// Per council, by slug.
    pub councils: Vec<CouncilCoverage>,
}

fn share(count: u64, of: u64) -> CoverageShare {
    CoverageShare { count, share: if of == 0 { 0.0 } else { count as f64 / of as f64 } }
}

fn coverage_dto(c: &d::CoverageCounts) -> CoverageDto {
    let n = c.records;
    CoverageDto {
        records: n,
        notice_date: share(c.notice_date, n),
        notice_lead_time: share(c.notice_lead_time, n),
        agenda_titles: share(c.agenda_titles, n),
        documents: share(c.documents, n),
        counts: share(c.counts, n),
        named_votes: share(c.named_votes, n),
        livestream: share(c.livestream, n),
        minutes: share(c.minutes, n),
    }
}

fn openness_dto(o: &d::RecordOpenness) -> RecordOpennessDto {
    RecordOpennessDto {
        method: m::METHOD.to_owned(),
        time_kind: "declared".into(),
        notice: (&o.notice).into(),
        documents: (&o.documents).into(),
        open_items: (&o.open_items).into(),
        broadcast: (&o.broadcast).into(),
        minutes: (&o.minutes).into(),
        roll_call: (&o.roll_call).into(),
        openness_score: (&o.score).into(),
        coverage: o.coverage,
    }
}

fn decision_view(x: &d::PublicDecision) -> PublicDecisionView {
    PublicDecisionView {
        number: x.number.clone(),
        title: x.title.clone(),
        title_lang: x.title_lang.clone(),
        adilet_id: x.adilet_id.clone(),
        registration: x.registration.as_ref().map(|r| PublicRegistrationView {
            body: r.body.clone(),
            number: r.number.clone(),
            date: r.date,
        }),
        date: x.date,
        source_url: x.source_url.clone(),
    }
}

/// The served view of a stored record.
pub fn record_view(base: &str, id: &str, r: &d::PublicRecord, version: &VersionMeta) -> PublicRecordView {
    PublicRecordView {
        id: id.to_owned(),
        council: PublicCouncilView {
            slug: r.council.slug.clone(),
            names: r.council.names.clone(),
            level: r.council.level.into(),
            convocation: r.council.convocation.clone(),
        },
        session_number: r.session_number,
        kind: r.kind.map(Into::into),
        status: r.status.map(Into::into),
        date: r.date,
        date_basis: r.date_basis.clone(),
        reported_date: r.reported_date.clone(),
        time: r.time.clone(),
        place: r.place.clone(),
        notice: r.notice.as_ref().map(|n| PublicNoticeView {
            date: n.date,
            date_basis: n.date_basis.clone(),
            source_url: n.source_url.clone(),
            publisher: n.publisher.clone(),
            heading: n.heading.clone(),
            signed_by: n.signed_by.clone(),
        }),
        agenda: r
            .agenda
            .iter()
            .map(|a| PublicAgendaItemView {
                title: a.title.clone(),
                title_lang: a.title_lang.clone(),
                initiator: a.initiator.clone(),
                reporter: a.reporter.clone(),
            })
            .collect(),
        decisions: r.decisions.iter().map(decision_view).collect(),
        referenced_decisions: r.referenced_decisions.iter().map(decision_view).collect(),
        votes: r
            .votes
            .iter()
            .map(|x| PublicVoteView {
                item: x.item.clone(),
                yes: x.yes,
                no: x.no,
                abstain: x.abstain,
                unanimous: x.unanimous,
                method: x.method.map(Into::into),
                note: x.note.clone(),
                ballots: x
                    .ballots
                    .iter()
                    .map(|b| PublicBallotView { name: b.name.clone(), option: b.option.into() })
                    .collect(),
                named: x.is_named(),
                source_url: x.source_url.clone(),
            })
            .collect(),
        speeches: r
            .speeches
            .iter()
            .map(|s| PublicSpeechView {
                speaker: s.speaker.clone(),
                role: s.role.clone(),
                is_deputy: s.is_deputy,
                summary: s.summary.clone(),
                source_url: s.source_url.clone(),
            })
            .collect(),
        participants: r.participants.clone(),
        open: r.open,
        livestream: r.livestream,
        livestream_detail: r.livestream_detail.as_ref().map(|l| PublicLivestreamView {
            basis: l.basis.clone(),
            platform: l.platform.clone(),
            url: l.url.clone(),
        }),
        minutes: r.minutes.as_ref().map(|mn| PublicMinutesView {
            published: mn.published,
            url: mn.url.clone(),
            source_url: mn.source_url.clone(),
        }),
        chairman: r.chairman.clone(),
        sources: r
            .sources
            .iter()
            .map(|s| PublicSourceView {
                url: s.url.clone(),
                publisher: s.publisher.clone(),
                read_on: s.read_on,
                supports: r.supported_by(&s.url),
            })
            .collect(),
        notes: r.notes.clone(),
        openness: openness_dto(&d::record_openness(r)),
        provenance: version.provenance.clone(),
        version: VersionInfo::from(version),
        url: format!("{base}{PREFIX}/public-records/{id}"),
    }
}

/// Public-record operations.
pub struct PublicRecordApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::PublicRecords")]
impl PublicRecordApi {
    /// List real records compiled from public sources, by id; every fact with its sources.
    #[oai(path = "/public-records", method = "get", operation_id = "list_public_records")]
    async fn list_public_records(
        &self,
        /// Only records of this council slug.
        council: Query<Option<String>>,
        /// Only records of this provenance.
        provenance: Query<Option<Provenance>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<PublicRecordList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let f = RecordFilter { council: council.0.clone(), provenance: provenance.0.map(|p| p.as_str().to_owned()) };
        let cursor = cursor.0.as_deref().filter(|c| !c.is_empty());
        let page = public_records::list(&self.state.service, &f, cursor, n).await?;
        let base = &self.state.service.settings.public_url;
        let items = page.items.iter().map(|r| record_view(base, &r.record.id, &r.record.record, &r.version)).collect();
        Ok(Read::of(PublicRecordList {
            items,
            links: next_link(
                &format!("{PREFIX}/public-records"),
                &[("council", council.0), ("provenance", f.provenance), ("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// What councils make public today: for the real records, per council and overall, the
    /// share with a known notice date, a notice lead time, agenda titles, documents, vote counts,
    /// named votes, a livestream and minutes.
    #[oai(path = "/public-records/coverage", method = "get", operation_id = "get_public_record_coverage")]
    async fn get_public_record_coverage(&self) -> Result<Read<PublicRecordCoverage>, Refused<Nothing>> {
        let c = public_records::coverage(&self.state.service).await?;
        let councils = c
            .councils
            .iter()
            .map(|(council, counts)| CouncilCoverage {
                council: council.slug.clone(),
                names: council.names.clone(),
                level: council.level.into(),
                coverage: coverage_dto(counts),
            })
            .collect();
        Ok(Read::of(PublicRecordCoverage { provenance: c.provenance, overall: coverage_dto(&c.overall), councils }))
    }

    /// One real record: every fact the sources give, each with its sources, its openness
    /// components and its provenance.
    #[oai(path = "/public-records/:id", method = "get", operation_id = "get_public_record")]
    async fn get_public_record(
        &self,
        /// The record's id.
        id: Path<String>,
    ) -> Result<WithEtag<PublicRecordView>, Refused<ById>> {
        path_id(&id)?;
        let r = public_records::get(&self.state.service, &id).await?;
        let etag = r.version.etag();
        let view = record_view(&self.state.service.settings.public_url, &id, &r.record.record, &r.version);
        Ok(WithEtag::Ok(Json(view), etag))
    }
}
