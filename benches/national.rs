//! The national-scale benchmark (issue 8): load the synthetic country through the publication
//! path, time the metrics cold and warm, put the server under HTTP load with a standard load
//! generator beside nginx serving the same bodies as static files (the ceiling), and report the
//! server's peak RSS. Writes `target/bench/national-scale{N}.json` and `.md` and prints the table.
//!
//! ```sh
//! apt-get install wrk nginx-light   # the load generator and the ceiling (Debian packages)
//! cargo bench --bench national -- --scale 1 [--seed 1] [--until 2026-01-01] [--seconds 10] [--connections 64]
//! ```
//!
//! SQLite always (a temporary file); PostgreSQL too when `DATABASE_URL` names a server (a fresh
//! database is created on it). The load goes through `demo::load` in this process; then the
//! release server binary runs as its own process on the loaded database, and wrk (2 threads)
//! drives it over loopback. Both share the machine's cores with the server, as does nginx.
//! The server runs twice: first with its response cache off (`MASLIKHAT_RESPONSE_CACHE_SECONDS=0`:
//! what every request costs when computed; warm = the metrics cache), then as deployed, with it
//! (warm = a cache hit; the HTTP figures compared with nginx). Cold and warm times are the
//! server's own (`Server-Timing`), each taken on a freshly started server. The national
//! `contested_share` ranking is also computed by DuckDB from the CSV export (its Python package,
//! `pip install duckdb`; `benches/duckdb/contested_share.sql`), timed beside the server's and
//! compared value by value.

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
        t.documents += 2 + b.sessions.len() as u64 + b.received.ahead.iter().flatten().count() as u64;
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

/// One GET: (client-observed ms, the server's own ms from `Server-Timing`).
async fn timed_get(client: &reqwest::Client, url: &str) -> BoxResult<(f64, f64)> {
    let t = Instant::now();
    let resp = client.get(url).send().await?;
    let status = resp.status();
    let server = resp
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("dur=").nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    let _ = resp.bytes().await?;
    if !status.is_success() {
        return Err(format!("GET {url}: {status}").into());
    }
    Ok((t.elapsed().as_secs_f64() * 1000.0, server))
}

