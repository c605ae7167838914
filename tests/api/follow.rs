//! Following a council (issue 19 item 2): the council's Atom feed, parsed as Atom here.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::json;

use crate::search::{app_with_records, budget_session};

/// A parsed Atom document: the feed's own elements and each entry's, as (name, text) pairs.
#[derive(Debug, Default)]
struct Atom {
    feed: Vec<(String, String)>,
    entries: Vec<Vec<(String, String)>>,
}

impl Atom {
    fn get<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
        fields.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str())
    }
}

/// Parses `xml` strictly (a malformed document panics) into its feed and entry elements, and
/// checks what RFC 4287 requires: the Atom namespace, and an id, a title and an RFC 3339
/// `updated` on the feed and on every entry.
fn parse_atom(xml: &str) -> Atom {
    let mut r = Reader::from_str(xml);
    r.config_mut().check_end_names = true;
    let (mut atom, mut path, mut text) = (Atom::default(), Vec::<String>::new(), String::new());
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if name == "feed" {
                    let ns = e.try_get_attribute("xmlns").unwrap().expect("a namespace");
                    assert_eq!(ns.unescape_value().unwrap(), "http://www.w3.org/2005/Atom");
                }
                if name == "entry" {
                    atom.entries.push(vec![]);
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.unescape().expect("escaped text")),
            Event::End(_) => {
                let name = path.pop().unwrap();
                let parent = path.last().map(String::as_str);
                let field = (name, std::mem::take(&mut text));
                match parent {
                    Some("feed") => atom.feed.push(field),
                    Some("entry") => atom.entries.last_mut().unwrap().push(field),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    for fields in std::iter::once(&atom.feed).chain(&atom.entries) {
        for required in ["id", "title", "updated"] {
            assert!(Atom::get(fields, required).is_some_and(|v| !v.is_empty()), "{required} in {fields:?}");
        }
        let updated = Atom::get(fields, "updated").unwrap();
        chrono::DateTime::parse_from_rfc3339(updated).expect("updated is RFC 3339");
    }
    atom
}

#[tokio::test]
async fn a_council_feed_is_atom_with_new_sessions_and_corrections_with_their_reason() {
    let app = app_with_records().await;
    let etag = app.get("/v1/sessions/alpha-s1").await.header("etag").unwrap().to_owned();
    let mut v2 = budget_session();
    v2["agenda"][0]["titles"]["ru"] = json!("Об утверждении бюджета & <ремонте> дорог");
    v2["reason"] = json!("Исправлено название <вопроса> & дата");
    let r = app.put_if("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &v2, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");

    let resp = reqwest::get(format!("{}/councils/alpha/feed.atom?lang=ru", app.base)).await.unwrap();
    assert_eq!(resp.status(), 200);
    let ctype = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ctype.starts_with("application/atom+xml"), "{ctype}");
    let atom = parse_atom(&resp.text().await.unwrap());
    let titles: Vec<&str> = atom.entries.iter().map(|e| Atom::get(e, "title").unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Запись сессии обновлена: №1, 2024-05-14",
            "Новая сессия: №1, 2024-05-14",
            "Опубликован состав депутатов",
            "Обновлены сведения о маслихате"
        ]
    );
    let correction = Atom::get(&atom.entries[0], "summary").unwrap();
    assert!(correction.contains("Причина исправления: Исправлено название <вопроса> & дата"), "{correction}");
    assert!(Atom::get(&atom.entries[1], "summary").unwrap().contains("Голосования: 1"));
    let ids: std::collections::BTreeSet<&str> = atom.entries.iter().map(|e| Atom::get(e, "id").unwrap()).collect();
    assert_eq!(ids.len(), 4, "entry ids are distinct");
    // The council's page links to its feed.
    let page = reqwest::get(format!("{}/councils/alpha?lang=ru", app.base)).await.unwrap().text().await.unwrap();
    assert!(page.contains("href=\"/councils/alpha/feed.atom?lang=ru\""), "{page}");
    // Other councils' changes stay out; an unknown council is a 404.
    let other = reqwest::get(format!("{}/councils/astana/feed.atom", app.base)).await.unwrap();
    assert_eq!(parse_atom(&other.text().await.unwrap()).entries.len(), 1);
    let missing = reqwest::get(format!("{}/councils/nobody/feed.atom", app.base)).await.unwrap();
    assert_eq!(missing.status(), 404);
}

/// One server-sent event: its id, its name and its data.
#[derive(Debug, Clone, Default)]
struct Sse {
    id: String,
    event: String,
    data: String,
}

