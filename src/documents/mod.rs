//! The published document formats (council, party, roster, session record, public record) as
//! publishers send them, and their parsing into domain types. `api`, the publishers' workspace
//! and `interchange` all read documents through here, so a document means the same thing
//! whichever way it arrives.

pub mod bounded;
pub mod council;
pub mod enums;
pub mod party;
pub mod public_record;
pub mod read;
pub mod roster;
pub mod session;
