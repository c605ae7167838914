//! Rate limits and request timeouts: per-client limits for anonymous reads, per-token limits for
//! writes, answered with 429 problem+json carrying `Retry-After` and the `RateLimit` headers.

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
use super::problem::Problem;
use crate::config::Settings;

/// The limiters of one server.
pub struct Limits {
    reads: DefaultKeyedRateLimiter<String>,
    writes: DefaultKeyedRateLimiter<String>,
    read_burst: u32,
    write_burst: u32,
    calls: AtomicU64,
}

fn quota(rate: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(rate.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

impl Limits {
    /// Limiters configured from the settings.
    pub fn new(s: &Settings) -> Self {
        Self {
            reads: RateLimiter::keyed(quota(s.read_rate_per_second, s.read_burst)),
            writes: RateLimiter::keyed(quota(s.write_rate_per_second, s.write_burst)),
            read_burst: s.read_burst.max(1),
            write_burst: s.write_burst.max(1),
            calls: AtomicU64::new(0),
        }
    }
}

fn client_key(req: &Request, trust_forwarded: bool) -> String {
    let forwarded = trust_forwarded
        .then(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_owned())
        })
        .flatten();
    forwarded.unwrap_or_else(|| {
        req.remote_addr().as_socket_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into())
    })
}

/// Applies the limits and the timeout around every request.
pub async fn guard<E: Endpoint>(state: Arc<AppState>, next: E, req: Request) -> Result<Response> {
    let limits = &state.limits;
    let is_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let auth = req.headers().get(header::AUTHORIZATION).map(|v| v.as_bytes().to_vec());
    // Writes are limited per token (a publisher's tool), everything else per client address.
    let (limiter, key, burst) = match (is_write, auth) {
        (true, Some(a)) => {
            let digest = Sha256::digest(&a);
            let key = hex::encode(&digest[..12]);
            (&limits.writes, key, limits.write_burst)
        }
        _ => (&limits.reads, client_key(&req, state.service.settings.trust_forwarded_for), limits.read_burst),
    };
    if limits.calls.fetch_add(1, Ordering::Relaxed).is_multiple_of(10_000) {
        // Forget idle clients so the maps stay small.
        limits.reads.retain_recent();
        limits.writes.retain_recent();
    }
    if let Err(not_until) = limiter.check_key(&key) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut resp = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many requests; retry in {secs} s"),
        )
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
        return Ok(resp);
    }
    let timeout = Duration::from_secs(state.service.settings.request_timeout_seconds.max(1));
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
