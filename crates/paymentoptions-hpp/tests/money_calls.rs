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

#[tokio::test]
async fn an_applied_refund_reads_its_target_first_and_carries_an_operation_reference() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 400, "JPY")));
    let client = client_for(&server).build().unwrap();
    let t = client.refund_transaction(&refund(jpy(400))).await.unwrap();
    assert_eq!(t.kind(), Some(TransactionKind::Refund));
    let requests = server.requests();
    assert_eq!(requests[0].method, "GET");
    assert!(requests[0].path.ends_with(PAYMENT), "{}", requests[0].path);
    let sent = money_requests(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, path(&api::REFUND_TRANSACTION));
    let notes = sent[0].1["notes"].as_str().unwrap();
    assert!(notes.starts_with("po-"), "{notes}");
    assert_eq!(sent[0].1["amount"], 400);

    // The caller's own notes are kept, and are the call's reference.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 100, "JPY")));
    let with_notes = RefundRequest::builder()
        .transaction_id(PAYMENT)
        .amount(jpy(100))
        .notes("RMA-77")
        .build()
        .unwrap();
    client.refund_transaction(&with_notes).await.unwrap();
    assert_eq!(money_requests(&server)[1].1["notes"], "RMA-77");

    // Empty notes are no reference: the library's own goes there.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 100, "JPY")));
    let empty_notes = RefundRequest::builder()
        .transaction_id(PAYMENT)
        .amount(jpy(100))
        .notes("")
        .build()
        .unwrap();
    client.refund_transaction(&empty_notes).await.unwrap();
    let notes = money_requests(&server)[2].1["notes"].clone();
    assert!(notes.as_str().unwrap().starts_with("po-"), "{notes}");
}

#[tokio::test]
async fn another_currency_is_refused_before_anything_is_sent() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    // USD 10.50 on a JPY payment would have refunded ¥1,050.
    let usd = Money::parse_major("10.50", Currency::USD).unwrap();
    let err = client.refund_transaction(&refund(usd)).await.unwrap_err();
    let Error::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.field(), "amount");
    assert_eq!(
        v.rule(),
        &Rule::CurrencyMismatch {
            transaction: "JPY",
            amount: "USD"
        }
    );
    assert!(err.to_string().contains("give the amount in JPY"), "{err}");

    // A capture of KWD 1.000 on a JPY pre-auth: the same.
    server.push_reply(Reply::json(200, approved("PRE_AUTH", PAYMENT, 1000, "JPY")));
    let kwd = Money::parse_major("1.000", Currency::KWD).unwrap();
    let capture = CaptureRequest::builder()
        .transaction_id(PAYMENT)
        .amount(kwd)
        .build()
        .unwrap();
    let err = client.capture_transaction(&capture).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if matches!(v.rule(), Rule::CurrencyMismatch { .. })),
        "{err}"
    );
    assert!(money_requests(&server).is_empty());
    assert!(!err.may_have_moved_money());
}

#[tokio::test]
async fn a_target_of_the_wrong_kind_outcome_or_environment_is_refused_before_sending() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    let refused_target = |status: Value| {
        server.push_reply(Reply::json(200, status));
        let client = client.clone();
        async move {
            match client.refund_transaction(&refund(jpy(100))).await {
                Err(Error::Validation(v)) => {
                    assert_eq!(v.field(), "transactionId");
                    v.to_string()
                }
                other => panic!("expected a refused target, got {other:?}"),
            }
        }
    };
    // A refund targets the captured payment, never the pre-auth or a void.
    for kind in ["PRE_AUTH", "VOID"] {
        let shown = refused_target(approved(kind, PAYMENT, 1000, "JPY")).await;
        assert!(shown.contains(kind), "{shown}");
    }
    // A declined payment, one of unknown outcome, one with a code of another kind.
    let mut declined = approved("CAPTURE", PAYMENT, 1000, "JPY");
    declined["success"] = json!(false);
    refused_target(declined).await;
    let mut unknown = approved("CAPTURE", PAYMENT, 1000, "JPY");
    unknown["gateway_response"]["code"] = json!("INFO_I_SAY_SO");
    refused_target(unknown).await;
    let mut refunded = approved("CAPTURE", PAYMENT, 1000, "JPY");
    refunded["gateway_response"]["code"] = json!("INFO0002");
    refused_target(refunded).await;
    // A live transaction for a test client.
    let mut live = approved("CAPTURE", PAYMENT, 1000, "JPY");
    live["is_live"] = json!(true);
    let shown = refused_target(live).await;
    assert!(shown.contains("live"), "{shown}");
    assert!(money_requests(&server).is_empty());

    // More than the target's amount is refused too.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    let err = client
        .refund_transaction(&refund(jpy(1001)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.rule() == &Rule::Maximum { max: 1000 }),
        "{err}"
    );
    assert!(money_requests(&server).is_empty());
}

