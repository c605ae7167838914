//! Builds the application: connect, migrate, load keys, assemble routes; and runs it with
//! graceful shutdown. Tests start it on port 0 with their own shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use poem::middleware::{Compression, Cors, Tracing};
use poem::{EndpointExt, IntoEndpoint, Route};

use crate::api::{self, AppState};
use crate::auth::{KeyRing, TokenPolicy};
use crate::config::Settings;
use crate::store;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// Keys could not be loaded.
    #[error(transparent)]
    Keys(#[from] crate::auth::KeyError),
    /// The log's identity or witness settings are unusable.
    #[error("transparency log: {0}")]
    Log(#[from] crate::witness::CheckpointError),
    /// The configured origin is not the one stored with the log.
    #[error(
        "the log's origin is {stored} (fixed when the log was created); the setting log_origin = {configured} \
         would make every checkpoint unverifiable: remove the setting or set it to the stored origin"
    )]
    Origin {
        /// The stored origin.
        stored: String,
        /// The configured one.
        configured: String,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// Connects to the configured database and applies pending migrations.
pub async fn open_database(settings: &Settings) -> Result<sea_orm::DatabaseConnection, StartupError> {
    let acquire = std::time::Duration::from_secs(settings.db_acquire_timeout_seconds.max(1));
    let db = store::connect_with(&settings.database_url(), settings.db_max_connections, acquire).await?;
    store::migrate(&db).await?;
    Ok(db)
}

/// The log's identity and witnesses: the origin stored with the log (a new log stores the
/// configured one), after giving a log that predates tiles its tile hashes.
pub async fn open_log(db: &store::Db, settings: &Settings) -> Result<crate::witness::Checkpoints, StartupError> {
    let written = store::tiles::catch_up(db).await.map_err(crate::witness::CheckpointError::from)?;
    if written > 0 {
        tracing::info!(rows = written, "stored the tile hashes of the existing log");
    }
    let origin =
        store::witnessing::origin(db, &settings.log_origin()).await.map_err(crate::witness::CheckpointError::from)?;
    if let Some(configured) = settings.log_origin.as_ref().filter(|c| **c != origin) {
        return Err(StartupError::Origin { stored: origin, configured: configured.clone() });
    }
    if origin != settings.log_origin() {
        tracing::info!(%origin, public_url = %settings.public_url, "the log keeps the origin it was created with");
    }
    Ok(crate::witness::Checkpoints::new(origin, settings)?)
}

/// The shared state for `settings`, generating a first signing key when none exists.
pub async fn build_state(settings: Settings) -> Result<Arc<AppState>, StartupError> {
    let db = open_database(&settings).await?;
    // A development server makes its own first key so a fresh clone just works; a production
    // server must be given its keys, or it would sign with a key nobody has pinned.
    let keys = if settings.production {
        let ring = KeyRing::load(&settings.keys_dir)?;
        if ring.active().is_none() {
            return Err(crate::auth::KeyError::NoKey(settings.keys_dir.clone()).into());
        }
        ring
    } else {
        KeyRing::load_or_generate(&settings.keys_dir)?
    };
    let policy = TokenPolicy { issuer: settings.token_issuer.clone(), audience: settings.token_audience.clone() };
    let limits = api::limits::Limits::new(&settings);
    let responses = Arc::new(api::response_cache::ResponseCache::new(&settings));
    let checkpoints = Arc::new(open_log(&db, &settings).await?);
    let mut pools = vec![];
    for url in &settings.replica_urls {
        use secrecy::ExposeSecret;
        pools.push(store::connect_replica(url.expose_secret(), settings.db_max_connections).await?);
    }
    let retry = std::time::Duration::from_secs(settings.replica_retry_seconds.max(1));
    let replicas = crate::service::replicas::Replicas::new(pools, retry);
    let service = Arc::new(crate::service::Service::new(db, settings, keys, checkpoints).with_replicas(replicas));
    Ok(Arc::new(AppState { service, policy, limits, responses }))
}

/// Every route: the API under `/v1`, `/openapi.json`, the docs at `/docs`, and the health checks.
pub fn routes(state: Arc<AppState>) -> impl poem::Endpoint<Output = poem::Response> {
    let service = api::service(state.clone()).server("/");
    let docs = service.swagger_ui();
    // The served document is the committed one: one source, with OpenAPI's `date` format.
    let spec_text = api::spec_json();
    let allow = Arc::new(api::middleware::AllowTable::from_spec(&spec_text));
    let spec = poem::endpoint::make_sync(move |_| {
        poem::Response::builder().content_type("application/json; charset=utf-8").body(spec_text.clone())
    });
    let guarded = state.clone();
    let responses = state.responses.clone();
    let metrics = api::observability::Metrics::new(state.clone());
    let woken = state.clone();
    let routed = state.clone();
    // Without a configured public URL, links follow the origin a trusted proxy says it was asked for.
    let forwarded = Arc::new(
        (!state.service.settings.public_url_configured)
            .then(|| api::client_address::TrustedProxies::parse(&state.service.settings.trusted_proxies).ok())
            .flatten()
            .unwrap_or_default(),
    );
    crate::web::mount(Route::new())
        .nest("/", service)
        .at("/openapi.json", spec)
        .at("/metrics", api::observability::endpoint(metrics.clone()))
        .at(api::problem_types::PREFIX, poem::get(api::problem_types::index))
        .at(format!("{}/:slug", api::problem_types::PREFIX), poem::get(api::problem_types::one))
        .nest("/docs", docs)
        .nest(api::oparl::PREFIX, api::oparl::routes(state.clone()))
        .nest(api::tlog::PREFIX, api::tlog::routes(state.clone()))
        .around(crate::web::root)
        .data(state.service.clone())
        .data(state)
        .around(api::middleware::conditional_get)
        .around(api::middleware::location_on_create)
        .around(move |ep, req| api::replicas::route(routed.clone(), ep, req))
        .catch_all_error(api::problem::catch_all)
        // Boxed here: the fully nested middleware type is too deep for the compiler's layout
        // computation in release builds (one dynamic call per request).
        .boxed()
        .around(move |ep, req| api::middleware::allow_on_405(allow.clone(), ep, req))
        .around(move |ep, req| api::response_cache::serve(responses.clone(), ep, req))
        .around(move |ep, req| api::client_address::follow_forwarded(forwarded.clone(), ep, req))
        .around(api::middleware::not_acceptable)
        .around(move |ep, req| api::tlog::wake_on_write(woken.clone(), ep, req))
        .around(move |ep, req| api::limits::guard(guarded.clone(), ep, req))
        .around(move |ep, req| api::observability::record(metrics.clone(), ep, req))
        // And again: with CORS the outer layers overflowed the same limit (release builds).
        .boxed()
        .with(cors())
        // Request bodies only: `compress` (outside) takes Accept-Encoding off the request.
        .with(Compression::new())
        .around(api::compression::compress)
        .with(Tracing)
        .around(api::observability::request_id)
        .into_endpoint()
        .map_to_response()
}

/// Cross-origin reads and writes from browser apps: only the methods the API has, the request
/// headers it reads, and every response header a client needs (conditional requests, paging,
/// rate limits, caching, request ids) exposed to the app's script.
fn cors() -> Cors {
    use poem::http::Method;
    Cors::new()
        .allow_methods([Method::GET, Method::HEAD, Method::PUT, Method::OPTIONS])
        .allow_headers([
            "authorization",
            "content-type",
            "if-match",
            "if-none-match",
            "last-event-id",
            api::replicas::MIN_CHANGE,
        ])
        .expose_headers(CORS_EXPOSED)
        .max_age(600)
}

/// The response headers a cross-origin script may read.
pub const CORS_EXPOSED: [&str; 13] = [
    "etag",
    "location",
    "link",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "retry-after",
    "cache-status",
    "x-request-id",
    "content-disposition",
    "server-timing",
    api::replicas::CHANGE,
    api::replicas::READ_FROM,
];

/// A bound, ready-to-run server.
pub struct Application {
    listener: tokio::net::TcpListener,
    port: u16,
    state: Arc<AppState>,
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port) and builds the state.
    pub async fn build(mut settings: Settings) -> Result<Self, StartupError> {
        let addr = settings.bind;
        let listener =
            tokio::net::TcpListener::bind(addr).await.map_err(|source| StartupError::Bind { addr, source })?;
        let bound = listener.local_addr().unwrap_or(addr);
        // Links follow the address actually served unless a public URL is configured.
        settings.public_url_configured = !settings.public_url.is_empty();
        settings.public_url = settings.public_url_or(bound);
        let state = build_state(settings).await?;
        Ok(Self { listener, port: bound.port(), state })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The state (tests use its database and keys).
    pub fn state(&self) -> Arc<AppState> {
        self.state.clone()
    }

    /// Serves until `shutdown` completes, then finishes requests in flight.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        // Writes by other nodes or processes reach the response cache, and wake the change
        // streams and webhook deliveries as this process's own publications do, within
        // `change_poll_ms`: one read of the log head per node, however many streams are open.
        let every = std::time::Duration::from_millis(self.state.service.settings.change_poll_ms.max(10));
        let (responses, service) = (self.state.responses.clone(), self.state.service.clone());
        let watcher = tokio::spawn(crate::store::watch_changes(self.state.service.db.clone(), every, move || {
            responses.invalidate();
            service.published.send_modify(|n| *n += 1);
        }));
        let limits = crate::server::ConnectionLimits::from_settings(&self.state.service.settings);
        // New checkpoints are sent to the witnesses in the background.
        let cosigner = tokio::spawn(crate::witness::client::run(self.state.clone()));
        // Webhook deliveries, with their retries, in the background.
        let deliverer = tokio::spawn(crate::service::webhooks::run(self.state.service.clone()));
        let app = routes(self.state);
        let grace = std::time::Duration::from_secs(30);
        let served = crate::server::serve(self.listener, app, limits, shutdown, grace).await;
        watcher.abort();
        cosigner.abort();
        deliverer.abort();
        served
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
