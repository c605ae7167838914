//! The committed OpenAPI document is the one the code serves, and it is honest: every status an
//! operation documents is one it answers, and it answers no other.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, council, party, roster, spawn_app, spawn_app_with};

#[tokio::test]
async fn committed_openapi_document_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
        .expect("openapi/openapi.json exists");
    let generated = maslikhat::api::spec_json();
    if committed.trim_end() != generated.trim_end() {
        let old: Value = serde_json::from_str(&committed).unwrap_or(Value::Null);
        let new: Value = serde_json::from_str(&generated).expect("the generated spec is JSON");
        let mut lines = vec![];
        json_diff("", &old, &new, &mut lines);
        let shown = lines.iter().take(60).cloned().collect::<Vec<_>>().join("\n");
        panic!(
            "openapi/openapi.json is stale ({} difference(s); run `cargo run -- openapi` and commit it):\n{shown}",
            lines.len()
        );
    }
}

/// Lists where two JSON values differ, one line per JSON Pointer: `- old` for what the committed
/// document has, `+ new` for what the code generates.
fn json_diff(at: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    let short = |v: &Value| {
        let s = v.to_string();
        if s.chars().count() > 100 { format!("{}…", s.chars().take(100).collect::<String>()) } else { s }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let path = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => json_diff(&path, x, y, out),
                    (Some(x), None) => out.push(format!("{path}: - {}", short(x))),
                    (None, Some(y)) => out.push(format!("{path}: + {}", short(y))),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                json_diff(&format!("{at}/{i}"), x, y, out);
            }
        }
        (a, b) if a != b => out.push(format!("{at}: - {} + {}", short(a), short(b))),
        _ => {}
    }
}

#[test]
fn the_drift_report_names_each_difference_by_its_pointer() {
    let old = json!({"paths": {"/v1/a": {"get": {"responses": {"200": {}, "412": {}}}}}, "x": [1, 2]});
    let new = json!({"paths": {"/v1/a": {"get": {"responses": {"200": {}, "304": {}}}}}, "x": [1, 3]});
    let mut lines = vec![];
    json_diff("", &old, &new, &mut lines);
    assert_eq!(
        lines,
        ["/paths/~1v1~1a/get/responses/304: + {}", "/paths/~1v1~1a/get/responses/412: - {}", "/x/1: - 2 + 3",]
    );
}

/// One name per path parameter (issue 23): the segment a parameter follows (its collection,
/// `councils`, `sessions` …) names it the same way in every path, and a name means one thing
/// wherever it appears (one description, one schema), so a generated client's `council` argument
/// is the same argument in every function.
#[test]
fn each_path_parameter_has_one_name_and_each_name_one_meaning() {
    let spec: Value = serde_json::from_str(&maslikhat::api::spec_json()).expect("the document is JSON");
    let problems = path_parameter_names(&spec);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_path_parameter_check_finds_two_names_for_one_collection_and_two_meanings_for_one_name() {
    let param = |name: &str, description: &str| json!({"name": name, "in": "path", "description": description, "schema": {"type": "string"}});
    let spec = json!({"paths": {
        "/v1/councils/{id}": {"get": {"parameters": [param("id", "The council's id.")]}},
        "/v1/councils/{council}/roster": {"get": {"parameters": [param("council", "The council's id.")]}},
        "/v1/sessions/{id}": {"get": {"parameters": [param("id", "The session's id.")]}},
    }});
    let problems = path_parameter_names(&spec);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].contains("councils/{…} is named both"), "{problems:#?}");
    assert!(problems[1].contains("{id} means"), "{problems:#?}");
}

/// What is wrong with the path parameters' names of `spec`, one line each.
fn path_parameter_names(spec: &Value) -> Vec<String> {
    let mut problems = vec![];
    let mut by_collection: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut by_name: BTreeMap<String, (Value, String)> = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let segments: Vec<&str> = path.split('/').collect();
        for (i, segment) in segments.iter().enumerate() {
            let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else { continue };
            let collection = segments[..i].join("/");
            match by_collection.get(&collection) {
                Some((other, at)) if other != name => problems
                    .push(format!("{collection}/{{…}} is named both {{{other}}} ({at}) and {{{name}}} ({path})")),
                Some(_) => {}
                None => {
                    by_collection.insert(collection, (name.to_owned(), path.clone()));
                }
            }
        }
        for (method, op) in item.as_object().into_iter().flatten() {
            let params = op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "path");
            let mut declared = BTreeSet::new();
            for p in params {
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                let meaning = json!({"description": p["description"], "schema": p["schema"]});
                let at = format!("{} {path}", method.to_uppercase());
                match by_name.get(&name) {
                    Some((other, first)) if *other != meaning => {
                        problems.push(format!("{{{name}}} means {other} in {first} but {meaning} in {at}"))
                    }
                    Some(_) => {}
                    None => {
                        by_name.insert(name.clone(), (meaning, at));
                    }
                }
                declared.insert(name);
            }
            let in_path: BTreeSet<String> = segments
                .iter()
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(str::to_owned)
                .collect();
            if declared != in_path {
                problems.push(format!("{} {path} declares {declared:?}", method.to_uppercase()));
            }
        }
    }
    problems
}

