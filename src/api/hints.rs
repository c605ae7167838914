//! What the OpenAPI document says a value must look like, turned into error messages that say so:
//! every shape error of a request body at once (with JSON Pointers, the allowed values of an
//! enumeration, the written form of a date), and for a query or path parameter the values or the
//! form it takes. The document is the one the server serves ([`spec_json`](super::spec_json)),
//! read once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::{Map, Value};

/// How a date is written, for messages.
pub const DATE_FORM: &str = "a date written YYYY-MM-DD, e.g. 2023-03-19";
/// How a date and time is written, for messages.
pub const DATE_TIME_FORM: &str = "a date and time with its UTC offset (RFC 3339), e.g. 2024-02-01T10:00:00+05:00";

struct Hints {
    /// The component schemas, as JSON Schema definitions.
    definitions: Value,
    /// (operation id, parameter name) → what the parameter takes.
    params: HashMap<(String, String), String>,
    validators: Mutex<HashMap<String, Option<Arc<jsonschema::Validator>>>>,
}

fn hints() -> &'static Hints {
    static HINTS: OnceLock<Hints> = OnceLock::new();
    HINTS.get_or_init(|| {
        let mut spec: Value = serde_json::from_str(&super::spec_json()).unwrap_or_default();
        rewrite_refs(&mut spec);
        let definitions = spec.pointer("/components/schemas").cloned().unwrap_or_default();
        let params = parameter_hints(&spec, &definitions);
        Hints { definitions, params, validators: Mutex::default() }
    })
}

/// `#/components/schemas/X` → `#/definitions/X`, so the schemas stand alone.
fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                *r = format!("#/definitions/{name}");
            }
            // Text rules (`pattern`) are left to the document rules, which name them better
            // (`non_empty`, `no_control_characters` …); their long classes need not compile here.
            map.remove("pattern");
            map.values_mut().for_each(rewrite_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// Follows `$ref` and a single-element `allOf` to the schema that says something.
fn resolve<'a>(definitions: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..8 {
        if let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/definitions/")) {
            schema = &definitions[name];
        } else if let Some(first) = schema["allOf"].get(0) {
            schema = first;
        } else {
            break;
        }
    }
    schema
}

/// What a value of `schema` looks like, in words, when there is more to say than its type.
fn describe(definitions: &Value, schema: &Value) -> Option<String> {
    let schema = resolve(definitions, schema);
    if let Some(values) = schema["enum"].as_array() {
        let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        return Some(format!("one of: {}", names.join(", ")));
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (_, Some("date")) => Some(DATE_FORM.to_owned()),
        (_, Some("date-time")) => Some(DATE_TIME_FORM.to_owned()),
        (Some("integer"), _) => Some(match (schema["minimum"].as_f64(), schema["maximum"].as_f64()) {
            (Some(lo), Some(hi)) => format!("a whole number from {lo} to {hi}"),
            (Some(lo), None) => format!("a whole number of at least {lo}"),
            _ => "a whole number".to_owned(),
        }),
        (Some("boolean"), _) => Some("true or false".to_owned()),
        _ => None,
    }
}

fn parameter_hints(spec: &Value, definitions: &Value) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    let operations = spec["paths"].as_object().into_iter().flat_map(Map::values).filter_map(Value::as_object);
    for op in operations.flat_map(Map::values) {
        let Some(id) = op["operationId"].as_str() else { continue };
        for p in op["parameters"].as_array().into_iter().flatten() {
            if let (Some(name), Some(hint)) = (p["name"].as_str(), describe(definitions, &p["schema"])) {
                out.insert((id.to_owned(), name.to_owned()), hint);
            }
        }
    }
    out
}

/// What parameter `name` of operation `operation` takes, e.g. "one of: oblast, city".
pub fn parameter(operation: &str, name: &str) -> Option<String> {
    hints().params.get(&(operation.to_owned(), name.to_owned())).cloned()
}

fn validator(type_name: &str) -> Option<Arc<jsonschema::Validator>> {
    let h = hints();
    let mut cache = h.validators.lock().unwrap_or_else(PoisonError::into_inner);
    cache
        .entry(type_name.to_owned())
        .or_insert_with(|| {
            h.definitions.get(type_name)?;
            let schema =
                serde_json::json!({"$ref": format!("#/definitions/{type_name}"), "definitions": h.definitions});
            let built = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(true)
                .build(&schema);
            built.ok().map(Arc::new)
        })
        .clone()
}

