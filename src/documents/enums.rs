//! The domain's closed enumerations, mirrored for the OpenAPI document.

/// Declares `$name`, an OpenAPI (and serde) mirror of the plain enum `$domain` with the same
/// variants, named in snake_case, and the conversions both ways.
macro_rules! api_enum {
    ($(#[$meta:meta])* $name:ident => $domain:path { $($v:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::poem_openapi::Enum, ::serde::Serialize, ::serde::Deserialize)]
        #[oai(rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),+ }

        impl From<$name> for $domain {
            fn from(v: $name) -> Self { match v { $($name::$v => <$domain>::$v),+ } }
        }

        impl From<$domain> for $name {
            fn from(v: $domain) -> Self { match v { $(<$domain>::$v => $name::$v),+ } }
        }
    };
}
pub(crate) use api_enum;

use crate::domain::enums as d;

api_enum!(
    /// The tier of a council.
    Level => d::Level { Oblast, RepublicanCity, City, District, National }
);
api_enum!(
    /// Whether a party is registered.
    RegistrationStatus => d::RegistrationStatus { Registered, Deregistered, Merged }
);
api_enum!(
    /// How a seat was won.
    SeatType => d::SeatType { PartyList, SingleMember }
);
api_enum!(
    /// Who put the deputy forward.
    Nomination => d::Nomination { Party, SelfNominated }
);
api_enum!(
    /// Why a mandate ended.
    EndReason => d::EndReason { TermEnded, Resigned, Died, Recalled, AppointedElsewhere, PartyListWithdrawn, CourtDecision, Other }
);
api_enum!(
    /// A position in the council.
    RoleKind => d::RoleKind { Chairman, DeputyChairman, Secretary, CommissionChair, CommissionMember, FactionLeader }
);
api_enum!(
    /// Standing or temporary.
    CommissionKind => d::CommissionKind { Standing, Temporary }
);
api_enum!(
    /// As publicly stated.
    Gender => d::Gender { Female, Male }
);
api_enum!(
    /// What kind of sitting.
    SessionKind => d::SessionKind { Regular, Extraordinary, Constituent, Joint }
);
api_enum!(
    /// Where a session stands.
    SessionStatus => d::SessionStatus { Planned, Convened, Held, Cancelled, Postponed }
);
api_enum!(
    /// Who put an item on the agenda.
    Initiator => d::Initiator { Akimat, Deputy, Commission, Chairman, Other }
);
api_enum!(
    /// What became of an agenda item.
    ItemResult => d::ItemResult { Adopted, AdoptedAmended, Rejected, Noted, Postponed, Withdrawn, NoDecision }
);
api_enum!(
    /// The kind of a session document.
    DocumentKind => d::DocumentKind { Agenda, DraftDecision, Decision, Minutes, Verbatim, ExplanatoryNote, Other }
);
api_enum!(
    /// The stage of a vote.
    VoteStage => d::VoteStage { FirstReading, AsAWhole, Amendment, Procedural, Other }
);
api_enum!(
    /// How a vote was taken: `roll_call` and `electronic` are named votes with every ballot.
    VoteMethod => d::VoteMethod { RollCall, Electronic, ShowOfHands, Secret, Acclamation }
);
api_enum!(
    /// What a motion needs to pass.
    MajorityRule => d::MajorityRule { MajorityOfPresent, MajorityOfSeats, TwoThirdsOfSeats }
);
api_enum!(
    /// The outcome of a vote.
    VoteResult => d::VoteResult { Pass, Fail }
);
api_enum!(
    /// A ballot: `not_voting` is present but did not vote; `excused` is absent with a reason.
    BallotOption => d::BallotOption { Yes, No, Abstain, NotVoting, Absent, Excused }
);
api_enum!(
    /// In which capacity someone spoke.
    SpeakerRole => d::SpeakerRole { Deputy, Chair, Rapporteur, Executive, Official, Public }
);
api_enum!(
    /// What kind of speech.
    SpeechType => d::SpeechType { Speech, Question, Answer, Report, Procedural }
);

api_enum!(
    /// What kind of sitting a public record is about, as its sources call it.
    SittingKind => crate::domain::public_record::PublicSittingKind { Regular, Extraordinary, DeputiesMeeting }
);
api_enum!(
    /// How much a public record's sources say about whether the sitting took place.
    RecordStatus => crate::domain::public_record::PublicRecordStatus { HeldReported, AnnouncedOnly, DecisionRegistered }
);
api_enum!(
    /// How a vote was taken, as far as a public record's source says.
    PublicVoteMethod => crate::domain::public_record::PublicVoteMethod {
        Open, Secret, RollCall, Electronic, ShowOfHands, Acclamation
    }
);

api_enum!(
    /// Provenance kinds of a document version.
    Provenance => d::Provenance { Council, PublicSources, Synthetic }
);

impl Provenance {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        d::Provenance::from(self).as_str()
    }
}
