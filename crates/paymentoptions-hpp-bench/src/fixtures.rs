//! The spec's example bodies the benchmarks send and answer, the page example request built
//! through the wrapper's builder, and the check that the baselines do the same work.

use std::path::PathBuf;

use paymentoptions_hpp::{AddressBuilder, Currency, LinkRequest, Money};

use crate::handwritten;
use crate::stats::{median, percentile};

/// The spec's example request body (`fixtures/hpp-link-request.json`).
pub const REQUEST_FIXTURE: &[u8] = include_bytes!("../../../fixtures/hpp-link-request.json");

/// The spec's example response body (`fixtures/hpp-link-response.json`).
pub const RESPONSE_FIXTURE: &[u8] = include_bytes!("../../../fixtures/hpp-link-response.json");

/// The spec's transaction envelope example, the answer of the status call
/// (`fixtures/transaction-notification-envelope.json`).
pub const STATUS_FIXTURE: &[u8] =
    include_bytes!("../../../fixtures/transaction-notification-envelope.json");

/// The transaction status path (with its `{transactionId}` parameter), from the generated crate.
pub const STATUS_PATH: &str = paymentoptions_hpp_client::api::GET_TRANSACTION_STATUS.path;

/// The API key every benchmark sends (servers here accept any key).
pub const API_KEY: &str = "bench-api-key-0000";

/// The link-creation path, from the generated crate.
pub const CREATE_PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// The page example request (`fixtures/hpp-link-request.json`), built the way a merchant
/// builds it: through [`LinkRequest::builder`], every rule checked.
pub fn page_example_request() -> LinkRequest {
    let address = |email: &str| {
        AddressBuilder::new()
            .country("JP")
            .email(email)
            .phone_number("8112345678")
            .address1("1-2-3 Shinjuku")
            .city("Shinjuku-ku")
            .state("Tokyo")
            .postal_code("1600022")
    };
    LinkRequest::builder()
        .amount(Money::from_minor(1000, Currency::JPY).expect("JPY 1000 is an amount"))
        .merchant_id("MERCHANT-0001")
        .merchant_email("merchant@testemail.com")
        .merchant_txn_ref("2003089893366DTEST")
        .webhook_url("https://merchant.example.com/webhooks/paymentoptions")
        .success_url("http://www.successurl.com/")
        .decline_url("http://www.declineurl.com/")
        .cancel_url("http://cancelurl.com/")
        .payment_method_type("scheme")
        .store_payment_method(true)
        .billing_address(address("billing@testemail.com"))
        .shipping_address(address("shipping@testemail.com"))
        .build()
        .expect("the page example is a valid request")
}

/// Panics unless the baselines send and read what the wrapper and the generated models send and
/// read (the same request bytes, an equal decoded response): otherwise the ratios would compare
/// different work. The benches call it before measuring, so the CI smoke run checks it too.
pub fn assert_baselines_match() {
    let wrapper = serde_json::to_vec(page_example_request().as_model()).expect("encodes");
    let hand = serde_json::to_vec(&handwritten::example_request()).expect("encodes");
    assert_eq!(
        String::from_utf8_lossy(&wrapper),
        String::from_utf8_lossy(&hand),
        "the hand-written request encodes differently from the generated model"
    );
    let fixture: serde_json::Value = serde_json::from_slice(REQUEST_FIXTURE).expect("JSON");
    let sent: serde_json::Value = serde_json::from_slice(&wrapper).expect("JSON");
    assert_eq!(
        sent, fixture,
        "the builder must rebuild the page example exactly"
    );

    let generated: paymentoptions_hpp::models::HppLinkResponse =
        serde_json::from_slice(RESPONSE_FIXTURE).expect("the generated model decodes");
    let hand: handwritten::LinkResponse =
        serde_json::from_slice(RESPONSE_FIXTURE).expect("the hand-written struct decodes");
    assert_eq!(
        serde_json::to_value(&generated).expect("encodes"),
        serde_json::to_value(&hand).expect("encodes"),
        "the hand-written response struct reads differently from the generated model"
    );
    assert_eq!(percentile(&[1, 2, 3, 4], 50.0), 2);
    assert_eq!(percentile(&(1..=100).collect::<Vec<u32>>(), 99.0), 99);
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
}
