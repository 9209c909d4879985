//! How the sandbox reads a request: the body checked against the spec's rule table through
//! `paymentoptions_hpp_client::rules` (the one reading the library's checks call too), then
//! decoded into the generated model, which refuses a value of the wrong JSON type and keeps no
//! field the spec does not name. The handlers work on the model; the bytes as received are
//! kept where a view shows them.
//!
//! What the server is believed to refuse beyond the spec's rules (an unknown card, a state,
//! an amount above what a 64-bit server holds) is the handlers' own, in `transactions`.

use paymentoptions_hpp_client::api::{self, FieldRule, request_rules};
use paymentoptions_hpp_client::types;
use paymentoptions_hpp_client::{document, rules};
use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// One rule a request breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `billing_address.country` (empty for the body itself),
    /// or the path parameter's name.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A request body model of the spec, with the rule table of its schema.
pub trait RequestBody: DeserializeOwned {
    /// The schema's rules (`api::request_rules`).
    const RULES: &'static [FieldRule];
    /// The schema's name under `components/schemas` (the model's name).
    const SCHEMA: &'static str;
}

macro_rules! request_bodies {
    ($($model:ident => $rules:ident),* $(,)?) => {$(
        impl RequestBody for types::$model {
            const RULES: &'static [FieldRule] = request_rules::$rules;
            const SCHEMA: &'static str = stringify!($model);
        }
    )*};
}

request_bodies! {
    HppLinkRequest => HPP_LINK_REQUEST,
    CaptureRequest => CAPTURE_REQUEST,
    RefundRequest => REFUND_REQUEST,
    VoidRequest => VOID_REQUEST,
    StoredCardPaymentRequest => STORED_CARD_PAYMENT_REQUEST,
}

/// `body` as model `M`, or every rule of the spec it breaks (a body that keeps the rules but
/// does not decode names the first field that does not).
///
/// ```
/// use paymentoptions_hpp_client::types::HppLinkRequest;
/// use paymentoptions_hpp_mock::spec;
///
/// let errors = spec::read::<HppLinkRequest>(&serde_json::json!({"currency": "XYZ"})).unwrap_err();
/// assert_eq!(errors[0].field, "currency");
/// let request: HppLinkRequest = spec::read(&serde_json::json!({"amount": 1000})).unwrap();
/// assert_eq!(request.amount, Some(1000));
/// ```
pub fn read<M: RequestBody>(body: &Value) -> Result<M, Vec<FieldError>> {
    let broken = rules::check_body(body, M::RULES, "");
    if !broken.is_empty() {
        return Err(broken.into_iter().map(FieldError::from).collect());
    }
    // The models read `null` as absent, and an array as an object's fields in order; the spec
    // allows `null` only where a field is `nullable`, and an object only as an object. Most
    // bodies hold neither a `null` nor an array, and skip the walk.
    if holds_null_or_array(body) {
        let mut wrong = Vec::new();
        let schema = SPEC.pointer(&format!("/components/schemas/{}", M::SCHEMA));
        if let Some(schema) = schema {
            shape_errors(body, schema, "", &mut wrong);
        }
        if !wrong.is_empty() {
            return Err(wrong);
        }
    }
    // Most bodies decode: only a failure pays for tracking the path to name its field.
    if let Ok(model) = M::deserialize(body) {
        return Ok(model);
    }
    serde_path_to_error::deserialize(body).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        vec![FieldError {
            field,
            message: e.into_inner().to_string(),
        }]
    })
}

/// Every rule of the spec that path parameter `name` breaks with `value`; `params` is its
/// operation's table (`api::path_params`).
pub fn path_parameter_errors(params: &[FieldRule], name: &str, value: &str) -> Vec<FieldError> {
    let mut broken = Vec::new();
    for rule in params.iter().filter(|r| r.path == name) {
        rules::check_value(name, Some(&Value::from(value)), rule, &mut broken);
    }
    broken.into_iter().map(FieldError::from).collect()
}

/// The embedded spec, parsed once per process.
static SPEC: LazyLock<Value> = LazyLock::new(document::parsed);

/// Whether `value` holds a `null` or an array at any depth (most bodies hold neither).
fn holds_null_or_array(value: &Value) -> bool {
    match value {
        Value::Null | Value::Array(_) => true,
        Value::Object(members) => members.values().any(holds_null_or_array),
        _ => false,
    }
}

/// `schema` with its `$ref` followed.
fn resolved(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(target) => target
            .strip_prefix('#')
            .and_then(|pointer| SPEC.pointer(pointer))
            .map_or(schema, resolved),
        None => schema,
    }
}

