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
