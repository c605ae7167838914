//! Use cases: what `api` (HTTP) and `web` (pages) call, so both answer from the same functions.
//! A service function takes the [`Service`] and plain typed arguments, and returns read models
//! (from `store`) or computed results (from `domain`); it never sees a request or a row.
//!
//! - [`metrics`]: council, deputy and ranking metrics, computed in batches and cached until a
//!   council's change number moves.
//! - [`log`]: the signed checkpoint of the transparency log.

pub mod log;
pub mod metrics;

mod error;

pub use error::Error;

use crate::auth::KeyRing;
use crate::config::Settings;
use crate::store::Db;

/// What every use case needs: the database, the settings, the keys, and the caches of computed
/// results. One per server, shared by the API and the pages.
pub struct Service {
    /// The database pool.
    pub db: Db,
    /// The settings the server runs with.
    pub settings: Settings,
    /// The server's Ed25519 keys: the active one signs checkpoints, all of them verify tokens.
    pub keys: KeyRing,
    /// Computed metrics and rankings.
    metrics: metrics::Caches,
}

impl Service {
    /// A service over `db` with empty caches.
    pub fn new(db: Db, settings: Settings, keys: KeyRing) -> Self {
        Self { db, settings, keys, metrics: metrics::Caches::default() }
    }
}
