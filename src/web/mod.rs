//! Pages for citizens: server-rendered HTML in Kazakh, Russian and English, with charts drawn as
//! inline SVG, served by the same binary as the API. Each page reads through the same
//! [`crate::service`] functions as the API handlers (never over HTTP, never through a handler),
//! links to the API request that returns the same data, says plainly when data is synthetic, and
//! names the metric method.
//!
//! The language comes from `?lang=kk|ru|en` (which also sets a `lang` cookie), then the cookie,
//! then `Accept-Language`, then Kazakh. Unknown ids give a 404 page, never a 500.

pub mod atom;
pub mod charts;
pub mod i18n;
pub mod layout;
pub mod log_check;
pub mod pages;
pub mod workspace;

use std::collections::BTreeMap;
use std::sync::Arc;

use maud::html;
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::{Data, Path};
use poem::{Endpoint, IntoResponse, Request, Response, Route, get, handler};

use crate::service::{self, Service};
use i18n::Lang;
use layout::{Ctx, Page};

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// The record does not exist.
    NotFound,
    /// The request itself is wrong (a missing or malformed parameter): what, and the rule.
    BadRequest(String),
    /// Anything else (logged with an id).
    Internal(String),
}

impl From<service::Error> for PageError {
    fn from(e: service::Error) -> Self {
        match e {
            service::Error::NotFound(_) => PageError::NotFound,
            other => PageError::Internal(other.to_string()),
        }
    }
}

/// The result of building a page.
pub type PageResult = Result<Page, PageError>;

/// Adds the pages to `route`: `/councils/:id`, `/sessions/:id`, `/deputies/:id`, `/verify`,
/// `/public-records` and `/public-records/:id` (`/` itself is answered by [`root`]).
pub fn mount(route: Route) -> Route {
    workspace::mount(route)
        .at("/councils/:id", get(council))
        .at("/sessions/:id", get(session))
        .at("/sessions/:id/diff", get(session_diff))
        .at("/deputies/:id", get(deputy))
        .at("/verify", get(verify))
        .at(log_check::SCRIPT_PATH, get(log_check::script))
        .at("/public-records", get(public_records))
        .at("/public-records/:id", get(public_record))
        .at("/search", get(search))
        .at("/rankings", get(rankings))
        .at("/councils/:id/feed.atom", get(council_feed))
        .at("/deputies/:id/feed.atom", get(deputy_feed))
        .at("/search/feed.atom", get(search_feed))
}

/// True for the paths of the citizens' pages that read nothing of the request but its path,
/// query and language (so a shared cache may keep them by those): the home page, councils,
/// sessions, deputies, their feeds, search, rankings, public records and the log check. The
/// workspace (signed in, per user) is not among them.
pub fn is_public_page(path: &str) -> bool {
    const PREFIXES: [&str; 5] = ["/councils/", "/sessions/", "/deputies/", "/public-records/", "/search/"];
    matches!(path, "/" | "/search" | "/rankings" | "/verify" | "/public-records")
        || PREFIXES.iter().any(|p| path.starts_with(p))
}

/// The language and return path of a request.
pub fn context(req: &Request) -> Ctx {
    let params: BTreeMap<String, String> = req.params().unwrap_or_default();
    let asked = params.get("lang").and_then(|l| Lang::parse(l));
    let cookie = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').find_map(|kv| kv.trim().strip_prefix("lang=")))
        .and_then(Lang::parse);
    let accept =
        req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language);
    Ctx {
        lang: asked.or(cookie).or(accept).unwrap_or(Lang::Kk),
        path: req.uri().path().to_owned(),
        query: params.into_iter().filter(|(k, _)| k != "lang").collect(),
        chosen: asked.is_some(),
    }
}

