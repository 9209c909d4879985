//! Issue 20: the library and the sandbox refuse the same link bodies, except where a
//! difference is recorded here with its reason; and the spec's one reading of its rules (which
//! both call) agrees with an independent oracle.
//!
//! The library checks a body with the generated rule table through
//! `paymentoptions_hpp_client::rules`, then its own policy; the sandbox reads it with the same
//! rules and decodes it into the generated model (`paymentoptions_hpp_mock::spec::read`). The
//! oracle is a JSON-Schema validator over the embedded spec (`paymentoptions_hpp_testkit::
//! SchemaValidator`), sharing nothing with them but the definitions of the formats. The cases
//! that once split the library and the sandbox (currency `XYZ`, countries `ZZ` and `UK`,
//! `https://` alone, port 99999, URLs and e-mails a browser would encode) are decided once.

use std::sync::LazyLock;

use paymentoptions_hpp::{LinkRequest, Rule};
use paymentoptions_hpp_client::api::request_rules::HPP_LINK_REQUEST;
use paymentoptions_hpp_client::types::HppLinkRequest;
use paymentoptions_hpp_mock::spec;
use paymentoptions_hpp_testkit::SchemaValidator;
use paymentoptions_hpp_testkit::oracle::member_pointers;
use proptest::prelude::*;
use serde_json::{Value, json};

/// The library's verdict: `None` when it accepts `body`, or the field it names first.
fn library(body: &Value) -> Result<(), (String, Rule)> {
    LinkRequest::from_json(body.to_string().as_bytes())
        .map(drop)
        .map_err(|e| (e.field().to_string(), e.rule().clone()))
}

/// The sandbox's verdict: the fields it names.
fn sandbox(body: &Value) -> Vec<String> {
    spec::read::<HppLinkRequest>(body)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

/// The oracle's verdict: the fields it names.
fn oracle(body: &Value) -> Vec<String> {
    static ORACLE: LazyLock<SchemaValidator> = LazyLock::new(SchemaValidator::hpp_link_request);
    ORACLE.errors(body).into_iter().map(|e| e.field).collect()
}

/// Whether `body` holds `null` at the dotted `field`.
fn holds_null_at(body: &Value, field: &str) -> bool {
    field
        .split('.')
        .try_fold(body, |at, key| at.get(key))
        .is_some_and(Value::is_null)
}

/// Whether one of two field paths lies in the other (or they are the same).
fn same_place(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    inside(a, b) || inside(b, a)
}

/// Panics unless the sandbox's reading and the oracle agree on `body`: both accept it, or
/// both refuse it and the oracle names the field the sandbox names first.
fn assert_oracle_agrees(body: &Value) {
    let (sandbox, oracle) = (sandbox(body), oracle(body));
    match sandbox.first() {
        None => assert!(
            oracle.is_empty(),
            "the shared rules accept and the oracle refuses {body}: {oracle:?}"
        ),
        // The decoder names the element inside a value of the wrong type (`billing_address[0]`
        // of an array where an object belongs), the oracle the value itself.
        Some(field) => assert!(
            oracle.iter().any(|named| same_place(named, field)),
            "the shared rules refuse {body} ({sandbox:?}) and the oracle {}",
            if oracle.is_empty() {
                "accepts it".to_string()
            } else {
                format!("names {oracle:?}")
            }
        ),
    }
}

/// What the library refuses by its own policy while the API's rules allow it: the only
/// differences there may be. The sandbox models the server, which is believed to accept these.
fn policy_difference(rule: &Rule) -> Option<&'static str> {
    match rule {
        Rule::NotPositive => Some("a zero amount moves nothing and only hides a mistake"),
        Rule::UnknownField => Some(
            "the generated model has no place for it, so sending would drop it silently; the \
             server is believed to ignore it",
        ),
        Rule::AmountWithoutCurrency => {
            Some("without a currency the customer chooses it, and a JPY price could be paid in BHD")
        }
        _ => None,
    }
}

