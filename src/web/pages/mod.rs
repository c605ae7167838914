//! One module per page, and what they share: names, numbers, dates and party labels.

pub mod council;
pub mod deputy;
pub mod home;
pub mod public_records;
pub mod session;
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

/// A moment in Almaty time (UTC+5), to the minute.
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::domain::metrics::almaty_offset()).format("%Y-%m-%d %H:%M").to_string()
}

/// Every party's names, by id.
pub struct Parties(HashMap<String, BTreeMap<String, String>>);

impl Parties {
    /// Reads every party.
    pub async fn load(svc: &Service) -> Result<Self, service::Error> {
        let rows = service::councils::all_parties(svc).await?;
        Ok(Self(rows.into_iter().map(|p| (p.id, p.party.names)).collect()))
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
pub async fn deputy_names(svc: &Service, ctx: &Ctx, council: &str) -> Result<HashMap<String, String>, service::Error> {
    Ok(service::rosters::all_deputies(svc, council)
        .await?
        .into_iter()
        .map(|d| (d.deputy.id.clone(), ctx.lang.pick(&d.deputy.names)))
        .collect())
}
