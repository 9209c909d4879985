//! Issue 13, item 4 (and issue 11 for the transaction operations): the sandbox answers each
//! API operation only with statuses its spec declares, with bodies the declared schemas
//! accept. These tests drive every operation down every path the sandbox has (success, each
//! refusal, the body limits and timeout, overload), record every answer, and check each
//! against the spec's `responses` for the operation.
//!
//! Injected faults are left out on purpose: their status is whatever the test that injects
//! them asks for.

mod common;
#[path = "support/spec_check.rs"]
mod spec_check;

use common::{AUTH, KEY, PATH, auth_head_lines, borrowed, http};
use spec_check::Answer;

use std::collections::BTreeSet;
use std::time::Duration;

use paymentoptions_hpp_client::api;
use paymentoptions_hpp_mock::{Fault, MockConfig, MockServer};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn send(
    mock: &MockServer,
    what: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let url = format!("{}{PATH}", mock.base_url());
    let operation = api::GENERATE_HPP_LINK;
    Answer::exchange(&http(), url, operation, what.to_string(), headers, body).await
}

/// A sandbox that takes only [`KEY`], with limits small enough for a test to reach each.
async fn strict_sandbox() -> MockServer {
    let config = MockConfig::default()
        .with_api_keys([KEY])
        .with_max_body_bytes(4096)
        .with_body_read_timeout(Duration::from_millis(300))
        .with_max_concurrent_requests(1);
    MockServer::start_with(config).await.unwrap()
}

/// What is sent: a description, the headers, the body.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Option<String>);

