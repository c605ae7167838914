//! A council's roster: its deputies, their mandates and party memberships, commissions and roles.
//! One versioned document per council.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::council::Council;
use super::enums::{CommissionKind, EndReason, Gender, Level, Nomination, RoleKind, SeatType};
use super::violation::{Violations, join};

/// The whole roster of one council.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    /// Every deputy who has served in the council, including past ones.
    pub deputies: Vec<Deputy>,
    /// Standing and temporary commissions.
    pub commissions: Vec<Commission>,
    /// Chairs, secretaries, commission posts and faction leaders, with their periods.
    pub roles: Vec<Role>,
}

/// A deputy with their dated history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deputy {
    /// Stable id, unique across the platform.
    pub id: String,
    /// Full names per language tag.
    pub names: BTreeMap<String, String>,
    /// Given names per language tag.
    pub given_names: BTreeMap<String, String>,
    /// Family names per language tag.
    pub family_names: BTreeMap<String, String>,
    /// Patronymics per language tag.
    pub patronymic_names: BTreeMap<String, String>,
    /// As publicly stated, if at all.
    pub gender: Option<Gender>,
    /// Public contacts only (office e-mail, reception phone, page).
    pub contacts: Vec<Contact>,
    /// Seats held, oldest first.
    pub mandates: Vec<Mandate>,
    /// Party memberships, oldest first. No membership on a date = non-partisan on that date.
    pub party_memberships: Vec<PartyMembership>,
}

/// A public contact of a deputy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// What it is: `email`, `phone`, `url` or `office`.
    pub kind: String,
    /// The contact itself.
    pub value: String,
}

/// A seat held in the council for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mandate {
    /// The convocation (Roman numeral).
    pub convocation: String,
    /// Party list or single-member district.
    pub seat_type: SeatType,
    /// Label of the single-member district.
    pub district: Option<String>,
    /// Nominated by a party or self-nominated.
    pub nomination: Nomination,
    /// The nominating party (required when nominated by a party).
    pub nominating_party: Option<String>,
    /// First day of service.
    pub start_date: NaiveDate,
    /// Last day of service; open while serving.
    pub end_date: Option<NaiveDate>,
    /// Why it ended.
    pub end_reason: Option<EndReason>,
}

/// A period of party membership (both ends inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyMembership {
    /// Party id.
    pub party: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day; open while a member.
    pub end_date: Option<NaiveDate>,
}

/// A commission of the council.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commission {
    /// Stable id, unique across the platform.
    pub id: String,
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Standing or temporary.
    pub kind: CommissionKind,
    /// When it was formed, if known.
    pub start_date: Option<NaiveDate>,
    /// When it was dissolved, if it was.
    pub end_date: Option<NaiveDate>,
}

/// A position a deputy holds for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// The deputy holding it.
    pub deputy: String,
    /// Which position.
    pub role: RoleKind,
    /// The commission, for commission posts.
    pub commission: Option<String>,
    /// The party, for faction leaders.
    pub party: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, if it ended.
    pub end_date: Option<NaiveDate>,
}

/// Most deputies one roster may list (every deputy of a 50-seat council over several terms).
pub const MAX_DEPUTIES: usize = 1000;

/// True when the inclusive period `[start, end]` contains `date`.
pub fn period_covers(start: NaiveDate, end: Option<NaiveDate>, date: NaiveDate) -> bool {
    start <= date && end.is_none_or(|e| date <= e)
}

fn periods_overlap(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    a.1.is_none_or(|ae| b.0 <= ae) && b.1.is_none_or(|be| a.0 <= be)
}

impl Deputy {
    /// True when the deputy holds a mandate on `date`.
    pub fn serves_on(&self, date: NaiveDate) -> bool {
        self.mandates.iter().any(|m| period_covers(m.start_date, m.end_date, date))
    }

    /// The mandate held on `date`.
    pub fn mandate_on(&self, date: NaiveDate) -> Option<&Mandate> {
        self.mandates.iter().find(|m| period_covers(m.start_date, m.end_date, date))
    }

