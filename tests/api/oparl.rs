//! The OParl 1.1 view: a crawl from `/oparl/v1.1/system` following every link, every object
//! checked against the OParl JSON Schemas (their `required` members and basic types), paging,
//! the `created_*` / `modified_*` filters, and votes and speeches as extension properties.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, deputy, spawn_app};

const SCHEMA: &str = "https://schema.oparl.org/1.1/";

/// The OParl schemas of `tests/data/oparl-schema/`, by file name, adapted for a standard
/// validator. The OParl schemas name the schema of an embedded object with a keyword of their own,
/// `"schema": "File.json"` next to `"type": "object"`; a validator ignores unknown keywords, so
/// such an embedded object would go unchecked. The adaptation turns exactly those into standard
/// references, `"$ref": "File.json"`, resolved against `https://schema.oparl.org/1.1/` by a
/// retriever over the local files (no network). `"schema"` next to `"type": "string"` (a URL
/// naming the object's type) is documentation and stays. Nothing else changes.
fn schemas() -> HashMap<String, Value> {
    fn adapt(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.get("type").and_then(Value::as_str) == Some("object")
                    && let Some(Value::String(target)) = m.remove("schema")
                {
                    m.insert("$ref".into(), Value::String(target));
                }
                m.values_mut().for_each(adapt);
            }
            Value::Array(a) => a.iter_mut().for_each(adapt),
            _ => {}
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oparl-schema");
    std::fs::read_dir(&dir)
        .expect("schema folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            let mut v: Value = serde_json::from_slice(&std::fs::read(e.path()).expect("read")).expect("schema json");
            adapt(&mut v);
            (e.file_name().to_string_lossy().into_owned(), v)
        })
        .collect()
}

/// Serves the local schemas to the validator for `https://schema.oparl.org/1.1/{name}.json`.
struct LocalSchemas(HashMap<String, Value>);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().strip_prefix(SCHEMA).unwrap_or_default();
        self.0.get(name).cloned().ok_or_else(|| format!("no local schema for {}", uri.as_str()).into())
    }
}

