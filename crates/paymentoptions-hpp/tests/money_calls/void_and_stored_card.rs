//! Void and the stored-card payment go through the same money-call checks.

use super::*;

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
