//! Councils and parties: admin writes, public reads.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::auth::BearerAuth;
use super::paging::{Links, limit, next_link};
use super::payload::StrictJson;
use super::problem::ApiError;
use super::{ApiTags, AppState, PREFIX};
use crate::documents::enums::{Level, RegistrationStatus, stored};
use crate::domain::council::{Convocation, Council, Party};
use crate::domain::text::{self, MAX_LINE};
use crate::domain::{Violations, enums as d};
use crate::store::{self, DocKind, PublishMeta, Published, VersionMeta};

/// A council as its admin publishes it.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CouncilDoc {
    /// Names per language tag (`kk`, `kk-Latn`, `ru`, `en`); never derived from one another.
    pub names: BTreeMap<String, String>,
    /// The council's tier.
    pub level: Level,
    /// Id of the council one level up (districts and cities of an oblast).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub parent: Option<String>,
    /// KATO code of its area (9 digits), when known.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub kato: Option<String>,
    /// Seats by law (caps: oblast and republican city 50, city 30, district 25; national 107).
    #[oai(validator(minimum(value = "1"), maximum(value = "107")))]
    pub seats: u32,
    /// Official web page.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub website: Option<String>,
    /// Convocations, oldest first.
    #[oai(default)]
    #[serde(default)]
    pub convocations: Vec<ConvocationDto>,
    /// True for made-up demo records.
    #[oai(default)]
    #[serde(default)]
    pub synthetic: bool,
}

/// One term of a council.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ConvocationDto {
    /// Roman numeral, e.g. `VIII` (the council elected in March 2023).
    pub number: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, once known.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

impl CouncilDoc {
    /// Cleans every field into the domain value, collecting violations.
    pub fn parse(self, v: &mut Violations) -> Council {
        let names = text::lang_map(v, "/names", &self.names, MAX_LINE);
        if let Some(p) = &self.parent {
            text::check_id(v, "/parent", p);
        }
        let kato = text::clean_opt(v, "/kato", self.kato.as_deref(), 16, false);
        let website = text::url_opt(v, "/website", self.website.as_deref());
        let convocations = self
            .convocations
            .into_iter()
            .enumerate()
            .map(|(i, c)| Convocation {
                number: text::clean(v, &format!("/convocations/{i}/number"), &c.number, 8, false).unwrap_or_default(),
                start_date: c.start_date,
                end_date: c.end_date,
            })
            .collect();
        Council {
            names,
            level: self.level.into(),
            parent: self.parent,
            kato,
            seats: self.seats,
            website,
            convocations,
            synthetic: self.synthetic,
        }
    }
}

/// A party as an admin publishes it.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct PartyDoc {
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Abbreviations per language tag.
    #[oai(default)]
    #[serde(default)]
    pub abbreviations: BTreeMap<String, String>,
    /// Registration status.
    pub registration_status: RegistrationStatus,
    /// True for made-up demo records.
    #[oai(default)]
    #[serde(default)]
    pub synthetic: bool,
}

impl PartyDoc {
    /// Cleans every field into the domain value.
    pub fn parse(self, v: &mut Violations) -> Party {
        let names = text::lang_map(v, "/names", &self.names, MAX_LINE);
        let abbreviations = text::lang_map_opt(v, "/abbreviations", Some(&self.abbreviations), 32);
        Party { names, abbreviations, registration_status: self.registration_status.into(), synthetic: self.synthetic }
    }
}

