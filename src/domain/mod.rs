//! Pure domain logic: validated document types, the rules of `docs/domain.md`, and the maths.
//!
//! Nothing here touches HTTP or the database. A request DTO becomes a domain value only through
//! a `parse` function that checks every rule and reports *all* violations with their JSON paths,
//! so a value of a domain type is valid by construction.

pub mod bounded;
pub mod council;
pub mod enums;
pub mod log;
pub mod metrics;
pub mod public_record;
pub mod roster;
pub mod session;
pub mod text;
pub mod violation;
pub mod witness;

pub use violation::{Violation, Violations};
