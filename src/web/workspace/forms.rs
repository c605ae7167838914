//! The workspace's pages and forms: accounts (admins), a council's roster, a session record and
//! its roll calls. Each post checks the session, the CSRF token and the council first; each form
//! reports every problem at once beside its field, in the page's language; publishing goes
//! through `crate::service::workspace`, i.e. the same `service::publish` path the API uses.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Form, Multipart, Path};
use poem::{Request, Response, handler};
use serde_json::{Value, json};

use super::text::{rule, t};
use super::{account_bar, checked, csrf_field, csrf_ok, forbidden, internal, page, see_other, signed_in};
use crate::api::AppState;
use crate::domain::Violation;
use crate::domain::enums::BallotOption;
use crate::service::workspace::{self as ws, AccountKind, Draft, PendingRollCall, PublishError, SignedIn, rollcall};
use crate::web::context;
use crate::web::i18n::Lang;
use crate::web::layout::Ctx;

type Fields = HashMap<String, String>;
/// Field name → rule name (translated when shown).
type Errors = Vec<(String, String)>;

/// The largest upload the roll-call form reads.
const MAX_UPLOAD: usize = rollcall::MAX_BYTES;

fn get<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", |s| s.trim())
}

fn field_error(lang: Lang, errors: &Errors, field: &str) -> Markup {
    html! {
        @for (f, r) in errors.iter().filter(|(f, _)| f == field) {
            @let _ = f;
            span.error role="alert" data-field=(field) data-rule=(r) { " ⚠ " (rule(lang, r).unwrap_or(r)) }
        }
    }
}

/// Whether `path` is `at` or lies below it (`/documents/1/url` is under `/documents/1`).
fn under(path: &str, at: &str) -> bool {
    path == at || path.strip_prefix(at).is_some_and(|rest| rest.starts_with('/'))
}

/// The publish-time violations at `at` (a JSON Pointer of the draft), shown beside that field
/// with the rule's message in the page's language and the API's own words.
pub(super) fn beside(lang: Lang, v: &[Violation], at: &str) -> Markup {
    html! {
        @for x in v.iter().filter(|x| under(&x.path, at)) {
            span.error role="alert" data-path=(x.path) data-rule=(x.rule) {
                " ⚠ " (rule(lang, x.rule).unwrap_or(&x.message)) " " span.meta { "(" (x.path) " · " (x.rule) ": " (x.message) ")" }
            }
        }
    }
}

/// Every violation at once: how many there are, with those that have no field on the page
/// (`placed` lists the paths that do) listed here.
pub(super) fn summary(lang: Lang, v: &[Violation], placed: &[String]) -> Markup {
    let rest: Vec<Violation> = v.iter().filter(|x| !placed.iter().any(|p| under(&x.path, p))).cloned().collect();
    html! {
        div.violations role="alert" data-violations=(v.len()) {
            p { strong { (t(lang, "violations")) } " " (v.len()) @if rest.len() < v.len() { " · " (t(lang, "shown_beside")) } }
            @if !rest.is_empty() { (violations_list(lang, &rest)) }
        }
    }
}

pub(super) fn violations(lang: Lang, v: &[Violation]) -> Markup {
    html! { div.violations role="alert" { p { strong { (t(lang, "violations")) } } (violations_list(lang, v)) } }
}

fn violations_list(lang: Lang, v: &[Violation]) -> Markup {
    html! {
        div {
            ul {
                @for x in v {
                    li data-rule=(x.rule) data-path=(x.path) {
                        code { (x.path) } " — " (rule(lang, x.rule).unwrap_or(&x.message))
                        " " span.meta { "(" (x.rule) ": " (x.message) ")" }
                    }
                }
            }
        }
    }
}

fn select(name: &str, options: &[(&str, String)], chosen: &str) -> Markup {
    html! {
        select name=(name) {
            @for (v, label) in options {
                option value=(v) selected[*v == chosen] { (label) }
            }
        }
    }
}

