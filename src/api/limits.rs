//! Rate limits and request timeouts: per-client limits for anonymous reads, per-token limits for
//! writes, answered with 429 problem+json carrying `Retry-After` and the `RateLimit` headers.
//!
//! A client's failures count against that client. A write counts against its token only when the
//! token verifies (signature, issuer, audience, times: no database is read); any other write
//! counts against the client's address, like a read, so a thousand junk tokens are a thousand
//! requests from one address, not a thousand fresh budgets. The client's address is the
//! connection's peer, or behind `trusted_proxies` the right-most untrusted `X-Forwarded-For` hop
//! (see [`client_address`](super::client_address)).
//!
//! The workspace's sign-in (`POST /publish/sign-in`) has two more limits of its own, with the
//! same limiter and the same 429: attempts per client address, and attempts per account at the
//! links that name it (see [`Limits::sign_in_client`] and [`Limits::sign_in_account`]).

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
    sign_in_clients: DefaultKeyedRateLimiter<String>,
    sign_in_accounts: DefaultKeyedRateLimiter<String>,
    sign_in_client: (u32, u64),
    sign_in_account: (u32, u64),
    calls: AtomicU64,
    proxies: TrustedProxies,
}

/// A refused attempt: how long to wait, and the limit's burst and window in seconds (for the
/// `RateLimit` headers).
#[derive(Debug, Clone, Copy)]
pub struct Refused {
    /// Until the next attempt is allowed.
    pub wait: Duration,
    /// Attempts allowed at once.
    pub burst: u32,
    /// Seconds in which a whole burst comes back.
    pub window: u64,
}

impl Refused {
    /// Whole seconds to wait, at least 1 (the `Retry-After` value).
    pub fn retry_after(&self) -> u64 {
        (self.wait.as_secs() + u64::from(self.wait.subsec_nanos() > 0)).max(1)
    }

    /// The problem+json answer, with `Retry-After` and the `RateLimit` headers.
    pub fn problem(&self) -> Response {
        too_many(self.wait, self.burst, self.window)
    }

    /// Adds `Retry-After` and the `RateLimit` headers to another answer (an HTML page).
    pub fn headers(&self, resp: &mut Response) {
        rate_headers(resp, self.retry_after(), self.burst, self.window);
    }
}

fn quota(rate: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(rate.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

/// `burst` attempts at once, one more back every `period_seconds`.
fn slow_quota(burst: u32, period_seconds: u64) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(Duration::from_secs(period_seconds.max(1)))
        .unwrap_or(Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Limits {
    /// Limiters configured from the settings (whose `trusted_proxies` were checked on load).
    pub fn new(s: &Settings) -> Self {
        Self {
            reads: RateLimiter::keyed(quota(s.read_rate_per_second, s.read_burst)),
            writes: RateLimiter::keyed(quota(s.write_rate_per_second, s.write_burst)),
            read_burst: s.read_burst.max(1),
            write_burst: s.write_burst.max(1),
            sign_in_clients: RateLimiter::keyed(slow_quota(s.sign_in_client_burst, s.sign_in_client_period_seconds)),
            sign_in_accounts: RateLimiter::keyed(slow_quota(s.sign_in_account_burst, s.sign_in_account_period_seconds)),
            sign_in_client: (s.sign_in_client_burst.max(1), s.sign_in_client_period_seconds.max(1)),
            sign_in_account: (s.sign_in_account_burst.max(1), s.sign_in_account_period_seconds.max(1)),
            calls: AtomicU64::new(0),
            proxies: TrustedProxies::parse(&s.trusted_proxies).unwrap_or_default(),
        }
    }

    /// The address `req` counts against.
    pub fn client(&self, req: &Request) -> String {
        self.proxies.client_of(req)
    }

    /// Counts a sign-in attempt against its client address (every attempt, before the token is
    /// looked at): `Err` once the address has used its burst.
    pub fn sign_in_client(&self, client: &str) -> std::result::Result<(), Refused> {
        Self::check(&self.sign_in_clients, client, self.sign_in_client)
    }

    /// Counts a sign-in attempt against the account whose link it carried (current, used or
    /// expired; a token that names no account counts only against its address): `Err` once the
    /// account has used its burst.
    pub fn sign_in_account(&self, account: &str) -> std::result::Result<(), Refused> {
        Self::check(&self.sign_in_accounts, account, self.sign_in_account)
    }

    fn check(
        limiter: &DefaultKeyedRateLimiter<String>,
        key: &str,
        (burst, period): (u32, u64),
    ) -> std::result::Result<(), Refused> {
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&key.to_owned()).map_err(|not_until| Refused {
            wait: not_until.wait_time_from(DefaultClock::default().now()),
            burst,
            window: u64::from(burst) * period,
        })
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

fn too_many(wait: Duration, burst: u32, window: u64) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut resp =
        Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", format!("too many requests; retry in {secs} s"))
            .into_poem_response();
    rate_headers(&mut resp, secs.max(1), burst, window);
    resp
}

fn rate_headers(resp: &mut Response, secs: u64, burst: u32, window: u64) {
    let h = resp.headers_mut();
    let num = |n: u64| HeaderValue::from_str(&n.to_string()).unwrap_or(HeaderValue::from_static("1"));
    h.insert(header::RETRY_AFTER, num(secs));
    h.insert("RateLimit-Limit", num(u64::from(burst)));
    h.insert("RateLimit-Remaining", HeaderValue::from_static("0"));
    h.insert("RateLimit-Reset", num(secs));
    h.insert(
        "RateLimit-Policy",
        HeaderValue::from_str(&format!("{burst};w={window}")).unwrap_or(HeaderValue::from_static("1;w=1")),
    );
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
        return Ok(too_many(not_until.wait_time_from(DefaultClock::default().now()), burst, 1));
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
