//! Use cases: what `api` (HTTP) and `web` (pages) call, so both answer from the same functions.
//! A service function takes the [`Service`] and plain typed arguments, and returns read models
//! (from `store`) or computed results (from `domain`); it never sees a request or a row.
//!
//! - [`publish`]: publishing a document version (the store's one publication path).
//! - [`councils`], [`rosters`], [`sessions`], [`votes`], [`public_records`]: the read models
//!   every page and endpoint shows.
//! - [`metrics`]: council, deputy and ranking metrics, computed in batches and cached until a
//!   council's change number moves.
//! - [`log`]: the transparency log: its signed checkpoint, entries and proofs.
//! - [`replicas`]: which database a public read goes to (a caught-up replica, else the primary).
//! - [`search`]: search over the index the projection keeps.
//! - [`follow`]: what followers read: a council's changes, for its feed and the change stream.
//! - [`webhooks`]: subscriptions, signed deliveries with retries, and their log.
//! - [`workspace`]: the publishers' workspace: accounts, sessions, drafts, publishing them
//!   through [`publish`], roll calls from spreadsheets.

pub mod councils;
pub mod exports;
pub mod follow;
pub mod log;
pub mod metrics;
pub mod public_records;
pub mod publish;
pub mod replicas;
pub mod rosters;
pub mod search;
pub mod sessions;
pub mod votes;
pub mod webhooks;
pub mod workspace;

mod error;

pub use error::Error;

use std::sync::Arc;

use crate::auth::KeyRing;
use crate::config::Settings;
use crate::store::Db;
use crate::witness::Checkpoints;

/// What every use case needs: the database, the settings, the keys, and the caches of computed
/// results. One per server, shared by the API and the pages.
pub struct Service {
    /// The database pool.
    pub db: Db,
    /// The settings the server runs with.
    pub settings: Settings,
    /// The server's Ed25519 keys: the active one signs checkpoints, all of them verify tokens.
    pub keys: KeyRing,
    /// The log's origin and witnesses: what checkpoints are served with.
    pub checkpoints: Arc<Checkpoints>,
    /// Computed metrics and rankings.
    metrics: metrics::Caches,
    /// Bumped after each publication through this service: what the change stream and the
    /// webhook deliveries wait on (they also poll, for writes made by other processes).
    pub published: tokio::sync::watch::Sender<u64>,
    /// Read-only replicas the public reads may go to (see [`replicas`]).
    replicas: replicas::Replicas,
}

impl Service {
    /// A service over `db` with empty caches.
    pub fn new(db: Db, settings: Settings, keys: KeyRing, checkpoints: Arc<Checkpoints>) -> Self {
        Self {
            db,
            settings,
            keys,
            checkpoints,
            metrics: metrics::Caches::default(),
            published: tokio::sync::watch::Sender::new(0),
            replicas: replicas::Replicas::default(),
        }
    }

    /// This service with public reads going to `replicas` when they have caught up.
    pub fn with_replicas(mut self, replicas: replicas::Replicas) -> Self {
        self.replicas = replicas;
        self
    }

    /// True when replicas are configured.
    pub fn has_replicas(&self) -> bool {
        !self.replicas.is_empty()
    }

    /// A service with no database behind it: for building what depends only on types (the
    /// OpenAPI document). Every database call through it fails.
    pub fn unconnected() -> Self {
        let settings = Settings::default();
        let checkpoints =
            Checkpoints::new(settings.log_origin(), &settings).expect("the default settings have no witnesses");
        Self::new(Db::default(), settings, KeyRing::empty(), Arc::new(checkpoints))
    }

    /// The database pool's size and idle connections now.
    pub fn pool(&self) -> (u32, usize) {
        crate::store::pool_stats(&self.db)
    }

    /// The committed size of the transparency log, if the database answers.
    pub async fn log_size(&self) -> Option<u64> {
        crate::store::log::head(&self.db).await.ok().map(|(size, _)| size)
    }

    /// True when the database answers.
    pub async fn ready(&self) -> bool {
        crate::store::ping(&self.db).await
    }

    /// How many councils, deputies, sessions and vote events are on record.
    pub async fn totals(&self) -> Result<crate::store::Totals, Error> {
        Ok(crate::store::totals(&self.db).await?)
    }

    /// True when any council on record is made up (demo data).
    pub async fn any_synthetic(&self) -> Result<bool, Error> {
        Ok(crate::store::any_synthetic_council(&self.db).await?)
    }

    /// True when the token id `jti` has been revoked.
    pub async fn is_revoked(&self, jti: &str) -> Result<bool, Error> {
        Ok(crate::store::tokens::is_revoked(&self.db, jti).await?)
    }
}

pub use crate::store::VersionMeta;

/// A document's current state with the ETag of its current version (what `If-Match` names).
#[derive(Debug, Clone)]
pub struct Current<T> {
    /// The state.
    pub value: T,
    /// The strong ETag of the current version.
    pub etag: String,
}

/// The version number a version list's cursor names (0: from the first).
fn version_cursor(cursor: Option<&str>) -> Result<i32, Error> {
    cursor.filter(|c| !c.is_empty()).map_or(Ok(0), |c| {
        c.parse::<i32>().map_err(|_| Error::BadRequest("cursor is not one this server issued".into()))
    })
}
