//! The served tables as typed read models, for the readers that walk whole tables (the CSV and
//! Popolo exports, the OParl view). Rows never leave `store`: each is converted here, its names
//! and contacts parsed from their JSON columns and its enumerations parsed strictly. A stored
//! value that does not parse is an error naming the table, the row, the column and the value,
//! never a silent default: it means the database was changed behind the publication path.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::StoreError;
use crate::domain::enums::{
    BallotOption, CommissionKind, DocumentKind, EndReason, Gender, Initiator, ItemResult, Level, MajorityRule,
    Nomination, RegistrationStatus, RoleKind, SeatType, SessionKind, SessionStatus, SpeakerRole, SpeechType,
    VoteMethod, VoteResult, VoteStage,
};
use crate::domain::roster::Contact;
use crate::entity;

/// Names (or titles, abbreviations) per language tag.
pub type Names = BTreeMap<String, String>;

/// Where a stored value sits, to name it when it does not parse.
struct Cell<'a> {
    table: &'static str,
    row: &'a str,
    column: &'static str,
}

impl Cell<'_> {
    fn corrupt(&self, value: &str, why: &str) -> StoreError {
        tracing::debug!(table = self.table, row = self.row, column = self.column, why, "a stored value does not parse");
        StoreError::corrupt(self.table, self.row, self.column, value)
    }

    fn parse<T>(&self, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
        parse(value).ok_or_else(|| self.corrupt(value, "not a known value"))
    }

    fn parse_opt<T>(&self, value: Option<&str>, parse: fn(&str) -> Option<T>) -> Result<Option<T>, StoreError> {
        value.map(|v| self.parse(v, parse)).transpose()
    }

    fn json<T: serde::de::DeserializeOwned>(&self, value: &str) -> Result<T, StoreError> {
        serde_json::from_str(value).map_err(|e| self.corrupt(value, &e.to_string()))
    }

    fn count(&self, value: i32) -> Result<u32, StoreError> {
        u32::try_from(value).map_err(|_| self.corrupt(&value.to_string(), "negative"))
    }
}

fn cell<'a>(table: &'static str, row: &'a str, column: &'static str) -> Cell<'a> {
    Cell { table, row, column }
}

/// A council.
#[derive(Debug, Clone, PartialEq)]
pub struct Council {
    /// Its id.
    pub id: String,
    /// Names per language tag.
    pub names: Names,
    /// Its tier.
    pub level: Level,
    /// The council one level up.
    pub parent_id: Option<String>,
    /// KATO code.
    pub kato: Option<String>,
    /// Seats by law.
    pub seats: u32,
    /// Official page.
    pub website: Option<String>,
    /// Made-up demo record.
    pub synthetic: bool,
    /// Current version of the council document.
    pub version: i32,
    /// First published.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<entity::council::Model> for Council {
    type Error = StoreError;

    fn try_from(r: entity::council::Model) -> Result<Self, StoreError> {
        let at = |column| cell("council", &r.id, column);
        Ok(Self {
            names: at("names").json(&r.names)?,
            level: at("level").parse(&r.level, Level::parse)?,
            seats: at("seats").count(r.seats)?,
            parent_id: r.parent_id,
            kato: r.kato,
            website: r.website,
            synthetic: r.synthetic,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            id: r.id,
        })
    }
}

/// A convocation of a council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convocation {
    /// Roman numeral.
    pub number: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, once known.
    pub end_date: Option<NaiveDate>,
}

impl From<entity::convocation::Model> for Convocation {
    fn from(r: entity::convocation::Model) -> Self {
        Self { number: r.number, start_date: r.start_date, end_date: r.end_date }
    }
}

/// A party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Its id.
    pub id: String,
    /// Names per language tag.
    pub names: Names,
    /// Abbreviations per language tag.
    pub abbreviations: Names,
    /// Registration status.
    pub registration_status: RegistrationStatus,
    /// Made-up demo record.
    pub synthetic: bool,
}

