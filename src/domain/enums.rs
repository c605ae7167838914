//! The closed enumerations of `domain.md`. Each serializes as its snake_case name, which is also
//! how it is stored in the database and served by the API.

/// Declares a closed string enumeration with its wire names and the list of them.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every allowed value, in wire form.
            pub const ALL: &'static [&'static str] = &[$($wire),+];

            /// The wire (and database) name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire),+ }
            }

            /// Parses the wire name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some(Self::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// The tier of a council. `national` is the Mazhilis (imported from public sources; not a
    /// maslikhat, but the same records: deputies, party lists, sessions, votes).
    Level { Oblast = "oblast", RepublicanCity = "republican_city", City = "city", District = "district", National = "national" }
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
    RegistrationStatus { Registered = "registered", Deregistered = "deregistered", Merged = "merged" }
);

string_enum!(
    /// How a seat was won.
    SeatType { PartyList = "party_list", SingleMember = "single_member" }
);

string_enum!(
    /// Who put the deputy forward.
    Nomination { Party = "party", SelfNominated = "self_nominated" }
);

string_enum!(
    /// Why a mandate ended early or on time.
    EndReason {
        TermEnded = "term_ended", Resigned = "resigned", Died = "died", Recalled = "recalled",
        AppointedElsewhere = "appointed_elsewhere", PartyListWithdrawn = "party_list_withdrawn", CourtDecision = "court_decision", Other = "other"
    }
);

string_enum!(
    /// Positions a deputy holds in the council.
    RoleKind {
        Chairman = "chairman", DeputyChairman = "deputy_chairman", Secretary = "secretary",
        CommissionChair = "commission_chair", CommissionMember = "commission_member", FactionLeader = "faction_leader"
    }
);

string_enum!(
    /// Standing or temporary commission.
    CommissionKind { Standing = "standing", Temporary = "temporary" }
);

string_enum!(
    /// A deputy's gender as publicly stated.
    Gender { Female = "female", Male = "male" }
);

string_enum!(
    /// What kind of sitting.
    SessionKind { Regular = "regular", Extraordinary = "extraordinary", Constituent = "constituent", Joint = "joint" }
);

string_enum!(
    /// Where a session stands.
    SessionStatus { Planned = "planned", Convened = "convened", Held = "held", Cancelled = "cancelled", Postponed = "postponed" }
);

string_enum!(
    /// Who put an item on the agenda.
    Initiator { Akimat = "akimat", Deputy = "deputy", Commission = "commission", Chairman = "chairman", Other = "other" }
);

string_enum!(
    /// What became of an agenda item.
    ItemResult {
        Adopted = "adopted", AdoptedAmended = "adopted_amended", Rejected = "rejected", Noted = "noted",
        Postponed = "postponed", Withdrawn = "withdrawn", NoDecision = "no_decision"
    }
);

string_enum!(
    /// The kind of a session document.
    DocumentKind {
        Agenda = "agenda", DraftDecision = "draft_decision", Decision = "decision", Minutes = "minutes",
        Verbatim = "verbatim", ExplanatoryNote = "explanatory_note", Other = "other"
    }
);

string_enum!(
    /// The stage of a vote.
    VoteStage { FirstReading = "first_reading", AsAWhole = "as_a_whole", Amendment = "amendment", Procedural = "procedural", Other = "other" }
);

string_enum!(
    /// How a vote was taken.
    VoteMethod { RollCall = "roll_call", Electronic = "electronic", ShowOfHands = "show_of_hands", Secret = "secret", Acclamation = "acclamation" }
);

impl VoteMethod {
    /// Named votes record each deputy's ballot.
    pub fn is_named(self) -> bool {
        matches!(self, VoteMethod::RollCall | VoteMethod::Electronic)
    }
}

string_enum!(
    /// What a motion needs to pass.
    MajorityRule { MajorityOfPresent = "majority_of_present", MajorityOfSeats = "majority_of_seats", TwoThirdsOfSeats = "two_thirds_of_seats" }
);

string_enum!(
    /// The outcome of a vote.
    VoteResult { Pass = "pass", Fail = "fail" }
);

string_enum!(
    /// A deputy's ballot. `not_voting` is present but did not vote; `excused` is absent with a reason.
    BallotOption { Yes = "yes", No = "no", Abstain = "abstain", NotVoting = "not_voting", Absent = "absent", Excused = "excused" }
);

impl BallotOption {
    /// Present in the hall.
    pub fn is_present(self) -> bool {
        matches!(self, BallotOption::Yes | BallotOption::No | BallotOption::Abstain | BallotOption::NotVoting)
    }
}

string_enum!(
    /// In which capacity someone spoke.
    SpeakerRole { Deputy = "deputy", Chair = "chair", Rapporteur = "rapporteur", Executive = "executive", Official = "official", Public = "public" }
);

string_enum!(
    /// What kind of speech.
    SpeechType { Speech = "speech", Question = "question", Answer = "answer", Report = "report", Procedural = "procedural" }
);

string_enum!(
    /// Where a document version came from: published by the council itself, compiled by a third
    /// party from public texts, or made up (the demo country).
    Provenance { Council = "council", PublicSources = "public_sources", Synthetic = "synthetic" }
);
