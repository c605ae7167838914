//! The only code that touches sea-orm: connecting, migrating, publishing document versions in
//! one transaction, and the queries behind every read.

pub mod accounts;
pub mod audit;
mod batch;
pub mod bulk;
pub mod councils;
pub mod export;
pub mod log;
pub mod metrics;
pub mod oparl;
pub mod projection;
pub mod public_records;
mod publish;
pub mod rebuild;
pub mod sessions;
pub mod tables;
pub mod tiles;
pub mod witness;
pub mod witnessing;

pub use publish::{DocKind, PublishMeta, Published, VersionMeta, canonical_json};

/// The database handle every store function takes. Other layers name it through here, so that
/// only `store` (and `startup`, which opens it) names sea-orm.
pub type Db = sea_orm::DatabaseConnection;

/// A read transaction over one consistent snapshot ([`snapshot`]); the readers that take any
/// connection take it too. Other layers name it through here.
pub type Snapshot = sea_orm::DatabaseTransaction;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::domain::Violation;

/// Why a store operation failed. `api` maps each to a status code.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing named does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// An update without `If-Match`.
    #[error("this document exists; send If-Match with its current ETag to replace it")]
    PreconditionRequired {
        /// The current ETag.
        current: String,
    },
    /// `If-Match` named another version.
    #[error("If-Match does not match the current version {current}")]
    PreconditionFailed {
        /// The current ETag.
        current: String,
    },
    /// The document breaks domain rules; nothing was stored.
    #[error("the document breaks {} rule(s)", .0.len())]
    Invalid(Vec<Violation>),
    /// A request the store cannot make sense of (e.g. a cursor it never issued).
    #[error("{0}")]
    BadRequest(String),
    /// A database failure.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl StoreError {
    /// A stored value that no write through the publication path could have left (the database
    /// was changed behind it): a server-side failure, named for the operator.
    pub fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Db(DbErr::Custom(what.into()))
    }
}

/// Looks at the log head every `every` and calls `changed` when it has moved: how a node learns
/// of writes made by other nodes or processes. Runs until the task is dropped; read errors are
/// skipped (the next tick tries again).
pub async fn watch_changes(db: DatabaseConnection, every: Duration, changed: impl Fn()) {
    use sea_orm::EntityTrait;
    let mut seen = None;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Ok(Some(h)) = crate::entity::write_head::Entity::find_by_id(1).one(&db).await {
            // The frontier too: a rewritten tree of the same size is a change as well.
            let now = Some((h.last_seq, h.log_size, h.frontier));
            if seen.is_some() && seen != now {
                changed();
            }
            seen = now;
        }
    }
}

/// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite runs in WAL mode with
/// `synchronous=FULL` (an acknowledged publication survives power loss), foreign keys on, and a
/// generous busy timeout because publications queue for the single write lock.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, max_connections, Duration::from_secs(30)).await
}

/// [`connect`] with how long a request may wait for a pooled connection: when the database is
/// away, requests fail after this long (as 503) instead of piling up.
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = std::path::Path::new(&path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                .create_if_missing(true)
                // Rows cross from SQLite's worker thread in a channel: a roomier one lets a large
                // read (metrics of a batch of councils) run ahead instead of waking per 50 rows.
                .row_buffer_size(1024)
        });
    Database::connect(opts).await
}

fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.to_owned())
}

/// Applies every pending migration. On PostgreSQL several nodes may start at once: the
/// migration runs in one transaction holding an advisory lock, so only one applies it and the
/// others then find nothing to do. (SQLite's single write lock already serializes them.)
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7436851)").await?;
        Migrator::up(&txn, None).await?;
        txn.commit().await
    } else {
        Migrator::up(db, None).await
    }
}

/// A read transaction that sees one consistent snapshot, so a read made of several queries never
/// mixes two publications: REPEATABLE READ on PostgreSQL; on SQLite (WAL) a read transaction is
/// a snapshot already.
pub async fn snapshot(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{AccessMode, DbBackend, IsolationLevel, TransactionTrait};
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await
        }
        _ => db.begin().await,
    }
}

/// True when the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}
