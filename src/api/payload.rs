//! `StrictJson<T>`: a JSON request body parsed by serde, strictly. poem-openapi's own `Json`
//! coerces (a number is accepted for a string field); documents of record must not be, so this
//! payload refuses wrong types, unknown fields, duplicate keys and unknown enum values with a
//! problem+json that names the JSON path. The schema in the OpenAPI document is still `T`'s.

use poem::http::StatusCode;
use poem::{Request, RequestBody, Result};
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde::de::DeserializeOwned;

use super::problem::{Problem, ProblemViolation};
use crate::documents::read;

/// A strictly parsed JSON body.
pub struct StrictJson<T>(pub T);

impl<T: Type> Payload for StrictJson<T> {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(content_type: &str) -> bool {
        matches!(content_type.parse::<mime::Mime>(), Ok(m) if m.type_() == "application" && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json")))
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + DeserializeOwned + Send> ParsePayload for StrictJson<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> Result<Self> {
        let max = request
            .data::<std::sync::Arc<super::AppState>>()
            .map_or(8 * 1024 * 1024, |s| s.service.settings.max_body_bytes);
        let too_large = || poem::Error::from_response(Problem::payload_too_large(max).into_poem_response());
        let declared = request
            .headers()
            .get(poem::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > max) {
            return Err(too_large());
        }
        // A chunked body has no length up front: stop reading as soon as it passes the limit.
        let data = body.take()?.into_bytes_limit(max).await.map_err(|_| too_large())?;
        parse(&data).map(StrictJson).map_err(|p| poem::Error::from_response(p.into_poem_response()))
    }
}

/// Parses `data` as `T`, reporting syntax errors as 400 and shape errors (types, unknown fields,
/// enum values, duplicates) as 422 with the JSON path.
pub fn parse<T: DeserializeOwned + Type>(data: &[u8]) -> std::result::Result<T, Problem> {
    if data.is_empty() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "the request body is empty; send a JSON document",
        ));
    }
    // One pass over the bytes checks the syntax (400 when broken, so it is not mistaken for a
    // shape error), that the body is an object, and that no object at any depth repeats a key:
    // such a document is ambiguous (parsers keep the first or the last) and serde would silently
    // keep the last inside name maps.
    let malformed = |e: &dyn std::fmt::Display| {
        Problem::new(StatusCode::BAD_REQUEST, "malformed-json", format!("the body is not valid JSON: {e}"))
    };
    let mut de = serde_json::Deserializer::from_slice(data);
    let top = match serde_path_to_error::deserialize::<_, UniqueKeys>(&mut de) {
        Ok(top) => top,
        Err(e) => {
            let path = read::pointer(&e.path().to_string());
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                return Err(malformed(&inner));
            }
            let message = inner.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            let key = read::escape(message.split('`').nth(1).unwrap_or_default());
            let path = format!("{path}/{key}");
            let mut p =
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-document", format!("{path}: {message}"));
            p.errors.push(ProblemViolation { path, rule: "duplicate_key".to_owned(), message });
            return Err(p);
        }
    };
    de.end().map_err(|e| malformed(&e))?;
    if !top.0 {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document",
            "the body must be a JSON object",
        ));
    }
    // Every wrong type, unknown value and unknown or missing field at once, from the schema the
    // API documents; the typed parse below would stop at the first.
    if let MetaSchemaRef::Reference(name) = T::schema_ref() {
        let value: serde_json::Value = serde_json::from_slice(data).map_err(|e| malformed(&e))?;
        let found = super::hints::body_violations(&name, &value);
        if !found.is_empty() {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-document",
                format!("the document has {} value(s) of the wrong shape; nothing was stored", found.len()),
            );
            p.errors = found.into_iter().map(Into::into).collect();
            return Err(p);
        }
    }
    // The typed parse names the path of any wrong type, unknown field, enum value or integer
    // out of range.
    read::from_slice::<T>(data).map_err(|v| {
        let mut p =
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-document", format!("{}: {}", v.path, v.message));
        p.errors.push(ProblemViolation { path: v.path, rule: v.rule.to_owned(), message: v.message });
        p
    })
}

/// Accepts any JSON whose objects never repeat a key; true when the value is an object.
struct UniqueKeys(bool);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!("duplicate field `{key}`")));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys(true))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys(false))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(false))
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(false))
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(false))
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(false))
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(false))
    }
    fn visit_unit<E>(self) -> std::result::Result<UniqueKeys, E> {
        Ok(UniqueKeys(false))
    }
}

poem_openapi::impl_apirequest_for_payload!(StrictJson<T>, T: Type + DeserializeOwned + Send);
