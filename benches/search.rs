//! The search benchmark (issue 19): p95 latency of `search` on the synthetic country, target
//! ≤ 50 ms at scale 1. Loads the country with `maslikhat demo` (skipped with `--database`), then
//! runs a mix of queries through the same function the `search` operation calls
//! (`maslikhat::service::search::find`, first page of 50), in process: what is measured is the index and
//! the query, not HTTP. Queries: deputy surnames (Cyrillic and their Latin skeleton), a surname
//! with an initial, council names, inflected Russian words, one-letter prefixes. Writes
//! `target/bench/search-scale{N}.md` and prints the table.
//!
//! ```sh
//! cargo bench --bench search -- --scale 1 [--seed 1] [--until 2026-01-01] [--rounds 5]
//! cargo bench --bench search -- --database sqlite://path/to/loaded.sqlite   # skip the load
//! ```

use std::error::Error;
use std::process::Command;
use std::time::Instant;

use maslikhat::service::Service;
use maslikhat::service::search::{SearchFilter, find};
use sea_orm::{ConnectionTrait, Database, Statement};

type BoxResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

struct Args {
    scale: u32,
    seed: u64,
    until: String,
    rounds: usize,
    database: Option<String>,
}

fn parse_args() -> BoxResult<Args> {
    let mut a = Args { scale: 1, seed: 1, until: "2026-01-01".into(), rounds: 5, database: None };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => a.scale = value()?.parse()?,
            "--seed" => a.seed = value()?.parse()?,
            "--until" => a.until = value()?,
            "--rounds" => a.rounds = value()?.parse()?,
            "--database" => a.database = Some(value()?),
            // `cargo bench` passes `--bench`; anything else unknown is ignored too.
            _ => {}
        }
    }
    Ok(a)
}

/// Loads the synthetic country into a fresh SQLite file (for PostgreSQL, load it there and
/// pass `--database`).
fn load(a: &Args, dir: &std::path::Path) -> BoxResult<String> {
    let db = format!("sqlite://{}?mode=rwc", dir.join(format!("search{}.sqlite", a.scale)).display());
    let (scale, seed) = (a.scale.to_string(), a.seed.to_string());
    eprintln!("loading the synthetic country (scale {scale}) …");
    let out = Command::new(env!("CARGO_BIN_EXE_maslikhat"))
        .args(["demo", "--scale", &scale, "--seed", &seed, "--until", &a.until, "--database", &db])
        .env("RUST_LOG", "warn")
        .output()?;
    if !out.status.success() {
        return Err(format!("maslikhat demo: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(db)
}

/// The first word of up to `n` stored names of `table` (JSON maps), for queries.
async fn words(db: &sea_orm::DatabaseConnection, sql: &str) -> BoxResult<Vec<String>> {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await?;
    let mut out = vec![];
    for r in rows {
        let json: String = r.try_get_by_index(0)?;
        let names: std::collections::BTreeMap<String, String> = serde_json::from_str(&json).unwrap_or_default();
        if let Some(n) = names.values().next() {
            out.push(n.clone());
        }
    }
    Ok(out)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> BoxResult<()> {
    let a = parse_args()?;
    let tmp = tempfile::tempdir()?;
    let database = match &a.database {
        Some(d) => d.clone(),
        None => load(&a, tmp.path())?,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let db = Database::connect(&database).await?;
        let deputies = words(&db, "SELECT names FROM deputy ORDER BY id LIMIT 40").await?;
        let councils = words(&db, "SELECT names FROM council ORDER BY id LIMIT 20").await?;
        let mut queries: Vec<String> = vec![];
        for d in &deputies {
            let mut parts = d.split_whitespace();
            let (surname, given) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
            queries.push(surname.to_owned());
            queries.push(format!("{} {surname}", given.chars().next().unwrap_or('А')));
        }
        queries.extend(councils);
        queries.extend(["бюджета", "бюджету района", "утверждении", "Zhaksybekov", "а", "ма", "Астана"].map(String::from));
        let filter = SearchFilter::default();
        let mut svc = Service::unconnected();
        svc.db = db;
        let mut ms: Vec<f64> = vec![];
        for _ in 0..a.rounds {
            for q in &queries {
                let t = Instant::now();
                find(&svc, q, &filter, None, 50).await?;
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        ms.sort_by(f64::total_cmp);
        let (p50, p95, max) = (percentile(&ms, 0.5), percentile(&ms, 0.95), ms[ms.len() - 1]);
        let md = format!(
            "# search, scale {}\n\n| queries | p50 | p95 | max | target p95 |\n|---|---|---|---|---|\n| {} | {p50:.1} ms | {p95:.1} ms | {max:.1} ms | ≤ 50 ms |\n",
            a.scale,
            ms.len()
        );
        std::fs::create_dir_all("target/bench")?;
        std::fs::write(format!("target/bench/search-scale{}.md", a.scale), &md)?;
        println!("{md}");
        Ok::<_, Box<dyn Error + Send + Sync>>(())
    })
}
