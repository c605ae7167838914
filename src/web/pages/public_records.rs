//! Real records compiled from public sources (newspapers, the councils' own pages, the adilet
//! register): the "what is public today" section of `/`, the list `/public-records` (optionally
//! `?council=slug`) and one page per record, `/public-records/{id}`.
//!
//! These records are not council documents: each carries its council inline, so their council
//! names link to the list filtered by that council, never to `/councils/{slug}` (the synthetic
//! council of the same slug, or nothing). Every fact is shown as its source gives it, with the
//! source linked; what the sources do not state is said to be not stated, never filled in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Serialize;

use crate::domain::metrics as m;
use crate::domain::metrics::MetricValue;
use crate::domain::public_record::{self as d, CoverageCounts, PublicDecision, PublicRecord};
use crate::service::public_records::PublicRecordRead;
use crate::service::{self, Service};
use crate::web::charts::{self, Bar};
use crate::web::layout::{Ctx, Page, enc, table_wrap};
use crate::web::{PageError, PageResult};

/// How many records of a coverage count state one fact.
pub type FactCount = fn(&CoverageCounts) -> u64;

/// The facts the coverage summary counts, in display order: key (as in the API's JSON) and count.
pub const FACTS: [(&str, FactCount); 8] = [
    ("notice_date", |c| c.notice_date),
    ("notice_lead_time", |c| c.notice_lead_time),
    ("agenda_titles", |c| c.agenda_titles),
    ("documents", |c| c.documents),
    ("counts", |c| c.counts),
    ("named_votes", |c| c.named_votes),
    ("livestream", |c| c.livestream),
    ("minutes", |c| c.minutes),
];

/// `count ÷ of`, as the API computes it (0 when there are no records).
fn share(count: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { count as f64 / of as f64 }
}

