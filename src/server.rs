//! The connection loop: accepts TCP connections and serves HTTP/1.1 (and h2c) on each with
//! hyper, under limits a client cannot stretch.
//!
//! - **Header timeout**: from the first byte of a request, its line and headers must arrive within
//!   `header_timeout_seconds`, or the connection is closed (a dripped header or a bare request
//!   line holds nothing for long).
//! - **Idle timeout**: a connection with no request in progress and nothing arriving is closed
//!   after `idle_timeout_seconds`.
//! - **Body timeout** and the request timeout are applied per request by
//!   [`limits::guard`](crate::api::limits::guard).
//! - **Connection cap**: at most `max_connections` at once, lowered to fit the open-file limit.
//!   At the cap, the connection idle the longest (or, if none is idle, the one slowest to send its
//!   headers) is closed to make room; when every connection has a request in progress, the new one
//!   is answered 503 and closed. So idle sockets, however many, never lock out `/health`.
//! - **hyper's own refusals** (a malformed request line, a URL over 64 KiB: 414, headers too large
//!   or too many: 431) are answered by hyper before any endpoint runs, with an empty body; they are
//!   rewritten into problem+json on their way out (see [`automatic_problem`]).
//!
//! poem's `Server` offers none of these (only an inactivity timeout that a drip resets), hence
//! this loop; requests still go through the same poem endpoint.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use poem::http::StatusCode;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Endpoint, Request};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use crate::api::problem::Problem;
use crate::config::Settings;

/// The limits one server applies to its connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Longest time from a request's first byte to the end of its headers.
    pub header: Duration,
    /// Longest time a connection may wait with no request in progress.
    pub idle: Duration,
    /// Most connections at once.
    pub max: usize,
}

/// Files the process keeps open besides client connections: the database pool, the log, the
/// SQLite WAL and shared-memory files, the listener, the keys being read.
const RESERVED_FILES: usize = 64;

impl ConnectionLimits {
    /// The limits of `settings`, with the cap lowered to the process's open-file limit.
    pub fn from_settings(settings: &Settings) -> Self {
        let mut max = settings.max_connections.max(1);
        if let Some(files) = open_file_limit() {
            let fit = files.saturating_sub(RESERVED_FILES + settings.db_max_connections as usize).max(1);
            if fit < max {
                tracing::warn!(
                    max_connections = max,
                    open_file_limit = files,
                    lowered_to = fit,
                    "connection cap lowered"
                );
                max = fit;
            }
        }
        Self {
            header: Duration::from_secs(settings.header_timeout_seconds.max(1)),
            idle: Duration::from_secs(settings.idle_timeout_seconds.max(1)),
            max,
        }
    }
}

/// The soft limit on open files, where the system says (Linux).
fn open_file_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files").split_whitespace().next()?.parse().ok()
}

/// What one connection is doing, as its reader, its requests and the watch see it. Times are
/// milliseconds since the server started; 0 means "not now".
struct Conn {
    in_flight: AtomicUsize,
    idle_since: AtomicU64,
    head_since: AtomicU64,
    /// Wakes the connection's watch when the above change.
    changed: Notify,
    /// Asks the connection to close (to make room under the cap).
    evict: Notify,
    evicted: std::sync::atomic::AtomicBool,
}

impl Conn {
    fn new(now: u64) -> Self {
        Self {
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(now),
            head_since: AtomicU64::new(0),
            changed: Notify::new(),
            evict: Notify::new(),
            evicted: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// When the connection must be done waiting, if it is waiting for the client at all, and
    /// how long it has waited (for choosing whom to evict).
    fn deadline(&self, limits: &ConnectionLimits) -> Option<(u64, bool)> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        match self.head_since.load(Ordering::Acquire) {
            0 => Some((self.idle_since.load(Ordering::Acquire) + millis(limits.idle), true)),
            t => Some((t + millis(limits.header), false)),
        }
    }

    fn bytes_arrived(&self, now: u64) {
        if self.in_flight.load(Ordering::Acquire) == 0
            && self.head_since.compare_exchange(0, now.max(1), Ordering::AcqRel, Ordering::Acquire).is_ok()
        {
            self.changed.notify_one();
        }
    }

    fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_since.store(0, Ordering::Release);
    }