/// Panics unless the library and the sandbox agree on `body` (or differ only by a recorded
/// policy), and the sandbox and the oracle agree.
fn assert_agree(body: &Value) {
    assert_oracle_agrees(body);
    let sandbox = sandbox(body);
    match library(body) {
        // The library's recorded difference of reading: `from_json` takes `null` as "absent"
        // and leaves the field out of what it sends (`from_json_exact` refuses it), where the
        // sandbox, like the spec, refuses `null` in a field that is not `nullable`.
        Ok(()) => assert!(
            sandbox.iter().all(|field| holds_null_at(body, field)),
            "the library accepts and the sandbox refuses {body}: {sandbox:?}"
        ),
        Err((_, rule)) if policy_difference(&rule).is_some() => {}
        Err((field, rule)) => assert!(
            sandbox.iter().any(|named| same_place(named, &field)),
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
    with_value(field, json!(value))
}

#[test]
fn the_cases_that_once_split_them_are_refused_by_both() {
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
        assert!(sandbox(&body).contains(&field.to_string()), "{value}");
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
        assert_eq!(sandbox(&body), Vec::<String>::new(), "{value}");
    }
}

#[test]
fn the_recorded_differences_are_the_librarys_policy_only() {
    for (body, rule) in [
        (json!({"amount": 0, "currency": "USD"}), Rule::NotPositive),
        (json!({"amount": 1000}), Rule::AmountWithoutCurrency),
        (
            json!({"amount": 1, "currency": "JPY", "note": "x"}),
            Rule::UnknownField,
        ),
    ] {
        assert_eq!(library(&body).unwrap_err().1, rule, "{body}");
        assert!(policy_difference(&rule).is_some());
        assert_eq!(sandbox(&body), Vec::<String>::new(), "{body}");
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
            assert_agree(&with(field, &value));
    }
}

/// Values of `rule`'s field at and around each limit the table gives it, and of other JSON
/// types: the limits are read from the spec's table, never restated.
fn around_the_limits(rule: &paymentoptions_hpp_client::api::FieldRule) -> Vec<Value> {
    let mut values = vec![json!(null), json!(true), json!([]), json!({}), json!("")];
    for limit in [rule.min_length, rule.max_length].into_iter().flatten() {
        for n in [limit.saturating_sub(1), limit, limit + 1] {
            let n = n as usize;
            values.push(json!("x".repeat(n)));
            values.push(json!("1".repeat(n)));
            values.push(json!(format!(
                "https://h.example/{}",
                "p".repeat(n.saturating_sub(17))
            )));
            values.push(json!(format!(
                "{}@example.com",
                "e".repeat(n.saturating_sub(12))
            )));
        }
    }
    for limit in [rule.minimum, rule.maximum].into_iter().flatten() {
        for n in [limit.saturating_sub(1), limit, limit.saturating_add(1)] {
            values.push(json!(n));
        }
    }
    values.extend([
        json!(-1),
        json!(0),
        json!(1),
        json!(1.5),
        json!(5.0),
        json!(u64::MAX),
    ]);
    values.extend(rule.one_of.iter().map(|v| json!(v)));
    values
}

/// A valid link body with `value` at `path` (a dotted path).
fn with_value(path: &str, value: Value) -> Value {
    let mut body = json!({"amount": 1000, "currency": "JPY"});
    let mut at = &mut body;
    let parts: Vec<&str> = path.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        at = at
            .as_object_mut()
            .unwrap()
            .entry(*part)
            .or_insert_with(|| json!({}));
    }
    at[parts[parts.len() - 1]] = value;
    body
}

#[test]
fn every_rule_of_the_table_is_read_alike_at_its_limits() {
    let mut refused = 0;
    let mut cases = 0;
    for rule in HPP_LINK_REQUEST {
        for value in around_the_limits(rule) {
            let body = with_value(rule.path, value);
            assert_agree(&body);
            cases += 1;
            refused += usize::from(!sandbox(&body).is_empty());
        }
    }
    // Both verdicts occur: a reading that accepted (or refused) everything would agree with
    // itself but not here.
    assert!(
        refused > 0 && refused < cases,
        "{refused} of {cases} refused"
    );
}

/// The spec's example of a link body.
fn example() -> Value {
    paymentoptions_hpp_testkit::fixture("hpp-link-request.json")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The example with one member, at any depth, replaced by a value of any JSON type or a
    /// broken string, or removed: the three readers agree (library policy aside).
    #[test]
    fn mutated_examples_are_read_alike(
        which in any::<prop::sample::Index>(),
        value in prop_oneof![
            Just(None),
            Just(Some(json!(null))),
            any::<i64>().prop_map(|n| Some(json!(n))),
            any::<bool>().prop_map(|b| Some(json!(b))),
            Just(Some(json!(1.5))),
            Just(Some(json!(1e300))),
            Just(Some(json!([1, "x"]))),
            Just(Some(json!({"unknown": 1}))),
            awkward().prop_map(|s| Some(json!(s))),
            "[ -~]{0,300}".prop_map(|s| Some(json!(s))),
        ],
    ) {
        let example = example();
        let mut pointers = Vec::new();
        member_pointers(&example, "", &mut pointers);
        let pointer = which.get(&pointers);
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let mut body = example.clone();
        let object = body.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match value {
            Some(v) => object.insert(key.to_string(), v),
            None => object.remove(key),
        };
        assert_agree(&body);
    }
}
