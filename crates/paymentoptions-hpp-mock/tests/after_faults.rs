//! Issue 19, item 4: faults that let the operation take effect and then fail its answer (a 5xx,
//! a dropped connection, a delay past the client's timeout), per operation. The money moved
//! although the client saw a failure: what a client that retries blindly turns into a double
//! refund.

mod common;
#[path = "support/money.rs"]
mod money;

use std::time::Duration;

use money::{Sandbox, config};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_mock::{Fault, FaultPhase};
use serde_json::{Value, json};

/// The refunds recorded against `id`, as `MockServer::transactions` shows them.
fn refunds_of(sandbox: &Sandbox, id: &str) -> Vec<i64> {
    sandbox
        .mock
        .transactions()
        .into_iter()
        .filter(|t| t.transaction_type == "REFUND" && t.original_id.as_deref() == Some(id))
        .map(|t| t.amount.unwrap())
        .collect()
}

#[tokio::test]
async fn an_applied_then_lost_refund_moved_the_money_and_a_retry_sees_the_smaller_balance() {
    let sandbox = Sandbox::start(config()).await;
    let paid = sandbox.paid("ORDER-LOST-REFUND").await;
    sandbox
        .fault(json!({"status": 503, "operation": "refund_transaction", "when": "after"}))
        .await;

    let (status, lost) = sandbox.refund(&paid, 600).await;
    assert_eq!((status, &lost["code"]), (503, &json!("injected_fault")));
    // The same answer as a fault before the refund: the client cannot tell them apart.
    assert!(lost.get("transaction_details").is_none(), "{lost}");

    assert_eq!(refunds_of(&sandbox, &paid), [600], "the refund was applied");
    assert_eq!(sandbox.mock.transaction(&paid).unwrap().refunded, 600);
    let refund = sandbox
        .mock
        .transactions()
        .into_iter()
        .find(|t| t.transaction_type == "REFUND")
        .unwrap();
    let (status, envelope) = sandbox.status(&refund.id).await;
    assert_eq!(status, 200);
    assert_eq!(envelope["transaction_type"], "REFUND");
    assert_eq!(envelope["payment_details"]["amount"], 600);

    // The client "retries" the same refund: the balance left is 400, so it is refused.
    let (status, refused) = sandbox.refund(&paid, 600).await;
    assert_eq!(status, 412, "{refused}");
    assert_eq!(refused["gateway_response"]["code"], "ERR3019");
    assert_eq!(refunds_of(&sandbox, &paid), [600], "nothing refunded twice");
    // A smaller one fits what is left, and the fault was used once.
    assert_eq!(sandbox.refund(&paid, 400).await.0, 201);
    assert_eq!(sandbox.mock.transaction(&paid).unwrap().refunded, 1000);
}

#[tokio::test]
async fn a_dropped_answer_after_a_capture_leaves_the_capture_made() {
    let sandbox = Sandbox::start(config()).await;
    let link = sandbox.link("ORDER-DROPPED-CAPTURE", None).await;
    let pre_auth = sandbox.pay(link, false).await;
    sandbox.mock.inject_fault(Fault {
        drop_connection: true,
        operation: Some(api::CAPTURE_TRANSACTION.id.into()),
        when: FaultPhase::After,
        ..Fault::default()
    });
    let body = json!({"transactionId": pre_auth, "amount": 700});
    let lost = match sandbox
        .request(api::CAPTURE_TRANSACTION, None, Some(&body))
        .send()
        .await
    {
        Ok(response) => response.bytes().await.err(),
        Err(e) => Some(e),
    };
    assert!(lost.is_some(), "the answer was dropped");

    let view = sandbox.mock.transaction(&pre_auth).unwrap();
    assert_eq!(view.captured, 700, "the capture took effect");
    let (status, again) = sandbox.capture(&pre_auth, 700).await;
    assert_eq!((status, &again["code"]), (412, &json!("already_captured")));
}

