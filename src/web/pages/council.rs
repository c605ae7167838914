//! `/councils/{id}`: openness components and score, debate and voting metrics with their trend
//! year by year, party cohesion, non-partisan against party deputies, composition, the deputies'
//! metrics and the latest sessions.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};

use super::home::{component_legend, components, points};
use super::{Parties, number, share};
use crate::domain::metrics::{self as dm, CouncilMetrics, MetricValue};
use crate::service::metrics::{self as metrics, PeriodQuery, cohesion_group_id, group_id};
use crate::service::{self, Service};
use crate::web::PageResult;
use crate::web::charts::{self, Bar};
use crate::web::layout::{Ctx, Page, enc, table_wrap};

/// How many of a council's latest sessions its page lists.
const LATEST_SESSIONS: u64 = 12;

/// A figure: the chart, and beside it a table of its numbers.
pub fn figure(ctx: &Ctx, chart: Markup, head: &[&str], rows: &[Vec<String>]) -> Markup {
    html! {
        div class="figure" {
            (chart)
            (table_wrap(ctx.t("chart_numbers"), html! {
                table {
                    caption { (ctx.t("chart_numbers")) }
                    thead { tr { @for (i, h) in head.iter().enumerate() { th scope="col" class=[(i > 0).then_some("num")] { (h) } } } }
                    tbody {
                        @for r in rows {
                            tr { @for (i, c) in r.iter().enumerate() {
                                @if i == 0 { th scope="row" { (c) } } @else { td class="num" { (c) } }
                            } }
                        }
                    }
                }
            }))
        }
    }
}

fn metric_rows(x: &CouncilMetrics) -> Vec<(&'static str, &MetricValue, bool)> {
    // (key, value, is a share)
    vec![
        ("m_undiscussed_item_share", &x.debate.undiscussed_item_share, true),
        ("m_speakers_per_item", &x.debate.speakers_per_item, false),
        ("m_silent_deputy_share", &x.debate.silent_deputy_share, true),
        ("m_speaking_time_gini", &x.debate.speaking_time_gini, false),
        ("m_executive_share", &x.debate.executive_share, true),
        ("m_questions_per_session", &x.debate.questions_per_session, false),
        ("m_unanimity_rate", &x.voting.unanimity_rate, true),
        ("m_contested_share", &x.voting.contested_share, true),
        ("m_mean_dissent", &x.voting.mean_dissent, true),
    ]
}

fn fmt(ctx: &Ctx, v: &MetricValue, is_share: bool) -> String {
    if is_share { share(ctx, v) } else { number(ctx, v, 2) }
}

