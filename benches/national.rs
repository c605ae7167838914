//! The national-scale benchmark (issue 8): load the synthetic country through the publication
//! path, time the metrics cold and warm, put the in-process server under a bounded HTTP load, and
//! report peak RSS. Writes `target/bench/national-scale{N}.json` and `.md` and prints the table.
//!
//! ```sh
//! cargo bench --bench national -- --scale 1 [--seed 1] [--until 2026-01-01] [--seconds 10] [--connections 64]
//! ```
//!
//! SQLite always (a temporary file); PostgreSQL too when `DATABASE_URL` names a server (a fresh
//! database is created on it). The load generator runs in the same process as the server, so
//! both share the machine's cores; the figures are a floor, not a ceiling.

use std::error::Error;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use maslikhat::config::Settings;
use maslikhat::demo::{self, DemoConfig};
use maslikhat::startup::Application;
use serde_json::{Value, json};

type BoxResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

#[derive(Debug, Clone)]
struct Args {
    scale: u32,
    seed: u64,
    until: NaiveDate,
    seconds: u64,
    connections: usize,
}

fn parse_args() -> BoxResult<Args> {
    let mut a = Args {
        scale: 1,
        seed: 1,
        until: NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
        seconds: 10,
        connections: 64,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => a.scale = value()?.parse()?,
            "--seed" => a.seed = value()?.parse()?,
            "--until" => a.until = value()?.parse()?,
            "--seconds" => a.seconds = value()?.parse()?,
            "--connections" => a.connections = value()?.parse()?,
            // `cargo bench` passes `--bench`; anything else unknown is ignored too.
            _ => {}
        }
    }
    Ok(a)
}

fn main() -> BoxResult<()> {
    let args = parse_args()?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run(args))
}

/// A fresh PostgreSQL database on the server `admin_url` names.
async fn fresh_postgres(admin_url: &str) -> BoxResult<String> {
    use sea_orm::ConnectionTrait;
    let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(admin_url).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    admin.close().await.ok();
    let (prefix, _) = admin_url.rsplit_once('/').ok_or("DATABASE_URL has no database name")?;
    Ok(format!("{prefix}/{name}"))
}

async fn run(args: Args) -> BoxResult<()> {
    let tmp = tempfile::tempdir()?;
    let mut backends = vec![("sqlite", format!("sqlite://{}?mode=rwc", tmp.path().join("bench.sqlite").display()))];
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        backends.push(("postgresql", fresh_postgres(&url).await?));
    }
    let mut results = vec![];
    for (name, url) in backends {
        eprintln!("== {name}: scale {}, seed {}, until {}", args.scale, args.seed, args.until);
        results.push(bench_backend(name, &url, &args, tmp.path()).await?);
    }
    let machine = machine();
    let report = json!({
        "command": format!("cargo bench --bench national -- --scale {} --seed {} --until {} --seconds {} --connections {}",
            args.scale, args.seed, args.until, args.seconds, args.connections),
        "machine": machine,
        "backends": results,
    });
    let md = markdown(&report);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench");
    std::fs::create_dir_all(&dir)?;
    let stem = format!("national-scale{}", args.scale);
    std::fs::write(dir.join(format!("{stem}.json")), serde_json::to_string_pretty(&report)?)?;
    std::fs::write(dir.join(format!("{stem}.md")), &md)?;
    println!("{md}");
    eprintln!("wrote {}", dir.join(format!("{stem}.{{json,md}}")).display());
    Ok(())
}

