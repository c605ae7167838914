//! Rate limits and request timeouts: per-client limits for anonymous reads, per-token limits for
//! writes, answered with 429 problem+json carrying `Retry-After` and the `RateLimit` headers.
//!
//! A client's failures count against that client. A write counts against its token only when the
//! token verifies (signature, issuer, audience, times: no database is read); any other write
//! counts against the client's address, like a read, so a thousand junk tokens are a thousand
//! requests from one address, not a thousand fresh budgets. The client's address is the
//! connection's peer, or behind `trusted_proxies` the right-most untrusted `X-Forwarded-For` hop
//! (see [`client_address`](super::client_address)).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use sha2::{Digest, Sha256};

use super::AppState;
use super::client_address::TrustedProxies;
use super::problem::Problem;
use crate::config::Settings;

/// The limiters of one server.
pub struct Limits {
    reads: DefaultKeyedRateLimiter<String>,
    writes: DefaultKeyedRateLimiter<String>,
    read_burst: u32,
    write_burst: u32,
    calls: AtomicU64,
    proxies: TrustedProxies,
}

fn quota(rate: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(rate.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

impl Limits {
    /// Limiters configured from the settings (whose `trusted_proxies` were checked on load).
    pub fn new(s: &Settings) -> Self {
        Self {
            reads: RateLimiter::keyed(quota(s.read_rate_per_second, s.read_burst)),
            writes: RateLimiter::keyed(quota(s.write_rate_per_second, s.write_burst)),
            read_burst: s.read_burst.max(1),
            write_burst: s.write_burst.max(1),
            calls: AtomicU64::new(0),
            proxies: TrustedProxies::parse(&s.trusted_proxies).unwrap_or_default(),
        }
    }

    /// The address `req` counts against.
    pub fn client(&self, req: &Request) -> String {
        self.proxies.client_of(req)
    }
}

/// The rate-limit key of a write's bearer token, when the token verifies.
fn verified_token_key(state: &AppState, authorization: &HeaderValue) -> Option<String> {
    let value = authorization.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    crate::auth::verify(&state.service.keys, &state.policy, token.trim()).ok()?;
    Some(Sha256::digest(authorization.as_bytes())[..12].iter().map(|b| format!("{b:02x}")).collect())
}

fn too_many(wait: Duration, burst: u32) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut resp =
        Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", format!("too many requests; retry in {secs} s"))
            .into_poem_response();
    let h = resp.headers_mut();
    let num = |n: u64| HeaderValue::from_str(&n.to_string()).unwrap_or(HeaderValue::from_static("1"));
    h.insert(header::RETRY_AFTER, num(secs.max(1)));
    h.insert("RateLimit-Limit", num(u64::from(burst)));
    h.insert("RateLimit-Remaining", HeaderValue::from_static("0"));
    h.insert("RateLimit-Reset", num(secs.max(1)));
    h.insert(
        "RateLimit-Policy",
        HeaderValue::from_str(&format!("{burst};w=1")).unwrap_or(HeaderValue::from_static("1;w=1")),
    );
    resp
}

/// Reads the body of `req` whole, within `max` bytes and `within` time, so a client that drips
/// its body holds nothing for long: 413 past the limit, 408 past the time.
async fn read_body(mut req: Request, max: usize, within: Duration) -> std::result::Result<Request, Response> {
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
    if declared.is_none_or(|n| n == 0) && !chunked {
        return Ok(req);
    }
    if declared.is_some_and(|n| n > max) {
        return Err(Problem::payload_too_large(max).into_poem_response());
    }
    match tokio::time::timeout(within, req.take_body().into_bytes_limit(max)).await {
        Ok(Ok(bytes)) => {
            req.set_body(bytes);
            Ok(req)
        }
        Ok(Err(poem::error::ReadBodyError::PayloadTooLarge)) => {
            Err(Problem::payload_too_large(max).into_poem_response())
        }
        Ok(Err(e)) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            format!("the request body could not be read: {e}"),
        )
        .into_poem_response()),
        Err(_) => Err(Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "request-timeout",
            format!("the request body did not arrive within {} s; send it again", within.as_secs()),
        )
        .into_poem_response()),
    }
}

/// Applies the limits and the timeouts around every request.
pub async fn guard<E: Endpoint>(state: Arc<AppState>, next: E, req: Request) -> Result<Response> {
    let limits = &state.limits;
    let is_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let token =
        req.headers().get(header::AUTHORIZATION).filter(|_| is_write).and_then(|a| verified_token_key(&state, a));
    let (limiter, key, burst) = match token {
        Some(t) => (&limits.writes, t, limits.write_burst),
        None => (&limits.reads, limits.client(&req), limits.read_burst),
    };
    if limits.calls.fetch_add(1, Ordering::Relaxed).is_multiple_of(10_000) {
        // Forget idle clients so the maps stay small.
        limits.reads.retain_recent();
        limits.writes.retain_recent();
    }
    if let Err(not_until) = limiter.check_key(&key) {
        return Ok(too_many(not_until.wait_time_from(DefaultClock::default().now()), burst));
    }
    let settings = &state.service.settings;
    let req = match read_body(req, settings.max_body_bytes, Duration::from_secs(settings.body_timeout_seconds.max(1)))
        .await
    {
        Ok(req) => req,
        Err(refused) => return Ok(refused),
    };
    let timeout = Duration::from_secs(settings.request_timeout_seconds.max(1));
    match tokio::time::timeout(timeout, next.call(req)).await {
        Ok(r) => r.map(IntoResponse::into_response),
        Err(_) => {
            let mut resp =
                Problem::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", "the request took too long; try again")
                    .into_poem_response();
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            Ok(resp)
        }
    }
}
