//! `po-hpp mock` as a user runs it: the real binary listening on 127.0.0.1, used by
//! `po-hpp link create` and inspected through its control API.
#![cfg(feature = "mock")]

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStderr};

const LINK_PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;

mod common;

use common::{Run, command as po_hpp};

/// A running `po-hpp mock`; killed when dropped.
struct Sandbox {
    child: Child,
    base_url: String,
    stderr: ChildStderr,
}

impl Sandbox {
    /// Starts `po-hpp mock --port 0 extra...` and reads the base URL from its first line.
    async fn start(extra: &[&str]) -> Self {
        let args = [&["mock", "--port", "0"], extra].concat();
        let mut child = po_hpp(&args).spawn().expect("po-hpp starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line))
            .await
            .expect("the base URL is printed within 30 s")
            .unwrap();
        let base_url = line.trim_end().to_string();
        assert!(
            base_url.starts_with("http://127.0.0.1:") && line.ends_with('\n'),
            "the first line of stdout should be the base URL alone: {line:?}"
        );
        let stderr = child.stderr.take().unwrap();
        Self {
            child,
            base_url,
            stderr,
        }
    }

    /// Stops it with Ctrl-C (SIGINT) and returns its exit code and stderr.
    #[cfg(unix)]
    async fn interrupt(mut self) -> (i32, String) {
        let pid = self.child.id().expect("still running").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("po-hpp mock stops within 30 s of Ctrl-C")
            .unwrap();
        let mut stderr = String::new();
        self.stderr.read_to_string(&mut stderr).await.unwrap();
        (status.code().expect("exited, not killed"), stderr)
    }
}

async fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    common::run(args, env, None).await
}

/// `po-hpp link create` against `base_url` with `key`.
async fn create_link(base_url: &str, key: &str) -> Run {
    let args = [
        "link",
        "create",
        "--base-url",
        base_url,
        "--amount",
        "1000",
        "--currency",
        "JPY",
        "--merchant-txn-ref",
        "ORDER-1001",
        "--success-url",
        "https://shop.example/paid",
    ];
    run(&args, &[("PAYMENTOPTIONS_API_KEY", key)]).await
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn get_json(url: &str) -> Value {
    let response = http().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {url}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn link_create_works_against_the_sandbox() {
    let sandbox = Sandbox::start(&[]).await;
    let base = sandbox.base_url.clone();

    let created = create_link(&base, "any-key").await;
    assert_eq!(created.code, 0, "stderr: {}", created.stderr);
    let url = created.stdout.trim_end();
    assert!(
        url.starts_with(&format!("{base}/HostedPaymentPage/")),
        "{url:?} should be a hosted page of {base}"
    );

    let links = get_json(&format!("{base}/__mock/links")).await;
    let links = links.as_array().expect("an array of links");
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0]["url"], url);
    // The id printed on stderr is the one the control API knows the link by.
    assert_eq!(
        created.stderr,
        format!("link id: {}\n", links[0]["id"].as_str().unwrap())
    );
    assert_eq!(links[0]["state"], "open");
    assert_eq!(links[0]["request"]["amount"], 1000);
    assert_eq!(links[0]["request"]["merchant_txn_ref"], "ORDER-1001");

    // The hosted page the customer would open is served.
    let page = http().get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("ORDER-1001"));

    #[cfg(unix)]
    {
        let (code, stderr) = sandbox.interrupt().await;
        assert_eq!(code, 0, "Ctrl-C is a normal stop: {stderr}");
        for needle in [
            LINK_PATH,
            "4242 4242 4242 4242",
            "4000 0000 0000 0002",
            "/__mock/",
            &format!("export PAYMENTOPTIONS_BASE_URL={base}"),
            "stopping",
        ] {
            assert!(stderr.contains(needle), "stderr lacks {needle:?}: {stderr}");
        }
        assert!(!stderr.contains("warning"), "{stderr}");
    }
    #[cfg(not(unix))]
    drop(sandbox);
}

#[tokio::test]
async fn api_key_flag_refuses_other_keys_with_exit_5() {
    let sandbox = Sandbox::start(&["--api-key", "secret-1", "--api-key", "secret-2"]).await;
    let base = &sandbox.base_url;

    let refused = create_link(base, "another-key").await;
    assert_eq!(refused.code, 5, "stderr: {}", refused.stderr);
    assert_eq!(refused.stdout, "");
    assert!(
        refused.stderr.starts_with("error: ") && refused.stderr.contains("401"),
        "{}",
        refused.stderr
    );

    for key in ["secret-1", "secret-2"] {
        let accepted = create_link(base, key).await;
        assert_eq!(accepted.code, 0, "{key}: {}", accepted.stderr);
    }
    let links = get_json(&format!("{base}/__mock/links")).await;
    assert_eq!(links.as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn busy_port_exits_10_with_one_error_line() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let run = run(&["mock", "--port", &port], &[]).await;
    assert_eq!(run.code, 10, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "no URL is printed when nothing listens");
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.lines().count() == 1,
        "one `error: ` line expected, got {:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("127.0.0.1:{port}")) && run.stderr.contains("--port"),
        "{}",
        run.stderr
    );
    drop(busy);
}

