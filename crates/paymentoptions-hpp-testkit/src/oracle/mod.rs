//! The tests' independent oracle of the spec's schemas: a JSON-Schema validator (`jsonschema`)
//! over the embedded OpenAPI document, with the spec's formats registered.
//!
//! The library and the sandbox read the spec's rules through the generated rule table and
//! `paymentoptions_hpp_client::rules`; this reads the schemas themselves, a second
//! interpretation on purpose, so that tests can hold the shared reading (and the answers the
//! sandbox gives) against one it does not share code with, beyond the definitions of the
//! formats. OpenAPI 3.0 schemas are a dialect of JSON Schema; [`to_json_schema`] translates the
//! parts that differ (`nullable`, `$ref` targets, annotation-only keywords).

use paymentoptions_hpp_client::{api, document, formats};
use serde_json::{Map, Value, json};

/// One rule a request body breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `billing_address.country` (empty for the body itself).
    pub field: String,
    /// What is wrong, in the validator's words.
    pub message: String,
}

/// Validates JSON values against one component schema of the spec (a request's or an answer's).
pub struct SchemaValidator {
    validator: jsonschema::Validator,
    /// The translated root schema, read again to find integers written with a fraction.
    root: Value,
}

impl SchemaValidator {
    /// A validator for the spec's `HppLinkRequest` schema.
    pub fn hpp_link_request() -> Self {
        Self::for_component("HppLinkRequest")
    }

    /// A validator for component schema `name` of the embedded spec.
    ///
    /// Panics if the embedded spec has no such schema or cannot be compiled: both would be
    /// bugs caught by this crate's tests, not conditions a user can cause.
    pub fn for_component(name: &str) -> Self {
        let spec = document::parsed();
        assert!(
            spec.pointer(&format!("/components/schemas/{name}"))
                .is_some(),
            "the spec has no schema {name}"
        );
        Self::compile(&spec, json!({"$ref": format!("#/definitions/{name}")}))
    }

    /// A validator for the JSON request body of `operation`.
    ///
    /// Panics if the operation has no JSON body schema given by a reference: a bug caught by
    /// this crate's tests.
    pub fn for_operation(operation: api::Operation) -> Self {
        let spec = document::parsed();
        let reference = document::operation(&spec, operation)
            .expect("the spec has the operation")
            .pointer("/requestBody/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .expect("the operation's body schema is a reference");
        let name = reference.rsplit('/').next().expect("a schema name");
        Self::for_component(name)
    }

    /// A validator for path parameter `name` of `operation`: its errors name the parameter.
    ///
    /// Panics if the operation has no such parameter: a bug caught by this crate's tests.
    pub fn for_path_parameter(operation: api::Operation, name: &str) -> Self {
        let spec = document::parsed();
        let schema = document::operation(&spec, operation)
            .expect("the spec has the operation")
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|p| p["in"] == "path" && p["name"] == name)
            .and_then(|p| p.get("schema"))
            .expect("the operation has the path parameter")
            .clone();
        Self::compile(&spec, json!({"properties": {name: schema}}))
    }

    /// `schema` (which may refer to the spec's components) as a validator.
    fn compile(spec: &Value, schema: Value) -> Self {
        let components = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .expect("the spec has component schemas");
        let definitions: Map<String, Value> = components
            .iter()
            .map(|(k, v)| (k.clone(), to_json_schema(v)))
            .collect();
        let mut root = to_json_schema(&schema);
        root["$schema"] = json!("http://json-schema.org/draft-07/schema#");
        root["definitions"] = Value::Object(definitions);
        // The spec's formats mean what `formats` says, for the client and this sandbox alike:
        // `jsonschema` would ignore the ISO ones and read `uri` and `email` its own way.
        let mut options = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true);
        for &format in formats::FORMATS {
            options = options.with_format(format, move |value| {
                formats::is_valid(format, value) == Some(true)
            });
        }
        let validator = options.build(&root).expect("the spec's schemas compile");
        Self { validator, root }
    }

    /// Every rule `body` breaks, in document order (empty when it is valid).
    ///
    /// JSON Schema's `integer` also admits `5.0` and `1e3`; this sandbox refuses them, like the
    /// client's decoder does, so that an amount is never read as "no amount" later.
    pub fn errors(&self, body: &Value) -> Vec<FieldError> {
        let mut fractional = Vec::new();
        // Only a number written with a fraction or an exponent can be one: most bodies have
        // none, and a walk of the body alone is much cheaper than one that follows the schema.
        if written_with_fraction(body) {
            non_integers(
                &self.root,
                &self.root,
                body,
                &mut Vec::new(),
                &mut fractional,
            );
        }
        // Most bodies are valid: `is_valid` stops at the first failure and builds no error
        // objects, so it costs a fraction of `iter_errors`, which only invalid bodies pay for.
        if fractional.is_empty() && self.validator.is_valid(body) {
            return Vec::new();
        }
        let schema_errors = self.validator.iter_errors(body).map(|e| {
            let pointer = e.instance_path().to_string();
            let field = pointer
                .trim_start_matches('/')
                .split('/')
                .map(|seg| seg.replace("~1", "/").replace("~0", "~"))
                .collect::<Vec<_>>()
                .join(".");
            FieldError {
                field,
                message: e.to_string(),
            }
        });
        // One error per field: `1e300` is both fractional in form and out of range.
        let schema_errors: Vec<FieldError> = schema_errors
            .filter(|e| !fractional.iter().any(|f| f.field == e.field))
            .collect();
        fractional.into_iter().chain(schema_errors).collect()
    }
}