/// The wire name of a serialized enumeration value.
fn code<T: Serialize>(x: &T) -> String {
    serde_json::to_value(x).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A name in the page's language (falling back like [`crate::web::i18n::Lang::pick`]), with the
/// language it is written in when that is not the page's.
fn name_of(ctx: &Ctx, names: &BTreeMap<String, String>) -> (String, Option<String>) {
    let name = ctx.lang.pick(names);
    let tag = names.iter().find(|(_, v)| **v == name).map(|(k, _)| k.clone());
    (name, tag.filter(|t| t != ctx.lang.code()))
}

/// The council's name, linked to the list of its records.
fn council_link(ctx: &Ctx, c: &d::PublicCouncil) -> Markup {
    let (name, lang) = name_of(ctx, &c.names);
    html! { a href={ "/public-records?council=" (enc(&c.slug)) } lang=[lang] data-council-link=(c.slug) { (name) } }
}

/// "Not stated in the sources".
fn unknown(ctx: &Ctx) -> Markup {
    html! { em class="unknown" data-unknown="true" { (ctx.t("not_stated")) } }
}

fn text_or_unknown(ctx: &Ctx, v: Option<&str>) -> Markup {
    match v {
        Some(s) if !s.trim().is_empty() => html! { (s) },
        _ => unknown(ctx),
    }
}

fn date_or_unknown(ctx: &Ctx, v: Option<NaiveDate>) -> Markup {
    match v {
        Some(d) => html! { time datetime=(d) { (d) } },
        None => unknown(ctx),
    }
}

fn yes_no(ctx: &Ctx, v: Option<bool>) -> Markup {
    match v {
        Some(true) => html! { (ctx.t("yes_word")) },
        Some(false) => html! { (ctx.t("no_word")) },
        None => unknown(ctx),
    }
}

/// A link to an outside page (only http and https addresses are links).
fn external(url: &str) -> Markup {
    if url.starts_with("https://") || url.starts_with("http://") {
        html! { a class="url" href=(url) rel="noopener" data-source=(url) { (url) } }
    } else {
        html! { code class="url" { (url) } }
    }
}

/// "Source: <link>".
fn source_line(ctx: &Ctx, url: &str) -> Markup {
    html! { p class="meta" { (ctx.t("pr_source")) ": " (external(url)) } }
}

/// Text written by the team (notes, summaries, date bases), in English.
fn ours(ctx: &Ctx, s: &str) -> Markup {
    html! { span lang=[(ctx.lang.code() != "en").then_some("en")] { (s) } }
}

/// The session's label: number, kind.
fn sitting_label(ctx: &Ctx, r: &PublicRecord) -> String {
    let kind = r.kind.map(|k| ctx.lang.label("pk", &code(&k)));
    match (r.session_number, kind) {
        (Some(n), Some(k)) => format!("{} {n} ({k})", ctx.t("session_no")),
        (Some(n), None) => format!("{} {n}", ctx.t("session_no")),
        (None, Some(k)) => k,
        (None, None) => ctx.t("sitting").to_owned(),
    }
}

/// The date a record is listed under, or "not stated".
fn when(ctx: &Ctx, r: &PublicRecord) -> Markup {
    match (r.date, &r.reported_date) {
        (Some(d), _) => html! { time datetime=(d) { (d) } },
        (None, Some(rep)) => html! { (rep) " " span class="meta" { "(" (ctx.t("pr_reported_date")) ")" } },
        (None, None) => unknown(ctx),
    }
}

/// The translated reason of a null value, with its code.
fn reason(ctx: &Ctx, v: &MetricValue) -> Markup {
    match v.reason {
        None => html! {},
        Some(r) => {
            let code_ = crate::service::metrics::reason_code(r);
            let key = format!("reason_{code_}");
            let text = if crate::web::i18n::TEXT.iter().any(|(k, _)| *k == key) {
                ctx.t(&key).to_owned()
            } else {
                r.message().to_owned()
            };
            html! { (text) " " code class="meta" { (code_) } }
        }
    }
}

/// The "what is public today" section of the national page: per council and overall, the share of
/// real records stating each fact, as a chart with its numbers beside it.
pub async fn coverage_section(svc: &Service, ctx: &Ctx, synthetic_rankings: bool) -> Result<Markup, PageError> {
    // The same store read and domain count as `get_public_record_coverage`.
    let coverage = service::public_records::coverage(svc).await?;
    let overall = &coverage.overall;
    let n = overall.records;
    let bars: Vec<Bar> = FACTS
        .iter()
        .map(|(k, f)| Bar {
            label: ctx.t(&format!("pr_f_{k}")).to_owned(),
            value: Some(100.0 * share(f(overall), n)),
            colour: charts::SERIES[0],
            text: format!("{} / {n}", f(overall)),
        })
        .collect();
    Ok(html! {
        section aria-labelledby="public-today" data-section="public-today" {
            h2 id="public-today" { (ctx.t("pr_today")) }
            p class="provenance" role="note" { (ctx.t("pr_today_intro")) }
            p {
                strong { (ctx.t(if synthetic_rankings { "pr_rankings_synthetic" } else { "pr_rankings_platform" })) }
            }
            p class="meta" {
                (ctx.t("api_link")) ": " a href="/v1/public-records/coverage" rel="alternate" type="application/json" { code { "GET /v1/public-records/coverage" } }
                br;
                a href="/public-records" { (ctx.t("pr_see_all")) } " (" span data-total="public_records" { (n) } ", " (ctx.t("councils")) ": " span data-total="public_record_councils" { (coverage.councils.len()) } ")"
                " · " a href="/public-records#public-today-councils" { (ctx.t("pr_by_council")) }
            }
            @if n == 0 {
                p { (ctx.t("pr_none_loaded")) }
            } @else {
                div class="figure" {
                    (charts::bars(ctx.t("pr_today"), &bars, 100.0))
                    (table_wrap(ctx.t("chart_numbers"), html! {
                        table {
                            caption { (ctx.t("pr_overall")) " (" (n) ")" }
                            thead { tr { th scope="col" { (ctx.t("pr_fact")) } th scope="col" class="num" { (ctx.t("pr_with_fact")) } th scope="col" class="num" { (ctx.t("pr_share")) } } }
                            tbody {
                                @for (k, f) in FACTS {
                                    tr {
                                        th scope="row" { (ctx.t(&format!("pr_f_{k}"))) }
                                        td class="num" data-cov={ "overall/" (k) } { (f(overall)) }
                                        td class="num" data-cov-share={ "overall/" (k) } { (ctx.lang.pct(share(f(overall), n))) }
                                    }
                                }
                            }
                        }
                    }))
                }
            }
        }
    })
}

/// Each council's coverage: the share of its real records stating each fact (on `/public-records`).
pub async fn coverage_by_council(svc: &Service, ctx: &Ctx) -> Result<Markup, PageError> {
    let coverage = service::public_records::coverage(svc).await?;
    // Each council with its inline record of names, by name in the page's language.
    let mut councils: Vec<(&String, &CoverageCounts, Option<&d::PublicCouncil>)> =
        coverage.councils.iter().map(|(c, counts)| (&c.slug, counts, Some(c))).collect();
    councils.sort_by_cached_key(|(slug, _, first)| first.map_or_else(|| slug.to_string(), |c| ctx.lang.pick(&c.names)));
    if councils.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section aria-labelledby="public-today-councils" data-section="coverage-by-council" {
        h2 id="public-today-councils" { (ctx.t("pr_by_council")) }
        (table_wrap(ctx.t("pr_by_council"), html! {
            table class="coverage" {
                caption { (ctx.t("pr_by_council_caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("council")) }
                    th scope="col" { (ctx.t("level")) }
                    th scope="col" class="num" { (ctx.t("pr_records")) }
                    @for (k, _) in FACTS { th scope="col" class="num" { (ctx.t(&format!("pr_f_{k}"))) } }
                } }
                tbody {
                    @for (slug, c, first) in &councils {
                        tr {
                            th scope="row" {
                                @if let Some(council) = first { (council_link(ctx, council)) } @else { (slug) }
                            }
                            td { @if let Some(council) = first { (ctx.lang.label("level", council.level.as_str())) } }
                            td class="num" data-cov={ (slug) "/records" } { (c.records) }
                            @for (k, f) in FACTS {
                                td class="num" data-cov={ (slug) "/" (k) } { (f(c)) " / " (c.records) }
                            }
                        }
                    }
                }
            }
        }))
        }
    })
}

