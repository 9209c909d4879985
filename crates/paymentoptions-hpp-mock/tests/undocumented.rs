//! Issue 19, item 4 and "the rule for what is not documented": where PaymentOptions documents
//! nothing, the sandbox offers each plausible behaviour, so that a client's tests cover them
//! all. Notifications re-sent on demand; the status of a voided pre-auth or a refunded capture,
//! unchanged or showing the change; the status that carries ERR3019; notifications never
//! re-sent after a 5xx; a status call that does not see a new transaction yet.

mod common;
#[path = "support/money.rs"]
mod money;

use std::time::Duration;

use money::{Sandbox, config};
use paymentoptions_hpp_mock::{
    DeliveryPolicy, DeliveryState, DeliveryView, OverRefundStatus, RedeliverError,
    StatusAfterChange,
};
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::{Value, json};
use uuid::Uuid;

/// A paid link notifying `hook`: its delivery, once the sandbox has stopped trying.
async fn notified(sandbox: &Sandbox, hook: &TestServer, reference: &str) -> DeliveryView {
    let url = format!("{}/hook", hook.base_url());
    let link = sandbox.link(reference, Some(&url)).await;
    sandbox.pay(link, true).await;
    let all = sandbox
        .mock
        .wait_for_deliveries(1, Duration::from_secs(10))
        .await;
    all.into_iter().find(|d| d.link_id == link).unwrap()
}

/// A paid link notifying `hook`, its notification delivered: the delivery.
async fn delivered(sandbox: &Sandbox, hook: &TestServer, reference: &str) -> DeliveryView {
    let d = notified(sandbox, hook, reference).await;
    assert_eq!(d.state, DeliveryState::Delivered, "{d:?}");
    d
}

