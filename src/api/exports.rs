//! Whole-council exports over HTTP: Popolo JSON and the CSV package one table at a time, both
//! streamed from one database snapshot (see [`crate::interchange::csv`] and
//! [`crate::interchange::popolo::export`]) with a strong `ETag` made of the
//! change number they reflect, so a client can revalidate without downloading again.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use poem::http::StatusCode;
use poem_openapi::param::Path;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiResponse, OpenApi};

use super::councils::path_id;
use super::problem::Problem;
use super::responses::{ById, Refused};
use super::{ApiTags, AppState};
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};

use crate::interchange::csv::{self, ExportError, Table};
use crate::interchange::popolo;
use crate::service::exports;

/// A streamed JSON document.
pub struct JsonStream(pub poem::Body);

impl poem_openapi::payload::Payload for JsonStream {
    const CONTENT_TYPE: &'static str = "application/json";

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("object")))
    }
}

impl poem::IntoResponse for JsonStream {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().content_type("application/json").body(self.0)
    }
}

/// A streamed CSV table (RFC 4180, UTF-8, CRLF line ends, with a header row).
pub struct CsvStream(pub poem::Body);

impl poem_openapi::payload::Payload for CsvStream {
    const CONTENT_TYPE: &'static str = "text/csv";

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("string")))
    }
}

impl poem::IntoResponse for CsvStream {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().content_type("text/csv; charset=utf-8; header=present").body(self.0)
    }
}

/// A Popolo export.
#[derive(ApiResponse)]
pub enum PopoloExport {
    /// The council's Popolo JSON: `meta`, `organizations`, `persons`, `memberships`, `events`,
    /// `vote_events` (ballot options `yes`, `no`, `abstain`, `not voting`, `absent`, `excused`)
    /// and `speeches`.
    #[oai(status = 200)]
    Ok(JsonStream, #[oai(header = "ETag")] String, #[oai(header = "Content-Disposition")] String),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

/// One table of the CSV package.
#[derive(ApiResponse)]
pub enum CsvExport {
    /// The table.
    #[oai(status = 200)]
    Ok(CsvStream, #[oai(header = "ETag")] String, #[oai(header = "Content-Disposition")] String),
    /// `If-None-Match` names the current ETag: nothing changed.
    #[oai(status = 304)]
    NotModified,
}

/// Export operations.
pub struct ExportApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

impl ExportApi {
    /// Opens a snapshot in which the council exists, and the export's ETag in it.
    async fn begin(&self, id: &str, what: &str) -> Result<(exports::Snapshot, String), Problem> {
        path_id(id)?;
        Ok(exports::open(&self.state.service, id, what).await?)
    }
}

/// The operations whose bodies are streamed, never held whole in memory (nor cached).
pub const STREAMED: [&str; 2] = ["export_council_popolo", "export_council_csv"];

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Exports")]
impl ExportApi {
    /// The council as Popolo JSON (persons, organizations, memberships, events, vote events with
    /// counts and votes, speeches), streamed from one consistent snapshot.
    #[oai(path = "/councils/:council/export/popolo", method = "get", operation_id = "export_council_popolo")]
    async fn export_council_popolo(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
    ) -> Result<PopoloExport, Refused<ById>> {
        let (snap, etag) = self.begin(&id, "popolo").await?;
        let disposition = format!("attachment; filename=\"{}.popolo.json\"", id.0);
        let id = id.0;
        let body = stream_body(move |mut w| async move {
            let r = popolo::write_popolo(&snap, &id, &mut w).await.map(|_| ());
            (w, r)
        });
        Ok(PopoloExport::Ok(JsonStream(body), etag, disposition))
    }

    /// One table of the council's CSV package: `councils`, `deputies`, `mandates`,
    /// `party_memberships`, `sessions`, `agenda_items`, `vote_events`, `ballots` or `speeches`
    /// (RFC 4180), streamed from one consistent snapshot. An unknown table is a 404.
    #[oai(path = "/councils/:council/export/csv/:table", method = "get", operation_id = "export_council_csv")]
    async fn export_council_csv(
        &self,
        /// The council's id.
        #[oai(name = "council")]
        id: Path<String>,
        /// The table.
        table: Path<String>,
    ) -> Result<CsvExport, Refused<ById>> {
        let table =
            Table::named(&table.0).map_err(|e| Problem::new(StatusCode::NOT_FOUND, "not-found", e.to_string()))?;
        let (snap, etag) = self.begin(&id, table.as_str()).await?;
        let disposition = format!("attachment; filename=\"{}-{table}.csv\"", id.0);
        let id = id.0;
        let body = stream_body(move |mut w| async move {
            let r = csv::write_csv(&snap, table, Some(&id), &mut w).await.map(|_| ());
            (w, r)
        });
        Ok(CsvExport::Ok(CsvStream(body), etag, disposition))
    }
}

/// The reading end of a streamed export: the pipe's bytes, then an error instead of a clean
/// end when the writer failed half-way, so a client never takes a cut-off export for a whole one.
struct Piped {
    inner: tokio::io::DuplexStream,
    failed: Arc<Mutex<Option<String>>>,
}

impl AsyncRead for Piped {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before => {
                let failed = self.failed.lock().map(|f| f.clone()).unwrap_or_else(|_| Some("poisoned".into()));
                match failed {
                    Some(e) => Poll::Ready(Err(std::io::Error::other(e))),
                    None => Poll::Ready(Ok(())),
                }
            }
            other => other,
        }
    }
}

/// A response body fed by `job` through a small pipe: the job runs as its own task and waits
/// whenever the client reads slower than the database, so at most the pipe's 64 KiB and one
/// page of rows are in memory. The job hands the pipe back with its result; a failure half-way
/// aborts the body instead of ending it.
pub fn stream_body<F, Fut>(job: F) -> poem::Body
where
    F: FnOnce(tokio::io::DuplexStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (tokio::io::DuplexStream, Result<(), ExportError>)> + Send + 'static,
{
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let failed = Arc::new(Mutex::new(None));
    let flag = failed.clone();
    tokio::spawn(async move {
        let (mut writer, result) = job(writer).await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "export stopped half-way");
            if let Ok(mut f) = flag.lock() {
                *f = Some(e.to_string());
            }
        }
        // Only now may the reader see the end: the failure (if any) is recorded.
        let _ = writer.shutdown().await;
    });
    poem::Body::from_async_read(Piped { inner: reader, failed })
}
