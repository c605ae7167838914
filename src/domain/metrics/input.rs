//! Plain input types: everything the metrics need about one council over a
//! period, already loaded from the store. No validation happens here; the
//! publication rules of `docs/domain.md` are enforced when records are stored.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use serde::{Deserialize, Serialize};

/// Kind of a session; only `extraordinary` changes a metric (the notice target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// An ordinary, planned session.
    Regular,
    /// A session convened outside the plan; its notice target is 3 days.
    Extraordinary,
    /// The first session of a new convocation.
    Constituent,
    /// A joint sitting with another body.
    Joint,
}

/// Lifecycle status of a session; only `held` sessions count in the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Announced but not yet convened.
    Planned,
    /// Formally convened, not yet held.
    Convened,
    /// Took place.
    Held,
    /// Will not take place.
    Cancelled,
    /// Moved to a later date.
    Postponed,
}

/// Where a publication time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeKind {
    /// The server-recorded `received_at` of the first version that contained it.
    Witnessed,
    /// A time the publisher declared (external notice, backfilled record).
    Declared,
}

/// The first moment something became public, and how that moment is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PublicTime {
    /// The instant it became public.
    pub at: DateTime<Utc>,
    /// Whether the instant was witnessed by the server or declared.
    pub kind: TimeKind,
}

impl PublicTime {
    /// A server-witnessed publication time.
    pub fn witnessed(at: DateTime<Utc>) -> Self {
        Self { at, kind: TimeKind::Witnessed }
    }

    /// A publisher-declared publication time.
    pub fn declared(at: DateTime<Utc>) -> Self {
        Self { at, kind: TimeKind::Declared }
    }
}

/// Who the record of a session comes from: it decides what a missing document means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// The council's own record: it states which documents exist, so an agenda item without a
    /// document had none.
    #[default]
    Council,
    /// A record compiled from public sources: an item without a document may have had one that
    /// the sources do not show, so it is unknown.
    PublicSources,
    /// The synthetic country's invented council records, read as the council's own.
    Synthetic,
}

impl Provenance {
    /// Whether the record states every document that exists (`council`, and the synthetic
    /// country's records, which stand in for councils').
    pub fn states_every_document(self) -> bool {
        self != Self::PublicSources
    }
}

/// One session of the council.
///
/// Publication times are read under the metrics' rule: a session that is not
/// `backfilled` uses only [`TimeKind::Witnessed`] times, a backfilled session
/// only [`TimeKind::Declared`] ones; a time of the other kind, or one after
/// `as_of`, counts as "not public". Every document of the session appears once,
/// in its agenda item's [`AgendaItem::documents_first_public`] or in
/// [`Session::unattached_documents`]: with its declared time when the session is
/// backfilled and the record declares one, else with its witnessed time (which, in
/// a backfilled session, is a document without a declared time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Stable session id.
    pub id: String,
    /// Regular, extraordinary, constituent or joint.
    pub kind: SessionKind,
    /// Lifecycle status; only `held` counts.
    pub status: SessionStatus,
    /// Scheduled start; its local calendar date places the session in a period.
    pub scheduled_start: DateTime<Utc>,
    /// Scheduled end, if known.
    pub scheduled_end: Option<DateTime<Utc>>,
    /// Actual end, if known; preferred over the scheduled end for `minutes`.
    pub actual_end: Option<DateTime<Utc>>,
    /// Whether the session was open to the public.
    pub is_open: bool,
    /// Whether a livestream URL is recorded.
    pub has_livestream: bool,
    /// Whether a recording URL is recorded.
    pub has_recording: bool,
    /// Imported in bulk after the fact: witnessed times say nothing about openness.
    pub backfilled: bool,
    /// When an agenda for the session was first public.
    pub agenda_first_public: Option<PublicTime>,
    /// When the minutes were first public; `None` when the record has no minutes. In a
    /// backfilled session, minutes whose time no record declares carry their witnessed time.
    pub minutes_first_public: Option<PublicTime>,
    /// Who the record comes from.
    #[serde(default)]
    pub provenance: Provenance,
    /// Documents of the session attached to no agenda item (the agenda, the minutes…), each
    /// with its publication time under the same rule as an item's documents.
    #[serde(default)]
    pub unattached_documents: Vec<PublicTime>,
}

