//! Session records and the granular reads built from them: sessions, agenda items, vote events
//! with every ballot, a deputy's voting record, speeches, versions, diffs and the change feed.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::auth::BearerAuth;
use super::councils::{PutResponse, VersionInfo, meta, path_id};
use super::paging::{Links, limit, next_link};
use super::payload::StrictJson;
use super::problem::ApiError;
use super::rosters::VersionList;
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::{
    BallotOption, DocumentKind, Initiator, ItemResult, MajorityRule, Nomination, SeatType, SessionKind, SessionStatus,
    SpeakerRole, SpeechType, VoteMethod, VoteResult, VoteStage, stored,
};
use crate::documents::session::{CountsDto, DeclaredNoticeDto, SessionRecordDoc};
use crate::domain::session::{self as s, SessionRecord};
use crate::domain::{Violations, enums as d};
use crate::entity::{agenda_item, document, session, speech, vote_event};
use crate::store::{self, DocKind};

fn names(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

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
    /// The first version arrived after the scheduled start: use the declared times instead.
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
    /// Witnessed times.
    pub witnessed: Witnessed,
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
#[derive(Object, Debug, Clone)]
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
    pub counts: Option<CountsDto>,
    /// A named vote with every ballot.
    pub named: bool,
    /// At least 10 % dissent among yes, no and abstain.
    pub contested: bool,
    /// Every ballot, with the deputy's status that day (only in `get_vote_event`).
    #[oai(default, skip_serializing_if_is_empty)]
    pub ballots: Vec<BallotView>,
    /// Canonical URL.
    pub url: String,
}

/// A ballot with the deputy's status on the vote's date.
#[derive(Object, Debug, Clone)]
pub struct BallotView {
    /// Deputy id.
    pub deputy: String,
    /// Option.
    pub option: BallotOption,
    /// Party that day; absent when non-partisan.
    #[oai(skip_serializing_if_is_none)]
    pub party: Option<String>,
    /// No party membership that day.
    pub non_partisan: bool,
    /// How their mandate was won (nomination).
    #[oai(skip_serializing_if_is_none)]
    pub nomination: Option<Nomination>,
    /// Their seat type.
    #[oai(skip_serializing_if_is_none)]
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
#[derive(Object, Debug, Clone)]
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
    pub party: Option<String>,
    /// Non-partisan that day.
    pub non_partisan: bool,
}

/// A page of a deputy's ballots.
#[derive(Object)]
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

/// A page of changes.
#[derive(Object)]
pub struct ChangeList {
    /// Changes by number.
    pub items: Vec<ChangeView>,
    /// Paging links (`next` continues after the last `seq`).
    pub links: Links,
}

fn summary(base: &str, s: session::Model) -> SessionSummary {
    SessionSummary {
        url: format!("{base}{PREFIX}/sessions/{}", s.id),
        council: s.council_id,
        convocation: s.convocation,
        number: s.number,
        kind: stored(&s.kind, d::SessionKind::parse, d::SessionKind::Regular),
        status: stored(&s.status, d::SessionStatus::parse, d::SessionStatus::Planned),
        scheduled_start: s.scheduled_start,
        is_open: s.is_open,
        backfilled: s.backfilled,
        synthetic: s.synthetic,
        version: s.version,
        id: s.id,
    }
}

fn item_view(a: agenda_item::Model) -> AgendaItemView {
    AgendaItemView {
        titles: names(&a.titles),
        initiator: stored(&a.initiator, d::Initiator::parse, d::Initiator::Other),
        result: a.result.as_deref().and_then(d::ItemResult::parse).map(Into::into),
        id: a.id,
        session: a.session_id,
        position: a.position,
        number_label: a.number_label,
        is_open: a.is_open,
        first_public_at: a.first_public_at,
        added_late: a.added_late,
    }
}

fn document_view(x: document::Model) -> DocumentView {
    DocumentView {
        kind: stored(&x.kind, d::DocumentKind::parse, d::DocumentKind::Other),
        id: x.id,
        agenda_item: x.agenda_item_id,
        title: x.title,
        media_type: x.media_type,
        url: x.url,
        sha256: x.sha256,
        language: x.language,
        text: x.body_text,
        first_public_at: x.first_public_at,
    }
}

