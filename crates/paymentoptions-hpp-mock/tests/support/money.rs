//! A sandbox driven over raw HTTP for the money tests: links paid through the control API,
//! and the transaction operations with valid keys.
// Each test file that includes it uses a part.
#![allow(dead_code)]

use std::time::Duration;

use paymentoptions_hpp_client::api;
use paymentoptions_hpp_mock::{DeliveryPolicy, MockConfig, MockServer};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::http;

pub const KEY: &str = "money-key";

/// Fast notification retries and one accepted key.
pub fn config() -> MockConfig {
    MockConfig::default().with_api_keys([KEY]).with_delivery(
        DeliveryPolicy::default()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(20))
            .with_timeout(Duration::from_secs(2)),
    )
}

/// An answer: its status, and its body as JSON (`Null` when it is not JSON).
pub type Answer = (u16, Value);

pub struct Sandbox {
    pub mock: MockServer,
    pub client: reqwest::Client,
}

impl Sandbox {
    pub async fn start(config: MockConfig) -> Self {
        Self {
            mock: MockServer::start_with(config).await.unwrap(),
            client: http(),
        }
    }

    /// The request for `operation` (with `param` in its path) with valid keys.
    pub fn request(
        &self,
        operation: api::Operation,
        param: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::RequestBuilder {
        let path = match param {
            Some(p) => operation.path.replace("{transactionId}", p),
            None => operation.path.to_string(),
        };
        let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.mock.base_url()));
        for (name, value) in api::auth_header_values(KEY) {
            request = request.header(name, value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        request
    }

    /// Calls `operation`; panics when no answer arrives.
    pub async fn call(
        &self,
        operation: api::Operation,
        param: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let response = self.request(operation, param, body).send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn status(&self, id: &str) -> Answer {
        self.call(api::GET_TRANSACTION_STATUS, Some(id), None).await
    }

    pub async fn refund(&self, id: &str, amount: i64) -> Answer {
        let body = refund_body(id, amount);
        self.call(api::REFUND_TRANSACTION, None, Some(&body)).await
    }

    pub async fn capture(&self, id: &str, amount: i64) -> Answer {
        let body = json!({"transactionId": id, "amount": amount});
        self.call(api::CAPTURE_TRANSACTION, None, Some(&body)).await
    }

    pub async fn void(&self, id: &str) -> Answer {
        let body = json!({"transactionId": id});
        self.call(api::VOID_TRANSACTION, None, Some(&body)).await
    }

    /// Creates a link for 1000 JPY (notifying `webhook`, when given) and returns its id.
    pub async fn link(&self, reference: &str, webhook: Option<&str>) -> Uuid {
        let (status, link) = self
            .call(
                api::GENERATE_HPP_LINK,
                None,
                Some(&link_body(reference, webhook)),
            )
            .await;
        assert_eq!(status, 200, "{link}");
        link["id"].as_str().unwrap().parse().unwrap()
    }

    /// Sends `body` to the control API's `path` (under `/__mock/`).
    pub async fn control(&self, path: &str, body: &Value) -> Answer {
        let response = self
            .client
            .post(format!("{}/__mock/{path}", self.mock.base_url()))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Injects `fault` through the control API.
    pub async fn fault(&self, fault: Value) {
        let (status, answer) = self.control("faults", &fault).await;
        assert_eq!(status, 201, "{answer}");
    }

    /// Pays `link` (captured at once, or authorised only) and returns the payment's id.
    pub async fn pay(&self, link: Uuid, capture: bool) -> String {
        let (status, completion) = self
            .control(
                &format!("links/{link}/complete"),
                &json!({"outcome": "pay", "capture": capture}),
            )
            .await;
        assert_eq!(status, 200, "{completion}");
        completion["transaction"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A link for `reference`, paid and captured: the capture's id.
    pub async fn paid(&self, reference: &str) -> String {
        let link = self.link(reference, None).await;
        self.pay(link, true).await
    }
}

pub fn refund_body(id: &str, amount: i64) -> Value {
    json!({"transactionId": id, "amount": amount})
}

pub fn link_body(reference: &str, webhook: Option<&str>) -> Value {
    let mut body = json!({
        "amount": 1000,
        "currency": "JPY",
        "merchant_txn_ref": reference,
        "payment_method": {"type": "scheme", "store_payment_method": true},
        "return_url": {"success_url": "https://shop.example/paid"},
    });
    if let Some(webhook) = webhook {
        body["return_url"]["webhook_url"] = json!(webhook);
    }
    body
}
