//! Spawning the app and typed helpers for the tests.

use std::sync::Arc;

use maslikhat::api::AppState;
use maslikhat::auth::{Claims, KeyRing, Role, TokenPolicy};
use maslikhat::config::Settings;
use maslikhat::startup::Application;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// A running server with its own database.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: Arc<AppState>,
    pub keys_dir: std::path::PathBuf,
    pub database_url: String,
    _tmp: tempfile::TempDir,
    _shutdown: oneshot::Sender<()>,
}

/// A database URL of its own for one test.
pub async fn fresh_database(tmp: &std::path::Path) -> String {
    match std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
        Some(admin_url) => {
            use sea_orm::ConnectionTrait;
            // The process id in the name lets a later run drop what this one leaves behind.
            let name = format!("t_{}_{}", std::process::id(), uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
            drop_leftovers(&admin).await;
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            admin.close().await.ok();
            let (prefix, _) = admin_url.rsplit_once('/').expect("DATABASE_URL has a database name");
            format!("{prefix}/{name}")
        }
        None => {
            if std::env::var("CI").is_ok_and(|v| v == "true")
                && std::env::var("MASLIKHAT_TEST_REQUIRE_POSTGRES").is_ok()
            {
                panic!("MASLIKHAT_TEST_REQUIRE_POSTGRES is set but DATABASE_URL names no PostgreSQL server");
            }
            format!("sqlite://{}?mode=rwc", tmp.join("test.sqlite").display())
        }
    }
}

/// Drops, once per test process, the test databases of processes that have ended. The running
/// servers of a test hold their database until the process exits, so a test cannot drop its
/// own; without this, every run on one PostgreSQL server leaves its databases behind (gigabytes
/// after a few local runs).
async fn drop_leftovers(admin: &sea_orm::DatabaseConnection) {
    use sea_orm::{ConnectionTrait, Statement};
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        let sql = r"SELECT datname FROM pg_database WHERE datname LIKE 't\_%'";
        let Ok(rows) = admin.query_all_raw(Statement::from_string(admin.get_database_backend(), sql)).await else {
            return;
        };
        for row in rows {
            let Ok(name) = row.try_get::<String>("", "datname") else { continue };
            if leftover(&name) {
                // Another process may be dropping it too: whoever loses the race changes nothing.
                let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            }
        }
    })
    .await;
}

/// Whether a database named by [`fresh_database`] belongs to a process that has ended (or to
/// a build from before names carried the process id).
fn leftover(name: &str) -> bool {
    // Without /proc no process can be asked after: keep everything.
    let Some(rest) = name.strip_prefix("t_").filter(|_| std::path::Path::new("/proc/self").exists()) else {
        return false;
    };
    match rest.split_once('_') {
        Some((pid, id)) if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            pid.parse::<u32>().is_ok_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
        }
        Some(_) => false,
        None => rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()),
    }
}