#[tokio::test]
async fn a_target_that_reads_as_what_the_call_creates_is_left_to_the_server() {
    // Whether a refunded payment's status reads REFUND afterwards is not documented: a second
    // partial refund must still go out, bounded by the server and not by the changed status.
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    server.push_reply(Reply::json(200, approved("REFUND", PAYMENT, 400, "JPY")));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 500, "JPY")));
    client.refund_transaction(&refund(jpy(500))).await.unwrap();
    assert_eq!(money_requests(&server).len(), 1);
    // Its currency is still checked.
    server.push_reply(Reply::json(200, approved("REFUND", PAYMENT, 400, "JPY")));
    let usd = Money::parse_major("5", Currency::USD).unwrap();
    let err = client.refund_transaction(&refund(usd)).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert_eq!(money_requests(&server).len(), 1);
}

#[tokio::test]
async fn zero_amounts_are_refused_by_policy() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    let pay = StoredCardPaymentRequest::builder()
        .amount(jpy(0))
        .stored_payment_method_id("094db781-fabc-4c6d-8fcd-18bee06a527a")
        .payment_method_type("scheme")
        .merchant_txn_ref("ORDER-2")
        .build()
        .unwrap();
    let err = client.pay_with_stored_card(&pay).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.field() == "amount" && v.rule() == &Rule::NotPositive),
        "{err}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_declined_answer_and_a_4xx_are_typed_refusals_with_the_documented_meaning() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    // ERR3019 in a 2xx envelope.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(
        201,
        json!({"success": false, "transaction_type": "REFUND",
            "gateway_response": {"code": "ERR3019"},
            "payment_details": {"response_code": -8019}}),
    ));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    let Error::Refused(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (r.status(), r.gateway_code(), r.response_code(), r.meaning()),
        (
            201,
            Some("ERR3019"),
            Some(-8019),
            Some("insufficient refund balance")
        )
    );
    assert!(r.transaction().is_some());
    assert!(!err.may_have_moved_money());
    assert_eq!(err.hint(), None);

    // ERR3019 in a 412 whose body is the envelope plus the error members.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(
        412,
        json!({"code": "ERR3019", "message": "insufficient refund balance",
            "success": false, "gateway_response": {"code": "ERR3019"},
            "payment_details": {"response_code": -8019}}),
    ));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    let Error::Refused(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((r.status(), r.gateway_code()), (412, Some("ERR3019")));
    assert!(err.to_string().contains("nothing moved"), "{err}");
    assert!(err.may_have_reached_server());

    // A 404 is a refusal with no code; a 401 stays an API (auth) error.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(404, json!({"code": "not_found"})));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(r) if r.gateway_code().is_none()),
        "{err:?}"
    );
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(401, json!({"message": "bad key"})));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(a) if a.is_auth()), "{err:?}");
    assert_eq!(money_requests(&server).len(), 4);
}

#[tokio::test]
async fn a_5xx_a_timeout_or_an_unreadable_answer_is_in_doubt_and_never_resent() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    let before = SystemTime::now();
    server.push_reply(Reply::json(200, approved("PRE_AUTH", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(503, json!({"message": "busy"})));
    let capture = CaptureRequest::builder()
        .transaction_id(PAYMENT)
        .amount(jpy(600))
        .build()
        .unwrap();
    let err = client.capture_transaction(&capture).await.unwrap_err();
    assert!(err.may_have_moved_money());
    let Error::InDoubt(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.operation(), api::CAPTURE_TRANSACTION.id);
    assert_eq!(d.target(), Some(PAYMENT));
    assert_eq!(d.amount(), Some(jpy(600)));
    assert!(d.sent_at() >= before);
    assert!(matches!(d.cause(), InDoubtCause::Failed(e) if e.status() == Some(503)));
    let sent = money_requests(&server);
    assert_eq!(sent.len(), 1, "a capture is sent once");
    assert_eq!(sent[0].1["notes"], d.reference());
    // The advice names only what exists: the status call, and the back office.
    let advice = d.advice();
    assert!(advice.contains(api::GET_TRANSACTION_STATUS.id), "{advice}");
    assert!(advice.contains("back office"), "{advice}");
    assert!(advice.contains(d.reference()), "{advice}");
    assert!(!advice.contains("merchant_txn_ref"), "{advice}");
    assert_eq!(err.hint(), Some(advice));

    // A timeout after sending (a fresh server: the answer never came in time).
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(
        Reply::json(201, approved("REFUND", NEW_ID, 400, "JPY")).delay(Duration::from_secs(3)),
    );
    let client = client_for(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .refund_transaction(&refund(jpy(400)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InDoubt(d) if matches!(d.cause(), InDoubtCause::Failed(Error::Transport(_)))),
        "{err:?}"
    );
    assert_eq!(money_requests(&server).len(), 1);

    // A 2xx that cannot be read.
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::raw(201, "application/json", "{\"success\": tru"));
    let client = client_for(&server).build().unwrap();
    let err = client
        .refund_transaction(&refund(jpy(400)))
        .await
        .unwrap_err();
    assert!(err.may_have_moved_money(), "{err:?}");
}

#[tokio::test]
async fn a_2xx_that_is_not_a_clear_approval_of_what_was_asked_is_in_doubt() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    let mut unknown = approved("REFUND", NEW_ID, 400, "JPY");
    unknown.as_object_mut().unwrap().remove("success");
    let mut partial = approved("REFUND", NEW_ID, 400, "JPY");
    partial["payment_details"]["response_code"] = json!(api::codes::PARTIAL_APPROVAL[0]);
    let mut code_of_another_kind = approved("REFUND", NEW_ID, 400, "JPY");
    code_of_another_kind["gateway_response"]["code"] = json!("INFO0000");
    let answers = [
        unknown,
        partial,
        code_of_another_kind,
        approved("REFUND", NEW_ID, 300, "JPY"), // another amount
        approved("CAPTURE", NEW_ID, 400, "JPY"), // another kind
        approved("REFUND", NEW_ID, 400, "USD"), // another currency
    ];
    for answer in answers {
        server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
        server.push_reply(Reply::json(201, answer.clone()));
        let err = client
            .refund_transaction(&refund(jpy(400)))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InDoubt(d) if matches!(d.cause(), InDoubtCause::Answer(_))),
            "{answer}: {err:?}"
        );
    }
}

