//! OParl 1.1, both directions: the read-only view of the records that council information
//! systems and their clients speak ([`view`]), and importing a body from a dump directory or a
//! live server ([`import`], fetching through [`client`]).

pub mod client;
pub mod dump;
pub mod format;
pub mod import;
mod meetings;
mod roster;
pub mod view;
