//! Canonical JSON: the exact byte string that is hashed for a JSON document.
//!
//! Two parties that hold the same JSON data (same values, any key order, any
//! whitespace, any escaping, any Unicode normalization form) produce the same
//! canonical text, hence the same hash. The format is defined below precisely
//! enough to be reimplemented; [`canonical_json`] implements it.
//!
//! # Format (maslikhat canonical JSON, version 1)
//!
//! The input is a JSON value in the RFC 8259 data model. The output is a
//! UTF-8 string with no byte order mark, no whitespace outside strings, and
//! no trailing newline, produced recursively:
//!
//! 1. **Literals.** `null`, `true` and `false` are written as those words.
//! 2. **Numbers.** Only integers are allowed, in the range
//!    −2⁶³ ..= 2⁶⁴−1. They are written in plain decimal: an optional `-`
//!    followed by the digits, with no `+`, no leading zeros (zero is `0`),
//!    no fraction and no exponent. Any other number is an **error**: a
//!    number with a fraction or exponent part, even if its value is integral
//!    (`1.0`, `1e2`), negative zero (`-0`), or an integer out of range.
//!    (Our documents never carry floats; refusing them avoids the
//!    float-formatting rules that make canonical JSON fragile.)
//! 3. **Strings** (values and object keys alike) are first normalized to
//!    Unicode Normalization Form C (NFC, UAX #15), then written between
//!    double quotes with exactly these escapes:
//!    * `"` (U+0022) → `\"` and `\` (U+005C) → `\\`;
//!    * U+0008 → `\b`, U+0009 → `\t`, U+000A → `\n`, U+000C → `\f`,
//!      U+000D → `\r`;
//!    * every other code point below U+0020 → `\u00xx`, with the two hex
//!      digits in lowercase (e.g. U+001F → `\u001f`);
//!    * every other code point, including `/`, U+007F, U+2028, U+2029 and
//!      all non-ASCII characters, is written as its literal UTF-8 bytes
//!      (never as a `\u` escape).
//! 4. **Arrays** are written as `[`, the elements in their original order
//!    separated by `,`, then `]` (the empty array is `[]`).
//! 5. **Objects** are written as `{`, the members separated by `,`, then `}`
//!    (the empty object is `{}`). Each member is the key (a string, rule 3),
//!    `:`, and the value. Members are sorted in ascending order of the
//!    UTF-8 bytes of their NFC-normalized key — which is the same as
//!    ordering by Unicode code points, and is *not* the UTF-16 code unit
//!    order of RFC 8785 (the two differ only when a key holds characters
//!    above U+FFFF). Two keys that are equal after NFC normalization are an
//!    **error** (duplicate keys in the source text are not representable in
//!    the input data model at all: a parser must keep one or refuse).
//! 6. **Limits.** Arrays and objects nested deeper than [`MAX_DEPTH`] levels
//!    are an error.
//!
//! Relation to RFC 8785 (JCS): the string escaping and the structural
//! syntax are identical, so for documents whose strings are already NFC,
//! whose keys contain no character above U+FFFF and whose numbers are
//! integers of magnitude at most 2⁵³, the output is byte-for-byte the JCS
//! output. JCS would format larger integers as IEEE doubles; we write them
//! exactly.
//!
//! Implementation note: integers are recognized through `serde_json`'s
//! `Number::as_u64` / `as_i64`, so a value parsed from `1.0` or `1e2` (stored
//! as a float) is refused as the format requires. If some crate in the build
//! enables `serde_json`'s `arbitrary_precision` feature, `-0` would then be
//! accepted and written as `0`; nothing else changes.
//!
//! Normalization uses the Unicode tables of the `unicode-normalization`
//! crate ([`unicode_normalization::UNICODE_VERSION`]); under Unicode's
//! normalization stability policy the NFC form of assigned characters never
//! changes between versions.
//!
//! Example: `{"b": [1, "e\u0301"], "a": null}` is canonicalized to
//! `{"a":null,"b":[1,"é"]}`, where `é` is the single code point U+00E9.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::merkle::{Hash, leaf_hash};

/// Maximum nesting depth of arrays and objects accepted by
/// [`canonical_json`] (the same limit `serde_json` applies when parsing).
pub const MAX_DEPTH: usize = 128;