#[tokio::test]
async fn a_late_answer_outlives_the_clients_timeout_and_then_arrives() {
    let sandbox = Sandbox::start(config()).await;
    let link = sandbox.link("ORDER-LATE-VOID", None).await;
    let pre_auth = sandbox.pay(link, false).await;
    sandbox
        .fault(json!({"delay_ms": 800, "operation": "void_transaction", "when": "after"}))
        .await;

    let body = json!({"transactionId": pre_auth});
    let timed_out = sandbox
        .request(api::VOID_TRANSACTION, None, Some(&body))
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(timed_out.is_timeout(), "{timed_out}");
    assert!(
        sandbox.mock.transaction(&pre_auth).unwrap().voided,
        "voided before the answer was due"
    );

    // A patient client gets the real answer once the delay is over.
    let paid = sandbox.paid("ORDER-LATE-REFUND").await;
    sandbox
        .fault(json!({"delay_ms": 300, "operation": "refund_transaction", "when": "after"}))
        .await;
    let started = std::time::Instant::now();
    let (status, refund) = sandbox.refund(&paid, 100).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        (status, &refund["transaction_type"]),
        (201, &json!("REFUND"))
    );
}

#[tokio::test]
async fn links_and_stored_card_payments_are_made_before_their_answer_fails() {
    let sandbox = Sandbox::start(config()).await;
    sandbox
        .fault(json!({"status": 500, "operation": "generate_hpp_link", "when": "after"}))
        .await;
    let (status, _) = sandbox
        .call(
            api::GENERATE_HPP_LINK,
            None,
            Some(&money::link_body("ORDER-LOST-LINK", None)),
        )
        .await;
    assert_eq!(status, 500);
    let links = sandbox.mock.links();
    assert_eq!(links.len(), 1, "the link exists");

    let token = {
        let link = links[0].id;
        sandbox.pay(link, true).await;
        sandbox.mock.link(link).unwrap().transactions[0]
            .stored_payment_method_id
            .clone()
            .unwrap()
    };
    sandbox
        .fault(json!({"status": 502, "operation": "pay_with_stored_card", "when": "after"}))
        .await;
    let body = json!({
        "amount": "2500",
        "currency": "JPY",
        "payment_method": {"type": "scheme", "stored_payment_method_id": token},
        "merchant_txn_ref": "ORDER-LOST-PAYMENT",
    });
    let (status, _) = sandbox
        .call(api::PAY_WITH_STORED_CARD, None, Some(&body))
        .await;
    assert_eq!(status, 502);
    let charged: Vec<_> = sandbox
        .mock
        .transactions()
        .into_iter()
        .filter(|t| t.merchant_txn_ref.as_deref() == Some("ORDER-LOST-PAYMENT"))
        .collect();
    assert_eq!(charged.len(), 1, "the card was charged");
    assert_eq!(charged[0].amount, Some(2500));
}

#[tokio::test]
async fn the_phase_is_optional_json_and_each_phase_has_its_own_queue() {
    let sandbox = Sandbox::start(config()).await;
    let paid = sandbox.paid("ORDER-PHASES").await;
    sandbox.fault(json!({"status": 502, "when": "after"})).await;
    sandbox.fault(json!({"status": 504})).await;
    let base = sandbox.mock.base_url().to_string();
    let pending: Value = sandbox
        .client
        .get(format!("{base}/__mock/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        pending,
        json!([
            {"count": 1, "status": 502, "delay_ms": 0, "drop_connection": false, "when": "after"},
            {"count": 1, "status": 504, "delay_ms": 0, "drop_connection": false},
        ])
    );

    // One refund meets both: the fault before strikes first, and nothing is refunded.
    assert_eq!(sandbox.refund(&paid, 100).await.0, 504);
    assert_eq!(sandbox.mock.transaction(&paid).unwrap().refunded, 0);
    // The next one is applied, then its answer fails.
    assert_eq!(sandbox.refund(&paid, 100).await.0, 502);
    assert_eq!(sandbox.mock.transaction(&paid).unwrap().refunded, 100);
    assert_eq!(sandbox.refund(&paid, 100).await.0, 201);

    // A call refused before the operation (a broken body) does not use a fault for after.
    sandbox
        .fault(json!({"status": 500, "operation": "refund_transaction", "when": "after"}))
        .await;
    let (status, refused) = sandbox
        .call(
            api::REFUND_TRANSACTION,
            None,
            Some(&json!({"transactionId": paid})),
        )
        .await;
    assert_eq!((status, &refused["code"]), (400, &json!("invalid_request")));
    assert_eq!(sandbox.refund(&paid, 100).await.0, 500);
    assert_eq!(sandbox.mock.transaction(&paid).unwrap().refunded, 300);

    // A phase the sandbox does not know is refused, named.
    let (status, refused) = sandbox
        .control("faults", &json!({"status": 500, "when": "later"}))
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("when"),
        "{refused}"
    );
}