/// Cold (first request) and warm (median of five more) times in ms, the server's own and as the
/// client saw them.
async fn cold_warm(client: &reqwest::Client, url: &str) -> BoxResult<Value> {
    let (cold_client, cold) = timed_get(client, url).await?;
    let mut warm = vec![];
    for _ in 0..5 {
        warm.push(timed_get(client, url).await?);
    }
    warm.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (warm_client, warm_server) = warm[warm.len() / 2];
    Ok(json!({
        "cold_ms": round2(cold),
        "warm_ms": round2(warm_server),
        "cold_client_ms": round2(cold_client),
        "warm_client_ms": round2(warm_client),
    }))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

async fn bench_backend(name: &str, url: &str, args: &Args, tmp: &std::path::Path) -> BoxResult<Value> {
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

    let cfg = DemoConfig::national(args.seed, args.scale, args.until);
    let t = Instant::now();
    let targets = survey(&cfg);
    let generate_s = t.elapsed().as_secs_f64();
    eprintln!("generated {} documents, {} ballots in {generate_s:.1} s", targets.documents, targets.ballots);
    let t = Instant::now();
    let loaded = demo::load(&state.service.db, &cfg, false).await?;
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

    drop(app);
    drop(state);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let endpoints = [
        ("council metrics", format!("/v1/councils/{}/metrics", targets.council)),
        ("vote event", format!("/v1/vote-events/{}", targets.vote_event)),
        ("deputy ballots page", format!("/v1/deputies/{}/ballots", targets.deputy)),
        ("council list", "/v1/councils".to_owned()),
        // Citizens' pages (Kazakh: wrk sends no Accept-Language).
        ("home page", "/".to_owned()),
        ("council page", format!("/councils/{}", targets.council)),
    ];
    let client = reqwest::Client::new();

    // The national contested_share ranking an analyst would compute in DuckDB from the CSV
    // export, CSV parsing included, beside the server's: cold on a freshly started server with
    // its response cache off (warm = the metrics cache).
    let server = Server::start(url, tmp, name, false)?;
    server.ready().await?;
    let contested_url = format!("{}/v1/rankings?metric=contested_share", server.base);
    let contested = cold_warm(&client, &contested_url).await?;
    let served: Value = client.get(&contested_url).send().await?.error_for_status()?.json().await?;
    drop(server);
    let duckdb = duckdb_contested_share(url, &served, &tmp.join(format!("csv-{name}")))?;
    eprintln!("uncached: contested_share ranking {contested}; DuckDB on the CSV export {duckdb}");

    // Then the server as its own process with its response cache off: every request is
    // computed (warm = the metrics cache), which is what a cache miss costs.
    let server = Server::start(url, tmp, name, false)?;
    let base = server.base.clone();
    server.ready().await?;
    // One council's metrics first (the rankings would fill its cache entry), then the rankings.
    let council_metrics = cold_warm(&client, &format!("{base}/v1/councils/{}/metrics", targets.council)).await?;
    let rankings = cold_warm(&client, &format!("{base}/v1/rankings")).await?;
    eprintln!("uncached: council metrics {council_metrics}, rankings {rankings}");
    let mut uncached = vec![];
    for (label, path) in &endpoints {
        let mut r = wrk(&format!("{base}{path}"), args.connections, args.seconds)?;
        eprintln!("uncached {label}: {r}");
        r["endpoint"] = json!(label);
        r["path"] = json!(path);
        uncached.push(r);
    }
    let uncached_rss_mib = server.peak_rss_kib().map(|k| round2(k as f64 / 1024.0));
    drop(server);

    // Then as it runs by default, with its response cache: warm = a cache hit.
    let server = Server::start(url, tmp, name, true)?;
    let base = server.base.clone();
    server.ready().await?;
    let council_metrics_cached = cold_warm(&client, &format!("{base}/v1/councils/{}/metrics", targets.council)).await?;
    let rankings_cached = cold_warm(&client, &format!("{base}/v1/rankings")).await?;
    eprintln!("cached: council metrics {council_metrics_cached}, rankings {rankings_cached}");
    // The same bodies as static files, for nginx.
    let www = tmp.join(format!("www-{name}"));
    std::fs::create_dir_all(&www)?;
    for (i, (_, path)) in endpoints.iter().enumerate() {
        let body = client.get(format!("{base}{path}")).send().await?.error_for_status()?.bytes().await?;
        std::fs::write(www.join(static_name(i, path)), &body)?;
    }
    let nginx = Nginx::start(&www, tmp, name);
    let mut http = vec![];
    for (i, (label, path)) in endpoints.iter().enumerate() {
        let mut r = wrk(&format!("{base}{path}"), args.connections, args.seconds)?;
        if let Some(n) = &nginx {
            r["nginx"] = wrk(&format!("{}/{}", n.base, static_name(i, path)), args.connections, args.seconds)?;
            r["share_of_nginx"] = json!(round2(
                r["requests_per_s"].as_f64().unwrap_or(0.0) / r["nginx"]["requests_per_s"].as_f64().unwrap_or(f64::NAN)
            ));
        }
        eprintln!("{label}: {r}");
        r["endpoint"] = json!(label);
        r["path"] = json!(path);
        http.push(r);
    }
    let peak_rss_mib = server.peak_rss_kib().map(|k| round2(k as f64 / 1024.0));
    drop(nginx);
    drop(server);
    Ok(json!({
        "backend": name,
        "scale": args.scale,
        "load": load,
        "get_council_metrics": council_metrics,
        "list_council_rankings": rankings,
        "list_council_rankings_contested_share": contested,
        "duckdb_contested_share": duckdb,
        "get_council_metrics_response_cache": council_metrics_cached,
        "list_council_rankings_response_cache": rankings_cached,
        "http": http,
        "http_uncached": uncached,
        "server_peak_rss_mib": peak_rss_mib,
        "server_uncached_peak_rss_mib": uncached_rss_mib,
    }))
}

/// The file nginx serves for the `i`th endpoint: JSON for the API, HTML for a page.
fn static_name(i: usize, path: &str) -> String {
    if path.starts_with("/v1/") { format!("{i}.json") } else { format!("{i}.html") }
}

/// The DuckDB query of `benches/duckdb/contested_share.sql`, run by DuckDB's Python package on
/// the CSV export of `database` (written by the release binary into `dir`): its time (first run
/// and best of three, CSV parsing included each time) and whether its values equal the served
/// ranking's, council by council. Without the package (`pip install duckdb`) says so.
fn duckdb_contested_share(database: &str, served: &Value, dir: &std::path::Path) -> BoxResult<Value> {
    let export = std::process::Command::new(env!("CARGO_BIN_EXE_maslikhat"))
        .args(["export", "--csv"])
        .arg(dir)
        .args(["--database", database])
        .env("RUST_LOG", "warn")
        .output()?;
    if !export.status.success() {
        return Err(format!("export --csv: {}", String::from_utf8_lossy(&export.stderr)).into());
    }
    let as_of: chrono::DateTime<chrono::Utc> = served["as_of"].as_str().ok_or("as_of")?.parse()?;
    let sql = include_str!("duckdb/contested_share.sql")
        .replace("{dir}", &dir.display().to_string())
        .replace("{from}", served["from"].as_str().ok_or("from")?)
        .replace("{to}", served["to"].as_str().ok_or("to")?)
        .replace("{as_of}", &as_of.format("%Y-%m-%d %H:%M:%S%.6f").to_string());
    let script = r#"
import json, sys, time
try:
    import duckdb
except ImportError:
    print(json.dumps({"error": "DuckDB's Python package is not installed (pip install duckdb)"})); sys.exit(0)
sql = sys.stdin.read()
times, rows = [], None
for _ in range(3):
    t = time.perf_counter()
    rows = duckdb.connect().execute(sql).fetchall()
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"version": duckdb.__version__, "first_ms": times[0], "best_ms": min(times),
                  "values": {c: v for c, v in rows}}))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    std::io::Write::write_all(&mut child.stdin.take().ok_or("stdin")?, sql.as_bytes())?;
    let out = child.wait_with_output()?;
    let mut duck: Value = serde_json::from_slice(&out.stdout)?;
    if duck.get("error").is_some() {
        return Ok(duck);
    }
    let values = duck["values"].take();
    let items = served["items"].as_array().ok_or("items")?;
    let differ: Vec<&str> = items
        .iter()
        .filter_map(|i| {
            let council = i["council"].as_str()?;
            let (ours, theirs) = (i["value"]["value"].as_f64(), values[council].as_f64());
            let same = match (ours, theirs) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            };
            (!same).then_some(council)
        })
        .collect();
    let counted = values.as_object().map_or(0, |m| m.len());
    Ok(json!({
        "version": duck["version"],
        "first_ms": round2(duck["first_ms"].as_f64().unwrap_or(f64::NAN)),
        "best_ms": round2(duck["best_ms"].as_f64().unwrap_or(f64::NAN)),
        "councils": items.len(),
        "councils_in_duckdb": counted,
        "values_that_differ": differ,
    }))
}

