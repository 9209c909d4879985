//! What the diff compares in one schema: the parts that make its Rust type, and its rules.

use serde_json::Value;

/// Keywords whose change changes the generated Rust type.
const TYPE_FORMATS: [&str; 9] = [
    "int32",
    "int64",
    "float",
    "double",
    "uuid",
    "date-time",
    "date",
    "byte",
    "binary",
];

/// The parts of a schema that make its Rust type: type, type-defining format, `$ref`, and the
/// composition of `oneOf`/`anyOf`/`allOf`/`items`.
pub(super) fn type_sig(schema: &Value) -> String {
    let Some(map) = schema.as_object() else {
        return "any".into();
    };
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        return r.trim_start_matches("#/components/schemas/").to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(items) = map.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = items.iter().map(type_sig).collect();
            return format!("{key}[{}]", parts.join(", "));
        }
    }
    let mut sig = map
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("any")
        .to_string();
    if let Some(f) = map.get("format").and_then(Value::as_str)
        && TYPE_FORMATS.contains(&f)
    {
        sig = format!("{sig}({f})");
    }
    if let Some(items) = map.get("items") {
        sig = format!("{sig}<{}>", type_sig(items));
    }
    sig
}

/// Rules that constrain values without changing the type, with which way is stricter.
pub(super) const RULES: [(&str, Strict); 9] = [
    ("maxLength", Strict::Lower),
    ("minLength", Strict::Higher),
    ("maximum", Strict::Lower),
    ("minimum", Strict::Higher),
    ("maxItems", Strict::Lower),
    ("minItems", Strict::Higher),
    ("pattern", Strict::Any),
    ("format", Strict::Any),
    ("multipleOf", Strict::Any),
];

#[derive(Clone, Copy)]
pub(super) enum Strict {
    Lower,
    Higher,
    Any,
}

/// Rules typify turns into a checked newtype when they sit on a string.
pub(super) fn has_newtype_rules(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && ["maxLength", "minLength", "pattern"]
            .iter()
            .any(|k| schema.get(*k).is_some())
}

pub(super) fn docs(schema: &Value) -> Value {
    serde_json::json!([schema.get("description"), schema.get("example")])
}
