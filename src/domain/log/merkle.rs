//! Merkle tree maths for the transparency log, per RFC 9162 §2.1 (identical
//! to RFC 6962 §2.1 for the hashing and proof formats).
//!
//! Everything here is a pure function over in-memory leaf hashes: no I/O, no
//! storage, no clock. The log layer stores leaf hashes and calls in here.
//!
//! * A *leaf hash* is `SHA-256(0x00 || data)` ([`leaf_hash`]); an interior
//!   node is `SHA-256(0x01 || left || right)` ([`node_hash`]); the hash of
//!   the empty tree is `SHA-256("")` ([`empty_root`]).
//! * [`root`] is the Merkle Tree Hash `MTH(D[n])` of RFC 9162 §2.1.1, which
//!   splits `n > 1` leaves at `k`, the largest power of two strictly less
//!   than `n`.
//! * [`inclusion_proof`] / [`consistency_proof`] build the audit paths
//!   `PATH(m, D[n])` and `PROOF(m, D[n])` (RFC 9162 §2.1.3.1 / §2.1.4.1).
//! * [`verify_inclusion`] / [`verify_consistency`] are the iterative
//!   verification algorithms of RFC 9162 §2.1.3.2 / §2.1.4.2, preceded by
//!   explicit checks of the sizes and of the proof length so that a malformed
//!   proof gets a precise error.
//!
//! Cost: [`root`] performs `n - 1` node hashes, and each proof generation
//! performs `O(n)` hashes in total (at every level of the recursion one
//! sibling subtree is hashed, and those subtrees are disjoint), with
//! `O(log n)` recursion depth and no allocation besides the proof itself.
//! A proof in a tree of 1,000,000 leaves therefore costs about one million
//! SHA-256 compressions — linear, never quadratic. Callers that need many
//! proofs over a large tree should cache subtree roots (e.g. tiles) instead.
//! Verification costs `O(log n)` hashes.

use std::fmt;

use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Length in bytes of a [`Hash`](type@Hash).
pub const HASH_SIZE: usize = 32;

/// Domain-separation prefix for leaf hashes (RFC 9162 §2.1.1).
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix for interior node hashes (RFC 9162 §2.1.1).
const NODE_PREFIX: u8 = 0x01;

/// Why a proof could not be generated or did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// The leaf index is not inside the tree (`index >= tree_size`); this
    /// includes every index for the empty tree.
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The size of the tree the index was checked against.
        tree_size: u64,
    },
    /// A proof was requested for a tree larger than the leaves supplied.
    TreeSizeExceedsLeaves {
        /// The requested tree size.
        tree_size: u64,
        /// How many leaf hashes were supplied.
        available: u64,
    },
    /// A consistency proof was requested or checked from a larger tree to a
    /// smaller one.
    FirstGreaterThanSecond {
        /// The size of the first (older) tree.
        first: u64,
        /// The size of the second (newer) tree.
        second: u64,
    },
    /// A consistency proof was requested or checked from the empty tree.
    /// RFC 9162 §2.1.4 defines consistency proofs only for `0 < first`:
    /// every tree trivially extends the empty tree, so such a proof proves
    /// nothing and is refused rather than silently accepted.
    EmptyFirstTree,
    /// The proof does not have the number of hashes the sizes imply.
    WrongProofLength {
        /// The number of hashes a correct proof has for these sizes.
        expected: usize,
        /// The number of hashes supplied.
        actual: usize,
    },
    /// The root recomputed from an inclusion proof differs from the expected
    /// root, or two trees of equal size have different roots.
    RootMismatch,
    /// The first-tree root recomputed from a consistency proof differs from
    /// the supplied first root.
    FirstRootMismatch,
    /// The second-tree root recomputed from a consistency proof differs from
    /// the supplied second root.
    SecondRootMismatch,
    /// A byte string that should be a hash is not exactly 32 bytes long.
    InvalidHashLength {
        /// The length of the rejected byte string.
        actual: usize,
    },
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IndexOutOfRange { index, tree_size } => {
                write!(f, "leaf index {index} is outside a tree of size {tree_size}")
            }
            Self::TreeSizeExceedsLeaves { tree_size, available } => {
                write!(f, "tree size {tree_size} exceeds the {available} leaf hashes supplied")
            }
            Self::FirstGreaterThanSecond { first, second } => {
                write!(f, "first tree size {first} is greater than second tree size {second}")
            }
            Self::EmptyFirstTree => {
                write!(f, "consistency proofs from the empty tree are not defined")
            }
            Self::WrongProofLength { expected, actual } => {
                write!(f, "proof has {actual} hashes, but these tree sizes require {expected}")
            }
            Self::RootMismatch => write!(f, "computed root does not match the expected root"),
            Self::FirstRootMismatch => {
                write!(f, "computed first root does not match the supplied first root")
            }
            Self::SecondRootMismatch => write!(f, "computed second root does not match the supplied second root"),
            Self::InvalidHashLength { actual } => {
                write!(f, "hash must be {HASH_SIZE} bytes, got {actual}")
            }
        }
    }
}

