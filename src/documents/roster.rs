//! A council's roster document (deputies with their mandates and party memberships,
//! commissions, roles), as its publisher sends it, and its parsing into the domain type.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use poem_openapi::Object;

use super::enums::{CommissionKind, EndReason, Gender, Nomination, RoleKind, SeatType};
use crate::domain::Violations;
use crate::domain::roster::{self as r, Roster};
use crate::domain::text::{self, MAX_LINE};

/// A council's whole roster, as its publisher sends it.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct RosterDoc {
    /// Every deputy who has served, with their dated history.
    pub deputies: Vec<DeputyDto>,
    /// Commissions.
    #[oai(default)]
    #[serde(default)]
    pub commissions: Vec<CommissionDto>,
    /// Positions held, with periods.
    #[oai(default)]
    #[serde(default)]
    pub roles: Vec<RoleDto>,
}

/// A deputy in a roster.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct DeputyDto {
    /// Stable id, unique on the platform.
    pub id: String,
    /// Full names per language tag.
    pub names: BTreeMap<String, String>,
    /// Given names per language tag.
    #[oai(default)]
    #[serde(default)]
    pub given_names: BTreeMap<String, String>,
    /// Family names per language tag.
    #[oai(default)]
    #[serde(default)]
    pub family_names: BTreeMap<String, String>,
    /// Patronymics per language tag.
    #[oai(default)]
    #[serde(default)]
    pub patronymic_names: BTreeMap<String, String>,
    /// As publicly stated.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub gender: Option<Gender>,
    /// Public contacts only; never a national id number.
    #[oai(default)]
    #[serde(default)]
    pub contacts: Vec<ContactDto>,
    /// Seats held, oldest first.
    pub mandates: Vec<MandateDto>,
    /// Party memberships (inclusive dates); none on a date means non-partisan that day.
    #[oai(default)]
    #[serde(default)]
    pub party_memberships: Vec<MembershipDto>,
}

/// A public contact.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ContactDto {
    /// `email`, `phone`, `url` or `office`.
    pub kind: String,
    /// The contact.
    pub value: String,
}

/// A seat held for a period.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct MandateDto {
    /// Convocation (Roman numeral) declared on the council.
    pub convocation: String,
    /// Party list or single-member district.
    pub seat_type: SeatType,
    /// District label, for single-member seats.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub district: Option<String>,
    /// Party or self-nominated.
    pub nomination: Nomination,
    /// The nominating party, for party nominations.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub nominating_party: Option<String>,
    /// First day of service.
    pub start_date: NaiveDate,
    /// Last day of service.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// Why it ended.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub end_reason: Option<EndReason>,
}

/// A period of party membership.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct MembershipDto {
    /// Party id.
    pub party: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

/// A commission.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CommissionDto {
    /// Stable id.
    pub id: String,
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Standing or temporary.
    pub kind: CommissionKind,
    /// Formed on.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// Dissolved on.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

/// A position held for a period.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct RoleDto {
    /// Deputy id (in this roster).
    pub deputy: String,
    /// The position.
    pub role: RoleKind,
    /// Commission id, for commission posts.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub commission: Option<String>,
    /// Party id, for faction leaders.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub party: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

fn id_at(v: &mut Violations, path: String, id: String) -> String {
    text::check_id(v, &path, &id);
    id
}

impl RosterDoc {
    /// Cleans every field into the domain value, collecting every violation with its path.
    pub fn parse(self, v: &mut Violations) -> Roster {
        let deputies = self.deputies.into_iter().enumerate().map(|(i, dep)| dep.parse(v, &format!("/deputies/{i}")));
        let deputies = deputies.collect();
        let commissions = self
            .commissions
            .into_iter()
            .enumerate()
            .map(|(i, c)| r::Commission {
                id: id_at(v, format!("/commissions/{i}/id"), c.id),
                names: text::lang_map(v, &format!("/commissions/{i}/names"), &c.names, MAX_LINE),
                kind: c.kind.into(),
                start_date: c.start_date,
                end_date: c.end_date,
            })
            .collect();
        let roles = self
            .roles
            .into_iter()
            .map(|x| r::Role {
                deputy: x.deputy,
                role: x.role.into(),
                commission: x.commission,
                party: x.party,
                start_date: x.start_date,
                end_date: x.end_date,
            })
            .collect();
        Roster { deputies, commissions, roles }
    }
}

impl DeputyDto {
    fn parse(self, v: &mut Violations, p: &str) -> r::Deputy {
        let part = |v: &mut Violations, key: &str, m: &BTreeMap<String, String>| {
            text::lang_map_opt(v, &format!("{p}/{key}"), Some(m), 200)
        };
        r::Deputy {
            id: id_at(v, format!("{p}/id"), self.id),
            names: text::lang_map(v, &format!("{p}/names"), &self.names, MAX_LINE),
            given_names: part(v, "given_names", &self.given_names),
            family_names: part(v, "family_names", &self.family_names),
            patronymic_names: part(v, "patronymic_names", &self.patronymic_names),
            gender: self.gender.map(Into::into),
            contacts: self
                .contacts
                .into_iter()
                .enumerate()
                .map(|(j, c)| c.parse(v, &format!("{p}/contacts/{j}")))
                .collect(),
            mandates: self
                .mandates
                .into_iter()
                .enumerate()
                .map(|(j, m)| m.parse(v, &format!("{p}/mandates/{j}")))
                .collect(),
            party_memberships: self
                .party_memberships
                .into_iter()
                .enumerate()
                .map(|(j, m)| r::PartyMembership {
                    party: id_at(v, format!("{p}/party_memberships/{j}/party"), m.party),
                    start_date: m.start_date,
                    end_date: m.end_date,
                })
                .collect(),
        }
    }
}

/// The kinds of contact a roster may give (`ContactDto.kind`).
pub const CONTACT_KINDS: [&str; 4] = ["email", "phone", "url", "office"];

impl ContactDto {
    fn parse(self, v: &mut Violations, p: &str) -> r::Contact {
        if !CONTACT_KINDS.contains(&self.kind.as_str()) {
            v.push(format!("{p}/kind"), "allowed_values", "one of: email, phone, url, office");
        }
        r::Contact {
            kind: self.kind,
            value: text::clean(v, &format!("{p}/value"), &self.value, 300, false).unwrap_or_default(),
        }
    }
}

impl MandateDto {
    fn parse(self, v: &mut Violations, p: &str) -> r::Mandate {
        r::Mandate {
            convocation: self.convocation,
            seat_type: self.seat_type.into(),
            district: text::clean_opt(v, &format!("{p}/district"), self.district.as_deref(), 200, false),
            nomination: self.nomination.into(),
            nominating_party: self.nominating_party.map(|x| id_at(v, format!("{p}/nominating_party"), x)),
            start_date: self.start_date,
            end_date: self.end_date,
            end_reason: self.end_reason.map(Into::into),
        }
    }
}
