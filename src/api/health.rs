//! `/health` and `/ready`.

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

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
    /// The database does not answer.
    #[oai(status = 503)]
    NotReady(Json<Status>),
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// The process is up.
    #[oai(path = "/health", method = "get", operation_id = "get_health")]
    async fn health(&self) -> Json<Status> {
        Json(Status { status: "ok".into() })
    }

    /// The service can reach its database and take requests.
    #[oai(path = "/ready", method = "get", operation_id = "get_ready")]
    async fn ready(&self) -> ReadyResponse {
        if crate::store::ping(&self.state.service.db).await {
            ReadyResponse::Ready(Json(Status { status: "ok".into() }))
        } else {
            ReadyResponse::NotReady(Json(Status { status: "database unreachable".into() }))
        }
    }
}