impl std::error::Error for ProofError {}

/// Hashes one log entry into a leaf hash: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(data);
    hasher.finalize().into()
}

/// Hashes two child hashes into their parent: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE_PREFIX]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`
/// (`e3b0c442…52b855`, RFC 9162 §2.1.1).
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Converts a byte slice (e.g. decoded from base64 or read from storage) into
/// a [`Hash`](type@Hash), refusing anything that is not exactly 32 bytes.
pub fn hash_from_slice(bytes: &[u8]) -> Result<Hash, ProofError> {
    Hash::try_from(bytes).map_err(|_| ProofError::InvalidHashLength { actual: bytes.len() })
}

/// The Merkle Tree Hash `MTH(D[n])` (RFC 9162 §2.1.1) of a list of leaf
/// hashes (not raw entries: hash entries with [`leaf_hash`] first).
///
/// The empty list gives [`empty_root`], one leaf gives that leaf hash, and
/// `n > 1` leaves split at the largest power of two `k < n`:
/// `node_hash(MTH(D[0:k]), MTH(D[k:n]))`. Costs `n - 1` node hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    subtree_root(leaves)
}

/// MTH of a slice of leaf hashes (recursive; depth `O(log n)`).
fn subtree_root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [single] => *single,
        _ => {
            let (left, right) = leaves.split_at(split_point(leaves.len()));
            node_hash(&subtree_root(left), &subtree_root(right))
        }
    }
}

/// The largest power of two strictly less than `n`; requires `n >= 2`.
fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The first `tree_size` leaf hashes, or an error when fewer were supplied.
fn prefix(leaves: &[Hash], tree_size: u64) -> Result<&[Hash], ProofError> {
    let too_large = || ProofError::TreeSizeExceedsLeaves { tree_size, available: leaves.len() as u64 };
    let n = usize::try_from(tree_size).map_err(|_| too_large())?;
    leaves.get(..n).ok_or_else(too_large)
}

/// The inclusion proof (audit path) `PATH(index, D[tree_size])` of
/// RFC 9162 §2.1.3.1, computed over the first `tree_size` entries of
/// `leaves` (leaf hashes; any further leaves are ignored).
///
/// The hashes are ordered from the leaf's sibling up to the child of the
/// root. Fails when `tree_size > leaves.len()` or `index >= tree_size`.
/// Costs `O(tree_size)` hashes (see the module docs).
pub fn inclusion_proof(leaves: &[Hash], index: u64, tree_size: u64) -> Result<Vec<Hash>, ProofError> {
    let tree = prefix(leaves, tree_size)?;
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange { index, tree_size });
    }
    // `index < tree_size <= leaves.len()`, so it fits in usize.
    let m = usize::try_from(index).map_err(|_| ProofError::IndexOutOfRange { index, tree_size })?;
    let mut proof = Vec::with_capacity(inclusion_proof_len(index, tree_size));
    path(m, tree, &mut proof);
    Ok(proof)
}

/// `PATH(m, D[n])`: appends the audit path of leaf `m` in `leaves`.
fn path(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    let (left, right) = leaves.split_at(k);
    if m < k {
        path(m, left, out);
        out.push(subtree_root(right));
    } else {
        path(m - k, right, out);
        out.push(subtree_root(left));
    }
}