/// Why a JSON value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanonicalError {
    /// A number that is not an integer in −2⁶³ ..= 2⁶⁴−1 (a float, `-0`,
    /// or out of range). Carries the number as `serde_json` prints it.
    NonIntegerNumber(String),
    /// Two object keys are equal after NFC normalization. Carries the
    /// normalized key.
    DuplicateKey(String),
    /// Arrays/objects are nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NonIntegerNumber(n) => write!(f, "number {n} is not allowed in canonical JSON: only integers are"),
            Self::DuplicateKey(k) => {
                write!(f, "object has duplicate key {k:?} after NFC normalization")
            }
            Self::TooDeep => write!(f, "JSON nesting exceeds {MAX_DEPTH} levels"),
        }
    }
}

impl std::error::Error for CanonicalError {}

/// Serializes `value` in the canonical form specified in the module docs:
/// sorted keys, no insignificant whitespace, NFC strings with minimal
/// escaping, integers only.
pub fn canonical_json(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_value(value, 0, &mut out)?;
    Ok(out)
}

/// SHA-256 of the canonical form of `value`.
pub fn canonical_sha256(value: &Value) -> Result<Hash, CanonicalError> {
    Ok(sha256(canonical_json(value)?.as_bytes()))
}

/// The Merkle leaf hash (`SHA-256(0x00 || canonical JSON)`) of `value`, for
/// logs whose entries are canonical JSON documents.
pub fn canonical_leaf_hash(value: &Value) -> Result<Hash, CanonicalError> {
    Ok(leaf_hash(canonical_json(value)?.as_bytes()))
}

/// Plain SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// Lowercase hex of the SHA-256 of `bytes` (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&sha256(bytes))
}

/// Lowercase hexadecimal encoding of `bytes`, two characters per byte.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Decodes hexadecimal (either case) into bytes; `None` if the length is odd
/// or a character is not a hex digit.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

fn write_value(value: &Value, depth: usize, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(&nfc(s), out),
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(CanonicalError::TooDeep);
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, depth + 1, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            if depth >= MAX_DEPTH {
                return Err(CanonicalError::TooDeep);
            }
            write_object(map, depth, out)?;
        }
    }
    Ok(())
}

fn write_object(map: &Map<String, Value>, depth: usize, out: &mut String) -> Result<(), CanonicalError> {
    let mut members: Vec<(Cow<'_, str>, &Value)> = map.iter().map(|(k, v)| (nfc(k), v)).collect();
    // `str` ordering is UTF-8 byte order, i.e. code point order.
    members.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(pair) = members.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(CanonicalError::DuplicateKey(pair[0].0.to_string()));
    }
    out.push('{');
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(key, out);
        out.push(':');
        write_value(value, depth + 1, out)?;
    }
    out.push('}');
    Ok(())
}

fn write_number(n: &Number, out: &mut String) -> Result<(), CanonicalError> {
    // `serde_json` stores a number as u64 / i64 only when the source had no
    // fraction or exponent and fits; everything else (including `-0`) is f64.
    if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else {
        return Err(CanonicalError::NonIntegerNumber(n.to_string()));
    }
    Ok(())
}

/// NFC form of `s`, borrowing when it is already normalized.
fn nfc(s: &str) -> Cow<'_, str> {
    if unicode_normalization::is_nfc(s) { Cow::Borrowed(s) } else { Cow::Owned(s.nfc().collect()) }
}

