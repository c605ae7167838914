//! Councils and parties: admin writes, public reads.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::auth::BearerAuth;
use super::direct_json::PrebuiltJson;
use super::paging::{Links, limit, next_link};
use super::payload::StrictJson;
use super::problem::Problem;
use super::responses::{AdminWrite, ById, ByQuery, Read, ReadPrebuilt, Refused, WithEtag};
use super::{ApiTags, AppState, PREFIX};
use crate::documents::council::{ConvocationDto, CouncilDoc};
use crate::documents::enums::{Level, RegistrationStatus};
use crate::documents::party::PartyDoc;
use crate::domain::text;
use crate::domain::{Violations, enums as d};
use crate::service::VersionMeta;
use crate::service::councils::{self, CouncilFilter, CouncilRead, PartyRead, ServedCouncil};
use crate::service::publish;
use crate::service::publish::{PublishMeta, Published};

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
            kind: m.kind.as_str().to_owned(),
            id: m.doc_id.clone(),
            council: m.council_id.clone(),
            version: m.version,
            sha256: m.sha256.clone(),
            received_at: m.received_at,
            publisher: m.publisher.clone(),
            reason: m.reason.clone(),
            provenance: m.provenance.as_str().to_owned(),
            seq: m.seq,
            etag: m.etag(),
            log_index: m.log_index,
            leaf_hash: m.leaf_hash.as_deref().and_then(super::log::hex_to_b64),
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

// The council list writes each from the JSON its row keeps (`council_list_body`), not by serde.
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

/// The council list's JSON, `{"items": [...], "links": {...}}`, written from each council's
/// stored JSON with its URL added as the last key: what [`CouncilList`] would serialize to,
/// without reading the councils' columns and convocations (issue 25: the list was 2,900 req/s,
/// most of it in decoding rows and writing them out again). A test holds every item equal to
/// the council as `get_council` serves it.
fn council_list_body(base: &str, items: &[ServedCouncil], links: &Links) -> Result<Vec<u8>, Problem> {
    let mut body = Vec::with_capacity(items.iter().map(|c| c.served.len() + base.len() + 40).sum::<usize>() + 256);
    body.extend_from_slice(b"{\"items\":[");
    for (i, c) in items.iter().enumerate() {
        // Written by the projection as a JSON object; anything else is a row this server did not
        // write (or a fill that did not run), and is not served as if it were a council.
        let Some(open) = c.served.strip_suffix('}').filter(|s| s.starts_with('{') && s.len() > 1) else {
            return Err(Problem::internal(&format!("council {} has no served JSON in its row", c.id)));
        };
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(open.as_bytes());
        body.extend_from_slice(b",\"url\":");
        write_json(&mut body, &format!("{base}{PREFIX}/councils/{}", c.id))?;
        body.push(b'}');
    }
    body.extend_from_slice(b"],\"links\":");
    write_json(&mut body, links)?;
    body.push(b'}');
    Ok(body)
}

/// Appends `v`'s JSON (strings and [`Links`], which always serialize).
fn write_json<T: serde::Serialize + ?Sized>(body: &mut Vec<u8>, v: &T) -> Result<(), Problem> {
    serde_json::to_writer(body, v).map_err(|e| Problem::internal(&format!("a council list did not serialize: {e}")))
}

fn council_view(base: &str, r: CouncilRead) -> CouncilView {
    let c = r.council;
    CouncilView {
        url: format!("{base}{PREFIX}/councils/{}", r.id),
        names: c.names,
        level: c.level.into(),
        parent: c.parent,
        kato: c.kato,
        seats: i32::try_from(c.seats).unwrap_or(i32::MAX),
        website: c.website,
        convocations: c
            .convocations
            .into_iter()
            .map(|c| ConvocationDto { number: c.number, start_date: c.start_date, end_date: c.end_date })
            .collect(),
        synthetic: c.synthetic,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
        id: r.id,
    }
}

fn party_view(base: &str, r: PartyRead) -> PartyView {
    let p = r.party;
    PartyView {
        url: format!("{base}{PREFIX}/parties/{}", r.id),
        names: p.names,
        abbreviations: p.abbreviations,
        registration_status: p.registration_status.into(),
        synthetic: p.synthetic,
        version: r.version,
        id: r.id,
    }
}

/// Refuses an id in a path that could never exist.
pub fn path_id(id: &str) -> Result<(), Problem> {
    if text::is_valid_id(id) {
        Ok(())
    } else {
        Err(Problem::not_found(format!("'{}'", id.chars().take(80).collect::<String>())))
    }
}

