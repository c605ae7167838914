//! The OpenAPI document as published: poem-openapi's document, adjusted in this one place so that
//! common generators (openapi-python-client, openapi-typescript) and linters (Redocly) take it
//! as it is. Each step is a function over the parsed document; none replaces text.
//!
//! - OpenAPI 3.1, so that a field's description can sit beside its `$ref` (poem-openapi wraps
//!   such a reference in `allOf`, which generators turn into duplicate classes or cannot resolve
//!   at all) and `nullable` becomes a `null` type;
//! - every response header the server sends, declared where it sends it, under its usual name;
//! - `security: []` on the public operations, a description on every operation;
//! - the two responses that are JSON documents of their own (a Popolo export, a logged document)
//!   named as components instead of a bare `object`;
//! - `date` for dates, and closed request objects;
//! - the rules the server applies to what a client writes, as `pattern`s and enums: ids, texts
//!   (`non_empty`, `no_control_characters`, `no_invisible_characters`, `max_length`), language
//!   tags, URLs (see [`text_rules`]).
//!
//! `tests/api/openapi.rs` checks the committed document is this one, and `.ci/clients` that the
//! generators produce a working client from it without a warning.

use serde::Serialize;
use serde_json::{Map, Value, json};

/// The OpenAPI version the document is published as.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The one server entry: the document is served by the server it describes.
const SERVER: &str = "The server this document is served from (`GET /openapi.json`).";

/// What a list's `Link` header holds.
const LINK: &str = "`<URL>; rel=\"next\"`: the next page (the same URL as `links.next`); absent on the last page.";

/// Adjusts poem-openapi's document (see the module documentation).
pub fn publish(doc: &mut Value) {
    if let Some(v) = doc.get_mut("openapi") {
        *v = OPENAPI_VERSION.into();
    }
    if let Some(doc) = doc.as_object_mut() {
        doc.insert("servers".into(), json!([{"url": "/", "description": SERVER}]));
    }
    walk_schemas(doc);
    close_objects(doc);
    declare_headers(doc);
    constraints(doc);
    text_rules(doc);
    name_document_responses(doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                let Some(op) = op.as_object_mut() else { continue };
                operation(method, op);
            }
        }
    }
}

/// Every schema, wherever it is: a single reference wrapped in `allOf` becomes the reference with
/// its description beside it; `nullable` becomes a `null` type; poem's `naive-date` format
/// becomes OpenAPI's `date`.
fn walk_schemas(v: &mut Value) {
    match v {
        Value::Object(fields) => {
            unwrap_single_ref(fields);
            if fields.get("nullable") == Some(&Value::Bool(true)) {
                fields.remove("nullable");
                if let Some(t) = fields.get_mut("type")
                    && t.is_string()
                {
                    *t = json!([t.take(), "null"]);
                }
            }
            if fields.get("format").is_some_and(|f| f == "naive-date") {
                fields.insert("format".into(), "date".into());
            }
            fields.values_mut().for_each(walk_schemas);
        }
        Value::Array(items) => items.iter_mut().for_each(walk_schemas),
        _ => {}
    }
}

