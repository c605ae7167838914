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
    /// The tier of a council.
    Level { Oblast = "oblast", RepublicanCity = "republican_city", City = "city", District = "district" }
);

impl Level {
    /// The legal maximum of seats for a council of this level (2023 rules).
    pub fn seat_cap(self) -> u32 {
        match self {
            Level::Oblast | Level::RepublicanCity => 50,
            Level::City => 30,
            Level::District => 25,
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