/// JSON pointers of every object member in `value`, at every depth (`/billing_address/city`),
/// members after their own members: the places a test can mutate a body at.
pub fn member_pointers(value: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(map) = value {
        for (key, member) in map {
            let pointer = format!("{prefix}/{key}");
            member_pointers(member, &pointer, out);
            out.push(pointer);
        }
    }
}

/// Whether `value` holds a number written with a fraction or an exponent (or too large for a
/// 64-bit integer): serde_json reads exactly those as `f64`.
fn written_with_fraction(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(written_with_fraction),
        Value::Object(members) => members.values().any(written_with_fraction),
        _ => false,
    }
}

/// Members of `body` that `schema` types as `integer` but that are written as a number with a
/// fraction or an exponent (`5.0`, `1e3`), in document order. `root` resolves `$ref`s.
fn non_integers(
    root: &Value,
    schema: &Value,
    body: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<FieldError>,
) {
    let Value::Object(schema) = schema else {
        return;
    };
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(resolved) = target.strip_prefix('#').and_then(|p| root.pointer(p)) {
            non_integers(root, resolved, body, path, out);
        }
        return;
    }
    for combined in ["allOf", "anyOf", "oneOf"] {
        for branch in schema
            .get(combined)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            non_integers(root, branch, body, path, out);
        }
    }
    let integer = match schema.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(types)) => types.iter().any(|t| t == "integer"),
        _ => false,
    };
    if integer
        && let Value::Number(n) = body
        && n.is_f64()
    {
        let field = path.join(".");
        if !out.iter().any(|e| e.field == field) {
            out.push(FieldError {
                message: format!(
                    "{n} is not an integer: write it without a fraction or exponent \
                     (5, not 5.0)"
                ),
                field,
            });
        }
    }
    if let (Some(Value::Object(properties)), Value::Object(members)) =
        (schema.get("properties"), body)
    {
        for (name, member) in members {
            if let Some(property) = properties.get(name) {
                path.push(name.clone());
                non_integers(root, property, member, path, out);
                path.pop();
            }
        }
    }
    if let (Some(items), Value::Array(elements)) = (schema.get("items"), body) {
        for (i, element) in elements.iter().enumerate() {
            path.push(i.to_string());
            non_integers(root, items, element, path, out);
            path.pop();
        }
    }
}

/// Keywords of OpenAPI 3.0 schema objects that carry no validation rule.
const ANNOTATIONS: [&str; 8] = [
    "example",
    "xml",
    "externalDocs",
    "discriminator",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
];

/// Translates one OpenAPI 3.0 schema object into JSON Schema draft 7.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        if ANNOTATIONS.contains(&key.as_str()) {
            continue;
        }
        let converted = match key.as_str() {
            "$ref" => match value.as_str() {
                Some(r) => Value::String(r.replace("#/components/schemas/", "#/definitions/")),
                None => value.clone(),
            },
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(name, s)| (name.clone(), to_json_schema(s)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => to_json_schema(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .map(|items| items.iter().map(to_json_schema).collect())
                    .unwrap_or_default(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    // JSON Schema has no `int64`; OpenAPI's `format` names the range the server can hold, so
    // 1e300 must not pass as an integer.
    let bounds = match (
        map.get("type").and_then(Value::as_str),
        map.get("format").and_then(Value::as_str),
    ) {
        (Some("integer"), Some("int64")) => Some((json!(i64::MIN), json!(i64::MAX))),
        (Some("integer"), Some("int32")) => Some((json!(i32::MIN), json!(i32::MAX))),
        _ => None,
    };
    if let Some((min, max)) = bounds {
        out.entry("minimum").or_insert(min);
        out.entry("maximum").or_insert(max);
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                values.push(Value::Null);
            }
        } else {
            return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests;
