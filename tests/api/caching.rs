//! HTTP caching: a default `Cache-Control` on successful reads (a year and `immutable` for stored
//! versions and proofs, a short `max-age` with `stale-while-revalidate` for the rest), `private,
//! no-store` for credentialed reads, none on errors; `304` keeps it; responses are compressed on
//! request.

use crate::helpers::{Reply, TestApp, party, spawn_app};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=10, stale-while-revalidate=60";

fn cc(r: &Reply) -> Option<&str> {
    r.header("cache-control")
}

/// An app with two parties published (log entries 0 and 1).
async fn app_with_two_entries() -> TestApp {
    let app = spawn_app().await;
    let admin = app.admin();
    for p in ["amanat", "auyl"] {
        assert_eq!(app.put(&format!("/v1/parties/{p}"), &admin, &party(p)).await.status, 201);
    }
    app
}

#[tokio::test]
async fn immutable_things_are_cached_for_a_year() {
    let app = app_with_two_entries().await;
    for path in [
        "/v1/log/entries/0/document",
        "/v1/log/entries/1/document",
        "/v1/log/proofs/inclusion?leaf_index=0&tree_size=2",
        "/v1/log/proofs/consistency?first=1&second=2",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert_eq!(cc(&r), Some(IMMUTABLE), "{path}");
    }
}

#[tokio::test]
async fn everything_else_is_fresh_briefly_then_revalidated() {
    let app = app_with_two_entries().await;
    for path in ["/v1/parties", "/v1/parties/amanat", "/v1/log/checkpoint", "/v1/log/entries?start=0&end=2"] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert_eq!(cc(&r), Some(SHORT), "{path}");
    }
}

#[tokio::test]
async fn a_not_modified_keeps_the_cache_control() {
    let app = app_with_two_entries().await;
    for (path, want) in [("/v1/log/entries/0/document", IMMUTABLE), ("/v1/parties", SHORT)] {
        let first = app.get(path).await;
        let etag = first.header("etag").expect("etag").to_owned();
        let again = app.send(reqwest::Method::GET, path, None, None, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status, 304, "{path}");
        assert_eq!(cc(&again), Some(want), "{path}");
    }
}

#[tokio::test]
async fn credentialed_reads_are_private_and_errors_are_not_cached() {
    let app = app_with_two_entries().await;
    let admin = app.admin();
    for path in ["/v1/parties", "/v1/log/entries/0/document"] {
        let r = app.send(reqwest::Method::GET, path, Some(&admin), None, &[]).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert_eq!(cc(&r), Some("private, no-store"), "{path}");
    }
    for path in
        ["/v1/parties/nobody", "/v1/log/entries/99/document", "/v1/log/proofs/inclusion?leaf_index=5&tree_size=2"]
    {
        let r = app.get(path).await;
        assert!(r.status >= 400, "{path}: {r:?}");
        assert!(cc(&r).is_none_or(|v| !v.contains("public")), "{path}: {r:?}");
    }
    // Writes get no default either.
    let r = app.put("/v1/parties/nurotan", &admin, &party("nurotan")).await;
    assert_eq!(r.status, 201);
    assert!(cc(&r).is_none_or(|v| !v.contains("public")), "{r:?}");
}

#[tokio::test]
async fn responses_are_gzipped_when_asked() {
    let app = app_with_two_entries().await;
    let resp = app
        .client
        .get(format!("{}/openapi.json", app.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let bytes = resp.bytes().await.expect("body");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip magic");
    // Without the header, the body is plain JSON.
    let plain = app.get("/openapi.json").await;
    assert!(plain.header("content-encoding").is_none());
    assert!(plain.body.is_object());
}
