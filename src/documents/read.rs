//! Reading a document from JSON into its typed form. Whatever the way in (an HTTP body, a line of
//! a JSON Lines file, a document an importer built), a value the type refuses is named the same
//! way: by its JSON Pointer and the rule it broke.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::Violation;

/// Reads a `T` from `value`, or names the first value it refuses.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Violation> {
    serde_path_to_error::deserialize(value).map_err(|e| violation(e.path(), e.inner()))
}

/// Reads a `T` from JSON text, or names the first value it refuses (a syntax error included).
pub fn from_slice<T: DeserializeOwned>(data: &[u8]) -> Result<T, Violation> {
    let de = &mut serde_json::Deserializer::from_slice(data);
    serde_path_to_error::deserialize(de).map_err(|e| violation(e.path(), e.inner()))
}

/// The violation of a refused value at `path`: its JSON Pointer, its rule (`unknown_field`,
/// `allowed_values`, `duplicate_key`, `required`, `range` or `type`) and serde's message.
pub fn violation(path: &serde_path_to_error::Path, error: &serde_json::Error) -> Violation {
    let path = pointer(&path.to_string());
    let inner = error.to_string();
    let message = inner.split(" at line ").next().unwrap_or(&inner).to_owned();
    let rule = rule_of(&message);
    // serde reports a duplicate at the enclosing object; point at the key itself.
    let path = match (rule, message.split('`').nth(1)) {
        ("duplicate_key", Some(key)) => format!("{path}/{}", escape(key)),
        _ => path,
    };
    Violation { path, rule, message }
}

fn rule_of(message: &str) -> &'static str {
    if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("unknown variant") {
        "allowed_values"
    } else if message.starts_with("duplicate field") {
        "duplicate_key"
    } else if message.starts_with("missing field") {
        "required"
    } else if message.starts_with("out of range") {
        // A bounded integer (`domain::bounded`) outside its published minimum and maximum.
        "range"
    } else {
        "type"
    }
}

/// A key as a JSON Pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// serde_path_to_error writes `a.b[2].c`; problem bodies use JSON Pointers (`/a/b/2/c`).
pub fn pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut out = String::new();
    for seg in path.split('.') {
        let mut rest = seg;
        if let Some(i) = rest.find('[') {
            out.push('/');
            out.push_str(&escape(&rest[..i]));
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push('/');
                out.push_str(&rest[1..end]);
                rest = &rest[end + 1..];
            }
        } else {
            out.push('/');
            out.push_str(&escape(rest));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::session::SessionRecordDoc;

    #[test]
    fn paths_become_json_pointers() {
        assert_eq!(pointer("deputies[2].mandates[0].end_date"), "/deputies/2/mandates/0/end_date");
        assert_eq!(pointer("names.kk"), "/names/kk");
        assert_eq!(pointer("."), "");
    }

    #[test]
    fn a_refused_integer_is_named_by_its_pointer_and_the_range_rule() {
        let doc = serde_json::json!({"convocation": "VIII", "number": 4_294_967_295u64, "kind": "regular",
            "status": "held", "scheduled_start": "2024-05-15T05:00:00Z", "is_open": true});
        let v = from_value::<SessionRecordDoc>(doc).expect_err("refused");
        assert_eq!((v.path.as_str(), v.rule), ("/number", "range"));
        assert!(v.message.contains("4294967295"), "{}", v.message);
    }
}
