//! The log as C2SP tiles (<https://c2sp.org/tlog-tiles>), and proofs computed from stored tile
//! hashes in O(log n) instead of from every leaf.
//!
//! A tile is a run of at most 256 consecutive hashes at one *tile level*: level 0 holds leaf
//! hashes, and hash `j` of level `L ≥ 1` is the Merkle tree hash of the `256^L` leaves
//! `[j·256^L, (j+1)·256^L)`, i.e. the root of the full tile `j` of level `L − 1`. Tile `N` of
//! level `L` holds the level-`L` hashes `[256·N, 256·N + W)`; it is *full* when `W = 256`, else
//! *partial*. The store keeps level 0 in `log_entry` and every level-`L ≥ 1` hash in its own row,
//! written when the append that completes its subtree commits ([`append_leaf`]).
//!
//! Any complete subtree of height `h` (its `2^h` leaves aligned on a multiple of `2^h`) is the
//! root of `2^(h mod 8)` consecutive hashes of tile level `⌊h/8⌋`, and every hash in an RFC 9162
//! proof or root is the hash of a range `[a, b)` that splits into at most 64 such subtrees. So a
//! proof needs O(log n) stored hashes, at most 128 per subtree ([`Needs`] says which), and costs
//! as many SHA-256 compressions.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use super::merkle::{Hash, empty_root, node_hash};

/// Levels of the Merkle tree in one tile (the spec fixes it at 8).
pub const TILE_HEIGHT: u32 = 8;
/// Hashes in a full tile, and entries in a full entry bundle.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
/// Tile levels the path syntax allows (`0..=63`).
pub const MAX_LEVEL: u8 = 63;

/// Which tile a request names: a hash tile of some level, or an entry bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    /// `tile/<L>/…`: Merkle tree hashes at tile level `L`.
    Hashes(u8),
    /// `tile/entries/…`: the leaves' data, each prefixed with its length.
    Entries,
}

/// One tile or entry bundle: its kind, index within the level, and width (1 to 256).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRef {
    /// Hashes of a level, or entries.
    pub kind: TileKind,
    /// `N`, the tile's index within its level.
    pub index: u64,
    /// `W`, how many hashes or entries it holds (256 for a full tile).
    pub width: u16,
}

/// Why a tile path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TilePathError(pub &'static str);

impl fmt::Display for TilePathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a tlog-tiles path: {}", self.0)
    }
}

impl std::error::Error for TilePathError {}

impl TileRef {
    /// True for a full tile (256 wide): immutable, cacheable for ever.
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The path below the log prefix: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        let level = match self.kind {
            TileKind::Hashes(l) => l.to_string(),
            TileKind::Entries => "entries".to_owned(),
        };
        let partial = if self.is_full() { String::new() } else { format!(".p/{}", self.width) };
        format!("tile/{level}/{}{partial}", index_path(self.index))
    }

    /// The positions `[start, end)` this tile covers at its own level (leaves for entries).
    pub fn positions(&self) -> Range<u64> {
        let start = self.index.saturating_mul(TILE_WIDTH);
        start..start.saturating_add(u64::from(self.width))
    }

    /// The tree size from which this tile exists (`None` past `u64`): its last hash must be
    /// complete, so the tree must reach the end of that hash's subtree.
    pub fn needs_tree_size(&self) -> Option<u64> {
        let level = match self.kind {
            TileKind::Hashes(l) => u32::from(l),
            TileKind::Entries => 0,
        };
        let span = 1u64.checked_shl(level * TILE_HEIGHT).filter(|_| level * TILE_HEIGHT < 64)?;
        self.positions().end.checked_mul(span)
    }

    /// Parses the path below the log prefix and `tile/` (e.g. `0/x001/234.p/7`, `entries/000`),
    /// accepting only the canonical spelling, so each tile has one URL.
    pub fn parse(path: &str) -> Result<Self, TilePathError> {
        let (level, rest) = path.split_once('/').ok_or(TilePathError("missing the tile index"))?;
        let kind = if level == "entries" { TileKind::Entries } else { TileKind::Hashes(parse_level(level)?) };
        let (index_part, width) = match rest.rsplit_once(".p/") {
            Some((index, w)) => (index, parse_width(w)?),
            None => (rest, TILE_WIDTH as u16),
        };
        Ok(Self { kind, index: parse_index(index_part)?, width })
    }
}

