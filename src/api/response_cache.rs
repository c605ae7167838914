//! A server-side cache of whole API responses, so a read spike (a contested vote, election
//! night) costs one computation per resource instead of one per request.
//!
//! What is cached: `200` answers with an `ETag` to anonymous `GET`s under `/v1/`, the OParl
//! view and the citizens' pages (see [`crate::web::is_public_page`]), at most [`MAX_ENTRY_BYTES`] long, not marked `private` or `no-store`, and not a
//! streamed export (see [`STREAMED`](super::exports::STREAMED)).
//! The key is the path and query, a page's language, and the origin a trusted proxy forwarded
//! (links follow it, see `client_address::follow_forwarded`); nothing else of the request changes
//! these responses (the compression layer sits outside, so every encoding is made from the cached
//! body). A page whose language the query chose sets a cookie and is `private`: never stored.
//!
//! When an entry is current: it was computed in the cache's present data generation, which moves
//! when this node answers a write request that was not refused (after the write committed, before
//! the writer gets its answer, so a client reads its own writes; a 4xx changed nothing and moves
//! nothing) and, through
//! [`store::watch_changes`](crate::store::watch_changes), within `change_poll_ms` of a write
//! made elsewhere (another node, an import, the first-start loader); and it is younger than
//! `response_cache_seconds`. The age bound
//! is for responses that depend on the clock (metrics default to "now, to the minute"); it never
//! exceeds the `max-age` the response already grants shared caches.
//!
//! Concurrent misses of one key wait for the first to finish (one computation, not 64); while
//! it computes the successor of an entry that is only past its time (no write since, by less than
//! [`STALE_GRACE`]), the others get that entry, marked `detail=stale-while-revalidate`. And
//! `If-None-Match` is answered from the entry's `ETag`. Each response says what happened in
//! `Cache-Status` (RFC 9211): `maslikhat; hit` or `maslikhat; fwd=miss; stored`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use poem::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use poem::web::{Compress, CompressionAlgo};
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use super::compression::{Negotiated, token};
use super::middleware::not_modified;
use crate::config::Settings;

/// Bodies longer than this are not cached (they are pages of a few hundred items at most).
pub const MAX_ENTRY_BYTES: usize = 2 * 1024 * 1024;

/// How long past its time an entry of the present data may still answer while its successor is
/// computed: the `stale-while-revalidate` that reads already grant shared caches
/// ([`SHORT`](super::middleware::SHORT)).
pub const STALE_GRACE: Duration = Duration::from_secs(60);

/// `Cache-Status` of an answer from an entry past its time, while its successor is computed.
pub const STALE_HIT: &str = "maslikhat; hit; detail=stale-while-revalidate";

/// The response header that says whether the cache answered.
pub const CACHE_STATUS: &str = "cache-status";

struct Entry {
    generation: u64,
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
    operation: Option<&'static str>,
    /// The body compressed, made on first request for each encoding (br, zstd, gzip, deflate).
    encoded: [OnceLock<Bytes>; 4],
}

fn slot(algo: CompressionAlgo) -> usize {
    match algo {
        CompressionAlgo::BR => 0,
        CompressionAlgo::ZSTD => 1,
        CompressionAlgo::GZIP => 2,
        CompressionAlgo::DEFLATE => 3,
    }
}

/// `body` compressed with `algo`, through poem's encoder.
async fn encode(body: Bytes, algo: CompressionAlgo) -> Result<Bytes> {
    Ok(Compress::new(body, algo).into_response().into_body().into_bytes().await?)
}

impl Entry {
    /// Bytes held, counting the compressed copies as one more body at most.
    fn size(&self, key: &str) -> usize {
        key.len()
            + 2 * self.body.len()
            + self.headers.iter().map(|(k, v)| k.as_str().len() + v.len() + 32).sum::<usize>()
    }

