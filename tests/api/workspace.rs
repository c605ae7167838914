//! The publisher workspace (issue 18) through the real router: accounts and sign-in, CSRF,
//! councils, revocation and expiry, inert hostile text, refused spreadsheets, and a clerk's whole
//! flow from an empty roster to a corrected session record served by the API.

use chrono::Duration;
use maslikhat::store::accounts::{self, AccountKind};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/rollcall-samples");

/// A browser without JavaScript: keeps its cookie, follows no redirect by itself.
struct Browser {
    base: String,
    client: reqwest::Client,
    cookie: Option<String>,
}

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    html: String,
}

impl Page {
    fn csrf(&self) -> String {
        let at = self.html.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
        self.html[at..].split('"').next().unwrap_or_default().to_owned()
    }
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Browser { base: app.base.clone(), client, cookie: None }
    }

    async fn read(&mut self, resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        if let Some(c) = headers.get("set-cookie").and_then(|v| v.to_str().ok())
            && let Some(v) = c.strip_prefix("mk_ws=")
        {
            let v = v.split(';').next().unwrap_or_default();
            self.cookie = if v.is_empty() { None } else { Some(v.to_owned()) };
        }
        Page { status, headers, html: resp.text().await.expect("body") }
    }

    fn with_cookie(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(c) => r.header("cookie", format!("mk_ws={c}; lang=en")),
            None => r.header("cookie", "lang=en"),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let r = self.with_cookie(self.client.get(format!("{}{path}", self.base)));
        let resp = r.send().await.expect("get");
        self.read(resp).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = self.with_cookie(self.client.post(format!("{}{path}", self.base)));
        let body: String = fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
        let resp = r.header("content-type", "application/x-www-form-urlencoded").body(body).send().await.expect("post");
        self.read(resp).await
    }

    async fn upload(&mut self, path: &str, fields: &[(&str, &str)], file: &str, bytes: &[u8]) -> Page {
        let boundary = "----maslikhat-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
        }
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let r = self.with_cookie(self.client.post(format!("{}{path}", self.base)));
        let resp = r
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("upload");
        self.read(resp).await
    }

    /// Follows a sign-in link: the GET shows a button; the POST exchanges the token.
    async fn sign_in(&mut self, token: &str) -> Page {
        let shown = self.get(&format!("/publish/sign-in?token={token}")).await;
        assert_eq!(shown.status, 200);
        assert!(shown.html.contains(token), "the form carries the token");
        self.post("/publish/sign-in", &[("token", token)]).await
    }
}

/// The violations section of a page, for failure messages.
fn violations(html: &str) -> String {
    html.split("class=\"violations\"")
        .nth(1)
        .map_or_else(|| "no violations shown".into(), |s| s.chars().take(3000).collect())
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn account(app: &TestApp, kind: AccountKind, council: Option<&str>) -> (accounts::Account, String) {
    accounts::create_account(&app.state.service.db, "Test Person", kind, council, Duration::hours(1))
        .await
        .expect("account")
}

async fn clerk(app: &TestApp, council: &str) -> Browser {
    let (_, token) = account(app, AccountKind::Council, Some(council)).await;
    let mut b = Browser::new(app);
    let r = b.sign_in(&token).await;
    assert_eq!(r.status, 303, "{}", r.html);
    b
}

/// Seeds parties and a 25-seat district council `id` with convocation VIII.
async fn seed(app: &TestApp, id: &str) {
    app.seed_council(id).await;
    let mut c = crate::helpers::council(id);
    c["seats"] = json!(25);
    let etag = app.get(&format!("/v1/councils/{id}")).await.header("etag").expect("etag").to_owned();
    let r = app.put_if(&format!("/v1/councils/{id}"), &app.admin(), &c, &etag).await;
    assert!(r.status == 200 || r.status == 201, "{r:?}");
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_gives_a_strict_http_only_cookie() {
    let app = spawn_app().await;
    let (_, token) = account(&app, AccountKind::Admin, None).await;
    let mut b = Browser::new(&app);
    let r = b.sign_in(&token).await;
    assert_eq!(r.status, 303);
    let cookie = r.headers.get("set-cookie").and_then(|v| v.to_str().ok()).expect("a cookie").to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/publish"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: no Secure flag");
    assert!(!cookie.contains(&token), "the cookie is not the sign-in token");
    let home = b.get("/publish").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(home.headers.get("content-security-policy").is_some());

    // The same link again: refused.
    let mut again = Browser::new(&app);
    let r = again.post("/publish/sign-in", &[("token", &token)]).await;
    assert_eq!(r.status, 401);
    assert!(again.cookie.is_none());

    // Over TLS (as a proxy reports it) the cookie is Secure.
    let (a, _) = account(&app, AccountKind::Admin, None).await;
    let token = accounts::new_sign_in(&app.state.service.db, &a.id, Duration::hours(1)).await.unwrap();
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/publish/sign-in", app.base))
        .header("x-forwarded-proto", "https")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");

    // Signing out ends the session.
    let csrf = b.get("/publish").await.csrf();
    let out = b.post("/publish/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(b.get("/publish").await.status, 401);
}

/// A sign-in attempt from client `addr` (behind the trusted proxy 127.0.0.1): status, headers, body.
async fn sign_in_from(
    app: &TestApp,
    addr: &str,
    token: &str,
    lang: &str,
    json: bool,
) -> (u16, reqwest::header::HeaderMap, String) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let r = client
        .post(format!("{}/publish/sign-in", app.base))
        .header("x-forwarded-for", addr)
        .header("cookie", format!("lang={lang}"));
    let r = if json {
        r.header("content-type", "application/json").header("accept", "application/json").json(&json!({"token": token}))
    } else {
        r.header("content-type", "application/x-www-form-urlencoded").body(format!("token={}", enc(token)))
    };
    let resp = r.send().await.expect("post");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.expect("body"))
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_client_address_without_locking_out_other_clients() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".into()];
        s.sign_in_client_burst = 3;
        s.sign_in_client_period_seconds = 600;
    })
    .await;
    let guesser = "198.51.100.7";
    for i in 0..3 {
        let (status, _, _) = sign_in_from(&app, guesser, &format!("guess-{i}"), "ru", false).await;
        assert_eq!(status, 401, "attempt {i} is within the client's burst");
    }
    // The fourth, from a form: a page in the user's language, with Retry-After.
    let (status, h, html) = sign_in_from(&app, guesser, "guess-3", "ru", false).await;
    assert_eq!(status, 429, "{html}");
    assert!(header(&h, "content-type").starts_with("text/html"), "{h:?}");
    assert!(html.contains("Слишком много попыток входа"), "{html}");
    let retry: u64 = header(&h, "retry-after").parse().expect("Retry-After in seconds");
    assert!((1..=600).contains(&retry), "{retry}");
    assert!(html.contains(&format!("{retry} с")), "the page says how long: {html}");
    // A program asking the same: problem+json, the same type as every other 429.
    let (status, h, body) = sign_in_from(&app, guesser, "guess-4", "en", true).await;
    assert_eq!(status, 429);
    assert_eq!(header(&h, "content-type"), "application/problem+json");
    let problem: Value = serde_json::from_str(&body).expect("json");
    assert!(problem["type"].as_str().unwrap_or_default().ends_with("/rate-limited"), "{problem}");
    assert!(!header(&h, "retry-after").is_empty());
    // Even a valid link is refused from that address now, and is not used up by the refusal.
    let (_, token) = account(&app, AccountKind::Admin, None).await;
    let (status, _, _) = sign_in_from(&app, guesser, &token, "en", false).await;
    assert_eq!(status, 429);
    // Another client behind the same proxy is not locked out, and the link still works there.
    let (status, h, _) = sign_in_from(&app, "203.0.113.1", &token, "en", false).await;
    assert_eq!(status, 303, "another address signs in");
    assert!(header(&h, "set-cookie").starts_with("mk_ws="));
    // A program's failure (no limit reached) is problem+json too.
    let (status, h, _) = sign_in_from(&app, "203.0.113.1", "nonsense", "en", true).await;
    assert_eq!(status, 401);
    assert_eq!(header(&h, "content-type"), "application/problem+json");
}