/// The consistency proof `PROOF(first, D[second])` of RFC 9162 §2.1.4.1
/// between the tree of the first `first` leaves and the tree of the first
/// `second` leaves of `leaves` (leaf hashes).
///
/// `first == second` (with `first > 0`) gives the empty proof. Fails when
/// `second > leaves.len()`, `first > second` or `first == 0` (see
/// [`ProofError::EmptyFirstTree`]). Costs `O(second)` hashes.
pub fn consistency_proof(leaves: &[Hash], first: u64, second: u64) -> Result<Vec<Hash>, ProofError> {
    let tree = prefix(leaves, second)?;
    if first > second {
        return Err(ProofError::FirstGreaterThanSecond { first, second });
    }
    if first == 0 {
        return Err(ProofError::EmptyFirstTree);
    }
    // `first <= second <= leaves.len()`, so it fits in usize.
    let m = usize::try_from(first)
        .map_err(|_| ProofError::TreeSizeExceedsLeaves { tree_size: first, available: leaves.len() as u64 })?;
    let mut proof = Vec::with_capacity(consistency_proof_len(first, second));
    subproof(m, tree, true, &mut proof);
    Ok(proof)
}

/// `SUBPROOF(m, D[n], b)`: appends the consistency subproof for the first
/// `m` leaves of `leaves`; `whole` is true while `D[0:m]` is a subtree whose
/// root the verifier already knows (the first tree root itself).
fn subproof(m: usize, leaves: &[Hash], whole: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            out.push(subtree_root(leaves));
        }
        return;
    }
    let k = split_point(n);
    let (left, right) = leaves.split_at(k);
    if m <= k {
        subproof(m, left, whole, out);
        out.push(subtree_root(right));
    } else {
        subproof(m - k, right, false, out);
        out.push(subtree_root(left));
    }
}

/// Number of bits needed to represent `x` (0 for 0).
fn bit_len(x: u64) -> u32 {
    u64::BITS - x.leading_zeros()
}

/// Length of `PATH(index, D[tree_size])`; requires `index < tree_size`.
///
/// The path has one hash per level where the leaf's and the last leaf's
/// paths diverge (`inner`) plus one per left-hand "border" subtree above.
fn inclusion_proof_len(index: u64, tree_size: u64) -> usize {
    let inner = bit_len(index ^ (tree_size - 1));
    let border = (index >> inner).count_ones();
    (inner + border) as usize
}

/// Length of `PROOF(first, D[second])`; requires `0 < first < second`.
fn consistency_proof_len(first: u64, second: u64) -> usize {
    let inner = bit_len((first - 1) ^ (second - 1));
    let border = ((first - 1) >> inner).count_ones();
    let shift = first.trailing_zeros();
    // When `first` is a power of two its root is the first-tree root itself,
    // which the verifier already has, so the proof omits it.
    let seed = usize::from(!first.is_power_of_two());
    seed + (inner.saturating_sub(shift) + border) as usize
}

/// Right-shifts `fn_` and `sn` together until `fn_` is odd or zero
/// (step "right-shift both fn and sn equally until either LSB(fn) is set or
/// fn is 0" of RFC 9162 §2.1.3.2 and §2.1.4.2).
fn shift_until_odd_or_zero(fn_: &mut u64, sn: &mut u64) {
    while *fn_ & 1 == 0 && *fn_ != 0 {
        *fn_ >>= 1;
        *sn >>= 1;
    }
}

