//! Exports (issue 6): the CSV package over HTTP and into a directory, with RFC 4180 quoting of
//! Kazakh and Russian text; and the round trip — a council exported as JSON Lines and imported
//! into an empty database answers every read and metric endpoint the same.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use maslikhat::demo::{self, DemoConfig};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, roster, spawn_app};

/// Parses RFC 4180 CSV: records end with CRLF; a quoted field may hold commas, CR/LF and doubled
/// quotes. Panics on anything else (a bare quote inside an unquoted field, a missing CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (vec![], vec![], String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("a quote inside an unquoted field: {field}"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            '\n' => panic!("a bare LF ends a record"),
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the last record ends with CRLF");
    rows
}

/// A CSV table as maps from header to value.
fn table(text: &str) -> Vec<BTreeMap<String, String>> {
    let rows = parse_csv(text);
    let header = rows.first().expect("a header row").clone();
    rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "every record has as many fields as the header");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

async fn get_text(app: &TestApp, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let r = app.client.get(format!("{}{path}", app.base)).send().await.expect("request");
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, r.text().await.expect("text"), headers)
}

#[tokio::test]
async fn csv_tables_quote_commas_quotes_and_line_breaks_and_unknown_tables_are_404() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 3)).await;
    assert_eq!(r.status, 201, "{r:?}");
    let tricky = "Құрметті депутаттар, \"Жол картасы\" туралы:\r\nбірінші; второе — «цитата», и \"кавычки\"\nконец";
    let session = json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-04-10T05:00:00Z", "is_open": true,
        "agenda": [{"id": "alpha-s1-i1", "position": 1, "titles": {"kk": "Бюджет, 2024 жыл", "ru": "О бюджете \"на 2024 год\""}, "initiator": "akimat"}],
        "vote_events": [{"id": "alpha-s1-v1", "agenda_item": "alpha-s1-i1", "motion": {"ru": "Принять, в целом"},
            "stage": "as_a_whole", "method": "roll_call", "majority_rule": "majority_of_present", "seats": 5, "result": "pass",
            "ballots": [{"deputy": "alpha-d1", "option": "yes"}, {"deputy": "alpha-d2", "option": "not_voting"},
                        {"deputy": "alpha-d3", "option": "yes"}]}],
        "speeches": [{"id": "alpha-s1-sp1", "agenda_item": "alpha-s1-i1", "deputy": "alpha-d1", "speaker_role": "deputy",
            "speech_type": "speech", "language": "kk", "text": tricky}]
    });
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &session).await;
    assert_eq!(r.status, 201, "{r:?}");

    let (status, text, headers) = get_text(&app, "/v1/councils/alpha/export/csv/speeches").await;
    assert_eq!(status, 200, "{text}");
    assert!(headers["content-type"].to_str().expect("ct").starts_with("text/csv"));
    assert!(headers.contains_key("etag"));
    let rows = table(&text);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["text"], tricky, "the text survives quoting byte for byte");
    assert_eq!(rows[0]["deputy_id"], "alpha-d1");

    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/agenda_items").await;
    let items = table(&text);
    assert_eq!(items[0]["title_ru"], "О бюджете \"на 2024 год\"");
    assert_eq!(items[0]["title_kk"], "Бюджет, 2024 жыл");
    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/ballots").await;
    let ballots = table(&text);
    let options: Vec<(&str, &str)> = ballots.iter().map(|b| (b["deputy_id"].as_str(), b["option"].as_str())).collect();
    assert_eq!(options, [("alpha-d1", "yes"), ("alpha-d2", "not_voting"), ("alpha-d3", "yes")]);
    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/vote_events").await;
    let votes = table(&text);
    assert_eq!((votes[0]["motion_ru"].as_str(), votes[0]["yes"].as_str()), ("Принять, в целом", "2"));
    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/deputies").await;
    assert_eq!(table(&text).len(), 3);
    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/councils").await;
    let councils = table(&text);
    assert_eq!((councils.len(), councils[0]["id"].as_str(), councils[0]["seats"].as_str()), (1, "alpha", "5"));

    let r = app.get("/v1/councils/alpha/export/csv/passwords").await;
    assert_eq!(r.status, 404, "{r:?}");
    assert!(r.is_problem() && r.body["detail"].as_str().is_some_and(|d| d.contains("ballots")), "{r:?}");
    let r = app.get("/v1/councils/nowhere/export/csv/ballots").await;
    assert_eq!(r.status, 404);
    assert!(r.is_problem());
}

