//! Issue 11, the sandbox: every transaction operation and outcome over raw HTTP against the
//! in-process sandbox. Paying and declining notify the transaction envelope and create a
//! transaction the status call answers; a pre-auth is captured in part, refunded in parts and
//! refused an over-refund; a voided pre-auth cannot be captured; a stored card pays again;
//! unknown ids and tokens are refused; racing refunds never over-refund. Every answer the
//! sandbox gives in these tests is checked against the spec's declared response for its status
//! (`Sandbox::check_conformance`), and every notification against `TransactionNotification`.

mod common;
#[path = "support/spec_check.rs"]
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

#[tokio::test]
async fn pay_and_decline_notify_the_envelope_and_the_status_call_answers_it() {
    // Without the spec's examples: every transaction held is one this test made.
    let sandbox = Sandbox::start(MockConfig::default().with_spec_examples(false)).await;
    let paid = sandbox.link("ORDER-PAID", true).await;
    let declined = sandbox.link("ORDER-DECLINED", true).await;
    let cancelled = sandbox.link("ORDER-CANCELLED", true).await;
    sandbox.complete(paid, json!({"outcome": "pay"})).await;
    sandbox
        .complete(declined, json!({"outcome": "decline"}))
        .await;
    let cancel = sandbox
        .complete(cancelled, json!({"outcome": "cancel"}))
        .await;
    let received = sandbox.notifications(3).await;
    let by_outcome = |outcome: &str| {
        received
            .iter()
            .find(|r| r.header("x-mock-outcome") == Some(outcome))
            .unwrap_or_else(|| panic!("a {outcome} notification"))
            .json()
    };

    // Paid: an approved CAPTURE, the card masked, a stored card issued.
    let body = by_outcome("paid");
    assert_eq!(body["success"], true, "{body}");
    assert_eq!(body["status_code"], 200);
    assert_eq!(body["is_live"], false);
    assert_eq!(body["transaction_type"], "CAPTURE");
    assert_eq!(body["gateway_response"]["code"], "INFO0000");
    assert_eq!(body["gateway_response"]["type"], "INFO");
    let payment = &body["payment_details"];
    assert_eq!(
        (
            &payment["amount"],
            &payment["currency"],
            &payment["response_code"]
        ),
        (&json!(1000), &json!("JPY"), &json!(0))
    );
    assert_eq!(payment["card"]["number"], "424242******4242");
    assert!(!body.to_string().contains("4242424242424242"));
    assert_eq!(body["merchant_details"]["merchant_txn_ref"], "ORDER-PAID");
    assert_eq!(body["merchant_details"]["mid"], "MERCHANT-0001");
    assert_eq!(
        body["transaction_details"]["merchant_txn_ref"],
        "ORDER-PAID"
    );
    assert_eq!(
        body["transaction_details"]["billing_details"]["billing_address"]["email"],
        "taro@example.com"
    );
    assert_transaction_details(&body);
    let token = body["transaction_details"]["stored_payment_method_id"]
        .as_str()
        .unwrap();
    assert!(Uuid::parse_str(token).is_ok(), "{token}");
    let id = id_of(&body);
    assert_eq!(
        sandbox
            .view(paid)
            .transaction
            .unwrap()
            .transaction_type
            .as_deref(),
        Some("CAPTURE")
    );
    // The status call answers the transaction as stored: the notification's very body.
    assert_eq!(sandbox.status(&id).await, (200, body.clone()));

    // Declined: the sandbox's assumed shape, no card stored.
    let body = by_outcome("declined");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["transaction_type"], "CAPTURE");
    assert_eq!(body["payment_details"]["response_code"], 5);
    assert_eq!(body["gateway_response"]["code"], "ERR0005");
    assert_eq!(body["gateway_response"]["type"], "ERROR");
    assert_eq!(
        body["payment_details"]["card"]["number"],
        "400000******0002"
    );
    assert!(body["payment_details"].get("auth_code").is_none());
    assert!(
        body["transaction_details"]
            .get("stored_payment_method_id")
            .is_none()
    );
    assert_transaction_details(&body);
    let declined_id = id_of(&body);
    assert_eq!(sandbox.status(&declined_id).await, (200, body.clone()));

    // Cancelled: a notification without outcome signals, and no transaction.
    let body = by_outcome("cancelled");
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["transaction_details"],
        "{body}"
    );
    let cancel_id = cancel["transaction"]["id"].as_str().unwrap();
    assert_eq!(body["transaction_details"]["id"], cancel_id);
    assert_eq!(cancel["transaction"]["transaction_type"], Value::Null);
    let (status, error) = sandbox.status(cancel_id).await;
    assert_eq!(status, 404, "{error}");
    assert_eq!(error["code"], "not_found");

    // Each link view shows its transactions; the cancelled one has none.
    let view = sandbox.view(paid);
    assert_eq!(view.state, LinkState::Paid);
    assert_eq!(view.transactions.len(), 1);
    assert_eq!(view.transactions[0].id, id);
    assert!(view.transactions[0].approved);
    assert!(!sandbox.view(declined).transactions[0].approved);
    assert!(sandbox.view(cancelled).transactions.is_empty());
    assert_eq!(sandbox.mock.transactions().len(), 2);

    // A declined payment cannot be refunded, captured or voided.
    for (status, body) in [
        sandbox.refund(&declined_id, 1).await,
        sandbox.capture(&declined_id, 1).await,
        sandbox.void(&declined_id).await,
    ] {
        assert_eq!(status, 412, "{body}");
    }
    sandbox.check_conformance();
}

