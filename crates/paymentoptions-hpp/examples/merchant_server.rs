//! A minimal merchant server: it creates a payment link, redirects the customer to the hosted
//! payment page, shows the return pages, and receives the transaction notification.
//!
//! ```sh
//! export PAYMENTOPTIONS_API_KEY=...            # your sandbox key
//! export PAYMENTOPTIONS_ENVIRONMENT=dev        # or PAYMENTOPTIONS_BASE_URL=http://127.0.0.1:<port>
//! export MERCHANT_PUBLIC_URL=https://shop.example   # where PaymentOptions can reach this server
//! cargo run -p paymentoptions-hpp --example merchant_server
//! ```
//!
//! Then open http://127.0.0.1:3000 (or `$PORT`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use paymentoptions_hpp::{Client, Currency, LinkRequest, Money, parse_notification};

#[derive(Clone)]
struct App {
    client: Client,
    public_url: String,
    /// Transaction ids already handled: notifications may be delivered more than once.
    seen: Arc<Mutex<HashSet<String>>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let public_url =
        std::env::var("MERCHANT_PUBLIC_URL").unwrap_or_else(|_| format!("http://127.0.0.1:{port}"));
    let app = App {
        client,
        public_url,
        seen: Arc::default(),
    };
    let router = axum::Router::new()
        .route("/", get(home))
        .route("/checkout", post(checkout))
        .route(
            "/paid",
            get(|| page("Thank you! Your payment is being confirmed.")),
        )
        .route("/declined", get(|| page("Your payment was declined.")))
        .route("/cancelled", get(|| page("You cancelled the payment.")))
        .route("/webhooks/paymentoptions", post(notification))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("merchant server on http://{}", listener.local_addr()?);
    axum::serve(listener, router).await?;
    Ok(())
}

async fn home() -> Html<&'static str> {
    Html(
        "<!doctype html><title>Shop</title><h1>Green tea, 1000 JPY</h1>\
         <form method=post action=/checkout><button>Pay with PaymentOptions</button></form>",
    )
}

async fn page(text: &'static str) -> Html<String> {
    Html(format!(
        "<!doctype html><title>Shop</title><p>{text}</p><a href=/>Back</a>"
    ))
}

/// Creates a link and sends the customer's browser to the hosted payment page.
async fn checkout(State(app): State<App>) -> Response {
    let order = format!("ORDER-{}", std::process::id());
    let request = LinkRequest::builder()
        .amount(Money::from_major(1000, Currency::JPY).expect("a valid amount"))
        .merchant_txn_ref(order)
        .webhook_url(format!("{}/webhooks/paymentoptions", app.public_url))
        .success_url(format!("{}/paid", app.public_url))
        .decline_url(format!("{}/declined", app.public_url))
        .cancel_url(format!("{}/cancelled", app.public_url))
        .build();
    let request = match request {
        Ok(r) => r,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    match app.client.create_link(&request).await {
        Ok(link) => Redirect::to(link.url().as_str()).into_response(),
        // The error says what failed; it never contains the API key.
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            format!("could not start the payment: {e}"),
        )
            .into_response(),
    }
}

/// Receives the transaction notification. No signature is documented, so this only records it:
/// confirm the transaction with PaymentOptions before shipping anything.
async fn notification(State(app): State<App>, body: Bytes) -> StatusCode {
    let notification = match parse_notification(&body) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("rejected notification: {e}");
            return StatusCode::BAD_REQUEST;
        }
    };
    let details = notification
        .envelope()
        .transaction_details
        .clone()
        .expect("parse_notification requires transaction_details");
    let id = details.id.clone().unwrap_or_default();
    if !app.seen.lock().unwrap().insert(id.clone()) {
        return StatusCode::OK; // a duplicate: already handled
    }
    println!(
        "transaction {id} for order {} (ref {}): confirm it before fulfilling",
        details.merchant_txn_ref.as_deref().unwrap_or("?"),
        details.ref_.map(|r| r.to_string()).unwrap_or_default(),
    );
    StatusCode::OK
}
