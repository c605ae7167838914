//! Popolo (issue 6): the Mazhilis from EveryPolitician imports as a council with names in three
//! scripts and its "Independent" pseudo-party as non-partisan status; a council's Popolo export
//! validates against the Popolo schemas; and an export imports back with its votes.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use maslikhat::demo::{self, DemoConfig};
use maslikhat::interchange::popolo::import::{self as popolo_import, PopoloOptions};
use serde_json::Value;

use crate::helpers::spawn_app;

fn data(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(path)
}

#[tokio::test]
async fn the_mazhilis_imports_with_names_in_three_scripts_and_independents_as_non_partisan() {
    let app = spawn_app().await;
    let file = data("everypolitician-kazakhstan/ep-popolo-v1.0.json");
    let opts = PopoloOptions::default();
    let r = popolo_import::import_file(&app.state.service.db, &file, &opts).await.expect("import");
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    assert_eq!(r.council_id, "mazhilis");
    assert_eq!((r.level.as_str(), r.seats, r.deputies, r.parties), ("national", 107, 107, 3), "{r:?}");
    assert!(r.warnings.iter().any(|w| w.contains("unknown")), "{:?}", r.warnings);

    let c = app.get("/v1/councils/mazhilis").await;
    assert_eq!(c.status, 200, "{c:?}");
    assert_eq!(c.body["level"], "national");
    assert_eq!(c.body["names"]["en"], "Mazhilis");
    assert_eq!(c.body["convocations"][0]["number"], "V");
    assert_eq!(c.body["convocations"][0]["start_date"], "2012-01-15");

    let roster = app.get("/v1/councils/mazhilis/roster").await;
    assert_eq!(roster.status, 200, "{roster:?}");
    let deputies = roster.body["document"]["deputies"].as_array().expect("deputies");
    assert_eq!(deputies.len(), 107);
    let abdirov = deputies.iter().find(|d| d["id"] == "mazhilis-1374").expect("person/1374");
    assert_eq!(abdirov["names"]["en"], "ABDIROV Nurlan Mazhitovich");
    assert_eq!(abdirov["names"]["ru"], "Абдиров Нурлан Мажитович");
    assert_eq!(abdirov["names"]["kk"], "Әбдіров Нұрлан Мәжитұлы");
    let three = deputies.iter().filter(|d| ["en", "ru", "kk"].iter().all(|l| d["names"].get(*l).is_some())).count();
    // names.csv has Russian and Kazakh spellings for some of the 5th convocation only.
    assert!(three >= 25, "{three} deputies have names in all three scripts");

    // Independents: elected for the pseudo-party "Independent" (id 0), non-partisan, no party "Independent".
    let source: Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    let independents: Vec<String> = source["memberships"]
        .as_array()
        .expect("memberships")
        .iter()
        .filter(|m| m["on_behalf_of_id"] == "0")
        .map(|m| format!("mazhilis-{}", m["person_id"].as_str().expect("id").trim_start_matches("person/")))
        .collect();
    assert_eq!(independents.len(), 6);
    for id in &independents {
        let d = deputies.iter().find(|d| d["id"] == id.as_str()).expect("deputy");
        assert_eq!(d["party_memberships"], serde_json::json!([]), "{id} is non-partisan");
        assert_eq!(d["mandates"][0]["nomination"], "self_nominated");
        assert_eq!(d["mandates"][0]["seat_type"], "single_member");
    }
    let parties = app.get("/v1/parties?limit=100").await;
    let names: Vec<&str> =
        parties.body["items"].as_array().expect("items").iter().filter_map(|p| p["names"]["en"].as_str()).collect();
    assert!(names.contains(&"Nur Otan") && names.contains(&"Ak Zhol"), "{names:?}");
    assert!(!names.iter().any(|n| n.eq_ignore_ascii_case("independent") || n.eq_ignore_ascii_case("unknown")));
    let nur_otan = deputies
        .iter()
        .filter(|d| d["party_memberships"].as_array().is_some_and(|m| m.iter().any(|x| x["party"] == "nur-otan")))
        .count();
    assert_eq!(nur_otan, 83);
    let v = app.get("/v1/log/checkpoint").await;
    assert_eq!(v.status, 200);

    // Importing again stores nothing new.
    let again = popolo_import::import_file(&app.state.service.db, &file, &opts).await.expect("again");
    assert_eq!((again.stored, again.refused.len()), (0, 0), "{again:?}");
}