impl TryFrom<entity::party::Model> for Party {
    type Error = StoreError;

    fn try_from(r: entity::party::Model) -> Result<Self, StoreError> {
        let at = |column| cell("party", &r.id, column);
        Ok(Self {
            names: at("names").json(&r.names)?,
            abbreviations: at("abbreviations").json(&r.abbreviations)?,
            registration_status: at("registration_status").parse(&r.registration_status, RegistrationStatus::parse)?,
            synthetic: r.synthetic,
            id: r.id,
        })
    }
}

/// A commission of a council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commission {
    /// Its id.
    pub id: String,
    /// Names per language tag.
    pub names: Names,
    /// Standing or temporary.
    pub kind: CommissionKind,
    /// Formed on.
    pub start_date: Option<NaiveDate>,
    /// Dissolved on.
    pub end_date: Option<NaiveDate>,
}

impl TryFrom<entity::commission::Model> for Commission {
    type Error = StoreError;

    fn try_from(r: entity::commission::Model) -> Result<Self, StoreError> {
        let at = |column| cell("commission", &r.id, column);
        Ok(Self {
            names: at("names").json(&r.names)?,
            kind: at("kind").parse(&r.kind, CommissionKind::parse)?,
            start_date: r.start_date,
            end_date: r.end_date,
            id: r.id,
        })
    }
}

/// A deputy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deputy {
    /// Its id.
    pub id: String,
    /// Its council.
    pub council_id: String,
    /// Full names per language tag.
    pub names: Names,
    /// Given names.
    pub given_names: Names,
    /// Family names.
    pub family_names: Names,
    /// Patronymics.
    pub patronymic_names: Names,
    /// As publicly stated.
    pub gender: Option<Gender>,
    /// Public contacts.
    pub contacts: Vec<Contact>,
    /// False once dropped from the current roster.
    pub listed: bool,
    /// Made-up demo record.
    pub synthetic: bool,
    /// First listed.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<entity::deputy::Model> for Deputy {
    type Error = StoreError;

    fn try_from(r: entity::deputy::Model) -> Result<Self, StoreError> {
        let at = |column| cell("deputy", &r.id, column);
        Ok(Self {
            names: at("names").json(&r.names)?,
            given_names: at("given_names").json(&r.given_names)?,
            family_names: at("family_names").json(&r.family_names)?,
            patronymic_names: at("patronymic_names").json(&r.patronymic_names)?,
            gender: at("gender").parse_opt(r.gender.as_deref(), Gender::parse)?,
            contacts: at("contacts").json(&r.contacts)?,
            council_id: r.council_id,
            listed: r.listed,
            synthetic: r.synthetic,
            created_at: r.created_at,
            updated_at: r.updated_at,
            id: r.id,
        })
    }
}

/// A mandate (a seat held for a period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mandate {
    /// Its row id (the key exports page by).
    pub id: i32,
    /// The deputy.
    pub deputy_id: String,
    /// The council.
    pub council_id: String,
    /// Convocation.
    pub convocation: String,
    /// Party list or single-member.
    pub seat_type: SeatType,
    /// District label.
    pub district: Option<String>,
    /// Party or self-nominated.
    pub nomination: Nomination,
    /// The nominating party.
    pub nominating_party_id: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: Option<NaiveDate>,
    /// Why it ended.
    pub end_reason: Option<EndReason>,
}

impl TryFrom<entity::mandate::Model> for Mandate {
    type Error = StoreError;

    fn try_from(r: entity::mandate::Model) -> Result<Self, StoreError> {
        let row = r.id.to_string();
        let at = |column| cell("mandate", &row, column);
        Ok(Self {
            seat_type: at("seat_type").parse(&r.seat_type, SeatType::parse)?,
            nomination: at("nomination").parse(&r.nomination, Nomination::parse)?,
            end_reason: at("end_reason").parse_opt(r.end_reason.as_deref(), EndReason::parse)?,
            id: r.id,
            deputy_id: r.deputy_id,
            council_id: r.council_id,
            convocation: r.convocation,
            district: r.district,
            nominating_party_id: r.nominating_party_id,
            start_date: r.start_date,
            end_date: r.end_date,
        })
    }
}

