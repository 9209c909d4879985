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
