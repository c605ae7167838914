//! The auth matrix: every write operation refuses every bad token with 401/403 problem+json,
//! and nothing is written.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use maslikhat::auth::KeyRing;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, council, party, roster, spawn_app};

/// Every bad credential, with the status it must get.
fn bad_tokens(app: &TestApp) -> Vec<(&'static str, Option<String>, u16)> {
    let mut expired = app.claims();
    expired.exp = chrono::Utc::now().timestamp() - 3600;
    expired.nbf = expired.exp - 7200;
    let mut early = app.claims();
    early.nbf = chrono::Utc::now().timestamp() + 3600;
    let mut wrong_iss = app.claims();
    wrong_iss.iss = "someone-else".into();
    let mut wrong_aud = app.claims();
    wrong_aud.aud = "another-api".into();
    let kid = app.state.service.keys.active().expect("key").kid.clone();
    let claims_b64 = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&app.claims()).expect("json"));
    let none_header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT", "kid": kid}).to_string());
    let alg_none = format!("{none_header}.{claims_b64}.");
    // The classic confusion attack: HS256 keyed with the server's public key.
    let public = app.state.service.keys.active().expect("key").verifying();
    let mut hs_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    hs_header.kid = Some(kid.clone());
    let hs256 = jsonwebtoken::encode(
        &hs_header,
        &app.claims(),
        &jsonwebtoken::EncodingKey::from_secret(public.as_bytes()).expect("key"),
    )
    .expect("hs256");
    let other_dir = tempfile::tempdir().expect("tmp");
    KeyRing::generate(other_dir.path()).expect("key");
    let other = KeyRing::load(other_dir.path()).expect("ring");
    let foreign = maslikhat::auth::sign(other.active().expect("key"), &app.claims()).expect("sign");
    let revoked_claims = app.claims();
    let revoked = app.sign(&revoked_claims);
    vec![
        ("no token", None, 401),
        ("malformed", Some("not-a-jwt".into()), 401),
        ("expired", Some(app.sign(&expired)), 401),
        ("not yet valid", Some(app.sign(&early)), 401),
        ("wrong iss", Some(app.sign(&wrong_iss)), 401),
        ("wrong aud", Some(app.sign(&wrong_aud)), 401),
        ("alg none", Some(alg_none), 401),
        ("hs256 with public key", Some(hs256), 401),
        ("unknown kid", Some(foreign), 401),
        ("revoked jti", Some(format!("REVOKE:{}:{revoked}", revoked_claims.jti)), 401),
        ("publisher of another council", Some(app.publisher("elsewhere")), 403),
    ]
}

#[tokio::test]
async fn every_write_operation_refuses_every_bad_token_and_writes_nothing() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let publisher = app.publisher("alpha");
    let writes = [
        ("put_council", "/v1/councils/beta", council("beta"), true),
        ("put_party", "/v1/parties/respublica", party("respublica"), true),
        ("put_roster", "/v1/councils/alpha/roster", roster("alpha", 2), false),
    ];
    let before = app.version_count().await;
    for (label, token, status) in bad_tokens(&app) {
        let token = match token.as_deref().and_then(|t| t.strip_prefix("REVOKE:")) {
            Some(rest) => {
                let (jti, tok) = rest.split_once(':').expect("jti:token");
                maslikhat::store::tokens::revoke(&app.state.service.db, jti, None).await.expect("revoke");
                Some(tok.to_owned())
            }
            None => token,
        };
        for (op, path, body, _) in &writes {
            let r = app.send(Method::PUT, path, token.as_deref(), Some(body), &[]).await;
            assert_eq!(r.status, status, "{op} with {label}: {r:?}");
            assert!(r.is_problem(), "{op} with {label} is problem+json: {r:?}");
        }
    }
    // A publisher calling an admin operation.
    for (op, path, body, admin_only) in &writes {
        if *admin_only {
            let r = app.put(path, &publisher, body).await;
            assert_eq!(r.status, 403, "{op} by a publisher: {r:?}");
            assert!(r.is_problem());
        }
    }
    assert_eq!(app.version_count().await, before, "nothing was written");
    assert_eq!(app.get("/v1/councils/beta").await.status, 404);
    assert_eq!(app.get("/v1/parties/respublica").await.status, 404);
    assert_eq!(app.get("/v1/councils/alpha/roster").await.status, 404);

    // And the same requests with good tokens succeed, so the refusals above were about the tokens.
    assert_eq!(app.put("/v1/councils/alpha/roster", &publisher, &roster("alpha", 2)).await.status, 201);
    assert_eq!(app.put("/v1/parties/respublica", &app.admin(), &party("respublica")).await.status, 201);
}

#[tokio::test]
async fn a_publisher_token_for_a_council_publishes_only_that_council() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    app.seed_council("beta").await;
    let r = app.put("/v1/councils/beta/roster", &app.publisher("alpha"), &roster("beta", 1)).await;
    assert_eq!(r.status, 403);
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 1)).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["publisher"], "test");
}

#[tokio::test]
async fn tokens_issued_and_revoked_by_the_cli_work_against_the_server() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let bin = env!("CARGO_BIN_EXE_maslikhat");
    let out = std::process::Command::new(bin)
        .args(["token", "issue", "--role", "publisher", "--council", "alpha", "--lifetime", "1h"])
        .env("MASLIKHAT_KEYS_DIR", &app.keys_dir)
        .output()
        .expect("run cli");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).expect("utf8").trim().to_owned();
    assert_eq!(app.put("/v1/councils/alpha/roster", &token, &roster("alpha", 1)).await.status, 201);

    let out = std::process::Command::new(bin)
        .args(["token", "revoke", &token, "--database", &app.database_url])
        .env("MASLIKHAT_KEYS_DIR", &app.keys_dir)
        .output()
        .expect("run cli");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = app.put("/v1/councils/alpha/roster", &token, &roster("alpha", 2)).await;
    assert_eq!(r.status, 401, "{r:?}");
    assert!(r.body["detail"].as_str().unwrap_or("").contains("revoked"));
}

#[tokio::test]
async fn a_production_server_refuses_to_start_without_a_signing_key() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_maslikhat");
    let run = |production: &str| {
        std::process::Command::new(bin)
            .args(["migrate"])
            .env("MASLIKHAT_PRODUCTION", production)
            .env("MASLIKHAT_KEYS_DIR", tmp.path().join("keys"))
            .env("MASLIKHAT_SQLITE_PATH", tmp.path().join("db.sqlite"))
            .env_remove("DATABASE_URL")
            .output()
            .expect("run")
    };
    assert!(run("true").status.success(), "migrate needs no key");
    let out = std::process::Command::new(bin)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("MASLIKHAT_PRODUCTION", "true")
        .env("MASLIKHAT_KEYS_DIR", tmp.path().join("keys"))
        .env("MASLIKHAT_SQLITE_PATH", tmp.path().join("db.sqlite"))
        .env_remove("DATABASE_URL")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no signing key") && stderr.contains("keys generate"), "{stderr}");
    assert!(
        !tmp.path().join("keys").exists() || std::fs::read_dir(tmp.path().join("keys")).unwrap().next().is_none(),
        "no key was made"
    );
}