/// A period of party membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyMembership {
    /// Its row id.
    pub id: i32,
    /// The deputy.
    pub deputy_id: String,
    /// The council.
    pub council_id: String,
    /// The party.
    pub party_id: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: Option<NaiveDate>,
}

impl TryFrom<entity::party_membership::Model> for PartyMembership {
    type Error = StoreError;

    fn try_from(r: entity::party_membership::Model) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            deputy_id: r.deputy_id,
            council_id: r.council_id,
            party_id: r.party_id,
            start_date: r.start_date,
            end_date: r.end_date,
        })
    }
}

/// A position held for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Its row id.
    pub id: i32,
    /// The deputy.
    pub deputy_id: String,
    /// The position.
    pub role: RoleKind,
    /// The commission, for commission posts.
    pub commission_id: Option<String>,
    /// The party, for faction leaders.
    pub party_id: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: Option<NaiveDate>,
}

impl TryFrom<entity::deputy_role::Model> for Role {
    type Error = StoreError;

    fn try_from(r: entity::deputy_role::Model) -> Result<Self, StoreError> {
        let row = r.id.to_string();
        Ok(Self {
            role: cell("deputy_role", &row, "role").parse(&r.role, RoleKind::parse)?,
            id: r.id,
            deputy_id: r.deputy_id,
            commission_id: r.commission_id,
            party_id: r.party_id,
            start_date: r.start_date,
            end_date: r.end_date,
        })
    }
}

/// A session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id.
    pub id: String,
    /// Its council.
    pub council_id: String,
    /// Convocation.
    pub convocation: String,
    /// Number within the convocation.
    pub number: u32,
    /// Kind of sitting.
    pub kind: SessionKind,
    /// Where it stands.
    pub status: SessionStatus,
    /// Scheduled start.
    pub scheduled_start: DateTime<Utc>,
    /// Scheduled end.
    pub scheduled_end: Option<DateTime<Utc>>,
    /// Actual start.
    pub actual_start: Option<DateTime<Utc>>,
    /// Actual end.
    pub actual_end: Option<DateTime<Utc>>,
    /// Where it sits.
    pub place: Option<String>,
    /// Open to the public.
    pub is_open: bool,
    /// Live stream.
    pub livestream_url: Option<String>,
    /// Recording.
    pub recording_url: Option<String>,
    /// The minutes among its documents.
    pub minutes_document_id: Option<String>,
    /// A declared external notice: when.
    pub declared_notice_at: Option<DateTime<Utc>>,
    /// A declared external notice: where.
    pub declared_notice_source: Option<String>,
    /// Imported for a past session: witnessed times say nothing about openness.
    pub backfilled: bool,
    /// When the first version was received.
    pub first_received_at: DateTime<Utc>,
    /// When the agenda first became public.
    pub agenda_first_public_at: Option<DateTime<Utc>>,
    /// When the minutes first became public.
    pub minutes_first_public_at: Option<DateTime<Utc>>,
    /// Made-up demo record.
    pub synthetic: bool,
    /// Current version.
    pub version: i32,
    /// First stored.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<entity::session::Model> for Session {
    type Error = StoreError;

    fn try_from(r: entity::session::Model) -> Result<Self, StoreError> {
        let at = |column| cell("session", &r.id, column);
        Ok(Self {
            number: at("number").count(r.number)?,
            kind: at("kind").parse(&r.kind, SessionKind::parse)?,
            status: at("status").parse(&r.status, SessionStatus::parse)?,
            council_id: r.council_id,
            convocation: r.convocation,
            scheduled_start: r.scheduled_start,
            scheduled_end: r.scheduled_end,
            actual_start: r.actual_start,
            actual_end: r.actual_end,
            place: r.place,
            is_open: r.is_open,
            livestream_url: r.livestream_url,
            recording_url: r.recording_url,
            minutes_document_id: r.minutes_document_id,
            declared_notice_at: r.declared_notice_at,
            declared_notice_source: r.declared_notice_source,
            backfilled: r.backfilled,
            first_received_at: r.first_received_at,
            agenda_first_public_at: r.agenda_first_public_at,
            minutes_first_public_at: r.minutes_first_public_at,
            synthetic: r.synthetic,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            id: r.id,
        })
    }
}

