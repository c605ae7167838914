//! Database migrations for maslikhat.
//!
//! Each migration lives in its own `mYYYYMMDD_HHMMSS_name.rs` file: sea-orm-migration names a
//! migration after its file stem, and that name is what `seaql_migrations` records.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_initial;

/// Every migration of the schema, in order. Run at start-up and in tests.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261129_000001_initial::Migration)]
    }
}
