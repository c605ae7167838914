//! `DirectJson<T>`: a JSON response body that serde writes straight into the response's bytes.
//!
//! poem-openapi's own `Json<T>` first builds the whole body as a `serde_json::Value` tree (a map
//! and a string copy for every field, `ToJSON`), then writes that tree out. For the reads served
//! most often without the response cache (a vote event, a deputy's ballots; the council list until
//! it was written from stored JSON)
//! building that tree was about a tenth of the server's CPU time (issue 25). This payload
//! documents the same schema and media type as `Json<T>` but serializes `T` with its
//! `serde::Serialize`, which must write the same JSON as its `ToJSON` (key order aside: a JSON
//! object's keys have none). In debug builds, so in every test that reads such a response
//! through the router, each body is checked against `ToJSON`'s: a difference is a debug assertion
//! that fails, naming the type and both forms (release builds do not check).

use chrono::{DateTime, Utc};
use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry};
use poem_openapi::types::{ToJSON, Type};
use serde::Serialize;

/// The media type, as poem-openapi's `Json` declares it.
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A JSON response body written by serde.
pub struct DirectJson<T>(pub T);

impl<T: Type> Payload for DirectJson<T> {
    const CONTENT_TYPE: &'static str = CONTENT_TYPE;

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ToJSON + Serialize> IntoResponse for DirectJson<T> {
    fn into_response(self) -> Response {
        // A test oracle, not a check on input: only a bug in this crate's types can trip it.
        debug_assert!(differs_from_to_json(&self.0).is_none(), "{}", differs_from_to_json(&self.0).unwrap_or_default());
        match serde_json::to_vec(&self.0) {
            Ok(body) => {
                Response::builder().header(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)).body(body)
            }
            // Only a map with non-string keys or a failing `Serialize` impl can fail here, and
            // none of the types served has either.
            Err(e) => {
                tracing::error!(error = %e, ty = std::any::type_name::<T>(), "a response body did not serialize");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

impl<T: ToJSON + Serialize> ApiResponse for DirectJson<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType { content_type: CONTENT_TYPE, schema: T::schema_ref() }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// A JSON response body already written, documented as `T` (the council list, assembled from each
/// council's stored JSON), with the `Link` of its next page, if any, so that no middleware reads
/// the body to find it.
pub struct PrebuiltJson<T> {
    body: Vec<u8>,
    next: Option<String>,
    of: std::marker::PhantomData<fn() -> T>,
}

impl<T> PrebuiltJson<T> {
    /// A body that is `T`'s JSON, and the URL of the next page.
    pub fn new(body: Vec<u8>, next: Option<String>) -> Self {
        Self { body, next, of: std::marker::PhantomData }
    }
}

impl<T: Type> Payload for PrebuiltJson<T> {
    const CONTENT_TYPE: &'static str = CONTENT_TYPE;

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T> IntoResponse for PrebuiltJson<T> {
    fn into_response(self) -> Response {
        let mut b = Response::builder().header(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(link) = self.next.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok()) {
            b = b.header(header::LINK, link);
        }
        b.body(self.body)
    }
}

/// Why `value`'s serde JSON is not its `ToJSON` JSON, if it is not.
pub fn differs_from_to_json<T: ToJSON + Serialize>(value: &T) -> Option<String> {
    let by_serde = match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => return Some(format!("{}: serde failed: {e}", std::any::type_name::<T>())),
    };
    let by_openapi = value.to_json().unwrap_or_default();
    (by_serde != by_openapi)
        .then(|| format!("{}: serde writes {by_serde} where ToJSON writes {by_openapi}", std::any::type_name::<T>()))
}

/// Writes a time as `ToJSON` does (RFC 3339 with `+00:00`; serde's chrono writes `Z`).
pub fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Derived as most views were before: serde's defaults.
    #[derive(poem_openapi::Object, Serialize)]
    struct Plain {
        at: DateTime<Utc>,
        #[oai(skip_serializing_if_is_none)]
        note: Option<String>,
    }

    /// The serde attributes that make it write what `ToJSON` writes.
    #[derive(Serialize)]
    struct Mirrored {
        #[serde(serialize_with = "rfc3339")]
        at: DateTime<Utc>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    #[test]
    fn a_body_whose_serde_json_differs_from_its_to_json_is_caught() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        // serde's chrono writes `Z`, and a missing note as null: both differ from ToJSON.
        let d = differs_from_to_json(&Plain { at, note: None }).unwrap_or_default();
        assert!(d.contains("Plain") && d.contains("Z\"") && d.contains("null"), "{d}");
        let m = serde_json::to_value(Mirrored { at, note: None }).unwrap_or_default();
        assert_eq!(Some(m), Plain { at, note: None }.to_json());
    }
}
