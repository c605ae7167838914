//! Response compression, negotiated once per request: brotli, zstd, gzip or deflate, as the
//! client's `Accept-Encoding` prefers (by `q`, then in that order).
//!
//! poem's own `Compression` middleware compresses every response, including ones already
//! encoded, and sends no `Vary`. This layer, outside it, takes `Accept-Encoding` off the request
//! (so poem's layer only decompresses request bodies), records the choice as [`Negotiated`] for
//! the layers within (the response cache answers with a stored compressed copy), and compresses
//! what comes back unless it is already encoded, an event stream (sent event by event), or empty
//! by nature (`204`, `304`, `HEAD`).
//! Every response that could
//! have been compressed says `Vary: Accept-Encoding`, so shared caches keep the encodings apart.
//!
//! A compressed body is another representation, so it has its own strong `ETag` (RFC 9110
//! §8.8.3): the identity body's with the coding appended, `"v2-ab12…"` → `"v2-ab12…-gzip"`. A read
//! answered in an encoding (its `200`, its `304`, its `HEAD`) carries that tag; the layers within
//! know only the identity tag, and [`identity_tag`] maps either form back to it, so
//! `If-None-Match` and `If-Match` take the tag of whichever encoding the client was sent.

use std::borrow::Cow;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::{Compress, CompressionAlgo};
use poem::{Endpoint, IntoResponse, Request, Response, Result};

/// The encoding chosen for a request's response, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated(pub CompressionAlgo);

/// The `Content-Encoding` token of an algorithm.
pub fn token(algo: CompressionAlgo) -> &'static str {
    match algo {
        CompressionAlgo::BR => "br",
        CompressionAlgo::ZSTD => "zstd",
        CompressionAlgo::GZIP => "gzip",
        CompressionAlgo::DEFLATE => "deflate",
    }
}

/// The preferred encoding of an `Accept-Encoding` value: the highest `q` above zero, ties
/// broken br > zstd > gzip > deflate; `*` stands for gzip; `identity` or nothing known: `None`.
pub fn negotiate(accept_encoding: &str) -> Option<CompressionAlgo> {
    accept_encoding
        .split(',')
        .filter_map(|part| {
            let mut it = part.split(';');
            let coding = it.next()?.trim().to_ascii_lowercase();
            let q = it
                .filter_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .next()
                .unwrap_or(1.0);
            let (algo, rank) = match coding.as_str() {
                "br" => (CompressionAlgo::BR, 4),
                "zstd" => (CompressionAlgo::ZSTD, 3),
                "gzip" | "x-gzip" | "*" => (CompressionAlgo::GZIP, 2),
                "deflate" => (CompressionAlgo::DEFLATE, 1),
                _ => return None,
            };
            (q > 0.0).then_some(((q * 1000.0) as i32, rank, algo))
        })
        .max_by_key(|(q, rank, _)| (*q, *rank))
        .map(|(_, _, algo)| algo)
}

/// The strong `ETag` of the body `etag` names, encoded with `algo` (weak tags are left alone:
/// a weak validator may stand for every encoding).
pub fn coded_tag(etag: &str, algo: CompressionAlgo) -> Option<String> {
    let inner = etag.strip_prefix('"')?.strip_suffix('"')?;
    Some(format!("\"{inner}-{}\"", token(algo)))
}

/// The identity body's tag of an entity tag the server sent in any encoding (`"x-gzip"` →
/// `"x"`; any other tag, `W/` kept, as it is).
pub fn identity_tag(tag: &str) -> Cow<'_, str> {
    const CODINGS: [CompressionAlgo; 4] =
        [CompressionAlgo::BR, CompressionAlgo::ZSTD, CompressionAlgo::GZIP, CompressionAlgo::DEFLATE];
    let Some(inner) = tag.strip_suffix('"') else { return Cow::Borrowed(tag) };
    CODINGS
        .iter()
        .find_map(|a| inner.strip_suffix(token(*a)).and_then(|rest| rest.strip_suffix('-')))
        .filter(|rest| rest.trim_start_matches("W/").len() > 1)
        .map_or(Cow::Borrowed(tag), |rest| Cow::Owned(format!("{rest}\"")))
}

/// The identity tags of an `If-Match` or `If-None-Match` value (a list of entity tags, or `*`).
pub fn identity_tags(list: &str) -> String {
    list.split(',').map(|t| identity_tag(t.trim()).into_owned()).collect::<Vec<_>>().join(", ")
}

