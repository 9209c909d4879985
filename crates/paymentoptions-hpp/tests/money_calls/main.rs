//! The calls that may move money (capture, refund, void, stored-card payment) against a
//! scripted server on 127.0.0.1: the checks made before anything is sent (the target's kind,
//! outcome, environment and currency; a positive amount), what goes on the wire (the operation
//! reference in `notes`), and the three ends of a call: applied, refused, in doubt.

use std::time::{Duration, SystemTime};

use paymentoptions_hpp::requests::{
    CaptureRequest, RefundRequest, StoredCardPaymentRequest, VoidRequest,
};
use paymentoptions_hpp::{
    Client, ClientBuilder, Currency, Error, InDoubtCause, Money, RetryOn, RetryPolicy, Rule,
    TransactionKind,
};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::{Value, json};

mod checks_before_sending;
mod outcomes;
mod void_and_stored_card;

const KEY: &str = "test-key-123";
const PAYMENT: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";
const NEW_ID: &str = "2b7e1f0a-6c3d-4e8f-9a1b-5d4c3b2a1f0e";

fn client_for(server: &TestServer) -> ClientBuilder {
    // Retries as eager as a policy can be: a money call must still be sent at most once.
    Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url())
        .retry_policy(
            RetryPolicy::default()
                .with_retry_on(RetryOn::Transient)
                .with_max_retries(3)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(1)),
        )
}

fn jpy(amount: i64) -> Money {
    Money::from_minor(amount, Currency::JPY).unwrap()
}

/// The path of an operation, from the spec.
fn path(op: &api::Operation) -> String {
    op.path.to_string()
}

/// A transaction's status or an operation's answer: approved, of `kind`, with the success code
/// the spec pairs with that kind.
fn approved(kind: &str, id: &str, amount: i64, currency: &str) -> Value {
    let code = api::codes::APPROVES
        .iter()
        .find(|(_, kinds)| kinds.contains(&kind))
        .map(|(c, _)| *c)
        .unwrap();
    json!({
        "success": true, "status_code": 200, "is_live": false, "transaction_type": kind,
        "gateway_response": {"type": "INFO", "code": code},
        "merchant_details": {"mid": "MERCHANT-0001", "merchant_txn_ref": "ORDER-1"},
        "payment_details": {"amount": amount, "currency": currency, "response_code": 0},
        "transaction_details": {"id": id}
    })
}

fn refund(amount: Money) -> RefundRequest {
    RefundRequest::builder()
        .transaction_id(PAYMENT)
        .amount(amount)
        .build()
        .unwrap()
}

/// The money calls sent (every request but the status reads).
fn money_requests(server: &TestServer) -> Vec<(String, Value)> {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| (r.path.clone(), r.json()))
        .collect()
}
