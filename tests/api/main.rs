//! Black-box tests: each starts the real server on a free port with its own database (a fresh
//! SQLite file, or a fresh PostgreSQL database when `DATABASE_URL` names a server) and talks
//! real HTTP to it with real tokens.

mod auth;
mod caching;
mod clients;
mod cors;
mod councils;
mod crash;
mod demo;
mod error_messages;
mod exports;
mod faults;
mod follow;
mod helpers;
mod hostile;
mod hostile_clients;
mod integer_bounds;
mod log;
mod metric_inputs;
mod metrics;
mod metrics_e2e;
mod metrics_v1_1;
mod oparl;
mod oparl_import;
mod openapi;
mod pages;
mod popolo;
mod processes;
mod public_records;
mod publication_batches;
mod replicas;
mod rosters;
mod scaleout;
mod search;
mod serialization;
mod served;
mod sessions;
mod tlog;
mod webhooks;
mod witness;
mod workspace;