/// A read's response in `algo`: its strong `ETag` becomes the encoded body's.
fn tag_encoded(resp: &mut Response, algo: CompressionAlgo) {
    let coded = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).and_then(|t| coded_tag(t, algo));
    if let Some(v) = coded.and_then(|t| HeaderValue::from_str(&t).ok()) {
        resp.headers_mut().insert(header::ETAG, v);
    }
}

fn add_vary(resp: &mut Response) {
    let has = resp
        .headers()
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("accept-encoding")));
    if !has {
        resp.headers_mut().append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}

/// The middleware (see the module documentation).
pub async fn compress<E: Endpoint>(next: E, mut req: Request) -> Result<Response> {
    let accept = req.headers_mut().remove(header::ACCEPT_ENCODING);
    let algo = accept.as_ref().and_then(|v| v.to_str().ok()).and_then(negotiate);
    let head = req.method() == Method::HEAD;
    if let Some(a) = algo {
        req.set_data(Negotiated(a));
    }
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let mut resp = next.call(req).await?.into_response();
    let status = resp.status();
    if status.is_informational() || matches!(status, StatusCode::NO_CONTENT | StatusCode::SWITCHING_PROTOCOLS) {
        return Ok(resp);
    }
    add_vary(&mut resp);
    // An event stream is sent as each event comes: a compressor would hold events in its buffer.
    let stream = is_event_stream(&resp);
    let encoded = resp.headers().contains_key(header::CONTENT_ENCODING) || stream;
    let Some(a) = algo else { return Ok(resp) };
    // The representation this read is (or, for a 304 or a HEAD, would be) sent as: encoded by
    // this layer, or already by the response cache.
    let in_algo = !stream
        && match resp.headers().get(header::CONTENT_ENCODING) {
            Some(ce) => ce.as_bytes() == token(a).as_bytes(),
            None => status == StatusCode::OK || status == StatusCode::NOT_MODIFIED,
        };
    if read && in_algo {
        tag_encoded(&mut resp, a);
    }
    if !encoded && !head && status != StatusCode::NOT_MODIFIED {
        return Ok(Compress::new(resp, a).into_response());
    }
    Ok(resp)
}

/// True for a server-sent events response: a body that stays open, sent event by event.
pub fn is_event_stream(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/event-stream"))
}

#[cfg(test)]
mod tests {
    use poem::web::CompressionAlgo;

    use super::{coded_tag, identity_tag, identity_tags, negotiate};

    #[test]
    fn each_encoding_has_its_own_strong_tag_and_every_one_maps_back() {
        let gz = coded_tag("\"v2-ab12\"", CompressionAlgo::GZIP).expect("strong");
        assert_eq!(gz, "\"v2-ab12-gzip\"");
        assert_eq!(coded_tag("W/\"x\"", CompressionAlgo::BR), None, "weak tags stay as they are");
        assert_eq!(identity_tag(&gz), "\"v2-ab12\"");
        assert_eq!(identity_tag("\"v2-ab12-br\""), "\"v2-ab12\"");
        assert_eq!(identity_tag("\"v2-ab12\""), "\"v2-ab12\"");
        assert_eq!(identity_tag("\"-gzip\""), "\"-gzip\"", "nothing is left to be a tag");
        assert_eq!(identity_tag("*"), "*");
        assert_eq!(identity_tags("\"a-zstd\", W/\"b-deflate\" ,*"), "\"a\", W/\"b\", *");
    }

    #[test]
    fn the_highest_q_wins_then_the_better_coding() {
        assert_eq!(negotiate("gzip, deflate, br"), Some(CompressionAlgo::BR));
        assert_eq!(negotiate("gzip;q=1.0, br;q=0.5"), Some(CompressionAlgo::GZIP));
        assert_eq!(negotiate("br;q=0, gzip"), Some(CompressionAlgo::GZIP));
        assert_eq!(negotiate("identity"), None);
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate("*"), Some(CompressionAlgo::GZIP));
        assert_eq!(negotiate("deflate, zstd"), Some(CompressionAlgo::ZSTD));
        assert_eq!(negotiate("GZIP ; q=0.8"), Some(CompressionAlgo::GZIP));
    }
}