/// `/public-records`: every real record, newest first, optionally of one council.
pub async fn list(svc: &Service, ctx: &Ctx) -> PageResult {
    let council = ctx.query.iter().find(|(k, _)| k == "council").map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let all = service::public_records::all(svc).await?;
    let mut councils: BTreeMap<String, d::PublicCouncil> = BTreeMap::new();
    for s in &all {
        councils.entry(s.record.council.slug.clone()).or_insert_with(|| s.record.council.clone());
    }
    let mut rows: Vec<&PublicRecordRead> =
        all.iter().filter(|s| council.as_deref().is_none_or(|c| s.record.council.slug == c)).collect();
    if council.is_some() && rows.is_empty() {
        return Err(PageError::NotFound);
    }
    rows.sort_by(|a, b| b.sort_key.cmp(&a.sort_key).then_with(|| a.id.cmp(&b.id)));
    let chosen = council.as_deref().and_then(|c| councils.get(c));
    let title = match chosen {
        Some(c) => format!("{}: {}", ctx.t("pr_list_title"), name_of(ctx, &c.names).0),
        None => ctx.t("pr_list_title").to_owned(),
    };
    let api = match &council {
        Some(c) => format!("/v1/public-records?council={}", enc(c)),
        None => "/v1/public-records".to_owned(),
    };
    let mut names: Vec<(&String, String)> = councils.iter().map(|(k, c)| (k, name_of(ctx, &c.names).0)).collect();
    names.sort_by(|a, b| a.1.cmp(&b.1));
    let by_council = if council.is_none() {
        coverage_by_council(svc, ctx).await?
    } else {
        html! {}
    };
    let body = html! {
        p class="provenance" role="note" data-provenance="public_sources" { (ctx.t("pr_provenance_note")) }
        form class="filters" method="get" action="/public-records" {
            label { (ctx.t("council"))
                select name="council" {
                    option value="" { (ctx.t("all")) }
                    @for (slug, n) in &names {
                        option value=(slug) selected[council.as_deref() == Some(slug.as_str())] { (n) }
                    }
                }
            }
            button type="submit" { (ctx.t("apply")) }
            @if council.is_some() { a href="/public-records" { (ctx.t("show_all")) } }
        }
        @if rows.is_empty() {
            p { (ctx.t("pr_none_loaded")) }
        } @else {
            (table_wrap(ctx.t("pr_list_title"), html! {
                table {
                    caption { (ctx.t("pr_records")) ": " span data-total="records" { (rows.len()) } }
                    thead { tr {
                        th scope="col" { (ctx.t("date")) }
                        th scope="col" { (ctx.t("session")) }
                        th scope="col" { (ctx.t("council")) }
                        th scope="col" { (ctx.t("status")) }
                        th scope="col" { (ctx.t("pr_notice_date")) }
                        th scope="col" class="num" { (ctx.t("pr_agenda_items")) }
                        th scope="col" class="num" { (ctx.t("pr_votes_reported")) }
                        th scope="col" class="num" { (ctx.t("pr_sources")) }
                    } }
                    tbody {
                        @for s in &rows {
                            @let r = &s.record;
                            tr data-record=(s.id) {
                                td { (when(ctx, r)) }
                                th scope="row" { a href={ "/public-records/" (enc(&s.id)) } { (sitting_label(ctx, r)) } }
                                td { (council_link(ctx, &r.council)) }
                                td { @match r.status { Some(st) => (ctx.lang.label("ps", &code(&st))), None => (unknown(ctx)) } }
                                td { (date_or_unknown(ctx, r.notice.as_ref().and_then(|n| n.date))) }
                                td class="num" { (r.agenda.len()) }
                                td class="num" { (r.votes.len()) }
                                td class="num" { (r.sources.len()) }
                            }
                        }
                    }
                }
            }))
        }
        p class="meta" { a href="/#public-today" { (ctx.t("pr_today")) } }
        (by_council)
    };
    Ok(Page { title, api, synthetic: false, body, feed: None })
}

