//! The citizens' pages show what the API returns: a small council published by hand (not
//! synthetic) and the demo sample (synthetic), in each language.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

struct Html {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

async fn page(app: &TestApp, path: &str, lang: Option<&str>) -> Html {
    let mut req = app.client.get(format!("{}{path}", app.base));
    if let Some(l) = lang {
        req = req.header("Accept-Language", l);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    Html { status, headers, text: resp.text().await.expect("body") }
}

fn en1(v: f64) -> String {
    format!("{v:.1}")
}

fn pct(v: f64, lang: &str) -> String {
    let s = format!("{:.1} %", v * 100.0);
    if lang == "en" { s } else { s.replace('.', ",") }
}

/// A district council `p` with three deputies (one in AMANAT), one held session with a named
/// vote (2 yes, 1 no), two speeches and a draft decision.
async fn small_council(app: &TestApp) {
    if app.get("/v1/parties/amanat").await.status == 200 {
        // Beside the demo sample, which has the parties already.
        let r = app.put("/v1/councils/p", &app.admin(), &crate::helpers::council("p")).await;
        assert_eq!(r.status, 201, "council: {r:?}");
    } else {
        app.seed_council("p").await;
    }
    let token = app.publisher("p");
    let mandate = json!([{"convocation": "VIII", "seat_type": "single_member", "district": "1", "nomination": "self_nominated", "start_date": "2023-03-20"}]);
    let roster = json!({"deputies": [
        {"id": "p-d1", "names": {"kk": "Асқар Бекұлы", "ru": "Аскар Бекулы", "en": "Askar Bekuly"}, "mandates": mandate, "party_memberships": [{"party": "amanat", "start_date": "2020-01-01"}]},
        {"id": "p-d2", "names": {"kk": "Дана Серікқызы", "ru": "Дана Серикова"}, "mandates": mandate},
        {"id": "p-d3", "names": {"ru": "Олег Иванов"}, "mandates": mandate},
    ]});
    assert_eq!(app.put("/v1/councils/p/roster", &token, &roster).await.status, 201);
    let session = session7();
    let r = app.put("/v1/councils/p/sessions/p-s7", &token, &session).await;
    assert_eq!(r.status, 201, "{r:?}");
}

/// Session 7 of council `p`, as first published.
fn session7() -> Value {
    json!({
        "convocation": "VIII", "number": 7, "kind": "regular", "status": "held",
        "scheduled_start": "2024-05-10T10:00:00+05:00", "is_open": true,
        "declared_notice": {"published_at": "2024-05-01T10:00:00+05:00", "source_url": "https://example.kz/notice"},
        "agenda": [{"id": "p7-i1", "position": 1, "titles": {"kk": "Бюджет туралы", "ru": "О бюджете", "en": "On the budget"}, "initiator": "akimat"}],
        "documents": [{"id": "p7-doc", "agenda_item": "p7-i1", "kind": "draft_decision", "title": "Жоба 7", "media_type": "application/pdf", "url": "https://example.kz/7.pdf", "language": "kk",
            "declared_public": {"published_at": "2024-05-03T09:00:00+05:00", "source_url": "https://example.kz/board"}}],
        "vote_events": [{"id": "p7-v1", "agenda_item": "p7-i1", "motion": {"kk": "Қабылдау", "ru": "Принять", "en": "Adopt"}, "stage": "as_a_whole",
            "method": "roll_call", "majority_rule": "majority_of_present", "seats": 5, "result": "pass",
            "ballots": [{"deputy": "p-d1", "option": "yes"}, {"deputy": "p-d2", "option": "yes"}, {"deputy": "p-d3", "option": "no"}]}],
        "speeches": [
            {"id": "p7-s1", "agenda_item": "p7-i1", "deputy": "p-d3", "speaker_role": "deputy", "speech_type": "question", "language": "ru", "seconds": 45},
            {"id": "p7-s2", "agenda_item": "p7-i1", "speaker_name": "Аким района", "speaker_role": "executive", "speech_type": "report", "language": "ru", "seconds": 300}
        ]
    })
}

fn value(body: &Value, pointer: &str) -> f64 {
    body.pointer(pointer).and_then(Value::as_f64).unwrap_or_else(|| panic!("{pointer} in {body}"))
}

#[tokio::test]
async fn every_page_shows_the_values_the_api_returns_in_each_language() {
    let app = spawn_app().await;
    small_council(&app).await;
    let metrics = app.get("/v1/councils/p/metrics").await.body;
    let score = value(&metrics, "/openness/openness_score/value");
    let contested = value(&metrics, "/voting/contested_share/value");
    let dm = app.get("/v1/deputies/p-d3/metrics").await.body;
    let vote = app.get("/v1/vote-events/p7-v1").await.body;
    let served = app.get("/v1/sessions/p-s7").await.body;
    assert_eq!(served["witnessed"]["backfilled"], true, "sent after its start: {served}");
    let checkpoint = app.get("/v1/log/checkpoint").await.body;

    for (lang, heading, council_name, yes, deputy_name) in [
        ("kk", "Ашықтық", "p аудандық мәслихаты", "жақтап", "Асқар Бекұлы"),
        ("ru", "Открытость", "Маслихат района p", "за", "Аскар Бекулы"),
        ("en", "Openness", "Маслихат района p", "yes", "Askar Bekuly"),
    ] {
        let home = page(&app, "/", Some(lang)).await;
        assert_eq!(home.status, 200);
        assert!(home.text.contains(&format!("<html lang=\"{lang}\"")), "{lang}: html lang");
        assert_eq!(home.headers["content-language"], lang);
        assert!(home.text.contains(council_name), "{lang}: council name on the home page");
        assert!(home.text.contains("data-total=\"councils\">1<"), "{lang}: one council on record");
        assert!(home.text.contains("data-total=\"votes\">1<"), "{lang}: one vote on record");
        let score_text = if lang == "en" { en1(score) } else { en1(score).replace('.', ",") };
        assert!(
            home.text.contains(&format!("data-metric=\"openness_score\">{score_text}<")),
            "{lang}: score {score_text}"
        );
        let full = page(&app, "/rankings", Some(lang)).await;
        assert_eq!(full.status, 200, "{lang}: the full rankings");
        assert!(full.text.contains(&format!("data-metric=\"contested_share\">{}<", pct(contested, lang))));
        assert!(
            full.text.contains(&format!("data-metric=\"openness_score\">{score_text}<")),
            "{lang}: full list score"
        );
        assert!(!full.text.contains("data-synthetic"), "{lang}: real data is not labelled synthetic on the full list");
        assert!(home.text.contains("href=\"/rankings\""), "{lang}: the home page links the full list");
        assert!(home.text.contains("href=\"/v1/rankings?metric=openness_score\""), "links to the API");
        assert!(home.text.contains("href=\"/v1/metrics/definitions\""), "links to the definitions");
        assert!(!home.text.contains("data-synthetic"), "{lang}: real data is not labelled synthetic");

        let council = page(&app, "/councils/p", Some(lang)).await;
        assert_eq!(council.status, 200);
        assert!(council.text.contains(heading), "{lang}: {heading}");
        let note = if lang == "en" { format!(" ({})", in_russian(lang)) } else { String::new() };
        assert!(
            council.text.contains(&format!("<h1>{council_name}{note}</h1>")),
            "{lang}: the council's name, saying when it is in another language"
        );
        assert!(council.text.contains(&format!("data-metric=\"openness_score\">{score_text}<")));
        assert!(council.text.contains(&format!("data-metric=\"contested_share\">{}<", pct(contested, lang))));
        assert!(council.text.contains(&format!("data-metric=\"held_sessions\">{}<", metrics["held_sessions"])));
        assert!(council.text.contains("href=\"/v1/councils/p/metrics\""));
        assert!(council.text.contains("href=\"/sessions/p-s7\""), "lists the session");
        assert!(council.text.contains(deputy_name), "{lang}: deputy name in the chosen language");
        assert!(council.text.contains("<svg"), "draws charts");
        assert!(!council.text.contains("data-synthetic"));

        let session = page(&app, "/sessions/p-s7", Some(lang)).await;
        assert_eq!(session.status, 200);
        for (option, pointer) in [("yes", "/counts/yes"), ("no", "/counts/no")] {
            let n = vote.pointer(pointer).and_then(Value::as_u64).expect("count");
            assert!(session.text.contains(&format!("data-count=\"{option}\">{n}<")), "{lang}: {option} count {n}");
        }
        assert!(
            session.text.contains(&format!("data-ballot=\"p-d1\" data-option=\"yes\">{yes}<")),
            "{lang}: d1 voted {yes}"
        );
        assert!(session.text.contains(deputy_name));
        assert!(session.text.contains("Жоба 7") && session.text.contains("https://example.kz/7.pdf"), "documents");
        assert!(session.text.contains("data-seconds=\"45\">0"), "{lang}: speech duration in minutes");
        assert!(session.text.contains("2024-05-03 09:00"), "{lang}: the document's declared public time");
        for c in ["notice", "documents", "roll_call"] {
            let v = value(&served, &format!("/openness/{c}/value"));
            let want = format!("data-component=\"{c}\">{}<", pct(v, lang));
            assert!(session.text.contains(&want), "{lang}: the session's {c} as the API serves it ({want})");
        }
        assert!(session.text.contains("href=\"/v1/sessions/p-s7\""));
        assert!(!session.text.contains("data-synthetic"));

        let deputy = page(&app, "/deputies/p-d3", Some(lang)).await;
        assert_eq!(deputy.status, 200);
        let shown_in = if lang == "ru" { String::new() } else { format!(" ({})", in_russian(lang)) };
        assert!(
            deputy.text.contains(&format!("<h1>Олег Иванов{shown_in}</h1>")),
            "{lang}: a name only in Russian is shown in every language, saying so"
        );
        let losing = pct(value(&dm, "/losing_side_rate/value"), lang);
        assert!(deputy.text.contains(&losing), "{lang}: losing-side rate {losing}");
        let mean = pct(value(&metrics, "/deputy_means/losing_side_rate/value"), lang);
        assert!(deputy.text.contains(&mean), "{lang}: council mean {mean}");
        assert!(deputy.text.contains("data-ballot=\"p7-v1\""), "voting record");
        assert!(deputy.text.contains("href=\"/v1/deputies/p-d3/metrics\""));

        let verify = page(&app, "/verify", Some(lang)).await;
        assert_eq!(verify.status, 200);
        assert!(verify.text.contains(&format!("data-field=\"tree_size\">{}<", checkpoint["tree_size"])));
        let key = checkpoint["verifier_key"].as_str().expect("key");
        assert!(verify.text.contains(key), "{lang}: the verifier key");
        assert!(verify.text.contains("maslikhat verify --server"));
        assert!(verify.text.contains("href=\"/v1/log/checkpoint\""));
    }
}

#[tokio::test]
async fn unknown_ids_are_html_404_pages_and_the_api_keeps_problem_json() {
    let app = spawn_app().await;
    small_council(&app).await;
    for path in ["/councils/nope", "/sessions/nope", "/deputies/nope", "/councils/%20bad%20id"] {
        let r = page(&app, path, Some("ru")).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.headers["content-type"].to_str().unwrap_or("").starts_with("text/html"), "{path}");
        assert!(r.text.contains("Не найдено"), "{path}");
    }
    let api = app.get("/v1/councils/nope").await;
    assert_eq!(api.status, 404);
    assert!(api.is_problem());
}

#[tokio::test]
async fn the_language_comes_from_the_switch_then_the_cookie_then_accept_language() {
    let app = spawn_app().await;
    small_council(&app).await;
    assert!(page(&app, "/", None).await.text.contains("<html lang=\"kk\""), "Kazakh by default");
    assert!(page(&app, "/", Some("de, ru;q=0.8, en;q=0.5")).await.text.contains("<html lang=\"ru\""));
    let chosen = page(&app, "/?lang=en", Some("ru")).await;
    assert!(chosen.text.contains("<html lang=\"en\""));
    assert!(chosen.headers["set-cookie"].to_str().unwrap_or("").starts_with("lang=en"));
    assert!(chosen.headers["cache-control"].to_str().unwrap_or("").contains("private"));
    // The switch links keep the other parameters.
    let filtered = page(&app, "/?level=district&lang=ru", None).await;
    assert!(filtered.text.contains("href=\"/?level=district&amp;lang=kk\""), "switch keeps the filter");
    let r = app
        .client
        .get(format!("{}/councils/p", app.base))
        .header("Cookie", "lang=ru")
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("request");
    assert_eq!(r.headers()["content-language"], "ru");
}

#[tokio::test]
async fn pages_are_cached_like_the_api() {
    let app = spawn_app().await;
    small_council(&app).await;
    let first = page(&app, "/councils/p", Some("en")).await;
    let mut etag = first.headers["etag"].to_str().expect("etag").to_owned();
    assert!(first.headers["vary"].to_str().unwrap_or("").contains("Accept-Language"));
    // The page says "as of" to the minute, so a minute that turns between two requests rightly
    // gives a new page under a new tag; then the new tag must be answered with 304. Three tries
    // cannot all straddle a minute, so a tag that changes with every request still fails here.
    for _ in 0..3 {
        let again = app
            .client
            .get(format!("{}/councils/p", app.base))
            .header("Accept-Language", "en")
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("request");
        if again.status() == 304 {
            assert!(again.text().await.expect("body").is_empty(), "a 304 has no body");
            return;
        }
        assert_eq!(again.status(), 200);
        let new = again.headers()["etag"].to_str().expect("etag").to_owned();
        assert_ne!(new, etag, "a page whose tag matches If-None-Match is answered with 304, not 200");
        etag = new;
    }
    panic!("the page's tag changed on each of three requests: it is not a function of the page");
}

fn cache_status(r: &Html) -> &str {
    r.headers.get("cache-status").and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// A GET of `path` with the given `Cookie` header.
async fn page_with_cookie(app: &TestApp, path: &str, cookie: &str) -> Html {
    let resp = app.client.get(format!("{}{path}", app.base)).header("Cookie", cookie).send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    Html { status, headers, text: resp.text().await.expect("body") }
}

#[tokio::test]
async fn pages_are_answered_from_the_response_cache_by_language_and_a_publication_empties_it() {
    let app = spawn_app_with(|s| s.response_cache_seconds = 600).await;
    small_council(&app).await;
    for path in ["/", "/councils/p", "/sessions/p-s7", "/deputies/p-d1", "/rankings", "/search?q=Askar"] {
        let first = page(&app, path, Some("en")).await;
        assert_eq!(first.status, 200, "{path}");
        let second = page(&app, path, Some("en")).await;
        assert_eq!(cache_status(&second), "maslikhat; hit", "{path}: the second anonymous GET is a hit");
        assert_eq!(second.text, first.text, "{path}: the hit is the page");
        assert_eq!(second.headers["etag"], first.headers["etag"], "{path}");
    }
    // Another language is another entry, however it is asked for; the same language is one entry.
    let en = page(&app, "/councils/p", Some("en")).await;
    let ru = page(&app, "/councils/p", Some("ru-RU,ru;q=0.9")).await;
    assert_eq!(ru.headers["content-language"], "ru");
    assert!(ru.text.contains("мәслихат") || ru.text.contains("маслихат"), "a Russian page");
    assert_ne!(ru.text, en.text, "a Russian reader never gets the English page");
    let by_cookie = page_with_cookie(&app, "/councils/p", "lang=ru").await;
    assert_eq!(by_cookie.headers["content-language"], "ru");
    assert_eq!(cache_status(&by_cookie), "maslikhat; hit", "the cookie and Accept-Language name one language");
    assert_eq!(by_cookie.text, ru.text);
    let kk = page(&app, "/councils/p", None).await;
    assert_eq!(kk.headers["content-language"], "kk", "no preference is Kazakh, not the last one cached");
    // A page whose language the query chose sets the visitor's cookie: private, never stored.
    for _ in 0..2 {
        let chosen = page(&app, "/councils/p?lang=en", Some("ru")).await;
        assert!(chosen.headers.contains_key("set-cookie"));
        assert!(chosen.headers["cache-control"].to_str().expect("cc").contains("private"));
        assert_ne!(cache_status(&chosen), "maslikhat; hit", "a private page is never answered from the cache");
    }
    // The workspace is signed in, per user: never cached.
    let sign_in = page(&app, "/publish/sign-in", Some("en")).await;
    let again = page(&app, "/publish/sign-in", Some("en")).await;
    assert_eq!(sign_in.status, 200);
    assert_ne!(cache_status(&again), "maslikhat; hit");
    // A publication empties the cache: the next page shows it.
    let etag = app.get("/v1/sessions/p-s7").await.header("etag").expect("etag").to_owned();
    let mut session = session7();
    session["agenda"][0]["titles"]["en"] = json!("On the amended budget");
    session["reason"] = json!("title corrected");
    let r = app.put_if("/v1/councils/p/sessions/p-s7", &app.publisher("p"), &session, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");
    let after = page(&app, "/sessions/p-s7", Some("en")).await;
    assert_ne!(cache_status(&after), "maslikhat; hit", "a publication makes every page stale");
    assert!(after.text.contains("On the amended budget"), "the page shows what was published");
}

#[tokio::test]
async fn synthetic_data_is_labelled_on_every_page() {
    let app = spawn_app().await;
    assert!(maslikhat::demo::load_sample(&app.state).await.expect("sample"));
    let council =
        app.get("/v1/councils?level=district&limit=1").await.body["items"][0]["id"].as_str().expect("id").to_owned();
    let session = app.get(&format!("/v1/sessions?council={council}&limit=1")).await.body["items"][0]["id"]
        .as_str()
        .expect("session")
        .to_owned();
    let deputy = app.get(&format!("/v1/councils/{council}/deputies?limit=1")).await.body["items"][0]["id"]
        .as_str()
        .expect("deputy")
        .to_owned();
    let metrics = app.get(&format!("/v1/councils/{council}/metrics")).await.body;
    assert_eq!(metrics["synthetic"], true);
    for (lang, words) in [("kk", "жасанды"), ("ru", "синтетические"), ("en", "synthetic")] {
        for path in [
            "/".to_owned(),
            format!("/councils/{council}"),
            format!("/sessions/{session}"),
            format!("/deputies/{deputy}"),
            "/verify".to_owned(),
            "/rankings".to_owned(),
        ] {
            let r = page(&app, &path, Some(lang)).await;
            assert_eq!(r.status, 200, "{path}");
            assert!(r.text.contains("data-synthetic=\"true\""), "{lang} {path}: labelled synthetic");
            assert!(r.text.contains(words), "{lang} {path}: says so in words");
        }
    }
    let score = metrics.pointer("/openness/openness_score/value").and_then(Value::as_f64);
    let text = page(&app, &format!("/councils/{council}"), Some("en")).await.text;
    let shown = score.map_or("no data".to_owned(), en1);
    assert!(text.contains(&format!("data-metric=\"openness_score\">{shown}<")), "score {shown}");
}

/// An attribute value as maud writes it.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;")
}

const FACTS: [&str; 8] =
    ["notice_date", "notice_lead_time", "agenda_titles", "documents", "counts", "named_votes", "livestream", "minutes"];

#[tokio::test]
async fn the_home_page_shows_what_is_public_today_with_the_api_coverage_before_the_rankings() {
    let app = spawn_app().await;
    small_council(&app).await;
    let report =
        maslikhat::interchange::public_records::load_bundled(&app.state.service.db).await.expect("bundled records");
    assert_eq!(report.stored, 22, "{report:?}");
    let cov = app.get("/v1/public-records/coverage").await;
    assert_eq!(cov.status, 200);
    let cov = cov.body;
    let records = cov["overall"]["records"].as_u64().expect("records");
    assert_eq!(records, 22);
    let councils = cov["councils"].as_array().expect("councils");
    assert_eq!(councils.len(), 13);

    for (lang, heading, real_words, platform_words) in [
        ("kk", "Бүгін не жария етіледі", "нақты, жасанды емес", "платформа арқылы жариялаған"),
        ("ru", "Что публикуется сегодня", "реальные, не синтетические", "опубликовали через платформу"),
        ("en", "What is public today", "real, not synthetic", "published through the platform"),
    ] {
        let home = page(&app, "/", Some(lang)).await;
        assert_eq!(home.status, 200);
        let t = &home.text;
        assert!(t.contains(heading), "{lang}: heading");
        assert!(!t.contains(">?<"), "{lang}: every interface text is translated");
        assert!(t.contains(real_words), "{lang}: says the records are real");
        assert!(t.contains(platform_words), "{lang}: says what the rankings are computed from");
        assert!(t.contains("adilet.zan.kz"), "{lang}: names the public sources");
        assert!(t.contains("href=\"/v1/public-records/coverage\""), "{lang}: links the API request");
        assert!(t.contains("href=\"/public-records\""), "{lang}: links the list");
        let today = t.find("id=\"public-today\"").expect("section");
        let rankings = t.find("id=\"rank-open\"").expect("rankings");
        assert!(today < rankings, "{lang}: real records come before the rankings");
        assert!(t.contains(&format!("data-total=\"public_records\">{records}<")));
        // Each council's coverage is on the list of real records, linked from the home page.
        assert!(t.contains("href=\"/public-records#public-today-councils\""), "{lang}: links the coverage by council");
        let list = page(&app, "/public-records", Some(lang)).await.text;
        assert!(list.contains("id=\"public-today-councils\""), "{lang}: coverage by council on the list");
        for k in FACTS {
            let count = cov["overall"][k]["count"].as_u64().expect("count");
            let share = cov["overall"][k]["share"].as_f64().expect("share");
            assert!(t.contains(&format!("data-cov=\"overall/{k}\">{count}<")), "{lang}: overall {k} = {count}");
            assert!(
                t.contains(&format!("data-cov-share=\"overall/{k}\">{}<", pct(share, lang))),
                "{lang}: overall {k} share {}",
                pct(share, lang)
            );
            for c in councils {
                let slug = c["council"].as_str().expect("slug");
                let n = c["coverage"]["records"].as_u64().expect("records");
                let count = c["coverage"][k]["count"].as_u64().expect("count");
                assert!(list.contains(&format!("data-cov=\"{slug}/{k}\">{count} / {n}<")), "{lang}: {slug} {k}");
            }
        }
        // Real councils link to their records, never to the platform's council of the same slug.
        assert!(list.contains("href=\"/public-records?council=akmola-oblast\""));
        assert!(!list.contains("href=\"/councils/akmola-oblast\""));
        assert!(!t.contains("href=\"/councils/akmola-oblast\""));
    }
    // Values the file gives directly: 4 notices with a date, no named vote anywhere.
    assert_eq!(cov["overall"]["notice_date"]["count"], 4);
    assert_eq!(cov["overall"]["named_votes"]["count"], 0);

    // Beside the synthetic country the section says the rankings are synthetic.
    let app = spawn_app().await;
    assert!(maslikhat::demo::load_sample(&app.state).await.expect("sample"));
    maslikhat::interchange::public_records::load_bundled(&app.state.service.db).await.expect("bundled records");
    let home = page(&app, "/", Some("en")).await.text;
    assert!(home.contains("The totals and rankings below are computed from synthetic data, not from these records."));
    assert!(home.contains(&format!("data-cov=\"overall/notice_date\">{}<", cov["overall"]["notice_date"]["count"])));
}

#[tokio::test]
async fn a_real_record_page_shows_every_source_and_says_what_the_sources_do_not_state() {
    let app = spawn_app().await;
    maslikhat::interchange::public_records::load_bundled(&app.state.service.db).await.expect("bundled records");
    let id = "akmola-oblast-viii-04";
    let api = app.get(&format!("/v1/public-records/{id}")).await;
    assert_eq!(api.status, 200);
    let rec = api.body;
    assert_eq!(rec["notice"]["date"], "2023-09-09");
    assert_eq!(rec["openness"]["notice"]["value"], 1.0);
    assert_eq!(rec["openness"]["roll_call"]["value"], Value::Null);
    let sources: Vec<&str> =
        rec["sources"].as_array().expect("sources").iter().map(|s| s["url"].as_str().expect("url")).collect();
    assert_eq!(sources.len(), 3);

    for (lang, not_stated, notice_value, unanimous) in [
        ("kk", "дереккөздерде көрсетілмеген", "100,0 %", "Бір ауыздан деп хабарланған"),
        ("ru", "в источниках не указано", "100,0 %", "Сообщается: единогласно"),
        ("en", "not stated in the sources", "100.0 %", "Reported as unanimous"),
    ] {
        let r = page(&app, &format!("/public-records/{id}"), Some(lang)).await;
        assert_eq!(r.status, 200, "{lang}");
        let t = &r.text;
        assert!(t.contains(&format!("<html lang=\"{lang}\"")));
        for url in &sources {
            assert!(t.contains(&format!("href=\"{}\" rel=\"noopener\"", attr(url))), "{lang}: source {url} linked");
        }
        let notice_url = rec["notice"]["source_url"].as_str().expect("notice source");
        let notice_at = t.find("id=\"notice\"").expect("notice section");
        assert!(t[notice_at..].contains(&attr(notice_url)), "{lang}: the notice's own source");
        assert!(
            t.contains("data-fact=\"notice_date\"><time datetime=\"2023-09-09\">2023-09-09</time>"),
            "{lang}: the notice date as given"
        );
        assert!(t.contains("data-fact=\"notice_lead_days\">4 "), "{lang}: four days' notice");
        assert!(t.contains(&format!("data-component=\"notice\">{notice_value}<")), "{lang}: notice component 1");
        assert!(t.contains("no_vote_events"), "{lang}: roll_call is null with its reason");
        assert!(t.contains(not_stated), "{lang}: unknowns said to be unknown");
        // Not stated in the file: whether the sitting was open, or broadcast.
        assert!(t.contains(&format!("data-fact=\"open\"><em class=\"unknown\" data-unknown=\"true\">{not_stated}<")));
        assert!(
            t.contains(&format!("data-fact=\"livestream\"><em class=\"unknown\" data-unknown=\"true\">{not_stated}<"))
        );
        assert!(t.contains("data-provenance=\"public_sources\""), "{lang}: provenance");
        assert!(t.contains("data-field=\"provenance\" data-value=\"public_sources\">"), "{lang}: provenance field");
        assert!(!t.contains(">public_sources<"), "{lang}: the provenance in words, not its code");
        assert!(t.contains(&format!("href=\"/v1/public-records/{id}\"")), "{lang}: links the API request");
        assert!(t.contains("href=\"/public-records?council=akmola-oblast\""), "{lang}: council links to its records");
        assert!(!t.contains("href=\"/councils/akmola-oblast\""), "{lang}: never to the synthetic council");
        assert!(!t.contains("data-synthetic"), "{lang}: real records are not labelled synthetic");
        assert!(t.contains("Об установлении перечня пилотных регионов"), "{lang}: agenda title as given");
        assert!(!t.contains(">?<"), "{lang}: every interface text is translated");

        // A reported "unanimous" stays what it is: no counts are shown.
        let u = page(&app, "/public-records/astana-city-viii-01", Some(lang)).await.text;
        assert!(u.contains("data-unanimous=\"true\"") && u.contains(unanimous), "{lang}: unanimous as reported");
        assert!(!u.contains("data-count="), "{lang}: no invented counts");
        // Counts where stated, and unknown where not.
        let c = page(&app, "/public-records/almaty-city-viii-2025-akim-consent", Some(lang)).await.text;
        assert!(c.contains("data-count=\"yes\">23<") && c.contains("data-count=\"yes\">9<"), "{lang}: stated counts");
        assert!(c.contains(&format!("data-count=\"no\"><em class=\"unknown\" data-unknown=\"true\">{not_stated}<")));
    }

    // The list shows every record once, and filters by council.
    let all = app.get("/v1/public-records?limit=500").await.body;
    let list = page(&app, "/public-records", Some("en")).await;
    assert_eq!(list.status, 200);
    for item in all["items"].as_array().expect("items") {
        let rid = item["id"].as_str().expect("id");
        assert_eq!(list.text.matches(&format!("href=\"/public-records/{rid}\"")).count(), 1, "{rid} listed once");
    }
    assert!(list.text.contains("href=\"/v1/public-records\""));
    let akmola = page(&app, "/public-records?council=akmola-oblast", Some("ru")).await;
    assert_eq!(akmola.status, 200);
    assert_eq!(akmola.text.matches("data-record=").count(), 2, "two Akmola records");
    assert!(akmola.text.contains("href=\"/v1/public-records?council=akmola-oblast\""));
    assert!(!akmola.text.contains("data-record=\"astana-city-viii-01\""));
}

#[tokio::test]
async fn unknown_real_records_are_html_404_pages_in_each_language() {
    let app = spawn_app().await;
    maslikhat::interchange::public_records::load_bundled(&app.state.service.db).await.expect("bundled records");
    for (lang, words) in [("kk", "Табылмады"), ("ru", "Не найдено"), ("en", "Not found")] {
        for path in ["/public-records/no-such-record", "/public-records/%20Bad", "/public-records?council=nowhere"] {
            let r = page(&app, path, Some(lang)).await;
            assert_eq!(r.status, 404, "{path}");
            assert!(r.headers["content-type"].to_str().unwrap_or("").starts_with("text/html"), "{path}");
            assert!(r.text.contains(words), "{lang} {path}");
        }
    }
    let api = app.get("/v1/public-records/no-such-record").await;
    assert_eq!(api.status, 404);
    assert!(api.is_problem());
}

/// The home page answers at a glance: search and "find my council" first, what is public today,
/// then the top and bottom of the ranking, real councils ranked apart from synthetic ones, the
/// synthetic notice only above the synthetic part; the full list on `/rankings`.
#[tokio::test]
async fn the_home_page_puts_search_first_and_never_ranks_real_councils_among_synthetic_ones() {
    let app = spawn_app().await;
    assert!(maslikhat::demo::load_sample(&app.state).await.expect("sample"));
    small_council(&app).await;
    let ranking = app.get("/v1/rankings?metric=openness_score").await.body;
    let items = ranking["items"].as_array().expect("items");
    assert!(items.len() >= 2, "{ranking}");
    let district = app.get("/v1/councils?level=district&limit=50").await.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] != "p" && c["parent"].is_string())
        .cloned()
        .expect("a synthetic district with a parent");
    let region = district["parent"].as_str().expect("parent").to_owned();
    let district = district["id"].as_str().expect("id").to_owned();

