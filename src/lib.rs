//! # maslikhat
//!
//! The backend where Kazakhstan's local councils (maslikhats) publish their records and where
//! anyone can read and audit them.
//!
//! Layout (dependencies point inward: `api` → `store` → `domain`):
//!
//! | module | what it holds |
//! |---|---|
//! | [`cli`] | the `maslikhat` commands (clap) |
//! | [`startup`] | builds the app: connects, migrates, assembles routes, runs until stopped |
//! | [`server`] | the connection loop: header and idle timeouts, the connection cap, problem+json for hyper's own refusals |
//! | [`config`] | [`config::Settings`]: defaults, then a file, then `MASLIKHAT_*` variables |
//! | [`telemetry`] | `tracing` set-up |
//! | [`auth`] | Ed25519 key files, JWT issuing and checking |
//! | [`api`] | HTTP only: one API struct per resource, DTOs, problem+json errors, paging |
//! | [`domain`] | pure Rust: validated documents and the rules of `domain.md`; no poem, no sea-orm |
//! | [`store`] | the only code that touches sea-orm: the publication transaction and queries |
//! | [`entity`] | sea-orm entities, one per table |
//! | [`web`] | the citizens' pages: server-rendered HTML in kk/ru/en with inline SVG charts; the publisher workspace's pages (`web::workspace`) |
//! | [`workspace`] | the publisher workspace's use cases: drafts, publishing them through the store's `put_*`, roll calls from spreadsheets |
//! | [`documents`] | the published document formats and their parsing into domain types |
//! | [`interchange`] | bulk and open-data formats (JSON Lines, Popolo, OParl, public records), one folder each |
//!
//! A publication is one transaction: validate, store the canonical JSON version with the
//! server's receive time and a change number, update the normalized tables. See
//! `store::publish`.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod entity;
pub mod interchange;
#[cfg(test)]
mod layering;
pub mod server;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod verify;
pub mod web;
pub mod witness;
pub mod workspace;