/// An agenda item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    /// Its id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// Its council.
    pub council_id: String,
    /// Order, from 1.
    pub position: u32,
    /// Number as printed.
    pub number_label: Option<String>,
    /// Titles per language tag.
    pub titles: Names,
    /// Who put it on the agenda.
    pub initiator: Initiator,
    /// Considered in public.
    pub is_open: bool,
    /// What became of it.
    pub result: Option<ItemResult>,
    /// When it first became public.
    pub first_public_at: DateTime<Utc>,
    /// Added after the agenda was first public.
    pub added_late: bool,
}

impl TryFrom<entity::agenda_item::Model> for AgendaItem {
    type Error = StoreError;

    fn try_from(r: entity::agenda_item::Model) -> Result<Self, StoreError> {
        let at = |column| cell("agenda_item", &r.id, column);
        Ok(Self {
            position: at("position").count(r.position)?,
            titles: at("titles").json(&r.titles)?,
            initiator: at("initiator").parse(&r.initiator, Initiator::parse)?,
            result: at("result").parse_opt(r.result.as_deref(), ItemResult::parse)?,
            session_id: r.session_id,
            council_id: r.council_id,
            number_label: r.number_label,
            is_open: r.is_open,
            first_public_at: r.first_public_at,
            added_late: r.added_late,
            id: r.id,
        })
    }
}

/// A session document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Its id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// The agenda item it belongs to.
    pub agenda_item_id: Option<String>,
    /// Kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// Media type.
    pub media_type: String,
    /// URL.
    pub url: String,
    /// SHA-256 of the file, when stated.
    pub sha256: Option<String>,
    /// Language tag.
    pub language: String,
    /// Its text.
    pub body_text: Option<String>,
    /// When it first became public.
    pub first_public_at: DateTime<Utc>,
    /// For a backfilled record: when its publisher declares it became public.
    pub declared_public_at: Option<DateTime<Utc>>,
    /// Where that declared time can be checked.
    pub declared_public_source: Option<String>,
}

impl TryFrom<entity::document::Model> for Document {
    type Error = StoreError;

    fn try_from(r: entity::document::Model) -> Result<Self, StoreError> {
        Ok(Self {
            kind: cell("document", &r.id, "kind").parse(&r.kind, DocumentKind::parse)?,
            session_id: r.session_id,
            agenda_item_id: r.agenda_item_id,
            title: r.title,
            media_type: r.media_type,
            url: r.url,
            sha256: r.sha256,
            language: r.language,
            body_text: r.body_text,
            first_public_at: r.first_public_at,
            declared_public_at: r.declared_public_at,
            declared_public_source: r.declared_public_source,
            id: r.id,
        })
    }
}

/// Counts of a vote by option, when stated or tallied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteCounts {
    /// Yes.
    pub yes: u32,
    /// No.
    pub no: u32,
    /// Abstain.
    pub abstain: u32,
    /// Present, did not vote.
    pub not_voting: u32,
    /// Absent.
    pub absent: u32,
    /// Absent with a reason.
    pub excused: u32,
}

