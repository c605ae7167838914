//! Reading what the server serves and comparing it with what the log implies.
//!
//! A server keeps publishing while it is verified: a document may get a new version after the
//! checkpoint the run proved. So each difference is held with the document it concerns, and
//! settled at the end against the entries appended since (see `log::appended_since`): a
//! difference about a document published again after the checkpoint is left to the next run,
//! every other one fails.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::compare::compare;
use super::http::Http;
use super::logged::Expected;
use super::{Fail, VerifyReport};

/// A document, by kind and id.
pub type DocKey = (String, String);

/// Compares served reads with their expected values, counting what it compared.
#[derive(Debug, Default)]
pub struct Checker {
    /// Things compared, per kind (councils, sessions, ballots …).
    pub counts: BTreeMap<&'static str, u64>,
    /// Served reads compared.
    pub reads: u64,
    /// Every difference found, with the document it concerns.
    pub differences: Vec<(DocKey, String)>,
}

impl Checker {
    /// Reads `e.endpoint` (every page of a list) and holds each field that differs from what
    /// `origin`, the logged version of document `doc`, says.
    pub async fn check(&mut self, http: &mut Http, e: &Expected, doc: &DocKey, origin: &str) -> Result<(), Fail> {
        let served = self.read(http, e).await?;
        let problems: Vec<String> = match served {
            Ok(served) => {
                compare(&e.value, &served).into_iter().map(|d| format!("GET {} {d} ({origin})", e.endpoint)).collect()
            }
            Err(StatusCode::NOT_FOUND) => {
                vec![format!("GET {}: not served (404), but the log has it ({origin})", e.endpoint)]
            }
            Err(status) => vec![format!("GET {}: {status} ({origin})", e.endpoint)],
        };
        self.differences.extend(problems.into_iter().map(|p| (doc.clone(), p)));
        Ok(())
    }

    async fn read(&mut self, http: &mut Http, e: &Expected) -> Result<Result<Value, StatusCode>, Fail> {
        let reduce = e.reduce.unwrap_or(|v| v);
        self.reads += 1;
        for (kind, n) in &e.counts {
            *self.counts.entry(kind).or_default() += n;
        }
        if e.list {
            return Ok(http
                .all_items(&e.endpoint)
                .await?
                .map(|items| Value::Array(items.into_iter().map(reduce).collect())));
        }
        let (status, body) = http.get(&e.endpoint).await?;
        Ok(if status.is_success() { Ok(reduce(serde_json::from_slice(&body)?)) } else { Err(status) })
    }

    /// Reads the list at `endpoint` and holds every id it serves that the log does not have, and
    /// every logged id it does not serve: each about the document of `kind` with that id, or
    /// about `owner` when the list belongs to one document (a roster's deputies).
    pub async fn ids(
        &mut self,
        http: &mut Http,
        endpoint: &str,
        kind: &str,
        owner: Option<&DocKey>,
        logged: &BTreeSet<String>,
    ) -> Result<(), Fail> {
        let items = logged.iter().map(|id| json!({"id": id})).collect();
        self.items(
            http,
            Expected { counts: vec![], ..Expected::list(endpoint.to_owned(), items, "lists") },
            kind,
            owner,
        )
        .await
    }

    /// Reads the list `e` names and holds every difference from its logged items (keyed by id):
    /// ids served that the log does not have or has once, logged ids not served, and the
    /// fields of each item (as far as `e`'s items give them). Each is about the document of
    /// `kind` with that id, or about `owner` when the list belongs to one document.
    pub async fn items(
        &mut self,
        http: &mut Http,
        e: Expected,
        kind: &str,
        owner: Option<&DocKey>,
    ) -> Result<(), Fail> {
        let endpoint = e.endpoint.clone();
        match self.read(http, &e).await? {
            Ok(served) => {
                for d in compare(&e.value, &served) {
                    // The field is the item's id, then the field within it: `/{id}/…`.
                    let first = d.field.trim_start_matches('/').split('/').next().unwrap_or_default();
                    let id = first.replace("~1", "/").replace("~0", "~");
                    let doc = owner.cloned().unwrap_or((kind.to_owned(), id));
                    self.differences.push((doc, format!("GET {endpoint} {d} (the log's list)")));
                }
            }
            Err(status) => {
                let doc = owner.cloned().unwrap_or((kind.to_owned(), String::new()));
                self.differences.push((doc, format!("GET {endpoint}: {status} (the log's list)")));
            }
        }
        Ok(())
    }

    /// Fails every held difference but those about documents published again after the
    /// checkpoint (`changed`), which are counted and left to the next run.
    pub fn settle(&mut self, changed: &BTreeSet<DocKey>, report: &mut VerifyReport) {
        let mut later = 0;
        for (doc, problem) in std::mem::take(&mut self.differences) {
            if changed.contains(&doc) {
                later += 1;
            } else {
                report.fail(problem);
            }
        }
        if later > 0 {
            report.lines.push(format!(
                "note  {later} difference(s) concern documents published again after the checkpoint: the next run checks them"
            ));
        }
    }
}