fn decisions_table(ctx: &Ctx, label: &str, list: &[PublicDecision]) -> Markup {
    table_wrap(
        label,
        html! {
            table {
                thead { tr {
                    th scope="col" { (ctx.t("number")) }
                    th scope="col" { (ctx.t("pr_title")) }
                    th scope="col" { (ctx.t("date")) }
                    th scope="col" { (ctx.t("pr_adilet_id")) }
                    th scope="col" { (ctx.t("pr_registration")) }
                    th scope="col" { (ctx.t("pr_source")) }
                } }
                tbody {
                    @for x in list {
                        tr {
                            td { (text_or_unknown(ctx, x.number.as_deref())) }
                            td lang=(x.title_lang) { (x.title) }
                            td { (date_or_unknown(ctx, x.date)) }
                            td { @match &x.adilet_id { Some(a) => code { (a) }, None => (unknown(ctx)) } }
                            td {
                                @match &x.registration {
                                    Some(reg) => {
                                        (text_or_unknown(ctx, reg.body.as_deref())) ", № " (text_or_unknown(ctx, reg.number.as_deref()))
                                        ", " (date_or_unknown(ctx, reg.date))
                                    }
                                    None => (unknown(ctx)),
                                }
                            }
                            td { (external(&x.source_url)) }
                        }
                    }
                }
            }
        },
    )
}

