//! Property tests (proptest) of every decode path.
//!
//! 1. **Every generated model round-trips**: for each component schema of the spec, values
//!    generated *from the spec* (`paymentoptions_hpp_tests::strategy`) are valid for the
//!    sandbox's validator, decode into the generated type and encode back to the same JSON (a
//!    `null` in an optional field whose schema admits null comes back absent).
//! 2. **Broken bodies never panic the decoders**: arbitrary bytes, and mutations of the spec's
//!    example response, notification and request (fields dropped, wrong types, numbers no 64-bit
//!    type holds, nesting 10,000 deep, long strings, invalid UTF-8, duplicate keys, truncation,
//!    byte flips), go through [`Link::from_json`], [`parse_notification`] and
//!    [`LinkRequest::from_json`]. Each gives `Ok` or its typed error with a path and a message;
//!    whatever decodes re-encodes to JSON that decodes to an equal value. Spec-valid bodies decode.
//! 3. Exhaustive companions (plain tests): every truncation of each example, and every odd value
//!    at every path of each example.
//!
//! Case counts: the defaults keep `cargo test --workspace` quick; `PROPTEST_CASES` overrides
//! them for every property. The long run (README, "Property tests"):
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release -p paymentoptions-hpp-tests --test properties
//! ```
//!
//! A failure prints the minimal input and stores its seed in
//! `tests/tests/properties.proptest-regressions`, which is committed: every later run replays
//! the stored seeds first. `PROPTEST_RNG_SEED=<n>` makes a whole run repeatable.

use std::sync::LazyLock;

use paymentoptions_hpp::{
    Error, Link, LinkRequest, Outcome, Rule, Transaction, parse_notification,
};
use paymentoptions_hpp_testkit::SchemaValidator;
use paymentoptions_hpp_testkit::fixture;
use paymentoptions_hpp_tests::strategy::{self, Edit, Mutation, Step};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};
use serde_json::Value;

use paymentoptions_hpp_tests::for_each_component;

/// Cases per round-trip property (one per component schema) in a default run.
const ROUND_TRIP_CASES: u32 = 128;
/// Cases per decoder property in a default run.
const DECODE_CASES: u32 = 256;

/// The default config (which reads every `PROPTEST_*` variable) with `cases` unless
/// `PROPTEST_CASES` is set, and regressions stored next to this file.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    // The default (`SourceParallel`) looks for a `lib.rs` above this file, finds none, warns on
    // every run and falls back to this anyway.
    config.failure_persistence = Some(Box::new(FileFailurePersistence::WithSource(
        "proptest-regressions",
    )));
    config
}

static SPEC: LazyLock<Value> = LazyLock::new(paymentoptions_hpp_tests::spec);

static RESPONSE: LazyLock<Value> = LazyLock::new(|| fixture("hpp-link-response.json"));
static NOTIFICATION: LazyLock<Value> = LazyLock::new(|| fixture("transaction-notification.json"));
static REQUEST: LazyLock<Value> = LazyLock::new(|| fixture("hpp-link-request.json"));
static ENVELOPE: LazyLock<Value> =
    LazyLock::new(|| fixture("transaction-notification-envelope.json"));

fn component(name: &str) -> BoxedStrategy<Value> {
    strategy::component(&SPEC, name)
}

fn schema_of(name: &str) -> &'static Value {
    SPEC.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("the spec has no schema {name}"))
}

// ---------------------------------------------------------------------------------------------
// 1. Every generated model round-trips through JSON.

/// `value` was generated for component `name`: it is valid for the spec (as the sandbox reads
/// it), decodes into `T` from a `Value` and from text, and encodes back to the same JSON.
fn round_trip<T>(
    name: &str,
    validator: &SchemaValidator,
    value: &Value,
) -> Result<(), TestCaseError>
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug + PartialEq,
{
    let errors = validator.errors(value);
    prop_assert!(
        errors.is_empty(),
        "the generator made a value the spec refuses for {}: {:?}\n{}",
        name,
        errors,
        value
    );
    let expected = strategy::round_tripped(&SPEC, schema_of(name), value);

    let decoded: T = serde_json::from_value(value.clone())
        .map_err(|e| TestCaseError::fail(format!("{name}: a valid value does not decode: {e}")))?;
    prop_assert_eq!(&serde_json::to_value(&decoded).unwrap(), &expected);

    // As a body arrives: from text.
    let text = serde_json::to_vec(value).unwrap();
    let from_text: T = serde_json::from_slice(&text)
        .map_err(|e| TestCaseError::fail(format!("{name}: a valid body does not decode: {e}")))?;
    prop_assert_eq!(&from_text, &decoded);
    Ok(())
}

