//! The publisher workspace under `/publish` (issue 18): server-rendered forms in Kazakh, Russian
//! and English that work without JavaScript.
//!
//! Sign-in: an admin hands out a one-time link (`/publish/sign-in?token=…`); opening it shows a
//! button, and posting it exchanges the token for a session cookie (`HttpOnly`, `SameSite=Strict`,
//! `Secure` when the request came over TLS). A GET never consumes the token, so a link preview or
//! a mail scanner cannot use it up. Every form carries the session's CSRF token, and every post
//! is checked against it and against the account's council before anything is read or kept.
//!
//! Pages never cache (`no-store`) and carry a strict Content-Security-Policy: every text a
//! publisher typed is escaped by maud, and no script runs even if something slipped through.

mod forms;
mod monitor;
mod preview;
pub mod text;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;
use maud::{Markup, html};
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{Data, Form, Json, Multipart, Query};
use poem::{Body, FromRequest, Request, RequestBody, Response, Route, get, handler, post};

use crate::api::AppState;
use crate::api::problem::Problem;
use crate::service::workspace::{self as ws, AccountKind, SignedIn};
use crate::web::context;
use crate::web::i18n::Lang;
use crate::web::layout::{self, Ctx, Page};
use text::t;

/// The session cookie's name.
pub const COOKIE: &str = "mk_ws";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

/// Adds the workspace's routes.
pub fn mount(route: Route) -> Route {
    route
        .at("/publish", get(home))
        .at("/publish/sign-in", get(sign_in_page).post(sign_in))
        .at("/publish/sign-out", post(sign_out))
        .at("/publish/admin/accounts", get(forms::accounts_page).post(forms::create_account))
        .at("/publish/admin/accounts/:id/revoke", post(forms::revoke_account))
        .at("/publish/public-records", post(monitor::open_record))
        .at("/publish/public-records/:id", get(monitor::record_page))
        .at("/publish/public-records/:id/:action", post(monitor::record_post))
        .at("/publish/councils/:council/roster", get(forms::roster_page))
        .at("/publish/councils/:council/roster/:action", post(forms::roster_post))
        .at("/publish/councils/:council/sessions", post(forms::open_session))
        .at("/publish/councils/:council/sessions/:session", get(forms::session_page))
        .at("/publish/councils/:council/sessions/:session/rollcall", post(forms::rollcall_upload))
        .at("/publish/councils/:council/sessions/:session/preview", get(preview::session_preview))
        .at("/publish/councils/:council/sessions/:session/:action", post(forms::session_post))
}

/// A workspace page (never cached, scripts off).
pub(crate) fn page(ctx: &Ctx, status: StatusCode, title: &str, body: Markup) -> Response {
    let p = Page { title: title.to_owned(), api: "/v1".into(), synthetic: false, body, feed: None };
    let mut resp = Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .body(layout::document(ctx, &p).into_string());
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(ctx.lang.code()));
    resp
}

/// A short message page.
pub(crate) fn message(ctx: &Ctx, status: StatusCode, key: &str) -> Response {
    let body = html! { p role="alert" { (t(ctx.lang, key)) } p { a href="/publish" { (t(ctx.lang, "workspace")) } } };
    page(ctx, status, t(ctx.lang, "workspace"), body)
}

/// A redirect after a successful post (303: the browser then GETs the page).
pub(crate) fn see_other(to: &str) -> Response {
    Response::builder().status(StatusCode::SEE_OTHER).header(header::LOCATION, to).finish()
}

fn cookie_value(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(&format!("{COOKIE}=")).map(str::to_owned))
}

/// Whether the request reached us over TLS (directly or through the proxy that says so).
fn over_tls(req: &Request) -> bool {
    req.uri().scheme_str() == Some("https")
        || req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// The signed-in session of a request, or the response that refuses it (401).
pub(crate) async fn signed_in(state: &AppState, req: &Request, ctx: &Ctx) -> Result<SignedIn, Response> {
    let Some(cookie) = cookie_value(req) else { return Err(message(ctx, StatusCode::UNAUTHORIZED, "signed_out")) };
    match ws::session(&state.service, &cookie).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(message(ctx, StatusCode::UNAUTHORIZED, "signed_out")),
        Err(e) => Err(internal(ctx, e)),
    }
}

