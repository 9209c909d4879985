//! What `po-hpp` shows of a body: `--json` prints the answer as received (unknown fields, key
//! order and values as written) but for card numbers, masked but their last four digits, and
//! API keys, redacted as written or encoded; error lines mask and redact the same way. The
//! real binary, over real HTTP to a scripted server on 127.0.0.1.

mod common;

use common::Run;
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::{Value, json};

/// A canary key.
const KEY: &str = "canary-KEY-5f3a9";
/// `printf '%s' canary-KEY-5f3a9 | base64`, and the same of `canary-KEY-5f3a9:`.
const KEY_B64: &str = "Y2FuYXJ5LUtFWS01ZjNhOQ==";
const KEY_COLON_B64: &str = "Y2FuYXJ5LUtFWS01ZjNhOTo=";
const TXN: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";
const CARD: &str = "5200000000001005";
const CARD_FORMS: [&str; 3] = [CARD, "5200 0000 0000 1005", "5200-0000-0000-1005"];

/// Every byte percent-encoded.
fn percent(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Runs `po-hpp args` with the canary key and `base_url`, feeding `stdin`; asserts that no
/// form of the key nor of the card number is in its output.
async fn run(args: &[&str], base_url: &str, stdin: Option<&[u8]>) -> Run {
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        ("PAYMENTOPTIONS_BASE_URL", base_url),
    ];
    let run = common::run(args, &env, stdin).await;
    let secrets = [
        KEY.to_string(),
        KEY_B64.to_string(),
        KEY_COLON_B64.to_string(),
        percent(KEY),
    ];
    run.assert_shows_none(secrets.iter().map(String::as_str).chain(CARD_FORMS));
    run
}

/// A transaction answer with what the model does not know (fields, a number written `1.50`),
/// the card number in each of its forms, a key echoed encoded, and ordinary ids and numbers.
fn answer() -> String {
    format!(
        r#"{{"success": true, "transaction_type": "CAPTURE",
  "gateway_response": {{"code": "INFO0001", "message": "card 5200 0000 0000 1005 ok"}},
  "payment_details": {{"amount": 1000, "currency": "JPY", "response_code": 0,
    "card": {{"number": "{CARD}", "printed": "5200-0000-0000-1005"}}}},
  "transaction_details": {{"id": "{TXN}", "ref": 240815123456,
    "timestamp": "2024-08-15T09:30:12.000Z", "merchant_txn_ref": "2003089893366DTEST"}},
  "zz_unknown": {{"rate": 1.50, "raw_card": {CARD}}},
  "echo": {{"authorization": "Basic {KEY_B64}", "basic_user": "{KEY_COLON_B64}", "query": "k={pct}"}}}}"#,
        pct = percent(KEY)
    )
}

/// What `--json` must print for [`answer`], as JSON.
fn expected() -> Value {
    json!({
        "success": true, "transaction_type": "CAPTURE",
        "gateway_response": {"code": "INFO0001", "message": "card **** **** **** 1005 ok"},
        "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 0,
            "card": {"number": "************1005", "printed": "****-****-****-1005"}},
        "transaction_details": {"id": TXN, "ref": 240815123456_u64,
            "timestamp": "2024-08-15T09:30:12.000Z", "merchant_txn_ref": "2003089893366DTEST"},
        "zz_unknown": {"rate": 1.5, "raw_card": "************1005"},
        "echo": {"authorization": "Basic [redacted]", "basic_user": "[redacted]",
            "query": "k=[redacted]"}
    })
}

/// The body's keys in the order printed.
fn key_order(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('"')?.split_once("\": "))
        .map(|(key, _)| key)
        .collect()
}