#[tokio::test]
async fn every_operation_has_an_id_a_tag_a_summary_and_the_statuses_every_request_can_meet() {
    let app = spawn_app().await;
    let spec = app.get("/openapi.json").await.body;
    let mut ids = vec![];
    for op in operations(&spec) {
        ids.push(op.id.clone());
        assert!(op.spec["tags"].as_array().is_some_and(|t| !t.is_empty()), "{} has a tag", op.id);
        assert!(op.spec["summary"].as_str().is_some_and(|s| !s.is_empty()), "{} has a summary", op.id);
        let documented = op.documented();
        for status in [429, 500] {
            assert!(documented.contains(&status), "{} documents {status}: {documented:?}", op.id);
        }
        if op.method == Method::GET {
            assert!(documented.contains(&304), "{} documents 304 for If-None-Match", op.id);
            // Every read takes the read-your-writes header, and refuses a bad one with 400.
            assert!(op.shared().contains(&"MaslikhatMinChange"), "{} takes Maslikhat-Min-Change", op.id);
            assert!(documented.contains(&400), "{} documents 400 for a bad Maslikhat-Min-Change", op.id);
        }
    }
    let header = &spec["components"]["parameters"]["MaslikhatMinChange"];
    assert_eq!((header["name"].as_str(), header["in"].as_str()), (Some("Maslikhat-Min-Change"), Some("header")));
    assert_eq!(header["schema"]["minimum"], 0);
    for expected in ["put_council", "list_councils", "get_council", "put_party", "get_roster", "list_deputies"] {
        assert!(ids.iter().any(|i| i == expected), "{expected} is in the spec");
    }
    // The docs page is served.
    let r = app.client.get(format!("{}/docs", app.base)).send().await.expect("docs");
    assert_eq!(r.status(), 200);
}

/// One operation of the spec.
struct Op {
    id: String,
    method: Method,
    path: String,
    spec: Value,
}

impl Op {
    fn documented(&self) -> BTreeSet<u16> {
        self.spec["responses"]
            .as_object()
            .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default()
    }

    /// The operation's own parameters (not the shared ones it refers to, see [`Op::shared`]).
    fn params(&self) -> Vec<&Value> {
        self.spec["parameters"]
            .as_array()
            .map(|a| a.iter().filter(|p| p["$ref"].is_null()).collect())
            .unwrap_or_default()
    }

    /// The shared parameters it takes (`#/components/parameters/…`), by name.
    fn shared(&self) -> Vec<&str> {
        self.spec["parameters"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["$ref"].as_str()?.strip_prefix("#/components/parameters/")).collect())
            .unwrap_or_default()
    }

    fn has_body(&self) -> bool {
        self.spec["requestBody"].is_object()
    }
}

fn operations(spec: &Value) -> Vec<Op> {
    let mut ops = vec![];
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("methods") {
            // Probed in tests/api/follow.rs instead: the change stream's body never ends (so
            // no request here could read it), and a webhook is no document of record (no ETag,
            // no If-Match); those tests provoke each status these operations document.
            let stream = op["responses"]["200"]["content"].get("text/event-stream").is_some();
            if stream || op["tags"][0] == "Webhooks" {
                continue;
            }
            ops.push(Op {
                id: op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId")).into(),
                method: method.to_uppercase().parse().expect("method"),
                path: path.clone(),
                spec: op.clone(),
            });
        }
    }
    ops
}

/// What an operation answered to each request sent to it.
#[derive(Default)]
struct Seen(BTreeMap<String, BTreeMap<u16, String>>);

impl Seen {
    fn record(&mut self, op: &Op, what: &str, status: u16) {
        self.0.entry(op.id.clone()).or_default().entry(status).or_insert_with(|| what.to_owned());
    }

