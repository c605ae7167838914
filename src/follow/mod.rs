//! Following a council: Atom feeds derived from the log (each entry is one logged version,
//! summarized from its own body, with a correction's reason). Webhooks and the server-sent
//! events stream of issue 19 are not built yet.

pub mod atom;
