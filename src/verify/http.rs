//! The verifier's HTTP client: polite to a server that limits its readers. A `429 Too Many
//! Requests` or `503 Service Unavailable` is waited out (for `Retry-After`, else the
//! `RateLimit-Reset` of the RateLimit headers, else a growing pause) and the request repeated; a
//! server that announces `RateLimit-Remaining: 0` is given its reset time before the next request.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::Fail;

/// How many times one request is repeated after 429/503 before `verify` gives up.
const MAX_RETRIES: u32 = 30;

/// The longest single wait honoured (a server asking for more is waited for this long, then
/// asked again).
const MAX_WAIT: Duration = Duration::from_secs(60);

/// How long a server asks to be left alone, from its headers: `Retry-After` (seconds; an HTTP
/// date is not used by this server and is ignored), else `RateLimit-Reset` (seconds), else the
/// `reset` of a combined `RateLimit: limit=…, remaining=…, reset=…` header.
pub fn wait_from_headers(h: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let secs = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0);
    let combined = || {
        text("ratelimit")?.split([',', ';']).find_map(|part| {
            let (k, v) = part.split_once('=')?;
            (k.trim() == "reset").then(|| secs(v.trim())).flatten()
        })
    };
    text("retry-after")
        .and_then(secs)
        .or_else(|| text("ratelimit-reset").and_then(secs))
        .or_else(combined)
        .map(|s| Duration::from_secs_f64(s).min(MAX_WAIT))
}

/// True when the server says no request is left in the current window.
fn exhausted(h: &HeaderMap) -> bool {
    h.get("ratelimit-remaining").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "0")
}

/// A client of one server, counting what it asked and how long it waited.
pub struct Http {
    client: reqwest::Client,
    base: String,
    /// Requests sent (repeats included).
    pub requests: u64,
    /// Requests answered 429 or 503 and repeated.
    pub limited: u64,
    /// Time spent waiting for the server's limits.
    pub waited: Duration,
    /// Not before this instant (the server said its window is used up).
    pause_until: Option<Instant>,
}

impl Http {
    /// A client of the server at `base`.
    pub fn new(base: &str) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_owned(),
            requests: 0,
            limited: 0,
            waited: Duration::ZERO,
            pause_until: None,
        }
    }

    async fn sleep(&mut self, d: Duration) {
        self.waited += d;
        tokio::time::sleep(d).await;
    }

    /// GETs `path` (starting with `/`), repeating it while the server answers 429 or 503.
    /// Returns the status and body of the first other answer.
    pub async fn get(&mut self, path: &str) -> Result<(StatusCode, Vec<u8>), Fail> {
        let url = format!("{}{path}", self.base);
        let mut attempt = 0u32;
        loop {
            if let Some(t) = self.pause_until.take() {
                self.sleep(t.saturating_duration_since(Instant::now())).await;
            }
            self.requests += 1;
            let r = self.client.get(&url).send().await?;
            let status = r.status();
            let wait = wait_from_headers(r.headers());
            if matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) {
                attempt += 1;
                self.limited += 1;
                if attempt > MAX_RETRIES {
                    return Err(format!("GET {path}: still {status} after {MAX_RETRIES} waits").into());
                }
                // Without a hint, back off: 1 s, 2 s, 4 s … up to the cap.
                let backoff = Duration::from_secs(1 << attempt.min(6)).min(MAX_WAIT);
                self.sleep(wait.unwrap_or(backoff).max(Duration::from_millis(100))).await;
                continue;
            }
            if exhausted(r.headers()) {
                self.pause_until = wait.map(|w| Instant::now() + w);
            }
            return Ok((status, r.bytes().await?.to_vec()));
        }
    }

    /// GETs `path` and parses JSON; any status but 2xx is an error naming the request.
    pub async fn json(&mut self, path: &str) -> Result<Value, Fail> {
        let (status, body) = self.get(path).await?;
        if !status.is_success() {
            return Err(format!("GET {path}: {status}").into());
        }
        Ok(serde_json::from_slice(&body)?)
    }

    /// Every item of a paged list at `path`, following `links.next`; the status of the first
    /// page that is not a success instead, if one is not.
    pub async fn all_items(&mut self, path: &str) -> Result<Result<Vec<Value>, StatusCode>, Fail> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{sep}limit=500"));
        let mut items = vec![];
        while let Some(p) = next.take() {
            let (status, body) = self.get(&p).await?;
            if !status.is_success() {
                return Ok(Err(status));
            }
            let page: Value = serde_json::from_slice(&body)?;
            items.extend(page["items"].as_array().cloned().unwrap_or_default());
            next = page["links"]["next"].as_str().map(str::to_owned);
        }
        Ok(Ok(items))
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn retry_after_wins_then_the_ratelimit_reset_then_the_combined_header() {
        let d = |s: f64| Some(Duration::from_secs_f64(s));
        assert_eq!(wait_from_headers(&headers(&[("retry-after", "3"), ("ratelimit-reset", "9")])), d(3.0));
        assert_eq!(wait_from_headers(&headers(&[("ratelimit-reset", "2")])), d(2.0));
        assert_eq!(wait_from_headers(&headers(&[("ratelimit", "limit=100, remaining=0, reset=7")])), d(7.0));
        assert_eq!(wait_from_headers(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")])), None);
        assert_eq!(wait_from_headers(&headers(&[("retry-after", "86400")])), Some(MAX_WAIT));
        assert_eq!(wait_from_headers(&headers(&[])), None);
    }

    #[test]
    fn a_window_is_used_up_only_when_nothing_remains() {
        assert!(exhausted(&headers(&[("ratelimit-remaining", "0")])));
        assert!(!exhausted(&headers(&[("ratelimit-remaining", "3")])));
        assert!(!exhausted(&headers(&[])));
    }
}