#[tokio::test]
async fn pre_auth_partial_capture_then_refunds_down_to_zero() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let link = sandbox.link("ORDER-PREAUTH", false).await;
    let pre_auth = sandbox.pay(link, false).await;
    let (status, body) = sandbox.status(&pre_auth).await;
    assert_eq!(status, 200);
    assert_eq!(body["transaction_type"], "PRE_AUTH");
    assert_eq!(body["success"], true);
    assert_eq!(body["payment_details"]["amount"], 1000);
    // The notification says PRE_AUTH too.
    let notified = sandbox.notifications(1).await[0].json();
    assert_eq!(notified, body);

    // A pre-auth is not refundable: its capture is.
    let (status, refused) = sandbox.refund(&pre_auth, 100).await;
    assert_eq!((status, &refused["code"]), (412, &json!("not_refundable")));
    // Not more than authorised.
    let (status, refused) = sandbox.capture(&pre_auth, 1001).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("amount_exceeds_authorisation")),
        "{refused}"
    );

    // A partial capture: a new transaction, linked to the pre-auth; the rest is released.
    let (status, capture) = sandbox.capture(&pre_auth, 600).await;
    assert_eq!(status, 201, "{capture}");
    assert_eq!(capture["status_code"], 201);
    assert_eq!(capture["success"], true);
    assert_eq!(capture["transaction_type"], "CAPTURE");
    assert_eq!(capture["gateway_response"]["code"], "INFO0001");
    assert_eq!(capture["payment_details"]["amount"], 600);
    assert_eq!(capture["payment_details"]["currency"], "JPY");
    assert_eq!(
        capture["transaction_details"]["merchant_txn_ref"],
        "ORDER-PREAUTH"
    );
    assert_transaction_details(&capture);
    let capture_id = id_of(&capture);
    assert_ne!(capture_id, pre_auth);

    // Once only; then neither a void.
    let (status, refused) = sandbox.capture(&pre_auth, 400).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("already_captured"))
    );
    let (status, refused) = sandbox.void(&pre_auth).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("already_captured"))
    );
    // A capture is not a pre-auth.
    let (status, refused) = sandbox.capture(&capture_id, 1).await;
    assert_eq!((status, &refused["code"]), (412, &json!("not_a_pre_auth")));

    // Refund in part, then the rest.
    let (status, first) = sandbox.refund(&capture_id, 200).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["transaction_type"], "REFUND");
    assert_eq!(first["gateway_response"]["code"], "INFO0002");
    assert_eq!(first["payment_details"]["amount"], 200);
    let (status, rest) = sandbox.refund(&capture_id, 400).await;
    assert_eq!(status, 201, "{rest}");
    assert_ne!(id_of(&first), id_of(&rest));

    // Nothing is left: the documented over-refund answer.
    let (status, over) = sandbox.refund(&capture_id, 1).await;
    assert_eq!(status, 412, "{over}");
    assert_eq!(over["success"], false);
    assert_eq!(over["transaction_type"], "REFUND");
    assert_eq!(over["gateway_response"]["code"], "ERR3019");
    assert_eq!(over["payment_details"]["response_code"], -8019);
    assert_eq!(over["code"], "ERR3019");
    assert!(
        over["message"].as_str().unwrap().contains("0 left"),
        "{over}"
    );

    // The status of each: as created, with status_code 200.
    for created in [&capture, &first, &rest] {
        let (status, mut read) = sandbox.status(&id_of(created)).await;
        assert_eq!(status, 200);
        assert_eq!(read["status_code"], 200);
        read["status_code"] = json!(201);
        assert_eq!(&read, created);
    }

    // The link shows them all, each with its original and balances.
    let view = sandbox.view(link);
    let kinds: Vec<(&str, Option<&str>)> = view
        .transactions
        .iter()
        .map(|t| (t.transaction_type.as_str(), t.original_id.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("PRE_AUTH", None),
            ("CAPTURE", Some(pre_auth.as_str())),
            ("REFUND", Some(capture_id.as_str())),
            ("REFUND", Some(capture_id.as_str())),
        ]
    );
    assert_eq!(view.transactions[0].captured, 600);
    assert_eq!(view.transactions[1].refunded, 600);
    assert_eq!(sandbox.mock.transaction(&capture_id).unwrap().refunded, 600);
    let seen = sandbox.check_conformance();
    assert!(seen.contains(&("refund_transaction", 412)));
}