/// The model of every component schema: the generated types, and the client crate's
/// hand-written replacements (the spec's sensitive `CardNumber`).
mod model_types {
    pub use paymentoptions_hpp_client::CardNumber;
    pub use paymentoptions_hpp_client::types::*;
}

macro_rules! round_trip_property {
    ($t:ident) => {
        /// Round trips of the component schema of the same name.
        #[allow(non_snake_case)]
        mod $t {
            use super::*;

            static VALIDATOR: LazyLock<SchemaValidator> =
                LazyLock::new(|| SchemaValidator::for_component(stringify!($t)));

            proptest! {
                #![proptest_config(config(ROUND_TRIP_CASES))]

                #[test]
                fn decodes_and_encodes_unchanged(value in component(stringify!($t))) {
                    round_trip::<crate::model_types::$t>(
                        stringify!($t),
                        &VALIDATOR,
                        &value,
                    )?;
                }
            }
        }
    };
}

/// One module per component schema, named after it (`Address::decodes_and_encodes_unchanged`...).
mod round_trips {
    use super::*;

    for_each_component!(round_trip_property);
}

// ---------------------------------------------------------------------------------------------
// 2. Broken bodies: `Ok` or a typed error, never a panic; what decodes re-encodes faithfully.

/// [`Link::from_json`]: `Ok` (and then its response re-encodes to an equal link) or a
/// `DecodeError` with status 200, a path, a message and a bounded body snippet.
fn check_link(body: &[u8]) -> Result<(), TestCaseError> {
    match Link::from_json(body) {
        Ok(link) => {
            let encoded = serde_json::to_vec(link.response()).unwrap();
            match Link::from_json(&encoded) {
                Ok(again) => prop_assert_eq!(again, link),
                Err(e) => prop_assert!(false, "a decoded link re-encodes undecodably: {}", e),
            }
        }
        Err(e) => {
            prop_assert!(!e.path().is_empty(), "empty path: {:?}", e);
            prop_assert!(!e.message().is_empty(), "empty message: {:?}", e);
            prop_assert_eq!(e.status(), 200);
            prop_assert!(e.body_snippet().len() <= 512 + '…'.len_utf8());
            prop_assert!(!e.to_string().is_empty());
        }
    }
    Ok(())
}

/// [`parse_notification`]: `Ok` with a non-blank `transaction_details.id` (and then it
/// re-encodes to an equal notification) or a `NotificationError` with a path and a message.
fn check_notification(body: &[u8]) -> Result<(), TestCaseError> {
    match parse_notification(body) {
        Ok(notification) => {
            let id = notification
                .envelope()
                .transaction_details
                .as_ref()
                .and_then(|d| d.id.as_deref());
            prop_assert!(id.is_some_and(|id| !id.trim().is_empty()));
            let encoded = serde_json::to_vec(&notification).unwrap();
            match parse_notification(&encoded) {
                Ok(again) => prop_assert_eq!(again.envelope(), notification.envelope()),
                Err(e) => prop_assert!(false, "a notification re-encodes undecodably: {}", e),
            }
        }
        Err(e) => {
            prop_assert!(!e.path().is_empty(), "empty path: {:?}", e);
            prop_assert!(!e.message().is_empty(), "empty message: {:?}", e);
            prop_assert!(!e.to_string().is_empty());
        }
    }
    Ok(())
}

