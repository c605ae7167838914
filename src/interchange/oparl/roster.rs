//! The council's side of an OParl body: which organization is the council, its party groups
//! (each a party document), its committees (commissions), and the persons with a dated
//! membership in it (deputies) with their party memberships and posts; then the seats and level
//! the roster needs.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate};

use super::dump::Dump;
use super::format::{Membership, Organization, Person, Title, text};
use super::import::{Ids, OparlError, OparlReport, Publisher, date, de, one_line};
use crate::documents::enums::{CommissionKind, Gender, Nomination, RegistrationStatus, RoleKind, SeatType};
use crate::documents::party::PartyDoc;
use crate::documents::roster::{CommissionDto, DeputyDto, MandateDto, MembershipDto, RoleDto, RosterDoc};
use crate::domain::text::{self as t, MAX_LINE};
use crate::domain::{Violations, enums as d};
use crate::store::{self, DocKind, StoreError};

type Period = (NaiveDate, Option<NaiveDate>);
type PartyPeriod = (String, NaiveDate, Option<NaiveDate>);

/// The roster as read, with what the council document needs from it.
pub(super) struct RosterPlan {
    /// The OParl id of the organization that is the council.
    pub council_org: String,
    /// Party groups: OParl id → party id.
    parties: BTreeMap<String, String>,
    deputies: Vec<DeputyDto>,
    commissions: Vec<CommissionDto>,
    roles: Vec<RoleDto>,
    /// The first day any deputy served.
    pub earliest: Option<NaiveDate>,
}

fn is_fraktion(o: &Organization) -> bool {
    text(&o.organization_type).is_some_and(|t| t.eq_ignore_ascii_case("fraktion"))
}

/// The organization that is the council itself: named like one, a `Gremium`, not dissolved,
/// with the most meetings.
fn council_organization(dump: &Dump) -> Option<String> {
    let mut meetings: HashMap<&str, u64> = HashMap::new();
    for m in dump.meetings.values() {
        for o in &m.organization {
            *meetings.entry(o.as_str()).or_default() += 1;
        }
    }
    let score = |(id, o): (&String, &Organization)| {
        let name = text(&o.name).unwrap_or_default().to_lowercase();
        let kind = text(&o.organization_type).or_else(|| text(&o.classification)).unwrap_or_default();
        let named = ["gemeinderat", "stadtrat", "rat der", "kreistag", "gemeindevertretung", "stadtverordneten"]
            .iter()
            .any(|k| name.contains(k))
            || name == "rat";
        let gremium = kind.eq_ignore_ascii_case("gremium") || kind.to_lowercase().contains("rat");
        let ended = o.end_date.is_some();
        ((named as u8) * 4 + (gremium as u8) * 2 + (!ended as u8), meetings.get(id.as_str()).copied().unwrap_or(0))
    };
    dump.organizations
        .iter()
        .filter(|(_, o)| !o.common.deleted && !is_fraktion(o))
        .max_by_key(|&e| score(e))
        .map(|(id, _)| id.clone())
}

/// Sorts periods and merges the ones that overlap or touch.
fn merge(mut ps: Vec<Period>) -> Vec<Period> {
    ps.sort();
    let mut out: Vec<Period> = Vec::new();
    for (s, e) in ps {
        if let Some(last) = out.last_mut()
            && last.1.is_none_or(|le| le.checked_add_days(Days::new(1)).is_none_or(|n| s <= n))
        {
            last.1 = match (last.1, e) {
                (None, _) | (_, None) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
            };
            continue;
        }
        out.push((s, e));
    }
    out
}

/// A deputy's party memberships, made not to overlap: the same party's periods are merged, and
/// a membership ends the day before the next one (of another party) starts.
fn party_periods(mut ps: Vec<PartyPeriod>) -> Vec<PartyPeriod> {
    ps.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let mut out: Vec<PartyPeriod> = Vec::new();
    for (party, s, e) in ps {
        if let Some(last) = out.last_mut()
            && last.2.is_none_or(|le| s <= le.checked_add_days(Days::new(1)).unwrap_or(le))
        {
            if last.0 == party {
                last.2 = match (last.2, e) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
                continue;
            }
            match s.pred_opt() {
                Some(day) if day >= last.1 => last.2 = Some(last.2.map_or(day, |le| le.min(day))),
                _ => {
                    out.pop();
                }
            }
        }
        out.push((party, s, e));
    }
    out
}