/// `/public-records/{id}`: every fact of one record with its source, its openness components
/// (null with reasons), its provenance and its sources.
#[expect(
    clippy::too_many_lines,
    reason = "one page's markup in one maud template, read top to bottom as the page shows"
)]
pub async fn record(svc: &Service, ctx: &Ctx, id: &str) -> PageResult {
    let stored = service::public_records::get(svc, id).await?;
    let r = &stored.record.record;
    let o = d::record_openness(r);
    let (council_name, _) = name_of(ctx, &r.council.names);
    let title = format!("{council_name}: {}", sitting_label(ctx, r));
    let comps: [(&str, u32, &MetricValue); 6] = {
        let [w1, w2, w3, w4, w5, w6] = m::WEIGHTS_PERCENT;
        [
            ("c_notice", w1, &o.notice),
            ("c_documents", w2, &o.documents),
            ("c_open_items", w3, &o.open_items),
            ("c_broadcast", w4, &o.broadcast),
            ("c_minutes", w5, &o.minutes),
            ("c_roll_call", w6, &o.roll_call),
        ]
    };
    let score = &o.score;
    let provenance = stored.version.provenance.as_str().to_owned();
    let version = Some(&stored.version);

    let body = html! {
        p class="provenance" role="note" data-provenance=(provenance) { (ctx.t("pr_provenance_note")) }
        section aria-labelledby="facts" {
            h2 id="facts" { (ctx.t("pr_facts")) }
            p class="meta" { (ctx.t("pr_facts_sources")) " " a href="#sources" { (ctx.t("pr_sources")) } "." }
            dl class="facts" {
                dt { (ctx.t("council")) } dd { (council_link(ctx, &r.council)) " · " (ctx.lang.label("level", r.council.level.as_str())) }
                dt { (ctx.t("convocation_cap")) } dd { (text_or_unknown(ctx, r.council.convocation.as_deref())) }
                dt { (ctx.t("session_no")) } dd data-fact="session_number" { @match r.session_number { Some(n) => (n), None => (unknown(ctx)) } }
                dt { (ctx.t("kind")) } dd data-fact="kind" { @match r.kind { Some(k) => (ctx.lang.label("pk", &code(&k))), None => (unknown(ctx)) } }
                dt { (ctx.t("status")) } dd data-fact="status" { @match r.status { Some(s) => (ctx.lang.label("ps", &code(&s))), None => (unknown(ctx)) } }
                dt { (ctx.t("date")) } dd data-fact="date" {
                    (date_or_unknown(ctx, r.date))
                    @if let Some(b) = &r.date_basis { " " span class="meta" { "(" (ctx.t("pr_basis")) ": " (ours(ctx, b)) ")" } }
                }
                @if r.date.is_none() {
                    dt { (ctx.t("pr_reported_date")) } dd data-fact="reported_date" { (text_or_unknown(ctx, r.reported_date.as_deref())) }
                }
                dt { (ctx.t("pr_time")) } dd data-fact="time" { (text_or_unknown(ctx, r.time.as_deref())) }
                dt { (ctx.t("place")) } dd data-fact="place" { (text_or_unknown(ctx, r.place.as_deref())) }
                dt { (ctx.t("pr_chairman")) } dd data-fact="chairman" { (text_or_unknown(ctx, r.chairman.as_deref())) }
                dt { (ctx.t("pr_open_public")) } dd data-fact="open" { (yes_no(ctx, r.open)) }
                dt { (ctx.t("pr_livestream")) } dd data-fact="livestream" {
                    (yes_no(ctx, r.livestream))
                    @if let Some(l) = &r.livestream_detail {
                        ul {
                            li { (ctx.t("pr_platform")) ": " (text_or_unknown(ctx, l.platform.as_deref())) }
                            li { (ctx.t("pr_basis")) ": " @match &l.basis { Some(b) => (ours(ctx, b)), None => (unknown(ctx)) } }
                            li { (ctx.t("pr_address")) ": " @match &l.url { Some(u) => (external(u)), None => (unknown(ctx)) } }
                        }
                    }
                }
                dt { (ctx.t("pr_participants")) } dd data-fact="participants" {
                    @if r.participants.is_empty() { (unknown(ctx)) } @else {
                        ul { @for p in &r.participants { li { (p) } } }
                    }
                }
            }
        }
        section aria-labelledby="notice" {
            h2 id="notice" { (ctx.t("pr_notice")) }
            @match &r.notice {
                None => p data-fact="notice" { (unknown(ctx)) },
                Some(n) => {
                    dl class="facts" {
                        dt { (ctx.t("pr_notice_date")) } dd data-fact="notice_date" {
                            (date_or_unknown(ctx, n.date))
                            @if let Some(b) = &n.date_basis { " " span class="meta" { "(" (ctx.t("pr_basis")) ": " (ours(ctx, b)) ")" } }
                        }
                        @if let Some(days) = r.notice_lead_days() {
                            dt { (ctx.t("pr_lead_time")) } dd data-fact="notice_lead_days" { (days) " " (ctx.t("pr_days")) }
                        }
                        dt { (ctx.t("pr_publisher")) } dd { (text_or_unknown(ctx, n.publisher.as_deref())) }
                        dt { (ctx.t("pr_heading")) } dd { (text_or_unknown(ctx, n.heading.as_deref())) }
                        dt { (ctx.t("pr_signed_by")) } dd { (text_or_unknown(ctx, n.signed_by.as_deref())) }
                        dt { (ctx.t("pr_source")) } dd { (external(&n.source_url)) }
                    }
                }
            }
        }
        section aria-labelledby="agenda" {
            h2 id="agenda" { (ctx.t("agenda")) }
            @if r.agenda.is_empty() { p { (unknown(ctx)) } } @else {
                (table_wrap(ctx.t("agenda"), html! {
                    table {
                        thead { tr { th scope="col" class="num" { "№" } th scope="col" { (ctx.t("item")) } th scope="col" { (ctx.t("initiator")) } th scope="col" { (ctx.t("pr_reporter")) } } }
                        tbody {
                            @for (i, a) in r.agenda.iter().enumerate() {
                                tr {
                                    td class="num" { (i + 1) }
                                    td lang=(a.title_lang) data-agenda-item=(i) { (a.title) }
                                    td { (text_or_unknown(ctx, a.initiator.as_deref())) }
                                    td { (text_or_unknown(ctx, a.reporter.as_deref())) }
                                }
                            }
                        }
                    }
                }))
            }
        }
        section aria-labelledby="decisions" {
            h2 id="decisions" { (ctx.t("pr_decisions")) }
            @if r.decisions.is_empty() { p { (unknown(ctx)) } } @else { (decisions_table(ctx, ctx.t("pr_decisions"), &r.decisions)) }
            @if !r.referenced_decisions.is_empty() {
                h3 { (ctx.t("pr_referenced")) }
                (decisions_table(ctx, ctx.t("pr_referenced"), &r.referenced_decisions))
            }
        }
        section aria-labelledby="votes" {
            h2 id="votes" { (ctx.t("votes")) }
            @if r.votes.is_empty() { p data-fact="votes" { (ctx.t("pr_no_votes")) } }
            @for (i, v) in r.votes.iter().enumerate() {
                div class="vote" data-vote=(i) {
                    h3 { (v.item) }
                    dl class="facts" {
                        dt { (ctx.t("pr_method")) } dd { @match v.method { Some(mth) => (ctx.lang.label("method", &code(&mth))), None => (unknown(ctx)) } }
                        @if v.unanimous == Some(true) {
                            dt { (ctx.t("result")) } dd data-unanimous="true" { strong { (ctx.t("pr_unanimous")) } }
                        } @else {
                            @for (opt, n) in [("yes", v.yes), ("no", v.no), ("abstain", v.abstain)] {
                                dt { (ctx.lang.label("opt", opt)) }
                                dd data-count=(opt) { @match n { Some(n) => (n), None => (unknown(ctx)) } }
                            }
                        }
                        dt { (ctx.t("c_roll_call")) } dd data-named=(v.is_named()) { (ctx.t(if v.is_named() { "pr_named" } else { "pr_not_named" })) }
                        @if let Some(note) = &v.note { dt { (ctx.t("pr_note")) } dd { (ours(ctx, note)) } }
                    }
                    @if !v.ballots.is_empty() {
                        (table_wrap(ctx.t("ballots"), html! {
                            table {
                                thead { tr { th scope="col" { (ctx.t("deputy")) } th scope="col" { (ctx.t("ballot")) } } }
                                tbody { @for b in &v.ballots { tr { td { (b.name) } td { (ctx.lang.label("opt", b.option.as_str())) } } } }
                            }
                        }))
                    }
                    (source_line(ctx, &v.source_url))
                }
            }
        }
        section aria-labelledby="speeches" {
            h2 id="speeches" { (ctx.t("speeches")) }
            @if r.speeches.is_empty() { p { (ctx.t("pr_no_speeches")) } } @else {
                (table_wrap(ctx.t("speeches"), html! {
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t("speaker")) } th scope="col" { (ctx.t("role")) }
                            th scope="col" { (ctx.t("deputy")) } th scope="col" { (ctx.t("pr_summary")) } th scope="col" { (ctx.t("pr_source")) }
                        } }
                        tbody {
                            @for s in &r.speeches {
                                tr {
                                    td { (text_or_unknown(ctx, s.speaker.as_deref())) }
                                    td { (text_or_unknown(ctx, s.role.as_deref())) }
                                    td { (yes_no(ctx, s.is_deputy)) }
                                    td { @match &s.summary { Some(t) => (ours(ctx, t)), None => (unknown(ctx)) } }
                                    td { (external(&s.source_url)) }
                                }
                            }
                        }
                    }
                }))
            }
        }
        section aria-labelledby="minutes" {
            h2 id="minutes" { (ctx.t("pr_minutes")) }
            @match &r.minutes {
                None => p data-fact="minutes" { (unknown(ctx)) },
                Some(mn) => {
                    dl class="facts" {
                        dt { (ctx.t("pr_published")) } dd { (date_or_unknown(ctx, mn.published)) }
                        dt { (ctx.t("pr_address")) } dd { @match &mn.url { Some(u) => (external(u)), None => (unknown(ctx)) } }
                        dt { (ctx.t("pr_source")) } dd { (external(&mn.source_url)) }
                    }
                }
            }
        }
        section aria-labelledby="openness" {
            h2 id="openness" { (ctx.t("openness")) }
            p class="meta" { (ctx.t("pr_declared")) }
            (table_wrap(ctx.t("openness"), html! {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("component")) } th scope="col" class="num" { (ctx.t("weight")) }
                        th scope="col" class="num" { (ctx.t("value")) } th scope="col" { (ctx.t("pr_reason")) }
                    } }
                    tbody {
                        @for (k, w, v) in &comps {
                            tr {
                                th scope="row" { (ctx.t(k)) }
                                td class="num" { (w) " %" }
                                td class="num" data-component=(k.trim_start_matches("c_")) { (super::share(ctx, v)) }
                                td { (reason(ctx, v)) }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" { (ctx.t("openness_score")) }
                            td class="num" { (ctx.lang.pct(o.coverage.value.unwrap_or_default())) }
                            td class="num" data-metric="openness_score" { (super::number(ctx, score, 1)) }
                            td { (reason(ctx, score)) }
                        }
                    }
                }
            }))
            p class="meta" { (ctx.t("pr_coverage_note")) }
        }
        section aria-labelledby="sources" {
            h2 id="sources" { (ctx.t("pr_sources")) }
            (table_wrap(ctx.t("pr_sources"), html! {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("pr_address")) } th scope="col" { (ctx.t("pr_publisher")) }
                        th scope="col" { (ctx.t("pr_read_on")) } th scope="col" { (ctx.t("pr_supports")) }
                    } }
                    tbody {
                        @for s in &r.sources {
                            @let supports = r.supported_by(&s.url);
                            tr {
                                td { (external(&s.url)) }
                                td { (text_or_unknown(ctx, s.publisher.as_deref())) }
                                td { (date_or_unknown(ctx, s.read_on)) }
                                td {
                                    @if supports.is_empty() { (ctx.t("pr_supports_rest")) } @else {
                                        @for (i, p) in supports.iter().enumerate() { @if i > 0 { ", " } code { (p) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }))
            p class="meta" { (ctx.t("pr_supports_note")) }
            @if let Some(notes) = &r.notes {
                h3 { (ctx.t("pr_notes")) }
                p { (ours(ctx, notes)) }
            }
        }
        section aria-labelledby="provenance" {
            h2 id="provenance" { (ctx.t("pr_provenance")) }
            dl class="facts" {
                dt { (ctx.t("pr_provenance")) } dd data-field="provenance" data-value=(provenance) { (ctx.lang.label("prov", &provenance)) }
                @if let Some(v) = &version {
                    dt { (ctx.t("pr_version")) } dd { (v.version) " · " (v.received_at.format("%Y-%m-%d")) " · " code { "sha256:" (v.sha256.get(..16).unwrap_or(&v.sha256)) "…" } }
                    @if let Some(i) = v.log_index {
                        dt { (ctx.t("pr_log_entry")) } dd { a href="/verify" { (i) } }
                    }
                }
            }
        }
    };
    Ok(Page { title, api: format!("/v1/public-records/{}", enc(id)), synthetic: false, body, feed: None })
}
