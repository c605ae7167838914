//! The preview of a session record draft: the citizens' page as it would read once published
//! (in the citizens' words and labels), and the openness components the record would earn, computed
//! by the domain's openness functions through `service::workspace::preview_session`. Nothing is
//! stored, logged or made public.

use std::collections::HashMap;
use std::sync::Arc;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use super::forms::{for_council, violations};
use super::text::t;
use super::{account_bar, forbidden, internal, page};
use crate::api::AppState;
use crate::domain::metrics::{Component, TimeKind};
use crate::domain::session::{Document, SessionRecord, Speech, VoteEvent};
use crate::service::{self, workspace as ws};
use crate::web::context;
use crate::web::layout::Ctx;
use crate::web::pages::{local, share};

fn time_key(k: TimeKind) -> &'static str {
    match k {
        TimeKind::Witnessed => "time_witnessed",
        TimeKind::Declared => "time_declared",
    }
}

fn documents(ctx: &Ctx, docs: &[&Document]) -> Markup {
    html! {
        @if !docs.is_empty() {
            table {
                thead { tr { th scope="col" { (ctx.t("documents")) } th scope="col" { (ctx.t("kind")) } th scope="col" { (ctx.t("declared_public")) } } }
                tbody { @for d in docs { tr data-preview-document=(d.id) {
                    th scope="row" { a href=(d.url) rel="nofollow noopener" { (d.title) } }
                    td { (ctx.lang.label("doc", d.kind.as_str())) }
                    td { (d.declared_public.as_ref().map(|p| local(p.published_at)).unwrap_or_else(|| "—".into())) }
                } } }
            }
        }
    }
}

fn vote(ctx: &Ctx, e: &VoteEvent, names: &HashMap<String, String>) -> Markup {
    let c = e.counts.unwrap_or_default();
    let counts = [
        ("yes", c.yes),
        ("no", c.no),
        ("abstain", c.abstain),
        ("not_voting", c.not_voting),
        ("absent", c.absent),
        ("excused", c.excused),
    ];
    html! {
        div.vote data-preview-vote=(e.id) {
            h4 { (ctx.t("vote")) ": " (ctx.lang.pick(&e.motion)) }
            p { (ctx.lang.label("method", e.method.as_str())) ". " (ctx.t("result")) ": " strong data-result=(e.result.as_str()) { (ctx.lang.label("result", e.result.as_str())) } }
            table {
                thead { tr { @for (o, _) in &counts { th scope="col" class="num" { (ctx.lang.label("opt", o)) } } } }
                tbody { tr { @for (o, n) in &counts { td class="num" data-count=(o) { (n) } } } }
            }
            @if !e.ballots.is_empty() {
                details { summary { (ctx.t("ballots")) " (" (e.ballots.len()) ")" }
                    ul { @for b in &e.ballots { li data-ballot=(b.deputy) data-option=(b.option.as_str()) {
                        (names.get(&b.deputy).cloned().unwrap_or_else(|| b.deputy.clone())) ": " (ctx.lang.label("opt", b.option.as_str()))
                    } } }
                }
            }
        }
    }
}

fn speeches(ctx: &Ctx, list: &[&Speech], names: &HashMap<String, String>) -> Markup {
    html! {
        @if list.is_empty() { p.meta { (ctx.t("no_speeches")) } } @else {
            table {
                thead { tr { th scope="col" { (ctx.t("speaker")) } th scope="col" { (ctx.t("role")) } th scope="col" { (ctx.t("kind")) } th scope="col" class="num" { (ctx.t("duration")) } } }
                tbody { @for s in list { tr data-preview-speech=(s.id) {
                    th scope="row" { (s.deputy.as_ref().map(|d| names.get(d).cloned().unwrap_or_else(|| d.clone())).or_else(|| s.speaker_name.clone()).unwrap_or_default()) }
                    td { (ctx.lang.label("role", s.speaker_role.as_str())) }
                    td { (ctx.lang.label("type", s.speech_type.as_str())) }
                    td class="num" data-seconds=(s.seconds.map(|n| n.to_string()).unwrap_or_default()) { (s.seconds.map(|n| format!("{n} {}", ctx.t("seconds_short"))).unwrap_or_default()) }
                } } }
            }
        }
    }
}

