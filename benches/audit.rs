//! The audit benchmark (issue 17): how long `maslikhat audit` takes and how much memory it needs
//! on the synthetic country, beside `maslikhat export` (which streams every stored version in
//! flat memory: the reference for "bounded whatever the size"). Both run as the release binary
//! under `/usr/bin/time -v`; the figures are their wall time and peak RSS. Writes
//! `target/bench/audit-scale{N}.md` and prints the table.
//!
//! ```sh
//! cargo bench --bench audit -- --scale 1 [--seed 1] [--until 2026-01-01]
//! cargo bench --bench audit -- --database sqlite://path/to/loaded.sqlite   # skip the load
//! ```
//!
//! Without `--database` the country is loaded first into a temporary SQLite file with
//! `maslikhat demo` (several minutes at scale 10 in release); with `DATABASE_URL` naming a
//! PostgreSQL server, into a fresh database there instead.

use std::error::Error;
use std::process::Command;
use std::time::Instant;

type BoxResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

struct Args {
    scale: u32,
    seed: u64,
    until: String,
    database: Option<String>,
}

fn parse_args() -> BoxResult<Args> {
    let mut a = Args { scale: 1, seed: 1, until: "2026-01-01".into(), database: None };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => a.scale = value()?.parse()?,
            "--seed" => a.seed = value()?.parse()?,
            "--until" => a.until = value()?,
            "--database" => a.database = Some(value()?),
            // `cargo bench` passes `--bench`; anything else unknown is ignored too.
            _ => {}
        }
    }
    Ok(a)
}

/// What `/usr/bin/time -v` measured of one run.
struct Measured {
    seconds: f64,
    peak_kib: u64,
    stdout: String,
}

/// Runs the release binary with `args` under `/usr/bin/time -v`; fails unless it exits 0.
fn measure(args: &[&str]) -> BoxResult<Measured> {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_maslikhat"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("maslikhat {}: {}\n{stderr}", args.join(" "), out.status).into());
    }
    let peak_kib = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or("no peak RSS in the output of /usr/bin/time -v")?;
    Ok(Measured { seconds, peak_kib, stdout: String::from_utf8_lossy(&out.stdout).into_owned() })
}

/// A database to load into: a fresh one on `DATABASE_URL`'s PostgreSQL server, else a SQLite
/// file in `dir`.
fn fresh_database(dir: &std::path::Path, scale: u32) -> BoxResult<String> {
    match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        Some(admin) => {
            let name = format!("bench_audit_{}", uuid::Uuid::new_v4().simple());
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                let db = sea_orm::Database::connect(&admin).await?;
                db.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
                db.close().await
            })?;
            let (prefix, _) = admin.rsplit_once('/').ok_or("DATABASE_URL has no database name")?;
            Ok(format!("{prefix}/{name}"))
        }
        None => Ok(format!("sqlite://{}?mode=rwc", dir.join(format!("scale{scale}.sqlite")).display())),
    }
}

fn main() -> BoxResult<()> {
    let a = parse_args()?;
    let tmp = tempfile::tempdir()?;
    let (database, load) = match &a.database {
        Some(db) => (db.clone(), None),
        None => {
            let db = fresh_database(tmp.path(), a.scale)?;
            let (scale, seed) = (a.scale.to_string(), a.seed.to_string());
            eprintln!("loading the synthetic country at scale {scale} …");
            let m = measure(&["demo", "--scale", &scale, "--seed", &seed, "--until", &a.until, "--database", &db])?;
            (db, Some(m))
        }
    };
    eprintln!("auditing {database} …");
    let audit = measure(&["audit", "--database", &database])?;
    let export = measure(&["export", "--out", "/dev/null", "--database", &database])?;
    let checked = audit.stdout.lines().find(|l| l.starts_with("checked")).unwrap_or_default().to_owned();
    let mib = |k: u64| k as f64 / 1024.0;
    let mut md = format!("audit benchmark, scale {} (seed {}, until {})\n\n", a.scale, a.seed, a.until);
    md += "| run | wall | peak RSS |\n|---|---|---|\n";
    if let Some(l) = &load {
        md += &format!("| `maslikhat demo` (the load) | {:.1} s | {:.0} MiB |\n", l.seconds, mib(l.peak_kib));
    }
    md += &format!("| `maslikhat audit` | {:.1} s | {:.0} MiB |\n", audit.seconds, mib(audit.peak_kib));
    md += &format!(
        "| `maslikhat export --out /dev/null` (reference) | {:.1} s | {:.0} MiB |\n",
        export.seconds,
        mib(export.peak_kib)
    );
    md += &format!("\n{checked}\n");
    println!("{md}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("audit-scale{}.md", a.scale)), md)?;
    Ok(())
}