fn vote_view(base: &str, e: vote_event::Model) -> VoteEventView {
    let counts = e.yes_count.map(|yes| CountsDto {
        yes: yes as u32,
        no: e.no_count.unwrap_or(0) as u32,
        abstain: e.abstain_count.unwrap_or(0) as u32,
        not_voting: e.not_voting_count.unwrap_or(0) as u32,
        absent: e.absent_count.unwrap_or(0) as u32,
        excused: e.excused_count.unwrap_or(0) as u32,
    });
    VoteEventView {
        url: format!("{base}{PREFIX}/vote-events/{}", e.id),
        motion: names(&e.motion),
        stage: stored(&e.stage, d::VoteStage::parse, d::VoteStage::Other),
        method: stored(&e.method, d::VoteMethod::parse, d::VoteMethod::ShowOfHands),
        majority_rule: stored(&e.majority_rule, d::MajorityRule::parse, d::MajorityRule::MajorityOfPresent),
        result: stored(&e.result, d::VoteResult::parse, d::VoteResult::Fail),
        counts,
        id: e.id,
        session: e.session_id,
        council: e.council_id,
        agenda_item: e.agenda_item_id,
        session_date: e.session_date,
        seats: e.seats,
        named: e.named,
        contested: e.contested,
        ballots: vec![],
    }
}

fn speech_view(x: speech::Model) -> SpeechView {
    SpeechView {
        speaker_role: stored(&x.speaker_role, d::SpeakerRole::parse, d::SpeakerRole::Public),
        speech_type: stored(&x.speech_type, d::SpeechType::parse, d::SpeechType::Speech),
        id: x.id,
        session: x.session_id,
        agenda_item: x.agenda_item_id,
        position: x.position,
        deputy: x.deputy_id,
        speaker_name: x.speaker_name,
        language: x.language,
        seconds: x.seconds,
        text: x.body_text,
        session_date: x.session_date,
    }
}

fn parse_cursor_num(c: Option<&str>) -> Result<i64, ApiError> {
    c.filter(|c| !c.is_empty())
        .map_or(Ok(0), |c| c.parse::<i64>().map_err(|_| ApiError::bad_request("cursor is not one this server issued")))
}

async fn record_version(
    state: &AppState,
    id: &str,
    version: i32,
) -> Result<(store::VersionMeta, SessionRecord), ApiError> {
    let (m, body) = store::councils::get_version(&state.service.db, DocKind::SessionRecord, id, version)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("version {version} of session {id}")))?;
    let doc: SessionRecord = serde_json::from_str(&body).map_err(|e| ApiError::internal(&e))?;
    Ok((m, doc))
}

/// Session operations.
pub struct SessionApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Sessions")]
impl SessionApi {
    /// Publish one session's whole record (its council's publisher, or an admin).
    #[oai(path = "/councils/:council/sessions/:id", method = "put", operation_id = "put_session_record")]
    async fn put_session_record(
        &self,
        auth: BearerAuth,
        /// The council's id.
        council: Path<String>,
        /// The session's stable id.
        id: Path<String>,
        /// The current version's ETag; required once the record exists.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: StrictJson<SessionRecordDoc>,
    ) -> Result<PutResponse, ApiError> {
        path_id(&council)?;
        auth.require_council(&council)?;
        let mut v = Violations::new();
        crate::domain::text::check_id(&mut v, "", &id);
        let (doc, reason) = body.0.parse(&mut v);
        let published = store::sessions::put_session_record(
            &self.state.service.db,
            &council,
            &id,
            &doc,
            reason,
            v,
            &meta(&auth, if_match.0, None),
        )
        .await?;
        Ok(published.into())
    }