/// `id`'s delivery, once no attempt of it is pending.
async fn settled(sandbox: &Sandbox, id: Uuid) -> DeliveryView {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let d = sandbox
            .mock
            .deliveries()
            .into_iter()
            .find(|d| d.id == id)
            .unwrap();
        if d.state != DeliveryState::Pending || tokio::time::Instant::now() > deadline {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn an_acknowledged_notification_is_sent_again_on_demand_as_a_new_attempt() {
    let sandbox = Sandbox::start(config()).await;
    let hook = TestServer::start().await;
    let first = delivered(&sandbox, &hook, "ORDER-AGAIN").await;
    assert_eq!((first.attempts.len(), first.redeliveries), (1, 0));

    sandbox.mock.redeliver(first.id).unwrap();
    let again = settled(&sandbox, first.id).await;
    assert_eq!(again.state, DeliveryState::Delivered);
    assert_eq!(again.redeliveries, 1);
    let rounds: Vec<(u32, Option<u16>)> = again
        .attempts
        .iter()
        .map(|a| (a.redelivery, a.status))
        .collect();
    assert_eq!(rounds, [(0, Some(200)), (1, Some(200))]);
    assert_eq!(
        again.attempts[0], first.attempts[0],
        "the first attempt is kept"
    );

    // Through the control API too.
    let (status, answer) = sandbox
        .control(&format!("deliveries/{}/redeliver", first.id), &json!({}))
        .await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer, json!({"id": first.id, "state": "pending"}));
    let third = settled(&sandbox, first.id).await;
    assert_eq!((third.redeliveries, third.attempts.len()), (2, 3));

    // The same body, to the same URL, every time.
    let received = hook.requests();
    assert_eq!(received.len(), 3);
    for r in &received {
        assert_eq!(r.path, "/hook");
        assert_eq!(r.json(), first.body);
    }
}

#[tokio::test]
async fn a_failed_notification_gets_a_whole_new_round_of_attempts() {
    let sandbox = Sandbox::start(config()).await;
    let hook = TestServer::start().await;
    hook.set_default_reply(Reply::raw(503, "text/plain", "down"));
    let failed = notified(&sandbox, &hook, "ORDER-FAILED").await;
    assert_eq!(
        (failed.state, failed.attempts.len()),
        (DeliveryState::Failed, 3)
    );

    hook.push_reply(Reply::raw(500, "text/plain", "still down"));
    hook.set_default_reply(Reply::json(200, json!({})));
    sandbox.mock.redeliver(failed.id).unwrap();
    let d = settled(&sandbox, failed.id).await;
    assert_eq!(d.state, DeliveryState::Delivered);
    let rounds: Vec<(u32, Option<u16>)> = d
        .attempts
        .iter()
        .map(|a| (a.redelivery, a.status))
        .collect();
    assert_eq!(
        rounds,
        [
            (0, Some(503)),
            (0, Some(503)),
            (0, Some(503)),
            (1, Some(500)),
            (1, Some(200))
        ]
    );
}

#[tokio::test]
async fn redelivery_is_refused_while_pending_unknown_or_from_another_origin() {
    let sandbox = Sandbox::start(config()).await;
    let hook = TestServer::start().await;
    let first = delivered(&sandbox, &hook, "ORDER-GUARDED").await;
    let route = format!("deliveries/{}/redeliver", first.id);

    // Unknown ids, as the method and the route see them.
    assert_eq!(
        sandbox.mock.redeliver(Uuid::from_u128(7)),
        Err(RedeliverError::NotFound)
    );
    for id in [Uuid::from_u128(7).to_string(), "not-a-uuid".into()] {
        let (status, answer) = sandbox
            .control(&format!("deliveries/{id}/redeliver"), &json!({}))
            .await;
        assert_eq!((status, &answer["code"]), (404, &json!("not_found")));
    }

    // Guarded like every control POST: a JSON content type, and no foreign origin.
    let url = format!("{}/__mock/{route}", sandbox.mock.base_url());
    let plain = sandbox.client.post(&url).send().await.unwrap();
    assert_eq!(plain.status(), 415);
    let foreign = sandbox
        .client
        .post(&url)
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert_eq!(hook.requests().len(), 1, "nothing was re-sent");
    assert_eq!(sandbox.mock.deliveries()[0].redeliveries, 0);

    // While its attempts are being made, it is not re-sent a second time.
    hook.push_reply(Reply::json(200, json!({})).delay(Duration::from_millis(500)));
    sandbox.mock.redeliver(first.id).unwrap();
    assert_eq!(
        sandbox.mock.redeliver(first.id),
        Err(RedeliverError::Pending)
    );
    let (status, answer): (u16, Value) = sandbox.control(&route, &json!({})).await;
    assert_eq!((status, &answer["code"]), (409, &json!("pending")));
    let d = settled(&sandbox, first.id).await;
    assert_eq!(
        (d.state, d.redeliveries, d.attempts.len()),
        (DeliveryState::Delivered, 1, 2)
    );
}

#[tokio::test]
async fn by_default_a_status_reads_as_it_was_made_after_a_void_or_a_refund() {
    let sandbox = Sandbox::start(config()).await;
    let link = sandbox.link("ORDER-UNCHANGED-VOID", None).await;
    let pre_auth = sandbox.pay(link, false).await;
    let (_, before) = sandbox.status(&pre_auth).await;
    assert_eq!(sandbox.void(&pre_auth).await.0, 201);
    let (status, after) = sandbox.status(&pre_auth).await;
    assert_eq!((status, &after), (200, &before));
    assert_eq!(after["transaction_type"], "PRE_AUTH");
    assert_eq!(after["gateway_response"]["code"], "INFO0000");

    let paid = sandbox.paid("ORDER-UNCHANGED-REFUND").await;
    let (_, before) = sandbox.status(&paid).await;
    assert_eq!(sandbox.refund(&paid, 1000).await.0, 201);
    assert_eq!(sandbox.status(&paid).await.1, before);
}

#[tokio::test]
async fn a_status_can_show_the_latest_operation_on_it() {
    let sandbox =
        Sandbox::start(config().with_status_after_change(StatusAfterChange::LatestOperation)).await;
    let link = sandbox.link("ORDER-SHOWN-VOID", None).await;
    let pre_auth = sandbox.pay(link, false).await;
    let (_, before) = sandbox.status(&pre_auth).await;
    assert_eq!(sandbox.void(&pre_auth).await.0, 201);
    let (status, voided) = sandbox.status(&pre_auth).await;
    assert_eq!(status, 200);
    assert_eq!(voided["transaction_type"], "VOID");
    assert_eq!(voided["gateway_response"]["code"], "INFO0003");
    assert_eq!(voided["transaction_details"], before["transaction_details"]);
    assert_eq!(voided["payment_details"], before["payment_details"]);
    // The facts stay what they are.
    let view = sandbox.mock.transaction(&pre_auth).unwrap();
    assert_eq!(
        (view.transaction_type.as_str(), view.voided),
        ("PRE_AUTH", true)
    );
    assert_eq!(
        view.envelope, voided,
        "the view shows what the status call answers"
    );

    // A capture, then a refund in part, each shows on the transaction it acted on.
    let link = sandbox.link("ORDER-SHOWN-REFUND", None).await;
    let pre_auth = sandbox.pay(link, false).await;
    let (_, capture) = sandbox.capture(&pre_auth, 800).await;
    let captured = sandbox.status(&pre_auth).await.1;
    assert_eq!(
        (
            &captured["transaction_type"],
            &captured["gateway_response"]["code"]
        ),
        (&json!("CAPTURE"), &json!("INFO0001"))
    );
    let capture = capture["transaction_details"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sandbox.refund(&capture, 300).await.0, 201);
    let refunded = sandbox.status(&capture).await.1;
    assert_eq!(
        (
            &refunded["transaction_type"],
            &refunded["gateway_response"]["code"]
        ),
        (&json!("REFUND"), &json!("INFO0002"))
    );
    assert_eq!(refunded["success"], true);
    assert_eq!(
        refunded["payment_details"]["amount"], 800,
        "the amount it was made for"
    );
}

/// Refunds `paid` in full, then once more: the second answer.
async fn refunded_twice(sandbox: &Sandbox, reference: &str) -> (u16, Value) {
    let paid = sandbox.paid(reference).await;
    assert_eq!(sandbox.refund(&paid, 1000).await.0, 201);
    let again = sandbox.refund(&paid, 1000).await;
    assert_eq!(
        sandbox.mock.transaction(&paid).unwrap().refunded,
        1000,
        "refused: nothing more refunded"
    );
    again
}

#[tokio::test]
async fn the_insufficient_balance_refusal_comes_with_the_status_chosen() {
    let default = Sandbox::start(config()).await;
    let (status, body) = refunded_twice(&default, "ORDER-412").await;
    assert_eq!(status, 412);
    assert_eq!(
        (&body["success"], &body["status_code"]),
        (&json!(false), &json!(412))
    );
    assert_eq!(body["gateway_response"]["code"], "ERR3019");
    assert_eq!(body["payment_details"]["response_code"], -8019);
    assert_eq!(body["code"], "ERR3019", "an error body's members too");

    let conflict = OverRefundStatus::new(409).unwrap();
    let other = Sandbox::start(config().with_over_refund_status(conflict)).await;
    let (status, body) = refunded_twice(&other, "ORDER-409").await;
    assert_eq!((status, &body["status_code"]), (409, &json!(409)));
    assert_eq!(body["gateway_response"]["code"], "ERR3019");

    let created = OverRefundStatus::new(201).unwrap();
    let ok = Sandbox::start(config().with_over_refund_status(created)).await;
    let (status, body) = refunded_twice(&ok, "ORDER-201").await;
    assert_eq!(status, 201);
    assert_eq!(
        (&body["success"], &body["status_code"]),
        (&json!(false), &json!(201))
    );
    assert_eq!(body["transaction_type"], "REFUND");
    assert_eq!(body["gateway_response"]["code"], "ERR3019");
    assert_eq!(body["gateway_response"]["type"], "ERROR");
    assert_eq!(body["payment_details"]["response_code"], -8019);
    assert!(body.get("code").is_none(), "an envelope alone: {body}");
    let refunds = ok
        .mock
        .transactions()
        .into_iter()
        .filter(|t| t.transaction_type == "REFUND")
        .count();
    assert_eq!(
        refunds, 1,
        "a refusal is no transaction, whatever its status"
    );
}

#[tokio::test]
async fn a_notification_answered_with_a_5xx_can_be_never_sent_again() {
    let sandbox =
        Sandbox::start(config().with_delivery(DeliveryPolicy::default().with_max_attempts(1)))
            .await;
    let hook = TestServer::start().await;
    hook.set_default_reply(Reply::raw(500, "text/plain", "down"));
    let d = notified(&sandbox, &hook, "ORDER-ONCE").await;
    assert_eq!((d.state, d.attempts.len()), (DeliveryState::Failed, 1));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(hook.requests().len(), 1, "one attempt only");
}

#[tokio::test]
async fn the_status_call_can_miss_a_new_transaction_for_its_first_reads() {
    let sandbox = Sandbox::start(config().with_unseen_status_reads(2)).await;
    let paid = sandbox.paid("ORDER-NOT-YET").await;
    let unknown = sandbox.status(&Uuid::from_u128(9).to_string()).await;
    // The control API sees it, and its reads do not count.
    assert!(sandbox.mock.transaction(&paid).is_some());
    for _ in 0..2 {
        let (status, body) = sandbox.status(&paid).await;
        assert_eq!((status, &body["code"]), (404, &unknown.1["code"]));
    }
    let (status, body) = sandbox.status(&paid).await;
    assert_eq!(
        (status, &body["transaction_details"]["id"]),
        (200, &json!(paid))
    );

    // Every new transaction, a refund too, counts its own reads.
    let (_, refund) = sandbox.refund(&paid, 100).await;
    let refund = refund["transaction_details"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sandbox.status(&refund).await.0, 404);
    assert_eq!(sandbox.status(&refund).await.0, 404);
    assert_eq!(sandbox.status(&refund).await.0, 200);
    assert_eq!(sandbox.status(&paid).await.0, 200);

    // By default, seen at once.
    let sandbox = Sandbox::start(config()).await;
    let paid = sandbox.paid("ORDER-AT-ONCE").await;
    assert_eq!(sandbox.status(&paid).await.0, 200);
}