    /// The party the deputy belongs to on `date`; `None` means non-partisan that day.
    pub fn party_on(&self, date: NaiveDate) -> Option<&str> {
        self.party_memberships.iter().find(|m| period_covers(m.start_date, m.end_date, date)).map(|m| m.party.as_str())
    }
}

/// A deputy named in a stored session record of the council: on a ballot or as a speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReference {
    /// The deputy named.
    pub deputy: String,
    /// The session record naming them.
    pub session: String,
    /// The session's date.
    pub date: NaiveDate,
    /// The vote event (for a ballot) or speech.
    pub item: StoredItem,
}

/// What names a deputy in a stored session record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum StoredItem {
    /// A ballot in this vote event.
    Ballot(String),
    /// This speech.
    Speech(String),
}

/// Most sessions one violation lists by name (the count says how many more).
const LISTED_SESSIONS: usize = 8;

/// What the roster rules need to know beyond the document itself.
#[derive(Debug, Default)]
pub struct RosterContext {
    /// Ids of every party on the platform.
    pub parties: HashSet<String>,
    /// Deputy ids already owned by another council.
    pub foreign_deputies: HashSet<String>,
    /// Commission ids already owned by another council.
    pub foreign_commissions: HashSet<String>,
}

fn check_period(v: &mut Violations, p: &str, start: NaiveDate, end: Option<NaiveDate>) {
    super::text::check_date(v, &join(p, "start_date"), start);
    if let Some(e) = end {
        super::text::check_date(v, &join(p, "end_date"), e);
    }
    if end.is_some_and(|e| e < start) {
        v.push(join(p, "end_date"), "date_order", "the end date is before the start date");
    }
}

/// A 12-digit number is the shape of a Kazakh IIN (national id), which the platform never stores.
fn looks_like_national_id(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit())
}

impl Roster {
    /// Checks every cross-field and cross-document rule of a roster for `council`.
    pub fn check(&self, council: &Council, ctx: &RosterContext, v: &mut Violations) {
        for (path, len, max) in [
            ("/deputies", self.deputies.len(), MAX_DEPUTIES),
            ("/commissions", self.commissions.len(), 500),
            ("/roles", self.roles.len(), 5000),
        ] {
            if len > max {
                v.push(path, "max_items", format!("{len} entries; a roster holds at most {max}"));
                return;
            }
        }
        let mut ids = HashSet::new();
        for (i, d) in self.deputies.iter().enumerate() {
            let p = join("/deputies", i);
            if !ids.insert(d.id.as_str()) {
                v.push(join(&p, "id"), "unique", format!("deputy {} is listed twice", d.id));
            }
            if ctx.foreign_deputies.contains(&d.id) {
                v.push(
                    join(&p, "id"),
                    "owned_by_other_council",
                    format!("deputy id {} belongs to another council", d.id),
                );
            }
            for (j, c) in d.contacts.iter().enumerate() {
                if looks_like_national_id(&c.value) {
                    v.push(
                        join(&join(&join(&p, "contacts"), j), "value"),
                        "no_national_id",
                        "national id numbers (IIN) are never published",
                    );
                }
            }
            self.check_mandates(council, ctx, d, &p, v);
            self.check_memberships(ctx, d, &p, v);
        }
        let mut commission_ids = HashSet::new();
        for (i, c) in self.commissions.iter().enumerate() {
            let p = join("/commissions", i);
            if !commission_ids.insert(c.id.as_str()) {
                v.push(join(&p, "id"), "unique", format!("commission {} is listed twice", c.id));
            }
            if ctx.foreign_commissions.contains(&c.id) {
                v.push(
                    join(&p, "id"),
                    "owned_by_other_council",
                    format!("commission id {} belongs to another council", c.id),
                );
            }
            if let (Some(s), Some(e)) = (c.start_date, c.end_date)
                && e < s
            {
                v.push(join(&p, "end_date"), "date_order", "the end date is before the start date");
            }
        }
        for (i, r) in self.roles.iter().enumerate() {
            let p = join("/roles", i);
            if !ids.contains(r.deputy.as_str()) {
                v.push(join(&p, "deputy"), "known_deputy", format!("deputy {} is not in this roster", r.deputy));
            }
            let needs_commission = matches!(r.role, RoleKind::CommissionChair | RoleKind::CommissionMember);
            match (&r.commission, needs_commission) {
                (None, true) => v.push(join(&p, "commission"), "required", "commission posts name their commission"),
                (Some(_), false) => {
                    v.push(join(&p, "commission"), "not_allowed", "only commission posts name a commission")
                }
                (Some(c), true) if !commission_ids.contains(c.as_str()) => {
                    v.push(join(&p, "commission"), "known_commission", format!("commission {c} is not in this roster"))
                }
                _ => {}
            }
            match (&r.party, r.role == RoleKind::FactionLeader) {
                (None, true) => v.push(join(&p, "party"), "required", "a faction leader names the party"),
                (Some(_), false) => v.push(join(&p, "party"), "not_allowed", "only faction leaders name a party"),
                (Some(pa), true) if !ctx.parties.contains(pa) => {
                    v.push(join(&p, "party"), "known_party", format!("party {pa} does not exist"))
                }
                _ => {}
            }
            check_period(v, &p, r.start_date, r.end_date);
        }
        self.check_seats(council, v);
    }

