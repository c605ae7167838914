//! Search (issue 19): names in Kazakh, Russian and Latin spelling, initials, inflected words,
//! corrections, ranking, filters and query syntax as plain text. Runs on SQLite (FTS5) and, with
//! `DATABASE_URL`, on PostgreSQL (tsvector): the same assertions for both engines.

use serde_json::{Value, json};

use crate::helpers::{TestApp, deputy, spawn_app};
use crate::sessions::held_session;

fn named(id: &str, names: Value) -> Value {
    let mut d = deputy(id);
    d["names"] = names;
    d
}

/// Council `alpha` (its deputies have Kazakh names), council `astana` with its exact name and
/// `astana-kenes` whose name contains that name, and a held session of `alpha` whose agenda is
/// about the district budget.
pub(crate) async fn app_with_records() -> TestApp {
    let app = spawn_app().await;
    app.seed_council("alpha").await;
    let admin = app.admin();
    for (id, kk, ru) in [
        ("astana", "Астана қалалық мәслихаты", "Маслихат города Астаны"),
        ("astana-kenes", "Астана қалалық мәслихаты жанындағы жастар кеңесі", "Молодёжный совет при маслихате"),
    ] {
        let mut c = crate::helpers::council(id);
        c["names"] = json!({"kk": kk, "ru": ru});
        let r = app.put(&format!("/v1/councils/{id}"), &admin, &c).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let roster = json!({"deputies": [
        named("alpha-d1", json!({"kk": "Жақсыбеков Нұрлан Әбілұлы"})),
        named("alpha-d2", json!({"kk": "Жақсылықов Ерлан Серікұлы"})),
        named("alpha-d3", json!({"kk": "Сәрсенбаева Гүлнар"})),
    ]});
    let r = app.put("/v1/councils/alpha/roster", &app.publisher("alpha"), &roster).await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = app.put("/v1/councils/alpha/sessions/alpha-s1", &app.publisher("alpha"), &budget_session()).await;
    assert_eq!(r.status, 201, "{r:?}");
    app
}

pub(crate) fn budget_session() -> Value {
    let mut s = held_session("alpha-s1", "2024-05-14T10:00:00+05:00", &["alpha-d1", "alpha-d2", "alpha-d3"]);
    s["agenda"][0]["titles"] = json!({
        "kk": "Аудан бюджетін бекіту туралы <script>alert(1)</script>",
        "ru": "Об утверждении бюджета района и строительстве моста через Ишим"
    });
    s
}

async fn search(app: &TestApp, query: &str) -> Value {
    let r = app.get(&format!("/v1/search?q={}", maslikhat::api::paging::encode(query))).await;
    assert_eq!(r.status, 200, "{query:?}: {r:?}");
    r.body
}

/// The `(kind, id)` of every hit, in order.
fn hits(body: &Value) -> Vec<(String, String)> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| (h["kind"].as_str().unwrap().to_owned(), h["id"].as_str().unwrap().to_owned()))
        .collect()
}

fn has(body: &Value, kind: &str, id: &str) -> bool {
    hits(body).iter().any(|(k, i)| k == kind && i == id)
}

#[tokio::test]
async fn a_kazakh_name_is_found_by_its_russian_and_latin_spellings_and_by_initials() {
    let app = app_with_records().await;
    for q in [
        "Жақсыбеков Нұрлан",
        "Жаксыбеков Нурлан",
        "жаксыбеков",
        "Нурлан Жаксыбеков",
        "Zhaksybekov Nurlan",
        "Jaqsybekov",
        "Жаксыбеков Н.",
        "Н. Жаксыбеков",
        "Н.А. Жаксыбеков",
        "Zhaksybekov N.",
    ] {
        let b = search(&app, q).await;
        assert!(has(&b, "deputy", "alpha-d1"), "{q:?} finds Жақсыбеков: {:?}", hits(&b));
        assert!(!has(&b, "deputy", "alpha-d2"), "{q:?} does not find Жақсылықов: {:?}", hits(&b));
    }
    // Initials tell two deputies with the same beginning of a surname apart.
    let b = search(&app, "Е. Жаксы").await;
    assert_eq!(hits(&b), [("deputy".to_owned(), "alpha-d2".to_owned())]);
    let b = search(&app, "Сарсенбаева").await;
    assert!(has(&b, "deputy", "alpha-d3"), "{:?}", hits(&b));
}