/// One agenda item of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    /// Stable item id.
    pub id: String,
    /// The session the item belongs to.
    pub session_id: String,
    /// Whether the item was considered in public (the session must be open too).
    pub is_open: bool,
    /// For each document of the item, when it first became public.
    pub documents_first_public: Vec<PublicTime>,
}

/// How a vote was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteMethod {
    /// Named vote, one ballot per deputy.
    RollCall,
    /// Electronic vote with recorded ballots.
    Electronic,
    /// Counted show of hands, usually without ballots.
    ShowOfHands,
    /// Secret ballot: never carries ballots.
    Secret,
    /// Adopted by acclamation.
    Acclamation,
}

/// Outcome of a vote event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteResult {
    /// The motion passed.
    Pass,
    /// The motion failed.
    Fail,
}

/// A deputy's recorded choice on one vote event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotOption {
    /// Voted for.
    Yes,
    /// Voted against.
    No,
    /// Abstained.
    Abstain,
    /// Present but did not vote.
    NotVoting,
    /// Absent.
    Absent,
    /// Absent with a recorded reason.
    Excused,
}

impl BallotOption {
    /// Whether the option is a cast vote (yes, no or abstain).
    pub fn is_cast(self) -> bool {
        matches!(self, Self::Yes | Self::No | Self::Abstain)
    }

    /// Whether the option records the deputy as present.
    pub fn is_present(self) -> bool {
        self.is_cast() || self == Self::NotVoting
    }
}

/// Vote totals by option, as given by the publisher or tallied from ballots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct VoteCounts {
    /// Yes votes (`Y`).
    pub yes: u64,
    /// No votes (`N`).
    pub no: u64,
    /// Abstentions (`A`).
    pub abstain: u64,
}

impl VoteCounts {
    /// `T = Y + N + A`.
    pub fn total(&self) -> u64 {
        self.yes + self.no + self.abstain
    }

    /// Adds one ballot to the tally; options other than yes/no/abstain are ignored.
    pub fn add(&mut self, option: BallotOption) {
        match option {
            BallotOption::Yes => self.yes += 1,
            BallotOption::No => self.no += 1,
            BallotOption::Abstain => self.abstain += 1,
            BallotOption::NotVoting | BallotOption::Absent | BallotOption::Excused => {}
        }
    }
}

/// One deputy's ballot on a vote event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ballot {
    /// The deputy who cast it.
    pub deputy_id: String,
    /// The recorded option.
    pub option: BallotOption,
}

/// One vote on an agenda item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoteEvent {
    /// Stable vote event id.
    pub id: String,
    /// The session in which the vote was taken.
    pub session_id: String,
    /// The agenda item voted on.
    pub agenda_item_id: String,
    /// How the vote was taken.
    pub method: VoteMethod,
    /// Pass or fail.
    pub result: VoteResult,
    /// Totals given by the publisher, if any; when absent they are tallied from the ballots.
    pub counts: Option<VoteCounts>,
    /// The ballots, one per deputy, for named votes.
    pub ballots: Vec<Ballot>,
}

impl VoteEvent {
    /// Whether the event is *named*: method `roll_call` or `electronic`, with ballots.
    pub fn is_named(&self) -> bool {
        matches!(self.method, VoteMethod::RollCall | VoteMethod::Electronic) && !self.ballots.is_empty()
    }
}

/// Role in which someone spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerRole {
    /// A deputy speaking as a deputy.
    Deputy,
    /// The chair of the session.
    Chair,
    /// A rapporteur presenting an item.
    Rapporteur,
    /// The akim or akimat staff.
    Executive,
    /// Another official.
    Official,
    /// A member of the public.
    Public,
}

/// Kind of intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeechType {
    /// A speech.
    Speech,
    /// A question.
    Question,
    /// An answer.
    Answer,
    /// A report.
    Report,
    /// A procedural remark.
    Procedural,
}