    /// The cached response (compressed as negotiated, once per encoding), or `304` when
    /// `If-None-Match` names its ETag.
    async fn respond(
        &self,
        if_none_match: Option<&str>,
        encoding: Option<CompressionAlgo>,
        status: &'static str,
    ) -> Result<Response> {
        let not_modified = self
            .headers
            .get(header::ETAG)
            .and_then(|tag| not_modified(if_none_match, tag, self.headers.get(header::CACHE_CONTROL)));
        let mut resp = match (not_modified, encoding) {
            (Some(r), _) => r,
            (None, None) => {
                let mut r = Response::builder().status(StatusCode::OK).body(self.body.clone());
                *r.headers_mut() = self.headers.clone();
                r
            }
            (None, Some(algo)) => {
                let cell = &self.encoded[slot(algo)];
                let body = match cell.get() {
                    Some(b) => b.clone(),
                    None => {
                        let b = encode(self.body.clone(), algo).await?;
                        cell.get_or_init(|| b).clone()
                    }
                };
                let mut r = Response::builder().status(StatusCode::OK).body(body);
                *r.headers_mut() = self.headers.clone();
                r.headers_mut().remove(header::CONTENT_LENGTH);
                r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(token(algo)));
                r
            }
        };
        resp.headers_mut().insert(CACHE_STATUS, HeaderValue::from_static(status));
        if let Some(op) = self.operation {
            resp.set_data(poem_openapi::OperationId(op));
        }
        Ok(resp)
    }
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Arc<Entry>>,
    bytes: usize,
}

/// The cache of one server.
pub struct ResponseCache {
    generation: AtomicU64,
    ttl: Duration,
    capacity: usize,
    entries: RwLock<Entries>,
    /// One gate per key being computed, so concurrent misses wait for the first.
    inflight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl ResponseCache {
    /// A cache configured from the settings (`response_cache_seconds = 0` turns it off).
    pub fn new(s: &Settings) -> Self {
        Self {
            generation: AtomicU64::new(0),
            ttl: Duration::from_secs(s.response_cache_seconds),
            capacity: usize::try_from(s.response_cache_mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX),
            entries: RwLock::default(),
            inflight: Mutex::default(),
        }
    }

    /// Makes every entry stale: the stored data changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn enabled(&self) -> bool {
        !self.ttl.is_zero() && self.capacity > 0
    }

    fn current(&self, e: &Entry, generation: u64) -> bool {
        e.generation == generation && e.stored.elapsed() < self.ttl
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let generation = self.generation();
        let entries = self.entries.read().ok()?;
        entries.map.get(key).filter(|e| self.current(e, generation)).cloned()
    }

    /// An entry that is only old: computed from the present data (no write since), past its
    /// time but by less than [`STALE_GRACE`]. Served while another request computes its successor.
    fn get_stale(&self, key: &str) -> Option<Arc<Entry>> {
        let generation = self.generation();
        let entries = self.entries.read().ok()?;
        entries
            .map
            .get(key)
            .filter(|e| e.generation == generation && e.stored.elapsed() < self.ttl + STALE_GRACE)
            .cloned()
    }

    fn put(&self, key: String, entry: Arc<Entry>) {
        let size = entry.size(&key);
        if size > self.capacity {
            return;
        }
        let Ok(mut entries) = self.entries.write() else { return };
        if entries.bytes + size > self.capacity {
            // Drop what is no longer current; if that is not enough, start afresh (simple, and
            // the hot entries come back at the cost of one computation each).
            let generation = self.generation();
            entries.map.retain(|_, e| self.current(e, generation));
            entries.bytes = entries.map.iter().map(|(k, e)| e.size(k)).sum();
            if entries.bytes + size > self.capacity {
                entries.map.clear();
                entries.bytes = 0;
            }
        }
        if let Some(old) = entries.map.insert(key.clone(), entry) {
            entries.bytes = entries.bytes.saturating_sub(old.size(&key));
        }
        entries.bytes += size;
    }

    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut inflight = self.inflight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        inflight.entry(key.to_owned()).or_default().clone()
    }

    fn release(&self, key: &str) {
        let mut inflight = self.inflight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        inflight.remove(key);
    }
}

fn cacheable_request(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::GET
        && !req.headers().contains_key(header::AUTHORIZATION)
        // Read-your-writes: a client that names the change it has seen (it may have written on
        // another node, whose writes reach this cache only at the next poll) reads the database.
        && super::replicas::min_change(req).is_ok_and(|n| n == 0)
        && (path.starts_with("/v1/") || path.starts_with(super::oparl::PREFIX) || crate::web::is_public_page(path))
}

/// The key of a cacheable request: its path and query; for a citizens' page, the language the
/// page is written in (from the query, the `lang` cookie or `Accept-Language`: nothing else of
/// those headers changes a page, so two browsers that ask in different words for Russian share
/// one entry); and behind a trusted proxy, the origin it forwarded (links follow it).
fn key(req: &Request) -> String {
    let mut key = req.uri().path_and_query().map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
    if crate::web::is_public_page(req.uri().path()) {
        key.push_str(" lang=");
        key.push_str(crate::web::context(req).lang.code());
    }
    if let Some(base) = crate::config::forwarded_link_base() {
        key = format!("{base} {key}");
    }
    key
}