#[tokio::test]
async fn a_voided_pre_auth_cannot_be_captured() {
    // Authorise-only as the configuration, through the page's own path (`MockServer::complete`).
    let sandbox = Sandbox::start(MockConfig::default().with_authorise_only(true)).await;
    let link = sandbox.link("ORDER-VOID", false).await;
    let completion = sandbox
        .mock
        .complete(link, paymentoptions_hpp_mock::CustomerAction::Pay)
        .unwrap();
    assert_eq!(
        completion.transaction.transaction_type.as_deref(),
        Some("PRE_AUTH")
    );
    let pre_auth = completion.transaction.id;

    let (status, void) = sandbox.void(&pre_auth).await;
    assert_eq!(status, 201, "{void}");
    assert_eq!(void["transaction_type"], "VOID");
    assert_eq!(void["gateway_response"]["code"], "INFO0003");
    assert_eq!(void["success"], true);
    assert!(void.get("payment_details").is_none(), "{void}");
    assert_transaction_details(&void);
    let void_id = id_of(&void);
    assert_eq!(sandbox.status(&void_id).await.1["transaction_type"], "VOID");

    let (status, refused) = sandbox.capture(&pre_auth, 1000).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("voided")),
        "{refused}"
    );
    let (status, refused) = sandbox.void(&pre_auth).await;
    assert_eq!((status, &refused["code"]), (412, &json!("voided")));
    // A void is neither capturable nor refundable.
    assert_eq!(sandbox.capture(&void_id, 1).await.0, 412);
    assert_eq!(sandbox.refund(&void_id, 1).await.0, 412);

    let held = sandbox.mock.transaction(&pre_auth).unwrap();
    assert!(held.voided && held.captured == 0);
    // `capture: true` in the control API overrides the configuration.
    let other = sandbox.link("ORDER-CAPTURED", false).await;
    let id = sandbox.pay(other, true).await;
    assert_eq!(
        sandbox.mock.transaction(&id).unwrap().transaction_type,
        "CAPTURE"
    );
    // And `MockServer::authorise` pre-authorises whatever the configuration says.
    let plain = Sandbox::start(MockConfig::default()).await;
    let link = plain.link("ORDER-AUTH", false).await;
    let completion = plain.mock.authorise(link).unwrap();
    assert_eq!(
        completion.transaction.transaction_type.as_deref(),
        Some("PRE_AUTH")
    );
    sandbox.check_conformance();
    plain.check_conformance();
}

