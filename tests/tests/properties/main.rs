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

mod broken_bodies;
mod exhaustive;
mod round_trips;

/// Cases per round-trip property (one per component schema) in a default run.
const ROUND_TRIP_CASES: u32 = 128;
/// Cases per decoder property in a default run.
const DECODE_CASES: u32 = 256;

/// The default config (which reads every `PROPTEST_*` variable) with `cases` unless
/// `PROPTEST_CASES` is set, and regressions stored in `tests/tests/properties.proptest-regressions`.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    // The default (`SourceParallel`) looks for a `lib.rs` above the test's file, finds none and
    // warns on every run. A path per source file (`WithSource`) would split the stored seeds
    // across this directory's modules: one file serves them all.
    config.failure_persistence = Some(Box::new(FileFailurePersistence::Direct(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/properties.proptest-regressions"
    ))));
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

/// The model of every component schema: the generated types, and the client crate's
/// hand-written replacements (the spec's sensitive `CardNumber`).
mod model_types {
    pub use paymentoptions_hpp_client::CardNumber;
    pub use paymentoptions_hpp_client::types::*;
}

// ---------------------------------------------------------------------------------------------
// Each decoder's check on a body, shared by the properties (`broken_bodies`) and their
// exhaustive companions: `Ok` or a typed error, never a panic; what decodes re-encodes
// faithfully.

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