/// The members of `body` that are `null` where `schema` names them without `nullable: true`,
/// or not an object where it names an object. Members the schema does not name are not the
/// spec's to refuse.
fn shape_errors(body: &Value, schema: &Value, at: &str, out: &mut Vec<FieldError>) {
    let (Value::Object(members), Some(Value::Object(properties))) =
        (body, resolved(schema).get("properties"))
    else {
        return;
    };
    for (name, member) in members {
        let Some(property) = properties.get(name) else {
            continue;
        };
        let field = if at.is_empty() {
            name.clone()
        } else {
            format!("{at}.{name}")
        };
        let target = resolved(property);
        let nullable = property.get("nullable") == Some(&Value::Bool(true))
            || target.get("nullable") == Some(&Value::Bool(true));
        let object = target.get("type").and_then(Value::as_str) == Some("object")
            || target.get("properties").is_some();
        let message = match member {
            Value::Null if !nullable => "null is not allowed here: leave the field out",
            Value::Null => continue,
            Value::Object(_) => {
                shape_errors(member, property, &field, out);
                continue;
            }
            _ if object => "expected a JSON object",
            _ => continue,
        };
        out.push(FieldError {
            field,
            message: message.into(),
        });
    }
}

impl From<rules::Broken> for FieldError {
    fn from(broken: rules::Broken) -> Self {
        Self {
            message: broken.problem.to_string(),
            field: broken.field,
        }
    }
}

/// The example of operation `operation`'s JSON request body, if the spec gives one.
pub(crate) fn request_example(operation: api::Operation) -> Option<Value> {
    document::operation(&document::parsed(), operation)?
        .pointer("/requestBody/content/application~1json/example")
        .cloned()
}

/// The example of operation `operation`'s JSON answer with `status`, if the spec gives one.
pub(crate) fn response_example(operation: api::Operation, status: u16) -> Option<Value> {
    document::operation(&document::parsed(), operation)?
        .get("responses")?
        .get(status.to_string())?
        .pointer("/content/application~1json/example")
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(body: Value) -> Vec<String> {
        read::<types::HppLinkRequest>(&body)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn the_spec_example_is_valid() {
        let example = request_example(api::GENERATE_HPP_LINK).unwrap();
        assert_eq!(fields(example), Vec::<String>::new());
        assert_eq!(fields(json!({})), Vec::<String>::new());
        assert_eq!(fields(json!({"amount": null})), Vec::<String>::new());
    }

    #[test]
    fn rules_then_types_are_named_by_field() {
        assert_eq!(fields(json!({"amount": -1})), ["amount"]);
        assert_eq!(fields(json!({"amount": "1000"})), ["amount"]);
        // JSON Schema's `integer` admits these; the generated model does not.
        for number in [json!(5.0), json!(1e3), json!(1e300)] {
            assert_eq!(fields(json!({"amount": number})), ["amount"], "{number}");
        }
        assert_eq!(
            fields(json!({"billing_address": {"country": "JP", "city": 5}})),
            ["billing_address.city"]
        );
        assert_eq!(fields(json!([1, 2])), [""]);
        assert_eq!(
            fields(json!({"currency": "jpy", "merchant_email": "nope"})),
            ["currency", "merchant_email"]
        );
        let errors = read::<types::HppLinkRequest>(&json!({"currency": "jpy"})).unwrap_err();
        assert!(errors[0].message.contains("use JPY"), "{errors:?}");
    }

    #[test]
    fn null_and_arrays_are_refused_where_the_spec_does_not_allow_them() {
        assert_eq!(fields(json!({"amount": null})), Vec::<String>::new());
        assert_eq!(
            fields(json!({"shipping_address": {"postal_code": null}})),
            ["shipping_address.postal_code"]
        );
        assert_eq!(
            fields(json!({"return_url": {"webhook_url": null}, "merchant_id": null})),
            ["merchant_id", "return_url.webhook_url"]
        );
        assert_eq!(fields(json!({"return_url": null})), ["return_url"]);
        // An array where an object belongs, even one no rule reaches into.
        assert_eq!(
            fields(json!({"payment_method": [null, null]})),
            ["payment_method"]
        );
        // A member the spec does not name is not the spec's to refuse.
        assert_eq!(fields(json!({"x_unknown": null})), Vec::<String>::new());
        let errors = read::<types::VoidRequest>(&json!({
            "transactionId": "4f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f",
            "merchant_id": null,
        }))
        .unwrap_err();
        assert_eq!(errors[0].field, "merchant_id");
    }

    #[test]
    fn an_int64_amount_beyond_64_bits_is_refused_by_its_range() {
        let errors = read::<types::CaptureRequest>(&json!({
            "transactionId": "7a1c9e52-0000-4000-8000-000000000000",
            "amount": u64::MAX,
        }))
        .unwrap_err();
        assert_eq!(errors[0].field, "amount");
        assert!(errors[0].message.contains("higher than"), "{errors:?}");
    }

    #[test]
    fn unknown_fields_are_not_kept() {
        let request: types::HppLinkRequest = read(&json!({
            "amount": 1,
            "billing_address": {"country": "JP", "extra": vec![0; 1000]},
            "unknown": {"deep": [1, 2, 3]},
        }))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"amount": 1, "billing_address": {"country": "JP"}})
        );
    }

    #[test]
    fn path_parameters_are_checked_by_name() {
        const STATUS: &[FieldRule] = api::path_params::GET_TRANSACTION_STATUS;
        let long = "x".repeat(1000);
        let errors = path_parameter_errors(STATUS, "transactionId", &long);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "transactionId");
        assert!(
            path_parameter_errors(
                STATUS,
                "transactionId",
                "7a1c9e52-0000-4000-8000-000000000000"
            )
            .is_empty()
        );
    }
}