#[test]
fn only_databases_of_ended_processes_are_leftovers() {
    let id = "0123456789abcdef0123456789abcdef";
    assert!(!leftover(&format!("t_{}_{id}", std::process::id())), "this process's own");
    assert!(leftover(&format!("t_4294967295_{id}")), "no such process");
    assert!(leftover(&format!("t_{id}")), "from before the process id");
    for other in ["maslikhat_ci", "t_1_short", "t_x_0123456789abcdef0123456789abcdef", "t_abc", "postgres"] {
        assert!(!leftover(other), "{other}");
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with settings adjusted by `tune` (after the test defaults).
pub async fn spawn_app_with(tune: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_in(tempfile::tempdir().expect("tempdir"), tune).await
}

/// [`spawn_app_with`] in `tmp`, whose `keys` folder may already hold the log's keys (a test
/// that must know the log's key before the server starts, e.g. to configure its witnesses).
pub async fn spawn_app_in(tmp: tempfile::TempDir, tune: impl FnOnce(&mut Settings)) -> TestApp {
    let database_url = fresh_database(tmp.path()).await;
    let keys_dir = tmp.path().join("keys");
    KeyRing::load_or_generate(&keys_dir).expect("key");
    let settings = Settings {
        bind: "127.0.0.1:0".parse().expect("addr"),
        database_url: Some(database_url.clone().into()),
        keys_dir: keys_dir.clone(),
        max_body_bytes: 256 * 1024,
        db_max_connections: 5,
        // Tests hammer one server from one address; the limits have their own test.
        read_rate_per_second: 100_000,
        read_burst: 100_000,
        write_rate_per_second: 100_000,
        write_burst: 100_000,
        sign_in_client_burst: 100_000,
        sign_in_account_burst: 100_000,
        ..Settings::default()
    };
    let mut settings = settings;
    tune(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let port = app.port();
    let state = app.state();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = app
            .run_until(async {
                let _ = rx.await;
            })
            .await;
    });
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
        state,
        keys_dir,
        database_url,
        _tmp: tmp,
        _shutdown: tx,
    }
}

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_problem(&self) -> bool {
        self.header("content-type").is_some_and(|c| c.starts_with("application/problem+json"))
            && self.body["status"] == self.status
    }

    /// The (path, rule) pairs of a 422.
    pub fn violations(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| (e["path"].as_str().unwrap_or("").to_owned(), e["rule"].as_str().unwrap_or("").to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn has_violation(&self, path: &str, rule: &str) -> bool {
        self.violations().iter().any(|(p, r)| p == path && r == rule)
    }
}

impl TestApp {
    pub fn policy(&self) -> TokenPolicy {
        self.state.policy.clone()
    }

    pub fn token(&self, role: Role, council: Option<&str>) -> String {
        maslikhat::auth::issue(
            &self.state.service.keys,
            &self.policy(),
            "test",
            role,
            council.map(str::to_owned),
            chrono::Duration::hours(1),
        )
        .expect("token")
        .0
    }

    pub fn admin(&self) -> String {
        self.token(Role::Admin, None)
    }

    pub fn publisher(&self, council: &str) -> String {
        self.token(Role::Publisher, Some(council))
    }

    /// A third-party app's token: registers webhooks, publishes nothing.
    pub fn subscriber(&self) -> String {
        self.token(Role::Subscriber, None)
    }

    /// Claims a valid admin token would carry, to be bent by a test.
    pub fn claims(&self) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            iss: self.policy().issuer,
            aud: self.policy().audience,
            sub: "test".into(),
            exp: now + 3600,
            nbf: now - 10,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            role: Role::Admin,
            council: None,
        }
    }

    pub fn sign(&self, claims: &impl serde::Serialize) -> String {
        maslikhat::auth::sign(self.state.service.keys.active().expect("key"), claims).expect("sign")
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut rb = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(b);
        }
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        reply(rb.send().await.expect("request")).await
    }

    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
        content_type: &str,
    ) -> Reply {
        let mut rb =
            self.client.request(method, format!("{}{path}", self.base)).header("content-type", content_type).body(body);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        reply(rb.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None, None, &[]).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(token), Some(body), &[]).await
    }

    pub async fn put_if(&self, path: &str, token: &str, body: &Value, etag: &str) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(token), Some(body), &[("If-Match", etag)]).await
    }

    /// Creates the parties and a district council `id` with convocation VIII; panics on failure.
    pub async fn seed_council(&self, id: &str) {
        let admin = self.admin();
        for p in ["amanat", "auyl"] {
            let r = self.put(&format!("/v1/parties/{p}"), &admin, &party(p)).await;
            assert!(r.status == 201 || r.status == 200, "party: {r:?}");
        }
        let r = self.put(&format!("/v1/councils/{id}"), &admin, &council(id)).await;
        assert_eq!(r.status, 201, "council: {r:?}");
    }

    /// How many versions of every kind are stored (to prove that nothing was written).
    pub async fn version_count(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        maslikhat::entity::document_version::Entity::find().count(&self.state.service.db).await.expect("count")
    }
}

async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply { status, headers, body }
}

pub fn party(id: &str) -> Value {
    json!({"names": {"kk": format!("{id} партиясы"), "ru": format!("Партия {id}")}, "registration_status": "registered"})
}

/// A district council with 5 seats and convocation VIII from 2023-03-19.
pub fn council(id: &str) -> Value {
    json!({
        "names": {"kk": format!("{id} аудандық мәслихаты"), "ru": format!("Маслихат района {id}")},
        "level": "district",
        "seats": 5,
        "convocations": [{"number": "VIII", "start_date": "2023-03-19"}]
    })
}

/// A deputy with one single-member mandate in VIII from 2023-03-20 and no party.
pub fn deputy(id: &str) -> Value {
    json!({
        "id": id,
        "names": {"kk": format!("Депутат {id}"), "ru": format!("Депутат {id}")},
        "mandates": [{"convocation": "VIII", "seat_type": "single_member", "district": "1", "nomination": "self_nominated", "start_date": "2023-03-20"}]
    })
}

/// A valid roster of `n` deputies prefixed with `prefix`.
pub fn roster(prefix: &str, n: usize) -> Value {
    json!({"deputies": (1..=n).map(|i| deputy(&format!("{prefix}-d{i}"))).collect::<Vec<_>>()})
}