/// Role names of the council organization and of party groups that map to our roles.
fn role_of(name: &str, in_party: bool) -> Option<RoleKind> {
    let n = name.to_lowercase();
    if in_party {
        return (n.contains("fraktionsvorsitz") && !n.contains("stellv")).then_some(RoleKind::FactionLeader);
    }
    if n.contains("bürgermeister") || n.contains("vorsitz") {
        return Some(if n.contains("stellv") { RoleKind::DeputyChairman } else { RoleKind::Chairman });
    }
    None
}

/// Whether a membership role in a party group makes the person a member of that group (not a
/// citizen expert or a substitute sitting for the group in a committee).
fn is_group_member(role: &str) -> bool {
    let r = role.to_lowercase();
    !(r.contains("sachkundig") || r.contains("vertret") || r.contains("beratend"))
}

/// Which committee post a membership role names: the chair, a member, or none (a substitute,
/// a citizen expert or their stand-in, an advisory seat).
fn commission_role(role: &str) -> Option<RoleKind> {
    let n = role.to_lowercase();
    if n.contains("vorsitz") {
        return Some(if n.contains("stellv") { RoleKind::CommissionMember } else { RoleKind::CommissionChair });
    }
    let excluded = ["stellv", "vertret", "sachkundig", "beratend", "sonstig"];
    (!excluded.iter().any(|x| n.contains(x))).then_some(RoleKind::CommissionMember)
}

/// A person's full name: title, given and family name when given; else `name` without its form
/// of address.
fn full_name(p: &Person, given: Option<&String>, family: Option<&String>) -> String {
    let title = match &p.title {
        Some(Title::One(s)) => Some(s.clone()),
        Some(Title::Many(a)) => Some(a.join(" ")),
        None => None,
    };
    match (given, family) {
        (Some(g), Some(f)) => one_line(&format!("{} {g} {f}", title.unwrap_or_default()), MAX_LINE),
        _ => {
            let name = text(&p.name).unwrap_or("?");
            let address = text(&p.form_of_address).unwrap_or("\u{0}");
            one_line(name.strip_prefix(address).unwrap_or(name), MAX_LINE)
        }
    }
}

impl RosterPlan {
    pub(super) fn build(dump: &Dump, ids: &mut Ids, report: &mut OparlReport) -> Result<RosterPlan, OparlError> {
        let council_org = council_organization(dump)
            .ok_or_else(|| OparlError::Dump("no organization in the dump could be the council".into()))?;
        let parties =
            dump.organizations.iter().filter(|(_, o)| is_fraktion(o)).map(|(k, _)| (k.clone(), ids.make("party-", k)));
        let mut plan = RosterPlan {
            council_org,
            parties: parties.collect(),
            deputies: Vec::new(),
            commissions: Vec::new(),
            roles: Vec::new(),
            earliest: None,
        };
        let commission_ids = plan.commissions(dump, ids, report);
        let mut by_person: BTreeMap<&str, Vec<&Membership>> = BTreeMap::new();
        for (person, m) in dump.memberships.values() {
            by_person.entry(person.as_str()).or_default().push(m);
        }
        let mut deputy_sources: HashSet<&str> = HashSet::new();
        for (person_id, ms) in &by_person {
            let Some(person) = dump.persons.get(*person_id).filter(|p| !p.common.deleted) else { continue };
            if plan.deputy(person_id, person, ms, &commission_ids, ids, report) {
                deputy_sources.insert(person_id);
            }
        }
        for (id, p) in &dump.persons {
            if deputy_sources.contains(id.as_str()) {
                continue;
            }
            let reason = if p.common.deleted {
                "deleted in the source"
            } else {
                "no dated membership in the council: a roster holds deputies only (committee members from outside \
                 the council, citizen experts and substitutes have no place)"
            };
            report.skip("Person", id, reason);
        }
        Ok(plan)
    }

