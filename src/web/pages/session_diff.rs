//! `/sessions/{id}/diff?from=&to=`: what a correction changed in a session's record, for people
//! (the same comparison as `GET /v1/sessions/{id}/diff`, with names instead of ids).

use std::collections::HashMap;

use maud::{Markup, html};
use serde_json::Value;

use super::{deputy_names, local};
use crate::domain::session::{BallotChange, ChangeSet, fields};
use crate::service::{self, Service};
use crate::web::layout::{Ctx, Page, enc, table_wrap};
use crate::web::{PageError, PageResult};

/// The label key of a top-level field of the record; `None` for one the pages do not name.
fn field_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "convocation" => "f_convocation",
        "number" => "f_number",
        "kind" => "kind",
        "status" => "status",
        "scheduled_start" => "scheduled",
        "scheduled_end" => "f_scheduled_end",
        "actual_start" => "f_actual_start",
        "actual_end" => "f_actual_end",
        "place" => "place",
        "is_open" => "f_is_open",
        "livestream_url" => "broadcast",
        "recording_url" => "recording",
        "minutes_document" => "f_minutes_document",
        "declared_notice" => "declared_notice",
        _ => return None,
    })
}

/// A field's value as people read it: enum words and times labelled, absent as a dash.
fn shown(ctx: &Ctx, field: &str, v: Option<&Value>) -> Markup {
    match v {
        None | Some(Value::Null) => html! { "—" },
        Some(Value::Bool(b)) if field == "is_open" => html! { (if *b { ctx.t("open") } else { ctx.t("closed") }) },
        Some(Value::String(s)) if matches!(field, "kind" | "status") => html! { (ctx.lang.label(field, s)) },
        Some(Value::String(s)) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => html! { (local(t.with_timezone(&chrono::Utc))) " (UTC+5)" },
            Err(_) => html! { (s) },
        },
        Some(Value::Number(n)) => html! { (n.to_string()) },
        Some(other) => html! { code { (other.to_string()) } },
    }
}

/// One kind of child (agenda items, documents, …): what was added, removed or changed, by name.
fn change_table(ctx: &Ctx, heading: &str, set: &ChangeSet, name: &dyn Fn(&str) -> String) -> Markup {
    let rows: Vec<(&str, &String)> = set
        .added
        .iter()
        .map(|id| ("diff_added", id))
        .chain(set.removed.iter().map(|id| ("diff_removed", id)))
        .chain(set.changed.iter().map(|id| ("diff_changed", id)))
        .collect();
    html! {
        @if !rows.is_empty() {
            h3 { (heading) }
            (table_wrap(heading, html! {
                table {
                    thead { tr { th scope="col" { (heading) } th scope="col" { (ctx.t("diff_change")) } } }
                    tbody { @for (how, id) in &rows { tr data-child=(id) data-how=(how.trim_start_matches("diff_")) {
                        th scope="row" { (name(id)) }
                        td { (ctx.t(how)) }
                    } } }
                }
            }))
        }
    }
}

fn ballot_table(
    ctx: &Ctx,
    ballots: &[BallotChange],
    motions: &HashMap<&str, String>,
    deps: &HashMap<String, String>,
) -> Markup {
    let option = |o: Option<crate::domain::enums::BallotOption>| {
        o.map_or_else(|| ctx.t("diff_no_ballot").to_owned(), |o| ctx.lang.label("opt", o.as_str()))
    };
    html! {
        @if !ballots.is_empty() {
            h3 { (ctx.t("diff_ballots")) }
            (table_wrap(ctx.t("diff_ballots"), html! {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("deputy")) } th scope="col" { (ctx.t("vote")) }
                        th scope="col" { (ctx.t("diff_before")) } th scope="col" { (ctx.t("diff_after")) }
                    } }
                    tbody { @for b in ballots { tr data-ballot-change=(b.deputy) {
                        th scope="row" { a href={ "/deputies/" (enc(&b.deputy)) } { (deps.get(&b.deputy).cloned().unwrap_or_else(|| b.deputy.clone())) } }
                        td { (motions.get(b.vote_event.as_str()).cloned().unwrap_or_else(|| b.vote_event.clone())) }
                        td data-from { (option(b.from)) }
                        td data-to { (option(b.to)) }
                    } } }
                }
            }))
        }
    }
}

/// A child's name by id, or its id.
fn by<'a>(names: &'a HashMap<&str, String>) -> impl Fn(&str) -> String + 'a {
    move |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

