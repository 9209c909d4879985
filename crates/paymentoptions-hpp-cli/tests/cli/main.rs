//! `po-hpp` as a user runs it: the real binary, over real HTTP to a test server on 127.0.0.1.
//!
//! Every run asserts that the API key never appears in stdout or stderr.

use std::process::Stdio;
use std::time::Duration;

#[path = "../common/mod.rs"]
mod common;

use common::Run;
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{
    Recorded, Reply, TestServer, fixture, fixture_bytes, fixture_path, operation_path, refused_port,
};
use serde_json::{Value, json};

mod failures;
mod help;
mod invalid_input;
mod link_create;
mod notification;
mod transactions;

/// A canary: any output containing it leaked the key.
const KEY: &str = "canary-KEY-5f3a9";
const LINK_PATH: &str = api::GENERATE_HPP_LINK.path;

/// Runs `po-hpp args` with only the `PAYMENTOPTIONS_*` and proxy variables in `env`, and `stdin`;
/// asserts that the key is not in the output.
async fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let run = common::run(args, env, stdin).await;
    run.assert_shows_none([KEY]);
    run
}

/// Runs `po-hpp args` against `server` with the canary key.
async fn run_against(server: &TestServer, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let url = server.base_url();
    let env = [
        ("PAYMENTOPTIONS_API_KEY", KEY),
        ("PAYMENTOPTIONS_BASE_URL", url.as_str()),
    ];
    run(args, &env, stdin).await
}

/// A server that answers the next request with the page's example response.
async fn server_with_example_reply() -> TestServer {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, fixture("hpp-link-response.json")));
    server
}

fn only_request(server: &TestServer) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request expected");
    requests.into_iter().next().unwrap()
}

/// What `link create` prints on stderr for the example response: the link id, for people.
fn example_id_line() -> String {
    let id = fixture("hpp-link-response.json")["id"]
        .as_str()
        .unwrap()
        .to_string();
    format!("link id: {id}\n")
}

fn example_url() -> String {
    fixture("hpp-link-response.json")["url"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every field of the page's example request, as flags.
const EXAMPLE_FLAGS: &[&str] = &[
    "--amount",
    "1000",
    "--currency",
    "JPY",
    "--merchant-id",
    "MERCHANT-0001",
    "--merchant-email",
    "merchant@testemail.com",
    "--merchant-txn-ref",
    "2003089893366DTEST",
    "--webhook-url",
    "https://merchant.example.com/webhooks/paymentoptions",
    "--success-url",
    "http://www.successurl.com/",
    "--decline-url",
    "http://www.declineurl.com/",
    "--cancel-url",
    "http://cancelurl.com/",
    "--payment-method-type",
    "scheme",
    "--store-payment-method",
    "--billing-country",
    "JP",
    "--billing-email",
    "billing@testemail.com",
    "--billing-phone-number",
    "8112345678",
    "--billing-address1",
    "1-2-3 Shinjuku",
    "--billing-city",
    "Shinjuku-ku",
    "--billing-state",
    "Tokyo",
    "--billing-postal-code",
    "1600022",
    "--shipping-country",
    "JP",
    "--shipping-email",
    "shipping@testemail.com",
    "--shipping-phone-number",
    "8112345678",
    "--shipping-address1",
    "1-2-3 Shinjuku",
    "--shipping-city",
    "Shinjuku-ku",
    "--shipping-state",
    "Tokyo",
    "--shipping-postal-code",
    "1600022",
];

/// The example request with `change` applied, as body bytes.
fn example_body_with(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut body = fixture("hpp-link-request.json");
    change(&mut body);
    serde_json::to_vec(&body).unwrap()
}

fn assert_example_request_arrived(server: &TestServer) {
    let request = only_request(server);
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, LINK_PATH);
    request.assert_auth(KEY);
    assert_eq!(request.json(), fixture("hpp-link-request.json"));
}

const TXN: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";

fn approved_envelope() -> Value {
    let mut body = fixture("transaction-notification-envelope.json");
    body["transaction_details"]["id"] = json!(TXN);
    body
}

fn declined_envelope() -> Value {
    json!({
        "success": false, "transaction_type": "CAPTURE",
        "gateway_response": {"code": "ERR0005"},
        "merchant_details": {"merchant_txn_ref": "ORDER-1"},
        "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 5,
            "card": {"number": "4111222233334444"}},
        "transaction_details": {"id": TXN}
    })
}
