//! The money lifecycle: pay, learn the outcome from the notification, confirm it, refund in
//! parts, capture or void a pre-authorisation, charge the stored card again.

use super::*;

fn jpy(amount: i64) -> Money {
    Money::from_minor(amount, Currency::JPY).unwrap()
}

/// A link for `amount` JPY whose notification goes to `receiver`.
fn link_request(receiver: &TestServer, order: &str, amount: i64) -> LinkRequest {
    LinkRequest::builder()
        .amount(jpy(amount))
        .merchant_txn_ref(order)
        .webhook_url(format!("{}/webhook", receiver.base_url()))
        .success_url(format!("{}/paid", receiver.base_url()))
        .store_payment_method(true)
        .build()
        .unwrap()
}

/// The `n`th notification the receiver got (waiting for the sandbox to deliver it).
async fn notification(mock: &MockServer, receiver: &TestServer, n: usize) -> Notification {
    mock.wait_for_deliveries(n, Duration::from_secs(10)).await;
    let received = receiver.requests();
    assert!(
        received.len() >= n,
        "{} notifications arrived",
        received.len()
    );
    parse_notification(&received[n - 1].body).unwrap()
}

/// Creates a link for 1,000 JPY on `order`, has the customer finish it with `action`, and
/// returns the notification that follows (the receiver's first).
async fn finished_link(
    client: &Client,
    mock: &MockServer,
    receiver: &TestServer,
    order: &str,
    action: CustomerAction,
) -> Notification {
    let link = client
        .create_link(&link_request(receiver, order, 1000))
        .await
        .unwrap();
    mock.complete(link.id(), action).unwrap();
    notification(mock, receiver, 1).await
}

fn api_status(e: &Error) -> Option<u16> {
    match e {
        Error::Api(_) | Error::Refused(_) => e.status(),
        _ => None,
    }
}

/// The documented code of a refusal (`ERR3019`...).
fn api_code(e: &Error) -> Option<String> {
    match e {
        Error::Refused(r) => r.gateway_code().map(str::to_string),
        _ => None,
    }
}

#[tokio::test]
async fn pay_confirm_refund_in_parts_and_charge_the_stored_card() {
    let receiver = TestServer::start().await;
    let mock = MockServer::start_with(fast_delivery()).await.unwrap();
    let client = client(&mock);

    // Pay a link: the notification says approved, and the status call agrees.
    let paid = finished_link(&client, &mock, &receiver, "ORDER-1", CustomerAction::Pay).await;
    assert_eq!(paid.outcome(), PaymentOutcome::Approved);
    assert_eq!(paid.merchant_txn_ref(), Some("ORDER-1"));
    let order = ExpectedPayment::new("ORDER-1", jpy(1000));
    let Confirmation::Paid(confirmed) = client
        .confirm_payment(paid.transaction_id(), &order)
        .await
        .unwrap()
    else {
        panic!("not paid");
    };
    assert_eq!(confirmed.kind(), Some(TransactionKind::Capture));
    assert_eq!(confirmed.amount(), Some(jpy(1000)));
    assert_eq!(confirmed.id(), Some(paid.transaction_id()));
    assert!(!format!("{confirmed:?}").contains("4242424242424242"));

    // Another amount is not this payment.
    let other = ExpectedPayment::new("ORDER-1", jpy(999));
    let Confirmation::NotPaid(not_paid) = client
        .confirm_payment(paid.transaction_id(), &other)
        .await
        .unwrap()
    else {
        panic!("another amount confirmed");
    };
    assert!(matches!(
        not_paid.reason(),
        NotPaidReason::OtherAmount { found: Some(m) } if *m == jpy(1000)
    ));

    // Refund in two parts; the status call reads each refund back.
    let refund = |amount| {
        RefundRequest::builder()
            .transaction_id(paid.transaction_id())
            .amount(jpy(amount))
            .notes("one item returned")
            .build()
            .unwrap()
    };
    let first = client.refund_transaction(&refund(400)).await.unwrap();
    assert_eq!(first.kind(), Some(TransactionKind::Refund));
    assert_eq!(first.outcome(), PaymentOutcome::Approved);
    assert_eq!(first.amount(), Some(jpy(400)));
    let read_back = client
        .get_transaction_status(first.id().unwrap())
        .await
        .unwrap();
    assert_eq!(read_back.kind(), Some(TransactionKind::Refund));
    assert_eq!(read_back.amount(), Some(jpy(400)));

    // More than is left: refused with the documented "insufficient refund balance".
    let err = client.refund_transaction(&refund(700)).await.unwrap_err();
    assert_eq!(api_status(&err), Some(412), "{err}");
    assert_eq!(api_code(&err).as_deref(), Some("ERR3019"), "{err}");
    // A refusal is definitive: nothing was applied, so nothing is in doubt.
    assert_eq!(err.hint(), None, "{err}");
    assert!(!err.may_have_moved_money());
    client.refund_transaction(&refund(600)).await.unwrap();
    let err = client.refund_transaction(&refund(1)).await.unwrap_err();
    assert_eq!(api_code(&err).as_deref(), Some("ERR3019"), "{err}");

    // The card stored by the payment pays again, without the customer.
    let token = paid
        .stored_payment_method_id()
        .expect("the link asked to store the card");
    let again = StoredCardPaymentRequest::builder()
        .amount(jpy(2500))
        .stored_payment_method_id(token)
        .payment_method_type("scheme")
        .merchant_txn_ref("ORDER-1-RENEWAL")
        .build()
        .unwrap();
    let renewal = client.pay_with_stored_card(&again).await.unwrap();
    assert_eq!(renewal.outcome(), PaymentOutcome::Approved);
    assert_eq!(renewal.amount(), Some(jpy(2500)));
    let unknown = StoredCardPaymentRequest::builder()
        .amount(jpy(100))
        .stored_payment_method_id("00000000-0000-4000-8000-000000000000")
        .build()
        .unwrap();
    let err = client.pay_with_stored_card(&unknown).await.unwrap_err();
    assert_eq!(api_status(&err), Some(406), "{err}");
}