    fn check_mandates(&self, council: &Council, ctx: &RosterContext, d: &Deputy, p: &str, v: &mut Violations) {
        if d.mandates.is_empty() {
            v.push(join(p, "mandates"), "mandate_required", "every deputy in a roster holds at least one mandate");
        }
        for (j, m) in d.mandates.iter().enumerate() {
            let mp = join(&join(p, "mandates"), j);
            check_period(v, &mp, m.start_date, m.end_date);
            if m.end_reason.is_some() && m.end_date.is_none() {
                v.push(join(&mp, "end_reason"), "needs_end_date", "an end reason needs an end date");
            }
            match council.convocations.iter().find(|c| c.number == m.convocation) {
                None => v.push(
                    join(&mp, "convocation"),
                    "known_convocation",
                    format!("convocation {} is not declared for this council", m.convocation),
                ),
                Some(c) => {
                    if !c.covers(m.start_date) || m.end_date.is_some_and(|e| !c.covers(e)) {
                        v.push(
                            join(&mp, "start_date"),
                            "within_convocation",
                            format!("the mandate must fall within convocation {}", c.number),
                        );
                    }
                }
            }
            if m.seat_type == SeatType::PartyList {
                if !matches!(council.level, Level::Oblast | Level::RepublicanCity | Level::National) {
                    v.push(
                        join(&mp, "seat_type"),
                        "party_list_level",
                        "only national, oblast and republican-city councils have party-list seats",
                    );
                }
                if m.nomination != Nomination::Party {
                    v.push(
                        join(&mp, "nomination"),
                        "party_list_nomination",
                        "party-list seats are nominated by a party",
                    );
                }
            }
            match (m.nomination, &m.nominating_party) {
                (Nomination::Party, None) => {
                    v.push(join(&mp, "nominating_party"), "required", "a party nomination names the party")
                }
                (Nomination::SelfNominated, Some(_)) => v.push(
                    join(&mp, "nominating_party"),
                    "not_allowed",
                    "a self-nominated deputy has no nominating party",
                ),
                (_, Some(pa)) if !ctx.parties.contains(pa) => {
                    v.push(join(&mp, "nominating_party"), "known_party", format!("party {pa} does not exist"))
                }
                _ => {}
            }
            for (k, other) in d.mandates.iter().enumerate().take(j) {
                if periods_overlap((m.start_date, m.end_date), (other.start_date, other.end_date)) {
                    v.push(join(&mp, "start_date"), "no_overlap", format!("overlaps mandate {k} of the same deputy"));
                }
            }
        }
    }

    fn check_memberships(&self, ctx: &RosterContext, d: &Deputy, p: &str, v: &mut Violations) {
        for (j, m) in d.party_memberships.iter().enumerate() {
            let mp = join(&join(p, "party_memberships"), j);
            check_period(v, &mp, m.start_date, m.end_date);
            if !ctx.parties.contains(&m.party) {
                v.push(join(&mp, "party"), "known_party", format!("party {} does not exist", m.party));
            }
            for (k, other) in d.party_memberships.iter().enumerate().take(j) {
                if periods_overlap((m.start_date, m.end_date), (other.start_date, other.end_date)) {
                    v.push(
                        join(&mp, "start_date"),
                        "no_overlap",
                        format!("overlaps membership {k}: memberships of one deputy never overlap"),
                    );
                }
            }
        }
    }