/// `{"allOf": [{"$ref": R}, {"description": D}], "description": D}` → `{"$ref": R,
/// "description": D}` (what poem-openapi writes for a documented field of a named type).
fn unwrap_single_ref(fields: &mut Map<String, Value>) {
    let Some(Value::Array(parts)) = fields.get("allOf") else { return };
    let reference = parts.iter().find_map(|p| p.get("$ref")).cloned();
    let only_annotations = parts.iter().all(|p| {
        p.as_object().is_some_and(|o| {
            o.contains_key("$ref") && o.len() == 1 || o.keys().all(|k| ANNOTATIONS.contains(&k.as_str()))
        })
    });
    let refs = parts.iter().filter(|p| p.get("$ref").is_some()).count();
    let (Some(reference), true, 1) = (reference, only_annotations, refs) else { return };
    let Some(Value::Array(parts)) = fields.remove("allOf") else { return };
    for part in parts {
        for (k, v) in part.as_object().into_iter().flatten() {
            if k != "$ref" {
                fields.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    fields.insert("$ref".into(), reference);
}

/// Keywords that say something about a value without constraining it.
const ANNOTATIONS: [&str; 6] = ["description", "title", "default", "example", "deprecated", "readOnly"];

/// Every request body refuses unknown fields (`StrictJson`); say so in the schemas, so clients
/// and fuzzers know (`additionalProperties: false` on each named object schema).
fn close_objects(doc: &mut Value) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    for schema in schemas.values_mut() {
        if let Some(obj) = schema.as_object_mut()
            && obj.contains_key("properties")
            && !obj.contains_key("additionalProperties")
        {
            obj.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
}

/// The rules a client can know before sending anything, from the code that enforces them: the
/// id form (`domain::text::is_valid_id`) of each id a document chooses and of every id in a path,
/// the kinds of contact, the CSV export's tables. The server still names the rule it
/// applies (`id_format`, `allowed_values`) when a request breaks one.
fn constraints(doc: &mut Value) {
    let id = json!({"type": "string", "pattern": crate::domain::text::ID_PATTERN, "minLength": 1, "maxLength": 64});
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            let chosen_here = name.ends_with("Doc") || name.ends_with("Dto");
            if let Some(field) = schema.pointer_mut("/properties/id").and_then(Value::as_object_mut)
                && chosen_here
                && field.get("type").is_some_and(|t| t == "string")
            {
                merge(field, &id);
            }
        }
        if let Some(kind) = schemas.get_mut("ContactDto").and_then(|s| s.pointer_mut("/properties/kind")) {
            kind["enum"] = json!(crate::documents::roster::CONTACT_KINDS);
        }
    }
    let tables: Vec<&str> = crate::interchange::csv::Table::ALL.iter().map(|t| t.as_str()).collect();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
        let csv = op["operationId"] == "export_council_csv";
        for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
            let name = if p["in"] == "path" { p["name"].as_str().map(str::to_owned) } else { None };
            let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else { continue };
            match name.as_deref() {
                Some("table") if csv => {
                    schema.insert("enum".into(), json!(tables));
                }
                // Every other text in a path is an id: a write refuses one of another form
                // (`id_format`), and a read answers 404 (`api::councils::path_id`).
                Some(_) if schema.get("type").is_some_and(|t| t == "string") => merge(schema, &id),
                _ => {}
            }
        }
    }
}

/// How the server checks one text field of a request body (`domain::text`).
#[derive(Clone, Copy)]
enum Text {
    /// `text::clean`, single-line, at most this many characters.
    Line(usize),
    /// `text::clean`, multi-line, at most this many characters.
    Free(usize),
    /// `text::lang_map`: language tags to single-line texts, at least one entry when required.
    Names { max: usize, required: bool },
    /// `text::url`.
    Url,
    /// `text::check_id`.
    Id,
    /// A length in characters, untrimmed.
    Length(usize, usize),
    /// An array of these values.
    OneOf(&'static [&'static str]),
}

/// Every text field a request body has, with the rule the server applies to it (the limits are
/// those the `parse` functions in `crate::documents` pass to `domain::text`).
const TEXTS: [(&str, &str, Text); 32] = {
    use crate::domain::text::{MAX_LINE, MAX_TEXT};
    [
        ("AgendaItemDto", "number_label", Text::Line(32)),
        ("AgendaItemDto", "titles", Text::Names { max: MAX_LINE * 4, required: true }),
        ("CommissionDto", "names", Text::Names { max: MAX_LINE, required: true }),
        ("ContactDto", "value", Text::Line(300)),
        ("ConvocationDto", "number", Text::Line(8)),
        ("CouncilDoc", "kato", Text::Line(16)),
        ("CouncilDoc", "names", Text::Names { max: MAX_LINE, required: true }),
        ("CouncilDoc", "parent", Text::Id),
        ("CouncilDoc", "website", Text::Url),
        ("DeclaredNoticeDto", "source_url", Text::Url),
        ("DeclaredTimeDto", "source_url", Text::Url),
        ("DeputyDto", "names", Text::Names { max: MAX_LINE, required: true }),
        ("DeputyDto", "family_names", Text::Names { max: 200, required: false }),
        ("DeputyDto", "given_names", Text::Names { max: 200, required: false }),
        ("DeputyDto", "patronymic_names", Text::Names { max: 200, required: false }),
        ("DocumentDto", "title", Text::Line(MAX_LINE * 4)),
        ("DocumentDto", "media_type", Text::Line(127)),
        ("DocumentDto", "text", Text::Free(MAX_TEXT)),
        ("DocumentDto", "url", Text::Url),
        ("MandateDto", "district", Text::Line(200)),
        ("PartyDoc", "names", Text::Names { max: MAX_LINE, required: true }),
        ("PartyDoc", "abbreviations", Text::Names { max: 32, required: false }),
        ("SessionRecordDoc", "reason", Text::Free(2000)),
        ("SessionRecordDoc", "place", Text::Line(MAX_LINE)),
        ("SessionRecordDoc", "livestream_url", Text::Url),
        ("SessionRecordDoc", "recording_url", Text::Url),
        ("SpeechDto", "speaker_name", Text::Line(300)),
        ("SpeechDto", "text", Text::Free(MAX_TEXT)),
        ("VoteEventDto", "motion", Text::Names { max: MAX_LINE * 4, required: true }),
        ("WebhookDoc", "council", Text::Id),
        // `service::webhooks::check` (its `url` is read by a URL parser, which forgives more).
        ("WebhookDoc", "secret", Text::Length(16, 256)),
        ("WebhookDoc", "kinds", Text::OneOf(&crate::service::webhooks::KINDS)),
    ]
};

