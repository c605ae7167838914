//! Reading what the server serves and comparing it with what the log implies.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::compare::compare;
use super::http::Http;
use super::logged::Expected;
use super::{Fail, VerifyReport};

/// Compares served reads with their expected values, counting what it compared.
#[derive(Debug, Default)]
pub struct Checker {
    /// Things compared, per kind (councils, sessions, ballots …).
    pub counts: BTreeMap<&'static str, u64>,
    /// Served reads compared.
    pub reads: u64,
}

impl Checker {
    /// Reads `e.endpoint` (every page of a list) and reports each field that differs from what
    /// `origin`, the logged version it comes from, says.
    pub async fn check(
        &mut self,
        http: &mut Http,
        e: &Expected,
        origin: &str,
        report: &mut VerifyReport,
    ) -> Result<(), Fail> {
        let reduce = e.reduce.unwrap_or(|v| v);
        self.reads += 1;
        for (kind, n) in &e.counts {
            *self.counts.entry(kind).or_default() += n;
        }
        let served = if e.list {
            http.all_items(&e.endpoint).await?.map(|items| Value::Array(items.into_iter().map(reduce).collect()))
        } else {
            let (status, body) = http.get(&e.endpoint).await?;
            match status {
                s if s.is_success() => Ok(reduce(serde_json::from_slice(&body)?)),
                s => Err(s),
            }
        };
        let served = match served {
            Ok(v) => v,
            Err(StatusCode::NOT_FOUND) => {
                report.fail(format!("GET {}: not served (404), but the log has it ({origin})", e.endpoint));
                return Ok(());
            }
            Err(status) => {
                report.fail(format!("GET {}: {status} ({origin})", e.endpoint));
                return Ok(());
            }
        };
        for d in compare(&e.value, &served) {
            report.fail(format!("GET {} {d} ({origin})", e.endpoint));
        }
        Ok(())
    }

    /// Reads the list at `endpoint` and reports every id it serves that the log does not have,
    /// and every logged id it does not serve.
    pub async fn ids(
        &mut self,
        http: &mut Http,
        endpoint: &str,
        logged: &BTreeSet<String>,
        report: &mut VerifyReport,
    ) -> Result<(), Fail> {
        let e = Expected {
            counts: vec![],
            ..Expected::list(endpoint.to_owned(), logged.iter().map(|id| json!({"id": id})).collect(), "lists")
        };
        self.check(http, &e, "the log's list of documents", report).await
    }
}
