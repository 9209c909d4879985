//! The hand-written helpers over the generated stubs: `&str` ids, `Money` amounts, fixtures as
//! answers, through the `paymentoptions-hpp` client (the mock server binds 127.0.0.1).

use httpmock::MockServer;
use paymentoptions_hpp::fixtures::{ErrorFixture, TransactionFixture};
use paymentoptions_hpp::requests::{RefundRequest, VoidRequest};
use paymentoptions_hpp::{Client, Currency, Error, Money, Outcome, TransactionKind};
use paymentoptions_hpp_httpmock::MockServerExt;

const PAYMENT: &str = "7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21";
const REFUND: &str = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

fn yen(amount: i64) -> Money {
    Money::from_major(amount, Currency::JPY).unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("k")
        .base_url(&server.base_url())
        .build()
        .unwrap()
}

/// The status of the transaction a money call acts on: the client reads it before sending.
fn target<'a>(server: &'a MockServer, fixture: &TransactionFixture) -> httpmock::Mock<'a> {
    server.get_transaction_status(|when, then| {
        when.id(fixture.id());
        then.transaction(fixture);
    })
}

fn refund(id: &str, amount: Money) -> RefundRequest {
    RefundRequest::builder()
        .transaction_id(id)
        .amount(amount)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_status_stub_answers_only_its_own_id() {
    let server = MockServer::start_async().await;
    let paid = TransactionFixture::paid(PAYMENT, yen(1000)).unwrap();
    let mock = server.get_transaction_status(|when, then| {
        when.id(PAYMENT);
        then.transaction(&paid);
    });
    let client = client(&server);

    let transaction = client.get_transaction_status(PAYMENT).await.unwrap();
    assert_eq!(transaction, paid.transaction());
    assert_eq!(transaction.outcome(), Outcome::Approved);
    // Another id (even one the first id's pattern would match were it not escaped) is not it.
    let err = client.get_transaction_status(REFUND).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_refund_stub_matches_the_id_and_the_amount_and_answers_201() {
    let server = MockServer::start_async().await;
    target(
        &server,
        &TransactionFixture::paid(PAYMENT, yen(1000)).unwrap(),
    );
    let refunded = TransactionFixture::refunded(REFUND, yen(400)).unwrap();
    let mock = server.refund_transaction(|when, then| {
        when.transaction_id(PAYMENT).amount(yen(400));
        then.transaction(&refunded);
    });
    let client = client(&server);

    let transaction = client
        .refund_transaction(&refund(PAYMENT, yen(400)))
        .await
        .unwrap();
    assert_eq!(transaction.kind(), Some(TransactionKind::Refund));
    assert_eq!(transaction.amount(), Some(yen(400)));
    assert_eq!(transaction.envelope().status_code, Some(201));
    mock.assert_calls_async(1).await;

    // Another amount is not matched: httpmock's 404, never the stubbed refund.
    let err = client
        .refund_transaction(&refund(PAYMENT, yen(500)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_err3019_fixture_is_answered_412_and_refuses_the_refund() {
    let server = MockServer::start_async().await;
    target(
        &server,
        &TransactionFixture::paid(PAYMENT, yen(1000)).unwrap(),
    );
    // The client only knows the payment's amount, not what was already refunded: the API
    // decides, and this fixture is its refusal.
    let refused = TransactionFixture::refund_refused(PAYMENT, yen(1000)).unwrap();
    server.refund_transaction(|when, then| {
        when.transaction_id(PAYMENT);
        then.transaction(&refused);
    });

    let err = client(&server)
        .refund_transaction(&refund(PAYMENT, yen(1000)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(412), "{err:?}");
    let Error::Refused(refusal) = &err else {
        panic!("expected Error::Refused, got {err:?}");
    };
    assert_eq!(refusal.gateway_code(), Some("ERR3019"));
    assert_eq!(refusal.response_code(), Some(-8019));
    assert_eq!(
        refusal.api_error().and_then(|api| api.error_body()),
        Some(&refused.error_body())
    );
}

#[tokio::test]
async fn an_error_fixture_is_answered_with_its_status_and_body() {
    let server = MockServer::start_async().await;
    target(
        &server,
        &TransactionFixture::pre_authorised(PAYMENT, yen(1000)).unwrap(),
    );
    let missing = ErrorFixture::not_found(PAYMENT);
    server.void_transaction(|when, then| {
        when.transaction_id(PAYMENT);
        then.error(&missing);
    });

    let request = VoidRequest::builder()
        .transaction_id(PAYMENT)
        .build()
        .unwrap();
    let err = client(&server)
        .void_transaction(&request)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    // A 4xx to a money call is a refusal: nothing moved.
    let Error::Refused(refusal) = &err else {
        panic!("expected Error::Refused, got {err:?}");
    };
    assert_eq!(
        refusal.api_error().and_then(|api| api.error_body()),
        Some(&missing.error_body())
    );
}
