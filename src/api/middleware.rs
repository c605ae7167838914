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