/// What a `PUT` of a document stored.
#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct VersionInfo {
    /// `council`, `party`, `roster` or `session_record`.
    pub kind: String,
    /// The document's id.
    pub id: String,
    /// The council it belongs to.
    #[oai(skip_serializing_if_is_none)]
    pub council: Option<String>,
    /// Version number, from 1.
    pub version: i32,
    /// SHA-256 (hex) of the version's canonical JSON.
    pub sha256: String,
    /// When the server received it (the witnessed time).
    pub received_at: DateTime<Utc>,
    /// Who published it (the token's subject).
    pub publisher: String,
    /// The stated reason, for corrections.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<String>,
    /// `council`, `public_sources` or `synthetic`.
    pub provenance: String,
    /// Its number in the change feed.
    pub seq: i64,
    /// The strong ETag to send as If-Match for the next update.
    pub etag: String,
    /// Its entry in the transparency log.
    #[oai(skip_serializing_if_is_none)]
    pub log_index: Option<i64>,
    /// The entry's leaf hash (base64), to check against an inclusion proof.
    #[oai(skip_serializing_if_is_none)]
    pub leaf_hash: Option<String>,
    /// Where to get the inclusion proof of this entry in the current tree.
    #[oai(skip_serializing_if_is_none)]
    pub log_entry_url: Option<String>,
}

impl From<&VersionMeta> for VersionInfo {
    fn from(m: &VersionMeta) -> Self {
        Self {
            kind: m.kind.clone(),
            id: m.doc_id.clone(),
            council: m.council_id.clone(),
            version: m.version,
            sha256: m.sha256.clone(),
            received_at: m.received_at,
            publisher: m.publisher.clone(),
            reason: m.reason.clone(),
            provenance: m.provenance.clone(),
            seq: m.seq,
            etag: m.etag(),
            log_index: m.log_index,
            leaf_hash: m.leaf_hash.as_deref().and_then(crate::domain::log::canonical::from_hex).map(|b| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(b)
            }),
            log_entry_url: m.log_index.map(|i| format!("{PREFIX}/log/entries?start={i}&end={}", i + 1)),
        }
    }
}

/// The answer to a document `PUT`.
#[derive(ApiResponse)]
pub enum PutResponse {
    /// The first version was stored.
    #[oai(status = 201)]
    Created(Json<VersionInfo>, #[oai(header = "ETag")] String),
    /// A new version was stored, or the body equals the current version and nothing changed.
    #[oai(status = 200)]
    Stored(Json<VersionInfo>, #[oai(header = "ETag")] String),
}

impl From<Published> for PutResponse {
    fn from(p: Published) -> Self {
        let info = VersionInfo::from(p.meta());
        let etag = info.etag.clone();
        match p {
            Published::Created(m) if m.version == 1 => PutResponse::Created(Json(info), etag),
            _ => PutResponse::Stored(Json(info), etag),
        }
    }
}

/// A council as served.
#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct CouncilView {
    /// Stable id.
    pub id: String,
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Tier.
    pub level: Level,
    /// Parent council id.
    #[oai(skip_serializing_if_is_none)]
    pub parent: Option<String>,
    /// KATO code.
    #[oai(skip_serializing_if_is_none)]
    pub kato: Option<String>,
    /// Seats by law.
    pub seats: i32,
    /// Official page.
    #[oai(skip_serializing_if_is_none)]
    pub website: Option<String>,
    /// Convocations, oldest first.
    pub convocations: Vec<ConvocationDto>,
    /// True for made-up demo records.
    pub synthetic: bool,
    /// Current version of the council document.
    pub version: i32,
    /// First published.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// This council's canonical URL.
    pub url: String,
}

/// A page of councils.
#[derive(Object)]
pub struct CouncilList {
    /// The councils, by id.
    pub items: Vec<CouncilView>,
    /// Paging links.
    pub links: Links,
}

/// A party as served.
#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct PartyView {
    /// Stable id.
    pub id: String,
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Abbreviations per language tag.
    pub abbreviations: BTreeMap<String, String>,
    /// Registration status.
    pub registration_status: RegistrationStatus,
    /// True for made-up demo records.
    pub synthetic: bool,
    /// Current version.
    pub version: i32,
    /// This party's canonical URL.
    pub url: String,
}

