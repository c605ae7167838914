//! A council's invented behaviour and its roster under the 2023 rules: half party-list and half
//! single-member seats in oblast and republican-city councils, single-member seats elsewhere;
//! party-nominated and self-nominated deputies; a few party switches and replacements mid-term.

use chrono::{Days, NaiveDate};

use super::geo::CouncilPlan;
use super::people::person;
use super::rng::Rng;
use crate::domain::council::{Convocation, Council};
use crate::domain::enums::{CommissionKind, EndReason, Level, Nomination, RoleKind, SeatType};
use crate::domain::roster::{Commission, Deputy, Mandate, PartyMembership, Role, Roster};

/// Election day of the VIII convocation (19 March 2023).
pub fn election_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 3, 19).unwrap_or_default()
}

/// First day of service of the deputies elected in March 2023.
pub fn term_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 3, 20).unwrap_or_default()
}

/// When notices are published, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeStyle {
    /// Ten to twenty days ahead.
    Early,
    /// One to four days ahead.
    Late,
    /// Anywhere in between.
    Mixed,
    /// No notice is ever declared.
    Never,
}

/// How a council behaves, drawn once per council so councils differ and metrics mean something.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Chance that a session is open to the public.
    pub open: f64,
    /// Streams its open sessions.
    pub livestream: bool,
    /// Chance that a recording is published.
    pub recording: f64,
    /// Notice lead times.
    pub notice: NoticeStyle,
    /// Chance that minutes are ever published.
    pub minutes: f64,
    /// Chance that a vote is named (roll call or electronic) rather than by show of hands.
    pub named: f64,
    /// Votes electronically (else by roll call) when the vote is named.
    pub electronic: bool,
    /// Base chance that a present deputy votes no or abstains.
    pub dissent: f64,
    /// How much more (or less) often non-partisan deputies dissent.
    pub nonpartisan_factor: f64,
    /// Chance that a deputy attends.
    pub attendance: f64,
    /// Mean number of deputies' questions and speeches per agenda item.
    pub debate: f64,
    /// Share of single-member seats won by self-nominated candidates.
    pub self_nominated: f64,
    /// Chance that a record sent only after the sitting (backfilled) declares when each of its
    /// documents and its minutes became public.
    pub declares_times: f64,
}

impl Profile {
    /// Draws the behaviour of a council of `level`.
    pub fn draw(rng: &mut Rng, level: Level) -> Self {
        let big = matches!(level, Level::Oblast | Level::RepublicanCity);
        // Three temperaments: rubber-stamp (most), mixed, and contested (few).
        let temperament = rng.weighted(&[0.55, 0.3, 0.15]);
        let (dissent, debate) = match temperament {
            0 => (rng.between(0.0, 0.01), rng.between(0.1, 0.6)),
            1 => (rng.between(0.02, 0.06), rng.between(0.6, 1.5)),
            _ => (rng.between(0.08, 0.2), rng.between(1.5, 3.5)),
        };
        Self {
            open: if rng.chance(0.8) { rng.between(0.85, 1.0) } else { rng.between(0.2, 0.6) },
            livestream: rng.chance(if big { 0.7 } else { 0.25 }),
            recording: rng.between(0.0, 0.9),
            notice: *rng.pick(&[
                NoticeStyle::Early,
                NoticeStyle::Early,
                NoticeStyle::Mixed,
                NoticeStyle::Mixed,
                NoticeStyle::Late,
                NoticeStyle::Never,
            ]),
            minutes: *rng.pick(&[1.0, 0.95, 0.8, 0.5, 0.0]),
            named: if big { rng.between(0.6, 1.0) } else { rng.between(0.0, 0.8) },
            electronic: rng.chance(if big { 0.8 } else { 0.2 }),
            dissent,
            nonpartisan_factor: *rng.pick(&[0.5, 1.0, 2.0, 3.0, 4.0]),
            attendance: rng.between(0.82, 0.98),
            debate,
            self_nominated: rng.between(0.1, 0.45),
            declares_times: *rng.pick(&[0.0, 0.6, 0.9, 1.0, 1.0]),
        }
    }
}

/// The seven parties' ids with their weight among list seats and among party nominations in
/// single-member districts (roughly the 2023 results: AMANAT far ahead, Baytaq nowhere).
const PARTY_WEIGHTS: [(&str, f64, f64); 7] = [
    ("amanat", 0.55, 0.75),
    ("auyl", 0.12, 0.08),
    ("respublica", 0.11, 0.06),
    ("ak-zhol", 0.1, 0.05),
    ("qhp", 0.08, 0.04),
    ("jsdp", 0.04, 0.01),
    ("baytaq", 0.0, 0.01),
];

