//! Settings: built-in defaults, then an optional TOML file, then `MASLIKHAT_*` environment
//! variables (and `DATABASE_URL`), into one typed [`Settings`].

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Everything the service can be configured with. Secrets are [`SecretString`]s: their `Debug`
/// output is redacted, so logging the settings never leaks them.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// A `postgres://` or `sqlite://` URL; when absent, the embedded SQLite file `sqlite_path`.
    #[serde(serialize_with = "redacted")]
    pub database_url: Option<SecretString>,
    /// The embedded database file, created on first start.
    pub sqlite_path: PathBuf,
    /// `postgres://` URLs of read-only streaming replicas of `database_url`. Public reads go to
    /// the first one that answers and has caught up with the change number the client has seen
    /// (`Maslikhat-Min-Change`), else to the primary; writes always go to the primary. Empty (the
    /// default): everything goes to the primary.
    #[serde(deserialize_with = "secret_list_or_commas", serialize_with = "redacted_list")]
    pub replica_urls: Vec<SecretString>,
    /// How long a replica that failed to answer is left alone before it is asked again, in seconds.
    pub replica_retry_seconds: u64,
    /// Folder of Ed25519 signing keys (`maslikhat keys generate` writes here).
    pub keys_dir: PathBuf,
    /// `iss` of the tokens this deployment issues and accepts.
    pub token_issuer: String,
    /// `aud` of the tokens this deployment issues and accepts.
    pub token_audience: String,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest `limit` a list accepts.
    pub max_page_size: u64,
    /// `json` for structured logs, `pretty` for people.
    pub log_format: LogFormat,
    /// The public base URL, used in links and canonical URLs (no trailing slash). Empty (the
    /// default): the address the server is bound to, so `serve --bind HOST:PORT` links to itself,
    /// and for a request relayed by one of `trusted_proxies` the origin it forwards
    /// (`X-Forwarded-Proto`/`X-Forwarded-Host` or `Forwarded`).
    pub public_url: String,
    /// Whether `public_url` was configured (rather than taken from the bound address); set on
    /// start. Only an unconfigured one gives way to the origin a trusted proxy forwards.
    #[serde(skip)]
    pub public_url_configured: bool,
    /// Largest database connection pool.
    pub db_max_connections: u32,
    /// Anonymous reads allowed per client address and second (sustained).
    pub read_rate_per_second: u32,
    /// Burst of anonymous reads per client address.
    pub read_burst: u32,
    /// Writes allowed per token and second (sustained).
    pub write_rate_per_second: u32,
    /// Burst of writes per token.
    pub write_burst: u32,
    /// Workspace sign-in attempts (`POST /publish/sign-in`) one client address may make at once;
    /// then 429 until one comes back (one every `sign_in_client_period_seconds`).
    pub sign_in_client_burst: u32,
    /// Seconds in which one client address gets one sign-in attempt back.
    pub sign_in_client_period_seconds: u64,
    /// Sign-in attempts with one account's links (current, used or expired) allowed at once,
    /// from all addresses together; then 429 for that account until one comes back. Keep it
    /// above `sign_in_client_burst` (and its period at most `sign_in_client_period_seconds`), so
    /// one client alone can never use up an account's attempts.
    pub sign_in_account_burst: u32,
    /// Seconds in which one account gets one sign-in attempt back.
    pub sign_in_account_period_seconds: u64,
    /// Addresses or networks (CIDR) of the proxies in front of this server. Only a connection from
    /// one of them has its `X-Forwarded-For` believed, and the client is the right-most address
    /// there that is not one of them (a client can write the left part of the header, never the
    /// right). Empty (the default): the client is the connection's peer.
    #[serde(deserialize_with = "list_or_commas")]
    pub trusted_proxies: Vec<String>,
    /// Replaced by `trusted_proxies`; setting it is an error that says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_forwarded_for: Option<bool>,
    /// Longest a request may take, in seconds, before it is answered with 503 (the body's
    /// arrival is bounded separately by `body_timeout_seconds`).
    pub request_timeout_seconds: u64,
    /// Longest a client may take to send a request's line and headers, counted from the first
    /// byte, in seconds; then the connection is closed.
    pub header_timeout_seconds: u64,
    /// Longest a client may take to send a request's whole body, in seconds; then 408.
    pub body_timeout_seconds: u64,
    /// Longest a connection may stay open with no request in progress, in seconds. Keep it above
    /// the keep-alive timeout of a proxy in front (nginx: 60 s), so the proxy closes first.
    pub idle_timeout_seconds: u64,
    /// Most connections served at once. When all are taken, the longest-idle one is closed to
    /// make room, or the new one gets 503 when none is idle. Lowered at start to fit the
    /// process's open-file limit.
    pub max_connections: usize,
    /// How long a request waits for a database connection before it is answered with 503.
    pub db_acquire_timeout_seconds: u64,
    /// Production mode: never generate a signing key on start; refuse to start without one.
    pub production: bool,
    /// The log's origin line in checkpoints, fixed when the log is first served (default then:
    /// `public_url` without its scheme, + `/log`); it is stored with the log, so a later
    /// `public_url` changes links, not the origin.
    pub log_origin: Option<String>,
    /// Longest a whole API response is reused by the server's own cache, in seconds (`0`: off).
    /// Any write makes every entry stale at once; this bounds clock-dependent responses.
    pub response_cache_seconds: u64,
    /// Memory for the server's response cache, in MiB.
    pub response_cache_mib: u64,
    /// How often the server looks for writes made by other nodes or processes, in milliseconds
    /// (their writes reach this node's response cache within this long).
    pub change_poll_ms: u64,
    /// Webhook deliveries may go to loopback addresses (tests, a receiver on the same host).
    /// Private, link-local, metadata and other non-public addresses are refused whatever this
    /// says, after DNS resolution.
    pub webhook_allow_loopback: bool,
    /// The first retry of a failed webhook delivery waits this long, in milliseconds; each next
    /// one twice as long as the one before.
    pub webhook_retry_base_ms: u64,
    /// Attempts of one webhook delivery before it is given up.
    pub webhook_max_attempts: u32,
    /// A webhook is disabled after this many failed attempts in a row (its owner re-enables it).
    pub webhook_disable_after: u32,
    /// Longest a webhook receiver may take to answer, in seconds.
    pub webhook_timeout_seconds: u64,
    /// Witnesses asked to cosign each new checkpoint (C2SP tlog-witness).
    pub witnesses: Vec<WitnessSetting>,
    /// Cosignatures a checkpoint needs before it is served (`0`: serve the newest checkpoint with
    /// whatever cosignatures it has). At most the number of witnesses.
    pub witness_quorum: u64,
    /// Longest one request to a witness may take, in milliseconds.
    pub witness_timeout_ms: u64,
}

