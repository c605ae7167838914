//! The queries behind the API's and the pages' reads, each returning typed read models (never
//! entity rows). A row becomes its model in one place, [`super::tables`] (stored enum names, name
//! maps and counts parsed strictly, see [`super::stored`]); the reads here compose those models
//! (a council with its convocations, a deputy with their dated facts, a ballot with the voter's
//! standing that day).
//!
//! - [`councils`]: councils and parties.
//! - [`council_page`]: what a council's page reads beside its metrics, in one statement.
//! - [`deputies`]: deputies with their dated history.
//! - [`sessions`]: sessions, agenda items and documents with witnessed times.
//! - [`votes`]: vote events, ballots, a deputy's voting record, speeches.
//! - [`versions`]: stored document versions, the change feed.
//! - [`public_records`]: records compiled from public sources.

pub mod council_page;
pub mod councils;
pub mod deputies;
pub mod public_records;
pub mod sessions;
pub mod versions;
pub mod votes;
