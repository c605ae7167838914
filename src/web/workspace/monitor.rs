//! Monitors' pages: a record compiled from public sources (provenance `public_sources`) for any
//! council, built fact by fact, each fact with the URL of the page that shows it, in the
//! importer's file format; published through the importer's parsing and `put_public_record`.

use std::collections::HashMap;
use std::sync::Arc;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde_json::{Value, json};

use super::forms::{beside, summary};
use super::text::{rule, t};
use super::{account_bar, checked, csrf_field, forbidden, internal, page, see_other, signed_in};
use crate::api::AppState;
use crate::domain::Violation;
use crate::service::workspace::{self as ws, AccountKind, Draft, PublishError, SignedIn};
use crate::web::context;
use crate::web::i18n::Lang;
use crate::web::layout::Ctx;

type Fields = HashMap<String, String>;
type Errors = Vec<(String, String)>;

fn get<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", |s| s.trim())
}

fn is_monitor(s: &SignedIn) -> bool {
    s.account.revoked_at.is_none() && matches!(s.account.kind, AccountKind::Monitor | AccountKind::Admin)
}

fn err(l: Lang, errors: &Errors, field: &str) -> Markup {
    html! { @for (_, r) in errors.iter().filter(|(f, _)| f == field) {
        span.error role="alert" data-field=(field) data-rule=(r) { " ⚠ " (rule(l, r).unwrap_or(r)) }
    } }
}

/// The form that opens a public-sources record (on a monitor's home page).
pub fn open_form(l: Lang, s: &SignedIn, errors: &Errors) -> Markup {
    html! {
        h2 { (t(l, "open_record")) }
        form method="post" action="/publish/public-records" data-form="open-record" {
            (csrf_field(s))
            p { label { (t(l, "record_id")) " " input name="id" pattern="[a-z0-9._-]+"; } (err(l, errors, "id")) }
            p { label { (t(l, "council")) " (slug) " input name="council"; } (err(l, errors, "council"))
                " " label { "ru " input name="council_ru"; } " " label { "kk " input name="council_kk"; } (err(l, errors, "council_ru")) }
            p { label { (t(l, "level")) " " select name="level" { @for v in ["district", "city", "oblast", "republican_city"] { option value=(v) { (v) } } } }
                " " label { (t(l, "convocation")) " " input name="convocation" value="VIII"; }
                " " label { (t(l, "number")) " " input type="number" name="number" min="1"; } }
            p { label { (t(l, "on_date")) " " input type="date" name="date"; } (err(l, errors, "date"))
                " " label { (t(l, "kind")) " " select name="kind" { option value="regular" { "regular" } option value="extraordinary" { "extraordinary" } } }
                " " label { (t(l, "status")) " " select name="status" { option value="held_reported" { "held_reported" } option value="announced_only" { "announced_only" } } } }
            p { label { (t(l, "source_url")) " " input type="url" name="source_url"; } (err(l, errors, "source_url")) }
            button type="submit" { (t(l, "open_record")) }
        }
    }
}

fn url(f: &Fields, k: &str, required: bool, errors: &mut Errors) -> Option<String> {
    match get(f, k) {
        "" if required => {
            errors.push((k.into(), "required".into()));
            None
        }
        "" => None,
        u if u.starts_with("https://") || u.starts_with("http://") => Some(u.to_owned()),
        _ => {
            errors.push((k.into(), "url".into()));
            None
        }
    }
}

fn day(f: &Fields, k: &str, errors: &mut Errors) -> Option<String> {
    match get(f, k) {
        "" => None,
        d if d.parse::<chrono::NaiveDate>().is_ok() => Some(d.to_owned()),
        _ => {
            errors.push((k.into(), "date".into()));
            None
        }
    }
}

