//! `/sessions/{id}`: the agenda with its documents and when each became public, every vote with
//! each deputy's ballot as a seat chart grouped by party, and the speeches on each item.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::{ALL, Parties, deputy_names, local};
use crate::domain::metrics::{Component, TimeKind};
use crate::domain::session::DeclaredNotice;
use crate::service::VersionMeta;
use crate::service::sessions::{Document, Speech, SpeechFilter};
use crate::service::votes::{BallotRead, VoteEvent, VoteFilter};
use crate::service::{self, Service};
use crate::web::PageResult;
use crate::web::charts::{self, Seat};
use crate::web::layout::{Ctx, Page, enc, table_wrap};

const OPTIONS: [&str; 6] = ["yes", "no", "abstain", "not_voting", "absent", "excused"];

type Vote = (VoteEvent, Vec<BallotRead>);

fn vote_block(ctx: &Ctx, v: &Vote, parties: &Parties, deps: &std::collections::HashMap<String, String>) -> Markup {
    let (e, ballots) = v;
    let c = e.counts;
    let counts = [
        ("yes", c.map(|c| c.yes)),
        ("no", c.map(|c| c.no)),
        ("abstain", c.map(|c| c.abstain)),
        ("not_voting", c.map(|c| c.not_voting)),
        ("absent", c.map(|c| c.absent)),
        ("excused", c.map(|c| c.excused)),
    ];
    let mut groups: BTreeMap<String, Vec<Seat>> = BTreeMap::new();
    let mut rows = vec![];
    for b in ballots {
        let group = parties.group(ctx, b.party.as_deref());
        let who = deps.get(&b.deputy_id).cloned().unwrap_or_else(|| b.deputy_id.clone());
        let option = b.option.as_str().to_owned();
        groups
            .entry(group.clone())
            .or_default()
            .push(Seat { tip: format!("{who}: {}", ctx.lang.label("opt", &option)), option: option.clone() });
        rows.push((who, b.deputy_id.clone(), group, option));
    }
    for seats in groups.values_mut() {
        seats.sort_by_key(|s| OPTIONS.iter().position(|o| *o == s.option));
    }
    let groups: Vec<(String, Vec<Seat>)> = groups.into_iter().collect();
    let legend: Vec<(String, &'static str)> =
        OPTIONS.iter().map(|o| (ctx.lang.label("opt", o), charts::option_colour(o))).collect();
    html! {
        div class="vote" id={ "vote-" (e.id) } data-vote=(e.id) {
            h4 { (ctx.t("vote")) ": " (super::named(ctx, &e.motion)) }
            p {
                (ctx.lang.label("method", e.method.as_str())) ". " (ctx.t("result")) ": "
                strong data-result=(e.result) { (ctx.lang.label("result", e.result.as_str())) } ". "
                a href={ "/v1/vote-events/" (enc(&e.id)) } { code { "GET /v1/vote-events/" (e.id) } }
            }
            (table_wrap(ctx.t("result"), html! {
                table {
                    thead { tr { @for (o, _) in &counts { th scope="col" class="num" { (ctx.lang.label("opt", o)) } } } }
                    tbody { tr { @for (o, c) in &counts { td class="num" data-count=(o) { (c.map(|c| c.to_string()).unwrap_or_else(|| "—".into())) } } } }
                }
            }))
            @if ballots.is_empty() {
                p { (ctx.t("counts_only")) }
            } @else {
                h5 { (ctx.t("ballots")) }
                (charts::legend(&legend))
                div class="figure" {
                    (charts::seats(ctx.t("ballots"), &groups))
                    (table_wrap(ctx.t("ballots"), html! {
                        table {
                            caption { (ctx.t("chart_numbers")) }
                            thead { tr { th scope="col" { (ctx.t("deputy")) } th scope="col" { (ctx.t("group")) } th scope="col" { (ctx.t("ballot")) } } }
                            tbody {
                                @for (who, id, group, option) in &rows {
                                    tr { th scope="row" { a href={ "/deputies/" (enc(id)) } { (who) } } td { (group) } td data-ballot=(id) data-option=(option) { (ctx.lang.label("opt", option)) } }
                                }
                            }
                        }
                    }))
                }
            }
        }
    }
}

fn speeches_table(ctx: &Ctx, list: &[&Speech], deps: &std::collections::HashMap<String, String>) -> Markup {
    html! {
        @if list.is_empty() {
            p class="meta" { (ctx.t("no_speeches")) }
        } @else {
            (table_wrap(ctx.t("speeches"), html! {
                table {
                    thead { tr { th scope="col" { (ctx.t("speaker")) } th scope="col" { (ctx.t("role")) } th scope="col" { (ctx.t("kind")) } th scope="col" class="num" { (ctx.t("duration")) } } }
                    tbody {
                        @for s in list {
                            tr {
                                th scope="row" {
                                    @if let Some(d) = &s.deputy_id { a href={ "/deputies/" (enc(d)) } { (deps.get(d).cloned().unwrap_or_else(|| d.clone())) } }
                                    @else { (s.speaker_name.clone().unwrap_or_default()) }
                                }
                                td { (ctx.lang.label("role", s.speaker_role.as_str())) }
                                td { (ctx.lang.label("type", s.speech_type.as_str())) }
                                td class="num" data-seconds=(s.seconds.map(|n| n.to_string()).unwrap_or_default()) { (super::minutes(ctx, s.seconds)) }
                            }
                        }
                    }
                }
            }))
        }
    }
}

/// The label of a kind of publication time.
fn time_key(k: TimeKind) -> &'static str {
    match k {
        TimeKind::Witnessed => "time_witnessed",
        TimeKind::Declared => "time_declared",
    }
}

