//! The OpenAPI side of [`Bounded`]: its schema states the same `minimum` and `maximum` that its
//! `Deserialize` enforces, so the published document and the parser cannot disagree.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

pub use crate::domain::bounded::{Bounded, Count, Position, Seats, Seconds, SessionNumber};

impl<const MIN: u32, const MAX: u32> Type for Bounded<MIN, MAX> {
    const IS_REQUIRED: bool = true;

    type RawValueType = Self;

    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        format!("integer(uint32,{MIN}..={MAX})").into()
    }

    fn schema_ref() -> MetaSchemaRef {
        let mut schema = MetaSchema::new_with_format("integer", "uint32");
        schema.minimum = Some(f64::from(MIN));
        schema.maximum = Some(f64::from(MAX));
        MetaSchemaRef::Inline(Box::new(schema))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<const MIN: u32, const MAX: u32> ParseFromJSON for Bounded<MIN, MAX> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        // The same rule as `Deserialize`, so both parsers agree on every input.
        serde_json::from_value(value.unwrap_or_default()).map_err(|e| ParseError::custom(e.to_string()))
    }
}

impl<const MIN: u32, const MAX: u32> ToJSON for Bounded<MIN, MAX> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(self.get()))
    }
}
