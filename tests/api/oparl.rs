//! The OParl 1.1 view: a crawl from `/oparl/v1.1/system` following every link, every object
//! checked against the OParl JSON Schemas (their `required` members and basic types), paging,
//! the `created_*` / `modified_*` filters, and votes and speeches as extension properties.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, deputy, spawn_app};

const SCHEMA: &str = "https://schema.oparl.org/1.1/";

/// The OParl schemas of `tests/data/oparl-schema/`, by title.
fn schemas() -> HashMap<String, Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oparl-schema");
    std::fs::read_dir(&dir)
        .expect("schema folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            let v: Value = serde_json::from_slice(&std::fs::read(e.path()).expect("read")).expect("schema json");
            (v["title"].as_str().expect("title").to_owned(), v)
        })
        .collect()
}

/// A small checker of the parts of JSON Schema the OParl schemas use: `required`, `type`,
/// `format` (url, date, date-time), the `type` URI, and the schemas of embedded objects.
struct Checker {
    schemas: HashMap<String, Value>,
}

impl Checker {
    fn check(&self, v: &Value, title: &str, at: &str, errors: &mut Vec<String>) {
        let Some(schema) = self.schemas.get(title) else {
            errors.push(format!("{at}: no schema {title}"));
            return;
        };
        let Some(obj) = v.as_object() else {
            errors.push(format!("{at}: a {title} must be an object"));
            return;
        };
        for r in schema["required"].as_array().into_iter().flatten() {
            let r = r.as_str().expect("required name");
            if !obj.contains_key(r) {
                errors.push(format!("{at}: {title} lacks required `{r}`"));
            }
        }
        if obj.get("type").and_then(Value::as_str) != Some(&format!("{SCHEMA}{title}")) {
            errors.push(format!("{at}: type {:?} is not {SCHEMA}{title}", obj.get("type")));
        }
        for (k, val) in obj {
            if val.is_null() {
                errors.push(format!("{at}/{k}: null (absent values must be omitted)"));
                continue;
            }
            let Some(prop) = schema["properties"].get(k) else {
                // Only extension properties may be unknown; they carry a prefix.
                if !k.contains(':') {
                    errors.push(format!("{at}/{k}: not an OParl {title} property and not an extension"));
                }
                continue;
            };
            self.check_value(val, prop, &format!("{at}/{k}"), errors);
        }
        if obj.get("deleted") != Some(&Value::Bool(true)) && title == "System" {
            let ov = obj.get("oparlVersion").and_then(Value::as_str).unwrap_or_default();
            if ov != "https://schema.oparl.org/1.1/" && ov != "https://schema.oparl.org/1.0/" {
                errors.push(format!("{at}: oparlVersion {ov}"));
            }
        }
    }

    fn check_value(&self, v: &Value, prop: &Value, at: &str, errors: &mut Vec<String>) {
        let ty = prop["type"].as_str().unwrap_or_default();
        let ok = match ty {
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: {v} is not of type {ty}"));
            return;
        }
        if let Some(s) = v.as_str() {
            let fine = match prop["format"].as_str() {
                Some("url") => s.starts_with("https://") || s.starts_with("http://"),
                Some("date") => s.parse::<chrono::NaiveDate>().is_ok(),
                Some("date-time") => DateTime::parse_from_rfc3339(s).is_ok(),
                _ => true,
            };
            if !fine {
                errors.push(format!("{at}: {s:?} is not a {}", prop["format"]));
            }
        }
        if let (Some(items), Some(arr)) = (prop.get("items"), v.as_array()) {
            for (i, x) in arr.iter().enumerate() {
                self.check_value(x, items, &format!("{at}/{i}"), errors);
            }
        }
        if v.is_object()
            && let Some(s) = prop["schema"].as_str()
        {
            self.check(v, s.trim_end_matches(".json"), at, errors);
        }
    }

