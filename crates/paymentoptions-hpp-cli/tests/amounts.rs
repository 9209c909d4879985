//! `po-hpp`'s amount flags and `--dry-run`, run as a user runs them: the real binary against a
//! scripted server on 127.0.0.1 that records what reaches it.

mod common;

use common::Run;
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::{Value, json};

/// A key with characters that base64 and percent-encoding both change, so that each written
/// form of it is a distinct needle.
const KEY: &str = "canary/KEY+5f3a9=";
const TXN: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";

/// Runs `po-hpp args` against `server` with the canary key, and asserts that no form of the key
/// is in the output.
async fn run(server: &TestServer, args: &[&str]) -> Run {
    let url = server.base_url();
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        ("PAYMENTOPTIONS_BASE_URL", url.as_str()),
    ];
    let run = common::run(args, &env, None).await;
    run.assert_shows_none([
        KEY.to_string(),
        base64(KEY),
        base64(KEY).replace('+', "-").replace('/', "_"),
        "canary%2FKEY%2B5f3a9%3D".to_string(),
    ]);
    run
}

fn base64(s: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An approved transaction of `kind` for `id`, `amount` minor units of `currency`.
fn envelope(kind: &str, id: &str, amount: i64, currency: &str) -> Value {
    let code = api::codes::APPROVES
        .iter()
        .find(|(_, kinds)| kinds.contains(&kind))
        .map(|(c, _)| *c)
        .unwrap();
    json!({"success": true, "is_live": false, "transaction_type": kind,
        "gateway_response": {"code": code, "type": "INFO"},
        "payment_details": {"amount": amount, "currency": currency, "response_code": 0},
        "transaction_details": {"id": id}})
}

/// The status of `TXN` as `kind`, once for the CLI and once for the library's own check.
fn push_target_twice(server: &TestServer, kind: &str, amount: i64, currency: &str) {
    for _ in 0..2 {
        server.push_reply(Reply::json(200, envelope(kind, TXN, amount, currency)));
    }
}

fn posted(server: &TestServer) -> Vec<(String, Value)> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| (r.path.clone(), r.json()))
        .collect()
}