/// `text::is_valid_lang` as a regular expression.
const LANG_PATTERN: &str = "^[a-z]{2,3}(-([A-Z][a-z]{3}|[A-Z]{2}))*$";

/// The white space `str::trim` removes (Unicode's White_Space), as regular-expression class
/// members.
const WHITE_SPACE: &str = r"\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// The characters of the Basic Multilingual Plane for which `pick` holds, as class members
/// (`\uXXXX` and `\uXXXX-\uYYYY`): written so that ECMA-262, Python and Rust read them alike.
fn class(pick: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    let mut run: Option<(u32, u32)> = None;
    let flush = |out: &mut String, (a, b): (u32, u32)| {
        out.push_str(&format!("\\u{a:04X}"));
        if b > a {
            out.push_str(&format!("-\\u{b:04X}"));
        }
    };
    for code in 0..=0xFFFFu32 {
        let hit = char::from_u32(code).is_some_and(&pick);
        run = match (run, hit) {
            (Some((a, b)), true) if b + 1 == code => Some((a, code)),
            (Some(r), true) => {
                flush(&mut out, r);
                Some((code, code))
            }
            (None, true) => Some((code, code)),
            (Some(r), false) => {
                flush(&mut out, r);
                None
            }
            (None, false) => None,
        };
    }
    if let Some(r) = run {
        flush(&mut out, r);
    }
    out
}

/// The characters a text refuses (`text::forbidden_char`), in the Basic Multilingual Plane and
/// leaving out code points unassigned today but the noncharacters (they may be assigned by the
/// Unicode version a client has): the pattern never refuses what the server takes.
fn refused(multiline: bool) -> String {
    use unicode_general_category::{GeneralCategory, get_general_category};
    class(|c| {
        let noncharacter = ('\u{FDD0}'..='\u{FDEF}').contains(&c) || (c as u32) & 0xFFFE == 0xFFFE;
        crate::domain::text::forbidden_char(c, multiline).is_some()
            && (noncharacter || get_general_category(c) != GeneralCategory::Unassigned)
    })
}

/// The pattern of a text `text::clean` takes: white space at either end (trimmed), then at
/// least one visible character, no refused one, and (single-line texts) at most `max`
/// characters between the first and the last visible one. A multi-line text's limit (2,000 or
/// 200,000 characters) is not in its pattern: that would take a look-ahead, which fuzzers drop.
fn text_pattern(max: usize, multiline: bool) -> String {
    let (f, w) = (refused(multiline), WHITE_SPACE);
    if multiline {
        // Format characters are kept, but a text of nothing else is empty.
        let format = class(|c| {
            unicode_general_category::get_general_category(c) == unicode_general_category::GeneralCategory::Format
        });
        // Without the length: bounding it needs a look-ahead, which fuzzers (schemathesis) drop.
        format!("^[{w}]*[^{f}]*[^{f}{w}{format}][^{f}]*[{w}]*$")
    } else {
        let inner = max.saturating_sub(2);
        format!("^[{w}]*[^{f}{w}](?:[^{f}]{{0,{inner}}}[^{f}{w}])?[{w}]*$")
    }
}

/// The pattern of a URL `text::url` takes: `http://` or `https://` (any case), a host, no white
/// space or control character (white space at either end is trimmed).
fn url_pattern() -> String {
    let (w, c) = (WHITE_SPACE, class(char::is_control));
    format!("^[{w}]*[Hh][Tt][Tt][Pp][Ss]?://[^/{w}{c}][^{w}{c}]*[{w}]*$")
}

