//! Issue 19, item 4 and "the rule for what is not documented": where PaymentOptions documents
//! nothing, the sandbox offers each plausible behaviour, so that a client's tests cover them
//! all. Notifications re-sent on demand; the status of a voided pre-auth or a refunded capture,
//! unchanged or showing the change; the status that carries ERR3019; notifications never
//! re-sent after a 5xx; a status call that does not see a new transaction yet.

#[allow(dead_code)] // Only its client: paths come from the spec's `api`.
mod common;
#[path = "support/money.rs"]
mod money;

use std::time::Duration;

use money::{Sandbox, config};
use paymentoptions_hpp_mock::{DeliveryState, DeliveryView, RedeliverError};
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::{Value, json};
use uuid::Uuid;

/// A paid link notifying `hook`, its notification delivered: the delivery.
async fn delivered(sandbox: &Sandbox, hook: &TestServer, reference: &str) -> DeliveryView {
    let url = format!("{}/hook", hook.base_url());
    let link = sandbox.link(reference, Some(&url)).await;
    sandbox.pay(link, true).await;
    let all = sandbox
        .mock
        .wait_for_deliveries(1, Duration::from_secs(10))
        .await;
    let d = all.into_iter().find(|d| d.link_id == link).unwrap();
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
    let url = format!("{}/hook", hook.base_url());
    let link = sandbox.link("ORDER-FAILED", Some(&url)).await;
    sandbox.pay(link, true).await;
    let failed = sandbox
        .mock
        .wait_for_deliveries(1, Duration::from_secs(10))
        .await
        .remove(0);
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