/// A signed-in post: the session, then its CSRF token (403 when missing or wrong).
pub(crate) async fn checked(
    state: &AppState,
    req: &Request,
    ctx: &Ctx,
    form: &HashMap<String, String>,
) -> Result<SignedIn, Response> {
    let s = signed_in(state, req, ctx).await?;
    csrf_ok(&s, form.get("csrf").map(String::as_str), ctx)?;
    Ok(s)
}

/// Compares a form's CSRF token with the session's, in time independent of where they differ.
pub(crate) fn csrf_ok(s: &SignedIn, sent: Option<&str>, ctx: &Ctx) -> Result<(), Response> {
    let sent = sent.unwrap_or_default().as_bytes();
    let want = s.csrf.as_bytes();
    let same = sent.len() == want.len() && sent.iter().zip(want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err(message(ctx, StatusCode::FORBIDDEN, "bad_csrf")) }
}

/// A server error page with the id that was logged.
pub(crate) fn internal(ctx: &Ctx, e: impl std::fmt::Display) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    tracing::error!(error_id = %id, error = %e, "workspace failed");
    let body = html! { p { (ctx.t("error_text")) } p { code { "error_id: " (id) } } };
    page(ctx, StatusCode::INTERNAL_SERVER_ERROR, ctx.t("error_title"), body)
}

/// The hidden CSRF field of every form.
pub(crate) fn csrf_field(s: &SignedIn) -> Markup {
    html! { input type="hidden" name="csrf" value=(s.csrf); }
}

/// The sign-out form shown on every signed-in page.
pub(crate) fn account_bar(lang: Lang, s: &SignedIn) -> Markup {
    html! {
        form.filters method="post" action="/publish/sign-out" {
            span { (s.account.name) " · " (s.account.kind.as_str()) @if let Some(c) = &s.account.council { " · " (c) } }
            (csrf_field(s))
            button type="submit" { (t(lang, "sign_out")) }
        }
    }
}

