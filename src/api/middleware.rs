//! Conditional GET for every read: a strong `ETag` computed from the body when the operation did
//! not set one, and `304 Not Modified` when `If-None-Match` names it.

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use sha2::{Digest, Sha256};

/// Wraps an endpoint with ETag / If-None-Match handling for GET and HEAD.
pub async fn conditional_get<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let resp = next.call(req).await?.into_response();
    if !is_read || resp.status() != StatusCode::OK {
        return Ok(resp);
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = body.into_bytes().await?;
    let etag = match parts.headers.get(header::ETAG) {
        Some(v) => v.clone(),
        None => {
            let digest = Sha256::digest(&bytes);
            let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            let v = HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"0\""));
            parts.headers.insert(header::ETAG, v.clone());
            v
        }
    };
    if let (Some(inm), Ok(tag)) = (if_none_match, etag.to_str())
        && (inm.trim() == "*" || inm.split(',').any(|t| t.trim().trim_start_matches("W/") == tag))
    {
        let mut r = Response::builder().status(StatusCode::NOT_MODIFIED).finish();
        r.headers_mut().insert(header::ETAG, etag);
        if let Some(cc) = parts.headers.get(header::CACHE_CONTROL) {
            r.headers_mut().insert(header::CACHE_CONTROL, cc.clone());
        }
        return Ok(r);
    }
    Ok(Response::from_parts(parts, bytes.into()))
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
    use super::AllowTable;

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
