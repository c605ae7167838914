//! Cursor pagination shared by every list.

use poem_openapi::Object;

use super::problem::Problem;

/// Links of a page.
#[derive(Object, Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Links {
    /// The next page; absent on the last one.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The `cursor` parameter of the next page (the one in `next`), for clients that call the
    /// list with parameters rather than follow the URL; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: u64 = 50;

/// Checks `limit` against the configured maximum.
pub fn limit(requested: Option<u64>, max: u64) -> Result<u64, Problem> {
    match requested {
        None => Ok(DEFAULT_LIMIT.min(max)),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(Problem::bad_request(format!("limit must be between 1 and {max}"))),
    }
}

/// Builds the `next` link: `path?query&cursor=…` keeping the other parameters.
pub fn next_link(path: &str, params: &[(&str, Option<String>)], cursor: Option<String>) -> Links {
    Links {
        cursor: cursor.clone(),
        next: cursor.map(|c| {
            let mut q: Vec<String> =
                params.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v)))).collect();
            q.push(format!("cursor={}", encode(&c)));
            format!("{path}?{}", q.join("&"))
        }),
    }
}

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_unreserved_characters_and_encode_the_rest() {
        assert_eq!(encode("a-Z_0.~"), "a-Z_0.~");
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        let link = next_link("/v1/x", &[("q", Some("a b".into())), ("limit", None)], Some("2024|s 1".into()));
        assert_eq!(link.next.as_deref(), Some("/v1/x?q=a%20b&cursor=2024%7Cs%201"));
        assert_eq!(link.cursor.as_deref(), Some("2024|s 1"));
    }
}