/// Drops members whose value is `null`: the documents read `null` as absent (OpenAPI 3.0 has no
/// `null` type), so a `null` is only wrong where a value is required, which `required` reports.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, x)| !x.is_null()).map(|(k, x)| (k.clone(), without_nulls(x))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn type_name(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "integer" => "a whole number".to_owned(),
        "number" => "a number".to_owned(),
        "string" => "a string".to_owned(),
        "boolean" => "true or false".to_owned(),
        "array" => "a list".to_owned(),
        "object" => "an object".to_owned(),
        other => other.to_owned(),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(ts) => ts.iter().map(|t| name(&t)).collect::<Vec<_>>().join(" or "),
    }
}

fn got(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 { format!("{}…", text.chars().take(40).collect::<String>()) } else { text }
}

/// One value of a body that does not have the shape the schema documents (`api::problem` makes it
/// a violation of the problem it answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// JSON Pointer to the value.
    pub path: String,
    /// The rule: `type`, `allowed_values`, `required` or `unknown_field`.
    pub rule: &'static str,
    /// What is wrong and what would be right.
    pub message: String,
}

/// Every shape error of `body` against the schema named `type_name`: wrong types, unknown values
/// of an enumeration, dates not written as dates, missing and unknown fields. Ranges and lengths
/// are left to the typed parse and the document rules, which name them better.
pub fn body_violations(type_name_: &str, body: &Value) -> Vec<ShapeError> {
    let Some(validator) = validator(type_name_) else { return vec![] };
    let body = without_nulls(body);
    let mut out = vec![];
    for e in validator.iter_errors(&body) {
        let path = e.instance_path().to_string();
        let (path, rule, message) = match e.kind() {
            ValidationErrorKind::Type { kind } => {
                (path, "type", format!("must be {}; got {}", type_name(kind), got(e.instance())))
            }
            ValidationErrorKind::Enum { options } => {
                let names: Vec<String> = options
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|o| o.as_str().map_or(o.to_string(), str::to_owned))
                    .collect();
                (path, "allowed_values", format!("must be one of: {}; got {}", names.join(", "), got(e.instance())))
            }
            ValidationErrorKind::Format { format } => {
                let form = match format.as_str() {
                    "date" => DATE_FORM,
                    "date-time" => DATE_TIME_FORM,
                    other => other,
                };
                (path, "type", format!("must be {form}; got {}", got(e.instance())))
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                (format!("{path}/{}", escape(name)), "required", "is required".to_owned())
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for field in unexpected {
                    out.push(ShapeError {
                        path: format!("{path}/{}", escape(field)),
                        rule: "unknown_field",
                        message: format!(
                            "`{field}` is not a field here (check its spelling against the API documentation)"
                        ),
                    });
                }
                continue;
            }
            _ => continue,
        };
        out.push(ShapeError { path, rule, message });
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{body_violations, parameter};

    #[test]
    fn every_shape_error_of_a_body_is_found_at_once_with_what_would_be_right() {
        let body = json!({
            "names": {"ru": 5}, "level": "village", "seats": "5", "mayor": "x",
            "convocations": [{"number": "VIII", "start_date": "19.03.2023"}], "parent": null
        });
        let found: Vec<(String, String, String)> =
            body_violations("CouncilDoc", &body).into_iter().map(|v| (v.path, v.rule.to_owned(), v.message)).collect();
        let find = |path: &str| found.iter().find(|(p, _, _)| p == path).unwrap_or_else(|| panic!("{path}: {found:?}"));
        assert_eq!(find("/names/ru").1, "type");
        assert!(find("/level").2.contains("oblast, republican_city, city, district"), "{found:?}");
        assert_eq!(find("/seats").1, "type");
        assert_eq!(find("/mayor").1, "unknown_field");
        assert!(find("/convocations/0/start_date").2.contains("YYYY-MM-DD"), "{found:?}");
        assert_eq!(found.len(), 5, "a null optional field is absent, not wrong: {found:?}");
        assert!(
            body_violations("CouncilDoc", &json!({"names": {"ru": "x"}, "level": "district", "seats": 5})).is_empty()
        );
    }

    #[test]
    fn parameters_say_what_they_take() {
        assert!(
            parameter("list_councils", "level").is_some_and(|h| h.starts_with("one of: ") && h.contains("district"))
        );
        assert_eq!(parameter("list_sessions", "from").as_deref(), Some(super::DATE_FORM));
        assert_eq!(parameter("list_councils", "parent"), None);
    }
}
