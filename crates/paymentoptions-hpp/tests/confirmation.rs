//! "Is this order paid, and by which transaction?" against a scripted status call on
//! 127.0.0.1: every way a forged or careless notification tried to pass as a payment, each
//! decided from the status alone.

use paymentoptions_hpp::{
    Client, ClientBuilder, Confirmation, Currency, Error, ExpectedPayment, Money, NotPaidReason,
    Outcome, RetryPolicy, TransactionKind, UndecidedReason,
};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::{Value, json};

const ID: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";
const CANARY_CARD: &str = "4111222233334444";

fn client_for(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .api_key("test-key-123")
        .base_url(&server.base_url())
        .retry_policy(RetryPolicy::none())
}

fn jpy(amount: i64) -> Money {
    Money::from_minor(amount, Currency::JPY).unwrap()
}

fn order() -> ExpectedPayment {
    ExpectedPayment::new("ORDER-A", jpy(1000))
}

/// The spec's status example: an approved payment of ORDER-A, JPY 1000, test mode.
fn paid() -> Value {
    json!({
        "success": true, "status_code": 200, "is_live": false, "transaction_type": "CAPTURE",
        "gateway_response": {"version": "1", "type": "INFO", "message": "Payment Successful.", "code": "INFO0000"},
        "merchant_details": {"legal_name": "Tink15 Factory", "mid": "MERCHANT-0001", "merchant_txn_ref": "ORDER-A"},
        "payment_details": {"amount": 1000, "response_code": 0, "currency": "JPY",
            "card": {"number": CANARY_CARD}},
        "transaction_details": {"id": ID, "ref": 74811}
    })
}

/// Confirms `ID` for `expected` against a status answer `status`.
async fn confirm(
    status: Value,
    client: ClientBuilder,
    expected: &ExpectedPayment,
) -> Result<Confirmation, Error> {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, status));
    let client = client.base_url(&server.base_url()).build().unwrap();
    client.confirm_payment(ID, expected).await
}

async fn with_test_client(status: Value) -> Result<Confirmation, Error> {
    let server = TestServer::start().await;
    confirm(status, client_for(&server), &order()).await
}

async fn not_paid(status: Value) -> NotPaidReason {
    match with_test_client(status).await {
        Ok(Confirmation::NotPaid(n)) => {
            let shown = format!("{n} {n:?}");
            assert!(!shown.contains(CANARY_CARD), "{shown}");
            // Its message names the transaction and says why, in the reason's own words.
            let reason = n.reason().to_string();
            assert!(!reason.is_empty());
            assert!(
                n.to_string()
                    .ends_with(&format!("does not pay the order: {reason}")),
                "{n}"
            );
            n.reason().clone()
        }
        other => panic!("expected not paid, got {other:?}"),
    }
}

async fn undecided(status: Value) -> UndecidedReason {
    match with_test_client(status).await {
        Err(Error::Undecided(u)) => {
            assert_eq!(u.transaction_id(), ID);
            // The status was read: it is kept for whoever looks into it.
            assert_eq!(u.transaction().and_then(|t| t.id()), Some(ID));
            assert!(u.to_string().contains(&u.reason().to_string()), "{u}");
            u.reason().clone()
        }
        other => panic!("expected undecided, got {other:?}"),
    }
}

#[tokio::test]
async fn an_approved_payment_of_the_order_and_its_exact_amount_is_paid() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, paid()));
    let client = client_for(&server).build().unwrap();
    let confirmation = client.confirm_payment(ID, &order()).await.unwrap();
    assert!(confirmation.is_paid());
    let Confirmation::Paid(payment) = &confirmation else {
        unreachable!()
    };
    assert_eq!(payment.to_string(), payment.transaction().to_string());
    assert!(payment.to_string().contains(ID), "{payment}");
    assert_eq!(confirmation.transaction().amount(), Some(jpy(1000)));
    assert!(server.requests()[0].path.ends_with(ID));
}