    fn request_ended(&self, now: u64) {
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle_since.store(now, Ordering::Release);
            self.changed.notify_one();
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The server's clock and its connections.
struct Registry {
    epoch: Instant,
    limits: ConnectionLimits,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    closed: Notify,
}

impl Registry {
    fn now(&self) -> u64 {
        millis(self.epoch.elapsed()).max(1)
    }

    fn len(&self) -> usize {
        self.conns.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Registers a new connection, making room under the cap if needed; `None` when every
    /// connection has a request in progress.
    fn admit(&self) -> Option<(u64, Arc<Conn>)> {
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        let live = || conns.values().filter(|c| !c.evicted.load(Ordering::Acquire));
        if conns.len() >= self.limits.max && live().count() >= self.limits.max {
            // The longest-idle connection goes first, then the one slowest with its headers.
            let victim = live()
                .filter_map(|c| c.deadline(&self.limits).map(|(d, idle)| (!idle, d, c)))
                .min_by_key(|(busy, d, _)| (*busy, *d))
                .map(|(_, _, c)| c.clone())?;
            victim.evicted.store(true, Ordering::Release);
            victim.evict.notify_one();
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn::new(self.now()));
        conns.insert(id, conn.clone());
        Some((id, conn))
    }

    fn remove(&self, id: u64) {
        self.conns.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
        self.closed.notify_waiters();
    }
}

/// Serves `ep` on `listener` until `shutdown` completes; then stops accepting, lets requests in
/// progress finish (at most `grace`), and returns.
pub async fn serve<E>(
    listener: TcpListener,
    ep: E,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
    grace: Duration,
) -> io::Result<()>
where
    E: Endpoint<Output = poem::Response> + 'static,
{
    let ep = Arc::new(ep);
    let local = listener.local_addr()?;
    let registry = Arc::new(Registry {
        epoch: Instant::now(),
        limits,
        next_id: AtomicU64::new(1),
        conns: Mutex::default(),
        closed: Notify::new(),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    tracing::info!(addr = %local, max_connections = limits.max, "listening");
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                match registry.admit() {
                    Some((id, conn)) => {
                        let task = Connection { registry: registry.clone(), id, conn, local, peer };
                        tokio::spawn(task.run(stream, ep.clone(), stop_rx.clone()));
                    }
                    None => {
                        tokio::spawn(refuse_busy(stream));
                    }
                }
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = async {
        while registry.len() > 0 {
            let closed = registry.closed.notified();
            if registry.len() == 0 {
                break;
            }
            closed.await;
        }
    };
    if tokio::time::timeout(grace, drained).await.is_err() {
        tracing::warn!(open = registry.len(), "connections still open after the grace period; closing them");
    }
    Ok(())
}

/// One accepted connection.
struct Connection {
    registry: Arc<Registry>,
    id: u64,
    conn: Arc<Conn>,
    local: SocketAddr,
    peer: SocketAddr,
}

impl Connection {
    async fn run<E>(self, stream: TcpStream, ep: Arc<E>, mut stop: watch::Receiver<bool>)
    where
        E: Endpoint<Output = poem::Response> + 'static,
    {
        let io = Watched { inner: stream, conn: self.conn.clone(), registry: self.registry.clone(), out: None };
        let (conn, registry) = (self.conn.clone(), self.registry.clone());
        let (local, remote) = (LocalAddr(Addr::SocketAddr(self.local)), RemoteAddr(Addr::SocketAddr(self.peer)));
        let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
            conn.request_started();
            let req = Request::from((req, local.clone(), remote.clone(), poem::http::uri::Scheme::HTTP));
            handle(ep.clone(), conn.clone(), registry.clone(), req)
        });
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http1().keep_alive(true);
        let served = builder.serve_connection(TokioIo::new(io), service);
        tokio::pin!(served);
        let mut stopping = false;
        loop {
            let wait = self.conn.deadline(&self.registry.limits).map(|(at, _)| at.saturating_sub(self.registry.now()));
            let timer = tokio::time::sleep(wait.map_or(Duration::from_secs(3600), Duration::from_millis));
            tokio::select! {
                _ = served.as_mut() => break,
                () = self.conn.changed.notified() => {}
                () = self.conn.evict.notified() => break,
                () = timer, if wait.is_some() => {
                    if self.conn.deadline(&self.registry.limits).is_some_and(|(at, _)| at <= self.registry.now()) {
                        break;
                    }
                }
                changed = stop.changed(), if !stopping => {
                    stopping = true;
                    if changed.is_ok() {
                        served.as_mut().graceful_shutdown();
                    }
                }
            }
        }
        self.registry.remove(self.id);
    }
}

/// Serves one request through the poem endpoint, keeping it in flight until its body is sent.
async fn handle<E>(
    ep: Arc<E>,
    conn: Arc<Conn>,
    registry: Arc<Registry>,
    req: Request,
) -> Result<hyper::Response<Tracked>, std::convert::Infallible>
where
    E: Endpoint<Output = poem::Response> + 'static,
{
    let resp: hyper::Response<BoxBody<Bytes, io::Error>> = ep.get_response(req).await.into();
    let guard = InFlight { conn, registry };
    Ok(resp.map(|body| Tracked { body, _guard: guard }))
}

/// Ends a request's time in flight when its response has been sent (or dropped).
struct InFlight {
    conn: Arc<Conn>,
    registry: Arc<Registry>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.conn.request_ended(self.registry.now());
    }
}

/// A response body that keeps its request in flight until it is sent.
struct Tracked {
    body: BoxBody<Bytes, io::Error>,
    _guard: InFlight,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// Answers a connection the cap has no room for, and closes it.
async fn refuse_busy(mut stream: TcpStream) {
    let problem = Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "too-many-connections",
        "the server is serving as many connections as it can; try again in a moment",
    );
    let bytes = problem_response(problem, &[("retry-after", "1")]);
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&bytes).await?;
        stream.shutdown().await
    })
    .await;
}