#[handler]
pub async fn open_record(req: &Request, state: Data<&Arc<AppState>>, Form(f): Form<Fields>) -> Response {
    let ctx = context(req);
    let s = match checked(&state, req, &ctx, &f).await {
        Ok(s) if is_monitor(&s) => s,
        Ok(_) => return forbidden(&ctx),
        Err(r) => return r,
    };
    let mut errors = Errors::new();
    let id = get(&f, "id").to_owned();
    if !crate::domain::text::is_valid_id(&id) {
        errors.push(("id".into(), "required".into()));
    }
    if !crate::domain::text::is_valid_id(get(&f, "council")) {
        errors.push(("council".into(), "required".into()));
    }
    if get(&f, "council_ru").is_empty() && get(&f, "council_kk").is_empty() {
        errors.push(("council_ru".into(), "required".into()));
    }
    let date = day(&f, "date", &mut errors);
    let source = url(&f, "source_url", true, &mut errors);
    if !errors.is_empty() {
        let l = ctx.lang;
        let body = html! { (account_bar(l, &s)) (open_form(l, &s, &errors)) };
        return page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, t(l, "open_record"), body);
    }
    let mut doc = json!({
        "id": id,
        "council": { "slug": get(&f, "council"), "ru": Some(get(&f, "council_ru")).filter(|x| !x.is_empty()), "kk": Some(get(&f, "council_kk")).filter(|x| !x.is_empty()) },
        "council_level": get(&f, "level"),
        "convocation": Some(get(&f, "convocation")).filter(|x| !x.is_empty()),
        "kind": get(&f, "kind"),
        "status": get(&f, "status"),
        "date": date,
        "agenda": [],
        "sources": [source],
    });
    if let Ok(n) = get(&f, "number").parse::<u32>() {
        doc["session_number"] = json!(n);
    }
    let draft = Draft { doc, base: None, pending: None };
    match ws::save_public_record(&state.service, &id, &draft, &s.account).await {
        Ok(()) => see_other(&format!("/publish/public-records/{id}")),
        Err(e) => internal(&ctx, e),
    }
}

/// The top-level facts of a record the page shows, each with the violations under it beside it.
const BASICS: &[&str] =
    &["/id", "/date", "/reported_date", "/session_number", "/kind", "/status", "/council", "/sources"];

