//! The in-browser log check: the box a page shows about its record's place in the transparency
//! log, and the script (`/assets/log-check.js`, served by this binary, no outside code) that
//! checks it with WebCrypto. Without JavaScript the box says where the record is in the log and
//! how to check it with `maslikhat verify`.

use maud::{Markup, html};
use poem::http::header;
use poem::{Response, handler};

use crate::service::VersionMeta;
use crate::web::i18n::Lang;
use crate::web::layout::Ctx;

/// Where the script is served.
pub const SCRIPT_PATH: &str = "/assets/log-check.js";
const SCRIPT: &str = include_str!("static/log-check.js");

/// Serves the script.
#[handler]
pub fn script() -> Response {
    Response::builder()
        .content_type("text/javascript; charset=utf-8")
        .header(header::CACHE_CONTROL, "public, max-age=3600")
        .body(SCRIPT)
}

/// The texts the script shows, in the page's language, as JSON.
fn texts(lang: Lang) -> String {
    let keys = [
        ("checking", "log_checking"),
        ("ok", "log_ok"),
        ("ok_alone", "log_ok_alone"),
        ("ok_checkpoint", "log_ok_checkpoint"),
        ("ok_checkpoint_alone", "log_ok_checkpoint_alone"),
        ("pending", "log_pending"),
        ("failed", "log_failed"),
        ("unsupported", "log_unsupported"),
        ("why_document", "log_why_document"),
        ("why_proof", "log_why_proof"),
        ("why_signature", "log_why_signature"),
        ("why_cosignature", "log_why_cosignature"),
        ("why_page", "log_why_page"),
        ("why_keys", "log_why_keys"),
        ("why_history", "log_why_history"),
        ("why_network", "log_why_network"),
        ("why_format", "log_why_format"),
    ];
    let map: serde_json::Map<String, serde_json::Value> =
        keys.iter().map(|(name, key)| ((*name).to_owned(), lang.t(key).into())).collect();
    serde_json::Value::Object(map).to_string()
}

/// The box for the current version `v` of the record on a page (the script checks the record,
/// the checkpoint and the witnesses), or for the log alone (`None`: the checkpoint only).
pub fn section(ctx: &Ctx, v: Option<&VersionMeta>) -> Markup {
    let index = v.and_then(|v| v.log_index);
    html! {
        section class="log-check" aria-labelledby="log-check" data-log-check="static" data-texts=(texts(ctx.lang))
            data-index=[index] data-document=[index.map(|i| format!("/v1/log/entries/{i}/document"))]
            data-kind=[v.map(|v| v.kind.as_str())] data-document-id=[v.map(|v| v.doc_id.as_str())]
            data-council=[v.and_then(|v| v.council_id.as_deref())] data-version=[v.map(|v| v.version)]
            data-received-at=[v.map(|v| crate::domain::log::leaf_time(v.received_at))]
            data-leaf-hash=[v.and_then(|v| v.leaf_hash.as_deref())] {
            h2 id="log-check" { (ctx.t("log_check_title")) }
            @if let (Some(v), Some(i)) = (v, index) {
                p {
                    (ctx.t("log_check_entry")) " " strong data-field="log_index" { (i) } " · "
                    (ctx.t("log_check_version")) " " (v.version) " · SHA-256 "
                    code data-field="sha256" { (v.sha256) }
                }
            }
            p role="status" aria-live="polite" data-log-status { (ctx.t("log_check_static")) }
            p class="meta" { a href="/verify" { (ctx.t("log_check_how")) } }
        }
        script src=(SCRIPT_PATH) defer {}
    }
}
