//! Read-your-writes across replicas (see `service::replicas`): a successful write answers with
//! the change number it left (`Maslikhat-Change`, and a short-lived `maslikhat_change` cookie when
//! replicas are configured); a read that sends it back (`Maslikhat-Min-Change`, or the cookie) is
//! answered by a replica only when that replica has caught up, and `Maslikhat-Read-From` says
//! which database answered.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use super::AppState;
use super::problem::{Problem, ProblemViolation};
use crate::service::replicas;

/// The request header carrying the change number a client has seen.
pub const MIN_CHANGE: &str = "maslikhat-min-change";
/// The response header of a write: the change number it left.
pub const CHANGE: &str = "maslikhat-change";
/// The response header of a read: `replica` or `primary`.
pub const READ_FROM: &str = "maslikhat-read-from";
/// The cookie a browser keeps the change number in.
pub const COOKIE: &str = "maslikhat_change";
/// How long the cookie lives, in seconds: longer than any replica should lag.
const COOKIE_SECONDS: u32 = 60;

/// The change number a request says its client has seen: the header, else the cookie, else 0.
/// A header that is not a whole number is refused; a cookie that is not one is ignored.
pub fn min_change(req: &Request) -> std::result::Result<i64, Problem> {
    if let Some(v) = req.headers().get(MIN_CHANGE) {
        return v.to_str().ok().and_then(|s| s.trim().parse::<u64>().ok()).map_or_else(
            || {
                let mut p = Problem::bad_request("Maslikhat-Min-Change must be a whole number of 0 or more");
                p.errors.push(ProblemViolation {
                    path: "header:Maslikhat-Min-Change".into(),
                    rule: "integer".into(),
                    message: "a change number (from a write's Maslikhat-Change header)".into(),
                });
                Err(p)
            },
            |n| Ok(i64::try_from(n).unwrap_or(i64::MAX)),
        );
    }
    let cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, n)| n.parse::<u64>().ok());
    Ok(cookie.map_or(0, |n| i64::try_from(n).unwrap_or(i64::MAX)))
}

/// Middleware: reads choose their database by the client's change number; writes say theirs.
pub async fn route<E: Endpoint>(state: Arc<AppState>, next: E, req: Request) -> Result<Response> {
    let service = &state.service;
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    if !read {
        let write = *req.method() != Method::OPTIONS;
        let mut resp = next.call(req).await?.into_response();
        if write
            && resp.status().is_success()
            && let Ok(n) = replicas::change_number(&service.db).await
        {
            resp.headers_mut().insert(CHANGE, HeaderValue::from(n));
            if service.has_replicas()
                && let Ok(v) = HeaderValue::from_str(&format!(
                    "{COOKIE}={n}; Path=/; Max-Age={COOKIE_SECONDS}; SameSite=Lax; HttpOnly"
                ))
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        return Ok(resp);
    }
    // Refused the same with or without replicas: a client learns of its mistake before it matters.
    let min = match min_change(&req) {
        Ok(n) => n,
        Err(p) => return Ok(p.into_poem_response()),
    };
    if !service.has_replicas() {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    let (resp, source) = replicas::scope(min, next.call(req)).await;
    let mut resp = resp?.into_response();
    if let Some(source) = source {
        resp.headers_mut().insert(READ_FROM, HeaderValue::from_static(source.as_str()));
    }
    Ok(resp)
}
