//! `link create`: the body from a file, stdin or flags, and what is printed.

use super::*;

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