/// The notice the council declares it published elsewhere and each document's declared public
/// time, with their sources.
fn notice_section(ctx: &Ctx, notice: Option<&DeclaredNotice>, documents: &[Document]) -> Markup {
    let declared = |d: &Document| d.declared_public_at.map(local).unwrap_or_else(|| "—".into());
    html! {
        section aria-labelledby="declared-notice" {
            h2 id="declared-notice" { (ctx.t("declared_notice")) }
            @if let Some(n) = notice {
                p data-notice=(n.source_url) {
                    (ctx.t("declared_public")) ": " (local(n.published_at)) " (UTC+5). " (ctx.t("source")) ": "
                    a href=(n.source_url) rel="nofollow noopener" { (n.source_url) }
                }
            } @else {
                p { (ctx.t("no_declared_notice")) }
            }
            @let declared_docs: Vec<_> = documents.iter().filter(|d| d.declared_public_at.is_some()).collect();
            @if !declared_docs.is_empty() {
                (table_wrap(ctx.t("declared_public"), html! {
                    table {
                        thead { tr { th scope="col" { (ctx.t("documents")) } th scope="col" { (ctx.t("declared_public")) } th scope="col" { (ctx.t("source")) } } }
                        tbody { @for d in &declared_docs { tr {
                            th scope="row" { a href=(d.url) rel="nofollow noopener" { (d.title) } }
                            td { (declared(d)) }
                            td { @if let Some(u) = &d.declared_public_source { a href=(u) rel="nofollow noopener" data-declared-source=(d.id) { (u) } } }
                        } } }
                    }
                }))
            }
    }
    }
}