/// `N` as zero-padded 3-digit path elements, all but the last prefixed with `x`
/// (1234067 → `x001/x234/067`).
pub fn index_path(index: u64) -> String {
    let mut groups = vec![index % 1000];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let last = groups.len() - 1;
    groups
        .iter()
        .rev()
        .enumerate()
        .map(|(i, g)| if i < last { format!("x{g:03}/") } else { format!("{g:03}") })
        .collect()
}

fn parse_level(text: &str) -> Result<u8, TilePathError> {
    let canonical =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
    match text.parse::<u8>() {
        Ok(l) if canonical && l <= MAX_LEVEL => Ok(l),
        _ => Err(TilePathError("the level must be a decimal from 0 to 63 without leading zeros")),
    }
}

fn parse_width(text: &str) -> Result<u16, TilePathError> {
    let canonical = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
    match text.parse::<u16>() {
        Ok(w) if canonical && (1..TILE_WIDTH as u16).contains(&w) => Ok(w),
        _ => Err(TilePathError("a partial tile's width must be a decimal from 1 to 255 without leading zeros")),
    }
}

fn parse_index(text: &str) -> Result<u64, TilePathError> {
    const BAD: TilePathError = TilePathError("the index must be 3-digit groups, all but the last prefixed with x");
    let groups: Vec<&str> = text.split('/').collect();
    let last = groups.len() - 1;
    let mut index: u64 = 0;
    for (i, group) in groups.iter().enumerate() {
        let digits = if i < last { group.strip_prefix('x').ok_or(BAD)? } else { group };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BAD);
        }
        if i == 0 && last > 0 && digits == "000" {
            return Err(TilePathError("the index has a leading zero group"));
        }
        let value: u64 = digits.parse().map_err(|_| BAD)?;
        index =
            index.checked_mul(1000).and_then(|n| n.checked_add(value)).ok_or(TilePathError("index out of range"))?;
    }
    Ok(index)
}

/// The width of the rightmost tile of `level` in a tree of `size` leaves: `⌊size / 256^level⌋
/// mod 256` (0 when that level's tiles are all full or there are none).
pub fn partial_width(size: u64, level: u8) -> u16 {
    let shift = u32::from(level) * TILE_HEIGHT;
    if shift >= 64 { 0 } else { ((size >> shift) % TILE_WIDTH) as u16 }
}

/// A hash stored at tile level `level` ≥ 1, made by an append: the root of the full tile
/// `index` of the level below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileHash {
    /// Its tile level (≥ 1).
    pub level: u8,
    /// Its index within that level.
    pub index: u64,
    /// The Merkle tree hash of its `256^level` leaves.
    pub hash: Hash,
}

/// Appends `leaf` to a tree of `size` leaves with right edge `frontier` (see
/// [`frontier_append`](super::frontier_append)) and returns the tile hashes the append
/// completes: one for each level `L ≥ 1` such that `256^L` divides the new size.
pub fn append_leaf(frontier: &mut Vec<Hash>, size: u64, leaf: Hash) -> Vec<TileHash> {
    let mut completed = vec![];
    frontier.push(leaf);
    let mut n = size;
    let mut height = 0u32;
    // Each trailing one bit of the old size is a subtree of equal size to merge with.
    while n & 1 == 1 {
        let merged = match (frontier.pop(), frontier.pop()) {
            (Some(right), Some(left)) => node_hash(&left, &right),
            // A frontier shorter than the size says: keep what there is (the store's audit
            // names the inconsistency).
            (Some(only), None) => {
                frontier.push(only);
                break;
            }
            _ => break,
        };
        frontier.push(merged);
        height += 1;
        if height.is_multiple_of(TILE_HEIGHT) {
            let level = (height / TILE_HEIGHT) as u8;
            completed.push(TileHash { level, index: ((size + 1) >> height) - 1, hash: merged });
        }
        n >>= 1;
    }
    completed
}