#[tokio::test]
async fn a_declined_payment_is_never_confirmed() {
    let receiver = TestServer::start().await;
    let mock = MockServer::start_with(fast_delivery()).await.unwrap();
    let client = client(&mock);
    let declined = finished_link(
        &client,
        &mock,
        &receiver,
        "ORDER-2",
        CustomerAction::Decline,
    )
    .await;
    let PaymentOutcome::Declined {
        response_code,
        meaning,
        ..
    } = declined.outcome()
    else {
        panic!("{:?}", declined.outcome());
    };
    assert_eq!(response_code, Some(5));
    assert!(meaning.unwrap().contains("do not honour"));
    assert!(declined.stored_payment_method_id().is_none());
    let order = ExpectedPayment::new("ORDER-2", jpy(1000));
    let Confirmation::NotPaid(not_paid) = client
        .confirm_payment(declined.transaction_id(), &order)
        .await
        .unwrap()
    else {
        panic!("a declined payment confirmed");
    };
    assert!(matches!(not_paid.reason(), NotPaidReason::Declined(_)));
}

#[tokio::test]
async fn a_pre_authorisation_is_captured_in_part_or_voided() {
    let receiver = TestServer::start().await;
    let mock = MockServer::start_with(fast_delivery()).await.unwrap();
    let client = client(&mock);

    let link = client
        .create_link(&link_request(&receiver, "ORDER-3", 1000))
        .await
        .unwrap();
    mock.authorise(link.id()).unwrap();
    let authorised = notification(&mock, &receiver, 1).await;
    let order = ExpectedPayment::new("ORDER-3", jpy(1000));
    // Not a payment, unless authorisations are asked for; then authorised, never paid.
    let Confirmation::NotPaid(not_paid) = client
        .confirm_payment(authorised.transaction_id(), &order)
        .await
        .unwrap()
    else {
        panic!("a pre-auth confirmed as paid");
    };
    assert_eq!(
        not_paid.reason(),
        &NotPaidReason::NotAPayment {
            kind: TransactionKind::PreAuth
        }
    );
    let Confirmation::Authorised(pre_auth) = client
        .confirm_payment(authorised.transaction_id(), &order.clone().or_authorised())
        .await
        .unwrap()
    else {
        panic!("not authorised");
    };
    assert_eq!(pre_auth.kind(), Some(TransactionKind::PreAuth));

    let capture = |amount| {
        CaptureRequest::builder()
            .transaction_id(authorised.transaction_id())
            .amount(jpy(amount))
            .build()
            .unwrap()
    };
    let err = client
        .capture_transaction(&capture(1001))
        .await
        .unwrap_err();
    // More than authorised: refused before sending (the status says how much).
    assert!(
        matches!(&err, Error::Validation(v) if v.field() == "amount"),
        "more than authorised: {err}"
    );
    let captured = client.capture_transaction(&capture(800)).await.unwrap();
    assert_eq!(captured.kind(), Some(TransactionKind::Capture));
    assert_eq!(captured.amount(), Some(jpy(800)));
    let void = VoidRequest::builder()
        .transaction_id(authorised.transaction_id())
        .build()
        .unwrap();
    let err = client.void_transaction(&void).await.unwrap_err();
    assert_eq!(api_status(&err), Some(412), "a captured pre-auth: {err}");

    // A second pre-auth is voided, and then cannot be captured.
    let link = client
        .create_link(&link_request(&receiver, "ORDER-4", 500))
        .await
        .unwrap();
    mock.authorise(link.id()).unwrap();
    let second = notification(&mock, &receiver, 2).await;
    let void = VoidRequest::builder()
        .transaction_id(second.transaction_id())
        .build()
        .unwrap();
    let voided = client.void_transaction(&void).await.unwrap();
    assert_eq!(voided.kind(), Some(TransactionKind::Void));
    let capture = CaptureRequest::builder()
        .transaction_id(second.transaction_id())
        .amount(jpy(500))
        .build()
        .unwrap();
    let err = client.capture_transaction(&capture).await.unwrap_err();
    assert_eq!(api_status(&err), Some(412), "{err}");
}

#[tokio::test]
async fn unknown_transactions_and_broken_requests() {
    let mock = MockServer::start_with(fast_delivery()).await.unwrap();
    let client = client(&mock);
    let err = client
        .get_transaction_status("00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(api_status(&err), Some(404), "{err}");
    // Checked before anything is sent: the id is 36 characters, the amount at least 1.
    let err = client.get_transaction_status("short").await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    let err = RefundRequest::builder()
        .transaction_id("00000000-0000-4000-8000-000000000000")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "amount");
}
