//! Configuration, network and API failures (exits 3 and 5 to 8), and the key kept out of their output.

use super::*;

#[tokio::test]
async fn missing_api_key_exits_3() {
    let server = TestServer::start().await;
    let url = server.base_url();
    let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
    run(&args, &[("PAYMENTOPTIONS_BASE_URL", &url)], None)
        .await
        .assert_failed(3, &["PAYMENTOPTIONS_API_KEY"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn plain_http_to_a_remote_host_exits_3() {
    let args = [
        &[
            "link",
            "create",
            "--base-url",
            "http://api.paymentoptions.com",
        ],
        EXAMPLE_FLAGS,
    ]
    .concat();
    run(&args, &[("PAYMENTOPTIONS_API_KEY", KEY)], None)
        .await
        .assert_failed(3, &["base_url"]);
}

#[tokio::test]
async fn base_url_flag_overrides_the_environment_variables() {
    let server = server_with_example_reply().await;
    let url = server.base_url();
    let args = [&["link", "create", "--base-url", &url], EXAMPLE_FLAGS].concat();
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        // Both are wrong, and together they are a configuration error; the flag replaces them.
        ("PAYMENTOPTIONS_ENVIRONMENT", "live"),
        ("PAYMENTOPTIONS_BASE_URL", "https://unused.invalid"),
    ];
    let run = run(&args, &env, None).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_example_request_arrived(&server);
}

#[tokio::test]
async fn merchant_defaults_come_from_the_environment() {
    let server = server_with_example_reply().await;
    let url = server.base_url();
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        ("PAYMENTOPTIONS_BASE_URL", url.as_str()),
        ("PAYMENTOPTIONS_MERCHANT_ID", "MERCHANT-0001"),
        ("PAYMENTOPTIONS_MERCHANT_EMAIL", "merchant@testemail.com"),
    ];
    let args = ["link", "create", "--amount", "1000", "--currency", "JPY"];
    assert_eq!(run(&args, &env, None).await.code, 0);
    assert_eq!(
        only_request(&server).json(),
        json!({
            "amount": 1000,
            "currency": "JPY",
            "merchant_id": "MERCHANT-0001",
            "merchant_email": "merchant@testemail.com"
        })
    );
}

#[tokio::test]
async fn rejected_key_exits_5() {
    for status in [401, 403] {
        let server = TestServer::start().await;
        server.push_reply(Reply::json(status, json!({"message": "invalid api key"})));
        let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
        run_against(&server, &args, None)
            .await
            .assert_failed(5, &[&status.to_string(), "invalid api key"]);
    }
}

#[tokio::test]
async fn other_api_errors_exit_6_with_the_status() {
    let server = TestServer::start().await;
    server.push_reply(Reply::raw(
        500,
        "text/html",
        "<html>\n<body>\n<h1>Internal Server Error</h1>\n</body>\n</html>\n",
    ));
    server.push_reply(Reply::json(
        400,
        json!({"message": "currency is not supported"}),
    ));
    let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
    run_against(&server, &args, None)
        .await
        .assert_failed(6, &["HTTP 500", "Internal Server Error"]);
    run_against(&server, &args, None)
        .await
        .assert_failed(6, &["HTTP 400", "currency is not supported"]);
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted() {
    let server = TestServer::start().await;
    server.push_reply(Reply::raw(
        400,
        "text/plain",
        format!("bad request; you sent authorization: Basic {KEY}"),
    ));
    let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
    // `run` itself asserts that the key is absent.
    run_against(&server, &args, None)
        .await
        .assert_failed(6, &["Basic [redacted]"]);
}

#[tokio::test]
async fn connection_refused_exits_7() {
    let port = refused_port();
    let url = format!("http://127.0.0.1:{port}");
    let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        ("PAYMENTOPTIONS_BASE_URL", url.as_str()),
    ];
    let run = run(&args, &env, None).await;
    run.assert_failed(
        7,
        &[&format!(
            "could not connect to PaymentOptions (127.0.0.1:{port} refused the connection"
        )],
    );
    assert!(!run.stderr.contains("DNS"), "{}", run.stderr);
}

#[tokio::test]
async fn dns_failure_exits_7_naming_the_host() {
    // `.invalid` never resolves (RFC 2606); no proxy variable may turn the lookup into a
    // connection to the proxy, so `run` starts po-hpp without them.
    let args = [
        &["link", "create", "--base-url", "https://pay.invalid"],
        EXAMPLE_FLAGS,
    ]
    .concat();
    let run = run(&args, &[("PAYMENTOPTIONS_API_KEY", KEY)], None).await;
    run.assert_failed(
        7,
        &["could not connect to PaymentOptions (DNS: the host name `pay.invalid` did not resolve"],
    );
    assert!(!run.stderr.contains("refused"), "{}", run.stderr);
}

#[tokio::test]
async fn timeout_exits_7() {
    let server = TestServer::start().await;
    server.push_reply(
        Reply::json(200, fixture("hpp-link-response.json")).delay(Duration::from_secs(10)),
    );
    let args = [&["link", "create", "--timeout", "0.5"], EXAMPLE_FLAGS].concat();
    run_against(&server, &args, None)
        .await
        .assert_failed(7, &["did not answer in time"]);
}

#[tokio::test]
async fn unexpected_response_body_exits_8() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, json!({})));
    let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
    run_against(&server, &args, None)
        .await
        .assert_failed(8, &["unexpected response body", "`id`"]);
}

#[tokio::test]
async fn a_proxy_in_the_environment_does_not_capture_a_loopback_base_url() {
    let server = server_with_example_reply().await;
    // A proxy that refuses every connection: any request sent through it fails.
    let proxy = format!(
        "http://127.0.0.1:{}",
        paymentoptions_hpp_testkit::refused_port()
    );
    let url = server.base_url();
    let path = fixture_path("hpp-link-request.json");
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        ("PAYMENTOPTIONS_BASE_URL", url.as_str()),
        ("HTTP_PROXY", proxy.as_str()),
        ("http_proxy", proxy.as_str()),
        ("HTTPS_PROXY", proxy.as_str()),
        ("ALL_PROXY", proxy.as_str()),
        ("NO_PROXY", ""),
    ];
    let run = run(
        &["link", "create", "--body", path.to_str().unwrap()],
        &env,
        None,
    )
    .await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_example_request_arrived(&server);
}

/// A key the server echoes JSON-escaped (here every character as `\uXXXX`) in an error body
/// without a `message`, which `po-hpp` then shows raw.
#[tokio::test]
async fn a_key_echoed_escaped_by_the_server_is_redacted() {
    let escaped: String = KEY
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let server = TestServer::start().await;
    server.push_reply(Reply::raw(
        400,
        "application/json",
        format!("{{\"echo\": \"Basic {escaped}\"}}"),
    ));
    let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
    let run = run_against(&server, &args, None).await;
    run.assert_failed(6, &["Basic [redacted]"]);
    assert!(!run.stderr.contains(&escaped), "{}", run.stderr);
}
