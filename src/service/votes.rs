//! Vote events with every ballot, a deputy's voting record, and the change feed.

use super::{Error, Service};
use crate::store::VersionMeta;
use crate::store::paging::Page;
use crate::store::read::versions;
use crate::store::read::votes as read;

pub use crate::store::tables::VoteEvent;
pub use read::{BallotRead, DeputyBallotRead, VoteFilter};
pub use versions::ChangeFilter;

/// Vote events by session date, after `cursor`.
pub async fn list(svc: &Service, f: &VoteFilter, cursor: Option<&str>, limit: u64) -> Result<Page<VoteEvent>, Error> {
    Ok(read::list_vote_events(&svc.reads().await, f, cursor, limit).await?)
}

/// One vote event with its ballots, each with the voter's standing that day.
pub async fn get(svc: &Service, id: &str) -> Result<(VoteEvent, Vec<BallotRead>), Error> {
    Ok(read::get_vote_event(&svc.reads().await, id).await?)
}

/// A deputy's voting record, oldest first.
pub async fn deputy_ballots(
    svc: &Service,
    deputy: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<DeputyBallotRead>, Error> {
    Ok(read::list_deputy_ballots(&svc.reads().await, deputy, cursor, limit).await?)
}

/// Every accepted version after change number `since`, in order.
pub async fn changes(svc: &Service, since: i64, f: &ChangeFilter, limit: u64) -> Result<Page<VersionMeta>, Error> {
    if since < 0 {
        return Err(Error::BadRequest("since is a change number, 0 or more".into()));
    }
    Ok(versions::list_changes(&svc.reads().await, since, f, limit).await?)
}
