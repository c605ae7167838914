//! Integers that documents accept only within a documented range.
//!
//! Every integer of a published document (a session's number, an agenda position, seats, vote
//! counts, a speech's length) has a range, and that range is written once, as the type of the
//! field: [`Bounded<MIN, MAX>`]. Its serde `Deserialize` refuses anything else (a value out of
//! range, a negative number, a float such as `3.5`, a number too large for any integer type)
//! with a message naming the range, so a document is refused whole, with the field's path,
//! instead of a value being wrapped or truncated on its way to a 32-bit column. The OpenAPI
//! schema of the same type (in `documents`) states the same `minimum` and `maximum`.
//!
//! Every maximum is far below 2³¹, so each accepted value is held exactly by the store's `INTEGER`
//! columns.

use std::fmt;

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize};

/// An integer in `MIN..=MAX`, and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Bounded<const MIN: u32, const MAX: u32>(u32);

/// A session's number within its convocation.
pub type SessionNumber = Bounded<1, 10_000>;
/// An agenda item's place in its agenda.
pub type Position = Bounded<1, 500>;
/// A council's seats, and the seats a vote was taken with: no council has more than the
/// Mazhilis' 107 (see [`super::enums::Level::seat_cap`]).
pub type Seats = Bounded<1, MAX_SEATS>;
/// A vote count: never more than the largest council's seats.
pub type Count = Bounded<0, MAX_SEATS>;
/// A speech's length in seconds: six hours at most.
pub type Seconds = Bounded<0, MAX_SPEECH_SECONDS>;

/// The most seats any council has (the Mazhilis from 2007 to 2023).
pub const MAX_SEATS: u32 = 107;
/// The longest speech accepted, in seconds.
pub const MAX_SPEECH_SECONDS: u32 = 6 * 3600;

/// A value outside a [`Bounded`] range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// The value given.
    pub value: i128,
    /// The least value accepted.
    pub min: u32,
    /// The greatest value accepted.
    pub max: u32,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `out of range` opens the message: request parsing tells the rule by it.
        write!(f, "out of range: {} is not an integer from {} to {}", self.value, self.min, self.max)
    }
}

impl std::error::Error for OutOfRange {}

impl<const MIN: u32, const MAX: u32> Bounded<MIN, MAX> {
    /// The least value accepted.
    pub const MIN: u32 = MIN;
    /// The greatest value accepted.
    pub const MAX: u32 = MAX;

    /// `value`, when within the range.
    pub fn new(value: impl Into<i128>) -> Result<Self, OutOfRange> {
        let value = value.into();
        match u32::try_from(value) {
            Ok(v) if (MIN..=MAX).contains(&v) => Ok(Self(v)),
            _ => Err(OutOfRange { value, min: MIN, max: MAX }),
        }
    }

    /// The value.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl<const MIN: u32, const MAX: u32> Default for Bounded<MIN, MAX> {
    /// The least value: `0` for counts.
    fn default() -> Self {
        Self(MIN)
    }
}

impl<const MIN: u32, const MAX: u32> From<Bounded<MIN, MAX>> for u32 {
    fn from(b: Bounded<MIN, MAX>) -> u32 {
        b.0
    }
}

impl<const MIN: u32, const MAX: u32> fmt::Display for Bounded<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de, const MIN: u32, const MAX: u32> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_u64(BoundedVisitor::<MIN, MAX>)
    }
}

struct BoundedVisitor<const MIN: u32, const MAX: u32>;

impl<const MIN: u32, const MAX: u32> Visitor<'_> for BoundedVisitor<MIN, MAX> {
    type Value = Bounded<MIN, MAX>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an integer from {MIN} to {MAX}")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Bounded::new(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Bounded::new(v).map_err(E::custom)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        let value = i128::try_from(v).unwrap_or(i128::MAX);
        Bounded::new(value).map_err(E::custom)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Bounded::new(v).map_err(E::custom)
    }

    // A float is never taken for an integer, not even `3.0`: the document says something else.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::invalid_type(Unexpected::Float(v), &self))
    }
}

/// Deserializes an optional bounded integer `B` (such as [`Count`]) into its plain value, for
/// domain types that keep a `u32` (`#[serde(deserialize_with = "…")]`).
pub fn optional<'de, D: Deserializer<'de>, B: Deserialize<'de> + Into<u32>>(d: D) -> Result<Option<u32>, D::Error> {
    Option::<B>::deserialize(d).map(|o| o.map(Into::into))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_bounded_integer_takes_its_range_and_nothing_else() {
        for ok in ["1", "10000"] {
            assert_eq!(parse::<SessionNumber>(ok).map(|n| n.get().to_string()), Ok(ok.to_owned()));
        }
        for bad in ["0", "10001", "-1", "2147483648", "4294967295", "4294967296", "9007199254740992"] {
            let e = parse::<SessionNumber>(bad).expect_err(bad);
            assert!(e.starts_with(&format!("out of range: {bad} is not an integer from 1 to 10000")), "{bad}: {e}");
        }
    }

    #[test]
    fn a_float_is_not_an_integer_even_when_whole() {
        for bad in ["3.5", "3.0", "1e3", "18446744073709551616"] {
            let e = parse::<Count>(bad).expect_err(bad);
            assert!(e.starts_with("invalid type: floating point"), "{bad}: {e}");
        }
    }

    #[test]
    fn strings_and_nulls_are_not_integers() {
        assert!(parse::<Position>("\"3\"").is_err());
        assert!(parse::<Position>("null").is_err());
        assert_eq!(parse::<Option<Position>>("null"), Ok(None));
    }

    #[test]
    fn a_bounded_integer_serializes_as_a_plain_number() {
        let n = Seats::new(50u32).expect("in range");
        assert_eq!(serde_json::to_string(&n).expect("serializes"), "50");
        assert_eq!(Count::default().get(), 0);
        assert_eq!(Seconds::MAX, 21_600);
    }

    #[test]
    fn the_seat_bound_is_the_largest_seat_cap() {
        use crate::domain::enums::Level;
        let caps = [Level::Oblast, Level::RepublicanCity, Level::City, Level::District, Level::National];
        assert_eq!(caps.iter().map(|l| l.seat_cap()).max(), Some(MAX_SEATS));
    }
}
