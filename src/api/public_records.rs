//! Real records compiled from public sources: every fact as the sources give it, with its
//! sources and the record's provenance; each record's openness components (scored by the metrics'
//! own functions, `null` with a reason where the sources are silent); and the coverage summary of
//! what councils make public today.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::councils::{VersionInfo, path_id};
use super::metrics::MetricValueDto;
use super::paging::{Links, limit, next_link};
use super::responses::{ById, ByQuery, Nothing, Read, Refused, WithEtag};
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::Level;
use crate::documents::public_record::{
    self, PublicAgendaItemView, PublicCouncilView, PublicDecisionView, PublicLivestreamView, PublicMinutesView,
    PublicNoticeView, PublicSourceView, PublicSpeechView, PublicVoteView,
};
use crate::domain::metrics as m;
use crate::domain::public_record as d;
use crate::service::VersionMeta;
use crate::service::public_records::{self, RecordFilter};

pub use crate::documents::enums::{Provenance, PublicVoteMethod, RecordStatus, SittingKind};

/// A record's openness components, scored like a council's (method v1.1); `null` with a reason
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
    /// The weight the score covers (n = components with a value).
    pub coverage: MetricValueDto,
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
        coverage: (&o.coverage).into(),
    }
}

/// The served view of a stored record.
pub fn record_view(base: &str, id: &str, r: &d::PublicRecord, version: &VersionMeta) -> PublicRecordView {
    PublicRecordView {
        id: id.to_owned(),
        council: (&r.council).into(),
        session_number: r.session_number,
        kind: r.kind.map(Into::into),
        status: r.status.map(Into::into),
        date: r.date,
        date_basis: r.date_basis.clone(),
        reported_date: r.reported_date.clone(),
        time: r.time.clone(),
        place: r.place.clone(),
        notice: r.notice.as_ref().map(Into::into),
        agenda: r.agenda.iter().map(Into::into).collect(),
        decisions: r.decisions.iter().map(Into::into).collect(),
        referenced_decisions: r.referenced_decisions.iter().map(Into::into).collect(),
        votes: r.votes.iter().map(Into::into).collect(),
        speeches: r.speeches.iter().map(Into::into).collect(),
        participants: r.participants.clone(),
        open: r.open,
        livestream: r.livestream,
        livestream_detail: r.livestream_detail.as_ref().map(Into::into),
        minutes: r.minutes.as_ref().map(Into::into),
        chairman: r.chairman.clone(),
        sources: public_record::sources(r),
        notes: r.notes.clone(),
        openness: openness_dto(&d::record_openness(r)),
        provenance: version.provenance.as_str().to_owned(),
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
        let base = &self.state.service.settings.link_base();
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
    #[oai(path = "/public-records/:public_record", method = "get", operation_id = "get_public_record")]
    async fn get_public_record(
        &self,
        /// The public record's id.
        #[oai(name = "public_record")]
        id: Path<String>,
    ) -> Result<WithEtag<PublicRecordView>, Refused<ById>> {
        path_id(&id)?;
        let r = public_records::get(&self.state.service, &id).await?;
        let etag = r.version.etag();
        let view = record_view(&self.state.service.settings.link_base(), &id, &r.record.record, &r.version);
        Ok(WithEtag::Ok(Json(view), etag))
    }
}
