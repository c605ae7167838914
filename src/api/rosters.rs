//! Rosters (one versioned document per council) and the deputy reads built from them.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::auth::BearerAuth;
use super::councils::{PutResponse, VersionInfo, meta, path_id};
use super::paging::{Links, limit, next_link};
use super::payload::StrictJson;
use super::problem::Problem;
use super::responses::{ById, ByIdAndQuery, CouncilWrite, Read, Refused};
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::{EndReason, Gender, Nomination, RoleKind, SeatType};
use crate::documents::roster::{ContactDto, MembershipDto, RosterDoc};
use crate::domain::{Violations, enums as d};
use crate::service::publish;
use crate::service::rosters::{self, DeputyFilter, DeputyRead};

/// A roster version as served.
#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct RosterVersionView {
    /// Metadata of the version.
    pub version: VersionInfo,
    /// The document, exactly as stored (canonical, normalized).
    pub document: RosterDoc,
}

/// A page of versions.
#[derive(Object)]
pub struct VersionList {
    /// Versions, oldest first.
    pub items: Vec<VersionInfo>,
    /// Paging links.
    pub links: Links,
}

/// The roster with its ETag.
#[derive(ApiResponse)]
#[expect(clippy::large_enum_variant, reason = "one value per request, moved once into the response")]
pub enum RosterResponse {
    /// The current roster.
    #[oai(status = 200)]
    Ok(Json<RosterVersionView>, #[oai(header = "ETag")] String),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

/// A mandate as served.
#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct MandateView {
    /// Council id.
    pub council: String,
    /// Convocation.
    pub convocation: String,
    /// Seat type.
    pub seat_type: SeatType,
    /// District label.
    #[oai(skip_serializing_if_is_none)]
    pub district: Option<String>,
    /// Nomination.
    pub nomination: Nomination,
    /// Nominating party.
    #[oai(skip_serializing_if_is_none)]
    pub nominating_party: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    #[oai(skip_serializing_if_is_none)]
    pub end_date: Option<NaiveDate>,
    /// Why it ended.
    #[oai(skip_serializing_if_is_none)]
    pub end_reason: Option<EndReason>,
}

/// A role as served.
#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct RoleView {
    /// The position.
    pub role: RoleKind,
    /// Commission id.
    #[oai(skip_serializing_if_is_none)]
    pub commission: Option<String>,
    /// Party id.
    #[oai(skip_serializing_if_is_none)]
    pub party: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    #[oai(skip_serializing_if_is_none)]
    pub end_date: Option<NaiveDate>,
}

/// A deputy as served, with their dated history and their status on `on`.
#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct DeputyView {
    /// Stable id.
    pub id: String,
    /// Council id.
    pub council: String,
    /// Full names per language tag.
    pub names: BTreeMap<String, String>,
    /// Given names.
    pub given_names: BTreeMap<String, String>,
    /// Family names.
    pub family_names: BTreeMap<String, String>,
    /// Patronymics.
    pub patronymic_names: BTreeMap<String, String>,
    /// As publicly stated.
    #[oai(skip_serializing_if_is_none)]
    pub gender: Option<Gender>,
    /// Public contacts.
    pub contacts: Vec<ContactDto>,
    /// False once dropped from the council's current roster.
    pub listed: bool,
    /// True for made-up demo records.
    pub synthetic: bool,
    /// Mandates, oldest first.
    pub mandates: Vec<MandateView>,
    /// Party memberships, oldest first.
    pub party_memberships: Vec<MembershipDto>,
    /// Roles, oldest first.
    pub roles: Vec<RoleView>,
    /// The date `serving` and `party` refer to.
    pub on: NaiveDate,
    /// Holds a mandate on `on`.
    pub serving: bool,
    /// Party on `on`; absent means non-partisan.
    #[oai(skip_serializing_if_is_none)]
    pub party: Option<String>,
    /// True when no party membership covers `on`.
    pub non_partisan: bool,
    /// Canonical URL.
    pub url: String,
}

/// A page of deputies.
#[derive(Object)]
pub struct DeputyList {
    /// Deputies by id.
    pub items: Vec<DeputyView>,
    /// Paging links.
    pub links: Links,
}

fn deputy_view(base: &str, rec: DeputyRead, on: NaiveDate) -> DeputyView {
    let serving = rec.serving_on(on);
    let party = rec.party_on(on).map(str::to_owned);
    let council = rec.council_id;
    let dep = rec.deputy;
    DeputyView {
        url: format!("{base}{PREFIX}/deputies/{}", dep.id),
        names: dep.names,
        given_names: dep.given_names,
        family_names: dep.family_names,
        patronymic_names: dep.patronymic_names,
        gender: dep.gender.map(Into::into),
        contacts: dep.contacts.into_iter().map(|c| ContactDto { kind: c.kind, value: c.value }).collect(),
        listed: rec.listed,
        synthetic: rec.synthetic,
        mandates: dep
            .mandates
            .into_iter()
            .map(|m| MandateView {
                council: council.clone(),
                convocation: m.convocation,
                seat_type: m.seat_type.into(),
                district: m.district,
                nomination: m.nomination.into(),
                nominating_party: m.nominating_party,
                start_date: m.start_date,
                end_date: m.end_date,
                end_reason: m.end_reason.map(Into::into),
            })
            .collect(),
        party_memberships: dep
            .party_memberships
            .into_iter()
            .map(|m| MembershipDto { party: m.party, start_date: m.start_date, end_date: m.end_date })
            .collect(),
        roles: rec
            .roles
            .into_iter()
            .map(|x| RoleView {
                role: x.role.into(),
                commission: x.commission,
                party: x.party,
                start_date: x.start_date,
                end_date: x.end_date,
            })
            .collect(),
        council,
        on,
        serving,
        non_partisan: party.is_none(),
        party,
        id: dep.id,
    }
}