/// Writes [`TEXTS`] into the request schemas: each text's `pattern`, each map of names' language
/// tags (`propertyNames`) and whether it may be empty (`minProperties`).
fn text_rules(doc: &mut Value) {
    let id = json!({"type": "string", "pattern": crate::domain::text::ID_PATTERN, "minLength": 1, "maxLength": 64});
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    for (schema, property, rule) in TEXTS {
        let Some(field) = schemas
            .get_mut(schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{property}")))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        match rule {
            Text::Length(min, max) => {
                field.insert("minLength".into(), min.into());
                field.insert("maxLength".into(), max.into());
            }
            Text::OneOf(values) => {
                if let Some(items) = field.get_mut("items").and_then(Value::as_object_mut) {
                    items.insert("enum".into(), json!(values));
                }
            }
            Text::Line(max) => {
                field.insert("pattern".into(), text_pattern(max, false).into());
            }
            Text::Free(max) => {
                field.insert("pattern".into(), text_pattern(max, true).into());
            }
            Text::Names { max, required } => {
                field.insert("propertyNames".into(), json!({"pattern": LANG_PATTERN}));
                if required {
                    field.insert("minProperties".into(), 1.into());
                }
                if let Some(values) = field.get_mut("additionalProperties").and_then(Value::as_object_mut) {
                    values.insert("pattern".into(), text_pattern(max, false).into());
                }
            }
            Text::Url => {
                field.insert("pattern".into(), url_pattern().into());
            }
            Text::Id => merge(field, &id),
        }
    }
}

fn merge(into: &mut Map<String, Value>, from: &Value) {
    for (k, v) in from.as_object().into_iter().flatten() {
        into.insert(k.clone(), v.clone());
    }
}

/// A JSON document served whole, named so that generators give it a type of its own.
struct Named {
    operation: &'static str,
    schema: &'static str,
    description: &'static str,
    /// Top-level members it always has.
    properties: &'static [(&'static str, &'static str)],
}

/// The responses whose body is a document of another format (not one of the API's objects).
const NAMED_DOCUMENTS: [Named; 2] = [
    Named {
        operation: "export_council_popolo",
        schema: "PopoloExport",
        description: "A council's Popolo JSON (https://www.popoloproject.com): its people, organisations, \
                      memberships, sessions, vote events and speeches.",
        properties: &[
            ("meta", "object"),
            ("organizations", "array"),
            ("persons", "array"),
            ("memberships", "array"),
            ("events", "array"),
            ("vote_events", "array"),
            ("speeches", "array"),
        ],
    },
    Named {
        operation: "get_log_entry_document",
        schema: "LoggedDocument",
        description: "A document as published (a council, a party, a roster or a session record), in the \
                      canonical JSON whose hash the log holds.",
        properties: &[],
    },
];

fn name_document_responses(doc: &mut Value) {
    for named in &NAMED_DOCUMENTS {
        let mut schema = json!({"type": "object", "description": named.description, "additionalProperties": true});
        if !named.properties.is_empty() {
            let props: Map<String, Value> = named
                .properties
                .iter()
                .map(|(name, ty)| {
                    let schema = match *ty {
                        "array" => json!({"type": "array", "items": {"type": "object", "additionalProperties": true}}),
                        _ => json!({"type": ty, "additionalProperties": true}),
                    };
                    ((*name).to_owned(), schema)
                })
                .collect();
            schema["properties"] = Value::Object(props);
        }
        let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
        schemas.insert(named.schema.into(), schema);
        let reference = json!({"$ref": format!("#/components/schemas/{}", named.schema)});
        let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
        for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
            if op["operationId"] != named.operation {
                continue;
            }
            if let Some(content) = op.pointer_mut("/responses/200/content").and_then(Value::as_object_mut) {
                for media in content.values_mut() {
                    media["schema"] = reference.clone();
                }
            }
        }
    }
}

/// A response header as declared.
#[derive(Serialize)]
struct Header {
    description: &'static str,
    required: bool,
    schema: Value,
}

/// The headers the server sends, by name: where, and what they say.
struct Sent {
    name: &'static str,
    description: &'static str,
    /// `integer` or `string`.
    integer: bool,
    /// Sent on every response this applies to (else: sometimes).
    always: bool,
    applies: fn(method: &str, status: u16) -> bool,
}

