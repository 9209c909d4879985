//! Checks made before anything is sent: the target's kind, outcome, environment and currency,
//! and a positive amount.

use super::*;

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