fn party(rng: &mut Rng, list: bool) -> &'static str {
    let w: Vec<f64> = PARTY_WEIGHTS.iter().map(|p| if list { p.1 } else { p.2 }).collect();
    PARTY_WEIGHTS[rng.weighted(&w)].0
}

fn days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d)
}

/// A random day in `[from, to]` (`from` when the range is empty).
pub fn day_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0) as u32;
    days(from, rng.range(0, span))
}

/// The council document for a plan.
pub fn council(plan: &CouncilPlan, seats: u32) -> Council {
    Council {
        names: plan.names.clone(),
        level: plan.level,
        parent: plan.parent.clone(),
        kato: None,
        seats,
        website: None,
        convocations: vec![Convocation { number: "VIII".into(), start_date: election_day(), end_date: None }],
        synthetic: true,
    }
}

fn deputy(rng: &mut Rng, id: String, mandate: Mandate, memberships: Vec<PartyMembership>, russian: f64) -> Deputy {
    let name = person(rng, russian, 0.3);
    Deputy {
        id,
        names: name.full,
        given_names: name.given,
        family_names: name.family,
        patronymic_names: name.patronymic,
        gender: rng.chance(0.8).then_some(name.gender),
        contacts: vec![],
        mandates: vec![mandate],
        party_memberships: memberships,
    }
}

/// Commission names (kk, ru): budget, social affairs, legality, infrastructure, agriculture.
const COMMISSIONS: [(&str, &str); 5] = [
    (
        "Бюджет және экономика мәселелері жөніндегі тұрақты комиссия",
        "Постоянная комиссия по вопросам бюджета и экономики",
    ),
    ("Әлеуметтік-мәдени даму жөніндегі тұрақты комиссия", "Постоянная комиссия по социально-культурному развитию"),
    (
        "Заңдылық және құқық тәртібі жөніндегі тұрақты комиссия",
        "Постоянная комиссия по вопросам законности и правопорядка",
    ),
    (
        "Инфрақұрылым және экология жөніндегі тұрақты комиссия",
        "Постоянная комиссия по вопросам инфраструктуры и экологии",
    ),
    ("Аграрлық мәселелер жөніндегі тұрақты комиссия", "Постоянная комиссия по аграрным вопросам"),
];

