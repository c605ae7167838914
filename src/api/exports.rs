//! Whole-council exports over HTTP: Popolo JSON and the CSV package one table at a time, both
//! streamed from one database snapshot (see [`crate::export`]) with a strong `ETag` made of the
//! change number they reflect, so a client can revalidate without downloading again.

use std::sync::Arc;

use poem::http::StatusCode;
use poem_openapi::param::Path;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiResponse, OpenApi};

use super::councils::path_id;
use super::problem::Problem;
use super::responses::{ById, Refused};
use super::{ApiTags, AppState};
use crate::export::{self, CSV_TABLES, ExportError};
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
    #[oai(path = "/councils/:id/export/popolo", method = "get", operation_id = "export_council_popolo")]
    async fn export_council_popolo(
        &self,
        /// The council's id.
        id: Path<String>,
    ) -> Result<PopoloExport, Refused<ById>> {
        let (snap, etag) = self.begin(&id, "popolo").await?;
        let disposition = format!("attachment; filename=\"{}.popolo.json\"", id.0);
        let id = id.0;
        let body = export::stream_body(move |mut w| async move {
            let r = export::write_popolo(&snap, &id, &mut w).await.map(|_| ());
            (w, r)
        });
        Ok(PopoloExport::Ok(JsonStream(body), etag, disposition))
    }

    /// One table of the council's CSV package: `councils`, `deputies`, `mandates`,
    /// `party_memberships`, `sessions`, `agenda_items`, `vote_events`, `ballots` or `speeches`
    /// (RFC 4180), streamed from one consistent snapshot. An unknown table is a 404.
    #[oai(path = "/councils/:id/export/csv/:table", method = "get", operation_id = "export_council_csv")]
    async fn export_council_csv(
        &self,
        /// The council's id.
        id: Path<String>,
        /// The table.
        table: Path<String>,
    ) -> Result<CsvExport, Refused<ById>> {
        let Some(table) = CSV_TABLES.iter().copied().find(|t| *t == table.0) else {
            let e = ExportError::UnknownTable(table.0.chars().take(40).collect());
            return Err(Problem::new(StatusCode::NOT_FOUND, "not-found", e.to_string()).into());
        };
        let (snap, etag) = self.begin(&id, table).await?;
        let disposition = format!("attachment; filename=\"{}-{table}.csv\"", id.0);
        let id = id.0;
        let body = export::stream_body(move |mut w| async move {
            let r = export::write_csv(&snap, table, Some(&id), &mut w).await.map(|_| ());
            (w, r)
        });
        Ok(CsvExport::Ok(CsvStream(body), etag, disposition))
    }
}
