//! The wrapper against the sandbox over real HTTP on 127.0.0.1: the whole hosted-page flow,
//! error mapping against the sandbox's answers, faults, and load; then the money lifecycle:
//! pay, learn the outcome from the notification, confirm it with the status call, refund in
//! parts, capture and void a pre-authorisation, and charge the stored card again.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use paymentoptions_hpp::requests::{
    CaptureRequest, RefundRequest, StoredCardPaymentRequest, VoidRequest,
};
use paymentoptions_hpp::{
    AddressBuilder, Client, Confirmation, Currency, Error, ExpectedPayment, LinkRequest, Money,
    NotPaidReason, Notification, Outcome as PaymentOutcome, RetryOn, RetryPolicy, TransactionKind,
    TransportErrorKind, parse_notification,
};
use paymentoptions_hpp_mock::{
    CustomerAction, DeliveryPolicy, DeliveryState, Fault, LinkState, MockConfig, MockServer,
};
use paymentoptions_hpp_testkit::TestServer;

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn fast_delivery() -> MockConfig {
    MockConfig::default().with_delivery(
        DeliveryPolicy::default()
            .with_max_attempts(4)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(50))
            .with_timeout(Duration::from_secs(2)),
    )
}

fn request(receiver: &TestServer, order: &str) -> LinkRequest {
    let base = receiver.base_url();
    LinkRequest::builder()
        .amount(Money::parse_major("10.50", Currency::USD).unwrap())
        .merchant_txn_ref(order)
        .webhook_url(format!("{base}/webhook"))
        .success_url(format!("{base}/paid"))
        .decline_url(format!("{base}/declined"))
        .cancel_url(format!("{base}/cancelled"))
        .store_payment_method(true)
        .billing_address(AddressBuilder::new().country("US").email("ada@example.com"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn pay_decline_and_cancel_end_to_end() {
    let receiver = TestServer::start().await;
    let mock = MockServer::start_with(fast_delivery()).await.unwrap();
    let client = client(&mock);

    for (n, (outcome, landing, header)) in [
        (CustomerAction::Pay, "/paid", "paid"),
        (CustomerAction::Decline, "/declined", "declined"),
        (CustomerAction::Cancel, "/cancelled", "cancelled"),
    ]
    .into_iter()
    .enumerate()
    {
        let order = format!("ORDER-{n}");
        let link = client
            .create_link(&request(&receiver, &order))
            .await
            .unwrap();
        assert!(link.url().as_str().starts_with(mock.base_url()));
        assert_eq!(
            link.amount(),
            Some(Money::from_minor(1050, Currency::USD).unwrap())
        );
        assert_eq!(link.merchant_txn_ref(), Some(order.as_str()));

        let completion = mock.complete(link.id(), outcome).unwrap();
        assert_eq!(
            completion.redirect,
            Some(format!("{}{landing}", receiver.base_url()))
        );
        let deliveries = mock
            .wait_for_deliveries(n + 1, Duration::from_secs(10))
            .await;
        assert!(
            deliveries
                .iter()
                .all(|d| d.state == DeliveryState::Delivered)
        );

        let received = receiver.requests().pop().unwrap();
        assert_eq!(received.path, "/webhook");
        assert_eq!(received.header("x-mock-outcome"), Some(header));
        let notification = parse_notification(&received.body).unwrap();
        let details = notification.envelope().transaction_details.clone().unwrap();
        assert_eq!(
            details.id.as_deref(),
            Some(completion.transaction.id.as_str())
        );
        assert_eq!(details.merchant_txn_ref.as_deref(), Some(order.as_str()));
        assert!(details.timestamp.unwrap().ends_with('Z'));
        // Only a successful payment stores the card.
        assert_eq!(
            details.stored_payment_method_id.is_some(),
            outcome == CustomerAction::Pay
        );
        assert_eq!(mock.link(link.id()).unwrap().state, outcome.state());
    }
}

#[tokio::test]
async fn unknown_keys_are_auth_errors_and_empty_requests_stay_empty() {
    let mock = MockServer::start_with(MockConfig::default().with_api_keys(["the-right-key"]))
        .await
        .unwrap();
    let wrong = client(&mock);
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();
    let Error::Api(e) = wrong.create_link(&request).await.unwrap_err() else {
        panic!("expected an API error")
    };
    assert!(e.is_auth());
    assert_eq!(
        e.error_body().unwrap().code,
        Some(serde_json::json!("unauthorized"))
    );

    let right = Client::builder()
        .api_key("the-right-key")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let link = right.create_link(&request).await.unwrap();
    assert_eq!(mock.link(link.id()).unwrap().request, serde_json::json!({}));
}

#[tokio::test]
async fn faults_map_to_typed_errors_and_opt_in_retries() {
    let mock = MockServer::start().await.unwrap();
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();

    mock.inject_fault(Fault {
        status: Some(503),
        ..Fault::default()
    });
    let err = client(&mock).create_link(&request).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());

    mock.inject_fault(Fault {
        drop_connection: true,
        ..Fault::default()
    });
    let err = client(&mock).create_link(&request).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_ne!(
        t.kind(),
        TransportErrorKind::Connect,
        "the request was sent"
    );
    assert!(err.may_have_reached_server());

    // The default policy never re-sends a create that reached the server ...
    mock.reset();
    mock.inject_fault(Fault {
        status: Some(503),
        ..Fault::default()
    });
    let default = Client::builder()
        .api_key("k")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    assert!(default.create_link(&request).await.is_err());
    assert!(mock.links().is_empty());
    // ... the opt-in policy does, and succeeds.
    mock.inject_fault(Fault {
        count: 2,
        status: Some(503),
        ..Fault::default()
    });
    let eager = Client::builder()
        .api_key("k")
        .base_url(mock.base_url())
        .retry_policy(
            RetryPolicy::default()
                .with_retry_on(RetryOn::Transient)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    eager.create_link(&request).await.unwrap();
    assert_eq!(mock.links().len(), 1);

    mock.inject_fault(Fault {
        delay_ms: 2_000,
        ..Fault::default()
    });
    let impatient = Client::builder()
        .api_key("k")
        .base_url(mock.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = impatient.create_link(&request).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_concurrent_creates_are_all_retrievable() {
    const LINKS: usize = 2_000;
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let links: Vec<_> = futures_util::stream::iter(0..LINKS)
        .map(|n| {
            let client = client.clone();
            async move {
                let request = LinkRequest::builder()
                    .amount(
                        Money::from_minor(100 + i64::try_from(n).unwrap(), Currency::JPY).unwrap(),
                    )
                    .merchant_txn_ref(format!("LOAD-{n}"))
                    .build()
                    .unwrap();
                client.create_link(&request).await.unwrap()
            }
        })
        .buffer_unordered(64)
        .collect()
        .await;

    let ids: HashSet<_> = links.iter().map(|l| l.id()).collect();
    assert_eq!(ids.len(), LINKS, "every id is fresh");
    let held = mock.links();
    assert_eq!(held.len(), LINKS);
    for link in &links {
        let view = mock.link(link.id()).expect("every link is retrievable");
        assert_eq!(view.state, LinkState::Open);
        assert_eq!(
            view.request["merchant_txn_ref"],
            link.merchant_txn_ref().unwrap()
        );
        assert_eq!(view.url, link.url().as_str());
    }
    // And their pages answer.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for link in links.iter().step_by(100) {
        let status = http.get(link.url().as_str()).send().await.unwrap().status();
        assert_eq!(status, 200);
    }
}

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
    let link = client
        .create_link(&link_request(&receiver, "ORDER-1", 1000))
        .await
        .unwrap();
    mock.complete(link.id(), CustomerAction::Pay).unwrap();
    let paid = notification(&mock, &receiver, 1).await;
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
    let link = client
        .create_link(&link_request(&receiver, "ORDER-2", 1000))
        .await
        .unwrap();
    mock.complete(link.id(), CustomerAction::Decline).unwrap();
    let declined = notification(&mock, &receiver, 1).await;
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
