//! Helpers shared by the cross-crate tests in `tests/tests/`.
//!
//! The spec is the single source of truth, so fixtures come out of it: every `example` in
//! `openapi/paymentoptions-hpp.yaml` is a test case, and `fixtures/*.json` are copies that a test
//! keeps equal to the spec.

pub mod browser;
pub mod strategy;

/// Calls `$m!(Type)` for every component schema of the spec: the one list the model snapshots
/// (`tests/models.rs`) and the round-trip properties (`tests/properties/`) iterate.
/// `tests/models.rs` (`every_component_schema_is_listed`) fails, naming this macro, when the
/// spec gains a schema that is missing here.
#[macro_export]
macro_rules! for_each_component {
    ($m:ident) => {
        $m!(Address);
        $m!(AddressRequest);
        $m!(BillingDetails);
        $m!(CaptureRequest);
        $m!(Card);
        $m!(CardNumber);
        $m!(DeviceDetails);
        $m!(ErrorBody);
        $m!(GatewayResponse);
        $m!(HppLinkRequest);
        $m!(HppLinkResponse);
        $m!(MerchantDetails);
        $m!(PaymentDetails);
        $m!(PaymentMethod);
        $m!(RefundRequest);
        $m!(ReturnUrls);
        $m!(ReturnUrlsRequest);
        $m!(StoredCardPaymentRequest);
        $m!(StoredPaymentMethod);
        $m!(TransactionDetails);
        $m!(TransactionEnvelope);
        $m!(TransactionNotification);
        $m!(TransactionRef);
        $m!(VoidRequest);
    };
}

use serde_json::Value;

pub use xtask::workspace_root;

/// The spec, parsed.
pub fn spec() -> Value {
    xtask::spec::load(&workspace_root().join(xtask::SPEC_PATH))
        .expect("the spec loads")
        .to_json()
}

/// An `example` found in the spec, with the component schema it is an example of.
#[derive(Debug, Clone)]
pub struct SpecExample {
    /// Component schema name, e.g. `HppLinkRequest`.
    pub schema: String,
    /// JSON pointer to the example inside the spec, for messages.
    pub location: String,
    /// The example itself.
    pub value: Value,
}

/// Every example in the spec that belongs to a component schema: examples written on the
/// schema itself, and request/response examples whose schema is a `$ref` to a component.
pub fn spec_examples() -> Vec<SpecExample> {
    let spec = spec();
    let mut out = Vec::new();
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if let Some(example) = schema.get("example") {
                out.push(SpecExample {
                    schema: name.clone(),
                    location: format!("#/components/schemas/{name}/example"),
                    value: example.clone(),
                });
            }
        }
    }
    collect_media_examples(&spec, "#", &mut out);
    out
}

fn collect_media_examples(value: &Value, at: &str, out: &mut Vec<SpecExample>) {
    let Value::Object(map) = value else { return };
    let schema_name = map
        .get("schema")
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"));
    if let Some(name) = schema_name {
        if let Some(example) = map.get("example") {
            out.push(SpecExample {
                schema: name.to_string(),
                location: format!("{at}/example"),
                value: example.clone(),
            });
        }
        // Named examples (`examples: {name: {value: ...}}`), in the spec's order.
        for (key, named) in map
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(example) = named.get("value") {
                out.push(SpecExample {
                    schema: name.to_string(),
                    location: format!("{at}/examples/{key}/value"),
                    value: example.clone(),
                });
            }
        }
    }
    for (k, v) in map {
        if k == "example" || k == "examples" || k == "components" {
            continue;
        }
        let escaped = k.replace('~', "~0").replace('/', "~1");
        collect_media_examples(v, &format!("{at}/{escaped}"), out);
    }
}

/// The one spec example of component `schema` (panics unless there is exactly one), or, with
/// `Some(name)`, its named example `name` (`examples: {name: {value: ...}}`).
pub fn spec_example(schema: &str, name: Option<&str>) -> Value {
    let found: Vec<_> = spec_examples()
        .into_iter()
        .filter(|e| e.schema == schema)
        .filter(|e| match name {
            Some(name) => e.location.ends_with(&format!("/examples/{name}/value")),
            None => true,
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one example of {schema} ({name:?}), found {found:?}"
    );
    found[0].value.clone()
}
