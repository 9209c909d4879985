//! Guards on the generated models, meant to be read in pull requests:
//!
//! * `snapshots/models__schema@<Type>.snap`: the JSON Schema (schemars) of every model type, so a
//!   spec change shows up as a readable diff of what the Rust types accept and emit;
//! * `snapshots/models__decoded@<Type>.snap`: each spec example decoded into its generated type
//!   (Rust `Debug`), so a reviewer sees how each field is typed;
//! * every spec example survives decode -> encode unchanged (no field lost, renamed or re-typed).

use std::collections::BTreeSet;

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

#[test]
fn every_component_schema_is_listed() {
    let spec = paymentoptions_hpp_tests::spec();
    let in_spec: BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("the spec has component schemas")
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        in_spec,
        listed_components(),
        "add new component schemas to `for_each_component!` in tests/src/lib.rs"
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
    let missing: Vec<_> = all.difference(&covered).collect();
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
    let mut seen = BTreeSet::new();
    for example in &examples {
        let mut matched = false;
        macro_rules! check {
            ($t:ident) => {
                if example.schema == stringify!($t) {
                    matched = true;
                    let debug = round_trip::<$t>(&example.value, &example.location);
                    // One decoded snapshot per schema: the spec has at most one example each.
                    assert!(
                        seen.insert(stringify!($t)),
                        "two examples of {}",
                        stringify!($t)
                    );
                    insta::assert_snapshot!(concat!("decoded@", stringify!($t)), debug);
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
            seen.contains(required),
            "the spec lost its {required} example"
        );
    }
}

#[test]
fn fixtures_equal_the_spec_examples() {
    for (file, schema) in [
        ("hpp-link-request.json", "HppLinkRequest"),
        ("hpp-link-response.json", "HppLinkResponse"),
        ("transaction-notification.json", "TransactionNotification"),
    ] {
        let path = paymentoptions_hpp_tests::fixture_path(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let fixture: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            fixture,
            paymentoptions_hpp_tests::spec_example(schema),
            "{} differs from the spec's {schema} example; the spec wins: copy it over",
            path.display()
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
