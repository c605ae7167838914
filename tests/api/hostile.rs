//! Hostile input: more than a hundred malformed or malicious requests. Each gets the right 4xx
//! problem+json, the server keeps answering, and neither the database nor the log changes.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, council, deputy, party, roster, spawn_app, spawn_app_with};

/// A request and the status it must get.
struct Case {
    label: String,
    method: Method,
    path: String,
    token: Token,
    body: Option<Vec<u8>>,
    content_type: &'static str,
    status: u16,
}

#[derive(Clone, Copy)]
enum Token {
    None,
    Admin,
    Alpha,
}

fn case(
    label: impl Into<String>,
    method: Method,
    path: impl Into<String>,
    token: Token,
    body: Option<Vec<u8>>,
    status: u16,
) -> Case {
    Case { label: label.into(), method, path: path.into(), token, body, content_type: "application/json", status }
}

fn put_json(label: impl Into<String>, path: &str, token: Token, body: &Value, status: u16) -> Case {
    case(label, Method::PUT, path, token, Some(serde_json::to_vec(body).expect("json")), status)
}

fn put_raw(label: impl Into<String>, path: &str, body: &[u8], status: u16) -> Case {
    case(label, Method::PUT, path, Token::Admin, Some(body.to_vec()), status)
}

fn get(label: impl Into<String>, path: impl Into<String>, status: u16) -> Case {
    case(label, Method::GET, path, Token::None, None, status)
}

/// A valid held session of `alpha` with one named vote over its five deputies.
fn session() -> Value {
    let ballots: Vec<_> = (1..=5).map(|i| json!({"deputy": format!("alpha-d{i}"), "option": "yes"})).collect();
    json!({
        "convocation": "VIII", "number": 1, "kind": "regular", "status": "held",
        "scheduled_start": "2024-02-01T10:00:00+05:00", "is_open": true,
        "agenda": [{"id": "h-i1", "position": 1, "titles": {"ru": "О бюджете"}, "initiator": "akimat"}],
        "documents": [{"id": "h-d1", "agenda_item": "h-i1", "kind": "draft_decision", "title": "Проект", "media_type": "application/pdf", "url": "https://example.kz/d.pdf", "language": "ru"}],
        "vote_events": [{"id": "h-v1", "agenda_item": "h-i1", "motion": {"ru": "Принять"}, "stage": "as_a_whole",
            "method": "roll_call", "majority_rule": "majority_of_seats", "seats": 5, "result": "pass", "ballots": ballots}],
        "speeches": [{"id": "h-s1", "agenda_item": "h-i1", "deputy": "alpha-d1", "speaker_role": "deputy", "speech_type": "question", "language": "ru", "seconds": 60}]
    })
}

/// Sets (or adds) the value at `pointer`.
fn with(mut v: Value, pointer: &str, new: Value) -> Value {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = new;
        return v;
    }
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    v.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("{parent} is an object"))
        .insert(key.to_owned(), new);
    v
}

fn without(mut v: Value, pointer: &str, key: &str) -> Value {
    v.pointer_mut(pointer).and_then(Value::as_object_mut).expect("object").remove(key);
    v
}

fn nested(depth: usize) -> Vec<u8> {
    let mut s = String::from("{\"names\": {\"ru\": \"x\"}, \"level\": \"district\", \"seats\": 5, \"convocations\": ");
    s.push_str(&"[".repeat(depth));
    s.push_str(&"]".repeat(depth));
    s.push('}');
    s.into_bytes()
}