fn machine() -> Value {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem_kib = proc_field("/proc/meminfo", "MemTotal:");
    json!({"cores": cores, "memory_gib": mem_kib.map(|k| (k as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0)})
}

/// A `kB` field of a `/proc` file, in KiB.
fn proc_field(file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

/// What one pass over the demo country found worth requesting.
#[derive(Debug, Default)]
struct Targets {
    documents: u64,
    ballots: u64,
    council: String,
    vote_event: String,
    deputy: String,
}

fn survey(cfg: &DemoConfig) -> Targets {
    let mut t = Targets { documents: demo::parties().len() as u64, ..Default::default() };
    for b in demo::generate(cfg) {
        t.documents += 2 + b.sessions.len() as u64;
        for (_, s) in &b.sessions {
            for e in &s.vote_events {
                t.ballots += e.ballots.len() as u64;
                if t.vote_event.is_empty()
                    && let Some(first) = e.ballots.first()
                {
                    t.council = b.id.clone();
                    t.vote_event = e.id.clone();
                    t.deputy = first.deputy.clone();
                }
            }
        }
    }
    t
}

async fn timed_get(client: &reqwest::Client, url: &str) -> BoxResult<f64> {
    let t = Instant::now();
    let resp = client.get(url).send().await?;
    let status = resp.status();
    let _ = resp.bytes().await?;
    if !status.is_success() {
        return Err(format!("GET {url}: {status}").into());
    }
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

/// Cold (first request) and warm (median of five more) latencies in ms.
async fn cold_warm(client: &reqwest::Client, url: &str) -> BoxResult<Value> {
    let cold = timed_get(client, url).await?;
    let mut warm = vec![];
    for _ in 0..5 {
        warm.push(timed_get(client, url).await?);
    }
    warm.sort_by(f64::total_cmp);
    Ok(json!({"cold_ms": round2(cold), "warm_ms": round2(warm[warm.len() / 2])}))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

async fn bench_backend(name: &str, url: &str, args: &Args, tmp: &std::path::Path) -> BoxResult<Value> {
    // Resetting the high-water mark makes a second backend's peak its own (Linux >= 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let settings = Settings {
        bind: "127.0.0.1:0".parse()?,
        database_url: Some(url.to_owned().into()),
        keys_dir: tmp.join(format!("keys-{name}")),
        // Measure the server, not the per-client limiter.
        read_rate_per_second: 10_000_000,
        read_burst: 10_000_000,
        write_rate_per_second: 10_000_000,
        write_burst: 10_000_000,
        ..Settings::default()
    };
    let app = Application::build(settings).await?;
    let state = app.state();
    let port = app.port();

    let cfg = DemoConfig::national(args.seed, args.scale, args.until);
    let t = Instant::now();
    let targets = survey(&cfg);
    let generate_s = t.elapsed().as_secs_f64();
    eprintln!("generated {} documents, {} ballots in {generate_s:.1} s", targets.documents, targets.ballots);
    let t = Instant::now();
    let loaded = demo::load(&state.db, &cfg, false).await?;
    let load_s = t.elapsed().as_secs_f64();
    let documents = loaded.created + loaded.unchanged;
    eprintln!("loaded {documents} documents in {load_s:.1} s");
    let load = json!({
        "councils": loaded.councils,
        "sessions": loaded.sessions,
        "documents": documents,
        "ballots": targets.ballots,
        "seconds": round2(load_s),
        "generate_only_seconds": round2(generate_s),
        "documents_per_s": round2(documents as f64 / load_s),
        "ballots_per_s": round2(targets.ballots as f64 / load_s),
    });

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    // One council's metrics first: the rankings would fill its cache entry.
    let council_metrics = cold_warm(&client, &format!("{base}/v1/councils/{}/metrics", targets.council)).await?;
    let rankings = cold_warm(&client, &format!("{base}/v1/rankings")).await?;
    eprintln!("council metrics {council_metrics}, rankings {rankings}");

    let endpoints = [
        ("council metrics", format!("/v1/councils/{}/metrics", targets.council)),
        ("vote event", format!("/v1/vote-events/{}", targets.vote_event)),
        ("deputy ballots page", format!("/v1/deputies/{}/ballots", targets.deputy)),
        ("council list", "/v1/councils".to_owned()),
    ];
    let mut http = vec![];
    for (label, path) in endpoints {
        let r = load_phase(&format!("{base}{path}"), args.connections, Duration::from_secs(args.seconds)).await?;
        eprintln!("{label}: {r}");
        let mut r = r;
        r["endpoint"] = json!(label);
        r["path"] = json!(path);
        http.push(r);
    }
    let peak_rss_mib = proc_field("/proc/self/status", "VmHWM:").map(|k| round2(k as f64 / 1024.0));
    drop(tx);
    let _ = server.await;
    Ok(json!({
        "backend": name,
        "scale": args.scale,
        "load": load,
        "get_council_metrics": council_metrics,
        "list_council_rankings": rankings,
        "http": http,
        "peak_rss_mib": peak_rss_mib,
    }))
}

/// `connections` keep-alive clients requesting `url` back to back for `duration`.
async fn load_phase(url: &str, connections: usize, duration: Duration) -> BoxResult<Value> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = vec![];
    for _ in 0..connections {
        let client = reqwest::Client::builder().pool_max_idle_per_host(1).build()?;
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut lat_us: Vec<u32> = Vec::with_capacity(4096);
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.get(&url).send().await {
                    Ok(resp) if resp.status().is_success() => match resp.bytes().await {
                        Ok(_) => lat_us.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32),
                        Err(_) => errors += 1,
                    },
                    _ => errors += 1,
                }
            }
            (lat_us, errors)
        }));
    }
    let mut all = vec![];
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        round2(all[i] as f64 / 1000.0)
    };
    Ok(json!({
        "connections": connections,
        "seconds": round2(elapsed),
        "requests": all.len(),
        "errors": errors,
        "requests_per_s": round2(all.len() as f64 / elapsed),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }))
}

fn markdown(report: &Value) -> String {
    let m = &report["machine"];
    let mut s = format!(
        "`{}` — {} cores, {} GiB\n\n",
        report["command"].as_str().unwrap_or_default(),
        m["cores"],
        m["memory_gib"]
    );
    s.push_str("| backend | measure | value |\n|---|---|---|\n");
    for b in report["backends"].as_array().into_iter().flatten() {
        let n = b["backend"].as_str().unwrap_or_default();
        let l = &b["load"];
        s.push_str(&format!(
            "| {n} | load scale {}: {} documents, {} ballots | {} s ({} documents/s, {} ballots/s) |\n",
            b["scale"], l["documents"], l["ballots"], l["seconds"], l["documents_per_s"], l["ballots_per_s"]
        ));
        for (label, key) in [
            ("list_council_rankings, whole period", "list_council_rankings"),
            ("get_council_metrics, one council", "get_council_metrics"),
        ] {
            s.push_str(&format!("| {n} | {label} | cold {} ms, warm {} ms |\n", b[key]["cold_ms"], b[key]["warm_ms"]));
        }
        for h in b["http"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                "| {n} | GET {} ({} conns, {} s) | {} req/s, p50 {} ms, p99 {} ms, {} errors |\n",
                h["endpoint"].as_str().unwrap_or_default(),
                h["connections"],
                h["seconds"],
                h["requests_per_s"],
                h["p50_ms"],
                h["p99_ms"],
                h["errors"]
            ));
        }
        s.push_str(&format!(
            "| {n} | peak RSS (server and load generator, one process) | {} MiB |\n",
            b["peak_rss_mib"]
        ));
    }
    s
}