    /// On no day may more deputies serve than the council has seats. The count can only rise on a
    /// day some mandate starts, so checking those days is enough.
    fn check_seats(&self, council: &Council, v: &mut Violations) {
        let mut counts: HashMap<NaiveDate, u32> = HashMap::new();
        for day in self.deputies.iter().flat_map(|d| d.mandates.iter().map(|m| m.start_date)) {
            counts.entry(day).or_insert_with(|| self.deputies.iter().filter(|d| d.serves_on(day)).count() as u32);
        }
        if let Some((day, n)) = counts.into_iter().filter(|(_, n)| *n > council.seats).min() {
            v.push(
                "/deputies",
                "seats_exceeded",
                format!("{n} deputies serve on {day} but the council has {} seats", council.seats),
            );
        }
    }

    /// Refuses a roster under which stored session records would name deputies on dates when
    /// they hold no mandate: a shortened or removed mandate would orphan their ballots and
    /// speeches, and those records, checked against the roster of their date, could no longer be
    /// sent again as they are. One violation per deputy, naming the sessions and votes.
    pub fn check_stored(&self, stored: &[StoredReference], v: &mut Violations) {
        let mut orphans: BTreeMap<&str, BTreeMap<(NaiveDate, &str), Vec<&StoredItem>>> = BTreeMap::new();
        for r in stored {
            if !self.deputy(&r.deputy).is_some_and(|d| d.serves_on(r.date)) {
                orphans.entry(&r.deputy).or_default().entry((r.date, &r.session)).or_default().push(&r.item);
            }
        }
        for (deputy, sessions) in orphans {
            let listed: Vec<String> = sessions
                .iter()
                .take(LISTED_SESSIONS)
                .map(|((date, session), items)| format!("{session} of {date} ({})", describe_items(items)))
                .collect();
            let more = sessions.len().saturating_sub(LISTED_SESSIONS);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            let (path, who) = match self.deputies.iter().position(|d| d.id == deputy) {
                Some(i) => (join(&join("/deputies", i), "mandates"), format!("{deputy} would hold no mandate")),
                None => ("/deputies".to_owned(), format!("{deputy}, left out of the roster, would hold no mandate")),
            };
            v.push(
                path,
                "stored_ballots",
                format!(
                    "{who} on the dates of {} stored session record(s) that give them ballots or speeches: {}{more}; \
                     correct those records first, or keep the mandate",
                    sessions.len(),
                    listed.join(", ")
                ),
            );
        }
    }

    /// The deputy with `id`.
    pub fn deputy(&self, id: &str) -> Option<&Deputy> {
        self.deputies.iter().find(|d| d.id == id)
    }
}