    /// Every other committee (`Gremium`) of the body is a commission of the council.
    fn commissions(&mut self, dump: &Dump, ids: &mut Ids, report: &mut OparlReport) -> BTreeMap<String, String> {
        let mut commission_ids = BTreeMap::new();
        for (org_id, o) in &dump.organizations {
            let kind = text(&o.organization_type).unwrap_or_default();
            if *org_id == self.council_org || is_fraktion(o) {
                continue;
            }
            if o.common.deleted {
                report.skip("Organization", org_id, "deleted in the source");
                continue;
            }
            if !kind.eq_ignore_ascii_case("gremium") {
                let reason = format!(
                    "an administrative unit or other organization (type {kind:?}), not a committee of the council"
                );
                report.skip("Organization", org_id, &reason);
                continue;
            }
            let id = ids.make("c", org_id);
            let (start, end) = (date(&o.start_date), date(&o.end_date));
            self.commissions.push(CommissionDto {
                id: id.clone(),
                names: de(one_line(text(&o.name).unwrap_or("Ausschuss"), MAX_LINE)),
                kind: CommissionKind::Standing,
                start_date: start,
                end_date: end.filter(|e| start.is_none_or(|s| *e >= s)),
            });
            commission_ids.insert(org_id.clone(), id);
        }
        commission_ids
    }

    /// Adds `person` as a deputy when it has a dated membership in the council; false when not.
    fn deputy(
        &mut self,
        person_id: &str,
        person: &Person,
        ms: &[&Membership],
        commission_ids: &BTreeMap<String, String>,
        ids: &mut Ids,
        report: &mut OparlReport,
    ) -> bool {
        let mut periods = Vec::new();
        for m in ms.iter().filter(|m| text(&m.organization) == Some(self.council_org.as_str()) && !m.common.deleted) {
            match (date(&m.start_date), date(&m.end_date)) {
                (Some(s), e) if e.is_none_or(|e| e >= s) => periods.push((s, e)),
                _ => report.warnings.push(format!(
                    "membership {} has no start date or ends before it starts; left out",
                    text(&m.common.id).unwrap_or_default()
                )),
            }
        }
        if periods.is_empty() {
            return false;
        }
        let deputy_id = ids.make("p", person_id);
        let mandates = merge(periods);
        self.earliest = self.earliest.into_iter().chain(mandates.first().map(|p| p.0)).min();
        let parties = self.memberships(&deputy_id, ms, commission_ids);
        let given = text(&person.given_name).map(|s| one_line(s, 200));
        let family = text(&person.family_name).map(|s| one_line(s, 200));
        self.deputies.push(DeputyDto {
            id: deputy_id,
            names: de(full_name(person, given.as_ref(), family.as_ref())),
            given_names: given.map(de).unwrap_or_default(),
            family_names: family.map(de).unwrap_or_default(),
            patronymic_names: BTreeMap::new(),
            gender: match text(&person.gender) {
                Some("female") => Some(Gender::Female),
                Some("male") => Some(Gender::Male),
                _ => None,
            },
            contacts: Vec::new(),
            mandates: mandates.into_iter().map(|(s, e)| mandate(s, e)).collect(),
            party_memberships: party_periods(parties)
                .into_iter()
                .map(|(party, s, e)| MembershipDto { party, start_date: s, end_date: e })
                .collect(),
        });
        true
    }

    /// A deputy's party memberships (returned) and posts (added to the roles).
    fn memberships(
        &mut self,
        deputy: &str,
        ms: &[&Membership],
        commission_ids: &BTreeMap<String, String>,
    ) -> Vec<PartyPeriod> {
        let mut parties = Vec::new();
        for m in ms.iter().filter(|m| !m.common.deleted) {
            let org = text(&m.organization).unwrap_or_default();
            let role = text(&m.role).unwrap_or_default();
            let (Some(s), e) = (date(&m.start_date), date(&m.end_date)) else { continue };
            if e.is_some_and(|e| e < s) {
                continue;
            }
            let post = |role: RoleKind, commission: Option<&String>, party: Option<&String>| RoleDto {
                deputy: deputy.to_owned(),
                role,
                commission: commission.cloned(),
                party: party.cloned(),
                start_date: s,
                end_date: e,
            };
            if let Some(party) = self.parties.get(org) {
                if is_group_member(role) {
                    parties.push((party.clone(), s, e));
                }
                self.roles.extend(role_of(role, true).map(|k| post(k, None, Some(party))));
            } else if let Some(c) = commission_ids.get(org) {
                self.roles.extend(commission_role(role).map(|k| post(k, Some(c), None)));
            } else if org == self.council_org {
                self.roles.extend(role_of(role, false).map(|k| post(k, None, None)));
            }
        }
        parties
    }

