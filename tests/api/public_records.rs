//! Real records compiled from public sources (`tests/data/maslikhat-real/sessions.json`): imported
//! without loss through the publication path, served with their sources and provenance, scored
//! by the metrics' own functions, summarized by the coverage endpoint, and idempotent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use maslikhat::interchange::public_records::{ImportOptions, Report, import_file, import_str};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

fn data_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/maslikhat-real/sessions.json")
}

fn raw_records() -> Vec<Value> {
    let text = std::fs::read_to_string(data_file()).expect("test data");
    serde_json::from_str(&text).expect("JSON array")
}

async fn import(app: &TestApp) -> Report {
    import_file(&app.state.service.db, &data_file(), &ImportOptions::default()).await.expect("import runs")
}

/// Every item of a list endpoint, following `links.next`.
async fn all_items(app: &TestApp, first: &str) -> Vec<Value> {
    let mut out = vec![];
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let r = app.get(&path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        out.extend(r.body["items"].as_array().expect("items").iter().cloned());
        next = r.body["links"]["next"].as_str().map(str::to_owned);
    }
    out
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// Compares a value of the file with the served one: nulls must be null or absent, every other
/// value equal; a served object may only add keys that are empty or computed (`computed`).
fn same(file: &Value, served: Option<&Value>, path: &str, computed: &[&str], diffs: &mut Vec<String>) {
    match file {
        Value::Null => {
            if !is_empty(served) {
                diffs.push(format!("{path}: null in the file, served as {served:?}"));
            }
        }
        Value::Object(o) => {
            let Some(Value::Object(s)) = served else {
                diffs.push(format!("{path}: an object in the file, served as {served:?}"));
                return;
            };
            for (k, v) in o {
                same(v, s.get(k), &format!("{path}/{k}"), computed, diffs);
            }
            for (k, v) in s {
                if !o.contains_key(k) && !computed.contains(&k.as_str()) && !is_empty(Some(v)) {
                    diffs.push(format!("{path}/{k}: served as {v} but not in the file"));
                }
            }
        }
        Value::Array(a) => {
            let Some(Value::Array(s)) = served else {
                diffs.push(format!("{path}: an array in the file, served as {served:?}"));
                return;
            };
            if a.len() != s.len() {
                diffs.push(format!("{path}: {} items in the file, {} served", a.len(), s.len()));
                return;
            }
            for (i, (x, y)) in a.iter().zip(s).enumerate() {
                same(x, Some(y), &format!("{path}/{i}"), computed, diffs);
            }
        }
        scalar => {
            if served != Some(scalar) {
                diffs.push(format!("{path}: {scalar} in the file, served as {served:?}"));
            }
        }
    }
}

#[tokio::test]
async fn the_file_imports_without_loss_every_fact_served_with_its_source() {
    let app = spawn_app().await;
    let raw = raw_records();
    let report = import(&app).await;
    assert_eq!(report.refused, vec![], "nothing refused");
    assert_eq!((report.records, report.stored, report.unchanged, report.councils), (22, 22, 0, 13));

    let listed = all_items(&app, "/v1/public-records?limit=5").await;
    assert_eq!(listed.len(), raw.len());
    let mut diffs = vec![];
    for rec in &raw {
        let id = rec["id"].as_str().expect("id");
        let r = app.get(&format!("/v1/public-records/{id}")).await;
        assert_eq!(r.status, 200, "{id}: {r:?}");
        let s = &r.body;
        assert!(r.header("etag").is_some(), "{id} has an ETag");
        assert_eq!(listed.iter().find(|x| x["id"] == rec["id"]), Some(s), "{id}: list and get serve the same");

        // The council, inline: names per language exactly as given, none invented.
        let council = rec["council"].as_object().expect("council");
        assert_eq!(s["council"]["slug"], council["slug"], "{id}");
        let mut names = BTreeMap::new();
        for lang in ["ru", "kk", "en"] {
            if let Some(n) = council[lang].as_str() {
                names.insert(lang.to_owned(), json!(n));
            }
        }
        assert_eq!(council.len(), 4, "{id}: the council has slug, ru, kk and en in the file");
        assert_eq!(s["council"]["names"], json!(names), "{id}: names");
        let level = match rec["council_level"].as_str().expect("level") {
            "city_republican" => "republican_city",
            "city_oblast" => "city",
            other => other,
        };
        assert_eq!(s["council"]["level"], level, "{id}: level mapped");
        assert_eq!(s["council"]["convocation"], rec["convocation"], "{id}: convocation");

        // The sources, in order, with the notice's publisher, and what each supports.
        let urls: Vec<&Value> = s["sources"].as_array().expect("sources").iter().map(|x| &x["url"]).collect();
        let file_urls: Vec<&Value> = rec["sources"].as_array().expect("sources").iter().collect();
        assert_eq!(urls, file_urls, "{id}: sources");
        let supports = |url: &str| -> Vec<String> {
            s["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .find(|x| x["url"] == url)
                .map(|x| {
                    x["supports"]
                        .as_array()
                        .expect("supports")
                        .iter()
                        .map(|p| p.as_str().unwrap_or("").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(n) = rec["notice"].as_object() {
            let url = n["source_url"].as_str().expect("notice source");
            assert!(supports(url).contains(&"/notice".to_owned()), "{id}: the notice's source supports it");
            let source = s["sources"].as_array().expect("sources").iter().find(|x| x["url"] == url).expect("listed");
            assert_eq!(source["publisher"], n["publisher"], "{id}: the notice's publisher is the source's");
        }
        for list in ["decisions", "referenced_decisions", "votes", "speeches"] {
            for (i, fact) in rec[list].as_array().expect("list").iter().enumerate() {
                let url = fact["source_url"].as_str().expect("every fact of these lists has a source");
                assert!(supports(url).contains(&format!("/{list}/{i}")), "{id}: /{list}/{i} is supported by {url}");
            }
        }
        for source in s["sources"].as_array().expect("sources") {
            assert!(is_empty(source.get("read_on")), "{id}: no read date is invented");
            if rec["notice"]["source_url"] != source["url"] {
                assert!(is_empty(source.get("publisher")), "{id}: no publisher is invented for {}", source["url"]);
            }
        }

        // Every other fact, field by field.
        for (k, v) in rec.as_object().expect("record") {
            if ["council", "council_level", "convocation", "sources"].contains(&k.as_str()) {
                continue;
            }
            same(v, s.get(k), &format!("{id}/{k}"), &["named"], &mut diffs);
        }
        // Nothing the file lacks: the served record adds only its computed parts.
        for (k, v) in s.as_object().expect("served") {
            let computed = ["openness", "provenance", "version", "url", "council", "sources"];
            if rec.get(k).is_none() && !computed.contains(&k.as_str()) && !is_empty(Some(v)) {
                diffs.push(format!("{id}/{k}: served as {v} but not in the file"));
            }
        }
        for vote in s["votes"].as_array().expect("votes") {
            assert_eq!(vote["named"], false, "{id}: no source lists a named vote");
        }
        assert_eq!(s["provenance"], "public_sources", "{id}");
        assert_eq!(s["version"]["provenance"], "public_sources", "{id}");
        assert_eq!(s["version"]["kind"], "public_record", "{id}");
        assert!(s["version"]["council"].is_null(), "{id}: the version belongs to no platform council");
        assert!(s["version"]["log_index"].is_i64(), "{id}: in the log");
    }
    assert!(diffs.is_empty(), "differences:\n{}", diffs.join("\n"));

    // The unanimous votes keep their flag, their zeros as given and no invented yes count.
    let astana = app.get("/v1/public-records/astana-city-viii-01").await.body;
    assert_eq!(astana["votes"][0]["unanimous"], true);
    assert!(astana["votes"][0]["yes"].is_null());

    let akmola = all_items(&app, "/v1/public-records?council=akmola-oblast").await;
    let ids: Vec<&str> = akmola.iter().filter_map(|x| x["id"].as_str()).collect();
    assert_eq!(ids, ["akmola-oblast-viii-04", "akmola-oblast-viii-26"]);
    assert_eq!(all_items(&app, "/v1/public-records?provenance=synthetic").await.len(), 0);
    assert_eq!(all_items(&app, "/v1/public-records?provenance=public_sources").await.len(), 22);
    assert_eq!(app.get("/v1/public-records/no-such-record").await.status, 404);
    // The platform's councils are untouched: no council document was created.
    assert_eq!(app.get("/v1/councils/akmola-oblast").await.status, 404);
}

#[tokio::test]
async fn akmola_4th_extraordinary_session_scores_notice_1_from_its_declared_time_and_no_roll_call() {
    let app = spawn_app().await;
    import(&app).await;
    let r = app.get("/v1/public-records/akmola-oblast-viii-04").await;
    assert_eq!(r.status, 200, "{r:?}");
    let rec = &r.body;
    assert_eq!(rec["kind"], "extraordinary");
    assert_eq!(rec["notice"]["date"], "2023-09-09");
    assert_eq!(rec["date"], "2023-09-13");
    let o = &rec["openness"];
    assert_eq!(o["time_kind"], "declared");
    assert_eq!(o["method"], "v1.1");
    // 4 days of notice against the 3-day target of an extraordinary session.
    assert_eq!(o["notice"]["value"], 1.0, "{o}");
    assert_eq!(o["notice"]["n"], 1);
    assert!(o["roll_call"]["value"].is_null(), "{o}");
    assert_eq!(o["roll_call"]["reason"], "no_vote_events");
    assert!(o["roll_call"]["reason_text"].as_str().is_some_and(|t| !t.is_empty()));
    // Unknowns are null with reasons, never 0.
    assert_eq!(o["broadcast"]["reason"], "broadcast_not_stated");
    assert_eq!(o["open_items"]["reason"], "openness_not_stated");
    // v1.1: sources that show no minutes and no document of an item leave both unknown.
    assert_eq!(o["minutes"]["reason"], "minutes_unknown");
    assert_eq!(o["documents"]["reason"], "documents_unknown");
    assert_eq!(o["openness_score"]["value"], 100.0);
    assert_eq!(o["coverage"]["value"], 0.2);
    assert_eq!(o["coverage"]["n"], 1);

    // The Shymkent akim meeting: notice the same day scores 0 whatever the kind's target.
    let shymkent = app.get("/v1/public-records/shymkent-city-viii-2023-09-akim-consent").await.body;
    assert_eq!(shymkent["openness"]["notice"]["value"], 0.0);
    // Two open votes with counts, neither named.
    assert_eq!(shymkent["openness"]["roll_call"]["value"], 0.0);
    assert_eq!(shymkent["openness"]["roll_call"]["n"], 2);
    // A livestream announced in the notice scores 1.
    let akmola26 = app.get("/v1/public-records/akmola-oblast-viii-26").await.body;
    assert_eq!(akmola26["openness"]["broadcast"]["value"], 1.0);
    // No date: the notice cannot be scored.
    let karaganda = app.get("/v1/public-records/karaganda-oblast-viii-06").await.body;
    assert!(karaganda["openness"]["notice"]["value"].is_null());
}

/// The coverage counts of a set of raw records, computed here from the JSON alone.
fn raw_coverage(records: &[&Value]) -> BTreeMap<&'static str, u64> {
    let mut c = BTreeMap::new();
    let mut add = |k: &'static str, yes: bool| *c.entry(k).or_insert(0) += u64::from(yes);
    for r in records {
        let votes = r["votes"].as_array().expect("votes");
        add("records", true);
        add("notice_date", r["notice"].is_object() && !r["notice"]["date"].is_null());
        add("notice_lead_time", r["notice"].is_object() && !r["notice"]["date"].is_null() && !r["date"].is_null());
        add("agenda_titles", r["agenda"].as_array().is_some_and(|a| !a.is_empty()));
        add(
            "documents",
            r["decisions"].as_array().expect("decisions").iter().any(|d| !d["adilet_id"].is_null())
                || r.get("minutes").is_some_and(|m| !m["url"].is_null()),
        );
        add(
            "counts",
            votes.iter().any(|v| {
                !v["yes"].is_null() || (v["unanimous"] != true && (!v["no"].is_null() || !v["abstain"].is_null()))
            }),
        );
        add(
            "named_votes",
            votes.iter().any(|v| {
                (v["method"] == "roll_call" || v["method"] == "electronic")
                    && v.get("ballots").and_then(Value::as_array).is_some_and(|b| !b.is_empty())
            }),
        );
        add("livestream", r["livestream"] == true);
        add("minutes", r.get("minutes").is_some_and(|m| !m.is_null()));
    }
    c
}

fn assert_coverage(served: &Value, expected: &BTreeMap<&'static str, u64>, what: &str) {
    let n = expected["records"];
    assert_eq!(served["records"], n, "{what}: records");
    for (k, count) in expected {
        if *k == "records" {
            continue;
        }
        assert_eq!(served[*k]["count"], *count, "{what}: {k}");
        let share = served[*k]["share"].as_f64().expect("share");
        assert!((share - *count as f64 / n as f64).abs() < 1e-12, "{what}: {k} share {share}");
    }
}

#[tokio::test]
async fn the_coverage_summary_matches_counts_computed_from_the_file() {
    let app = spawn_app().await;
    import(&app).await;
    let raw = raw_records();
    let r = app.get("/v1/public-records/coverage").await;
    assert_eq!(r.status, 200, "{r:?}");
    let all: Vec<&Value> = raw.iter().collect();
    let overall = raw_coverage(&all);
    assert_coverage(&r.body["overall"], &overall, "overall");
    // What the file's README says of today's public record.
    assert_eq!(
        (overall["records"], overall["agenda_titles"], overall["notice_date"], overall["counts"]),
        (22, 21, 4, 2)
    );
    assert_eq!((overall["named_votes"], overall["livestream"], overall["minutes"]), (0, 2, 0));
    assert_eq!(r.body["provenance"], json!(["public_sources"]));

    let slugs: BTreeSet<&str> = raw.iter().filter_map(|x| x["council"]["slug"].as_str()).collect();
    let councils = r.body["councils"].as_array().expect("councils");
    assert_eq!(councils.len(), slugs.len());
    for c in councils {
        let slug = c["council"].as_str().expect("slug");
        let mine: Vec<&Value> = raw.iter().filter(|x| x["council"]["slug"] == slug).collect();
        assert!(!mine.is_empty(), "{slug} is in the file");
        assert_coverage(&c["coverage"], &raw_coverage(&mine), slug);
        assert_eq!(c["names"]["ru"], mine[0]["council"]["ru"].clone(), "{slug}: names as given");
    }
}

async fn change_numbers(app: &TestApp) -> Vec<(i64, String, i64)> {
    all_items(app, "/v1/changes?provenance=public_sources&limit=7")
        .await
        .iter()
        .map(|c| {
            assert_eq!(c["kind"], "public_record");
            assert_eq!(c["provenance"], "public_sources");
            assert!(c.get("council").is_none_or(Value::is_null), "public records belong to no platform council");
            (
                c["seq"].as_i64().expect("seq"),
                c["id"].as_str().expect("id").to_owned(),
                c["version"].as_i64().expect("v"),
            )
        })
        .collect()
}

#[tokio::test]
async fn importing_twice_changes_nothing() {
    let app = spawn_app().await;
    import(&app).await;
    let versions = app.version_count().await;
    let checkpoint = app.get("/v1/log/checkpoint").await;
    let changes = change_numbers(&app).await;
    assert_eq!(changes.len(), 22);
    assert_eq!(versions, 22);

    let again = import(&app).await;
    assert_eq!((again.stored, again.unchanged, again.refused.len()), (0, 22, 0));
    assert_eq!(app.version_count().await, versions, "no version was written");
    assert_eq!(change_numbers(&app).await, changes, "change numbers are the same");
    let after = app.get("/v1/log/checkpoint").await;
    assert_eq!(checkpoint.status, 200, "{checkpoint:?}");
    assert_eq!(checkpoint.body["tree_size"], 22);
    assert_eq!(after.body["tree_size"], checkpoint.body["tree_size"], "the log did not grow");
    assert_eq!(after.body["root_hash"], checkpoint.body["root_hash"], "the log did not change");
    assert_eq!(app.get("/v1/changes?provenance=synthetic").await.body["items"], json!([]));

    // Rebuilding the projections from the log re-applies every record.
    let coverage = app.get("/v1/public-records/coverage").await.body;
    maslikhat::store::rebuild::rebuild(&app.state.service.db).await.expect("rebuild");
    assert_eq!(app.get("/v1/public-records/coverage").await.body, coverage);
    assert_eq!(all_items(&app, "/v1/public-records").await.len(), 22);

    // The bundled copy is the same file: loading it changes nothing either.
    assert_eq!(maslikhat::interchange::public_records::BUNDLED, std::fs::read_to_string(data_file()).expect("data"));
    let bundled = maslikhat::interchange::public_records::load_bundled(&app.state.service.db).await.expect("bundled");
    assert_eq!((bundled.stored, bundled.unchanged), (0, 22));
    assert_eq!(app.version_count().await, versions);
}

#[tokio::test]
async fn bad_records_are_refused_with_their_paths_and_the_others_stored() {
    let app = spawn_app().await;
    let raw = raw_records();
    let good = raw[0].clone();
    let with = |id: &str, edit: &dyn Fn(&mut Value)| {
        let mut r = good.clone();
        r["id"] = json!(id);
        edit(&mut r);
        r
    };
    let records = json!([
        good,
        with("bad-facts", &|r| {
            r["notice"]["source_url"] = json!("ftp://apgazeta.kz/x");
            r["agenda"][0]["title_lang"] = json!("Russian");
            r["reported_date"] = json!("2023-13");
            r["votes"] = json!([{"item": "x", "yes": null, "no": 3, "abstain": 0, "unanimous": true, "method": null,
                "note": null, "source_url": "https://not-listed.kz/"}]);
        }),
        with("bad-kind", &|r| r["kind"] = json!("emergency")),
        with("bad-count", &|r| {
            r["votes"] = json!([{"item": "x", "yes": -1, "no": null, "abstain": null, "unanimous": null,
                "method": null, "note": null, "source_url": r["sources"][0].clone()}]);
        }),
        with("bad-date", &|r| r["date"] = json!("2023-02-30")),
        with("unknown-key", &|r| r["agenda"][0]["rapporteur"] = json!("someone")),
        with("bad-level", &|r| r["council_level"] = json!("village")),
        with("Bad Id", &|_| {}),
    ]);
    // The file is all or nothing: seven refusals keep the good record out too.
    let report =
        import_str(&app.state.service.db, &records.to_string(), &ImportOptions::default()).await.expect("runs");
    assert_eq!((report.records, report.stored, report.refused.len(), report.kept), (8, 0, 7, false), "{report:?}");
    assert_eq!(app.version_count().await, 0, "nothing of the file was stored");
    let keep_going = ImportOptions { continue_on_error: true, ..ImportOptions::default() };
    let report = import_str(&app.state.service.db, &records.to_string(), &keep_going).await.expect("runs");
    assert_eq!((report.records, report.stored, report.kept), (8, 1, true), "{report:?}");
    let reason = |id: &str| {
        report.refused.iter().find(|f| f.id.as_deref() == Some(id)).map(|f| f.reason.clone()).unwrap_or_default()
    };
    let facts = reason("bad-facts");
    for want in [
        "/notice/source_url (http_url)",
        "/agenda/0/title_lang (language_tag)",
        "/reported_date (partial_date)",
        "/votes/0/no (unanimous_counts)",
        "/votes/0/source_url (listed_source)",
    ] {
        assert!(facts.contains(want), "{want} in {facts}");
    }
    assert!(reason("bad-kind").starts_with("/kind:"), "{}", reason("bad-kind"));
    assert!(reason("bad-count").starts_with("/votes/0/yes:"), "{}", reason("bad-count"));
    assert!(reason("bad-date").starts_with("/date:"), "{}", reason("bad-date"));
    assert!(reason("unknown-key").contains("rapporteur"), "{}", reason("unknown-key"));
    assert!(reason("bad-level").contains("/council_level (known_level)"), "{}", reason("bad-level"));
    assert!(reason("Bad Id").contains("/id (id_format)"), "{}", reason("Bad Id"));
    assert_eq!(report.refused.len(), 7);
    for id in ["bad-facts", "bad-kind", "bad-count", "bad-date", "unknown-key", "bad-level"] {
        assert_eq!(app.get(&format!("/v1/public-records/{id}")).await.status, 404, "{id} was not stored");
    }
    assert_eq!(app.version_count().await, 1, "only the good record was written");

    // A changed record is refused unless replacing; replacing stores a second version.
    let mut changed = raw[0].clone();
    changed["place"] = json!("Кокшетау");
    let text = json!([changed]).to_string();
    let refused = import_str(&app.state.service.db, &text, &ImportOptions::default()).await.expect("runs");
    assert_eq!(refused.refused.len(), 1, "{refused:?}");
    let replaced = import_str(&app.state.service.db, &text, &ImportOptions { replace: true, continue_on_error: false })
        .await
        .expect("runs");
    assert_eq!(replaced.stored, 1);
    let served = app.get("/v1/public-records/akmola-oblast-viii-04").await.body;
    assert_eq!(served["place"], "Кокшетау");
    assert_eq!(served["version"]["version"], 2);
}

#[tokio::test]
async fn council_metrics_say_which_provenance_they_were_computed_from() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    import(&app).await;
    let r = app.get("/v1/councils/alpha/metrics").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["provenance"], json!(["council"]), "public records never enter a council's metrics");
    let ranking = app.get("/v1/rankings").await;
    assert_eq!(ranking.status, 200, "{ranking:?}");
    assert_eq!(ranking.body["provenance"], json!(["council"]));
}
