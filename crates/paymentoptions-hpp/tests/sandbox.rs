//! The whole flow of `examples/sandbox_flow.rs`, with assertions, so that neither rots: the
//! wrapper creates a link on the sandbox (`paymentoptions-hpp-mock`), the customer pays,
//! is declined or cancels, lands on the matching return URL, and the notification the sandbox
//! POSTs to the webhook is read by `parse_notification`. Everything stays on 127.0.0.1.

use std::time::Duration;

use paymentoptions_hpp::models::TransactionRef;
use paymentoptions_hpp::{Client, Currency, Link, LinkRequest, Money, parse_notification};
use paymentoptions_hpp_mock::{CustomerAction, DeliveryState, LinkState, MockServer};
use paymentoptions_hpp_testkit::{Recorded, TestServer};

const PAID: &str = "https://shop.example/paid";
const DECLINED: &str = "https://shop.example/declined";
const CANCELLED: &str = "https://shop.example/cancelled";
const WEBHOOK_PATH: &str = "/webhooks/paymentoptions";

/// The sandbox, and a webhook receiver that records every notification and answers 200.
async fn start() -> (MockServer, TestServer) {
    let mock = MockServer::start().await.expect("the sandbox starts");
    (mock, TestServer::start().await)
}

/// Creates a JPY 1000 link for `order` through the wrapper, as `sandbox_flow` does.
async fn create(mock: &MockServer, webhook: &TestServer, order: &str) -> Link {
    let client = Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let request = LinkRequest::builder()
        .amount(Money::from_major(1000, Currency::JPY).unwrap())
        .merchant_txn_ref(order)
        .webhook_url(format!("{}{WEBHOOK_PATH}", webhook.base_url()))
        .success_url(PAID)
        .decline_url(DECLINED)
        .cancel_url(CANCELLED)
        .build()
        .unwrap();
    let link = client
        .create_link(&request)
        .await
        .expect("the link is created");
    assert!(
        link.url()
            .as_str()
            .starts_with(&format!("{}/HostedPaymentPage/", mock.base_url())),
        "{}",
        link.url()
    );
    assert_eq!(link.merchant_txn_ref(), Some(order));
    assert_eq!(
        link.amount(),
        Some(Money::from_major(1000, Currency::JPY).unwrap())
    );
    link
}

/// Waits until `n` notifications were delivered, and returns what the webhook received.
async fn delivered(mock: &MockServer, webhook: &TestServer, n: usize) -> Vec<Recorded> {
    let deliveries = mock.wait_for_deliveries(n, Duration::from_secs(10)).await;
    assert_eq!(deliveries.len(), n, "{deliveries:?}");
    for d in &deliveries {
        assert_eq!(d.state, DeliveryState::Delivered, "{d:?}");
    }
    let received = webhook.requests();
    assert_eq!(received.len(), n, "one POST per notification");
    for r in &received {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", WEBHOOK_PATH));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    received
}

#[tokio::test]
async fn pay_then_the_notification_parses() {
    let (mock, webhook) = start().await;
    let link = create(&mock, &webhook, "ORDER-1001").await;
    assert_eq!(mock.link(link.id()).unwrap().state, LinkState::Open);

    let completion = mock.complete(link.id(), CustomerAction::Pay).unwrap();
    assert_eq!(completion.redirect.as_deref(), Some(PAID));
    assert_eq!(completion.transaction.amount, Some(1000));
    assert_eq!(completion.transaction.currency.as_deref(), Some("JPY"));
    assert_eq!(mock.link(link.id()).unwrap().state, LinkState::Paid);

    let received = delivered(&mock, &webhook, 1).await;
    let notification = parse_notification(&received[0].body).expect("a valid notification");
    let details = notification.envelope().transaction_details.clone().unwrap();
    let transaction = completion.transaction;
    assert_eq!(details.id.as_deref(), Some(transaction.id.as_str()));
    assert_eq!(details.ref_, Some(TransactionRef::Int64(transaction.ref_)));
    assert_eq!(details.merchant_txn_ref.as_deref(), Some("ORDER-1001"));
    assert_eq!(
        details.timestamp.as_deref(),
        Some(transaction.timestamp.as_str())
    );
    // The documented format: yyyy-mm-ddThh:mm:ss.000Z.
    let timestamp = details.timestamp.unwrap();
    assert_eq!(timestamp.len(), 24, "{timestamp}");
    assert!(timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T');
    assert_eq!(details.stored_payment_method_id, None);
}

#[tokio::test]
async fn each_outcome_lands_on_its_url_and_is_notified() {
    let (mock, webhook) = start().await;
    let cases = [
        (CustomerAction::Pay, PAID, LinkState::Paid),
        (CustomerAction::Decline, DECLINED, LinkState::Declined),
        (CustomerAction::Cancel, CANCELLED, LinkState::Cancelled),
    ];
    let mut transactions = Vec::new();
    for (i, (outcome, url, state)) in cases.into_iter().enumerate() {
        let order = format!("ORDER-{i}");
        let link = create(&mock, &webhook, &order).await;
        let completion = mock.complete(link.id(), outcome).unwrap();
        assert_eq!(completion.redirect.as_deref(), Some(url), "{outcome:?}");
        assert!(completion.delivery_id.is_some(), "{outcome:?}");
        assert_eq!(mock.link(link.id()).unwrap().state, state);
        transactions.push((order, completion.transaction.id));
    }

    let received = delivered(&mock, &webhook, cases.len()).await;
    let mut notified: Vec<(String, String)> = received
        .iter()
        .map(|r| {
            let details = parse_notification(&r.body)
                .expect("a valid notification")
                .envelope()
                .transaction_details
                .clone()
                .unwrap();
            (details.merchant_txn_ref.unwrap(), details.id.unwrap())
        })
        .collect();
    // Deliveries run concurrently: compare without their order.
    notified.sort();
    assert_eq!(notified, transactions);
}

/// `MockServer::complete` is what the hosted page's buttons do: a customer submitting the form
/// with a test card lands on the same URL.
#[tokio::test]
async fn the_hosted_page_form_redirects_like_complete() {
    let (mock, webhook) = start().await;
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cases = [
        ("action=pay&card_number=4242+4242+4242+4242", PAID),
        ("action=pay&card_number=4000+0000+0000+0002", DECLINED),
        ("action=cancel", CANCELLED),
    ];
    for (i, (form, url)) in cases.into_iter().enumerate() {
        let link = create(&mock, &webhook, &format!("ORDER-{i}")).await;
        let page = http.get(link.url().as_str()).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains(&format!("ORDER-{i}")));

        let submitted = http
            .post(link.url().as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "{form}&email=ada%40example.com&expiry=12%2F34&cvc=123"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(submitted.status(), 303, "{form}");
        assert_eq!(
            submitted
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok()),
            Some(url),
            "{form}"
        );
    }
    let received = delivered(&mock, &webhook, cases.len()).await;
    for r in &received {
        parse_notification(&r.body).expect("a valid notification");
    }
}
