//! One module per page, and what they share: names, numbers, dates and party labels.

pub mod council;
pub mod deputy;
pub mod home;
pub mod public_records;
pub mod search;
pub mod session;
pub mod session_diff;
pub mod verify;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::layout::Ctx;
use crate::domain::metrics::MetricValue;
use crate::service::{self, Service};

/// More rows than any page shows, for store reads that page.
pub const ALL: u64 = 1 << 40;

/// A share as a percentage, or "no data".
pub fn share(ctx: &Ctx, v: &MetricValue) -> String {
    v.value.map_or_else(|| ctx.t("no_value").to_owned(), |x| ctx.lang.pct(x))
}

/// A number with `digits` decimals, or "no data".
pub fn number(ctx: &Ctx, v: &MetricValue, digits: usize) -> String {
    v.value.map_or_else(|| ctx.t("no_value").to_owned(), |x| ctx.lang.num(x, digits))
}

/// A speech's length in minutes, one decimal (45 s is "0.8 min").
pub fn minutes(ctx: &Ctx, seconds: Option<u32>) -> String {
    seconds.map(|n| format!("{} {}", ctx.lang.num(f64::from(n) / 60.0, 1), ctx.t("minutes_short"))).unwrap_or_default()
}

/// A moment in Almaty time (UTC+5), to the minute.
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::domain::metrics::almaty_offset()).format("%Y-%m-%d %H:%M").to_string()
}

/// The note after a name shown in another language than the page's, e.g. "in Russian".
fn lang_note(ctx: &Ctx, shown: super::i18n::Lang) -> &'static str {
    ctx.t(&format!("in_lang_{}", shown.code()))
}

/// A name in the page's language, or in another one followed by which, e.g. "Олег Иванов (in
/// Russian)".
pub fn name_with_note(ctx: &Ctx, names: &BTreeMap<String, String>) -> String {
    match ctx.lang.pick_noted(names) {
        (name, Some(shown)) => format!("{name} ({})", lang_note(ctx, shown)),
        (name, None) => name,
    }
}

/// [`name_with_note`] as markup: the name carries its `lang`, the note is marked `lang-note`.
pub fn named(ctx: &Ctx, names: &BTreeMap<String, String>) -> maud::Markup {
    let (name, shown) = ctx.lang.pick_noted(names);
    maud::html! {
        @if let Some(l) = shown {
            span lang=(l.code()) { (name) } " " span class="lang-note" data-shown-lang=(l.code()) { "(" (lang_note(ctx, l)) ")" }
        } @else {
            (name)
        }
    }
}

/// Every party's names, by id.
pub struct Parties(HashMap<String, BTreeMap<String, String>>);

impl Parties {
    /// Reads every party.
    pub async fn load(svc: &Service) -> Result<Self, service::Error> {
        let rows = service::councils::all_parties(svc).await?;
        Ok(Self::of(rows.into_iter().map(|p| (p.id, p.party.names))))
    }

    /// Parties' names by id.
    pub fn of(names: impl IntoIterator<Item = (String, BTreeMap<String, String>)>) -> Self {
        Self(names.into_iter().collect())
    }

    /// A party's name in the page's language, or its id when unknown.
    pub fn name(&self, ctx: &Ctx, id: &str) -> String {
        self.0.get(id).map(|n| name_with_note(ctx, n)).filter(|n| !n.is_empty()).unwrap_or_else(|| id.to_owned())
    }

    /// A group (party id or `non_partisan`, or none) in words.
    pub fn group(&self, ctx: &Ctx, group: Option<&str>) -> String {
        match group {
            None | Some("non_partisan") => ctx.t("non_partisans").to_owned(),
            Some(p) => self.name(ctx, p),
        }
    }
}

/// Names of a council's deputies, by id, in the page's language (or noted as in another).
pub async fn deputy_names(svc: &Service, ctx: &Ctx, council: &str) -> Result<HashMap<String, String>, service::Error> {
    Ok(service::rosters::all_deputies(svc, council)
        .await?
        .into_iter()
        .map(|d| (d.deputy.id.clone(), name_with_note(ctx, &d.deputy.names)))
        .collect())
}
