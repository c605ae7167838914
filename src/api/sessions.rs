//! Session records and the granular reads built from them: sessions, agenda items, vote events
//! with every ballot, a deputy's voting record, speeches, versions, diffs and the change feed.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use poem::web::sse::Event;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::EventStream;
use poem_openapi::types::ToJSON;
use poem_openapi::{Object, OpenApi};

use super::auth::BearerAuth;
use super::councils::{PutResponse, VersionInfo, meta, path_id};
use super::paging::{Links, limit, next_link};
use super::payload::StrictJson;
use super::problem::Problem;
use super::responses::{ById, ByIdAndQuery, ByQuery, CouncilWrite, Read, ReadDirect, Refused, WithEtag};
use super::rosters::VersionList;
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::{
    BallotOption, DocumentKind, Initiator, ItemResult, MajorityRule, Nomination, SeatType, SessionKind, SessionStatus,
    SpeakerRole, SpeechType, VoteMethod, VoteResult, VoteStage,
};
use crate::documents::session::{CountsDto, DeclaredNoticeDto, DeclaredTimeDto, SessionRecordDoc};
use crate::domain::session as s;
use crate::domain::{Violations, enums as d};
use crate::service::metrics as svc_metrics;
use crate::service::publish;
use crate::service::sessions::{self, SessionFilter, SpeechFilter};
use crate::service::votes::{self, ChangeFilter, VoteFilter};

/// A session in a list.
#[derive(Object, Debug, Clone)]
pub struct SessionSummary {
    /// Stable id.
    pub id: String,
    /// Council id.
    pub council: String,
    /// Convocation.
    pub convocation: String,
    /// Number within the convocation.
    pub number: i32,
    /// Kind.
    pub kind: SessionKind,
    /// Status.
    pub status: SessionStatus,
    /// Scheduled start.
    pub scheduled_start: DateTime<Utc>,
    /// Open to the public.
    pub is_open: bool,
    /// First received after its scheduled start: witnessed times say nothing about openness.
    pub backfilled: bool,
    /// True for made-up demo records.
    pub synthetic: bool,
    /// Current version.
    pub version: i32,
    /// Canonical URL.
    pub url: String,
}

/// When things became public, as witnessed by this server.
#[derive(Object, Debug, Clone)]
pub struct Witnessed {
    /// When the first version was received.
    pub first_received_at: DateTime<Utc>,
    /// When a version with an agenda was first received.
    #[oai(skip_serializing_if_is_none)]
    pub agenda_first_public_at: Option<DateTime<Utc>>,
    /// When a version with minutes was first received.
    #[oai(skip_serializing_if_is_none)]
    pub minutes_first_public_at: Option<DateTime<Utc>>,
    /// The record is *backfilled*: its first version arrived after the scheduled start, so
    /// receive times say nothing about when its agenda, documents and minutes were public, and
    /// the metrics use the times the record declares (`declared_notice`, each document's
    /// `declared_public`, `declared_minutes`). Otherwise they use these witnessed times only.
    pub backfilled: bool,
}

/// An agenda item as served.
#[derive(Object, Debug, Clone)]
pub struct AgendaItemView {
    /// Stable id.
    pub id: String,
    /// Session id.
    pub session: String,
    /// Order.
    pub position: i32,
    /// Number as printed.
    #[oai(skip_serializing_if_is_none)]
    pub number_label: Option<String>,
    /// Titles per language tag.
    pub titles: BTreeMap<String, String>,
    /// Initiator.
    pub initiator: Initiator,
    /// Considered in public.
    pub is_open: bool,
    /// Result.
    #[oai(skip_serializing_if_is_none)]
    pub result: Option<ItemResult>,
    /// When it first appeared in a received version.
    pub first_public_at: DateTime<Utc>,
    /// It appeared after the agenda was first public.
    pub added_late: bool,
}

/// A document as served.
#[derive(Object, Debug, Clone)]
pub struct DocumentView {
    /// Stable id.
    pub id: String,
    /// Agenda item.
    #[oai(skip_serializing_if_is_none)]
    pub agenda_item: Option<String>,
    /// Kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// Media type.
    pub media_type: String,
    /// URL.
    pub url: String,
    /// SHA-256 of the file.
    #[oai(skip_serializing_if_is_none)]
    pub sha256: Option<String>,
    /// Language.
    pub language: String,
    /// Text.
    #[oai(skip_serializing_if_is_none)]
    pub text: Option<String>,
    /// When it first appeared in a received version.
    pub first_public_at: DateTime<Utc>,
    /// When it first became public as the record declares it, with its source: what the
    /// metrics use when the session is backfilled (`witnessed.backfilled`).
    #[oai(skip_serializing_if_is_none)]
    pub declared_public: Option<DeclaredTimeDto>,
}