fn record(ctx: &Ctx, r: &SessionRecord, names: &HashMap<String, String>) -> Markup {
    html! {
        dl {
            dt { (ctx.t("scheduled")) } dd data-field="scheduled_start" { (local(r.scheduled_start)) " (UTC+5)" }
            dt { (ctx.t("kind")) } dd { (ctx.lang.label("kind", r.kind.as_str())) ", " (r.convocation) " " (ctx.t("convocation")) ", " (if r.is_open { ctx.t("open") } else { ctx.t("closed") }) }
            dt { (ctx.t("status")) } dd { (ctx.lang.label("status", r.status.as_str())) }
            @if let Some(u) = &r.livestream_url { dt { (ctx.t("broadcast")) } dd { a href=(u) rel="nofollow noopener" { (u) } } }
            @if let Some(u) = &r.recording_url { dt { (ctx.t("recording")) } dd { a href=(u) rel="nofollow noopener" { (u) } } }
        }
        h2 { (ctx.t("agenda")) }
        ol.agenda {
            @for a in &r.agenda {
                li data-preview-item=(a.id) {
                    h3 { (ctx.lang.pick(&a.titles)) }
                    p.meta { (ctx.t("initiator")) ": " (ctx.lang.label("init", a.initiator.as_str()))
                        @if let Some(x) = a.result { " · " (ctx.t("result")) ": " (ctx.lang.label("ir", x.as_str())) } }
                    (documents(ctx, &r.documents.iter().filter(|d| d.agenda_item.as_deref() == Some(a.id.as_str())).collect::<Vec<_>>()))
                    @for e in r.vote_events.iter().filter(|e| e.agenda_item == a.id) { (vote(ctx, e, names)) }
                    h4 { (ctx.t("speeches")) }
                    (speeches(ctx, &r.speeches.iter().filter(|s| s.agenda_item.as_deref() == Some(a.id.as_str())).collect::<Vec<_>>(), names))
                }
            }
        }
        @let other: Vec<&Document> = r.documents.iter().filter(|d| d.agenda_item.is_none()).collect();
        @if !other.is_empty() { h2 { (ctx.t("documents")) } (documents(ctx, &other)) }
        @let loose: Vec<&Speech> = r.speeches.iter().filter(|s| s.agenda_item.is_none()).collect();
        @if !loose.is_empty() { h2 { (ctx.t("speeches")) } (speeches(ctx, &loose, names)) }
    }
}

fn openness(ctx: &Ctx, p: &ws::SessionPreview) -> Markup {
    let l = ctx.lang;
    html! {
        section data-preview-openness {
            h2 { (ctx.t("openness")) }
            p.meta { (t(l, if p.backfilled { "preview_backfilled" } else { "preview_witnessed" })) }
            @match &p.openness {
                None => { p data-openness="none" { (t(l, "preview_not_held")) } }
                Some(o) => {
                    p { strong data-score=(p.score.0.map(|s| format!("{s:.1}")).unwrap_or_default()) {
                        (ctx.t("openness")) ": " (p.score.0.map(|s| format!("{s:.1}")).unwrap_or_else(|| ctx.t("no_value").to_owned()))
                    } " · " (t(l, "coverage")) " " (ctx.lang.pct(p.score.1)) }
                    table {
                        thead { tr { th scope="col" { (ctx.t("component")) } th scope="col" class="num" { (ctx.t("value")) } th scope="col" { (ctx.t("time_kind")) } th scope="col" { (ctx.t("pr_reason")) } } }
                        tbody { @for c in Component::ALL { @let v = o.get(c); tr {
                            th scope="row" { (ctx.t(&format!("c_{}", c.name()))) }
                            td class="num" data-component=(c.name()) data-value=(v.value.map(|x| format!("{x:.4}")).unwrap_or_default()) { (share(ctx, v)) }
                            td { @if let Some(k) = o.time_kind_of(c) { (ctx.t(time_key(k))) } }
                            td { @if let Some(r) = v.reason { code { (service::metrics::reason_code(r)) } } }
                        } } }
                    }
                }
            }
        }
    }
}

/// `GET /publish/councils/{council}/sessions/{session}/preview`.
#[handler]
pub async fn session_preview(
    req: &Request,
    state: Data<&Arc<AppState>>,
    Path((council, session)): Path<(String, String)>,
) -> Response {
    let ctx = context(req);
    let s = match for_council(&state, req, &ctx, &council).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let p = match ws::preview_session(&state.service, &council, &session).await {
        Ok(p) => p,
        Err(service::Error::NotFound(_)) => return forbidden(&ctx),
        Err(e) => return internal(&ctx, e),
    };
    let names = crate::web::pages::deputy_names(&state.service, &ctx, &council).await.unwrap_or_default();
    let l = ctx.lang;
    let back = format!("/publish/councils/{council}/sessions/{session}");
    let body = html! {
        (account_bar(l, &s))
        p.provenance role="status" data-preview { strong { (t(l, "preview")) } " — " (t(l, "preview_note")) " " a href=(back) { (t(l, "back_to_draft")) } }
        @if !p.violations.is_empty() { (violations(l, &p.violations)) }
        (openness(&ctx, &p))
        @if let Some(r) = &p.record { (record(&ctx, r, &names)) }
    };
    page(&ctx, StatusCode::OK, &format!("{} · {session}", t(l, "preview")), body)
}