#[tokio::test]
async fn bad_mock_flags_are_usage_errors() {
    for args in [
        &["mock", "--port", "65536"][..],
        &["mock", "--host", "example.com"],
        &["mock", "--api-key", " "],
        &["mock", "--max-links", "0"],
        &["mock", "--max-body-bytes", "none"],
        &["mock", "--delivery-attempts", "0"],
        &["mock", "--over-refund-status", "500"],
        &["mock", "--over-refund-status", "4l2"],
        &["mock", "--status-after-change", "sometimes"],
        &["mock", "--unseen-status-reads", "-1"],
    ] {
        let run = run(args, &[]).await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[tokio::test]
async fn json_prints_the_base_url_as_json() {
    let mut child = po_hpp(&["mock", "--port", "0", "--json"])
        .spawn()
        .expect("po-hpp starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line))
        .await
        .expect("the first line is printed within 30 s")
        .unwrap();
    let value: Value = serde_json::from_str(&line).expect("one line of JSON");
    let base_url = value["base_url"].as_str().expect("a base_url string");
    assert!(base_url.starts_with("http://127.0.0.1:"), "{line}");
    // It is the sandbox's address: the control API answers there.
    let links = get_json(&format!("{base_url}/__mock/links")).await;
    assert_eq!(links, serde_json::json!([]));
}

/// `POST` `body` to `url` (JSON), with the API's keys when `key` is given.
async fn post_json(url: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = http().post(url).json(body);
    if let Some(key) = key {
        for (name, value) in paymentoptions_hpp_client::api::auth_header_values(key) {
            request = request.header(name, value);
        }
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn undocumented_behaviour_is_chosen_with_flags() {
    use paymentoptions_hpp_client::api;
    let sandbox = Sandbox::start(&[
        "--over-refund-status",
        "201",
        "--status-after-change",
        "latest-operation",
        "--unseen-status-reads",
        "1",
    ])
    .await;
    let base = sandbox.base_url.clone();
    let created = create_link(&base, "any-key").await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let link = created
        .stderr
        .trim_end()
        .trim_start_matches("link id: ")
        .to_string();
    let (status, completion) = post_json(
        &format!("{base}/__mock/links/{link}/complete"),
        None,
        &serde_json::json!({"outcome": "pay"}),
    )
    .await;
    assert_eq!(status, 200, "{completion}");
    let paid = completion["transaction"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let status_url =
        format!("{base}{}", api::GET_TRANSACTION_STATUS.path).replace("{transactionId}", &paid);
    let read = || async {
        let mut request = http().get(&status_url);
        for (name, value) in api::auth_header_values("any-key") {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    assert_eq!(read().await.0, 404, "--unseen-status-reads 1");

    let refund_url = format!("{base}{}", api::REFUND_TRANSACTION.path);
    let refund = serde_json::json!({"transactionId": paid, "amount": 1000});
    assert_eq!(
        post_json(&refund_url, Some("any-key"), &refund).await.0,
        201
    );
    let (status, refused) = post_json(&refund_url, Some("any-key"), &refund).await;
    assert_eq!((status, &refused["success"]), (201, &Value::Bool(false)));
    assert_eq!(refused["gateway_response"]["code"], "ERR3019");

    let (status, envelope) = read().await;
    assert_eq!(status, 200);
    assert_eq!(
        envelope["transaction_type"], "REFUND",
        "--status-after-change"
    );
}

#[tokio::test]
async fn mock_help_names_the_undocumented_settings() {
    let help = run(&["mock", "--help"], &[]).await;
    assert_eq!(help.code, 0, "{}", help.stderr);
    for flag in [
        "--status-after-change",
        "--over-refund-status",
        "--unseen-status-reads",
        "--delivery-attempts",
        "not documented by PaymentOptions",
    ] {
        assert!(help.stdout.contains(flag), "{flag}: {}", help.stdout);
    }
}

#[tokio::test]
async fn the_command_list_says_what_mock_is_not_what_its_extra_flags_are() {
    // The flags for undocumented behaviour are added to `mock` with their own doc comment,
    // which once replaced `mock`'s description in `po-hpp --help`.
    let help = run(&["--help"], &[]).await;
    assert_eq!(help.code, 0, "{}", help.stderr);
    let line = help
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("mock "))
        .unwrap_or_else(|| panic!("no mock line: {}", help.stdout));
    assert!(line.contains("Run a local sandbox of the API"), "{line}");
    let own = run(&["mock", "--help"], &[]).await;
    assert!(
        own.stdout.starts_with("Run a local sandbox of the API"),
        "{}",
        own.stdout
    );
}

#[tokio::test]
async fn a_fresh_sandbox_knows_the_spec_examples_unless_told_not_to() {
    let spec: Value = serde_json::from_str(paymentoptions_hpp_client::api::OPENAPI_JSON).unwrap();
    let status = paymentoptions_hpp_client::api::GET_TRANSACTION_STATUS;
    let id = spec["paths"][status.path]["get"]["parameters"][0]["example"]
        .as_str()
        .unwrap()
        .to_string();
    for (flags, known) in [(&[][..], true), (&["--no-spec-examples"][..], false)] {
        let sandbox = Sandbox::start(flags).await;
        let url = format!("{}/__mock/transactions/{id}", sandbox.base_url);
        let answer = http().get(url).send().await.unwrap().status();
        assert_eq!(answer.is_success(), known, "{flags:?}: {answer}");
        drop(sandbox);
    }
}
