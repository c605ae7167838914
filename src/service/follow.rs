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

/// The latest `limit` versions of what deputy `id` took part in: their council's roster and
/// every session record they voted or spoke in, newest first.
pub async fn deputy_changes(svc: &Service, id: &str, limit: u64) -> Result<Vec<Change>, Error> {
    let docs = crate::store::follow::deputy_documents(&svc.db, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("deputy {id}")))?;
    Ok(crate::store::follow::document_changes(&svc.db, &docs, limit).await?)
}

/// Search hits a search's feed follows: the most relevant this many.
const SEARCH_HITS: u64 = 100;

/// The latest `limit` versions of the documents a search finds (among its most relevant
/// [`SEARCH_HITS`] hits): a council's own document, the roster of a deputy's council, the session
/// record of an agenda item, decision, motion or speech. Newest first.
pub async fn search_changes(
    svc: &Service,
    text: &str,
    filter: &crate::store::search::SearchFilter,
    limit: u64,
) -> Result<Vec<Change>, Error> {
    use crate::domain::search::kind;
    let q = crate::domain::search::Query::parse(text);
    let found = crate::store::search::search(&svc.db, &q, filter, None, SEARCH_HITS).await?;
    let mut docs: Vec<(DocKind, String)> = vec![];
    for h in found.hits {
        let doc = match (h.kind.as_str(), h.session_id) {
            (kind::COUNCIL, _) => (DocKind::Council, h.council_id),
            (kind::DEPUTY, _) => (DocKind::Roster, h.council_id),
            (_, Some(session)) => (DocKind::SessionRecord, session),
            (_, None) => continue,
        };
        if !docs.contains(&doc) {
            docs.push(doc);
        }
    }
    Ok(crate::store::follow::document_changes(&svc.db, &docs, limit).await?)
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
