//! Issue 11, the sandbox: every transaction operation and outcome over raw HTTP against the
//! in-process sandbox. Paying and declining notify the transaction envelope and create a
//! transaction the status call answers; a pre-auth is captured in part, refunded in parts and
//! refused an over-refund; a voided pre-auth cannot be captured; a stored card pays again;
//! unknown ids and tokens are refused; racing refunds never over-refund. Every answer the
//! sandbox gives in these tests is checked against the spec's declared response for its status
//! (`Sandbox::check_conformance`), and every notification against `TransactionNotification`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/spec_check.rs"]
mod spec_check;

use common::{borrowed, http};
use spec_check::Answer;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymentoptions_hpp_client::api;
use paymentoptions_hpp_mock::{
    DeliveryPolicy, DeliveryState, LinkState, LinkView, MockConfig, MockServer, TransactionView,
};
use paymentoptions_hpp_testkit::{Recorded, TestServer, json_api_headers};
use serde_json::{Value, json};
use uuid::Uuid;

mod captures_and_refunds;
mod listing;
mod payments;
mod refusals;

const KEY: &str = "lifecycle-key";

/// The sandbox, a webhook receiver, and every API answer received, for the conformance check.
struct Sandbox {
    mock: MockServer,
    hook: TestServer,
    answers: Arc<Mutex<Vec<Answer>>>,
}

fn fast(config: MockConfig) -> MockConfig {
    config.with_api_keys([KEY]).with_delivery(
        DeliveryPolicy::default()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(20))
            .with_timeout(Duration::from_secs(2)),
    )
}

/// Sends `body` (or nothing) to `operation` with `headers`, and records the answer.
async fn send(
    base: &str,
    answers: &Mutex<Vec<Answer>>,
    what: &str,
    operation: api::Operation,
    param: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (u16, Value) {
    let path = match param {
        Some(p) => operation.path.replace("{transactionId}", p),
        None => operation.path.to_string(),
    };
    let url = format!("{base}{path}");
    let answer = Answer::exchange(&http(), url, operation, what.to_string(), headers, body).await;
    let status = answer.status;
    let json = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
    answers.lock().unwrap().push(answer);
    (status, json)
}

fn auth() -> Vec<(&'static str, String)> {
    json_api_headers(KEY)
}

impl Sandbox {
    async fn start(config: MockConfig) -> Self {
        Self {
            mock: MockServer::start_with(fast(config)).await.unwrap(),
            hook: TestServer::start().await,
            answers: Arc::default(),
        }
    }

    /// Calls `operation` with valid keys.
    async fn call(
        &self,
        operation: api::Operation,
        param: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let headers = auth();
        let headers = borrowed(&headers);
        let what = format!("{} {param:?} {body:?}", operation.id);
        send(
            self.mock.base_url(),
            &self.answers,
            &what,
            operation,
            param,
            &headers,
            body.map(|b| b.to_string()),
        )
        .await
    }

    async fn status(&self, id: &str) -> (u16, Value) {
        self.call(api::GET_TRANSACTION_STATUS, Some(id), None).await
    }

    async fn capture(&self, id: &str, amount: i64) -> (u16, Value) {
        let body = json!({"transactionId": id, "amount": amount, "notes": "shipped"});
        self.call(api::CAPTURE_TRANSACTION, None, Some(body)).await
    }

    async fn refund(&self, id: &str, amount: i64) -> (u16, Value) {
        let body = json!({"transactionId": id, "amount": amount});
        self.call(api::REFUND_TRANSACTION, None, Some(body)).await
    }

    async fn void(&self, id: &str) -> (u16, Value) {
        let body = json!({"transactionId": id, "merchant_id": "MERCHANT-0001"});
        self.call(api::VOID_TRANSACTION, None, Some(body)).await
    }

    async fn pay_with(&self, token: &str, amount: &str, reference: &str) -> (u16, Value) {
        let body = json!({
            "amount": amount,
            "currency": "USD",
            "payment_method": {"type": "scheme", "stored_payment_method_id": token},
            "merchant_txn_ref": reference,
            "customer_ip": "192.0.2.7",
        });
        self.call(api::PAY_WITH_STORED_CARD, None, Some(body)).await
    }

    /// Creates a link for 1000 JPY notifying the receiver, and returns its id.
    async fn link(&self, reference: &str, store_card: bool) -> Uuid {
        let body = json!({
            "amount": 1000,
            "currency": "JPY",
            "merchant_id": "MERCHANT-0001",
            "merchant_txn_ref": reference,
            "payment_method": {"type": "scheme", "store_payment_method": store_card},
            "billing_address": {"country": "JP", "email": "taro@example.com"},
            "return_url": {
                "webhook_url": format!("{}/hook", self.hook.base_url()),
                "success_url": "https://shop.example/paid",
                "decline_url": "https://shop.example/declined",
                "cancel_url": "https://shop.example/cancelled",
            },
        });
        let (status, link) = self.call(api::GENERATE_HPP_LINK, None, Some(body)).await;
        assert_eq!(status, 200, "{link}");
        link["id"].as_str().unwrap().parse().unwrap()
    }

    /// Completes `link` through the control API with `body`.
    async fn complete(&self, link: Uuid, body: Value) -> Value {
        let response = http()
            .post(format!(
                "{}/__mock/links/{link}/complete",
                self.mock.base_url()
            ))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Pays `link` and returns its payment's transaction id.
    async fn pay(&self, link: Uuid, capture: bool) -> String {
        let completion = self
            .complete(link, json!({"outcome": "pay", "capture": capture}))
            .await;
        completion["transaction"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn view(&self, link: Uuid) -> LinkView {
        self.mock.link(link).unwrap()
    }

    /// The notifications received, once `n` deliveries have finished.
    async fn notifications(&self, n: usize) -> Vec<Recorded> {
        let deliveries = self
            .mock
            .wait_for_deliveries(n, Duration::from_secs(10))
            .await;
        assert!(
            deliveries
                .iter()
                .all(|d| d.state == DeliveryState::Delivered),
            "{deliveries:?}"
        );
        let received = self.hook.requests();
        assert_eq!(received.len(), n);
        for r in &received {
            spec_check::check_body("notification", "TransactionNotification", &r.json());
        }
        received
    }

    /// Every answer received so far is declared by the spec, with a body its schema accepts.
    fn check_conformance(&self) -> BTreeSet<(&'static str, u16)> {
        let answers = self.answers.lock().unwrap();
        for answer in answers.iter() {
            spec_check::check(answer);
        }
        answers.iter().map(|a| (a.operation.id, a.status)).collect()
    }
}

/// `n` after `id` is a 36-character transaction id.
fn id_of(envelope: &Value) -> String {
    let id = envelope["transaction_details"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 36, "{envelope}");
    id
}

fn assert_transaction_details(envelope: &Value) {
    let details = &envelope["transaction_details"];
    assert!(Uuid::parse_str(details["id"].as_str().unwrap()).is_ok());
    assert!(details["ref"].is_i64(), "{envelope}");
    let timestamp = details["timestamp"].as_str().unwrap();
    assert!(
        timestamp.len() == 24 && timestamp.ends_with(".000Z") && timestamp.as_bytes()[10] == b'T',
        "{timestamp}"
    );
}