/// Every correction of the record (each version after the first) with its reason and a link to
/// what changed.
fn corrections_section(ctx: &Ctx, id: &str, versions: &[VersionMeta]) -> Markup {
    let corrections: Vec<&VersionMeta> = versions.iter().filter(|v| v.version > 1).collect();
    html! {
        section aria-labelledby="corrections" {
            h2 id="corrections" { (ctx.t("corrections")) " (" (corrections.len()) ")" }
            p class="meta" { a href={ "/v1/sessions/" (enc(id)) "/versions" } { code { "GET /v1/sessions/" (id) "/versions" } } }
            @if corrections.is_empty() {
                p { (ctx.t("no_corrections")) }
            } @else {
                (table_wrap(ctx.t("corrections"), html! {
                    table {
                        thead { tr { th scope="col" { (ctx.t("version")) } th scope="col" { (ctx.t("received")) } th scope="col" { (ctx.t("reason")) } th scope="col" { (ctx.t("what_changed")) } } }
                        tbody { @for v in &corrections { tr data-correction=(v.version) {
                            th scope="row" { a href={ "/v1/sessions/" (enc(id)) "/versions/" (v.version) } { (v.version) } }
                            td { (local(v.received_at)) }
                            // The publisher's own words, quoted as given (not translated).
                            td data-reason { @if let Some(r) = &v.reason { q data-source { (r) } } @else { "—" } }
                            td { a data-diff href={ "/sessions/" (enc(id)) "/diff?from=" (v.version - 1) "&to=" (v.version) } { (ctx.t("what_changed")) " (" (v.version - 1) " → " (v.version) ")" } }
                        } } }
                    }
                }))
            }
    }
    }
}

