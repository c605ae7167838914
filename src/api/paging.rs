//! Cursor pagination shared by every list.

use poem_openapi::Object;

use super::problem::ApiError;

/// Links of a page.
#[derive(Object, Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Links {
    /// The next page; absent on the last one.
    #[oai(skip_serializing_if_is_none)]
    pub next: Option<String>,
}

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: u64 = 50;

/// Checks `limit` against the configured maximum.
pub fn limit(requested: Option<u64>, max: u64) -> Result<u64, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT.min(max)),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_request(format!("limit must be between 1 and {max}"))),
    }
}

/// Builds the `next` link: `path?query&cursor=…` keeping the other parameters.
pub fn next_link(path: &str, params: &[(&str, Option<String>)], cursor: Option<String>) -> Links {
    Links {
        next: cursor.map(|c| {
            let mut q: Vec<String> =
                params.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v)))).collect();
            q.push(format!("cursor={}", encode(&c)));
            format!("{path}?{}", q.join("&"))
        }),
    }
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
