//! What each operation documents it answers, and nothing more.
//!
//! An operation returns `Result<S, Refused<R>>`: `S` is its success enum (a read's includes
//! `304 Not Modified`, which the conditional-GET middleware answers for it), and `R` names the
//! refusals its handler, its parameters and its body can produce ([`Refusals::OWN`]). Every
//! operation also documents the refusals that can meet any request ([`EVERY_OPERATION`]: the rate
//! limit, the request timeout or an unreachable database, a server fault). So the OpenAPI document
//! lists, per operation, exactly the statuses it can answer; a handler that refuses with a status
//! its `R` does not list is a bug, logged as an error, and `tests/api/openapi.rs` provokes every
//! documented status of every operation and fails on any answer an operation does not document.

use std::marker::PhantomData;

use poem::IntoResponse;
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::{ToJSON, Type};
use poem_openapi::{ApiResponse, payload::Payload};

use super::problem::{PROBLEM_JSON, Problem};

/// A status an operation may refuse a request with; the body is always problem+json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 400: a parameter or the body does not parse.
    BadRequest,
    /// 401: no valid token.
    Unauthorized,
    /// 403: the token does not allow this.
    Forbidden,
    /// 404: nothing is there.
    NotFound,
    /// 412: `If-Match` names a version that is no longer current.
    PreconditionFailed,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 415: the body is not JSON.
    UnsupportedMediaType,
    /// 422: the document breaks rules.
    Unprocessable,
    /// 428: replacing a document needs `If-Match`.
    PreconditionRequired,
    /// 429: rate limited.
    TooManyRequests,
    /// 500: a server fault.
    Internal,
    /// 503: the database is unreachable, or the request took too long.
    Unavailable,
}

impl Refusal {
    /// Every refusal, in status order.
    pub const ALL: [Refusal; 12] = [
        Refusal::BadRequest,
        Refusal::Unauthorized,
        Refusal::Forbidden,
        Refusal::NotFound,
        Refusal::PreconditionFailed,
        Refusal::PayloadTooLarge,
        Refusal::UnsupportedMediaType,
        Refusal::Unprocessable,
        Refusal::PreconditionRequired,
        Refusal::TooManyRequests,
        Refusal::Internal,
        Refusal::Unavailable,
    ];

    /// The HTTP status.
    pub const fn status(self) -> u16 {
        match self {
            Refusal::BadRequest => 400,
            Refusal::Unauthorized => 401,
            Refusal::Forbidden => 403,
            Refusal::NotFound => 404,
            Refusal::PreconditionFailed => 412,
            Refusal::PayloadTooLarge => 413,
            Refusal::UnsupportedMediaType => 415,
            Refusal::Unprocessable => 422,
            Refusal::PreconditionRequired => 428,
            Refusal::TooManyRequests => 429,
            Refusal::Internal => 500,
            Refusal::Unavailable => 503,
        }
    }

    /// The refusal answered with `status`, if it is one.
    pub fn of(status: u16) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.status() == status)
    }

    fn description(self) -> &'static str {
        match self {
            Refusal::BadRequest => "The request is malformed (bad JSON, bad parameter).",
            Refusal::Unauthorized => "No valid token was presented.",
            Refusal::Forbidden => "The token does not allow this.",
            Refusal::NotFound => "Nothing is there.",
            Refusal::PreconditionFailed => "`If-Match` names a version that is no longer current.",
            Refusal::PayloadTooLarge => "The body is larger than allowed.",
            Refusal::UnsupportedMediaType => "The body is not `application/json`.",
            Refusal::Unprocessable => "The document breaks rules; every violation is listed.",
            Refusal::PreconditionRequired => "Updating an existing document requires `If-Match`.",
            Refusal::TooManyRequests => "Too many requests from this client or token; see `Retry-After`.",
            Refusal::Internal => "A server fault; the body carries the id under which it was logged.",
            Refusal::Unavailable => "The database is unreachable, or the request took too long; try again.",
        }
    }

    /// The header this refusal always carries.
    fn header(self) -> Option<&'static str> {
        match self {
            Refusal::Unauthorized => Some("WWW-Authenticate"),
            Refusal::TooManyRequests => Some("Retry-After"),
            _ => None,
        }
    }

    fn meta(self) -> MetaResponse {
        MetaResponse {
            description: self.description(),
            status: Some(self.status()),
            status_range: None,
            content: vec![MetaMediaType {
                content_type: PROBLEM_JSON,
                schema: <Json<Problem> as Payload>::schema_ref(),
            }],
            headers: self
                .header()
                .map(|name| MetaHeader {
                    name: name.to_uppercase(),
                    description: None,
                    required: true,
                    deprecated: false,
                    schema: String::schema_ref(),
                })
                .into_iter()
                .collect(),
        }
    }
}

