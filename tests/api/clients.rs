//! What generated clients and browser apps rely on (issue 23): the next page's `cursor` as a
//! field and a `Link` header, `Location` on a 201, a HEAD that sends the GET's `ETag`, and the
//! OpenAPI document shaped for generators. `.ci/clients/run` runs real generated clients.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{council, spawn_app};

#[tokio::test]
async fn lists_give_the_next_cursor_beside_links_next_and_in_a_link_header() {
    let app = spawn_app().await;
    for c in ["alpha", "beta", "gamma"] {
        app.seed_council(c).await;
    }
    let mut ids = vec![];
    let mut path = "/v1/councils?limit=1".to_owned();
    loop {
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{page:?}");
        ids.extend(
            page.body["items"].as_array().expect("items").iter().map(|c| c["id"].as_str().expect("id").to_owned()),
        );
        let Some(cursor) = page.body["links"]["cursor"].as_str() else {
            assert!(page.body["links"]["next"].is_null() && page.header("link").is_none(), "last page: {page:?}");
            break;
        };
        let next = page.body["links"]["next"].as_str().expect("links.next beside links.cursor");
        assert_eq!(page.header("link"), Some(format!("<{next}>; rel=\"next\"").as_str()));
        // The cursor, passed as a parameter, gives the page `links.next` names.
        let by_cursor =
            app.get(&format!("/v1/councils?limit=1&cursor={}", maslikhat::api::paging::encode(cursor))).await;
        assert_eq!(by_cursor.body, app.get(next).await.body);
        path = next.to_owned();
    }
    assert_eq!(ids, ["alpha", "beta", "gamma"]);
    for list in ["/v1/councils", "/v1/parties", "/v1/public-records", "/v1/sessions"] {
        let r = app.get(&format!("{list}?cursor=garbage")).await;
        assert_eq!(r.status, 400, "{list}: a cursor the server never issued: {r:?}");
    }
}

#[tokio::test]
async fn a_201_names_the_document_in_location_and_a_200_does_not() {
    let app = spawn_app().await;
    let created = app.put("/v1/councils/alpha", &app.admin(), &council("alpha")).await;
    assert_eq!((created.status, created.header("location")), (201, Some("/v1/councils/alpha")), "{created:?}");
    let again = app.put("/v1/councils/alpha", &app.admin(), &council("alpha")).await;
    assert_eq!((again.status, again.header("location")), (200, None), "{again:?}");
}

#[tokio::test]
async fn head_sends_the_etag_get_sends_and_answers_its_if_none_match_with_304() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let empty = "\"e3b0c44298fc1c149afbf4c8996fb924\"";
    for path in ["/v1/councils", "/v1/councils/alpha", "/v1/rankings", "/oparl/v1.1/system", "/health"] {
        let get = app.get(path).await;
        let head = app.send(Method::HEAD, path, None, None, &[]).await;
        assert_eq!((get.status, head.status), (200, 200), "{path}");
        let etag = get.header("etag").expect("GET sends an ETag");
        assert_eq!(head.header("etag"), Some(etag), "{path}: HEAD's ETag is GET's");
        assert_ne!(etag, empty, "{path}");
        let again = app.send(Method::HEAD, path, None, None, &[("if-none-match", etag)]).await;
        assert_eq!(again.status, 304, "{path}");
        let wrong = app.send(Method::HEAD, path, None, None, &[("if-none-match", empty)]).await;
        assert_eq!(wrong.status, 200, "{path}: the empty body's hash is not a current ETag");
    }
}

#[tokio::test]
async fn an_accept_the_api_cannot_answer_is_406_and_json_or_any_type_is_answered() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    for (accept, status) in
        [("application/xml", 406), ("application/json", 200), ("*/*", 200), ("text/html, application/*", 200)]
    {
        let r = app.send(Method::GET, "/v1/councils/alpha", None, None, &[("accept", accept)]).await;
        assert_eq!(r.status, status, "Accept: {accept}: {r:?}");
    }
    let r = app.send(Method::GET, "/v1/councils", None, None, &[("accept", "application/xml")]).await;
    assert_eq!(r.status, 406);
    assert_eq!(r.body["type"], "/problems/not-acceptable", "{r:?}");
    let csv =
        app.send(Method::GET, "/v1/councils/alpha/export/csv/deputies", None, None, &[("accept", "text/csv")]).await;
    assert_eq!(csv.status, 200, "{csv:?}");
}

