//! Conditional GET for every read: a strong `ETag` computed from the body when the operation did
//! not set one, and `304 Not Modified` when `If-None-Match` names it; and a default
//! `Cache-Control` on successful reads (see [`default_cache_control`]).

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use sha2::{Digest, Sha256};

/// Wraps an endpoint with ETag / If-None-Match handling for GET and HEAD. A HEAD is answered as
/// the GET would be, without the body: the same `ETag` (computed from the body a GET sends, not
/// from the empty one), the same 304.
pub async fn conditional_get<E: Endpoint>(next: E, mut req: Request) -> Result<Response> {
    if req.method() != Method::HEAD {
        return conditional(next, req).await;
    }
    req.set_method(Method::GET);
    let (parts, _) = conditional(next, req).await?.into_parts();
    Ok(Response::from_parts(parts, poem::Body::empty()))
}

async fn conditional<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let authorized = req.headers().contains_key(header::AUTHORIZATION);
    let default_cc = default_cache_control(req.uri().path());
    let mut resp = next.call(req).await?.into_response();
    if super::compression::is_event_stream(&resp) {
        // An endless body: never read (to hash it), never stored by a cache.
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok(resp);
    }
    if is_read && resp.status().is_success() {
        if authorized {
            // A response to a credentialed request is never for shared caches, whatever it says.
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
        } else if !resp.headers().contains_key(header::CACHE_CONTROL) {
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(default_cc));
        }
    }
    if !is_read || resp.status() != StatusCode::OK {
        return Ok(resp);
    }
    // A streamed body (an export) comes with its own ETag: answer If-None-Match without reading
    // the body, which would hold the whole export in memory.
    if let Some(etag) = resp.headers().get(header::ETAG) {
        let cc = resp.headers().get(header::CACHE_CONTROL);
        return Ok(not_modified(if_none_match.as_deref(), etag, cc).unwrap_or(resp));
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = body.into_bytes().await?;
    if let Some(link) = next_page_link(&parts.headers, &bytes) {
        parts.headers.insert(header::LINK, link);
    }
    let etag = match parts.headers.get(header::ETAG) {
        Some(v) => v.clone(),
        None => {
            let digest = Sha256::digest(&bytes);
            let hex = hex::encode(&digest[..16]);
            let v = HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"0\""));
            parts.headers.insert(header::ETAG, v.clone());
            v
        }
    };
    if let Some(r) = not_modified(if_none_match.as_deref(), &etag, parts.headers.get(header::CACHE_CONTROL)) {
        return Ok(r);
    }
    Ok(Response::from_parts(parts, bytes.into()))
}

/// A read of the API whose media type the request's `Accept` excludes is refused with 406
/// instead of being answered in a type the client said it cannot take.
pub async fn not_acceptable<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let path = req.uri().path();
    let api = path.starts_with("/v1/") || path == "/health" || path == "/ready";
    let accept = (api && matches!(*req.method(), Method::GET | Method::HEAD))
        .then(|| req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .flatten();
    let resp = next.call(req).await?.into_response();
    let Some(accept) = accept else { return Ok(resp) };
    let served = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let served = served.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !resp.status().is_success() || served.is_empty() || accepts(&accept, &served) {
        return Ok(resp);
    }
    let detail = format!("this resource is served as {served} only; the request's Accept ({accept}) excludes it");
    Ok(super::problem::Problem::new(StatusCode::NOT_ACCEPTABLE, "not-acceptable", detail).into_poem_response())
}

/// True when the `Accept` value `accept` takes the media type `served` (lower case, no
/// parameters): a matching range, `type/*` or `*/*`, without `q=0`.
fn accepts(accept: &str, served: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let refused = parts
            .any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0));
        let matches = media == "*/*"
            || media == served
            || media.strip_suffix("/*").is_some_and(|t| served.split('/').next() == Some(t));
        matches && !refused
    })
}

/// A list's `links.next` as a `Link` header (`<URL>; rel="next"`), so that clients that page by
/// headers, and browser apps, need not read the body.
fn next_page_link(headers: &poem::http::HeaderMap, body: &[u8]) -> Option<HeaderValue> {
    #[derive(serde::Deserialize)]
    struct Page {
        links: Option<Next>,
    }
    #[derive(serde::Deserialize)]
    struct Next {
        next: Option<String>,
    }
    if headers.contains_key(header::LINK) {
        // The handler said it (`PrebuiltJson`): the body need not be read for it.
        return None;
    }
    let json = headers.get(header::CONTENT_TYPE)?.to_str().ok()?.starts_with("application/json");
    if !json || body.first() != Some(&b'{') {
        return None;
    }
    let next = serde_json::from_slice::<Page>(body).ok()?.links?.next?;
    HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")).ok()
}

