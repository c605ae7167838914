//! `maslikhat witness serve`: an independent witness (C2SP tlog-witness) for logs such as this
//! one. It follows a configured list of logs (origin and verifier key), keeps the latest
//! checkpoint it cosigned for each in its own SQLite file, verifies every new checkpoint's
//! signature and its consistency with that one, and answers `POST /add-checkpoint` with its
//! `cosignature/v1` line, or with the spec's refusal: 400 malformed or smaller than the old
//! size, 403 not signed by a trusted key, 404 unknown log, 409 (with `text/x.tlog.size`) when
//! the old size is not its latest, 409 for another root at its latest size, 422 when the
//! consistency proof fails. Refusals of a known log are kept: a fork is evidence.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{EndpointExt, Response, Route, Server, get, handler, post};

use crate::domain::log::cosignature::{self, AddCheckpoint, CosignerKey, Refusal};
use crate::domain::log::note::{self, NoteVerifier};
use crate::store::{self, Db};

/// Largest request body (a checkpoint with up to 100 signatures and 63 proof lines fits easily).
const MAX_BODY: usize = 64 * 1024;

/// What a witness needs to run.
#[derive(Debug, Clone)]
pub struct WitnessConfig {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Its private key file (`maslikhat witness keys generate` writes it).
    pub key_file: PathBuf,
    /// Its database, `sqlite://FILE?mode=rwc`.
    pub database: String,
    /// The logs it follows: their verifier keys (the key name is the log's origin). Several keys
    /// of one origin are all trusted.
    pub logs: Vec<String>,
}

/// Why a witness could not start.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    /// The key file is missing or malformed.
    #[error("witness key {path}: {why}")]
    Key {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A log's verifier key does not parse.
    #[error("log key {key}: {why}")]
    LogKey {
        /// The key as given.
        key: String,
        /// What is wrong.
        why: note::NoteError,
    },
    /// The database could not be opened.
    #[error("witness database: {0}")]
    Db(#[from] store::StoreError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// Requests answered, by outcome (for operators and tests).
#[derive(Debug, Default)]
pub struct Stats {
    /// Checkpoints cosigned.
    pub cosigned: AtomicU64,
    /// Requests refused with 409 because the old size was not the latest.
    pub stale: AtomicU64,
    /// Other refusals.
    pub refused: AtomicU64,
}

struct State {
    db: Db,
    key: CosignerKey,
    logs: HashMap<String, Vec<NoteVerifier>>,
    /// Serializes check-and-record within this process (the compare-and-swap guards the rest).
    lock: tokio::sync::Mutex<()>,
    stats: Arc<Stats>,
}

/// A bound witness, ready to run.
pub struct WitnessServer {
    acceptor: poem::listener::TcpAcceptor,
    port: u16,
    state: Arc<State>,
}

/// Generates a witness key named `name`, writes it to `path` (mode 0600, never over an existing
/// file) and returns its `cosignature/v1` verifier key.
pub fn generate_key(name: &str, path: &Path) -> Result<String, WitnessError> {
    let fail = |why: String| WitnessError::Key { path: path.to_owned(), why };
    let key = CosignerKey { name: name.to_owned(), key: note::generate_signing_key() };
    let vkey = key.cosigner().map_err(|e| fail(e.to_string()))?.vkey();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    }
    crate::auth::write_private(path, &key.to_file_text()).map_err(|e| fail(e.to_string()))?;
    Ok(vkey)
}

fn load_key(path: &Path) -> Result<CosignerKey, WitnessError> {
    let fail = |why: String| WitnessError::Key { path: path.to_owned(), why };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    CosignerKey::from_file_text(&text).map_err(|e| fail(e.to_string()))
}

impl WitnessServer {
    /// Loads the key and the logs, opens the database and binds the address.
    pub async fn build(cfg: &WitnessConfig) -> Result<Self, WitnessError> {
        let key = load_key(&cfg.key_file)?;
        let mut logs: HashMap<String, Vec<NoteVerifier>> = HashMap::new();
        for k in &cfg.logs {
            let v = note::parse_verifier_key(k).map_err(|why| WitnessError::LogKey { key: k.clone(), why })?;
            logs.entry(v.name().to_owned()).or_default().push(v);
        }
        let db = store::witness::open(&cfg.database).await?;
        let addr = cfg.bind;
        let acceptor =
            TcpListener::bind(addr).into_acceptor().await.map_err(|source| WitnessError::Bind { addr, source })?;
        let port =
            acceptor.local_addr().first().and_then(|a| a.as_socket_addr().map(|s| s.port())).unwrap_or(addr.port());
        let stats = Arc::default();
        Ok(Self { acceptor, port, state: Arc::new(State { db, key, logs, lock: Default::default(), stats }) })
    }

    /// The port bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The witness's verifier key.
    pub fn verifier_key(&self) -> String {
        self.state.key.cosigner().map(|c| c.vkey()).unwrap_or_default()
    }

    /// Its counters.
    pub fn stats(&self) -> Arc<Stats> {
        self.state.stats.clone()
    }

    /// Serves until `shutdown` completes.
    pub async fn run_until(self, shutdown: impl std::future::Future<Output = ()> + Send) -> std::io::Result<()> {
        let app = Route::new()
            .at("/", get(about))
            .at("/add-checkpoint", post(add_checkpoint))
            .data(self.state)
            .with(poem::middleware::Tracing);
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(app, shutdown, Some(std::time::Duration::from_secs(10)))
            .await
    }
}

fn text(status: StatusCode, body: String) -> Response {
    Response::builder().status(status).content_type("text/plain; charset=utf-8").body(body)
}

#[handler]
async fn about(Data(state): Data<&Arc<State>>) -> Response {
    let mut logs: Vec<&String> = state.logs.keys().collect();
    logs.sort();
    let vkey = state.key.cosigner().map(|c| c.vkey()).unwrap_or_default();
    let list: String = logs.iter().map(|o| format!("log {o}\n")).collect();
    text(StatusCode::OK, format!("maslikhat witness {}\nverifier key {vkey}\n{list}", state.key.name))
}

#[handler]
async fn add_checkpoint(Data(state): Data<&Arc<State>>, body: poem::Body) -> Response {
    let body = match body.into_bytes_limit(MAX_BODY).await.map(|b| String::from_utf8(b.to_vec())) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => return text(StatusCode::BAD_REQUEST, "the body is not UTF-8 text\n".into()),
        Err(poem::error::ReadBodyError::PayloadTooLarge) => {
            return text(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is over {MAX_BODY} bytes\n"));
        }
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("the body could not be read: {e}\n")),
    };
    match judge(state, &body).await {
        Ok(Ok(line)) => {
            state.stats.cosigned.fetch_add(1, Ordering::Relaxed);
            text(StatusCode::OK, line)
        }
        Ok(Err(Refusal::Conflict { latest })) => {
            state.stats.stale.fetch_add(1, Ordering::Relaxed);
            Response::builder()
                .status(StatusCode::CONFLICT)
                .content_type("text/x.tlog.size")
                .body(format!("{latest}\n"))
        }
        Ok(Err(r)) => {
            state.stats.refused.fetch_add(1, Ordering::Relaxed);
            let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST);
            text(status, format!("{r}\n"))
        }
        Err(e) => {
            tracing::error!(error = %e, "witness database");
            text(StatusCode::SERVICE_UNAVAILABLE, "the witness cannot read or record its state; try again\n".into())
        }
    }
}

