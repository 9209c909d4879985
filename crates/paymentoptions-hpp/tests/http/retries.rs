//! Slow servers, refused connections, and what is retried.

use super::*;

#[tokio::test]
async fn a_slow_server_is_a_timeout_and_is_not_retried_by_default() {
    let server = TestServer::start().await;
    server.set_default_reply(
        Reply::json(200, fixture("hpp-link-response.json")).delay(Duration::from_secs(5)),
    );
    let client = client_for(&server)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let err = client.create_link(&page_example()).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
    assert!(err.is_retryable());
    assert!(err.may_have_reached_server());
    assert_eq!(
        server.requests().len(),
        1,
        "a create that may have arrived is never re-sent by default"
    );
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let port = refused_port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&format!("http://127.0.0.1:{port}"))
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let err = client.create_link(&page_example()).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Connect);
    assert_eq!(t.attempts(), 3);
    assert!(!err.may_have_reached_server());
    // Short, and says what happened: not three times reqwest's chain with the whole URL.
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to PaymentOptions (127.0.0.1:{port} refused the connection; 3 attempts)"
        )
    );
}

#[tokio::test]
async fn opt_in_retries_honour_retry_after() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(503, json!({"message": "busy"})).header("retry-after", "1"));
    server.push_reply(Reply::json(200, fixture("hpp-link-response.json")));
    let client = client_for(&server)
        .retry_policy(
            RetryPolicy::default()
                .with_retry_on(RetryOn::Transient)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    client.create_link(&page_example()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not waited out"
    );
    assert_eq!(server.requests().len(), 2);

    // The default policy never re-sends after the server answered.
    server.push_reply(Reply::json(503, json!({})).header("retry-after", "0"));
    let client = client_for(&server)
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let err = client.create_link(&page_example()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 3);
}