#[tokio::test]
async fn failed_sign_ins_with_an_accounts_links_are_limited_per_account_from_every_address() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".into()];
        s.sign_in_account_burst = 3;
        s.sign_in_account_period_seconds = 600;
    })
    .await;
    // An expired link names its account; so does a used one.
    let (expired, token) =
        accounts::create_account(&app.state.service.db, "Late Clerk", AccountKind::Admin, None, Duration::seconds(-1))
            .await
            .expect("account");
    for (i, addr) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"].into_iter().enumerate() {
        let (status, _, _) = sign_in_from(&app, addr, &token, "en", false).await;
        assert_eq!(status, 401, "failure {i} of the expired link");
    }
    // The fourth failure, from a fresh address: the account's attempts are used up.
    let (status, h, html) = sign_in_from(&app, "198.51.100.4", &token, "kk", false).await;
    assert_eq!(status, 429, "{html}");
    assert!(html.contains("Кіру әрекеттері тым көп"), "{html}");
    assert!(!header(&h, "retry-after").is_empty());
    // Other accounts and unknown tokens from that address are untouched.
    let (_, other) = account(&app, AccountKind::Admin, None).await;
    assert_eq!(sign_in_from(&app, "198.51.100.4", "no-such-link", "en", false).await.0, 401);
    assert_eq!(sign_in_from(&app, "198.51.100.4", &other, "en", false).await.0, 303);
    // A used link keeps counting against its account.
    for _ in 0..2 {
        assert_eq!(sign_in_from(&app, "198.51.100.5", &other, "en", false).await.0, 401, "a used link");
    }
    assert_eq!(sign_in_from(&app, "198.51.100.6", &other, "en", true).await.0, 429, "success + 2 failures: burst of 3");
    // The expired account's admin issues a new link after the wait: the account is still limited
    // until an attempt comes back (Retry-After), however fresh the link.
    let fresh = accounts::new_sign_in(&app.state.service.db, &expired.id, Duration::hours(1)).await.expect("link");
    assert_eq!(sign_in_from(&app, "203.0.113.9", &fresh, "en", false).await.0, 429);
}

#[tokio::test]
async fn an_admin_creates_a_clerk_in_the_browser_and_the_clerk_signs_in_with_the_link() {
    let app = spawn_app().await;
    seed(&app, "wsa").await;
    let (_, token) = account(&app, AccountKind::Admin, None).await;
    let mut admin = Browser::new(&app);
    admin.sign_in(&token).await;
    let page = admin.get("/publish/admin/accounts").await;
    let csrf = page.csrf();
    let created = admin
        .post("/publish/admin/accounts", &[("csrf", &csrf), ("name", "Clerk"), ("kind", "council"), ("council", "wsa")])
        .await;
    assert_eq!(created.status, 200, "{}", created.html);
    let at = created.html.find("data-sign-in-link>").expect("the link is shown once") + 18;
    let link = created.html[at..].split('<').next().unwrap().to_owned();
    let token = link.split("token=").nth(1).unwrap();
    let mut clerk = Browser::new(&app);
    assert_eq!(clerk.sign_in(token).await.status, 303);
    let home = clerk.get("/publish").await;
    assert!(home.html.contains("/publish/councils/wsa/roster"));
    // A clerk is not an admin.
    assert_eq!(clerk.get("/publish/admin/accounts").await.status, 403);
    // Missing council: the field says so, nothing is created.
    let before = accounts::list_accounts(&app.state.service.db).await.unwrap().len();
    let r = admin.post("/publish/admin/accounts", &[("csrf", &csrf), ("name", "X"), ("kind", "council")]).await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("data-field=\"council\" data-rule=\"required\""), "{}", r.html);
    assert_eq!(accounts::list_accounts(&app.state.service.db).await.unwrap().len(), before);
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_change_nothing() {
    let app = spawn_app().await;
    seed(&app, "wsb").await;
    let mut b = clerk(&app, "wsb").await;
    let fields = [
        ("name_ru", "Иванов Иван"),
        ("convocation", "VIII"),
        ("start_date", "2023-03-20"),
        ("seat_type", "single_member"),
        ("nomination", "self_nominated"),
    ];
    let r = b.post("/publish/councils/wsb/roster/deputies", &fields).await;
    assert_eq!(r.status, 403);
    let mut wrong = fields.to_vec();
    wrong.push(("csrf", "not-the-token"));
    assert_eq!(b.post("/publish/councils/wsb/roster/deputies", &wrong).await.status, 403);
    let r = b.upload("/publish/councils/wsb/sessions/s1/rollcall", &[("csrf", "nope")], "a.csv", b"a,yes\n").await;
    assert_eq!(r.status, 403);
    let page = b.get("/publish/councils/wsb/roster").await;
    assert!(!page.html.contains("Иванов"), "nothing was kept");
    assert!(accounts::get_draft(&app.state.service.db, "roster:wsb").await.unwrap().is_none());
}