/// "votes v1, v2; speech s3".
fn describe_items(items: &[&StoredItem]) -> String {
    let mut items = items.to_vec();
    items.sort();
    items.dedup();
    let votes: Vec<&str> =
        items.iter().filter_map(|i| if let StoredItem::Ballot(e) = i { Some(e.as_str()) } else { None }).collect();
    let speeches: Vec<&str> =
        items.iter().filter_map(|i| if let StoredItem::Speech(s) = i { Some(s.as_str()) } else { None }).collect();
    let mut parts = vec![];
    if !votes.is_empty() {
        parts.push(format!("{} {}", if votes.len() == 1 { "vote" } else { "votes" }, votes.join(", ")));
    }
    if !speeches.is_empty() {
        parts.push(format!("{} {}", if speeches.len() == 1 { "speech" } else { "speeches" }, speeches.join(", ")));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::council::Convocation;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn council() -> Council {
        Council {
            names: [("ru".to_owned(), "Тест".to_owned())].into(),
            level: Level::District,
            parent: None,
            kato: None,
            seats: 2,
            website: None,
            convocations: vec![Convocation { number: "VIII".into(), start_date: d("2023-03-19"), end_date: None }],
            synthetic: false,
        }
    }

    fn deputy(id: &str, start: &str) -> Deputy {
        Deputy {
            id: id.into(),
            names: [("ru".to_owned(), id.to_owned())].into(),
            given_names: BTreeMap::new(),
            family_names: BTreeMap::new(),
            patronymic_names: BTreeMap::new(),
            gender: None,
            contacts: vec![],
            mandates: vec![Mandate {
                convocation: "VIII".into(),
                seat_type: SeatType::SingleMember,
                district: Some("1".into()),
                nomination: Nomination::SelfNominated,
                nominating_party: None,
                start_date: d(start),
                end_date: None,
                end_reason: None,
            }],
            party_memberships: vec![],
        }
    }

    fn rules(r: &Roster) -> Vec<(String, &'static str)> {
        let mut v = Violations::new();
        r.check(&council(), &RosterContext::default(), &mut v);
        v.into_vec().into_iter().map(|x| (x.path, x.rule)).collect()
    }

    #[test]
    fn more_deputies_than_seats_is_refused() {
        let mut r = Roster {
            deputies: vec![deputy("a", "2023-03-20"), deputy("b", "2023-03-20")],
            commissions: vec![],
            roles: vec![],
        };
        assert!(rules(&r).is_empty());
        r.deputies.push(deputy("c", "2023-04-01"));
        assert_eq!(rules(&r), [("/deputies".to_owned(), "seats_exceeded")]);
    }

    #[test]
    fn a_roster_that_would_orphan_stored_ballots_names_the_sessions_and_votes() {
        let reference = |deputy: &str, session: &str, date: &str, item: StoredItem| StoredReference {
            deputy: deputy.into(),
            session: session.into(),
            date: d(date),
            item,
        };
        let stored = vec![
            reference("a", "s1", "2023-04-01", StoredItem::Ballot("s1-v1".into())),
            reference("a", "s2", "2024-04-01", StoredItem::Ballot("s2-v1".into())),
            reference("a", "s2", "2024-04-01", StoredItem::Ballot("s2-v2".into())),
            reference("a", "s2", "2024-04-01", StoredItem::Speech("s2-sp1".into())),
            reference("b", "s2", "2024-04-01", StoredItem::Ballot("s2-v1".into())),
        ];
        let check = |r: &Roster| {
            let mut v = Violations::new();
            r.check_stored(&stored, &mut v);
            v.into_vec().into_iter().map(|x| (x.path, x.rule, x.message)).collect::<Vec<_>>()
        };
        let mut r = Roster {
            deputies: vec![deputy("a", "2023-03-20"), deputy("b", "2023-03-20")],
            commissions: vec![],
            roles: vec![],
        };
        assert!(check(&r).is_empty(), "every named deputy serves on their dates");
        // a's mandate shortened to one day; b left out.
        r.deputies[0].mandates[0].end_date = Some(d("2023-03-20"));
        r.deputies.pop();
        let found = check(&r);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].0.as_str(), found[0].1), ("/deputies/0/mandates", "stored_ballots"));
        assert!(found[0].2.contains("s1 of 2023-04-01 (vote s1-v1)"), "{}", found[0].2);
        assert!(found[0].2.contains("s2 of 2024-04-01 (votes s2-v1, s2-v2; speech s2-sp1)"), "{}", found[0].2);
        assert_eq!((found[1].0.as_str(), found[1].1), ("/deputies", "stored_ballots"));
        assert!(found[1].2.starts_with("b, left out of the roster"), "{}", found[1].2);
    }

    #[test]
    fn party_at_date_follows_membership_history() {
        let mut dep = deputy("a", "2023-03-20");
        dep.party_memberships = vec![PartyMembership {
            party: "amanat".into(),
            start_date: d("2020-01-01"),
            end_date: Some(d("2024-05-31")),
        }];
        assert_eq!(dep.party_on(d("2024-05-31")), Some("amanat"));
        assert_eq!(dep.party_on(d("2024-06-01")), None);
    }
}
