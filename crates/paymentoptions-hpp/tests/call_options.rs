//! Per-call options through the public API, against a scripted server on 127.0.0.1: a timeout
//! and extra headers for some calls, the client's defaults untouched, auth and library headers
//! refused, values never printed, and a money call's timeout read as in doubt.

use std::time::Duration;

use paymentoptions_hpp::requests::RefundRequest;
use paymentoptions_hpp::{
    CallOptions, Client, Currency, Error, HeaderRefusal, InDoubtCause, Money, RetryPolicy,
    TransportErrorKind,
};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::{Value, json};

const KEY: &str = "test-key-123";
const PAYMENT: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";
const NEW_ID: &str = "2b7e1f0a-6c3d-4e8f-9a1b-5d4c3b2a1f0e";
const SECRET_VALUE: &str = "per-call-token-9c41e";

fn client_for(server: &TestServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url())
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// An approved transaction of `kind`, with the success code the spec pairs with it.
fn approved(kind: &str, id: &str, amount: i64) -> Value {
    let code = api::codes::APPROVES
        .iter()
        .find(|(_, kinds)| kinds.contains(&kind))
        .map(|(c, _)| *c)
        .unwrap();
    json!({
        "success": true, "status_code": 200, "is_live": false, "transaction_type": kind,
        "gateway_response": {"type": "INFO", "code": code},
        "merchant_details": {"mid": "MERCHANT-0001", "merchant_txn_ref": "ORDER-1"},
        "payment_details": {"amount": amount, "currency": "JPY", "response_code": 0},
        "transaction_details": {"id": id}
    })
}

fn refund(amount: i64) -> RefundRequest {
    RefundRequest::builder()
        .transaction_id(PAYMENT)
        .amount(Money::from_minor(amount, Currency::JPY).unwrap())
        .build()
        .unwrap()
}

fn short() -> CallOptions {
    CallOptions::new().timeout(Duration::from_millis(200))
}

#[tokio::test]
async fn a_slow_status_read_times_out_with_the_call_timeout_and_the_client_keeps_its_own() {
    let server = TestServer::start().await;
    let slow =
        || Reply::json(200, approved("CAPTURE", PAYMENT, 1000)).delay(Duration::from_millis(800));
    server.push_reply(slow());
    server.push_reply(slow());
    let client = client_for(&server);

    let err = client
        .with_options(short())
        .get_transaction_status(PAYMENT)
        .await
        .unwrap_err();
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Timeout, "{err:?}"),
        other => panic!("a status read that timed out is a transport timeout: {other:?}"),
    }
    // The client itself (10 s) waits for the same slow answer.
    let status = client.get_transaction_status(PAYMENT).await.unwrap();
    assert!(status.outcome().is_approved());
}

#[tokio::test]
async fn a_refund_whose_answer_is_slower_than_the_call_timeout_is_in_doubt_and_sent_once() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000)));
    server.push_reply(
        Reply::json(201, approved("REFUND", NEW_ID, 400)).delay(Duration::from_millis(800)),
    );
    // Even a policy that retries everything must not re-send a money call.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url())
        .retry_policy(
            RetryPolicy::default()
                .with_retry_on(paymentoptions_hpp::RetryOn::Transient)
                .with_max_retries(3)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(1)),
        )
        .build()
        .unwrap();

    let err = client
        .with_options(short())
        .refund_transaction(&refund(400))
        .await
        .unwrap_err();
    let Error::InDoubt(doubt) = &err else {
        panic!("a refund that timed out after sending is in doubt: {err:?}");
    };
    match doubt.cause() {
        InDoubtCause::Failed(Error::Transport(t)) => {
            assert_eq!(t.kind(), TransportErrorKind::Timeout)
        }
        other => panic!("the cause is the timeout: {other:?}"),
    }
    assert_eq!(doubt.target(), Some(PAYMENT));
    let posts = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "a money call is never re-sent");
}

