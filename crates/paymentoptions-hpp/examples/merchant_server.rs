//! A merchant server with the whole flow, from link to money: each checkout creates an order
//! with its own reference and a payment link, and redirects the customer to the hosted payment
//! page; the webhook parses the notification, de-duplicates it on its transaction id and
//! answers 2xx at once; the payment is then confirmed through the transaction status call, and
//! the order is fulfilled once, only when the status says approved for exactly the order's
//! amount. A refund route gives the money back.
//!
//! ```sh
//! export PAYMENTOPTIONS_API_KEY=...            # your sandbox key
//! export PAYMENTOPTIONS_ENVIRONMENT=dev        # or PAYMENTOPTIONS_BASE_URL=http://127.0.0.1:<port>
//! export MERCHANT_PUBLIC_URL=https://shop.example   # where PaymentOptions can reach this server
//! cargo run -p paymentoptions-hpp --example merchant_server
//! ```
//!
//! Then open http://127.0.0.1:3000 (or `$PORT`). Orders live in memory: a real shop keeps them,
//! and the set of handled transaction ids, in its database (a unique key on the transaction id
//! makes "fulfil once" hold across processes too).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use paymentoptions_hpp::requests::RefundRequest;
use paymentoptions_hpp::{
    Client, Currency, Error, LinkRequest, Money, Notification, parse_notification,
};

/// What the shop knows about one order.
#[derive(Clone, Debug)]
enum OrderState {
    /// A link was created; no confirmed payment yet.
    AwaitingPayment,
    /// Confirmed with PaymentOptions and fulfilled, by this transaction.
    Paid { transaction_id: String },
    /// Refunded (by the refund transaction named).
    Refunded { refund_id: String },
}

#[derive(Clone, Debug)]
struct Order {
    price: Money,
    state: OrderState,
}

#[derive(Clone)]
struct App {
    client: Client,
    public_url: String,
    /// Orders by their `merchant_txn_ref`.
    orders: Arc<Mutex<BTreeMap<String, Order>>>,
    /// Transaction ids whose notification is being (or was) handled: deliveries repeat.
    seen: Arc<Mutex<HashSet<String>>>,
    /// Makes every order reference unique within the process; the start time, across restarts.
    next_order: Arc<AtomicU64>,
    started: u64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let public_url =
        std::env::var("MERCHANT_PUBLIC_URL").unwrap_or_else(|_| format!("http://127.0.0.1:{port}"));
    let started = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let app = App {
        client,
        public_url,
        orders: Arc::default(),
        seen: Arc::default(),
        next_order: Arc::new(AtomicU64::new(1)),
        started,
    };
    let router = axum::Router::new()
        .route("/", get(home))
        .route("/checkout", post(checkout))
        .route(
            "/paid",
            // The return to success_url is not proof of payment (anyone can open it): the order
            // is fulfilled by the webhook's confirmation, not here.
            get(|| page("Thank you! Your payment is being confirmed.".into())),
        )
        .route(
            "/declined",
            get(|| page("Your payment was declined.".into())),
        )
        .route(
            "/cancelled",
            get(|| page("You cancelled the payment.".into())),
        )
        .route("/orders/{order}/refund", post(refund))
        .route("/webhooks/paymentoptions", post(webhook))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("merchant server on http://{}", listener.local_addr()?);
    axum::serve(listener, router).await?;
    Ok(())
}

fn price() -> Money {
    Money::from_major(1000, Currency::JPY).expect("a valid amount")
}

async fn home(State(app): State<App>) -> Html<String> {
    let mut rows = String::new();
    for (reference, order) in app.orders.lock().unwrap().iter() {
        let action = match &order.state {
            OrderState::Paid { .. } => format!(
                "<form method=post action=/orders/{reference}/refund><button>Refund</button></form>"
            ),
            _ => String::new(),
        };
        rows.push_str(&format!(
            "<tr><td>{reference}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
            order.price,
            describe(&order.state)
        ));
    }
    Html(format!(
        "<!doctype html><title>Shop</title><h1>Green tea, {}</h1>\
         <form method=post action=/checkout><button>Pay with PaymentOptions</button></form>\
         <h2>Orders</h2><table>{rows}</table>",
        price()
    ))
}

fn describe(state: &OrderState) -> String {
    match state {
        OrderState::AwaitingPayment => "awaiting payment".into(),
        OrderState::Paid { transaction_id } => format!("paid by {transaction_id}"),
        OrderState::Refunded { refund_id } => format!("refunded by {refund_id}"),
    }
}

async fn page(text: String) -> Html<String> {
    Html(format!(
        "<!doctype html><title>Shop</title><p>{text}</p><a href=/>Back</a>"
    ))
}