    fn statuses(&self, op: &Op) -> BTreeSet<u16> {
        self.0.get(&op.id).map(|m| m.keys().copied().collect()).unwrap_or_default()
    }
}

/// A request to send: where, with what, and why.
struct Probe {
    what: &'static str,
    path: String,
    token: Option<String>,
    headers: Vec<(&'static str, String)>,
    body: Option<(String, &'static str)>,
}

impl Probe {
    fn new(what: &'static str, path: String) -> Self {
        Self { what, path, token: None, headers: vec![], body: None }
    }

    fn token(mut self, t: &str) -> Self {
        self.token = Some(t.to_owned());
        self
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    fn json(mut self, body: &Value) -> Self {
        self.body = Some((body.to_string(), "application/json"));
        self
    }

    fn raw(mut self, body: String, content_type: &'static str) -> Self {
        self.body = Some((body, content_type));
        self
    }

    async fn send(&self, app: &TestApp, method: &Method) -> (u16, Option<String>) {
        let mut req = app.client.request(method.clone(), format!("{}{}", app.base, self.path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        for (k, v) in &self.headers {
            req = req.header(*k, v);
        }
        if let Some((body, ct)) = &self.body {
            req = req.header("content-type", *ct).body(body.clone());
        }
        let r = req.send().await.unwrap_or_else(|e| panic!("{} {}: {e}", method, self.path));
        let etag = r.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
        (r.status().as_u16(), etag)
    }
}

/// The ids the probes use: what exists, and what does not.
fn path_value(path: &str, name: &str, record: &str, existing: bool) -> String {
    let id = match (name, path) {
        ("index", _) => "0",
        ("version", _) => "1",
        ("table", _) => "deputies",
        ("council", _) => "alpha",
        (_, p) if p.starts_with("/v1/councils/{council}/sessions") => "alpha-s1",
        (_, p) if p.starts_with("/v1/councils") => "alpha",
        (_, p) if p.starts_with("/v1/parties") => "p1",
        (_, p) if p.starts_with("/v1/deputies") => "alpha-d1",
        (_, p) if p.starts_with("/v1/sessions") => "alpha-s1",
        (_, p) if p.starts_with("/v1/vote-events") => "alpha-s1-v1",
        (_, p) if p.starts_with("/v1/public-records") => record,
        _ => panic!("no value for {{{name}}} in {path}"),
    };
    match (existing, name) {
        (true, _) => id.to_owned(),
        (false, "index") => "999999".to_owned(),
        (false, "version") => "999".to_owned(),
        (false, "table") => "no_such_table".to_owned(),
        (false, _) => "no-such-thing".to_owned(),
    }
}

/// The value of a required query parameter that makes a good request.
fn good_query(name: &str) -> &'static str {
    match name {
        "start" | "leaf_index" => "0",
        "q" => "budget",
        "end" | "tree_size" | "first" | "second" | "from" | "to" => "1",
        other => panic!("no good value for the required query parameter {other}"),
    }
}

/// The path of `op` with path parameters replaced (`missing` names the one to replace with an id
/// that does not exist, or a value that does not parse) and its required query parameters.
fn url(op: &Op, record: &str, bad: Option<(&str, &str)>) -> String {
    let mut path = op.path.clone();
    let mut query = vec![];
    for p in op.params() {
        let name = p["name"].as_str().unwrap_or_default();
        let value = match bad {
            Some((n, v)) if n == name => v.to_owned(),
            _ if p["in"] == "path" => path_value(&op.path, name, record, true),
            _ if p["in"] == "query" && p["required"] == true => good_query(name).to_owned(),
            _ => continue,
        };
        match p["in"].as_str() {
            Some("path") => path = path.replace(&format!("{{{name}}}"), &value),
            Some("query") => query.push(format!("{name}={value}")),
            _ => {}
        }
    }
    if query.is_empty() { path } else { format!("{path}?{}", query.join("&")) }
}

/// A parameter whose schema lets a value fail to parse (not a free string).
fn parses(p: &Value) -> bool {
    let s = &p["schema"];
    !(s["type"] == "string" && s["format"].is_null() && s["enum"].is_null()) || p["name"] == "cursor"
}

/// The requests that should provoke each refusal of a read.
fn read_probes(op: &Op, record: &str) -> Vec<Probe> {
    let mut probes = vec![
        Probe::new("a good request", url(op, record, None)),
        Probe::new("an Accept it cannot answer", url(op, record, None)).header("accept", "application/xml"),
    ];
    for p in op.params() {
        let name = p["name"].as_str().unwrap_or_default();
        if p["in"] == "path" {
            let missing = path_value(&op.path, name, record, false);
            probes.push(Probe::new("an id that does not exist", url(op, record, Some((name, &missing)))));
        }
        if parses(p) {
            probes.push(Probe::new("a parameter that does not parse", url(op, record, Some((name, "x!")))));
        }
    }
    if op.shared().contains(&"MaslikhatMinChange") {
        probes.push(
            Probe::new("a change number that does not parse", url(op, record, None))
                .header("maslikhat-min-change", "x!"),
        );
    }
    probes
}

/// A valid document for each write, and one that differs from what is stored.
fn documents(op: &Op) -> (Value, Value) {
    let changed = |mut v: Value| {
        let original = v.clone();
        v["names"]["en"] = json!("changed");
        (original, v)
    };
    match op.id.as_str() {
        "put_council" => changed(council("alpha")),
        "put_party" => changed(party("p1")),
        "put_roster" => {
            let (a, b) = (roster("alpha", 4), roster("alpha", 3));
            (a, b)
        }
        "put_session_record" => {
            let a = session("alpha");
            let mut b = a.clone();
            b["place"] = json!("another hall");
            (a, b)
        }
        other => panic!("no document for {other}"),
    }
}

/// A held session of council `alpha` with one item, one named vote by its four deputies and a
/// speech.
fn session(council: &str) -> Value {
    let deputies: Vec<String> = (1..=4).map(|i| format!("{council}-d{i}")).collect();
    json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-02-01T05:00:00Z", "is_open": true,
        "agenda": [{"id": format!("{council}-s1-i1"), "position": 1, "titles": {"ru": "Вопрос"}, "initiator": "akimat", "result": "adopted"}],
        "vote_events": [{
            "id": format!("{council}-s1-v1"), "agenda_item": format!("{council}-s1-i1"),
            "motion": {"ru": "Принять"}, "stage": "as_a_whole", "method": "roll_call",
            "majority_rule": "majority_of_present", "seats": 5, "result": "pass",
            "ballots": deputies.iter().map(|d| json!({"deputy": d, "option": "yes"})).collect::<Vec<_>>()
        }],
        "speeches": [{"id": format!("{council}-s1-sp1"), "agenda_item": format!("{council}-s1-i1"), "deputy": deputies[0],
            "speaker_role": "deputy", "speech_type": "speech", "language": "ru"}]
    })
}

/// The requests that should provoke each answer of a write.
fn write_probes(app: &TestApp, op: &Op) -> Vec<Probe> {
    let (stored, changed) = documents(op);
    let path = url(op, "", None);
    let admin = app.admin();
    let owner =
        if op.id.starts_with("put_council") || op.id == "put_party" { admin.clone() } else { app.publisher("alpha") };
    let stranger = if owner == admin { app.publisher("alpha") } else { app.publisher("beta") };
    let mut probes = vec![
        Probe::new("no token", path.clone()).json(&stored),
        Probe::new("a token that does not allow it", path.clone()).token(&stranger).json(&stored),
        Probe::new("a body that is not JSON", path.clone()).token(&owner).raw(stored.to_string(), "text/plain"),
        Probe::new("a body too large", path.clone())
            .token(&owner)
            .raw(format!("\"{}\"", "x".repeat(300_000)), "application/json"),
        Probe::new("malformed JSON", path.clone()).token(&owner).raw("{".into(), "application/json"),
        Probe::new("a document of the wrong shape", path.clone()).token(&owner).json(&json!({})),
        Probe::new("the stored document again", path.clone()).token(&owner).json(&stored),
        Probe::new("a change without If-Match", path.clone()).token(&owner).json(&changed),
        Probe::new("a change over a stale version", path.clone())
            .token(&owner)
            .header("if-match", "\"v0-0000000000000000\"")
            .json(&changed),
    ];
    match op.id.as_str() {
        "put_council" => {
            probes.push(Probe::new("a new document", "/v1/councils/gamma".into()).token(&admin).json(&council("gamma")))
        }
        "put_party" => {
            probes.push(Probe::new("a new document", "/v1/parties/p9".into()).token(&admin).json(&party("p9")))
        }
        "put_roster" => {
            probes.push(
                Probe::new("a council that does not exist", "/v1/councils/nope/roster".into())
                    .token(&admin)
                    .json(&stored),
            );
            probes.push(
                Probe::new("a new document", "/v1/councils/delta/roster".into())
                    .token(&app.publisher("delta"))
                    .json(&roster("delta", 4)),
            );
        }
        _ => {
            probes.push(
                Probe::new("a council that does not exist", "/v1/councils/nope/sessions/s".into())
                    .token(&admin)
                    .json(&stored),
            );
            probes.push(
                Probe::new("a new document", "/v1/councils/beta/sessions/beta-s1".into())
                    .token(&app.publisher("beta"))
                    .json(&session("beta")),
            );
        }
    }
    probes
}

/// Councils `alpha` (with a roster and a session with a vote), `beta` (with a roster) and
/// `delta` (with none), party `p1`, and the bundled public records; returns a public record's id.
async fn seed(app: &TestApp) -> String {
    for c in ["alpha", "beta", "delta"] {
        app.seed_council(c).await;
    }
    assert_eq!(app.put("/v1/parties/p1", &app.admin(), &party("p1")).await.status, 201);
    for c in ["alpha", "beta"] {
        let r = app.put(&format!("/v1/councils/{c}/roster"), &app.publisher(c), &roster(c, 4)).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &session("alpha")).await;
    assert_eq!(r.status, 201, "{r:?}");
    maslikhat::interchange::public_records::load_bundled(&app.state.service.db).await.expect("bundled records");
    let list = app.get("/v1/public-records?limit=1").await;
    list.body["items"][0]["id"].as_str().expect("a public record").to_owned()
}

/// Sends every probe of every operation, then the same good requests with the database gone.
async fn probe_all(app: &TestApp, ops: &[Op], record: &str, seen: &mut Seen, no_db: &mut BTreeSet<String>) {
    for op in ops {
        let probes = if op.has_body() { write_probes(app, op) } else { read_probes(op, record) };
        for probe in &probes {
            let (status, etag) = probe.send(app, &op.method).await;
            seen.record(op, probe.what, status);
            if op.method == Method::GET && status == 200 {
                let etag = etag.unwrap_or_else(|| panic!("{} sends an ETag", op.id));
                let again =
                    Probe::new("If-None-Match with its ETag", probe.path.clone()).header("if-none-match", &etag);
                seen.record(op, again.what, again.send(app, &op.method).await.0);
            }
        }
    }
    app.state.service.db.clone().close().await.expect("close the pool");
    for op in ops {
        let probe =
            if op.has_body() { write_probes(app, op).swap_remove(6) } else { read_probes(op, record).swap_remove(0) };
        let (status, _) = probe.send(app, &op.method).await;
        seen.record(op, "the database gone", status);
        if status != 503 {
            no_db.insert(op.id.clone());
        }
    }
}

#[tokio::test]
async fn every_documented_status_of_every_operation_is_answered_and_no_other() {
    // The response cache off, so that the closed database is met by every read.
    let app = spawn_app_with(|s| s.response_cache_seconds = 0).await;
    let record = seed(&app).await;
    let spec = app.get("/openapi.json").await.body;
    let ops = operations(&spec);
    let mut seen = Seen::default();
    let mut no_db = BTreeSet::new();
    probe_all(&app, &ops, &record, &mut seen, &mut no_db).await;

    let limited = spawn_app_with(|s| {
        (s.read_rate_per_second, s.read_burst, s.write_rate_per_second, s.write_burst) = (1, 1, 1, 1);
    })
    .await;
    limited.get("/health").await;
    for op in &ops {
        let probe =
            if op.has_body() { write_probes(&limited, op).swap_remove(0) } else { read_probes(op, "r").swap_remove(0) };
        // One request a second is allowed: the second of two in a row is refused, unless the
        // machine is slow enough for the allowance to come back in between.
        for _ in 0..5 {
            let (status, _) = probe.send(&limited, &op.method).await;
            seen.record(op, "one request too many", status);
            if status == 429 {
                break;
            }
        }
    }

    let mut failures = vec![];
    for op in &ops {
        let documented = op.documented();
        let observed = seen.statuses(op);
        for (status, what) in seen.0.get(&op.id).into_iter().flatten() {
            if !documented.contains(status) {
                failures.push(format!("{} answered {status} to {what}, which it does not document", op.id));
            }
        }
        // A fault (500) cannot be provoked from outside; nor can the request timeout's 503 of an
        // operation that never touches the database.
        let exempt: BTreeSet<u16> = if no_db.contains(&op.id) { [500, 503].into() } else { [500].into() };
        for status in documented.difference(&observed).filter(|s| !exempt.contains(s)) {
            failures.push(format!("{} documents {status}, but no request provoked it", op.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
