//! `/verify`: the current signed checkpoint, the public key, what `maslikhat verify` checks in
//! plain words, and how to get and run it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use maud::html;

use crate::service::{self, Service};
use crate::web::PageResult;
use crate::web::layout::{Ctx, Page};

/// Builds the page.
pub async fn page(svc: &Service, ctx: &Ctx) -> PageResult {
    let cp = service::log::checkpoint(svc).await?;
    let (origin, size, root) = (&cp.origin, cp.tree_size, cp.root);
    let signed = cp.signed.as_ref().map(|s| (&s.note, &s.verifier_key, &s.public_key, &s.kid));
    let synthetic = svc.any_synthetic().await?;
    let base = svc.settings.link_base();
    let server = base.trim_end_matches('/');
    let body = html! {
        p { (ctx.t("verify_intro")) }
        section aria-labelledby="checkpoint" {
            h2 id="checkpoint" { (ctx.t("checkpoint")) }
            dl {
                dt { (ctx.t("origin")) } dd { code { (origin) } }
                dt { (ctx.t("tree_size")) } dd data-field="tree_size" { (size) }
                dt { (ctx.t("root_hash")) } dd { code data-field="root_hash" { (STANDARD.encode(root)) } }
            }
            @match &signed {
                Some((text, verifier, public, kid)) => {
                    pre data-field="note" { (text) }
                    h2 { (ctx.t("public_key")) }
                    dl {
                        dt { (ctx.t("key_id")) } dd { code data-field="kid" { (kid) } }
                        dt { "Ed25519" } dd { code data-field="public_key" { (public) } }
                        dt { (ctx.t("verifier_key")) } dd { code data-field="verifier_key" { (verifier) } }
                    }
                    p class="meta" { a href="/v1/log/keys" { code { "GET /v1/log/keys" } } }
                }
                None => { p { (ctx.t("no_key")) } }
            }
        }
        section aria-labelledby="what" {
            h2 id="what" { (ctx.t("verify_what")) }
            ul {
                li { (ctx.t("verify_what_signature")) }
                li { (ctx.t("verify_what_history")) }
                li { (ctx.t("verify_what_documents")) }
                li { (ctx.t("verify_what_served")) }
                li { (ctx.t("verify_what_result")) }
            }
        }
        (crate::web::log_check::section(ctx, None))
        section aria-labelledby="how" {
            h2 id="how" { (ctx.t("how_to_check")) }
            p { (ctx.t("how_to_get_text")) }
            pre { "cargo build --release\n./target/release/maslikhat verify --server " (server)
                @if let Some((_, verifier, _, _)) = &signed { " \\\n  --key '" (verifier) "'" } }
            p { (ctx.t("how_to_check_text")) }
        }
    };
    Ok(Page { title: ctx.t("verify_title").to_owned(), api: "/v1/log/checkpoint".into(), synthetic, body, feed: None })
}
