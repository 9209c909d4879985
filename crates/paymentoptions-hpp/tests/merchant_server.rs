//! The reference merchant server (`examples/merchant_server.rs`) against the sandbox: two
//! server instances, each with its own connection to one SQLite file (as two processes
//! would be), under a transient status failure, forged notifications, a second paid link, a
//! lost refund answer and repeated deliveries. Each order is paid and fulfilled exactly
//! once, and never refunded more than it collected.

#[path = "../examples/merchant_server/app.rs"]
#[allow(dead_code)]
mod app;
#[path = "../examples/merchant_server/db.rs"]
#[allow(dead_code)]
mod db;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymentoptions_hpp::{Client, Currency, Money};
use paymentoptions_hpp_mock::{CustomerAction, Fault, FaultPhase, MockServer};
use serde_json::{Value, json};

const PRICE: i64 = 1000;

struct Instance {
    url: String,
}

async fn start_shop(mock: &MockServer, database: &str) -> Instance {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let client = Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let shop = app::Shop {
        client,
        db: Arc::new(Mutex::new(db::open(database).unwrap())),
        public_url: url.clone(),
        price: Money::from_minor(PRICE, Currency::JPY).unwrap(),
    };
    app::spawn_rechecker(
        shop.clone(),
        Duration::from_millis(100),
        Duration::from_secs(3600),
    );
    tokio::spawn(async move { axum::serve(listener, app::router(shop)).await });
    Instance { url }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Follows the shop's redirect to a link: the link's id in the sandbox, and the order.
async fn link_of(mock: &MockServer, response: reqwest::Response) -> (uuid::Uuid, String) {
    assert_eq!(response.status(), 303, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let link = mock
        .links()
        .into_iter()
        .find(|l| l.url == location)
        .expect("the redirect is a sandbox link");
    let order = link.request["merchant_txn_ref"]
        .as_str()
        .unwrap()
        .to_string();
    (link.id, order)
}

async fn view(shop: &Instance, order: &str) -> Value {
    let r = http()
        .get(format!("{}/orders/{order}", shop.url))
        .send()
        .await
        .unwrap();
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

/// Waits until the order's view satisfies `done` (deliveries and re-confirmations are async).
async fn wait_for(shop: &Instance, order: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let v = view(shop, order).await;
        if done(&v) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("order {order} never got there: {}", view(shop, order).await);
}

async fn post(url: String) -> (u16, String) {
    let r = http().post(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn notify(shop: &Instance, body: &Value) -> u16 {
    deliver(shop.url.clone(), body.clone()).await
}

async fn deliver(shop_url: String, body: Value) -> u16 {
    let r = http()
        .post(format!("{shop_url}/webhooks/paymentoptions"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap();
    r.status().as_u16()
}

fn delivery_of(mock: &MockServer, transaction: &str) -> Value {
    mock.deliveries()
        .into_iter()
        .map(|d| d.body)
        .find(|b| b["transaction_details"]["id"] == json!(transaction))
        .expect("a delivery of the transaction")
}

/// What the sandbox really refunded from `payment`.
fn refunded_at_sandbox(mock: &MockServer, payment: &str) -> i64 {
    mock.transactions()
        .iter()
        .filter(|t| t.transaction_type == "REFUND" && t.approved)
        .filter(|t| t.original_id.as_deref() == Some(payment))
        .filter_map(|t| t.amount)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_one_database_pay_fulfil_and_refund_once() {
    let mock = MockServer::start().await.unwrap();
    let database = std::env::temp_dir().join(format!("shop-{:016x}.sqlite3", fastrand::u64(..)));
    let database = database.to_str().unwrap().to_string();
    let a = start_shop(&mock, &database).await;
    let b = start_shop(&mock, &database).await;

    // A transient status failure: the webhook answers 503, the claim is kept and
    // re-confirmed in the background.
    let (link, order_1) = link_of(
        &mock,
        http()
            .post(format!("{}/checkout", a.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    mock.inject_fault(Fault {
        count: 2,
        status: Some(503),
        operation: Some("get_transaction_status".into()),
        ..Fault::default()
    });
    mock.complete(link, CustomerAction::Pay).unwrap();
    let v = wait_for(&a, &order_1, |v| v["shipments"] == 1).await;
    assert_eq!(v["collected"], PRICE);
    let payment_1 = v["payments"][0].as_str().unwrap().to_string();

    // A second paid link for the same order (two tabs), each link's webhook on another
    // server: one fulfilment, one payment to give back.
    let (link_1, order_2) = link_of(
        &mock,
        http()
            .post(format!("{}/checkout", b.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (link_2, again) = link_of(
        &mock,
        http()
            .post(format!("{}/orders/{order_2}/pay", a.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(again, order_2);
    mock.complete(link_1, CustomerAction::Pay).unwrap();
    mock.complete(link_2, CustomerAction::Pay).unwrap();
    let v = wait_for(&b, &order_2, |v| {
        v["payments"].as_array().unwrap().len() == 2
    })
    .await;
    assert_eq!(v["shipments"], 1);
    assert_eq!(v["collected"], 2 * PRICE);
    assert_eq!(v["to_give_back"].as_array().unwrap().len(), 1);

    // Forged notifications for an unpaid order: another order's paid transaction that
    // claims this order, and an unknown id. Neither pays it.
    let (_, order_3) = link_of(
        &mock,
        http()
            .post(format!("{}/checkout", a.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut forged = delivery_of(&mock, &payment_1);
    forged["merchant_details"]["merchant_txn_ref"] = json!(order_3);
    forged["transaction_details"]["merchant_txn_ref"] = json!(order_3);
    assert_eq!(
        notify(&b, &forged).await,
        200,
        "decided: a repeat of order 1's payment"
    );
    let mut unknown = delivery_of(&mock, &payment_1);
    unknown["transaction_details"]["id"] = json!("00000000-0000-4000-8000-00000000dead");
    assert_eq!(
        notify(&a, &unknown).await,
        503,
        "undecided, not proof of forgery"
    );
    let v = view(&a, &order_3).await;
    assert_eq!(v["fulfilment"], "Unpaid");
    assert_eq!(v["collected"], 0);

    // Repeated deliveries, at once, to both servers.
    let genuine = delivery_of(&mock, &payment_1);
    let repeats = (0..3).flat_map(|_| {
        [
            deliver(a.url.clone(), genuine.clone()),
            deliver(b.url.clone(), genuine.clone()),
        ]
    });
    for status in futures_join(repeats).await {
        assert_eq!(status, 200);
    }
    assert_eq!(view(&b, &order_1).await["shipments"], 1);

    // A refund applied at the sandbox whose answer is lost: in doubt, counted as refunded,
    // never re-sent.
    mock.inject_fault(Fault {
        status: Some(503),
        operation: Some("refund_transaction".into()),
        when: FaultPhase::After,
        ..Fault::default()
    });
    let (status, text) = post(format!("{}/orders/{order_1}/refund?amount=400", a.url)).await;
    assert_eq!(status, 502, "{text}");
    let (status, text) = post(format!("{}/orders/{order_1}/refund?amount=700", b.url)).await;
    assert_eq!(status, 409, "in doubt counts as refunded: {text}");
    let (status, text) = post(format!("{}/orders/{order_1}/refund?amount=600", b.url)).await;
    assert_eq!(status, 200, "{text}");
    let v = view(&a, &order_1).await;
    assert_eq!(
        (
            v["refunded"].clone(),
            v["refunds_possible"].clone(),
            v["refundable"].clone()
        ),
        (json!(600), json!(PRICE), json!(0))
    );
    assert_eq!(v["in_doubt"].as_array().unwrap().len(), 1);

    // One refund in flight per payment, across servers.
    let payment_2 = view(&a, &order_2).await["payments"][0]
        .as_str()
        .unwrap()
        .to_string();
    mock.inject_fault(Fault {
        delay_ms: 700,
        operation: Some("refund_transaction".into()),
        ..Fault::default()
    });
    let slow = tokio::spawn(post(format!(
        "{}/orders/{order_2}/refund?amount=100",
        a.url
    )));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, text) = post(format!("{}/orders/{order_2}/refund?amount=100", b.url)).await;
    assert_eq!(
        status, 409,
        "a second refund while one is in flight: {text}"
    );
    assert_eq!(slow.await.unwrap().0, 200);

    // The sandbox's own books: each order fulfilled once, never refunded past collection.
    for order in [&order_1, &order_2] {
        let v = view(&a, order).await;
        assert_eq!(v["shipments"], 1);
        for payment in v["payments"].as_array().unwrap() {
            assert!(refunded_at_sandbox(&mock, payment.as_str().unwrap()) <= PRICE);
        }
    }
    // 400 applied while its answer was lost, then 600: exactly what was collected.
    assert_eq!(refunded_at_sandbox(&mock, &payment_1), 1000);
    assert_eq!(refunded_at_sandbox(&mock, &payment_2), 100);
}

/// Runs the futures at once and collects their results in order.
async fn futures_join<F: std::future::Future<Output = u16> + Send + 'static>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