/// Verifies that `leaf_hash` is the leaf at `index` of the tree of size
/// `tree_size` whose root is `root`, using the audit path `proof`
/// (RFC 9162 §2.1.3.2).
///
/// Rejects `index >= tree_size` (so nothing is in the empty tree), a proof of
/// the wrong length, and a proof that does not lead to `root`. For
/// `tree_size == 1` the proof is empty and `leaf_hash` must equal `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    // Step 1.
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange { index, tree_size });
    }
    let expected = inclusion_proof_len(index, tree_size);
    if proof.len() != expected {
        return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
    }
    // Steps 2 and 3.
    let mut fn_ = index;
    let mut sn = tree_size - 1;
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        if sn == 0 {
            return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                shift_until_odd_or_zero(&mut fn_, &mut sn);
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    if sn != 0 {
        return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies that the tree of size `second_size` with root `second_root` is an
/// append-only extension of the tree of size `first_size` with root
/// `first_root`, using the consistency proof `proof` (RFC 9162 §2.1.4.2).
///
/// Size rules: `first_size > second_size` and `first_size == 0` are
/// rejected (the RFC algorithm is defined for `0 < first < second`; see
/// [`ProofError::EmptyFirstTree`]). Equal non-zero sizes are consistent iff
/// the proof is empty and the roots are equal. Otherwise the proof must have
/// exactly the expected length and reproduce both roots.
pub fn verify_consistency(
    first_size: u64,
    second_size: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if first_size > second_size {
        return Err(ProofError::FirstGreaterThanSecond { first: first_size, second: second_size });
    }
    if first_size == 0 {
        return Err(ProofError::EmptyFirstTree);
    }
    if first_size == second_size {
        if !proof.is_empty() {
            return Err(ProofError::WrongProofLength { expected: 0, actual: proof.len() });
        }
        if first_root != second_root {
            return Err(ProofError::RootMismatch);
        }
        return Ok(());
    }
    let expected = consistency_proof_len(first_size, second_size);
    let wrong_length = ProofError::WrongProofLength { expected, actual: proof.len() };
    if proof.len() != expected {
        return Err(wrong_length);
    }
    // Steps 1 and 2: an empty path fails; if `first` is a power of two the
    // first root is (conceptually) prepended to the path.
    let (seed, rest) = if first_size.is_power_of_two() {
        (first_root, proof)
    } else {
        match proof.split_first() {
            Some((head, tail)) => (head, tail),
            None => return Err(wrong_length),
        }
    };
    // Steps 3 and 4.
    let mut fn_ = first_size - 1;
    let mut sn = second_size - 1;
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let mut fr = *seed;
    let mut sr = *seed;
    // Step 6.
    for c in rest {
        if sn == 0 {
            return Err(wrong_length);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                shift_until_odd_or_zero(&mut fn_, &mut sn);
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(wrong_length);
    }
    if fr != *first_root {
        return Err(ProofError::FirstRootMismatch);
    }
    if sr != *second_root {
        return Err(ProofError::SecondRootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;
    use serde_json::Value;
    use std::path::{Path, PathBuf};

    /// Where the transparency-dev/merkle RFC 6962 vectors live. Repoint this
    /// one function when the files move (e.g. to `tests/data/rfc6962-vectors`).
    fn vectors_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rfc6962-vectors")
    }

    fn hex(h: &[u8]) -> String {
        hex::encode(h)
    }

    fn unhex(s: &str) -> Hash {
        assert_eq!(s.len(), 64);
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    /// The eight leaf inputs of the RFC 6962 / certificate-transparency
    /// reference tree.
    fn reference_inputs() -> Vec<Vec<u8>> {
        vec![
            vec![],
            vec![0x00],
            vec![0x10],
            vec![0x20, 0x21],
            vec![0x30, 0x31],
            vec![0x40, 0x41, 0x42, 0x43],
            vec![0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            vec![0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
        ]
    }

    fn reference_leaves() -> Vec<Hash> {
        reference_inputs().iter().map(|d| leaf_hash(d)).collect()
    }

    /// Roots of the reference tree at sizes 1..=8.
    const REFERENCE_ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn primitives_known_answers() {
        assert_eq!(hex(&empty_root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(root(&[]), empty_root());
        assert_eq!(hex(&leaf_hash(b"")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
        let mut manual = vec![0x01];
        manual.extend_from_slice(&a);
        manual.extend_from_slice(&b);
        assert_eq!(node_hash(&a, &b), <[u8; 32]>::from(Sha256::digest(&manual)));
        assert_eq!(hash_from_slice(&[7u8; 32]), Ok([7u8; 32]));
        assert_eq!(hash_from_slice(&[7u8; 31]), Err(ProofError::InvalidHashLength { actual: 31 }));
    }

    #[test]
    fn reference_tree_roots() {
        let leaves = reference_leaves();
        for (size, want) in REFERENCE_ROOTS.iter().enumerate() {
            assert_eq!(hex(&root(&leaves[..size + 1])), *want, "size {}", size + 1);
        }
        assert_eq!(hex(&root(&leaves)), "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    }

    #[test]
    fn reference_tree_inclusion_known_answer() {
        // PATH(0, D[8]) from the RFC 6962 reference tree.
        let proof = inclusion_proof(&reference_leaves(), 0, 8).unwrap();
        let want = [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ];
        assert_eq!(proof.iter().map(|h| hex(h)).collect::<Vec<_>>(), want);
        // PROOF(2, D[5]).
        let proof = consistency_proof(&reference_leaves(), 2, 5).unwrap();
        let want = [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ];
        assert_eq!(proof.iter().map(|h| hex(h)).collect::<Vec<_>>(), want);
        verify_consistency(2, 5, &unhex(REFERENCE_ROOTS[1]), &unhex(REFERENCE_ROOTS[4]), &proof).unwrap();
    }

    #[test]
    fn generation_argument_errors() {
        let l = leaves(5);
        assert_eq!(inclusion_proof(&l, 0, 6), Err(ProofError::TreeSizeExceedsLeaves { tree_size: 6, available: 5 }));
        assert_eq!(inclusion_proof(&l, 5, 5), Err(ProofError::IndexOutOfRange { index: 5, tree_size: 5 }));
        assert_eq!(inclusion_proof(&l, 0, 0), Err(ProofError::IndexOutOfRange { index: 0, tree_size: 0 }));
        assert_eq!(
            inclusion_proof(&l, 0, u64::MAX),
            Err(ProofError::TreeSizeExceedsLeaves { tree_size: u64::MAX, available: 5 })
        );
        assert_eq!(inclusion_proof(&l, 0, 1), Ok(vec![]));
        assert_eq!(consistency_proof(&l, 3, 2), Err(ProofError::FirstGreaterThanSecond { first: 3, second: 2 }));
        assert_eq!(consistency_proof(&l, 0, 3), Err(ProofError::EmptyFirstTree));
        assert_eq!(consistency_proof(&l, 1, 6), Err(ProofError::TreeSizeExceedsLeaves { tree_size: 6, available: 5 }));
        assert_eq!(consistency_proof(&l, 4, 4), Ok(vec![]));
        // Extra leaves beyond tree_size are ignored.
        assert_eq!(inclusion_proof(&l, 1, 3).unwrap(), inclusion_proof(&l[..3], 1, 3).unwrap());
    }

    #[test]
    fn verification_argument_errors() {
        let h = [0u8; 32];
        assert_eq!(
            verify_inclusion(&h, 0, 0, &[], &empty_root()),
            Err(ProofError::IndexOutOfRange { index: 0, tree_size: 0 })
        );
        assert_eq!(verify_inclusion(&h, 0, 1, &[h], &h), Err(ProofError::WrongProofLength { expected: 0, actual: 1 }));
        assert_eq!(verify_inclusion(&h, 0, 1, &[], &h), Ok(()));
        assert_eq!(verify_consistency(0, 0, &empty_root(), &empty_root(), &[]), Err(ProofError::EmptyFirstTree));
        assert_eq!(
            verify_consistency(2, 1, &h, &h, &[]),
            Err(ProofError::FirstGreaterThanSecond { first: 2, second: 1 })
        );
        assert_eq!(verify_consistency(3, 3, &h, &[1u8; 32], &[]), Err(ProofError::RootMismatch));
        assert_eq!(verify_consistency(1, 2, &h, &h, &[]), Err(ProofError::WrongProofLength { expected: 1, actual: 0 }));
        assert_eq!(
            verify_inclusion(&h, u64::MAX - 1, u64::MAX, &[h; 70], &h),
            Err(ProofError::WrongProofLength { expected: 63, actual: 70 })
        );
        let e = ProofError::WrongProofLength { expected: 1, actual: 0 };
        assert_eq!(e.to_string(), "proof has 0 hashes, but these tree sizes require 1");
    }

    /// Exhaustive check for small trees: every proof verifies, and its
    /// length is the one the verifier precomputes.
    #[test]
    fn exhaustive_small_trees() {
        let all = leaves(70);
        for n in 1..=all.len() {
            let tree = &all[..n];
            let r = root(tree);
            for i in 0..n {
                let p = inclusion_proof(tree, i as u64, n as u64).unwrap();
                assert_eq!(p.len(), inclusion_proof_len(i as u64, n as u64));
                verify_inclusion(&tree[i], i as u64, n as u64, &p, &r).unwrap();
                // Wrong index or size must fail.
                if n > 1 {
                    let other = (i as u64 + 1) % n as u64;
                    assert!(verify_inclusion(&tree[i], other, n as u64, &p, &r).is_err());
                }
                // (The same proof checked against `n + 1` may legitimately
                // pass for some shapes, e.g. leaf 0 of 5 vs 6: the tree size
                // is bound by the signed checkpoint, not by the path alone.)
            }
            for m in 1..=n {
                let p = consistency_proof(tree, m as u64, n as u64).unwrap();
                if m < n {
                    assert_eq!(p.len(), consistency_proof_len(m as u64, n as u64));
                } else {
                    assert!(p.is_empty());
                }
                let r1 = root(&tree[..m]);
                verify_consistency(m as u64, n as u64, &r1, &r, &p).unwrap();
                if m < n {
                    assert!(verify_consistency(m as u64, n as u64, &r, &r1, &p).is_err());
                    assert!(verify_consistency(m as u64 + 1, n as u64, &r1, &r, &p).is_err());
                }
            }
        }
    }

    /// Linear-cost check: a 20,003-leaf tree (in debug builds). The
    /// 1,000,000-leaf case is `large_tree_million` (ignored by default; run
    /// with `cargo test --release -- --ignored`).
    #[test]
    fn large_tree_proofs() {
        check_large_tree(20_003);
    }

    #[test]
    #[ignore = "slow in debug builds; run with --release -- --ignored"]
    fn large_tree_million() {
        check_large_tree(1_000_000);
    }

    fn check_large_tree(n: usize) {
        let all = leaves(n);
        let r = root(&all);
        for &i in &[0, 1, n / 3, n - 2, n - 1] {
            let p = inclusion_proof(&all, i as u64, n as u64).unwrap();
            verify_inclusion(&all[i], i as u64, n as u64, &p, &r).unwrap();
        }
        for &m in &[1, 2, n / 2 + 1, n - 1] {
            let p = consistency_proof(&all, m as u64, n as u64).unwrap();
            verify_consistency(m as u64, n as u64, &root(&all[..m]), &r, &p).unwrap();
        }
    }

    // ----- RFC 6962 test vectors (transparency-dev/merkle testdata) -----

    fn json_files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display())) {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// A hash field of a vector: base64 that may decode to something other
    /// than 32 bytes (the vectors use "" and short "don't care" strings).
    fn raw(v: &Value, field: &str) -> Vec<u8> {
        let s = v[field].as_str().unwrap_or_else(|| panic!("{field} is not a string"));
        STANDARD.decode(s).unwrap()
    }

    fn u64_field(v: &Value, field: &str) -> u64 {
        v[field].as_u64().unwrap_or_else(|| panic!("{field} is not a u64"))
    }

    /// `proof` is either `null` (empty) or an array of base64 strings.
    fn raw_proof(v: &Value) -> Vec<Vec<u8>> {
        match &v["proof"] {
            Value::Null => vec![],
            Value::Array(items) => items.iter().map(|s| STANDARD.decode(s.as_str().unwrap()).unwrap()).collect(),
            other => panic!("unexpected proof {other}"),
        }
    }

    /// Equality-preserving 32-byte stand-in for a byte string that is not a
    /// valid hash; cannot collide with a real hash in the vectors.
    fn stand_in(bytes: &[u8]) -> Hash {
        let mut h = Sha256::new();
        h.update(b"not-a-hash:");
        h.update(bytes);
        h.finalize().into()
    }

    /// Strict decoding: every hash field must be exactly 32 bytes.
    fn strict(bytes: &[u8]) -> Result<Hash, ProofError> {
        hash_from_slice(bytes)
    }

    fn lenient(bytes: &[u8]) -> Hash {
        hash_from_slice(bytes).unwrap_or_else(|_| stand_in(bytes))
    }

    #[derive(Default, Debug)]
    struct Tally {
        accepted: usize,
        rejected_by_verifier: usize,
        rejected_at_decoding: usize,
        rejected_only_at_decoding: Vec<String>,
        cross_checked_generation: usize,
    }

    enum Outcome {
        Accepted,
        RejectedByVerifier,
        /// A hash field is not 32 bytes, and the verifier also rejects the
        /// case when run with equality-preserving stand-ins.
        RejectedAtDecoding,
        /// A hash field is not 32 bytes, but with stand-ins the verifier
        /// would accept: only the length check rejects it.
        RejectedOnlyAtDecoding,
    }

    /// Runs one vector: decode strictly and verify. A hash field that is not
    /// 32 bytes cannot even be passed to the typed API, so for a must-fail
    /// case that is a rejection at decoding (and we also run the verifier
    /// with equality-preserving stand-ins to see whether it alone would
    /// reject); the one must-pass case that carries such placeholders (equal
    /// "don't care" roots for equal sizes) is run with the stand-ins.
    fn run_case<F>(want_err: bool, fields: &[Vec<u8>], proof: &[Vec<u8>], verify: F) -> Outcome
    where
        F: Fn(&[Hash], &[Hash]) -> Result<(), ProofError>,
    {
        let strict_fields: Result<Vec<Hash>, _> = fields.iter().map(|f| strict(f)).collect();
        let strict_proof: Result<Vec<Hash>, _> = proof.iter().map(|p| strict(p)).collect();
        match (strict_fields, strict_proof) {
            (Ok(f), Ok(p)) => match verify(&f, &p) {
                Ok(()) => Outcome::Accepted,
                Err(_) => Outcome::RejectedByVerifier,
            },
            _ => {
                let f: Vec<Hash> = fields.iter().map(|f| lenient(f)).collect();
                let p: Vec<Hash> = proof.iter().map(|p| lenient(p)).collect();
                match (want_err, verify(&f, &p)) {
                    (false, Ok(())) => Outcome::Accepted,
                    (false, Err(_)) => Outcome::RejectedByVerifier,
                    (true, Ok(())) => Outcome::RejectedOnlyAtDecoding,
                    (true, Err(_)) => Outcome::RejectedAtDecoding,
                }
            }
        }
    }

    fn record(tally: &mut Tally, failures: &mut Vec<String>, file: &Path, want_err: bool, o: Outcome) {
        match (want_err, o) {
            (false, Outcome::Accepted) => tally.accepted += 1,
            (true, Outcome::RejectedByVerifier) => tally.rejected_by_verifier += 1,
            (true, Outcome::RejectedAtDecoding) => tally.rejected_at_decoding += 1,
            (true, Outcome::RejectedOnlyAtDecoding) => {
                tally.rejected_at_decoding += 1;
                let name = file.strip_prefix(vectors_dir()).unwrap_or(file);
                tally.rejected_only_at_decoding.push(name.display().to_string());
            }
            (true, Outcome::Accepted) => failures.push(format!("accepted: {}", file.display())),
            (false, _) => failures.push(format!("rejected: {}", file.display())),
        }
    }

    #[test]
    fn rfc6962_inclusion_vectors() {
        let files = json_files(&vectors_dir().join("inclusion"));
        let reference = reference_leaves();
        let mut tally = Tally::default();
        let mut failures = Vec::new();
        for file in &files {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
            let want_err = v["wantErr"].as_bool().unwrap();
            let index = u64_field(&v, "leafIdx");
            let size = u64_field(&v, "treeSize");
            let fields = [raw(&v, "leafHash"), raw(&v, "root")];
            let proof = raw_proof(&v);
            let outcome = run_case(want_err, &fields, &proof, |f, p| verify_inclusion(&f[0], index, size, p, &f[1]));
            record(&mut tally, &mut failures, file, want_err, outcome);
            // Cross-check the generator on happy paths over the reference tree.
            if !want_err && (1..=8).contains(&size) {
                let tree = &reference[..size as usize];
                if fields[1] == root(tree) && fields[0] == tree[index as usize] {
                    let generated = inclusion_proof(tree, index, size).unwrap();
                    let want: Vec<Hash> = proof.iter().map(|p| strict(p).unwrap()).collect();
                    assert_eq!(generated, want, "{}", file.display());
                    tally.cross_checked_generation += 1;
                }
            }
        }
        eprintln!("inclusion vectors: {} files, {tally:?}", files.len());
        // Only this case needs the 32-byte check: its root and leaf hash are
        // both "" (equal), so a length-blind verifier would accept it.
        assert_eq!(tally.rejected_only_at_decoding, ["inclusion/single-entry/empty-root-and-leaf.json"]);
        assert!(failures.is_empty(), "vector failures:\n{}", failures.join("\n"));
        assert!(files.len() >= 98, "expected 98 inclusion vectors, found {}", files.len());
        assert!(tally.accepted >= 6 && tally.cross_checked_generation >= 5);
    }

    #[test]
    fn rfc6962_consistency_vectors() {
        let files = json_files(&vectors_dir().join("consistency"));
        let reference = reference_leaves();
        let mut tally = Tally::default();
        let mut failures = Vec::new();
        for file in &files {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
            let want_err = v["wantErr"].as_bool().unwrap();
            let size1 = u64_field(&v, "size1");
            let size2 = u64_field(&v, "size2");
            let fields = [raw(&v, "root1"), raw(&v, "root2")];
            let proof = raw_proof(&v);
            let outcome = run_case(want_err, &fields, &proof, |f, p| verify_consistency(size1, size2, &f[0], &f[1], p));
            record(&mut tally, &mut failures, file, want_err, outcome);
            if !want_err && size1 >= 1 && size2 <= 8 && size1 <= size2 {
                let t2 = &reference[..size2 as usize];
                let t1 = &reference[..size1 as usize];
                if fields[0] == root(t1) && fields[1] == root(t2) {
                    let generated = consistency_proof(t2, size1, size2).unwrap();
                    let want: Vec<Hash> = proof.iter().map(|p| strict(p).unwrap()).collect();
                    assert_eq!(generated, want, "{}", file.display());
                    tally.cross_checked_generation += 1;
                }
            }
        }
        eprintln!("consistency vectors: {} files, {tally:?}", files.len());
        assert!(tally.rejected_only_at_decoding.is_empty());
        assert!(failures.is_empty(), "vector failures:\n{}", failures.join("\n"));
        assert!(files.len() >= 98, "expected 98 consistency vectors, found {}", files.len());
        assert!(tally.accepted >= 6 && tally.cross_checked_generation >= 5);
    }

    // ----- property tests -----

    fn flip(h: &Hash, bit: usize) -> Hash {
        let mut out = *h;
        out[bit / 8] ^= 1 << (bit % 8);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn prop_inclusion(n in 1usize..=300, i_seed in any::<usize>(), pos_seed in any::<usize>()) {
            let tree = leaves(n);
            let i = i_seed % n;
            let r = root(&tree);
            let proof = inclusion_proof(&tree, i as u64, n as u64).unwrap();
            prop_assert!(verify_inclusion(&tree[i], i as u64, n as u64, &proof, &r).is_ok());
            // Flipping any single bit of the leaf, the root or any proof hash
            // (every one of the 256 bits of each) breaks verification.
            for bit in 0..256 {
                prop_assert!(verify_inclusion(&flip(&tree[i], bit), i as u64, n as u64, &proof, &r).is_err());
                prop_assert!(verify_inclusion(&tree[i], i as u64, n as u64, &proof, &flip(&r, bit)).is_err());
                for k in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[k] = flip(&bad[k], bit);
                    prop_assert!(verify_inclusion(&tree[i], i as u64, n as u64, &bad, &r).is_err());
                }
            }
            // Truncated, extended and wrong-position proofs fail.
            if !proof.is_empty() {
                let mut short = proof.clone();
                short.remove(pos_seed % proof.len());
                prop_assert!(verify_inclusion(&tree[i], i as u64, n as u64, &short, &r).is_err());
            }
            let mut long = proof.clone();
            long.insert(pos_seed % (proof.len() + 1), r);
            prop_assert!(verify_inclusion(&tree[i], i as u64, n as u64, &long, &r).is_err());
        }

        #[test]
        fn prop_consistency(n in 2usize..=300, m_seed in any::<usize>(), pos_seed in any::<usize>()) {
            let tree = leaves(n);
            let m = 1 + m_seed % (n - 1); // 1..n-1: a non-trivial proof
            let r1 = root(&tree[..m]);
            let r2 = root(&tree);
            let proof = consistency_proof(&tree, m as u64, n as u64).unwrap();
            prop_assert!(!proof.is_empty());
            prop_assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &proof).is_ok());
            for bit in 0..256 {
                prop_assert!(verify_consistency(m as u64, n as u64, &flip(&r1, bit), &r2, &proof).is_err());
                prop_assert!(verify_consistency(m as u64, n as u64, &r1, &flip(&r2, bit), &proof).is_err());
                for k in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[k] = flip(&bad[k], bit);
                    prop_assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &bad).is_err());
                }
            }
            let mut short = proof.clone();
            short.remove(pos_seed % proof.len());
            prop_assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &short).is_err());
            let mut long = proof.clone();
            long.insert(pos_seed % (proof.len() + 1), r1);
            prop_assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &long).is_err());
            // Equal sizes: the empty proof and equal roots.
            let same = consistency_proof(&tree, n as u64, n as u64).unwrap();
            prop_assert!(same.is_empty());
            prop_assert!(verify_consistency(n as u64, n as u64, &r2, &r2, &same).is_ok());
        }
    }
}
