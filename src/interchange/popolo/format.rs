//! The Popolo JSON this platform reads and writes, as typed structs: the members of each Popolo
//! type that the mapping uses (others are ignored on reading), plus the extension members the
//! export adds so that a round trip keeps what Popolo has no member for (`seat_type`, `method`,
//! `majority_rule` …). Every member is optional: Popolo files in the wild (EveryPolitician) fill
//! in what their source knows. A member of the wrong type refuses the file, naming its path.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::enums::BallotOption;

/// Names per language tag.
pub type Names = BTreeMap<String, String>;

/// A Popolo file: the arrays the mapping reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Popolo {
    /// The council, parties, commissions.
    pub organizations: Vec<Organization>,
    /// Deputies.
    pub persons: Vec<Person>,
    /// Mandates, party memberships and roles.
    pub memberships: Vec<Membership>,
    /// Legislative periods, sessions and agenda items.
    pub events: Vec<Event>,
    /// Votes with their counts and ballots.
    pub vote_events: Vec<VoteEvent>,
    /// Speeches.
    pub speeches: Vec<Speech>,
}

/// Where an export comes from.
#[derive(Debug, Serialize)]
pub struct Meta {
    /// Always `maslikhat`.
    pub generator: &'static str,
    /// The council exported.
    pub council: String,
    /// The change number the export reflects.
    pub change_number: i64,
    /// True for made-up demo records.
    pub synthetic: bool,
    /// The specification followed.
    pub popolo: &'static str,
}

/// A name in one language (`other_names`), with its parts when the source gives them.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct OtherName {
    /// The name.
    pub name: Option<String>,
    /// Its language tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// EveryPolitician's `multilingual`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Given name in this language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name in this language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Patronymic in this language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patronymic_name: Option<String>,
}

/// An identifier under a scheme (`KATO`).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Identifier {
    /// The scheme.
    pub scheme: Option<String>,
    /// The identifier.
    pub identifier: Option<String>,
}

/// A link.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Link {
    /// Its address.
    pub url: Option<String>,
    /// What it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An organization: the legislature, a party or a committee.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Organization {
    /// Its id.
    pub id: Option<String>,
    /// Its name in the preferred language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every name with its language.
    pub other_names: Vec<OtherName>,
    /// `legislature`, `party`, `committee` (or `commission`).
    pub classification: Option<String>,
    /// The legislature above a committee (or a council's parent council).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// A legislature's seats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<u64>,
    /// A legislature's level (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Made-up demo record (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthetic: Option<bool>,
    /// Identifiers (the KATO code).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Links (the website).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// A party's abbreviations per language (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abbreviations: Option<Names>,
    /// A party's registration status (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_status: Option<String>,
    /// A commission's kind (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Founded on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub founding_date: Option<String>,
    /// Dissolved on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dissolution_date: Option<String>,
}

/// A contact detail.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ContactDetail {
    /// `email`, `voice`, `url`, `address` …
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The contact.
    pub value: Option<String>,
}

/// A person.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Person {
    /// Its id.
    pub id: Option<String>,
    /// Name in the preferred language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Given name in that language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name in that language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Patronymic in that language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patronymic_name: Option<String>,
    /// Every name with its language and parts.
    pub other_names: Vec<OtherName>,
    /// `female` or `male`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Public contacts.
    pub contact_details: Vec<ContactDetail>,
    /// Made-up demo record (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthetic: Option<bool>,
}

/// A membership: a mandate, a party membership or a role.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Membership {
    /// Its id.
    pub id: Option<String>,
    /// The person.
    pub person_id: Option<String>,
    /// The organization.
    pub organization_id: Option<String>,
    /// `member`, or the post held.
    pub role: Option<String>,
    /// The party the seat was won for (or a faction leader's party).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of_id: Option<String>,
    /// The legislative period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legislative_period_id: Option<String>,
    /// First day.
    pub start_date: Option<String>,
    /// Last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// `party_list` or `single_member` (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_type: Option<String>,
    /// District label (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// `party` or `self_nominated` (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nomination: Option<String>,
    /// Why the mandate ended (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
}

