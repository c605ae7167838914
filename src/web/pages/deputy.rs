//! `/deputies/{id}`: mandates and party history, attendance, abstention, losing-side and
//! rebellion rates against the council's averages, the full voting record and the speeches.

use maud::html;

use super::council::figure;
use super::{ALL, Parties, number, share};
use crate::service::sessions::SpeechFilter;
use crate::service::{self, Service, metrics};
use crate::web::charts::{self, Bar};
use crate::web::layout::{Ctx, Page, enc, table_wrap};
use crate::web::{PageError, PageResult};

/// Builds the page.
#[expect(
    clippy::too_many_lines,
    reason = "one page's markup in one maud template, read top to bottom as the page shows"
)]
pub async fn page(svc: &Service, ctx: &Ctx, id: &str) -> PageResult {
    let rec = service::rosters::deputy(svc, id).await?;
    let council_id = rec.council_id.clone();
    let council = service::councils::get(svc, &council_id).await?.council;
    // A deputy without a mandate in the period has no metrics; the rest of the page still shows.
    let mine = match metrics::deputy(svc, id, Default::default()).await {
        Ok(m) => Some(m),
        Err(service::Error::NotFound(_)) => None,
        Err(other) => return Err(PageError::from(other)),
    };
    let cm = metrics::council(svc, &council_id, Default::default()).await?.metrics;
    let ballots = service::votes::deputy_ballots(svc, id, None, ALL).await?;
    let speech_filter = SpeechFilter { deputy: Some(id.to_owned()), ..Default::default() };
    let speeches = service::sessions::speeches(svc, &speech_filter, None, ALL).await?.items;
    let parties = Parties::load(svc).await?;
    let name = ctx.lang.pick(&rec.deputy.names);
    let council_name = ctx.lang.pick(&council.names);

    let means = &cm.deputy_means;
    let pairs = mine.as_ref().map(|d| {
        [
            ("m_attendance_rate", &d.attendance_rate, &means.attendance_rate),
            ("m_abstention_rate", &d.abstention_rate, &means.abstention_rate),
            ("m_losing_side_rate", &d.losing_side_rate, &means.losing_side_rate),
            ("m_rebellion_rate", &d.rebellion_rate, &means.rebellion_rate),
        ]
    });
    let mut bars = vec![];
    let mut rows = vec![];
    if let (Some(pairs), Some(d)) = (&pairs, &mine) {
        for (k, me, avg) in pairs {
            for (who, v, colour) in [("this_deputy", me, charts::SERIES[0]), ("council_mean", avg, charts::SERIES[1])] {
                bars.push(Bar {
                    label: format!("{} — {}", ctx.t(k), ctx.t(who)),
                    value: v.value.map(|v| v * 100.0),
                    colour,
                    text: share(ctx, v),
                });
            }
            rows.push(vec![ctx.t(k).to_owned(), share(ctx, me), share(ctx, avg), me.n.to_string()]);
        }
        rows.push(vec![
            ctx.t("m_speeches_per_session").to_owned(),
            number(ctx, &d.speeches_per_session, 2),
            number(ctx, &means.speeches_per_session, 2),
            d.speeches_per_session.n.to_string(),
        ]);
    }

    let feed = format!("/deputies/{}/feed.atom?lang={}", enc(id), ctx.lang.code());
    let body = html! {
        p class="meta" { a href=(feed) type="application/atom+xml" rel="alternate" { (ctx.t("feed_link")) } }
        p { (ctx.t("council")) ": " a href={ "/councils/" (enc(&council_id)) } { (council_name) } }
        section aria-labelledby="mandates" {
            h2 id="mandates" { (ctx.t("mandates")) }
            (table_wrap(ctx.t("mandates"), html! {
                table {
                    thead { tr { th scope="col" { (ctx.t("convocation")) } th scope="col" { (ctx.t("seat_type")) } th scope="col" { (ctx.t("district_no")) } th scope="col" { (ctx.t("nomination")) } th scope="col" { (ctx.t("from")) } th scope="col" { (ctx.t("until")) } } }
                    tbody {
                        @for m in &rec.deputy.mandates {
                            tr {
                                th scope="row" { (m.convocation) }
                                td { (ctx.lang.label("seat", m.seat_type.as_str())) }
                                td { (m.district.clone().unwrap_or_default()) }
                                td { (ctx.lang.label("nom", m.nomination.as_str())) @if let Some(p) = &m.nominating_party { " (" (parties.name(ctx, p)) ")" } }
                                td { (m.start_date) }
                                td { (m.end_date.map(|d| d.to_string()).unwrap_or_else(|| ctx.t("ongoing").to_owned())) }
                            }
                        }
                    }
                }
            }))
            h3 { (ctx.t("party_history")) }
            @if rec.deputy.party_memberships.is_empty() {
                p { (ctx.t("non_partisan")) }
            } @else {
                (table_wrap(ctx.t("party_history"), html! {
                    table {
                        thead { tr { th scope="col" { (ctx.t("party")) } th scope="col" { (ctx.t("from")) } th scope="col" { (ctx.t("until")) } } }
                        tbody { @for m in &rec.deputy.party_memberships { tr { th scope="row" { (parties.name(ctx, &m.party)) } td { (m.start_date) } td { (m.end_date.map(|d| d.to_string()).unwrap_or_else(|| ctx.t("ongoing").to_owned())) } } } }
                    }
                }))
            }
        }
        section aria-labelledby="versus" {
            h2 id="versus" { (ctx.t("vs_council")) }
            p class="meta" { (ctx.t("period")) ": " (cm.from) " – " (cm.to) ". "
                a href={ "/v1/councils/" (enc(&council_id)) "/metrics" } { code { "GET /v1/councils/" (council_id) "/metrics" } } }
            @if rows.is_empty() {
                p { (ctx.t("no_value")) }
            } @else {
                (figure(ctx, charts::bars(ctx.t("vs_council"), &bars, 100.0),
                    &[ctx.t("value"), ctx.t("this_deputy"), ctx.t("council_mean"), "n"], &rows))
            }
        }
        section aria-labelledby="record" {
            h2 id="record" { (ctx.t("voting_record")) " (" (ballots.items.len()) ")" }
            p class="meta" { a href={ "/v1/deputies/" (enc(id)) "/ballots" } { code { "GET /v1/deputies/" (id) "/ballots" } } }
            @if ballots.items.is_empty() {
                p { (ctx.t("no_votes")) }
            } @else {
                (table_wrap(ctx.t("voting_record"), html! {
                    table {
                        thead { tr { th scope="col" { (ctx.t("date")) } th scope="col" { (ctx.t("motion")) } th scope="col" { (ctx.t("ballot")) } th scope="col" { (ctx.t("result")) } } }
                        tbody {
                            @for b in &ballots.items {
                                @let e = &b.vote;
                                tr {
                                    td { (e.session_date) }
                                    th scope="row" { a href={ "/sessions/" (enc(&e.session_id)) "#vote-" (e.id) } { (ctx.lang.pick(&e.motion)) } }
                                    td data-ballot=(e.id) { (ctx.lang.label("opt", b.option.as_str())) }
                                    td { (ctx.lang.label("result", e.result.as_str())) }
                                }
                            }
                        }
                    }
                }))
            }
        }
        section aria-labelledby="speeches" {
            h2 id="speeches" { (ctx.t("speeches")) " (" (speeches.len()) ")" }
            @if speeches.is_empty() {
                p { (ctx.t("no_speeches")) }
            } @else {
                (table_wrap(ctx.t("speeches"), html! {
                    table {
                        thead { tr { th scope="col" { (ctx.t("date")) } th scope="col" { (ctx.t("session")) } th scope="col" { (ctx.t("kind")) } th scope="col" { (ctx.t("role")) } th scope="col" class="num" { (ctx.t("duration")) } } }
                        tbody {
                            @for s in &speeches {
                                tr {
                                    td { (s.session_date) }
                                    th scope="row" { a href={ "/sessions/" (enc(&s.session_id)) } { (s.session_id) } }
                                    td { (ctx.lang.label("type", s.speech_type.as_str())) }
                                    td { (ctx.lang.label("role", s.speaker_role.as_str())) }
                                    td class="num" { (s.seconds.map(|n| format!("{n} {}", ctx.t("seconds_short"))).unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }))
            }
        }
    };
    Ok(Page {
        title: name,
        api: format!("/v1/deputies/{}/metrics", enc(id)),
        synthetic: rec.synthetic || council.synthetic,
        body,
        feed: Some(feed),
    })
}
