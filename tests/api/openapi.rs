//! The committed OpenAPI document is the one the code serves.

use crate::helpers::spawn_app;

#[tokio::test]
async fn committed_openapi_document_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
        .expect("openapi/openapi.json exists");
    let generated = maslikhat::api::spec_json();
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/openapi.json is stale: run `cargo run -- openapi` and commit it"
    );
}

#[tokio::test]
async fn every_operation_has_an_id_a_tag_a_summary_and_documented_errors() {
    let app = spawn_app().await;
    let spec = app.get("/openapi.json").await.body;
    let mut ids = vec![];
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("methods") {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            ids.push(id.to_owned());
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{id} has a tag");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{id} has a summary");
            if path.starts_with("/v1") {
                assert!(
                    op["responses"]["404"].is_object() && op["responses"]["500"].is_object(),
                    "{id} documents its errors"
                );
            }
        }
    }
    for expected in [
        "put_council",
        "list_councils",
        "get_council",
        "put_party",
        "list_parties",
        "get_party",
        "put_roster",
        "get_roster",
        "list_roster_versions",
        "list_deputies",
        "get_deputy",
    ] {
        assert!(ids.iter().any(|i| i == expected), "{expected} is in the spec");
    }
    // The docs page is served.
    let r = app.client.get(format!("{}/docs", app.base)).send().await.expect("docs");
    assert_eq!(r.status(), 200);
}