#[tokio::test]
async fn a_stored_card_pays_again_and_unknown_tokens_are_refused() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let link = sandbox.link("ORDER-STORE", true).await;
    let first = sandbox.pay(link, true).await;
    let token = sandbox
        .mock
        .transaction(&first)
        .unwrap()
        .stored_payment_method_id
        .expect("a stored card");

    let (status, paid) = sandbox.pay_with(&token, "2500", "ORDER-AGAIN").await;
    assert_eq!(status, 201, "{paid}");
    assert_eq!(paid["success"], true);
    assert_eq!(paid["status_code"], 201);
    assert_eq!(paid["transaction_type"], "CAPTURE");
    assert_eq!(paid["gateway_response"]["code"], "INFO0000");
    // The amount arrives as a string of digits and is answered as the integer.
    assert_eq!(paid["payment_details"]["amount"], 2500);
    assert_eq!(paid["payment_details"]["currency"], "USD");
    assert_eq!(paid["payment_details"]["response_code"], 0);
    assert_eq!(
        paid["payment_details"]["card"]["number"],
        "424242******4242"
    );
    assert_eq!(paid["merchant_details"]["merchant_txn_ref"], "ORDER-AGAIN");
    assert_eq!(
        paid["merchant_details"]["device_details"]["customer_ip"],
        "192.0.2.7"
    );
    assert_eq!(
        paid["transaction_details"]["stored_payment_method_id"],
        token.as_str()
    );
    assert_transaction_details(&paid);
    let again = id_of(&paid);
    let (status, read) = sandbox.status(&again).await;
    assert_eq!(
        (status, &read["payment_details"]["amount"]),
        (200, &json!(2500))
    );
    // It is a payment like any other: refundable up to its amount.
    assert_eq!(sandbox.refund(&again, 2500).await.0, 201);
    assert_eq!(sandbox.refund(&again, 1).await.0, 412);
    // The card stays stored.
    assert_eq!(sandbox.pay_with(&token, "1", "ORDER-THIRD").await.0, 201);

    // Unknown tokens: 406.
    let unknown = Uuid::new_v4().to_string();
    let (status, refused) = sandbox.pay_with(&unknown, "100", "ORDER-X").await;
    assert_eq!((status, &refused["code"]), (406, &json!("invalid_card")));
    assert_eq!(refused["field"], "payment_method.stored_payment_method_id");
    // A payment without `store_payment_method`, and a declined one, store nothing.
    let plain = sandbox.link("ORDER-PLAIN", false).await;
    let plain_id = sandbox.pay(plain, true).await;
    assert_eq!(
        sandbox
            .mock
            .transaction(&plain_id)
            .unwrap()
            .stored_payment_method_id,
        None
    );
    let declined = sandbox.link("ORDER-NO", true).await;
    let completion = sandbox
        .complete(declined, json!({"outcome": "decline"}))
        .await;
    assert_eq!(
        completion["transaction"]["stored_payment_method_id"],
        Value::Null
    );

    // The spec's rules: digits only, at most 19 of them; more than an amount holds is named.
    for amount in [
        "12.5",
        "-1",
        "",
        "99999999999999999999",
        "9999999999999999999",
    ] {
        let (status, refused) = sandbox.pay_with(&token, amount, "ORDER-BAD").await;
        assert_eq!(
            (status, &refused["field"]),
            (400, &json!("amount")),
            "{amount}: {refused}"
        );
    }
    let (status, refused) = sandbox
        .call(
            api::PAY_WITH_STORED_CARD,
            None,
            Some(json!({"amount": 100, "currency": "USD", "payment_method": {"stored_payment_method_id": token}})),
        )
        .await;
    assert_eq!(
        (status, &refused["field"]),
        (400, &json!("amount")),
        "an integer amount: {refused}"
    );
    let (status, _) = sandbox
        .call(
            api::PAY_WITH_STORED_CARD,
            None,
            Some(json!({"amount": "100", "currency": "USD", "payment_method": {}})),
        )
        .await;
    assert_eq!(status, 400, "no token");
    let seen = sandbox.check_conformance();
    assert!(seen.contains(&("pay_with_stored_card", 406)));
}