/// `components/headers`: every header of [`SENT`], referred to by each response that has it.
fn declare_headers(doc: &mut Value) {
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else { return };
    let headers: Map<String, Value> = SENT
        .iter()
        .map(|sent| {
            let header = Header {
                description: sent.description,
                required: sent.always,
                schema: if sent.integer { json!({"type": "integer", "minimum": 0}) } else { json!({"type": "string"}) },
            };
            (sent.name.to_owned(), serde_json::to_value(header).unwrap_or_default())
        })
        .collect();
    components.insert("headers".into(), Value::Object(headers));
    components.insert(
        "parameters".into(),
        json!({ MIN_CHANGE_PARAMETER: {
            "name": "Maslikhat-Min-Change",
            "in": "header",
            "required": false,
            "description": "Read-your-writes: the `Maslikhat-Change` a write of yours answered. The read is \
                            answered by a database that has reached that change (a read replica that has \
                            caught up, else the primary). Without it, or with 0, any database may answer. \
                            Anything but a whole number is refused with 400.",
            "schema": {"type": "integer", "minimum": 0}
        }}),
    );
}

const SENT: [Sent; 12] = [
    Sent {
        name: "ETag",
        description: "The version of the body (a read) or of the document stored (a write); send it as \
                      `If-None-Match` to revalidate a read, as `If-Match` to replace the document. A compressed \
                      body has its own (the identity body's with `-gzip`, `-br`, `-zstd` or `-deflate` \
                      appended); either one works in both headers.",
        integer: false,
        always: true,
        // Reads: every 2xx and 304 (`api::middleware`). Writes declare it themselves where they
        // store a version (`#[oai(header = "ETag")]`); a webhook's PUT stores none.
        applies: |method, status| method == "get" && ((200..300).contains(&status) || status == 304),
    },
    Sent {
        name: "Location",
        description: "Where the document created is served.",
        integer: false,
        always: true,
        applies: |method, status| method == "put" && status == 201,
    },
    Sent {
        name: "Link",
        description: LINK,
        integer: false,
        always: false,
        // Lists only (see `operation`).
        applies: |_, _| false,
    },
    Sent {
        name: "Cache-Status",
        description: "Whether the server's response cache answered (RFC 9211); anonymous reads only.",
        integer: false,
        always: false,
        applies: |method, status| method == "get" && (status == 200 || status == 304),
    },
    Sent {
        name: "Maslikhat-Change",
        description: "The change number this write left. Send it back as the request header \
                      `Maslikhat-Min-Change` on the next reads (from any node) to be sure to read what was \
                      written: a read replica that has not caught up with it does not answer them. Browsers \
                      get it as the cookie `maslikhat_change` as well (when replicas are configured).",
        integer: true,
        always: false,
        applies: |method, status| method != "get" && (200..300).contains(&status),
    },
    Sent {
        name: "Maslikhat-Read-From",
        description: "Which database answered this read: `replica` (a read replica that had caught up with \
                      the request's `Maslikhat-Min-Change`) or `primary`. Sent when read replicas are \
                      configured.",
        integer: false,
        always: false,
        applies: |method, status| method == "get" && (status == 200 || status == 304),
    },
    Sent {
        name: "Retry-After",
        description: "Seconds to wait before trying again.",
        integer: true,
        always: true,
        applies: |_, status| status == 429,
    },
    Sent {
        name: "RateLimit-Limit",
        description: "Requests allowed in a burst.",
        integer: true,
        always: true,
        applies: |_, status| status == 429,
    },
    Sent {
        name: "RateLimit-Remaining",
        description: "Requests left in the current window.",
        integer: true,
        always: true,
        applies: |_, status| status == 429,
    },
    Sent {
        name: "RateLimit-Reset",
        description: "Seconds until a request is allowed again.",
        integer: true,
        always: true,
        applies: |_, status| status == 429,
    },
    Sent {
        name: "RateLimit-Policy",
        description: "The limit: a burst, per second (`burst;w=1`).",
        integer: false,
        always: true,
        applies: |_, status| status == 429,
    },
    Sent {
        name: "X-Request-Id",
        description: "The id of this request, also in problem+json bodies and the server's logs (a client's own \
                      `X-Request-Id`, when acceptable, is kept).",
        integer: false,
        always: true,
        applies: |_, _| true,
    },
];

