//! The only code that touches sea-orm: connecting, migrating, publishing document versions in
//! one transaction, and the queries behind every read.

pub mod accounts;
pub mod audit;
mod batch;
pub mod bulk;
pub mod councils;
pub mod derived;
pub mod export;
pub mod follow;
pub mod log;
pub mod metrics;
pub mod oparl;
pub mod paging;
pub(crate) mod projection;
pub mod public_records;
mod publish;
pub mod read;
pub mod rebuild;
pub mod search;
pub mod sessions;
mod stored;
pub mod tables;
pub mod tiles;
pub mod tokens;
mod version;
pub mod webhooks;
pub mod witness;
pub mod witnessing;

pub use publish::{DocKind, PublishMeta, Published, VersionMeta, canonical_json};

/// The database handle every store function takes. Other layers name it through here, so that
/// only `store` (and `startup`, which opens it) names sea-orm.
pub type Db = sea_orm::DatabaseConnection;

/// A batch of publications that stands or falls together: an import's file. Each publication in
/// it is its own savepoint (a refused one leaves the others), and nothing is visible or kept
/// until [`Batch::commit`]; dropping the batch (or [`Batch::rollback`]) discards all of it.
pub type Batch = sea_orm::DatabaseTransaction;

/// Starts a batch (see [`Batch`]). Its first publication takes the write lock, which the batch
/// then holds until it ends.
pub async fn begin_batch(db: &Db) -> Result<Batch, StoreError> {
    use sea_orm::TransactionTrait as _;
    Ok(db.begin().await?)
}

/// Ends a batch: commits it when `keep`, else discards all of it. Returns `keep`.
pub async fn end_batch(batch: Batch, keep: bool) -> Result<bool, StoreError> {
    if keep {
        batch.commit().await?;
    } else {
        batch.rollback().await?;
    }
    Ok(keep)
}

/// Refreshes PostgreSQL's planner statistics after a bulk load (the demo country, an import).
/// Until autovacuum reaches the new rows (a minute or more later), plans are chosen from the
/// statistics of empty tables: right after loading the scale-1 country, a council's metrics
/// (its state read by correlated subqueries) were served at 892 req/s instead of 7,561 after
/// the automatic `ANALYZE` (issue 25). SQLite keeps no statistics here (nothing runs `ANALYZE`
/// on it, see `.cargo/config.toml`), so there is nothing to do.
pub async fn refresh_statistics(db: &Db) -> Result<(), StoreError> {
    use sea_orm::{ConnectionTrait, DbBackend};
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// A read transaction over one consistent snapshot ([`snapshot`]); the readers that take any
/// connection take it too. Other layers name it through here.
pub type Snapshot = sea_orm::DatabaseTransaction;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::domain::Violation;

/// Why a store operation failed. Each variant is a kind the layers above act on (`api` maps each
/// to a status code); none is found by reading an error's text.
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
    /// The database cannot be reached now: the pool timed out or is closed, or the connection
    /// was lost. A temporary condition of the server, not a fault in the request.
    #[error("the database is unreachable: {0}")]
    Unavailable(DbErr),
    /// A stored value that does not parse as what its column holds: the projection and the
    /// code disagree, and the row is named so an operator can find it.
    #[error("{table} row {row}: stored {column} {value:?} does not parse")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row's key.
        row: String,
        /// The column.
        column: &'static str,
        /// The stored value (cut to 200 characters).
        value: String,
    },
    /// Any other database failure.
    #[error(transparent)]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        if unreachable(&e) { StoreError::Unavailable(e) } else { StoreError::Db(e) }
    }
}

impl StoreError {
    /// A stored `value` of `table.column` in the row keyed `row` that does not parse.
    pub fn corrupt(table: &'static str, row: impl Into<String>, column: &'static str, value: &str) -> Self {
        StoreError::Corrupt { table, row: row.into(), column, value: value.chars().take(200).collect() }
    }
}

