//! The whole payment flow against the local sandbox: no credentials, no network.
//!
//! ```sh
//! cargo run -p paymentoptions-hpp --example sandbox_flow
//! ```
//!
//! 1. start the sandbox (`paymentoptions-hpp-mock`) on 127.0.0.1;
//! 2. start the merchant's webhook receiver, which records each notification and answers 200;
//! 3. create a payment link with this crate, exactly as against PaymentOptions;
//! 4. the customer pays on the hosted page (here: `MockServer::complete`, which is what the
//!    page's Pay button does) and is redirected to `success_url`;
//! 5. the sandbox POSTs the transaction notification, which the receiver parses.
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
use paymentoptions_hpp::{Client, Currency, LinkRequest, Money, parse_notification};
use paymentoptions_hpp_mock::{DeliveryState, MockServer, Outcome};

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
        .build()?;
    let link = client
        .create_link(&request)
        .await
        .map_err(|e| format!("creating the link: {e}"))?;
    println!("payment link:   {}", link.url());

    // 4. The customer pays on the hosted page.
    let completion = mock
        .complete(link.id(), Outcome::Pay)
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
    let details = notification
        .envelope()
        .transaction_details
        .clone()
        .ok_or("the notification has no transaction_details")?;
    let field = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    println!("notification:");
    println!("  transaction id   {}", field(details.id));
    println!(
        "  ref              {}",
        field(details.ref_.map(|r| r.to_string()))
    );
    println!("  merchant_txn_ref {}", field(details.merchant_txn_ref));
    println!("  timestamp        {}", field(details.timestamp));
    println!(
        "Before fulfilling ORDER-1001, a real shop confirms the transaction with PaymentOptions."
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
