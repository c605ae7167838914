//! Reads from PostgreSQL streaming replicas, with read-your-writes.
//!
//! Every publication moves the change number (`write_head.last_seq`). A write answers with the
//! change number it left (`Maslikhat-Change`); a client that sends it back on its next reads
//! (`Maslikhat-Min-Change`, or the `maslikhat_change` cookie a browser keeps) is answered by a
//! replica only when that replica has replayed at least that far, else by the primary. A replica
//! that errors or does not answer is left alone for `replica_retry_seconds`; its reads go to the
//! primary meanwhile.
//!
//! A request's choice is made once, at its first read (one cheap query of the replica's log
//! head), and kept for the rest of the request, so one response reads one database. Only the
//! public read models read through [`Service::reads`]; writes, accounts, tokens and webhooks
//! always use the primary.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Service;
use crate::store::{Db, StoreError};

/// Which database answered a request's reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The primary (no replica configured, every replica behind or away).
    Primary,
    /// A replica.
    Replica,
}

impl Source {
    /// As sent in `Maslikhat-Read-From`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Replica => "replica",
        }
    }
}

/// One replica: its pool, and until when it is left alone after a failure.
struct Replica {
    db: Db,
    away_until: Mutex<Option<Instant>>,
}

/// The configured replicas (possibly none).
#[derive(Default)]
pub struct Replicas {
    list: Vec<Replica>,
    retry: Duration,
}

impl Replicas {
    /// The replicas' pools (`store::connect_replica`), each left alone for `retry` after it
    /// fails to answer.
    pub fn new(pools: Vec<Db>, retry: Duration) -> Self {
        Self { list: pools.into_iter().map(|db| Replica { db, away_until: Mutex::new(None) }).collect(), retry }
    }

    /// True when no replica is configured.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// One request's read context: the change number its client has seen, and the database its
/// reads were given (chosen at the first read).
struct Context {
    min_change: i64,
    chosen: tokio::sync::OnceCell<(Db, Source)>,
}

tokio::task_local! {
    static READ: Arc<Context>;
}

/// Runs `f` (one request) with reads going to a replica that has seen `min_change`; returns its
/// output and which database answered its reads (`None`: it read nothing through
/// [`Service::reads`]).
pub async fn scope<F: Future>(min_change: i64, f: F) -> (F::Output, Option<Source>) {
    let ctx = Arc::new(Context { min_change, chosen: tokio::sync::OnceCell::new() });
    let out = READ.scope(ctx.clone(), f).await;
    (out, ctx.chosen.get().map(|(_, s)| *s))
}

/// The change number `db` has reached (0 before the first publication).
pub async fn change_number(db: &Db) -> Result<i64, StoreError> {
    crate::store::change_number(db).await
}

impl Service {
    /// The database a public read goes to: inside a request ([`scope`]), a replica that has
    /// caught up with what its client has seen, else the primary; outside one (background work,
    /// commands), the primary.
    pub async fn reads(&self) -> Db {
        if self.replicas.is_empty() {
            return self.db.clone();
        }
        let Ok(ctx) = READ.try_with(Arc::clone) else { return self.db.clone() };
        ctx.chosen.get_or_init(|| self.choose(ctx.min_change)).await.0.clone()
    }

    async fn choose(&self, min_change: i64) -> (Db, Source) {
        for (i, r) in self.replicas.list.iter().enumerate() {
            {
                let mut away = r.away_until.lock().unwrap_or_else(|p| p.into_inner());
                match *away {
                    Some(until) if Instant::now() < until => continue,
                    Some(_) => *away = None,
                    None => {}
                }
            }
            match tokio::time::timeout(Duration::from_secs(2), change_number(&r.db)).await {
                Ok(Ok(seen)) if seen >= min_change => return (r.db.clone(), Source::Replica),
                Ok(Ok(seen)) => tracing::debug!(replica = i, seen, min_change, "replica behind; reading elsewhere"),
                failed => {
                    let error = match failed {
                        Ok(Err(e)) => e.to_string(),
                        _ => "no answer within 2 s".to_owned(),
                    };
                    tracing::warn!(replica = i, %error, retry_seconds = self.replicas.retry.as_secs(),
                        "replica unavailable; reading from the primary");
                    *r.away_until.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(Instant::now() + self.replicas.retry);
                }
            }
        }
        (self.db.clone(), Source::Primary)
    }
}