/// A whole HTTP/1.1 response carrying `problem`, that closes the connection.
fn problem_response(mut problem: Problem, extra: &[(&str, &str)]) -> Vec<u8> {
    let id = uuid::Uuid::new_v4().to_string();
    problem.request_id = Some(id.clone());
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\nx-request-id: {id}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or(""),
        crate::api::problem::PROBLEM_JSON,
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&body);
    out
}

/// When `written` ends with one of the responses hyper writes by itself on a request it cannot
/// parse (a status line of 400, 414 or 431, `content-length: 0`, perhaps `connection: close` and
/// a date, and nothing else: the
/// exact shape of hyper's automatic response, which no endpoint of ours sends, since every one of
/// their errors has a problem+json body), the same bytes with that response replaced by a
/// problem+json one. hyper closes the connection after it.
fn automatic_problem(written: &[u8]) -> Option<Vec<u8>> {
    const START: &[u8] = b"HTTP/1.1 ";
    // hyper's automatic response is a head of about a hundred bytes at the end of the write:
    // only that tail is read, so a response body (every write of every answer passes here) is
    // never scanned. Reading whole writes cost two thirds of the CPU of serving a cached page.
    if !written.ends_with(b"\r\n\r\n") {
        return None;
    }
    let tail = written.len().saturating_sub(AUTOMATIC_HEAD_MAX);
    let at = tail + written[tail..].windows(START.len()).rposition(|w| w == START)?;
    let head = std::str::from_utf8(&written[at..]).ok()?;
    let rest = head.strip_suffix("\r\n\r\n")?;
    let mut lines = rest.split("\r\n");
    let status = lines.next()?.strip_prefix("HTTP/1.1 ")?.get(..3)?;
    let headers: Vec<&str> = lines.collect();
    let only_hypers =
        headers.iter().all(|h| matches!(*h, "connection: close" | "content-length: 0") || h.starts_with("date: "));
    if !only_hypers || !headers.contains(&"content-length: 0") {
        return None;
    }
    let problem = match status {
        "400" => Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "the request line or a header is malformed; send a valid HTTP/1.1 request",
        ),
        "414" => Problem::new(
            StatusCode::URI_TOO_LONG,
            "uri-too-long",
            "the URL is longer than the server accepts (64 KiB); send long input in a request body",
        ),
        "431" => Problem::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "header-fields-too-large",
            "the request has too many header fields (over 100) or they are too large; send fewer or shorter ones",
        ),
        _ => return None,
    };
    let mut out = written[..at].to_vec();
    out.extend(problem_response(problem, &[]));
    Some(out)
}