// ------------------------------------------------------------------ schemas

const POPOLO: &str = "http://www.popoloproject.com/schemas/";

/// The Popolo schemas of `tests/data/popolo-schemas/`, by file name, converted from JSON Schema
/// draft-03 (which `jsonschema` does not implement) to draft-04. The schemas use one draft-03
/// feature that draft-04 changed: `"required": true` inside a property; draft-04 lists required
/// properties in a `required` array on the object, so each such flag moves there (and
/// `"required": false` is dropped). `$schema` is set to draft-04; `id` and the absolute `$ref`s
/// (`http://www.popoloproject.com/schemas/….json#`) mean the same in both drafts and are resolved
/// by a retriever over the converted local files, without network.
fn popolo_schemas() -> HashMap<String, Value> {
    fn convert(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get_mut("properties") {
                    let mut required = vec![];
                    for (k, p) in props.iter_mut() {
                        if let Some(flag) = p.as_object_mut().and_then(|o| o.remove("required"))
                            && flag == Value::Bool(true)
                        {
                            required.push(Value::String(k.clone()));
                        }
                    }
                    if !required.is_empty() {
                        m.insert("required".into(), Value::Array(required));
                    }
                }
                if m.contains_key("$schema") {
                    m.insert("$schema".into(), "http://json-schema.org/draft-04/schema#".into());
                }
                m.values_mut().for_each(convert);
            }
            Value::Array(a) => a.iter_mut().for_each(convert),
            _ => {}
        }
    }
    std::fs::read_dir(data("popolo-schemas"))
        .expect("schemas")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            let mut v: Value = serde_json::from_slice(&std::fs::read(e.path()).expect("read")).expect("json");
            convert(&mut v);
            (e.file_name().to_string_lossy().into_owned(), v)
        })
        .collect()
}

struct LocalPopolo(HashMap<String, Value>);

impl jsonschema::Retrieve for LocalPopolo {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().strip_prefix(POPOLO).unwrap_or_default().trim_end_matches('#');
        self.0.get(name).cloned().ok_or_else(|| format!("no local schema for {}", uri.as_str()).into())
    }
}

fn validators() -> HashMap<String, jsonschema::Validator> {
    let files = popolo_schemas();
    assert_eq!(files.len(), 16);
    let converted = files.values().filter(|s| s["required"].is_array()).count();
    assert_eq!(converted, 5, "contact_detail, count, group_result, identifier and link have required members");
    files
        .iter()
        .map(|(file, schema)| {
            let v = jsonschema::options()
                .with_base_uri(format!("{POPOLO}{file}"))
                .with_retriever(LocalPopolo(files.clone()))
                .should_validate_formats(true)
                .build(schema)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            (file.trim_end_matches(".json").to_owned(), v)
        })
        .collect()
}

fn small() -> DemoConfig {
    let mut cfg = DemoConfig::national(11, 1, NaiveDate::from_ymd_opt(2024, 6, 30).expect("date"));
    cfg.councils = Some(vec!["astana-city".into()]);
    cfg
}

