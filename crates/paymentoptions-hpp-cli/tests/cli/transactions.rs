//! The transaction calls: status, the money calls' checks, and refused or in-doubt results.

use super::*;

/// Runs `get-transaction-status` for `TXN`, with `extra` flags, against `server` answering
/// `envelope`.
async fn status_answered(server: &TestServer, envelope: Value, extra: &[&str]) -> Run {
    server.push_reply(Reply::json(200, envelope));
    let args = [
        &["get-transaction-status", "--transaction-id", TXN][..],
        extra,
    ]
    .concat();
    run_against(server, &args, None).await
}

#[tokio::test]
async fn transaction_status_prints_a_summary_line_or_the_json() {
    let server = TestServer::start().await;
    let summary = status_answered(&server, approved_envelope(), &[]).await;
    assert_eq!(summary.code, 0, "stderr: {}", summary.stderr);
    assert_eq!(summary.stdout, format!("CAPTURE {TXN} approved 1000 JPY\n"));
    let request = only_request(&server);
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        operation_path(&api::GET_TRANSACTION_STATUS, &[("transactionId", TXN)])
    );

    let json = status_answered(&server, approved_envelope(), &["--json"]).await;
    assert_eq!(json.code, 0, "stderr: {}", json.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&json.stdout).unwrap(),
        approved_envelope()
    );
}

#[tokio::test]
async fn a_declined_transaction_is_printed_and_exits_11() {
    let server = TestServer::start().await;
    let run = status_answered(&server, declined_envelope(), &[]).await;
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
    let run = status_answered(&server, declined_envelope(), &["--json"]).await;
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
