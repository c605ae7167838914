//! The HTTP side of the OParl import: reading a body from a live OParl server, list after list
//! through `links.next`, into the same [`Dump`] a directory of cached pages gives.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::Value;

use super::dump::Dump;
use super::format::{Body, Common, System, text};
use super::import::OparlError;

/// Pages followed in one list at most (a server whose `next` links never end is cut off).
const MAX_PAGES: usize = 100_000;

/// Reads a body from a live OParl server: `url` is its `System` (the first body is read) or one
/// `Body`; every list of the body that the import uses is followed through `links.next`.
pub async fn fetch(url: &str) -> Result<Dump, OparlError> {
    let client = reqwest::Client::builder()
        .user_agent(concat!("maslikhat/", env!("CARGO_PKG_VERSION"), " (OParl import)"))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| OparlError::Fetch(format!("HTTP client: {e}")))?;
    let first = get_json(&client, url).await?;
    let common: Common = serde_json::from_value(first.clone()).unwrap_or_default();
    let body = match common.type_name() {
        Some("Body") => first,
        Some("System") => first_body(&client, url, first).await?,
        other => return Err(OparlError::Fetch(format!("{url} is no OParl System or Body (type {other:?})"))),
    };
    let lists: Body = serde_json::from_value(body.clone())
        .map_err(|e| OparlError::Fetch(format!("the body at {url} is not one this import reads: {e}")))?;
    let mut dump = Dump::default();
    dump.add(body, None);
    // Agenda items and files travel embedded in meetings and papers.
    for (list, hint) in [
        (&lists.organization, "Organization"),
        (&lists.person, "Person"),
        (&lists.membership, "Membership"),
        (&lists.meeting, "Meeting"),
        (&lists.paper, "Paper"),
    ] {
        if let Some(list) = text(list) {
            for o in fetch_list(&client, list).await? {
                dump.add(o, Some(hint));
            }
        }
    }
    Ok(dump)
}

/// The first body (not deleted) of the system `system` served at `url`.
async fn first_body(client: &reqwest::Client, url: &str, system: Value) -> Result<Value, OparlError> {
    let system: System = serde_json::from_value(system).unwrap_or_default();
    let list = text(&system.body).ok_or_else(|| OparlError::Fetch(format!("the system {url} names no body list")))?;
    let bodies = fetch_list(client, list).await?;
    let n = bodies.len();
    let deleted = |b: &Value| serde_json::from_value::<Common>(b.clone()).is_ok_and(|c| c.deleted);
    bodies
        .into_iter()
        .find(|b| !deleted(b))
        .ok_or_else(|| OparlError::Fetch(format!("the body list {list} holds no body ({n} deleted)")))
}

/// GETs one JSON document of an OParl server.
async fn get_json(client: &reqwest::Client, url: &str) -> Result<Value, OparlError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(OparlError::Fetch(format!("{url} is not an http(s) URL")));
    }
    let r = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| OparlError::Fetch(format!("GET {url}: {e}")))?;
    let status = r.status();
    if !status.is_success() {
        return Err(OparlError::Fetch(format!("GET {url}: HTTP {status}")));
    }
    r.json::<Value>().await.map_err(|e| OparlError::Fetch(format!("GET {url}: not JSON: {e}")))
}

/// One page of an OParl list.
#[derive(serde::Deserialize)]
struct ListPage {
    data: Vec<Value>,
    #[serde(default)]
    links: Links,
}

#[derive(Default, serde::Deserialize)]
struct Links {
    #[serde(default)]
    next: Option<String>,
}

/// Every element of an OParl list, following `links.next` (a page seen before ends the walk).
async fn fetch_list(client: &reqwest::Client, url: &str) -> Result<Vec<Value>, OparlError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut next = Some(url.to_owned());
    while let Some(page_url) = next.take() {
        if !seen.insert(page_url.clone()) || seen.len() > MAX_PAGES {
            break;
        }
        let page: ListPage = serde_json::from_value(get_json(client, &page_url).await?)
            .map_err(|e| OparlError::Fetch(format!("{page_url} is no OParl list page: {e}")))?;
        out.extend(page.data);
        next = page.links.next;
    }
    Ok(out)
}
