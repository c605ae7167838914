//! The session record as publishers send it, and its parsing into the domain type.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use super::bounded::{Count, Position, Seats, Seconds, SessionNumber};
use super::enums::{
    BallotOption, DocumentKind, Initiator, ItemResult, MajorityRule, SessionKind, SessionStatus, SpeakerRole,
    SpeechType, VoteMethod, VoteResult, VoteStage,
};
use crate::domain::Violations;
use crate::domain::bounded::OutOfRange;
use crate::domain::session as s;
use crate::domain::text::{self, MAX_LINE, MAX_TEXT};

/// One session's whole record, as its council publishes it. Send it again, whole, whenever
/// anything changes (agenda published, documents added, votes and speeches after the sitting).
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct SessionRecordDoc {
    /// Convocation (Roman numeral) declared on the council, e.g. `VIII`.
    pub convocation: String,
    /// Session number within the convocation.
    pub number: SessionNumber,
    /// Regular, extraordinary, constituent or joint.
    pub kind: SessionKind,
    /// Planned, convened, held, cancelled or postponed.
    pub status: SessionStatus,
    /// Scheduled start (RFC 3339 with offset; Kazakhstan is UTC+5).
    pub scheduled_start: DateTime<Utc>,
    /// Scheduled end.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_end: Option<DateTime<Utc>>,
    /// Actual start.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_start: Option<DateTime<Utc>>,
    /// Actual end.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_end: Option<DateTime<Utc>>,
    /// Where it sits.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Open to the public.
    pub is_open: bool,
    /// Live stream URL.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livestream_url: Option<String>,
    /// Recording URL.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_url: Option<String>,
    /// Id of the minutes among `documents`.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_document: Option<String>,
    /// A notice the council declares it published elsewhere (newspaper, website).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_notice: Option<DeclaredNoticeDto>,
    /// Agenda items.
    #[oai(default)]
    #[serde(default)]
    pub agenda: Vec<AgendaItemDto>,
    /// Documents.
    #[oai(default)]
    #[serde(default)]
    pub documents: Vec<DocumentDto>,
    /// Vote events with ballots.
    #[oai(default)]
    #[serde(default)]
    pub vote_events: Vec<VoteEventDto>,
    /// Speeches in order.
    #[oai(default)]
    #[serde(default)]
    pub speeches: Vec<SpeechDto>,
    /// Why this version changes the record; required for changes sent after the session date.
    /// Kept in the version's public history, not in the document.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A declared external notice.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct DeclaredNoticeDto {
    /// When it was published, as declared.
    pub published_at: DateTime<Utc>,
    /// Where it can be seen.
    pub source_url: String,
}

/// A time the publisher declares something first became public, with where that can be seen.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct DeclaredTimeDto {
    /// When it first became public, as declared.
    pub published_at: DateTime<Utc>,
    /// A page (http or https) that shows it public at that time.
    pub source_url: String,
}

/// An agenda item.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemDto {
    /// Stable id, unique on the platform.
    pub id: String,
    /// Order, from 1.
    pub position: Position,
    /// Number as printed.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_label: Option<String>,
    /// Titles per language tag.
    pub titles: BTreeMap<String, String>,
    /// Who put it on the agenda.
    pub initiator: Initiator,
    /// Considered in public (default true).
    #[oai(default = "default_true")]
    #[serde(default = "default_true")]
    pub is_open: bool,
    /// What became of it.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ItemResult>,
}

fn default_true() -> bool {
    true
}

/// A document.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct DocumentDto {
    /// Stable id.
    pub id: String,
    /// The agenda item it belongs to.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda_item: Option<String>,
    /// Kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// Media type.
    pub media_type: String,
    /// URL (http or https).
    pub url: String,
    /// SHA-256 of the file, 64 lowercase hex digits.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Language tag.
    pub language: String,
    /// Its text.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// When the document (for the minutes: the minutes) first became public, as the publisher
    /// declares it, with its source. The metrics use it only for a *backfilled* record: one whose
    /// first version the server received after the session's scheduled start, so that receive
    /// times say nothing about when its documents were public. On a record sent before the
    /// sitting it is shown, never scored (the server's own receive times are).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_public: Option<DeclaredTimeDto>,
}