/// A session with its agenda, documents and witnessed times.
#[derive(Object, Debug, Clone)]
pub struct SessionView {
    /// Stable id.
    pub id: String,
    /// Council id.
    pub council: String,
    /// Convocation.
    pub convocation: String,
    /// Number.
    pub number: i32,
    /// Kind.
    pub kind: SessionKind,
    /// Status.
    pub status: SessionStatus,
    /// Scheduled start.
    pub scheduled_start: DateTime<Utc>,
    /// Scheduled end.
    #[oai(skip_serializing_if_is_none)]
    pub scheduled_end: Option<DateTime<Utc>>,
    /// Actual start.
    #[oai(skip_serializing_if_is_none)]
    pub actual_start: Option<DateTime<Utc>>,
    /// Actual end.
    #[oai(skip_serializing_if_is_none)]
    pub actual_end: Option<DateTime<Utc>>,
    /// Place.
    #[oai(skip_serializing_if_is_none)]
    pub place: Option<String>,
    /// Open to the public.
    pub is_open: bool,
    /// Live stream.
    #[oai(skip_serializing_if_is_none)]
    pub livestream_url: Option<String>,
    /// Recording.
    #[oai(skip_serializing_if_is_none)]
    pub recording_url: Option<String>,
    /// The minutes document id.
    #[oai(skip_serializing_if_is_none)]
    pub minutes_document: Option<String>,
    /// A notice the council declares it published elsewhere.
    #[oai(skip_serializing_if_is_none)]
    pub declared_notice: Option<DeclaredNoticeDto>,
    /// The minutes' declared public time: the earliest `declared_public` among the documents of
    /// kind `minutes`.
    #[oai(skip_serializing_if_is_none)]
    pub declared_minutes: Option<DeclaredTimeDto>,
    /// Witnessed times.
    pub witnessed: Witnessed,
    /// The session's openness components as of now (method v1.1), each with the kind of time
    /// it used and its null reason; absent unless the session is held and has started.
    #[oai(skip_serializing_if_is_none)]
    pub openness: Option<super::metrics::SessionOpennessDto>,
    /// Agenda by position.
    pub agenda: Vec<AgendaItemView>,
    /// Documents.
    pub documents: Vec<DocumentView>,
    /// True for made-up demo records.
    pub synthetic: bool,
    /// The current version.
    pub version: VersionInfo,
    /// Canonical URL.
    pub url: String,
}

/// A page of sessions.
#[derive(Object)]
pub struct SessionList {
    /// Sessions by scheduled start.
    pub items: Vec<SessionSummary>,
    /// Paging links.
    pub links: Links,
}

/// A page of agenda items.
#[derive(Object)]
pub struct AgendaItemList {
    /// Items by session and position.
    pub items: Vec<AgendaItemView>,
    /// Paging links.
    pub links: Links,
}

/// A vote event.
#[derive(Object, Debug, Clone, serde::Serialize)]
pub struct VoteEventView {
    /// Stable id.
    pub id: String,
    /// Session id.
    pub session: String,
    /// Council id.
    pub council: String,
    /// Agenda item id.
    pub agenda_item: String,
    /// The session's date (UTC+5).
    pub session_date: NaiveDate,
    /// Motion per language tag.
    pub motion: BTreeMap<String, String>,
    /// Stage.
    pub stage: VoteStage,
    /// Method.
    pub method: VoteMethod,
    /// Majority rule.
    pub majority_rule: MajorityRule,
    /// Seats at the time.
    pub seats: i32,
    /// Result.
    pub result: VoteResult,
    /// Counts (from ballots or as stated); absent when unknown.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<CountsDto>,
    /// A named vote with every ballot.
    pub named: bool,
    /// At least 10 % dissent among yes, no and abstain.
    pub contested: bool,
    /// Every ballot, with the deputy's status that day (only in `get_vote_event`).
    #[oai(default, skip_serializing_if_is_empty)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ballots: Vec<BallotView>,
    /// Canonical URL.
    pub url: String,
}

