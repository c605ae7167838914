//! Comparing what a server serves with what its log says, as JSON: pure functions, tested
//! without a server.
//!
//! The expected value lists the fields the logged documents determine; the served value may
//! carry more (links, computed statuses), which are not compared. An expected `null` or empty
//! list and an absent served field are the same (the API omits unknown values and empty lists). Lists of things with an
//! `id` (or, for ballots, a `deputy`) are matched by it, so a missing or an extra one is named;
//! other lists are compared in order. Times are compared as instants, whatever their offset.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::domain::log::canonical;

/// One difference between a served field and the logged one.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The field, as a JSON Pointer into the served body (list items by their id when they
    /// have one).
    pub field: String,
    /// What the server serves (`None`: absent).
    pub served: Option<Value>,
    /// What the log says (`None`: nothing, the served item is extra).
    pub logged: Option<Value>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<Value>| match v {
            None => "nothing".to_owned(),
            Some(v) => {
                let s = v.to_string();
                match s.char_indices().nth(100) {
                    Some((i, _)) => format!("{}…", &s[..i]),
                    None => s,
                }
            }
        };
        write!(f, "{}: served {}, logged {}", self.field, show(&self.served), show(&self.logged))
    }
}

fn pointer(path: &str, key: &str) -> String {
    crate::domain::violation::join(path, key)
}

/// Every difference between `expected` (what the log implies) and `served`.
pub fn compare(expected: &Value, served: &Value) -> Vec<Difference> {
    let mut out = vec![];
    walk("", expected, Some(served), &mut out);
    out
}

fn walk(path: &str, expected: &Value, served: Option<&Value>, out: &mut Vec<Difference>) {
    let served = served.filter(|v| !v.is_null());
    match (expected, served) {
        (Value::Null, None) => {}
        // The API omits empty lists where it omits unknown values.
        (Value::Array(want), None) if want.is_empty() => {}
        (Value::Object(fields), Some(Value::Object(got))) => {
            for (k, v) in fields {
                walk(&pointer(path, k), v, got.get(k), out);
            }
        }
        (Value::Array(want), Some(Value::Array(got))) => {
            match list_key(want).or_else(|| list_key(got).filter(|_| want.is_empty())) {
                Some(key) => keyed(path, key, want, got, out),
                None => {
                    for i in 0..want.len().max(got.len()) {
                        let p = pointer(path, &i.to_string());
                        match (want.get(i), got.get(i)) {
                            (Some(w), g) => walk(&p, w, g, out),
                            (None, g) => out.push(Difference { field: p, served: g.cloned(), logged: None }),
                        }
                    }
                }
            }
        }
        (want, got) if got.is_some_and(|g| same(want, g)) => {}
        (want, got) => {
            out.push(Difference { field: path.to_owned(), served: got.cloned(), logged: Some(want.clone()) })
        }
    }
}

/// The field that identifies the items of a logged list, when every item has a distinct one.
fn list_key(items: &[Value]) -> Option<&'static str> {
    ["id", "deputy"].into_iter().find(|k| {
        let ids: Vec<&str> = items.iter().filter_map(|i| i.get(*k).and_then(Value::as_str)).collect();
        !items.is_empty()
            && ids.len() == items.len()
            && ids.iter().collect::<std::collections::HashSet<_>>().len() == ids.len()
    })
}

fn keyed(path: &str, key: &str, want: &[Value], got: &[Value], out: &mut Vec<Difference>) {
    let id = |v: &Value| v.get(key).and_then(Value::as_str).map(str::to_owned);
    for w in want {
        let wid = id(w).unwrap_or_default();
        let g = got.iter().find(|g| id(g).as_deref() == Some(wid.as_str()));
        let p = pointer(path, &wid);
        match g {
            Some(g) => walk(&p, w, Some(g), out),
            None => out.push(Difference { field: p, served: None, logged: Some(w.clone()) }),
        }
    }
    let mut seen = std::collections::HashSet::new();
    for g in got {
        let gid = id(g).unwrap_or_default();
        // An id the log does not have, or one served a second time (the log has it once).
        if !want.iter().any(|w| id(w).as_deref() == Some(gid.as_str())) || !seen.insert(gid.clone()) {
            out.push(Difference { field: pointer(path, &gid), served: Some(g.clone()), logged: None });
        }
    }
}

/// Scalars: equal, or the same number, or the same instant.
fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => instant(x).is_some_and(|t| Some(t) == instant(y)),
        _ => false,
    }
}

fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// A list whose order the server does not keep (mandates, memberships and roles are served by
/// start date): each item reduced to exactly `fields` (absent ones as `null`), then sorted, so
/// that two lists with the same items compare equal whatever their order. Both sides must be
/// reduced alike.
pub fn unordered(items: &[Value], fields: &[&str]) -> Value {
    let mut reduced: Vec<Value> = items
        .iter()
        .map(|i| {
            let m: serde_json::Map<String, Value> =
                fields.iter().map(|f| ((*f).to_owned(), i.get(*f).map(normal).unwrap_or(Value::Null))).collect();
            Value::Object(m)
        })
        .collect();
    reduced.sort_by_key(|v| canonical::canonical_json(v).unwrap_or_default());
    Value::Array(reduced)
}

/// A time in one form (UTC, `Z`), so that sorting does not depend on how it was written.
fn normal(v: &Value) -> Value {
    match v.as_str().and_then(instant) {
        Some(t) => Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        None => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(d: &[Difference]) -> Vec<&str> {
        d.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn equal_values_agree_and_served_extras_are_not_compared() {
        let want = json!({"id": "s1", "number": 3, "place": null, "at": "2024-02-01T10:00:00+05:00"});
        let got = json!({"id": "s1", "number": 3.0, "at": "2024-02-01T05:00:00Z", "url": "/v1/sessions/s1"});
        assert_eq!(compare(&want, &got), vec![]);
    }

    #[test]
    fn a_changed_field_is_named_with_both_values() {
        let d =
            compare(&json!({"result": "pass", "counts": {"yes": 3}}), &json!({"result": "fail", "counts": {"yes": 4}}));
        assert_eq!(fields(&d), ["/counts/yes", "/result"]);
        assert_eq!(d[1].served, Some(json!("fail")));
        assert_eq!(d[1].logged, Some(json!("pass")));
        assert_eq!(d[0].to_string(), "/counts/yes: served 4, logged 3");
    }

    #[test]
    fn a_field_served_where_the_log_has_none_or_absent_where_it_has_one_differs() {
        assert_eq!(fields(&compare(&json!({"end": null}), &json!({"end": "2025-01-01"}))), ["/end"]);
        assert_eq!(fields(&compare(&json!({"end": "2025-01-01"}), &json!({}))), ["/end"]);
    }

    #[test]
    fn lists_with_ids_name_the_missing_and_the_extra_item() {
        let want = json!({"agenda": [{"id": "a", "position": 1}, {"id": "b", "position": 2}]});
        let got = json!({"agenda": [{"id": "b", "position": 2}, {"id": "c", "position": 3}]});
        let d = compare(&want, &got);
        assert_eq!(fields(&d), ["/agenda/a", "/agenda/c"]);
        assert_eq!((d[0].served.is_none(), d[1].logged.is_none()), (true, true));
    }

    #[test]
    fn ballots_are_matched_by_deputy_and_other_lists_by_position() {
        let want = json!({"ballots": [{"deputy": "d1", "option": "no"}], "tags": ["x", "y"]});
        let got = json!({"ballots": [{"deputy": "d1", "option": "yes", "party": "p"}], "tags": ["x"]});
        assert_eq!(fields(&compare(&want, &got)), ["/ballots/d1/option", "/tags/1"]);
    }

    #[test]
    fn items_served_where_the_log_has_none_are_named_by_their_id() {
        let d = compare(&json!([]), &json!([{"id": "x1", "n": 1}]));
        assert_eq!(fields(&d), ["/x1"]);
    }

    #[test]
    fn an_id_with_a_slash_is_escaped_in_the_pointer() {
        let d = compare(&json!({"items": [{"id": "a/b", "x": 1}]}), &json!({"items": [{"id": "a/b", "x": 2}]}));
        assert_eq!(fields(&d), ["/items/a~1b/x"]);
    }

    #[test]
    fn unordered_lists_compare_equal_whatever_their_order() {
        let a = [
            json!({"party": "p", "start_date": "2024-01-01", "end_date": null}),
            json!({"party": "q", "start_date": "2023-01-01"}),
        ];
        let b = [
            json!({"start_date": "2023-01-01", "party": "q", "extra": 1}),
            json!({"party": "p", "start_date": "2024-01-01"}),
        ];
        let keys = ["party", "start_date", "end_date"];
        assert_eq!(compare(&unordered(&a, &keys), &unordered(&b, &keys)), vec![]);
        let c = [json!({"party": "p", "start_date": "2024-01-02"}), json!({"party": "q", "start_date": "2023-01-01"})];
        assert_eq!(compare(&unordered(&a, &keys), &unordered(&c, &keys)).len(), 1);
        // A value served where the log has none is a difference, also in a reduced list.
        let d = [json!({"party": "p", "start_date": "2024-01-01", "end_date": "2025-01-01"}), a[1].clone()];
        assert_eq!(fields(&compare(&unordered(&a, &keys), &unordered(&d, &keys))), ["/0/end_date"]);
    }
}