    for lang in ["kk", "ru", "en"] {
        let t = page(&app, "/", Some(lang)).await.text;
        let at = |needle: &str| t.find(needle).unwrap_or_else(|| panic!("{lang}: {needle} on the home page"));
        // Search and "find my council" come first.
        let search = at("data-home-search=\"true\"");
        let find = at("name=\"region\"");
        let rankings = at("id=\"rank-open\"");
        assert!(search < rankings && find < rankings && at("id=\"public-today\"") < rankings, "{lang}: order");
        assert!(t[..search].contains("action=\"/search\""), "{lang}: the search box is a GET form to /search");
        assert!(t.contains(&format!("<option value=\"{region}\">")), "{lang}: the region is offered");
        // The real council is ranked first among real ones, before the synthetic notice.
        let real = at("data-ranking=\"real\"");
        let synthetic = at("data-ranking=\"synthetic\"");
        let banner = at("data-synthetic=\"true\"");
        assert_eq!(t.matches("data-synthetic=").count(), 1, "{lang}: one notice");
        assert!(real < banner && banner < synthetic, "{lang}: the notice stands above the synthetic part only");
        assert!(t.contains("data-rank=\"p\">1<"), "{lang}: the real council is ranked among real ones");
        let p_row = at("data-rank-row=\"p\"");
        assert!(p_row < banner, "{lang}: the real council is not in the synthetic ranking");
        assert_eq!(t.matches("data-rank-row=\"p\"").count(), 1, "{lang}: shown once");
        // The synthetic ranking starts at 1 again, whatever the real council scored.
        assert!(t[synthetic..].contains(">1</td>"), "{lang}: synthetic ranks start at 1");
        assert!(t.contains("href=\"/rankings\""), "{lang}: links the full list");
        assert!(!t.contains(">?<"), "{lang}: every interface text is translated");

        // "Find my council" without script: the region's councils as links.
        let found = page(&app, &format!("/?region={region}"), Some(lang)).await.text;
        assert!(found.contains(&format!("<option value=\"{region}\" selected>")), "{lang}: the choice is kept");
        assert!(found.contains(&format!("data-region=\"{region}\"")), "{lang}: lists the region's councils");
        assert!(found.contains(&format!("href=\"/councils/{district}\"")), "{lang}: links {district}");
        // An unknown region lists nothing and is no error.
        let unknown = page(&app, "/?region=no-such-region", Some(lang)).await;
        assert_eq!(unknown.status, 200);
        assert!(!unknown.text.contains("data-region="), "{lang}: nothing listed for an unknown region");

        // The full list: every council, real ones apart, each part ranked from 1.
        let full = page(&app, "/rankings", Some(lang)).await;
        assert_eq!(full.status, 200);
        let f = &full.text;
        for c in items {
            let id = c["council"].as_str().expect("council");
            assert!(
                f.contains(&format!("data-council=\"{id}\" data-metric=\"openness_score\"")),
                "{lang}: {id} listed"
            );
        }
        assert!(f.contains("data-rank=\"p\">1<"), "{lang}: the real council first among real ones");
        assert!(f.find("data-rank-row=\"p\"") < f.find("data-synthetic"), "{lang}: before the synthetic notice");
    }
}

