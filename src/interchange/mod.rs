//! Bulk and open-data formats, one folder per format with both directions side by side. Never
//! depends on `api`, `entity` or sea-orm: documents are read through [`crate::documents`] (so an
//! HTTP type can change without changing a file format) and written through `store`.
//!
//! | folder | in | out |
//! |---|---|---|
//! | [`jsonl`] | `import FILE`: every document version replayed through the publication path | `export`: every stored version, in change order |
//! | [`csv`] | — | the CSV package, one RFC 4180 table per [`csv::Table`] |
//! | [`popolo`] | `import --popolo`: a legislature (EveryPolitician) | `export --popolo`, and `GET …/export/popolo` |
//! | [`oparl`] | `import --oparl`: a dump directory or a live server ([`oparl::client`]) | the read-only OParl 1.1 view ([`oparl::view`]) |
//! | [`public_records`] | `import --public-records`: records compiled from public sources | — |

pub mod csv;
pub mod jsonl;
pub mod oparl;
pub mod popolo;
pub mod public_records;

use indicatif::ProgressBar;

use crate::store::StoreError;

/// A progress bar for `len` items named `what` (a spinner when the length is unknown), or a
/// hidden one when `progress` is off; a line every ten seconds when standard error is piped
/// (see [`crate::progress`]).
pub fn progress_bar(progress: bool, len: Option<u64>, what: &str) -> ProgressBar {
    let template = match len {
        Some(_) => format!("{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {what} {{msg}}"),
        None => format!("{{elapsed_precise}} {{spinner}} {{pos}} {what} {{msg}}"),
    };
    crate::progress::bar(progress, len, &template)
}

/// Why the store refused a document, as an import reports it; a database failure is no refusal
/// and stops the import.
pub fn refusal(e: StoreError) -> Result<String, StoreError> {
    Ok(match e {
        StoreError::Invalid(v) => {
            v.iter().map(|x| format!("{} {}: {}", x.path, x.rule, x.message)).collect::<Vec<_>>().join("; ")
        }
        StoreError::PreconditionRequired { current } | StoreError::PreconditionFailed { current } => {
            format!("the document exists with other content (version {current}); use --replace")
        }
        StoreError::NotFound(what) => format!("{what} not found"),
        StoreError::BadRequest(what) => what,
        e @ (StoreError::Db(_) | StoreError::Unavailable(_) | StoreError::Corrupt { .. }) => return Err(e),
    })
}

/// Twelve hex digits of the SHA-256 of `s`: a short, stable id part for a source id that makes
/// no valid id here.
pub fn short_hash(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(s.as_bytes())[..6])
}