    /// The council's level and seats: seats are the deputies serving now, raised to the most
    /// that ever served together (which the roster rules require); the level is the body's
    /// classification when it names one of ours (a platform's own OParl view says it), else the
    /// smallest whose seat cap fits.
    pub(super) fn size(
        &self,
        classification: Option<&str>,
        today: NaiveDate,
        report: &mut OparlReport,
    ) -> (d::Level, u32) {
        let serves = |dep: &DeputyDto, day: NaiveDate| {
            dep.mandates.iter().any(|m| m.start_date <= day && m.end_date.is_none_or(|e| day <= e))
        };
        let current = self.deputies.iter().filter(|dep| serves(dep, today)).count() as u32;
        let peak = self
            .deputies
            .iter()
            .flat_map(|dep| dep.mandates.iter().map(|m| m.start_date))
            .map(|day| self.deputies.iter().filter(|dep| serves(dep, day)).count() as u32)
            .max()
            .unwrap_or(0);
        let wanted = current.max(peak).max(1);
        if peak > current {
            report.warnings.push(format!(
                "{current} persons hold a current membership in the council, but {peak} served together on some \
                 day (memberships without an end date); seats set to {peak}"
            ));
        }
        let named = classification.and_then(d::Level::parse).filter(|l| *l != d::Level::National);
        let by_size =
            [d::Level::District, d::Level::City, d::Level::Oblast].into_iter().find(|l| wanted <= l.seat_cap());
        match named.filter(|l| wanted <= l.seat_cap()).or(by_size) {
            Some(l) => {
                if named.is_none() && l != d::Level::District {
                    report.warnings.push(format!(
                        "{wanted} seats exceed the district cap of {}; imported as {} council (cap {})",
                        d::Level::District.seat_cap(),
                        l.as_str(),
                        l.seat_cap()
                    ));
                }
                (l, wanted.min(l.seat_cap()))
            }
            None => {
                let cap = d::Level::Oblast.seat_cap();
                report.warnings.push(format!("{wanted} seats capped to {cap}; the roster will likely be refused"));
                (d::Level::Oblast, wanted.min(cap))
            }
        }
    }

    /// Publishes a party document per party group (first: the roster names them).
    pub(super) async fn publish_parties(&self, dump: &Dump, out: &mut Publisher<'_>) -> Result<(), StoreError> {
        for (org_id, pid) in &self.parties {
            let Some(o) = dump.organizations.get(org_id) else { continue };
            let mut v = Violations::new();
            t::check_id(&mut v, "/id", pid);
            let doc = PartyDoc {
                names: de(one_line(text(&o.name).unwrap_or("Fraktion"), MAX_LINE)),
                abbreviations: text(&o.short_name).map(|s| de(one_line(s, 32))).unwrap_or_default(),
                registration_status: RegistrationStatus::Registered,
                synthetic: false,
            }
            .parse(&mut v);
            let meta = out.meta_for(DocKind::Party, pid).await?;
            let r = store::councils::put_party(out.db, pid, &doc, v, &meta).await;
            let o = out.outcome("party", pid, org_id, r)?;
            out.report.parties.add(o);
        }
        Ok(())
    }

    /// Publishes the roster.
    pub(super) async fn publish(self, council_id: &str, out: &mut Publisher<'_>) -> Result<(), StoreError> {
        let n_deputies = self.deputies.len();
        out.report.commissions = self.commissions.len() as u64;
        let mut v = Violations::new();
        let roster =
            RosterDoc { deputies: self.deputies, commissions: self.commissions, roles: self.roles }.parse(&mut v);
        let meta = out.meta_for(DocKind::Roster, council_id).await?;
        let r = store::councils::put_roster(out.db, council_id, &roster, v, &meta).await;
        let o = out.outcome("roster", council_id, &self.council_org, r)?;
        out.report.rosters.add(o);
        for _ in 0..n_deputies {
            out.report.deputies.add(o);
        }
        Ok(())
    }
}

/// OParl does not say how a seat was won: single-member, self-nominated.
fn mandate(start: NaiveDate, end: Option<NaiveDate>) -> MandateDto {
    MandateDto {
        convocation: "I".into(),
        seat_type: SeatType::SingleMember,
        district: None,
        nomination: Nomination::SelfNominated,
        nominating_party: None,
        start_date: start,
        end_date: end,
        end_reason: None,
    }
}