/// The stored enumeration words (and the `kid` field name), which a page must never show raw.
fn enum_words() -> Vec<&'static str> {
    use maslikhat::domain::enums as d;
    let mut words = vec!["kid"];
    for all in [
        d::Level::ALL,
        d::RegistrationStatus::ALL,
        d::SeatType::ALL,
        d::Nomination::ALL,
        d::EndReason::ALL,
        d::RoleKind::ALL,
        d::CommissionKind::ALL,
        d::Gender::ALL,
        d::SessionKind::ALL,
        d::SessionStatus::ALL,
        d::Initiator::ALL,
        d::ItemResult::ALL,
        d::DocumentKind::ALL,
        d::VoteStage::ALL,
        d::VoteMethod::ALL,
        d::MajorityRule::ALL,
        d::VoteResult::ALL,
        d::BallotOption::ALL,
        d::SpeakerRole::ALL,
        d::SpeechType::ALL,
        d::Provenance::ALL,
    ] {
        words.extend_from_slice(all);
    }
    words.extend(["held_reported", "announced_only", "decision_registered", "deputies_meeting", "agenda_item"]);
    words
}

/// The raw enumeration words a page shows: in the text outside `code`, `pre`, `script`, `style`
/// and `title` (which show API requests and identifiers on purpose), any snake_case word; and any
/// piece of text (between tags, "·", ",", ";", ":", brackets) that is an enumeration word on its
/// own: in Kazakh and Russian any, in English those that are no English word.
fn raw_enum_words(html: &str, lang: &str, words: &[&str]) -> Vec<String> {
    let mut text = html.to_owned();
    // Text the team wrote in English (marked `lang="en"` on other pages) follows the English rule.
    let mut english = vec![];
    if lang != "en" {
        let open = "<span lang=\"en\">";
        while let Some(start) = text.find(open) {
            let Some(end) = text[start..].find("</span>") else { break };
            english.extend(raw_enum_words(&text[start + open.len()..start + end], "en", words));
            text.replace_range(start..start + end + "</span>".len(), "\u{1}");
        }
    }
    for tag in ["code", "pre", "script", "style", "title"] {
        while let Some(start) = text.find(&format!("<{tag}")) {
            let close = format!("</{tag}>");
            let Some(end) = text[start..].find(&close) else { break };
            text.replace_range(start..start + end + close.len(), "\u{1}");
        }
    }
    // Tags (with their attributes) become separators.
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push('\u{1}');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let mut found = vec![];
    for w in plain.split(|c: char| !(c.is_ascii_lowercase() || c == '_')) {
        if w.contains('_') && words.contains(&w) {
            found.push(w.to_owned());
        }
    }
    for piece in plain.split(['\u{1}', '·', ',', ';', ':', '(', ')']) {
        let p = piece.trim();
        if words.contains(&p) && (lang != "en" || p.contains('_') || p == "national" || p == "kid") {
            found.push(p.to_owned());
        }
    }
    found.extend(english);
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_raw_word_scan_finds_what_it_should() {
    let words = enum_words();
    assert_eq!(raw_enum_words("<dt>kid</dt><dd><code>k1</code></dd>", "en", &words), ["kid"]);
    assert_eq!(raw_enum_words("<dd><a href=\"/x\">Мәслихат</a> · national</dd>", "en", &words), ["national"]);
    assert_eq!(raw_enum_words("<p>провенанс: public_sources.</p>", "ru", &words), ["public_sources"]);
    assert_eq!(raw_enum_words("<td>held</td>", "kk", &words), ["held"]);
    assert!(raw_enum_words("<td>held</td><p>it was held today</p>", "en", &words).is_empty());
    assert!(
        raw_enum_words("<p data-provenance=\"public_sources\"><code>roll_call</code></p>", "kk", &words).is_empty()
    );
    assert!(raw_enum_words("<p><span lang=\"en\">the session (agenda, votes)</span></p>", "kk", &words).is_empty());
    assert_eq!(raw_enum_words("<p><span lang=\"en\">as public_sources</span></p>", "ru", &words), ["public_sources"]);
}

#[tokio::test]
async fn no_page_shows_a_raw_enumeration_word_in_any_language() {
    let app = spawn_app().await;
    assert!(maslikhat::demo::load_sample(&app.state).await.expect("sample"));
    small_council(&app).await;
    maslikhat::interchange::public_records::load_bundled(&app.state.service.db).await.expect("bundled records");
    let words = enum_words();
    let council =
        app.get("/v1/councils?level=district&limit=1").await.body["items"][0]["id"].as_str().expect("id").to_owned();
    let region = app.get(&format!("/v1/councils/{council}")).await.body["parent"].as_str().unwrap_or("").to_owned();
    let session = app.get(&format!("/v1/sessions?council={council}&limit=1")).await.body["items"][0]["id"]
        .as_str()
        .expect("session")
        .to_owned();
    let deputy = app.get(&format!("/v1/councils/{council}/deputies?limit=1")).await.body["items"][0]["id"]
        .as_str()
        .expect("deputy")
        .to_owned();
    let records = app.get("/v1/public-records?limit=100").await.body;
    let mut paths = vec![
        "/".to_owned(),
        format!("/?region={region}"),
        "/rankings".to_owned(),
        "/councils/p".to_owned(),
        "/sessions/p-s7".to_owned(),
        "/sessions/p-s7/diff?from=1&to=1".to_owned(),
        "/deputies/p-d1".to_owned(),
        "/deputies/p-d3".to_owned(),
        format!("/councils/{council}"),
        format!("/sessions/{session}"),
        format!("/deputies/{deputy}"),
        "/verify".to_owned(),
        "/search?q=budget".to_owned(),
        "/search?q=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82".to_owned(),
        "/public-records".to_owned(),
    ];
    for r in records["items"].as_array().expect("records") {
        paths.push(format!("/public-records/{}", r["id"].as_str().expect("id")));
    }
    assert!(paths.len() > 30, "{} pages", paths.len());
    let mut checked = 0;
    for lang in ["kk", "ru", "en"] {
        for path in &paths {
            let r = page(&app, path, Some(lang)).await;
            assert_eq!(r.status, 200, "{lang} {path}");
            let raw = raw_enum_words(&r.text, lang, &words);
            assert!(raw.is_empty(), "{lang} {path}: raw enumeration words {raw:?}");
            checked += 1;
        }
    }
    assert!(checked > 90, "{checked} pages checked");
}

fn in_russian(lang: &str) -> &'static str {
    match lang {
        "kk" => "орысша",
        "ru" => "на русском",
        _ => "in Russian",
    }
}

