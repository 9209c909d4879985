//! Reading transactions against a scripted server on 127.0.0.1: what goes on the wire, how each
//! answer becomes a `Transaction` and its `Outcome`. The money calls are in `money_calls.rs`,
//! the confirmation in `confirmation.rs`.

use std::time::Duration;

use paymentoptions_hpp::requests::{
    CaptureRequest, RefundRequest, StoredCardPaymentRequest, VoidRequest,
};
use paymentoptions_hpp::{
    Client, ClientBuilder, Currency, Error, Money, Outcome, RetryOn, RetryPolicy, Rule,
    TransactionKind, parse_notification,
};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer, operation_path};
use serde_json::{Value, json};

const KEY: &str = "test-key-123";
const ID: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";
/// A card number that must never appear in any `Debug` or `Display` output.
const CANARY_CARD: &str = "4111222233334444";

fn client_for(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url())
        .retry_policy(RetryPolicy::none())
}

/// An eager policy: every transient failure retried at once.
fn eager() -> RetryPolicy {
    RetryPolicy::default()
        .with_retry_on(RetryOn::Transient)
        .with_max_retries(3)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(1))
}

fn jpy(amount: i64) -> Money {
    Money::from_minor(amount, Currency::JPY).unwrap()
}

/// The spec's status example, with the canary card number.
fn approved_status(id: &str, amount: i64) -> Value {
    json!({
        "success": true, "status_code": 200, "is_live": false, "transaction_type": "CAPTURE",
        "gateway_response": {"version": "1", "type": "INFO", "message": "Payment Successful.", "code": "INFO0000"},
        "merchant_details": {"legal_name": "Tink15 Factory", "mid": "MERCHANT-0001", "merchant_txn_ref": "ORDER-1"},
        "payment_details": {
            "amount": amount, "response_code": 0, "currency": "JPY", "auth_code": "268004",
            "card": {"name": "John Doe", "number": CANARY_CARD, "exp_month": "12", "exp_year": "24"}
        },
        "transaction_details": {"id": id, "ref": 74811, "timestamp": "2024-11-25T08:24:36.000Z",
            "stored_payment_method_id": "094db781-fabc-4c6d-8fcd-18bee06a527a"},
        "risk_details": {"risk_score": null}
    })
}

fn declined_status(id: &str) -> Value {
    json!({
        "success": false, "status_code": 200, "transaction_type": "CAPTURE",
        "gateway_response": {"type": "ERROR", "code": "ERR0005"},
        "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 5,
            "card": {"number": CANARY_CARD}},
        "transaction_details": {"id": id}
    })
}

/// Every `Debug` and `Display` of `value` is free of the canary card number.
fn assert_no_card<T: std::fmt::Debug>(value: &T, display: &str) {
    let debug = format!("{value:?} {value:#?}");
    assert!(
        !debug.contains(CANARY_CARD),
        "Debug shows the card: {debug}"
    );
    assert!(
        !display.contains(CANARY_CARD),
        "Display shows the card: {display}"
    );
}

#[tokio::test]
async fn status_reads_an_approved_transaction() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved_status(ID, 1000)));
    let client = client_for(&server).build().unwrap();
    let t = client.get_transaction_status(ID).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].path,
        operation_path(&api::GET_TRANSACTION_STATUS, &[("transactionId", ID)])
    );
    requests[0].assert_auth(KEY);
    assert!(requests[0].body.is_empty());

    assert_eq!(t.http_status(), Some(200));
    assert_eq!(t.id(), Some(ID));
    assert_eq!(t.kind(), Some(TransactionKind::Capture));
    assert_eq!(t.outcome(), Outcome::Approved);
    assert_eq!(t.amount(), Some(jpy(1000)));
    assert_eq!(t.merchant_txn_ref(), Some("ORDER-1"));
    assert_eq!(
        t.stored_payment_method_id(),
        Some("094db781-fabc-4c6d-8fcd-18bee06a527a")
    );
    assert_eq!(t.card_last_four(), Some("4444"));
    assert_eq!(t.is_live(), Some(false));
    assert_eq!(t.to_string(), format!("CAPTURE {ID} approved 1000 JPY"));
    // The raw body is kept as received (the card number with it), and never shown.
    assert_eq!(
        serde_json::from_slice::<Value>(t.raw()).unwrap(),
        approved_status(ID, 1000)
    );
    assert_no_card(&t, &t.to_string());
    assert_no_card(t.envelope(), "");
}