/// The roster of a council with `seats` seats whose history runs to `until`.
#[expect(
    clippy::too_many_lines,
    reason = "one demo council's history, convocation by convocation, in the order it happens"
)]
pub fn roster(rng: &mut Rng, plan: &CouncilPlan, seats: u32, profile: &Profile, until: NaiveDate) -> Roster {
    let start = term_start();
    let list_seats = if matches!(plan.level, Level::Oblast | Level::RepublicanCity) { seats / 2 } else { 0 };
    // Northern and big-city councils have more Russian names.
    let russian = if plan.place_ru.contains("Север")
        || plan.place_ru.contains("Костанай")
        || plan.place_ru.contains("Караганд")
        || plan.place_ru.contains("Павлодар")
        || plan.place_ru.contains("Восточно")
    {
        0.3
    } else {
        0.1
    };
    let mut deputies = Vec::with_capacity(seats as usize + 4);
    let mut next_id = 1;
    let new_id = |n: &mut u32| {
        let id = format!("{}-d{:03}", plan.id, *n);
        *n += 1;
        id
    };
    for seat in 0..seats {
        let list = seat < list_seats;
        let (nomination, nominating, member_of) = if list {
            let p = party(rng, true);
            (Nomination::Party, Some(p), Some(p))
        } else if rng.chance(profile.self_nominated) {
            // A self-nominated winner may still be a party member (often of AMANAT).
            (Nomination::SelfNominated, None, rng.chance(0.3).then_some("amanat"))
        } else {
            let p = party(rng, false);
            (Nomination::Party, Some(p), Some(p))
        };
        let mandate = Mandate {
            convocation: "VIII".into(),
            seat_type: if list { SeatType::PartyList } else { SeatType::SingleMember },
            district: (!list).then(|| format!("№{}", seat - list_seats + 1)),
            nomination,
            nominating_party: nominating.map(str::to_owned),
            start_date: start,
            end_date: None,
            end_reason: None,
        };
        let joined =
            NaiveDate::from_ymd_opt(rng.range(2006, 2022) as i32, rng.range(1, 12), rng.range(1, 28)).unwrap_or(start);
        let memberships = member_of
            .map(|p| vec![PartyMembership { party: p.to_owned(), start_date: joined, end_date: None }])
            .unwrap_or_default();
        deputies.push(deputy(rng, new_id(&mut next_id), mandate, memberships, russian));
    }

    // The chairman: a party member elected at the first session who serves throughout.
    let chairman = deputies.iter().position(|d| !d.party_memberships.is_empty()).unwrap_or(0);
    let stable_until = days(start, 150);
    let late = until.checked_sub_days(Days::new(30)).unwrap_or(until);
    let mut replacements = vec![];
    if late > stable_until {
        for (i, d) in deputies.iter_mut().enumerate() {
            if i == chairman {
                continue;
            }
            if rng.chance(0.04) {
                // Mid-term party switch: leave (non-partisan from the next day) or join another.
                let left = day_between(rng, stable_until, late);
                if let Some(m) = d.party_memberships.last_mut()
                    && m.start_date < left
                {
                    let old = m.party.clone();
                    m.end_date = Some(left);
                    let new = party(rng, false);
                    if new != old && rng.chance(0.6) {
                        d.party_memberships.push(PartyMembership {
                            party: new.to_owned(),
                            start_date: days(left, 1),
                            end_date: None,
                        });
                    }
                } else if d.party_memberships.is_empty() {
                    d.party_memberships.push(PartyMembership {
                        party: "amanat".into(),
                        start_date: left,
                        end_date: None,
                    });
                }
            } else if rng.chance(0.04) {
                // The mandate ends early; the seat is refilled later (next on the list, or a
                // by-election some months on) if that happens before `until`.
                let end = day_between(rng, stable_until, late);
                let m = &mut d.mandates[0];
                let list = m.seat_type == SeatType::PartyList;
                m.end_date = Some(end);
                m.end_reason = Some(if list && rng.chance(0.3) {
                    EndReason::PartyListWithdrawn
                } else {
                    *rng.pick(&[
                        EndReason::Resigned,
                        EndReason::AppointedElsewhere,
                        EndReason::Resigned,
                        EndReason::Died,
                    ])
                });
                let refill = days(end, if list { rng.range(10, 40) } else { rng.range(90, 200) });
                if refill <= until {
                    replacements.push((m.clone(), refill));
                }
            }
        }
    }
    for (old, refill) in replacements {
        let (nomination, nominating) = match (old.seat_type, &old.nominating_party) {
            (SeatType::PartyList, p) => (Nomination::Party, p.clone()),
            _ if rng.chance(profile.self_nominated) => (Nomination::SelfNominated, None),
            _ => (Nomination::Party, Some(party(rng, false).to_owned())),
        };
        let memberships = nominating
            .iter()
            .map(|p| PartyMembership { party: p.clone(), start_date: days(refill, 0), end_date: None })
            .collect();
        let mandate = Mandate {
            nomination,
            nominating_party: nominating,
            start_date: refill,
            end_date: None,
            end_reason: None,
            ..old
        };
        deputies.push(deputy(rng, new_id(&mut next_id), mandate, memberships, russian));
    }

    // Standing commissions: three in small councils, five in big ones; every deputy but the
    // chairman sits on one, and its first member chairs it.
    let n_comm = if seats >= 30 { 5 } else { 3 };
    let commissions: Vec<Commission> = COMMISSIONS[..n_comm]
        .iter()
        .enumerate()
        .map(|(i, (kk, ru))| Commission {
            id: format!("{}-c{}", plan.id, i + 1),
            names: [("kk".to_owned(), (*kk).to_owned()), ("ru".to_owned(), (*ru).to_owned())].into(),
            kind: CommissionKind::Standing,
            start_date: Some(days(start, 9)),
            end_date: None,
        })
        .collect();
    let mut roles = vec![Role {
        deputy: deputies[chairman].id.clone(),
        role: RoleKind::Chairman,
        commission: None,
        party: None,
        start_date: days(start, 9),
        end_date: None,
    }];
    let mut chaired = vec![false; n_comm];
    for (i, d) in deputies.iter().enumerate().filter(|(i, _)| *i != chairman) {
        let c = i % n_comm;
        let m = &d.mandates[0];
        let from = m.start_date.max(days(start, 9));
        let role = if chaired[c] { RoleKind::CommissionMember } else { RoleKind::CommissionChair };
        chaired[c] = true;
        roles.push(Role {
            deputy: d.id.clone(),
            role,
            commission: Some(commissions[c].id.clone()),
            party: None,
            start_date: from,
            end_date: m.end_date.map(|e| e.max(from)),
        });
    }
    // The AMANAT faction in oblast and republican-city councils, led by a member who never
    // switches party.
    if list_seats > 0
        && let Some(leader) = deputies.iter().enumerate().find(|(i, d)| {
            *i != chairman
                && d.mandates[0].end_date.is_none()
                && d.party_memberships.len() == 1
                && d.party_memberships[0].party == "amanat"
                && d.party_memberships[0].end_date.is_none()
        })
    {
        roles.push(Role {
            deputy: leader.1.id.clone(),
            role: RoleKind::FactionLeader,
            commission: None,
            party: Some("amanat".into()),
            start_date: days(start, 9),
            end_date: None,
        });
    }
    Roster { deputies, commissions, roles }
}