fn cacheable_response(resp: &Response) -> bool {
    resp.status() == StatusCode::OK
        && !resp.data::<poem_openapi::OperationId>().is_some_and(|op| super::exports::STREAMED.contains(&op.0))
        && resp.headers().contains_key(header::ETAG)
        && !resp
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|cc| cc.contains("no-store") || cc.contains("private"))
}

/// Removes a key's gate when its computation ends, however it ends.
struct Release<'a>(&'a ResponseCache, &'a str);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.release(self.1);
    }
}

/// Makes the cache stale when dropped, unless disarmed.
struct Invalidate<'a>(Option<&'a ResponseCache>);

impl Drop for Invalidate<'_> {
    fn drop(&mut self) {
        if let Some(cache) = self.0 {
            cache.invalidate();
        }
    }
}

/// Answers cacheable requests from `cache`, and stores what the endpoint answers to them.
pub async fn serve<E: Endpoint>(cache: Arc<ResponseCache>, next: E, mut req: Request) -> Result<Response> {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        // A write: whatever it did is committed by the time it answers. A refused one (4xx)
        // changed nothing, so it leaves the cache alone: a client's failures never cost the
        // others their cache. One that ends any other way, or is cancelled, may have committed.
        let mut pending = Invalidate(Some(&cache));
        let resp = next.call(req).await.map(IntoResponse::into_response);
        if resp.as_ref().is_ok_and(|r| r.status().is_client_error())
            || resp.as_ref().is_err_and(|e| e.status().is_client_error())
        {
            pending.0 = None;
        }
        return resp;
    }
    if !cache.enabled() || !cacheable_request(&req) {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    let key = key(&req);
    // The cache answers If-None-Match itself, so the endpoint always produces the whole body.
    let if_none_match = req.headers_mut().remove(header::IF_NONE_MATCH);
    let inm = if_none_match.as_ref().and_then(|v| v.to_str().ok());
    let encoding = req.data::<Negotiated>().map(|n| n.0);
    if let Some(hit) = cache.get(&key) {
        return hit.respond(inm, encoding, "maslikhat; hit").await;
    }
    // The first miss computes while holding the key's gate; the others wait for it once, then
    // take its answer, or (when it was not cacheable: an error, an export) compute side by side
    // rather than one after another.
    let gate = cache.gate(&key);
    let (_turn, _release) = match gate.try_lock() {
        Ok(turn) => (Some(turn), Some(Release(&cache, &key))),
        Err(_) => {
            // Another request is computing this key. If the entry it replaces is only old (the
            // data are the same; pages and metrics say "as of" a minute), that answers meanwhile,
            // rather than every reader waiting for one recomputation. After a write nobody gets
            // the old answer: they wait for the new one.
            if let Some(stale) = cache.get_stale(&key) {
                return stale.respond(inm, encoding, STALE_HIT).await;
            }
            drop(gate.lock().await);
            if let Some(hit) = cache.get(&key) {
                return hit.respond(inm, encoding, "maslikhat; hit").await;
            }
            (None, None)
        }
    };
    // Taken before the endpoint reads anything: a write committed meanwhile makes the entry stale.
    let generation = cache.generation();
    let resp = next.call(req).await?.into_response();
    if !cacheable_response(&resp) {
        // Not for the cache (a streamed export, an error): the usual If-None-Match rule.
        let tag = resp.headers().get(header::ETAG).filter(|_| resp.status() == StatusCode::OK);
        return Ok(tag.and_then(|t| not_modified(inm, t, resp.headers().get(header::CACHE_CONTROL))).unwrap_or(resp));
    }
    let operation = resp.data::<poem_openapi::OperationId>().map(|op| op.0);
    let (parts, body) = resp.into_parts();
    let body = body.into_bytes().await?;
    let entry = Arc::new(Entry {
        generation,
        stored: Instant::now(),
        headers: parts.headers,
        body,
        operation,
        encoded: Default::default(),
    });
    if entry.body.len() <= MAX_ENTRY_BYTES {
        cache.put(key.clone(), entry.clone());
    }
    entry.respond(inm, encoding, "maslikhat; fwd=miss; stored").await
}
