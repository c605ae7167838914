//! Popolo JSON: importing a legislature (EveryPolitician).

pub mod import;