/// A complete subtree: the `2^height` leaves starting at `index · 2^height`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subtree {
    /// `log2` of its number of leaves.
    pub height: u32,
    /// Its position among the subtrees of the same height.
    pub index: u64,
}

impl Subtree {
    /// The tile level whose hashes it is made of, and their positions there.
    pub fn stored(&self) -> (u8, Range<u64>) {
        let level = self.height / TILE_HEIGHT;
        let below = self.height % TILE_HEIGHT;
        let start = self.index << below;
        (level as u8, start..start + (1u64 << below))
    }
}

/// The complete subtrees that make up the range `[start, end)` of a Merkle tree, largest first,
/// for the ranges RFC 9162's recursion produces (`start` aligned on the power of two at or above
/// `end − start`): the binary digits of `end − start`.
pub fn decompose(range: Range<u64>) -> Vec<Subtree> {
    let mut out = vec![];
    let mut start = range.start;
    let mut left = range.end.saturating_sub(range.start);
    while left > 0 {
        let height = 63 - left.leading_zeros();
        out.push(Subtree { height, index: start >> height });
        start += 1 << height;
        left -= 1 << height;
    }
    out
}

/// The largest power of two strictly below `n` (`n ≥ 2`).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// The ranges whose hashes make the inclusion proof `PATH(index, D[size])` of RFC 9162
/// §2.1.3.1, in proof order (from the leaf's sibling up). Requires `index < size`.
pub fn inclusion_ranges(index: u64, size: u64) -> Vec<Range<u64>> {
    let mut out = vec![];
    let (mut m, mut lo, mut hi) = (index, 0u64, size);
    // Descend from the root, collecting siblings; reversed at the end (the proof goes upwards).
    while hi - lo > 1 {
        let k = split(hi - lo);
        if m < k {
            out.push(lo + k..hi);
            hi = lo + k;
        } else {
            out.push(lo..lo + k);
            lo += k;
            m -= k;
        }
    }
    out.reverse();
    out
}

/// The ranges whose hashes make the consistency proof `PROOF(first, D[second])` of RFC 9162
/// §2.1.4.1, in proof order. Requires `0 < first ≤ second`.
pub fn consistency_ranges(first: u64, second: u64) -> Vec<Range<u64>> {
    let mut out = vec![];
    let (mut m, mut lo, mut hi, mut whole) = (first, 0u64, second, true);
    while m != hi - lo {
        let k = split(hi - lo);
        if m <= k {
            out.push(lo + k..hi);
            hi = lo + k;
        } else {
            out.push(lo..lo + k);
            lo += k;
            m -= k;
            whole = false;
        }
    }
    if !whole {
        out.push(lo..hi);
    }
    out.reverse();
    out
}

/// The stored hashes a set of ranges needs, by tile level.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Needs {
    /// `(tile level, positions)` runs; a level may appear several times.
    pub runs: Vec<(u8, Range<u64>)>,
}

impl Needs {
    /// What hashing `ranges` needs.
    pub fn of(ranges: &[Range<u64>]) -> Self {
        Self { runs: ranges.iter().flat_map(|r| decompose(r.clone())).map(|s| s.stored()).collect() }
    }
}

/// Stored tile hashes looked up by `(tile level, position)`.
pub type Stored = HashMap<(u8, u64), Hash>;

/// A stored hash the store did not return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingHash {
    /// Its tile level.
    pub level: u8,
    /// Its position.
    pub index: u64,
}

impl fmt::Display for MissingHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tile hash {} of level {} is not stored", self.index, self.level)
    }
}

impl std::error::Error for MissingHash {}

