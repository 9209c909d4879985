use super::*;
use crate::api::request_rules::{HPP_LINK_REQUEST, STORED_CARD_PAYMENT_REQUEST};
use serde_json::json;

fn problems(body: Value) -> Vec<(String, Problem)> {
    check_body(&body, HPP_LINK_REQUEST, "")
        .into_iter()
        .map(|b| (b.field, b.problem))
        .collect()
}

#[test]
fn codes_are_one_mistake_with_their_fix() {
    assert_eq!(
        problems(json!({"currency": "jpy"})),
        [(
            "currency".into(),
            Problem::Currency(CodeProblem::LowerCase {
                upper: "JPY".into()
            })
        )]
    );
    assert_eq!(
        problems(json!({"billing_address": {"country": "JPN"}})),
        [(
            "billing_address.country".into(),
            Problem::Country(CodeProblem::Length {
                letters: 2,
                found: 3
            })
        )]
    );
    for (body, field) in [
        (json!({"currency": "XYZ"}), "currency"),
        (
            json!({"shipping_address": {"country": "ZZ"}}),
            "shipping_address.country",
        ),
        (
            json!({"billing_address": {"country": "UK"}}),
            "billing_address.country",
        ),
    ] {
        let found = problems(body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, field);
        assert!(matches!(
            found[0].1,
            Problem::Currency(CodeProblem::Unknown) | Problem::Country(CodeProblem::Unknown)
        ));
    }
}

#[test]
fn a_format_mistake_is_not_reported_again_as_its_pattern() {
    let found = problems(json!({"return_url": {"success_url": "javascript:alert(1)"}}));
    assert_eq!(
        found,
        [(
            "return_url.success_url".into(),
            Problem::Url(UrlProblem::NotAbsoluteHttp)
        )]
    );
    let found = problems(json!({"return_url": {"success_url": "https://shop.example/a b"}}));
    assert_eq!(
        found,
        [(
            "return_url.success_url".into(),
            Problem::Url(UrlProblem::NotEncoded {
                encoded: Some("https://shop.example/a%20b".into())
            })
        )]
    );
    assert!(
        found[0]
            .1
            .to_string()
            .contains("send https://shop.example/a%20b")
    );
}

#[test]
fn limits_and_requirements_are_the_tables() {
    let found = problems(json!({"merchant_txn_ref": "x".repeat(46), "amount": -1}));
    assert!(
        found
            .iter()
            .any(|(f, p)| f == "merchant_txn_ref" && matches!(p, Problem::MaxLength { .. })),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(f, p)| f == "amount" && matches!(p, Problem::Minimum { .. }))
    );
    // A required member of an absent optional object is not missing; of the body, it is.
    let found: Vec<String> = check_body(&json!({}), STORED_CARD_PAYMENT_REQUEST, "")
        .into_iter()
        .filter(|b| b.problem == Problem::Required)
        .map(|b| b.field)
        .collect();
    assert!(found.contains(&"amount".to_string()), "{found:?}");
    assert!(found.contains(&"currency".to_string()), "{found:?}");
    assert_eq!(
        problems(json!({"amount": 5.0})),
        [("amount".into(), Problem::NotAnInteger)]
    );
    // Other JSON types are the decoder's.
    assert_eq!(problems(json!({"amount": "1000", "currency": 5})), []);
    assert_eq!(problems(json!({})), []);
    assert_eq!(
        check_body(&json!({"amount": null}), STORED_CARD_PAYMENT_REQUEST, "at")[0].field,
        "at.amount"
    );
}

#[test]
fn an_array_where_an_object_belongs_is_named_once() {
    assert_eq!(
        problems(json!([1000, null])),
        [(String::new(), Problem::NotAnObject)]
    );
    let nulls = json!([null, null, null, null, null, null, null]);
    assert_eq!(
        problems(json!({"billing_address": nulls, "return_url": "https://x.example/"})),
        [
            ("return_url".into(), Problem::NotAnObject),
            ("billing_address".into(), Problem::NotAnObject),
        ]
    );
    assert_eq!(
        check_body(&json!(5), HPP_LINK_REQUEST, "body")[0].field,
        "body"
    );
}

#[test]
fn messages_name_the_field_and_the_rule() {
    let broken = &check_body(&json!({"currency": "usd"}), HPP_LINK_REQUEST, "")[0];
    assert_eq!(
        broken.to_string(),
        "currency: not an ISO 4217 currency code (like JPY or USD); codes are upper case: use USD"
    );
}
