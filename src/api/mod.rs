//! HTTP only: the API structs (one per resource), their DTOs, problem+json errors, auth, paging
//! and the middleware that gives every GET an `ETag`.

pub mod auth;
pub mod client_address;
pub mod compression;
pub mod councils;
pub mod direct_json;
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
pub mod replicas;
pub mod response_cache;
pub mod responses;
pub mod rosters;
pub mod search;
pub mod sessions;
pub mod spec;
pub mod tlog;
pub mod webhooks;

use std::sync::Arc;

use poem_openapi::{OpenApiService, Tags};

use crate::auth::TokenPolicy;
use crate::config::Settings;
use crate::service::Service;

/// What every handler needs: the use cases, and the HTTP machinery around them.
pub struct AppState {
    /// The use cases (and the database, settings and keys they run with), shared with the pages.
    pub service: Arc<Service>,
    /// Accepted issuer and audience of tokens.
    pub policy: TokenPolicy,
    /// Rate limiters.
    pub limits: limits::Limits,
    /// Whole responses to anonymous reads, invalidated by any write.
    pub responses: Arc<response_cache::ResponseCache>,
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
    /// Webhooks: signed deliveries of each change to a registered URL, with retries and a log.
    Webhooks,
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
    webhooks::WebhookApi,
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
            search::SearchApi { state: state.clone() },
            webhooks::WebhookApi { state },
        ),
        "maslikhat",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Publish and audit the records of Kazakhstan's local councils (maslikhats). Reads are public; writes need a \
         bearer token (EdDSA JWT). Errors are RFC 9457 problem+json. Lists page with `cursor` (given in `links.cursor`, and as a URL in `links.next` and the `Link` header). Every GET sends a \
         strong ETag and answers If-None-Match with 304; document PUTs need If-Match once the document exists.",
    )
    .license(
        poem_openapi::LicenseObject::new("AGPL-3.0-or-later").url("https://www.gnu.org/licenses/agpl-3.0.html"),
    )
}

/// The OpenAPI document as pretty JSON (what `openapi/openapi.json` holds).
pub fn spec_json() -> String {
    // The spec does not depend on the state's contents, only on the types; build a throwaway
    // service over a lazily connected pool that is never used.
    let state = Arc::new(AppState {
        service: Arc::new(Service::unconnected()),
        policy: TokenPolicy { issuer: String::new(), audience: String::new() },
        limits: limits::Limits::new(&Settings::default()),
        responses: Arc::new(response_cache::ResponseCache::new(&Settings::default())),
    });
    let spec = service(state).spec();
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&spec) else { return spec };
    spec::publish(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap_or(spec)
}