#[expect(clippy::too_many_lines, reason = "a table of hostile documents, one entry per mutation; a list, not logic")]
fn cases() -> Vec<Case> {
    let s = "/v1/councils/alpha/sessions/h-1";
    let c = "/v1/councils/gamma";
    let r = "/v1/councils/alpha/roster";
    let mut out = vec![
        // Broken JSON: 400.
        put_raw("truncated", c, br#"{"names": {"ru": "x""#, 400),
        put_raw("trailing comma", c, br#"{"names": {"ru": "x"}, "level": "district", "seats": 5,}"#, 400),
        put_raw("single quotes", c, br#"{'names': {'ru': 'x'}}"#, 400),
        put_raw("NaN", c, br#"{"names": {"ru": "x"}, "level": "district", "seats": NaN}"#, 400),
        put_raw("comment", c, b"{/* hi */ \"names\": {}}", 400),
        put_raw("unbalanced", c, b"{{}", 400),
        put_raw("two documents", c, b"{} {}", 400),
        put_raw("bare string", c, b"\"council\"", 422),
        put_raw("null", c, b"null", 422),
        put_raw("number", c, b"42", 422),
        put_raw("array", c, b"[]", 422),
        put_raw("empty", c, b"", 400),
        put_raw("whitespace only", c, b"   \n ", 400),
        put_raw("invalid utf-8", c, b"{\"names\": {\"ru\": \"\xff\xfe\"}, \"level\": \"district\", \"seats\": 5}", 400),
        put_raw("lone surrogate", c, br#"{"names": {"ru": "\ud800"}, "level": "district", "seats": 5}"#, 400),
        put_raw("deep nesting", c, &nested(5000), 400),
        put_raw("moderate nesting of the wrong type", c, &nested(20), 422),
        // Numbers.
        put_json("huge seats", c, Token::Admin, &with(council("gamma"), "/seats", json!(1e300)), 422),
        put_raw("seats beyond u64", c, br#"{"names": {"ru": "x"}, "level": "district", "seats": 18446744073709551616}"#, 422),
        put_json("negative seats", c, Token::Admin, &with(council("gamma"), "/seats", json!(-5)), 422),
        put_json("fractional seats", c, Token::Admin, &with(council("gamma"), "/seats", json!(5.5)), 422),
        put_json("zero seats", c, Token::Admin, &with(council("gamma"), "/seats", json!(0)), 422),
        put_json("seats over the cap", c, Token::Admin, &with(council("gamma"), "/seats", json!(26)), 422),
        put_json("session number zero", s, Token::Alpha, &with(session(), "/number", json!(0)), 422),
        put_json("negative speech seconds", s, Token::Alpha, &with(session(), "/speeches/0/seconds", json!(-1)), 422),
        put_json("absurd speech seconds", s, Token::Alpha, &with(session(), "/speeches/0/seconds", json!(10_000_000)), 422),
        put_json("huge vote seats", s, Token::Alpha, &with(session(), "/vote_events/0/seats", json!(4_000_000_000u64)), 422),
        // Wrong types.
        put_json("names as a string", c, Token::Admin, &with(council("gamma"), "/names", json!("Маслихат")), 422),
        put_json("names as a list", c, Token::Admin, &with(council("gamma"), "/names", json!(["a"])), 422),
        put_json("level as a number", c, Token::Admin, &with(council("gamma"), "/level", json!(3)), 422),
        put_json("seats as a string", c, Token::Admin, &with(council("gamma"), "/seats", json!("5")), 422),
        put_json("convocations as an object", c, Token::Admin, &with(council("gamma"), "/convocations", json!({})), 422),
        put_json("synthetic as a string", c, Token::Admin, &with(council("gamma"), "/synthetic", json!("yes")), 422),
        put_json("is_open as a string", s, Token::Alpha, &with(session(), "/is_open", json!("true")), 422),
        put_json("ballots as an object", s, Token::Alpha, &with(session(), "/vote_events/0/ballots", json!({})), 422),
        put_json("deputies as a string", r, Token::Alpha, &json!({"deputies": "all"}), 422),
        put_json("title as a number", s, Token::Alpha, &with(session(), "/documents/0/title", json!(12)), 422),
        put_json("option as a bool", s, Token::Alpha, &with(session(), "/vote_events/0/ballots/0/option", json!(true)), 422),
        put_json("null for a required field", s, Token::Alpha, &with(session(), "/kind", Value::Null), 422),
        put_json("missing a required field", s, Token::Alpha, &without(session(), "", "status"), 422),
        put_json("scheduled_start as a number", s, Token::Alpha, &with(session(), "/scheduled_start", json!(1700000000)), 422),
        // Unknown fields and enum values.
        put_json("unknown top-level field", c, Token::Admin, &with(council("gamma"), "/seats", json!(5)).as_object().map(|o| { let mut o = o.clone(); o.insert("mayor".into(), json!("x")); Value::Object(o) }).expect("object"), 422),
        put_json("unknown nested field", s, Token::Alpha, &with(session(), "/agenda/0", json!({"id": "h-i1", "position": 1, "titles": {"ru": "x"}, "initiator": "akimat", "secret": true})), 422),
        put_json("unknown ballot field", s, Token::Alpha, &with(session(), "/vote_events/0/ballots/0", json!({"deputy": "alpha-d1", "option": "yes", "weight": 2})), 422),
        put_json("unknown level", c, Token::Admin, &with(council("gamma"), "/level", json!("village")), 422),
        put_json("unknown kind", s, Token::Alpha, &with(session(), "/kind", json!("secret")), 422),
        put_json("unknown method", s, Token::Alpha, &with(session(), "/vote_events/0/method", json!("telepathy")), 422),
        put_json("unknown option", s, Token::Alpha, &with(session(), "/vote_events/0/ballots/0/option", json!("maybe")), 422),
        put_json("enum in the wrong case", s, Token::Alpha, &with(session(), "/status", json!("HELD")), 422),
        put_json("unknown speaker role", s, Token::Alpha, &with(session(), "/speeches/0/speaker_role", json!("king")), 422),
        // Control characters, look-alikes, long strings.
        put_json("NUL in a name", c, Token::Admin, &with(council("gamma"), "/names/ru", json!("Маслихат\u{0}")), 422),
        put_json("escape sequence in a title", s, Token::Alpha, &with(session(), "/agenda/0/titles/ru", json!("\u{1b}[31mКрасный")), 422),
        put_json("bell in a place", s, Token::Alpha, &with(session(), "/place", json!("Зал\u{7}")), 422),
        put_json("newline in a name", c, Token::Admin, &with(council("gamma"), "/names/ru", json!("Мас\nлихат")), 422),
        put_json("only spaces", c, Token::Admin, &with(council("gamma"), "/names/ru", json!("   ")), 422),
        // Invisible characters (issue 20, item 6): each hides or fakes what a reader sees.
        put_json("a title of zero-width joiners only", s, Token::Alpha, &with(session(), "/agenda/0/titles/ru", json!("\u{200D}\u{200D}")), 422),
        put_json("a line separator in a title", s, Token::Alpha, &with(session(), "/agenda/0/titles/ru", json!("О бюджете\u{2028}и налогах")), 422),
        put_json("a byte order mark in a name", c, Token::Admin, &with(council("gamma"), "/names/ru", json!("\u{FEFF}Маслихат")), 422),
        put_json("a noncharacter in a place", s, Token::Alpha, &with(session(), "/place", json!("Зал \u{FFFF}")), 422),
        put_json("a right-to-left override in a motion", s, Token::Alpha, &with(session(), "/vote_events/0/motion/ru", json!("Принять\u{202E}ьтяинирпен")), 422),
        put_json("Latin letter in a Cyrillic name", c, Token::Admin, &with(council("gamma"), "/names/ru", json!("Маслихат Алмаtы")), 422),
        put_json("Cyrillic о in a Latin name", c, Token::Admin, &with(council("gamma"), "/names/kk", json!("Almaty maslihаty")), 422),
        put_json("a 5000-character name", c, Token::Admin, &with(council("gamma"), "/names/ru", json!("я".repeat(5000))), 422),
        put_json("a 5000-byte URL", c, Token::Admin, &with(council("gamma"), "/website", json!(format!("https://example.kz/{}", "a".repeat(5000)))), 422),
        put_json("a 65-character id reference", s, Token::Alpha, &with(session(), "/agenda/0/id", json!("a".repeat(65))), 422),
        put_json("bad language tag", c, Token::Admin, &with(council("gamma"), "/names", json!({"russian": "x"})), 422),
        put_json("empty names", c, Token::Admin, &with(council("gamma"), "/names", json!({})), 422),
        // Script and SQL fragments where they cannot go.
        put_json("javascript URL", c, Token::Admin, &with(council("gamma"), "/website", json!("javascript:alert(1)")), 422),
        put_json("data URL", s, Token::Alpha, &with(session(), "/documents/0/url", json!("data:text/html,<script>alert(1)</script>")), 422),
        put_json("file URL", s, Token::Alpha, &with(session(), "/livestream_url", json!("file:///etc/passwd")), 422),
        put_json("URL with a space", s, Token::Alpha, &with(session(), "/recording_url", json!("https://a b.kz")), 422),
        put_json("SQL in an id", s, Token::Alpha, &with(session(), "/agenda/0/id", json!("x'; DROP TABLE ballot;--")), 422),
        put_json("script in an id", s, Token::Alpha, &with(session(), "/speeches/0/id", json!("<script>")), 422),
        put_json("SQL in a deputy reference", s, Token::Alpha, &with(session(), "/vote_events/0/ballots/0/deputy", json!("alpha-d1' OR '1'='1")), 422),
        put_json("SQL in a party reference", r, Token::Alpha, &with(roster("alpha", 5), "/deputies/0/party_memberships", json!([{"party": "x' OR 1=1--", "start_date": "2020-01-01"}])), 422),
        put_json("bad sha256", s, Token::Alpha, &with(session(), "/documents/0/sha256", json!("DEADBEEF")), 422),
        put_json("media type without subtype", s, Token::Alpha, &with(session(), "/documents/0/media_type", json!("pdf")), 422),
        // Paths and parameters.
        get("traversal in a council id", "/v1/councils/..%2F..%2Fetc%2Fpasswd", 404),
        get("dot-dot council id", "/v1/councils/..", 404),
        get("encoded dots", "/v1/deputies/%2e%2e", 404),
        get("SQL in a path id", "/v1/councils/x'%20OR%20'1'='1", 404),
        get("script in a path id", "/v1/sessions/%3Cscript%3E", 404),
        get("uppercase id", "/v1/councils/ALPHA", 404),
        get("NUL in a path", "/v1/vote-events/a%00b", 404),
        get("very long path id", format!("/v1/parties/{}", "p".repeat(3000)), 404),
        get("traversal below the log", "/v1/log/entries/..%2F..%2Fsecret/document", 400),
        get("negative log index", "/v1/log/entries/-1/document", 400),
        get("unknown route", "/v1/admin/drop-everything", 404),
        get("SQL in a filter", "/v1/councils?level=district'%20OR%201=1", 400),
        get("unknown enum filter", "/v1/vote-events?method=telepathy", 400),
        get("bad date filter", "/v1/sessions?from=2024-02-30", 400),
        get("absurd date filter", "/v1/sessions?from=99999-01-01", 400),
        get("limit zero", "/v1/councils?limit=0", 400),
        get("limit too large", "/v1/councils?limit=100000", 400),
        get("negative limit", "/v1/parties?limit=-1", 400),
        get("forged cursor", "/v1/sessions?cursor=garbage", 400),
        get("negative since", "/v1/changes?since=-5", 400),
        get("huge log range", "/v1/log/entries?start=0&end=100000", 400),
        get("inclusion beyond the tree", "/v1/log/proofs/inclusion?leaf_index=999&tree_size=1000", 400),
        get("consistency from zero", "/v1/log/proofs/consistency?first=0&second=1", 400),
        get("diff of missing versions", "/v1/sessions/h-0/diff?from=1&to=2", 404),
        get("metrics with from after to", "/v1/councils/alpha/metrics?from=2025-01-01&to=2024-01-01", 400),
        get("bad as_of", "/v1/councils/alpha/metrics?as_of=yesterday", 400),
        case("wrong method", Method::DELETE, "/v1/councils/alpha", Token::Admin, None, 405),
        case("POST to a PUT route", Method::POST, "/v1/parties/amanat", Token::Admin, Some(b"{}".to_vec()), 405),
        // Dates.
        put_json("February 30", c, Token::Admin, &with(council("gamma"), "/convocations/0/start_date", json!("2023-02-30")), 422),
        put_json("month 13", c, Token::Admin, &with(council("gamma"), "/convocations/0/start_date", json!("2023-13-01")), 422),
        put_json("negative year", c, Token::Admin, &with(council("gamma"), "/convocations/0/start_date", json!("-0001-01-01")), 422),
        put_json("five-digit year", c, Token::Admin, &with(council("gamma"), "/convocations/0/start_date", json!("99999-01-01")), 422),
        put_json("date with time", c, Token::Admin, &with(council("gamma"), "/convocations/0/start_date", json!("2023-03-19T00:00:00Z")), 422),
        put_json("time without offset", s, Token::Alpha, &with(session(), "/scheduled_start", json!("2024-02-01T10:00:00")), 422),
        put_json("session in 1900", s, Token::Alpha, &with(session(), "/scheduled_start", json!("1900-01-01T10:00:00Z")), 422),
        put_json("end before start", s, Token::Alpha, &with(session(), "/scheduled_end", json!("2024-01-01T10:00:00Z")), 422),
        put_json("mandate ending before it starts", r, Token::Alpha, &with(roster("alpha", 5), "/deputies/0/mandates/0/end_date", json!("2023-01-01")), 422),
        put_json("convocation ending before it starts", c, Token::Admin, &with(council("gamma"), "/convocations/0/end_date", json!("2000-01-01")), 422),
        // Counts, results and ballots.
        put_json("counts that disagree with ballots", s, Token::Alpha, &with(session(), "/vote_events/0/counts", json!({"yes": 4, "no": 1})), 422),
        put_json("a result that disagrees with the counts", s, Token::Alpha, &with(session(), "/vote_events/0/result", json!("fail")), 422),
        put_json("more present than seats", s, Token::Alpha, &with(with(with(session(), "/vote_events/0/ballots", json!([])), "/vote_events/0/method", json!("show_of_hands")), "/vote_events/0/counts", json!({"yes": 9})), 422),
        put_json("ballots on a secret vote", s, Token::Alpha, &with(session(), "/vote_events/0/method", json!("secret")), 422),
        put_json("a missing ballot on a roll call", s, Token::Alpha, &with(session(), "/vote_events/0/ballots", json!([{"deputy": "alpha-d1", "option": "yes"}])), 422),
        put_json("two ballots for one deputy", s, Token::Alpha, &with(session(), "/vote_events/0/ballots/1/deputy", json!("alpha-d1")), 422),
        put_json("a ballot for a deputy of another council", s, Token::Alpha, &with(session(), "/vote_events/0/ballots/0/deputy", json!("beta-d1")), 422),
        put_json("a speech by a deputy of another council", s, Token::Alpha, &with(session(), "/speeches/0/deputy", json!("beta-d1")), 422),
        put_json("a vote on an item of another session", s, Token::Alpha, &with(session(), "/vote_events/0/agenda_item", json!("elsewhere")), 422),
        put_json("a planned session with votes", s, Token::Alpha, &with(session(), "/status", json!("planned")), 422),
        put_json("a ballot for a deputy not yet serving", s, Token::Alpha, &with(session(), "/scheduled_start", json!("2023-03-19T10:00:00+05:00")), 422),
        // Duplicate keys.
        put_raw("duplicate top-level key", c, br#"{"names": {"ru": "x"}, "level": "district", "seats": 5, "seats": 6}"#, 422),
        put_raw("duplicate nested key", c, br#"{"names": {"ru": "x"}, "level": "district", "seats": 5, "convocations": [{"number": "VIII", "number": "IX", "start_date": "2023-03-19"}]}"#, 422),
        put_raw("duplicate language", c, br#"{"names": {"ru": "x", "ru": "y"}, "level": "district", "seats": 5}"#, 422),
        // Authority.
        put_json("no token", c, Token::None, &council("gamma"), 401),
        put_json("a publisher writing a council", c, Token::Alpha, &council("gamma"), 403),
        put_json("a publisher writing another council's roster", "/v1/councils/beta/roster", Token::Alpha, &roster("beta", 2), 403),
        put_json("a publisher writing another council's session", "/v1/councils/beta/sessions/b-1", Token::Alpha, &session(), 403),
        put_json("a session under a council that does not exist", "/v1/councils/nowhere/sessions/n-1", Token::Admin, &session(), 404),
        put_json("a party with an invalid id", "/v1/parties/Bad%20Id", Token::Admin, &party("x"), 422),
    ];
    // Content types.
    let mut form = put_raw("form encoded", c, b"names=x", 415);
    form.content_type = "application/x-www-form-urlencoded";
    out.push(form);
    let mut text = put_raw("text/plain", c, b"{}", 415);
    text.content_type = "text/plain";
    out.push(text);
    out.push(put_raw("oversized body", c, &vec![b' '; 300 * 1024], 413));
    out
}

async fn fingerprint(app: &TestApp) -> (u64, Value, Value) {
    let cp = app.get("/v1/log/checkpoint").await.body;
    let changes = app.get("/v1/changes?limit=500").await.body;
    (app.version_count().await, cp, changes)
}

#[tokio::test]
async fn a_hundred_hostile_requests_get_problem_json_and_change_nothing() {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    app.seed_council("beta").await;
    assert_eq!(app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster("alpha", 5)).await.status, 201);
    assert_eq!(
        app.put("/v1/councils/beta/roster", &app.publisher("beta"), &json!({"deputies": [deputy("beta-d1")]}))
            .await
            .status,
        201
    );
    // The baseline session is valid, so each case below is refused for its own reason.
    let ok = app
        .put(
            "/v1/councils/alpha/sessions/h-0",
            &app.publisher("alpha"),
            &with(session(), "/agenda/0/id", json!("h0-i1")),
        )
        .await;
    assert_eq!(ok.status, 422, "ids of the template are reused below; only h-1 is the target: {ok:?}");
    let before = fingerprint(&app).await;
    let cases = cases();
    assert!(cases.len() >= 100, "{} cases", cases.len());
    for c in &cases {
        let token = match c.token {
            Token::None => None,
            Token::Admin => Some(app.admin()),
            Token::Alpha => Some(app.publisher("alpha")),
        };
        let mut rb = app.client.request(c.method.clone(), format!("{}{}", app.base, c.path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = &c.body {
            rb = rb.header("content-type", c.content_type).body(b.clone());
        }
        if c.path.ends_with("alpha/roster") {
            // The roster exists: without If-Match the answer would be 428 before any rule is read.
            rb = rb.header("if-match", "*");
        }
        let resp = rb.send().await.unwrap_or_else(|e| panic!("{}: the server stopped answering: {e}", c.label));
        let status = resp.status().as_u16();
        let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let allow = resp.headers().get("allow").is_some();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        assert_eq!(status, c.status, "{}: {body}", c.label);
        assert!(ct.starts_with("application/problem+json"), "{}: content type {ct}", c.label);
        assert_eq!(body["status"], status, "{}: {body}", c.label);
        if status == 405 {
            assert!(allow, "{}: 405 names the allowed methods", c.label);
        }
        assert!(app.get("/health").await.status == 200, "{}: the server is still up", c.label);
    }
    assert_eq!(fingerprint(&app).await, before, "the database and the log are unchanged");
    // And the baseline itself is accepted, so the cases were refused for their faults.
    assert_eq!(app.put("/v1/councils/alpha/sessions/h-1", &app.publisher("alpha"), &session()).await.status, 201);
}

#[tokio::test]
async fn too_many_requests_get_429_with_retry_after_and_ratelimit_headers() {
    let app = spawn_app_with(|s| {
        s.read_rate_per_second = 1;
        s.read_burst = 5;
        s.write_rate_per_second = 1;
        s.write_burst = 3;
    })
    .await;
    let mut statuses = vec![];
    for _ in 0..8 {
        statuses.push(app.get("/v1/parties").await);
    }
    let limited = statuses.iter().find(|r| r.status == 429).expect("reads were limited");
    assert!(statuses[..5].iter().all(|r| r.status == 200), "the burst is served");
    assert!(limited.is_problem());
    assert!(limited.header("retry-after").is_some_and(|v| v.parse::<u64>().is_ok_and(|n| n >= 1)));
    assert_eq!(limited.header("ratelimit-limit"), Some("5"));
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
    // Writes count per token, separately from reads.
    let admin = app.admin();
    let mut writes = vec![];
    for i in 0..5 {
        writes.push(app.put(&format!("/v1/parties/p{i}"), &admin, &party("p")).await.status);
    }
    assert_eq!(&writes[..3], &[201, 201, 201]);
    assert_eq!(writes[4], 429);
    let other = app.token(maslikhat::auth::Role::Admin, None);
    assert_eq!(app.put("/v1/parties/q", &other, &party("q")).await.status, 201, "another token has its own budget");
}
