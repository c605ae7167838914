//! `/search`: what the `search` operation finds, grouped by kind (groups in order of their best
//! hit), matched words marked with `<mark>`. Every text goes through maud, which escapes it: a
//! title can never inject markup, marked or not.

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::domain::search::Segment;
use crate::service::Service;
use crate::service::search::{self, SearchFilter, kind};
use crate::web::layout::{Ctx, Page, enc};
use crate::web::{PageError, PageResult};

/// Results per page.
const PAGE: u64 = 30;

/// Marked runs as HTML (escaped by maud).
fn marked(segments: &[Segment]) -> Markup {
    html! { @for s in segments { @if s.hit { mark { (s.text) } } @else { (s.text) } } }
}

/// The runs of the page's language, or of the nearest language that has them.
fn in_lang<'a>(ctx: &Ctx, by_lang: &'a BTreeMap<String, Vec<Segment>>) -> &'a [Segment] {
    let keys: BTreeMap<String, String> = by_lang.keys().map(|k| (k.clone(), k.clone())).collect();
    by_lang.get(&ctx.lang.pick(&keys)).map_or(&[], Vec::as_slice)
}

/// The search form, with what was asked.
pub fn form(ctx: &Ctx, q: &str, kind_asked: &str) -> Markup {
    html! {
        form class="filters search" role="search" action="/search" method="get" {
            label {
                (ctx.t("search_label"))
                input type="search" name="q" value=(q) placeholder=(ctx.t("search_placeholder")) maxlength="200" size="40";
            }
            label {
                (ctx.t("search_kind"))
                select name="kind" {
                    option value="" selected[kind_asked.is_empty()] { (ctx.t("search_all_kinds")) }
                    @for k in kind::ALL {
                        option value=(k) selected[kind_asked == k] { (ctx.lang.label("search_kind", k)) }
                    }
                }
            }
            input type="hidden" name="lang" value=(ctx.lang.code());
            button type="submit" { (ctx.t("search_button")) }
        }
    }
}

fn param(ctx: &Ctx, k: &str) -> String {
    ctx.query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// What the page (or its feed) was asked: the words, the kind and the filter they make.
pub fn asked(ctx: &Ctx) -> (String, String, SearchFilter) {
    let (q, kind_asked) = (param(ctx, "q"), param(ctx, "kind"));
    let kinds = if kind::ALL.contains(&kind_asked.as_str()) { vec![kind_asked.clone()] } else { vec![] };
    (q, kind_asked, SearchFilter { kinds, ..Default::default() })
}

/// The query string of a search (its words and, if one was chosen, its kind).
pub fn query_string(q: &str, kind_asked: &str) -> String {
    if kinds_param(kind_asked) { format!("q={}&kind={kind_asked}", enc(q)) } else { format!("q={}", enc(q)) }
}

/// The search page.
pub async fn page(svc: &Service, ctx: &Ctx) -> PageResult {
    let (q, kind_asked, filter) = asked(ctx);
    let cursor = param(ctx, "cursor");
    let cur = (!cursor.is_empty()).then_some(cursor.as_str());
    let found = match search::find(svc, &q, &filter, cur, PAGE).await {
        Ok(f) => f,
        Err(crate::service::Error::BadRequest(_)) => return Err(PageError::NotFound),
        Err(e) => return Err(e.into()),
    };
    // Groups in the order of their best hit; within a group, by relevance.
    let mut groups: Vec<(&str, Vec<&search::Result>)> = vec![];
    for r in &found.items {
        match groups.iter_mut().find(|(k, _)| *k == r.kind) {
            Some((_, g)) => g.push(r),
            None => groups.push((kind::ALL.iter().find(|k| **k == r.kind).copied().unwrap_or("council"), vec![r])),
        }
    }
    let synthetic = found.items.iter().any(|r| r.synthetic);
    let api = format!("/v1/search?{}", query_string(&q, &kind_asked));
    // A search with words can be followed: its feed carries the versions of what it finds.
    let feed = (!found.terms.is_empty())
        .then(|| format!("/search/feed.atom?{}&lang={}", query_string(&q, &kind_asked), ctx.lang.code()));
    let body = html! {
        (form(ctx, &q, &kind_asked))
        @if found.terms.is_empty() {
            p { (ctx.t("search_no_words")) }
        } @else if found.items.is_empty() {
            p { (ctx.t("search_none")) }
        } @else {
            @if let Some(f) = &feed {
                p class="meta" { a href=(f) type="application/atom+xml" rel="alternate" { (ctx.t("feed_link")) } }
            }
            p class="meta" {
                @for (i, (k, n)) in found.counts.iter().enumerate() {
                    @if i > 0 { " · " }
                    (ctx.lang.label("search_kind", k)) ": " (n)
                }
            }
            @for (k, hits) in &groups {
                section class="search-group" data-kind=(k) {
                    h2 { (ctx.lang.label("search_kind", k)) }
                    ol class="search-results" {
                        @for r in hits { (hit(ctx, r)) }
                    }
                }
            }
            @if let Some(next) = &found.next {
                p { a rel="next" href=(format!("/search?q={}&kind={}&cursor={}", enc(&q), enc(&kind_asked), enc(next))) { (ctx.t("search_more")) } }
            }
        }
    };
    Ok(Page { title: ctx.t("search_title").to_owned(), api, synthetic, body, feed })
}

fn kinds_param(k: &str) -> bool {
    kind::ALL.contains(&k)
}

fn hit(ctx: &Ctx, r: &search::Result) -> Markup {
    let council = super::name_with_note(ctx, &r.council_names);
    html! {
        li data-kind=(r.kind) {
            a href=(r.page()) { (marked(in_lang(ctx, &r.title))) }
            @if r.kind != kind::COUNCIL {
                " — " span class="meta" { (council) @if let Some(d) = r.date { ", " (d.format("%Y-%m-%d").to_string()) } }
            }
            @if let Some(x) = &r.excerpt {
                br; span class="excerpt" { (marked(x)) }
            }
        }
    }
}
