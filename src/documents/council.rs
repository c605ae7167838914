//! A council document, as its admin publishes it, and its parsing into the domain type.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use poem_openapi::Object;

use super::bounded::Seats;
use super::enums::Level;
use crate::domain::Violations;
use crate::domain::council::{Convocation, Council};
use crate::domain::text::{self, MAX_LINE};

/// A council as its admin publishes it.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CouncilDoc {
    /// Names per language tag (`kk`, `kk-Latn`, `ru`, `en`); never derived from one another.
    pub names: BTreeMap<String, String>,
    /// The council's tier.
    pub level: Level,
    /// Id of the council one level up (districts and cities of an oblast).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub parent: Option<String>,
    /// KATO code of its area (9 digits), when known.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub kato: Option<String>,
    /// Seats by law (caps: oblast and republican city 50, city 30, district 25; national 107).
    pub seats: Seats,
    /// Official web page.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub website: Option<String>,
    /// Convocations, oldest first.
    #[oai(default)]
    #[serde(default)]
    pub convocations: Vec<ConvocationDto>,
    /// True for made-up demo records.
    #[oai(default)]
    #[serde(default)]
    pub synthetic: bool,
}

/// One term of a council.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct ConvocationDto {
    /// Roman numeral, e.g. `VIII` (the council elected in March 2023).
    pub number: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, once known.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

impl CouncilDoc {
    /// Cleans every field into the domain value, collecting violations.
    pub fn parse(self, v: &mut Violations) -> Council {
        let names = text::lang_map(v, "/names", &self.names, MAX_LINE);
        if let Some(p) = &self.parent {
            text::check_id(v, "/parent", p);
        }
        let kato = text::clean_opt(v, "/kato", self.kato.as_deref(), 16, false);
        let website = text::url_opt(v, "/website", self.website.as_deref());
        let convocations = self
            .convocations
            .into_iter()
            .enumerate()
            .map(|(i, c)| Convocation {
                number: text::clean(v, &format!("/convocations/{i}/number"), &c.number, 8, false).unwrap_or_default(),
                start_date: c.start_date,
                end_date: c.end_date,
            })
            .collect();
        Council {
            names,
            level: self.level.into(),
            parent: self.parent,
            kato,
            seats: self.seats.get(),
            website,
            convocations,
            synthetic: self.synthetic,
        }
    }
}