/// A ballot with the deputy's status on the vote's date.
#[derive(Object, Debug, Clone, serde::Serialize)]
pub struct BallotView {
    /// Deputy id.
    pub deputy: String,
    /// Option.
    pub option: BallotOption,
    /// Party that day; absent when non-partisan.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// No party membership that day.
    pub non_partisan: bool,
    /// How their mandate was won (nomination).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nomination: Option<Nomination>,
    /// Their seat type.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_type: Option<SeatType>,
}

/// A page of vote events.
#[derive(Object)]
pub struct VoteEventList {
    /// Vote events by date.
    pub items: Vec<VoteEventView>,
    /// Paging links.
    pub links: Links,
}

/// One line of a deputy's voting record.
#[derive(Object, Debug, Clone, serde::Serialize)]
pub struct DeputyBallotView {
    /// Vote event id.
    pub vote_event: String,
    /// Session id.
    pub session: String,
    /// Date.
    pub session_date: NaiveDate,
    /// Agenda item.
    pub agenda_item: String,
    /// Motion.
    pub motion: BTreeMap<String, String>,
    /// Their ballot.
    pub option: BallotOption,
    /// The vote's result.
    pub result: VoteResult,
    /// Their party that day.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// Non-partisan that day.
    pub non_partisan: bool,
}

/// A page of a deputy's ballots.
#[derive(Object, serde::Serialize)]
pub struct DeputyBallotList {
    /// Ballots by date.
    pub items: Vec<DeputyBallotView>,
    /// Paging links.
    pub links: Links,
}

/// A speech.
#[derive(Object, Debug, Clone)]
pub struct SpeechView {
    /// Stable id.
    pub id: String,
    /// Session id.
    pub session: String,
    /// Agenda item.
    #[oai(skip_serializing_if_is_none)]
    pub agenda_item: Option<String>,
    /// Order within the session.
    pub position: i32,
    /// Speaker deputy.
    #[oai(skip_serializing_if_is_none)]
    pub deputy: Option<String>,
    /// Non-deputy speaker's name.
    #[oai(skip_serializing_if_is_none)]
    pub speaker_name: Option<String>,
    /// Capacity.
    pub speaker_role: SpeakerRole,
    /// Kind.
    pub speech_type: SpeechType,
    /// Language.
    pub language: String,
    /// Duration.
    #[oai(skip_serializing_if_is_none)]
    pub seconds: Option<i32>,
    /// Text.
    #[oai(skip_serializing_if_is_none)]
    pub text: Option<String>,
    /// The session's date.
    pub session_date: NaiveDate,
}

/// A page of speeches.
#[derive(Object)]
pub struct SpeechList {
    /// Speeches in order.
    pub items: Vec<SpeechView>,
    /// Paging links.
    pub links: Links,
}

/// A stored version with its document.
#[derive(Object)]
pub struct SessionRecordVersionView {
    /// Metadata.
    pub version: VersionInfo,
    /// The document as stored.
    pub document: SessionRecordDoc,
}

/// Ids that were added, removed or changed.
#[derive(Object, Debug, Clone)]
pub struct ChangeSetView {
    /// Only in the newer version.
    pub added: Vec<String>,
    /// Only in the older version.
    pub removed: Vec<String>,
    /// In both, different.
    pub changed: Vec<String>,
}

impl From<s::ChangeSet> for ChangeSetView {
    fn from(c: s::ChangeSet) -> Self {
        Self { added: c.added, removed: c.removed, changed: c.changed }
    }
}

/// A ballot that differs.
#[derive(Object, Debug, Clone)]
pub struct BallotChangeView {
    /// Vote event.
    pub vote_event: String,
    /// Deputy.
    pub deputy: String,
    /// Before (absent: no ballot).
    #[oai(skip_serializing_if_is_none)]
    pub from: Option<BallotOption>,
    /// After (absent: no ballot).
    #[oai(skip_serializing_if_is_none)]
    pub to: Option<BallotOption>,
}

