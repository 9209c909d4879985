//! Request validation against the OpenAPI document the client is generated from.
//!
//! The spec is embedded in `paymentoptions-hpp-client` (`api::OPENAPI_JSON`, written by
//! `cargo xtask generate`), so this sandbox and the client can never disagree about a rule.
//! OpenAPI 3.0 schemas are a dialect of JSON Schema; [`to_json_schema`] translates the parts
//! that differ (`nullable`, `$ref` targets, annotation-only keywords) and `jsonschema` does the
//! validation.

use paymentoptions_hpp_client::api;
use serde_json::{Map, Value, json};

/// One rule a request body breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `billing_address.country` (empty for the body itself).
    pub field: String,
    /// What is wrong, in the validator's words.
    pub message: String,
}

/// Validates request bodies against one component schema of the spec.
pub struct RequestValidator {
    validator: jsonschema::Validator,
}

impl RequestValidator {
    /// A validator for the spec's `HppLinkRequest` schema.
    pub fn hpp_link_request() -> Self {
        Self::for_component("HppLinkRequest")
    }

    /// A validator for component schema `name` of the embedded spec.
    ///
    /// Panics if the embedded spec has no such schema or cannot be compiled: both would be
    /// bugs caught by this crate's tests, not conditions a user can cause.
    pub fn for_component(name: &str) -> Self {
        let spec: Value =
            serde_json::from_str(api::OPENAPI_JSON).expect("the embedded spec is JSON");
        let components = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .expect("the spec has component schemas");
        assert!(
            components.contains_key(name),
            "the spec has no schema {name}"
        );
        let definitions: Map<String, Value> = components
            .iter()
            .map(|(k, v)| (k.clone(), to_json_schema(v)))
            .collect();
        let root = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$ref": format!("#/definitions/{name}"),
            "definitions": definitions,
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&root)
            .expect("the spec's schemas compile");
        Self { validator }
    }

    /// Every rule `body` breaks, in document order (empty when it is valid).
    pub fn errors(&self, body: &Value) -> Vec<FieldError> {
        // Most bodies are valid: `is_valid` stops at the first failure and builds no error
        // objects, so it costs a fraction of `iter_errors`, which only invalid bodies pay for.
        if self.validator.is_valid(body) {
            return Vec::new();
        }
        self.validator
            .iter_errors(body)
            .map(|e| {
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
            })
            .collect()
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
mod tests {
    use super::*;

    fn fields(body: Value) -> Vec<String> {
        RequestValidator::hpp_link_request()
            .errors(&body)
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn the_spec_example_is_valid() {
        let spec: Value = serde_json::from_str(api::OPENAPI_JSON).unwrap();
        let example = spec
            .pointer("/paths/~1api~1v1~1server-to-server-interface~1hpp~1generate~1link/post/requestBody/content/application~1json/example")
            .unwrap();
        assert_eq!(fields(example.clone()), Vec::<String>::new());
        assert_eq!(fields(json!({})), Vec::<String>::new());
        assert_eq!(fields(json!({"amount": null})), Vec::<String>::new());
    }

    /// JSON pointers of every object member in `value`, at every depth.
    fn member_pointers(value: &Value, prefix: &str, out: &mut Vec<String>) {
        if let Value::Object(map) = value {
            for (key, member) in map {
                let pointer = format!("{prefix}/{key}");
                member_pointers(member, &pointer, out);
                out.push(pointer);
            }
        }
    }

    /// `errors` asks `is_valid` first and only then `iter_errors`: the two must agree on every
    /// body, or a body `iter_errors` rejects would be accepted. Every member of the example, at
    /// every depth, is replaced by values of every JSON type (and broken formats, lengths,
    /// enums, ranges) and removed.
    #[test]
    fn is_valid_agrees_with_iter_errors() {
        let spec: Value = serde_json::from_str(api::OPENAPI_JSON).unwrap();
        let example = spec
            .pointer("/paths/~1api~1v1~1server-to-server-interface~1hpp~1generate~1link/post/requestBody/content/application~1json/example")
            .unwrap()
            .clone();
        let junk = [
            json!(null),
            json!(true),
            json!(0),
            json!(-1),
            json!(1.5),
            json!(1e300),
            json!(i64::MAX),
            json!(""),
            json!("x".repeat(300)),
            json!("JP"),
            json!("JPY"),
            json!("jpy"),
            json!("a@b.example"),
            json!("not an e-mail"),
            json!("http://www.example.com/"),
            json!("not a uri"),
            json!("scheme"),
            json!([]),
            json!([1, "x"]),
            json!({}),
            json!({"unknown": 1}),
        ];
        let mut pointers = Vec::new();
        member_pointers(&example, "", &mut pointers);
        let mut bodies = vec![example.clone(), json!([]), json!("x"), json!(null)];
        bodies.extend(junk.iter().cloned());
        for pointer in &pointers {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            for value in junk.iter().map(Some).chain([None]) {
                let mut body = example.clone();
                let object = body.pointer_mut(parent).unwrap().as_object_mut().unwrap();
                match value {
                    Some(v) => object.insert(key.to_string(), v.clone()),
                    None => object.remove(key),
                };
                bodies.push(body);
            }
        }
        let validator = RequestValidator::hpp_link_request().validator;
        let mut rejected = 0;
        for body in &bodies {
            let valid = validator.is_valid(body);
            assert_eq!(
                valid,
                validator.iter_errors(body).next().is_none(),
                "{body}"
            );
            rejected += usize::from(!valid);
        }
        assert!(
            rejected > bodies.len() / 2,
            "{rejected} of {}",
            bodies.len()
        );
    }

    #[test]
    fn spec_rules_are_enforced_with_field_paths() {
        assert_eq!(
            fields(json!({"merchant_txn_ref": "x".repeat(46)})),
            ["merchant_txn_ref"]
        );
        assert_eq!(fields(json!({"amount": -1})), ["amount"]);
        assert_eq!(fields(json!({"amount": "1000"})), ["amount"]);
        assert_eq!(fields(json!({"amount": 1e300})), ["amount"]);
        assert_eq!(
            fields(json!({"amount": 9223372036854775807_i64})),
            Vec::<String>::new()
        );
        assert_eq!(fields(json!({"currency": "jpy"})), ["currency"]);
        assert_eq!(
            fields(json!({"merchant_email": "nope"})),
            ["merchant_email"]
        );
        let found: std::collections::BTreeSet<String> =
            fields(json!({"billing_address": {"country": "JPN", "city": 5}}))
                .into_iter()
                .collect();
        assert_eq!(
            found,
            ["billing_address.city", "billing_address.country"]
                .map(String::from)
                .into()
        );
        assert_eq!(
            fields(json!({"return_url": {"success_url": "not a uri"}})),
            ["return_url.success_url"]
        );
        assert_eq!(fields(json!([1, 2])), [""]);
    }

    #[test]
    fn nullable_is_translated() {
        assert_eq!(
            to_json_schema(&json!({"type": "integer", "nullable": true, "example": 1})),
            json!({"type": ["integer", "null"]})
        );
        assert_eq!(
            to_json_schema(&json!({"type": "integer", "format": "int64", "minimum": 0})),
            json!({"type": "integer", "format": "int64", "minimum": 0, "maximum": i64::MAX})
        );
        assert_eq!(
            to_json_schema(&json!({"$ref": "#/components/schemas/X", "nullable": true})),
            json!({"anyOf": [{"$ref": "#/definitions/X"}, {"type": "null"}]})
        );
        assert_eq!(
            to_json_schema(&json!({"properties": {"example": {"type": "string", "example": "x"}}})),
            json!({"properties": {"example": {"type": "string"}}})
        );
    }
}