/// An event: a legislative period, a session or an agenda item.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Event {
    /// Its id.
    pub id: Option<String>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `legislative period`, `session` or `agenda item`.
    pub classification: Option<String>,
    /// The legislature.
    pub organization_id: Option<String>,
    /// The period of a session, the session of an agenda item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Start (a date or a date-time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// A session's place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// A session's status (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A session's number in its convocation (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u64>,
    /// A session's kind (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Whether a session is public (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_open: Option<bool>,
    /// An agenda item's place (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// An agenda item's titles per language (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub titles: Option<Names>,
    /// What became of an agenda item (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// The motion of a vote event.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Motion {
    /// Its text in the preferred language.
    pub text: Option<String>,
    /// Its text per language (an extension).
    pub texts: Option<Names>,
    /// The legislature.
    pub organization_id: Option<String>,
    /// The vote's stage.
    pub classification: Option<String>,
    /// The majority rule.
    pub requirement: Option<String>,
    /// The result.
    pub result: Option<String>,
}

/// A count of one option, for the whole vote (`group_id`/`group` absent) or a group.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Count {
    /// The option (Popolo spelling, see [`option_name`]).
    pub option: Option<String>,
    /// How many.
    pub value: Option<u64>,
    /// The group counted, when not the whole vote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// The group counted, inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<Value>,
}

/// One person's vote.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Vote {
    /// The person.
    pub voter_id: Option<String>,
    /// The option (Popolo spelling).
    pub option: Option<String>,
}

/// A vote event.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct VoteEvent {
    /// Its id.
    pub id: Option<String>,
    /// The legislature.
    pub organization_id: Option<String>,
    /// The session.
    pub legislative_session_id: Option<String>,
    /// Its label (its place in the session).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The motion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub motion: Option<Motion>,
    /// The stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// When it was taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// `pass` or `fail`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Counts by option.
    pub counts: Vec<Count>,
    /// Every person's vote.
    pub votes: Vec<Vote>,
    /// The agenda item voted on (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda_item_id: Option<String>,
    /// How it was taken (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The majority rule (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub majority_rule: Option<String>,
    /// Seats at the time (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<u64>,
}

/// A speech.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Speech {
    /// Its id.
    pub id: Option<String>,
    /// The person speaking, when a deputy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    /// The speaker's name, when not a deputy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution_text: Option<String>,
    /// The speaker's capacity (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `speech`, `question` … (an extension).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Its place in the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// The session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The agenda item (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda_item_id: Option<String>,
    /// Its language tag (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Its length in seconds (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u64>,
}

/// Popolo's spelling of a ballot option: `not voting` with a space; the others as ours.
pub fn option_name(option: BallotOption) -> &'static str {
    match option {
        BallotOption::NotVoting => "not voting",
        other => other.as_str(),
    }
}

/// The ballot option a Popolo file names (`not voting` or `not_voting`, and the usual synonyms:
/// `aye`, `for`, `nay`, `against`, `abstention`).
pub fn parse_option(name: &str) -> Option<BallotOption> {
    Some(match name.to_lowercase().replace('_', " ").as_str() {
        "yes" | "aye" | "for" => BallotOption::Yes,
        "no" | "nay" | "against" => BallotOption::No,
        "abstain" | "abstention" => BallotOption::Abstain,
        "not voting" => BallotOption::NotVoting,
        "absent" => BallotOption::Absent,
        "excused" => BallotOption::Excused,
        _ => return None,
    })
}

/// A text member with its white space trimmed; `None` when empty.
pub fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|x| !x.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ballot_option_reads_back_from_its_popolo_spelling() {
        for &name in BallotOption::ALL {
            let option = BallotOption::parse(name).expect("an option");
            assert_eq!(parse_option(option_name(option)), Some(option), "{name}");
        }
        assert_eq!(option_name(BallotOption::NotVoting), "not voting");
        assert_eq!(parse_option("not_voting"), Some(BallotOption::NotVoting));
        assert_eq!(parse_option("Against"), Some(BallotOption::No));
        assert_eq!(parse_option("maybe"), None);
    }

    #[test]
    fn a_member_of_the_wrong_type_refuses_the_file_with_its_path() {
        let file = serde_json::json!({"vote_events": [{"id": "v1", "counts": [{"option": "yes", "value": 3.5}]}]});
        let e = crate::documents::read::from_value::<Popolo>(file).expect_err("refused");
        assert_eq!((e.path.as_str(), e.rule), ("/vote_events/0/counts/0/value", "type"));
    }
}