/// The text of the first element after `from` that opens with `open` (e.g. `<h3`), tags removed.
fn text_of(html: &str, from: &str, open: &str) -> String {
    let start = html.find(from).unwrap_or_else(|| panic!("{from} on the page"));
    let rest = &html[start..];
    let at = rest.find(open).unwrap_or_else(|| panic!("{open} after {from}"));
    let name = open.trim_start_matches('<').split_whitespace().next().unwrap_or_default();
    let end = rest[at..].find(&format!("</{name}>")).expect("closed");
    let tags = fancy_regex::Regex::new("<[^>]*>").expect("regex");
    tags.replace_all(&rest[at..at + end], "").trim().to_owned()
}

/// Every value of attribute `attr` on elements that also carry `marker`, in page order.
fn hrefs_marked(html: &str, marker: &str) -> Vec<String> {
    let re = fancy_regex::Regex::new(&format!("<a [^>]*{marker}[^>]*href=\"([^\"]*)\"")).expect("regex");
    re.captures_iter(html)
        .filter_map(Result::ok)
        .map(|c| c.get(1).expect("href").as_str().replace("&amp;", "&"))
        .collect()
}

#[tokio::test]
async fn the_session_page_shows_notices_corrections_with_reasons_and_diffs_minutes_and_numbers_once() {
    let app = spawn_app().await;
    small_council(&app).await;
    let etag = app.get("/v1/sessions/p-s7").await.header("etag").expect("etag").to_owned();
    let mut v2 = session7();
    v2["place"] = json!("Зал 2");
    v2["reason"] = json!("Орны қате жазылған <зал> & күні");
    // The minutes misread p-d3's ballot: "no" was "yes".
    v2["vote_events"][0]["ballots"][2]["option"] = json!("yes");
    let r = app.put_if("/v1/councils/p/sessions/p-s7", &app.publisher("p"), &v2, &etag).await;
    assert_eq!(r.status, 200, "{r:?}");
    for lang in ["kk", "ru", "en"] {
        let html = page(&app, "/sessions/p-s7", Some(lang)).await;
        assert_eq!(html.status, 200);
        let t = &html.text;
        // The declared notice, with its source, and the document's declared time with its source.
        assert!(t.contains("data-notice=\"https://example.kz/notice\""), "{lang}: the declared notice");
        assert!(t.contains("href=\"https://example.kz/notice\""), "{lang}: its source is a link");
        assert!(t.contains("2024-05-01 10:00"), "{lang}: when the notice was declared");
        assert!(
            t.contains("data-declared-source=\"p7-doc\">https://example.kz/board<"),
            "{lang}: the document's source"
        );
        // The correction: its reason (escaped) and a link to what changed, which resolves.
        assert!(t.contains("data-correction=\"2\""), "{lang}: version 2 listed as a correction");
        assert!(!t.contains("data-correction=\"1\""), "{lang}: the first version is no correction");
        assert!(t.contains("Орны қате жазылған &lt;зал&gt; &amp; күні"), "{lang}: the reason, escaped");
        let diffs = hrefs_marked(t, "data-diff");
        assert_eq!(diffs, ["/sessions/p-s7/diff?from=1&to=2"], "{lang}");
        // The diff page: the field by its label, before and after, the ballot by the deputy's
        // page and the options' labels, the reason, and the API's own diff, which resolves.
        let d = page(&app, &diffs[0], Some(lang)).await;
        assert_eq!(d.status, 200, "{lang}: {}", d.text);
        let d = &d.text;
        let (place, yes, no) = match lang {
            "kk" => ("Өтетін орны", "жақтап", "қарсы"),
            "ru" => ("Место", "за", "против"),
            _ => ("Place", "yes", "no"),
        };
        assert_eq!(text_of(d, "data-field=\"place\"", "<th"), place, "{lang}: the field's label");
        assert_eq!(text_of(d, "data-field=\"place\"", "<td data-from"), "—", "{lang}: no place before");
        assert_eq!(text_of(d, "data-field=\"place\"", "<td data-to"), "Зал 2", "{lang}");
        assert!(!d.contains("data-field=\"reason\""), "{lang}: the reason is no field of the record");
        assert!(d.contains("href=\"/deputies/p-d3\""), "{lang}: the deputy whose ballot changed");
        assert_eq!(text_of(d, "data-ballot-change=\"p-d3\"", "<td data-from"), no, "{lang}");
        assert_eq!(text_of(d, "data-ballot-change=\"p-d3\"", "<td data-to"), yes, "{lang}");
        assert_eq!(d.matches("data-ballot-change=").count(), 1, "{lang}: only p-d3's ballot changed");
        assert!(d.contains("Орны қате жазылған &lt;зал&gt; &amp; күні"), "{lang}: the reason, escaped");
        assert!(!d.contains("data-no-difference"), "{lang}");
        let json_diff = hrefs_marked(d, "")
            .into_iter()
            .find(|h| h.starts_with("/v1/sessions/p-s7/diff"))
            .expect("the page links the API's diff");
        let diff = app.get(&json_diff).await;
        assert_eq!(diff.status, 200, "{diff:?}");
        assert_eq!(diff.body["changed_fields"], json!(["place"]), "the API's diff agrees: {}", diff.body);
        assert_eq!(diff.body["ballots"][0]["deputy"], json!("p-d3"), "{}", diff.body);
        // Speeches in minutes: 300 s is 5.0 min, 45 s is 0.8 min.
        let (five, point8, min) = match lang {
            "en" => ("5.0", "0.8", "min"),
            _ => ("5,0", "0,8", "мин"),
        };
        assert!(t.contains(&format!("data-seconds=\"300\">{five} {min}<")), "{lang}: 300 s in minutes");
        assert!(t.contains(&format!("data-seconds=\"45\">{point8} {min}<")), "{lang}: 45 s in minutes");
        // The item's number once: the list's own markers are off, the heading says "1. ".
        let title = match lang {
            "kk" => "Бюджет туралы",
            "ru" => "О бюджете",
            _ => "On the budget",
        };
        assert_eq!(text_of(t, "id=\"item-p7-i1\"", "<h3"), format!("1. {title}"), "{lang}");
        assert!(t.contains("ol.agenda{list-style:none"), "the ordered list draws no second number");
    }
}