/// The release server binary, serving `database` on a free port; killed when dropped.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    fn start(database: &str, tmp: &std::path::Path, name: &str, response_cache: bool) -> BoxResult<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let base = format!("http://127.0.0.1:{port}");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_maslikhat"))
            .args(["serve", "--no-demo", "--bind", &format!("127.0.0.1:{port}"), "--database", database])
            .env("MASLIKHAT_KEYS_DIR", tmp.join(format!("keys-{name}")))
            // Measure the server, not the per-client limiter.
            .env("MASLIKHAT_READ_RATE_PER_SECOND", "10000000")
            .env("MASLIKHAT_READ_BURST", "10000000")
            .env("RUST_LOG", "warn")
            .env("MASLIKHAT_RESPONSE_CACHE_SECONDS", if response_cache { "5" } else { "0" })
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()?;
        Ok(Self { child, base })
    }

    async fn ready(&self) -> BoxResult<()> {
        for _ in 0..300 {
            if reqwest::get(format!("{}/health", self.base)).await.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("the server did not start".into())
    }

    fn peak_rss_kib(&self) -> Option<u64> {
        proc_field(&format!("/proc/{}/status", self.child.id()), "VmHWM:")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx (if installed) serving `root` on a free port; stopped when dropped.
struct Nginx {
    child: std::process::Child,
    base: String,
}

impl Nginx {
    fn start(root: &std::path::Path, tmp: &std::path::Path, name: &str) -> Option<Self> {
        let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| std::path::Path::new(p).exists())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let dir = tmp.join(format!("nginx-{name}"));
        std::fs::create_dir_all(&dir).ok()?;
        // As close to the API's own setup as static files allow: two workers (the cores), keep-alive,
        // JSON or HTML content type, an ETag; no compression (wrk does not ask for it).
        let conf = format!(
            "worker_processes 2;\nerror_log {d}/error.log;\npid {d}/nginx.pid;\nevents {{ worker_connections 1024; }}\n\
             http {{ access_log off; keepalive_requests 1000000; client_body_temp_path {d}; proxy_temp_path {d};\n\
             fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n\
             types {{ application/json json; text/html html; }}\n\
             server {{ listen 127.0.0.1:{port}; root {r}; }} }}\n",
            d = dir.display(),
            r = root.display()
        );
        std::fs::write(dir.join("nginx.conf"), conf).ok()?;
        let child = std::process::Command::new(bin)
            .args(["-p", &dir.display().to_string(), "-c", &dir.join("nginx.conf").display().to_string()])
            .args(["-g", "daemon off; master_process on;"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .ok()?;
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(Self { child, base });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs wrk (2 threads, `connections` keep-alive connections, `seconds`) against `url` and reads
/// its requests/s and latency percentiles.
fn wrk(url: &str, connections: usize, seconds: u64) -> BoxResult<Value> {
    let out = std::process::Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", url])
        .output()
        .map_err(|e| format!("wrk: {e} (apt-get install wrk)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("wrk failed: {text}").into());
    }
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.split_whitespace().next().unwrap_or("").to_owned()))
    };
    let ms = |v: Option<String>| -> Option<f64> {
        let v = v?;
        let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic())?);
        let x: f64 = num.parse().ok()?;
        Some(round2(match unit {
            "us" => x / 1000.0,
            "ms" => x,
            "s" => x * 1000.0,
            "m" => x * 60_000.0,
            _ => return None,
        }))
    };
    let non_2xx = field("Non-2xx or 3xx responses:").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let socket_errors = text.lines().any(|l| l.trim_start().starts_with("Socket errors:"));
    Ok(json!({
        "tool": "wrk 2 threads",
        "connections": connections,
        "seconds": seconds,
        "requests_per_s": field("Requests/sec:").and_then(|v| v.parse::<f64>().ok()).map(round2),
        "p50_ms": ms(field("50%")),
        "p99_ms": ms(field("99%")),
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
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
            let (x, c) = (&b[key], &b[format!("{key}_response_cache")]);
            s.push_str(&format!(
                "| {n} | {label} (server time; client) | cold {} ms, warm {} ms ({} / {} ms); warm from the response cache {} ms |\n",
                x["cold_ms"], x["warm_ms"], x["cold_client_ms"], x["warm_client_ms"], c["warm_ms"]
            ));
        }
        let (x, d) = (&b["list_council_rankings_contested_share"], &b["duckdb_contested_share"]);
        let duck = match d.get("error") {
            Some(e) => e.as_str().unwrap_or_default().to_owned(),
            None => format!(
                "DuckDB {} on the CSV export (parsing included) first {} ms, best of 3 {} ms; server cold / DuckDB best = {:.2}; {} of {} values differ",
                d["version"].as_str().unwrap_or_default(),
                d["first_ms"],
                d["best_ms"],
                x["cold_ms"].as_f64().unwrap_or(f64::NAN) / d["best_ms"].as_f64().unwrap_or(f64::NAN),
                d["values_that_differ"].as_array().map_or(0, Vec::len),
                d["councils"],
            ),
        };
        s.push_str(&format!(
            "| {n} | list_council_rankings?metric=contested_share, response cache off (server time) | cold {} ms, warm {} ms; {duck} |\n",
            x["cold_ms"], x["warm_ms"]
        ));
        for (key, cache) in [("http", ""), ("http_uncached", ", response cache off")] {
            for h in b[key].as_array().into_iter().flatten() {
                let ng = &h["nginx"];
                let ceiling = if ng.is_object() {
                    format!(
                        "; nginx static {} req/s, p99 {} ms: {} of it",
                        ng["requests_per_s"], ng["p99_ms"], h["share_of_nginx"]
                    )
                } else if key == "http" {
                    "; nginx not installed".to_owned()
                } else {
                    String::new()
                };
                s.push_str(&format!(
                    "| {n} | GET {}{cache} ({} conns, {} s) | {} req/s, p50 {} ms, p99 {} ms, {} non-2xx{ceiling} |\n",
                    h["endpoint"].as_str().unwrap_or_default(),
                    h["connections"],
                    h["seconds"],
                    h["requests_per_s"],
                    h["p50_ms"],
                    h["p99_ms"],
                    h["non_2xx"],
                ));
            }
        }
        s.push_str(&format!(
            "| {n} | server peak RSS (its own process) | {} MiB with the response cache, {} MiB without |\n",
            b["server_peak_rss_mib"], b["server_uncached_peak_rss_mib"]
        ));
    }
    s
}
