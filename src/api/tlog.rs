//! The log as a C2SP tiled transparency log (<https://c2sp.org/tlog-tiles>), under [`PREFIX`]:
//!
//! - `GET /log/checkpoint`: the signed checkpoint with its cosignatures, `text/plain`, cached a
//!   few seconds;
//! - `GET /log/tile/<L>/<N>[.p/<W>]`: Merkle tree hash tiles;
//! - `GET /log/tile/entries/<N>[.p/<W>]`: entry bundles, each entry the leaf data (the canonical
//!   JSON of `/v1/log/entries`' `leaf_data`) behind a big-endian `u16` length.
//!
//! Full tiles never change and are cacheable for a year; partial tiles for a minute. Any tile the
//! committed tree covers is served, including partial tiles of sizes no checkpoint named.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Endpoint, EndpointExt, IntoResponse, Request, Response, Route, get, handler};

use super::AppState;
use super::problem::Problem;
use crate::domain::log::tiles::TileRef;
use crate::service;

/// Where the tiled log is served; the default origin is this prefix's URL without its scheme.
pub const PREFIX: &str = "/log";
/// `Cache-Control` of full tiles and entry bundles.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of partial tiles: they are replaced by full ones as the log grows.
pub const PARTIAL: &str = "public, max-age=60";
/// `Cache-Control` of the checkpoint: it moves with every publication.
pub const CHECKPOINT: &str = "public, max-age=2";

/// The routes, to be nested at [`PREFIX`].
pub fn routes(state: Arc<AppState>) -> impl Endpoint<Output = Response> {
    Route::new().at("/checkpoint", get(checkpoint)).at("/tile/*path", get(tile)).data(state).map_to_response()
}

#[handler]
async fn checkpoint(Data(state): Data<&Arc<AppState>>) -> Response {
    match service::log::checkpoint(&state.service).await {
        Ok(service::log::Checkpoint { signed: Some(signed), .. }) => Response::builder()
            .content_type("text/plain; charset=utf-8")
            .header(header::CACHE_CONTROL, CHECKPOINT)
            .body(signed.note),
        Ok(_) => Problem::internal(&"no signing key is loaded").into_poem_response(),
        Err(e) => Problem::from(e).into_poem_response(),
    }
}

#[handler]
async fn tile(Data(state): Data<&Arc<AppState>>, Path(path): Path<String>) -> Response {
    let tile = match TileRef::parse(&path) {
        Ok(t) => t,
        Err(e) => {
            let detail = format!("tile/{path}: {e} (see https://c2sp.org/tlog-tiles)");
            return Problem::new(StatusCode::BAD_REQUEST, "invalid-tile-path", detail).into_poem_response();
        }
    };
    match service::log::tile(&state.service, tile).await {
        Ok(bytes) => Response::builder()
            .content_type("application/octet-stream")
            .header(header::CACHE_CONTROL, if tile.is_full() { IMMUTABLE } else { PARTIAL })
            .body(bytes),
        Err(e) => Problem::from(e).into_poem_response(),
    }
}

/// Wakes the witness requests after a write on this node, so its checkpoint is cosigned at once
/// rather than at the next poll.
pub async fn wake_on_write<E: Endpoint>(state: Arc<AppState>, next: E, req: Request) -> poem::Result<Response> {
    let write = !matches!(*req.method(), poem::http::Method::GET | poem::http::Method::HEAD);
    let resp = next.call(req).await.map(IntoResponse::into_response);
    if write && resp.as_ref().is_ok_and(|r| r.status().is_success()) {
        state.service.checkpoints.wake.notify_one();
    }
    resp
}