/// Roster and deputy operations.
pub struct RosterApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Rosters")]
impl RosterApi {
    /// Publish a council's whole roster (its publisher, or an admin).
    #[oai(path = "/councils/:council/roster", method = "put", operation_id = "put_roster")]
    async fn put_roster(
        &self,
        auth: BearerAuth,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
        /// The current roster's ETag; required once a roster exists.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: StrictJson<RosterDoc>,
    ) -> Result<PutResponse, Refused<CouncilWrite>> {
        path_id(&id)?;
        auth.require_council(&id)?;
        let mut v = Violations::new();
        let doc = body.0.parse(&mut v);
        let published = publish::roster(&self.state.service, &id, &doc, v, &meta(&auth, if_match.0, None)).await?;
        Ok(published.into())
    }

    /// The current roster of a council.
    #[oai(path = "/councils/:council/roster", method = "get", operation_id = "get_roster")]
    async fn get_roster(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
    ) -> Result<RosterResponse, Refused<ById>> {
        path_id(&id)?;
        let stored = rosters::current(&self.state.service, &id).await?;
        let document: RosterDoc = serde_json::from_str(&stored.body).map_err(|e| Problem::internal(&e))?;
        let info = VersionInfo::from(&stored.meta);
        let etag = info.etag.clone();
        Ok(RosterResponse::Ok(Json(RosterVersionView { version: info, document }), etag))
    }

    /// Every version of a council's roster, oldest first, with when each was received.
    #[oai(path = "/councils/:council/roster/versions", method = "get", operation_id = "list_roster_versions")]
    async fn list_roster_versions(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<VersionList>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let page = rosters::versions(&self.state.service, &id, cursor.0.as_deref(), n).await?;
        Ok(Read::of(VersionList {
            items: page.items.iter().map(VersionInfo::from).collect(),
            links: next_link(
                &format!("{PREFIX}/councils/{}/roster/versions", id.0),
                &[("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// Deputies of a council, filtered by party, non-partisan status, seat type or service on a date.
    #[oai(
        path = "/councils/:council/deputies",
        method = "get",
        operation_id = "list_deputies",
        tag = "ApiTags::Deputies"
    )]
    #[expect(clippy::too_many_arguments, reason = "poem-openapi takes each query parameter as an argument")]
    async fn list_deputies(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
        /// Only members of this party on `on`.
        party: Query<Option<String>>,
        /// Only deputies with (true) or without (false) a party on `on`.
        non_partisan: Query<Option<bool>>,
        /// Only deputies whose mandate on `on` (or any mandate, without `on`) has this seat type.
        seat_type: Query<Option<SeatType>>,
        /// Only deputies serving on this date; also the date party filters refer to (default today).
        on: Query<Option<NaiveDate>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Read<DeputyList>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let date = on.0.unwrap_or_else(|| Utc::now().date_naive());
        let st = seat_type.0.map(|s| d::SeatType::from(s).as_str());
        let f = DeputyFilter {
            party: party.0.clone(),
            non_partisan: non_partisan.0,
            seat_type: seat_type.0.map(Into::into),
            on: on.0,
            today: date,
        };
        let page =
            rosters::deputies(&self.state.service, &id, &f, cursor.0.as_deref().filter(|c| !c.is_empty()), n).await?;
        let base = &self.state.service.settings.link_base();
        Ok(Read::of(DeputyList {
            items: page.items.into_iter().map(|rec| deputy_view(base, rec, date)).collect(),
            links: next_link(
                &format!("{PREFIX}/councils/{}/deputies", id.0),
                &[
                    ("party", party.0.clone()),
                    ("non_partisan", non_partisan.0.map(|b| b.to_string())),
                    ("seat_type", st.map(str::to_owned)),
                    ("on", on.0.map(|d| d.to_string())),
                    ("limit", limit.0.map(|l| l.to_string())),
                ],
                page.next,
            ),
        }))
    }

    /// One deputy with mandates, party history and roles, and their status on a date.
    #[oai(path = "/deputies/:deputy", method = "get", operation_id = "get_deputy", tag = "ApiTags::Deputies")]
    async fn get_deputy(
        &self,
        /// The deputy's id.
        #[oai(name = "deputy")]
        id: Path<String>,
        /// The date `serving` and `party` refer to (default today).
        on: Query<Option<NaiveDate>>,
    ) -> Result<Read<DeputyView>, Refused<ByIdAndQuery>> {
        path_id(&id)?;
        let rec = rosters::deputy(&self.state.service, &id).await?;
        Ok(Read::of(deputy_view(
            &self.state.service.settings.link_base(),
            rec,
            on.0.unwrap_or_else(|| Utc::now().date_naive()),
        )))
    }
}
