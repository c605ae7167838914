//! `/`: the national picture at a glance: search and "find my council" first, what is public today,
//! then the top and bottom ten by openness score. `/rankings`: the full rankings (openness score,
//! bars coloured by component, and contested-vote share), filterable by level and oblast.
//!
//! Councils that publish for real are never ranked among synthetic ones: each kind is ranked
//! among itself, and the synthetic-data notice stands only above what is synthetic.

use std::collections::HashMap;
use std::sync::Arc;

use maud::{Markup, html};

use super::share;
use crate::domain::enums as d;
use crate::domain::metrics::{CouncilMetrics, OpennessComponent, OpennessMetrics};
use crate::service::councils::CouncilRead;
use crate::service::metrics::{self as metrics, PeriodQuery, RankingMetric, RankingQuery, RankingRow};
use crate::service::{self, Service};
use crate::web::PageResult;
use crate::web::charts::{self, Bar, StackRow};
use crate::web::layout::{Ctx, Page, enc, table_wrap};

/// The openness components in display order: key suffix and accessor.
pub fn components(o: &OpennessMetrics) -> [(&'static str, &OpennessComponent); 6] {
    [
        ("c_notice", &o.notice),
        ("c_documents", &o.documents),
        ("c_open_items", &o.open_items),
        ("c_broadcast", &o.broadcast),
        ("c_minutes", &o.minutes),
        ("c_roll_call", &o.roll_call),
    ]
}

/// Each component's points in the score: `100 · w · c / Σ w` over the components with a value, so
/// the segments add up to the score.
pub fn points(o: &OpennessMetrics) -> [Option<f64>; 6] {
    let comps = components(o);
    let total: f64 = comps.iter().filter(|(_, c)| c.value.value.is_some()).map(|(_, c)| c.weight).sum();
    comps.map(|(_, c)| c.value.value.filter(|_| total > 0.0).map(|v| 100.0 * c.weight * v / total))
}

/// The component colour key.
pub fn component_legend(ctx: &Ctx) -> Markup {
    let items: Vec<(String, &'static str)> =
        ["c_notice", "c_documents", "c_open_items", "c_broadcast", "c_minutes", "c_roll_call"]
            .iter()
            .zip(charts::COMPONENT_COLOURS)
            .map(|(k, c)| (ctx.t(k).to_owned(), c))
            .collect();
    charts::legend(&items)
}

/// The oblast a council belongs to (itself for an oblast), following parents.
fn oblast_of<'a>(all: &'a HashMap<String, CouncilRead>, id: &'a str) -> Option<&'a str> {
    let mut cur = all.get(id)?;
    for _ in 0..4 {
        if cur.council.level == d::Level::Oblast {
            return Some(&cur.id);
        }
        cur = all.get(cur.council.parent.as_deref()?)?;
    }
    None
}

/// The region (oblast or city of republican significance) a council belongs to, itself for a region.
fn region_of<'a>(all: &'a HashMap<String, CouncilRead>, id: &'a str) -> Option<&'a str> {
    let mut cur = all.get(id)?;
    for _ in 0..4 {
        if matches!(cur.council.level, d::Level::Oblast | d::Level::RepublicanCity) {
            return Some(&cur.id);
        }
        cur = all.get(cur.council.parent.as_deref()?)?;
    }
    None
}

/// True when the council is known and synthetic; an unknown council counts as synthetic, so it is
/// never ranked among real ones.
fn is_synthetic(all: &HashMap<String, CouncilRead>, id: &str) -> bool {
    all.get(id).is_none_or(|c| c.council.synthetic)
}

/// Rows of one kind, in the ranking's order, ranked among themselves: 1 = best, equal values
/// share a rank, rows without a value have none.
pub fn rerank(rows: &[&RankingRow]) -> Vec<RankingRow> {
    let mut out: Vec<RankingRow> = Vec::with_capacity(rows.len());
    let mut seen = 0u64;
    let mut last: Option<(f64, u64)> = None;
    for r in rows {
        let mut row = (*r).clone();
        row.rank = row.value.value.map(|v| {
            seen += 1;
            let rank = match last {
                Some((lv, lr)) if lv == v => lr,
                _ => seen,
            };
            last = Some((v, rank));
            rank
        });
        out.push(row);
    }
    out
}

/// Splits a ranking into its real and its synthetic councils, each ranked among itself.
fn split(all: &HashMap<String, CouncilRead>, rows: &[&RankingRow]) -> (Vec<RankingRow>, Vec<RankingRow>) {
    let (synthetic, real): (Vec<&RankingRow>, Vec<&RankingRow>) =
        rows.iter().copied().partition(|r| is_synthetic(all, &r.council));
    (rerank(&real), rerank(&synthetic))
}

/// Each council's metrics for the ranking's period (the cached computation is reused).
async fn details(
    svc: &Service,
    rows: &[&RankingRow],
    p: &metrics::Period,
) -> Result<HashMap<String, Arc<CouncilMetrics>>, service::Error> {
    let ids: Vec<&str> = rows.iter().map(|r| r.council.as_str()).collect();
    metrics::councils_at(svc, &ids, *p).await
}

/// Openness bars and their numbers for some ranked rows.
fn openness_figure(
    ctx: &Ctx,
    title: &str,
    rows: &[&RankingRow],
    detail: &HashMap<String, Arc<CouncilMetrics>>,
    full: bool,
) -> Markup {
    let name = |r: &RankingRow| super::name_with_note(ctx, &r.names);
    let stack: Vec<StackRow> = rows
        .iter()
        .map(|r| StackRow {
            label: name(r),
            segments: detail
                .get(&r.council)
                .map(|x| {
                    points(&x.openness)
                        .iter()
                        .zip(charts::COMPONENT_COLOURS)
                        .filter_map(|(p, c)| p.map(|p| (p, c)))
                        .collect()
                })
                .unwrap_or_default(),
            text: r.value.value.map_or_else(|| ctx.t("no_value").to_owned(), |v| ctx.lang.num(v, 1)),
        })
        .collect();
    html! {
        div class="figure" {
            (charts::stacked_bars(title, &stack, 100.0))
            (table_wrap(ctx.t("chart_numbers"), html! {
                table {
                    caption { (title) }
                    thead { tr { th scope="col" class="num" { (ctx.t("rank")) } th scope="col" { (ctx.t("council")) } th scope="col" class="num" { (ctx.t("score")) }
                        @if full { @for k in ["c_notice", "c_documents", "c_open_items", "c_broadcast", "c_minutes", "c_roll_call"] { th scope="col" class="num" { (ctx.t(k)) } } } } }
                    tbody {
                        @for r in rows {
                            tr data-rank-row=(r.council) {
                                td class="num" data-rank=(r.council) { (r.rank.map(|n| n.to_string()).unwrap_or_default()) }
                                th scope="row" { a href={ "/councils/" (enc(&r.council)) } { (name(r)) } }
                                td class="num" data-council=(r.council) data-metric="openness_score" { (super::number(ctx, &r.value, 1)) }
                                @if full {
                                    @if let Some(x) = detail.get(&r.council) {
                                        @for (_, c) in components(&x.openness) { td class="num" { (share(ctx, &c.value)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }))
        }
    }
}

/// How many rows the home page shows at each end of a ranking.
pub const ENDS: usize = 10;

/// The first [`ENDS`] rows and the last [`ENDS`] after them (no row twice).
pub fn ends<T>(ranked: &[T]) -> (&[T], &[T]) {
    let top = ranked.len().min(ENDS);
    let bottom = top.max(ranked.len().saturating_sub(ENDS));
    (&ranked[..top], &ranked[bottom..])
}

/// The top ten and the bottom ten of some rows ranked among themselves (no council twice).
fn top_and_bottom(ctx: &Ctx, rows: &[RankingRow], detail: &HashMap<String, Arc<CouncilMetrics>>, kind: &str) -> Markup {
    let ranked: Vec<&RankingRow> = rows.iter().filter(|r| r.rank.is_some()).collect();
    let (top, bottom) = ends(&ranked);
    html! {
        div class="top-bottom" data-ranking=(kind) {
            div data-list="top" {
                h3 { (ctx.t("rank_top")) }
                (openness_figure(ctx, ctx.t("rank_top"), top, detail, false))
            }
            @if !bottom.is_empty() {
                div data-list="bottom" {
                    h3 { (ctx.t("rank_bottom")) }
                    (openness_figure(ctx, ctx.t("rank_bottom"), bottom, detail, false))
                }
            }
        }
    }
}

/// "Find my council": a search box, and the councils of a chosen region (a plain GET form, so it
/// works without script).
fn find_section(ctx: &Ctx, all: &HashMap<String, CouncilRead>, region: Option<&str>) -> Markup {
    let mut regions: Vec<(&String, String)> = all
        .values()
        .filter(|c| matches!(c.council.level, d::Level::Oblast | d::Level::RepublicanCity))
        .map(|c| (&c.id, super::name_with_note(ctx, &c.council.names)))
        .collect();
    regions.sort_by(|a, b| a.1.cmp(&b.1));
    let chosen = region
        .and_then(|r| all.get(r))
        .filter(|c| matches!(c.council.level, d::Level::Oblast | d::Level::RepublicanCity));
    let mut members: Vec<(&CouncilRead, String)> = chosen
        .map(|c| {
            all.values()
                .filter(|m| m.id != c.id && region_of(all, &m.id) == Some(c.id.as_str()))
                .map(|m| (m, super::name_with_note(ctx, &m.council.names)))
                .collect()
        })
        .unwrap_or_default();
    members.sort_by(|a, b| (a.0.council.level, &a.1).cmp(&(b.0.council.level, &b.1)));
    html! {
        section aria-labelledby="find" data-section="find" {
            h2 id="find" { (ctx.t("find_title")) }
            p { (ctx.t("find_intro")) }
            form class="search find-search" role="search" action="/search" method="get" {
                label {
                    span class="visually-hidden" { (ctx.t("search_label")) }
                    input type="search" name="q" placeholder=(ctx.t("search_placeholder")) maxlength="200" data-home-search="true";
                }
                button type="submit" { (ctx.t("search_button")) }
            }
            form class="filters" method="get" action="/#find" {
                label { (ctx.t("find_region"))
                    select name="region" {
                        option value="" { (ctx.t("find_choose")) }
                        @for (id, n) in &regions {
                            option value=(id) selected[chosen.is_some_and(|c| &c.id == *id)] { (n) }
                        }
                    }
                }
                button type="submit" { (ctx.t("find_show")) }
            }
            @if let Some(c) = chosen {
                h3 { (ctx.t("find_councils_of")) ": " a href={ "/councils/" (enc(&c.id)) } { (super::name_with_note(ctx, &c.council.names)) } }
                @if members.is_empty() {
                    p { (ctx.t("find_none")) }
                } @else {
                    ul class="councils" data-region=(c.id) {
                        @for (m, n) in &members {
                            li { a href={ "/councils/" (enc(&m.id)) } { (n) } " · " span class="meta" { (ctx.lang.label("level", m.council.level.as_str())) } }
                        }
                    }
                }
            }
        }
    }
}

/// Builds the home page.
pub async fn page(svc: &Service, ctx: &Ctx) -> PageResult {
    let q: HashMap<&str, &str> = ctx.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let region = q.get("region").copied().filter(|r| !r.is_empty());
    let open = metrics::ranking(
        svc,
        RankingQuery {
            metric: RankingMetric::OpennessScore,
            level: None,
            order: Default::default(),
            period: PeriodQuery::default(),
        },
    )
    .await?;
    let all: HashMap<String, CouncilRead> =
        service::councils::all(svc).await?.into_iter().map(|c| (c.id.clone(), c)).collect();
    let rows: Vec<&RankingRow> = open.items.iter().collect();
    let (real, synthetic_rows) = split(&all, &rows);
    let p = open.period;
    // Only the rows shown need their components.
    let shown: Vec<&RankingRow> = [&real, &synthetic_rows]
        .into_iter()
        .flat_map(|rs| {
            let ranked: Vec<&RankingRow> = rs.iter().filter(|r| r.rank.is_some()).collect();
            let n = ranked.len();
            ranked.into_iter().enumerate().filter(move |(i, _)| *i < ENDS || *i + ENDS >= n).map(|(_, r)| r)
        })
        .collect();
    let detail = details(svc, &shown, &p).await?;
    let synthetic = !synthetic_rows.is_empty();
    let counted = svc.totals().await?;
    let totals = [
        ("councils", counted.councils),
        ("deputies", counted.deputies),
        ("sessions", counted.sessions),
        ("votes", counted.vote_events),
    ];
    let totals_markup = html! {
        dl class="totals" aria-label=(ctx.t("totals")) {
            @for (k, n) in &totals {
                div { dt { (ctx.t(k)) } dd data-total=(k) { (n) } }
            }
        }
    };
    // Real records come first: what councils make public today, beside the rankings.
    let public_today = super::public_records::coverage_section(svc, ctx, synthetic).await?;
    let both = !real.is_empty() && synthetic;

    let body = html! {
        p { (ctx.t("tagline")) ". " (ctx.t("period")) ": " (p.from) " – " (p.to) ", " (ctx.t("as_of")) " " (super::local(p.as_of)) " (UTC+5)." }
        (find_section(ctx, &all, region))
        (public_today)
        section aria-labelledby="rank-open" data-section="rankings" {
            h2 id="rank-open" { (ctx.t("rank_openness")) }
            @if both { p { (ctx.t("rank_separate")) } }
            (component_legend(ctx))
            @if !real.is_empty() {
                div data-section="ranking-real" {
                    @if both { h3 { (ctx.t("rank_real")) } }
                    (top_and_bottom(ctx, &real, &detail, "real"))
                }
            }
            @if synthetic {
                div data-section="ranking-synthetic" {
                    div class="synthetic" role="note" data-synthetic="true" { (ctx.t("synthetic_banner")) }
                    @if both { h3 { (ctx.t("rank_synthetic")) } }
                    (totals_markup)
                    (top_and_bottom(ctx, &synthetic_rows, &detail, "synthetic"))
                }
            } @else {
                (totals_markup)
            }
            p class="full-list" { a href="/rankings" data-full-list="true" { (ctx.t("rank_full")) } " (" (open.items.len()) ")" }
        }
    };
    Ok(Page {
        title: ctx.t("national").to_owned(),
        api: "/v1/rankings?metric=openness_score".to_owned(),
        synthetic: false,
        body,
        feed: None,
    })
}

/// Builds `/rankings`: every council by openness score and by contested-vote share, real and
/// synthetic councils ranked apart, filterable by level and oblast.
pub async fn full(svc: &Service, ctx: &Ctx) -> PageResult {
    let q: HashMap<&str, &str> = ctx.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let level = q.get("level").and_then(|l| d::Level::parse(l));
    let oblast = q.get("oblast").filter(|o| !o.is_empty()).map(|o| o.to_string());
    let ranking = |metric| {
        let q = RankingQuery { metric, level, order: Default::default(), period: PeriodQuery::default() };
        metrics::ranking(svc, q)
    };
    let open = ranking(RankingMetric::OpennessScore).await?;
    let contested = ranking(RankingMetric::ContestedShare).await?;
    let all: HashMap<String, CouncilRead> =
        service::councils::all(svc).await?.into_iter().map(|c| (c.id.clone(), c)).collect();
    let keep = |r: &&RankingRow| oblast.as_deref().is_none_or(|o| oblast_of(&all, &r.council) == Some(o));
    let open_rows: Vec<&RankingRow> = open.items.iter().filter(keep).collect();
    let contested_rows: Vec<&RankingRow> = contested.items.iter().filter(keep).collect();
    let p = open.period;
    let detail = details(svc, &open_rows, &p).await?;
    let (open_real, open_synth) = split(&all, &open_rows);
    let (cont_real, cont_synth) = split(&all, &contested_rows);
    let both = !(open_real.is_empty() || open_synth.is_empty());
    let mut oblasts: Vec<(&String, String)> = all
        .values()
        .filter(|c| c.council.level == d::Level::Oblast)
        .map(|c| (&c.id, super::name_with_note(ctx, &c.council.names)))
        .collect();
    oblasts.sort_by(|a, b| a.1.cmp(&b.1));
    let level_s = level.map(d::Level::as_str);
    let mut api_href = "/v1/rankings?metric=openness_score".to_owned();
    if let Some(l) = level_s {
        api_href.push_str(&format!("&level={l}"));
    }
    let name = |r: &RankingRow| super::name_with_note(ctx, &r.names);
    let contested_figure = |rows: &[RankingRow]| {
        let bars: Vec<Bar> = rows
            .iter()
            .map(|r| Bar {
                label: name(r),
                value: r.value.value.map(|v| v * 100.0),
                colour: charts::SERIES[1],
                text: share(ctx, &r.value),
            })
            .collect();
        html! {
            div class="figure" {
                (charts::bars(ctx.t("rank_contested"), &bars, 100.0))
                (table_wrap(ctx.t("chart_numbers"), html! {
                    table {
                        caption { (ctx.t("chart_numbers")) }
                        thead { tr { th scope="col" class="num" { (ctx.t("rank")) } th scope="col" { (ctx.t("council")) } th scope="col" class="num" { (ctx.t("contested_share")) } } }
                        tbody {
                            @for r in rows {
                                tr {
                                    td class="num" { (r.rank.map(|n| n.to_string()).unwrap_or_default()) }
                                    th scope="row" { a href={ "/councils/" (enc(&r.council)) } { (name(r)) } }
                                    td class="num" data-council=(r.council) data-metric="contested_share" { (share(ctx, &r.value)) }
                                }
                            }
                        }
                    }
                }))
            }
        }
    };
    let banner = html! { div class="synthetic" role="note" data-synthetic="true" { (ctx.t("synthetic_banner")) } };
    let body = html! {
        p { (ctx.t("period")) ": " (p.from) " – " (p.to) ", " (ctx.t("as_of")) " " (super::local(p.as_of)) " (UTC+5). " a href="/" { (ctx.t("nav_home")) } }
        @if both { p { (ctx.t("rank_separate")) } }
        form class="filters" method="get" action="/rankings" {
            label { (ctx.t("level"))
                select name="level" {
                    option value="" { (ctx.t("all")) }
                    @for l in d::Level::ALL {
                        option value=(l) selected[level_s == Some(*l)] { (ctx.lang.label("level", l)) }
                    }
                }
            }
            label { (ctx.t("oblast"))
                select name="oblast" {
                    option value="" { (ctx.t("all")) }
                    @for (id, n) in &oblasts {
                        option value=(id) selected[oblast.as_deref() == Some(id.as_str())] { (n) }
                    }
                }
            }
            button type="submit" { (ctx.t("apply")) }
        }
        section aria-labelledby="rank-open" {
            h2 id="rank-open" { (ctx.t("rank_openness")) }
            (component_legend(ctx))
            @if !open_real.is_empty() {
                @if both { h3 { (ctx.t("rank_real")) } }
                (openness_figure(ctx, ctx.t("rank_openness"), &open_real.iter().collect::<Vec<_>>(), &detail, true))
            }
            @if !open_synth.is_empty() {
                (banner)
                @if both { h3 { (ctx.t("rank_synthetic")) } }
                (openness_figure(ctx, ctx.t("rank_openness"), &open_synth.iter().collect::<Vec<_>>(), &detail, true))
            }
        }
        section aria-labelledby="rank-contested" {
            h2 id="rank-contested" { (ctx.t("rank_contested")) }
            p class="meta" { a href={ "/v1/rankings?metric=contested_share" @if let Some(l) = level_s { "&level=" (l) } } { code { "GET /v1/rankings?metric=contested_share" } } }
            @if !cont_real.is_empty() {
                @if both { h3 { (ctx.t("rank_real")) } }
                (contested_figure(&cont_real))
            }
            @if !cont_synth.is_empty() {
                (banner)
                @if both { h3 { (ctx.t("rank_synthetic")) } }
                (contested_figure(&cont_synth))
            }
        }
    };
    Ok(Page { title: ctx.t("rank_full_title").to_owned(), api: api_href, synthetic: false, body, feed: None })
}

#[cfg(test)]
mod tests {
    use super::{ends, rerank};
    use crate::domain::enums::Level;
    use crate::domain::metrics::MetricValue;
    use crate::service::metrics::RankingRow;

    #[test]
    fn the_ends_of_a_ranking_never_show_a_council_twice() {
        let rows: Vec<u32> = (1..=25).collect();
        let (top, bottom) = ends(&rows);
        assert_eq!(top, (1..=10).collect::<Vec<_>>().as_slice());
        assert_eq!(bottom, (16..=25).collect::<Vec<_>>().as_slice());
        let rows: Vec<u32> = (1..=14).collect();
        let (top, bottom) = ends(&rows);
        assert_eq!((top.len(), bottom), (10, [11, 12, 13, 14].as_slice()));
        let (top, bottom) = ends(&rows[..4]);
        assert_eq!((top.len(), bottom.len()), (4, 0));
    }

    #[test]
    fn each_kind_is_ranked_among_itself() {
        let row = |id: &str, v: Option<f64>, rank: u64| RankingRow {
            rank: Some(rank),
            council: id.to_owned(),
            names: Default::default(),
            level: Level::District,
            value: MetricValue { value: v, n: 1, reason: None },
        };
        // Ranks 2, 4, 5 among all councils; 1, 2, 2 among these; none without a value.
        let rows = [row("a", Some(70.0), 2), row("b", Some(50.0), 4), row("c", Some(50.0), 5), row("d", None, 9)];
        let refs: Vec<&RankingRow> = rows.iter().collect();
        let ranks: Vec<Option<u64>> = rerank(&refs).iter().map(|r| r.rank).collect();
        assert_eq!(ranks, [Some(1), Some(2), Some(2), None]);
    }
}