#[tokio::test]
async fn a_popolo_export_validates_against_the_popolo_schemas_and_imports_back() {
    let v = validators();
    // The converted schemas still catch mistakes.
    let bad = serde_json::json!({"option": "yes"});
    assert!(!v["count"].is_valid(&bad), "a count needs a value");
    assert!(!v["vote_event"].is_valid(&serde_json::json!({"counts": [bad]})));

    let app = spawn_app().await;
    demo::load(&app.state.service.db, &small(), false).await.expect("demo");
    let r = app.get("/v1/councils/astana-city/export/popolo").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("application/json")));
    let etag = r.header("etag").expect("etag").to_owned();
    let doc = r.body;
    let mut errors = vec![];
    for (array, schema) in [
        ("persons", "person"),
        ("organizations", "organization"),
        ("memberships", "membership"),
        ("events", "event"),
        ("vote_events", "vote_event"),
        ("speeches", "speech"),
    ] {
        let items = doc[array].as_array().unwrap_or_else(|| panic!("{array}"));
        assert!(!items.is_empty(), "{array} is empty");
        for (i, item) in items.iter().enumerate() {
            for e in v[schema].iter_errors(item) {
                errors.push(format!("/{array}/{i}{}: {e}", e.instance_path()));
            }
        }
    }
    assert!(errors.is_empty(), "{} schema errors: {:?}", errors.len(), &errors[..errors.len().min(10)]);

    // Counts and votes agree with the API, and Popolo's "not voting" has its space.
    let events = doc["vote_events"].as_array().expect("vote events");
    let api = app.get("/v1/vote-events?council=astana-city&limit=1").await;
    assert_eq!(api.status, 200, "{api:?}");
    let options: BTreeMap<&str, usize> =
        events.iter().flat_map(|e| e["votes"].as_array().into_iter().flatten()).fold(BTreeMap::new(), |mut m, b| {
            *m.entry(b["option"].as_str().expect("option")).or_default() += 1;
            m
        });
    assert!(options.contains_key("yes"), "{options:?}");
    assert!(!options.contains_key("not_voting"), "{options:?}");
    for e in events {
        let votes = e["votes"].as_array().expect("votes");
        if votes.is_empty() {
            continue;
        }
        for c in e["counts"].as_array().expect("counts") {
            let n = votes.iter().filter(|b| b["option"] == c["option"]).count() as u64;
            assert_eq!(Some(n), c["value"].as_u64(), "{}: {}", e["id"], c["option"]);
        }
    }
    let nv =
        events.iter().flat_map(|e| e["counts"].as_array().into_iter().flatten()).any(|c| c["option"] == "not voting");
    assert!(nv || !options.is_empty());

    // Revalidation: the same ETag gives 304 without a body.
    let again = app
        .send(reqwest::Method::GET, "/v1/councils/astana-city/export/popolo", None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(again.status, 304, "{again:?}");
    let missing = app.get("/v1/councils/nowhere/export/popolo").await;
    assert_eq!(missing.status, 404);
    assert!(missing.is_problem(), "{missing:?}");

    // The export imports into an empty database: the same council, deputies, sessions and votes.
    let target = spawn_app().await;
    let r = popolo_import::import_value(&target.state.service.db, &doc, &HashMap::new(), &PopoloOptions::default())
        .await
        .expect("import");
    assert!(r.refused.is_empty(), "{:?}", &r.refused[..r.refused.len().min(3)]);
    assert_eq!(r.council_id, "astana-city");
    for path in ["/v1/councils/astana-city/roster", "/v1/vote-events?council=astana-city&limit=500"] {
        let (a, b) = (app.get(path).await, target.get(path).await);
        assert_eq!((a.status, b.status), (200, 200), "{path}");
    }
    let (a, b) =
        (app.get("/v1/councils/astana-city/roster").await, target.get("/v1/councils/astana-city/roster").await);
    let key = |r: &Value| -> Vec<(Value, Value, Value)> {
        r["document"]["deputies"]
            .as_array()
            .expect("deputies")
            .iter()
            .map(|d| (d["names"].clone(), d["mandates"].clone(), d["party_memberships"].clone()))
            .collect()
    };
    let (ka, kb) = (key(&a.body), key(&b.body));
    assert_eq!(ka.len(), kb.len());
    for (x, y) in ka.iter().zip(&kb) {
        assert_eq!(x, y, "deputies, names, mandates and party memberships survive");
    }
    let ballots = |doc: &Value| -> BTreeMap<String, Value> {
        doc["vote_events"]
            .as_array()
            .expect("vote events")
            .iter()
            .map(|e| {
                (e["id"].as_str().expect("id").to_owned(), serde_json::json!([e["result"], e["counts"], e["votes"]]))
            })
            .collect()
    };
    let back = target.get("/v1/councils/astana-city/export/popolo").await;
    assert_eq!(back.status, 200);
    assert_eq!(ballots(&doc), ballots(&back.body), "every vote event with its result, counts and votes");
    assert_eq!(r.vote_events as usize, events.len());
}

/// The ids of the parties stored in `app`.
async fn party_ids(app: &crate::helpers::TestApp) -> Vec<String> {
    let r = app.get("/v1/parties?limit=100").await;
    r.body["items"].as_array().expect("items").iter().map(|p| p["id"].as_str().expect("id").to_owned()).collect()
}

