//! `po-hpp probe` against the in-process sandbox under each of its settings for what
//! PaymentOptions does not document: the report names the setting, and the saved answers
//! replay into the same `MockConfig`. It refuses anything but a test environment, and no key
//! reaches a saved file or its output.
#![cfg(feature = "mock")]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

mod common;

use common::Run;
use paymentoptions_hpp::{Client, Currency, LinkRequest, Money, RetryPolicy};
use paymentoptions_hpp_mock::probe::Probe;
use paymentoptions_hpp_mock::{MockConfig, MockServer, OverRefundStatus, StatusAfterChange};
use serde_json::Value;

/// The key the probe runs with: it must appear in no file and no output.
const KEY: &str = "probe-canary-key-4b1d9e07";

/// A fresh, absent directory under the system's temporary one.
fn out_dir(name: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("po-hpp-probe-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `po-hpp probe args...` with the key in the environment and no other `PAYMENTOPTIONS_*`
/// variable but `env`.
async fn probe(args: &[&str], env: &[(&str, &str)]) -> Run {
    let args = [&["probe"], args].concat();
    let env = [&[("PAYMENTOPTIONS_API_KEY", KEY)], env].concat();
    common::run_within(&args, &env, None, Duration::from_secs(120)).await
}

/// A paid (or, `authorise`, only authorised) JPY 1000 link of the sandbox: its transaction id.
async fn paid(mock: &MockServer, authorise: bool) -> String {
    let client = Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let request = LinkRequest::builder()
        .amount(Money::from_minor(1000, Currency::JPY).unwrap())
        .build()
        .unwrap();
    let link = client.create_link(&request).await.unwrap();
    let completion = if authorise {
        mock.authorise(link.id())
    } else {
        mock.complete(link.id(), paymentoptions_hpp_mock::CustomerAction::Pay)
    };
    completion.unwrap().transaction.id
}

/// Every file under `dir`, read as text.
fn saved_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    files.sort();
    files
}

/// The verdict and setting value the JSON report gives `question`.
fn verdict(report: &Value, question: &str) -> (String, Option<String>) {
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["question"] == question)
        .unwrap_or_else(|| panic!("no finding for {question}: {report}"));
    (
        finding["verdict"].as_str().unwrap().to_string(),
        finding["setting"]["value"].as_str().map(str::to_string),
    )
}