impl VoteCounts {
    /// Each option with its count, `not_voting` as the platform spells it.
    pub fn by_option(&self) -> [(BallotOption, u32); 6] {
        [
            (BallotOption::Yes, self.yes),
            (BallotOption::No, self.no),
            (BallotOption::Abstain, self.abstain),
            (BallotOption::NotVoting, self.not_voting),
            (BallotOption::Absent, self.absent),
            (BallotOption::Excused, self.excused),
        ]
    }
}

/// A vote event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteEvent {
    /// Its id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// Its council.
    pub council_id: String,
    /// The agenda item voted on.
    pub agenda_item_id: String,
    /// Its place in the session.
    pub position: u32,
    /// The motion per language tag.
    pub motion: Names,
    /// Stage.
    pub stage: VoteStage,
    /// Method.
    pub method: VoteMethod,
    /// Majority rule.
    pub majority_rule: MajorityRule,
    /// Seats at the time.
    pub seats: u32,
    /// Result.
    pub result: VoteResult,
    /// Counts, when known.
    pub counts: Option<VoteCounts>,
    /// A named vote with every ballot.
    pub named: bool,
    /// At least 10 % dissent.
    pub contested: bool,
    /// The session's date.
    pub session_date: NaiveDate,
}

impl TryFrom<entity::vote_event::Model> for VoteEvent {
    type Error = StoreError;

    fn try_from(r: entity::vote_event::Model) -> Result<Self, StoreError> {
        let at = |column| cell("vote_event", &r.id, column);
        let stated = [
            ("yes_count", r.yes_count),
            ("no_count", r.no_count),
            ("abstain_count", r.abstain_count),
            ("not_voting_count", r.not_voting_count),
            ("absent_count", r.absent_count),
            ("excused_count", r.excused_count),
        ];
        // The publication path stores all six counts or none.
        let counts = if stated.iter().all(|(_, c)| c.is_none()) {
            None
        } else {
            let mut n = [0u32; 6];
            for (slot, (column, c)) in n.iter_mut().zip(stated) {
                *slot = match c {
                    Some(c) => at(column).count(c)?,
                    None => return Err(at(column).corrupt("NULL", "the other counts are stated")),
                };
            }
            let [yes, no, abstain, not_voting, absent, excused] = n;
            Some(VoteCounts { yes, no, abstain, not_voting, absent, excused })
        };
        Ok(Self {
            position: at("position").count(r.position)?,
            motion: at("motion").json(&r.motion)?,
            stage: at("stage").parse(&r.stage, VoteStage::parse)?,
            method: at("method").parse(&r.method, VoteMethod::parse)?,
            majority_rule: at("majority_rule").parse(&r.majority_rule, MajorityRule::parse)?,
            seats: at("seats").count(r.seats)?,
            result: at("result").parse(&r.result, VoteResult::parse)?,
            counts,
            session_id: r.session_id,
            council_id: r.council_id,
            agenda_item_id: r.agenda_item_id,
            named: r.named,
            contested: r.contested,
            session_date: r.session_date,
            id: r.id,
        })
    }
}

/// A ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The vote event.
    pub vote_event_id: String,
    /// The deputy.
    pub deputy_id: String,
    /// How they voted.
    pub option: BallotOption,
    /// The session.
    pub session_id: String,
    /// The session's date.
    pub session_date: NaiveDate,
}

impl TryFrom<entity::ballot::Model> for Ballot {
    type Error = StoreError;

    fn try_from(r: entity::ballot::Model) -> Result<Self, StoreError> {
        let row = format!("{}/{}", r.vote_event_id, r.deputy_id);
        Ok(Self {
            option: cell("ballot", &row, "option").parse(&r.option, BallotOption::parse)?,
            vote_event_id: r.vote_event_id,
            deputy_id: r.deputy_id,
            session_id: r.session_id,
            session_date: r.session_date,
        })
    }
}