/// True when `e` says the database could not be reached (rather than that a statement failed):
/// the pool gave no connection in time or is closed, the socket broke, or PostgreSQL refused or
/// dropped the connection (SQLSTATE class 08, and 57P01–57P03: shut down or starting up).
fn unreachable(e: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let inner = match e {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(s))
        | DbErr::Exec(RuntimeErr::SqlxError(s))
        | DbErr::Query(RuntimeErr::SqlxError(s)) => s,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match &**inner {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed
        | Sqlx::Protocol(_) => true,
        Sqlx::Database(d) => {
            d.code().is_some_and(|c| c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03"))
        }
        _ => false,
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

/// The change number `db` has reached: the last publication's `seq` (0 before the first). On a
/// streaming replica, how far it has replayed the primary's publications.
pub async fn change_number(db: &DatabaseConnection) -> Result<i64, StoreError> {
    use sea_orm::EntityTrait;
    Ok(crate::entity::write_head::Entity::find_by_id(1).one(db).await?.map_or(0, |h| h.last_seq))
}

/// A pool on a read-only replica at `url`, connected lazily (a replica that is away at start is
/// tried at the first read) and quick to give up: 2 s to connect or to get a connection.
pub async fn connect_replica(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(max_connections)
        .min_connections(0)
        .connect_timeout(Duration::from_secs(2))
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy(true)
        .sqlx_logging(false);
    Database::connect(opts).await
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
        .sqlx_logging(false);
    // The pool pings a connection each time it hands one out unless told otherwise: a round trip
    // to SQLite's worker thread, or to PostgreSQL over the network, before every query of every
    // request (on SQLite about a tenth of the server's CPU for a small read, issue 25). An SQLite
    // connection is in this process and cannot go stale; a PostgreSQL one is pinged only after a
    // second unused, when the server may have gone away since (a hot connection that has lost it
    // fails its query, which answers 503 like any loss of the database).
    if url.starts_with("sqlite:") {
        opts.test_before_acquire(false);
    } else {
        opts.test_before_acquire_if_idle_for(Duration::from_secs(1));
    }
    opts.map_sqlx_sqlite_opts(|o| {
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
/// others then find nothing to do. (SQLite's single write lock already serializes them.) Tables
/// of metric inputs a migration has just created are filled before this returns.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7436851)").await?;
        Migrator::up(&txn, None).await?;
        fill(&txn).await?;
        txn.commit().await
    } else {
        Migrator::up(db, None).await?;
        let txn = db.begin().await?;
        fill(&txn).await?;
        txn.commit().await
    }
}

/// Fills the tables of metric inputs the migrations just created ([`derived::fill_pending`]).
async fn fill<C: sea_orm::ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    derived::fill_pending(db).await.map(drop).map_err(|e| match e {
        StoreError::Db(e) | StoreError::Unavailable(e) => e,
        e => DbErr::Custom(format!("filling the tables of metric inputs: {e}")),
    })
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

/// The pool's size and idle connections now.
pub fn pool_stats(db: &Db) -> (u32, usize) {
    use sea_orm::DbBackend;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// True when the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// How many of each thing are on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Councils.
    pub councils: u64,
    /// Deputies, listed or not.
    pub deputies: u64,
    /// Sessions.
    pub sessions: u64,
    /// Vote events.
    pub vote_events: u64,
}

/// Counts the councils, deputies, sessions and vote events on record.
pub async fn totals(db: &Db) -> Result<Totals, StoreError> {
    use crate::entity::{council, deputy, session, vote_event};
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(Totals {
        councils: council::Entity::find().count(db).await?,
        deputies: deputy::Entity::find().count(db).await?,
        sessions: session::Entity::find().count(db).await?,
        vote_events: vote_event::Entity::find().count(db).await?,
    })
}

/// True when any council on record is made up (demo data).
pub async fn any_synthetic_council(db: &Db) -> Result<bool, StoreError> {
    use crate::entity::council;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    Ok(council::Entity::find().filter(council::Column::Synthetic.eq(true)).count(db).await? > 0)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    /// `.cargo/config.toml` builds the bundled SQLite with the options that reads' speed depends
    /// on (issue 25). A build that missed that file's `[env]` (another working directory, a
    /// vendored build) would lose them without a word; this says so.
    #[tokio::test]
    async fn the_bundled_sqlite_is_built_with_the_options_cargo_config_sets() {
        let db = super::connect("sqlite::memory:", 1).await.expect("an in-memory database");
        let rows = db
            .query_all_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA compile_options"))
            .await
            .expect("its compile options");
        let options: Vec<String> = rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect();
        assert!(options.len() > 5, "{options:?}");
        for wanted in ["DEFAULT_MEMSTATUS=0", "ENABLE_QPSG"] {
            assert!(options.iter().any(|o| o == wanted), "{wanted} missing from {options:?}");
        }
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "ENABLE_MEMORY_MANAGEMENT is on: {options:?}"
        );
    }
}
