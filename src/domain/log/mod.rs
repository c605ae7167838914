//! The transparency log's maths: RFC 9162 Merkle trees and proofs, canonical JSON for hashing,
//! C2SP signed-note checkpoints, and the compact right edge ("frontier") that lets the store
//! append a leaf and know the new root in O(log n).

pub mod canonical;
pub mod cosignature;
pub mod merkle;
pub mod note;
pub mod tiles;

use merkle::{Hash, empty_root, node_hash};

/// Appends `leaf` to a tree of `size` leaves whose frontier (the roots of its perfect subtrees,
/// largest first, one per set bit of `size`) is `frontier`.
/// [`tiles::append_leaf`] without the tile hashes it completes.
pub fn frontier_append(frontier: &mut Vec<Hash>, size: u64, leaf: Hash) {
    tiles::append_leaf(frontier, size, leaf);
}

/// The Merkle tree hash of the tree whose frontier is `frontier` (RFC 9162 §2.1.1: the split is
/// always at the largest power of two, so the root folds the frontier from the right).
pub fn frontier_root(frontier: &[Hash]) -> Hash {
    let mut it = frontier.iter().rev();
    match it.next() {
        None => empty_root(),
        Some(last) => it.fold(*last, |acc, left| node_hash(left, &acc)),
    }
}

/// The form of `received_at` inside leaf data: RFC 3339 in UTC with microseconds and `Z`.
pub fn leaf_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The leaf data of a log entry: the canonical JSON of what identifies one document version.
pub fn leaf_data(
    index: u64,
    council: Option<&str>,
    kind: &str,
    document_id: &str,
    version: i64,
    received_at: &str,
    sha256: &str,
) -> Result<String, canonical::CanonicalError> {
    canonical::canonical_json(&serde_json::json!({
        "index": index,
        "council": council,
        "kind": kind,
        "document_id": document_id,
        "version": version,
        "received_at": received_at,
        "sha256": sha256,
    }))
}

#[cfg(test)]
mod tests {
    use super::merkle::{leaf_hash, root};
    use super::*;

    #[test]
    fn the_frontier_gives_the_same_root_as_the_whole_tree() {
        let mut frontier = vec![];
        let mut leaves = vec![];
        assert_eq!(frontier_root(&frontier), empty_root());
        for i in 0..130u64 {
            let leaf = leaf_hash(&i.to_be_bytes());
            frontier_append(&mut frontier, i, leaf);
            leaves.push(leaf);
            assert_eq!(frontier_root(&frontier), root(&leaves), "size {}", i + 1);
            assert_eq!(frontier.len() as u32, (i + 1).count_ones());
        }
    }

    #[test]
    fn leaf_data_is_canonical() {
        let d = leaf_data(3, Some("almaty-city"), "roster", "almaty-city", 2, "2026-01-01T00:00:00.000000Z", "ab")
            .expect("json");
        assert_eq!(
            d,
            r#"{"council":"almaty-city","document_id":"almaty-city","index":3,"kind":"roster","received_at":"2026-01-01T00:00:00.000000Z","sha256":"ab","version":2}"#
        );
    }
}
