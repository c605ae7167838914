//! Following a council: what changed, read from the log (each change is one logged version,
//! summarized from its own body, with a correction's reason).

use super::{Error, Service};

pub use crate::store::DocKind;
pub use crate::store::follow::{Change, Summary};

/// The council's latest `limit` logged versions (its own, its roster's and its sessions'),
/// newest first.
pub async fn council_changes(svc: &Service, council: &str, limit: u64) -> Result<Vec<Change>, Error> {
    Ok(crate::store::follow::council_changes(&svc.reads().await, council, limit).await?)
}

/// Changes read per query by the stream.
const STREAM_BATCH: u64 = 100;

/// Every change after `since` that matches `filter`, then each new one as it is published, for
/// as long as the stream is read. It ends when the database fails (the client reconnects with
/// `Last-Event-ID`).
pub fn change_stream(
    svc: std::sync::Arc<Service>,
    since: i64,
    filter: crate::service::votes::ChangeFilter,
) -> impl futures_util::Stream<Item = crate::service::VersionMeta> + Send + 'static {
    use std::collections::VecDeque;
    // Woken by this process's publications and, through the server's one watcher of the log
    // head (`store::watch_changes`), by those of other processes and nodes: no stream polls.
    let woken = svc.published.subscribe();
    let start = (svc, since, filter, woken, VecDeque::new());
    futures_util::stream::unfold(start, move |(svc, mut since, filter, mut woken, mut ready)| async move {
        loop {
            if let Some(next) = ready.pop_front() {
                return Some((next, (svc, since, filter, woken, ready)));
            }
            // Marked seen before the read: a publication after it wakes the wait below.
            woken.borrow_and_update();
            let page = crate::service::votes::changes(&svc, since, &filter, STREAM_BATCH).await.ok()?;
            if let Some(last) = page.items.last() {
                since = last.seq;
                ready.extend(page.items);
                continue;
            }
            woken.changed().await.ok()?;
        }
    })
}
