//! Operations: Prometheus metrics at `/metrics` and a request id on every request.
//!
//! Two middlewares:
//!
//! - [`request_id`] (outermost) takes a well-formed `X-Request-Id` from the client (or nginx) or
//!   makes one, runs the request inside a `request` span carrying it (so every JSON log line of
//!   the request names it), and returns it in the `X-Request-Id` response header.
//! - [`record`] (inside compression) counts every response by operation and status, times it,
//!   counts publications by outcome, and writes the request id into every problem+json body.
//!
//! Gauges that describe the database (log size, pool use) are refreshed when `/metrics` is read.

use std::sync::Arc;
use std::time::Instant;

use poem::endpoint::BoxEndpoint;
use poem::endpoint::PrometheusExporter;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Request, Response, Result};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};
use tracing::Instrument;

use super::AppState;
use super::problem::PROBLEM_JSON;

/// The header that carries the request id both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of one request, as sent back in `X-Request-Id` and in problem+json bodies.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The metrics of one server, in their own registry.
pub struct Metrics {
    registry: Registry,
    state: Arc<AppState>,
    requests: IntCounterVec,
    latency: HistogramVec,
    publications: IntCounterVec,
    log_size: IntGauge,
    pool_size: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
}

fn gauge(registry: &Registry, name: &str, help: &str) -> prometheus::Result<IntGauge> {
    let g = IntGauge::new(name, help)?;
    registry.register(Box::new(g.clone()))?;
    Ok(g)
}

impl Metrics {
    /// Creates and registers every metric; `None` (logged) if the registry refuses one, in which
    /// case the server runs without metrics rather than not at all.
    pub fn new(state: Arc<AppState>) -> Option<Arc<Self>> {
        Self::try_new(state).map_err(|e| tracing::error!(error = %e, "metrics are disabled")).ok()
    }

    fn try_new(state: Arc<AppState>) -> prometheus::Result<Arc<Self>> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("maslikhat_http_requests_total", "HTTP requests answered, by operation, method and status"),
            &["operation", "method", "status"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        let latency = HistogramVec::new(
            HistogramOpts::new("maslikhat_http_request_duration_seconds", "Time to answer a request, by operation")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["operation"],
        )?;
        registry.register(Box::new(latency.clone()))?;
        let publications = IntCounterVec::new(
            Opts::new(
                "maslikhat_publications_total",
                "Document PUTs by kind and outcome: accepted (2xx: stored, or identical to the current version), refused (4xx), failed (5xx)",
            ),
            &["kind", "outcome"],
        )?;
        registry.register(Box::new(publications.clone()))?;
        let log_size = gauge(&registry, "maslikhat_log_size", "Entries in the transparency log (tree size)")?;
        let pool_size = gauge(&registry, "maslikhat_db_pool_connections", "Open database connections")?;
        let pool_idle = gauge(&registry, "maslikhat_db_pool_idle", "Idle database connections")?;
        let pool_max = gauge(&registry, "maslikhat_db_pool_max", "Largest database pool (db_max_connections)")?;
        pool_max.set(i64::from(state.service.settings.db_max_connections));
        Ok(Arc::new(Self {
            registry,
            state,
            requests,
            latency,
            publications,
            log_size,
            pool_size,
            pool_idle,
            pool_max,
        }))
    }

    async fn refresh(&self) {
        if let Some(size) = self.state.service.log_size().await {
            self.log_size.set(i64::try_from(size).unwrap_or(i64::MAX));
        }
        let (size, idle) = self.state.service.pool();
        self.pool_size.set(i64::from(size));
        self.pool_idle.set(i64::try_from(idle).unwrap_or(i64::MAX));
        self.pool_max.set(i64::from(self.state.service.settings.db_max_connections));
    }

    fn observe(&self, operation: &str, method: &str, status: StatusCode, seconds: f64) {
        self.requests.with_label_values(&[operation, method, status.as_str()]).inc();
        self.latency.with_label_values(&[operation]).observe(seconds);
        if let Some(kind) = operation.strip_prefix("put_") {
            let outcome = match status.as_u16() {
                200..=299 => "accepted",
                s if s >= 500 => "failed",
                s if s >= 400 => "refused",
                _ => "other",
            };
            self.publications.with_label_values(&[kind, outcome]).inc();
        }
    }
}

/// The `/metrics` endpoint: refreshes the database gauges, then exports the registry in the
/// Prometheus text format (503 when metrics are disabled).
pub fn endpoint(metrics: Option<Arc<Metrics>>) -> BoxEndpoint<'static, Response> {
    match metrics {
        Some(m) => PrometheusExporter::new(m.registry.clone())
            .into_endpoint()
            .before(move |req| {
                let m = m.clone();
                async move {
                    m.refresh().await;
                    Ok(req)
                }
            })
            .boxed(),
        None => poem::endpoint::make_sync(|_| StatusCode::SERVICE_UNAVAILABLE).map_to_response().boxed(),
    }
}

/// The operation label of a response: the OpenAPI operation id, else the few fixed routes, else
/// `unmatched` (so unknown paths cannot blow up the label set).
fn operation(resp: &Response, path: &str) -> &'static str {
    if let Some(op) = resp.data::<poem_openapi::OperationId>() {
        return op.0;
    }
    match path {
        "/metrics" => "metrics",
        "/openapi.json" => "openapi",
        p if p == "/docs" || p.starts_with("/docs/") => "docs",
        _ => "unmatched",
    }
}

/// Records the request in `metrics` and adds the request id to problem+json bodies. Placed
/// after `catch_all_error`, so every error is already a response here.
pub async fn record<E: Endpoint>(metrics: Option<Arc<Metrics>>, next: E, req: Request) -> Result<Response> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let id = req.data::<RequestId>().cloned();
    let mut resp = next.call(req).await?.into_response();
    let op = operation(&resp, &path);
    let seconds = started.elapsed().as_secs_f64();
    if let Some(m) = metrics {
        m.observe(op, &method, resp.status(), seconds);
    }
    // The server's own time (W3C Server Timing), so clients and benchmarks can tell it from
    // the network's. Streamed bodies are timed to their first byte.
    if let Ok(v) = header::HeaderValue::from_str(&format!("app;dur={:.3}", seconds * 1000.0)) {
        resp.headers_mut().insert("server-timing", v);
    }
    match id {
        Some(id) if is_problem(&resp) => with_request_id(resp, &id.0).await,
        _ => Ok(resp),
    }
}

fn is_problem(resp: &Response) -> bool {
    resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with(PROBLEM_JSON))
}

async fn with_request_id(resp: Response, id: &str) -> Result<Response> {
    let (parts, body) = resp.into_parts();
    let bytes = body.into_bytes().await?;
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.insert("request_id".into(), serde_json::Value::String(id.to_owned()));
            serde_json::to_vec(&map).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    let mut resp = Response::from_parts(parts, body.into());
    resp.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(resp)
}

/// A client-supplied id is kept when it is short and plain; anything else is replaced.
fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Gives the request an id (the caller's `X-Request-Id` if well-formed, else a new UUID), runs
/// it inside a span carrying that id, and returns the id in the `X-Request-Id` header.
pub async fn request_id<E: Endpoint>(next: E, mut req: Request) -> Result<Response> {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.set_data(RequestId(id.clone()));
    let span = tracing::info_span!("http", request_id = %id);
    let mut resp = next.call(req).instrument(span).await?.into_response();
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    Ok(resp)
}
