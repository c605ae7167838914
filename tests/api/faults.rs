//! The database going away and coming back: while it is gone, requests fail fast with 503
//! problem+json; when it returns, the server recovers by itself, without a restart, and nothing
//! acknowledged is lost. Runs against PostgreSQL (through a TCP proxy the test can cut); the
//! embedded SQLite file cannot go away from under its process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use secrecy::ExposeSecret;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::helpers::{party, spawn_app_with};

/// A TCP proxy to the database that can be cut (every connection dropped, new ones closed at
/// once) and restored.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, links2) = (up.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection closed
                }
                let upstream = upstream.clone();
                links2.lock().await.push(tokio::spawn(async move {
                    if let Ok(mut out) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                }));
            }
        });
        Self { port, up, links }
    }

    async fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for l in self.links.lock().await.drain(..) {
            l.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn when_postgresql_goes_away_requests_get_503_and_the_server_recovers_by_itself() {
    let Some(admin_url) = std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) else {
        eprintln!("skipped: needs DATABASE_URL=postgres://… (CI runs it)");
        return;
    };
    // postgres://user@host:port/db → host:port
    let host_port = admin_url.split('@').nth(1).and_then(|r| r.split('/').next()).expect("host:port").to_owned();
    let proxy = Proxy::start(host_port.clone()).await;
    let proxied_port = proxy.port;
    let app = spawn_app_with(move |s| {
        let url = s.database_url.as_ref().expect("a database").expose_secret().to_owned();
        s.database_url = Some(url.replace(&host_port, &format!("127.0.0.1:{proxied_port}")).into());
        s.db_acquire_timeout_seconds = 2;
        s.request_timeout_seconds = 10;
    })
    .await;
    let admin = app.admin();
    assert_eq!(app.put("/v1/parties/before", &admin, &party("before")).await.status, 201);

    proxy.cut().await;
    for i in 0..3 {
        let started = std::time::Instant::now();
        let r = app.get("/v1/parties/before").await;
        assert_eq!(r.status, 503, "read {i} while the database is away: {r:?}");
        assert!(r.is_problem());
        let w = app.put(&format!("/v1/parties/during{i}"), &admin, &party("during")).await;
        assert_eq!(w.status, 503, "write {i} while the database is away: {w:?}");
        assert!(started.elapsed() < Duration::from_secs(10), "failing fast, not hanging");
    }
    assert_eq!(app.get("/ready").await.status, 503, "readiness reports the outage");
    assert_eq!(app.get("/health").await.status, 200, "the process itself is fine");

    proxy.restore();
    let mut recovered = false;
    for _ in 0..40 {
        if app.get("/v1/parties/before").await.status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the server recovered without a restart");
    assert_eq!(app.put("/v1/parties/after", &admin, &party("after")).await.status, 201);
    for i in 0..3 {
        assert_eq!(app.get(&format!("/v1/parties/during{i}")).await.status, 404, "a refused write left nothing");
    }
    let audit = maslikhat::store::audit::audit(&app.state.service.db).await.expect("audit");
    assert!(audit.findings.is_empty(), "{:?}", audit.findings);
    assert_eq!(app.get("/v1/log/checkpoint").await.body["tree_size"], 2);
}