#[tokio::test]
async fn an_agenda_item_is_found_by_an_inflected_russian_word_with_the_word_marked() {
    let app = app_with_records().await;
    let b = search(&app, "бюджету").await;
    assert!(has(&b, "agenda_item", "alpha-s1-i1"), "{b:#}");
    let hit = b["items"].as_array().unwrap().iter().find(|h| h["kind"] == "agenda_item").unwrap();
    assert_eq!(hit["session"], "alpha-s1");
    assert_eq!(hit["date"], "2024-05-14");
    assert_eq!(hit["page"], "/sessions/alpha-s1");
    let ru = hit["title"]["ru"].as_array().unwrap();
    let marked: Vec<&str> = ru.iter().filter(|r| r["match"] == true).map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(marked, ["бюджета"]);
    let whole: String = ru.iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(whole, "Об утверждении бюджета района и строительстве моста через Ишим");
    // The Kazakh title is found by its Kazakh stem too.
    assert!(has(&search(&app, "бюджетін").await, "agenda_item", "alpha-s1-i1"));
    // Motions, decisions and speeches are found too.
    assert!(has(&search(&app, "принять решение").await, "motion", "alpha-s1-v1"));
    assert!(has(&search(&app, "решения маслихата").await, "decision", "alpha-s1-doc1"));
    assert!(has(&search(&app, "құрметті депутаттар").await, "speech", "alpha-s1-s1"));
}

#[tokio::test]
async fn a_correction_removes_the_old_text_from_the_results() {
    let app = app_with_records().await;
    assert!(has(&search(&app, "мост Ишим").await, "agenda_item", "alpha-s1-i1"));
    let path = "/v1/councils/alpha/sessions/alpha-s1";
    let etag = app.get("/v1/sessions/alpha-s1").await.header("etag").expect("an etag").to_owned();
    let mut v2 = budget_session();
    v2["agenda"][0]["titles"]["ru"] = json!("Об утверждении бюджета района и ремонте дорог");
    v2["reason"] = json!("В протоколе исправлено название вопроса");
    let r = app.put_if(path, &app.publisher("alpha"), &v2, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");
    let b = search(&app, "мост Ишим").await;
    assert!(hits(&b).is_empty(), "the corrected title is no longer found: {b:#}");
    assert!(has(&search(&app, "ремонт дороги").await, "agenda_item", "alpha-s1-i1"));
    // And a rebuild from the log derives the same index.
    maslikhat::store::rebuild::rebuild(&app.state.service.db).await.expect("rebuild");
    assert!(hits(&search(&app, "мост Ишим").await).is_empty());
    assert!(has(&search(&app, "ремонт дороги").await, "agenda_item", "alpha-s1-i1"));
    assert!(has(&search(&app, "Zhaksybekov").await, "deputy", "alpha-d1"));
}

#[tokio::test]
async fn the_council_whose_name_is_the_query_comes_first() {
    let app = app_with_records().await;
    for q in ["Астана қалалық мәслихаты", "астана калалык маслихаты", "Маслихат города Астаны"]
    {
        let b = search(&app, q).await;
        let h = hits(&b);
        assert_eq!(h.first(), Some(&("council".to_owned(), "astana".to_owned())), "{q:?}: {h:?}");
        if q.starts_with('А') {
            assert!(h.contains(&("council".to_owned(), "astana-kenes".to_owned())), "{q:?}: {h:?}");
        }
    }
}

#[tokio::test]
async fn query_syntax_of_either_engine_is_plain_text_and_never_an_error() {
    let app = app_with_records().await;
    for q in [
        "\"",
        "*",
        "NEAR",
        "OR",
        "--",
        "\"Жаксыбеков",
        "Жаксыбеков*",
        "NEAR(Жаксыбеков Нурлан)",
        "Жаксыбеков OR Сарсенбаева",
        "Жаксыбеков -- drop table deputy",
        "'; DROP TABLE search_entry; --",
        "a & b | !c :*",
        "",
        "   ",
    ] {
        let b = search(&app, q).await;
        assert!(b["items"].is_array(), "{q:?}: {b:#}");
    }
    // OR is a word that must be there, not an operator: nobody is called "or".
    assert!(hits(&search(&app, "Жаксыбеков OR Сарсенбаева").await).is_empty());
    assert!(has(&search(&app, "Жаксыбеков*").await, "deputy", "alpha-d1"));
    assert!(has(&search(&app, "\"Жаксыбеков").await, "deputy", "alpha-d1"));
}

#[tokio::test]
async fn filters_narrow_by_kind_council_and_date_and_pages_follow_the_cursor() {
    let app = app_with_records().await;
    let b = app.get("/v1/search?q=%D0%B0%D1%81%D1%82%D0%B0%D0%BD%D0%B0&kind=council&limit=1").await;
    assert_eq!(b.status, 200, "{b:?}");
    assert_eq!(hits(&b.body).len(), 1);
    let next = b.body["links"]["next"].as_str().expect("a next page").to_owned();
    let b2 = app.get(&next).await;
    assert_eq!(b2.status, 200, "{b2:?}");
    assert_eq!(hits(&b2.body).len(), 1);
    assert_ne!(hits(&b.body), hits(&b2.body));
    assert!(b2.body["links"]["next"].is_null());
    let counts = &b.body["counts"];
    assert!(counts.as_array().unwrap().iter().any(|c| c["kind"] == "council" && c["count"] == 2), "{counts}");

    let only = |q: &str| format!("/v1/search?q={}", maslikhat::api::paging::encode(q));
    let r = app.get(&format!("{}&council=astana", only("маслихат"))).await;
    assert!(hits(&r.body).iter().all(|(_, id)| id == "astana"), "{:?}", hits(&r.body));
    let r = app.get(&format!("{}&from=2024-05-01&to=2024-05-31", only("бюджет"))).await;
    assert!(has(&r.body, "agenda_item", "alpha-s1-i1"), "{:?}", r.body);
    let r = app.get(&format!("{}&from=2024-06-01", only("бюджет"))).await;
    assert!(hits(&r.body).is_empty(), "{:?}", r.body);
    let r = app.get(&format!("{}&kind=deputy", only("бюджет"))).await;
    assert!(hits(&r.body).is_empty(), "{:?}", r.body);

    let r = app.get(&format!("{}&kind=bogus", only("бюджет"))).await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.is_problem() && r.body["detail"].as_str().unwrap().starts_with("kind:"), "{r:?}");
    let r = app.get(&format!("{}&cursor=zzz", only("бюджет"))).await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.is_problem());
}