/// The root of a complete subtree from the stored hashes it is made of.
pub fn subtree_hash(subtree: Subtree, stored: &Stored) -> Result<Hash, MissingHash> {
    let (level, positions) = subtree.stored();
    let mut row: Vec<Hash> = positions
        .map(|index| stored.get(&(level, index)).copied().ok_or(MissingHash { level, index }))
        .collect::<Result<_, _>>()?;
    // A power-of-two run: hash pairs until one is left.
    while row.len() > 1 {
        row = row.chunks_exact(2).map(|p| node_hash(&p[0], &p[1])).collect();
    }
    Ok(row[0])
}

/// The Merkle tree hash of `D[range]` (a range from [`inclusion_ranges`], [`consistency_ranges`]
/// or `0..size`) from stored hashes.
pub fn range_hash(range: Range<u64>, stored: &Stored) -> Result<Hash, MissingHash> {
    if range.is_empty() {
        return Ok(empty_root());
    }
    let parts: Vec<Hash> = decompose(range).into_iter().map(|s| subtree_hash(s, stored)).collect::<Result<_, _>>()?;
    let mut it = parts.iter().rev();
    let last = *it.next().unwrap_or(&empty_root());
    Ok(it.fold(last, |acc, left| node_hash(left, &acc)))
}

/// The hashes of `ranges` in order (a proof).
pub fn proof(ranges: &[Range<u64>], stored: &Stored) -> Result<Vec<Hash>, MissingHash> {
    ranges.iter().map(|r| range_hash(r.clone(), stored)).collect()
}