/// A page of parties.
#[derive(Object)]
pub struct PartyList {
    /// The parties, by id.
    pub items: Vec<PartyView>,
    /// Paging links.
    pub links: Links,
}

fn council_view(
    base: &str,
    row: crate::entity::council::Model,
    convs: Vec<crate::entity::convocation::Model>,
) -> CouncilView {
    CouncilView {
        url: format!("{base}{PREFIX}/councils/{}", row.id),
        names: serde_json::from_str(&row.names).unwrap_or_default(),
        level: stored(&row.level, d::Level::parse, d::Level::District),
        parent: row.parent_id,
        kato: row.kato,
        seats: row.seats,
        website: row.website,
        convocations: convs
            .into_iter()
            .map(|c| ConvocationDto { number: c.number, start_date: c.start_date, end_date: c.end_date })
            .collect(),
        synthetic: row.synthetic,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
        id: row.id,
    }
}

fn party_view(base: &str, row: crate::entity::party::Model) -> PartyView {
    PartyView {
        url: format!("{base}{PREFIX}/parties/{}", row.id),
        names: serde_json::from_str(&row.names).unwrap_or_default(),
        abbreviations: serde_json::from_str(&row.abbreviations).unwrap_or_default(),
        registration_status: stored(
            &row.registration_status,
            d::RegistrationStatus::parse,
            d::RegistrationStatus::Registered,
        ),
        synthetic: row.synthetic,
        version: row.version,
        id: row.id,
    }
}

/// A document read whose `ETag` is its current version's, so it can be sent back as `If-Match`.
#[derive(ApiResponse)]
pub enum WithEtag<T: poem_openapi::types::ToJSON + Send + Sync> {
    /// The current state; `ETag` is the version's tag.
    #[oai(status = 200)]
    Ok(Json<T>, #[oai(header = "ETag")] String),
}

/// The ETag of the current version of a document.
pub async fn version_etag(state: &AppState, kind: DocKind, id: &str) -> Result<String, ApiError> {
    let (m, _) = store::councils::latest_version(&state.service.db, kind, id).await?.ok_or_else(|| ApiError::not_found(id))?;
    Ok(m.etag())
}

/// Refuses an id in a path that could never exist.
pub fn path_id(id: &str) -> Result<(), ApiError> {
    if text::is_valid_id(id) {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("'{}'", id.chars().take(80).collect::<String>())))
    }
}

/// The `PublishMeta` of a write by `auth`.
pub fn meta(auth: &BearerAuth, if_match: Option<String>, reason: Option<String>) -> PublishMeta {
    // An empty If-Match names no entity tag at all: treat it as absent.
    let if_match = if_match.filter(|t| !t.trim().is_empty());
    PublishMeta { publisher: auth.0.sub.clone(), if_match, reason, provenance: "council", received_at: None }
}

/// Council operations.
pub struct CouncilApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Councils")]
impl CouncilApi {
    /// Create or replace a council (admins).
    #[oai(path = "/councils/:id", method = "put", operation_id = "put_council")]
    async fn put_council(
        &self,
        auth: BearerAuth,
        /// The council's stable id (`a-z`, `0-9`, `.`, `_`, `-`).
        id: Path<String>,
        /// The current ETag; required once the council exists.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: StrictJson<CouncilDoc>,
    ) -> Result<PutResponse, ApiError> {
        auth.require_admin()?;
        let mut v = Violations::new();
        text::check_id(&mut v, "", &id);
        let doc = body.0.parse(&mut v);
        let published =
            store::councils::put_council(&self.state.service.db, &id, &doc, v, &meta(&auth, if_match.0, None)).await?;
        Ok(published.into())
    }

