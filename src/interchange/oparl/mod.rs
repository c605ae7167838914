//! OParl 1.1: importing a body dump or a live OParl server.

pub mod import;
