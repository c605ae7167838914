//! Running the server binary as separate processes (crash, scale-out and shutdown tests).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use maslikhat::domain::log::merkle::{self, Hash};
use serde_json::Value;

/// A free loopback port (bound and released; good enough for tests).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A base64 hash from a JSON string.
pub fn hash(v: &Value) -> Hash {
    merkle::hash_from_slice(&STANDARD.decode(v.as_str().expect("string")).expect("base64")).expect("32 bytes")
}

/// A server process, killed when dropped.
pub struct Node {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The process (tests SIGKILL or SIGTERM it).
    pub child: std::process::Child,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `maslikhat serve` on a free port against `database` with the keys in `keys_dir`, with
/// rate limits high enough for a load test from one address, and waits until it is ready.
pub async fn start_node(client: &reqwest::Client, database: &str, keys_dir: &std::path::Path) -> Node {
    let base = format!("http://127.0.0.1:{}", free_port());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_maslikhat"))
        .args(["serve", "--bind", base.trim_start_matches("http://"), "--database", database])
        .env("MASLIKHAT_KEYS_DIR", keys_dir)
        .env("MASLIKHAT_LOG_FORMAT", "json")
        .env("MASLIKHAT_DB_MAX_CONNECTIONS", "8")
        .env("MASLIKHAT_READ_RATE_PER_SECOND", "100000")
        .env("MASLIKHAT_READ_BURST", "100000")
        .env("MASLIKHAT_WRITE_RATE_PER_SECOND", "100000")
        .env("MASLIKHAT_WRITE_BURST", "100000")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start server");
    let node = Node { base, child };
    for _ in 0..400 {
        if client.get(format!("{}/ready", node.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            return node;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

/// The served checkpoint's size and root, if the server answers.
pub async fn checkpoint(client: &reqwest::Client, base: &str) -> Option<(u64, Hash)> {
    let v: Value = client.get(format!("{base}/v1/log/checkpoint")).send().await.ok()?.json().await.ok()?;
    Some((v["tree_size"].as_u64()?, hash(&v["root_hash"])))
}
