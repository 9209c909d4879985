//! Input `po-hpp` refuses before sending anything: exit 4, or 9 for a file it cannot read.

use super::*;

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
async fn unreadable_body_file_exits_9() {
    let server = TestServer::start().await;
    let missing = fixture_path("no-such-request.json");
    let args = ["link", "create", "--body", missing.to_str().unwrap()];
    run_against(&server, &args, None)
        .await
        .assert_failed(9, &["no-such-request.json"]);
    assert!(server.requests().is_empty());
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
