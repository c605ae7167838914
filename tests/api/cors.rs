//! Cross-origin browser apps: a preflight allows only the methods the API has, and a
//! cross-origin response lets the app's script read the headers it needs (ETag for If-Match,
//! Link for paging, the rate limits, Cache-Status, the request id).

use reqwest::Method;

use crate::helpers::spawn_app;

const ORIGIN: &str = "https://app.example";

fn listed(value: Option<&str>) -> Vec<String> {
    value.unwrap_or_default().split(',').map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()).collect()
}

#[tokio::test]
async fn a_preflight_allows_only_the_methods_that_exist() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let put = app
        .send(
            Method::OPTIONS,
            "/v1/councils/alpha",
            None,
            None,
            &[
                ("Origin", ORIGIN),
                ("Access-Control-Request-Method", "PUT"),
                ("Access-Control-Request-Headers", "authorization, content-type, if-match"),
            ],
        )
        .await;
    assert!(put.status < 300, "{put:?}");
    let mut methods = listed(put.header("access-control-allow-methods"));
    methods.sort();
    assert_eq!(methods, ["get", "head", "options", "put"], "{put:?}");
    let headers = listed(put.header("access-control-allow-headers"));
    for h in ["authorization", "content-type", "if-match"] {
        assert!(headers.contains(&h.to_owned()), "{h} in {headers:?}");
    }
    for method in ["DELETE", "POST", "PATCH", "TRACE", "CONNECT"] {
        let r = app
            .send(
                Method::OPTIONS,
                "/v1/councils/alpha",
                None,
                None,
                &[("Origin", ORIGIN), ("Access-Control-Request-Method", method)],
            )
            .await;
        assert!(r.header("access-control-allow-origin").is_none() || r.status >= 400, "{method}: {r:?}");
    }
}

#[tokio::test]
async fn a_cross_origin_read_exposes_etag_link_and_the_rate_limit_headers() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    app.seed_council("beta").await;
    let r = app.send(Method::GET, "/v1/councils/alpha", None, None, &[("Origin", ORIGIN)]).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.header("etag").is_some() && r.header("access-control-allow-origin").is_some(), "{r:?}");
    let exposed = listed(r.header("access-control-expose-headers"));
    for h in ["etag", "link", "location", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"] {
        assert!(exposed.contains(&h.to_owned()), "{h} in {exposed:?}");
    }
    for h in ["cache-status", "x-request-id"] {
        assert!(exposed.contains(&h.to_owned()), "{h} in {exposed:?}");
    }
}