#[tokio::test]
async fn a_popolo_file_with_a_refused_document_stores_nothing_unless_told_to_continue() {
    let file = data("everypolitician-kazakhstan/ep-popolo-v1.0.json");
    let scout = spawn_app().await;
    popolo_import::import_file(&scout.state.service.db, &file, &PopoloOptions::default()).await.expect("import");
    let taken = party_ids(&scout).await.into_iter().next().expect("a party");

    // The database already holds the file's council with other content.
    let app = spawn_app().await;
    let mut other = crate::helpers::council("mazhilis");
    other["level"] = serde_json::json!("national");
    other["seats"] = serde_json::json!(98);
    let r = app.put("/v1/councils/mazhilis", &app.admin(), &other).await;
    assert_eq!(r.status, 201, "{r:?}");
    let before = app.version_count().await;
    let r = popolo_import::import_file(&app.state.service.db, &file, &PopoloOptions::default()).await.expect("import");
    assert!(r.refused.iter().any(|f| (f.kind, f.id.as_str()) == ("council", "mazhilis")), "{:?}", r.refused);
    assert_eq!((r.stored, r.kept), (0, false));
    assert_eq!(app.version_count().await, before, "nothing of the file was stored");
    assert_eq!(app.get(&format!("/v1/parties/{taken}")).await.status, 404);

    let opts = PopoloOptions { continue_on_error: true, ..PopoloOptions::default() };
    let r = popolo_import::import_file(&app.state.service.db, &file, &opts).await.expect("import");
    assert!(r.refused.iter().any(|f| (f.kind, f.id.as_str()) == ("council", "mazhilis")), "{:?}", r.refused);
    assert!(r.stored > 0 && r.kept, "{r:?}");
    assert_eq!(app.get(&format!("/v1/parties/{taken}")).await.status, 200, "the parties that pass are stored");
}

#[tokio::test]
async fn a_party_already_stored_with_another_description_is_kept_as_stored_with_a_warning() {
    let file = data("everypolitician-kazakhstan/ep-popolo-v1.0.json");
    let scout = spawn_app().await;
    popolo_import::import_file(&scout.state.service.db, &file, &PopoloOptions::default()).await.expect("import");
    let taken = party_ids(&scout).await.into_iter().next().expect("a party");
    // No response cache: the import writes beside the server, and each read must see it.
    let app = crate::helpers::spawn_app_with(|s| s.response_cache_seconds = 0).await;
    let r = app.put(&format!("/v1/parties/{taken}"), &app.admin(), &crate::helpers::party(&taken)).await;
    assert_eq!(r.status, 201, "{r:?}");
    let stored = app.get(&format!("/v1/parties/{taken}")).await.body;
    let r = popolo_import::import_file(&app.state.service.db, &file, &PopoloOptions::default()).await.expect("import");
    assert!(r.refused.is_empty() && r.kept, "{:?}", r.refused);
    assert!(r.warnings.iter().any(|w| w.contains(&format!("party {taken} is already stored"))), "{:?}", r.warnings);
    assert_eq!(app.get(&format!("/v1/parties/{taken}")).await.body, stored, "the stored party is unchanged");
    assert_eq!(app.get("/v1/councils/mazhilis").await.status, 200);
    // With --replace the file's description is applied.
    let opts = PopoloOptions { replace: true, ..PopoloOptions::default() };
    let r = popolo_import::import_file(&app.state.service.db, &file, &opts).await.expect("import");
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    let replaced = app.get(&format!("/v1/parties/{taken}")).await.body;
    assert_ne!(replaced, stored, "{r:?}");
}

#[tokio::test]
async fn the_mazhilis_is_no_maslikhat_and_stays_out_of_the_rankings() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let file = data("everypolitician-kazakhstan/ep-popolo-v1.0.json");
    popolo_import::import_file(&app.state.service.db, &file, &PopoloOptions::default()).await.expect("import");
    let ids = |r: &crate::helpers::Reply| -> Vec<String> {
        r.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["council"].as_str().expect("id").to_owned())
            .collect()
    };
    let all = app.get("/v1/rankings").await;
    assert_eq!(all.status, 200, "{all:?}");
    assert!(ids(&all).contains(&"alpha".to_owned()) && !ids(&all).contains(&"mazhilis".to_owned()), "{all:?}");
    let national = app.get("/v1/rankings?level=national").await;
    assert_eq!(ids(&national), ["mazhilis"], "{national:?}");
}