/// OParl's `url` format: an absolute http(s) URL.
fn is_url(s: &str) -> bool {
    reqwest::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// Validates OParl objects with a JSON Schema validator (`jsonschema`), one compiled schema per
/// OParl type, with the formats (`url`, `date`, `date-time`) asserted. Beyond the schemas, which
/// allow any other member, it enforces the rule of OParl 1.1 on extensions: a member the type
/// does not define must carry a vendor prefix (`maslikhat:`).
struct Checker {
    validators: HashMap<String, jsonschema::Validator>,
    properties: HashMap<String, BTreeSet<String>>,
}

impl Checker {
    fn new() -> Self {
        let files = schemas();
        let mut validators = HashMap::new();
        let mut properties = HashMap::new();
        for (file, schema) in &files {
            let title = file.trim_end_matches(".json").to_owned();
            let v = jsonschema::options()
                .with_base_uri(format!("{SCHEMA}{file}"))
                .with_retriever(LocalSchemas(files.clone()))
                .with_format("url", is_url)
                .should_validate_formats(true)
                .build(schema)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            let props = schema["properties"].as_object().expect("properties").keys().cloned().collect();
            validators.insert(title.clone(), v);
            properties.insert(title, props);
        }
        assert_eq!(validators.len(), 12, "one schema per OParl type (System, Body … LegislativeTerm, Location)");
        Self { validators, properties }
    }

    /// Checks an object whose schema is taken from its `type`.
    fn check_any(&self, v: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(title) = v["type"].as_str().and_then(|t| t.strip_prefix(SCHEMA)) else {
            errors.push(format!("{at}: no OParl 1.1 type in {v}"));
            return;
        };
        let Some(validator) = self.validators.get(title) else {
            errors.push(format!("{at}: no schema {title}"));
            return;
        };
        for e in validator.iter_errors(v) {
            errors.push(format!("{at}{}: {e}", e.instance_path()));
        }
        self.check_members(v, title, at, errors);
    }

    /// Members without a prefix must be the type's own; embedded objects are checked the same way.
    fn check_members(&self, v: &Value, title: &str, at: &str, errors: &mut Vec<String>) {
        let Some(obj) = v.as_object() else { return };
        let Some(props) = self.properties.get(title) else { return };
        for (k, val) in obj {
            if !k.contains(':') && !props.contains(k) {
                errors.push(format!("{at}/{k}: not an OParl {title} property and not an extension"));
            }
            if k.contains(':') {
                continue;
            }
            let embedded = |x: &Value| x["type"].as_str().and_then(|t| t.strip_prefix(SCHEMA)).map(str::to_owned);
            match val {
                Value::Object(_) => {
                    if let Some(t) = embedded(val) {
                        self.check_members(val, &t, &format!("{at}/{k}"), errors);
                    }
                }
                Value::Array(xs) => {
                    for (i, x) in xs.iter().enumerate() {
                        if let Some(t) = embedded(x) {
                            self.check_members(x, &t, &format!("{at}/{k}/{i}"), errors);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Council `alpha` with a roster (four deputies, a party member, a commission, roles), a held
/// session `alpha-s1` (place, agenda with documents, a roll-call vote, speeches), then at the
/// returned time `mark` a planned session `alpha-s2` published after it.
async fn publish_alpha(app: &TestApp) -> DateTime<Utc> {
    app.seed_council("alpha").await;
    let token = app.publisher("alpha");
    let mut ds: Vec<Value> = (1..=4).map(|i| deputy(&format!("alpha-d{i}"))).collect();
    ds[0]["party_memberships"] = json!([{"party": "amanat", "start_date": "2020-01-01"}]);
    ds[0]["contacts"] = json!([{"kind": "email", "value": "d1@maslihat.example.kz"}]);
    ds[0]["given_names"] = json!({"ru": "Айгуль"});
    ds[0]["family_names"] = json!({"ru": "Сейткали"});
    let roster = json!({
        "deputies": ds,
        "commissions": [{"id": "alpha-budget", "names": {"ru": "Комиссия по бюджету"}, "kind": "standing"}],
        "roles": [
            {"deputy": "alpha-d1", "role": "chairman", "start_date": "2023-03-20"},
            {"deputy": "alpha-d2", "role": "commission_chair", "commission": "alpha-budget", "start_date": "2023-03-20"},
        ]
    });
    let r = app.put("/v1/councils/alpha/roster", &token, &roster).await;
    assert_eq!(r.status, 201, "{r:?}");
    let deputies: Vec<String> = (1..=4).map(|i| format!("alpha-d{i}")).collect();
    let ballots: Vec<Value> = deputies
        .iter()
        .enumerate()
        .map(|(i, d)| json!({"deputy": d, "option": if i == 3 { "no" } else { "yes" }}))
        .collect();
    let s1 = json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-03-01T10:00:00+05:00", "place": "Зал сессий", "is_open": true,
        "agenda": [
            {"id": "alpha-s1-i1", "position": 1, "number_label": "1", "titles": {"kk": "Бюджет туралы", "ru": "О бюджете"}, "initiator": "akimat", "result": "adopted"},
            {"id": "alpha-s1-i2", "position": 2, "titles": {"ru": "Разное"}, "initiator": "deputy"}
        ],
        "documents": [
            {"id": "alpha-s1-agenda", "kind": "agenda", "title": "Повестка", "media_type": "application/pdf",
             "url": "https://maslihat.example.kz/s1/agenda.pdf", "language": "ru"},
            {"id": "alpha-s1-draft", "agenda_item": "alpha-s1-i1", "kind": "draft_decision", "title": "Проект решения",
             "media_type": "application/pdf", "url": "https://maslihat.example.kz/s1/draft.pdf", "language": "ru"},
            {"id": "alpha-s1-decision", "agenda_item": "alpha-s1-i1", "kind": "decision", "title": "Решение",
             "media_type": "application/pdf", "url": "https://maslihat.example.kz/s1/decision.pdf",
             "sha256": "a".repeat(64), "language": "ru", "text": "Утвердить бюджет."}
        ],
        "vote_events": [{
            "id": "alpha-s1-v1", "agenda_item": "alpha-s1-i1", "motion": {"ru": "Принять решение"},
            "stage": "as_a_whole", "method": "roll_call", "majority_rule": "majority_of_present", "seats": 5,
            "result": "pass", "counts": {"yes": 3, "no": 1}, "ballots": ballots
        }],
        "speeches": [
            {"id": "alpha-s1-sp1", "agenda_item": "alpha-s1-i1", "deputy": "alpha-d1", "speaker_role": "deputy",
             "speech_type": "question", "language": "kk", "seconds": 60},
            {"id": "alpha-s1-sp2", "speaker_name": "Аким района", "speaker_role": "executive", "speech_type": "report", "language": "ru"}
        ]
    });
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &token, &s1).await;
    assert_eq!(r.status, 201, "{r:?}");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mark = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let start = (Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%dT10:00:00+05:00").to_string();
    let s2 = json!({
        "convocation": "VIII", "number": 2, "kind": "regular", "status": "planned", "scheduled_start": start,
        "is_open": true,
        "agenda": [{"id": "alpha-s2-i1", "position": 1, "titles": {"ru": "Отчёт акима"}, "initiator": "akimat"}]
    });
    let r = app.put("/v1/councils/alpha/sessions/alpha-s2", &token, &s2).await;
    assert_eq!(r.status, 201, "{r:?}");
    mark
}

/// Turns an object id (a URL under `public_url`) into a path on the test server.
fn path_of(app: &TestApp, url: &str) -> String {
    let public = app.state.service.settings.public_url.trim_end_matches('/');
    url.strip_prefix(public).unwrap_or_else(|| panic!("{url} is not under {public}")).to_owned()
}

/// Every string in `v` that is a URL of the OParl view.
fn links(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.starts_with(prefix) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| links(x, prefix, out)),
        Value::Object(m) => m.values().for_each(|x| links(x, prefix, out)),
        _ => {}
    }
}

/// Every element of a list, following `links.next` from `path`.
async fn walk(app: &TestApp, path: &str) -> (Vec<Value>, usize) {
    let mut items = vec![];
    let mut pages = 0;
    let mut next = Some(path.to_owned());
    while let Some(p) = next {
        let r = app.get(&p).await;
        assert_eq!(r.status, 200, "{p}: {r:?}");
        items.extend(r.body["data"].as_array().unwrap_or_else(|| panic!("{p}: no data")).iter().cloned());
        assert!(r.body["pagination"].is_object(), "{p}: no pagination");
        next = r.body["links"]["next"].as_str().map(|n| path_of(app, n));
        pages += 1;
        assert!(pages < 200, "paging does not end");
    }
    (items, pages)
}

fn id_set(items: &[Value]) -> BTreeSet<String> {
    items.iter().map(|o| o["id"].as_str().expect("id").to_owned()).collect()
}

/// Crawls the view from `/oparl/v1.1/system`, following every link to the view (object ids,
/// list URLs, `links.next`): asserts no link is broken, every object (listed, embedded or served
/// on its own) validates against the OParl schemas, and every listed object is also served on
/// its own, identical. Returns every document fetched, by URL.
///
/// Lists are asked for in pages of 500 (their largest), so that a large body is crawled in
/// reasonable time; `links.next` is still followed (paging itself is tested on its own), and
/// eight requests are in flight at a time.
pub async fn crawl(app: &TestApp) -> BTreeMap<String, Value> {
    let checker = Checker::new();
    let prefix = format!("{}/oparl/v1.1/", app.state.service.settings.public_url.trim_end_matches('/'));
    let body_list = list_url(&prefix);
    let system_url = format!("{prefix}system");
    let mut queue = VecDeque::from([system_url.clone()]);
    let mut fetched: BTreeMap<String, Value> = BTreeMap::new();
    let mut asked: BTreeSet<String> = BTreeSet::new();
    // Objects as they appear inside lists, by id.
    let mut listed: BTreeMap<String, Value> = BTreeMap::new();
    let mut errors = vec![];
    while !queue.is_empty() {
        let mut batch = tokio::task::JoinSet::new();
        while batch.len() < 8
            && let Some(url) = queue.pop_front()
        {
            if !asked.insert(url.clone()) {
                continue;
            }
            let mut path = path_of(app, &url);
            // A body's list (not a page of it): ask for the largest pages.
            if body_list(&url) {
                path.push_str("?limit=500");
            }
            let (client, target) = (app.client.clone(), format!("{}{path}", app.base));
            batch.spawn(async move {
                let r = client.get(&target).send().await.expect("request");
                let status = r.status().as_u16();
                let ctype = r.headers().get("content-type").and_then(|c| c.to_str().ok()).unwrap_or("").to_owned();
                let bytes = r.bytes().await.expect("body");
                (url, status, ctype, bytes)
            });
        }
        while let Some(done) = batch.join_next().await {
            let (url, status, ctype, bytes) = done.expect("task");
            assert_eq!(status, 200, "broken link {url}: {}", String::from_utf8_lossy(&bytes));
            if url.ends_with("/profile") {
                // The extension's documentation, linked from the system object.
                assert!(ctype.starts_with("text/markdown"), "{url}");
                fetched.insert(url, Value::Null);
                continue;
            }
            assert!(ctype.starts_with("application/json"), "{url}");
            let body: Value = serde_json::from_slice(&bytes).expect("json");
            let mut found = vec![];
            if let Some(data) = body["data"].as_array() {
                for (i, o) in data.iter().enumerate() {
                    checker.check_any(o, &format!("{url}#data/{i}"), &mut errors);
                    listed.insert(o["id"].as_str().expect("id").to_owned(), o.clone());
                }
                links(&body["data"], &prefix, &mut found);
                if let Some(n) = body["links"]["next"].as_str() {
                    found.push(n.to_owned());
                }
            } else {
                checker.check_any(&body, &url, &mut errors);
                assert_eq!(body["id"], url.as_str(), "an object's id is its URL");
                links(&body, &prefix, &mut found);
            }
            fetched.insert(url, body);
            queue.extend(found.into_iter().filter(|u| !asked.contains(u)));
        }
    }
    errors.truncate(50);
    assert!(errors.is_empty(), "schema violations (first 50):\n{}", errors.join("\n"));
    for (id, o) in &listed {
        assert_eq!(fetched.get(id), Some(o), "{id} differs from its list entry");
    }
    fetched
}

/// Whether a URL is a list of a body (`…/bodies/{id}/{list}` with no query), or the body list.
fn list_url(prefix: &str) -> impl Fn(&str) -> bool + '_ {
    move |url: &str| {
        let Some(rest) = url.strip_prefix(prefix) else { return false };
        !rest.contains('?') && (rest == "bodies" || (rest.starts_with("bodies/") && rest.split('/').count() == 3))
    }
}

/// The keys (last URL segment) of the crawled objects of an OParl type.
pub fn of_type(fetched: &BTreeMap<String, Value>, t: &str) -> BTreeSet<String> {
    fetched
        .iter()
        .filter(|(_, v)| v["type"] == format!("{SCHEMA}{t}"))
        .map(|(k, _)| k.rsplit('/').next().expect("key").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_from_system_reaches_every_object_and_every_object_matches_the_schemas() {
    let app = spawn_app().await;
    publish_alpha(&app).await;
    let prefix = format!("{}/oparl/v1.1/", app.state.service.settings.public_url.trim_end_matches('/'));
    let system_url = format!("{prefix}system");
    let fetched = crawl(&app).await;
    let of_type = |t: &str| of_type(&fetched, t);
    let set = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
    assert_eq!(of_type("Body"), set(&["alpha"]));
    assert_eq!(of_type("Person"), set(&["alpha-d1", "alpha-d2", "alpha-d3", "alpha-d4"]));
    assert_eq!(of_type("Organization"), set(&["council", "commission-alpha-budget", "party-amanat"]));
    assert_eq!(of_type("Meeting"), set(&["alpha-s1", "alpha-s2"]));
    assert_eq!(of_type("AgendaItem"), set(&["alpha-s1-i1", "alpha-s1-i2", "alpha-s2-i1"]));
    assert_eq!(of_type("Paper"), set(&["alpha-s1-draft", "alpha-s1-decision"]));
    assert_eq!(of_type("Consultation"), set(&["alpha-s1-draft", "alpha-s1-decision"]));
    assert_eq!(of_type("File"), set(&["alpha-s1-agenda", "alpha-s1-draft", "alpha-s1-decision"]));
    assert_eq!(of_type("LegislativeTerm"), set(&["VIII"]));
    assert_eq!(of_type("Location"), set(&["alpha-s1"]));
    // 4 mandates, 1 party membership, 2 roles.
    assert_eq!(of_type("Membership").len(), 7, "{:?}", of_type("Membership"));

    let system = &fetched[&system_url];
    assert_eq!(system["oparlVersion"], "https://schema.oparl.org/1.1/");
    assert!(system["license"].as_str().is_some_and(|l| l.starts_with("https://creativecommons.org/")));
    let body = &fetched[&format!("{prefix}bodies/alpha")];
    assert_eq!(body["license"], system["license"]);
    assert_eq!(body["mainOrganization"], format!("{prefix}bodies/alpha/organizations/council"));
    assert_eq!(body["maslikhat:synthetic"], false);
    let council = &fetched[&format!("{prefix}bodies/alpha/organizations/council")];
    assert_eq!(council["organizationType"], "Gremium");
    let group = &fetched[&format!("{prefix}bodies/alpha/organizations/party-amanat")];
    assert_eq!(group["organizationType"], "Fraktion");
    assert_eq!(group["membership"].as_array().map(Vec::len), Some(1));
    let d1 = &fetched[&format!("{prefix}bodies/alpha/persons/alpha-d1")];
    assert_eq!(d1["email"], json!(["d1@maslihat.example.kz"]));
    assert_eq!(d1["givenName"], "Айгуль");
    assert_eq!(d1["membership"].as_array().map(Vec::len), Some(3), "mandate, party, chairman");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_object_of_a_demo_council_matches_the_schemas() {
    let app = spawn_app().await;
    let until = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).expect("date");
    let mut cfg = maslikhat::demo::DemoConfig::national(5, 1, until);
    cfg.councils = Some(vec!["astana-city".into()]);
    maslikhat::demo::load(&app.state.service.db, &cfg, false).await.expect("demo council");
    let fetched = crawl(&app).await;
    // Everything the council publishes is reached: its sessions, items, deputies and commissions.
    let sessions = app.get("/v1/sessions?council=astana-city&limit=500").await;
    let want: BTreeSet<String> = sessions.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(want.len() > 5, "{want:?}");
    assert_eq!(of_type(&fetched, "Meeting"), want);
    let roster = app.get("/v1/councils/astana-city/roster").await;
    let deputies = roster.body["document"]["deputies"].as_array().expect("deputies");
    let persons = of_type(&fetched, "Person");
    assert!(deputies.iter().all(|d| persons.contains(d["id"].as_str().expect("id"))));
    let commissions = roster.body["document"]["commissions"].as_array().expect("commissions").len();
    assert!(commissions > 0);
    assert!(of_type(&fetched, "Organization").len() > commissions);
    assert!(!of_type(&fetched, "AgendaItem").is_empty());
    // Votes and speeches ride on agenda items as extensions, and still validate.
    let votes: usize = fetched
        .values()
        .filter(|v| v["type"] == format!("{SCHEMA}AgendaItem"))
        .map(|v| v["maslikhat:voteEvents"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(votes > 0, "the demo council votes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_reaches_every_object_of_the_imported_huertgenwald_council_with_no_broken_link() {
    use crate::oparl_import::{COUNCIL, expected, import_huertgenwald, unpack_dump};
    let app = spawn_app().await;
    let dir = unpack_dump();
    let want = expected(dir.path());
    let report = import_huertgenwald(&app, dir.path()).await;
    let fetched = crawl(&app).await;
    assert_eq!(of_type(&fetched, "Body"), BTreeSet::from([COUNCIL.to_owned()]));
    assert_eq!(of_type(&fetched, "Meeting"), want.sessions);
    assert_eq!(of_type(&fetched, "AgendaItem"), want.items);
    let persons: BTreeSet<String> = fetched
        .iter()
        .filter(|(_, v)| v["type"] == format!("{SCHEMA}Person") && v["deleted"] != true)
        .map(|(k, _)| k.rsplit('/').next().expect("key").to_owned())
        .collect();
    assert_eq!(persons, want.deputies);
    // The council, one organization per committee and one per party group.
    assert_eq!(of_type(&fetched, "Organization").len(), 1 + want.committees.len() + 5);
    // Every document of every session is a File; papers are the draft decisions and decisions.
    assert_eq!(of_type(&fetched, "File").len() as u64, report.documents);
    let papers = of_type(&fetched, "Paper");
    assert!(papers.len() as u64 >= report.papers, "{} papers, {} attached", papers.len(), report.papers);
    assert!(!of_type(&fetched, "Consultation").is_empty());
    assert_eq!(of_type(&fetched, "Location").len(), want.sessions.len(), "every council meeting has a place");
}

#[tokio::test]
async fn votes_ballots_and_speeches_travel_as_extensions_of_agenda_items_and_meetings() {
    let app = spawn_app().await;
    publish_alpha(&app).await;
    let r = app.get("/oparl/v1.1/bodies/alpha/meetings/alpha-s1").await;
    assert_eq!(r.status, 200, "{r:?}");
    let m = &r.body;
    assert_eq!(m["location"]["description"], "Зал сессий");
    assert_eq!(m["invitation"]["name"], "Повестка");
    assert_eq!(m["participant"].as_array().map(Vec::len), Some(4));
    let item = &m["agendaItem"][0];
    assert_eq!(item["order"], 0);
    assert_eq!(item["name"], "Бюджет туралы", "Kazakh is the preferred single name");
    assert_eq!(item["maslikhat:titles"]["ru"], "О бюджете");
    assert_eq!(item["resolutionFile"]["name"], "Решение");
    assert_eq!(item["resolutionFile"]["maslikhat:sha256Checksum"], "a".repeat(64));
    let votes = item["maslikhat:voteEvents"].as_array().expect("vote events");
    assert_eq!(votes.len(), 1);
    let v = &votes[0];
    assert_eq!(v["identifier"], "alpha-s1-v1");
    assert_eq!(v["result"], "pass");
    assert_eq!(v["counts"]["yes"], 3);
    assert_eq!(v["counts"]["no"], 1);
    let ballots = v["ballots"].as_array().expect("ballots");
    assert_eq!(ballots.len(), 4);
    assert!(
        ballots.iter().all(|b| b["person"].as_str().is_some_and(|p| p.contains("/oparl/v1.1/bodies/alpha/persons/")))
    );
    let speeches = item["maslikhat:speeches"].as_array().expect("speeches");
    assert_eq!(speeches.len(), 1);
    assert_eq!(speeches[0]["speechType"], "question");
    // A speech on no agenda item belongs to the meeting.
    assert_eq!(m["maslikhat:speeches"][0]["speakerName"], "Аким района");
    // The standalone agenda item carries the same extensions.
    let r = app.get("/oparl/v1.1/bodies/alpha/agenda-items/alpha-s1-i1").await;
    assert_eq!(r.body["maslikhat:voteEvents"], item["maslikhat:voteEvents"]);
    // An item with no votes says so with an empty list.
    assert_eq!(m["agendaItem"][1]["maslikhat:voteEvents"], json!([]));
}

#[tokio::test]
async fn lists_page_with_links_next_and_every_filter_returns_exactly_its_objects() {
    let app = spawn_app().await;
    let mark = publish_alpha(&app).await;
    let lists = [
        "organizations",
        "persons",
        "memberships",
        "meetings",
        "agenda-items",
        "papers",
        "consultations",
        "files",
        "legislative-terms",
        "locations",
    ];
    for list in lists {
        let base = format!("/oparl/v1.1/bodies/alpha/{list}");
        let (all, pages) = walk(&app, &format!("{base}?limit=500")).await;
        assert_eq!(pages, 1);
        let r = app.get(&base).await;
        assert_eq!(r.body["pagination"]["totalElements"], all.len(), "{list}");
        // Pages of two: the same objects, each once, in as many pages as needed.
        let (paged, pages) = walk(&app, &format!("{base}?limit=2")).await;
        assert_eq!(paged.len(), all.len(), "{list}: an object repeated or lost across pages");
        assert_eq!(id_set(&paged), id_set(&all), "{list}");
        assert_eq!(pages, all.len().div_ceil(2).max(1), "{list}");

        // Each filter returns exactly the objects whose own times satisfy it.
        let stamp = mark.to_rfc3339();
        for (filter, field, since) in [
            ("created_since", "created", true),
            ("created_until", "created", false),
            ("modified_since", "modified", true),
            ("modified_until", "modified", false),
        ] {
            let want: BTreeSet<String> = all
                .iter()
                .filter(|o| {
                    let t: DateTime<Utc> = o[field].as_str().expect("time").parse().expect("rfc3339");
                    if since { t >= mark } else { t <= mark }
                })
                .map(|o| o["id"].as_str().expect("id").to_owned())
                .collect();
            let q = format!("{base}?{filter}={}&limit=2", crate_encode(&stamp));
            let (got, _) = walk(&app, &q).await;
            assert_eq!(id_set(&got), want, "{list}?{filter}");
        }
    }

    // The session published after the mark is exactly what changed since then.
    let since = crate_encode(&mark.to_rfc3339());
    let (m, _) = walk(&app, &format!("/oparl/v1.1/bodies/alpha/meetings?modified_since={since}")).await;
    assert_eq!(
        id_set(&m).into_iter().map(|i| i.rsplit('/').next().unwrap().to_owned()).collect::<Vec<_>>(),
        ["alpha-s2"]
    );
    let (m, _) = walk(&app, &format!("/oparl/v1.1/bodies/alpha/meetings?created_until={since}")).await;
    assert_eq!(
        id_set(&m).into_iter().map(|i| i.rsplit('/').next().unwrap().to_owned()).collect::<Vec<_>>(),
        ["alpha-s1"]
    );
    let (p, _) = walk(&app, &format!("/oparl/v1.1/bodies/alpha/persons?modified_since={since}")).await;
    assert!(p.is_empty(), "the roster did not change after the mark");
    // The body list is a list too.
    let (b, _) = walk(&app, "/oparl/v1.1/bodies?limit=1").await;
    assert_eq!(b.len(), 1);

    // A filter that is not a date-time is a problem+json 400, like every error.
    let r = app.get("/oparl/v1.1/bodies/alpha/meetings?modified_since=yesterday").await;
    assert_eq!(r.status, 400);
    assert!(r.is_problem(), "{r:?}");
    let r = app.get("/oparl/v1.1/bodies/nowhere/meetings").await;
    assert_eq!(r.status, 404);
    assert!(r.is_problem(), "{r:?}");
    let r = app.get("/oparl/v1.1/bodies/alpha/meetings/nothing").await;
    assert_eq!(r.status, 404);
    assert!(r.is_problem(), "{r:?}");
}

#[tokio::test]
async fn the_view_answers_conditional_gets_and_any_origin() {
    let app = spawn_app().await;
    publish_alpha(&app).await;
    let r = app.get("/oparl/v1.1/bodies/alpha/meetings/alpha-s1").await;
    let etag = r.header("etag").expect("etag").to_owned();
    let again = app
        .send(Method::GET, "/oparl/v1.1/bodies/alpha/meetings/alpha-s1", None, None, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    let cors =
        app.send(Method::GET, "/oparl/v1.1/system", None, None, &[("Origin", "https://oparl-client.example")]).await;
    assert_eq!(cors.status, 200);
    assert!(cors.header("access-control-allow-origin").is_some(), "{:?}", cors.headers);
}

#[tokio::test]
async fn a_deputy_dropped_from_the_roster_stays_as_a_tombstone() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let token = app.publisher("alpha");
    let two = json!({"deputies": [deputy("alpha-d1"), deputy("alpha-d2")]});
    let r = app.put("/v1/councils/alpha/roster", &token, &two).await;
    assert_eq!(r.status, 201, "{r:?}");
    let etag = r.header("etag").expect("etag").to_owned();
    let one = json!({"deputies": [deputy("alpha-d1")]});
    let r = app.put_if("/v1/councils/alpha/roster", &token, &one, &etag).await;
    assert!(r.status == 200 || r.status == 201, "{r:?}");
    let r = app.get("/oparl/v1.1/bodies/alpha/persons/alpha-d2").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["deleted"], true);
    assert!(r.body.get("name").is_none(), "a tombstone carries no data");
    let mut errors = vec![];
    Checker::new().check_any(&r.body, "tombstone", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test]
async fn agenda_items_and_documents_dropped_from_a_session_record_stay_as_tombstones() {
    let app = spawn_app().await;
    publish_alpha(&app).await;
    let token = app.publisher("alpha");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mark = Utc::now();
    // The corrected record: item 2 withdrawn, the draft decision no longer published.
    let s1 = json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-03-01T10:00:00+05:00", "place": "Зал сессий", "is_open": true,
        "reason": "item 2 was withdrawn; the draft was published by mistake",
        "agenda": [
            {"id": "alpha-s1-i1", "position": 1, "number_label": "1", "titles": {"kk": "Бюджет туралы", "ru": "О бюджете"}, "initiator": "akimat", "result": "adopted"}
        ],
        "documents": [
            {"id": "alpha-s1-agenda", "kind": "agenda", "title": "Повестка", "media_type": "application/pdf",
             "url": "https://maslihat.example.kz/s1/agenda.pdf", "language": "ru"},
            {"id": "alpha-s1-decision", "agenda_item": "alpha-s1-i1", "kind": "decision", "title": "Решение",
             "media_type": "application/pdf", "url": "https://maslihat.example.kz/s1/decision.pdf",
             "sha256": "a".repeat(64), "language": "ru", "text": "Утвердить бюджет."}
        ]
    });
    // The current version's tag, as a failed precondition names it.
    let stale = app.put_if("/v1/councils/alpha/sessions/alpha-s1", &token, &s1, "\"v0-0000000000000000\"").await;
    assert_eq!(stale.status, 412, "{stale:?}");
    let etag = stale.body["current_etag"].as_str().expect("current etag").to_owned();
    let r = app.put_if("/v1/councils/alpha/sessions/alpha-s1", &token, &s1, &etag).await;
    assert!(r.status == 200 || r.status == 201, "{r:?}");

    let checker = Checker::new();
    let tomb = |r: &crate::helpers::Reply, what: &str| {
        assert_eq!(r.status, 200, "{what}: {r:?}");
        assert_eq!(r.body["deleted"], true, "{what}: {:?}", r.body);
        assert!(r.body.get("name").is_none(), "{what}: a tombstone carries no data");
        let modified: DateTime<Utc> = r.body["modified"].as_str().expect("modified").parse().expect("time");
        assert!(modified >= mark, "{what}: modified when dropped");
        let mut errors = vec![];
        checker.check_any(&r.body, what, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
    };
    let item = app.get("/oparl/v1.1/bodies/alpha/agenda-items/alpha-s1-i2").await;
    tomb(&item, "agenda item");
    tomb(&app.get("/oparl/v1.1/bodies/alpha/files/alpha-s1-draft").await, "file");
    tomb(&app.get("/oparl/v1.1/bodies/alpha/papers/alpha-s1-draft").await, "paper");
    tomb(&app.get("/oparl/v1.1/bodies/alpha/consultations/alpha-s1-draft").await, "consultation");
    // What stays is served as before; the meeting no longer embeds the dropped item.
    let live = app.get("/oparl/v1.1/bodies/alpha/agenda-items/alpha-s1-i1").await;
    assert_eq!(live.body["name"], "Бюджет туралы");
    let m = app.get("/oparl/v1.1/bodies/alpha/meetings/alpha-s1").await;
    let embedded: Vec<&str> =
        m.body["agendaItem"].as_array().expect("items").iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(embedded.len(), 1);
    assert!(embedded[0].ends_with("/alpha-s1-i1"));
    // Lists carry the tombstones, and a client syncing with modified_since learns of the deletion.
    let since = crate_encode(&mark.to_rfc3339());
    let (changed, _) = walk(&app, &format!("/oparl/v1.1/bodies/alpha/agenda-items?modified_since={since}")).await;
    let deleted: BTreeSet<String> = changed
        .iter()
        .filter(|o| o["deleted"] == true)
        .map(|o| o["id"].as_str().expect("id").rsplit('/').next().expect("key").to_owned())
        .collect();
    assert_eq!(deleted, BTreeSet::from(["alpha-s1-i2".to_owned()]));
    let (files, _) = walk(&app, "/oparl/v1.1/bodies/alpha/files").await;
    assert_eq!(files.iter().filter(|f| f["deleted"] == true).count(), 1);
    // An item never published is no tombstone.
    assert_eq!(app.get("/oparl/v1.1/bodies/alpha/agenda-items/alpha-s1-i9").await.status, 404);
    // The whole view still crawls and validates.
    crawl(&app).await;
}

/// Percent-encodes a query value (a `+` in a time zone must not arrive as a space).
fn crate_encode(s: &str) -> String {
    maslikhat::api::paging::encode(s)
}

#[test]
fn the_validator_rejects_what_the_schemas_forbid() {
    let checker = Checker::new();
    let errors_of = |v: Value| {
        let mut e = vec![];
        checker.check_any(&v, "x", &mut e);
        e
    };
    let has = |errors: &[String], want: &str| errors.iter().any(|e| e.contains(want));
    let good =
        json!({"id": "https://x.example/f/1", "type": format!("{SCHEMA}File"), "accessUrl": "https://x.example/1.pdf"});
    assert_eq!(errors_of(good.clone()), Vec::<String>::new());
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("accessUrl");
    let e = errors_of(missing);
    assert!(has(&e, "\"accessUrl\" is a required property"), "{e:?}");
    let mut wrong = good.clone();
    wrong["size"] = json!("big");
    let e = errors_of(wrong);
    assert!(has(&e, "x/size: \"big\" is not of type \"integer\""), "{e:?}");
    let mut null = good.clone();
    null["name"] = Value::Null;
    let e = errors_of(null);
    assert!(has(&e, "x/name: null is not of type \"string\""), "{e:?}");
    let mut date = good.clone();
    date["date"] = json!("01.02.2024");
    let e = errors_of(date);
    assert!(has(&e, "x/date: \"01.02.2024\" is not a \"date\""), "{e:?}");
    let mut url = good.clone();
    url["accessUrl"] = json!("/relative/1.pdf");
    let e = errors_of(url);
    assert!(has(&e, "x/accessUrl: \"/relative/1.pdf\" is not a \"url\""), "{e:?}");
    let mut version = good.clone();
    version["type"] = json!("https://schema.oparl.org/1.0/File");
    let e = errors_of(version);
    assert!(has(&e, "no OParl 1.1 type"), "{e:?}");
    let mut unknown = good.clone();
    unknown["colour"] = json!("red");
    assert!(has(&errors_of(unknown), "x/colour: not an OParl File property"));
    let mut extension = good.clone();
    extension["maslikhat:colour"] = json!("red");
    assert_eq!(errors_of(extension), Vec::<String>::new(), "prefixed members are extensions");
    // Embedded objects are checked against their own schema, through the adapted references.
    let mut embedded = json!({"id": "https://x.example/m/1", "type": format!("{SCHEMA}Meeting")});
    embedded["invitation"] = json!({"id": "https://x.example/f/2", "type": format!("{SCHEMA}File")});
    let e = errors_of(embedded.clone());
    assert!(has(&e, "x/invitation: \"accessUrl\" is a required property"), "{e:?}");
    embedded["invitation"] = good.clone();
    embedded["agendaItem"] =
        json!([{"id": "https://x.example/a/1", "type": format!("{SCHEMA}AgendaItem"), "order": "first"}]);
    let e = errors_of(embedded.clone());
    assert!(has(&e, "x/agendaItem/0/order: \"first\" is not of type \"integer\""), "{e:?}");
    embedded["agendaItem"][0]["order"] = json!(0);
    embedded["agendaItem"][0]["type"] = json!(format!("{SCHEMA}Meeting"));
    let e = errors_of(embedded.clone());
    assert!(has(&e, "x/agendaItem/0/type"), "an embedded object of the wrong type: {e:?}");
    embedded["agendaItem"][0]["type"] = json!(format!("{SCHEMA}AgendaItem"));
    assert_eq!(errors_of(embedded), Vec::<String>::new());
}
