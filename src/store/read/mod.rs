//! The queries behind every read, each returning typed read models (never entity rows): stored
//! enum names, name maps and counts are parsed strictly on the way out (see [`super::stored`]).
//!
//! - [`councils`]: councils and parties.
//! - [`deputies`]: deputies with their dated history.
//! - [`sessions`]: sessions, agenda items and documents with witnessed times.
//! - [`votes`]: vote events, ballots, a deputy's voting record, speeches.
//! - [`versions`]: stored document versions, the change feed.
//! - [`public_records`]: records compiled from public sources.

pub mod councils;
pub mod deputies;
pub mod public_records;
pub mod sessions;
pub mod versions;
pub mod votes;