#[tokio::test]
async fn a_clerk_of_one_council_can_neither_open_nor_post_to_another() {
    let app = spawn_app().await;
    seed(&app, "wsc").await;
    let r = app.put("/v1/councils/wsd", &app.admin(), &crate::helpers::council("wsd")).await;
    assert_eq!(r.status, 201);
    let mut b = clerk(&app, "wsc").await;
    let csrf = b.get("/publish/councils/wsc/roster").await.csrf();
    let versions = app.version_count().await;
    assert_eq!(b.get("/publish/councils/wsd/roster").await.status, 403);
    assert_eq!(b.get("/publish/councils/wsd/sessions/x").await.status, 403);
    let r = b
        .post(
            "/publish/councils/wsd/roster/deputies",
            &[("csrf", &csrf), ("name_ru", "Чужой"), ("convocation", "VIII"), ("start_date", "2023-03-20")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(b.post("/publish/councils/wsd/roster/publish", &[("csrf", &csrf)]).await.status, 403);
    let r = b
        .post(
            "/publish/councils/wsd/sessions",
            &[
                ("csrf", &csrf),
                ("session", "x"),
                ("number", "1"),
                ("convocation", "VIII"),
                ("scheduled_start", "2024-05-15T10:00"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(accounts::get_draft(&app.state.service.db, "roster:wsd").await.unwrap().is_none());
    assert_eq!(app.version_count().await, versions, "nothing was published");
}

#[tokio::test]
async fn a_revoked_account_and_an_expired_session_are_refused() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    seed(&app, "wse").await;
    let (a, token) = account(&app, AccountKind::Council, Some("wse")).await;
    let mut b = Browser::new(&app);
    b.sign_in(&token).await;
    let csrf = b.get("/publish/councils/wse/roster").await.csrf();
    accounts::revoke_account(&app.state.service.db, &a.id).await.unwrap();
    assert_eq!(b.get("/publish/councils/wse/roster").await.status, 401);
    assert_eq!(b.post("/publish/councils/wse/roster/publish", &[("csrf", &csrf)]).await.status, 401);
    assert!(accounts::new_sign_in(&app.state.service.db, &a.id, Duration::hours(1)).await.is_err());

    let mut c = clerk(&app, "wse").await;
    assert_eq!(c.get("/publish").await.status, 200);
    app.state
        .service
        .db
        .execute_unprepared("UPDATE publisher_session SET expires_at = '2020-01-01 00:00:00+00:00'")
        .await
        .unwrap();
    assert_eq!(c.get("/publish").await.status, 401);

    // An expired sign-in link does not sign in.
    let (_, late) = accounts::create_account(
        &app.state.service.db,
        "Late",
        AccountKind::Council,
        Some("wse"),
        Duration::seconds(-1),
    )
    .await
    .unwrap();
    assert_eq!(Browser::new(&app).post("/publish/sign-in", &[("token", &late)]).await.status, 401);
}

/// Adds a deputy through the form; panics unless kept.
async fn add_deputy(b: &mut Browser, council: &str, csrf: &str, names: &[(&str, &str)], party: &str) {
    let mut f = vec![
        ("csrf", csrf),
        ("convocation", "VIII"),
        ("seat_type", "single_member"),
        ("district", "1"),
        ("nomination", "self_nominated"),
        ("start_date", "2023-03-20"),
        ("party", party),
        ("party_start", if party.is_empty() { "" } else { "2023-03-20" }),
    ];
    let keys: Vec<String> = names.iter().map(|(t, _)| format!("name_{t}")).collect();
    for (k, (_, v)) in keys.iter().zip(names) {
        f.push((k, v));
    }
    let r = b.post(&format!("/publish/councils/{council}/roster/deputies"), &f).await;
    assert_eq!(r.status, 303, "{}", r.html);
}

#[tokio::test]
async fn hostile_text_in_every_field_is_inert_in_the_workspace_and_on_the_public_pages() {
    let app = spawn_app().await;
    seed(&app, "wsx").await;
    let mut b = clerk(&app, "wsx").await;
    let csrf = b.get("/publish/councils/wsx/roster").await.csrf();
    let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    for i in 0..25 {
        let name = format!("Депутат {i} {evil}");
        add_deputy(&mut b, "wsx", &csrf, &[("ru", &name), ("en", "Deputy\" onmouseover=\"alert(3)")], "").await;
    }
    let roster = b.get("/publish/councils/wsx/roster").await;
    assert_eq!(roster.status, 200);
    let r = b.post("/publish/councils/wsx/roster/publish", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 200, "{}", r.html);
    let r = b
        .post(
            "/publish/councils/wsx/sessions",
            &[
                ("csrf", &csrf),
                ("session", "wsx-s1"),
                ("number", "1"),
                ("convocation", "VIII"),
                ("scheduled_start", "2024-05-15T10:00"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let base = "/publish/councils/wsx/sessions/wsx-s1";
    let item = format!("Бюджет {evil}");
    let r = b
        .post(
            &format!("{base}/agenda"),
            &[("csrf", &csrf), ("title_ru", &item), ("initiator", "akimat"), ("result", "adopted")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    // A javascript: URL is refused at its field; an http URL with markup in it is kept escaped.
    let r = b
        .post(
            &format!("{base}/document"),
            &[
                ("csrf", &csrf),
                ("title", evil),
                ("url", "javascript:alert(4)"),
                ("kind", "decision"),
                ("language", "ru"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("data-field=\"url\" data-rule=\"url\""));
    let r = b
        .post(
            &format!("{base}/document"),
            &[
                ("csrf", &csrf),
                ("title", evil),
                ("url", "https://example.kz/a\"><script>alert(5)</script>"),
                ("kind", "decision"),
                ("language", "ru"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let csv: String = (0..25).map(|i| format!("Депутат {i} {evil},за\n")).collect();
    let r = b
        .upload(
            &format!("{base}/rollcall"),
            &[("csrf", &csrf), ("agenda_item", "wsx-s1-a1"), ("motion", evil), ("stage", "as_a_whole")],
            "r.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html.split("role=\"alert\"").nth(1).unwrap_or_default());
    let review = b.get(base).await;
    assert!(!review.html.contains("data-match=\"unmatched\""), "hostile names still match themselves");
    assert_eq!(b.post(&format!("{base}/confirm"), &[("csrf", &csrf)]).await.status, 303);
    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 200, "{}", r.html);

    let mut pages = vec![b.get(base).await.html, b.get("/publish/councils/wsx/roster").await.html];
    for p in ["/sessions/wsx-s1?lang=ru", "/councils/wsx?lang=ru"] {
        let resp = reqwest::get(format!("{}{p}", app.base)).await.unwrap();
        assert_eq!(resp.status(), 200, "{p}");
        pages.push(resp.text().await.unwrap());
    }
    for html in &pages {
        for raw in ["<script>alert", "<img src=x", "onmouseover=\"alert", "javascript:alert"] {
            assert!(!html.contains(raw), "raw {raw} in a page");
        }
    }
    assert!(pages[0].contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the text is shown, escaped");
    assert!(pages[2].contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the public page shows it escaped");
}

/// A session draft with one agenda item, ready for roll calls against roster `council`.
async fn session_with_item(app: &TestApp, b: &mut Browser, council: &str, names: &[&str]) -> (String, String) {
    let csrf = b.get(&format!("/publish/councils/{council}/roster")).await.csrf();
    for n in names {
        add_deputy(b, council, &csrf, &[("ru", n)], "").await;
    }
    assert_eq!(b.post(&format!("/publish/councils/{council}/roster/publish"), &[("csrf", &csrf)]).await.status, 200);
    let _ = app;
    let r = b
        .post(
            &format!("/publish/councils/{council}/sessions"),
            &[
                ("csrf", &csrf),
                ("session", &format!("{council}-s1")),
                ("number", "1"),
                ("convocation", "VIII"),
                ("scheduled_start", "2024-05-15T10:00"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let base = format!("/publish/councils/{council}/sessions/{council}-s1");
    let r = b
        .post(
            &format!("{base}/agenda"),
            &[("csrf", &csrf), ("title_ru", "Бюджет"), ("initiator", "akimat"), ("result", "adopted")],
        )
        .await;
    assert_eq!(r.status, 303);
    (base, csrf)
}

#[tokio::test]
async fn spreadsheets_that_are_not_clean_roll_calls_are_refused_with_nothing_stored() {
    let app = spawn_app().await;
    seed(&app, "wsr").await;
    let mut b = clerk(&app, "wsr").await;
    let (base, csrf) = session_with_item(&app, &mut b, "wsr", &["Алиев Нурлан", "Иванова Ольга"]).await;
    let fields =
        [("csrf", csrf.as_str()), ("agenda_item", "wsr-s1-a1"), ("motion", "Принять"), ("stage", "as_a_whole")];
    let formula = std::fs::read(format!("{SAMPLES}/formula.xlsx")).unwrap();
    let huge = vec![b'a'; 300 * 1024];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("pdf.csv", b"%PDF-1.7\n\x00\x01\x02binary".to_vec(), "not_a_spreadsheet"),
        ("bad.xlsx", b"PK\x03\x04 not really a zip".to_vec(), "not_a_spreadsheet"),
        ("huge.csv", huge, "too_large"),
        ("f.csv", "Депутат,Голос\nАлиев Нурлан,\"=HYPERLINK(\"\"http://x\"\")\"\n".as_bytes().to_vec(), "formula"),
        ("formula.xlsx", formula, "formula"),
        (
            "dup.csv",
            "Алиев Нурлан,за\nИванова Ольга,против\nНУРЛАН АЛИЕВ,против\n".as_bytes().to_vec(),
            "duplicate_deputy",
        ),
        ("word.csv", "Депутат,Голос\nАлиев Нурлан,может быть\n".as_bytes().to_vec(), "unknown_option"),
    ];
    let versions = app.version_count().await;
    for (file, bytes, rule) in cases {
        let r = b.upload(&format!("{base}/rollcall"), &fields, file, &bytes).await;
        assert!(r.status == 422 || r.status == 413, "{file}: {}", r.status);
        if r.status == 422 {
            assert!(r.html.contains(&format!("data-refusal=\"{rule}\"")), "{file}: expected {rule}");
        }
        let draft = accounts::get_draft(&app.state.service.db, "session_record:wsr:wsr-s1").await.unwrap().unwrap();
        let draft: Value = serde_json::from_str(&draft).unwrap();
        assert!(draft["pending"].is_null(), "{file}: nothing kept for review");
        assert_eq!(draft["doc"]["vote_events"], json!([]));
    }
    assert_eq!(app.version_count().await, versions);
}

fn roster_names() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(format!("{SAMPLES}/roster.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_owned(), c[1].to_owned(), c[2].to_owned())
        })
        .collect()
}

#[expect(
    clippy::too_many_lines,
    reason = "one clerk's whole journey through the workspace, whose steps depend on each other"
)]
#[tokio::test]
async fn a_clerk_builds_a_roster_publishes_a_session_with_csv_and_xlsx_roll_calls_and_corrects_it() {
    let app = spawn_app().await;
    seed(&app, "wsf").await;
    let leaves_before = app.version_count().await;
    let mut b = clerk(&app, "wsf").await;
    let csrf = b.get("/publish/councils/wsf/roster").await.csrf();
    for (i, (kk, ru, en)) in roster_names().iter().enumerate() {
        let party = if i % 2 == 0 { "amanat" } else { "" };
        add_deputy(&mut b, "wsf", &csrf, &[("kk", kk), ("ru", ru), ("en", en)], party).await;
    }
    // A party change on a date: the last deputy joins auyl from 2024-01-10.
    let roster = b.get("/publish/councils/wsf/roster").await;
    let last = roster.html.rsplit("data-deputy=\"").next().unwrap().split('"').next().unwrap().to_owned();
    let r = b
        .post(
            "/publish/councils/wsf/roster/party",
            &[("csrf", &csrf), ("deputy", &last), ("party", "auyl"), ("date", "2024-01-10")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = b.post("/publish/councils/wsf/roster/publish", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 200, "{}", r.html);
    let deputies = app.get("/v1/councils/wsf/deputies?limit=100").await;
    assert_eq!(deputies.body["items"].as_array().map(Vec::len), Some(25), "{:?}", deputies.body);

    let r = b
        .post(
            "/publish/councils/wsf/sessions",
            &[
                ("csrf", &csrf),
                ("session", "wsf-s1"),
                ("number", "4"),
                ("convocation", "VIII"),
                ("scheduled_start", "2024-05-15T10:00"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let base = "/publish/councils/wsf/sessions/wsf-s1";
    for t in ["Бюджет на 2025 год", "Правила благоустройства", "Отчёт акима"]
    {
        let r = b
            .post(
                &format!("{base}/agenda"),
                &[("csrf", &csrf), ("title_ru", t), ("initiator", "akimat"), ("result", "adopted")],
            )
            .await;
        assert_eq!(r.status, 303);
    }
    for (title, at) in [("Проект решения о бюджете", "2024-05-01T09:00"), ("Протокол сессии", "2024-05-20T12:00")]
    {
        let r = b
            .post(
                &format!("{base}/document"),
                &[
                    ("csrf", &csrf),
                    ("title", title),
                    ("url", "https://maslihat.example.kz/doc.pdf"),
                    ("kind", "draft_decision"),
                    ("agenda_item", "wsf-s1-a1"),
                    ("language", "ru"),
                    ("declared_at", at),
                    ("declared_source", "https://maslihat.example.kz/news"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.html);
    }
    // CSV: every name matches by itself (case, ё/е, word order, initials).
    let csv = std::fs::read(format!("{SAMPLES}/rollcall-ru.csv")).unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("agenda_item", "wsf-s1-a1"),
        ("motion", "Утвердить бюджет"),
        ("stage", "as_a_whole"),
    ];
    assert_eq!(b.upload(&format!("{base}/rollcall"), &fields, "rollcall-ru.csv", &csv).await.status, 303);
    let review = b.get(base).await;
    assert_eq!(review.html.matches("data-match=\"matched\"").count(), 25, "{}", review.html);
    assert_eq!(b.post(&format!("{base}/confirm"), &[("csrf", &csrf)]).await.status, 303);
    // XLSX: two names spelled differently; confirming without choosing is refused at their rows.
    let xlsx = std::fs::read(format!("{SAMPLES}/rollcall-ru.xlsx")).unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("agenda_item", "wsf-s1-a2"),
        ("motion", "Утвердить правила"),
        ("stage", "as_a_whole"),
    ];
    assert_eq!(b.upload(&format!("{base}/rollcall"), &fields, "rollcall-ru.xlsx", &xlsx).await.status, 303);
    let review = b.get(base).await;
    assert_eq!(review.html.matches("data-match=\"unmatched\"").count(), 2, "{}", review.html);
    let r = b.post(&format!("{base}/confirm"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 422);
    // The clerk picks the likeliest deputy (listed first) for each.
    let mut picks: Vec<(String, String)> = Vec::new();
    for part in review.html.split("<select name=\"row_").skip(1) {
        let row = part.split('"').next().unwrap().to_owned();
        let first = part.split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_owned();
        picks.push((format!("row_{row}"), first));
    }
    assert_eq!(picks.len(), 2);
    let mut f: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    f.extend(picks.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(b.post(&format!("{base}/confirm"), &f).await.status, 303);

    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 200, "{}", violations(&r.html));

    // The API serves exactly those facts.
    let s = app.get("/v1/sessions/wsf-s1").await;
    assert_eq!(s.status, 200);
    assert_eq!(s.body["agenda"].as_array().map(Vec::len), Some(3), "{:?}", s.body);
    let votes = app.get("/v1/vote-events?session=wsf-s1").await;
    let votes = votes.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(votes.len(), 2, "{votes:?}");
    for v in &votes {
        assert_eq!(v["counts"]["yes"], 18, "{v}");
        assert_eq!(v["counts"]["no"], 3);
        assert_eq!(v["counts"]["abstain"], 2);
        assert_eq!(v["counts"]["not_voting"], 2);
        assert_eq!(v["result"], "pass");
    }
    let body = &s.body;
    let docs = body["documents"].as_array().cloned().unwrap_or_default();
    assert_eq!(docs.len(), 2, "{body}");

    // A correction after the session date must say why.
    let r = b
        .post(
            &format!("{base}/agenda"),
            &[("csrf", &csrf), ("title_ru", "Разное"), ("initiator", "other"), ("result", "noted")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("data-rule=\"reason_required\""), "{}", r.html);
    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf), ("reason", "Пропущен вопрос «Разное»")]).await;
    assert_eq!(r.status, 200, "{}", r.html);
    let versions = app.get("/v1/sessions/wsf-s1/versions").await;
    let items = versions.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{:?}", versions.body);
    assert_eq!(items[1]["reason"], "Пропущен вопрос «Разное»");
    // The log grew by exactly three leaves: the roster, the session, its correction.
    assert_eq!(app.version_count().await, leaves_before + 3);
    let page = reqwest::get(format!("{}/sessions/wsf-s1?lang=ru", app.base)).await.unwrap().text().await.unwrap();
    for t in ["Бюджет на 2025 год", "Правила благоустройства", "Отчёт акима", "Разное", "Утвердить бюджет"]
    {
        assert!(page.contains(t), "the citizens' page shows {t}");
    }
}

#[tokio::test]
async fn a_monitor_publishes_a_public_sources_record_fact_by_fact_with_sources_and_declared_times() {
    let app = spawn_app().await;
    let (_, token) = account(&app, AccountKind::Monitor, None).await;
    let mut b = Browser::new(&app);
    assert_eq!(b.sign_in(&token).await.status, 303);
    let home = b.get("/publish").await;
    assert!(home.html.contains("data-form=\"open-record\""));
    let csrf = home.csrf();
    // A monitor has no council workspace.
    assert_eq!(b.get("/publish/councils/any/roster").await.status, 403);
    // Every fact needs its source: the form says so beside the field.
    let r = b
        .post(
            "/publish/public-records",
            &[("csrf", &csrf), ("id", "mon-1"), ("council", "demo-district"), ("council_ru", "Демо маслихат")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("data-field=\"source_url\" data-rule=\"required\""));
    let r = b
        .post(
            "/publish/public-records",
            &[
                ("csrf", &csrf),
                ("id", "mon-1"),
                ("council", "demo-district"),
                ("council_ru", "Демо районный маслихат"),
                ("level", "district"),
                ("convocation", "VIII"),
                ("number", "12"),
                ("date", "2024-03-20"),
                ("kind", "regular"),
                ("status", "held_reported"),
                ("source_url", "https://gazeta.example.kz/report"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let base = "/publish/public-records/mon-1";
    let r = b
        .post(
            &format!("{base}/notice"),
            &[("csrf", &csrf), ("date", "2024-03-10"), ("source_url", "https://gazeta.example.kz/notice")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let r = b
        .post(
            &format!("{base}/agenda"),
            &[
                ("csrf", &csrf),
                ("title", "О бюджете <b>района</b>"),
                ("title_lang", "ru"),
                ("doc_title", "Проект решения"),
                ("doc_url", "https://maslihat.example.kz/draft.pdf"),
                ("doc_published", "2024-03-12"),
                ("source_url", "https://maslihat.example.kz/drafts"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let r = b
        .post(
            &format!("{base}/minutes"),
            &[("csrf", &csrf), ("published", "2024-03-25"), ("source_url", "https://maslihat.example.kz/minutes")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let versions = app.version_count().await;
    assert!(app.get("/v1/public-records/mon-1").await.status == 404, "a draft is not public");
    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 200, "{}", violations(&r.html));
    assert_eq!(app.version_count().await, versions + 1, "one leaf");
    let rec = app.get("/v1/public-records/mon-1").await;
    assert_eq!(rec.status, 200);
    assert_eq!(rec.body["provenance"], "public_sources");
    assert_eq!(rec.body["agenda"][0]["documents"][0]["published"], "2024-03-12");
    assert_eq!(rec.body["agenda"][0]["documents"][0]["source_url"], "https://maslihat.example.kz/drafts");
    assert_eq!(rec.body["minutes"]["published"], "2024-03-25");
    assert!(!rec.body["openness"]["documents"]["value"].is_null(), "documents scored from the declared times");
    assert!(!rec.body["openness"]["minutes"]["value"].is_null(), "minutes scored from the declared times");
    let page = reqwest::get(format!("{}/public-records/mon-1?lang=ru", app.base)).await.unwrap().text().await.unwrap();
    assert!(page.contains("О бюджете &lt;b&gt;района&lt;/b&gt;"), "the citizens' page shows the item, escaped");
}

/// The text of each openness component's cell (`data-component="…"`) on a page.
fn components(html: &str) -> Vec<(String, String)> {
    html.split("data-component=\"")
        .skip(1)
        .map(|part| {
            let name = part.split('"').next().unwrap_or_default().to_owned();
            let text =
                part.split('>').nth(1).unwrap_or_default().split('<').next().unwrap_or_default().trim().to_owned();
            (name, text)
        })
        .collect()
}

/// The id of the first deputy a form offers in its `deputy` select.
fn first_deputy(html: &str) -> String {
    let form = html.split("data-form=\"speech\"").nth(1).expect("the speech form");
    let select = form.split("name=\"deputy\"").nth(1).expect("a deputy select");
    select.split("<option value=\"").nth(2).expect("a deputy").split('"').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_draft_is_previewed_as_citizens_will_see_it_with_the_openness_components_it_would_earn() {
    let app = spawn_app().await;
    seed(&app, "wsp").await;
    let mut b = clerk(&app, "wsp").await;
    let (base, csrf) = session_with_item(&app, &mut b, "wsp", &["Алиев Нурлан", "Иванова Ольга"]).await;
    let basics = [
        ("csrf", csrf.as_str()),
        ("status", "held"),
        ("livestream_url", "https://maslihat.example.kz/live"),
        ("recording_url", ""),
    ];
    assert_eq!(b.post(&format!("{base}/basics"), &basics).await.status, 303);
    let doc = [
        ("csrf", csrf.as_str()),
        ("title", "Проект решения о бюджете"),
        ("url", "https://maslihat.example.kz/doc.pdf"),
        ("kind", "draft_decision"),
        ("agenda_item", "wsp-s1-a1"),
        ("language", "ru"),
        ("declared_at", "2024-05-01T09:00"),
        ("declared_source", "https://maslihat.example.kz/news"),
    ];
    assert_eq!(b.post(&format!("{base}/document"), &doc).await.status, 303);
    let leaves = app.version_count().await;

    let p = b.get(&format!("{base}/preview")).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("data-preview"), "marked as a preview");
    assert!(p.html.contains("Бюджет") && p.html.contains("Проект решения о бюджете"), "the record as citizens read it");
    // Backfilled (entered after the session began): documents scored from their declared time,
    // the only item is open, a livestream counts; no minutes after 30 days score 0; no votes: none.
    assert!(p.html.contains("data-score="), "{}", p.html);
    let mut preview = components(&p.html);
    preview.sort();
    let want = |c: &str| preview.iter().find(|(n, _)| n == c).map(|(_, v)| v.clone()).unwrap_or_default();
    assert!(p.html.contains("data-component=\"documents\" data-value=\"1.0000\""), "{preview:?}");
    assert!(p.html.contains("data-component=\"open_items\" data-value=\"1.0000\""), "{preview:?}");
    assert!(p.html.contains("data-component=\"minutes\" data-value=\"0.0000\""), "{preview:?}");
    assert!(p.html.contains("data-component=\"roll_call\" data-value=\"\""), "{preview:?}");
    assert_eq!(preview.len(), 6);
    // Nothing public, nothing logged.
    assert_eq!(app.get("/v1/sessions/wsp-s1").await.status, 404);
    assert_eq!(app.version_count().await, leaves);
    // Once published, the citizens' page shows the very components the preview promised.
    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 200, "{}", violations(&r.html));
    let page = reqwest::get(format!("{}/sessions/wsp-s1?lang=en", app.base)).await.unwrap().text().await.unwrap();
    let mut public = components(&page);
    public.sort();
    assert_eq!(public, preview, "documents {} on the preview", want("documents"));
    // Another council's clerk cannot preview it.
    seed(&app, "wsq").await;
    let mut other = clerk(&app, "wsq").await;
    assert_eq!(other.get(&format!("{base}/preview")).await.status, 403);
}

#[tokio::test]
async fn speeches_are_entered_in_the_session_form_with_deputy_item_and_duration() {
    let app = spawn_app().await;
    seed(&app, "wsk").await;
    let mut b = clerk(&app, "wsk").await;
    let (base, csrf) = session_with_item(&app, &mut b, "wsk", &["Алиев Нурлан", "Иванова Ольга"]).await;
    let page = b.get(&base).await;
    let deputy = first_deputy(&page.html);
    assert!(deputy.starts_with("wsk-"), "{deputy}");
    let speech = |deputy: &str, name: &str, role: &str, duration: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("agenda_item".to_owned(), "wsk-s1-a1".to_owned()),
            ("deputy".to_owned(), deputy.to_owned()),
            ("speaker_name".to_owned(), name.to_owned()),
            ("speaker_role".to_owned(), role.to_owned()),
            ("speech_type".to_owned(), "speech".to_owned()),
            ("language".to_owned(), "kk".to_owned()),
            ("duration".to_owned(), duration.to_owned()),
            ("text".to_owned(), "Бюджет туралы".to_owned()),
        ]
    };
    // Refused beside their fields, nothing kept: no speaker, both speakers, a bad and a too long duration.
    for (f, field, rule) in [
        (speech("", "", "deputy", "1:00"), "deputy", "one_speaker"),
        (speech(&deputy, "Аким", "deputy", "1:00"), "speaker_name", "one_speaker"),
        (speech("", "Аким Серик", "deputy", ""), "deputy", "required"),
        (speech(&deputy, "", "deputy", "1:75"), "duration", "duration"),
        (speech(&deputy, "", "deputy", "7:00:00"), "duration", "range"),
    ] {
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = b.post(&format!("{base}/speech"), &fields).await;
        assert_eq!(r.status, 422, "{field} {rule}");
        assert!(
            r.html.contains(&format!("data-field=\"{field}\" data-rule=\"{rule}\"")),
            "{field} {rule}: {}",
            r.html.split("data-form=\"speech\"").nth(1).unwrap_or_default()
        );
    }
    let draft = accounts::get_draft(&app.state.service.db, "session_record:wsk:wsk-s1").await.unwrap().unwrap();
    assert_eq!(serde_json::from_str::<Value>(&draft).unwrap()["doc"]["speeches"], json!([]));
    // A deputy's speech of 2:05 on the item, and the akim's report (not a deputy) of 95 s.
    for f in [speech(&deputy, "", "deputy", "2:05"), speech("", "Аким района", "executive", "95")] {
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = b.post(&format!("{base}/speech"), &fields).await;
        assert_eq!(r.status, 303, "{}", r.html);
    }
    let page = b.get(&base).await;
    assert_eq!(page.html.matches("data-speech=").count(), 2);
    assert!(page.html.contains("data-seconds=\"125\""));
    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 200, "{}", violations(&r.html));
    let s = app.get("/v1/sessions/wsk-s1").await;
    let speeches = app.get("/v1/speeches?session=wsk-s1").await;
    let list = speeches.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 2, "{:?} {:?}", speeches.body, s.body);
    let by_deputy = list.iter().find(|x| x["deputy"] == deputy.as_str()).expect("the deputy's speech");
    assert_eq!((by_deputy["seconds"].clone(), by_deputy["agenda_item"].clone()), (json!(125), json!("wsk-s1-a1")));
    let akim = list.iter().find(|x| x["speaker_name"] == "Аким района").expect("the akim's report");
    assert_eq!((akim["seconds"].clone(), akim["speaker_role"].clone()), (json!(95), json!("executive")));
    let public = reqwest::get(format!("{}/sessions/wsk-s1?lang=ru", app.base)).await.unwrap().text().await.unwrap();
    assert!(public.contains("Аким района") && public.contains("125"), "the citizens' page lists the speeches");
}

/// The element that carries `attr` (`data-speech="…"`), up to its end tag `</tag>`.
fn element<'a>(html: &'a str, attr: &str, tag: &str) -> &'a str {
    let from = html.find(attr).unwrap_or_else(|| panic!("no {attr}"));
    let rest = &html[from..];
    &rest[..rest.find(&format!("</{tag}>")).unwrap_or(rest.len())]
}

#[tokio::test]
async fn publish_time_violations_are_shown_beside_their_field_in_the_users_language() {
    let app = spawn_app().await;
    seed(&app, "wsv").await;
    let mut b = clerk(&app, "wsv").await;
    let (base, csrf) = session_with_item(&app, &mut b, "wsv", &["Алиев Нурлан", "Иванова Ольга"]).await;
    let deputy = first_deputy(&b.get(&base).await.html);
    // A session before the deputies' mandates began: the form cannot know, the publication path can.
    let open = [
        ("csrf", csrf.as_str()),
        ("session", "wsv-s2"),
        ("number", "2"),
        ("convocation", "VIII"),
        ("scheduled_start", "2023-03-01T10:00"),
    ];
    assert_eq!(b.post("/publish/councils/wsv/sessions", &open).await.status, 303);
    let early = "/publish/councils/wsv/sessions/wsv-s2";
    let item = [("csrf", csrf.as_str()), ("title_ru", "Регламент"), ("initiator", "chairman"), ("result", "adopted")];
    assert_eq!(b.post(&format!("{early}/agenda"), &item).await.status, 303);
    let speech = [
        ("csrf", csrf.as_str()),
        ("agenda_item", "wsv-s2-a1"),
        ("deputy", deputy.as_str()),
        ("speaker_role", "deputy"),
        ("speech_type", "speech"),
        ("language", "kk"),
        ("duration", "3:00"),
    ];
    assert_eq!(b.post(&format!("{early}/speech"), &speech).await.status, 303);
    let versions = app.version_count().await;
    for (lang, text) in [
        ("kk", "бұл депутаттың сол күні мандаты жоқ"),
        ("ru", "у этого депутата нет мандата в этот день"),
        ("en", "this deputy holds no mandate on that day"),
    ] {
        let r = b.post(&format!("{early}/publish?lang={lang}"), &[("csrf", &csrf)]).await;
        assert_eq!(r.status, 422, "{lang}");
        let li = element(&r.html, "data-speech=\"wsv-s2-sp1\"", "li");
        assert!(
            li.contains("data-path=\"/speeches/0/deputy\" data-rule=\"serving_deputy\""),
            "{lang}: beside the speech: {li}"
        );
        assert!(li.contains(text), "{lang}: translated: {li}");
        assert!(r.html.contains("data-violations="), "{lang}: counted at the top");
    }
    assert_eq!(app.version_count().await, versions, "nothing published");
    assert_eq!(app.get("/v1/sessions/wsv-s2").await.status, 404);
}

#[tokio::test]
async fn a_monitor_corrects_a_published_public_record_with_a_reason() {
    let app = spawn_app().await;
    let (_, token) = account(&app, AccountKind::Monitor, None).await;
    let mut b = Browser::new(&app);
    assert_eq!(b.sign_in(&token).await.status, 303);
    let csrf = b.get("/publish").await.csrf();
    let open = [
        ("csrf", csrf.as_str()),
        ("id", "mon-c"),
        ("council", "demo-district"),
        ("council_ru", "Демо районный маслихат"),
        ("level", "district"),
        ("convocation", "VIII"),
        ("number", "7"),
        ("date", "2024-03-20"),
        ("kind", "regular"),
        ("status", "held_reported"),
        ("source_url", "https://gazeta.example.kz/report"),
    ];
    assert_eq!(b.post("/publish/public-records", &open).await.status, 303);
    let base = "/publish/public-records/mon-c";
    assert_eq!(b.post(&format!("{base}/publish"), &[("csrf", &csrf)]).await.status, 200);
    let first = app.get("/v1/public-records/mon-c").await;
    assert!(first.body["minutes"].is_null(), "{:?}", first.body);
    // With no draft, the record's page offers a correction, which starts from the published facts.
    let page = b.get(base).await;
    assert!(page.html.contains("data-form=\"correct-record\""), "{}", page.html);
    assert_eq!(b.post(&format!("{base}/correct"), &[("csrf", &csrf)]).await.status, 303);
    let page = b.get(base).await;
    assert!(page.html.contains("https://gazeta.example.kz/report") && page.html.contains("name=\"reason\""));
    let minutes =
        [("csrf", csrf.as_str()), ("published", "2024-03-28"), ("source_url", "https://maslihat.example.kz/minutes")];
    assert_eq!(b.post(&format!("{base}/minutes"), &minutes).await.status, 303);
    let leaves = app.version_count().await;
    // Without a reason: refused beside the reason field, nothing published.
    let r = b.post(&format!("{base}/publish?lang=ru"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 422, "{}", r.html);
    assert!(r.html.contains("data-path=\"/reason\" data-rule=\"reason_required\""), "{}", r.html);
    assert!(r.html.contains("исправление после даты сессии: укажите причину"), "translated");
    assert_eq!(app.version_count().await, leaves);
    // Another account kind may not correct it.
    seed(&app, "wsm").await;
    let mut clerk = clerk(&app, "wsm").await;
    let c = clerk.get("/publish").await.csrf();
    assert_eq!(clerk.post(&format!("{base}/correct"), &[("csrf", &c)]).await.status, 403);
    let leaves = app.version_count().await;
    // With a reason: a second version that says why, with the minutes.
    let reason = "Протокол опубликован 28 марта";
    let r = b.post(&format!("{base}/publish"), &[("csrf", &csrf), ("reason", reason)]).await;
    assert_eq!(r.status, 200, "{}", violations(&r.html));
    assert_eq!(app.version_count().await, leaves + 1);
    let rec = app.get("/v1/public-records/mon-c").await;
    assert_eq!(rec.body["minutes"]["published"], "2024-03-28");
    assert_eq!(rec.body["session_number"], first.body["session_number"], "the other facts kept");
    assert!(rec.body["sources"].to_string().contains("maslihat.example.kz/minutes"), "{:?}", rec.body);
    let latest = maslikhat::store::read::versions::latest_version(
        &app.state.service.db,
        maslikhat::store::DocKind::PublicRecord,
        "mon-c",
    )
    .await
    .unwrap()
    .expect("a version");
    assert_eq!((latest.meta.version, latest.meta.reason.as_deref()), (2, Some(reason)));
}

#[tokio::test]
async fn a_monitors_publish_time_violations_are_shown_beside_their_facts_like_a_clerks() {
    let app = spawn_app().await;
    let (_, token) = account(&app, AccountKind::Monitor, None).await;
    let mut b = Browser::new(&app);
    assert_eq!(b.sign_in(&token).await.status, 303);
    let csrf = b.get("/publish").await.csrf();
    let open = [
        ("csrf", csrf.as_str()),
        ("id", "mon-v"),
        ("council", "demo-district"),
        ("council_ru", "Демо районный маслихат"),
        ("level", "district"),
        ("convocation", "VIII"),
        ("number", "3"),
        ("date", "2024-03-20"),
        ("kind", "regular"),
        ("status", "held_reported"),
        ("source_url", "https://gazeta.example.kz/report"),
    ];
    assert_eq!(b.post("/publish/public-records", &open).await.status, 303);
    let base = "/publish/public-records/mon-v";
    // Dates the forms can read but the publication rules refuse (before 1990).
    let item = [
        ("csrf", csrf.as_str()),
        ("title", "О бюджете района"),
        ("title_lang", "ru"),
        ("doc_title", "Проект решения"),
        ("doc_url", "https://maslihat.example.kz/budget.pdf"),
        ("doc_published", "1901-03-01"),
        ("source_url", "https://maslihat.example.kz/agenda"),
    ];
    assert_eq!(b.post(&format!("{base}/agenda"), &item).await.status, 303);
    let minutes =
        [("csrf", csrf.as_str()), ("published", "1901-03-28"), ("source_url", "https://maslihat.example.kz/minutes")];
    assert_eq!(b.post(&format!("{base}/minutes"), &minutes).await.status, 303);
    let versions = app.version_count().await;
    let r = b.post(&format!("{base}/publish?lang=kk"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 422, "{}", r.html);
    // Beside the document, inside its entry of the agenda, translated.
    let doc = element(&r.html, "data-document=\"0/0\"", "li");
    assert!(doc.contains("data-path=\"/agenda/0/documents/0/published\" data-rule=\"date_range\""), "{doc}");
    assert!(doc.contains(crate_rule_text("kk", "date_range")), "translated: {doc}");
    // Beside the minutes form.
    let form = element(&r.html, "data-form=\"minutes\"", "form");
    assert!(form.contains("data-path=\"/minutes/published\" data-rule=\"date_range\""), "{form}");
    // Counted at the top, not listed there again.
    let top = element(&r.html, "data-violations=\"2\"", "div");
    assert!(!top.contains("data-path="), "every violation has its field on the page: {top}");
    assert_eq!(app.version_count().await, versions, "nothing published");
    assert_eq!(app.get("/v1/public-records/mon-v").await.status, 404);
}

fn crate_rule_text(lang: &str, rule: &str) -> &'static str {
    let lang = maslikhat::web::i18n::Lang::parse(lang).expect("lang");
    maslikhat::web::workspace::text::rule(lang, rule).expect("a translation")
}
