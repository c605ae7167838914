//! Councils (maslikhats) and parties: the documents admins publish.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::{Level, RegistrationStatus};
use super::violation::{Violations, join};

/// A council as published. Serialized form is the canonical stored document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Council {
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Its tier.
    pub level: Level,
    /// The council one level up (an oblast for a district), if any.
    pub parent: Option<String>,
    /// The KATO (administrative-territorial) code of its area, when known.
    pub kato: Option<String>,
    /// Seats by law.
    pub seats: u32,
    /// Its official web page.
    pub website: Option<String>,
    /// Its convocations (terms), oldest first.
    pub convocations: Vec<Convocation>,
    /// True for records made up by the demo generator.
    pub synthetic: bool,
}

/// One term of a council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Convocation {
    /// Roman numeral, e.g. `VIII`.
    pub number: String,
    /// First day of the term.
    pub start_date: NaiveDate,
    /// Last day of the term, once known.
    pub end_date: Option<NaiveDate>,
}

impl Convocation {
    /// True when `date` falls within this term (both ends inclusive).
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.start_date <= date && self.end_date.is_none_or(|e| date <= e)
    }
}

/// A political party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// Names per language tag.
    pub names: BTreeMap<String, String>,
    /// Abbreviations per language tag.
    pub abbreviations: BTreeMap<String, String>,
    /// Whether it is registered.
    pub registration_status: RegistrationStatus,
    /// True for records made up by the demo generator.
    pub synthetic: bool,
}

/// True for a Roman numeral from I to XXXIX, the only convocation numbers that can occur.
pub fn is_roman(s: &str) -> bool {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    let tens = s.chars().take_while(|&c| c == 'X').count();
    !s.is_empty() && tens <= 3 && ONES.contains(&&s[tens..])
}

impl Council {
    /// Checks the cross-field rules of a council (the fields themselves are already clean).
    pub fn check(&self, id: &str, v: &mut Violations) {
        if self.seats == 0 || self.seats > self.level.seat_cap() {
            v.push("/seats", "seat_cap", format!("a {} council has 1 to {} seats", self.level, self.level.seat_cap()));
        }
        if self.parent.as_deref() == Some(id) {
            v.push("/parent", "not_self", "a council cannot be its own parent");
        }
        if matches!(self.level, Level::Oblast | Level::RepublicanCity | Level::National) && self.parent.is_some() {
            v.push("/parent", "parent_level", "national, oblast and republican-city councils have no parent council");
        }
        if let Some(k) = &self.kato
            && (k.len() != 9 || !k.bytes().all(|b| b.is_ascii_digit()))
        {
            v.push("/kato", "kato_code", "a KATO code is 9 digits");
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, c) in self.convocations.iter().enumerate() {
            let p = join("/convocations", i);
            super::text::check_date(v, &join(&p, "start_date"), c.start_date);
            if let Some(e) = c.end_date {
                super::text::check_date(v, &join(&p, "end_date"), e);
            }
            if !is_roman(&c.number) {
                v.push(join(&p, "number"), "roman_numeral", "convocation numbers are Roman numerals such as VIII");
            }
            if !seen.insert(c.number.as_str()) {
                v.push(join(&p, "number"), "unique", format!("convocation {} is listed twice", c.number));
            }
            if c.end_date.is_some_and(|e| e < c.start_date) {
                v.push(join(&p, "end_date"), "date_order", "a convocation cannot end before it starts");
            }
            if let Some(prev) = i.checked_sub(1).map(|j| &self.convocations[j])
                && prev.end_date.is_none_or(|e| e >= c.start_date)
            {
                v.push(join(&p, "start_date"), "no_overlap", "convocations are listed oldest first and do not overlap");
            }
        }
    }

    /// The convocation covering `date`, if any.
    pub fn convocation_on(&self, date: NaiveDate) -> Option<&Convocation> {
        self.convocations.iter().find(|c| c.covers(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        for ok in ["I", "IV", "VIII", "IX", "XIV", "XXXIX"] {
            assert!(is_roman(ok), "{ok}");
        }
        for bad in ["", "IIII", "VX", "viii", "XXXX", "8"] {
            assert!(!is_roman(bad), "{bad}");
        }
    }
}