#[tokio::test]
async fn a_refund_or_void_of_the_same_amount_is_not_a_payment() {
    // A refund of 1,000 on any order must not make every 1,000 order "paid".
    for kind in ["REFUND", "VOID"] {
        let mut status = paid();
        status["transaction_type"] = json!(kind);
        let code = api::codes::APPROVES
            .iter()
            .find(|(_, k)| k.contains(&kind))
            .unwrap()
            .0;
        status["gateway_response"]["code"] = json!(code);
        assert_eq!(
            not_paid(status).await,
            NotPaidReason::NotAPayment {
                kind: TransactionKind::from_type(kind)
            }
        );
    }
}

#[tokio::test]
async fn a_pre_auth_is_authorised_only_when_asked_and_never_paid() {
    let mut status = paid();
    status["transaction_type"] = json!("PRE_AUTH");
    assert_eq!(
        not_paid(status.clone()).await,
        NotPaidReason::NotAPayment {
            kind: TransactionKind::PreAuth
        }
    );
    let server = TestServer::start().await;
    let asked = order().or_authorised();
    let confirmation = confirm(status, client_for(&server), &asked).await.unwrap();
    assert!(matches!(confirmation, Confirmation::Authorised(_)));
    assert!(!confirmation.is_paid());
}

#[tokio::test]
async fn another_orders_payment_is_not_this_orders() {
    // The notification said ORDER-B; the status of its transaction says ORDER-A.
    let server = TestServer::start().await;
    let order_b = ExpectedPayment::new("ORDER-B", jpy(1000));
    match confirm(paid(), client_for(&server), &order_b).await {
        Ok(Confirmation::NotPaid(n)) => assert_eq!(
            n.reason(),
            &NotPaidReason::OtherOrder {
                found: Some("ORDER-A".into())
            }
        ),
        other => panic!("{other:?}"),
    }
    // No reference at all is not this order's either.
    let mut status = paid();
    status["merchant_details"]
        .as_object_mut()
        .unwrap()
        .remove("merchant_txn_ref");
    assert_eq!(
        not_paid(status).await,
        NotPaidReason::OtherOrder { found: None }
    );
}

#[tokio::test]
async fn another_merchant_another_transaction_another_amount_or_currency() {
    // The client's merchant id must match the status's when both are known.
    let server = TestServer::start().await;
    let client = client_for(&server).merchant_id("MERCHANT-0002");
    match confirm(paid(), client, &order()).await {
        Ok(Confirmation::NotPaid(n)) => assert_eq!(
            n.reason(),
            &NotPaidReason::OtherMerchant {
                found: "MERCHANT-0001".into()
            }
        ),
        other => panic!("{other:?}"),
    }
    let mut status = paid();
    status["transaction_details"]["id"] = json!("00000000-0000-4000-8000-000000000000");
    assert!(matches!(
        not_paid(status).await,
        NotPaidReason::OtherTransaction { .. }
    ));
    let mut status = paid();
    status["payment_details"]["amount"] = json!(999);
    assert_eq!(
        not_paid(status).await,
        NotPaidReason::OtherAmount {
            found: Some(jpy(999))
        }
    );
    let mut status = paid();
    status["payment_details"]["currency"] = json!("BHD");
    assert!(matches!(
        not_paid(status).await,
        NotPaidReason::OtherAmount { found: Some(m) } if m.currency() == Currency::BHD
    ));
}

#[tokio::test]
async fn declined_and_partial_approvals_are_not_paid() {
    let mut status = paid();
    status["success"] = json!(false);
    status["payment_details"]["response_code"] = json!(5);
    assert!(matches!(
        not_paid(status).await,
        NotPaidReason::Declined(Outcome::Declined { .. })
    ));
    let mut status = paid();
    status["payment_details"]["response_code"] = json!(api::codes::PARTIAL_APPROVAL[0]);
    status["payment_details"]["amount"] = json!(600);
    assert_eq!(
        not_paid(status).await,
        NotPaidReason::PartiallyApproved {
            response_code: api::codes::PARTIAL_APPROVAL[0],
            collected: Some(jpy(600))
        }
    );
}