/// The `PublishMeta` of a write by `auth`.
pub fn meta(auth: &BearerAuth, if_match: Option<String>, reason: Option<String>) -> PublishMeta {
    // An empty If-Match names no entity tag at all: treat it as absent. The ETag of a gzip (or
    // other encoded) read names the same version as the identity one.
    let if_match = if_match.filter(|t| !t.trim().is_empty()).map(|t| super::compression::identity_tags(&t));
    PublishMeta {
        publisher: auth.0.sub.clone(),
        if_match,
        reason,
        provenance: crate::domain::enums::Provenance::Council,
        received_at: None,
    }
}

/// Council operations.
pub struct CouncilApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Councils")]
impl CouncilApi {
    /// Create or replace a council (admins).
    #[oai(path = "/councils/:council", method = "put", operation_id = "put_council")]
    async fn put_council(
        &self,
        auth: BearerAuth,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
        /// The current ETag; required once the council exists.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: StrictJson<CouncilDoc>,
    ) -> Result<PutResponse, Refused<AdminWrite>> {
        auth.require_admin()?;
        let mut v = Violations::new();
        text::check_id(&mut v, "", &id);
        let doc = body.0.parse(&mut v);
        let published = publish::council(&self.state.service, &id, &doc, v, &meta(&auth, if_match.0, None)).await?;
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
    ) -> Result<ReadPrebuilt<CouncilList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let level_s = level.0.map(|l| d::Level::from(l).as_str().to_owned());
        let f = CouncilFilter {
            level: level.0.map(Into::into),
            parent: parent.0.clone(),
            q: q.0.as_deref().map(text::fold).filter(|s| !s.is_empty()),
        };
        let cursor = cursor.0.as_deref().filter(|c| !c.is_empty());
        let page = councils::list_served(&self.state.service, &f, cursor, n).await?;
        let links = next_link(
            &format!("{PREFIX}/councils"),
            &[("level", level_s), ("parent", parent.0), ("q", q.0), ("limit", limit.0.map(|l| l.to_string()))],
            page.next,
        );
        let body = council_list_body(&self.state.service.settings.link_base(), &page.items, &links)?;
        Ok(ReadPrebuilt::Ok(PrebuiltJson::new(body, links.next)))
    }

    /// One council with its convocations.
    #[oai(path = "/councils/:council", method = "get", operation_id = "get_council")]
    async fn get_council(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
    ) -> Result<WithEtag<CouncilView>, Refused<ById>> {
        path_id(&id)?;
        let current = councils::current(&self.state.service, &id).await?;
        Ok(WithEtag::Ok(Json(council_view(&self.state.service.settings.link_base(), current.value)), current.etag))
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
    #[oai(path = "/parties/:party", method = "put", operation_id = "put_party")]
    async fn put_party(
        &self,
        auth: BearerAuth,
        /// The party's id.
        #[oai(name = "party")]
        id: Path<String>,
        /// The current ETag; required once the party exists.
        #[oai(name = "If-Match")]
        if_match: Header<Option<String>>,
        body: StrictJson<PartyDoc>,
    ) -> Result<PutResponse, Refused<AdminWrite>> {
        auth.require_admin()?;
        let mut v = Violations::new();
        text::check_id(&mut v, "", &id);
        let doc = body.0.parse(&mut v);
        let published = publish::party(&self.state.service, &id, &doc, v, &meta(&auth, if_match.0, None)).await?;
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
    ) -> Result<Read<PartyList>, Refused<ByQuery>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let folded = q.0.as_deref().map(text::fold).filter(|s| !s.is_empty());
        let cursor = cursor.0.as_deref().filter(|c| !c.is_empty());
        let page = councils::list_parties(&self.state.service, folded.as_deref(), cursor, n).await?;
        let base = &self.state.service.settings.link_base();
        Ok(Read::of(PartyList {
            items: page.items.into_iter().map(|r| party_view(base, r)).collect(),
            links: next_link(
                &format!("{PREFIX}/parties"),
                &[("q", q.0), ("limit", limit.0.map(|l| l.to_string()))],
                page.next,
            ),
        }))
    }

    /// One party.
    #[oai(path = "/parties/:party", method = "get", operation_id = "get_party")]
    async fn get_party(
        &self,
        /// The party's id.
        #[oai(name = "party")]
        id: Path<String>,
    ) -> Result<WithEtag<PartyView>, Refused<ById>> {
        path_id(&id)?;
        let current = councils::current_party(&self.state.service, &id).await?;
        Ok(WithEtag::Ok(Json(party_view(&self.state.service.settings.link_base(), current.value)), current.etag))
    }
}