#[tokio::test]
async fn extra_headers_go_on_every_request_of_the_call_and_only_of_the_call() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000)));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 400)));
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000)));
    let client = client_for(&server);
    let view = client.with_options(
        CallOptions::new()
            .header("X-Request-Id", "order-1001-refund")
            .unwrap()
            .header("x-tag", "a")
            .unwrap()
            .header("x-tag", "b")
            .unwrap(),
    );
    view.refund_transaction(&refund(400)).await.unwrap();
    client.get_transaction_status(PAYMENT).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    // The status read before the refund, and the refund itself.
    for r in &requests[..2] {
        assert_eq!(
            r.header("x-request-id"),
            Some("order-1001-refund"),
            "{}",
            r.path
        );
        assert_eq!(r.header_values("x-tag"), ["a", "b"], "{}", r.path);
        r.assert_auth(KEY);
    }
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
    // The client without options sends none of them.
    assert_eq!(requests[2].header("x-request-id"), None);
    assert_eq!(requests[2].header("x-tag"), None);
}

#[tokio::test]
async fn options_on_a_view_go_on_top_of_the_view_s() {
    let server = TestServer::start().await;
    server.push_reply(
        Reply::json(200, approved("CAPTURE", PAYMENT, 1000)).delay(Duration::from_millis(800)),
    );
    let client = client_for(&server);
    let view = client
        .with_options(short().header("x-request-id", "first").unwrap())
        .with_options(CallOptions::new().header("X-Request-Id", "second").unwrap());
    // The first view's timeout stays; the header of the same name is replaced.
    let err = view.get_transaction_status(PAYMENT).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{err:?}"
    );
    assert_eq!(
        server.requests()[0].header_values("x-request-id"),
        ["second"]
    );
}

#[test]
fn key_and_library_headers_are_refused_by_name() {
    let mut auth: Vec<String> = vec![
        "Authorization".into(),
        "authorization".into(),
        "x-api-key".into(),
        "X-API-KEY".into(),
        "Proxy-Authorization".into(),
    ];
    auth.extend(api::AUTH_HEADERS.iter().map(|h| h.header.to_string()));
    for name in &auth {
        let err = CallOptions::new().header(name, SECRET_VALUE).unwrap_err();
        assert_eq!(err.name(), name);
        assert_eq!(err.reason(), HeaderRefusal::Auth, "{name}");
        assert!(err.to_string().contains(name.as_str()), "{err}");
    }
    for name in [
        "Content-Type",
        "content-type",
        "Accept",
        "Content-Length",
        "Transfer-Encoding",
        "Host",
    ] {
        let err = CallOptions::new().header(name, "text/plain").unwrap_err();
        assert_eq!(err.reason(), HeaderRefusal::SetByLibrary, "{name}");
        assert!(err.to_string().contains(name), "{err}");
    }
    let err = CallOptions::new().header("bad name", "x").unwrap_err();
    assert_eq!(err.reason(), HeaderRefusal::BadName);
    let err = CallOptions::new()
        .header(
            "x-note",
            &format!("{SECRET_VALUE}\r\nAuthorization: forged"),
        )
        .unwrap_err();
    assert_eq!(err.reason(), HeaderRefusal::BadValue);
    assert_eq!(err.name(), "x-note");
    // As the crate's error (through `?`): a configuration error naming the header.
    let err: Error = err.into();
    match &err {
        Error::Config(c) => assert!(c.setting().contains("x-note"), "{c}"),
        other => panic!("a refused header is a configuration error: {other:?}"),
    }
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET_VALUE), "{text}");
    }
}

#[tokio::test]
async fn header_values_are_never_printed() {
    let server = TestServer::start().await;
    let options = CallOptions::new()
        .timeout(Duration::from_secs(1))
        .header("x-merchant-token", SECRET_VALUE)
        .unwrap();
    let options_debug = format!("{options:?}");
    assert!(
        options_debug.contains("x-merchant-token"),
        "{options_debug}"
    );
    let view = client_for(&server).with_options(options);
    for text in [options_debug, format!("{view:?}")] {
        assert!(!text.contains(SECRET_VALUE), "{text}");
    }
}