/// The differences between two versions.
#[derive(Object)]
pub struct SessionRecordDiff {
    /// Older version.
    pub from: i32,
    /// Newer version.
    pub to: i32,
    /// Top-level fields that differ.
    pub changed_fields: Vec<String>,
    /// Agenda items.
    pub agenda: ChangeSetView,
    /// Documents.
    pub documents: ChangeSetView,
    /// Vote events.
    pub vote_events: ChangeSetView,
    /// Speeches.
    pub speeches: ChangeSetView,
    /// Ballots.
    pub ballots: Vec<BallotChangeView>,
}

/// One accepted version in the change feed.
#[derive(Object)]
pub struct ChangeView {
    /// Change number: increasing, without gaps.
    pub seq: i64,
    /// Document kind.
    pub kind: String,
    /// Document id.
    pub id: String,
    /// Council.
    #[oai(skip_serializing_if_is_none)]
    pub council: Option<String>,
    /// Version.
    pub version: i32,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// `council`, `public_sources` or `synthetic`.
    pub provenance: String,
}

/// One logged version as the change feed shows it.
pub fn change_view(m: crate::service::VersionMeta) -> ChangeView {
    ChangeView {
        seq: m.seq,
        kind: m.kind.as_str().to_owned(),
        id: m.doc_id,
        council: m.council_id,
        version: m.version,
        received_at: m.received_at,
        provenance: m.provenance.as_str().to_owned(),
    }
}

/// A page of changes.
#[derive(Object)]
pub struct ChangeList {
    /// Changes by number.
    pub items: Vec<ChangeView>,
    /// Paging links (`next` continues after the last `seq`).
    pub links: Links,
}

