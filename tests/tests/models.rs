//! Guards on the generated models, meant to be read in pull requests:
//!
//! * `snapshots/models__schema@<Type>.snap`: the JSON Schema (schemars) of every model type, so a
//!   spec change shows up as a readable diff of what the Rust types accept and emit;
//! * `snapshots/models__decoded@<Type>.snap`: each spec example decoded into its generated type
//!   (Rust `Debug`), so a reviewer sees how each field is typed;
//! * every spec example survives decode -> encode unchanged (no field lost, renamed or re-typed).

use std::collections::BTreeSet;

use paymentoptions_hpp_client::CardNumber;
use paymentoptions_hpp_client::types::*;
use paymentoptions_hpp_tests::{spec_examples, workspace_root};
use serde_json::Value;

use paymentoptions_hpp_tests::for_each_component;

fn listed_components() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    macro_rules! name {
        ($t:ident) => {
            names.insert(stringify!($t).to_string());
        };
    }
    for_each_component!(name);
    names
}

fn schema_json<T: schemars::JsonSchema>() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(T)).expect("a schema serializes");
    // Sorted keys: the snapshot must not depend on serde_json's `preserve_order` feature, which
    // any crate in the build may switch on.
    schema.sort_all_objects();
    schema
}

/// `for_each_component!` is a list of Rust types (each entry instantiates generic code: a
/// JSON Schema snapshot, a round-trip property), which no loop over the spec's names can
/// reach at run time; so the list is checked against the spec the client was generated from.
#[test]
fn every_component_schema_is_listed() {
    let spec: Value = serde_json::from_str(paymentoptions_hpp_client::api::OPENAPI_JSON)
        .expect("the embedded spec is JSON");
    let in_spec: BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("the spec has component schemas")
        .keys()
        .cloned()
        .collect();
    let listed = listed_components();
    let missing: Vec<&String> = in_spec.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&in_spec).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "`for_each_component!` in tests/src/lib.rs lacks {missing:?} and lists {stale:?}, \
         which the spec does not have"
    );
}

#[test]
fn json_schema_of_every_model() {
    let mut covered = BTreeSet::new();
    macro_rules! snap {
        ($t:ident) => {{
            let schema = schema_json::<$t>();
            covered.insert(stringify!($t).to_string());
            if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
                covered.extend(defs.keys().cloned());
            }
            insta::assert_snapshot!(
                concat!("schema@", stringify!($t)),
                serde_json::to_string_pretty(&schema).unwrap()
            );
        }};
    }
    for_each_component!(snap);

    // Types typify derives from inline schemas (e.g. the length-checked `HppLinkRequestCurrency`)
    // have no component name; they must still appear in some snapshot.
    let generated = std::fs::read_to_string(workspace_root().join(xtask::GENERATED_PATH)).unwrap();
    let all: BTreeSet<String> = xtask::codegen::model_type_names(&generated)
        .unwrap()
        .into_iter()
        .collect();
    // Path parameters with rules become newtypes named `<OperationId><Parameter>`; they are no
    // model (no body carries them), and their rules are data in `api::path_params`.
    let parameters: BTreeSet<String> = paymentoptions_hpp_tests::spec()["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| item.as_object().into_iter().flatten())
        .flat_map(|(_, op)| {
            let id = op["operationId"].as_str().unwrap_or_default();
            let pascal = |s: &str| -> String {
                s.split(['_', '-'])
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect()
            };
            let op_name = pascal(id);
            op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(move |p| {
                    p["name"]
                        .as_str()
                        .map(|n| format!("{op_name}{}", pascal(n)))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let missing: Vec<_> = all
        .difference(&covered)
        .filter(|name| !parameters.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "generated model types without a schema snapshot: {missing:?}"
    );
}

/// Decodes `value` as `T`, encodes it back, and requires the exact same JSON.
fn round_trip<T>(value: &Value, location: &str) -> String
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let decoded: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("the example at {location} does not decode: {e}"));
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(
        &encoded,
        value,
        "the example at {location} changed in a round trip through {}",
        std::any::type_name::<T>()
    );
    format!("{decoded:#?}")
}

#[test]
fn every_spec_example_round_trips_through_its_generated_type() {
    let examples = spec_examples();
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    for example in &examples {
        let mut matched = false;
        macro_rules! check {
            ($t:ident) => {
                if example.schema == stringify!($t) {
                    matched = true;
                    let debug = round_trip::<$t>(&example.value, &example.location);
                    // One snapshot per example: a named example (`examples: {name: ...}`) by its
                    // name, otherwise by its place among the type's examples in spec order.
                    let count = seen.entry(stringify!($t)).or_default();
                    *count += 1;
                    let suffix = match example.location.split("/examples/").nth(1) {
                        Some(rest) => format!("-{}", rest.trim_end_matches("/value")),
                        None if *count == 1 => String::new(),
                        None => format!("-{count}"),
                    };
                    insta::assert_snapshot!(format!("decoded@{}{suffix}", stringify!($t)), debug);
                }
            };
        }
        for_each_component!(check);
        assert!(
            matched,
            "example at {} has no generated type",
            example.location
        );
    }
    // The page's three bodies: request, response and notification (and the payment-method snippet).
    for required in [
        "HppLinkRequest",
        "HppLinkResponse",
        "TransactionNotification",
        "PaymentMethod",
    ] {
        assert!(
            seen.contains_key(required),
            "the spec lost its {required} example"
        );
    }
}

#[test]
fn fixtures_equal_the_spec_examples() {
    for (file, schema, name) in [
        ("hpp-link-request.json", "HppLinkRequest", None),
        ("hpp-link-response.json", "HppLinkResponse", None),
        (
            "transaction-notification.json",
            "TransactionNotification",
            Some("hostedPage"),
        ),
        (
            "transaction-notification-envelope.json",
            "TransactionNotification",
            Some("envelope"),
        ),
    ] {
        let fixture = paymentoptions_hpp_testkit::fixture(file);
        assert_eq!(
            fixture,
            paymentoptions_hpp_tests::spec_example(schema, name),
            "fixtures/{file} differs from the spec's {schema} example; the spec wins: copy it over"
        );
    }
}

#[test]
fn optional_echoes_may_be_missing_and_unknown_fields_are_ignored() {
    let minimal: HppLinkResponse = serde_json::from_value(serde_json::json!({
        "id": "f49173ce-4916-445c-a831-3c1468acf14e",
        "url": "https://checkout-dev.paymentoptions.com/jp/HostedPaymentPage/hKJsdByR",
        "a_field_from_the_future": {"nested": [1, 2, 3]}
    }))
    .expect("a response with only id and url decodes");
    assert_eq!(minimal.amount, None);
    assert!(
        serde_json::from_value::<HppLinkResponse>(serde_json::json!({"url": "https://x"})).is_err()
    );
}

#[test]
fn transaction_ref_keeps_its_json_type() {
    for raw in [
        serde_json::json!(240815123456_i64),
        serde_json::json!("TX-240815"),
    ] {
        let decoded: TransactionRef = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&decoded).unwrap(), raw);
    }
}
