//! The documentation of every problem type, served by the platform itself at `/problems/{slug}`
//! (the `type` of every problem+json body points here) and listed at `/problems`.

use maud::{DOCTYPE, Markup, html};
use poem::http::StatusCode;
use poem::web::{Html, Path};
use poem::{IntoResponse, Response, handler};

/// Where the pages are.
pub const PREFIX: &str = "/problems";

/// One problem type: its slug, status, what it means and what to do about it.
pub struct ProblemType {
    /// The last segment of its URL.
    pub slug: &'static str,
    /// The status it comes with.
    pub status: u16,
    /// What it means.
    pub meaning: &'static str,
    /// What to do about it.
    pub remedy: &'static str,
}

/// Every problem type the server answers with.
pub const PROBLEM_TYPES: &[ProblemType] = &[
    ProblemType {
        slug: "bad-request",
        status: 400,
        meaning: "A query or path parameter, a header or the request line could not be read.",
        remedy: "The detail names the parameter and the values or form it takes (an enumeration lists its values; a \
                 date is written YYYY-MM-DD).",
    },
    ProblemType {
        slug: "malformed-json",
        status: 400,
        meaning: "The request body is not JSON: a syntax error, an empty body, or more than one value.",
        remedy: "Send one JSON object, encoded as UTF-8.",
    },
    ProblemType {
        slug: "unauthorized",
        status: 401,
        meaning: "The operation writes, and the request carried no token or one that does not verify (wrong \
                  signature, issuer or audience, expired, not yet valid, or revoked).",
        remedy: "Send `Authorization: Bearer <token>` with a token this server issued; an admin issues them with \
                 `maslikhat token issue`.",
    },
    ProblemType {
        slug: "forbidden",
        status: 403,
        meaning: "The token is valid but does not allow this: a publisher writes only its own council's documents, \
                  and only admins write councils and parties.",
        remedy: "Use a token for this council, or an admin token.",
    },
    ProblemType {
        slug: "not-found",
        status: 404,
        meaning: "Nothing is at this URL: no such resource, or a path that could never name one.",
        remedy: "Check the id (ids are lower case: a-z, 0-9, '.', '_', '-') and the path against /docs.",
    },
    ProblemType {
        slug: "method-not-allowed",
        status: 405,
        meaning: "The resource exists but does not take this method.",
        remedy: "The `Allow` header lists the methods it takes.",
    },
    ProblemType {
        slug: "not-acceptable",
        status: 406,
        meaning: "The request's `Accept` header excludes the only media type the resource is served as (JSON, or CSV \
                  for a CSV export).",
        remedy: "Accept `application/json` (or `*/*`); the detail names the media type served.",
    },
    ProblemType {
        slug: "request-timeout",
        status: 408,
        meaning: "The request body did not arrive within the server's body timeout.",
        remedy: "Send it again, whole; a body of a few megabytes takes seconds on a slow link, not minutes.",
    },
    ProblemType {
        slug: "precondition-failed",
        status: 412,
        meaning: "`If-Match` does not name the document's current version: someone changed it since you read it, \
                  or it does not exist yet (then nothing matches, `*` included).",
        remedy: "GET the document again; its `ETag` (also at `version.etag` in the body) is the `If-Match` to send. \
                 Apply your change to that version and PUT it again. A document that does not exist yet is created \
                 without `If-Match`.",
    },
    ProblemType {
        slug: "payload-too-large",
        status: 413,
        meaning: "The request body is larger than the server accepts (`max_body_bytes`, 8 MiB by default).",
        remedy: "Send a smaller document; a session record of a long sitting fits easily.",
    },
    ProblemType {
        slug: "uri-too-long",
        status: 414,
        meaning: "The URL is longer than the server reads (64 KiB).",
        remedy: "Send long input in a request body; list filters are short.",
    },
    ProblemType {
        slug: "unsupported-media-type",
        status: 415,
        meaning: "The request body is not declared as JSON.",
        remedy: "Send `Content-Type: application/json`.",
    },
    ProblemType {
        slug: "invalid-document",
        status: 422,
        meaning: "The document was read but breaks rules: wrong types, unknown fields or values, or the rules of \
                  the domain (dates, ballots, counts, mandates). Nothing was stored.",
        remedy: "`errors` lists every broken rule with the JSON Pointer of the value (`path`), the rule's name \
                 (`rule`) and what is wrong (`message`). Fix them all and send the document again.",
    },
    ProblemType {
        slug: "precondition-required",
        status: 428,
        meaning: "The document exists, so replacing it needs `If-Match`, lest two editors overwrite each other.",
        remedy: "Send `If-Match` with the current version's ETag (given as `current_etag`).",
    },
    ProblemType {
        slug: "rate-limited",
        status: 429,
        meaning: "Too many requests: reads and unauthenticated writes count per client address, writes with a valid \
                  token per token.",
        remedy: "Wait the seconds `Retry-After` says; the `RateLimit` headers give the budget.",
    },
    ProblemType {
        slug: "header-fields-too-large",
        status: 431,
        meaning: "The request has too many header fields (over 100) or they are too large.",
        remedy: "Send fewer or shorter headers.",
    },
    ProblemType {
        slug: "internal",
        status: 500,
        meaning: "A fault in the server, not in the request. It was logged.",
        remedy: "Quote the `error_id` when reporting it.",
    },
    ProblemType {
        slug: "unavailable",
        status: 503,
        meaning: "The database is unreachable for the moment.",
        remedy: "Try again shortly.",
    },
    ProblemType {
        slug: "timeout",
        status: 503,
        meaning: "The request took longer than the server allows.",
        remedy: "Try again; `Retry-After` says when.",
    },
    ProblemType {
        slug: "too-many-connections",
        status: 503,
        meaning: "Every connection the server serves at once has a request in progress.",
        remedy: "Try again in a moment; keep one connection open rather than opening many.",
    },
];

fn page(title: &str, body: Markup) -> Html<String> {
    Html(html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (title) " — maslikhat API" } }
            body { (body) p { a href=(PREFIX) { "Every problem type" } " · " a href="/docs" { "API documentation" } } }
        }
    }
    .into_string())
}

fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// `GET /problems`: every problem type.
#[handler]
pub fn index() -> Response {
    let body = html! {
        h1 { "Problem types" }
        p { "Every error of the API is an RFC 9457 problem+json body whose " code { "type" } " is one of these." }
        dl {
            @for t in PROBLEM_TYPES {
                dt { a href=(format!("{PREFIX}/{}", t.slug)) { (t.slug) } " (" (t.status) " " (reason(t.status)) ")" }
                dd { (t.meaning) }
            }
        }
    };
    page("Problem types", body).into_response()
}

/// `GET /problems/{slug}`: one problem type.
#[handler]
pub fn one(Path(slug): Path<String>) -> Response {
    let Some(t) = PROBLEM_TYPES.iter().find(|t| t.slug == slug) else {
        let body = html! { h1 { "No such problem type" } };
        return page("Not found", body).with_status(StatusCode::NOT_FOUND).into_response();
    };
    let body = html! {
        h1 { (t.slug) }
        p { "Status " (t.status) " " (reason(t.status)) "." }
        h2 { "What it means" }
        p { (t.meaning) }
        h2 { "What to do" }
        p { (t.remedy) }
    };
    page(t.slug, body).into_response()
}