/// Counts by option.
#[derive(Object, Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CountsDto {
    /// Yes.
    #[oai(default)]
    #[serde(default)]
    pub yes: Count,
    /// No.
    #[oai(default)]
    #[serde(default)]
    pub no: Count,
    /// Abstain.
    #[oai(default)]
    #[serde(default)]
    pub abstain: Count,
    /// Present, did not vote.
    #[oai(default)]
    #[serde(default)]
    pub not_voting: Count,
    /// Absent.
    #[oai(default)]
    #[serde(default)]
    pub absent: Count,
    /// Absent with a reason.
    #[oai(default)]
    #[serde(default)]
    pub excused: Count,
}

impl From<CountsDto> for s::Counts {
    fn from(c: CountsDto) -> Self {
        s::Counts {
            yes: c.yes.get(),
            no: c.no.get(),
            abstain: c.abstain.get(),
            not_voting: c.not_voting.get(),
            absent: c.absent.get(),
            excused: c.excused.get(),
        }
    }
}

impl TryFrom<s::Counts> for CountsDto {
    type Error = OutOfRange;

    /// Fails only for counts no document could have carried (above the largest council).
    fn try_from(c: s::Counts) -> Result<Self, OutOfRange> {
        Ok(CountsDto {
            yes: Count::new(c.yes)?,
            no: Count::new(c.no)?,
            abstain: Count::new(c.abstain)?,
            not_voting: Count::new(c.not_voting)?,
            absent: Count::new(c.absent)?,
            excused: Count::new(c.excused)?,
        })
    }
}

/// A vote event.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct VoteEventDto {
    /// Stable id.
    pub id: String,
    /// The agenda item voted on.
    pub agenda_item: String,
    /// The motion per language tag.
    pub motion: BTreeMap<String, String>,
    /// Stage.
    pub stage: VoteStage,
    /// Method; `roll_call` and `electronic` need a ballot for every serving deputy.
    pub method: VoteMethod,
    /// Majority rule.
    pub majority_rule: MajorityRule,
    /// Seats at the time.
    pub seats: Seats,
    /// Result as declared; must agree with the counts and the majority rule.
    pub result: VoteResult,
    /// Counts, when stated; must equal the ballots when both are given.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<CountsDto>,
    /// Ballots (never for secret votes).
    #[oai(default)]
    #[serde(default)]
    pub ballots: Vec<BallotDto>,
}

/// One ballot.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct BallotDto {
    /// Deputy id.
    pub deputy: String,
    /// Option.
    pub option: BallotOption,
}

/// A speech.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct SpeechDto {
    /// Stable id.
    pub id: String,
    /// The agenda item.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda_item: Option<String>,
    /// The speaker, when a deputy of this council.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deputy: Option<String>,
    /// The speaker's name, when not a deputy.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_name: Option<String>,
    /// Capacity.
    pub speaker_role: SpeakerRole,
    /// Kind.
    pub speech_type: SpeechType,
    /// Language tag.
    pub language: String,
    /// Duration in seconds.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<Seconds>,
    /// Text.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

fn lang(v: &mut Violations, path: String, tag: &str) -> String {
    if !text::is_valid_lang(tag) {
        v.push(path, "language_tag", "a language tag such as kk, kk-Latn, ru or en");
    }
    tag.to_owned()
}

fn id(v: &mut Violations, path: String, id: String) -> String {
    text::check_id(v, &path, &id);
    id
}