#[tokio::test]
async fn every_answer_of_the_create_operation_is_declared_by_the_spec() {
    let wrong = api::auth_header_values("nope-nope-nope");
    let mock = strict_sandbox().await;
    let example = paymentoptions_hpp_testkit::fixture("hpp-link-request.json");
    let only = |pairs: &[(&'static str, &'static str)]| pairs.to_vec();
    let no_content_type = only(&AUTH[..2]);
    let own_origin = mock.base_url().to_string();
    let with = |extra: (&'static str, &'static str)| {
        let mut headers = AUTH.to_vec();
        headers.push(extra);
        headers
    };
    let mut answers = Vec::new();
    let cases: Vec<Case> = vec![
        ("the page example", AUTH.to_vec(), Some(example.to_string())),
        ("an empty object", AUTH.to_vec(), Some("{}".into())),
        ("no body, no content type", no_content_type.clone(), None),
        ("no content type", no_content_type, Some("{}".into())),
        (
            "text/plain",
            vec![AUTH[0], AUTH[1], ("content-type", "text/plain")],
            Some("{}".into()),
        ),
        ("no body", AUTH.to_vec(), None),
        ("malformed JSON", AUTH.to_vec(), Some("{".into())),
        ("a JSON array", AUTH.to_vec(), Some("[1]".into())),
        (
            "a broken rule",
            AUTH.to_vec(),
            Some(json!({"currency": "yen"}).to_string()),
        ),
        (
            "a float amount",
            AUTH.to_vec(),
            Some(r#"{"amount": 5.0}"#.into()),
        ),
        (
            "a javascript: return URL",
            AUTH.to_vec(),
            Some(json!({"return_url": {"success_url": "javascript:alert(1)"}}).to_string()),
        ),
        ("no key", vec![AUTH[2]], Some("{}".into())),
        (
            "a wrong key",
            [borrowed(&wrong), vec![AUTH[2]]].concat(),
            Some("{}".into()),
        ),
        (
            "a body over the limit",
            AUTH.to_vec(),
            Some(format!("{{\"pad\": \"{}\"}}", "x".repeat(5000))),
        ),
        (
            "a rebound Host",
            with(("host", "rebound.example")),
            Some("{}".into()),
        ),
        (
            "a foreign Origin",
            with(("origin", "http://evil.example")),
            Some("{}".into()),
        ),
        (
            "the sandbox's own Origin",
            vec![AUTH[0], AUTH[1], AUTH[2], ("origin", own_origin.as_str())],
            Some("{}".into()),
        ),
    ];
    for (what, headers, body) in cases {
        answers.push(send(&mock, what, &headers, body).await);
    }

    // A body that does not arrive in time.
    let addr = mock.addr();
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nhost: {addr}\r\n{}content-length: 100\r\n\r\n{{",
        auth_head_lines()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    answers.push(Answer {
        what: "a body that stalls".into(),
        operation: api::GENERATE_HPP_LINK,
        status: head[9..12].parse().unwrap(),
        content_type: head
            .lines()
            .find_map(|l| l.strip_prefix("content-type: "))
            .map(str::to_string),
        body: body.as_bytes().to_vec(),
    });

    // Overloaded: the only slot is held by a create that a delay fault keeps inside.
    mock.inject_fault(Fault {
        count: 1,
        delay_ms: 800,
        ..Fault::default()
    });
    let held = {
        let base = mock.base_url().to_string();
        tokio::spawn(async move {
            let mut r = http().post(format!("{base}{PATH}")).body("{}");
            for &(k, v) in AUTH.iter() {
                r = r.header(k, v);
            }
            r.send().await.unwrap().status().as_u16()
        })
    };
    while mock.in_flight_requests() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    answers.push(send(&mock, "overloaded", &AUTH, Some("{}".into())).await);
    assert_eq!(held.await.unwrap(), 200);

    let mut seen = BTreeSet::new();
    for answer in &answers {
        spec_check::check(answer);
        seen.insert(answer.status);
    }
    // Every path the sandbox has was driven.
    assert_eq!(
        seen,
        BTreeSet::from([200, 400, 401, 408, 413, 415, 503]),
        "statuses seen"
    );
}

/// Sends `body` to `operation` (`param` filling its path), recording the answer.
async fn call(
    base: &str,
    what: &str,
    operation: api::Operation,
    param: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let path = operation.path.replace("{transactionId}", param);
    let what = format!("{}: {what}", operation.id);
    Answer::exchange(
        &http(),
        format!("{base}{path}"),
        operation,
        what,
        headers,
        body,
    )
    .await
}

/// A request whose body never arrives whole: the sandbox's answer, read from the socket.
async fn stalled(mock: &MockServer, operation: api::Operation, param: &str) -> Answer {
    let addr = mock.addr();
    let path = operation.path.replace("{transactionId}", param);
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{} {path} HTTP/1.1\r\nhost: {addr}\r\n{}content-length: 100\r\n\r\n{{",
        operation.method,
        auth_head_lines()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    Answer {
        what: format!("{}: a body that stalls", operation.id),
        operation,
        status: head[9..12].parse().unwrap(),
        content_type: head
            .lines()
            .find_map(|l| l.strip_prefix("content-type: "))
            .map(str::to_string),
        body: body.as_bytes().to_vec(),
    }
}

#[tokio::test]
async fn every_answer_of_the_transaction_operations_is_declared_by_the_spec() {
    let wrong = api::auth_header_values("nope-nope-nope");
    let mock = strict_sandbox().await;
    let base = mock.base_url().to_string();
    // A pre-auth and a stored card, and a capture of a second pre-auth to refund.
    let link = |body: Value| {
        let base = base.clone();
        async move {
            let answer = call(
                &base,
                "setup",
                api::GENERATE_HPP_LINK,
                "",
                &AUTH,
                Some(body.to_string()),
            )
            .await;
            let link: Value = serde_json::from_slice(&answer.body).unwrap();
            link["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap()
        }
    };
    let stored = json!({"amount": 1000, "currency": "JPY", "payment_method": {"store_payment_method": true}});
    let pre_auth = mock
        .authorise(link(stored.clone()).await)
        .unwrap()
        .transaction;
    let token = pre_auth.stored_payment_method_id.clone().unwrap();
    let to_capture = mock.authorise(link(stored).await).unwrap().transaction.id;
    let pre_auth = pre_auth.id;
    let unknown = uuid::Uuid::new_v4().to_string();
    let payment = |token: &str| {
        json!({"amount": "500", "currency": "JPY", "payment_method": {"stored_payment_method_id": token}})
            .to_string()
    };
    let no_key = vec![AUTH[2]];
    let wrong_key = [borrowed(&wrong), vec![AUTH[2]]].concat();
    let own_origin = mock.base_url().to_string();
    let with = |extra: (&'static str, &'static str)| {
        let mut headers = AUTH.to_vec();
        headers.push(extra);
        headers
    };
    let text_plain = vec![AUTH[0], AUTH[1], ("content-type", "text/plain")];
    let big = Some(format!("{{\"pad\": \"{}\"}}", "x".repeat(5000)));

    let mut answers = Vec::new();
    let status = api::GET_TRANSACTION_STATUS;
    for (what, param, headers, body) in [
        ("a pre-auth", pre_auth.as_str(), AUTH.to_vec(), None),
        ("an unknown id", unknown.as_str(), AUTH.to_vec(), None),
        ("a short id", "short", AUTH.to_vec(), None),
        ("no key", pre_auth.as_str(), no_key.clone(), None),
        ("a wrong key", pre_auth.as_str(), wrong_key.clone(), None),
        (
            "a rebound Host",
            pre_auth.as_str(),
            with(("host", "rebound.example")),
            None,
        ),
        (
            "a foreign Origin",
            pre_auth.as_str(),
            with(("origin", "http://evil.example")),
            None,
        ),
        (
            "the own Origin",
            pre_auth.as_str(),
            vec![AUTH[0], AUTH[1], AUTH[2], ("origin", own_origin.as_str())],
            None,
        ),
        (
            "a body over the limit",
            pre_auth.as_str(),
            AUTH.to_vec(),
            big.clone(),
        ),
    ] {
        answers.push(call(&base, what, status, param, &headers, body).await);
    }
    answers.push(stalled(&mock, status, &pre_auth).await);

    let amount_body =
        |id: &str, amount: i64| json!({"transactionId": id, "amount": amount}).to_string();
    let void = |id: &str| json!({"transactionId": id}).to_string();
    let posts: Vec<(api::Operation, String, String, String, String)> = vec![
        // operation, a good body, an unknown id or token, a refused state, a broken rule
        (
            api::CAPTURE_TRANSACTION,
            amount_body(&to_capture, 600),
            amount_body(&unknown, 1),
            amount_body(&pre_auth, 5000),
            amount_body(&pre_auth, 0),
        ),
        (
            api::REFUND_TRANSACTION,
            // The capture made just before (looked up below).
            String::new(),
            amount_body(&unknown, 1),
            amount_body(&pre_auth, 1),
            amount_body("short", 1),
        ),
        (
            api::VOID_TRANSACTION,
            void(&pre_auth),
            void(&unknown),
            void(&pre_auth),
            void("short"),
        ),
        (
            api::PAY_WITH_STORED_CARD,
            payment(&token),
            payment(&unknown),
            String::new(),
            json!({"amount": "5.0", "currency": "JPY", "payment_method": {"stored_payment_method_id": token}}).to_string(),
        ),
    ];
    for (operation, good, unknown_body, refused, broken) in posts {
        let good = if operation == api::REFUND_TRANSACTION {
            let made = mock
                .transactions()
                .into_iter()
                .find(|t| t.original_id.as_deref() == Some(to_capture.as_str()))
                .expect("the capture");
            // The over-refund too: 600 captured.
            answers.push(
                call(
                    &base,
                    "an over-refund",
                    operation,
                    "",
                    &AUTH,
                    Some(amount_body(&made.id, 601)),
                )
                .await,
            );
            amount_body(&made.id, 600)
        } else {
            good
        };
        let mut cases = vec![
            ("a good body", AUTH.to_vec(), Some(good)),
            ("an unknown id or token", AUTH.to_vec(), Some(unknown_body)),
            ("a broken rule", AUTH.to_vec(), Some(broken)),
            ("malformed JSON", AUTH.to_vec(), Some("{".into())),
            ("no body", AUTH.to_vec(), None),
            ("no key", no_key.clone(), Some("{}".into())),
            ("a wrong key", wrong_key.clone(), Some("{}".into())),
            ("text/plain", text_plain.clone(), Some("{}".into())),
            ("a body over the limit", AUTH.to_vec(), big.clone()),
            (
                "a rebound Host",
                with(("host", "rebound.example")),
                Some("{}".into()),
            ),
            (
                "a foreign Origin",
                with(("origin", "http://evil.example")),
                Some("{}".into()),
            ),
        ];
        if !refused.is_empty() {
            cases.push(("a refused state", AUTH.to_vec(), Some(refused)));
        }
        for (what, headers, body) in cases {
            answers.push(call(&base, what, operation, "", &headers, body).await);
        }
        answers.push(stalled(&mock, operation, "").await);
    }

    // Overloaded: the only slot is held by a status call that a delay fault keeps inside.
    for operation in [
        api::GET_TRANSACTION_STATUS,
        api::CAPTURE_TRANSACTION,
        api::REFUND_TRANSACTION,
        api::VOID_TRANSACTION,
        api::PAY_WITH_STORED_CARD,
    ] {
        mock.inject_fault(Fault {
            count: 1,
            delay_ms: 600,
            operation: Some(api::GET_TRANSACTION_STATUS.id.into()),
            ..Fault::default()
        });
        let held = {
            let (base, id) = (base.clone(), pre_auth.clone());
            tokio::spawn(async move {
                call(&base, "held", api::GET_TRANSACTION_STATUS, &id, &AUTH, None)
                    .await
                    .status
            })
        };
        while mock.in_flight_requests() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        answers.push(
            call(
                &base,
                "overloaded",
                operation,
                &pre_auth,
                &AUTH,
                Some("{}".into()),
            )
            .await,
        );
        assert_eq!(held.await.unwrap(), 200);
    }

    let mut seen: std::collections::BTreeMap<&str, BTreeSet<u16>> = Default::default();
    for answer in &answers {
        spec_check::check(answer);
        seen.entry(answer.operation.id)
            .or_default()
            .insert(answer.status);
    }
    seen.remove(api::GENERATE_HPP_LINK.id);
    let posts = |extra: &[u16]| {
        let mut statuses = BTreeSet::from([201, 400, 401, 408, 413, 415, 503]);
        statuses.extend(extra);
        statuses
    };
    // Every path the sandbox has was driven, for every operation.
    assert_eq!(
        seen,
        std::collections::BTreeMap::from([
            (
                "get_transaction_status",
                BTreeSet::from([200, 400, 401, 404, 408, 413, 503])
            ),
            ("capture_transaction", posts(&[404, 412])),
            ("refund_transaction", posts(&[404, 412])),
            ("void_transaction", posts(&[404, 412])),
            ("pay_with_stored_card", posts(&[406])),
        ]),
        "statuses seen"
    );
}