/// The schema of one server-sent event whose `data` is the JSON of `item` (poem-openapi writes the
/// stream as an array of items, which no reader of 3.1 understands: there, `schema` is one event).
fn event_schema(stream: &Value) -> Value {
    let item = stream.get("items").cloned().unwrap_or_else(|| json!({}));
    json!({
        "type": "object",
        "required": ["data"],
        "properties": {
            "event": {"type": "string", "description": "The event's name."},
            "id": {"type": "string", "description": "The event's id, sent back as `Last-Event-ID` on reconnection."},
            "retry": {"type": "integer", "minimum": 0},
            "data": {
                "type": "string",
                "description": "One JSON object.",
                "contentMediaType": "application/json",
                "contentSchema": item,
            },
        },
        "additionalProperties": false,
    })
}

/// The usual spelling of a header poem-openapi writes in capitals.
fn header_name(name: &str) -> String {
    const KNOWN: [&str; 5] = ["ETag", "Cache-Control", "Content-Disposition", "Retry-After", "WWW-Authenticate"];
    KNOWN.iter().find(|k| k.eq_ignore_ascii_case(name)).map_or_else(|| name.to_owned(), |k| (*k).to_owned())
}

/// One operation: its response headers, `security`, and a description.
/// `components/parameters`: the read-your-writes header every read takes.
const MIN_CHANGE_PARAMETER: &str = "MaslikhatMinChange";

