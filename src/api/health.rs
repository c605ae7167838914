//! `/health` and `/ready`.

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::responses::{Nothing, Read, Refusal, Refusals, Refused};
use super::{ApiTags, AppState};

/// Health API.
pub struct HealthApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

/// A status line.
#[derive(Object)]
pub struct Status {
    /// `ok`, or what is wrong.
    pub status: String,
}

/// Readiness.
#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// The database answers.
    #[oai(status = 200)]
    Ready(Json<Status>),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
    /// The database does not answer.
    #[oai(status = 503)]
    NotReady(Json<Status>),
}

/// What `/ready` refuses with besides its own 503, which [`ReadyResponse`] documents.
#[derive(Debug)]
pub enum Readiness {}

impl Refusals for Readiness {
    const OWN: &'static [Refusal] = &[];
    // A timed-out readiness check is as not ready as a database that does not answer; its 503
    // is [`ReadyResponse::NotReady`]'s.
    const EVERY: &'static [Refusal] = &[Refusal::TooManyRequests, Refusal::Internal];
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// The process is up.
    #[oai(path = "/health", method = "get", operation_id = "get_health")]
    async fn health(&self) -> Result<Read<Status>, Refused<Nothing>> {
        Ok(Read::of(Status { status: "ok".into() }))
    }

    /// The service can reach its database and take requests.
    #[oai(path = "/ready", method = "get", operation_id = "get_ready")]
    async fn ready(&self) -> Result<ReadyResponse, Refused<Readiness>> {
        Ok(if self.state.service.ready().await {
            ReadyResponse::Ready(Json(Status { status: "ok".into() }))
        } else {
            ReadyResponse::NotReady(Json(Status { status: "database unreachable".into() }))
        })
    }
}