/// Checks a request and, when it passes, records the checkpoint and returns the cosignature.
async fn judge(state: &State, body: &str) -> Result<Result<String, Refusal>, store::StoreError> {
    let checked = AddCheckpoint::parse(body).and_then(|request| {
        let checkpoint = cosignature::verify_checkpoint(&request, |origin| state.logs.get(origin).cloned())?;
        Ok((request, checkpoint))
    });
    let (request, checkpoint) = match checked {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let _turn = state.lock.lock().await;
    let latest = store::witness::latest(&state.db, &checkpoint.origin).await?;
    if let Err(r) = cosignature::check_consistency(&request, &checkpoint, latest) {
        if matches!(r, Refusal::Fork | Refusal::Inconsistent) {
            tracing::warn!(origin = %checkpoint.origin, size = checkpoint.size, refusal = %r, "refused a checkpoint");
            store::witness::refused(&state.db, &checkpoint.origin, r.status(), &r.to_string(), body).await?;
        }
        return Ok(Err(r));
    }
    let (origin, size, root) = (&checkpoint.origin, checkpoint.size, &checkpoint.root);
    if !store::witness::advance(&state.db, origin, latest, size, root, &request.checkpoint).await? {
        // Another process advanced it in between: the client asks again with the new size.
        let now = store::witness::latest(&state.db, origin).await?;
        return Ok(Err(Refusal::Conflict { latest: now.map_or(0, |(s, _)| s) }));
    }
    let timestamp = chrono::Utc::now().timestamp().max(0) as u64;
    Ok(Ok(state.key.cosign(&checkpoint.text, timestamp)))
}
