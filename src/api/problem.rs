//! RFC 9457 problem details: the one error shape of the whole API. Which statuses each operation
//! documents is in [`super::responses`].

use poem::Response;
use poem::http::StatusCode;
use poem_openapi::Object;

use crate::domain::Violation;
use crate::service;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One broken rule of a refused document.
#[derive(Object, Debug, Clone, serde::Serialize)]
pub struct ProblemViolation {
    /// JSON Pointer to the offending value in the request body.
    pub path: String,
    /// Machine-readable rule name.
    pub rule: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// An RFC 9457 problem: what went wrong, in one shape for every error.
#[derive(Object, Debug, Clone, serde::Serialize)]
pub struct Problem {
    /// A URI naming the problem type.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// An explanation of this occurrence.
    pub detail: String,
    /// Every violated rule, for refused documents.
    #[oai(default, skip_serializing_if_is_empty)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemViolation>,
    /// For server errors: the id under which the error was logged.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// The ETag of the current version, for precondition failures.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_etag: Option<String>,
    /// The id of the request (also in the `X-Request-Id` response header), to quote in reports.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// A problem with `status`, a type slug and a detail.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("https://maslikhat.example/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: vec![],
            error_id: None,
            current_etag: None,
            request_id: None,
        }
    }

    /// 404 for `what`.
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", format!("{what} not found"))
    }

    /// 400 with a detail.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 401 with a detail (the response adds `WWW-Authenticate: Bearer`).
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 403 with a detail.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// A 422 listing every violation.
    pub fn invalid(violations: Vec<Violation>) -> Self {
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document",
            format!("the document breaks {} rule(s); nothing was stored", violations.len()),
        );
        p.errors = violations
            .into_iter()
            .map(|v| ProblemViolation { path: v.path, rule: v.rule.to_owned(), message: v.message })
            .collect();
        p
    }

    /// 500, logged once with an id that the body repeats.
    pub fn internal(err: &dyn std::fmt::Display) -> Self {
        let id = uuid::Uuid::new_v4().to_string();
        tracing::error!(error_id = %id, error = %err, "internal error");
        let mut p = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred; quote the error_id when reporting it",
        );
        p.error_id = Some(id);
        p
    }

    /// 503: the database cannot be reached now.
    pub fn unavailable() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the database is unreachable; try again shortly")
    }

    /// Renders as an `application/problem+json` response (with `WWW-Authenticate` on a 401).
    pub fn into_poem_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = Response::builder().status(status).content_type(PROBLEM_JSON).body(body);
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert("WWW-Authenticate", poem::http::HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

impl From<service::Error> for Problem {
    fn from(e: service::Error) -> Self {
        match e {
            service::Error::NotFound(what) => Problem::not_found(what),
            service::Error::BadRequest(detail) => Problem::bad_request(detail),
            service::Error::Invalid(v) => Problem::invalid(v),
            service::Error::PreconditionRequired { current } => {
                let mut p =
                    Problem::new(StatusCode::PRECONDITION_REQUIRED, "precondition-required", e_text(&current, true));
                p.current_etag = Some(current);
                p
            }
            service::Error::PreconditionFailed { current } => {
                let mut p =
                    Problem::new(StatusCode::PRECONDITION_FAILED, "precondition-failed", e_text(&current, false));
                p.current_etag = Some(current);
                p
            }
            // The server's temporary condition (retry), not a fault in the request or a bug.
            service::Error::Unavailable(detail) => {
                tracing::warn!(error = %detail, "database unreachable");
                Problem::unavailable()
            }
            service::Error::Internal(detail) => Problem::internal(&detail),
        }
    }
}

impl From<Problem> for poem::Error {
    fn from(p: Problem) -> Self {
        poem::Error::from_response(p.into_poem_response())
    }
}

impl From<crate::store::StoreError> for Problem {
    fn from(e: crate::store::StoreError) -> Self {
        Problem::from(service::Error::from(e))
    }
}

fn e_text(current: &str, missing: bool) -> String {
    if missing {
        format!("this document already exists; send If-Match: {current} to replace that version")
    } else {
        format!("If-Match does not name the current version ({current}); fetch it and merge your changes")
    }
}

/// Turns every error that escapes the operations (unknown routes, wrong methods, unparsable
/// parameters, missing tokens, oversized bodies) into problem+json. Responses that operations
/// built themselves pass through untouched.
pub async fn catch_all(err: poem::Error) -> Response {
    if err.is_from_response() {
        return err.into_response();
    }
    let status = err.status();
    // Keep the operation id (set by poem-openapi on errors of known operations) for metrics.
    let operation = err.data::<poem_openapi::OperationId>().copied();
    let slug = match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    let mut problem = Problem::new(status, slug, err.to_string());
    if status.is_server_error() {
        let id = uuid::Uuid::new_v4().to_string();
        tracing::error!(error_id = %id, error = %err, "unhandled error");
        problem.detail = "an internal error occurred; quote the error_id when reporting it".into();
        problem.error_id = Some(id);
    }
    let mut resp = problem.into_poem_response();
    if let Some(op) = operation {
        resp.set_data(op);
    }
    resp
}
