//! Issue 13, item 4: the sandbox answers the create operation only with statuses its spec
//! declares, with bodies the declared schemas accept. This test drives the operation down
//! every path the sandbox has (success, each refusal, the body limits and timeout, overload),
//! records every answer, and checks each against the spec's `responses` for the operation.
//!
//! Injected faults are left out on purpose: their status is whatever the test that injects
//! them asks for.

mod common;

use common::{PATH, http};

use std::collections::BTreeSet;
use std::time::Duration;

use paymentoptions_hpp_client::api;
use paymentoptions_hpp_mock::spec::RequestValidator;
use paymentoptions_hpp_mock::{Fault, MockConfig, MockServer};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One answer of the sandbox.
struct Answer {
    what: String,
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// The spec's declared responses for the create operation: status -> component schema name.
fn declared() -> Vec<(u16, String)> {
    let spec: Value = serde_json::from_str(api::OPENAPI_JSON).unwrap();
    let operation = &spec["paths"][api::GENERATE_HPP_LINK.path]
        [api::GENERATE_HPP_LINK.method.to_ascii_lowercase()];
    let schema_name = |response: &Value| {
        let response = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(r.trim_start_matches('#')).unwrap(),
            None => response,
        };
        let reference = response
            .pointer("/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .unwrap();
        reference.rsplit('/').next().unwrap().to_string()
    };
    operation["responses"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(status, response)| (status.parse().unwrap(), schema_name(response)))
        .collect()
}

async fn send(
    mock: &MockServer,
    what: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let mut request = http().post(format!("{}{PATH}", mock.base_url()));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    Answer {
        what: what.to_string(),
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string()),
        body: response.bytes().await.unwrap().to_vec(),
    }
}

/// What is sent: a description, the headers, the body.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Option<String>);

const AUTH: [(&str, &str); 3] = [
    ("authorization", "Basic conformance-key"),
    ("x-api-key", "conformance-key"),
    ("content-type", "application/json"),
];

#[tokio::test]
async fn every_answer_of_the_create_operation_is_declared_by_the_spec() {
    let mock = MockServer::start_with(
        MockConfig::default()
            .with_api_keys(["conformance-key"])
            .with_max_body_bytes(4096)
            .with_body_read_timeout(Duration::from_millis(300))
            .with_max_concurrent_requests(1),
    )
    .await
    .unwrap();
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../../fixtures/hpp-link-request.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
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
            vec![
                ("authorization", "Basic nope-nope-nope"),
                ("x-api-key", "nope-nope-nope"),
                AUTH[2],
            ],
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
        "POST {PATH} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Basic conformance-key\r\n\
         x-api-key: conformance-key\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{"
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
            for (k, v) in AUTH {
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

    let declared = declared();
    let mut seen = BTreeSet::new();
    for answer in &answers {
        let what = &answer.what;
        let Some((_, schema)) = declared.iter().find(|(s, _)| *s == answer.status) else {
            panic!(
                "{what}: status {} is not declared for the operation ({:?})",
                answer.status,
                declared.iter().map(|(s, _)| s).collect::<Vec<_>>()
            );
        };
        assert_eq!(
            answer.content_type.as_deref(),
            Some("application/json"),
            "{what}"
        );
        let body: Value = serde_json::from_slice(&answer.body)
            .unwrap_or_else(|e| panic!("{what}: the body is not JSON ({e})"));
        let problems = RequestValidator::for_component(schema).errors(&body);
        assert!(
            problems.is_empty(),
            "{what}: the {} body breaks {schema}: {problems:?}\n{body}",
            answer.status
        );
        seen.insert(answer.status);
    }
    // Every path the sandbox has was driven.
    assert_eq!(
        seen,
        BTreeSet::from([200, 400, 401, 408, 413, 415, 503]),
        "statuses seen"
    );
}