/// Builds the page.
pub async fn page(svc: &Service, ctx: &Ctx, id: &str) -> PageResult {
    let full = service::sessions::get(svc, id).await?;
    let s = &full.session;
    let council = service::councils::get(svc, &s.council_id).await?.council;
    let only_this = VoteFilter { session: Some(id.to_owned()), ..Default::default() };
    let events = service::votes::list(svc, &only_this, None, ALL).await?.items;
    let mut votes: Vec<Vote> = vec![];
    for e in events {
        votes.push(service::votes::get(svc, &e.id).await?);
    }
    votes.sort_by_key(|v| v.0.position);
    let speech_filter = SpeechFilter { session: Some(id.to_owned()), ..Default::default() };
    let speeches = service::sessions::speeches(svc, &speech_filter, None, ALL).await?.items;
    let deps = deputy_names(svc, ctx, &s.council_id).await?;
    let parties = Parties::load(svc).await?;
    let council_name = super::name_with_note(ctx, &council.names);
    let title = format!("{council_name}: {} № {}", ctx.t("session"), s.number);
    let loose: Vec<&Speech> = speeches.iter().filter(|x| x.agenda_item_id.is_none()).collect();
    let date = crate::domain::session::local_date(s.scheduled_start);
    let openness = service::metrics::session_openness_on(svc, &s.council_id, &s.id, date).await?;
    let declared = |d: &Document| d.declared_public_at.map(local).unwrap_or_else(|| "—".into());
    let versions = service::sessions::versions(svc, id, None, ALL).await?.items;

    let body = html! {
        p { a href={ "/councils/" (enc(&s.council_id)) } { (council_name) } }
        dl {
            dt { (ctx.t("scheduled")) } dd data-field="scheduled_start" { (local(s.scheduled_start)) " (UTC+5)" }
            dt { (ctx.t("kind")) } dd { (ctx.lang.label("kind", s.kind.as_str())) ", " (s.convocation) " " (ctx.t("convocation")) ", " (if s.is_open { ctx.t("open") } else { ctx.t("closed") }) }
            dt { (ctx.t("status")) } dd { (ctx.lang.label("status", s.status.as_str())) }
            @if let Some(p) = &s.place { dt { (ctx.t("place")) } dd { (p) } }
            @if let Some(u) = &s.livestream_url { dt { (ctx.t("broadcast")) } dd { a href=(u) rel="nofollow noopener" { (u) } } }
            @if let Some(u) = &s.recording_url { dt { (ctx.t("recording")) } dd { a href=(u) rel="nofollow noopener" { (u) } } }
            dt { (ctx.t("agenda_public")) } dd { (s.agenda_first_public_at.map(local).unwrap_or_else(|| "—".into())) }
            dt { (ctx.t("minutes_public")) } dd { (s.minutes_first_public_at.map(local).unwrap_or_else(|| "—".into())) }
        }
        (notice_section(ctx, s.declared_notice().as_ref(), &full.documents))
        (corrections_section(ctx, id, &versions))
        @if let Some(o) = &openness {
            section aria-labelledby="session-openness" {
                h2 id="session-openness" { (ctx.t("openness")) }
                p { (ctx.t("session_openness_note")) }
                (table_wrap(ctx.t("openness"), html! {
                    table {
                        thead { tr { th scope="col" { (ctx.t("component")) } th scope="col" class="num" { (ctx.t("value")) } th scope="col" { (ctx.t("time_kind")) } th scope="col" { (ctx.t("pr_reason")) } } }
                        tbody {
                            @for c in Component::ALL {
                                @let v = o.get(c);
                                tr {
                                    th scope="row" { (ctx.t(&format!("c_{}", c.name()))) }
                                    td class="num" data-component=(c.name()) { (super::share(ctx, v)) }
                                    td { @if let Some(k) = o.time_kind_of(c) { (ctx.t(time_key(k))) } }
                                    td { @if let Some(r) = v.reason { code { (service::metrics::reason_code(r)) } } }
                                }
                            }
                        }
                    }
                }))
            }
        }
        section aria-labelledby="agenda" {
            h2 id="agenda" { (ctx.t("agenda")) }
            // The item's own number, once (the list's markers are off: `ol.agenda` in the style).
            ol class="agenda" {
                @for a in &full.agenda {
                    li id={ "item-" (a.id) } {
                        h3 { span class="item-no" { (a.number_label.clone().unwrap_or_else(|| a.position.to_string())) ". " } (super::named(ctx, &a.titles)) }
                        p class="meta" {
                            (ctx.t("initiator")) ": " (ctx.lang.label("init", a.initiator.as_str()))
                            @if let Some(r) = a.result { " · " (ctx.t("result")) ": " (ctx.lang.label("ir", r.as_str())) }
                            " · " (ctx.t("public_since")) ": " (local(a.first_public_at))
                            @if a.added_late { " · " strong { (ctx.t("added_late")) } }
                            @if !a.is_open { " · " strong { (ctx.t("closed_item")) } }
                        }
                        @let docs: Vec<_> = full.documents.iter().filter(|d| d.agenda_item_id.as_deref() == Some(a.id.as_str())).collect();
                        @if !docs.is_empty() {
                            (table_wrap(ctx.t("documents"), html! {
                                table {
                                    thead { tr { th scope="col" { (ctx.t("documents")) } th scope="col" { (ctx.t("kind")) } th scope="col" { (ctx.t("public_since")) } th scope="col" { (ctx.t("declared_public")) } } }
                                    tbody { @for d in &docs { tr { th scope="row" { a href=(d.url) rel="nofollow noopener" { (d.title) } } td { (ctx.lang.label("doc", d.kind.as_str())) } td { (local(d.first_public_at)) } td { (declared(d)) } } } }
                                }
                            }))
                        }
                        @for v in votes.iter().filter(|v| v.0.agenda_item_id == a.id) { (vote_block(ctx, v, &parties, &deps)) }
                        h4 { (ctx.t("speeches")) }
                        (speeches_table(ctx, &speeches.iter().filter(|x| x.agenda_item_id.as_deref() == Some(a.id.as_str())).collect::<Vec<_>>(), &deps))
                    }
                }
            }
        }
        @let other: Vec<_> = full.documents.iter().filter(|d| d.agenda_item_id.is_none()).collect();
        @if !other.is_empty() {
            section aria-labelledby="docs" {
                h2 id="docs" { (ctx.t("documents")) }
                ul { @for d in &other { li {
                    a href=(d.url) rel="nofollow noopener" { (d.title) } " (" (ctx.lang.label("doc", d.kind.as_str())) "), " (ctx.t("public_since")) ": " (local(d.first_public_at))
                    @if d.declared_public_at.is_some() { "; " (ctx.t("declared_public")) ": " (declared(d)) }
                } } }
            }
        }
        @if !loose.is_empty() {
            section aria-labelledby="other-speeches" {
                h2 id="other-speeches" { (ctx.t("speeches")) }
                (speeches_table(ctx, &loose, &deps))
            }
        }
        (crate::web::log_check::section(ctx, Some(&full.version)))
    };
    Ok(Page {
        title,
        api: format!("/v1/sessions/{}", enc(id)),
        synthetic: s.synthetic || council.synthetic,
        body,
        feed: None,
    })
}
