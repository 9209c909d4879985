//! Issue 20: the library and the sandbox refuse the same link bodies, except where a
//! difference is recorded here with its reason.
//!
//! The library checks a body with the generated rule table; the sandbox with `jsonschema` over
//! the embedded spec. Both call `paymentoptions_hpp_client::formats` for what a `format` admits,
//! so the cases that once split them (currency `XYZ`, countries `ZZ` and `UK`, `https://` alone,
//! port 99999, URLs and e-mails a browser would encode) are decided once. The property below
//! puts strings built to break formats into every format field and compares the two verdicts.

use paymentoptions_hpp::{LinkRequest, Rule};
use paymentoptions_hpp_mock::spec::RequestValidator;
use proptest::prelude::*;
use serde_json::{Value, json};

/// The library's verdict: `None` when it accepts `body`, or the field it names first.
fn library(body: &Value) -> Result<(), (String, Rule)> {
    LinkRequest::from_json(body.to_string().as_bytes())
        .map(drop)
        .map_err(|e| (e.field().to_string(), e.rule().clone()))
}

/// The sandbox's verdict: the fields it names.
fn sandbox(validator: &RequestValidator, body: &Value) -> Vec<String> {
    validator
        .errors(body)
        .into_iter()
        .map(|e| e.field)
        .collect()
}

/// What the library refuses by its own policy while the API's rules allow it: the only
/// differences there may be. The sandbox models the server, which is believed to accept these.
fn policy_difference(rule: &Rule) -> Option<&'static str> {
    match rule {
        Rule::NotPositive => Some("a zero amount moves nothing and only hides a mistake"),
        Rule::AmountWithoutCurrency => {
            Some("without a currency the customer chooses it, and a JPY price could be paid in BHD")
        }
        _ => None,
    }
}

/// Panics unless the two agree on `body` (or differ only by a recorded policy).
fn assert_agree(validator: &RequestValidator, body: &Value) {
    let sandbox = sandbox(validator, body);
    match library(body) {
        Ok(()) => assert!(
            sandbox.is_empty(),
            "the library accepts and the sandbox refuses {body}: {sandbox:?}"
        ),
        Err((_, rule)) if policy_difference(&rule).is_some() => {}
        Err((field, rule)) => assert!(
            sandbox.contains(&field),
            "the library refuses {body} ({field}: {rule}) and the sandbox {}",
            if sandbox.is_empty() {
                "accepts it".to_string()
            } else {
                format!("names {sandbox:?}")
            }
        ),
    }
}

/// A link body with `value` at `field` (a dotted path), and what makes the rest valid.
fn with(field: &str, value: &str) -> Value {
    let mut body = json!({"amount": 1000, "currency": "JPY"});
    let mut at = &mut body;
    let parts: Vec<&str> = field.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        at = at
            .as_object_mut()
            .unwrap()
            .entry(*part)
            .or_insert_with(|| json!({}));
    }
    at[parts[parts.len() - 1]] = json!(value);
    body
}

#[test]
fn the_cases_that_once_split_them_are_refused_by_both() {
    let validator = RequestValidator::hpp_link_request();
    let cases = [
        ("currency", "XYZ"),
        ("billing_address.country", "ZZ"),
        ("billing_address.country", "UK"),
        ("return_url.success_url", "https://"),
        ("return_url.success_url", "https://shop.example:99999/paid"),
        ("return_url.success_url", "https://shop.example/a b"),
        ("return_url.success_url", "https://shop.example/a|b"),
        ("return_url.success_url", "https://shop.example/a[]"),
        ("return_url.success_url", "https://shop.example/%zz"),
        ("return_url.success_url", "https://shop.example/café"),
        ("return_url.success_url", "https://bücher.example/paid"),
        ("merchant_email", "shop@bücher.example"),
    ];
    for (field, value) in cases {
        let body = with(field, value);
        let (named, rule) = library(&body).expect_err(value);
        assert_eq!(named, field, "{value}: {rule}");
        assert!(
            sandbox(&validator, &body).contains(&field.to_string()),
            "{value}"
        );
    }
}

#[test]
fn a_refused_url_or_address_says_what_to_send_instead() {
    let hint = |field: &str, value: &str| {
        let body = with(field, value);
        let err = LinkRequest::from_json(body.to_string().as_bytes()).unwrap_err();
        err.to_string()
    };
    let space = hint("return_url.success_url", "https://shop.example/a b");
    assert!(space.contains("send https://shop.example/a%20b"), "{space}");
    let idn = hint("return_url.success_url", "https://bücher.example/paid");
    assert!(idn.contains("https://xn--bcher-kva.example/paid"), "{idn}");
    let email = hint("merchant_email", "shop@bücher.example");
    assert!(email.contains("shop@xn--bcher-kva.example"), "{email}");
    // And what the hint proposes is accepted by both.
    let validator = RequestValidator::hpp_link_request();
    for (field, value) in [
        ("return_url.success_url", "https://shop.example/a%20b"),
        (
            "return_url.success_url",
            "https://xn--bcher-kva.example/paid",
        ),
        ("merchant_email", "shop@xn--bcher-kva.example"),
    ] {
        let body = with(field, value);
        assert_eq!(library(&body), Ok(()), "{value}");
        assert_eq!(sandbox(&validator, &body), Vec::<String>::new(), "{value}");
    }
}

#[test]
fn the_recorded_differences_are_the_librarys_policy_only() {
    let validator = RequestValidator::hpp_link_request();
    for (body, rule) in [
        (json!({"amount": 0, "currency": "USD"}), Rule::NotPositive),
        (json!({"amount": 1000}), Rule::AmountWithoutCurrency),
    ] {
        assert_eq!(library(&body).unwrap_err().1, rule, "{body}");
        assert!(policy_difference(&rule).is_some());
        assert_eq!(sandbox(&validator, &body), Vec::<String>::new(), "{body}");
    }
}

/// Strings made to break a format: pieces of valid values with the characters that split
/// parsers (blanks, `|`, brackets, `%`, non-ASCII letters, `@`, case).
fn awkward() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "https://",
        "http://",
        "shop.example",
        "/",
        "paid",
        "?a=b",
        "#f",
        ":8080",
        ":99999",
        " ",
        "|",
        "[",
        "]",
        "%",
        "%20",
        "%zz",
        "é",
        "ü",
        "xn--bcher-kva",
        "@",
        "user",
        ".",
        "JP",
        "UK",
        "jpy",
        "JPY",
        "XYZ",
        "US",
        "",
        "-",
        "\t",
    ]);
    prop::collection::vec(pieces, 0..8).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_library_and_the_sandbox_agree_on_every_format_field(
        value in awkward(),
        field in prop::sample::select(vec![
            "currency",
            "merchant_email",
            "billing_address.country",
            "shipping_address.email",
            "return_url.success_url",
            "return_url.webhook_url",
        ]),
    ) {
        let validator = RequestValidator::hpp_link_request();
        assert_agree(&validator, &with(field, &value));
    }
}