    /// List councils, filtered by level, parent or a name (Kazakh and Russian spellings match).
    #[oai(path = "/councils", method = "get", operation_id = "list_councils")]
    async fn list_councils(
        &self,
        /// Only councils of this level.
        level: Query<Option<Level>>,
        /// Only councils under this parent council.
        parent: Query<Option<String>>,
        /// Text to find in any of the names; case and Kazakh/Russian letter variants are folded.
        q: Query<Option<String>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Json<CouncilList>, ApiError> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let level_s = level.0.map(|l| d::Level::from(l).as_str().to_owned());
        let f = store::councils::CouncilFilter {
            level: level_s.clone(),
            parent: parent.0.clone(),
            q: q.0.as_deref().map(text::fold).filter(|s| !s.is_empty()),
        };
        let page = store::councils::list_councils(&self.state.service.db, &f, cursor.0.as_deref().filter(|c| !c.is_empty()), n)
            .await?;
        let base = &self.state.service.settings.public_url;
        Ok(Json(CouncilList {
            items: page.items.into_iter().map(|(r, c)| council_view(base, r, c)).collect(),
            links: next_link(
                &format!("{PREFIX}/councils"),
                &[("level", level_s), ("parent", parent.0), ("q", q.0), ("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// One council with its convocations.
    #[oai(path = "/councils/:id", method = "get", operation_id = "get_council")]
    async fn get_council(
        &self,
        /// The council's id.
        id: Path<String>,
    ) -> Result<WithEtag<CouncilView>, ApiError> {
        path_id(&id)?;
        let (row, convs) = store::councils::get_council(&self.state.service.db, &id).await?;
        let etag = version_etag(&self.state, DocKind::Council, &id).await?;
        Ok(WithEtag::Ok(Json(council_view(&self.state.service.settings.public_url, row, convs)), etag))
    }
}

/// Party operations.
pub struct PartyApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Parties")]
impl PartyApi {
    /// Create or replace a party (admins).
    #[oai(path = "/parties/:id", method = "put", operation_id = "put_party")]
    async fn put_party(
        &self,
        auth: BearerAuth,
        /// The party's stable id.
        id: Path<String>,
        /// The current ETag; required once the party exists.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: StrictJson<PartyDoc>,
    ) -> Result<PutResponse, ApiError> {
        auth.require_admin()?;
        let mut v = Violations::new();
        text::check_id(&mut v, "", &id);
        let doc = body.0.parse(&mut v);
        let published =
            store::councils::put_party(&self.state.service.db, &id, &doc, v, &meta(&auth, if_match.0, None)).await?;
        Ok(published.into())
    }

    /// List parties, optionally matching a name or abbreviation.
    #[oai(path = "/parties", method = "get", operation_id = "list_parties")]
    async fn list_parties(
        &self,
        /// Text to find in names and abbreviations (folded).
        q: Query<Option<String>>,
        /// Page size (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
        /// The `cursor` from `links.next`.
        cursor: Query<Option<String>>,
    ) -> Result<Json<PartyList>, ApiError> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let folded = q.0.as_deref().map(text::fold).filter(|s| !s.is_empty());
        let page = store::councils::list_parties(
            &self.state.service.db,
            folded.as_deref(),
            cursor.0.as_deref().filter(|c| !c.is_empty()),
            n,
        )
        .await?;
        let base = &self.state.service.settings.public_url;
        Ok(Json(PartyList {
            items: page.items.into_iter().map(|r| party_view(base, r)).collect(),
            links: next_link(
                &format!("{PREFIX}/parties"),
                &[("q", q.0), ("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// One party.
    #[oai(path = "/parties/:id", method = "get", operation_id = "get_party")]
    async fn get_party(
        &self,
        /// The party's id.
        id: Path<String>,
    ) -> Result<WithEtag<PartyView>, ApiError> {
        path_id(&id)?;
        let row = store::councils::get_party(&self.state.service.db, &id).await?;
        let etag = version_etag(&self.state, DocKind::Party, &id).await?;
        Ok(WithEtag::Ok(Json(party_view(&self.state.service.settings.public_url, row)), etag))
    }
}
