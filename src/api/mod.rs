//! HTTP only: the API structs (one per resource), their DTOs, problem+json errors, auth, paging
//! and the middleware that gives every GET an `ETag`.

pub mod auth;
pub mod client_address;
pub mod compression;
pub mod councils;
pub mod exports;
pub mod health;
pub mod hints;
pub mod limits;
pub mod log;
pub mod metrics;
pub mod middleware;
pub mod observability;
pub mod oparl;
pub mod paging;
pub mod payload;
pub mod problem;
pub mod problem_types;
pub mod public_records;
pub mod response_cache;
pub mod rosters;
pub mod search;
pub mod sessions;
pub mod tlog;

use std::sync::Arc;

use poem_openapi::{OpenApiService, Tags};
use sea_orm::DatabaseConnection;

use crate::auth::{KeyRing, TokenPolicy};
use crate::config::Settings;

/// What every handler needs.
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Token verification keys.
    pub keys: KeyRing,
    /// Accepted issuer and audience.
    pub policy: TokenPolicy,
    /// The settings the server runs with.
    pub settings: Settings,
    /// Computed metrics, invalidated by change numbers.
    pub metrics_cache: metrics::Cache,
    /// Rate limiters.
    pub limits: limits::Limits,
    /// Whole responses to anonymous reads, invalidated by any write.
    pub responses: Arc<response_cache::ResponseCache>,
    /// The log's origin and witnesses: what checkpoints are served with.
    pub checkpoints: Arc<crate::witness::Checkpoints>,
}

/// Operation groups in the documentation.
#[derive(Tags)]
pub enum ApiTags {
    /// Councils (maslikhats) and their convocations.
    Councils,
    /// Political parties.
    Parties,
    /// Rosters: deputies, mandates, party memberships, commissions and roles.
    Rosters,
    /// Deputies and their dated history.
    Deputies,
    /// Session records: agendas, documents, witnessed times, versions and corrections.
    Sessions,
    /// Vote events with every ballot.
    Votes,
    /// The feed of every accepted document version.
    Changes,
    /// The tamper-evident log: checkpoints, entries and proofs.
    Log,
    /// Openness and debate metrics (method v1.1), per-session openness, rankings and definitions.
    Metrics,
    /// Liveness and readiness.
    Health,
    /// Whole-council exports: Popolo JSON and CSV tables, streamed.
    Exports,
    /// Real records compiled from public sources, each fact with its sources, and what they cover.
    PublicRecords,
    /// Search across councils, deputies, agenda items, decisions, motions and speeches.
    Search,
}

/// The API version prefix.
pub const PREFIX: &str = "/v1";

/// Every API struct, combined.
pub type Apis = (
    councils::CouncilApi,
    councils::PartyApi,
    rosters::RosterApi,
    sessions::SessionApi,
    sessions::VoteApi,
    log::LogApi,
    metrics::MetricsApi,
    health::HealthApi,
    exports::ExportApi,
    public_records::PublicRecordApi,
    search::SearchApi,
);

/// The OpenAPI service with every operation.
pub fn service(state: Arc<AppState>) -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            councils::CouncilApi { state: state.clone() },
            councils::PartyApi { state: state.clone() },
            rosters::RosterApi { state: state.clone() },
            sessions::SessionApi { state: state.clone() },
            sessions::VoteApi { state: state.clone() },
            log::LogApi { state: state.clone() },
            metrics::MetricsApi { state: state.clone() },
            health::HealthApi { state: state.clone() },
            exports::ExportApi { state: state.clone() },
            public_records::PublicRecordApi { state: state.clone() },
            search::SearchApi { state },
        ),
        "maslikhat",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Publish and audit the records of Kazakhstan's local councils (maslikhats). Reads are public; writes need a \
         bearer token (EdDSA JWT). Errors are RFC 9457 problem+json. Lists page with `links.next`. Every GET sends a \
         strong ETag and answers If-None-Match with 304; document PUTs need If-Match once the document exists.",
    )
    .license(poem_openapi::LicenseObject::new("AGPL-3.0-or-later"))
}

/// The OpenAPI document as pretty JSON (what `openapi/openapi.json` holds).
pub fn spec_json() -> String {
    // The spec does not depend on the state's contents, only on the types; build a throwaway
    // service over a lazily connected pool that is never used.
    let state = Arc::new(AppState {
        db: DatabaseConnection::default(),
        keys: KeyRing::empty(),
        policy: TokenPolicy { issuer: String::new(), audience: String::new() },
        limits: limits::Limits::new(&Settings::default()),
        responses: Arc::new(response_cache::ResponseCache::new(&Settings::default())),
        checkpoints: Arc::new(
            crate::witness::Checkpoints::new(Settings::default().log_origin(), &Settings::default())
                .expect("the default settings have no witnesses"),
        ),
        settings: Settings::default(),
        metrics_cache: Default::default(),
    });
    // poem-openapi names the chrono date format `naive-date`; OpenAPI's is `date`, which lets
    // clients and fuzzers know the shape.
    let spec = service(state).spec().replace("\"naive-date\"", "\"date\"");
    close_objects(&spec).unwrap_or(spec)
}

/// Every request body refuses unknown fields (`StrictJson`); say so in the schemas, so clients
/// and fuzzers know (`additionalProperties: false` on each named object schema).
fn close_objects(spec: &str) -> Option<String> {
    let mut doc: serde_json::Value = serde_json::from_str(spec).ok()?;
    for schema in doc.pointer_mut("/components/schemas")?.as_object_mut()?.values_mut() {
        if let Some(obj) = schema.as_object_mut()
            && obj.contains_key("properties")
            && !obj.contains_key("additionalProperties")
        {
            obj.insert("additionalProperties".into(), serde_json::Value::Bool(false));
        }
    }
    serde_json::to_string_pretty(&doc).ok()
}
