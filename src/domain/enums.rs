//! The closed enumerations of `docs/domain.md`. Each serializes as its snake_case name, which is also
//! how it is stored in the database and served by the API. The names come from `strum` (parsing
//! with [`std::str::FromStr`], printing with [`std::fmt::Display`]) and `serde`, both
//! `snake_case`, so the two never disagree.

/// Declares a closed enumeration named in `snake_case`, with [`as_str`](Level::as_str),
/// [`parse`](Level::parse) and the list of names, [`ALL`](Level::ALL).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
            strum::EnumString, strum::IntoStaticStr, strum::Display, strum::VariantNames,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every allowed value, in wire form.
            pub const ALL: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

            /// The wire (and database) name.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Parses the wire name.
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
    };
}

string_enum!(
    /// The tier of a council. `national` is the Mazhilis (imported from public sources; not a
    /// maslikhat, but the same records: deputies, party lists, sessions, votes).
    Level { Oblast, RepublicanCity, City, District, National }
);

impl Level {
    /// The legal maximum of seats for a council of this level (2023 rules).
    pub fn seat_cap(self) -> u32 {
        match self {
            Level::Oblast | Level::RepublicanCity => 50,
            Level::City => 30,
            Level::District => 25,
            // The Mazhilis: 107 deputies from 2007 to 2023, 98 since.
            Level::National => 107,
        }
    }
}

string_enum!(
    /// Whether a party is registered.
    RegistrationStatus { Registered, Deregistered, Merged }
);

string_enum!(
    /// How a seat was won.
    SeatType { PartyList, SingleMember }
);

string_enum!(
    /// Who put the deputy forward.
    Nomination { Party, SelfNominated }
);

string_enum!(
    /// Why a mandate ended early or on time.
    EndReason {
        TermEnded, Resigned, Died, Recalled,
        AppointedElsewhere, PartyListWithdrawn, CourtDecision, Other
    }
);

string_enum!(
    /// Positions a deputy holds in the council.
    RoleKind {
        Chairman, DeputyChairman, Secretary,
        CommissionChair, CommissionMember, FactionLeader
    }
);

string_enum!(
    /// Standing or temporary commission.
    CommissionKind { Standing, Temporary }
);

string_enum!(
    /// A deputy's gender as publicly stated.
    Gender { Female, Male }
);

string_enum!(
    /// What kind of sitting.
    SessionKind { Regular, Extraordinary, Constituent, Joint }
);

string_enum!(
    /// Where a session stands.
    SessionStatus { Planned, Convened, Held, Cancelled, Postponed }
);

string_enum!(
    /// Who put an item on the agenda.
    Initiator { Akimat, Deputy, Commission, Chairman, Other }
);

string_enum!(
    /// What became of an agenda item.
    ItemResult {
        Adopted, AdoptedAmended, Rejected, Noted,
        Postponed, Withdrawn, NoDecision
    }
);

string_enum!(
    /// The kind of a session document.
    DocumentKind {
        Agenda, DraftDecision, Decision, Minutes,
        Verbatim, ExplanatoryNote, Other
    }
);

string_enum!(
    /// The stage of a vote.
    VoteStage { FirstReading, AsAWhole, Amendment, Procedural, Other }
);

string_enum!(
    /// How a vote was taken.
    VoteMethod { RollCall, Electronic, ShowOfHands, Secret, Acclamation }
);

impl VoteMethod {
    /// Named votes record each deputy's ballot.
    pub fn is_named(self) -> bool {
        matches!(self, VoteMethod::RollCall | VoteMethod::Electronic)
    }
}

string_enum!(
    /// What a motion needs to pass.
    MajorityRule { MajorityOfPresent, MajorityOfSeats, TwoThirdsOfSeats }
);

string_enum!(
    /// The outcome of a vote.
    VoteResult { Pass, Fail }
);

string_enum!(
    /// A deputy's ballot. `not_voting` is present but did not vote; `excused` is absent with a reason.
    BallotOption { Yes, No, Abstain, NotVoting, Absent, Excused }
);

impl BallotOption {
    /// Present in the hall.
    pub fn is_present(self) -> bool {
        matches!(self, BallotOption::Yes | BallotOption::No | BallotOption::Abstain | BallotOption::NotVoting)
    }
}

string_enum!(
    /// In which capacity someone spoke.
    SpeakerRole { Deputy, Chair, Rapporteur, Executive, Official, Public }
);

string_enum!(
    /// What kind of speech.
    SpeechType { Speech, Question, Answer, Report, Procedural }
);

string_enum!(
    /// Where a document version came from: published by the council itself, compiled by a third
    /// party from public texts, or made up (the demo country).
    Provenance { Council, PublicSources, Synthetic }
);

#[cfg(test)]
mod tests {
    use super::*;

    /// The names strum parses and prints are the names serde reads and writes.
    fn same_names<T>(all: &[&str])
    where
        T: std::str::FromStr
            + serde::Serialize
            + serde::de::DeserializeOwned
            + std::fmt::Display
            + PartialEq
            + std::fmt::Debug,
    {
        for name in all {
            let parsed: T = name.parse().ok().unwrap_or_else(|| panic!("{name} parses"));
            assert_eq!(serde_json::to_value(&parsed).ok(), Some(serde_json::Value::from(*name)));
            assert_eq!(serde_json::from_value::<T>(serde_json::Value::from(*name)).ok().as_ref(), Some(&parsed));
            assert_eq!(parsed.to_string(), *name);
        }
    }

    #[test]
    fn every_enum_reads_and_writes_the_same_snake_case_names_in_serde_and_strum() {
        same_names::<Level>(Level::ALL);
        same_names::<RegistrationStatus>(RegistrationStatus::ALL);
        same_names::<SeatType>(SeatType::ALL);
        same_names::<Nomination>(Nomination::ALL);
        same_names::<EndReason>(EndReason::ALL);
        same_names::<RoleKind>(RoleKind::ALL);
        same_names::<CommissionKind>(CommissionKind::ALL);
        same_names::<Gender>(Gender::ALL);
        same_names::<SessionKind>(SessionKind::ALL);
        same_names::<SessionStatus>(SessionStatus::ALL);
        same_names::<Initiator>(Initiator::ALL);
        same_names::<ItemResult>(ItemResult::ALL);
        same_names::<DocumentKind>(DocumentKind::ALL);
        same_names::<VoteStage>(VoteStage::ALL);
        same_names::<VoteMethod>(VoteMethod::ALL);
        same_names::<MajorityRule>(MajorityRule::ALL);
        same_names::<VoteResult>(VoteResult::ALL);
        same_names::<BallotOption>(BallotOption::ALL);
        same_names::<SpeakerRole>(SpeakerRole::ALL);
        same_names::<SpeechType>(SpeechType::ALL);
        same_names::<Provenance>(Provenance::ALL);
        assert_eq!(VoteStage::AsAWhole.as_str(), "as_a_whole");
        assert_eq!(Level::ALL.len(), 5);
        assert!(Level::parse("Oblast").is_none(), "names are exact");
    }
}