/// Writes `s` (already NFC) as a JSON string with the minimal escaping of
/// rule 3 in the module docs.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                // Control characters below U+0020 fit in one byte.
                let b = u8::try_from(u32::from(c)).unwrap_or(0);
                out.push_str("\\u00");
                out.push_str(&hex::encode([b]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canon(text: &str) -> Result<String, CanonicalError> {
        canonical_json(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn literals_and_integers() {
        assert_eq!(canon("null").unwrap(), "null");
        assert_eq!(canon(" true ").unwrap(), "true");
        assert_eq!(canon("false").unwrap(), "false");
        assert_eq!(canon("0").unwrap(), "0");
        assert_eq!(canon("-17").unwrap(), "-17");
        assert_eq!(canon("18446744073709551615").unwrap(), "18446744073709551615");
        assert_eq!(canon("-9223372036854775808").unwrap(), "-9223372036854775808");
    }

    #[test]
    fn floats_refused() {
        for text in
            ["1.5", "1.0", "1e2", "-0", "-0.0", "18446744073709551616", "-9223372036854775809", "[1, {\"a\": 2.5}]"]
        {
            let err = canon(text).unwrap_err();
            assert!(matches!(err, CanonicalError::NonIntegerNumber(_)), "{text}: {err:?}");
        }
        assert!(canonical_json(&json!(0.1)).is_err());
        assert!(canonical_json(&json!(f64::MAX)).is_err());
        assert_eq!(
            canonical_json(&json!(1.5)).unwrap_err().to_string(),
            "number 1.5 is not allowed in canonical JSON: only integers are"
        );
    }

    #[test]
    fn key_order_and_whitespace() {
        let text = r#" { "b" : 1 , "a" : { "z" : [ 3 , 2 , 1 ] , "y" : [ ] , "x" : { } } ,
                        "A": "x", "é": 0, "aa": 0, "": 0 } "#;
        assert_eq!(canon(text).unwrap(), r#"{"":0,"A":"x","a":{"x":{},"y":[],"z":[3,2,1]},"aa":0,"b":1,"é":0}"#);
        // Code point order, not UTF-16 order: U+FF61 sorts before U+1F600
        // here, whereas RFC 8785 would put the emoji (surrogate D83D) first.
        assert_eq!(
            canonical_json(&json!({"\u{1F600}": 1, "\u{FF61}": 2})).unwrap(),
            "{\"\u{FF61}\":2,\"\u{1F600}\":1}"
        );
    }

    #[test]
    fn escaping() {
        let s = "q\" b\\ /\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}\u{2028}Ω";
        assert_eq!(canonical_json(&json!(s)).unwrap(), "\"q\\\" b\\\\ /\\b\\f\\n\\r\\t\\u0000\\u001f\u{7f}\u{2028}Ω\"");
        // Escaped input is unescaped then re-escaped minimally.
        assert_eq!(canon(r#""\u0041\/\u00e9\u001F""#).unwrap(), "\"A/é\\u001f\"");
        // Keys are escaped too.
        assert_eq!(canonical_json(&json!({"a\"b\n": 1})).unwrap(), r#"{"a\"b\n":1}"#);
    }

    #[test]
    fn nfc_normalization() {
        assert_eq!(canonical_json(&json!("e\u{301}")).unwrap(), "\"é\"");
        assert_eq!(canonical_json(&json!("e\u{301}")).unwrap(), "\"\u{e9}\"");
        // Kazakh Cyrillic and Latin letters survive untouched.
        assert_eq!(canonical_json(&json!("Қазақстан Ә ө ү ұ і")).unwrap(), "\"Қазақстан Ә ө ү ұ і\"");
        // Cyrillic й decomposed (и + U+0306) composes back.
        assert_eq!(canonical_json(&json!("и\u{306}")).unwrap(), "\"й\"");
        // Keys are normalized before sorting, and collisions are refused.
        assert_eq!(canonical_json(&json!({"e\u{301}": 1, "f": 2})).unwrap(), "{\"f\":2,\"\u{e9}\":1}");
        assert_eq!(
            canonical_json(&json!({"e\u{301}": 1, "\u{e9}": 2})),
            Err(CanonicalError::DuplicateKey("\u{e9}".to_string()))
        );
    }

    #[test]
    fn equivalent_inputs_hash_equally() {
        let a = canon(r#"{"name":"Алматы","n":[1,2],"x":{"b":true,"a":null}}"#).unwrap();
        let b = canon(
            "{\n  \"x\": {\"a\": null, \"b\": true},\n  \"n\": [1, 2],\n  \"name\": \"\\u0410\\u043b\\u043c\\u0430\\u0442\\u044b\"\n}",
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(sha256_hex(a.as_bytes()), sha256_hex(b.as_bytes()));
        let v: Value = serde_json::from_str(&a).unwrap();
        assert_eq!(canonical_sha256(&v).unwrap(), sha256(a.as_bytes()));
        assert_eq!(canonical_leaf_hash(&v).unwrap(), leaf_hash(a.as_bytes()));
        // Canonical output is a fixed point.
        assert_eq!(canon(&a).unwrap(), a);
    }

    #[test]
    fn depth_limit() {
        let mut v = json!(1);
        for _ in 0..MAX_DEPTH {
            v = json!([v]);
        }
        assert!(canonical_json(&v).is_ok());
        v = json!({ "k": v });
        assert_eq!(canonical_json(&v), Err(CanonicalError::TooDeep));
    }

    #[test]
    fn hex_helpers() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(to_hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(from_hex("00AbfF"), Some(vec![0x00, 0xab, 0xff]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex(""), Some(vec![]));
    }
}