/// The page's HTML.
async fn html(app: &TestApp, path: &str) -> String {
    let r = reqwest::get(format!("{}{path}", app.base)).await.expect("the page answers");
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.expect("a body")
}

#[tokio::test]
async fn the_search_page_groups_results_by_kind_marks_matches_and_escapes_everything() {
    let app = app_with_records().await;
    let page = html(&app, "/search?lang=kk&q=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82%20%3Cscript%3E").await;
    assert!(page.contains("data-kind=\"agenda_item\""), "{page}");
    assert!(page.contains("<mark>бюджетін</mark>"), "{page}");
    assert!(!page.contains("<script>"), "titles and the query are escaped: {page}");
    assert!(page.contains("&lt;script&gt;"), "{page}");
    assert!(page.contains("href=\"/sessions/alpha-s1\""), "{page}");
    // A deputy is two steps from any page: the header's search box, then the result's link.
    let home = html(&app, "/deputies/alpha-d1").await;
    assert!(home.contains("action=\"/search\""), "every page has the search box");
    let page = html(&app, "/search?lang=ru&q=Zhaksybekov").await;
    assert!(page.contains("href=\"/deputies/alpha-d1\""), "{page}");
    assert!(page.contains("<mark>Жақсыбеков</mark>"), "{page}");
    // Syntax is text here too: `OR` is a word nobody's record has, the rest is punctuation.
    let page = html(&app, "/search?lang=kk&q=%22%20OR%20*%20--").await;
    assert!(page.contains("Ештеңе табылмады."), "{page}");
    let page = html(&app, "/search?lang=kk&q=%22%20*%20--").await;
    assert!(page.contains("Іздеу үшін сөз жазыңыз."), "{page}");
}
