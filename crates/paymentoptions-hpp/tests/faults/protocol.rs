//! Redirects (returned, never followed) and HTTP/2 against HTTP/1.

use super::*;

/// Every redirect status is returned as an API error and never followed, whether it points to
/// another host (`localhost` instead of `127.0.0.1`), to the same host on another port, or to
/// another path of the same server: no request (and so no key) reaches the target.
#[tokio::test]
async fn redirects_of_every_kind_are_returned_not_followed() {
    let elsewhere = TestServer::start().await;
    let server = TestServer::start().await;
    let port = elsewhere.addr().port();
    let targets = [
        ("another host", format!("http://localhost:{port}{PATH}")),
        (
            "same host, other port",
            format!("http://127.0.0.1:{port}{PATH}"),
        ),
        (
            "same server, other path",
            format!("{}/moved{PATH}", server.base_url()),
        ),
        ("relative", "/moved".to_string()),
    ];
    let client = client_for(&server.base_url()).build().unwrap();
    let mut sent = 0;
    for status in [301u16, 302, 303, 307, 308] {
        for (what, location) in &targets {
            if status == 307 && *what == "same host, other port" {
                continue; // tests/http/
            }
            server
                .push_reply(Reply::raw(status, "text/plain", "moved").header("location", location));
            let err = client.create_link(&request()).await.unwrap_err();
            sent += 1;
            let Error::Api(e) = &err else {
                panic!("{status} to {what}: {err:?}")
            };
            assert_eq!(e.status(), status, "{what}");
            assert!(!err.is_retryable(), "{status} {what}");
            assert!(err.may_have_reached_server());
            assert_eq!(
                server.requests().len(),
                sent,
                "{status} to {what} was followed"
            );
        }
    }
    assert!(
        elsewhere.requests().is_empty(),
        "a redirect was followed to another port or host"
    );
    assert!(server.requests().iter().all(|r| r.path == PATH));

    // Control: the target is reachable, so the assertions above are not vacuous. A client that
    // does follow redirects gets there (and would have carried `x-api-key`).
    server.push_reply(Reply::raw(307, "text/plain", "moved").header("location", &targets[0].1));
    let following = reqwest::Client::builder().no_proxy().build().unwrap();
    let answer = following
        .post(format!("{}{PATH}", server.base_url()))
        .header(auth_header("xApiKey").header, KEY)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let followed = elsewhere.requests();
    assert_eq!(followed.len(), 1);
    // Why the wrapper follows none: on a cross-host redirect reqwest drops `Authorization` but
    // knows nothing of `x-api-key`, which would reach the other host.
    assert_eq!(followed[0].header(auth_header("xApiKey").header), Some(KEY));
}

#[tokio::test]
async fn http1_by_default_and_http2_with_prior_knowledge() {
    let server = TestServer::start().await;
    server.set_default_reply(Reply::raw(200, "application/json", link_response()));
    let expected = serde_json::to_value(request().as_model()).unwrap();
    for (builder, version) in [
        (client_for(&server.base_url()), "HTTP/1.1"),
        (
            client_for(&server.base_url()).http2_prior_knowledge(),
            "HTTP/2.0",
        ),
    ] {
        let client = builder.build().unwrap();
        let link = client.create_link(&request()).await.unwrap();
        assert_eq!(link.id().to_string(), LINK_ID, "{version}");
        let recorded = server.requests().pop().unwrap();
        assert_eq!(recorded.version, version);
        assert_eq!(recorded.method, "POST");
        assert_eq!(recorded.path, PATH);
        recorded.assert_auth(KEY);
        assert_eq!(recorded.header("content-type"), Some("application/json"));
        assert_eq!(recorded.json(), expected, "{version}");
    }
}

/// Over HTTP/2 every kind of answer maps to the same error as over HTTP/1.1.
#[tokio::test]
async fn over_http2_errors_map_as_over_http1() {
    let server = TestServer::start().await;
    let client = client_for(&server.base_url())
        .http2_prior_knowledge()
        .timeout(Duration::from_millis(300))
        .max_response_bytes(1024)
        .build()
        .unwrap();

    server.push_reply(Reply::json(
        400,
        json!({"message": "bad", "field": "amount", "code": 1001}),
    ));
    let Error::Api(e) = client.create_link(&request()).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(e.status(), 400);
    assert_eq!(e.error_body().unwrap().field.as_deref(), Some("amount"));

    server.push_reply(Reply::raw(
        200,
        "application/json",
        format!("{{\"id\": \"{LINK_ID}"),
    ));
    let Error::Decode(d) = client.create_link(&request()).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(d.path(), "id");

    server.push_reply(Reply::raw(200, "application/json", vec![b' '; 4096]));
    let Error::Decode(d) = client.create_link(&request()).await.unwrap_err() else {
        panic!()
    };
    assert!(d.message().contains("1024-byte limit"), "{d}");

    server.push_reply(
        Reply::raw(200, "application/json", link_response()).delay(Duration::from_secs(5)),
    );
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");

    server.push_reply(
        Reply::raw(200, "application/json", link_response()).body_delay(Duration::from_secs(5)),
    );
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");

    server.push_reply(Reply::raw(307, "text/plain", "moved").header("location", "/elsewhere"));
    assert_eq!(
        client.create_link(&request()).await.unwrap_err().status(),
        Some(307)
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    assert!(requests.iter().all(|r| r.version == "HTTP/2.0"));
}

/// Prior knowledge means exactly that: a server that only speaks HTTP/1.1 receives the HTTP/2
/// connection preface and the request fails. The preface did reach the server, so the error is
/// not a connect error.
#[tokio::test]
async fn http2_prior_knowledge_against_an_http1_only_server_fails() {
    let server = RawServer::start(|_request, mut stream| async move {
        let head = response_head(400, &[("content-length", "0")]);
        let _ = stream.write_all(&head).await;
    })
    .await;
    let client = client_for(&server.base_url())
        .http2_prior_knowledge()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Other, "{err}");
    assert!(err.may_have_reached_server());
    assert_eq!(server.requests()[0].request_line(), "PRI * HTTP/2.0");
}
