//! Shared by the sandbox's integration tests (each `tests/*.rs` file is its own crate): the
//! create endpoint and the auth headers from the spec, a raw HTTP client, and a create call.
#![allow(dead_code)] // not every test file uses every helper

use std::sync::LazyLock;

use paymentoptions_hpp_mock::MockServer;
use reqwest::StatusCode;
use serde_json::Value;

/// The sandbox's create endpoint, from the spec.
pub const PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;

/// The key the tests' requests carry (the default sandbox takes any key).
pub const KEY: &str = "test-key";

static AUTH_OWNED: LazyLock<Vec<(&'static str, String)>> =
    LazyLock::new(|| paymentoptions_hpp_testkit::json_api_headers(KEY));

/// The spec's auth headers carrying [`KEY`], then `content-type: application/json`.
pub static AUTH: LazyLock<Vec<(&'static str, &'static str)>> =
    LazyLock::new(|| borrowed(&AUTH_OWNED));

/// `(name, value)` pairs as the `&str` pairs [`send_create`] takes.
pub fn borrowed<'a>(headers: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// [`AUTH`] as lines of a raw HTTP/1.1 head (`name: value\r\n` each), for tests that write
/// the request themselves.
pub fn auth_head_lines() -> String {
    AUTH.iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect()
}

/// A plain reqwest client for talking to the sandbox as a raw HTTP peer: no proxy from the
/// environment (the sandbox is on loopback), and redirects returned rather than followed, so
/// tests see exactly what the sandbox answered.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// POSTs `body` to the create endpoint with exactly `headers`.
pub async fn send_create(
    base_url: &str,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = http().post(format!("{base_url}{PATH}")).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// [`send_create`]: the status and the JSON answer (`null` when the answer is not JSON).
pub async fn post(
    mock: &MockServer,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> (StatusCode, Value) {
    let response = send_create(mock.base_url(), headers, body).await;
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

/// Creates a link with [`AUTH`]: the answer, asserted to be 200.
pub async fn create(mock: &MockServer, body: &Value) -> Value {
    let (status, answer) = post(mock, &AUTH, body.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}
