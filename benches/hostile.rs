//! Hostile clients beside an honest one (issue 20): a bounded load test on loopback. Starts the
//! release server as its own process on a fresh embedded database with the demo sample, behind
//! a "proxy" it trusts (the load generator itself, 127.0.0.1, as nginx would be), with the
//! default rate limits and response cache. An honest client reads a few hot URLs at a steady
//! rate, first alone, then while attackers run:
//!
//! - junk-token writers: `PUT /v1/parties/x`, each with a different invalid bearer token, which
//!   used to escape the write limit and empty the response cache on every refusal;
//! - spoofed readers: GETs whose `X-Forwarded-For` first hop changes every time (the right-most
//!   hop, the one the proxy appended, stays the same), which used to reset the read limit.
//!
//! It prints the honest client's p50/p99 and cache hit rate in both phases side by side, and
//! what the attackers got (401s, 429s, 200s). Writes `target/bench/hostile.md`.
//!
//! `cargo bench --bench hostile -- --seconds 20 --junk-per-second 85 --spoof-per-second 60`

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    seconds: u64,
    honest_per_second: u64,
    junk_per_second: u64,
    spoof_per_second: u64,
}

fn args() -> Args {
    let mut a = Args { seconds: 20, honest_per_second: 40, junk_per_second: 85, spoof_per_second: 60 };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let next = argv.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (argv[i].as_str(), next) {
            ("--seconds", Some(v)) => a.seconds = v,
            ("--honest-per-second", Some(v)) => a.honest_per_second = v,
            ("--junk-per-second", Some(v)) => a.junk_per_second = v,
            ("--spoof-per-second", Some(v)) => a.spoof_per_second = v,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

/// One request on a kept-alive connection; returns the status and the `Cache-Status` header.
async fn request(stream: &mut TcpStream, buf: &mut Vec<u8>, req: &[u8]) -> std::io::Result<(u16, String)> {
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
    let header = |name: &str| head.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_owned());
    let len: usize = header("content-length:").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < header_end + len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok((status, header("cache-status:").unwrap_or_default()))
}

fn get(path: &str, forwarded_for: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: {forwarded_for}\r\nConnection: keep-alive\r\n\r\n"
    )
    .into_bytes()
}