#[tokio::test]
async fn void_and_stored_card_payment_are_money_calls_too() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    server.push_reply(Reply::json(200, approved("PRE_AUTH", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(201, approved("VOID", NEW_ID, 1000, "JPY")));
    let void = VoidRequest::builder()
        .transaction_id(PAYMENT)
        .build()
        .unwrap();
    let t = client.void_transaction(&void).await.unwrap();
    assert_eq!(t.kind(), Some(TransactionKind::Void));
    // A void of a payment (not a pre-auth) is refused before sending.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    let err = client.void_transaction(&void).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");

    // A payment answered in another currency than it asked for is not what was asked.
    server.push_reply(Reply::json(201, approved("CAPTURE", NEW_ID, 1000, "USD")));
    let pay_jpy = StoredCardPaymentRequest::builder()
        .amount(jpy(1000))
        .stored_payment_method_id("094db781-fabc-4c6d-8fcd-18bee06a527a")
        .merchant_txn_ref("ORDER-9")
        .build()
        .unwrap();
    let err = client.pay_with_stored_card(&pay_jpy).await.unwrap_err();
    assert!(
        matches!(&err, Error::InDoubt(d) if d.amount() == Some(jpy(1000))),
        "{err:?}"
    );
    // A redirect is never followed, and is no refusal: the call may have been applied.
    server.push_reply(Reply::json(307, json!({})).header("location", "https://elsewhere.example/"));
    let err = client.pay_with_stored_card(&pay_jpy).await.unwrap_err();
    assert!(err.may_have_moved_money(), "{err:?}");

    // A payment names no target; its reference is its merchant_txn_ref.
    server.push_reply(Reply::json(502, json!({})));
    let pay = StoredCardPaymentRequest::builder()
        .amount(jpy(1000))
        .stored_payment_method_id("094db781-fabc-4c6d-8fcd-18bee06a527a")
        .merchant_txn_ref("ORDER-2")
        .build()
        .unwrap();
    let err = client.pay_with_stored_card(&pay).await.unwrap_err();
    let Error::InDoubt(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((d.target(), d.reference()), (None, "ORDER-2"));
    assert_eq!(money_requests(&server).len(), 4);
    // One without a merchant_txn_ref gets the library's reference there.
    server.push_reply(Reply::json(502, json!({})));
    let anonymous = StoredCardPaymentRequest::builder()
        .amount(jpy(1000))
        .stored_payment_method_id("094db781-fabc-4c6d-8fcd-18bee06a527a")
        .build()
        .unwrap();
    let err = client.pay_with_stored_card(&anonymous).await.unwrap_err();
    let Error::InDoubt(d) = &err else {
        panic!("{err:?}")
    };
    assert!(d.reference().starts_with("po-"), "{}", d.reference());
    assert_eq!(
        money_requests(&server).last().unwrap().1["merchant_txn_ref"],
        d.reference()
    );
}

#[tokio::test]
async fn a_money_call_that_never_connected_is_retried_and_moved_nothing() {
    let port = paymentoptions_hpp_testkit::refused_port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let pay = StoredCardPaymentRequest::builder()
        .amount(jpy(1000))
        .stored_payment_method_id("094db781-fabc-4c6d-8fcd-18bee06a527a")
        .build()
        .unwrap();
    let err = client.pay_with_stored_card(&pay).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.may_have_moved_money());
    assert!(!err.may_have_reached_server());
}