fn respond(ctx: &Ctx, result: PageResult) -> Response {
    let (status, page) = match result {
        Ok(p) => (StatusCode::OK, p),
        Err(PageError::NotFound) => (
            StatusCode::NOT_FOUND,
            Page {
                title: ctx.t("not_found_title").to_owned(),
                api: "/v1".into(),
                synthetic: false,
                feed: None,
                body: html! { p { (ctx.t("not_found_text")) } p { a href="/" { (ctx.t("nav_home")) } } },
            },
        ),
        Err(PageError::BadRequest(why)) => (
            StatusCode::BAD_REQUEST,
            Page {
                title: ctx.t("bad_request_title").to_owned(),
                api: "/v1".into(),
                synthetic: false,
                feed: None,
                body: html! { p data-problem { (why) } p { a href="/" { (ctx.t("nav_home")) } } },
            },
        ),
        Err(PageError::Internal(e)) => {
            let id = uuid::Uuid::new_v4().to_string();
            tracing::error!(error_id = %id, error = %e, "page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Page {
                    title: ctx.t("error_title").to_owned(),
                    api: "/v1".into(),
                    synthetic: false,
                    feed: None,
                    body: html! { p { (ctx.t("error_text")) } p { code { "error_id: " (id) } } },
                },
            )
        }
    };
    let body = layout::document(ctx, &page).into_string();
    let mut resp = Response::builder().status(status).content_type("text/html; charset=utf-8").body(body);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(ctx.lang.code()));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    if ctx.chosen {
        // The answer sets a cookie: it is this visitor's, not for shared caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(crate::api::middleware::PRIVATE));
        if let Ok(v) =
            HeaderValue::from_str(&format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", ctx.lang.code()))
        {
            h.insert(header::SET_COOKIE, v);
        }
    } else {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(crate::api::middleware::SHORT));
    }
    resp
}

/// The page `page` makes of the record whose id the path names: an id that cannot be one gets
/// the 404 page without a query.
async fn by_id(
    req: &Request,
    svc: &Service,
    id: &str,
    page: impl AsyncFn(&Service, &Ctx, &str) -> PageResult,
) -> Response {
    let ctx = context(req);
    let result = match valid(id) {
        Ok(()) => page(svc, &ctx, id).await,
        Err(e) => Err(e),
    };
    respond(&ctx, result)
}

fn valid(id: &str) -> Result<(), PageError> {
    if crate::domain::text::is_valid_id(id) { Ok(()) } else { Err(PageError::NotFound) }
}

/// Answers `GET /` with the national picture. A middleware rather than a route: the API
/// service nested at `/` owns the bare `/` in poem's route tree.
pub async fn root<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    if req.uri().path() == "/"
        && matches!(*req.method(), Method::GET | Method::HEAD)
        && let Some(svc) = req.data::<Arc<Service>>().cloned()
    {
        let ctx = context(&req);
        return Ok(respond(&ctx, pages::home::page(&svc, &ctx).await));
    }
    Ok(next.call(req).await?.into_response())
}

#[handler]
async fn council(req: &Request, svc: Data<&Arc<Service>>, Path(id): Path<String>) -> Response {
    by_id(req, &svc, &id, pages::council::page).await
}

#[handler]
async fn session(req: &Request, svc: Data<&Arc<Service>>, Path(id): Path<String>) -> Response {
    by_id(req, &svc, &id, pages::session::page).await
}

/// `GET /sessions/:id/diff?from=&to=`: what a correction changed, for people.
#[handler]
async fn session_diff(req: &Request, svc: Data<&Arc<Service>>, Path(id): Path<String>) -> Response {
    by_id(req, &svc, &id, pages::session_diff::page).await
}

#[handler]
async fn deputy(req: &Request, svc: Data<&Arc<Service>>, Path(id): Path<String>) -> Response {
    by_id(req, &svc, &id, pages::deputy::page).await
}

/// `GET /councils/:id/feed.atom`: the council's latest logged versions as Atom.
#[handler]
async fn council_feed(req: &Request, svc: Data<&Arc<Service>>, Path(id): Path<String>) -> Response {
    let ctx = context(req);
    let found = match valid(&id) {
        Ok(()) => service::councils::get(&svc, &id).await.map_err(PageError::from),
        Err(e) => Err(e),
    };
    let row = match found {
        Ok(c) => c,
        Err(e) => return respond(&ctx, Err(e)),
    };
    let changes = match service::follow::council_changes(&svc, &id, atom::ENTRIES).await {
        Ok(c) => c,
        Err(e) => return respond(&ctx, Err(e.into())),
    };
    let name = ctx.lang.pick(&row.council.names);
    let feed = atom::Feed {
        base: &svc.settings.link_base(),
        path: format!("/councils/{id}/feed.atom"),
        page: format!("/councils/{id}"),
        title: format!("{name}: {}", ctx.t("feed_title")),
        lang: ctx.lang,
    };
    atom_response(&feed, &changes)
}

