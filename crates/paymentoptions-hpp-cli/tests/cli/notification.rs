//! `notification parse`: the summary, the JSON, and the notifications it refuses.

use super::*;

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