/// [`LinkRequest::from_json`]: `Ok` (and then the body it sends reads back as an equal request)
/// or a `ValidationError` with at least one violation, each with a message (the field is empty
/// only for the body itself).
fn check_request(body: &[u8]) -> Result<(), TestCaseError> {
    match LinkRequest::from_json(body) {
        Ok(request) => {
            let sent = serde_json::to_vec(&request.to_json()).unwrap();
            match LinkRequest::from_json(&sent) {
                Ok(again) => prop_assert_eq!(again, request),
                Err(e) => prop_assert!(false, "a request re-encodes undecodably: {}", e),
            }
        }
        Err(e) => {
            prop_assert!(!e.violations().is_empty());
            for v in e.violations() {
                prop_assert!(!v.rule().to_string().is_empty(), "empty message: {:?}", e);
                prop_assert!(!v.to_string().is_empty());
                // The empty field is the body itself: only JSON-level rules apply there.
                prop_assert!(
                    !v.field().is_empty() || matches!(v.rule(), Rule::Json(_)),
                    "empty field: {:?}",
                    e
                );
            }
        }
    }
    Ok(())
}

/// [`Transaction::from_response`]: `Ok` (its envelope re-encodes to an equal one, and its
/// outcome keeps the rule: approved only with `success: true` and no signal saying no) or an
/// `Error::Decode` with the status, a path and a message.
fn check_transaction(body: &[u8]) -> Result<(), TestCaseError> {
    match Transaction::from_response(201, body.to_vec()) {
        Ok(t) => {
            prop_assert_eq!(t.raw(), body);
            let encoded = serde_json::to_vec(t.envelope()).unwrap();
            match Transaction::from_response(201, encoded) {
                Ok(again) => prop_assert_eq!(again.envelope(), t.envelope()),
                Err(e) => prop_assert!(false, "an envelope re-encodes undecodably: {}", e),
            }
            let envelope = t.envelope();
            let code = envelope
                .payment_details
                .as_ref()
                .and_then(|p| p.response_code);
            let gateway = envelope
                .gateway_response
                .as_ref()
                .and_then(|g| g.code.as_deref());
            match t.outcome() {
                Outcome::Approved => {
                    prop_assert_eq!(envelope.success, Some(true));
                    prop_assert!(code.is_none_or(|c| c == 0));
                    prop_assert!(gateway.is_none_or(|g| g.starts_with("INFO")));
                }
                Outcome::Declined { .. } => prop_assert!(
                    envelope.success == Some(false)
                        || code.is_some_and(|c| c != 0)
                        || gateway.is_some_and(|g| g.starts_with("ERR"))
                ),
                _ => {}
            }
            let shown = format!("{t} {t:?}");
            prop_assert!(!shown.is_empty());
        }
        Err(Error::Decode(e)) => {
            prop_assert!(!e.path().is_empty(), "empty path: {:?}", e);
            prop_assert!(!e.message().is_empty(), "empty message: {:?}", e);
            prop_assert_eq!(e.status(), 201);
        }
        Err(other) => prop_assert!(false, "not a decode error: {:?}", other),
    }
    Ok(())
}

/// Every decoder on the same body.
fn check_all(body: &[u8]) -> Result<(), TestCaseError> {
    check_link(body)?;
    check_notification(body)?;
    check_transaction(body)?;
    check_request(body)
}