/// Creates an order with a reference of its own and a link for it, and sends the customer's
/// browser to the hosted payment page.
async fn checkout(State(app): State<App>) -> Response {
    let reference = format!(
        "ORDER-{}-{}",
        app.started,
        app.next_order.fetch_add(1, Ordering::Relaxed)
    );
    let request = LinkRequest::builder()
        .amount(price())
        .merchant_txn_ref(&reference)
        .webhook_url(format!("{}/webhooks/paymentoptions", app.public_url))
        .success_url(format!("{}/paid", app.public_url))
        .decline_url(format!("{}/declined", app.public_url))
        .cancel_url(format!("{}/cancelled", app.public_url))
        .build();
    let request = match request {
        Ok(r) => r,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    app.orders.lock().unwrap().insert(
        reference,
        Order {
            price: price(),
            state: OrderState::AwaitingPayment,
        },
    );
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

/// Receives a transaction notification. It is unsigned, so it only starts a confirmation; it
/// is answered 2xx at once (PaymentOptions re-sends what is not acknowledged), and a delivery
/// of a transaction already being handled is acknowledged without doing anything.
async fn webhook(State(app): State<App>, body: Bytes) -> StatusCode {
    let notification = match parse_notification(&body) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("rejected notification: {e}");
            return StatusCode::BAD_REQUEST;
        }
    };
    let id = notification.transaction_id().to_string();
    if !app.seen.lock().unwrap().insert(id.clone()) {
        return StatusCode::OK; // a repeated delivery: already being handled
    }
    tokio::spawn(async move {
        if !confirm_and_fulfil(&app, &notification).await {
            // Not settled (e.g. the status call failed): let a later delivery try again.
            app.seen.lock().unwrap().remove(&id);
        }
    });
    StatusCode::OK
}

/// Confirms the notified payment with the status call and fulfils its order once. Returns
/// `false` when nothing could be decided, so that a repeated delivery tries again.
async fn confirm_and_fulfil(app: &App, notification: &Notification) -> bool {
    let id = notification.transaction_id();
    let Some(reference) = notification.merchant_txn_ref() else {
        eprintln!("transaction {id}: no merchant_txn_ref, not one of our orders");
        return true;
    };
    let Some(order) = app.orders.lock().unwrap().get(reference).cloned() else {
        eprintln!("transaction {id}: unknown order {reference}");
        return true;
    };
    match app.client.confirm_payment(notification, order.price).await {
        Ok(transaction) => {
            let mut orders = app.orders.lock().unwrap();
            let Some(order) = orders.get_mut(reference) else {
                return true;
            };
            if matches!(order.state, OrderState::AwaitingPayment) {
                order.state = OrderState::Paid {
                    transaction_id: id.to_string(),
                };
                println!("order {reference}: paid ({transaction}); fulfilling it");
            }
            true
        }
        // Declined, unknown, another amount or currency: never fulfilled.
        Err(Error::Confirmation(e)) => {
            println!("order {reference}: not fulfilled: {e}");
            true
        }
        Err(e) => {
            eprintln!("order {reference}: could not confirm transaction {id}: {e}");
            false
        }
    }
}

/// Refunds a paid order in full.
async fn refund(State(app): State<App>, Path(reference): Path<String>) -> Response {
    let order = app.orders.lock().unwrap().get(&reference).cloned();
    let (price, transaction_id) = match order {
        Some(Order {
            price,
            state: OrderState::Paid { transaction_id },
        }) => (price, transaction_id),
        Some(_) => return (StatusCode::CONFLICT, "the order is not paid").into_response(),
        None => return (StatusCode::NOT_FOUND, "no such order").into_response(),
    };
    let request = match RefundRequest::builder()
        .transaction_id(&transaction_id)
        .amount(price)
        .notes(format!("refund of {reference}"))
        .build()
    {
        Ok(r) => r,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    match app.client.refund_transaction(&request).await {
        Ok(refund) if refund.outcome().is_approved() => {
            if let Some(order) = app.orders.lock().unwrap().get_mut(&reference) {
                order.state = OrderState::Refunded {
                    refund_id: refund.id().unwrap_or("-").to_string(),
                };
            }
            page(format!("Refunded: {refund}")).await.into_response()
        }
        Ok(refund) => {
            (StatusCode::BAD_GATEWAY, format!("refund refused: {refund}")).into_response()
        }
        // A refund is never re-sent automatically; the error says how to check whether it
        // went through (the original transaction's status) before trying again.
        Err(e) => (StatusCode::BAD_GATEWAY, format!("refund failed: {e}")).into_response(),
    }
}
