//! The routes of the read-only OParl 1.1 view under `/oparl/v1.1/`. What the objects are and
//! how they map to the records is the view's business ([`crate::interchange::oparl::view`]);
//! here are only the HTTP routes, the page size check and the error responses.

use std::sync::Arc;

use poem::web::{Data, Json, Path, Query};
use poem::{EndpointExt, IntoResponse, Response, Route, get, handler};
use serde_json::Value;

use super::AppState;
use super::paging;
use super::problem::Problem;
use crate::interchange::oparl::view::{self, ListQuery, View, ViewError};

pub use crate::interchange::oparl::view::{EXT, LICENSE, PREFIX};

/// The routes of the view, to be nested at [`PREFIX`].
pub fn routes(state: Arc<AppState>) -> impl poem::Endpoint<Output = Response> {
    Route::new()
        .at("/", get(get_system))
        .at("/system", get(get_system))
        .at("/profile", get(get_profile))
        .at("/bodies", get(get_bodies))
        .at("/bodies/:body", get(get_body))
        .at("/bodies/:body/:list", get(get_list))
        .at("/bodies/:body/:list/:key", get(get_object))
        .data(state)
        .map_to_response()
}

fn view(state: &AppState) -> View<'_> {
    View::new(&state.service.db, &state.service.settings.link_base())
}

/// The view's answer as JSON, or its error as problem+json.
fn respond(r: Result<Value, ViewError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(ViewError::NotFound(what)) => Problem::not_found(what).into_poem_response(),
        Err(ViewError::BadRequest(detail)) => Problem::bad_request(detail).into_poem_response(),
        Err(ViewError::Store(e)) => Problem::from(crate::service::Error::from(e)).into_poem_response(),
    }
}

fn limit(state: &AppState, q: &ListQuery) -> Result<u64, ViewError> {
    paging::limit(q.limit, state.service.settings.max_page_size).map_err(|_| {
        ViewError::BadRequest(format!("limit must be between 1 and {}", state.service.settings.max_page_size))
    })
}

#[handler]
async fn get_system(Data(state): Data<&Arc<AppState>>) -> Response {
    respond(Ok(view(state).system(&state.service.settings.link_base())))
}

#[handler]
async fn get_profile() -> Response {
    Response::builder().content_type("text/markdown; charset=utf-8").body(view::PROFILE)
}

#[handler]
async fn get_bodies(Data(state): Data<&Arc<AppState>>, Query(q): Query<ListQuery>) -> Response {
    let r = match limit(state, &q) {
        Ok(n) => view(state).bodies(&q, n).await,
        Err(e) => Err(e),
    };
    respond(r)
}

#[handler]
async fn get_body(Data(state): Data<&Arc<AppState>>, Path(id): Path<String>) -> Response {
    respond(view(state).body(&id).await)
}

#[handler]
async fn get_list(
    Data(state): Data<&Arc<AppState>>,
    Path((id, list)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
) -> Response {
    let r = match limit(state, &q) {
        Ok(n) => view(state).list(&id, &list, &q, n).await,
        Err(e) => Err(e),
    };
    respond(r)
}

#[handler]
async fn get_object(
    Data(state): Data<&Arc<AppState>>,
    Path((id, list, key)): Path<(String, String, String)>,
) -> Response {
    respond(view(state).object(&id, &list, &key).await)
}