fn operation(method: &str, op: &mut Map<String, Value>) {
    let lists = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["name"] == "cursor" && p["in"] == "query"));
    let event_stream = op
        .get_mut("responses")
        .and_then(|r| r.pointer_mut("/200/content/text~1event-stream/schema"))
        .map(|schema| *schema = event_schema(schema));
    let stream = event_stream.is_some();
    // `api::replicas::route`, on every read. Not declared on the change stream, which resumes by
    // `Last-Event-ID` instead (and where two declared headers would make the set look closed to a
    // fuzzer, which then expects an unknown header to be refused).
    if method == "get" && !stream {
        let reference = json!({"$ref": format!("#/components/parameters/{MIN_CHANGE_PARAMETER}")});
        if let Some(params) = op.entry("parameters").or_insert_with(|| json!([])).as_array_mut() {
            params.push(reference);
        }
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        if method == "get" {
            responses.entry("400").or_insert_with(|| {
                json!({
                    "description": "A request header or parameter broke its rule (the problem names it).",
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                })
            });
            // `api::middleware::not_acceptable`.
            responses.insert(
                "406".into(),
                json!({
                    "description": "`Accept` excludes the media type this is served as.",
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                }),
            );
        }
        for (status, response) in responses.iter_mut() {
            let Ok(status) = status.parse::<u16>() else { continue };
            let Some(response) = response.as_object_mut() else { continue };
            let mut headers: Map<String, Value> = Map::new();
            for (name, mut header) in
                response.remove("headers").and_then(|h| h.as_object().cloned()).unwrap_or_default()
            {
                if let Some(h) = header.as_object_mut() {
                    h.remove("deprecated");
                }
                let name = header_name(&name);
                if SENT.iter().any(|s| s.name == name) {
                    // A handler's own declaration of a header described once for all.
                    header = json!({"$ref": format!("#/components/headers/{name}")});
                }
                headers.insert(name, header);
            }
            for sent in SENT.iter().filter(|s| {
                // An endless body has no version: no ETag, never a 304.
                let applies = (s.applies)(method, status) && !(stream && s.name == "ETag");
                applies || s.name == "Link" && lists && status == 200
            }) {
                headers.insert(sent.name.into(), json!({"$ref": format!("#/components/headers/{}", sent.name)}));
            }
            response.insert("headers".into(), Value::Object(headers));
        }
    }
    let public = !op.contains_key("security");
    if public {
        op.insert("security".into(), json!([]));
    }
    let mut notes = vec![];
    match method {
        "get" if stream => notes.push(
            "A public read: no token needed. The body never ends, so it has no `ETag` and never answers 304; \
             `schema` describes one event (OpenAPI 3.1 has no `itemSchema`): its `data` is one JSON object.",
        ),
        "get" => {
            notes.push(if public {
                "A public read: no token needed. The response's `ETag` names the body; sent back as `If-None-Match`, \
                 it answers 304 while nothing changed."
            } else {
                "A read for the token's owner only (a bearer token). The response's `ETag` names the body; sent back \
                 as `If-None-Match`, it answers 304 while nothing changed."
            });
            if lists {
                notes.push(
                    "One page of a list: `limit` sets its size; the next page's `cursor` is in `links.cursor` (and \
                     the whole URL in `links.next`), absent on the last page.",
                );
            }
        }
        "put" => notes.push(
            "Stores a new version of a whole document; needs a bearer token (an admin's for councils and parties, \
             the council's publisher's otherwise). The first version answers 201; replacing one needs `If-Match` \
             with the current `ETag` (428 without, 412 when stale); the same document again answers 200 and \
             stores nothing.",
        ),
        _ => {}
    }
    let own = op.get("description").and_then(Value::as_str).map(str::to_owned);
    let description = own.into_iter().chain(notes.into_iter().map(str::to_owned)).collect::<Vec<_>>().join("\n\n");
    if !description.is_empty() {
        op.insert("description".into(), description.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_reference_becomes_a_reference_with_its_description_beside_it() {
        let mut v = json!({"allOf": [{"$ref": "#/components/schemas/Level"}, {"description": "Tier."}], "description": "Tier."});
        walk_schemas(&mut v);
        assert_eq!(v, json!({"$ref": "#/components/schemas/Level", "description": "Tier."}));
        // A real composition is kept.
        let mut v = json!({"allOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]});
        walk_schemas(&mut v);
        assert_eq!(v, json!({"allOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]}));
        let mut v = json!({"allOf": [{"$ref": "#/a"}, {"type": "object", "required": ["x"]}]});
        walk_schemas(&mut v);
        assert!(v["allOf"].is_array());
    }

    #[test]
    fn nullable_becomes_a_null_type_and_naive_date_a_date() {
        let mut v = json!({"properties": {"x": {"type": "number", "nullable": true}, "d": {"type": "string", "format": "naive-date"}}});
        walk_schemas(&mut v);
        assert_eq!(v["properties"]["x"], json!({"type": ["number", "null"]}));
        assert_eq!(v["properties"]["d"]["format"], "date");
    }

    #[test]
    fn headers_are_declared_where_they_are_sent_and_reads_are_public() {
        let mut op = json!({
            "responses": {"200": {"description": "ok", "headers": {"ETAG": {"required": true, "deprecated": false, "schema": {"type": "string"}}}},
                          "304": {"description": "nm"}, "429": {"description": "slow"}},
            "parameters": [{"name": "cursor", "in": "query"}]
        });
        operation("get", op.as_object_mut().expect("object"));
        let headers =
            |s: &str| op["responses"][s]["headers"].as_object().map(|h| h.keys().cloned().collect::<Vec<_>>());
        assert_eq!(
            headers("200").expect("200"),
            ["Cache-Status", "ETag", "Link", "Maslikhat-Read-From", "X-Request-Id"]
        );
        assert!(headers("304").expect("304").contains(&"ETag".to_owned()));
        let h429 = headers("429").expect("429");
        assert!(h429.contains(&"Retry-After".to_owned()) && h429.contains(&"RateLimit-Reset".to_owned()));
        assert!(!h429.contains(&"ETag".to_owned()));
        assert_eq!(op["security"], json!([]));
        assert!(op["description"].as_str().is_some_and(|d| d.contains("`cursor`")));
    }

    #[test]
    fn a_write_declares_an_etag_only_where_its_handler_sends_one() {
        let mut versioned = json!({"responses": {"201": {"description": "ok", "headers": {"ETAG": {"required": true, "schema": {"type": "string"}}}}}});
        operation("put", versioned.as_object_mut().expect("object"));
        assert_eq!(versioned["responses"]["201"]["headers"]["ETag"], json!({"$ref": "#/components/headers/ETag"}));
        assert!(versioned["responses"]["201"]["headers"].get("Location").is_some());
        let mut unversioned = json!({"responses": {"201": {"description": "ok"}}});
        operation("put", unversioned.as_object_mut().expect("object"));
        assert!(unversioned["responses"]["201"]["headers"].get("ETag").is_none(), "{unversioned}");
    }

    #[test]
    fn an_event_stream_declares_one_event_and_no_etag() {
        let mut op = json!({
            "responses": {"200": {"description": "ok", "content": {"text/event-stream": {"schema": {
                "type": "array", "format": "event-stream", "items": {"$ref": "#/components/schemas/ChangeView"}}}}}}
        });
        operation("get", op.as_object_mut().expect("object"));
        let ok = &op["responses"]["200"];
        assert!(ok["headers"].get("ETag").is_none(), "{ok}");
        assert!(ok["headers"].get("X-Request-Id").is_some(), "{ok}");
        let event = &ok["content"]["text/event-stream"]["schema"];
        assert_eq!(event["type"], "object");
        assert_eq!(event["properties"]["data"]["contentSchema"]["$ref"], "#/components/schemas/ChangeView");
        assert!(op["description"].as_str().is_some_and(|d| d.contains("never answers 304")));
    }

    /// Every string of up to `len` characters of `alphabet`.
    fn strings(alphabet: &[char], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    fn regex(pattern: &str) -> fancy_regex::Regex {
        fancy_regex::Regex::new(pattern).expect("the pattern compiles")
    }

    #[test]
    fn a_text_pattern_takes_exactly_what_the_server_takes() {
        use crate::domain::text::clean;
        use crate::domain::violation::Violations;
        // Letters, white space of each kind (some of it control characters, trimmed at the ends),
        // invisible and private characters, a noncharacter.
        let alphabet = [
            'a', 'я', ' ', '\t', '\n', '\u{0B}', '\u{85}', '\u{A0}', '\u{200B}', '\u{2028}', '\u{7}', '\u{E000}',
            '\u{FFFF}', '\u{AD}', '\u{3000}',
        ];
        for multiline in [false, true] {
            let re = regex(&text_pattern(3, multiline));
            // A multi-line text's limit is not in its pattern.
            let max = if multiline { 100 } else { 3 };
            for s in strings(&alphabet, 4) {
                let server = clean(&mut Violations::new(), "", &s, max, multiline).is_some();
                assert_eq!(re.is_match(&s).expect("matches"), server, "{s:?} (multi-line: {multiline})");
            }
        }
        // The limits as published.
        let line = regex(&text_pattern(8, false));
        assert!(line.is_match(" VIII    ").expect("m") && line.is_match("12345678").expect("m"));
        assert!(!line.is_match("123456789").expect("m"));
        let free = regex(&text_pattern(2000, true));
        assert!(free.is_match(&format!("\n{}\n", "б\n".repeat(999))).expect("m"));
        assert!(!free.is_match("\u{200D}\n\u{200B}").expect("m"), "only invisible characters");
        assert!(!text_pattern(2000, true).contains("(?="), "no look-ahead: schemathesis cannot use one");
    }

    #[test]
    fn the_url_and_language_tag_patterns_agree_with_the_server() {
        use crate::domain::text::{is_valid_lang, url};
        use crate::domain::violation::Violations;
        let re = regex(&url_pattern());
        for s in [
            "https://maslihat.kz/a",
            " HTTP://x ",
            "http://",
            "https:///x",
            "ftp://x",
            "https://a b",
            "https://a\u{7}b",
            "\thttps://a\n",
            "javascript:alert(1)",
            "https://a\u{A0}b",
        ] {
            assert_eq!(re.is_match(s).expect("m"), url(&mut Violations::new(), "", s).is_some(), "{s:?}");
        }
        let re = regex(LANG_PATTERN);
        for tag in
            ["kk", "kk-Latn", "kk-Cyrl", "en-GB", "ru", "KK", "kk_latn", "k", "kkkk", "kk-latn", "kk-", "zh-Hant-TW"]
        {
            assert_eq!(re.is_match(tag).expect("m"), is_valid_lang(tag), "{tag}");
        }
    }

    #[test]
    fn every_text_rule_names_a_field_of_the_document() {
        let mut doc: Value = serde_json::from_str(&crate::api::spec_json()).expect("the document is JSON");
        for (schema, property, _) in TEXTS {
            let field = doc.pointer(&format!("/components/schemas/{schema}/properties/{property}"));
            assert!(field.is_some(), "{schema}.{property} is in the document");
        }
        let names = doc.pointer_mut("/components/schemas/CouncilDoc/properties/names").expect("names").take();
        assert_eq!(names["minProperties"], 1);
        assert_eq!(names["propertyNames"]["pattern"], LANG_PATTERN);
        assert!(names["additionalProperties"]["pattern"].as_str().is_some_and(|p| p.contains("\\u0000-\\u001F")));
    }
}