/// Runs the full probe (two captures, one pre-auth) against a sandbox with `config`; checks
/// the report names each setting, that the answers replay into the same settings, and that
/// the key is nowhere.
async fn probe_names_and_replays(config: MockConfig, json: bool) {
    let expected = config.clone();
    let mock = MockServer::start_with(config).await.unwrap();
    let ids = [
        paid(&mock, false).await,
        paid(&mock, false).await,
        paid(&mock, true).await,
    ];
    let dir = out_dir("settings");
    let dir_arg = dir.display().to_string();
    let mut args = vec!["--out", &dir_arg, "--base-url", mock.base_url()];
    for id in &ids {
        args.extend(["--transaction-id", id]);
    }
    if json {
        args.push("--json");
    }
    let run = probe(&args, &[]).await;
    assert_eq!(
        run.code, 0,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );

    let status_after = expected.status_after_change.as_str();
    let over_refund = expected.over_refund_status.to_string();
    let unseen = expected.unseen_status_reads.to_string();
    if json {
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        let setting = |value: &str| ("setting".to_string(), Some(value.to_string()));
        assert_eq!(verdict(&report, "status-after-void"), setting(status_after));
        assert_eq!(
            verdict(&report, "status-after-partial-refund"),
            setting(status_after)
        );
        assert_eq!(
            verdict(&report, "over-refund-status"),
            setting(&over_refund)
        );
        assert_eq!(
            verdict(&report, "repeated-full-refund"),
            setting(&over_refund)
        );
        assert_eq!(verdict(&report, "first-status-reads"), setting(&unseen));
        assert_eq!(verdict(&report, "unknown-id").0, "sandbox");
        assert_eq!(verdict(&report, "link-id-as-transaction").0, "sandbox");
    } else {
        let name = format!("{:?}", expected.status_after_change);
        for line in [
            format!(
                "matches StatusAfterChange::{name} (po-hpp mock --status-after-change {status_after})"
            ),
            format!(
                "matches OverRefundStatus({over_refund}) (po-hpp mock --over-refund-status {over_refund})"
            ),
            format!("matches unseen_status_reads({unseen})"),
        ] {
            assert!(
                run.stdout.contains(&line),
                "{line:?} missing from:\n{}",
                run.stdout
            );
        }
        assert!(!run.stdout.contains("matches no setting"), "{}", run.stdout);
    }

    let replayed = Probe::load(&dir)
        .unwrap()
        .config(MockConfig::default())
        .unwrap();
    assert_eq!(replayed.status_after_change, expected.status_after_change);
    assert_eq!(replayed.over_refund_status, expected.over_refund_status);
    assert_eq!(replayed.unseen_status_reads, expected.unseen_status_reads);

    // Each saved transaction answer is a fixture the library reads as PaymentOptions' answer.
    let probe_dir = Probe::load(&dir).unwrap();
    let mut read = 0;
    for answer in probe_dir
        .answers
        .iter()
        .filter(|a| a.operation != paymentoptions_hpp_client::api::GENERATE_HPP_LINK.id)
    {
        if let (Some(status), Some(body), true) = (answer.status, &answer.body, answer.is_success())
        {
            let bytes = serde_json::to_vec(body).unwrap();
            let transaction =
                paymentoptions_hpp::Transaction::from_response(status, bytes).unwrap();
            assert_eq!(
                transaction
                    .kind()
                    .map(|k| k.as_str().to_string())
                    .as_deref(),
                answer.transaction_type(),
                "{answer:?}"
            );
            read += 1;
        }
    }
    assert!(read >= 8, "{read} transaction answers");

    let files = saved_files(&dir);
    // The manifest, and per answer one file: at least the seven questions' operations.
    assert!(files.len() > 12, "{} files", files.len());
    for (path, text) in &files {
        assert!(!text.contains(KEY), "{} holds the key", path.display());
        serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    assert!(!run.stdout.contains(KEY) && !run.stderr.contains(KEY));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_defaults_unchanged_412_seen_at_once() {
    probe_names_and_replays(MockConfig::default(), true).await;
}

#[tokio::test]
async fn latest_operation_201_two_unseen_reads() {
    let config = MockConfig::default()
        .with_status_after_change(StatusAfterChange::LatestOperation)
        .with_over_refund_status(OverRefundStatus::new(201).unwrap())
        .with_unseen_status_reads(2);
    probe_names_and_replays(config, true).await;
}

#[tokio::test]
async fn unchanged_400_one_unseen_read_in_text() {
    let config = MockConfig::default()
        .with_over_refund_status(OverRefundStatus::new(400).unwrap())
        .with_unseen_status_reads(1);
    probe_names_and_replays(config, false).await;
}

#[tokio::test]
async fn latest_operation_409_in_text() {
    let config = MockConfig::default()
        .with_status_after_change(StatusAfterChange::LatestOperation)
        .with_over_refund_status(OverRefundStatus::new(409).unwrap());
    probe_names_and_replays(config, false).await;
}

#[tokio::test]
async fn without_transactions_the_money_questions_say_why() {
    let mock = MockServer::start().await.unwrap();
    let dir = out_dir("bare");
    let dir_arg = dir.display().to_string();
    let run = probe(
        &["--out", &dir_arg, "--base-url", mock.base_url(), "--json"],
        &[],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    for question in [
        "status-after-void",
        "status-after-partial-refund",
        "over-refund-status",
        "repeated-full-refund",
        "first-status-reads",
    ] {
        assert_eq!(verdict(&report, question).0, "not-answered", "{question}");
    }
    let void = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["question"] == "status-after-void")
        .unwrap();
    assert!(
        void["observed"]
            .as_str()
            .unwrap()
            .contains("--transaction-id"),
        "{void}"
    );
    assert_eq!(verdict(&report, "unknown-id").0, "sandbox");
    assert_eq!(verdict(&report, "link-id-as-transaction").0, "sandbox");
    assert_eq!(report["replay"]["flags"], serde_json::json!([]));
    // A second run into the same directory would overwrite the answers: refused.
    let again = probe(&["--out", &dir_arg, "--base-url", mock.base_url()], &[]).await;
    assert_eq!(again.code, 4, "{}", again.stderr);
    assert!(
        again.stderr.contains("already holds a probe"),
        "{}",
        again.stderr
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn anything_but_a_test_environment_is_refused_before_sending() {
    /// Flags, and `PAYMENTOPTIONS_*` variables.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: [Case; 5] = [
        (&["--environment", "production"], &[]),
        (&[], &[("PAYMENTOPTIONS_ENVIRONMENT", "production")]),
        (&["--base-url", "https://api.paymentoptions.com"], &[]),
        (
            &[],
            &[("PAYMENTOPTIONS_BASE_URL", "https://api.paymentoptions.com/")],
        ),
        (&["--base-url", "https://payments-proxy.shop.example"], &[]),
    ];
    for (flags, env) in cases {
        let dir = out_dir("refused");
        let dir_arg = dir.display().to_string();
        let args = [&["--out", dir_arg.as_str()], flags].concat();
        let run = probe(&args, env).await;
        assert_eq!(run.code, 14, "{flags:?} {env:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: probe refused, nothing sent"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains(KEY));
        assert!(
            !dir.exists(),
            "{flags:?} {env:?}: nothing is written either"
        );
    }
}

#[tokio::test]
async fn waiting_prints_links_and_reads_their_ids_after_payment() {
    let mock = std::sync::Arc::new(MockServer::start().await.unwrap());
    let dir = out_dir("wait");
    let dir_arg = dir.display().to_string();
    // Pays each link as soon as the probe has created it, as a person in a browser would.
    let payer = {
        let mock = mock.clone();
        tokio::spawn(async move {
            let mut paid = Vec::new();
            while paid.len() < 2 {
                for link in mock.links() {
                    if !paid.contains(&link.id)
                        && mock
                            .complete(link.id, paymentoptions_hpp_mock::CustomerAction::Pay)
                            .is_ok()
                    {
                        paid.push(link.id);
                    }
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let run = probe(
        &[
            "--out",
            &dir_arg,
            "--base-url",
            mock.base_url(),
            "--wait",
            "1",
            "--json",
        ],
        &[],
    )
    .await;
    payer.await.unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Without a paid transaction, two links (one per refund question), each printed.
    assert_eq!(
        run.stderr
            .matches("pay in a browser within 1 s: http://")
            .count(),
        2,
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr
            .matches("was not read as a transaction within --wait")
            .count(),
        2
    );
    // In the sandbox a link's id never reads as a transaction, paid or not: read at once and
    // once more after the wait, each time like an unknown id.
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(verdict(&report, "link-id-as-transaction").0, "sandbox");
    let reads = saved_files(&dir)
        .iter()
        .filter(|(p, _)| {
            p.display()
                .to_string()
                .ends_with("link-id-as-transaction-read.json")
        })
        .count();
    assert_eq!(reads, 4);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// [`KEY`] base64-encoded (`printf '%s' probe-canary-key-4b1d9e07 | base64`), as a server
/// echoing `Authorization` might send it back.
const KEY_BASE64: &str = "cHJvYmUtY2FuYXJ5LWtleS00YjFkOWUwNw==";

/// A full card number, as the published samples show it.
const CARD: &str = "5200000000001005";

#[tokio::test]
async fn a_live_transaction_stops_the_probe_and_echoed_secrets_are_not_saved() {
    use paymentoptions_hpp_testkit::{Reply, TestServer};

    let server = TestServer::start().await;
    let id = "fc565b43-26f5-4906-92ae-d849edc3c3a1";
    // The unknown id: a 404 whose body echoes the key, plainly and base64-encoded.
    server.push_reply(Reply::json(
        404,
        serde_json::json!({"message": format!("no such id; you sent {KEY} / Basic {KEY_BASE64}")}),
    ));
    // The transaction given: a live one, with a full card number.
    server.push_reply(Reply::json(
        200,
        serde_json::json!({
            "success": true, "is_live": true, "transaction_type": "CAPTURE",
            "gateway_response": {"type": "INFO", "code": "INFO0000"},
            "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 0,
                                "card": {"number": CARD}},
            "transaction_details": {"id": id}
        }),
    ));
    let dir = out_dir("live");
    let dir_arg = dir.display().to_string();
    let base_url = server.base_url();
    let run = probe(
        &[
            "--out",
            &dir_arg,
            "--base-url",
            &base_url,
            "--transaction-id",
            id,
        ],
        &[],
    )
    .await;
    assert_eq!(run.code, 14, "{}", run.stderr);
    assert!(run.stderr.contains("says is_live: true"), "{}", run.stderr);
    // It stopped there: no link, no refund, no void was sent.
    let sent: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.iter().all(|r| r.starts_with("GET ")), "{sent:?}");
    // What was answered is saved, without the key or the card number.
    let files = saved_files(&dir);
    assert_eq!(files.len(), 3, "two answers and the manifest: {files:?}");
    for (path, text) in &files {
        for secret in [KEY, KEY_BASE64, CARD] {
            assert!(
                !text.contains(secret),
                "{} holds {secret}: {text}",
                path.display()
            );
        }
    }
    assert!(
        files.iter().any(|(_, text)| text.contains("1005")),
        "the last four digits are kept"
    );
    for secret in [KEY, KEY_BASE64, CARD] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
