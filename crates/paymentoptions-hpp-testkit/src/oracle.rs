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
mod tests {
    use super::*;

    fn fields(body: Value) -> Vec<String> {
        SchemaValidator::hpp_link_request()
            .errors(&body)
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn the_spec_example_is_valid() {
        let spec = document::parsed();
        let example = document::operation(&spec, api::GENERATE_HPP_LINK)
            .and_then(|o| o.pointer("/requestBody/content/application~1json/example"))
            .unwrap();
        assert_eq!(fields(example.clone()), Vec::<String>::new());
        assert_eq!(fields(json!({})), Vec::<String>::new());
        assert_eq!(fields(json!({"amount": null})), Vec::<String>::new());
    }

    /// The spec's example, and the example with every member, at every depth, replaced by
    /// values of every JSON type (and broken formats, lengths, enums, ranges) or removed.
    fn mutated_examples() -> Vec<Value> {
        let spec = document::parsed();
        let example = document::operation(&spec, api::GENERATE_HPP_LINK)
            .and_then(|o| o.pointer("/requestBody/content/application~1json/example"))
            .unwrap()
            .clone();
        let junk = [
            json!(null),
            json!(true),
            json!(0),
            json!(-1),
            json!(1.5),
            json!(5.0),
            json!(1e300),
            json!(i64::MAX),
            json!(u64::MAX),
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
            json!([2.5]),
            json!({}),
            json!({"unknown": 1}),
            json!({"amount": 1.0}),
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
        bodies
    }

    /// `errors` asks `is_valid` first and only then `iter_errors`: the two must agree on every
    /// body, or a body `iter_errors` rejects would be accepted.
    #[test]
    fn is_valid_agrees_with_iter_errors() {
        let bodies = mutated_examples();
        let validator = SchemaValidator::hpp_link_request().validator;
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

    /// `errors` walks the schema for integers written with a fraction only when the body has
    /// such a number at all: the walk must find nothing in every other body.
    #[test]
    fn the_fraction_walk_is_skipped_only_when_it_would_find_nothing() {
        let validator = SchemaValidator::hpp_link_request();
        let mut found = 0;
        for body in mutated_examples() {
            let mut out = Vec::new();
            non_integers(
                &validator.root,
                &validator.root,
                &body,
                &mut Vec::new(),
                &mut out,
            );
            if !out.is_empty() {
                found += 1;
                assert!(written_with_fraction(&body), "{body}: {out:?}");
            }
        }
        assert!(found > 0, "the corpus has integers written with a fraction");
        assert!(!written_with_fraction(
            &json!({"a": [1, {"b": -2}], "c": "1.5"})
        ));
        assert!(written_with_fraction(&json!({"a": [1, {"b": 2.0}]})));
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
        // JSON Schema's `integer` admits these; the sandbox does not.
        for float in [json!(5.0), json!(5000.0), json!(1e3), json!(0.0)] {
            assert_eq!(fields(json!({"amount": float})), ["amount"], "{float}");
        }
        let errors = SchemaValidator::hpp_link_request().errors(&json!({"amount": 5.0}));
        assert!(errors[0].message.contains("not an integer"), "{errors:?}");
        assert_eq!(
            fields(json!({"amount": 9223372036854775807_i64})),
            Vec::<String>::new()
        );
        // Its pattern and its format each say so.
        assert_eq!(fields(json!({"currency": "jpy"})), ["currency", "currency"]);
        // The formats are the shared definitions (`formats`), not `jsonschema`'s or none.
        for (body, field) in [
            (json!({"currency": "XYZ"}), "currency"),
            (
                json!({"billing_address": {"country": "UK"}}),
                "billing_address.country",
            ),
            (
                json!({"shipping_address": {"country": "ZZ"}}),
                "shipping_address.country",
            ),
            (
                json!({"return_url": {"success_url": "https://"}}),
                "return_url.success_url",
            ),
            (
                json!({"return_url": {"success_url": "https://shop.example:99999/"}}),
                "return_url.success_url",
            ),
        ] {
            assert!(fields(body.clone()).contains(&field.to_string()), "{body}");
        }
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
        // Not a URI, and not http(s): both rules are named, on the one field.
        assert_eq!(
            fields(json!({"return_url": {"success_url": "not a uri"}})),
            ["return_url.success_url", "return_url.success_url"]
        );
        // A URI, but not http(s): the pattern and the shared `uri` format both refuse it.
        assert_eq!(
            fields(json!({"return_url": {"success_url": "javascript:alert(1)"}})),
            ["return_url.success_url", "return_url.success_url"]
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