fn junk_put(i: u64) -> Vec<u8> {
    let body = r#"{"names":{"ru":"x"},"registration_status":"registered","synthetic":true}"#;
    format!(
        "PUT /v1/parties/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 198.51.100.66\r\nAuthorization: Bearer junk.{i:08x}.token\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
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

/// What one client saw: statuses, latencies (µs) and how many answers were cache hits.
#[derive(Default, Clone)]
struct Seen {
    statuses: BTreeMap<u16, u64>,
    latencies: Vec<u32>,
    hits: u64,
}

impl Seen {
    fn pct(&self, p: f64) -> f64 {
        let mut l = self.latencies.clone();
        l.sort_unstable();
        l.get(((l.len() as f64 - 1.0) * p) as usize).copied().unwrap_or(0) as f64 / 1000.0
    }
    fn hit_rate(&self) -> f64 {
        self.hits as f64 / self.latencies.len().max(1) as f64
    }
    fn statuses(&self) -> String {
        self.statuses.iter().map(|(s, n)| format!("{s}: {n}")).collect::<Vec<_>>().join(", ")
    }
}

/// Sends `make(k)` at `per_second` on one kept-alive connection until `deadline`.
async fn paced(port: u16, per_second: u64, deadline: Instant, make: impl Fn(u64) -> Vec<u8>) -> Seen {
    let mut seen = Seen::default();
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else { return seen };
    let mut buf = Vec::with_capacity(64 * 1024);
    let gap = Duration::from_micros(1_000_000 / per_second.max(1));
    let start = Instant::now();
    let mut k = 0u64;
    while Instant::now() < deadline {
        let t = Instant::now();
        match request(&mut stream, &mut buf, &make(k)).await {
            Ok((status, cache)) => {
                *seen.statuses.entry(status).or_default() += 1;
                seen.latencies.push(t.elapsed().as_micros() as u32);
                if cache.contains("hit") && !cache.contains("miss") {
                    seen.hits += 1;
                }
            }
            Err(_) => match TcpStream::connect(("127.0.0.1", port)).await {
                Ok(s) => stream = s,
                Err(_) => break,
            },
        }
        k += 1;
        let next = start + gap * k as u32;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }
    seen
}

#[tokio::main]
async fn main() {
    let a = args();
    let bin = env!("CARGO_BIN_EXE_maslikhat");
    let tmp = std::env::temp_dir().join(format!("maslikhat-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
    let envs = [
        ("MASLIKHAT_SQLITE_PATH", tmp.join("hostile.sqlite").display().to_string()),
        ("MASLIKHAT_KEYS_DIR", tmp.join("keys").display().to_string()),
        // The load generator plays the proxy in front: its appended hop is the client.
        ("MASLIKHAT_TRUSTED_PROXIES", "127.0.0.1".into()),
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
    let mut ready = false;
    for _ in 0..600 {
        if blocking_get(port, "/ready").is_some_and(|b| b.contains("ok")) {
            ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(ready, "the server did not start");
    let hot: Arc<Vec<String>> = Arc::new(vec![
        "/v1/councils/astana-city".into(),
        "/v1/councils/astana-city/metrics".into(),
        "/v1/parties".into(),
        "/v1/log/checkpoint".into(),
    ]);
    let honest = |deadline: Instant| {
        let hot = hot.clone();
        paced(port, a.honest_per_second, deadline, move |k| get(&hot[k as usize % hot.len()], "203.0.113.10"))
    };
    // Warm the cache, then the baseline alone.
    honest(Instant::now() + Duration::from_secs(2)).await;
    let alone = honest(Instant::now() + Duration::from_secs(a.seconds)).await;

    // The same honest client while junk writers and spoofing readers run.
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let junk = tokio::spawn(paced(port, a.junk_per_second, deadline, junk_put));
    let spoof = tokio::spawn(paced(port, a.spoof_per_second, deadline, |k| {
        get("/v1/parties", &format!("10.{}.{}.{}, 198.51.100.7", k % 250, (k / 250) % 250, k % 7))
    }));
    let under_attack = honest(deadline).await;
    let junk = junk.await.unwrap_or_default();
    let spoof = spoof.await.unwrap_or_default();
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);

    let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::NAN };
    let md = format!(
        "| honest client ({} req/s, {} s per phase) | alone | beside the attackers | ratio |\n|---|---|---|---|\n\
         | p50 | {:.2} ms | {:.2} ms | {:.2} |\n| p99 | {:.2} ms | {:.2} ms | {:.2} |\n\
         | cache hit rate | {:.1} % | {:.1} % | {:.2} |\n| statuses | {} | {} | |\n\n\
         | attacker | rate | statuses |\n|---|---|---|\n\
         | junk-token PUTs (a new invalid token each) | {}/s | {} |\n\
         | GETs with a new spoofed first X-Forwarded-For hop each | {}/s | {} |\n",
        a.honest_per_second,
        a.seconds,
        alone.pct(0.5),
        under_attack.pct(0.5),
        ratio(under_attack.pct(0.5), alone.pct(0.5)),
        alone.pct(0.99),
        under_attack.pct(0.99),
        ratio(under_attack.pct(0.99), alone.pct(0.99)),
        alone.hit_rate() * 100.0,
        under_attack.hit_rate() * 100.0,
        ratio(under_attack.hit_rate(), alone.hit_rate()),
        alone.statuses(),
        under_attack.statuses(),
        a.junk_per_second,
        junk.statuses(),
        a.spoof_per_second,
        spoof.statuses(),
    );
    println!("{md}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).ok();
    std::fs::write(dir.join("hostile.md"), &md).ok();
}
