//! `po-hpp` as a user runs it: the real binary, over real HTTP to a test server on 127.0.0.1.
//!
//! Every run asserts that the API key never appears in stdout or stderr.

use std::process::Stdio;
use std::time::Duration;

mod common;

use common::Run;
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{
    Recorded, Reply, TestServer, fixture, fixture_bytes, fixture_path, operation_path, refused_port,
};
use serde_json::{Value, json};

/// A canary: any output containing it leaked the key.
const KEY: &str = "canary-KEY-5f3a9";
const LINK_PATH: &str = api::GENERATE_HPP_LINK.path;

/// Runs `po-hpp args` with only the `PAYMENTOPTIONS_*` and proxy variables in `env`, and `stdin`;
/// asserts that the key is not in the output.
async fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let run = common::run(args, env, stdin).await;
    run.assert_shows_none([KEY]);
    run
}

/// Runs `po-hpp args` against `server` with the canary key.
async fn run_against(server: &TestServer, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let url = server.base_url();
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        ("PAYMENTOPTIONS_BASE_URL", url.as_str()),
    ];
    run(args, &env, stdin).await
}

/// A server that answers the next request with the page's example response.
async fn server_with_example_reply() -> TestServer {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, fixture("hpp-link-response.json")));
    server
}

fn only_request(server: &TestServer) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request expected");
    requests.into_iter().next().unwrap()
}

/// What `link create` prints on stderr for the example response: the link id, for people.
fn example_id_line() -> String {
    let id = fixture("hpp-link-response.json")["id"]
        .as_str()
        .unwrap()
        .to_string();
    format!("link id: {id}\n")
}

fn example_url() -> String {
    fixture("hpp-link-response.json")["url"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every field of the page's example request, as flags.
const EXAMPLE_FLAGS: &[&str] = &[
    "--amount",
    "1000",
    "--currency",
    "JPY",
    "--merchant-id",
    "MERCHANT-0001",
    "--merchant-email",
    "merchant@testemail.com",
    "--merchant-txn-ref",
    "2003089893366DTEST",
    "--webhook-url",
    "https://merchant.example.com/webhooks/paymentoptions",
    "--success-url",
    "http://www.successurl.com/",
    "--decline-url",
    "http://www.declineurl.com/",
    "--cancel-url",
    "http://cancelurl.com/",
    "--payment-method-type",
    "scheme",
    "--store-payment-method",
    "--billing-country",
    "JP",
    "--billing-email",
    "billing@testemail.com",
    "--billing-phone-number",
    "8112345678",
    "--billing-address1",
    "1-2-3 Shinjuku",
    "--billing-city",
    "Shinjuku-ku",
    "--billing-state",
    "Tokyo",
    "--billing-postal-code",
    "1600022",
    "--shipping-country",
    "JP",
    "--shipping-email",
    "shipping@testemail.com",
    "--shipping-phone-number",
    "8112345678",
    "--shipping-address1",
    "1-2-3 Shinjuku",
    "--shipping-city",
    "Shinjuku-ku",
    "--shipping-state",
    "Tokyo",
    "--shipping-postal-code",
    "1600022",
];

/// The example request with `change` applied, as body bytes.
fn example_body_with(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut body = fixture("hpp-link-request.json");
    change(&mut body);
    serde_json::to_vec(&body).unwrap()
}

fn assert_example_request_arrived(server: &TestServer) {
    let request = only_request(server);
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, LINK_PATH);
    request.assert_auth(KEY);
    assert_eq!(request.json(), fixture("hpp-link-request.json"));
}

#[tokio::test]
async fn body_file_is_sent_exactly_and_the_url_printed() {
    let server = server_with_example_reply().await;
    let path = fixture_path("hpp-link-request.json");
    let run = run_against(
        &server,
        &["link", "create", "--body", path.to_str().unwrap()],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    // stdout is the URL alone (for scripts); the id is on stderr.
    assert_eq!(run.stdout, format!("{}\n", example_url()));
    assert_eq!(run.stderr, example_id_line());
    assert_example_request_arrived(&server);
}

#[tokio::test]
async fn body_from_stdin_is_sent_exactly() {
    let server = server_with_example_reply().await;
    let body = fixture_bytes("hpp-link-request.json");
    let run = run_against(&server, &["link", "create", "--body", "-"], Some(&body)).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, format!("{}\n", example_url()));
    assert_example_request_arrived(&server);
}

#[tokio::test]
async fn flags_build_exactly_the_example_request() {
    let server = server_with_example_reply().await;
    let args = [&["link", "create"], EXAMPLE_FLAGS].concat();
    let run = run_against(&server, &args, None).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, format!("{}\n", example_url()));
    assert_eq!(run.stderr, example_id_line());
    assert_example_request_arrived(&server);
}