/// Parses `from` and `to`: both required, whole numbers from 1, and different.
fn versions(ctx: &Ctx) -> Result<(i32, i32), PageError> {
    let get = |k: &str| -> Result<i32, PageError> {
        let raw = ctx
            .query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v)
            .ok_or_else(|| PageError::BadRequest(format!("{k}: {}", ctx.t("diff_need_versions"))))?;
        match raw.trim().parse::<i32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(PageError::BadRequest(format!("{k}={raw}: {}", ctx.t("diff_need_versions")))),
        }
    };
    Ok((get("from")?, get("to")?))
}

/// Builds the page.
pub async fn page(svc: &Service, ctx: &Ctx, id: &str) -> PageResult {
    let (from, to) = versions(ctx)?;
    let current = service::sessions::get(svc, id).await?.session;
    let ((old_meta, old), (new_meta, new), d) = service::sessions::compare(svc, id, from, to).await?;
    let deps = deputy_names(svc, ctx, &current.council_id).await?;
    let (a, b) = (fields(&old), fields(&new));

    let agenda: HashMap<&str, String> =
        old.agenda.iter().chain(&new.agenda).map(|x| (x.id.as_str(), super::name_with_note(ctx, &x.titles))).collect();
    let docs: HashMap<&str, String> =
        old.documents.iter().chain(&new.documents).map(|x| (x.id.as_str(), x.title.clone())).collect();
    let motions: HashMap<&str, String> = old
        .vote_events
        .iter()
        .chain(&new.vote_events)
        .map(|x| (x.id.as_str(), super::name_with_note(ctx, &x.motion)))
        .collect();
    let speakers: HashMap<&str, String> = old
        .speeches
        .iter()
        .chain(&new.speeches)
        .map(|x| {
            let who = x.deputy.as_ref().and_then(|d| deps.get(d).cloned()).or_else(|| x.speaker_name.clone());
            (x.id.as_str(), format!("{} ({})", who.unwrap_or_else(|| "—".into()), x.id))
        })
        .collect();
    let parts =
        !d.ballots.is_empty() || [&d.agenda, &d.documents, &d.vote_events, &d.speeches].iter().any(|c| !c.is_empty());
    let nothing = d.changed_fields.is_empty() && !parts;

    let title = format!("{} № {}: {} ({from} → {to})", ctx.t("session"), current.number, ctx.t("diff_title"));
    let body = html! {
        p { a href={ "/sessions/" (enc(id)) } { (ctx.t("diff_back")) } }
        dl {
            @for (n, m) in [(from, &old_meta), (to, &new_meta)] {
                dt { (ctx.t("version")) " " (n) }
                dd data-version=(n) {
                    (ctx.t("received")) ": " (local(m.received_at)) " (UTC+5)"
                    @if let Some(r) = &m.reason { ". " (ctx.t("reason")) ": " q data-reason { (r) } }
                }
            }
        }
        p class="meta" { a href={ "/v1/sessions/" (enc(id)) "/diff?from=" (from) "&to=" (to) } { code { "GET /v1/sessions/" (id) "/diff?from=" (from) "&to=" (to) } } }
        @if nothing {
            p data-no-difference { (ctx.t("diff_none")) }
        }
        @if !d.changed_fields.is_empty() {
            section aria-labelledby="diff-fields" {
                h2 id="diff-fields" { (ctx.t("diff_fields")) }
                (table_wrap(ctx.t("diff_fields"), html! {
                    table {
                        thead { tr { th scope="col" { (ctx.t("diff_field")) } th scope="col" { (ctx.t("diff_before")) } th scope="col" { (ctx.t("diff_after")) } } }
                        tbody { @for f in &d.changed_fields { tr data-field=(f) {
                            th scope="row" { @match field_key(f) { Some(k) => (ctx.t(k)), None => code { (f) } } }
                            td data-from { (shown(ctx, f, a.get(f))) }
                            td data-to { (shown(ctx, f, b.get(f))) }
                        } } }
                    }
                }))
            }
        }
        @if parts {
            section aria-labelledby="diff-parts" {
                h2 id="diff-parts" { (ctx.t("diff_parts")) }
                (change_table(ctx, ctx.t("agenda"), &d.agenda, &by(&agenda)))
                (change_table(ctx, ctx.t("documents"), &d.documents, &by(&docs)))
                (change_table(ctx, ctx.t("diff_votes"), &d.vote_events, &by(&motions)))
                (change_table(ctx, ctx.t("speeches"), &d.speeches, &by(&speakers)))
                (ballot_table(ctx, &d.ballots, &motions, &deps))
            }
        }
    };
    Ok(Page {
        title,
        api: format!("/v1/sessions/{}/diff?from={from}&to={to}", enc(id)),
        synthetic: current.synthetic,
        body,
        feed: None,
    })
}
