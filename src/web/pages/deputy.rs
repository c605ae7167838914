//! `/deputies/{id}`: mandates and party history, attendance, abstention, losing-side and
//! rebellion rates against the council's averages, the full voting record and the speeches.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Datelike;
use maud::html;

use super::council::figure;
use super::{ALL, Parties, number, share};
use crate::domain::enums::{BallotOption as O, VoteResult};
use crate::service::sessions::SpeechFilter;
use crate::service::votes::DeputyBallotRead;
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
    let name = super::name_with_note(ctx, &rec.deputy.names);
    let sessions = service::sessions::list(
        svc,
        &service::sessions::SessionFilter { council: Some(council_id.clone()), ..Default::default() },
        None,
        ALL,
    )
    .await?
    .items;
    let numbers: HashMap<&str, String> = sessions.iter().map(|s| (s.id.as_str(), s.number.to_string())).collect();
    let agenda = service::sessions::agenda_items(svc, None, Some(&council_id), None, ALL).await?.items;
    let items: HashMap<&str, &BTreeMap<String, String>> = agenda.iter().map(|a| (a.id.as_str(), &a.titles)).collect();
    // Grouped by session, newest first (the record comes oldest first).
    let mut by_session: Vec<(String, Vec<&DeputyBallotRead>)> = vec![];
    for b in &ballots.items {
        match by_session.last_mut() {
            Some((sid, list)) if *sid == b.vote.session_id => list.push(b),
            _ => by_session.push((b.vote.session_id.clone(), vec![b])),
        }
    }
    by_session.reverse();
    let per_year = by_year(&ballots.items);
    let years: Vec<i32> = per_year.iter().map(|y| y.year).collect();
    let year_series = vec![
        (
            ctx.t("m_attendance_rate").to_owned(),
            charts::SERIES[0],
            per_year.iter().map(|y| y.attendance().map(|v| v * 100.0)).collect(),
        ),
        (
            ctx.t("m_losing_side_rate").to_owned(),
            charts::SERIES[1],
            per_year.iter().map(|y| y.losing().map(|v| v * 100.0)).collect(),
        ),
    ];
    let pct = |v: Option<f64>| v.map_or_else(|| ctx.t("no_value").to_owned(), |x| ctx.lang.pct(x));
    let year_rows: Vec<Vec<String>> = per_year
        .iter()
        .map(|y| {
            vec![
                y.year.to_string(),
                y.sessions.len().to_string(),
                y.all.to_string(),
                pct(y.attendance()),
                pct(y.losing()),
            ]
        })
        .collect();
    let council_name = super::name_with_note(ctx, &council.names);

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
        section aria-labelledby="over-time" {
            h2 id="over-time" { (ctx.t("over_time")) }
            @if years.is_empty() {
                p { (ctx.t("no_votes")) }
            } @else {
                p class="meta" { (ctx.t("over_time_note")) }
                (figure(ctx, charts::lines(ctx.t("over_time"), &years, &year_series, 100.0),
                    &[ctx.t("year"), ctx.t("sessions_n"), ctx.t("votes_n"), ctx.t("m_attendance_rate"), ctx.t("m_losing_side_rate")], &year_rows))
            }
        }
        section aria-labelledby="record" {
            h2 id="record" { (ctx.t("voting_record")) " (" (ballots.items.len()) ")" }
            p class="meta" { a href={ "/v1/deputies/" (enc(id)) "/ballots" } { code { "GET /v1/deputies/" (id) "/ballots" } } }
            @if ballots.items.is_empty() {
                p { (ctx.t("no_votes")) }
            } @else {
                @for (sid, list) in &by_session {
                    @let e0 = &list[0].vote;
                    section class="session-votes" data-session=(sid) {
                        h3 {
                            a href={ "/sessions/" (enc(sid)) } {
                                (ctx.t("session")) @if let Some(n) = numbers.get(sid.as_str()) { " № " (n) } ", " (e0.session_date)
                            }
                        }
                        (table_wrap(ctx.t("voting_record"), html! {
                            table {
                                thead { tr { th scope="col" { (ctx.t("agenda_item")) } th scope="col" { (ctx.t("motion")) } th scope="col" { (ctx.t("ballot")) } th scope="col" { (ctx.t("result")) } } }
                                tbody {
                                    @for b in list {
                                        @let e = &b.vote;
                                        tr {
                                            td data-item=(e.agenda_item_id) {
                                                @if let Some(t) = items.get(e.agenda_item_id.as_str()) {
                                                    a href={ "/sessions/" (enc(&e.session_id)) "#item-" (e.agenda_item_id) } { (super::named(ctx, t)) }
                                                }
                                            }
                                            th scope="row" { a href={ "/sessions/" (enc(&e.session_id)) "#vote-" (e.id) } { (super::named(ctx, &e.motion)) } }
                                            td data-ballot=(e.id) { (ctx.lang.label("opt", b.option.as_str())) }
                                            td { (ctx.lang.label("result", e.result.as_str())) }
                                        }
                                    }
                                }
                            }
                        }))
                    }
                }
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
                                    td class="num" data-seconds=(s.seconds.map(|n| n.to_string()).unwrap_or_default()) { (super::minutes(ctx, s.seconds)) }
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

/// A deputy's named-vote ballots in one calendar year (of the session's date).
struct Year {
    year: i32,
    sessions: BTreeSet<String>,
    all: u64,
    present: u64,
    cast: u64,
    dissent: u64,
}

impl Year {
    /// Present ÷ all ballots, as `attendance_rate` counts it.
    fn attendance(&self) -> Option<f64> {
        (self.all > 0).then(|| self.present as f64 / self.all as f64)
    }

    /// Dissenting ÷ cast ballots, as `losing_side_rate` counts it.
    fn losing(&self) -> Option<f64> {
        (self.cast > 0).then(|| self.dissent as f64 / self.cast as f64)
    }
}

/// Attendance and dissent per year, oldest first, with the metrics' definitions (design/metrics.md).
fn by_year(ballots: &[DeputyBallotRead]) -> Vec<Year> {
    let mut years: BTreeMap<i32, Year> = BTreeMap::new();
    for b in ballots {
        let year = b.vote.session_date.year();
        let y = years.entry(year).or_insert_with(|| Year {
            year,
            sessions: BTreeSet::new(),
            all: 0,
            present: 0,
            cast: 0,
            dissent: 0,
        });
        y.sessions.insert(b.vote.session_id.clone());
        y.all += 1;
        y.present += u64::from(b.option.is_present());
        if matches!(b.option, O::Yes | O::No | O::Abstain) {
            y.cast += 1;
            // As `is_dissent` in the metrics: no or abstain on a passed vote, yes on a failed one.
            y.dissent += u64::from(match b.vote.result {
                VoteResult::Pass => matches!(b.option, O::No | O::Abstain),
                VoteResult::Fail => b.option == O::Yes,
            });
        }
    }
    years.into_values().collect()
}