/// One witness of the log: where its `add-checkpoint` is, and its `cosignature/v1` verifier key.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct WitnessSetting {
    /// Its submission prefix, e.g. `https://witness.example.kz` (requests go to
    /// `<url>/add-checkpoint`).
    pub url: String,
    /// Its verifier key, `<name>+<key id>+<base64(0x04 || Ed25519 key)>`.
    pub verifier_key: String,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line (production).
    Json,
    /// Human-readable lines (development).
    Pretty,
}

/// A list from a TOML array or from one comma-separated string (an environment variable).
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        List(Vec<String>),
        One(String),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::List(l) => l,
        Raw::One(s) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
    })
}

/// [`list_or_commas`] of secrets (URLs that may hold passwords).
fn secret_list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<SecretString>, D::Error> {
    Ok(list_or_commas(d)?.into_iter().map(SecretString::from).collect())
}

fn redacted_list<S: serde::Serializer>(v: &[SecretString], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|_| "[redacted]"))
}

fn redacted<S: serde::Serializer>(v: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_some("[redacted]"),
        None => s.serialize_none(),
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            sqlite_path: PathBuf::from("data/maslikhat.sqlite"),
            replica_urls: vec![],
            replica_retry_seconds: 10,
            keys_dir: PathBuf::from("data/keys"),
            token_issuer: "maslikhat".into(),
            token_audience: "maslikhat-api".into(),
            max_body_bytes: 8 * 1024 * 1024,
            max_page_size: 500,
            log_format: LogFormat::Pretty,
            public_url: String::new(),
            public_url_configured: false,
            db_max_connections: 16,
            log_origin: None,
            production: false,
            db_acquire_timeout_seconds: 10,
            read_rate_per_second: 50,
            read_burst: 200,
            write_rate_per_second: 20,
            write_burst: 100,
            sign_in_client_burst: 10,
            sign_in_client_period_seconds: 60,
            sign_in_account_burst: 30,
            sign_in_account_period_seconds: 60,
            trusted_proxies: vec![],
            trust_forwarded_for: None,
            request_timeout_seconds: 30,
            header_timeout_seconds: 10,
            body_timeout_seconds: 60,
            idle_timeout_seconds: 75,
            max_connections: 1024,
            response_cache_seconds: 5,
            response_cache_mib: 64,
            change_poll_ms: 1000,
            webhook_allow_loopback: false,
            webhook_retry_base_ms: 30_000,
            webhook_max_attempts: 8,
            webhook_disable_after: 10,
            webhook_timeout_seconds: 10,
            witnesses: vec![],
            witness_quorum: 0,
            witness_timeout_ms: 5000,
        }
    }
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid settings: {0}")]
pub struct SettingsError(#[from] Box<figment::Error>);

impl Settings {
    /// Loads defaults, then `file` (or `maslikhat.toml` if present), then the environment.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, SettingsError> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        let default_file = std::path::Path::new("maslikhat.toml");
        match file {
            Some(f) => fig = fig.merge(Toml::file_exact(f)),
            None if default_file.exists() => fig = fig.merge(Toml::file_exact(default_file)),
            None => {}
        }
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            fig = fig.merge(Serialized::default("database_url", url));
        }
        fig = fig.merge(Env::prefixed("MASLIKHAT_"));
        let settings: Self = fig.extract().map_err(|e| SettingsError(Box::new(e)))?;
        settings.check().map_err(|e| SettingsError(Box::new(figment::Error::from(e))))?;
        Ok(settings)
    }

    /// Refuses settings that would run unsafely or that are no longer read.
    pub fn check(&self) -> Result<(), String> {
        if self.trust_forwarded_for.is_some() {
            return Err("trust_forwarded_for was replaced by trusted_proxies: list the addresses or networks of \
                        the proxies in front of this server (e.g. MASLIKHAT_TRUSTED_PROXIES=10.0.0.0/8)"
                .into());
        }
        crate::api::client_address::TrustedProxies::parse(&self.trusted_proxies).map(|_| ())
    }

    /// The origin a new log gets: `log_origin`, else derived from `public_url`. An existing log
    /// keeps the origin stored with it (see `store::witnessing::origin`).
    pub fn log_origin(&self) -> String {
        self.log_origin.clone().unwrap_or_else(|| {
            let url = self.public_url_or(self.bind);
            let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
            format!("{}/log", host.trim_end_matches('/'))
        })
    }

    /// The base of absolute links in the answer being made: the origin a trusted proxy forwarded
    /// (see `api::client_address::follow_forwarded`), else `public_url`.
    pub fn link_base(&self) -> String {
        LINK_BASE.try_with(Clone::clone).unwrap_or_else(|_| self.public_url.clone())
    }

    /// `public_url`, or when it is not set, the URL of `bound` (the address actually listened
    /// on; an unspecified address such as `0.0.0.0` is reached on loopback).
    pub fn public_url_or(&self, bound: SocketAddr) -> String {
        if !self.public_url.is_empty() {
            return self.public_url.trim_end_matches('/').to_owned();
        }
        let mut addr = bound;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}")
    }

    /// The database URL to connect to: the configured one, else the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!("sqlite://{}?mode=rwc", self.sqlite_path.display()),
        }
    }
}

tokio::task_local! {
    /// The base of links while a request relayed by a trusted proxy is answered.
    static LINK_BASE: String;
}

/// The base of links a trusted proxy forwarded for the request being answered, if any.
pub fn forwarded_link_base() -> Option<String> {
    LINK_BASE.try_with(Clone::clone).ok()
}

/// Runs `f` (the answer to one request) with `base` as [`Settings::link_base`].
pub async fn with_link_base<F: std::future::Future>(base: String, f: F) -> F::Output {
    LINK_BASE.scope(base, f).await
}
