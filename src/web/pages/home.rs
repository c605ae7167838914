//! `/`: the national picture: councils ranked by openness score (bars coloured by component) and
//! by contested-vote share, filterable by level and oblast, and the totals on record.

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

/// Builds the page.
#[expect(
    clippy::too_many_lines,
    reason = "one page's markup in one maud template, read top to bottom as the page shows"
)]
pub async fn page(svc: &Service, ctx: &Ctx) -> PageResult {
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
    let mut detail: HashMap<String, Arc<CouncilMetrics>> = HashMap::new();
    let p = open.period;
    for r in &open_rows {
        // Same period and moment as the ranking, so the cached computation is reused.
        let q = PeriodQuery { from: Some(p.from), to: Some(p.to), as_of: Some(p.as_of) };
        detail.insert(r.council.clone(), metrics::council(svc, &r.council, q).await?.metrics);
    }
    let synthetic = open_rows.iter().any(|r| all.get(&r.council).is_some_and(|c| c.council.synthetic));
    let counted = svc.totals().await?;
    let totals = [
        ("councils", counted.councils),
        ("deputies", counted.deputies),
        ("sessions", counted.sessions),
        ("votes", counted.vote_events),
    ];
    let mut oblasts: Vec<(&String, String)> = all
        .values()
        .filter(|c| c.council.level == d::Level::Oblast)
        .map(|c| (&c.id, ctx.lang.pick(&c.council.names)))
        .collect();
    oblasts.sort_by(|a, b| a.1.cmp(&b.1));
    let level_s = level.map(d::Level::as_str);
    let mut api_href = "/v1/rankings?metric=openness_score".to_owned();
    if let Some(l) = level_s {
        api_href.push_str(&format!("&level={l}"));
    }
    let name = |r: &RankingRow| ctx.lang.pick(&r.names);
    // Real records come first: what councils make public today, beside the rankings.
    let public_today = super::public_records::coverage_section(svc, ctx, synthetic).await?;

    let stack: Vec<StackRow> = open_rows
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
    let contested_bars: Vec<Bar> = contested_rows
        .iter()
        .map(|r| Bar {
            label: name(r),
            value: r.value.value.map(|v| v * 100.0),
            colour: charts::SERIES[1],
            text: share(ctx, &r.value),
        })
        .collect();

    let body = html! {
        p { (ctx.t("tagline")) ". " (ctx.t("period")) ": " (p.from) " – " (p.to) ", " (ctx.t("as_of")) " " (super::local(p.as_of)) " (UTC+5)." }
        (public_today)
        section aria-labelledby="totals" {
            h2 id="totals" { (ctx.t("totals")) }
            dl class="totals" {
                @for (k, n) in &totals {
                    div { dt { (ctx.t(k)) } dd data-total=(k) { (n) } }
                }
            }
        }
        form class="filters" method="get" action="/" {
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
            div class="figure" {
                (charts::stacked_bars(ctx.t("rank_openness"), &stack, 100.0))
                (table_wrap(ctx.t("chart_numbers"), html! {
                    table {
                        caption { (ctx.t("chart_numbers")) }
                        thead { tr { th scope="col" class="num" { (ctx.t("rank")) } th scope="col" { (ctx.t("council")) } th scope="col" class="num" { (ctx.t("score")) }
                            @for k in ["c_notice", "c_documents", "c_open_items", "c_broadcast", "c_minutes", "c_roll_call"] { th scope="col" class="num" { (ctx.t(k)) } } } }
                        tbody {
                            @for r in &open_rows {
                                tr {
                                    td class="num" { (r.rank.map(|n| n.to_string()).unwrap_or_default()) }
                                    th scope="row" { a href={ "/councils/" (enc(&r.council)) } { (name(r)) } }
                                    td class="num" data-council=(r.council) data-metric="openness_score" { (super::number(ctx, &r.value, 1)) }
                                    @if let Some(x) = detail.get(&r.council) {
                                        @for (_, c) in components(&x.openness) { td class="num" { (share(ctx, &c.value)) } }
                                    }
                                }
                            }
                        }
                    }
                }))
            }
        }
        section aria-labelledby="rank-contested" {
            h2 id="rank-contested" { (ctx.t("rank_contested")) }
            p class="meta" { a href={ "/v1/rankings?metric=contested_share" @if let Some(l) = level_s { "&level=" (l) } } { code { "GET /v1/rankings?metric=contested_share" } } }
            div class="figure" {
                (charts::bars(ctx.t("rank_contested"), &contested_bars, 100.0))
                (table_wrap(ctx.t("chart_numbers"), html! {
                    table {
                        caption { (ctx.t("chart_numbers")) }
                        thead { tr { th scope="col" class="num" { (ctx.t("rank")) } th scope="col" { (ctx.t("council")) } th scope="col" class="num" { (ctx.t("contested_share")) } } }
                        tbody {
                            @for r in &contested_rows {
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
    Ok(Page { title: ctx.t("national").to_owned(), api: api_href, synthetic, body, feed: None })
}
