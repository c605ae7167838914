//! The log read as tiles: tlog-tiles resources, roots and RFC 9162 proofs from the stored tile
//! hashes (O(log n) rows per proof, never every leaf); writing the tile hashes an append
//! completes; and giving a log that predates them its tile hashes.
//!
//! Level 0 is `log_entry.leaf_hash`; levels 1 and up are `log_tile_hash`. Every stored hash
//! covers leaves below the committed size and never changes, so reads need no snapshot: a size
//! read from the head is fully covered by rows that committed with it.

use std::ops::Range;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::{Db, StoreError};
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::tiles::{self, Needs, Stored, TileHash, TileKind, TileRef};
use crate::domain::log::{canonical, frontier_root};
use crate::entity::{log_entry, log_tile_hash};

/// Rows per multi-row insert when catching up.
const INSERT_BATCH: usize = 500;

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("the log's stored hashes are inconsistent: {what}")))
}

fn decode(hex: &str) -> Result<Hash, StoreError> {
    canonical::from_hex(hex).and_then(|b| merkle::hash_from_slice(&b).ok()).ok_or_else(|| corrupt("a hash is not hex"))
}

/// Stores the tile hashes an append completed, in the append's transaction.
pub async fn store_completed<C: ConnectionTrait>(txn: &C, completed: &[TileHash]) -> Result<(), StoreError> {
    if completed.is_empty() {
        return Ok(());
    }
    log_tile_hash::Entity::insert_many(completed.iter().map(|t| log_tile_hash::ActiveModel {
        level: sea_orm::Set(i32::from(t.level)),
        idx: sea_orm::Set(t.index as i64),
        hash: sea_orm::Set(canonical::to_hex(&t.hash)),
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Runs of one level merged where they touch or overlap, so a query names each row once.
fn merged(needs: &Needs, level: u8) -> Vec<Range<u64>> {
    let mut runs: Vec<Range<u64>> = needs.runs.iter().filter(|(l, _)| *l == level).map(|(_, r)| r.clone()).collect();
    runs.sort_by_key(|r| r.start);
    let mut out: Vec<Range<u64>> = vec![];
    for r in runs {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Reads the stored hashes `needs` names: one query for leaves, one for the levels above.
pub async fn fetch<C: ConnectionTrait>(db: &C, needs: &Needs) -> Result<Stored, StoreError> {
    let mut stored = Stored::new();
    let leaves = merged(needs, 0);
    if !leaves.is_empty() {
        let mut cond = Condition::any();
        for r in &leaves {
            cond = cond.add(
                Condition::all()
                    .add(log_entry::Column::Idx.gte(r.start as i64))
                    .add(log_entry::Column::Idx.lt(r.end as i64)),
            );
        }
        let rows: Vec<(i64, String)> = log_entry::Entity::find()
            .select_only()
            .columns([log_entry::Column::Idx, log_entry::Column::LeafHash])
            .filter(cond)
            .into_tuple()
            .all(db)
            .await?;
        for (idx, hex) in rows {
            stored.insert((0, idx as u64), decode(&hex)?);
        }
    }
    let mut cond = Condition::any();
    let mut any = false;
    for level in 1..=tiles::MAX_LEVEL {
        for r in merged(needs, level) {
            any = true;
            cond = cond.add(
                Condition::all()
                    .add(log_tile_hash::Column::Level.eq(i32::from(level)))
                    .add(log_tile_hash::Column::Idx.gte(r.start as i64))
                    .add(log_tile_hash::Column::Idx.lt(r.end as i64)),
            );
        }
    }
    if any {
        for row in log_tile_hash::Entity::find().filter(cond).all(db).await? {
            stored.insert((row.level as u8, row.idx as u64), decode(&row.hash)?);
        }
    }
    Ok(stored)
}

/// The root of the tree of the first `size` leaves (`size` at most the committed size).
pub async fn root_at<C: ConnectionTrait>(db: &C, size: u64) -> Result<Hash, StoreError> {
    let whole = 0..size;
    let stored = fetch(db, &Needs::of(std::slice::from_ref(&whole))).await?;
    tiles::range_hash(0..size, &stored).map_err(corrupt)
}

/// An inclusion proof with what it proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inclusion {
    /// The leaf's hash.
    pub leaf: Hash,
    /// The audit path, from the leaf's sibling up.
    pub proof: Vec<Hash>,
    /// The root of the tree of `tree_size`.
    pub root: Hash,
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves, with the leaf and the root
/// (`index < size ≤` the committed size).
pub async fn inclusion<C: ConnectionTrait>(db: &C, index: u64, size: u64) -> Result<Inclusion, StoreError> {
    let ranges = tiles::inclusion_ranges(index, size);
    let mut all = ranges.clone();
    all.push(0..size);
    all.push(index..index + 1);
    let stored = fetch(db, &Needs::of(&all)).await?;
    Ok(Inclusion {
        leaf: tiles::range_hash(index..index + 1, &stored).map_err(corrupt)?,
        proof: tiles::proof(&ranges, &stored).map_err(corrupt)?,
        root: tiles::range_hash(0..size, &stored).map_err(corrupt)?,
    })
}

/// A consistency proof with both roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consistency {
    /// The proof hashes.
    pub proof: Vec<Hash>,
    /// The root at the first size.
    pub first_root: Hash,
    /// The root at the second size.
    pub second_root: Hash,
}

/// The consistency proof from `first` to `second` leaves, with both roots
/// (`0 < first ≤ second ≤` the committed size).
pub async fn consistency<C: ConnectionTrait>(db: &C, first: u64, second: u64) -> Result<Consistency, StoreError> {
    let ranges = tiles::consistency_ranges(first, second);
    let mut all = ranges.clone();
    all.extend([0..first, 0..second]);
    let stored = fetch(db, &Needs::of(&all)).await?;
    Ok(Consistency {
        proof: tiles::proof(&ranges, &stored).map_err(corrupt)?,
        first_root: tiles::range_hash(0..first, &stored).map_err(corrupt)?,
        second_root: tiles::range_hash(0..second, &stored).map_err(corrupt)?,
    })
}

/// The bytes of a tile or entry bundle, or `NotFound` when the tree of `size` leaves does not
/// reach it yet.
pub async fn tile<C: ConnectionTrait>(db: &C, tile: TileRef, size: u64) -> Result<Vec<u8>, StoreError> {
    if tile.needs_tree_size().is_none_or(|need| need > size) {
        return Err(StoreError::NotFound(format!("{} in a log of {size} entries", tile.path())));
    }
    let positions = tile.positions();
    let expect = positions.end - positions.start;
    let (lo, hi) = (positions.start as i64, positions.end as i64);
    let bytes: Vec<Vec<u8>> = match tile.kind {
        TileKind::Entries => {
            leaf_column(db, log_entry::Column::LeafData, lo, hi).await?.into_iter().map(String::into_bytes).collect()
        }
        TileKind::Hashes(0) => leaf_column(db, log_entry::Column::LeafHash, lo, hi)
            .await?
            .iter()
            .map(|h| decode(h).map(|h| h.to_vec()))
            .collect::<Result<_, _>>()?,
        TileKind::Hashes(level) => log_tile_hash::Entity::find()
            .filter(log_tile_hash::Column::Level.eq(i32::from(level)))
            .filter(log_tile_hash::Column::Idx.gte(lo))
            .filter(log_tile_hash::Column::Idx.lt(hi))
            .order_by_asc(log_tile_hash::Column::Idx)
            .all(db)
            .await?
            .iter()
            .map(|r| decode(&r.hash).map(|h| h.to_vec()))
            .collect::<Result<_, _>>()?,
    };
    if bytes.len() as u64 != expect {
        return Err(corrupt(format!("{} has {} of its {expect} rows", tile.path(), bytes.len())));
    }
    match tile.kind {
        TileKind::Entries => tiles::entry_bundle(bytes.iter().map(Vec::as_slice))
            .ok_or_else(|| corrupt("an entry is longer than an entry bundle can frame")),
        TileKind::Hashes(_) => Ok(bytes.concat()),
    }
}

/// One text column of the log entries `[lo, hi)`, in index order.
async fn leaf_column<C: ConnectionTrait>(
    db: &C,
    column: log_entry::Column,
    lo: i64,
    hi: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(log_entry::Entity::find()
        .select_only()
        .column(column)
        .filter(log_entry::Column::Idx.gte(lo))
        .filter(log_entry::Column::Idx.lt(hi))
        .order_by_asc(log_entry::Column::Idx)
        .into_tuple()
        .all(db)
        .await?)
}

/// Gives the log the tile hashes it lacks (a log written before they existed): when the stored
/// count of any level differs from what the committed size implies, recomputes them all from the
/// leaves under the write lock. Returns how many rows it wrote (0 when nothing was missing).
pub async fn catch_up(db: &Db) -> Result<u64, StoreError> {
    if complete(db).await? {
        return Ok(0);
    }
    let txn = db.begin().await?;
    // A write first: the publication lock (SQLite's write lock, PostgreSQL's row lock on the
    // head) keeps appends out until the rows are in.
    use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
    let lock = Query::update()
        .table(crate::entity::write_head::Entity)
        .value(crate::entity::write_head::Column::LastSeq, Expr::col(crate::entity::write_head::Column::LastSeq))
        .and_where(Expr::col(crate::entity::write_head::Column::Id).eq(Expr::val(1)))
        .to_owned();
    txn.execute(&lock).await?;
    if complete(&txn).await? {
        return Ok(0);
    }
    let (size, root) = super::log::head(&txn).await?;
    let leaves = super::log::leaf_hashes(&txn, size).await?;
    let mut frontier = vec![];
    let mut rows = vec![];
    for (i, leaf) in leaves.iter().enumerate() {
        rows.extend(tiles::append_leaf(&mut frontier, i as u64, *leaf));
    }
    if leaves.len() as u64 != size || frontier_root(&frontier) != root {
        tracing::warn!(size, "the leaves do not rebuild the stored head; `maslikhat audit` names the rows");
    }
    log_tile_hash::Entity::delete_many().exec(&txn).await?;
    for chunk in rows.chunks(INSERT_BATCH) {
        store_completed(&txn, chunk).await?;
    }
    txn.commit().await?;
    Ok(rows.len() as u64)
}

/// True when every level holds as many tile hashes as the committed size implies.
async fn complete<C: ConnectionTrait>(db: &C) -> Result<bool, StoreError> {
    let (size, _) = super::log::head(db).await?;
    for level in 1..=tiles::MAX_LEVEL {
        let shift = u32::from(level) * tiles::TILE_HEIGHT;
        let want = if shift >= 64 { 0 } else { size >> shift };
        let have =
            log_tile_hash::Entity::find().filter(log_tile_hash::Column::Level.eq(i32::from(level))).count(db).await?;
        if have != want {
            return Ok(false);
        }
        if want == 0 {
            // No level above can hold anything either; a stray row there is caught by the
            // count of its own level on a larger log, and never served (no checkpoint reaches it).
            let above = log_tile_hash::Entity::find()
                .filter(log_tile_hash::Column::Level.gt(i32::from(level)))
                .count(db)
                .await?;
            return Ok(above == 0);
        }
    }
    Ok(true)
}
