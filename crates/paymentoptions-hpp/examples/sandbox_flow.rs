//! The whole payment flow against the local sandbox: no credentials, no network.
//!
//! ```sh
//! cargo run -p paymentoptions-hpp --example sandbox_flow
//! ```
//!
//! 1. start the sandbox (`paymentoptions-hpp-mock`) on 127.0.0.1;
//! 2. start the merchant's webhook receiver, which records each notification and answers 200;
//! 3. create a payment link with this crate, exactly as against PaymentOptions, asking to
//!    store the card;
//! 4. the customer pays on the hosted page (here: `MockServer::complete`, which is what the
//!    page's Pay button does) and is redirected to `success_url`;
//! 5. the sandbox POSTs the transaction notification, which the receiver parses;
//! 6. the shop confirms it with the status call, for exactly the money it asked, before
//!    shipping;
//! 7. one item comes back: a partial refund, then the refund's status;
//! 8. next month: the stored card pays again, without the customer.
//!
//! Against the real API only steps 1 and 4 change: the client's base URL and API key come from
//! `Client::from_env()`, and a person pays in a browser.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use paymentoptions_hpp::requests::{RefundRequest, StoredCardPaymentRequest};
use paymentoptions_hpp::{
    Client, Confirmation, Currency, ExpectedPayment, LinkRequest, Money, parse_notification,
};
use paymentoptions_hpp_mock::{CustomerAction, DeliveryState, MockServer};

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sandbox flow failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    // 1. The sandbox: the PaymentOptions API and its hosted payment page, on 127.0.0.1.
    let mock = MockServer::start()
        .await
        .map_err(|e| format!("starting the sandbox: {e}"))?;
    println!("sandbox:        {}", mock.base_url());

    // 2. The merchant's webhook receiver.
    let received = Received::default();
    let webhook_url = start_receiver(received.clone()).await?;
    println!("webhook:        {webhook_url}");

    // 3. Create the link, as a merchant's server does (any key: the sandbox has no accounts).
    let client = Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .build()?;
    let request = LinkRequest::builder()
        .amount(Money::from_major(1000, Currency::JPY)?)
        .merchant_txn_ref("ORDER-1001")
        .webhook_url(&webhook_url)
        .success_url("https://shop.example/paid")
        .decline_url("https://shop.example/declined")
        .cancel_url("https://shop.example/cancelled")
        .store_payment_method(true)
        .build()?;
    let link = client
        .create_link(&request)
        .await
        .map_err(|e| format!("creating the link: {e}"))?;
    println!("payment link:   {}", link.url());

    // 4. The customer pays on the hosted page.
    let completion = mock
        .complete(link.id(), CustomerAction::Pay)
        .map_err(|e| format!("paying: {e}"))?;
    let redirect = completion.redirect.ok_or("the sandbox did not redirect")?;
    println!("customer sent to {redirect}");

    // 5. The notification arrives at the webhook.
    let deliveries = mock.wait_for_deliveries(1, Duration::from_secs(10)).await;
    match deliveries.first() {
        Some(d) if d.state == DeliveryState::Delivered => {}
        Some(d) => return Err(format!("the notification was not delivered: {d:?}").into()),
        None => return Err("no notification was sent".into()),
    }
    let body = received
        .first()
        .ok_or("the webhook received no notification")?;
    let notification =
        parse_notification(&body).map_err(|e| format!("reading the notification: {e}"))?;
    println!("notification:");
    println!("  transaction id   {}", notification.transaction_id());
    println!("  outcome          {:?}", notification.outcome());
    println!(
        "  merchant_txn_ref {}",
        notification.merchant_txn_ref().unwrap_or("-")
    );
    println!(
        "  timestamp        {}",
        notification.timestamp().unwrap_or("-")
    );

    // 6. Confirm with PaymentOptions before shipping: an approved payment of ORDER-1001 (by the
    //    status's own reference, not the notification's), for exactly JPY 1000.
    let order = ExpectedPayment::new("ORDER-1001", Money::from_major(1000, Currency::JPY)?);
    let paid = match client
        .confirm_payment(notification.transaction_id(), &order)
        .await
        .map_err(|e| format!("not decided yet, ask again later: {e}"))?
    {
        Confirmation::Paid(paid) => paid,
        other => return Err(format!("do not ship: {other:?}").into()),
    };
    println!(
        "confirmed:      {} {} {:?} -> ship ORDER-1001",
        paid.id().unwrap_or("-"),
        paid.amount().map_or("-".into(), |m| m.to_string()),
        paid.outcome(),
    );

    // 7. One item comes back: refund JPY 400 of it, then read the refund's status.
    let refund = RefundRequest::builder()
        .transaction_id(notification.transaction_id())
        .amount(Money::from_major(400, Currency::JPY)?)
        .notes("one item returned")
        .build()?;
    let refunded = client
        .refund_transaction(&refund)
        .await
        .map_err(|e| format!("refunding: {e}"))?;
    let refund_id = refunded.id().ok_or("the refund has no id")?;
    let status = client
        .get_transaction_status(refund_id)
        .await
        .map_err(|e| format!("reading the refund: {e}"))?;
    println!(
        "refund:         {refund_id} {:?} {} {:?}",
        status.kind(),
        status.amount().map_or("-".into(), |m| m.to_string()),
        status.outcome(),
    );

    // 8. Next month: the stored card pays again, without the customer.
    let token = notification
        .stored_payment_method_id()
        .ok_or("the payment stored no card")?;
    let renewal = StoredCardPaymentRequest::builder()
        .amount(Money::from_major(1000, Currency::JPY)?)
        .stored_payment_method_id(token)
        .payment_method_type("scheme")
        .merchant_txn_ref("ORDER-1001-2")
        .build()?;
    let renewed = client
        .pay_with_stored_card(&renewal)
        .await
        .map_err(|e| format!("charging the stored card: {e}"))?;
    println!(
        "stored card:    {} {} {:?}",
        renewed.id().unwrap_or("-"),
        renewed.amount().map_or("-".into(), |m| m.to_string()),
        renewed.outcome(),
    );

    mock.shutdown().await;
    Ok(())
}

/// The notification bodies the webhook received.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Bytes>>>);

impl Received {
    fn first(&self) -> Option<Bytes> {
        self.0.lock().unwrap().first().cloned()
    }
}

/// Serves `POST /webhooks/paymentoptions` on 127.0.0.1 and returns its URL.
async fn start_receiver(received: Received) -> Result<String, Error> {
    async fn webhook(State(received): State<Received>, body: Bytes) -> StatusCode {
        received.0.lock().unwrap().push(body);
        StatusCode::OK // answer quickly: the sender retries until it gets a 2xx
    }
    let router = axum::Router::new()
        .route("/webhooks/paymentoptions", post(webhook))
        .with_state(received);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("starting the webhook receiver: {e}"))?;
    let url = format!("http://{}/webhooks/paymentoptions", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}
