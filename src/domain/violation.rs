//! Rule violations collected while parsing a document.

use std::fmt;

/// One broken rule: where (a JSON Pointer into the submitted document), which rule, and a message
/// written for the person who has to fix the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON Pointer (RFC 6901) to the offending value, e.g. `/deputies/2/mandates/0/end_date`.
    pub path: String,
    /// A stable, machine-readable rule name, e.g. `date_order`.
    pub rule: &'static str,
    /// A human explanation.
    pub message: String,
}

/// An accumulator for violations that knows the current JSON path, so nested parsers can report
/// precise locations without threading strings by hand.
#[derive(Debug, Default)]
pub struct Violations {
    items: Vec<Violation>,
}

impl Violations {
    /// Starts an empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation at `path`.
    pub fn push(&mut self, path: impl Into<String>, rule: &'static str, message: impl Into<String>) {
        self.items.push(Violation { path: path.into(), rule, message: message.into() });
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Returns `Ok(value)` when nothing was recorded, else every violation.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<Violation>> {
        if self.items.is_empty() { Ok(value) } else { Err(self.items) }
    }

    /// The recorded violations.
    pub fn into_vec(self) -> Vec<Violation> {
        self.items
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.path, self.rule, self.message)
    }
}

/// Joins a JSON Pointer prefix with a key or index, escaping `~` and `/` as RFC 6901 requires.
pub fn join(prefix: &str, key: impl fmt::Display) -> String {
    let key = key.to_string().replace('~', "~0").replace('/', "~1");
    format!("{prefix}/{key}")
}