/// Each held session's openness components (the council values are their means), every
/// component's column anchored so the council table can link to the sessions behind it.
fn session_openness_section(ctx: &Ctx, id: &str, sessions: &[dm::SessionOpenness]) -> Markup {
    let keys = ["c_notice", "c_documents", "c_open_items", "c_broadcast", "c_minutes", "c_roll_call"];
    html! {
        section aria-labelledby="session-openness" {
            h2 id="session-openness" { (ctx.t("session_openness")) }
            p { (ctx.t("session_openness_note")) }
            p class="meta" { a href={ "/v1/councils/" (enc(id)) "/session-openness" } { code { "GET /v1/councils/" (id) "/session-openness" } } }
            (table_wrap(ctx.t("session_openness"), html! {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("session")) }
                        th scope="col" { (ctx.t("time_kind")) }
                        @for k in keys { th scope="col" class="num" id={ "so-" (k.trim_start_matches("c_")) } { (ctx.t(k)) } }
                    } }
                    tbody {
                        @for s in sessions {
                            tr data-session=(s.session_id) {
                                th scope="row" { a href={ "/sessions/" (enc(&s.session_id)) } { (super::local(s.scheduled_start)) } }
                                td { (ctx.t(if s.time_kind == dm::TimeKind::Declared { "time_declared" } else { "time_witnessed" })) }
                                @for c in dm::Component::ALL {
                                    @let v = s.get(c);
                                    td class="num" data-component=(c.name()) title=[v.reason.map(|r| format!("{}: {}", metrics::reason_code(r), r.message()))] {
                                        (share(ctx, v))
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

/// Builds the page.
#[expect(
    clippy::too_many_lines,
    reason = "one page's markup in one maud template, read top to bottom as the page shows"
)]
pub async fn page(svc: &Service, ctx: &Ctx, id: &str) -> PageResult {
    // The council and its data version, one statement: its metrics need no second read of it,
    // nor of its provenance.
    // The trend shows each calendar year of the default period, as of the same moment.
    let by_year = |x: &CouncilMetrics| {
        let start = metrics::DEFAULT_FROM.max(x.from);
        (start.year()..=x.to.year())
            .map(|year| {
                let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(start).max(start);
                let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(x.to).min(x.to);
                PeriodQuery { from: Some(from), to: Some(to), as_of: Some(x.as_of) }
            })
            .collect()
    };
    let (row, seq, newest) = service::councils::row_versioned(svc, id).await?;
    let (x, trend) = metrics::council_known(svc, id, (seq, newest), PeriodQuery::default(), by_year).await?;
    let x = &x;
    let first_year = metrics::DEFAULT_FROM.max(x.from).year();
    let trend: Vec<(i32, _)> = (first_year..=x.to.year()).zip(trend).collect();
    // The deputies' metrics and the sessions' openness are those of the period shown.
    let mut deputies_sorted: Vec<_> = x.deputies.iter().collect();
    deputies_sorted.sort_by(|a, b| a.deputy_id.cmp(&b.deputy_id));
    let session_openness = metrics::sessions_by_start(x);
    // Composition on the period's last date, by the same rule as the metric.
    let on = x.composition.date;
    // The roster on that day, the parties' names and the latest sessions: one statement.
    let reads = service::councils::page_reads(svc, id, on, LATEST_SESSIONS).await?;
    let (roster, latest) = (reads.deputies, reads.latest);
    let parties = Parties::of(reads.parties);
    let dep_names: BTreeMap<String, String> =
        roster.iter().map(|d| (d.id.clone(), super::name_with_note(ctx, &d.names))).collect();

    let mut by_party: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_seat: BTreeMap<String, u64> = BTreeMap::new();
    for d in &roster {
        let Some(seat) = d.seat_type else { continue };
        *by_party.entry(parties.group(ctx, d.party.as_deref())).or_default() += 1;
        *by_seat.entry(ctx.lang.label("seat", seat.as_str())).or_default() += 1;
    }

    let comps = components(&x.openness);
    let pts = points(&x.openness);
    let openness_bars: Vec<Bar> = comps
        .iter()
        .zip(charts::COMPONENT_COLOURS)
        .map(|((k, c), colour)| Bar {
            label: ctx.t(k).to_owned(),
            value: c.value.value.map(|v| v * 100.0),
            colour,
            text: share(ctx, &c.value),
        })
        .collect();
    let openness_rows: Vec<Vec<String>> = comps
        .iter()
        .zip(pts)
        .map(|((k, c), p)| {
            vec![
                ctx.t(k).to_owned(),
                ctx.lang.num(c.weight, 2),
                share(ctx, &c.value),
                p.map_or_else(|| ctx.t("no_value").to_owned(), |p| ctx.lang.num(p, 1)),
            ]
        })
        .collect();

    let years: Vec<i32> = trend.iter().map(|(y, _)| *y).collect();
    let score_series = vec![(
        ctx.t("openness_score").to_owned(),
        charts::SERIES[0],
        trend.iter().map(|(_, t)| t.openness.score.value).collect::<Vec<_>>(),
    )];
    let share_series: Vec<(String, &'static str, Vec<Option<f64>>)> =
        [("m_contested_share", 1usize), ("m_unanimity_rate", 3), ("m_undiscussed_item_share", 2)]
            .iter()
            .map(|(k, c)| {
                let values = trend
                    .iter()
                    .map(|(_, t)| {
                        let v = match *k {
                            "m_contested_share" => &t.voting.contested_share,
                            "m_unanimity_rate" => &t.voting.unanimity_rate,
                            _ => &t.debate.undiscussed_item_share,
                        };
                        v.value.map(|v| v * 100.0)
                    })
                    .collect();
                (ctx.t(k).to_owned(), charts::SERIES[*c], values)
            })
            .collect();
    let trend_rows: Vec<Vec<String>> = trend
        .iter()
        .map(|(y, t)| {
            vec![
                y.to_string(),
                t.held_sessions.to_string(),
                number(ctx, &t.openness.score, 1),
                share(ctx, &t.voting.contested_share),
                share(ctx, &t.voting.unanimity_rate),
                share(ctx, &t.debate.undiscussed_item_share),
            ]
        })
        .collect();

    let cohesion_bars: Vec<Bar> = x
        .cohesion
        .iter()
        .map(|c| Bar {
            label: parties.group(ctx, Some(cohesion_group_id(&c.group))),
            value: c.agreement_index.value,
            colour: charts::SERIES[2],
            text: number(ctx, &c.agreement_index, 2),
        })
        .collect();
    let cohesion_rows: Vec<Vec<String>> = x
        .cohesion
        .iter()
        .map(|c| {
            vec![
                parties.group(ctx, Some(cohesion_group_id(&c.group))),
                number(ctx, &c.agreement_index, 2),
                number(ctx, &c.rice_index, 2),
                c.agreement_index.n.to_string(),
            ]
        })
        .collect();

    let cmp = &x.non_partisan_comparison;
    let cmp_list = [
        ("m_attendance_rate", &cmp.attendance_rate),
        ("m_abstention_rate", &cmp.abstention_rate),
        ("m_losing_side_rate", &cmp.losing_side_rate),
    ];
    let mut cmp_bars = vec![];
    for (k, c) in &cmp_list {
        for (who, v, colour) in
            [("non_partisans", &c.non_partisan, charts::SERIES[1]), ("party_deputies", &c.party, charts::SERIES[0])]
        {
            cmp_bars.push(Bar {
                label: format!("{} — {}", ctx.t(k), ctx.t(who)),
                value: v.value.map(|v| v * 100.0),
                colour,
                text: share(ctx, v),
            });
        }
    }
    let mut cmp_rows: Vec<Vec<String>> = cmp_list
        .iter()
        .map(|(k, c)| {
            vec![ctx.t(k).to_owned(), share(ctx, &c.non_partisan), share(ctx, &c.party), share(ctx, &c.difference)]
        })
        .collect();
    cmp_rows.push(vec![
        ctx.t("m_speeches_per_session").to_owned(),
        number(ctx, &cmp.speeches_per_session.non_partisan, 2),
        number(ctx, &cmp.speeches_per_session.party, 2),
        number(ctx, &cmp.speeches_per_session.difference, 2),
    ]);

    let seats_max = by_party.values().copied().max().unwrap_or(1) as f64;
    let party_bars: Vec<Bar> = by_party
        .iter()
        .map(|(p, n)| Bar { label: p.clone(), value: Some(*n as f64), colour: charts::SERIES[0], text: n.to_string() })
        .collect();
    let title = super::name_with_note(ctx, &row.names);

    let body = html! {
        p class="meta" { a href=(format!("/councils/{}/feed.atom?lang={}", row.id, ctx.lang.code())) type="application/atom+xml" rel="alternate" { (ctx.t("feed_link")) } }
        p {
            (ctx.lang.label("level", row.level.as_str())) ". " (ctx.t("seats_by_law")) ": " (row.seats) ". "
            (ctx.t("period")) ": " (x.from) " – " (x.to) ", " (ctx.t("as_of")) " " (super::local(x.as_of)) " (UTC+5). "
            (ctx.t("held_sessions")) ": " span data-metric="held_sessions" { (x.held_sessions) } "."
        }
        section aria-labelledby="openness" {
            h2 id="openness" { (ctx.t("openness")) ": " span data-metric="openness_score" { (number(ctx, &x.openness.score, 1)) } " / 100" }
            (component_legend(ctx))
            (figure(ctx, charts::bars(ctx.t("openness"), &openness_bars, 100.0),
                &[ctx.t("component"), ctx.t("weight"), ctx.t("value"), ctx.t("points")], &openness_rows))
            p {
                (ctx.t("sessions_behind")) ": "
                @for (i, (k, c)) in comps.iter().enumerate() {
                    @if i > 0 { " · " }
                    a href={ "#so-" (k.trim_start_matches("c_")) } { (ctx.t(k)) } " (n = " (c.value.n) ")"
                }
            }
        }
        (session_openness_section(ctx, id, &session_openness))
        section aria-labelledby="debate" {
            h2 id="debate" { (ctx.t("debate")) " · " (ctx.t("voting")) }
            (table_wrap(ctx.t("debate"), html! {
                table {
                    thead { tr { th scope="col" { (ctx.t("value")) } th scope="col" class="num" { (x.from) " – " (x.to) } th scope="col" class="num" { "n" } } }
                    tbody {
                        @for (k, v, is_share) in metric_rows(x) {
                            tr { th scope="row" { (ctx.t(k)) } td class="num" data-metric=(k.trim_start_matches("m_")) { (fmt(ctx, v, is_share)) } td class="num" { (v.n) } }
                        }
                    }
                }
            }))
            h3 { (ctx.t("trend")) }
            (figure(ctx, html! {
                    (charts::lines(ctx.t("openness_score"), &years, &score_series, 100.0))
                    (charts::lines(ctx.t("trend"), &years, &share_series, 100.0))
                },
                &[ctx.t("year"), ctx.t("held_sessions"), ctx.t("openness_score"), ctx.t("m_contested_share"), ctx.t("m_unanimity_rate"), ctx.t("m_undiscussed_item_share")], &trend_rows))
        }
        section aria-labelledby="cohesion" {
            h2 id="cohesion" { (ctx.t("cohesion")) }
            (figure(ctx, charts::bars(ctx.t("cohesion"), &cohesion_bars, 1.0),
                &[ctx.t("group"), ctx.t("agreement_index"), ctx.t("rice_index"), "n"], &cohesion_rows))
        }
        section aria-labelledby="comparison" {
            h2 id="comparison" { (ctx.t("comparison")) }
            (figure(ctx, charts::bars(ctx.t("comparison"), &cmp_bars, 100.0),
                &[ctx.t("value"), ctx.t("non_partisans"), ctx.t("party_deputies"), ctx.t("difference")], &cmp_rows))
        }
        section aria-labelledby="composition" {
            h2 id="composition" { (ctx.t("composition")) " (" (on) ")" }
            p { (ctx.t("seats")) ": " span data-metric="seats" { (number(ctx, &x.composition.seats, 0)) } "; " (ctx.t("non_partisans")) ": " (share(ctx, &x.composition.non_partisan_share)) }
            (figure(ctx, charts::bars(ctx.t("composition"), &party_bars, seats_max),
                &[ctx.t("party"), ctx.t("seats")], &by_party.iter().map(|(p, n)| vec![p.clone(), n.to_string()]).collect::<Vec<_>>()))
            (table_wrap(ctx.t("seat_type"), html! {
                table {
                    thead { tr { th scope="col" { (ctx.t("seat_type")) } th scope="col" class="num" { (ctx.t("seats")) } } }
                    tbody { @for (k, n) in &by_seat { tr { th scope="row" { (k) } td class="num" { (n) } } } }
                }
            }))
        }
        section aria-labelledby="deputies" {
            h2 id="deputies" { (ctx.t("deputy_metrics")) }
            p class="meta" { a href={ "/v1/councils/" (enc(id)) "/deputy-metrics" } { code { "GET /v1/councils/" (id) "/deputy-metrics" } } }
            (table_wrap(ctx.t("deputy_metrics"), html! {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("deputy")) } th scope="col" { (ctx.t("group")) }
                        @for k in ["m_attendance_rate", "m_abstention_rate", "m_losing_side_rate", "m_rebellion_rate", "m_speeches_per_session"] { th scope="col" class="num" { (ctx.t(k)) } }
                    } }
                    tbody {
                        @for d in &deputies_sorted {
                            tr {
                                th scope="row" { a href={ "/deputies/" (enc(&d.deputy_id)) } { (dep_names.get(&d.deputy_id).cloned().unwrap_or_else(|| d.deputy_id.clone())) } }
                                td { (parties.group(ctx, d.group.as_ref().map(group_id))) }
                                td class="num" { (share(ctx, &d.attendance_rate)) }
                                td class="num" { (share(ctx, &d.abstention_rate)) }
                                td class="num" { (share(ctx, &d.losing_side_rate)) }
                                td class="num" { (share(ctx, &d.rebellion_rate)) }
                                td class="num" { (number(ctx, &d.speeches_per_session, 2)) }
                            }
                        }
                    }
                }
            }))
        }
        section aria-labelledby="sessions" {
            h2 id="sessions" { (ctx.t("latest_sessions")) }
            (table_wrap(ctx.t("latest_sessions"), html! {
                table {
                    thead { tr { th scope="col" { (ctx.t("session")) } th scope="col" { (ctx.t("date")) } th scope="col" { (ctx.t("kind")) } th scope="col" { (ctx.t("status")) } } }
                    tbody {
                        @for s in &latest {
                            tr {
                                th scope="row" { a href={ "/sessions/" (enc(&s.id)) } { "№ " (s.number) " (" (s.convocation) " " (ctx.t("convocation")) ")" } }
                                td { (super::local(s.scheduled_start)) }
                                td { (ctx.lang.label("kind", s.kind.as_str())) }
                                td { (ctx.lang.label("status", s.status.as_str())) }
                            }
                        }
                    }
                }
            }))
        }
    };
    Ok(Page {
        title,
        api: format!("/v1/councils/{}/metrics", enc(id)),
        synthetic: row.synthetic,
        body,
        feed: Some(format!("/councils/{}/feed.atom?lang={}", enc(id), ctx.lang.code())),
    })
}
