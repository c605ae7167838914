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

impl From<super::hints::ShapeError> for ProblemViolation {
    fn from(e: super::hints::ShapeError) -> Self {
        Self { path: e.path, rule: e.rule.to_owned(), message: e.message }
    }
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
            // A URI reference with the full path, as RFC 9457 §3.1.1 allows: it resolves against
            // whichever deployment answered, which serves the page (see `problem_types`).
            kind: format!("{}/{slug}", super::problem_types::PREFIX),
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

    /// 401 with a detail and what to send instead (the response adds `WWW-Authenticate: Bearer`).
    pub fn unauthorized(detail: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", format!("{detail}; {SEND_TOKEN}"))
    }

    /// 403 with a detail.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// A 413 for a body larger than `max` bytes.
    pub fn payload_too_large(max: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!("the request body is larger than the limit of {max} bytes"),
        )
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

/// What a writer without a valid token should send.
const SEND_TOKEN: &str = "send `Authorization: Bearer <token>` with a token this server issued (an admin issues them \
                          with `maslikhat token issue`)";

fn e_text(current: &str, missing: bool) -> String {
    match (missing, current) {
        (true, _) => format!("this document already exists; send `If-Match: {current}` to replace that version"),
        (false, "none") => {
            "If-Match names a version, but this document has none yet: send its first version without If-Match".into()
        }
        (false, _) => format!(
            "If-Match does not name the current version, which is {current}: someone changed the document since \
             you read it. GET it again (its ETag is the If-Match to send), apply your change to that version, and \
             PUT it with `If-Match: {current}`"
        ),
    }
}

/// The detail of an error poem or poem-openapi raised before any operation ran, saying what
/// would be right.
fn detail_of(err: &poem::Error, status: StatusCode, operation: Option<&str>) -> String {
    if let Some(e) = err.downcast_ref::<poem_openapi::error::ParseParamError>() {
        let hint = operation.and_then(|op| super::hints::parameter(op, e.name));
        return match hint {
            Some(h) => format!("parameter `{}` must be {h} ({})", e.name, e.reason),
            None => format!("parameter `{}` could not be read: {}", e.name, e.reason),
        };
    }
    match status {
        StatusCode::UNAUTHORIZED => format!("this operation needs a token: {SEND_TOKEN}"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            let got = match err.downcast_ref::<poem_openapi::error::ContentTypeError>() {
                Some(poem_openapi::error::ContentTypeError::NotSupported { content_type }) => {
                    format!("this request said `{content_type}`")
                }
                _ => "this request said none".to_owned(),
            };
            format!("send the body as JSON with `Content-Type: application/json` ({got})")
        }
        _ => err.to_string(),
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
        StatusCode::REQUEST_TIMEOUT => "request-timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::URI_TOO_LONG => "uri-too-long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "header-fields-too-large",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    let mut problem = Problem::new(status, slug, detail_of(&err, status, operation.as_ref().map(|o| o.0)));
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