/// Reads events off an open `text/event-stream` response until `n` have arrived, each within
/// `wait` (comment lines, the keep-alives, are skipped). Panics when one does not arrive in time:
/// a body held back by a buffering layer fails here.
async fn read_events(resp: &mut reqwest::Response, buf: &mut String, n: usize, wait: std::time::Duration) -> Vec<Sse> {
    let mut out = vec![];
    while out.len() < n {
        if let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut e = Sse::default();
            for line in block.lines() {
                if let Some((k, v)) = line.split_once(':') {
                    let v = v.strip_prefix(' ').unwrap_or(v).to_owned();
                    match k {
                        "id" => e.id = v,
                        "event" => e.event = v,
                        "data" => e.data.push_str(&v),
                        _ => {}
                    }
                }
            }
            if !e.event.is_empty() || !e.data.is_empty() {
                out.push(e);
            }
            continue;
        }
        let chunk = tokio::time::timeout(wait, resp.chunk())
            .await
            .unwrap_or_else(|_| panic!("no event within {wait:?}; have {out:?} and {buf:?}"))
            .expect("the stream reads")
            .expect("the stream stays open");
        buf.push_str(std::str::from_utf8(&chunk).expect("UTF-8 events"));
    }
    out
}

async fn open_stream(app: &crate::helpers::TestApp, query: &str, last_event_id: Option<&str>) -> reqwest::Response {
    // Asks for compression as browsers do: an event stream must still arrive event by event.
    let mut req = app
        .client
        .get(format!("{}/v1/changes/stream{query}", app.base))
        .header("accept", "text/event-stream")
        .header("accept-encoding", "gzip, br");
    if let Some(id) = last_event_id {
        req = req.header("last-event-id", id);
    }
    req.send().await.expect("the stream opens")
}

#[tokio::test]
async fn the_change_stream_sends_each_publication_at_once_and_resumes_after_last_event_id() {
    let app = app_with_records().await;
    let wait = std::time::Duration::from_secs(10);
    let listed = app.get("/v1/changes?limit=500").await.body;
    let seqs: Vec<i64> = listed["items"].as_array().unwrap().iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    let last = *seqs.last().expect("changes on record");

    // Opened after the last change: nothing is sent until the next publication, then it is.
    let mut live = open_stream(&app, "", Some(&last.to_string())).await;
    assert_eq!(live.status(), 200);
    let ctype = live.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ctype.starts_with("text/event-stream"), "{ctype}");
    assert!(live.headers().get("content-encoding").is_none(), "an event stream is never compressed");
    assert!(live.headers().get("etag").is_none(), "an event stream is never hashed");
    let r = app.put("/v1/councils/beta", &app.admin(), &crate::helpers::council("beta")).await;
    assert_eq!(r.status, 201, "{r:?}");
    let mut buf = String::new();
    let got = read_events(&mut live, &mut buf, 1, wait).await;
    assert_eq!(got[0].event, "change");
    assert_eq!(got[0].id, (last + 1).to_string());
    let data: serde_json::Value = serde_json::from_str(&got[0].data).expect("JSON data");
    assert_eq!((data["kind"].as_str(), data["id"].as_str()), (Some("council"), Some("beta")));
    assert_eq!(data["seq"].as_i64(), Some(last + 1));

    // A reconnecting client names the last event it saw and gets what followed it, in order;
    // `Last-Event-ID` wins over `since`.
    let mut resumed = open_stream(&app, "?since=0", Some(&(last - 1).to_string())).await;
    let mut buf = String::new();
    let got = read_events(&mut resumed, &mut buf, 2, wait).await;
    let ids: Vec<&str> = got.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [last.to_string(), (last + 1).to_string()]);

    // Filters apply as on the change list: only alpha's documents.
    let mut alpha = open_stream(&app, "?council=alpha", None).await;
    let alpha_seqs: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["council"] == "alpha")
        .map(|c| c["seq"].to_string())
        .collect();
    let mut buf = String::new();
    let got = read_events(&mut alpha, &mut buf, alpha_seqs.len(), wait).await;
    assert_eq!(got.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), alpha_seqs);

    // A Last-Event-ID that is no change number is refused, naming the header.
    let bad = app.send(reqwest::Method::GET, "/v1/changes/stream", None, None, &[("last-event-id", "yesterday")]).await;
    assert_eq!(bad.status, 400, "{bad:?}");
    assert!(bad.body["detail"].as_str().unwrap().contains("Last-Event-ID"), "{bad:?}");
}

/// Fetches `path` and parses it as Atom, checking it is served as Atom.
async fn feed(app: &crate::helpers::TestApp, path: &str) -> Atom {
    let resp = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let ctype = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ctype.starts_with("application/atom+xml"), "{path}: {ctype}");
    parse_atom(&resp.text().await.unwrap())
}