#[tokio::test]
async fn unknown_ids_and_broken_rules_are_refused_with_declared_statuses() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let unknown = Uuid::new_v4().to_string();
    for (status, body) in [
        sandbox.status(&unknown).await,
        sandbox.capture(&unknown, 1).await,
        sandbox.refund(&unknown, 1).await,
        sandbox.void(&unknown).await,
    ] {
        assert_eq!(
            (status, &body["code"]),
            (404, &json!("not_found")),
            "{body}"
        );
        assert!(body["message"].as_str().unwrap().contains(&unknown));
    }
    // The path parameter's rule, from the spec: 36 characters.
    let (status, body) = sandbox.status("short").await;
    assert_eq!(
        (status, &body["field"]),
        (400, &json!("transactionId")),
        "{body}"
    );
    let (status, body) = sandbox.status(&"x".repeat(37)).await;
    assert_eq!(status, 400, "{body}");
    // The body rules, from the spec.
    for (operation, body, field) in [
        (
            api::CAPTURE_TRANSACTION,
            json!({"transactionId": unknown, "amount": 0}),
            "amount",
        ),
        (
            api::CAPTURE_TRANSACTION,
            json!({"transactionId": unknown, "amount": 5.0}),
            "amount",
        ),
        (
            api::REFUND_TRANSACTION,
            json!({"transactionId": unknown, "amount": "1"}),
            "amount",
        ),
        (
            api::REFUND_TRANSACTION,
            json!({"transactionId": "short", "amount": 1}),
            "transactionId",
        ),
        (
            api::VOID_TRANSACTION,
            json!({"transactionId": unknown, "merchant_id": "m".repeat(129)}),
            "merchant_id",
        ),
        (
            api::CAPTURE_TRANSACTION,
            json!({"transactionId": unknown, "amount": 1, "notes": "n".repeat(129)}),
            "notes",
        ),
        (api::VOID_TRANSACTION, json!({}), "transactionId"),
    ] {
        let (status, refused) = sandbox.call(operation, None, Some(body.clone())).await;
        assert_eq!(
            (status, &refused["code"], &refused["field"]),
            (400, &json!("invalid_request"), &json!(field)),
            "{} {body}: {refused}",
            operation.id
        );
    }
    // Wrong method: 405 naming the one allowed (not an answer of the operation, so unrecorded).
    let base = sandbox.mock.base_url();
    let response = http()
        .post(format!(
            "{base}{}",
            api::GET_TRANSACTION_STATUS
                .path
                .replace("{transactionId}", &unknown)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET");
    let response = http()
        .get(format!("{base}{}", api::REFUND_TRANSACTION.path))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (response.status().as_u16(), &response.headers()["allow"]),
        (405, &"POST".parse().unwrap())
    );
    sandbox.check_conformance();
}