/// Entry bundle framing: each entry as a big-endian `u16` length then its bytes. `None` when an
/// entry is longer than 65,535 bytes (which the framing cannot carry).
pub fn entry_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Option<Vec<u8>> {
    let mut out = vec![];
    for e in entries {
        out.extend_from_slice(&u16::try_from(e.len()).ok()?.to_be_bytes());
        out.extend_from_slice(e);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::merkle::{self, leaf_hash};
    use super::*;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    /// Every stored hash of a tree built leaf by leaf with [`append_leaf`], level 0 included.
    fn build(all: &[Hash]) -> Stored {
        let mut stored = Stored::new();
        let mut frontier = vec![];
        for (i, l) in all.iter().enumerate() {
            stored.insert((0, i as u64), *l);
            for t in append_leaf(&mut frontier, i as u64, *l) {
                assert!(stored.insert((t.level, t.index), t.hash).is_none(), "stored twice");
            }
        }
        stored
    }

    #[test]
    fn paths_follow_the_spec_examples() {
        let t = TileRef { kind: TileKind::Hashes(0), index: 1_234_067, width: 256 };
        assert_eq!(t.path(), "tile/0/x001/x234/067");
        let p = TileRef { kind: TileKind::Entries, index: 1_234_067, width: 8 };
        assert_eq!(p.path(), "tile/entries/x001/x234/067.p/8");
        assert_eq!(index_path(0), "000");
        assert_eq!(index_path(1000), "x001/000");
        assert_eq!(index_path(u64::MAX), "x018/x446/x744/x073/x709/x551/615");
        for t in [t, p, TileRef { kind: TileKind::Hashes(63), index: u64::MAX, width: 1 }] {
            let path = t.path();
            assert_eq!(TileRef::parse(path.strip_prefix("tile/").unwrap()), Ok(t), "{path}");
        }
    }

    #[test]
    fn non_canonical_or_malformed_paths_are_refused() {
        for bad in [
            "0",
            "01/000",
            "64/000",
            "-1/000",
            "0/00",
            "0/0000",
            "0/x000/001",
            "0/001/002",
            "0/x1/001",
            "0/000.p/0",
            "0/000.p/256",
            "0/000.p/08",
            "0/000.p/",
            "0/abc",
            "entries/",
            "x/000",
            "0/x018/x446/x744/x073/x709/x551/616",
            "0/000/",
            "0//000",
        ] {
            assert!(TileRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_spec_example_of_a_tree_of_70000() {
        // 273 full level-0 tiles, a partial of 112; one full level-1 tile, a partial of 17; a
        // partial level-2 tile of 1.
        assert_eq!((70_000 / 256, partial_width(70_000, 0)), (273, 112));
        assert_eq!((70_000 / 65_536, partial_width(70_000, 1)), (1, 17));
        assert_eq!(partial_width(70_000, 2), 1);
        assert_eq!(partial_width(70_000, 3), 0);
        assert_eq!(partial_width(256, 1), 1);
        let full = TileRef { kind: TileKind::Hashes(1), index: 0, width: 256 };
        assert_eq!(full.needs_tree_size(), Some(65_536));
        let bundle = TileRef { kind: TileKind::Entries, index: 273, width: 112 };
        assert_eq!(bundle.needs_tree_size(), Some(70_000));
        assert_eq!(TileRef { kind: TileKind::Hashes(8), index: 0, width: 1 }.needs_tree_size(), None);
    }

    #[test]
    fn appends_store_each_full_tile_root_once_and_keep_the_frontier() {
        let all = leaves(3 * 65_536 + 300);
        let stored = build(&all);
        assert_eq!(stored.keys().filter(|k| k.0 == 1).count(), all.len() / 256);
        assert_eq!(stored.keys().filter(|k| k.0 == 2).count(), 3);
        assert_eq!(stored[&(1, 5)], merkle::root(&all[5 * 256..6 * 256]));
        assert_eq!(stored[&(2, 2)], merkle::root(&all[2 * 65_536..3 * 65_536]));
    }

    #[test]
    fn roots_and_proofs_from_tiles_equal_those_from_every_leaf() {
        let all = leaves(1100);
        let stored = build(&all);
        let sizes = (1..=40).chain([255, 256, 257, 511, 512, 513, 767, 768, 1023, 1024, 1025, 1100]);
        for n in sizes {
            let tree = &all[..n as usize];
            assert_eq!(range_hash(0..n, &stored).unwrap(), merkle::root(tree), "root {n}");
            for i in (0..n).step_by(((n / 13) as usize).max(1)).chain([n - 1]) {
                let want = merkle::inclusion_proof(tree, i, n).unwrap();
                assert_eq!(proof(&inclusion_ranges(i, n), &stored).unwrap(), want, "inclusion {i} of {n}");
            }
            for m in (1..=n).step_by(((n / 11) as usize).max(1)).chain([n]) {
                let want = merkle::consistency_proof(tree, m, n).unwrap();
                assert_eq!(proof(&consistency_ranges(m, n), &stored).unwrap(), want, "consistency {m} to {n}");
            }
        }
        assert_eq!(range_hash(0..0, &stored).unwrap(), empty_root());
    }

    #[test]
    fn a_proof_reads_a_logarithmic_number_of_hashes() {
        let n: u64 = 1_000_000;
        for (i, m) in [(0, 1), (n / 3, n / 2 + 1), (n - 1, n - 1)] {
            let inc = Needs::of(&inclusion_ranges(i, n));
            let con = Needs::of(&consistency_ranges(m, n));
            let count = |needs: &Needs| needs.runs.iter().map(|(_, r)| r.end - r.start).sum::<u64>();
            // At most 128 hashes per subtree and 2·log2(n) subtrees; in practice far fewer.
            assert!(count(&inc) <= 40 * 128 && count(&con) <= 40 * 128, "{} {}", count(&inc), count(&con));
            assert!(inc.runs.len() <= 2 * 20 && con.runs.len() <= 2 * 20);
        }
    }

    #[test]
    fn a_missing_stored_hash_is_named() {
        let stored = build(&leaves(300));
        let mut holed = stored.clone();
        holed.remove(&(1, 0));
        assert_eq!(range_hash(0..300, &holed), Err(MissingHash { level: 1, index: 0 }));
        assert!(range_hash(0..300, &stored).is_ok());
    }

    #[test]
    fn entry_bundles_are_length_prefixed() {
        let a: &[u8] = b"ab";
        let b: &[u8] = b"";
        assert_eq!(entry_bundle([a, b]).unwrap(), vec![0, 2, b'a', b'b', 0, 0]);
        let big = vec![0u8; 65_536];
        assert_eq!(entry_bundle([big.as_slice()]), None);
        assert_eq!(entry_bundle([&big[..65_535]]).unwrap().len(), 65_537);
    }
}