/// A connection's socket, watched: reads mark the start of a request's head, and hyper's
/// automatic error responses are rewritten (writes are flattened, so each response head arrives
/// whole in one write).
/// The longest head hyper writes on its own (a status line, `connection: close`,
/// `content-length: 0` and a date: about a hundred bytes), with room to spare.
const AUTOMATIC_HEAD_MAX: usize = 256;

struct Watched {
    inner: TcpStream,
    conn: Arc<Conn>,
    registry: Arc<Registry>,
    /// Rewritten bytes still to send, and how many are sent.
    out: Option<(Vec<u8>, usize)>,
}

impl Watched {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, sent)) = &mut self.out {
            if *sent == bytes.len() {
                self.out = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *sent += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            self.conn.bytes_arrived(self.registry.now());
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        if let Some(rewritten) = automatic_problem(data) {
            self.out = Some((rewritten, 0));
            return Poll::Ready(Ok(data.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::automatic_problem;

    #[test]
    fn hyper_s_own_refusals_become_problem_json_and_nothing_else_changes() {
        let date = "date: Fri, 04 Dec 2026 10:00:00 GMT";
        for (status, rule) in [
            ("431 Request Header Fields Too Large", "header-fields-too-large"),
            ("414 URI Too Long", "uri-too-long"),
            ("400 Bad Request", "bad-request"),
        ] {
            let auto = format!("HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: 0\r\n{date}\r\n\r\n");
            let out = String::from_utf8(automatic_problem(auto.as_bytes()).expect("rewritten")).expect("utf-8");
            assert!(out.starts_with(&format!("HTTP/1.1 {}", &status[..3])), "{out}");
            assert!(out.contains("content-type: application/problem+json"), "{out}");
            let body: serde_json::Value =
                serde_json::from_str(out.split("\r\n\r\n").nth(1).expect("body")).expect("json");
            assert_eq!(body["status"].as_u64().map(|s| s.to_string()).as_deref(), Some(&status[..3]));
            assert!(body["type"].as_str().is_some_and(|t| t.ends_with(rule)), "{body}");
            // Earlier bytes of the same write are kept.
            let both = format!("HTTP/1.1 304 Not Modified\r\n{date}\r\n\r\n{auto}");
            let out = automatic_problem(both.as_bytes()).expect("rewritten");
            assert!(out.starts_with(b"HTTP/1.1 304 Not Modified\r\n"));
            // After a long response in the same write (only the write's tail is read).
            let long = format!("HTTP/1.1 200 OK\r\ncontent-length: 1000000\r\n\r\n{}{auto}", "x".repeat(1_000_000));
            let out = automatic_problem(long.as_bytes()).expect("rewritten after a long body");
            assert_eq!(&out[..1_000_040], &long.as_bytes()[..1_000_040], "the long response is kept as it was");
            assert!(String::from_utf8_lossy(&out[1_000_000..]).contains("application/problem+json"));
        }
        // Responses of our endpoints are never touched: they have bodies and other headers.
        for ours in [
            format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: 90\r\n{date}\r\n\r\n"
            ),
            format!("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n{date}\r\n\r\n"),
            "HTTP/1.1 431 x".to_owned(),
            "a body that ends with \r\n\r\n".to_owned(),
            // A body that quotes hyper's head, but not at the write's end.
            format!(
                "HTTP/1.1 200 OK\r\ncontent-length: 120\r\n\r\nHTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}",
                "y".repeat(70)
            ),
        ] {
            assert!(automatic_problem(ours.as_bytes()).is_none(), "{ours}");
        }
    }
}
