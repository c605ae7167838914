//! Bulk and open-data formats, one folder per format with both directions side by side. Never
//! depends on `api`: an HTTP type can change without changing a file format.

pub mod jsonl;
pub mod oparl;
pub mod popolo;
pub mod public_records;
