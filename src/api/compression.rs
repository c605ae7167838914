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
    let mut resp = next.call(req).await?.into_response();
    let status = resp.status();
    if status.is_informational() || matches!(status, StatusCode::NO_CONTENT | StatusCode::SWITCHING_PROTOCOLS) {
        return Ok(resp);
    }
    add_vary(&mut resp);
    // An event stream is sent as each event comes: a compressor would hold events in its buffer.
    let encoded = resp.headers().contains_key(header::CONTENT_ENCODING) || super::middleware::is_event_stream(&resp);
    match algo {
        Some(a) if !encoded && !head && status != StatusCode::NOT_MODIFIED => {
            Ok(Compress::new(resp, a).into_response())
        }
        _ => Ok(resp),
    }
}

#[cfg(test)]
mod tests {
    use poem::web::CompressionAlgo;

    use super::negotiate;

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