impl SessionRecordDoc {
    /// Cleans every field into the domain value, recording violations with their paths.
    /// Returns the record and the stated reason.
    pub fn parse(self, v: &mut Violations) -> (s::SessionRecord, Option<String>) {
        let reason = text::clean_opt(v, "/reason", self.reason.as_deref(), 2000, true);
        let agenda = self.agenda.into_iter().enumerate().map(|(i, a)| a.parse(v, i)).collect();
        let documents: Vec<_> =
            self.documents.into_iter().enumerate().map(|(i, d)| d.parse(v, &format!("/documents/{i}"))).collect();
        let vote_events = self.vote_events.into_iter().enumerate().map(|(i, e)| e.parse(v, i)).collect();
        let speeches: Vec<_> =
            self.speeches.into_iter().enumerate().map(|(i, sp)| sp.parse(v, &format!("/speeches/{i}"))).collect();
        let record = s::SessionRecord {
            convocation: self.convocation,
            number: self.number.get(),
            kind: self.kind.into(),
            status: self.status.into(),
            scheduled_start: self.scheduled_start,
            scheduled_end: self.scheduled_end,
            actual_start: self.actual_start,
            actual_end: self.actual_end,
            place: text::clean_opt(v, "/place", self.place.as_deref(), MAX_LINE, false),
            is_open: self.is_open,
            livestream_url: text::url_opt(v, "/livestream_url", self.livestream_url.as_deref()),
            recording_url: text::url_opt(v, "/recording_url", self.recording_url.as_deref()),
            minutes_document: self.minutes_document,
            declared_notice: self.declared_notice.map(|n| s::DeclaredNotice {
                published_at: n.published_at,
                source_url: text::url(v, "/declared_notice/source_url", &n.source_url).unwrap_or_default(),
            }),
            agenda,
            documents,
            vote_events,
            speeches,
        };
        (record, reason)
    }
}

impl AgendaItemDto {
    fn parse(self, v: &mut Violations, i: usize) -> s::AgendaItem {
        let p = format!("/agenda/{i}");
        s::AgendaItem {
            id: id(v, format!("{p}/id"), self.id),
            position: self.position.get(),
            number_label: text::clean_opt(v, &format!("{p}/number_label"), self.number_label.as_deref(), 32, false),
            titles: text::lang_map(v, &format!("{p}/titles"), &self.titles, MAX_LINE * 4),
            initiator: self.initiator.into(),
            is_open: self.is_open,
            result: self.result.map(Into::into),
        }
    }
}

impl DocumentDto {
    fn parse(self, v: &mut Violations, p: &str) -> s::Document {
        s::Document {
            id: id(v, format!("{p}/id"), self.id),
            agenda_item: self.agenda_item,
            kind: self.kind.into(),
            title: text::clean(v, &format!("{p}/title"), &self.title, MAX_LINE * 4, false).unwrap_or_default(),
            media_type: text::clean(v, &format!("{p}/media_type"), &self.media_type, 127, false).unwrap_or_default(),
            url: text::url(v, &format!("{p}/url"), &self.url).unwrap_or_default(),
            sha256: self.sha256,
            language: lang(v, format!("{p}/language"), &self.language),
            text: text::clean_opt(v, &format!("{p}/text"), self.text.as_deref(), MAX_TEXT, true),
            declared_public: self.declared_public.map(|t| s::DeclaredTime {
                published_at: t.published_at,
                source_url: text::url(v, &format!("{p}/declared_public/source_url"), &t.source_url).unwrap_or_default(),
            }),
        }
    }
}

impl VoteEventDto {
    fn parse(self, v: &mut Violations, i: usize) -> s::VoteEvent {
        s::VoteEvent {
            id: id(v, format!("/vote_events/{i}/id"), self.id),
            agenda_item: self.agenda_item,
            motion: text::lang_map(v, &format!("/vote_events/{i}/motion"), &self.motion, MAX_LINE * 4),
            stage: self.stage.into(),
            method: self.method.into(),
            majority_rule: self.majority_rule.into(),
            seats: self.seats.get(),
            result: self.result.into(),
            counts: self.counts.map(Into::into),
            ballots: self
                .ballots
                .into_iter()
                .map(|b| s::Ballot { deputy: b.deputy, option: b.option.into() })
                .collect(),
        }
    }
}

impl SpeechDto {
    fn parse(self, v: &mut Violations, p: &str) -> s::Speech {
        s::Speech {
            id: id(v, format!("{p}/id"), self.id),
            agenda_item: self.agenda_item,
            deputy: self.deputy,
            speaker_name: text::clean_opt(v, &format!("{p}/speaker_name"), self.speaker_name.as_deref(), 300, false),
            speaker_role: self.speaker_role.into(),
            speech_type: self.speech_type.into(),
            language: lang(v, format!("{p}/language"), &self.language),
            seconds: self.seconds.map(Seconds::get),
            text: text::clean_opt(v, &format!("{p}/text"), self.text.as_deref(), MAX_TEXT, true),
        }
    }
}
