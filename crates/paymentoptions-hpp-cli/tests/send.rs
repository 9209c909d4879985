//! `po-hpp notification send`, run as a user runs it: the real binary POSTing to a recording
//! server on 127.0.0.1 (the merchant's webhook).

use std::time::Duration;

mod common;

use common::Run;
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::json;

const TXN: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";

async fn run(args: &[&str]) -> Run {
    let args = [&["notification", "send"], args].concat();
    common::run(&args, &[], None).await
}

fn webhook(server: &TestServer) -> String {
    format!("{}/webhooks/paymentoptions", server.base_url())
}

#[tokio::test]
async fn a_paid_notification_reaches_the_webhook_as_the_library_parses_it() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, json!({"ok": true})));
    let url = webhook(&server);
    let run = run(&[
        "--url",
        &url,
        "--outcome",
        "paid",
        "--transaction-id",
        TXN,
        "--merchant-txn-ref",
        "ORDER-1001",
        "--amount",
        "1000",
        "--currency",
        "JPY",
    ])
    .await;

    assert_eq!(
        (run.code, run.stdout.trim()),
        (0, "200 OK"),
        "{}",
        run.stderr
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.header("content-type"), Some("application/json"));
    let notification = paymentoptions_hpp::parse_notification(&request.body).unwrap();
    assert_eq!(notification.transaction_id(), TXN);
    assert_eq!(notification.merchant_txn_ref(), Some("ORDER-1001"));
    assert!(notification.outcome().is_approved());
    assert_eq!(
        notification.transaction().amount().unwrap().to_string(),
        "1000 JPY"
    );
}

#[tokio::test]
async fn the_default_is_the_bare_notification_and_a_refusal_exits_6() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(500, json!({"error": "db down"})));
    let url = webhook(&server);
    let run = run(&["--url", &url, "--transaction-id", TXN]).await;

    assert_eq!(run.code, 6, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "500 Internal Server Error");
    assert!(run.stderr.contains("db down"), "{}", run.stderr);
    assert!(
        run.stderr.contains("the webhook answered 500"),
        "{}",
        run.stderr
    );
    let body = server.requests()[0].json();
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    assert_eq!(body["transaction_details"]["id"], TXN);
}

#[tokio::test]
async fn declined_and_refunded_notifications_say_so() {
    let server = TestServer::start().await;
    let url = webhook(&server);
    for (outcome, declined) in [("declined", true), ("refunded", false)] {
        server.push_reply(Reply::json(200, json!({})));
        let run = run(&[
            "--url",
            &url,
            "--outcome",
            outcome,
            "--transaction-id",
            TXN,
            "--amount",
            "400",
            "--currency",
            "JPY",
        ])
        .await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        let body = &server.requests().last().unwrap().body.clone();
        let notification = paymentoptions_hpp::parse_notification(body).unwrap();
        assert_eq!(notification.outcome().is_declined(), declined, "{outcome}");
    }
}

#[tokio::test]
async fn a_remote_url_is_refused_before_anything_is_sent() {
    for url in [
        "http://203.0.113.7/webhooks",
        "https://shop.example/webhooks",
    ] {
        let run = run(&["--url", url, "--transaction-id", TXN]).await;
        assert_eq!(run.code, 4, "{url}: {}", run.stderr);
        assert!(run.stderr.contains("--allow-remote"), "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[tokio::test]
async fn flags_that_make_no_notification_exit_4_and_send_nothing() {
    let server = TestServer::start().await;
    let url = webhook(&server);
    for args in [
        // An outcome that carries an amount, without one.
        vec!["--outcome", "paid"],
        // An amount that is not strictly an integer.
        vec!["--outcome", "paid", "--amount", "+5", "--currency", "JPY"],
        // An amount the bare notification would silently drop.
        vec!["--amount", "5", "--currency", "JPY"],
        // A blank id.
        vec!["--transaction-id", " "],
    ] {
        let mut all = vec!["--url", url.as_str()];
        if !args.contains(&"--transaction-id") {
            all.extend(["--transaction-id", TXN]);
        }
        all.extend(args.iter().copied());
        let run = run(&all).await;
        assert_eq!(run.code, 4, "{args:?}: {}", run.stderr);
    }
    assert!(server.requests().is_empty());
    // An outcome that does not exist is a usage error.
    let run = run(&[
        "--url",
        &url,
        "--transaction-id",
        TXN,
        "--outcome",
        "paid-twice",
    ])
    .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[tokio::test]
async fn a_webhook_that_does_not_answer_in_time_exits_7() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, json!({})).delay(Duration::from_secs(5)));
    let url = webhook(&server);
    let started = std::time::Instant::now();
    let run = run(&[
        "--url",
        &url,
        "--transaction-id",
        TXN,
        "--timeout-ms",
        "300",
    ])
    .await;
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert!(run.stderr.contains("in time"), "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(4));
}
