//! Proof cost of the transparency log at 10^4 and 10^6 entries: inclusion and consistency proofs
//! as the server now computes them (from stored tile hashes, O(log n) rows), beside the way it
//! computed them before (every leaf hash loaded, then hashed: O(n)), on the same SQLite file.
//! Also times giving an existing log its tile hashes (what the first start after the upgrade
//! does).
//!
//! `cargo bench --bench tlog [-- --sizes 10000,1000000 --proofs 200]`
//!
//! The log is written directly (leaf rows with synthetic leaf data, foreign keys off), not
//! through the publication path: what is measured is reading and hashing, not publishing.

use std::time::{Duration, Instant};

use maslikhat::domain::log::{canonical, frontier_append, merkle};
use sea_orm::ConnectionTrait;

struct Args {
    sizes: Vec<u64>,
    proofs: u64,
}

fn args() -> Args {
    let mut a = Args { sizes: vec![10_000, 1_000_000], proofs: 200 };
    let argv: Vec<String> = std::env::args().collect();
    for pair in argv.windows(2) {
        match pair[0].as_str() {
            "--sizes" => a.sizes = pair[1].split(',').filter_map(|s| s.parse().ok()).collect(),
            "--proofs" => a.proofs = pair[1].parse().unwrap_or(a.proofs),
            _ => {}
        }
    }
    a
}

/// A log of `n` synthetic entries in a fresh SQLite file, with its head, but no tile hashes.
async fn build(path: &std::path::Path, n: u64) -> sea_orm::DatabaseConnection {
    let db = maslikhat::store::connect(&format!("sqlite://{}?mode=rwc", path.display()), 1).await.expect("db");
    maslikhat::store::migrate(&db).await.expect("migrate");
    db.execute_unprepared("PRAGMA foreign_keys = OFF").await.expect("pragma");
    let mut frontier = vec![];
    let mut i = 0u64;
    while i < n {
        let end = (i + 2000).min(n);
        let mut sql = String::from("INSERT INTO log_entry (idx, version_id, leaf_data, leaf_hash) VALUES ");
        for j in i..end {
            let data = format!("{{\"index\":{j},\"kind\":\"bench\"}}");
            let leaf = merkle::leaf_hash(data.as_bytes());
            frontier_append(&mut frontier, j, leaf);
            let sep = if j + 1 == end { "" } else { "," };
            sql.push_str(&format!("({j},{j},'{data}','{}'){sep}", canonical::to_hex(&leaf)));
        }
        db.execute_unprepared(&format!("BEGIN; {sql}; COMMIT;")).await.expect("insert");
        i = end;
    }
    let hexes: Vec<String> = frontier.iter().map(|h| canonical::to_hex(h)).collect();
    db.execute_unprepared(&format!(
        "UPDATE write_head SET log_size = {n}, frontier = '{}' WHERE id = 1",
        hexes.join(",")
    ))
    .await
    .expect("head");
    db
}

fn per(total: Duration, count: u64) -> f64 {
    total.as_secs_f64() * 1000.0 / count.max(1) as f64
}

/// A deterministic walk over `1..=bound`.
fn walk(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed | 1;
    move |bound| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % bound
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let tmp = tempfile::tempdir().expect("tmp");
    println!(
        "| entries | tile hashes on first start | inclusion, tiles | consistency, tiles | inclusion, every leaf (before) | consistency, every leaf (before) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for &n in &a.sizes {
        let db = build(&tmp.path().join(format!("log-{n}.sqlite")), n).await;
        let started = Instant::now();
        let rows = maslikhat::store::tiles::catch_up(&db).await.expect("catch up");
        let catch_up = started.elapsed();
        let (size, root) = maslikhat::store::log::head(&db).await.expect("head");
        assert_eq!(size, n);
        let mut next = walk(n);
        let started = Instant::now();
        for _ in 0..a.proofs {
            let i = next(n);
            let p = maslikhat::store::tiles::inclusion(&db, i, n).await.expect("inclusion");
            assert_eq!(p.root, root);
            merkle::verify_inclusion(&p.leaf, i, n, &p.proof, &root).expect("verifies");
        }
        let inclusion = started.elapsed();
        let started = Instant::now();
        for _ in 0..a.proofs {
            let m = 1 + next(n - 1);
            let p = maslikhat::store::tiles::consistency(&db, m, n).await.expect("consistency");
            merkle::verify_consistency(m, n, &p.first_root, &p.second_root, &p.proof).expect("verifies");
        }
        let consistency = started.elapsed();
        // Before: every leaf hash read, then the proof hashed from them (a few rounds suffice).
        let rounds = if n > 100_000 { 3 } else { 20 };
        let started = Instant::now();
        for _ in 0..rounds {
            let leaves = maslikhat::store::log::leaf_hashes(&db, n).await.expect("leaves");
            merkle::inclusion_proof(&leaves, next(n), n).expect("proof");
        }
        let old_inclusion = started.elapsed();
        let started = Instant::now();
        for _ in 0..rounds {
            let leaves = maslikhat::store::log::leaf_hashes(&db, n).await.expect("leaves");
            let m = 1 + next(n - 1);
            merkle::consistency_proof(&leaves, m, n).expect("proof");
            // The endpoint also answered both roots.
            merkle::root(&leaves[..m as usize]);
            merkle::root(&leaves);
        }
        let old_consistency = started.elapsed();
        println!(
            "| {n} | {:.2} s ({rows} rows) | {:.3} ms | {:.3} ms | {:.1} ms | {:.1} ms |",
            catch_up.as_secs_f64(),
            per(inclusion, a.proofs),
            per(consistency, a.proofs),
            per(old_inclusion, rounds),
            per(old_consistency, rounds),
        );
    }
}