fn words(list: &[&'static str]) -> Vec<(&'static str, String)> {
    list.iter().map(|w| (*w, w.replace('_', " "))).collect()
}

// ---------------------------------------------------------------- accounts (admins)

#[handler]
pub async fn accounts_page(req: &Request, state: Data<&Arc<AppState>>) -> Response {
    let ctx = context(req);
    let s = match signed_in(&state, req, &ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if s.account.kind != AccountKind::Admin || s.account.revoked_at.is_some() {
        return forbidden(&ctx);
    }
    accounts_view(&state, &ctx, &s, None, &Vec::new()).await
}

async fn accounts_view(state: &AppState, ctx: &Ctx, s: &SignedIn, link: Option<String>, errors: &Errors) -> Response {
    let l = ctx.lang;
    let list = match ws::list_accounts(&state.service).await {
        Ok(a) => a,
        Err(e) => return internal(ctx, e),
    };
    let body = html! {
        (account_bar(l, s))
        @if let Some(link) = &link { p.provenance { (t(l, "link_once")) " " code.url data-sign-in-link { (link) } } }
        table {
            thead { tr { th { "id" } th { (t(l, "name")) } th { (t(l, "kind")) } th { (t(l, "council")) } th {} } }
            tbody {
                @for a in &list {
                    tr data-account=(a.id) {
                        td { code { (a.id) } } td { (a.name) } td { (a.kind.as_str()) } td { (a.council.clone().unwrap_or_default()) }
                        td {
                            @if a.revoked_at.is_some() { (t(l, "revoked")) } @else {
                                form method="post" action={"/publish/admin/accounts/" (a.id) "/revoke"} {
                                    (csrf_field(s)) button type="submit" { (t(l, "revoke")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t(l, "create_account")) }
        form method="post" action="/publish/admin/accounts" {
            (csrf_field(s))
            p { label { (t(l, "name")) " " input name="name" required; } (field_error(l, errors, "name")) }
            p { label { (t(l, "kind")) " " (select("kind", &words(&["council", "monitor", "admin"]), "council")) } }
            p { label { (t(l, "council")) " " input name="council"; } (field_error(l, errors, "council")) }
            button type="submit" { (t(l, "create_account")) }
        }
    };
    page(ctx, if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }, t(l, "accounts"), body)
}

#[handler]
pub async fn create_account(req: &Request, state: Data<&Arc<AppState>>, Form(f): Form<Fields>) -> Response {
    let ctx = context(req);
    let s = match checked(&state, req, &ctx, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if s.account.kind != AccountKind::Admin {
        return forbidden(&ctx);
    }
    let mut errors = Errors::new();
    if get(&f, "name").is_empty() {
        errors.push(("name".into(), "required".into()));
    }
    let kind = AccountKind::parse(get(&f, "kind")).unwrap_or(AccountKind::Council);
    let council = Some(get(&f, "council")).filter(|c| !c.is_empty());
    if kind == AccountKind::Council && council.is_none() {
        errors.push(("council".into(), "required".into()));
    }
    if !errors.is_empty() {
        return accounts_view(&state, &ctx, &s, None, &errors).await;
    }
    match ws::create_account(&state.service, get(&f, "name"), kind, council, Duration::hours(24)).await {
        Ok((_, token)) => {
            let link = format!("/publish/sign-in?token={token}");
            accounts_view(&state, &ctx, &s, Some(link), &errors).await
        }
        Err(crate::service::Error::NotFound(_)) => {
            accounts_view(&state, &ctx, &s, None, &vec![("council".into(), "unknown_council".into())]).await
        }
        Err(crate::service::Error::BadRequest(_)) => {
            accounts_view(&state, &ctx, &s, None, &vec![("name".into(), "text_length".into())]).await
        }
        Err(e) => internal(&ctx, e),
    }
}

#[handler]
pub async fn revoke_account(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let ctx = context(req);
    let s = match checked(&state, req, &ctx, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if s.account.kind != AccountKind::Admin {
        return forbidden(&ctx);
    }
    match ws::revoke_account(&state.service, &id).await {
        Ok(()) => see_other("/publish/admin/accounts"),
        Err(e) => internal(&ctx, e),
    }
}

// ---------------------------------------------------------------- roster

/// The session of a request that may publish for `council`, or the refusal.
pub(super) async fn for_council(
    state: &AppState,
    req: &Request,
    ctx: &Ctx,
    council: &str,
) -> Result<SignedIn, Response> {
    let s = signed_in(state, req, ctx).await?;
    if s.account.may_publish_for(council) { Ok(s) } else { Err(forbidden(ctx)) }
}

/// As [`for_council`], for a post: the CSRF token is checked before the council.
async fn post_for_council(
    state: &AppState,
    req: &Request,
    ctx: &Ctx,
    council: &str,
    f: &Fields,
) -> Result<SignedIn, Response> {
    let s = checked(state, req, ctx, f).await?;
    if s.account.may_publish_for(council) { Ok(s) } else { Err(forbidden(ctx)) }
}

#[handler]
pub async fn roster_page(req: &Request, state: Data<&Arc<AppState>>, Path(council): Path<String>) -> Response {
    let ctx = context(req);
    let s = match for_council(&state, req, &ctx, &council).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    roster_view(&state, &ctx, &s, &council, RosterState::default()).await
}

#[derive(Default)]
struct RosterState {
    errors: Errors,
    values: Fields,
    violations: Vec<Violation>,
    notice: Option<String>,
    status: Option<StatusCode>,
}

fn names_of(d: &Value) -> String {
    d["names"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_str).collect::<Vec<_>>().join(" / "))
        .unwrap_or_default()
}

async fn roster_view(state: &AppState, ctx: &Ctx, s: &SignedIn, council: &str, st: RosterState) -> Response {
    let l = ctx.lang;
    let (draft, convs, parties) = match tokio::try_join!(
        ws::roster_draft(&state.service, council),
        crate::service::councils::get(&state.service, council),
        crate::service::councils::all_parties(&state.service),
    ) {
        Ok((d, c, p)) => (d, c.council.convocations, p),
        Err(crate::service::Error::NotFound(_)) => return forbidden(ctx),
        Err(e) => return internal(ctx, e),
    };
    let convs: Vec<(&str, String)> = convs.iter().map(|c| (c.number.as_str(), c.number.clone())).collect();
    let mut party_opts: Vec<(&str, String)> = vec![("", t(l, "non_partisan").to_owned())];
    party_opts.extend(parties.iter().map(|p| (p.id.as_str(), p.id.clone())));
    let deputies: Vec<Value> = draft.doc["deputies"].as_array().cloned().unwrap_or_default();
    let dep_opts: Vec<(String, String)> =
        deputies.iter().map(|d| (d["id"].as_str().unwrap_or_default().to_owned(), names_of(d))).collect();
    let dep_opts: Vec<(&str, String)> = dep_opts.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
    let v = &st.values;
    let e = &st.errors;
    let body = html! {
        (account_bar(l, s))
        @if let Some(n) = &st.notice { p.provenance role="status" { (n) } }
        @if !st.violations.is_empty() {
            (summary(l, &st.violations, &(0..deputies.len()).map(|i| format!("/deputies/{i}")).collect::<Vec<_>>()))
        }
        p.meta { (t(l, "draft_note")) }
        div.table-wrap { table data-roster {
            caption { (t(l, "draft")) " · " (deputies.len()) }
            thead { tr { th { "id" } th { (t(l, "name")) } th { (t(l, "mandate_start")) } th { (t(l, "party")) } } }
            tbody { @for (i, d) in deputies.iter().enumerate() {
                tr data-deputy=(d["id"].as_str().unwrap_or_default()) {
                    td { code { (d["id"].as_str().unwrap_or_default()) } (beside(l, &st.violations, &format!("/deputies/{i}"))) }
                    td { (names_of(d)) }
                    td { @for m in d["mandates"].as_array().into_iter().flatten() {
                        (m["start_date"].as_str().unwrap_or_default()) "–" (m["end_date"].as_str().unwrap_or("")) " " } }
                    td { @for p in d["party_memberships"].as_array().into_iter().flatten() {
                        (p["party"].as_str().unwrap_or_default()) " " (p["start_date"].as_str().unwrap_or_default()) "–" (p["end_date"].as_str().unwrap_or("")) "; " } }
                }
            } }
        } }
        h2 { (t(l, "add_deputy")) }
        form method="post" action={"/publish/councils/" (council) "/roster/deputies"} data-form="add-deputy" {
            (csrf_field(s))
            fieldset { legend { (t(l, "names_hint")) }
                @for (tag, label) in [("kk", "kk"), ("kk-Latn", "kk-Latn"), ("ru", "ru"), ("en", "en")] {
                    label { (label) " " input name={"name_" (tag)} value=(get(v, &format!("name_{tag}"))); } " "
                }
                (field_error(l, e, "names"))
            }
            p { label { (t(l, "convocation")) " " (select("convocation", &convs, get(v, "convocation"))) } (field_error(l, e, "convocation")) }
            p { label { (t(l, "seat_type")) " " (select("seat_type", &words(&["single_member", "party_list"]), get(v, "seat_type"))) }
                " " label { (t(l, "district")) " " input name="district" value=(get(v, "district")); } }
            p { label { (t(l, "nomination")) " " (select("nomination", &words(&["self_nominated", "party"]), get(v, "nomination"))) }
                " " label { (t(l, "party")) " " (select("nominating_party", &party_opts, get(v, "nominating_party"))) } (field_error(l, e, "nominating_party")) }
            p { label { (t(l, "mandate_start")) " " input type="date" name="start_date" value=(get(v, "start_date")); } (field_error(l, e, "start_date")) }
            p { label { (t(l, "party")) " " (select("party", &party_opts, get(v, "party"))) }
                " " label { (t(l, "party_since")) " " input type="date" name="party_start" value=(get(v, "party_start")); } (field_error(l, e, "party_start")) }
            button type="submit" { (t(l, "add_deputy")) }
        }
        h2 { (t(l, "party_change")) }
        form method="post" action={"/publish/councils/" (council) "/roster/party"} data-form="party-change" {
            (csrf_field(s))
            label { (t(l, "deputy")) " " (select("deputy", &dep_opts, "")) } " "
            label { (t(l, "party")) " " (select("party", &party_opts, "")) } " "
            label { (t(l, "on_date")) " " input type="date" name="date"; } (field_error(l, e, "date"))
            " " button type="submit" { (t(l, "save")) }
        }
        h2 { (t(l, "end_mandate")) }
        form method="post" action={"/publish/councils/" (council) "/roster/end"} data-form="end-mandate" {
            (csrf_field(s))
            label { (t(l, "deputy")) " " (select("deputy", &dep_opts, "")) } " "
            label { (t(l, "on_date")) " " input type="date" name="date"; } (field_error(l, e, "end_date")) " "
            label { (t(l, "end_reason")) " " (select("end_reason", &words(&["resigned", "recalled", "died", "appointed_elsewhere", "court_decision", "other"]), "")) }
            " " button type="submit" { (t(l, "save")) }
        }
        h2 { (t(l, "publish")) }
        form method="post" action={"/publish/councils/" (council) "/roster/publish"} data-form="publish-roster" {
            (csrf_field(s)) button type="submit" { (t(l, "publish")) }
        }
    };
    let status = st.status.unwrap_or(if st.errors.is_empty() && st.violations.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    });
    page(ctx, status, &format!("{} · {council}", t(l, "roster")), body)
}

fn date(f: &Fields, k: &str, errors: &mut Errors) -> Option<NaiveDate> {
    match get(f, k) {
        "" => {
            errors.push((k.into(), "required".into()));
            None
        }
        s => s.parse().map_err(|_| errors.push((k.into(), "date".into()))).ok(),
    }
}

/// A deputy built from the add-deputy form, or every problem with it.
fn new_deputy(council: &str, n: usize, f: &Fields) -> Result<Value, Errors> {
    let mut errors = Errors::new();
    let mut names = serde_json::Map::new();
    for tag in ["kk", "kk-Latn", "ru", "en"] {
        let n = get(f, &format!("name_{tag}"));
        if !n.is_empty() {
            names.insert(tag.into(), json!(n));
        }
    }
    if names.is_empty() {
        errors.push(("names".into(), "required".into()));
    }
    if get(f, "convocation").is_empty() {
        errors.push(("convocation".into(), "required".into()));
    }
    let start = date(f, "start_date", &mut errors);
    let nomination = if get(f, "nomination") == "party" { "party" } else { "self_nominated" };
    if nomination == "party" && get(f, "nominating_party").is_empty() {
        errors.push(("nominating_party".into(), "required".into()));
    }
    let party = get(f, "party");
    let party_start = if party.is_empty() { None } else { date(f, "party_start", &mut errors) };
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut mandate = json!({
        "convocation": get(f, "convocation"),
        "seat_type": if get(f, "seat_type") == "party_list" { "party_list" } else { "single_member" },
        "nomination": nomination,
        "start_date": start,
    });
    if nomination == "party" {
        mandate["nominating_party"] = json!(get(f, "nominating_party"));
    }
    if !get(f, "district").is_empty() {
        mandate["district"] = json!(get(f, "district"));
    }
    let memberships = match party_start {
        Some(d) => json!([{ "party": party, "start_date": d }]),
        None => json!([]),
    };
    let id = format!("{council}-d{n}-{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    Ok(json!({ "id": id, "names": names, "mandates": [mandate], "party_memberships": memberships }))
}

fn find_deputy<'a>(doc: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    doc["deputies"].as_array_mut()?.iter_mut().find(|d| d["id"] == id)
}

/// Ends the open membership the day before `on` and opens the new party's (none: non-partisan).
fn change_party(d: &mut Value, party: &str, on: NaiveDate) {
    if !d["party_memberships"].is_array() {
        d["party_memberships"] = json!([]);
    }
    let list = d["party_memberships"].as_array_mut().expect("made an array above");
    for m in list.iter_mut().filter(|m| m.get("end_date").is_none_or(Value::is_null)) {
        m["end_date"] = json!(on - Duration::days(1));
    }
    if !party.is_empty() {
        list.push(json!({ "party": party, "start_date": on }));
    }
}

#[handler]
pub async fn roster_post(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path((council, action)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> Response {
    let ctx = context(req);
    let s = match post_for_council(&state, req, &ctx, &council, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if action == "publish" {
        return match ws::publish_roster(&state.service, &s.account, &council).await {
            Ok(m) => {
                let notice = Some(format!("{} {}", t(ctx.lang, "published"), m.version));
                roster_view(&state, &ctx, &s, &council, RosterState { notice, ..Default::default() }).await
            }
            Err(e) => publish_failed(&state, &ctx, &s, &council, e).await,
        };
    }
    let mut draft = match ws::roster_draft(&state.service, &council).await {
        Ok(d) => d,
        Err(e) => return internal(&ctx, e),
    };
    let mut errors = Errors::new();
    match action.as_str() {
        "deputies" => {
            let n = draft.doc["deputies"].as_array().map_or(0, Vec::len) + 1;
            match new_deputy(&council, n, &f) {
                Ok(d) => {
                    if !draft.doc["deputies"].is_array() {
                        draft.doc["deputies"] = json!([]);
                    }
                    draft.doc["deputies"].as_array_mut().expect("an array").push(d);
                }
                Err(e) => errors = e,
            }
        }
        "party" | "end" => {
            let on = date(&f, "date", &mut errors);
            match (on, find_deputy(&mut draft.doc, get(&f, "deputy"))) {
                (Some(on), Some(d)) if action == "party" => change_party(d, get(&f, "party"), on),
                (Some(on), Some(d)) => {
                    for m in d["mandates"].as_array_mut().into_iter().flatten() {
                        if m.get("end_date").is_none_or(Value::is_null) {
                            m["end_date"] = json!(on);
                            m["end_reason"] = json!(get(&f, "end_reason"));
                        }
                    }
                }
                (_, None) => errors.push(("deputy".into(), "required".into())),
                _ => {}
            }
        }
        _ => return forbidden(&ctx),
    }
    if !errors.is_empty() {
        let st = RosterState { errors, values: f, ..Default::default() };
        return roster_view(&state, &ctx, &s, &council, st).await;
    }
    match ws::save(&state.service, &ws::roster_draft_id(&council), &council, &draft, &s.account).await {
        Ok(()) => see_other(&format!("/publish/councils/{council}/roster")),
        Err(e) => internal(&ctx, e),
    }
}

async fn publish_failed(state: &AppState, ctx: &Ctx, s: &SignedIn, council: &str, e: PublishError) -> Response {
    match e {
        PublishError::Invalid(v) => {
            roster_view(state, ctx, s, council, RosterState { violations: v, ..Default::default() }).await
        }
        PublishError::Conflict => {
            let notice = Some(t(ctx.lang, "conflict").to_owned());
            let st = RosterState { notice, status: Some(StatusCode::CONFLICT), ..Default::default() };
            roster_view(state, ctx, s, council, st).await
        }
        PublishError::Other(e) => internal(ctx, e),
    }
}

// ---------------------------------------------------------------- sessions

/// The form that opens (or starts) a session record.
pub fn open_session_form(l: Lang, s: &SignedIn, council: &str) -> Markup {
    html! {
        h2 { (t(l, "open_session")) }
        form method="post" action={"/publish/councils/" (council) "/sessions"} data-form="open-session" {
            (csrf_field(s))
            p { label { (t(l, "session_id")) " " input name="session" required pattern="[a-z0-9._-]+"; } }
            p { label { (t(l, "convocation")) " " input name="convocation" value="VIII"; } " "
                label { (t(l, "number")) " " input type="number" name="number" min="1" value="1"; } }
            p { label { (t(l, "starts")) " " input type="datetime-local" name="scheduled_start"; } }
            button type="submit" { (t(l, "open_session")) }
        }
    }
}

/// Almaty time (UTC+5, where the domain takes session dates) to UTC.
fn almaty(s: &str) -> Option<chrono::DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
    crate::domain::session::local_offset().from_local_datetime(&naive).single().map(|d| d.with_timezone(&Utc))
}

#[handler]
pub async fn open_session(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path(council): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let ctx = context(req);
    let s = match post_for_council(&state, req, &ctx, &council, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let session = get(&f, "session").to_owned();
    let mut errors = Errors::new();
    if !crate::domain::text::is_valid_id(&session) {
        errors.push(("session".into(), "id".into()));
    }
    let start = almaty(get(&f, "scheduled_start"));
    if start.is_none() {
        errors.push(("scheduled_start".into(), "date".into()));
    }
    if get(&f, "convocation").is_empty() {
        errors.push(("convocation".into(), "required".into()));
    }
    let number: u32 = get(&f, "number").parse().unwrap_or(0);
    if number == 0 {
        errors.push(("number".into(), "required".into()));
    }
    if !errors.is_empty() {
        let l = ctx.lang;
        let body = html! {
            (account_bar(l, &s))
            @for (field, r) in &errors { p.error data-field=(field) data-rule=(r) { (field) ": " (rule(l, r).unwrap_or(r)) } }
            (open_session_form(l, &s, &council))
        };
        return page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, t(l, "open_session"), body);
    }
    match ws::session_draft(&state.service, &council, &session).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let doc = json!({
                "convocation": get(&f, "convocation"), "number": number, "kind": "regular", "status": "held",
                "scheduled_start": start, "is_open": true,
                "agenda": [], "documents": [], "vote_events": [], "speeches": [],
            });
            let draft = Draft { doc, base: None, pending: None };
            let id = ws::session_draft_id(&council, &session);
            if let Err(e) = ws::save(&state.service, &id, &council, &draft, &s.account).await {
                return internal(&ctx, e);
            }
        }
        Err(crate::service::Error::NotFound(_)) => return forbidden(&ctx),
        Err(e) => return internal(&ctx, e),
    }
    see_other(&format!("/publish/councils/{council}/sessions/{session}"))
}

#[derive(Default)]
struct SessionState {
    errors: Errors,
    violations: Vec<Violation>,
    notice: Option<String>,
    refusal: Option<rollcall::Refusal>,
    status: Option<StatusCode>,
}

#[handler]
pub async fn session_page(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path((council, session)): Path<(String, String)>,
) -> Response {
    let ctx = context(req);
    let s = match for_council(&state, req, &ctx, &council).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    session_view(&state, &ctx, &s, &council, &session, SessionState::default()).await
}

fn title_of(v: &Value) -> String {
    v.as_object().map(|m| m.values().filter_map(Value::as_str).collect::<Vec<_>>().join(" / ")).unwrap_or_default()
}

/// The session's date (Almaty), from the draft's scheduled start.
fn session_date(doc: &Value) -> Option<NaiveDate> {
    let start: chrono::DateTime<Utc> = doc["scheduled_start"].as_str()?.parse().ok()?;
    Some((start + Duration::hours(5)).date_naive())
}

async fn session_view(
    state: &AppState,
    ctx: &Ctx,
    s: &SignedIn,
    council: &str,
    session: &str,
    st: SessionState,
) -> Response {
    let l = ctx.lang;
    let draft = match ws::session_draft(&state.service, council, session).await {
        Ok(Some(d)) => d,
        Ok(None) | Err(crate::service::Error::NotFound(_)) => {
            return page(ctx, StatusCode::NOT_FOUND, t(l, "open_session"), open_session_form(l, s, council));
        }
        Err(e) => return internal(ctx, e),
    };
    let candidates = match session_date(&draft.doc) {
        Some(d) => ws::serving(&state.service, council, d).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let names: HashMap<&str, String> = candidates.iter().map(|c| (c.id.as_str(), c.names.join(" / "))).collect();
    let doc = &draft.doc;
    let items: Vec<(String, String)> = doc["agenda"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| (a["id"].as_str().unwrap_or_default().to_owned(), title_of(&a["titles"])))
        .collect();
    let item_opts: Vec<(&str, String)> = items.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
    let base = format!("/publish/councils/{council}/sessions/{session}");
    let e = &st.errors;
    let v = &st.violations;
    let body = html! {
        (account_bar(l, s))
        @if let Some(n) = &st.notice { p.provenance role="status" { (n) } }
        @if !st.violations.is_empty() { (summary(l, &st.violations, &placed(doc))) }
        @if let Some(r) = &st.refusal {
            div.violations role="alert" data-refusal=(r.rule()) { strong { (t(l, "refused")) } " " (rule(l, r.rule()).unwrap_or(r.rule())) " " span.meta { (format!("{r:?}")) } }
        }
        p.meta { (t(l, "draft_note")) }
        @if let Some(p) = &draft.pending { (review(l, s, &base, p, &candidates, &names)) }
        h2 { (t(l, "session_basics")) }
        dl.facts {
            dt { (t(l, "convocation")) } dd { (doc["convocation"].as_str().unwrap_or_default()) (beside(l, v, "/convocation")) }
            dt { (t(l, "number")) } dd { (doc["number"]) (beside(l, v, "/number")) }
            dt { (t(l, "starts")) } dd { (doc["scheduled_start"].as_str().unwrap_or_default()) (beside(l, v, "/scheduled_start")) }
        }
        form method="post" action={(base) "/basics"} data-form="basics" {
            (csrf_field(s))
            p { label { (t(l, "status")) " " (select("status", &words(&["held", "planned", "convened", "cancelled", "postponed"]), doc["status"].as_str().unwrap_or("held"))) } (beside(l, v, "/status")) }
            p { label { (t(l, "livestream")) " " input type="url" name="livestream_url" value=(doc["livestream_url"].as_str().unwrap_or("")); } (field_error(l, e, "livestream_url")) (beside(l, v, "/livestream_url")) }
            p { label { (t(l, "recording")) " " input type="url" name="recording_url" value=(doc["recording_url"].as_str().unwrap_or("")); } (field_error(l, e, "recording_url")) (beside(l, v, "/recording_url")) }
            p { label { (t(l, "minutes")) " " input name="minutes_document" value=(doc["minutes_document"].as_str().unwrap_or("")); } (beside(l, v, "/minutes_document")) }
            button type="submit" { (t(l, "save")) }
        }
        h2 { (t(l, "agenda")) }
        ol data-agenda { @for (i, (id, title)) in items.iter().enumerate() { li data-item=(id) { (title) (beside(l, v, &format!("/agenda/{i}"))) } } }
        form method="post" action={(base) "/agenda"} data-form="agenda" {
            (csrf_field(s))
            @for tag in ["kk", "ru", "en"] { label { (t(l, "title")) " " (tag) " " input name={"title_" (tag)}; } " " }
            (field_error(l, e, "titles"))
            p { label { (t(l, "initiator")) " " (select("initiator", &words(&["akimat", "deputy", "commission", "chairman", "other"]), "akimat")) }
                " " label { (t(l, "result")) " " (select("result", &words(&["adopted", "adopted_amended", "rejected", "noted", "postponed", "withdrawn", "no_decision"]), "adopted")) } }
            button type="submit" { (t(l, "add_item")) }
        }
        h2 { (t(l, "documents")) }
        ul data-documents { @for (i, d) in doc["documents"].as_array().into_iter().flatten().enumerate() {
            li data-document=(d["id"].as_str().unwrap_or_default()) { (d["title"].as_str().unwrap_or_default()) " · " code.url { (d["url"].as_str().unwrap_or_default()) }
                @if let Some(at) = d["declared_public"]["published_at"].as_str() { " · " (at) }
                (beside(l, v, &format!("/documents/{i}"))) }
        } }
        form method="post" action={(base) "/document"} data-form="document" {
            (csrf_field(s))
            p { label { (t(l, "title")) " " input name="title"; } (field_error(l, e, "title"))
                " " label { "URL " input type="url" name="url"; } (field_error(l, e, "url")) }
            p { label { (t(l, "kind")) " " (select("kind", &words(&["agenda", "draft_decision", "decision", "minutes", "verbatim", "explanatory_note", "other"]), "draft_decision")) }
                " " label { (t(l, "agenda")) " " (select("agenda_item", &[vec![("", String::new())], item_opts.clone()].concat(), "")) }
                " " label { "lang " (select("language", &words(&["kk", "ru", "en"]), "ru")) } }
            p { label { (t(l, "declared_at")) " " input type="datetime-local" name="declared_at"; } (field_error(l, e, "declared_at"))
                " " label { (t(l, "declared_source")) " " input type="url" name="declared_source"; } (field_error(l, e, "declared_source")) }
            button type="submit" { (t(l, "add_document")) }
        }
        h2 { (t(l, "votes")) }
        @for (i, ev) in doc["vote_events"].as_array().into_iter().flatten().enumerate() {
            div.vote data-vote=(ev["id"].as_str().unwrap_or_default()) {
                strong { (title_of(&ev["motion"])) } " · " (ev["result"].as_str().unwrap_or_default())
                " · " (ev["counts"]["yes"]) "/" (ev["counts"]["no"]) "/" (ev["counts"]["abstain"])
                (beside(l, v, &format!("/vote_events/{i}")))
            }
        }
        form method="post" enctype="multipart/form-data" action={(base) "/rollcall"} data-form="rollcall" {
            (csrf_field(s))
            p { label { (t(l, "agenda")) " " (select("agenda_item", &item_opts, "")) } (field_error(l, e, "agenda_item")) }
            p { label { (t(l, "motion")) " " input name="motion"; } (field_error(l, e, "motion"))
                " " label { "stage " (select("stage", &words(&["as_a_whole", "first_reading", "amendment", "procedural", "other"]), "as_a_whole")) } }
            p { label { (t(l, "file")) " " input type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"; } }
            button type="submit" { (t(l, "upload_rollcall")) }
        }
        h2 { (t(l, "speeches")) }
        (speeches_section(l, s, &base, doc, &item_opts, &names, (e, v)))
        h2 { (t(l, "publish")) }
        form method="post" action={(base) "/publish"} data-form="publish-session" {
            (csrf_field(s))
            p { label { (t(l, "reason")) " " textarea name="reason" rows="2" cols="60" {} } (beside(l, v, "/reason")) }
            button type="submit" { (t(l, "publish")) }
        }
        p { a href={(base) "/preview"} data-link="preview" { (t(l, "preview")) } " · " a href={"/sessions/" (session)} { (t(l, "public_page")) } }
    };
    let status = st.status.unwrap_or(if st.errors.is_empty() && st.violations.is_empty() && st.refusal.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    });
    page(ctx, status, &format!("{} · {session}", t(l, "session_basics")), body)
}

/// The review of an uploaded roll call: each row, its match, and a choice where needed.
fn review(
    l: Lang,
    s: &SignedIn,
    base: &str,
    p: &PendingRollCall,
    candidates: &[rollcall::Candidate],
    names: &HashMap<&str, String>,
) -> Markup {
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    html! {
        section.vote data-review {
            h2 { (t(l, "review")) }
            p.meta { (t(l, "review_note")) " " code { (p.file) } }
            form method="post" action={(base) "/confirm"} {
                (csrf_field(s))
                table { tbody {
                    @for (i, (row, m)) in p.rows.iter().enumerate() {
                        tr data-row=(row.line) {
                            td { (row.line) } td { (row.name) } td { (row.option) }
                            @match m {
                                rollcall::Match::One(id) => { td data-match="matched" { (t(l, "matched")) ": " (name(id)) } }
                                rollcall::Match::Ambiguous(ids) | rollcall::Match::None(ids) => {
                                    td data-match=(if matches!(m, rollcall::Match::Ambiguous(_)) { "ambiguous" } else { "unmatched" }) {
                                        (if matches!(m, rollcall::Match::Ambiguous(_)) { t(l, "ambiguous") } else { t(l, "unmatched") }) " "
                                        select name={"row_" (i)} {
                                            option value="" { (t(l, "choose")) }
                                            @for id in ids { option value=(id) { (name(id)) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
                @let _ = candidates;
                button type="submit" { (t(l, "confirm")) }
            }
            form method="post" action={(base) "/discard"} { (csrf_field(s)) button type="submit" { (t(l, "discard")) } }
        }
    }
}

#[handler]
pub async fn rollcall_upload(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path((council, session)): Path<(String, String)>,
    multipart: Multipart,
) -> Response {
    let ctx = context(req);
    let s = match for_council(&state, req, &ctx, &council).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (fields, file) = match super::read_multipart(multipart, MAX_UPLOAD).await {
        Ok(x) => x,
        Err(_) => {
            let st = SessionState { refusal: Some(rollcall::Refusal::TooLarge), ..Default::default() };
            return session_view(&state, &ctx, &s, &council, &session, st).await;
        }
    };
    if let Err(r) = csrf_ok(&s, fields.get("csrf").map(String::as_str), &ctx) {
        return r;
    }
    let mut draft = match ws::session_draft(&state.service, &council, &session).await {
        Ok(Some(d)) => d,
        Ok(None) => return forbidden(&ctx),
        Err(e) => return internal(&ctx, e),
    };
    let mut errors = Errors::new();
    let item = get(&fields, "agenda_item").to_owned();
    if !draft.doc["agenda"].as_array().into_iter().flatten().any(|a| a["id"] == item.as_str()) {
        errors.push(("agenda_item".into(), "required".into()));
    }
    if get(&fields, "motion").is_empty() {
        errors.push(("motion".into(), "required".into()));
    }
    if !errors.is_empty() {
        return session_view(&state, &ctx, &s, &council, &session, SessionState { errors, ..Default::default() }).await;
    }
    let (fname, bytes) = file.unwrap_or_default();
    let candidates = match session_date(&draft.doc) {
        Some(d) => ws::serving(&state.service, &council, d).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let rows = match rollcall::read_upload(&bytes).and_then(|rows| matched(rows, &candidates)) {
        Ok(r) => r,
        Err(r) => {
            let st = SessionState { refusal: Some(r), ..Default::default() };
            return session_view(&state, &ctx, &s, &council, &session, st).await;
        }
    };
    let lang = match ctx.lang {
        Lang::Kk => "kk",
        Lang::Ru => "ru",
        Lang::En => "en",
    };
    draft.pending = Some(PendingRollCall {
        agenda_item: item,
        motion: json!({ lang: get(&fields, "motion") }),
        stage: get(&fields, "stage").to_owned(),
        file: fname.chars().take(200).collect(),
        rows,
    });
    match ws::save(&state.service, &ws::session_draft_id(&council, &session), &council, &draft, &s.account).await {
        Ok(()) => see_other(&format!("/publish/councils/{council}/sessions/{session}")),
        Err(e) => internal(&ctx, e),
    }
}

/// Matches every row, refusing a file that names one deputy twice.
fn matched(
    rows: Vec<rollcall::Row>,
    candidates: &[rollcall::Candidate],
) -> Result<Vec<(rollcall::Row, rollcall::Match)>, rollcall::Refusal> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let m = rollcall::match_name(&row.name, candidates);
        let key = match &m {
            rollcall::Match::One(id) => Some(id.clone()),
            _ => None,
        }
        .unwrap_or_else(|| format!("name:{}", crate::domain::text::fold(&row.name)));
        if let Some(first) = seen.insert(key.clone(), row.line) {
            return Err(rollcall::Refusal::Duplicate { rows: (first, row.line), deputy: key });
        }
        out.push((row, m));
    }
    Ok(out)
}

/// The vote event a reviewed roll call makes: a ballot per row, `absent` for deputies serving
/// that day whom the export does not name, counts from the ballots, and the result by the
/// majority of seats.
fn vote_event(
    id: String,
    p: &PendingRollCall,
    chosen: &[(String, BallotOption)],
    serving: &[String],
    seats: i64,
) -> Value {
    let mut ballots: Vec<Value> = chosen.iter().map(|(d, o)| json!({ "deputy": d, "option": o.as_str() })).collect();
    for d in serving.iter().filter(|d| !chosen.iter().any(|(c, _)| c == *d)) {
        ballots.push(json!({ "deputy": d, "option": "absent" }));
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for b in &ballots {
        *counts.entry(b["option"].as_str().unwrap_or_default()).or_default() += 1;
    }
    let c = |k: &str| counts.get(k).copied().unwrap_or(0);
    let result = if c("yes") * 2 > seats { "pass" } else { "fail" };
    json!({
        "id": id, "agenda_item": p.agenda_item, "motion": p.motion,
        "stage": if p.stage.is_empty() { "as_a_whole" } else { p.stage.as_str() },
        "method": "electronic", "majority_rule": "majority_of_seats", "seats": seats, "result": result,
        "counts": { "yes": c("yes"), "no": c("no"), "abstain": c("abstain"), "not_voting": c("not_voting"), "absent": c("absent"), "excused": c("excused") },
        "ballots": ballots,
    })
}

fn next_id(doc: &Value, list: &str, session: &str, tag: &str) -> String {
    let n = doc[list].as_array().map_or(0, Vec::len) + 1;
    let mut id = format!("{session}-{tag}{n}");
    let mut k = n;
    while doc[list].as_array().into_iter().flatten().any(|x| x["id"] == id.as_str()) {
        k += 1;
        id = format!("{session}-{tag}{k}");
    }
    id
}

#[handler]
pub async fn session_post(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path((council, session, action)): Path<(String, String, String)>,
    Form(f): Form<Fields>,
) -> Response {
    let ctx = context(req);
    let s = match post_for_council(&state, req, &ctx, &council, &f).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if action == "publish" {
        let reason = Some(get(&f, "reason").to_owned()).filter(|r| !r.is_empty());
        let st = match ws::publish_session(&state.service, &s.account, &council, &session, reason).await {
            Ok(m) => SessionState {
                notice: Some(format!("{} {}", t(ctx.lang, "published"), m.version)),
                ..Default::default()
            },
            Err(PublishError::Invalid(v)) => SessionState { violations: v, ..Default::default() },
            Err(PublishError::Conflict) => SessionState {
                notice: Some(t(ctx.lang, "conflict").into()),
                status: Some(StatusCode::CONFLICT),
                ..Default::default()
            },
            Err(PublishError::Other(crate::service::Error::NotFound(_))) => return forbidden(&ctx),
            Err(PublishError::Other(e)) => return internal(&ctx, e),
        };
        return session_view(&state, &ctx, &s, &council, &session, st).await;
    }
    let mut draft = match ws::session_draft(&state.service, &council, &session).await {
        Ok(Some(d)) => d,
        Ok(None) | Err(crate::service::Error::NotFound(_)) => return forbidden(&ctx),
        Err(e) => return internal(&ctx, e),
    };
    let errors = match action.as_str() {
        "basics" => basics(&mut draft.doc, &f),
        "agenda" => add_item(&mut draft.doc, &session, &f),
        "document" => add_document(&mut draft.doc, &session, &f),
        "speech" => add_speech(&mut draft.doc, &session, &f),
        "discard" => {
            draft.pending = None;
            Errors::new()
        }
        "confirm" => match confirm(&state, &council, &session, &mut draft, &f).await {
            Ok(e) => e,
            Err(e) => return internal(&ctx, e),
        },
        _ => return forbidden(&ctx),
    };
    if !errors.is_empty() {
        return session_view(&state, &ctx, &s, &council, &session, SessionState { errors, ..Default::default() }).await;
    }
    match ws::save(&state.service, &ws::session_draft_id(&council, &session), &council, &draft, &s.account).await {
        Ok(()) => see_other(&format!("/publish/councils/{council}/sessions/{session}")),
        Err(e) => internal(&ctx, e),
    }
}

fn url_field(f: &Fields, k: &str, errors: &mut Errors) -> Option<String> {
    match get(f, k) {
        "" => None,
        u if u.starts_with("https://") || u.starts_with("http://") => Some(u.to_owned()),
        _ => {
            errors.push((k.into(), "url".into()));
            None
        }
    }
}

fn basics(doc: &mut Value, f: &Fields) -> Errors {
    let mut errors = Errors::new();
    let live = url_field(f, "livestream_url", &mut errors);
    let rec = url_field(f, "recording_url", &mut errors);
    if errors.is_empty() {
        doc["status"] = json!(get(f, "status"));
        doc["livestream_url"] = json!(live);
        doc["recording_url"] = json!(rec);
        doc["minutes_document"] = json!(Some(get(f, "minutes_document")).filter(|m| !m.is_empty()));
        if let Some(o) = doc.as_object_mut() {
            o.retain(|_, v| !v.is_null());
        }
    }
    errors
}

fn add_item(doc: &mut Value, session: &str, f: &Fields) -> Errors {
    let mut titles = serde_json::Map::new();
    for tag in ["kk", "ru", "en"] {
        let v = get(f, &format!("title_{tag}"));
        if !v.is_empty() {
            titles.insert(tag.into(), json!(v));
        }
    }
    if titles.is_empty() {
        return vec![("titles".into(), "required".into())];
    }
    let id = next_id(doc, "agenda", session, "a");
    let position = doc["agenda"].as_array().map_or(0, Vec::len) + 1;
    let item = json!({ "id": id, "position": position, "titles": titles, "initiator": get(f, "initiator"), "result": get(f, "result") });
    if let Some(a) = doc["agenda"].as_array_mut() {
        a.push(item);
    }
    Errors::new()
}

fn add_document(doc: &mut Value, session: &str, f: &Fields) -> Errors {
    let mut errors = Errors::new();
    if get(f, "title").is_empty() {
        errors.push(("title".into(), "required".into()));
    }
    let url = url_field(f, "url", &mut errors);
    if url.is_none() && !errors.iter().any(|(k, _)| k == "url") {
        errors.push(("url".into(), "required".into()));
    }
    let source = url_field(f, "declared_source", &mut errors);
    let at = match get(f, "declared_at") {
        "" => None,
        s => almaty(s).or_else(|| {
            errors.push(("declared_at".into(), "date".into()));
            None
        }),
    };
    if at.is_some() != source.is_some() && errors.is_empty() {
        let missing = if at.is_none() { "declared_at" } else { "declared_source" };
        errors.push((missing.into(), "required".into()));
    }
    if !errors.is_empty() {
        return errors;
    }
    let id = next_id(doc, "documents", session, "doc");
    let mut d = json!({
        "id": id, "kind": get(f, "kind"), "title": get(f, "title"), "media_type": "application/pdf",
        "url": url, "language": get(f, "language"),
    });
    if !get(f, "agenda_item").is_empty() {
        d["agenda_item"] = json!(get(f, "agenda_item"));
    }
    if let (Some(at), Some(src)) = (at, source) {
        d["declared_public"] = json!({ "published_at": at, "source_url": src });
    }
    if let Some(a) = doc["documents"].as_array_mut() {
        a.push(d);
    }
    Errors::new()
}

/// Turns the reviewed roll call into a vote event of the draft; every row must name a deputy.
async fn confirm(
    state: &AppState,
    council: &str,
    session: &str,
    draft: &mut Draft,
    f: &Fields,
) -> Result<Errors, crate::service::Error> {
    let Some(p) = draft.pending.clone() else { return Ok(Errors::new()) };
    let mut errors = Errors::new();
    let mut chosen: Vec<(String, BallotOption)> = Vec::new();
    for (i, (row, m)) in p.rows.iter().enumerate() {
        let id = match m {
            rollcall::Match::One(id) => id.clone(),
            _ => get(f, &format!("row_{i}")).to_owned(),
        };
        if id.is_empty() {
            errors.push((format!("row_{i}"), "required".into()));
            continue;
        }
        if chosen.iter().any(|(d, _)| *d == id) {
            errors.push((format!("row_{i}"), "duplicate_deputy".into()));
            continue;
        }
        chosen.push((id, rollcall::option(&row.option).unwrap_or(BallotOption::NotVoting)));
    }
    if !errors.is_empty() {
        return Ok(errors);
    }
    let date = session_date(&draft.doc).unwrap_or_default();
    let serving: Vec<String> = ws::serving(&state.service, council, date).await?.into_iter().map(|c| c.id).collect();
    let seats = crate::service::councils::get(&state.service, council).await?.council.seats;
    let id = next_id(&draft.doc, "vote_events", session, "v");
    let ev = vote_event(id, &p, &chosen, &serving, i64::from(seats));
    if let Some(a) = draft.doc["vote_events"].as_array_mut() {
        a.push(ev);
    }
    draft.pending = None;
    Ok(errors)
}

/// The speeches of the draft and the form that adds one: a deputy serving that day or a named
/// non-deputy speaker, their capacity, the kind of speech, its language, and its duration.
fn speeches_section(
    l: Lang,
    s: &SignedIn,
    base: &str,
    doc: &Value,
    item_opts: &[(&str, String)],
    names: &HashMap<&str, String>,
    (e, v): (&Errors, &[Violation]),
) -> Markup {
    let mut dep_opts: Vec<(&str, String)> = vec![("", String::new())];
    let mut serving: Vec<(&&str, &String)> = names.iter().collect();
    serving.sort_by(|a, b| a.1.cmp(b.1));
    dep_opts.extend(serving.into_iter().map(|(id, n)| (*id, n.clone())));
    let speaker = |x: &Value| match x["deputy"].as_str() {
        Some(d) => names.get(d).cloned().unwrap_or_else(|| d.to_owned()),
        None => x["speaker_name"].as_str().unwrap_or_default().to_owned(),
    };
    html! {
        ol data-speeches { @for (i, x) in doc["speeches"].as_array().into_iter().flatten().enumerate() {
            li data-speech=(x["id"].as_str().unwrap_or_default()) {
                (speaker(x)) " · " (x["speaker_role"].as_str().unwrap_or_default()) " · " (x["speech_type"].as_str().unwrap_or_default())
                @if let Some(n) = x["seconds"].as_u64() { " · " span data-seconds=(n) { (duration_text(n)) } }
                @if let Some(a) = x["agenda_item"].as_str() { " · " code { (a) } }
                (beside(l, v, &format!("/speeches/{i}")))
            }
        } }
        form method="post" action={(base) "/speech"} data-form="speech" {
            (csrf_field(s))
            p { label { (t(l, "agenda")) " " (select("agenda_item", &[vec![("", String::new())], item_opts.to_vec()].concat(), "")) } (field_error(l, e, "agenda_item")) }
            p { label { (t(l, "deputy")) " " (select("deputy", &dep_opts, "")) } (field_error(l, e, "deputy"))
                " " label { (t(l, "speaker_name")) " " input name="speaker_name"; } (field_error(l, e, "speaker_name")) }
            p { label { (t(l, "speaker_role")) " " (select("speaker_role", &words(&["deputy", "chair", "rapporteur", "executive", "official", "public"]), "deputy")) }
                " " label { (t(l, "speech_type")) " " (select("speech_type", &words(&["speech", "question", "answer", "report", "procedural"]), "speech")) }
                " " label { "lang " (select("language", &words(&["kk", "ru", "en"]), "kk")) } }
            p { label { (t(l, "duration")) " " input name="duration" placeholder="m:ss" size="8"; } (field_error(l, e, "duration")) }
            p { label { (t(l, "speech_text")) " " textarea name="text" rows="3" cols="60" {} } }
            button type="submit" { (t(l, "add_speech")) }
        }
    }
}

/// `1:05` for 65 seconds, `1:00:05` past an hour.
fn duration_text(n: u64) -> String {
    if n >= 3600 {
        format!("{}:{:02}:{:02}", n / 3600, n / 60 % 60, n % 60)
    } else {
        format!("{}:{:02}", n / 60, n % 60)
    }
}

/// A duration typed as seconds (`95`), minutes and seconds (`1:35`) or hours too (`1:01:35`).
fn parse_duration(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split(':').map(str::trim).collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 6) {
        return None;
    }
    let mut total: u32 = 0;
    for (i, p) in parts.iter().enumerate() {
        let n: u32 = p.parse().ok()?;
        if i > 0 && n >= 60 {
            return None;
        }
        total = total.checked_mul(60)?.checked_add(n)?;
    }
    Some(total)
}

fn add_speech(doc: &mut Value, session: &str, f: &Fields) -> Errors {
    let mut errors = Errors::new();
    let item = get(f, "agenda_item");
    if !item.is_empty() && !doc["agenda"].as_array().into_iter().flatten().any(|a| a["id"] == item) {
        errors.push(("agenda_item".into(), "known_agenda_item".into()));
    }
    let (deputy, name) = (get(f, "deputy"), get(f, "speaker_name"));
    match (deputy.is_empty(), name.is_empty()) {
        (true, true) => errors.push(("deputy".into(), "one_speaker".into())),
        (false, false) => errors.push(("speaker_name".into(), "one_speaker".into())),
        (true, false) if get(f, "speaker_role") == "deputy" => errors.push(("deputy".into(), "required".into())),
        _ => {}
    }
    let seconds = match get(f, "duration") {
        "" => None,
        d => match parse_duration(d) {
            Some(n) if n <= crate::domain::bounded::MAX_SPEECH_SECONDS => Some(n),
            Some(_) => {
                errors.push(("duration".into(), "range".into()));
                None
            }
            None => {
                errors.push(("duration".into(), "duration".into()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return errors;
    }
    let id = next_id(doc, "speeches", session, "sp");
    let mut x = json!({
        "id": id,
        "speaker_role": if get(f, "speaker_role").is_empty() { "deputy" } else { get(f, "speaker_role") },
        "speech_type": if get(f, "speech_type").is_empty() { "speech" } else { get(f, "speech_type") },
        "language": if get(f, "language").is_empty() { "kk" } else { get(f, "language") },
    });
    for (k, v) in [("agenda_item", item), ("deputy", deputy), ("speaker_name", name), ("text", get(f, "text"))] {
        if !v.is_empty() {
            x[k] = json!(v);
        }
    }
    if let Some(n) = seconds {
        x["seconds"] = json!(n);
    }
    if !doc["speeches"].is_array() {
        doc["speeches"] = json!([]);
    }
    if let Some(a) = doc["speeches"].as_array_mut() {
        a.push(x);
    }
    Errors::new()
}

/// The draft paths the session page shows a field or an entry for (violations there are shown
/// beside it, the rest at the top).
fn placed(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = [
        "/convocation",
        "/number",
        "/scheduled_start",
        "/status",
        "/livestream_url",
        "/recording_url",
        "/minutes_document",
        "/reason",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    for list in ["agenda", "documents", "vote_events", "speeches"] {
        let n = doc[list].as_array().map_or(0, Vec::len);
        out.extend((0..n).map(|i| format!("/{list}/{i}")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{duration_text, parse_duration};

    #[test]
    fn durations_are_read_as_seconds_minutes_or_hours() {
        assert_eq!(parse_duration("95"), Some(95));
        assert_eq!(parse_duration("1:35"), Some(95));
        assert_eq!(parse_duration("1:01:35"), Some(3695));
        for bad in ["", "1:75", "a", "1::2", "-5", "1:2:3:4", "1.5"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!((duration_text(95), duration_text(3695)), ("1:35".to_owned(), "1:01:35".to_owned()));
    }
}
