//! A party document, as an admin publishes it, and its parsing into the domain type.

use std::collections::BTreeMap;

use poem_openapi::Object;

use super::enums::RegistrationStatus;
use crate::domain::Violations;
use crate::domain::council::Party;
use crate::domain::text::{self, MAX_LINE};

/// A party as an admin publishes it.
#[derive(Object, Debug, Clone, serde::Deserialize, serde::Serialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct PartyDoc {
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Abbreviations per language tag.
    #[oai(default)]
    #[serde(default)]
    pub abbreviations: BTreeMap<String, String>,
    /// Registration status.
    pub registration_status: RegistrationStatus,
    /// True for made-up demo records.
    #[oai(default)]
    #[serde(default)]
    pub synthetic: bool,
}

impl PartyDoc {
    /// Cleans every field into the domain value.
    pub fn parse(self, v: &mut Violations) -> Party {
        let names = text::lang_map(v, "/names", &self.names, MAX_LINE);
        let abbreviations = text::lang_map_opt(v, "/abbreviations", Some(&self.abbreviations), 32);
        Party { names, abbreviations, registration_status: self.registration_status.into(), synthetic: self.synthetic }
    }
}