#[tokio::test]
async fn the_deputy_page_groups_votes_by_session_with_item_and_motion_and_shows_attendance_and_dissent_by_year() {
    let app = spawn_app().await;
    small_council(&app).await;
    // A second session, a year later: d3 absent; its item has a Russian title only.
    let s8 = json!({
        "convocation": "VIII", "number": 8, "kind": "extraordinary", "status": "held",
        "scheduled_start": "2025-02-10T10:00:00+05:00", "is_open": true,
        "agenda": [{"id": "p8-i1", "position": 1, "number_label": "1", "titles": {"ru": "О ремонте дорог"}, "initiator": "deputy"}],
        "vote_events": [{"id": "p8-v1", "agenda_item": "p8-i1", "motion": {"kk": "Мақұлдау", "ru": "Одобрить", "en": "Approve"}, "stage": "as_a_whole",
            "method": "roll_call", "majority_rule": "majority_of_present", "seats": 5, "result": "pass",
            "ballots": [{"deputy": "p-d1", "option": "yes"}, {"deputy": "p-d2", "option": "yes"}, {"deputy": "p-d3", "option": "absent"}]}]
    });
    let r = app.put("/v1/councils/p/sessions/p-s8", &app.publisher("p"), &s8).await;
    assert_eq!(r.status, 201, "{r:?}");
    for lang in ["kk", "ru", "en"] {
        let html = page(&app, "/deputies/p-d3", Some(lang)).await;
        assert_eq!(html.status, 200);
        let t = &html.text;
        // Grouped by session, newest first, each heading with the session's number and date.
        let s8_at = t.find("data-session=\"p-s8\"").expect("session 8 group");
        let s7_at = t.find("data-session=\"p-s7\"").expect("session 7 group");
        assert!(s8_at < s7_at, "{lang}: newest session first");
        let heading = text_of(t, "data-session=\"p-s7\"", "<h3");
        assert!(heading.contains("№ 7") && heading.contains("2024-05-10"), "{lang}: {heading}");
        // Each vote: the agenda item's title and the motion.
        let (item, motion) = match lang {
            "kk" => ("Бюджет туралы", "Қабылдау"),
            "ru" => ("О бюджете", "Принять"),
            _ => ("On the budget", "Adopt"),
        };
        assert_eq!(text_of(t, "data-item=\"p7-i1\"", "<a"), item, "{lang}");
        assert!(text_of(t, "data-session=\"p-s7\"", "<th scope=\"row\"").contains(motion), "{lang}: motion");
        // A title missing in the page's language says which one is shown.
        let only_ru = text_of(t, "data-item=\"p8-i1\"", "<a");
        if lang == "ru" {
            assert_eq!(only_ru, "О ремонте дорог");
        } else {
            assert_eq!(only_ru, format!("О ремонте дорог ({})", in_russian(lang)), "{lang}");
        }
        // By year: 2024 present and on the losing side (no on a passed vote); 2025 absent.
        let (full, zero) = (pct(1.0, lang), pct(0.0, lang));
        let row = |year: &str| text_of(t, &format!("<th scope=\"row\">{year}</th>"), "<td");
        assert_eq!(row("2024"), "1", "{lang}: one session in 2024");
        let year_rows = fancy_regex::Regex::new(r#"<tr><th scope="row">(\d{4})</th>(.*?)</tr>"#).expect("regex");
        let rows: Vec<(String, String)> = year_rows
            .captures_iter(t)
            .filter_map(Result::ok)
            .map(|c| {
                (
                    c.get(1).expect("year").as_str().to_owned(),
                    fancy_regex::Regex::new("<[^>]*>")
                        .expect("re")
                        .replace_all(c.get(2).expect("cells").as_str(), "|")
                        .into_owned(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("2024".to_owned(), format!("|1||1||{full}||{full}|")),
                ("2025".to_owned(), format!("|1||1||{zero}||{}|", no_value(lang))),
            ],
            "{lang}: sessions, votes, attendance, losing side per year"
        );
        assert!(t.contains("<svg"), "{lang}: drawn as well");
    }
}

fn no_value(lang: &str) -> &'static str {
    match lang {
        "kk" => "деректер жоқ",
        "ru" => "нет данных",
        _ => "no data",
    }
}

/// Each chart's view box width and the font sizes of its texts.
fn chart_fonts(html: &str) -> Vec<(f64, Vec<f64>)> {
    html.split("<svg")
        .skip(1)
        .map(|svg| {
            let svg = svg.split("</svg>").next().unwrap_or_default();
            let width =
                svg.split("viewBox=\"0 0 ").nth(1).and_then(|r| r.split(' ').next()).and_then(|w| w.parse().ok());
            let sizes = svg.split("font-size=\"").skip(1).filter_map(|r| r.split('"').next()?.parse().ok()).collect();
            (width.expect("a view box"), sizes)
        })
        .collect()
}

#[tokio::test]
async fn chart_text_is_drawn_at_11_px_or_more_on_a_390_px_phone() {
    let app = spawn_app().await;
    small_council(&app).await;
    // The narrowest a chart is drawn at 390 px: main's padding, then a vote's box and border.
    let column = 390.0 - 2.0 * 16.0 - 2.0 * 16.0 - 2.0;
    for lang in ["kk", "ru", "en"] {
        for path in ["/", "/rankings", "/councils/p", "/sessions/p-s7", "/deputies/p-d3"] {
            let html = page(&app, path, Some(lang)).await;
            assert_eq!(html.status, 200, "{path}");
            // Charts are never drawn wider than the style allows, so text stays near body size.
            assert!(html.text.contains(".chart{max-width:min(100%,440px)"), "{path}: the charts' width");
            for (width, fonts) in chart_fonts(&html.text) {
                for f in fonts {
                    let px = f * column / width;
                    assert!(
                        px >= 11.0,
                        "{lang} {path}: text of {f} in a view box {width} wide is {px:.1} px on a phone"
                    );
                    assert!(f * 440.0 / width <= 16.5, "{lang} {path}: text of {f} is too large on a desktop");
                }
            }
        }
        let council = page(&app, "/councils/p", Some(lang)).await;
        assert!(chart_fonts(&council.text).len() >= 3, "{lang}: the council page draws its charts");
    }
}

#[tokio::test]
async fn the_diff_page_refuses_missing_or_malformed_versions_and_says_so_when_nothing_differs() {
    let app = spawn_app().await;
    small_council(&app).await;
    for (path, why) in [
        ("/sessions/p-s7/diff", "from"),
        ("/sessions/p-s7/diff?from=1", "to"),
        ("/sessions/p-s7/diff?from=0&to=1", "from=0"),
        ("/sessions/p-s7/diff?from=1&to=two", "to=two"),
    ] {
        let r = page(&app, path, Some("en")).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        let problem = r.text.split("data-problem>").nth(1).and_then(|x| x.split("</p>").next()).unwrap_or_default();
        assert!(problem.contains(why), "{path}: names {why}: {}", r.text);
    }
    // A version that does not exist, and a session that does not: not found.
    assert_eq!(page(&app, "/sessions/p-s7/diff?from=1&to=9", Some("en")).await.status, 404);
    assert_eq!(page(&app, "/sessions/nope/diff?from=1&to=2", Some("en")).await.status, 404);
    let same = page(&app, "/sessions/p-s7/diff?from=1&to=1", Some("ru")).await;
    assert_eq!(same.status, 200);
    assert!(same.text.contains("data-no-difference>Эти две версии не различаются.</p>"), "{}", same.text);
}