/// A feed as an HTTP answer.
fn atom_response(feed: &atom::Feed, changes: &[service::follow::Change]) -> Response {
    let body = atom::render(feed, changes);
    let mut resp = Response::builder().content_type("application/atom+xml; charset=utf-8").body(body);
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(crate::api::middleware::SHORT));
    resp.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    resp
}

/// `GET /deputies/:id/feed.atom`: the latest logged versions of what the deputy took part in
/// (their council's roster, the sessions they voted or spoke in) as Atom.
#[handler]
async fn deputy_feed(req: &Request, svc: Data<&Arc<Service>>, Path(id): Path<String>) -> Response {
    let ctx = context(req);
    let found = match valid(&id) {
        Ok(()) => service::rosters::deputy(&svc, &id).await.map_err(PageError::from),
        Err(e) => Err(e),
    };
    let rec = match found {
        Ok(r) => r,
        Err(e) => return respond(&ctx, Err(e)),
    };
    let changes = match service::follow::deputy_changes(&svc, &id, atom::ENTRIES).await {
        Ok(c) => c,
        Err(e) => return respond(&ctx, Err(e.into())),
    };
    let feed = atom::Feed {
        base: &svc.settings.public_url,
        path: format!("/deputies/{id}/feed.atom"),
        page: format!("/deputies/{id}"),
        title: format!("{}: {}", ctx.lang.pick(&rec.deputy.names), ctx.t("feed_title")),
        lang: ctx.lang,
    };
    atom_response(&feed, &changes)
}

/// `GET /search/feed.atom?q=…&kind=…`: the latest logged versions of the documents the search
/// finds (see [`service::follow::search_changes`]) as Atom.
#[handler]
async fn search_feed(req: &Request, svc: Data<&Arc<Service>>) -> Response {
    let ctx = context(req);
    let (q, kind, filter) = pages::search::asked(&ctx);
    let changes = match service::follow::search_changes(&svc, &q, &filter, atom::ENTRIES).await {
        Ok(c) => c,
        Err(service::Error::BadRequest(_)) => return respond(&ctx, Err(PageError::NotFound)),
        Err(e) => return respond(&ctx, Err(e.into())),
    };
    let query = pages::search::query_string(&q, &kind);
    let feed = atom::Feed {
        base: &svc.settings.public_url,
        path: format!("/search/feed.atom?{query}"),
        page: format!("/search?{query}"),
        title: format!("{}: «{q}» — {}", ctx.t("search_title"), ctx.t("feed_title")),
        lang: ctx.lang,
    };
    atom_response(&feed, &changes)
}

#[handler]
async fn search(req: &Request, svc: Data<&Arc<Service>>) -> Response {
    let ctx = context(req);
    respond(&ctx, pages::search::page(&svc, &ctx).await)
}

#[handler]
async fn rankings(req: &Request, svc: Data<&Arc<Service>>) -> Response {
    let ctx = context(req);
    respond(&ctx, pages::home::full(&svc, &ctx).await)
}

#[handler]
async fn verify(req: &Request, svc: Data<&Arc<Service>>) -> Response {
    let ctx = context(req);
    respond(&ctx, pages::verify::page(&svc, &ctx).await)
}

#[handler]
async fn public_records(req: &Request, svc: Data<&Arc<Service>>) -> Response {
    let ctx = context(req);
    respond(&ctx, pages::public_records::list(&svc, &ctx).await)
}

#[handler]
async fn public_record(req: &Request, svc: Data<&Arc<Service>>, Path(id): Path<String>) -> Response {
    let ctx = context(req);
    let result = match valid(&id) {
        Ok(()) => pages::public_records::record(&svc, &ctx, &id).await,
        Err(e) => Err(e),
    };
    respond(&ctx, result)
}
