//! # maslikhat
//!
//! The backend where Kazakhstan's local councils (maslikhats) publish their records and where
//! anyone can read and audit them.
//!
//! Layout: one module per purpose. Dependencies point inward: `api` and `web` call `service`,
//! `service` calls `store` and `domain`; `store` is the only user of sea-orm; `domain` depends on
//! nothing of the crate. `layering` checks the rules that matter by reading the sources.
//!
//! | module | what it holds |
//! |---|---|
//! | [`domain`] | pure rules and maths: validated records, the rules of `docs/domain.md`, the metrics of `docs/metrics.md`, the log's Merkle tree and signed notes; no poem, no sea-orm |
//! | [`documents`] | the published document formats (council, party, roster, session record, public record) and their parsing into domain types; used by `api`, `interchange` and `demo` alike |
//! | [`store`] | the only code that touches sea-orm: the publication transaction, the projection, typed read models ([`store::read`], [`store::tables`]), paging, the log's tiles, audit and rebuild |
//! | [`entity`] | sea-orm entities, one per table (rows never leave `store`) |
//! | [`service`] | use cases: publishing, the read models, metrics with their caches, rankings, the log, search, following, the publishers' workspace (`service::workspace`); what `api` and `web` call |
//! | [`api`] | HTTP only: one API struct per resource, each operation with its own documented responses, problem+json, paging, rate limits, the OParl and tlog routes |
//! | [`web`] | the citizens' pages: server-rendered HTML in kk/ru/en with inline SVG charts, calling `service`; the publisher workspace's pages (`web::workspace`) |
//! | [`interchange`] | bulk and open-data formats, one folder each, both directions: JSON Lines, CSV, Popolo, OParl, public records; never `api` |
//! | [`witness`] | witnessing the log: the checkpoints served with cosignatures, the cosigning client and the witness server |
//! | [`verify`] | `maslikhat verify`: a citizen's check of a server's log, documents and served tables |
//! | [`auth`] | Ed25519 key files, JWT issuing and checking |
//! | [`config`] | [`config::Settings`]: defaults, then a file, then `MASLIKHAT_*` variables |
//! | [`cli`] | the `maslikhat` commands (clap) |
//! | [`startup`] | builds the app: connects, migrates, assembles routes, runs until stopped |
//! | [`server`] | the connection loop: header and idle timeouts, the connection cap, problem+json for hyper's own refusals |
//! | [`telemetry`] | `tracing` set-up |
//! | [`progress`] | progress of long commands: a bar on a terminal, a line every ten seconds when piped, logs above the bar |
//! | [`demo`] | the synthetic demo country, published through the normal path |
//! | `layering` | (tests) which module may name which |
//!
//! A publication is one transaction: validate, store the canonical JSON version with the
//! server's receive time and a change number, append it to the log, update the served tables.
//! See `store::publish`.

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
pub mod progress;
pub mod server;
pub mod service;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod verify;
pub mod web;
pub mod witness;