proptest! {
    #![proptest_config(config(DECODE_CASES))]

    /// (a) Arbitrary bytes, and bytes made of JSON tokens.
    #[test]
    fn arbitrary_bytes_decode_or_fail_typed(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            strategy::json_ish_bytes(),
        ]
    ) {
        check_all(&body)?;
    }

    /// Any small JSON value (mostly the wrong shape).
    #[test]
    fn arbitrary_json_decodes_or_fails_typed(value in strategy::any_json()) {
        check_all(&serde_json::to_vec(&value).unwrap())?;
    }

    /// (b) Mutations of the spec's example response.
    #[test]
    fn mutated_link_responses_decode_or_fail_typed(m in strategy::mutation(&RESPONSE)) {
        check_all(&m.apply(&RESPONSE))?;
    }

    /// (b) Mutations of the spec's example notification.
    #[test]
    fn mutated_notifications_decode_or_fail_typed(m in strategy::mutation(&NOTIFICATION)) {
        check_all(&m.apply(&NOTIFICATION))?;
    }

    /// (b) Mutations of the spec's full transaction envelope (the status answer's shape).
    #[test]
    fn mutated_transaction_envelopes_decode_or_fail_typed(m in strategy::mutation(&ENVELOPE)) {
        check_all(&m.apply(&ENVELOPE))?;
    }

    /// Every envelope the spec allows is a transaction, every field kept.
    #[test]
    fn spec_valid_envelopes_are_transactions(value in component("TransactionEnvelope")) {
        let body = serde_json::to_vec(&value).unwrap();
        let t = Transaction::from_response(200, body.clone())
            .map_err(|e| TestCaseError::fail(format!("a valid envelope is refused: {e}")))?;
        prop_assert_eq!(
            serde_json::to_value(t.envelope()).unwrap(),
            strategy::round_tripped(&SPEC, schema_of("TransactionEnvelope"), &value)
        );
        check_transaction(&body)?;
    }

    /// (b) Mutations of the spec's example request.
    #[test]
    fn mutated_link_requests_decode_or_fail_typed(m in strategy::mutation(&REQUEST)) {
        check_all(&m.apply(&REQUEST))?;
    }

    /// Every response the spec allows is a link, with every echoed field kept.
    #[test]
    fn spec_valid_link_responses_decode(value in component("HppLinkResponse")) {
        let body = serde_json::to_vec(&value).unwrap();
        let link = Link::from_json(&body)
            .map_err(|e| TestCaseError::fail(format!("a valid response is refused: {e}")))?;
        prop_assert_eq!(Some(link.id().to_string()), value["id"].as_str().map(String::from));
        prop_assert_eq!(
            serde_json::to_value(link.response()).unwrap(),
            strategy::round_tripped(&SPEC, schema_of("HppLinkResponse"), &value)
        );
        check_link(&body)?;
    }

    /// A notification the spec allows parses unless it lacks what de-duplication needs
    /// (`transaction_details.id`, non-blank), which the error then names.
    #[test]
    fn spec_valid_notifications_parse(value in component("TransactionNotification")) {
        let body = serde_json::to_vec(&value).unwrap();
        let usable = value
            .pointer("/transaction_details/id")
            .and_then(Value::as_str)
            .is_some_and(|id| !id.trim().is_empty());
        match parse_notification(&body) {
            Ok(n) => {
                prop_assert!(usable);
                prop_assert_eq!(
                    serde_json::to_value(&n).unwrap(),
                    strategy::round_tripped(&SPEC, schema_of("TransactionNotification"), &value)
                );
            }
            Err(e) => {
                prop_assert!(!usable, "a usable notification is refused: {}", e);
                prop_assert!(
                    ["transaction_details", "transaction_details.id"].contains(&e.path()),
                    "{}", e
                );
            }
        }
        check_notification(&body)?;
    }

    /// A request the spec allows (its formats as `formats` defines them) is accepted and sent
    /// exactly as given, unless it breaks the library's own money policy (a positive amount,
    /// with its currency).
    #[test]
    fn spec_valid_link_requests_are_sent_as_given(value in component("HppLinkRequest")) {
        let body = serde_json::to_vec(&value).unwrap();
        match LinkRequest::from_json(&body) {
            Ok(request) => prop_assert_eq!(
                request.to_json(),
                strategy::round_tripped(&SPEC, schema_of("HppLinkRequest"), &value)
            ),
            Err(e) => {
                for v in e.violations() {
                    prop_assert!(
                        matches!(
                            v.rule(),
                            Rule::NotPositive | Rule::AmountWithoutCurrency
                        ),
                        "a request valid for the spec is refused: {}", e
                    );
                }
            }
        }
        check_request(&body)?;
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Exhaustive companions.

/// A decoder's check: `Ok(())` when it behaved (see `check_link`...).
type Check = fn(&[u8]) -> Result<(), TestCaseError>;

/// Each decoder with the example it reads.
fn examples() -> [(&'static str, &'static Value, Check); 3] {
    [
        ("hpp-link-response.json", &RESPONSE, check_link),
        (
            "transaction-notification.json",
            &NOTIFICATION,
            check_notification,
        ),
        ("hpp-link-request.json", &REQUEST, check_request),
    ]
}

fn ok(result: Result<(), TestCaseError>, what: &str) {
    if let Err(e) = result {
        panic!("{what}: {e}");
    }
}

/// Every proper prefix of each example (as written in `fixtures/` and compact) is a typed error;
/// the whole example decodes.
#[test]
fn every_truncation_is_a_typed_error() {
    for (file, value, check) in examples() {
        let written = paymentoptions_hpp_testkit::fixture_bytes(file);
        let compact = serde_json::to_vec(value).unwrap();
        for body in [written.trim_ascii_end(), &compact[..]] {
            for len in 0..body.len() {
                let prefix = &body[..len];
                ok(check(prefix), &format!("{file} cut at {len}"));
                let decoded = match file {
                    "hpp-link-response.json" => Link::from_json(prefix).is_ok(),
                    "transaction-notification.json" => parse_notification(prefix).is_ok(),
                    _ => LinkRequest::from_json(prefix).is_ok(),
                };
                assert!(!decoded, "{file} cut at {len} decodes");
            }
            ok(check(body), file);
        }
        assert!(Link::from_json(&serde_json::to_vec(&*RESPONSE).unwrap()).is_ok());
        assert!(parse_notification(&serde_json::to_vec(&*NOTIFICATION).unwrap()).is_ok());
        assert!(LinkRequest::from_json(&serde_json::to_vec(&*REQUEST).unwrap()).is_ok());
    }
}

/// Every odd value replacing, and duplicating, every member of each example; every member
/// dropped; every odd value added as an unknown member of every object.
#[test]
fn every_odd_value_at_every_path() {
    let odd = strategy::odd_values();
    for (file, value, check) in examples() {
        for path in strategy::paths(value) {
            let object = value.pointer(&pointer(&path)).unwrap().is_object();
            let edits = std::iter::once(Edit::Drop).chain(odd.iter().flat_map(|raw| {
                let mut edits = vec![Edit::Replace(raw.clone()), Edit::Duplicate(raw.clone())];
                if object {
                    edits.push(Edit::Insert("zz_unknown".into(), raw.clone()));
                }
                edits
            }));
            for edit in edits {
                let mutation = Mutation {
                    edits: vec![(path.clone(), edit)],
                    bytes: strategy::ByteEdit::Keep,
                };
                let body = mutation.apply(value);
                ok(check(&body), &format!("{file}: {mutation:?}"));
            }
        }
    }
}

/// A 256 KiB string in every string field of each example: read or refused, and errors quote
/// at most 512 bytes of it.
#[test]
fn a_very_long_string_in_every_field() {
    let huge = format!("\"{}\"", "x".repeat(256 << 10)).into_bytes();
    for (file, value, check) in examples() {
        for path in strategy::paths(value) {
            if !value.pointer(&pointer(&path)).unwrap().is_string() {
                continue;
            }
            let mutation = Mutation {
                edits: vec![(path.clone(), Edit::Replace(huge.clone()))],
                bytes: strategy::ByteEdit::Keep,
            };
            ok(
                check(&mutation.apply(value)),
                &format!("{file} at {path:?}"),
            );
        }
    }
}

/// Nesting 10,000 deep anywhere never overflows the stack. Where the model expects a value,
/// serde_json's recursion limit (128) makes it an error; in an unknown member, the tolerant
/// readers (link, notification) skip it without recursing, and the request reader, which
/// refuses unknown members, reports the limit.
#[test]
fn deep_nesting_anywhere_is_an_error_or_skipped() {
    for (file, value, _) in examples() {
        for path in strategy::paths(value) {
            let leaf = !value.pointer(&pointer(&path)).unwrap().is_object();
            for kind in 0..3 {
                let deep = strategy::deeply_nested(strategy::DEEP, kind, true);
                for edit in [
                    Edit::Replace(deep.clone()),
                    Edit::Insert("zz_unknown".into(), deep.clone()),
                ] {
                    let inserted = matches!(edit, Edit::Insert(..));
                    if inserted && leaf {
                        continue; // nowhere to insert a member
                    }
                    let mutation = Mutation {
                        edits: vec![(path.clone(), edit)],
                        bytes: strategy::ByteEdit::Keep,
                    };
                    let body = mutation.apply(value);
                    let what = format!("{file}: {mutation:?}");
                    ok(check_all(&body), &what);
                    assert!(LinkRequest::from_json(&body).is_err(), "{what}");
                    if !inserted && (leaf || path.is_empty()) {
                        assert!(Link::from_json(&body).is_err(), "{what}");
                        assert!(parse_notification(&body).is_err(), "{what}");
                    }
                    if inserted && !leaf {
                        match file {
                            "hpp-link-response.json" => {
                                assert!(Link::from_json(&body).is_ok(), "{what}")
                            }
                            "transaction-notification.json" => {
                                assert!(parse_notification(&body).is_ok(), "{what}")
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

/// Numbers no 64-bit integer holds are errors at their field; the extremes of `int64` decode.
#[test]
fn numbers_outside_int64_are_errors_at_their_field() {
    let at = |key: &str| vec![Step::Key(key.into())];
    let replace = |value: &Value, path: Vec<Step>, raw: &str| {
        Mutation {
            edits: vec![(path, Edit::Replace(raw.as_bytes().to_vec()))],
            bytes: strategy::ByteEdit::Keep,
        }
        .apply(value)
    };
    for raw in [
        "1e400",
        "-1e400",
        "18446744073709551616",
        "9223372036854775808",
        "-9223372036854775809",
        "1.5",
        "1e3",
    ] {
        let err = Link::from_json(&replace(&RESPONSE, at("amount"), raw)).unwrap_err();
        assert_eq!(err.path(), "amount", "{raw}: {err}");
        let err = LinkRequest::from_json(&replace(&REQUEST, at("amount"), raw)).unwrap_err();
        if raw.contains("e400") {
            // No `serde_json::Value` holds it: the body is not read at all.
            assert_eq!(err.field(), "", "{raw}: {err}");
            assert!(
                err.to_string().contains("number out of range"),
                "{raw}: {err}"
            );
        } else {
            assert_eq!(err.field(), "amount", "{raw}: {err}");
        }
        let path = vec![
            Step::Key("transaction_details".into()),
            Step::Key("ref".into()),
        ];
        let err = parse_notification(&replace(&NOTIFICATION, path, raw)).unwrap_err();
        assert_eq!(err.path(), "transaction_details.ref", "{raw}: {err}");
    }
    for (raw, amount) in [
        ("-9223372036854775808", i64::MIN),
        ("9223372036854775807", i64::MAX),
    ] {
        let link = Link::from_json(&replace(&RESPONSE, at("amount"), raw)).unwrap();
        assert_eq!(link.response().amount, Some(amount));
    }
    let err = LinkRequest::from_json(&replace(&REQUEST, at("amount"), "-9223372036854775808"))
        .unwrap_err();
    assert_eq!(err.field(), "amount");
}

/// A key written twice is an error in every decoder: the first value must not be dropped
/// silently (a proxy or log that reads the first one would disagree with what is sent).
#[test]
fn duplicate_keys_are_errors() {
    for (file, value, _) in examples() {
        for path in strategy::paths(value) {
            let Some(Step::Key(key)) = path.last() else {
                continue;
            };
            let same = serde_json::to_vec(value.pointer(&pointer(&path)).unwrap()).unwrap();
            let mutation = Mutation {
                edits: vec![(path.clone(), Edit::Duplicate(same))],
                bytes: strategy::ByteEdit::Keep,
            };
            let body = mutation.apply(value);
            let what = format!("{file}: `{key}` twice at {path:?}");
            match file {
                "hpp-link-response.json" => {
                    let err = Link::from_json(&body).expect_err(&what);
                    assert!(err.message().contains("duplicate field"), "{what}: {err}");
                }
                "transaction-notification.json" => {
                    let err = parse_notification(&body).expect_err(&what);
                    assert!(err.message().contains("duplicate field"), "{what}: {err}");
                }
                _ => {
                    let err = LinkRequest::from_json(&body).expect_err(&what);
                    assert!(err.to_string().contains("duplicate field"), "{what}: {err}");
                }
            }
        }
    }
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// An error inside the value of an empty key names that key (`""`), never an empty path.
#[test]
fn errors_under_an_empty_key_name_it() {
    let cut = br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "": "#;
    assert_eq!(Link::from_json(cut).unwrap_err().path(), "\"\"");
    let cut = br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "billing_address": {"": "#;
    assert_eq!(
        Link::from_json(cut).unwrap_err().path(),
        "billing_address.\"\""
    );
    let err = LinkRequest::from_json(br#"{"amount": 1, "currency": "JPY", "": 2}"#).unwrap_err();
    assert_eq!((err.field(), err.rule()), ("\"\"", &Rule::UnknownField));
    let err = LinkRequest::from_json(br#"{"return_url": {"": null, "": null}}"#).unwrap_err();
    assert_eq!(err.field(), "return_url.\"\"");
}

/// The same for notifications.
#[test]
fn notification_errors_under_an_empty_key_name_it() {
    let cut = br#"{"transaction_details": {"id": "x"}, "": "#;
    let err = parse_notification(cut).unwrap_err();
    assert_eq!(err.path(), "\"\"", "{err}");
}

/// The one spec-valid value a model does not give back byte for byte: a UUID `id` written in
/// upper case (or braced, or as a URN) decodes to the same UUID and is written back in the
/// canonical lower-case form, which is why the generator only writes that form.
#[test]
fn uuids_come_back_canonical() {
    let canonical = "f49173ce-4916-445c-a831-3c1468acf14e";
    for written in [
        "F49173CE-4916-445C-A831-3C1468ACF14E",
        "{f49173ce-4916-445c-a831-3c1468acf14e}",
        "urn:uuid:f49173ce-4916-445c-a831-3c1468acf14e",
        "f49173ce4916445ca8313c1468acf14e",
    ] {
        let body = format!(r#"{{"id": "{written}", "url": "https://x.example/p"}}"#);
        let link = Link::from_json(body.as_bytes()).unwrap();
        assert_eq!(link.id().to_string(), canonical);
        assert_eq!(
            serde_json::to_value(link.response()).unwrap()["id"],
            canonical
        );
    }
}

/// The generator's own rules: it refuses a keyword it does not know, and honours the ones it
/// does (checked on a schema the spec does not have yet).
#[test]
fn the_generator_refuses_unknown_keywords() {
    let spec = serde_json::json!({});
    let result = std::panic::catch_unwind(|| {
        strategy::schema(
            &spec,
            &serde_json::json!({"type": "string", "multipleOf": 2}),
        )
    });
    assert!(result.is_err());
}

#[test]
fn the_generator_honours_rules_the_spec_may_gain() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let spec = serde_json::json!({});
    let schema = serde_json::json!({
        "type": "object",
        "required": ["n", "e"],
        "properties": {
            "n": {"type": "integer", "format": "int32", "minimum": 5, "maximum": 9, "exclusiveMaximum": true},
            "e": {"enum": ["a", "b"]},
            "s": {"type": "string", "minLength": 2, "maxLength": 4},
            "d": {"type": "string", "format": "date-time"},
            "l": {"type": "array", "items": {"type": "boolean"}, "minItems": 1, "maxItems": 2}
        }
    });
    let generated = strategy::schema(&spec, &schema);
    let mut runner = TestRunner::deterministic();
    for _ in 0..200 {
        let value = generated.new_tree(&mut runner).unwrap().current();
        let n = value["n"].as_i64().unwrap();
        assert!((5..9).contains(&n), "{value}");
        assert!(
            ["a", "b"].contains(&value["e"].as_str().unwrap()),
            "{value}"
        );
        if let Some(s) = value.get("s") {
            assert!(
                (2..=4).contains(&s.as_str().unwrap().chars().count()),
                "{value}"
            );
        }
        if let Some(l) = value.get("l") {
            assert!((1..=2).contains(&l.as_array().unwrap().len()), "{value}");
        }
    }
}