#[tokio::test]
async fn csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 1)).await;
    assert_eq!(r.status, 201, "{r:?}");
    let link = "=HYPERLINK(\"http://evil.example/x\",\"Бюджет\")";
    let session = json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-04-10T05:00:00Z", "is_open": true,
        "agenda": [{"id": "alpha-s1-i1", "position": 1, "titles": {"ru": link, "kk": "+cmd|' /C calc'!A0"}, "initiator": "akimat"}],
        "speeches": [
            {"id": "alpha-s1-sp1", "agenda_item": "alpha-s1-i1", "deputy": "alpha-d1", "speaker_role": "deputy",
             "speech_type": "speech", "language": "kk", "text": "@SUM(1+1)*cmd"},
            {"id": "alpha-s1-sp2", "agenda_item": "alpha-s1-i1", "deputy": "alpha-d1", "speaker_role": "deputy",
             "speech_type": "speech", "language": "ru", "text": "-2+3"},
            {"id": "alpha-s1-sp3", "agenda_item": "alpha-s1-i1", "deputy": "alpha-d1", "speaker_role": "deputy",
             "speech_type": "speech", "language": "ru", "text": "=1+1"}
        ]
    });
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &session).await;
    assert_eq!(r.status, 201, "{r:?}");

    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/agenda_items").await;
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.example/x\"\""),
        "the cell is quoted and starts with ': {text}"
    );
    let items = table(&text);
    assert_eq!(items[0]["title_ru"], format!("'{link}"));
    assert_eq!(items[0]["title_kk"], "'+cmd|' /C calc'!A0");
    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/speeches").await;
    let texts: Vec<String> = table(&text).into_iter().map(|r| r["text"].clone()).collect();
    assert_eq!(texts, ["'@SUM(1+1)*cmd", "'-2+3", "'=1+1"]);
    // Plain values are untouched: a count stays a number.
    let (_, text, _) = get_text(&app, "/v1/councils/alpha/export/csv/councils").await;
    assert_eq!(table(&text)[0]["seats"], "5");
}

#[tokio::test]
async fn a_json_lines_correction_after_the_session_date_without_a_reason_is_refused_as_the_api_refuses_it() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 1)).await;
    assert_eq!(r.status, 201, "{r:?}");
    let session = json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-04-10T05:00:00Z", "is_open": true, "place": "Зал сессий",
        "agenda": [{"id": "alpha-s1-i1", "position": 1, "titles": {"ru": "О бюджете"}, "initiator": "akimat"}]
    });
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &session).await;
    assert_eq!(r.status, 201, "{r:?}");
    let mut bundle = vec![];
    maslikhat::interchange::jsonl::export(&app.state.service.db, &mut bundle, Some("alpha"), false)
        .await
        .expect("export");
    // The session's line, changed after its date, with no reason: what the API answers with 422.
    let changed: Vec<String> = String::from_utf8(bundle)
        .expect("utf-8")
        .lines()
        .filter(|l| l.contains("\"session_record\""))
        .map(|l| {
            let mut line: Value = serde_json::from_str(l).expect("line");
            line["body"]["place"] = json!("Малый зал");
            line["reason"] = Value::Null;
            line["sha256"] = Value::Null;
            line.to_string()
        })
        .collect();
    assert_eq!(changed.len(), 1);
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("changed.jsonl");
    std::fs::write(&file, changed.join("\n")).expect("write");
    let before = app.version_count().await;
    let r =
        maslikhat::interchange::jsonl::import(&app.state.service.db, &file, true, false, false).await.expect("import");
    assert_eq!(r.created, 0, "{r:?}");
    assert!(r.refused.len() == 1 && r.refused[0].reason.contains("reason_required"), "{r:?}");
    assert_eq!(app.version_count().await, before);
    let read = app.get("/v1/sessions/alpha-s1").await;
    assert_eq!(read.body["place"], "Зал сессий", "{read:?}");
}