/// The draft paths the record page shows a fact or a form for (violations there are shown beside
/// it, the rest at the top), as the clerks' session page does.
fn placed(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = BASICS.iter().map(|p| (*p).to_owned()).collect();
    out.extend(["/notice", "/minutes", "/reason"].map(str::to_owned));
    for (i, item) in doc["agenda"].as_array().into_iter().flatten().enumerate() {
        out.push(format!("/agenda/{i}/title"));
        out.push(format!("/agenda/{i}/title_lang"));
        let n = item["documents"].as_array().map_or(0, Vec::len);
        out.extend((0..n).map(|j| format!("/agenda/{i}/documents/{j}")));
    }
    out
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The draft's facts as a list, each with its violations beside it.
fn facts(l: Lang, doc: &Value, v: &[Violation]) -> Markup {
    html! {
        dl data-facts {
            dt { (t(l, "record_id")) } dd { code { (text_of(&doc["id"])) } (beside(l, v, "/id")) }
            dt { (t(l, "council")) } dd { (text_of(&doc["council"]["slug"])) " · " (text_of(&doc["council"]["ru"])) " " (text_of(&doc["council"]["kk"])) (beside(l, v, "/council")) }
            dt { (t(l, "on_date")) } dd { (text_of(&doc["date"])) (beside(l, v, "/date")) (beside(l, v, "/reported_date")) }
            dt { (t(l, "number")) } dd { (text_of(&doc["session_number"])) (beside(l, v, "/session_number")) }
            dt { (t(l, "status")) } dd { (text_of(&doc["kind"])) " · " (text_of(&doc["status"])) (beside(l, v, "/kind")) (beside(l, v, "/status")) }
            dt { (t(l, "source_url")) } dd {
                ul { @for src in doc["sources"].as_array().into_iter().flatten() { li { (text_of(src)) } } }
                (beside(l, v, "/sources"))
            }
        }
        @if doc["agenda"].as_array().is_some_and(|a| !a.is_empty()) {
            h2 { (t(l, "agenda")) }
            ol data-agenda {
                @for (i, item) in doc["agenda"].as_array().into_iter().flatten().enumerate() {
                    li data-item=(i) {
                        (text_of(&item["title"])) (beside(l, v, &format!("/agenda/{i}/title"))) (beside(l, v, &format!("/agenda/{i}/title_lang")))
                        @if item["documents"].as_array().is_some_and(|d| !d.is_empty()) {
                            ul {
                                @for (j, d) in item["documents"].as_array().into_iter().flatten().enumerate() {
                                    li data-document=(format!("{i}/{j}")) {
                                        (text_of(&d["title"])) " " (text_of(&d["url"])) " · " (t(l, "declared_at")) " " (text_of(&d["published"]))
                                        (beside(l, v, &format!("/agenda/{i}/documents/{j}")))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[handler]
pub async fn record_page(req: &Request, state: Data<&Arc<AppState>>, Path(id): Path<String>) -> Response {
    let ctx = context(req);
    let s = match signed_in(&state, req, &ctx).await {
        Ok(s) if is_monitor(&s) => s,
        Ok(_) => return forbidden(&ctx),
        Err(r) => return r,
    };
    view(&state, &ctx, &s, &id, &Errors::new(), &[], None).await
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    s: &SignedIn,
    id: &str,
    errors: &Errors,
    violations: &[Violation],
    notice: Option<String>,
) -> Response {
    let l = ctx.lang;
    let (draft, published) = match tokio::try_join!(
        ws::public_record_draft(&state.service, id),
        ws::public_record_published(&state.service, id)
    ) {
        Ok(x) => x,
        Err(e) => return internal(ctx, e),
    };
    let base = format!("/publish/public-records/{id}");
    let body = html! {
        (account_bar(l, s))
        @if let Some(n) = &notice { p.provenance role="status" { (n) " " a href={"/public-records/" (id)} { (t(l, "preview")) } } }
        @if !violations.is_empty() {
            (summary(l, violations, &draft.as_ref().map(|d| placed(&d.doc)).unwrap_or_else(|| vec!["/reason".to_owned()])))
        }
        @if let Some(d) = &draft {
            p.meta { (t(l, "draft_note")) }
            (facts(l, &d.doc, violations))
            details { summary { "JSON" } pre data-draft { (serde_json::to_string_pretty(&d.doc).unwrap_or_default()) } }
            h2 { (t(l, "notice")) }
            form method="post" action={(base) "/notice"} data-form="notice" {
                (csrf_field(s))
                label { (t(l, "on_date")) " " input type="date" name="date"; } (err(l, errors, "date")) " "
                label { (t(l, "source_url")) " " input type="url" name="source_url"; } (err(l, errors, "source_url"))
                (beside(l, violations, "/notice"))
                " " button type="submit" { (t(l, "save")) }
            }
            h2 { (t(l, "add_item")) }
            form method="post" action={(base) "/agenda"} data-form="agenda" {
                (csrf_field(s))
                p { label { (t(l, "title")) " " input name="title"; } (err(l, errors, "title"))
                    " " label { "lang " select name="title_lang" { option value="ru" { "ru" } option value="kk" { "kk" } } } }
                p { label { (t(l, "documents")) ": " (t(l, "title")) " " input name="doc_title"; }
                    " " label { "URL " input type="url" name="doc_url"; } (err(l, errors, "doc_url"))
                    " " label { (t(l, "declared_at")) " " input type="date" name="doc_published"; } (err(l, errors, "doc_published")) }
                p { label { (t(l, "source_url")) " " input type="url" name="source_url"; } (err(l, errors, "source_url")) }
                button type="submit" { (t(l, "add_item")) }
            }
            h2 { (t(l, "minutes")) }
            form method="post" action={(base) "/minutes"} data-form="minutes" {
                (csrf_field(s))
                label { (t(l, "declared_at")) " " input type="date" name="published"; } (err(l, errors, "published")) " "
                label { "URL " input type="url" name="url"; } (err(l, errors, "url")) " "
                label { (t(l, "source_url")) " " input type="url" name="source_url"; } (err(l, errors, "source_url"))
                (beside(l, violations, "/minutes"))
                " " button type="submit" { (t(l, "save")) }
            }
            h2 { (t(l, "publish")) }
            form method="post" action={(base) "/publish"} data-form="publish-record" {
                (csrf_field(s))
                @if d.base.is_some() {
                    p.meta { (t(l, "correction_note")) }
                    p { label { (t(l, "reason")) " " textarea name="reason" rows="2" cols="60" {} } (beside(l, violations, "/reason")) }
                }
                button type="submit" { (t(l, "publish")) }
            }
        } @else if published {
            p { a href={"/public-records/" (id)} { (t(l, "public_page")) } }
            form method="post" action={(base) "/correct"} data-form="correct-record" {
                (csrf_field(s)) button type="submit" { (t(l, "correct")) }
            }
        } @else if notice.is_none() {
            (open_form(l, s, errors))
        }
    };
    let status =
        if errors.is_empty() && violations.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page(ctx, status, &format!("{} · {id}", t(l, "public_record")), body)
}

#[handler]
pub async fn record_post(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> Response {
    let ctx = context(req);
    let s = match checked(&state, req, &ctx, &f).await {
        Ok(s) if is_monitor(&s) => s,
        Ok(_) => return forbidden(&ctx),
        Err(r) => return r,
    };
    if action == "publish" {
        let reason = Some(get(&f, "reason").to_owned()).filter(|r| !r.is_empty());
        return match ws::publish_public_record(&state.service, &s.account, &id, reason).await {
            Ok(m) => {
                let notice = Some(format!("{} {}", t(ctx.lang, "published"), m.version));
                view(&state, &ctx, &s, &id, &Errors::new(), &[], notice).await
            }
            Err(PublishError::Invalid(v)) => view(&state, &ctx, &s, &id, &Errors::new(), &v, None).await,
            Err(PublishError::Conflict) => {
                view(&state, &ctx, &s, &id, &Errors::new(), &[], Some(t(ctx.lang, "conflict").into())).await
            }
            Err(PublishError::Other(crate::service::Error::NotFound(_))) => forbidden(&ctx),
            Err(PublishError::Other(e)) => internal(&ctx, e),
        };
    }
    if action == "correct" {
        return match ws::correct_public_record(&state.service, &s.account, &id).await {
            Ok(()) => see_other(&format!("/publish/public-records/{id}")),
            Err(crate::service::Error::NotFound(_) | crate::service::Error::BadRequest(_)) => forbidden(&ctx),
            Err(e) => internal(&ctx, e),
        };
    }
    let mut draft = match ws::public_record_draft(&state.service, &id).await {
        Ok(Some(d)) => d,
        Ok(None) => return forbidden(&ctx),
        Err(e) => return internal(&ctx, e),
    };
    let mut errors = Errors::new();
    let source = url(&f, "source_url", true, &mut errors);
    // A fact's source is one of the record's sources, as the format requires.
    if let (Some(src), Some(list)) = (&source, draft.doc["sources"].as_array_mut())
        && !list.iter().any(|x| x == src.as_str())
    {
        list.push(json!(src));
    }
    match action.as_str() {
        "notice" => {
            let date = day(&f, "date", &mut errors);
            draft.doc["notice"] = json!({ "date": date, "source_url": source });
        }
        "agenda" => {
            if get(&f, "title").is_empty() {
                errors.push(("title".into(), "required".into()));
            }
            let doc_url = url(&f, "doc_url", false, &mut errors);
            let published = day(&f, "doc_published", &mut errors);
            let mut item = json!({ "title": get(&f, "title"), "title_lang": get(&f, "title_lang"), "documents": [] });
            if doc_url.is_some() || !get(&f, "doc_title").is_empty() {
                let mut d = json!({ "source_url": source });
                for (k, v) in [
                    ("title", Some(get(&f, "doc_title").to_owned()).filter(|x| !x.is_empty())),
                    ("url", doc_url),
                    ("published", published),
                ] {
                    if let Some(v) = v {
                        d[k] = json!(v);
                    }
                }
                item["documents"] = json!([d]);
            }
            if errors.is_empty()
                && let Some(a) = draft.doc["agenda"].as_array_mut()
            {
                a.push(item);
            }
        }
        "minutes" => {
            let published = day(&f, "published", &mut errors);
            let murl = url(&f, "url", false, &mut errors);
            let mut m = json!({ "source_url": source });
            if let Some(p) = published {
                m["published"] = json!(p);
            }
            if let Some(u) = murl {
                m["url"] = json!(u);
            }
            draft.doc["minutes"] = m;
        }
        _ => return forbidden(&ctx),
    }
    if !errors.is_empty() {
        return view(&state, &ctx, &s, &id, &errors, &[], None).await;
    }
    match ws::save_public_record(&state.service, &id, &draft, &s.account).await {
        Ok(()) => see_other(&format!("/publish/public-records/{id}")),
        Err(e) => internal(&ctx, e),
    }
}
