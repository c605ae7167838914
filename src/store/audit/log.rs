//! The log's own checks: every leaf recomputed from its stored version, the root and the stored
//! tile hashes from the leaves, and no version outside the log. Read a page at a time; the root is folded into the
//! tree's frontier, so memory stays flat however long the log.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Finding, Run, Sink};
use std::collections::BTreeMap;

use crate::domain::log::leaf_time;
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::tiles;
use crate::domain::log::{self as tlog, canonical};
use crate::entity::{document_version, log_entry, log_tile_hash};
use crate::store::StoreError;

/// Entries read at a time (with their versions' bodies).
const PAGE: u64 = 500;

/// Checks one entry against its version; returns the recomputed leaf hash.
fn entry(run: &mut Run, expected: i64, e: &log_entry::Model, v: Option<&document_version::Model>) -> Hash {
    let row = e.idx.to_string();
    if e.idx != expected {
        run.finding(Finding::log("log_entry", &row, format!("index {} where {expected} was expected (a gap)", e.idx)));
    }
    let leaf = merkle::leaf_hash(e.leaf_data.as_bytes());
    if canonical::to_hex(&leaf) != e.leaf_hash {
        run.finding(Finding::log("log_entry", &row, "leaf_hash is not SHA-256(0x00 || leaf_data)"));
    }
    let Some(v) = v else {
        run.finding(Finding::log("log_entry", &row, "its document version is missing"));
        return leaf;
    };
    let vrow = format!("{} ({} {} v{})", v.id, v.kind, v.doc_id, v.version);
    let body_sha = canonical::sha256_hex(v.body.as_bytes());
    if body_sha != v.sha256 {
        run.finding(Finding::log("document_version", &vrow, "the stored body no longer hashes to its sha256"));
    }
    let data = tlog::leaf_data(
        e.idx as u64,
        v.council_id.as_deref(),
        &v.kind,
        &v.doc_id,
        i64::from(v.version),
        &leaf_time(v.received_at),
        &body_sha,
    );
    if data.as_deref().ok() != Some(e.leaf_data.as_str()) {
        run.finding(Finding::log(
            "document_version",
            &vrow,
            format!("does not match the leaf data of log entry {}", e.idx),
        ));
    }
    if v.log_index != Some(e.idx) {
        run.finding(Finding::log("document_version", &vrow, format!("its log_index is not {}", e.idx)));
    }
    leaf
}

/// Recomputes every leaf and the root, and looks for versions no entry logs.
pub(super) async fn check<C: ConnectionTrait>(db: &C, run: &mut Run<'_>) -> Result<(), StoreError> {
    let mut frontier: Vec<Hash> = vec![];
    // The tile hashes the leaves make (one per 256 leaves, fewer above): small enough to hold.
    let mut derived: BTreeMap<(u8, u64), Hash> = BTreeMap::new();
    let mut count = 0u64;
    let mut last = i64::MIN;
    loop {
        let entries = log_entry::Entity::find()
            .filter(log_entry::Column::Idx.gt(last))
            .order_by_asc(log_entry::Column::Idx)
            .limit(PAGE)
            .all(db)
            .await?;
        let Some(tail) = entries.last() else { break };
        last = tail.idx;
        let versions = crate::store::log::versions_of(db, &entries).await?;
        let n = entries.len() as u64;
        for e in &entries {
            let leaf = entry(run, count as i64, e, versions.get(&e.version_id));
            for t in tiles::append_leaf(&mut frontier, count, leaf) {
                derived.insert((t.level, t.index), t.hash);
            }
            count += 1;
        }
        run.summary.entries += n;
        run.advance(n);
    }
    let (head_size, head_root) = crate::store::log::head(db).await?;
    if head_size != run.summary.entries || head_root != tlog::frontier_root(&frontier) {
        run.finding(Finding::log(
            "write_head",
            "1",
            "the stored tree size or root differs from the one recomputed from the leaves",
        ));
    }
    tile_hashes(db, run, derived).await?;
    unlogged(db, run).await
}

/// Compares the stored tile hashes (levels ≥ 1, which serve tiles and proofs) with the ones the
/// leaves make: changed, missing and extra rows are each named.
async fn tile_hashes<C: ConnectionTrait>(
    db: &C,
    run: &mut Run<'_>,
    mut derived: BTreeMap<(u8, u64), Hash>,
) -> Result<(), StoreError> {
    let stored = log_tile_hash::Entity::find()
        .order_by_asc(log_tile_hash::Column::Level)
        .order_by_asc(log_tile_hash::Column::Idx)
        .all(db)
        .await?;
    for t in stored {
        let row = format!("level {} index {}", t.level, t.idx);
        let key = (u8::try_from(t.level).unwrap_or(u8::MAX), u64::try_from(t.idx).unwrap_or(u64::MAX));
        match derived.remove(&key) {
            Some(h) if canonical::to_hex(&h) == t.hash => {}
            Some(h) => run.finding(Finding::log(
                "log_tile_hash",
                &row,
                format!("hash {} where the leaves make {}", t.hash, canonical::to_hex(&h)),
            )),
            None => run.finding(Finding::log("log_tile_hash", &row, "no such tile hash: the leaves do not reach it")),
        }
    }
    for ((level, index), h) in derived {
        run.finding(Finding::log(
            "log_tile_hash",
            format!("level {level} index {index}"),
            format!("missing; the leaves make {}", canonical::to_hex(&h)),
        ));
    }
    Ok(())
}

/// Versions that no log entry points at: served rows could come from them unlogged.
async fn unlogged<C: ConnectionTrait>(db: &C, run: &mut Run<'_>) -> Result<(), StoreError> {
    let logged = Query::select().column(log_entry::Column::VersionId).from(log_entry::Entity).to_owned();
    let rows: Vec<(i64, String, String, i32)> = document_version::Entity::find()
        .select_only()
        .columns([document_version::Column::Id, document_version::Column::Kind, document_version::Column::DocId])
        .column(document_version::Column::Version)
        .filter(document_version::Column::Id.not_in_subquery(logged))
        .into_tuple()
        .all(db)
        .await?;
    for (id, kind, doc_id, version) in rows {
        run.finding(Finding::log(
            "document_version",
            format!("{id} ({kind} {doc_id} v{version})"),
            "no log entry logs it",
        ));
    }
    Ok(())
}