#[tokio::test]
async fn json_prints_each_transaction_answer_as_received_less_cards_and_keys() {
    // Each with the answer above (an approved CAPTURE of JPY 1000): what a status read, a
    // capture and a stored-card payment answer. A capture first reads its pre-auth's status.
    let operations: [(&[&str], bool); 3] = [
        (&["get-transaction-status", "--transaction-id", TXN], false),
        (
            &[
                "capture-transaction",
                "--transaction-id",
                TXN,
                "--amount",
                "1000",
            ],
            true,
        ),
        (
            &[
                "pay-with-stored-card",
                "--stored-payment-method-id",
                "094db781-fabc-4c6d-8fcd-18bee06a527a",
                "--amount",
                "1000",
                "--currency",
                "JPY",
                "--merchant-txn-ref",
                "ORDER-1",
            ],
            false,
        ),
    ];
    let pre_auth = || {
        Reply::json(
            200,
            json!({"success": true, "is_live": false, "transaction_type": "PRE_AUTH",
                "gateway_response": {"code": "INFO0000"},
                "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 0},
                "transaction_details": {"id": TXN}}),
        )
    };
    let server = TestServer::start().await;
    for (operation, reads_target) in operations {
        if reads_target {
            server.push_reply(pre_auth());
        }
        server.push_reply(Reply::raw(200, "application/json", answer()));
        let args = [operation, &["--json"]].concat();
        let json = run(&args, &server.base_url(), None).await;
        assert_eq!(json.code, 0, "{args:?}: {}", json.stderr);
        let printed: Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(printed, expected(), "{args:?}");
        // As received: the order of the body, and numbers as written.
        assert_eq!(
            key_order(&json.stdout)[..3],
            ["success", "transaction_type", "gateway_response"]
        );
        assert!(json.stdout.contains("\"rate\": 1.50"), "{}", json.stdout);
        assert!(json.stdout.contains("\"zz_unknown\": {"), "{}", json.stdout);

        // The summary line never had the card number.
        if reads_target {
            server.push_reply(pre_auth());
        }
        server.push_reply(Reply::raw(200, "application/json", answer()));
        let summary = run(operation, &server.base_url(), None).await;
        assert_eq!(summary.code, 0, "{operation:?}: {}", summary.stderr);
    }
}

#[tokio::test]
async fn notification_parse_json_prints_the_body_as_received_less_cards_and_keys() {
    let body = answer();
    let json = run(
        &["notification", "parse", "--json", "-"],
        "http://127.0.0.1:9",
        Some(body.as_bytes()),
    )
    .await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&json.stdout).unwrap(),
        expected()
    );
    assert!(json.stdout.contains("\"rate\": 1.50"), "{}", json.stdout);

    // A card number in a refused notification is masked in the error.
    let refused = br#"{"transaction_details": {"id": 5200000000001005}}"#;
    let failed = run(
        &["notification", "parse", "-"],
        "http://127.0.0.1:9",
        Some(refused),
    )
    .await;
    assert_eq!(failed.code, 4, "{}", failed.stderr);
    assert!(
        failed.stderr.contains("************1005"),
        "{}",
        failed.stderr
    );
}

#[tokio::test]
async fn error_lines_mask_cards_and_redact_encoded_keys() {
    let server = TestServer::start().await;
    let status = ["get-transaction-status", "--transaction-id", TXN];
    for (reply, shown) in [
        (
            Reply::json(
                402,
                json!({"message": "card 5200 0000 0000 1005 (ref: 74811) refused"}),
            ),
            vec!["**** **** **** 1005", "ref: 74811"],
        ),
        (
            Reply::raw(
                502,
                "text/plain",
                "card=5200-0000-0000-1005 at 2024-08-15T09:30:12.000Z",
            ),
            vec!["****-****-****-1005", "2024-08-15T09:30:12.000Z"],
        ),
        (
            Reply::raw(
                400,
                "text/plain",
                format!(
                    "echo: Authorization: Basic {KEY_B64}; ?key={}",
                    percent(KEY)
                ),
            ),
            vec!["Basic [redacted]", "?key=[redacted]"],
        ),
    ] {
        server.push_reply(reply);
        let failed = run(&status, &server.base_url(), None).await;
        assert_eq!(failed.code, 6, "{}", failed.stderr);
        assert_eq!(failed.stdout, "");
        for needle in shown {
            assert!(
                failed.stderr.contains(needle),
                "{needle}: {}",
                failed.stderr
            );
        }
    }
}