fn titles(atom: &Atom) -> Vec<&str> {
    atom.entries.iter().map(|e| Atom::get(e, "title").unwrap()).collect()
}

#[tokio::test]
async fn a_deputy_feed_is_atom_with_their_sessions_roster_and_corrections_and_the_page_links_it() {
    let app = app_with_records().await;
    let etag = app.get("/v1/sessions/alpha-s1").await.header("etag").unwrap().to_owned();
    let mut v2 = budget_session();
    v2["place"] = json!("Малый зал");
    v2["reason"] = json!("Уточнено <время> & место");
    let r = app.put_if("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &v2, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");
    // A session alpha-d1 takes no part in stays out of their feed.
    let mut other = crate::sessions::held_session("alpha-s2", "2024-06-14T10:00:00+05:00", &["alpha-d2", "alpha-d3"]);
    other["number"] = json!(2);
    other["vote_events"] = json!([]);
    let r = app.put("/v1/councils/alpha/sessions/alpha-s2", &app.publisher("alpha"), &other).await;
    assert_eq!(r.status, 201, "{r:?}");

    let atom = feed(&app, "/deputies/alpha-d1/feed.atom?lang=ru").await;
    assert_eq!(
        titles(&atom),
        ["Запись сессии обновлена: №1, 2024-05-14", "Новая сессия: №1, 2024-05-14", "Опубликован состав депутатов"]
    );
    let correction = Atom::get(&atom.entries[0], "summary").unwrap();
    assert!(correction.contains("Причина исправления: Уточнено <время> & место"), "{correction}");
    assert!(Atom::get(&atom.feed, "title").unwrap().contains("обновления"), "{:?}", atom.feed);
    // In English too, and an unknown deputy is a 404.
    let en = feed(&app, "/deputies/alpha-d1/feed.atom?lang=en").await;
    assert_eq!(titles(&en)[2], "Roster published");
    let missing = reqwest::get(format!("{}/deputies/nobody/feed.atom", app.base)).await.unwrap();
    assert_eq!(missing.status(), 404);
    // The deputy's page links to its feed in the page's head and body.
    for lang in ["kk", "ru", "en"] {
        let page =
            reqwest::get(format!("{}/deputies/alpha-d1?lang={lang}", app.base)).await.unwrap().text().await.unwrap();
        assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\""), "{lang}: {page}");
        assert!(page.contains(&format!("href=\"/deputies/alpha-d1/feed.atom?lang={lang}\"")), "{lang}: {page}");
    }
}

#[tokio::test]
async fn a_search_feed_is_atom_with_the_versions_of_what_the_search_finds_and_the_page_links_it() {
    let app = app_with_records().await;
    // The bridge is in alpha-s1's agenda: the search follows that session.
    let atom = feed(&app, "/search/feed.atom?q=%D0%BC%D0%BE%D1%81%D1%82&lang=ru").await;
    assert_eq!(titles(&atom), ["Новая сессия: №1, 2024-05-14"]);
    let etag = app.get("/v1/sessions/alpha-s1").await.header("etag").unwrap().to_owned();
    let mut v2 = budget_session();
    v2["place"] = json!("Малый зал");
    v2["reason"] = json!("Исправлена дата");
    let r = app.put_if("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &v2, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");
    // (Another URL than before: the server's response cache may still hold the first answer.)
    let atom = feed(&app, "/search/feed.atom?q=%D0%BC%D0%BE%D1%81%D1%82&kind=agenda_item&lang=ru").await;
    assert_eq!(titles(&atom), ["Запись сессии обновлена: №1, 2024-05-14", "Новая сессия: №1, 2024-05-14"]);
    assert!(Atom::get(&atom.entries[0], "summary").unwrap().contains("Исправлена дата"));
    // A council's name finds the council's own document; a kind narrows the search.
    let councils = feed(&app, "/search/feed.atom?q=Astana&kind=council&lang=en").await;
    assert!(!councils.entries.is_empty());
    assert!(titles(&councils).iter().all(|t| *t == "Council details updated"), "{:?}", titles(&councils));
    // Query syntax is only text; no words, no entries.
    for q in ["%22%20OR%20*%20NEAR", "", "--"] {
        let atom = feed(&app, &format!("/search/feed.atom?q={q}")).await;
        assert!(atom.entries.len() <= 2, "{q}");
    }
    // The search page links to the feed of what it shows.
    for lang in ["kk", "ru", "en"] {
        let page = reqwest::get(format!("{}/search?q=Astana&kind=council&lang={lang}", app.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\""), "{lang}: {page}");
        assert!(
            page.contains(&format!("href=\"/search/feed.atom?q=Astana&amp;kind=council&amp;lang={lang}\"")),
            "{lang}"
        );
    }
}
