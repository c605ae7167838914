//! Whole-council exports: the consistent snapshot they stream from, and the ETag that names
//! what it holds (the council's newest change number and the exporting version).

use super::{Error, Service};
use crate::store::{self, StoreError};

pub use store::Snapshot;

/// A snapshot in which council `id` exists, and the ETag of export `what` (`popolo`, a CSV
/// table's name) made from it.
pub async fn open(svc: &Service, id: &str, what: &str) -> Result<(Snapshot, String), Error> {
    let snap = store::snapshot(&svc.db).await.map_err(StoreError::from)?;
    store::councils::load_council(&snap, id).await?;
    let seq = store::export::change_number(&snap, id).await?;
    Ok((snap, format!("\"{what}-{seq}-{}\"", env!("CARGO_PKG_VERSION"))))
}