#[tokio::test]
async fn racing_refunds_never_refund_more_than_was_paid() {
    let sandbox = Arc::new(Sandbox::start(MockConfig::default()).await);
    let link = sandbox.link("ORDER-RACE", false).await;
    let paid = sandbox.pay(link, true).await;
    // Thirty refunds of 100 on 1000, all at once: ten fit.
    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let sandbox = sandbox.clone();
            let paid = paid.clone();
            tokio::spawn(async move { sandbox.refund(&paid, 100).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        if status == 412 {
            assert_eq!(body["gateway_response"]["code"], "ERR3019", "{body}");
        }
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        20,
        "{statuses:?}"
    );
    assert_eq!(sandbox.mock.transaction(&paid).unwrap().refunded, 1000);

    // Two refunds of 600 on another payment: exactly one wins.
    let link = sandbox.link("ORDER-RACE-2", false).await;
    let paid = sandbox.pay(link, true).await;
    let (a, b) = tokio::join!(sandbox.refund(&paid, 600), sandbox.refund(&paid, 600));
    let mut pair = [a.0, b.0];
    pair.sort();
    assert_eq!(pair, [201, 412]);
    let refunds: i64 = sandbox
        .mock
        .transactions()
        .iter()
        .filter(|t| t.original_id.as_deref() == Some(paid.as_str()))
        .filter_map(|t| t.amount)
        .sum();
    assert_eq!(refunds, 600);
    sandbox.check_conformance();
}

#[tokio::test]
async fn auth_and_faults_apply_to_every_operation() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let link = sandbox.link("ORDER-FAULT", false).await;
    let paid = sandbox.pay(link, true).await;
    let control = |path: &str| format!("{}/__mock/{path}", sandbox.mock.base_url());

    // A fault for refunds only: the status call and a capture go through.
    let response = http()
        .post(control("faults"))
        .json(&json!({"status": 502, "operation": "refund_transaction"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(sandbox.status(&paid).await.0, 200);
    assert_eq!(sandbox.capture(&paid, 1).await.0, 412);
    // A request without keys is refused before the fault, which stays pending.
    let base = sandbox.mock.base_url().to_string();
    let body = json!({"transactionId": paid, "amount": 1}).to_string();
    for (headers, what) in [
        (
            vec![("content-type", "application/json".to_string())],
            "no key",
        ),
        (json_api_headers("wrong-key-here"), "a wrong key"),
    ] {
        let (status, refused) = send(
            &base,
            &sandbox.answers,
            what,
            api::REFUND_TRANSACTION,
            None,
            &borrowed(&headers),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, &refused["code"]),
            (401, &json!("unauthorized")),
            "{what}"
        );
    }
    let (status, faulted) = sandbox.refund(&paid, 1).await;
    assert_eq!((status, &faulted["code"]), (502, &json!("injected_fault")));
    assert_eq!(
        sandbox.mock.transaction(&paid).unwrap().refunded,
        0,
        "nothing refunded"
    );
    assert_eq!(
        sandbox.refund(&paid, 1).await.0,
        201,
        "the fault was used once"
    );

    // A fault for any operation hits the next call, whatever it is.
    let response = http()
        .post(control("faults"))
        .json(&json!({"status": 504}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(sandbox.status(&paid).await.0, 504);
    let response = http()
        .post(control("faults"))
        .json(&json!({"status": 500, "operation": "refund"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        400,
        "an operation the spec does not have"
    );
    let refused: Value = response.json().await.unwrap();
    assert_eq!(refused["field"], "operation");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("refund_transaction")
    );
    sandbox.check_conformance();
}

#[tokio::test]
async fn transactions_are_listed_in_pages_and_bounded() {
    // Without the spec's examples: the sandbox starts empty, so every count is this test's.
    let config = MockConfig::default()
        .with_max_transactions(4)
        .with_spec_examples(false);
    let sandbox = Sandbox::start(config).await;
    let first_link = sandbox.link("ORDER-0", true).await;
    let first = sandbox.pay(first_link, true).await;
    let token = sandbox
        .mock
        .transaction(&first)
        .unwrap()
        .stored_payment_method_id
        .unwrap();
    assert_eq!(sandbox.refund(&first, 10).await.0, 201);
    let mut ids = vec![first.clone()];
    for n in 1..=3 {
        let link = sandbox.link(&format!("ORDER-{n}"), false).await;
        ids.push(sandbox.pay(link, true).await);
    }
    // Five made, four kept: the oldest went, with the card it stored.
    let held: Vec<TransactionView> = sandbox.mock.transactions();
    assert_eq!(held.len(), 4);
    assert!(held.iter().all(|t| t.id != first));
    assert_eq!(sandbox.status(&first).await.0, 404);
    assert_eq!(sandbox.pay_with(&token, "1", "ORDER-GONE").await.0, 406);
    // Its link stays, without it; the refund made on it is still held and readable.
    let view = sandbox.view(first_link);
    assert_eq!(view.transactions.len(), 1);
    assert_eq!(view.transactions[0].transaction_type, "REFUND");
    assert_eq!(sandbox.status(&view.transactions[0].id).await.0, 200);

    // Paged like links, through the control API.
    let page = |query: &'static str| {
        let url = format!("{}/__mock/transactions{query}", sandbox.mock.base_url());
        async move { http().get(url).send().await.unwrap() }
    };
    let response = page("?limit=3").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "4");
    assert_eq!(
        response.headers()["link"],
        "</__mock/transactions?offset=3&limit=3>; rel=\"next\""
    );
    let listed: Vec<TransactionView> = response.json().await.unwrap();
    assert_eq!(listed, held[..3]);
    let response = page("?offset=3&limit=3").await;
    assert!(response.headers().get("link").is_none());
    let listed: Vec<TransactionView> = response.json().await.unwrap();
    assert_eq!(listed, held[3..]);
    assert_eq!(page("?limit=0").await.status(), 400);
    assert_eq!(page("?limit=1001").await.status(), 400);
    // One transaction, and its envelope is what the status call answers.
    let one = &held[3];
    let response = page_one(&sandbox, &one.id).await;
    assert_eq!(response.status(), 200);
    let view: TransactionView = response.json().await.unwrap();
    assert_eq!(&view, one);
    assert_eq!(sandbox.status(&one.id).await.1, view.envelope);
    assert_eq!(page_one(&sandbox, "nope").await.status(), 404);

    // Reset forgets them.
    let response = http()
        .post(format!("{}/__mock/reset", sandbox.mock.base_url()))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(sandbox.mock.transactions().is_empty());
    assert_eq!(sandbox.status(&one.id).await.0, 404);
    sandbox.check_conformance();
}

async fn page_one(sandbox: &Sandbox, id: &str) -> reqwest::Response {
    http()
        .get(format!(
            "{}/__mock/transactions/{id}",
            sandbox.mock.base_url()
        ))
        .send()
        .await
        .unwrap()
}

/// The hosted page's form makes the same transactions: the card the customer typed, masked,
/// with its expiry; a pre-auth when the sandbox authorises only.
#[tokio::test]
async fn the_hosted_page_makes_the_same_transactions() {
    let sandbox = Sandbox::start(MockConfig::default().with_authorise_only(true)).await;
    for (card, outcome, masked) in [
        ("5555 5555 5555 4444", "paid", "555555******4444"),
        ("4000 0000 0000 0002", "declined", "400000******0002"),
    ] {
        let link = sandbox.link(&format!("ORDER-PAGE-{outcome}"), true).await;
        let url = sandbox.view(link).url;
        let response = http()
            .post(&url)
            .form(&[
                ("action", "pay"),
                ("card_number", card),
                ("expiry", "12/39"),
                ("cvc", "123"),
                ("phone_number", "0312345678"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let transaction = &sandbox.view(link).transactions[0];
        let envelope = &transaction.envelope;
        assert_eq!(envelope["transaction_type"], "PRE_AUTH");
        let card_json = &envelope["payment_details"]["card"];
        assert_eq!(
            card_json,
            &json!({"number": masked, "exp_month": "12", "exp_year": "39"})
        );
        assert!(!envelope.to_string().contains(&card.replace(' ', "")));
        // What the customer typed joins the link's billing address.
        let billing = &envelope["transaction_details"]["billing_details"]["billing_address"];
        assert_eq!(billing["phone_number"], "0312345678", "{envelope}");
        assert_eq!(billing["email"], "taro@example.com");
        if outcome == "paid" {
            assert_eq!(envelope["payment_details"]["scheme"], "MASTERCARD");
            assert_eq!(sandbox.capture(&transaction.id, 1000).await.0, 201);
        }
    }
    let received = sandbox.notifications(2).await;
    assert!(
        received
            .iter()
            .all(|r| r.json()["transaction_type"] == "PRE_AUTH")
    );
    sandbox.check_conformance();
}