#[tokio::test]
async fn the_oparl_systems_product_is_a_page_the_server_serves() {
    let app = spawn_app().await;
    let system = app.get("/oparl/v1.1/system").await;
    let product = system.body["product"].as_str().expect("product").to_owned();
    let own = app.base.trim_end_matches('/');
    assert!(product.starts_with(own) && !product.contains("example.invalid"), "{product}");
    let page = app.client.get(&product).send().await.expect("product page");
    assert_eq!(page.status(), 200, "{product}");
}

#[tokio::test]
async fn a_period_with_only_to_before_the_default_from_says_so() {
    let app = spawn_app().await;
    let r = app.get("/v1/rankings?to=2000-01-01").await;
    assert_eq!(r.status, 400, "{r:?}");
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("default from") && !detail.contains("from must not be after to"), "{detail}");
}

/// Every `$ref`-only `allOf` in `v`, by JSON Pointer.
fn wrapped_refs(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if m.get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().filter(|p| p.get("$ref").is_some()).count() == 1 && a.len() <= 2)
            {
                out.push(at.to_owned());
            }
            for (k, x) in m {
                wrapped_refs(x, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| wrapped_refs(x, &format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_shaped_for_generators() {
    let app = spawn_app().await;
    let spec = app.get("/openapi.json").await.body;
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["servers"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(spec["info"]["license"]["url"].as_str().is_some_and(|u| u.starts_with("https://")));
    let mut wrapped = vec![];
    wrapped_refs(&spec, "", &mut wrapped);
    assert!(wrapped.is_empty(), "allOf around a single $ref: {wrapped:?}");
    assert!(!spec.to_string().contains("\"nullable\""), "3.1 has no nullable");
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operation") {
            let id = op["operationId"].as_str().unwrap_or(path);
            assert!(op["description"].as_str().is_some_and(|d| !d.is_empty()), "{id} has a description");
            assert!(op["security"].is_array(), "{id} states its security, public or not");
            let responses = op["responses"].as_object().expect("responses");
            for (status, response) in responses {
                let headers = &response["headers"];
                assert!(headers["X-Request-Id"].is_object(), "{id} {status} declares X-Request-Id");
                for media in response["content"].as_object().into_iter().flat_map(|c| c.values()) {
                    assert_ne!(media["schema"], serde_json::json!({"type": "object"}), "{id} {status} is typed");
                }
            }
            let ok = if method == "put" { &responses["201"] } else { &responses["200"] };
            // The change stream is an endless body: no ETag, never a 304.
            if ok["content"]["text/event-stream"].is_object() {
                assert!(!responses.contains_key("304"), "{id} is a stream and cannot answer 304");
                continue;
            }
            // A write stores a version (and sends its ETag) exactly where it takes `If-Match`.
            let versioned = method == "get"
                || op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            assert_eq!(ok["headers"]["ETag"].is_object(), versioned, "{id} declares its ETag where it sends one");
            if method == "put" {
                assert!(ok["headers"]["Location"].is_object(), "{id} declares Location on 201");
            }
            if method == "get" {
                assert!(responses.contains_key("304"), "{id} declares 304");
            }
            for declared in ["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] {
                assert!(responses["429"]["headers"][declared].is_object(), "{id} 429 declares {declared}");
            }
            let pages = op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == "cursor"));
            assert_eq!(pages, responses["200"]["headers"]["Link"].is_object(), "{id}: Link on lists only");
        }
    }
    // Rules a client can know in advance are in the schema.
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["ContactDto"]["properties"]["kind"]["enum"],
        serde_json::json!(["email", "phone", "url", "office"])
    );
    assert_eq!(schemas["VoteEventDto"]["properties"]["id"]["pattern"], maslikhat::domain::text::ID_PATTERN);
    let table = &spec["paths"]["/v1/councils/{council}/export/csv/{table}"]["get"]["parameters"][1];
    assert_eq!((table["name"].as_str(), table["schema"]["enum"].as_array().map(Vec::len)), (Some("table"), Some(9)));
    let put = &spec["paths"]["/v1/councils/{council}"]["put"]["parameters"][0];
    assert_eq!(put["schema"]["pattern"], maslikhat::domain::text::ID_PATTERN);
    assert!(spec["paths"]["/v1/councils/{council}"]["get"]["security"].as_array().is_some_and(Vec::is_empty));
    assert!(spec["paths"]["/v1/councils/{council}"]["put"]["security"].as_array().is_some_and(|s| !s.is_empty()));
}