/// A speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speech {
    /// Its id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// Its council.
    pub council_id: String,
    /// The agenda item.
    pub agenda_item_id: Option<String>,
    /// Its place in the session.
    pub position: u32,
    /// The speaker, when a deputy.
    pub deputy_id: Option<String>,
    /// The speaker's name, when not a deputy.
    pub speaker_name: Option<String>,
    /// Capacity.
    pub speaker_role: SpeakerRole,
    /// Kind.
    pub speech_type: SpeechType,
    /// Language tag.
    pub language: String,
    /// Duration in seconds.
    pub seconds: Option<u32>,
    /// Text.
    pub body_text: Option<String>,
    /// The session's date.
    pub session_date: NaiveDate,
}

impl TryFrom<entity::speech::Model> for Speech {
    type Error = StoreError;

    fn try_from(r: entity::speech::Model) -> Result<Self, StoreError> {
        let at = |column| cell("speech", &r.id, column);
        Ok(Self {
            position: at("position").count(r.position)?,
            speaker_role: at("speaker_role").parse(&r.speaker_role, SpeakerRole::parse)?,
            speech_type: at("speech_type").parse(&r.speech_type, SpeechType::parse)?,
            seconds: r.seconds.map(|s| at("seconds").count(s)).transpose()?,
            session_id: r.session_id,
            council_id: r.council_id,
            agenda_item_id: r.agenda_item_id,
            deputy_id: r.deputy_id,
            speaker_name: r.speaker_name,
            language: r.language,
            body_text: r.body_text,
            session_date: r.session_date,
            id: r.id,
        })
    }
}

/// Converts every row, stopping at the first that does not parse.
pub fn all<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>, StoreError> {
    rows.into_iter().map(T::try_from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(stage: &str, yes: Option<i32>) -> entity::vote_event::Model {
        entity::vote_event::Model {
            id: "v1".into(),
            session_id: "s1".into(),
            council_id: "c".into(),
            agenda_item_id: "i1".into(),
            position: 1,
            motion: r#"{"ru":"Принять"}"#.into(),
            stage: stage.into(),
            method: "show_of_hands".into(),
            majority_rule: "majority_of_present".into(),
            seats: 5,
            result: "pass".into(),
            yes_count: yes,
            no_count: yes.map(|_| 1),
            abstain_count: yes.map(|_| 0),
            not_voting_count: yes.map(|_| 0),
            absent_count: yes.map(|_| 0),
            excused_count: yes.map(|_| 0),
            named: false,
            contested: false,
            session_date: NaiveDate::from_ymd_opt(2024, 5, 15).expect("date"),
        }
    }

    #[test]
    fn a_stored_row_becomes_its_typed_read_model() {
        let v = VoteEvent::try_from(vote("as_a_whole", Some(4))).expect("parses");
        assert_eq!(v.stage, VoteStage::AsAWhole);
        assert_eq!(v.counts.map(|c| (c.yes, c.no, c.abstain)), Some((4, 1, 0)));
        assert_eq!(v.motion.get("ru").map(String::as_str), Some("Принять"));
    }

    #[test]
    fn an_unknown_stored_value_is_an_error_naming_the_row_and_column() {
        let e = VoteEvent::try_from(vote("second_reading", Some(4))).expect_err("refused").to_string();
        assert_eq!(e, "vote_event row v1: stored stage \"second_reading\" does not parse");
        let e = VoteEvent::try_from(vote("as_a_whole", Some(-4))).expect_err("refused").to_string();
        assert!(e.contains("vote_event row v1: stored yes_count") && e.contains("-4"), "{e}");
        let mut half = vote("as_a_whole", Some(4));
        half.excused_count = None;
        let e = VoteEvent::try_from(half).expect_err("refused").to_string();
        assert!(e.contains("vote_event row v1: stored excused_count"), "{e}");
        assert_eq!(VoteEvent::try_from(vote("as_a_whole", None)).map(|v| v.counts).ok(), Some(None));
    }
}