#[tokio::test]
async fn a_json_lines_file_with_a_line_refused_while_publishing_stores_nothing_unless_told_to_continue() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let mut bundle = vec![];
    maslikhat::interchange::jsonl::export(&app.state.service.db, &mut bundle, Some("alpha"), false)
        .await
        .expect("export");
    let council: Value = serde_json::from_slice(bundle.split(|b| *b == b'\n').next().expect("a line")).expect("json");
    // Two good lines (a new party, then a new council), then a roster of a council that does not
    // exist: refused by the store while publishing, after the first two were written.
    let mut party = council.clone();
    party["kind"] = json!("party");
    party["id"] = json!("new-party");
    party["council"] = Value::Null;
    party["body"] = crate::helpers::party("new-party");
    party["sha256"] = Value::Null;
    let mut other = council.clone();
    other["kind"] = json!("council");
    other["id"] = json!("beta");
    other["council"] = json!("beta");
    other["body"] = crate::helpers::council("beta");
    other["sha256"] = Value::Null;
    let mut roster_line = council.clone();
    roster_line["kind"] = json!("roster");
    roster_line["id"] = json!("nowhere");
    roster_line["council"] = json!("nowhere");
    roster_line["body"] = roster("nowhere", 1);
    roster_line["sha256"] = Value::Null;
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("mixed.jsonl");
    std::fs::write(&file, [party, other, roster_line].map(|l| l.to_string()).join("\n")).expect("write");

    let before = app.version_count().await;
    let r =
        maslikhat::interchange::jsonl::import(&app.state.service.db, &file, false, false, false).await.expect("import");
    assert_eq!((r.lines, r.created, r.refused.len(), r.kept), (3, 0, 1, false), "{r:?}");
    assert_eq!(r.refused[0].line, 3, "{r:?}");
    assert_eq!(app.version_count().await, before, "the two good lines were discarded with the file");
    assert_eq!(app.get("/v1/parties/new-party").await.status, 404);
    assert_eq!(app.get("/v1/councils/beta").await.status, 404);

    let r =
        maslikhat::interchange::jsonl::import(&app.state.service.db, &file, false, true, false).await.expect("import");
    assert_eq!((r.created, r.refused.len(), r.kept), (2, 1, true), "{r:?}");
    assert_eq!(app.version_count().await, before + 2);
    assert_eq!(app.get("/v1/parties/new-party").await.status, 200);
    assert_eq!(app.get("/v1/councils/beta").await.status, 200);
    // The log holds exactly what is stored: audit finds nothing.
    let audit = maslikhat::store::audit::audit(&app.state.service.db).await.expect("audit");
    assert!(audit.findings.is_empty(), "{:?}", audit.findings);
}

fn slice() -> DemoConfig {
    let mut cfg = DemoConfig::national(21, 1, NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"));
    cfg.councils = Some(vec!["astana-city".into()]);
    cfg
}

#[tokio::test]
async fn the_csv_package_holds_every_row_of_every_table() {
    let app = spawn_app().await;
    demo::load(&app.state.service.db, &slice(), false).await.expect("demo");
    let dir = tempfile::tempdir().expect("tmp");
    let counts =
        maslikhat::interchange::csv::csv_package(&app.state.service.db, dir.path(), Some("astana-city"), false)
            .await
            .expect("package");
    let counts: BTreeMap<&str, u64> = counts.into_iter().map(|(t, n)| (t.as_str(), n)).collect();
    assert_eq!(counts.len(), 9);
    for (t, n) in &counts {
        let text = std::fs::read_to_string(dir.path().join(format!("{t}.csv"))).expect("file");
        assert_eq!(table(&text).len() as u64, *n, "{t}");
    }
    use maslikhat::entity::{ballot, deputy, session, speech, vote_event};
    let db = &app.state.service.db;
    let sessions =
        session::Entity::find().filter(session::Column::CouncilId.eq("astana-city")).count(db).await.expect("n");
    let votes =
        vote_event::Entity::find().filter(vote_event::Column::CouncilId.eq("astana-city")).count(db).await.expect("n");
    let deputies =
        deputy::Entity::find().filter(deputy::Column::CouncilId.eq("astana-city")).count(db).await.expect("n");
    let speeches =
        speech::Entity::find().filter(speech::Column::CouncilId.eq("astana-city")).count(db).await.expect("n");
    let ballots = ballot::Entity::find().count(db).await.expect("n");
    assert!(sessions > 5 && votes > 10 && ballots > 100 && speeches > 10, "{sessions} {votes} {ballots} {speeches}");
    assert_eq!(
        (counts["sessions"], counts["vote_events"], counts["ballots"], counts["deputies"], counts["speeches"]),
        (sessions, votes, ballots, deputies, speeches)
    );
    assert_eq!(counts["councils"], 1);
    // Over HTTP, the same table byte for byte.
    let (status, text, _) = get_text(&app, "/v1/councils/astana-city/export/csv/ballots").await;
    assert_eq!(status, 200);
    assert_eq!(text, std::fs::read_to_string(dir.path().join("ballots.csv")).expect("file"));
}

/// Every read endpoint of one council, by path, as served.
async fn reads(app: &TestApp, council: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut get = |path: String, v: Value| {
        out.insert(path, v);
    };
    let mut paths = vec![
        format!("/v1/councils/{council}"),
        format!("/v1/councils/{council}/roster"),
        format!("/v1/councils/{council}/metrics"),
        format!("/v1/councils/{council}/deputy-metrics"),
        format!("/v1/councils/{council}/metrics?from=2024-01-01&to=2024-06-30"),
        "/v1/rankings".to_owned(),
        "/v1/rankings?metric=notice&order=asc".to_owned(),
        "/v1/parties?limit=100".to_owned(),
    ];
    // Lists, every page.
    for first in [
        format!("/v1/councils/{council}/deputies?limit=50"),
        format!("/v1/sessions?council={council}&limit=50"),
        format!("/v1/vote-events?council={council}&limit=50"),
        format!("/v1/agenda-items?council={council}&limit=200"),
    ] {
        let mut next = Some(first);
        while let Some(path) = next {
            let r = app.get(&path).await;
            assert_eq!(r.status, 200, "{path}: {r:?}");
            next = r.body["links"]["next"].as_str().map(|n| n.trim_start_matches(&app.base).to_owned());
            for item in r.body["items"].as_array().expect("items") {
                let id = item["id"].as_str().unwrap_or_default().to_owned();
                if path.starts_with("/v1/sessions") {
                    paths.push(format!("/v1/sessions/{id}"));
                    paths.push(format!("/v1/speeches?session={id}&limit=500"));
                } else if path.starts_with("/v1/vote-events") {
                    paths.push(format!("/v1/vote-events/{id}"));
                } else if path.contains("/deputies") {
                    paths.push(format!("/v1/deputies/{id}"));
                    paths.push(format!("/v1/deputies/{id}/metrics"));
                    paths.push(format!("/v1/deputies/{id}/ballots?limit=500"));
                }
            }
            get(format!("page {path}"), r.body);
        }
    }
    for path in paths {
        // Metrics default `as_of` to the current minute: pin it, or two servers read a minute
        // apart disagree for no fault of the import.
        let path = if path.contains("metrics") || path.contains("rankings") {
            format!("{path}{}as_of=2026-06-01T00:00:00Z", if path.contains('?') { '&' } else { '?' })
        } else {
            path
        };
        let r = app.get(&path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        get(path, r.body);
    }
    out
}

/// Replaces the server's own address (each test server has its own port) in every string.
fn relative(v: Value, base: &str) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace(base, "")),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| relative(x, base)).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, x)| (k, relative(x, base))).collect()),
        other => other,
    }
}

