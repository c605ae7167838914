//! Soak: a bounded load test on loopback. Starts the release server as its own process on a
//! fresh embedded database with the demo sample, then for a fixed time holds thousands of
//! keep-alive connections sending mixed reads and writes, counting every status, and samples the
//! server's resident memory each second. Writes `target/bench/soak.json` and `soak.md`.
//!
//! `cargo bench --bench soak -- --seconds 60 --connections 2000 --writers 8`
//!
//! Intended refusals: writers share a few tokens whose write limits are the defaults, so some
//! writes get 429; reads come from one address, so the read limit is raised for the test.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    seconds: u64,
    connections: usize,
    writers: usize,
    think_ms: u64,
}

fn args() -> Args {
    let mut a = Args { seconds: 60, connections: 2000, writers: 8, think_ms: 2000 };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let next = argv.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (argv[i].as_str(), next) {
            ("--seconds", Some(v)) => a.seconds = v,
            ("--connections", Some(v)) => a.connections = v as usize,
            ("--writers", Some(v)) => a.writers = v as usize,
            ("--think-ms", Some(v)) => a.think_ms = v,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
}

/// One request on a kept-alive connection; returns the status.
async fn request(stream: &mut TcpStream, buf: &mut Vec<u8>, req: &[u8]) -> std::io::Result<u16> {
    stream.write_all(req).await?;
    buf.clear();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let len: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < header_end + len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n").into_bytes()
}

fn put(path: &str, token: &str, body: &str) -> Vec<u8> {
    format!(
        "PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn blocking_get(port: u16, path: &str) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())
}

#[expect(
    clippy::too_many_lines,
    reason = "the soak run reads top to bottom: start, load, sample, report; splitting it would scatter its one timeline"
)]
#[tokio::main]
async fn main() {
    let a = args();
    let bin = env!("CARGO_BIN_EXE_maslikhat");
    let tmp = std::env::temp_dir().join(format!("maslikhat-soak-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
    let envs = [
        ("MASLIKHAT_SQLITE_PATH", tmp.join("soak.sqlite").display().to_string()),
        ("MASLIKHAT_KEYS_DIR", tmp.join("keys").display().to_string()),
        ("MASLIKHAT_READ_RATE_PER_SECOND", "1000000".into()),
        ("MASLIKHAT_READ_BURST", "1000000".into()),
        ("RUST_LOG", "error".into()),
    ];
    let mut server = std::process::Command::new(bin)
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    let pid = server.id();
    let mut ready = false;
    for _ in 0..600 {
        if blocking_get(port, "/ready").is_some_and(|b| b.contains("ok")) {
            ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(ready, "the server did not start");
    let votes: serde_json::Value =
        serde_json::from_str(&blocking_get(port, "/v1/vote-events?limit=20").unwrap_or_default()).unwrap_or_default();
    let vote_ids: Vec<String> =
        votes["items"].as_array().into_iter().flatten().filter_map(|v| v["id"].as_str().map(str::to_owned)).collect();
    let deputies: serde_json::Value =
        serde_json::from_str(&blocking_get(port, "/v1/councils/astana-city/deputies?limit=20").unwrap_or_default())
            .unwrap_or_default();
    let deputy_ids: Vec<String> = deputies["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect();
    let tokens: Vec<String> = (0..4)
        .map(|_| {
            let out = std::process::Command::new(bin)
                .args(["token", "issue", "--role", "admin", "--lifetime", "2h"])
                .envs(envs.iter().map(|(k, v)| (k, v)))
                .output()
                .expect("issue a token");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        })
        .collect();
    let mut reads: Vec<String> =
        vec!["/v1/councils".into(), "/v1/councils/astana-city/metrics".into(), "/v1/rankings".into()];
    reads.extend(vote_ids.iter().map(|v| format!("/v1/vote-events/{v}")));
    reads.extend(deputy_ids.iter().map(|d| format!("/v1/deputies/{d}/ballots")));
    let reads = Arc::new(reads);

    let statuses: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<u32>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let mut tasks = vec![];
    for c in 0..a.connections {
        let (reads, statuses, latencies) = (reads.clone(), statuses.clone(), latencies.clone());
        let writer = c < a.writers;
        let token = tokens[c % tokens.len()].clone();
        let think = a.think_ms;
        tasks.push(tokio::spawn(async move {
            let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else {
                *statuses.lock().expect("lock").entry("connect error".into()).or_default() += 1;
                return;
            };
            let mut buf = Vec::with_capacity(16 * 1024);
            let mut k = 0usize;
            let mut local: Vec<u32> = vec![];
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            while Instant::now() < deadline {
                let req = if writer && k.is_multiple_of(2) {
                    let id = format!("soak-{c}-{k}");
                    put(
                        &format!("/v1/parties/{id}"),
                        &token,
                        r#"{"names":{"ru":"Партия нагрузки"},"registration_status":"registered","synthetic":true}"#,
                    )
                } else {
                    get(&reads[(c + k) % reads.len()])
                };
                let started = Instant::now();
                match request(&mut stream, &mut buf, &req).await {
                    Ok(s) => {
                        *counts.entry(s.to_string()).or_default() += 1;
                        local.push(started.elapsed().as_micros() as u32);
                    }
                    Err(_) => {
                        *counts.entry("io error".into()).or_default() += 1;
                        match TcpStream::connect(("127.0.0.1", port)).await {
                            Ok(s) => stream = s,
                            Err(_) => break,
                        }
                    }
                }
                k += 1;
                // A person or app reading, not a loop hammering: each connection pauses between
                // requests (a jittered think time), so the offered load is about
                // connections / think time.
                let jitter = (c as u64 * 7919 + k as u64 * 104_729) % think.max(1);
                tokio::time::sleep(Duration::from_millis(think / 2 + jitter)).await;
            }
            let mut all = statuses.lock().expect("lock");
            for (s, n) in counts {
                *all.entry(s).or_default() += n;
            }
            latencies.lock().expect("lock").extend(local);
        }));
    }
    let mut rss = vec![];
    while Instant::now() < deadline {
        rss.push(rss_kib(pid, "VmRSS:").unwrap_or(0));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    for t in tasks {
        let _ = t.await;
    }
    let peak = rss_kib(pid, "VmHWM:").unwrap_or(0);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);

    let statuses = statuses.lock().expect("lock").clone();
    let mut lat = latencies.lock().expect("lock").clone();
    lat.sort_unstable();
    let pct = |p: f64| lat.get(((lat.len() as f64 - 1.0) * p) as usize).copied().unwrap_or(0) as f64 / 1000.0;
    let total: u64 = statuses.values().sum();
    let unexpected: u64 =
        statuses.iter().filter(|(s, _)| !matches!(s.as_str(), "200" | "201" | "429")).map(|(_, n)| n).sum();
    let third = rss.len() / 3;
    let early = rss.get(third.max(1) - 1).copied().unwrap_or(0);
    let late = rss.last().copied().unwrap_or(0);
    let report = serde_json::json!({
        "seconds": a.seconds, "connections": a.connections, "writers": a.writers, "think_ms": a.think_ms,
        "requests": total, "requests_per_second": total as f64 / a.seconds as f64,
        "statuses": statuses, "unexpected": unexpected,
        "latency_ms": {"p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
        "server_rss_kib": {"samples": rss, "after_first_third": early, "at_end": late, "peak": peak},
    });
    let md = format!(
        "| soak | value |\n|---|---|\n| duration | {} s |\n| connections | {} ({} writing), think time ~{} ms |\n| requests | {total} ({:.0}/s) |\n| statuses | {} |\n| unexpected (not 200/201/429) | {unexpected} |\n| latency p50 / p99 | {:.1} / {:.1} ms |\n| server RSS after a third / at end / peak | {} / {} / {} MiB |\n",
        a.seconds,
        a.connections,
        a.writers,
        a.think_ms,
        total as f64 / a.seconds as f64,
        statuses.iter().map(|(s, n)| format!("{s}: {n}")).collect::<Vec<_>>().join(", "),
        pct(0.5),
        pct(0.99),
        early / 1024,
        late / 1024,
        peak / 1024,
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("soak.json"), serde_json::to_string_pretty(&report).unwrap_or_default());
    let _ = std::fs::write(dir.join("soak.md"), &md);
    println!("{md}");
    if unexpected > 0 {
        std::process::exit(1);
    }
}