#[tokio::test]
async fn what_the_library_cannot_vouch_for_is_undecided() {
    // An undocumented INFO code, an ERROR type, a wallet's kind, no kind, a code of another
    // kind (a payment whose status reads "refunded").
    let mut status = paid();
    status["gateway_response"]["code"] = json!("INFO_I_SAY_SO");
    assert_eq!(undecided(status).await, UndecidedReason::UnknownOutcome);
    let mut status = paid();
    status["gateway_response"]["type"] = json!("ERROR");
    assert_eq!(undecided(status).await, UndecidedReason::UnknownOutcome);
    let mut status = paid();
    status["transaction_type"] = json!("GCASH");
    assert_eq!(
        undecided(status).await,
        UndecidedReason::UnknownKind {
            kind: Some("GCASH".into())
        }
    );
    let mut status = paid();
    status.as_object_mut().unwrap().remove("transaction_type");
    assert_eq!(
        undecided(status).await,
        UndecidedReason::UnknownKind { kind: None }
    );
    let mut status = paid();
    status["gateway_response"]["code"] = json!("INFO0002");
    assert_eq!(
        undecided(status).await,
        UndecidedReason::CodeOfAnotherKind {
            gateway_code: "INFO0002".into()
        }
    );
}

#[tokio::test]
async fn a_404_is_undecided_not_forged_and_a_failed_read_is_an_error() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(404, json!({"code": "not_found"})));
    server.push_reply(Reply::json(503, json!({"message": "busy"})));
    let client = client_for(&server).build().unwrap();
    let err = client.confirm_payment(ID, &order()).await.unwrap_err();
    let Error::Undecided(u) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(u.reason(), &UndecidedReason::NotFoundYet);
    assert!(err.to_string().contains("not proof of forgery"), "{err}");
    assert!(!err.may_have_moved_money());
    let err = client.confirm_payment(ID, &order()).await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn the_environment_must_match_and_a_missing_is_live_is_not_live() {
    // A live client never confirms a test payment.
    let server = TestServer::start().await;
    let live = client_for(&server).live(true);
    match confirm(paid(), live, &order()).await {
        Ok(Confirmation::NotPaid(n)) => {
            assert_eq!(n.reason(), &NotPaidReason::OtherEnvironment { live: false })
        }
        other => panic!("{other:?}"),
    }
    // Nor one that does not say.
    let mut silent = paid();
    silent.as_object_mut().unwrap().remove("is_live");
    let live = client_for(&server).live(true);
    match confirm(silent.clone(), live, &order()).await {
        Err(Error::Undecided(u)) => assert_eq!(u.reason(), &UndecidedReason::LiveModeNotStated),
        other => panic!("{other:?}"),
    }
    // A test client confirms a test payment, or one that does not say, but not a live one.
    assert!(with_test_client(silent).await.unwrap().is_paid());
    let mut live_payment = paid();
    live_payment["is_live"] = json!(true);
    assert_eq!(
        not_paid(live_payment).await,
        NotPaidReason::OtherEnvironment { live: true }
    );
    // Production clients are live by default.
    let production = Client::builder()
        .api_key("k-123456789")
        .environment(paymentoptions_hpp::Environment::Production)
        .build()
        .unwrap();
    assert!(production.is_live());
}

#[tokio::test]
async fn check_payment_decides_on_a_status_read_first() {
    // A server reads the status first to find the order by the status's own reference.
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, paid()));
    let client = client_for(&server).build().unwrap();
    let status = client.get_transaction_status(ID).await.unwrap();
    let reference = status.merchant_txn_ref().unwrap().to_string();
    let expected = ExpectedPayment::new(reference, jpy(1000));
    assert!(
        client
            .check_payment(ID, status, &expected)
            .unwrap()
            .is_paid()
    );
}