/// One speech in a session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Speech {
    /// The session in which it was given.
    pub session_id: String,
    /// The agenda item it was given on, if any.
    pub agenda_item_id: Option<String>,
    /// The speaking deputy, when the speaker is a deputy.
    pub deputy_id: Option<String>,
    /// The role in which the speaker spoke.
    pub role: SpeakerRole,
    /// The kind of intervention.
    #[serde(rename = "type")]
    pub speech_type: SpeechType,
    /// Duration in seconds, if known.
    pub seconds: Option<u64>,
}

impl Speech {
    /// Whether the speech is a *deputy speech* (speaker role `deputy`).
    pub fn is_deputy_speech(&self) -> bool {
        self.role == SpeakerRole::Deputy
    }
}

/// A range of calendar days, both ends inclusive; no end means still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    /// First day.
    pub start: NaiveDate,
    /// Last day, if the range has ended.
    pub end: Option<NaiveDate>,
}

impl DateRange {
    /// Whether `date` falls within the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }

    /// The last day of the range within `[from, to]`, if they overlap.
    pub fn last_day_within(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        let last = self.end.map_or(to, |end| end.min(to));
        (last >= from && last >= self.start).then_some(last)
    }
}

/// A deputy's membership of a party over a date range.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartyMembership {
    /// The party.
    pub party_id: String,
    /// When the deputy was a member (inclusive).
    pub period: DateRange,
}

/// A deputy with their mandates in this council and their party history.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deputy {
    /// Stable deputy id.
    pub id: String,
    /// Mandates in this council.
    pub mandates: Vec<DateRange>,
    /// Party memberships; none on a date means non-partisan on that date.
    pub party_memberships: Vec<PartyMembership>,
}

impl Deputy {
    /// Whether the deputy holds a mandate in the council on `date`.
    pub fn serves_on(&self, date: NaiveDate) -> bool {
        self.mandates.iter().any(|m| m.contains(date))
    }

    /// The deputy's party on `date`, or `None` when non-partisan.
    ///
    /// Memberships never overlap by the domain rules; should they, the
    /// smallest party id wins so that the answer does not depend on order.
    pub fn party_on(&self, date: NaiveDate) -> Option<&str> {
        self.party_memberships.iter().filter(|m| m.period.contains(date)).map(|m| m.party_id.as_str()).min()
    }

    /// The last day in `[from, to]` on which the deputy served, if any.
    pub fn last_day_served_within(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        self.mandates.iter().filter_map(|m| m.last_day_within(from, to)).max()
    }
}

/// Everything known about one council that the metrics read.
///
/// It may hold records outside the evaluated period; the metric functions
/// select what is in scope.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CouncilPeriod {
    /// The council's id.
    pub council_id: String,
    /// Sessions, of any status.
    pub sessions: Vec<Session>,
    /// Agenda items of those sessions.
    pub agenda_items: Vec<AgendaItem>,
    /// Vote events of those sessions.
    pub vote_events: Vec<VoteEvent>,
    /// Speeches of those sessions.
    pub speeches: Vec<Speech>,
    /// Deputies who held a mandate in the council.
    pub deputies: Vec<Deputy>,
}

/// UTC offset of Kazakhstan's single time zone since 1 March 2024 (UTC+5).
pub const ALMATY_UTC_OFFSET_SECONDS: i32 = 5 * 3600;

/// The local calendar offset to pass when the council's own is not known:
/// Asia/Almaty, UTC+5 since 2024.
pub fn almaty_offset() -> FixedOffset {
    FixedOffset::east_opt(ALMATY_UTC_OFFSET_SECONDS).unwrap_or_else(utc_offset)
}

/// UTC as a fixed offset, for councils evaluated on the UTC calendar.
pub fn utc_offset() -> FixedOffset {
    Utc.fix()
}

/// The local calendar date of an instant under `offset`.
pub fn local_date(at: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    at.with_timezone(&offset).date_naive()
}
