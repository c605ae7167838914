//! One module per page, and what they share: names, numbers, dates and party labels.

pub mod council;
pub mod deputy;
pub mod home;
pub mod public_records;
pub mod search;
pub mod session;
pub mod verify;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::layout::Ctx;
use crate::api::AppState;
use crate::api::metrics::MetricValueDto;
use crate::store;

/// More rows than any page shows, for store reads that page.
pub const ALL: u64 = 1 << 40;

/// A JSON map of names per language tag, as stored.
pub fn names(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A share as a percentage, or "no data".
pub fn share(ctx: &Ctx, v: &MetricValueDto) -> String {
    v.value.map_or_else(|| ctx.t("no_value").to_owned(), |x| ctx.lang.pct(x))
}

/// A number with `digits` decimals, or "no data".
pub fn number(ctx: &Ctx, v: &MetricValueDto, digits: usize) -> String {
    v.value.map_or_else(|| ctx.t("no_value").to_owned(), |x| ctx.lang.num(x, digits))
}

/// A moment in Almaty time (UTC+5), to the minute.
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::domain::metrics::almaty_offset()).format("%Y-%m-%d %H:%M").to_string()
}

/// Every party's names, by id.
pub struct Parties(HashMap<String, BTreeMap<String, String>>);

impl Parties {
    /// Reads every party.
    pub async fn load(state: &AppState) -> Result<Self, store::StoreError> {
        let rows = store::councils::list_parties(&state.db, None, None, ALL).await?.items;
        Ok(Self(rows.into_iter().map(|p| (p.id, names(&p.names))).collect()))
    }

    /// A party's name in the page's language, or its id when unknown.
    pub fn name(&self, ctx: &Ctx, id: &str) -> String {
        self.0.get(id).map(|n| ctx.lang.pick(n)).filter(|n| !n.is_empty()).unwrap_or_else(|| id.to_owned())
    }

    /// A group (party id or `non_partisan`, or none) in words.
    pub fn group(&self, ctx: &Ctx, group: Option<&str>) -> String {
        match group {
            None | Some("non_partisan") => ctx.t("non_partisans").to_owned(),
            Some(p) => self.name(ctx, p),
        }
    }
}

/// Names of a council's deputies, by id, in the page's language.
pub async fn deputy_names(
    state: &AppState,
    ctx: &Ctx,
    council: &str,
) -> Result<HashMap<String, String>, store::StoreError> {
    Ok(store::councils::council_deputies(&state.db, council)
        .await?
        .into_iter()
        .map(|d| (d.deputy.id.clone(), ctx.lang.pick(&names(&d.deputy.names))))
        .collect())
}