#[tokio::test]
async fn amount_major_and_customer_entered_amounts() {
    let server = TestServer::start().await;
    for _ in 0..2 {
        server.push_reply(Reply::json(200, fixture("hpp-link-response.json")));
    }
    let major = [
        "link",
        "create",
        "--amount-major",
        "10.50",
        "--currency",
        "USD",
    ];
    assert_eq!(run_against(&server, &major, None).await.code, 0);
    let open = [
        "link",
        "create",
        "--customer-enters-amount",
        "--currency",
        "EUR",
    ];
    assert_eq!(run_against(&server, &open, None).await.code, 0);
    let sent: Vec<Value> = server.requests().iter().map(Recorded::json).collect();
    assert_eq!(
        sent,
        [
            json!({"amount": 1050, "currency": "USD"}),
            json!({"currency": "EUR"})
        ]
    );
}

#[tokio::test]
async fn json_prints_the_whole_response() {
    let server = server_with_example_reply().await;
    let path = fixture_path("hpp-link-request.json");
    let run = run_against(
        &server,
        &["link", "create", "--json", "--body", path.to_str().unwrap()],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let printed: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(printed, fixture("hpp-link-response.json"));
    // The id is in the JSON already: nothing else is printed.
    assert_eq!(run.stderr, "");

    // As received: a field the model does not know is printed too.
    let mut response = fixture("hpp-link-response.json");
    response["zz_not_in_the_spec"] = json!({"kept": true});
    server.push_reply(Reply::json(200, response.clone()));
    let run = run_against(
        &server,
        &["link", "create", "--json", "--body", path.to_str().unwrap()],
        None,
    )
    .await;
    let printed: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(printed, response);
}

#[tokio::test]
async fn invalid_flag_value_exits_4_and_sends_nothing() {
    let server = TestServer::start().await;
    let args = [
        "link",
        "create",
        "--amount",
        "1000",
        "--currency",
        "JPY",
        "--merchant-email",
        "bad",
    ];
    run_against(&server, &args, None)
        .await
        .assert_failed(4, &["merchant_email"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn body_with_an_unknown_field_exits_4_and_sends_nothing() {
    let server = TestServer::start().await;
    let body = example_body_with(|b| b["amuont"] = json!(1000));
    run_against(&server, &["link", "create", "--body", "-"], Some(&body))
        .await
        .assert_failed(4, &["amuont"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn body_breaking_a_spec_rule_exits_4_and_sends_nothing() {
    let server = TestServer::start().await;
    let body = example_body_with(|b| b["merchant_txn_ref"] = json!("X".repeat(46)));
    run_against(&server, &["link", "create", "--body", "-"], Some(&body))
        .await
        .assert_failed(4, &["merchant_txn_ref"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn body_with_a_null_field_exits_4_rather_than_dropping_it() {
    let server = TestServer::start().await;
    let body = example_body_with(|b| b["billing_address"]["city"] = Value::Null);
    run_against(&server, &["link", "create", "--body", "-"], Some(&body))
        .await
        .assert_failed(4, &["billing_address.city", "null"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn body_that_is_not_json_exits_4() {
    let server = TestServer::start().await;
    run_against(
        &server,
        &["link", "create", "--body", "-"],
        Some(b"{\"amount\": "),
    )
    .await
    .assert_failed(4, &["not valid JSON"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn incomplete_amount_flags_exit_4_and_send_nothing() {
    let server = TestServer::start().await;
    let cases: [(&[&str], &str); 5] = [
        (&["--currency", "JPY"], "--customer-enters-amount"),
        (&["--amount", "1000"], "--currency"),
        (&["--amount-major", "10.50"], "--currency"),
        (&["--amount", "10.5", "--currency", "USD"], "--amount-major"),
        (&["--amount-major", "10.505", "--currency", "USD"], "amount"),
    ];
    for (flags, needle) in cases {
        let args = [&["link", "create"], flags].concat();
        run_against(&server, &args, None)
            .await
            .assert_failed(4, &[needle]);
    }
    let args = ["link", "create", "--amount", "1", "--currency", "ZZZ"];
    run_against(&server, &args, None)
        .await
        .assert_failed(4, &["currency"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn flags_that_cannot_be_combined_are_usage_errors() {
    let server = TestServer::start().await;
    let path = fixture_path("hpp-link-request.json");
    let path = path.to_str().unwrap();
    for args in [
        &["link", "create", "--amount", "1", "--amount-major", "1"][..],
        &[
            "link",
            "create",
            "--amount",
            "1",
            "--customer-enters-amount",
        ],
        &["link", "create", "--body", path, "--merchant-id", "M"],
        &["link", "create", "--body", path, "--store-payment-method"],
        &["link", "create", "--body", path, "--billing-city", "Tokyo"],
        &["link", "create", "--body", path, "--amount", "1"],
        &["link", "create", "--environment", "live"],
        &["link", "create", "--timeout", "soon"],
    ] {
        let run = run_against(&server, args, None).await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    assert!(server.requests().is_empty());
}

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
async fn unreadable_body_file_exits_9() {
    let server = TestServer::start().await;
    let missing = fixture_path("no-such-request.json");
    let args = ["link", "create", "--body", missing.to_str().unwrap()];
    run_against(&server, &args, None)
        .await
        .assert_failed(9, &["no-such-request.json"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn notification_parse_prints_a_summary_or_the_notification() {
    let path = fixture_path("transaction-notification.json");
    let expected = fixture("transaction-notification.json");
    let summary = run(
        &["notification", "parse", path.to_str().unwrap()],
        &[],
        None,
    )
    .await;
    assert_eq!(summary.code, 0, "stderr: {}", summary.stderr);
    assert_eq!(
        summary.stdout,
        "7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21 unknown 2003089893366DTEST\n"
    );
    let from_file = run(
        &["notification", "parse", "--json", path.to_str().unwrap()],
        &[],
        None,
    )
    .await;
    assert_eq!(from_file.code, 0, "stderr: {}", from_file.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&from_file.stdout).unwrap(),
        expected
    );
    let body = fixture_bytes("transaction-notification.json");
    let from_stdin = run(&["notification", "parse", "--json", "-"], &[], Some(&body)).await;
    assert_eq!(from_stdin.code, 0, "stderr: {}", from_stdin.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&from_stdin.stdout).unwrap(),
        expected
    );
}

#[tokio::test]
async fn a_declined_notification_is_printed_and_exits_11() {
    let body = serde_json::to_vec(&declined_envelope()).unwrap();
    let run = run(&["notification", "parse", "-"], &[], Some(&body)).await;
    assert_eq!(run.code, 11, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "{TXN} declined (response code 5, gateway code ERR0005, \"do not honour (declined)\") ORDER-1\n"
        )
    );
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("declined"));
}

const TXN: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";

fn approved_envelope() -> Value {
    let mut body = fixture("transaction-notification-envelope.json");
    body["transaction_details"]["id"] = json!(TXN);
    body
}

fn declined_envelope() -> Value {
    json!({
        "success": false, "transaction_type": "CAPTURE",
        "gateway_response": {"code": "ERR0005"},
        "merchant_details": {"merchant_txn_ref": "ORDER-1"},
        "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 5,
            "card": {"number": "4111222233334444"}},
        "transaction_details": {"id": TXN}
    })
}

#[tokio::test]
async fn transaction_status_prints_a_summary_line_or_the_json() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved_envelope()));
    let summary = run_against(
        &server,
        &["get-transaction-status", "--transaction-id", TXN],
        None,
    )
    .await;
    assert_eq!(summary.code, 0, "stderr: {}", summary.stderr);
    assert_eq!(summary.stdout, format!("CAPTURE {TXN} approved 1000 JPY\n"));
    let request = only_request(&server);
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        operation_path(&api::GET_TRANSACTION_STATUS, &[("transactionId", TXN)])
    );

    server.push_reply(Reply::json(200, approved_envelope()));
    let json = run_against(
        &server,
        &["get-transaction-status", "--transaction-id", TXN, "--json"],
        None,
    )
    .await;
    assert_eq!(json.code, 0, "stderr: {}", json.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&json.stdout).unwrap(),
        approved_envelope()
    );
}

#[tokio::test]
async fn a_declined_transaction_is_printed_and_exits_11() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, declined_envelope()));
    let run = run_against(
        &server,
        &["get-transaction-status", "--transaction-id", TXN],
        None,
    )
    .await;
    assert_eq!(run.code, 11, "stderr: {}", run.stderr);
    assert!(
        run.stdout
            .starts_with(&format!("CAPTURE {TXN} declined (response code 5")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("4111222233334444"), "{}", run.stdout);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.lines().count() == 1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("do not honour"), "{}", run.stderr);

    // With --json, the answer is printed whole (the card number masked) and the exit code
    // still says declined.
    server.push_reply(Reply::json(200, declined_envelope()));
    let run = run_against(
        &server,
        &["get-transaction-status", "--transaction-id", TXN, "--json"],
        None,
    )
    .await;
    assert_eq!(run.code, 11, "stderr: {}", run.stderr);
    let mut expected = declined_envelope();
    expected["payment_details"]["card"]["number"] = json!("************4444");
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        expected
    );
}

#[tokio::test]
async fn a_failed_capture_is_in_doubt_and_sent_once() {
    let server = TestServer::start().await;
    server.push_reply(target_status("PRE_AUTH"));
    server.push_reply(Reply::json(503, json!({"message": "busy"})));
    run_against(
        &server,
        &[
            "capture-transaction",
            "--transaction-id",
            TXN,
            "--amount",
            "1000",
        ],
        None,
    )
    .await
    .assert_failed(13, &["HTTP 503", "get_transaction_status", TXN]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the status read, then the capture once");
    assert_eq!(requests[1].path, api::CAPTURE_TRANSACTION.path);
    let sent = requests[1].json();
    assert_eq!(
        (&sent["transactionId"], &sent["amount"]),
        (&json!(TXN), &json!(1000))
    );
    assert!(sent["notes"].as_str().unwrap().starts_with("po-"), "{sent}");
}

#[tokio::test]
async fn transaction_operations_check_rules_before_sending() {
    let server = TestServer::start().await;
    run_against(
        &server,
        &["get-transaction-status", "--transaction-id", "short"],
        None,
    )
    .await
    .assert_failed(4, &["transactionId"]);
    run_against(
        &server,
        &["refund-transaction", "--transaction-id", TXN],
        None,
    )
    .await
    .assert_failed(4, &["amount"]);
    assert!(server.requests().is_empty());
}

/// An approved status of `kind` for `TXN`, JPY 1000: what a money call reads before sending.
fn target_status(kind: &str) -> Reply {
    let code = paymentoptions_hpp_client::api::codes::APPROVES
        .iter()
        .find(|(_, kinds)| kinds.contains(&kind))
        .map(|(c, _)| *c)
        .unwrap();
    Reply::json(
        200,
        json!({"success": true, "is_live": false, "transaction_type": kind,
            "gateway_response": {"code": code},
            "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 0},
            "transaction_details": {"id": TXN}}),
    )
}

#[tokio::test]
async fn a_refused_money_call_exits_12_and_one_in_doubt_exits_13() {
    let server = TestServer::start().await;
    let refund = [
        "refund-transaction",
        "--transaction-id",
        TXN,
        "--amount",
        "700",
    ];
    server.push_reply(target_status("CAPTURE"));
    server.push_reply(Reply::json(
        412,
        json!({"code": "ERR3019", "message": "insufficient refund balance",
            "gateway_response": {"code": "ERR3019"}, "payment_details": {"response_code": -8019}}),
    ));
    run_against(&server, &refund, None).await.assert_failed(
        12,
        &["ERR3019", "insufficient refund balance", "nothing moved"],
    );
    server.push_reply(target_status("CAPTURE"));
    server.push_reply(Reply::json(502, json!({})));
    run_against(&server, &refund, None)
        .await
        .assert_failed(13, &["in doubt", "do not send it again", "back office"]);
    // Sent once each: a money call is never re-sent.
    let posts = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 2);
    // A refund of a pre-auth is refused before anything is sent.
    server.push_reply(target_status("PRE_AUTH"));
    run_against(&server, &refund, None)
        .await
        .assert_failed(4, &["transactionId", "PRE_AUTH"]);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn bad_notification_exits_4_naming_the_path() {
    let body = br#"{"transaction_details": {"ref": []}}"#;
    run(&["notification", "parse", "-"], &[], Some(body))
        .await
        .assert_failed(4, &["transaction_details.ref"]);
    let missing_id = br#"{"transaction_details": {"ref": 1}}"#;
    run(&["notification", "parse", "-"], &[], Some(missing_id))
        .await
        .assert_failed(4, &["transaction_details.id"]);
}

#[tokio::test]
async fn unreadable_notification_file_exits_9() {
    let missing = fixture_path("no-such-notification.json");
    run(
        &["notification", "parse", missing.to_str().unwrap()],
        &[],
        None,
    )
    .await
    .assert_failed(9, &["no-such-notification.json"]);
}

#[tokio::test]
async fn help_and_readme_show_the_same_exit_codes() {
    let help = run(&["--help"], &[], None).await;
    assert_eq!(help.code, 0);
    let table: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| *l != "Exit codes:")
        .skip(1)
        .collect();
    assert_eq!(table.len(), 15, "{}", help.stdout);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for row in table {
        assert!(readme.contains(row), "README.md lacks the row {row:?}");
    }
    let link_help = run(&["link", "create", "--help"], &[], None).await;
    assert!(link_help.stdout.contains("Exit codes:"));
    assert!(link_help.stdout.contains("PAYMENTOPTIONS_API_KEY"));
    if cfg!(feature = "mock") {
        let mock_help = run(&["mock", "--help"], &[], None).await;
        assert!(mock_help.stdout.contains("Exit codes:"));
        assert!(mock_help.stdout.contains("4242 4242 4242 4242"));
    }
}

/// A po-hpp built without the `mock` feature (`cargo install --no-default-features`) says so,
/// rather than calling `mock` an unknown command. `cargo test -p paymentoptions-hpp-cli
/// --no-default-features --test cli` runs it.
#[cfg(not(feature = "mock"))]
#[tokio::test]
async fn a_build_without_the_mock_feature_says_how_to_get_it() {
    for args in [
        &["mock"][..],
        &["mock", "--port", "8080"],
        &["mock", "--help"],
        &["probe", "--out", "probe-answers"],
    ] {
        run(args, &[], None).await.assert_failed(
            2,
            &[
                "without the `mock` feature",
                "default features",
                &format!("`po-hpp {}`", args[0]),
            ],
        );
    }
    // The command list does not offer it.
    let help = run(&["--help"], &[], None).await;
    assert!(
        !help
            .stdout
            .lines()
            .any(|l| l.trim_start().starts_with("mock ")),
        "{}",
        help.stdout
    );
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

/// `--body /dev/zero` and an endless notification are refused at the library's body limit
/// instead of being read until memory runs out.
#[tokio::test]
async fn endless_inputs_are_refused_at_the_library_limit() {
    let limit = paymentoptions_hpp::config::DEFAULT_MAX_RESPONSE_BYTES.to_string();
    let server = TestServer::start().await;
    run_against(&server, &["link", "create", "--body", "/dev/zero"], None)
        .await
        .assert_failed(4, &["/dev/zero", "larger than", &limit]);
    assert!(server.requests().is_empty());
    run(&["notification", "parse", "/dev/zero"], &[], None)
        .await
        .assert_failed(4, &["/dev/zero", "larger than", &limit]);
    // Exactly at the limit is read (and then judged as JSON).
    let mut at_limit = b"{\"transaction_details\": {\"id\": \"t\"}}".to_vec();
    at_limit.resize(paymentoptions_hpp::config::DEFAULT_MAX_RESPONSE_BYTES, b' ');
    let parsed = run(&["notification", "parse", "-"], &[], Some(&at_limit)).await;
    assert_eq!(parsed.code, 0, "stderr: {}", parsed.stderr);
}

#[tokio::test]
async fn a_byte_order_mark_is_named() {
    let server = TestServer::start().await;
    let path = std::env::temp_dir().join(format!("po-hpp-bom-{}.json", std::process::id()));
    std::fs::write(
        &path,
        [&b"\xEF\xBB\xBF"[..], b"{\"amount\": 1000}"].concat(),
    )
    .unwrap();
    run_against(
        &server,
        &["link", "create", "--body", path.to_str().unwrap()],
        None,
    )
    .await
    .assert_failed(4, &["UTF-8 byte-order mark"]);
    assert!(server.requests().is_empty());
    let body = fixture_bytes("transaction-notification.json");
    run(
        &["notification", "parse", "-"],
        &[],
        Some(&[&b"\xEF\xBB\xBF"[..], &body].concat()),
    )
    .await
    .assert_failed(4, &["UTF-8 byte-order mark"]);
    std::fs::remove_file(path).unwrap();
}

/// With stdout closed (`>&-`), the link's URL cannot be printed: that is a failure, not exit 0.
#[tokio::test]
async fn a_closed_stdout_is_a_failure() {
    let server = server_with_example_reply().await;
    let url = server.base_url();
    let output = tokio::process::Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" \"$@\" >&-")
        .arg(env!("CARGO_BIN_EXE_po-hpp"))
        .args(["link", "create", "--amount", "1000", "--currency", "JPY"])
        .env("PAYMENTOPTIONS_API_KEY", KEY)
        .env("PAYMENTOPTIONS_BASE_URL", &url)
        .env_remove("PAYMENTOPTIONS_X_API_KEY")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("cannot write to stdout"), "{stderr}");
    assert!(!stderr.contains(KEY), "{stderr}");
    assert_eq!(server.requests().len(), 1);
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
