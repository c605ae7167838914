//! Popolo JSON, both directions: importing a legislature (EveryPolitician, or a file this
//! platform exported) as one council, and exporting a council. Both read and write the typed
//! members of [`format`], and spell ballot options with [`format::option_name`] /
//! [`format::parse_option`], so the two directions cannot drift apart.

pub mod export;
pub mod format;
pub mod import;
mod names;
mod sessions;

pub use export::{PopoloCounts, popolo_file, write_popolo};
pub use import::{PopoloError, PopoloOptions, PopoloReport, import_file, import_value};
pub use names::script_lang;