#[tokio::test]
async fn status_reads_declined_and_unknown_outcomes() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, declined_status(ID)));
    server.push_reply(Reply::json(200, json!({"transaction_details": {"id": ID}})));
    // Contradicting signals: success, but response code 5.
    server.push_reply(Reply::json(
        200,
        json!({"success": true, "payment_details": {"response_code": 5}}),
    ));
    let client = client_for(&server).build().unwrap();

    let declined = client.get_transaction_status(ID).await.unwrap();
    assert_eq!(
        declined.outcome(),
        Outcome::Declined {
            response_code: Some(5),
            meaning: Some("do not honour (declined)"),
            gateway_code: Some("ERR0005".into()),
        }
    );
    assert!(declined.to_string().contains("declined"));
    assert_no_card(&declined, &declined.to_string());

    let unknown = client.get_transaction_status(ID).await.unwrap();
    assert_eq!(unknown.outcome(), Outcome::Unknown);
    assert_eq!(unknown.kind(), None);
    assert_eq!(unknown.amount(), None);
    assert_eq!(unknown.to_string(), format!("- {ID} unknown -"));

    let contradiction = client.get_transaction_status(ID).await.unwrap();
    assert!(contradiction.outcome().is_declined());
}

#[tokio::test]
async fn status_errors_keep_their_status_and_get_is_retried_by_the_policy() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(404, json!({"message": "no such transaction"})));
    let client = client_for(&server).build().unwrap();
    match client.get_transaction_status(ID).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status(), 404);
            assert_eq!(e.message(), Some("no such transaction"));
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    // Reading is safe to repeat: a GET follows the client's policy.
    server.push_reply(Reply::json(503, json!({})));
    server.push_reply(Reply::json(200, approved_status(ID, 1000)));
    let client = client_for(&server).retry_policy(eager()).build().unwrap();
    let t = client.get_transaction_status(ID).await.unwrap();
    assert_eq!(t.outcome(), Outcome::Approved);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn bad_bodies_are_decode_errors_with_a_path() {
    let server = TestServer::start().await;
    let cases = [
        (json!({"success": "yes"}), "success"),
        (
            json!({"payment_details": {"amount": "1000"}}),
            "payment_details.amount",
        ),
        (
            json!({"transaction_details": {"ref": []}}),
            "transaction_details.ref",
        ),
        (json!([1, 2]), "."),
    ];
    let client = client_for(&server).build().unwrap();
    for (body, path) in cases {
        server.push_reply(Reply::json(200, body.clone()));
        match client.get_transaction_status(ID).await {
            Err(Error::Decode(e)) => {
                assert_eq!(e.path(), path, "{body}");
                assert_eq!(e.status(), 200);
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
    // A decode error of a capture shows the body without the card number.
    let mut body = approved_status(ID, 1000);
    body["success"] = json!("yes");
    server.push_reply(Reply::json(201, body));
    let capture = CaptureRequest::builder()
        .transaction_id(ID)
        .amount(jpy(1000))
        .build()
        .unwrap();
    let err = client.capture_transaction(&capture).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_no_card(&err, &err.to_string());
}

#[tokio::test]
async fn rules_are_checked_before_sending() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    let err = client
        .get_transaction_status("too-short")
        .await
        .unwrap_err();
    match err {
        Error::Validation(e) => {
            assert_eq!(e.field(), "transactionId");
            assert!(matches!(e.rule(), Rule::MinLength { .. }), "{:?}", e.rule());
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    let err = CaptureRequest::builder()
        .transaction_id(ID)
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "amount");
    assert_eq!(*err.rule(), Rule::Required);
    let err = RefundRequest::builder()
        .transaction_id("x")
        .amount(jpy(1))
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "transactionId");
    let err = VoidRequest::builder().build().unwrap_err();
    assert_eq!(err.field(), "transactionId");
    let err = StoredCardPaymentRequest::builder()
        .amount(jpy(1000))
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "payment_method");
    assert!(server.requests().is_empty());
}

#[test]
fn notifications_carrying_the_envelope_have_an_outcome_and_hide_the_card() {
    let body = serde_json::to_vec(&approved_status(ID, 1000)).unwrap();
    let n = parse_notification(&body).unwrap();
    assert_eq!(n.transaction_id(), ID);
    assert_eq!(n.outcome(), Outcome::Approved);
    assert_eq!(n.merchant_txn_ref(), Some("ORDER-1"));
    assert_eq!(n.timestamp(), Some("2024-11-25T08:24:36.000Z"));
    assert_eq!(
        n.reference().map(ToString::to_string).as_deref(),
        Some("74811")
    );
    assert_eq!(
        n.stored_payment_method_id(),
        Some("094db781-fabc-4c6d-8fcd-18bee06a527a")
    );
    assert_eq!(n.raw(), body.as_slice());
    let t = n.transaction();
    assert_eq!(
        (t.amount(), t.card_last_four()),
        (Some(jpy(1000)), Some("4444"))
    );
    assert_eq!(t.http_status(), None);
    assert_no_card(&n, "");
    assert_no_card(&t, &t.to_string());
    assert_no_card(&n.outcome(), &n.outcome().to_string());

    let declined = parse_notification(&serde_json::to_vec(&declined_status(ID)).unwrap()).unwrap();
    assert!(declined.outcome().is_declined());
    assert_no_card(&declined, &declined.outcome().to_string());
}