/// What can meet any request, whatever its operation: the rate limit (429) and the request
/// timeout (503) guard every request, an unreachable database answers 503, and a server fault
/// 500.
pub const EVERY_OPERATION: [Refusal; 3] = [Refusal::TooManyRequests, Refusal::Internal, Refusal::Unavailable];

/// The refusals of one kind of operation, besides [`EVERY_OPERATION`].
pub trait Refusals: Send + Sync + 'static {
    /// What its handler, its parameters and its body can refuse with.
    const OWN: &'static [Refusal];

    /// What the middleware and the server can refuse it with: [`EVERY_OPERATION`], unless the
    /// operation's success enum documents one of those statuses itself.
    const EVERY: &'static [Refusal] = &EVERY_OPERATION;

    /// True when an operation of this kind may answer `status` as a refusal.
    fn allows(status: u16) -> bool {
        Self::OWN.iter().chain(Self::EVERY).any(|r| r.status() == status)
    }
}

/// Declares marker types of refusal sets.
macro_rules! refusals {
    ($($(#[$doc:meta])* $name:ident = [$($r:ident),*];)+) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub enum $name {}

        impl Refusals for $name {
            const OWN: &'static [Refusal] = &[$(Refusal::$r),*];
        }
    )+};
}

refusals! {
    /// Nothing of its own: an operation with no parameter that can be wrong (the health checks,
    /// the log's keys and checkpoint, the metric definitions, the coverage summary).
    Nothing = [];
    /// A read of one thing by its id in the path: 404 when it does not exist.
    ById = [NotFound];
    /// A read with typed query parameters or a cursor: 400 when one does not parse.
    ByQuery = [BadRequest];
    /// A read of one thing by id with typed parameters: 400 or 404.
    ByIdAndQuery = [BadRequest, NotFound];
    /// An admin's write of a whole document: the token (401, 403), the body (400, 413, 415,
    /// 422) and the version it replaces (412, 428).
    AdminWrite = [BadRequest, Unauthorized, Forbidden, PreconditionFailed, PayloadTooLarge, UnsupportedMediaType,
        Unprocessable, PreconditionRequired];
    /// A publisher's write of a whole document of a council: as [`AdminWrite`], and 404 when the
    /// council does not exist.
    CouncilWrite = [BadRequest, Unauthorized, Forbidden, NotFound, PreconditionFailed, PayloadTooLarge,
        UnsupportedMediaType, Unprocessable, PreconditionRequired];
    /// A subscriber's write: the token (401, 403), the body (400, 413, 415, 422), and 404 when
    /// the council named does not exist.
    SubscriberWrite = [BadRequest, Unauthorized, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType,
        Unprocessable];
    /// A subscriber's read: the token (401, 403), a parameter (400), and 404 when there is no
    /// such subscription.
    SubscriberRead = [BadRequest, Unauthorized, Forbidden, NotFound];
}

/// A refusal of an operation whose possible refusals are `R`, as problem+json.
#[derive(Debug)]
pub struct Refused<R: Refusals> {
    problem: Problem,
    kind: PhantomData<fn() -> R>,
}

impl<R: Refusals> Refused<R> {
    /// The problem it answers with.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

impl<R: Refusals, E: Into<Problem>> From<E> for Refused<R> {
    fn from(e: E) -> Self {
        Self { problem: e.into(), kind: PhantomData }
    }
}

impl<R: Refusals> ApiResponse for Refused<R> {
    fn meta() -> MetaResponses {
        let statuses = R::OWN.iter().chain(R::EVERY);
        let mut refusals: Vec<Refusal> =
            Refusal::ALL.into_iter().filter(|r| statuses.clone().any(|s| s == r)).collect();
        refusals.dedup();
        MetaResponses { responses: refusals.into_iter().map(Refusal::meta).collect() }
    }

    fn register(registry: &mut Registry) {
        <Json<Problem> as Payload>::register(registry);
    }
}

impl<R: Refusals> IntoResponse for Refused<R> {
    fn into_response(self) -> poem::Response {
        if !R::allows(self.problem.status) {
            tracing::error!(
                status = self.problem.status,
                refusals = std::any::type_name::<R>(),
                detail = %self.problem.detail,
                "an operation refused with a status it does not document"
            );
        }
        self.problem.into_poem_response()
    }
}

impl<R: Refusals> From<Refused<R>> for poem::Error {
    fn from(r: Refused<R>) -> Self {
        poem::Error::from_response(r.into_response())
    }
}

/// A read: the body, or `304 Not Modified` when `If-None-Match` names its ETag (answered by the
/// conditional-GET middleware, never by the handler).
#[derive(poem_openapi::ApiResponse)]
pub enum Read<T: ToJSON + Send + Sync> {
    /// The body; `ETag` names it.
    #[oai(status = 200)]
    Ok(Json<T>),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

impl<T: ToJSON + Send + Sync> Read<T> {
    /// The body.
    pub fn of(body: T) -> Self {
        Read::Ok(Json(body))
    }
}

/// [`Read`] whose body serde writes straight into the response (no `serde_json::Value` tree in
/// between; see [`DirectJson`](super::direct_json::DirectJson)), for the reads served most often
/// without the response cache. The OpenAPI document is the same as [`Read`]'s.
#[derive(poem_openapi::ApiResponse)]
pub enum ReadDirect<T: ToJSON + serde::Serialize + Send + Sync> {
    /// The body; `ETag` names it.
    #[oai(status = 200)]
    Ok(super::direct_json::DirectJson<T>),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

impl<T: ToJSON + serde::Serialize + Send + Sync> ReadDirect<T> {
    /// The body.
    pub fn of(body: T) -> Self {
        ReadDirect::Ok(super::direct_json::DirectJson(body))
    }
}

/// A read whose body is already JSON (see `PrebuiltJson`); its `ETag` names it.
#[derive(poem_openapi::ApiResponse)]
pub enum ReadPrebuilt<T: Type + Send + Sync> {
    /// The body; `ETag` names it.
    #[oai(status = 200)]
    Ok(super::direct_json::PrebuiltJson<T>),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

/// A read of a document's current state, whose `ETag` is its current version's (send it back as
/// `If-Match` to replace that version).
#[derive(poem_openapi::ApiResponse)]
pub enum WithEtag<T: ToJSON + Send + Sync> {
    /// The current state; `ETag` is the version's tag.
    #[oai(status = 200)]
    Ok(Json<T>, #[oai(header = "ETag")] String),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

/// A read that may be cached for a short while (computed metrics).
#[derive(poem_openapi::ApiResponse)]
pub enum Cached<T: ToJSON + Send + Sync> {
    /// The body.
    #[oai(status = 200)]
    Ok(Json<T>, #[oai(header = "Cache-Control")] String),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_set_documents_its_own_statuses_and_those_of_every_operation_once_in_order() {
        let statuses: Vec<u16> =
            <Refused<ById> as ApiResponse>::meta().responses.iter().filter_map(|r| r.status).collect();
        assert_eq!(statuses, [404, 429, 500, 503]);
        let statuses: Vec<u16> =
            <Refused<CouncilWrite> as ApiResponse>::meta().responses.iter().filter_map(|r| r.status).collect();
        assert_eq!(statuses, [400, 401, 403, 404, 412, 413, 415, 422, 428, 429, 500, 503]);
        assert!(ById::allows(404) && ById::allows(503) && !ById::allows(400) && !ById::allows(412));
    }

    #[test]
    fn every_refusal_round_trips_through_its_status() {
        for r in Refusal::ALL {
            assert_eq!(Refusal::of(r.status()), Some(r));
        }
        assert_eq!(Refusal::of(200), None);
    }
}