    /// Checks an object whose title is taken from its `type`.
    fn check_any(&self, v: &Value, at: &str, errors: &mut Vec<String>) {
        match v["type"].as_str().and_then(|t| t.strip_prefix(SCHEMA)) {
            Some(title) => self.check(v, title, at, errors),
            None => errors.push(format!("{at}: no OParl type in {v}")),
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
    let public = app.state.settings.public_url.trim_end_matches('/');
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

#[tokio::test]
async fn a_crawl_from_system_reaches_every_object_and_every_object_matches_the_schemas() {
    let app = spawn_app().await;
    publish_alpha(&app).await;
    let checker = Checker { schemas: schemas() };
    let prefix = format!("{}/oparl/v1.1/", app.state.settings.public_url.trim_end_matches('/'));
    let system_url = format!("{prefix}system");

    let mut queue = VecDeque::from([system_url.clone()]);
    let mut fetched: BTreeMap<String, Value> = BTreeMap::new();
    // Objects as they appear inside lists and embedded in other objects, by id.
    let mut listed: BTreeMap<String, Value> = BTreeMap::new();
    let mut errors = vec![];
    while let Some(url) = queue.pop_front() {
        if fetched.contains_key(&url) {
            continue;
        }
        let r = app.get(&path_of(&app, &url)).await;
        assert_eq!(r.status, 200, "broken link {url}: {r:?}");
        if url.ends_with("/profile") {
            // The extension's documentation, linked from the system object.
            assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/markdown")), "{url}");
            fetched.insert(url, Value::Null);
            continue;
        }
        assert!(r.header("content-type").is_some_and(|c| c.starts_with("application/json")), "{url}");
        let mut found = vec![];
        if let Some(data) = r.body["data"].as_array() {
            for (i, o) in data.iter().enumerate() {
                checker.check_any(o, &format!("{url}#data/{i}"), &mut errors);
                listed.insert(o["id"].as_str().expect("id").to_owned(), o.clone());
            }
            links(&r.body["data"], &prefix, &mut found);
            if let Some(n) = r.body["links"]["next"].as_str() {
                found.push(n.to_owned());
            }
        } else {
            checker.check_any(&r.body, &url, &mut errors);
            assert_eq!(r.body["id"], url.as_str(), "an object's id is its URL");
            links(&r.body, &prefix, &mut found);
        }
        fetched.insert(url, r.body);
        queue.extend(found.into_iter().filter(|u| !fetched.contains_key(u)));
    }
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));

    // Every object in a list is also served on its own, identical.
    for (id, o) in &listed {
        assert_eq!(fetched.get(id), Some(o), "{id} differs from its list entry");
    }
    let of_type = |t: &str| -> BTreeSet<String> {
        fetched
            .iter()
            .filter(|(_, v)| v["type"] == format!("{SCHEMA}{t}"))
            .map(|(k, _)| k.rsplit('/').next().expect("key").to_owned())
            .collect()
    };
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
    Checker { schemas: schemas() }.check_any(&r.body, "tombstone", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
}

/// Percent-encodes a query value (a `+` in a time zone must not arrive as a space).
fn crate_encode(s: &str) -> String {
    maslikhat::api::paging::encode(s)
}

#[test]
fn the_checker_rejects_what_the_schemas_forbid() {
    let checker = Checker { schemas: schemas() };
    let errors_of = |v: Value| {
        let mut e = vec![];
        checker.check_any(&v, "x", &mut e);
        e
    };
    let good =
        json!({"id": "https://x.example/f/1", "type": format!("{SCHEMA}File"), "accessUrl": "https://x.example/1.pdf"});
    assert!(errors_of(good.clone()).is_empty());
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("accessUrl");
    assert!(errors_of(missing).iter().any(|e| e.contains("required `accessUrl`")));
    let mut wrong = good.clone();
    wrong["size"] = json!("big");
    assert!(errors_of(wrong).iter().any(|e| e.contains("not of type integer")));
    let mut null = good.clone();
    null["name"] = Value::Null;
    assert!(errors_of(null).iter().any(|e| e.contains("null")));
    let mut date = good.clone();
    date["date"] = json!("01.02.2024");
    assert!(errors_of(date).iter().any(|e| e.contains("is not a \"date\"")));
    let mut unknown = good.clone();
    unknown["colour"] = json!("red");
    assert!(errors_of(unknown).iter().any(|e| e.contains("not an OParl File property")));
    let mut embedded = json!({"id": "https://x.example/m/1", "type": format!("{SCHEMA}Meeting")});
    embedded["invitation"] = json!({"id": "https://x.example/f/2", "type": format!("{SCHEMA}File")});
    assert!(errors_of(embedded).iter().any(|e| e.contains("/invitation: File lacks required `accessUrl`")));
}