/// The first version of a document, stored by `PUT` at its URL, is served there: a 201 says so
/// in `Location`.
pub async fn location_on_create<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let created_at = (req.method() == Method::PUT).then(|| req.uri().path().to_owned());
    let mut resp = next.call(req).await?.into_response();
    if let Some(path) = created_at
        && resp.status() == StatusCode::CREATED
        && !resp.headers().contains_key(header::LOCATION)
        && let Ok(v) = HeaderValue::from_str(&path)
    {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// `304 Not Modified` (with the ETag and Cache-Control) when `If-None-Match` names `etag`, as
/// sent in any encoding (`compression::identity_tag`).
pub(crate) fn not_modified(
    if_none_match: Option<&str>,
    etag: &HeaderValue,
    cc: Option<&HeaderValue>,
) -> Option<Response> {
    let (inm, tag) = (if_none_match?, etag.to_str().ok()?);
    // Weak comparison (RFC 9110 §13.1.2), and the tag of any encoding of the body stands for it.
    let tag = super::compression::identity_tag(tag);
    let named = |t: &str| super::compression::identity_tag(t.trim()).trim_start_matches("W/") == tag.as_ref();
    if !(inm.trim() == "*" || inm.split(',').any(named)) {
        return None;
    }
    let mut r = Response::builder().status(StatusCode::NOT_MODIFIED).finish();
    r.headers_mut().insert(header::ETAG, etag.clone());
    if let Some(cc) = cc {
        r.headers_mut().insert(header::CACHE_CONTROL, cc.clone());
    }
    Some(r)
}

/// For things that never change once they exist.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else that anyone may read: fresh for a few seconds, then revalidated.
pub const SHORT: &str = "public, max-age=10, stale-while-revalidate=60";
/// For responses to requests that carried credentials.
pub const PRIVATE: &str = "private, no-store";

/// The `Cache-Control` a successful, unauthenticated read of `path` gets when the operation set
/// none: a year and `immutable` for a stored document version (by log index or by session version
/// number) and for log proofs (a proof between fixed tree sizes never changes); a short
/// `max-age` with `stale-while-revalidate` for everything else.
pub fn default_cache_control(path: &str) -> &'static str {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let immutable = match segs.as_slice() {
        ["", "v1", "log", "proofs", "inclusion" | "consistency"] => true,
        ["", "v1", "log", "entries", i, "document"] => !i.is_empty(),
        ["", "v1", "sessions", id, "versions", n] => !id.is_empty() && !n.is_empty(),
        _ => false,
    };
    if immutable { IMMUTABLE } else { SHORT }
}

/// The methods each documented path template allows, read from the OpenAPI document, so a
/// `405` can name them in `Allow` (RFC 9110 requires it).
#[derive(Debug, Default)]
pub struct AllowTable {
    routes: Vec<(Vec<String>, String)>,
}

impl AllowTable {
    /// Reads the `paths` of an OpenAPI document.
    pub fn from_spec(spec: &str) -> Self {
        let doc: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
        let mut routes = vec![];
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                let mut methods: Vec<String> =
                    item.as_object().map(|m| m.keys().map(|k| k.to_uppercase()).collect()).unwrap_or_default();
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".into());
                }
                methods.sort();
                routes.push((path.split('/').map(str::to_owned).collect(), methods.join(", ")));
            }
        }
        Self { routes }
    }

    /// The `Allow` value for a request path, if a documented path matches it.
    pub fn allowed(&self, path: &str) -> Option<&str> {
        let segs: Vec<&str> = path.split('/').collect();
        self.routes
            .iter()
            .find(|(pattern, _)| {
                pattern.len() == segs.len()
                    && pattern.iter().zip(&segs).all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
            })
            .map(|(_, m)| m.as_str())
    }
}

/// Adds `Allow` to every `405 Method Not Allowed`.
pub async fn allow_on_405<E: Endpoint>(table: std::sync::Arc<AllowTable>, next: E, req: Request) -> Result<Response> {
    let path = req.uri().path().to_owned();
    let mut resp = next.call(req).await?.into_response();
    if resp.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(v) = table.allowed(&path).and_then(|m| HeaderValue::from_str(m).ok())
    {
        resp.headers_mut().insert(header::ALLOW, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::{AllowTable, IMMUTABLE, SHORT, accepts, default_cache_control};

    #[test]
    fn accept_takes_exact_types_wildcards_and_not_q_zero() {
        assert!(accepts("application/json", "application/json"));
        assert!(accepts("text/html, application/*;q=0.5", "application/json"));
        assert!(accepts("*/*", "text/csv"));
        assert!(!accepts("application/xml", "application/json"));
        assert!(!accepts("application/json;q=0, text/html", "application/json"));
    }

    #[test]
    fn immutable_paths_are_cached_for_a_year_and_the_rest_briefly() {
        assert_eq!(default_cache_control("/v1/log/entries/3/document"), IMMUTABLE);
        assert_eq!(default_cache_control("/v1/log/proofs/inclusion"), IMMUTABLE);
        assert_eq!(default_cache_control("/v1/log/proofs/consistency"), IMMUTABLE);
        assert_eq!(default_cache_control("/v1/sessions/s-1/versions/2"), IMMUTABLE);
        assert_eq!(default_cache_control("/v1/sessions/s-1/versions"), SHORT);
        assert_eq!(default_cache_control("/v1/sessions/s-1"), SHORT);
        assert_eq!(default_cache_control("/v1/log/checkpoint"), SHORT);
        assert_eq!(default_cache_control("/v1/log/entries"), SHORT);
        assert_eq!(default_cache_control("/v1/councils"), SHORT);
    }

    #[test]
    fn allow_lists_the_methods_of_the_matching_template() {
        let t = AllowTable::from_spec(
            r#"{"paths": {"/v1/councils/{id}": {"get": {}, "put": {}}, "/v1/councils": {"get": {}}}}"#,
        );
        assert_eq!(t.allowed("/v1/councils/alpha"), Some("GET, HEAD, PUT"));
        assert_eq!(t.allowed("/v1/councils"), Some("GET, HEAD"));
        assert_eq!(t.allowed("/v1/nothing"), None);
    }
}
