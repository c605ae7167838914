//! Database migrations for maslikhat.
//!
//! Each migration lives in its own `mYYYYMMDD_HHMMSS_name.rs` file: sea-orm-migration names a
//! migration after its file stem, and that name is what `seaql_migrations` records.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_initial;
mod m20261130_000001_public_record;
mod m20261130_000002_council_indexes;
mod m20261201_000001_fk_child_indexes;
mod m20261201_000002_provenance_index;
mod m20261202_000001_witnessed_log;
mod m20261210_000001_declared_document_times;
mod m20261215_000001_publisher_accounts;
mod m20261216_000001_search_index;
mod m20261217_000001_webhooks;
mod m20261218_000001_session_deputy_tally;
mod m20261219_000001_derived_fill;
mod m20261220_000001_session_debate_tally;
mod m20261221_000001_deputy_indexes;
mod m20261222_000001_session_vote_counts;
mod m20261223_000001_council_served;

/// Every migration of the schema, in order. Run at start-up and in tests.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_initial::Migration),
            Box::new(m20261130_000001_public_record::Migration),
            Box::new(m20261130_000002_council_indexes::Migration),
            Box::new(m20261201_000001_fk_child_indexes::Migration),
            Box::new(m20261201_000002_provenance_index::Migration),
            Box::new(m20261202_000001_witnessed_log::Migration),
            Box::new(m20261210_000001_declared_document_times::Migration),
            Box::new(m20261215_000001_publisher_accounts::Migration),
            Box::new(m20261216_000001_search_index::Migration),
            Box::new(m20261217_000001_webhooks::Migration),
            Box::new(m20261218_000001_session_deputy_tally::Migration),
            Box::new(m20261219_000001_derived_fill::Migration),
            Box::new(m20261220_000001_session_debate_tally::Migration),
            Box::new(m20261221_000001_deputy_indexes::Migration),
            Box::new(m20261222_000001_session_vote_counts::Migration),
            Box::new(m20261223_000001_council_served::Migration),
        ]
    }
}
