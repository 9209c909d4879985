//! Servers too slow to answer: a head that never comes, a body that stalls after it.

use super::*;

#[tokio::test]
async fn a_response_head_that_never_comes_is_a_timeout_resent_only_on_opt_in() {
    let server = silent_server().await;
    let client = client_for(&server.base_url())
        .timeout(Duration::from_millis(250))
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");
    assert_eq!(response_status(&err), None, "no head arrived");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the timeout did not fire"
    );
    assert!(err.may_have_reached_server());
    assert!(err.is_retryable());
    assert_eq!(attempts(&err), 1);
    assert_eq!(server.requests().len(), 1, "the default policy re-sent it");
    assert_eq!(
        server.requests()[0].request_line(),
        format!("POST {PATH} HTTP/1.1"),
        "the request was sent whole before the wait"
    );

    // Opting in to transient retries re-sends it: that is what the opt-in means.
    let eager = client_for(&server.base_url())
        .timeout(Duration::from_millis(250))
        .retry_policy(transient_retries())
        .build()
        .unwrap();
    let err = eager.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert_eq!(attempts(&err), 3);
    assert_eq!(server.requests().len(), 1 + 3);
}

/// The total timeout (`ClientBuilder::timeout`) covers reading the body too, and reqwest flags
/// its expiry as a timeout at that stage as well, so a stalled body is `Timeout`, not `Other`,
/// whatever the status: a 502 whose body stalls is a timeout, not an API error (its body was
/// never read whole). The head's status is kept on the error (`response_status`): after a 2xx
/// head the link was most likely created.
#[tokio::test]
async fn a_body_that_stalls_after_the_head_is_a_timeout() {
    // Through the scripted HTTP server: the head at once, the (chunked) body after 5 s.
    let server = TestServer::start().await;
    server.push_reply(
        Reply::raw(200, "application/json", link_response()).body_delay(Duration::from_secs(5)),
    );
    server.push_reply(
        Reply::raw(502, "text/html", "<html>bad gateway</html>").body_delay(Duration::from_secs(5)),
    );
    let client = client_for(&server.base_url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    for status in [200, 502] {
        let started = Instant::now();
        let err = client.create_link(&request()).await.unwrap_err();
        assert_eq!(
            transport_kind(&err),
            TransportErrorKind::Timeout,
            "{status}: {err}"
        );
        assert!(started.elapsed() < Duration::from_secs(4), "{status}");
        assert_eq!(
            err.status(),
            None,
            "{status}: no status for a body never read"
        );
        assert_eq!(
            response_status(&err),
            Some(status),
            "{status}: but the head's status is kept"
        );
        assert!(
            err.to_string()
                .contains(&format!("while reading the body of a {status} response")),
            "{err}"
        );
        assert!(err.may_have_reached_server());
    }

    // Byte-exact: Content-Length 2000, 10 bytes of it, then nothing.
    let raw = RawServer::start(|_request, mut stream| async move {
        let head = response_head(
            200,
            &[
                ("content-type", "application/json"),
                ("content-length", "2000"),
            ],
        );
        let _ = stream.write_all(&head).await;
        let _ = stream.write_all(b"{\"id\": \"f4").await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = client_for(&raw.base_url())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");
    assert_eq!(response_status(&err), Some(200));
    assert_eq!(attempts(&err), 1);
    assert_eq!(raw.requests().len(), 1, "not re-sent by default");
}