#[tokio::test]
async fn a_council_exported_as_json_lines_reads_the_same_after_import_into_an_empty_database() {
    let source = spawn_app().await;
    demo::load(&source.state.service.db, &slice(), false).await.expect("demo");
    let mut bundle = vec![];
    let n = maslikhat::interchange::jsonl::export(&source.state.service.db, &mut bundle, Some("astana-city"), false)
        .await
        .expect("export");
    assert!(n > 10);
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("astana.jsonl");
    std::fs::write(&file, &bundle).expect("write");
    let target = spawn_app().await;
    let r = maslikhat::interchange::jsonl::import(&target.state.service.db, &file, false, false, false)
        .await
        .expect("import");
    assert!(r.refused.is_empty(), "{:?}", r.refused);

    let (a, b) = (reads(&source, "astana-city").await, reads(&target, "astana-city").await);
    assert!(a.len() > 50, "{} reads", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "the same pages and items");
    let mut differing = vec![];
    for (path, va) in &a {
        let (va, vb) = (relative(va.clone(), &source.base), relative(b[path].clone(), &target.base));
        let mut at = vec![];
        diff(&va, &vb, String::new(), &mut at);
        // Who published a version is the importing server's own record (the import's name), not
        // part of the document: the one field that legitimately differs.
        at.retain(|d| !d.starts_with("/version/publisher:"));
        if !at.is_empty() {
            differing.push(format!("{path}: {}", at.iter().take(6).cloned().collect::<Vec<_>>().join("; ")));
        }
    }
    assert!(
        differing.is_empty(),
        "{} of {} reads differ:\n{}",
        differing.len(),
        a.len(),
        differing[..differing.len().min(5)].join("\n")
    );
}

/// The JSON pointers where `a` and `b` differ, with both values.
fn diff(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                diff(
                    &x.get(k).cloned().unwrap_or(Value::Null),
                    &y.get(k).cloned().unwrap_or(Value::Null),
                    format!("{at}/{k}"),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff(p, q, format!("{at}/{i}"), out);
            }
        }
        _ if a != b => out.push(format!("{at}: {} vs {}", short(a), short(b))),
        _ => {}
    }
}

fn short(v: &Value) -> String {
    v.to_string().chars().take(120).collect()
}
