//! Why a use case failed, by kind: `api` picks a status for each, `web` a page.

use crate::domain::Violation;
use crate::store::StoreError;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing named does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The request cannot be answered as asked (e.g. a period that ends before it starts, a
    /// cursor this server never issued).
    #[error("{0}")]
    BadRequest(String),
    /// The document breaks rules; nothing was stored.
    #[error("the document breaks {} rule(s)", .0.len())]
    Invalid(Vec<Violation>),
    /// Replacing an existing document needs `If-Match` with its current ETag.
    #[error("this document exists; send If-Match: {current} to replace that version")]
    PreconditionRequired {
        /// The current ETag.
        current: String,
    },
    /// `If-Match` names a version that is no longer current.
    #[error("If-Match does not name the current version ({current})")]
    PreconditionFailed {
        /// The current ETag.
        current: String,
    },
    /// The database cannot be reached now; trying again later may work.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of the server (a database error, a stored row that does not parse, a task that
    /// died): logged with an id where it is answered.
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Error::NotFound(what),
            StoreError::BadRequest(detail) => Error::BadRequest(detail),
            StoreError::Invalid(v) => Error::Invalid(v),
            StoreError::PreconditionRequired { current } => Error::PreconditionRequired { current },
            StoreError::PreconditionFailed { current } => Error::PreconditionFailed { current },
            e @ StoreError::Unavailable(_) => Error::Unavailable(e.to_string()),
            e @ (StoreError::Corrupt { .. } | StoreError::Db(_)) => Error::Internal(e.to_string()),
        }
    }
}