/// A stored number as the API's integer: it was read from an `i32` column, so it fits.
fn wire(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn summary(base: &str, s: sessions::Session) -> SessionSummary {
    SessionSummary {
        url: format!("{base}{PREFIX}/sessions/{}", s.id),
        council: s.council_id,
        convocation: s.convocation,
        number: wire(s.number),
        kind: s.kind.into(),
        status: s.status.into(),
        scheduled_start: s.scheduled_start,
        is_open: s.is_open,
        backfilled: s.backfilled,
        synthetic: s.synthetic,
        version: s.version,
        id: s.id,
    }
}

fn item_view(a: sessions::AgendaItem) -> AgendaItemView {
    AgendaItemView {
        titles: a.titles,
        initiator: a.initiator.into(),
        result: a.result.map(Into::into),
        id: a.id,
        session: a.session_id,
        position: wire(a.position),
        number_label: a.number_label,
        is_open: a.is_open,
        first_public_at: a.first_public_at,
        added_late: a.added_late,
    }
}

fn document_view(x: sessions::Document) -> DocumentView {
    DocumentView {
        kind: x.kind.into(),
        id: x.id,
        agenda_item: x.agenda_item_id,
        title: x.title,
        media_type: x.media_type,
        url: x.url,
        sha256: x.sha256,
        language: x.language,
        text: x.body_text,
        first_public_at: x.first_public_at,
        declared_public: x
            .declared_public_at
            .zip(x.declared_public_source)
            .map(|(published_at, source_url)| DeclaredTimeDto { published_at, source_url }),
    }
}

fn vote_view(base: &str, e: votes::VoteEvent) -> Result<VoteEventView, Problem> {
    let counts = e
        .counts
        .map(CountsDto::try_from)
        .transpose()
        .map_err(|x| Problem::internal(&format!("vote event {}: a stored count is {x}", e.id)))?;
    Ok(VoteEventView {
        url: format!("{base}{PREFIX}/vote-events/{}", e.id),
        motion: e.motion,
        stage: e.stage.into(),
        method: e.method.into(),
        majority_rule: e.majority_rule.into(),
        result: e.result.into(),
        counts,
        id: e.id,
        session: e.session_id,
        council: e.council_id,
        agenda_item: e.agenda_item_id,
        session_date: e.session_date,
        seats: wire(e.seats),
        named: e.named,
        contested: e.contested,
        ballots: vec![],
    })
}

fn speech_view(x: sessions::Speech) -> SpeechView {
    SpeechView {
        speaker_role: x.speaker_role.into(),
        speech_type: x.speech_type.into(),
        id: x.id,
        session: x.session_id,
        agenda_item: x.agenda_item_id,
        position: wire(x.position),
        deputy: x.deputy_id,
        speaker_name: x.speaker_name,
        language: x.language,
        seconds: x.seconds.map(wire),
        text: x.body_text,
        session_date: x.session_date,
    }
}

/// Session operations.
pub struct SessionApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Sessions")]
impl SessionApi {
    /// Publish one session's whole record (its council's publisher, or an admin).
    #[oai(path = "/councils/:council/sessions/:session", method = "put", operation_id = "put_session_record")]
    async fn put_session_record(
        &self,
        auth: BearerAuth,
        /// The council's id.
        council: Path<String>,
        /// The session's id.
        #[oai(name = "session")]
        id: Path<String>,
        /// The current version's ETag; required once the record exists.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: StrictJson<SessionRecordDoc>,
    ) -> Result<PutResponse, Refused<CouncilWrite>> {
        path_id(&council)?;
        auth.require_council(&council)?;
        let mut v = Violations::new();
        crate::domain::text::check_id(&mut v, "", &id);
        let (doc, reason) = body.0.parse(&mut v);
        let meta = meta(&auth, if_match.0, None);
        let published = publish::session_record(&self.state.service, &council, &id, &doc, reason, v, &meta).await?;
        Ok(published.into())
    }

    /// List sessions by council, date range, status or kind, oldest first.
    #[oai(path = "/sessions", method = "get", operation_id = "list_sessions")]
    #[expect(clippy::too_many_arguments, reason = "poem-openapi takes each query parameter as an argument")]
    async fn list_sessions(
        &self,
        /// Only this council.
        council: Query<Option<String>>,
        /// Scheduled on or after this date.
        from: Query<Option<NaiveDate>>,
        /// Scheduled on or before this date.
        to: Query<Option<NaiveDate>>,
        /// Only this status.
        status: Query<Option<SessionStatus>>,
        /// Only this kind.
        kind: Query<Option<SessionKind>>,
        /// Only sessions whose record changed after this time.
        modified_since: Query<Option<DateTime<Utc>>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<SessionList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let status_s = status.0.map(|x| d::SessionStatus::from(x).as_str().to_owned());
        let kind_s = kind.0.map(|x| d::SessionKind::from(x).as_str().to_owned());
        let f = SessionFilter {
            council: council.0.clone(),
            from: from.0,
            to: to.0,
            status: status.0.map(Into::into),
            kind: kind.0.map(Into::into),
            modified_since: modified_since.0,
        };
        let page = sessions::list(&self.state.service, &f, cursor.0.as_deref().filter(|c| !c.is_empty()), n).await?;
        let base = &self.state.service.settings.link_base();
        Ok(Read::of(SessionList {
            items: page.items.into_iter().map(|s| summary(base, s)).collect(),
            links: next_link(
                &format!("{PREFIX}/sessions"),
                &[
                    ("council", council.0),
                    ("from", from.0.map(|d| d.to_string())),
                    ("to", to.0.map(|d| d.to_string())),
                    ("status", status_s),
                    ("kind", kind_s),
                    ("modified_since", modified_since.0.map(|t| t.to_rfc3339())),
                    ("limit", limit.0.map(|l| l.to_string())),
                ],
                page.next,
            ),
        }))
    }

    /// One session with its agenda, documents and when each became public.
    #[oai(path = "/sessions/:session", method = "get", operation_id = "get_session")]
    async fn get_session(
        &self,
        /// The session's id.
        #[oai(name = "session")]
        id: Path<String>,
    ) -> Result<WithEtag<SessionView>, Refused<ById>> {
        path_id(&id)?;
        let full = sessions::get(&self.state.service, &id).await?;
        let s = full.session;
        let base = &self.state.service.settings.link_base();
        let date = crate::domain::session::local_date(s.scheduled_start);
        let openness = svc_metrics::session_openness_on(&self.state.service, &s.council_id, &s.id, date)
            .await?
            .map(|x| super::metrics::session_openness_dto(base, &x));
        let documents: Vec<DocumentView> = full.documents.into_iter().map(document_view).collect();
        let declared_minutes = documents
            .iter()
            .filter(|x| x.kind == DocumentKind::Minutes)
            .filter_map(|x| x.declared_public.clone())
            .min_by_key(|t| t.published_at);
        // The version's tag, so what a client reads is what it sends back as If-Match: the view
        // is derived from this session's versions only.
        let etag = full.version.etag();
        let view = SessionView {
            openness,
            declared_minutes,
            url: format!("{base}{PREFIX}/sessions/{}", s.id),
            kind: s.kind.into(),
            status: s.status.into(),
            declared_notice: s
                .declared_notice()
                .map(|n| DeclaredNoticeDto { published_at: n.published_at, source_url: n.source_url }),
            witnessed: Witnessed {
                first_received_at: s.first_received_at,
                agenda_first_public_at: s.agenda_first_public_at,
                minutes_first_public_at: s.minutes_first_public_at,
                backfilled: s.backfilled,
            },
            agenda: full.agenda.into_iter().map(item_view).collect(),
            documents,
            version: VersionInfo::from(&full.version),
            id: s.id,
            council: s.council_id,
            convocation: s.convocation,
            number: wire(s.number),
            scheduled_start: s.scheduled_start,
            scheduled_end: s.scheduled_end,
            actual_start: s.actual_start,
            actual_end: s.actual_end,
            place: s.place,
            is_open: s.is_open,
            livestream_url: s.livestream_url,
            recording_url: s.recording_url,
            minutes_document: s.minutes_document_id,
            synthetic: s.synthetic,
        };
        Ok(WithEtag::Ok(poem_openapi::payload::Json(view), etag))
    }

    /// Every version of a session's record, oldest first, with reasons for corrections.
    #[oai(path = "/sessions/:session/versions", method = "get", operation_id = "list_session_record_versions")]
    async fn list_session_record_versions(
        &self,
        /// The session's id.
        #[oai(name = "session")]
        id: Path<String>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<VersionList>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let page = sessions::versions(&self.state.service, &id, cursor.0.as_deref(), n).await?;
        Ok(Read::of(VersionList {
            items: page.items.iter().map(VersionInfo::from).collect(),
            links: next_link(
                &format!("{PREFIX}/sessions/{}/versions", id.0),
                &[("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// One stored version of a session's record, exactly as stored.
    #[oai(path = "/sessions/:session/versions/:version", method = "get", operation_id = "get_session_record_version")]
    async fn get_session_record_version(
        &self,
        /// The session's id.
        #[oai(name = "session")]
        id: Path<String>,
        /// The version number.
        #[oai(validator(minimum(value = "1")))]
        version: Path<i32>,
    ) -> Result<Read<SessionRecordVersionView>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let (m, document) = sessions::version(&self.state.service, &id, version.0).await?;
        Ok(Read::of(SessionRecordVersionView { version: VersionInfo::from(&m), document }))
    }

    /// What changed between two versions of a session's record (items, documents, votes, ballots).
    #[oai(path = "/sessions/:session/diff", method = "get", operation_id = "diff_session_record_versions")]
    async fn diff_session_record_versions(
        &self,
        /// The session's id.
        #[oai(name = "session")]
        id: Path<String>,
        /// The older version.
        #[oai(validator(minimum(value = "1")))]
        from: Query<i32>,
        /// The newer version.
        #[oai(validator(minimum(value = "1")))]
        to: Query<i32>,
    ) -> Result<Read<SessionRecordDiff>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let dd = sessions::diff(&self.state.service, &id, from.0, to.0).await?;
        Ok(Read::of(SessionRecordDiff {
            from: from.0,
            to: to.0,
            changed_fields: dd.changed_fields,
            agenda: dd.agenda.into(),
            documents: dd.documents.into(),
            vote_events: dd.vote_events.into(),
            speeches: dd.speeches.into(),
            ballots: dd
                .ballots
                .into_iter()
                .map(|b| BallotChangeView {
                    vote_event: b.vote_event,
                    deputy: b.deputy,
                    from: b.from.map(Into::into),
                    to: b.to.map(Into::into),
                })
                .collect(),
        }))
    }

    /// Agenda items of a session or a council, with when each became public.
    #[oai(path = "/agenda-items", method = "get", operation_id = "list_agenda_items")]
    async fn list_agenda_items(
        &self,
        /// Only this session.
        session: Query<Option<String>>,
        /// Only this council.
        council: Query<Option<String>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<AgendaItemList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let cursor = cursor.0.as_deref().filter(|c| !c.is_empty());
        let page =
            sessions::agenda_items(&self.state.service, session.0.as_deref(), council.0.as_deref(), cursor, n).await?;
        Ok(Read::of(AgendaItemList {
            items: page.items.into_iter().map(item_view).collect(),
            links: next_link(
                &format!("{PREFIX}/agenda-items"),
                &[("session", session.0), ("council", council.0), ("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// Speeches by session, agenda item or deputy.
    #[oai(path = "/speeches", method = "get", operation_id = "list_speeches")]
    async fn list_speeches(
        &self,
        /// Only this session.
        session: Query<Option<String>>,
        /// Only this agenda item.
        agenda_item: Query<Option<String>>,
        /// Only this deputy.
        deputy: Query<Option<String>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<SpeechList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let f =
            SpeechFilter { session: session.0.clone(), agenda_item: agenda_item.0.clone(), deputy: deputy.0.clone() };
        let page =
            sessions::speeches(&self.state.service, &f, cursor.0.as_deref().filter(|c| !c.is_empty()), n).await?;
        Ok(Read::of(SpeechList {
            items: page.items.into_iter().map(speech_view).collect(),
            links: next_link(
                &format!("{PREFIX}/speeches"),
                &[
                    ("session", session.0),
                    ("agenda_item", agenda_item.0),
                    ("deputy", deputy.0),
                    ("limit", limit.0.map(|l| l.to_string())),
                ],
                page.next,
            ),
        }))
    }
}

/// Vote operations.
pub struct VoteApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Votes")]
impl VoteApi {
    /// List vote events by council, session, date range, result or method; flag contested ones.
    #[oai(path = "/vote-events", method = "get", operation_id = "list_vote_events")]
    #[expect(clippy::too_many_arguments, reason = "poem-openapi takes each query parameter as an argument")]
    async fn list_vote_events(
        &self,
        /// Only this council.
        council: Query<Option<String>>,
        /// Only this session.
        session: Query<Option<String>>,
        /// On or after this date.
        from: Query<Option<NaiveDate>>,
        /// On or before this date.
        to: Query<Option<NaiveDate>>,
        /// Only this result.
        result: Query<Option<VoteResult>>,
        /// Only this method.
        method: Query<Option<VoteMethod>>,
        /// Only contested (true) or uncontested (false) votes.
        contested: Query<Option<bool>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<VoteEventList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let result_s = result.0.map(|x| d::VoteResult::from(x).as_str().to_owned());
        let method_s = method.0.map(|x| d::VoteMethod::from(x).as_str().to_owned());
        let f = VoteFilter {
            council: council.0.clone(),
            session: session.0.clone(),
            from: from.0,
            to: to.0,
            result: result.0.map(Into::into),
            method: method.0.map(Into::into),
            contested: contested.0,
        };
        let page = votes::list(&self.state.service, &f, cursor.0.as_deref().filter(|c| !c.is_empty()), n).await?;
        let base = &self.state.service.settings.link_base();
        Ok(Read::of(VoteEventList {
            items: page.items.into_iter().map(|e| vote_view(base, e)).collect::<Result<_, _>>()?,
            links: next_link(
                &format!("{PREFIX}/vote-events"),
                &[
                    ("council", council.0),
                    ("session", session.0),
                    ("from", from.0.map(|d| d.to_string())),
                    ("to", to.0.map(|d| d.to_string())),
                    ("result", result_s),
                    ("method", method_s),
                    ("contested", contested.0.map(|c| c.to_string())),
                    ("limit", limit.0.map(|l| l.to_string())),
                ],
                page.next,
            ),
        }))
    }

    /// One vote event with counts and every ballot, each with the deputy's party that day.
    #[oai(path = "/vote-events/:vote_event", method = "get", operation_id = "get_vote_event")]
    async fn get_vote_event(
        &self,
        /// The vote event's id.
        #[oai(name = "vote_event")]
        id: Path<String>,
    ) -> Result<ReadDirect<VoteEventView>, Refused<ById>> {
        path_id(&id)?;
        let (e, ballots) = votes::get(&self.state.service, &id).await?;
        let mut view = vote_view(&self.state.service.settings.link_base(), e)?;
        view.ballots = ballots
            .into_iter()
            .map(|b| BallotView {
                option: b.option.into(),
                non_partisan: b.party.is_none(),
                party: b.party,
                nomination: b.mandate.map(|(n, _)| n.into()),
                seat_type: b.mandate.map(|(_, t)| t.into()),
                deputy: b.deputy_id,
            })
            .collect();
        Ok(ReadDirect::of(view))
    }

    /// A deputy's whole voting record, oldest first, with their party on each date.
    #[oai(
        path = "/deputies/:deputy/ballots",
        method = "get",
        operation_id = "list_deputy_ballots",
        tag = "ApiTags::Deputies"
    )]
    async fn list_deputy_ballots(
        &self,
        /// The deputy's id.
        #[oai(name = "deputy")]
        id: Path<String>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<ReadDirect<DeputyBallotList>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let cursor = cursor.0.as_deref().filter(|c| !c.is_empty());
        let page = votes::deputy_ballots(&self.state.service, &id, cursor, n).await?;
        let items = page
            .items
            .into_iter()
            .map(|b| DeputyBallotView {
                vote_event: b.vote.id,
                session: b.vote.session_id,
                session_date: b.vote.session_date,
                agenda_item: b.vote.agenda_item_id,
                motion: b.vote.motion,
                option: b.option.into(),
                result: b.vote.result.into(),
                non_partisan: b.party.is_none(),
                party: b.party,
            })
            .collect();
        Ok(ReadDirect::of(DeputyBallotList {
            items,
            links: next_link(
                &format!("{PREFIX}/deputies/{}/ballots", id.0),
                &[("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// The change feed as server-sent events: every change after `since` (or after the
    /// `Last-Event-ID` a reconnecting client sends, which wins), then each new one as it is
    /// published, for as long as the connection stays open. Each event is named `change`, its
    /// id is the change number and its data one item of `list_changes`; a comment line every
    /// 15 seconds keeps idle connections open.
    #[oai(path = "/changes/stream", method = "get", operation_id = "stream_changes", tag = "ApiTags::Changes")]
    async fn stream_changes(
        &self,
        /// Start after this change number (default 0: from the beginning).
        #[oai(validator(minimum(value = "0")))]
        since: Query<Option<i64>>,
        /// Only this council's documents.
        council: Query<Option<String>>,
        /// Only documents of this provenance.
        provenance: Query<Option<super::public_records::Provenance>>,
        /// The id of the last event received, sent by a reconnecting `EventSource`.
        #[oai(name = "Last-Event-ID")]
        last_event_id: Header<Option<String>>,
    ) -> Result<EventStream<BoxStream<'static, ChangeView>>, Refused<ByQuery>> {
        let resume = match last_event_id.0.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                Problem::bad_request("Last-Event-ID: not a change number (rule: integer, 0 or more)")
            })?),
        };
        let since = resume.or(since.0).unwrap_or(0);
        let f = ChangeFilter { council: council.0, provenance: provenance.0.map(Into::into) };
        let stream = crate::service::follow::change_stream(self.state.service.clone(), since, f).map(change_view);
        Ok(EventStream::new(stream.boxed()).keep_alive(std::time::Duration::from_secs(15)).to_event(|c: ChangeView| {
            let id = c.seq.to_string();
            Event::message(c.to_json_string()).event_type("change").id(id)
        }))
    }

    /// Everything published after change number `since`: every accepted version of any document.
    #[oai(path = "/changes", method = "get", operation_id = "list_changes", tag = "ApiTags::Changes")]
    async fn list_changes(
        &self,
        /// Return changes with a number greater than this (default 0: from the beginning).
        #[oai(validator(minimum(value = "0")))]
        since: Query<Option<i64>>,
        /// Only this council's documents.
        council: Query<Option<String>>,
        /// Only documents of this provenance.
        provenance: Query<Option<super::public_records::Provenance>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
    ) -> Result<Read<ChangeList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let since = since.0.unwrap_or(0);
        let prov = provenance.0.map(|p| p.as_str());
        let f = ChangeFilter { council: council.0.clone(), provenance: provenance.0.map(Into::into) };
        let page = votes::changes(&self.state.service, since, &f, n).await?;
        let next = page.next.map(|seq| {
            let mut q = format!("{PREFIX}/changes?since={seq}");
            if let Some(c) = &council.0 {
                q.push_str(&format!("&council={}", super::paging::encode(c)));
            }
            if let Some(p) = prov {
                q.push_str(&format!("&provenance={p}"));
            }
            if let Some(l) = limit.0 {
                q.push_str(&format!("&limit={l}"));
            }
            q
        });
        Ok(Read::of(ChangeList {
            items: page.items.into_iter().map(change_view).collect(),
            links: Links { next, cursor: None },
        }))
    }
}