#[tokio::test]
async fn amounts_not_plainly_written_are_refused_naming_the_flag() {
    let server = TestServer::start().await;
    let commands: [&[&str]; 4] = [
        &["capture-transaction", "--transaction-id", TXN],
        &["refund-transaction", "--transaction-id", TXN],
        &[
            "pay-with-stored-card",
            "--currency",
            "JPY",
            "--stored-payment-method-id",
            TXN,
        ],
        &["link", "create", "--currency", "JPY"],
    ];
    for command in commands {
        for bad in ["+5", "007", " 5", "5.0", "-5", "5e2"] {
            // `--amount=-5`: otherwise clap takes `-5` for a flag.
            let flag = format!("--amount={bad}");
            let args = [command, &[flag.as_str()]].concat();
            let run = run(&server, &args).await;
            assert_eq!(run.code, 4, "{args:?}: {}", run.stderr);
            assert!(
                run.stderr.contains("--amount") && run.stderr.contains(bad),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
    assert!(server.requests().is_empty(), "nothing may be sent");

    // Zero is plainly written: the library refuses it with its own rule.
    let run = run(
        &server,
        &[
            "refund-transaction",
            "--transaction-id",
            TXN,
            "--amount",
            "0",
        ],
    )
    .await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(posted(&server).is_empty());
}

#[tokio::test]
async fn amount_major_is_read_in_the_target_currency() {
    let server = TestServer::start().await;
    push_target_twice(&server, "CAPTURE", 1050, "USD");
    server.push_reply(Reply::json(201, envelope("REFUND", TXN, 1050, "USD")));
    let args = [
        "refund-transaction",
        "--transaction-id",
        TXN,
        "--amount-major",
        "10.5",
    ];
    let ok = run(&server, &args).await;
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let sent = posted(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, api::REFUND_TRANSACTION.path);
    assert_eq!(sent[0].1["amount"], json!(1050));

    // More decimals than the target's currency has: refused before anything moves.
    server.push_reply(Reply::json(200, envelope("CAPTURE", TXN, 1000, "JPY")));
    let args = [
        "capture-transaction",
        "--transaction-id",
        TXN,
        "--amount-major",
        "10.5",
    ];
    let run = run(&server, &args).await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("amount"), "{}", run.stderr);
    assert_eq!(posted(&server).len(), 1, "no second POST");
}

#[tokio::test]
async fn full_sends_the_targets_whole_amount() {
    let server = TestServer::start().await;
    push_target_twice(&server, "PRE_AUTH", 1000, "JPY");
    server.push_reply(Reply::json(201, envelope("CAPTURE", TXN, 1000, "JPY")));
    let capture = run(
        &server,
        &["capture-transaction", "--transaction-id", TXN, "--full"],
    )
    .await;
    assert_eq!(capture.code, 0, "{}", capture.stderr);
    let sent = posted(&server);
    assert_eq!(sent[0].0, api::CAPTURE_TRANSACTION.path);
    assert_eq!(sent[0].1["amount"], json!(1000));

    // A partly refunded payment: the whole amount is more than is left, and the API says so.
    push_target_twice(&server, "CAPTURE", 1000, "JPY");
    server.push_reply(Reply::json(
        412,
        json!({"code": "ERR3019", "message": "insufficient refund balance",
            "gateway_response": {"code": "ERR3019"}, "payment_details": {"response_code": -8019}}),
    ));
    let refund = run(
        &server,
        &["refund-transaction", "--transaction-id", TXN, "--full"],
    )
    .await;
    assert_eq!(refund.code, 12, "{}", refund.stderr);
    assert_eq!(posted(&server)[1].1["amount"], json!(1000));
}

#[tokio::test]
async fn amount_choices_cannot_be_combined() {
    let server = TestServer::start().await;
    for extra in [
        &["--amount", "5", "--full"][..],
        &["--amount", "5", "--amount-major", "5"],
        &["--full", "--amount-major", "5"],
    ] {
        let args = [&["refund-transaction", "--transaction-id", TXN][..], extra].concat();
        assert_eq!(run(&server, &args).await.code, 2, "{args:?}");
    }
    // Without an id there is no currency to read the amount in.
    let run = run(&server, &["capture-transaction", "--full"]).await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("--transaction-id"), "{}", run.stderr);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn dry_run_prints_the_call_and_sends_nothing() {
    let server = TestServer::start().await;
    let base = server.base_url();
    let base = base.trim_end_matches('/');

    let link = run(
        &server,
        &[
            "link",
            "create",
            "--amount",
            "1000",
            "--currency",
            "JPY",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(link.code, 0, "{}", link.stderr);
    let expected_body = json!({"amount": 1000, "currency": "JPY"}).to_string();
    assert_eq!(
        link.stdout,
        format!(
            "curl -X POST '{base}{}' \\\n  -H 'Authorization: Basic [redacted]' \\\n  \
             -H 'x-api-key: [redacted]' \\\n  -H 'Accept: application/json' \\\n  \
             -H 'Content-Type: application/json' \\\n  --data-raw '{expected_body}'\n",
            api::GENERATE_HPP_LINK.path
        )
    );

    let refund = run(
        &server,
        &[
            "refund-transaction",
            "--transaction-id",
            TXN,
            "--amount",
            "400",
            "--notes",
            "it's returned",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(refund.code, 0, "{}", refund.stderr);
    assert!(
        refund.stdout.starts_with(&format!(
            "curl -X POST '{base}{}'",
            api::REFUND_TRANSACTION.path
        )),
        "{}",
        refund.stdout
    );
    // The note's quote is escaped for the shell; the body is the JSON sent.
    assert!(
        refund.stdout.contains(r#""notes":"it'\''s returned""#),
        "{}",
        refund.stdout
    );

    let status = run(
        &server,
        &[
            "get-transaction-status",
            "--transaction-id",
            TXN,
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(status.code, 0, "{}", status.stderr);
    let path = api::GET_TRANSACTION_STATUS
        .path
        .replace("{transactionId}", TXN);
    assert!(
        status
            .stdout
            .starts_with(&format!("curl -X GET '{base}{path}'")),
        "{}",
        status.stdout
    );
    assert!(!status.stdout.contains("--data-raw"), "{}", status.stdout);

    // Reading the target's currency would send a request: refused rather than done.
    let full = run(
        &server,
        &[
            "capture-transaction",
            "--transaction-id",
            TXN,
            "--full",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(full.code, 4, "{}", full.stderr);
    assert!(full.stderr.contains("--dry-run"), "{}", full.stderr);

    assert!(server.requests().is_empty(), "a dry run sent something");
}