    /// List sessions by council, date range, status or kind, oldest first.
    #[oai(path = "/sessions", method = "get", operation_id = "list_sessions")]
    #[allow(clippy::too_many_arguments)]
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
    ) -> Result<Json<SessionList>, ApiError> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let status_s = status.0.map(|x| d::SessionStatus::from(x).as_str().to_owned());
        let kind_s = kind.0.map(|x| d::SessionKind::from(x).as_str().to_owned());
        let f = store::sessions::SessionFilter {
            council: council.0.clone(),
            from: from.0,
            to: to.0,
            status: status_s.clone(),
            kind: kind_s.clone(),
            modified_since: modified_since.0,
        };
        let page = store::sessions::list_sessions(&self.state.service.db, &f, cursor.0.as_deref().filter(|c| !c.is_empty()), n)
            .await?;
        let base = &self.state.service.settings.public_url;
        Ok(Json(SessionList {
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
    #[oai(path = "/sessions/:id", method = "get", operation_id = "get_session")]
    async fn get_session(
        &self,
        /// The session's id.
        id: Path<String>,
    ) -> Result<Json<SessionView>, ApiError> {
        path_id(&id)?;
        let full = store::sessions::get_session(&self.state.service.db, &id).await?;
        let s = full.session;
        let base = &self.state.service.settings.public_url;
        Ok(Json(SessionView {
            url: format!("{base}{PREFIX}/sessions/{}", s.id),
            kind: stored(&s.kind, d::SessionKind::parse, d::SessionKind::Regular),
            status: stored(&s.status, d::SessionStatus::parse, d::SessionStatus::Planned),
            declared_notice: match (s.declared_notice_at, s.declared_notice_source) {
                (Some(published_at), Some(source_url)) => Some(DeclaredNoticeDto { published_at, source_url }),
                _ => None,
            },
            witnessed: Witnessed {
                first_received_at: s.first_received_at,
                agenda_first_public_at: s.agenda_first_public_at,
                minutes_first_public_at: s.minutes_first_public_at,
                backfilled: s.backfilled,
            },
            agenda: full.agenda.into_iter().map(item_view).collect(),
            documents: full.documents.into_iter().map(document_view).collect(),
            version: VersionInfo::from(&full.version),
            id: s.id,
            council: s.council_id,
            convocation: s.convocation,
            number: s.number,
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
        }))
    }

    /// Every version of a session's record, oldest first, with reasons for corrections.
    #[oai(path = "/sessions/:id/versions", method = "get", operation_id = "list_session_record_versions")]
    async fn list_session_record_versions(
        &self,
        /// The session's id.
        id: Path<String>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Json<VersionList>, ApiError> {
        path_id(&id)?;
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let after = parse_cursor_num(cursor.0.as_deref().filter(|c| !c.is_empty()))? as i32;
        let page = store::councils::list_versions(&self.state.service.db, DocKind::SessionRecord, &id, after, n).await?;
        if page.items.is_empty() && after == 0 {
            return Err(ApiError::not_found(format!("session {}", id.0)));
        }
        Ok(Json(VersionList {
            items: page.items.iter().map(VersionInfo::from).collect(),
            links: next_link(
                &format!("{PREFIX}/sessions/{}/versions", id.0),
                &[("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// One stored version of a session's record, exactly as stored.
    #[oai(path = "/sessions/:id/versions/:version", method = "get", operation_id = "get_session_record_version")]
    async fn get_session_record_version(
        &self,
        /// The session's id.
        id: Path<String>,
        /// The version number.
        #[oai(validator(minimum(value = "1")))]
        version: Path<i32>,
    ) -> Result<Json<SessionRecordVersionView>, ApiError> {
        path_id(&id)?;
        let (m, body) = store::councils::get_version(&self.state.service.db, DocKind::SessionRecord, &id, version.0)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("version {} of session {}", version.0, id.0)))?;
        let mut document: SessionRecordDoc = serde_json::from_str(&body).map_err(|e| ApiError::internal(&e))?;
        document.reason = m.reason.clone();
        Ok(Json(SessionRecordVersionView { version: VersionInfo::from(&m), document }))
    }

    /// What changed between two versions of a session's record (items, documents, votes, ballots).
    #[oai(path = "/sessions/:id/diff", method = "get", operation_id = "diff_session_record_versions")]
    async fn diff_session_record_versions(
        &self,
        /// The session's id.
        id: Path<String>,
        /// The older version.
        #[oai(validator(minimum(value = "1")))]
        from: Query<i32>,
        /// The newer version.
        #[oai(validator(minimum(value = "1")))]
        to: Query<i32>,
    ) -> Result<Json<SessionRecordDiff>, ApiError> {
        path_id(&id)?;
        let (_, old) = record_version(&self.state, &id, from.0).await?;
        let (_, new) = record_version(&self.state, &id, to.0).await?;
        let dd = s::diff(&old, &new);
        Ok(Json(SessionRecordDiff {
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
    ) -> Result<Json<AgendaItemList>, ApiError> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let page = store::sessions::list_agenda_items(
            &self.state.service.db,
            session.0.as_deref(),
            council.0.as_deref(),
            cursor.0.as_deref().filter(|c| !c.is_empty()),
            n,
        )
        .await?;
        Ok(Json(AgendaItemList {
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
    ) -> Result<Json<SpeechList>, ApiError> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let page = store::sessions::list_speeches(
            &self.state.service.db,
            session.0.as_deref(),
            agenda_item.0.as_deref(),
            deputy.0.as_deref(),
            cursor.0.as_deref().filter(|c| !c.is_empty()),
            n,
        )
        .await?;
        Ok(Json(SpeechList {
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
    #[allow(clippy::too_many_arguments)]
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
    ) -> Result<Json<VoteEventList>, ApiError> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let result_s = result.0.map(|x| d::VoteResult::from(x).as_str().to_owned());
        let method_s = method.0.map(|x| d::VoteMethod::from(x).as_str().to_owned());
        let f = store::sessions::VoteFilter {
            council: council.0.clone(),
            session: session.0.clone(),
            from: from.0,
            to: to.0,
            result: result_s.clone(),
            method: method_s.clone(),
            contested: contested.0,
        };
        let page =
            store::sessions::list_vote_events(&self.state.service.db, &f, cursor.0.as_deref().filter(|c| !c.is_empty()), n)
                .await?;
        let base = &self.state.service.settings.public_url;
        Ok(Json(VoteEventList {
            items: page.items.into_iter().map(|e| vote_view(base, e)).collect(),
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
    #[oai(path = "/vote-events/:id", method = "get", operation_id = "get_vote_event")]
    async fn get_vote_event(
        &self,
        /// The vote event's id.
        id: Path<String>,
    ) -> Result<Json<VoteEventView>, ApiError> {
        path_id(&id)?;
        let (e, ballots, status) = store::sessions::get_vote_event(&self.state.service.db, &id).await?;
        let mut view = vote_view(&self.state.service.settings.public_url, e);
        view.ballots = ballots
            .into_iter()
            .map(|b| {
                let (party, seat) = status.get(&b.deputy_id).cloned().unwrap_or((None, None));
                BallotView {
                    option: stored(&b.option, d::BallotOption::parse, d::BallotOption::Absent),
                    non_partisan: party.is_none(),
                    party,
                    nomination: seat.as_ref().and_then(|(n, _)| d::Nomination::parse(n)).map(Into::into),
                    seat_type: seat.as_ref().and_then(|(_, t)| d::SeatType::parse(t)).map(Into::into),
                    deputy: b.deputy_id,
                }
            })
            .collect();
        Ok(Json(view))
    }

    /// A deputy's whole voting record, oldest first, with their party on each date.
    #[oai(
        path = "/deputies/:id/ballots",
        method = "get",
        operation_id = "list_deputy_ballots",
        tag = "ApiTags::Deputies"
    )]
    async fn list_deputy_ballots(
        &self,
        /// The deputy's id.
        id: Path<String>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Json<DeputyBallotList>, ApiError> {
        path_id(&id)?;
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let (page, memberships) =
            store::sessions::list_deputy_ballots(&self.state.service.db, &id, cursor.0.as_deref().filter(|c| !c.is_empty()), n)
                .await?;
        let items = page
            .items
            .into_iter()
            .map(|(b, e)| {
                let party = memberships
                    .iter()
                    .find(|m| crate::domain::roster::period_covers(m.start_date, m.end_date, b.session_date))
                    .map(|m| m.party_id.clone());
                DeputyBallotView {
                    vote_event: b.vote_event_id,
                    session: b.session_id,
                    session_date: b.session_date,
                    agenda_item: e.agenda_item_id,
                    motion: names(&e.motion),
                    option: stored(&b.option, d::BallotOption::parse, d::BallotOption::Absent),
                    result: stored(&e.result, d::VoteResult::parse, d::VoteResult::Fail),
                    non_partisan: party.is_none(),
                    party,
                }
            })
            .collect();
        Ok(Json(DeputyBallotList {
            items,
            links: next_link(
                &format!("{PREFIX}/deputies/{}/ballots", id.0),
                &[("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
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
    ) -> Result<Json<ChangeList>, ApiError> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let since = since.0.unwrap_or(0);
        if since < 0 {
            return Err(ApiError::bad_request("since is a change number, 0 or more"));
        }
        let prov = provenance.0.map(|p| p.as_str());
        let page = store::sessions::list_changes(&self.state.service.db, since, council.0.as_deref(), prov, n).await?;
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
        Ok(Json(ChangeList {
            items: page
                .items
                .into_iter()
                .map(|m| ChangeView {
                    seq: m.seq,
                    kind: m.kind,
                    id: m.doc_id,
                    council: m.council_id,
                    version: m.version,
                    received_at: m.received_at,
                    provenance: m.provenance,
                })
                .collect(),
            links: Links { next },
        }))
    }
}