#[handler]
async fn home(req: &Request, state: Data<&Arc<AppState>>) -> Response {
    let ctx = context(req);
    let s = match signed_in(&state, req, &ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let l = ctx.lang;
    let body = html! {
        (account_bar(l, &s))
        @match s.account.kind {
            AccountKind::Admin => { p { a href="/publish/admin/accounts" { (t(l, "accounts")) } } }
            AccountKind::Council => {
                @if let Some(c) = &s.account.council {
                    p { a href={"/publish/councils/" (c) "/roster"} { (t(l, "roster")) } }
                    (forms::open_session_form(l, &s, c))
                }
            }
            AccountKind::Monitor => { (monitor::open_form(l, &s, &Vec::new())) }
        }
    };
    page(&ctx, StatusCode::OK, t(l, "workspace"), body)
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

#[handler]
async fn sign_in_page(req: &Request, Query(q): Query<TokenQuery>) -> Response {
    let ctx = context(req);
    let l = ctx.lang;
    let body = html! {
        p { (t(l, "sign_in_text")) }
        form method="post" action="/publish/sign-in" {
            label { (t(l, "token")) " " input type="text" name="token" value=(q.token.unwrap_or_default()) autocomplete="off" required; }
            " " button type="submit" { (t(l, "sign_in")) }
        }
    };
    page(&ctx, StatusCode::OK, t(l, "sign_in"), body)
}

/// Whether a request asks as a program would (a JSON body, or JSON rather than HTML accepted):
/// it is then answered with problem+json instead of a page.
fn api_style(req: &Request) -> bool {
    let header = |name| req.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).unwrap_or_default();
    let accept = header(header::ACCEPT);
    header(header::CONTENT_TYPE).contains("json") || (accept.contains("json") && !accept.contains("text/html"))
}

/// The answer to a sign-in attempt over a limit: a page in the user's language for the form,
/// problem+json for a program; both with `Retry-After`.
fn too_many_sign_ins(req: &Request, ctx: &Ctx, refused: crate::api::limits::Refused) -> Response {
    if api_style(req) {
        return refused.problem();
    }
    let l = ctx.lang;
    let body = html! {
        p role="alert" { (t(l, "too_many_sign_ins")) }
        p { (t(l, "retry_in")) " " (refused.retry_after()) " " (t(l, "seconds")) }
    };
    let mut resp = page(ctx, StatusCode::TOO_MANY_REQUESTS, t(l, "sign_in"), body);
    refused.headers(&mut resp);
    resp
}

/// `POST /publish/sign-in`: the only place a sign-in link is used. Every attempt counts against
/// its client address before the token is looked at; an attempt with a link that names an account
/// (fresh, used or expired) also counts against that account (see [`crate::api::limits`]).
#[handler]
async fn sign_in(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    let ctx = context(req);
    let mut body = RequestBody::new(body);
    if let Err(refused) = state.limits.sign_in_client(&state.limits.client(req)) {
        return too_many_sign_ins(req, &ctx, refused);
    }
    let api = api_style(req);
    let form =
        if req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().contains("json") {
            Json::<HashMap<String, String>>::from_request(req, &mut body).await.map(|Json(f)| f)
        } else {
            Form::<HashMap<String, String>>::from_request(req, &mut body).await.map(|Form(f)| f)
        };
    let token = match &form {
        Ok(f) => f.get("token").map(String::as_str).unwrap_or_default(),
        Err(_) => "",
    };
    match ws::sign_in_owner(&state.service, token).await {
        Ok(Some(account)) => {
            if let Err(refused) = state.limits.sign_in_account(&account) {
                return too_many_sign_ins(req, &ctx, refused);
            }
        }
        Ok(None) => {}
        Err(e) => return internal(&ctx, e),
    }
    match ws::redeem(&state.service, token, Duration::hours(SESSION_HOURS)).await {
        Ok(Some((cookie, _))) => {
            let secure = if over_tls(req) { "; Secure" } else { "" };
            let value = format!(
                "{COOKIE}={cookie}; Path=/publish; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                SESSION_HOURS * 3600
            );
            let mut resp = see_other("/publish");
            if let Ok(v) = HeaderValue::from_str(&value) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Ok(None) if api => {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the sign-in link is unknown, already used or expired, or its account was revoked; ask an admin for a new one",
            )
            .into_poem_response()
        }
        Ok(None) => message(&ctx, StatusCode::UNAUTHORIZED, "sign_in_failed"),
        Err(e) => internal(&ctx, e),
    }
}

#[handler]
async fn sign_out(req: &Request, state: Data<&Arc<AppState>>, Form(form): Form<HashMap<String, String>>) -> Response {
    let ctx = context(req);
    let s = match checked(&state, req, &ctx, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(e) = ws::sign_out(&state.service, &s.id_hash).await {
        return internal(&ctx, e);
    }
    let mut resp = see_other("/publish/sign-in");
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("mk_ws=; Path=/publish; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    resp
}

/// Reads a multipart form: its text fields and its one file (name and bytes), refusing a file
/// over `max` bytes as soon as it is known to be too large.
pub(crate) async fn read_multipart(
    mut m: Multipart,
    max: usize,
) -> Result<(HashMap<String, String>, Option<(String, Vec<u8>)>), &'static str> {
    let mut fields = HashMap::new();
    let mut file = None;
    while let Ok(Some(field)) = m.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(fname) => {
                let bytes = field.bytes().await.map_err(|_| "too_large")?;
                if bytes.len() > max {
                    return Err("too_large");
                }
                file = Some((fname, bytes));
            }
            None => {
                let text = field.text().await.map_err(|_| "not_a_spreadsheet")?;
                fields.insert(name, text);
            }
        }
    }
    Ok((fields, file))
}

/// Answers a request that reached a path without the right to it (another council's workspace).
pub(crate) fn forbidden(ctx: &Ctx) -> Response {
    message(ctx, StatusCode::FORBIDDEN, "forbidden")
}
