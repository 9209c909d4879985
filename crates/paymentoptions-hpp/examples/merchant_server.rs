//! The reference merchant server: links, a webhook that cannot be fooled, an order's money as
//! facts in SQLite, and refunds that never go out twice.
//!
//! - The webhook takes the crate's [`Notification`](paymentoptions_hpp::Notification)
//!   extractor, **saves the claimed transaction id first**, then confirms it: it reads the
//!   transaction's status, finds the order by the status's own `merchant_txn_ref` (never the
//!   notification's), and checks it with `Client::check_payment`.
//! - Undecided (the status call failed, a 404, an outcome the library cannot vouch for): the
//!   webhook answers 503, and a background task re-confirms every saved, undecided claim.
//!   PaymentOptions documents no re-delivery: the 503 is a bonus, the task is the mechanism.
//! - The order's money is a [`Ledger`](paymentoptions_hpp::Ledger) whose facts are rows in
//!   SQLite (WAL, a busy timeout, `BEGIN IMMEDIATE` transactions that re-read the facts), so
//!   several server processes can share one database file.
//! - Fulfilment is a conditional update (`... WHERE paid_by IS NULL`): exactly one process
//!   wins. A second paid link for the same order becomes a row in `give_back` for a person.
//! - A refund's intent is recorded before it is sent, at most one refund per payment is in
//!   flight (a unique index), and its result is recorded after: applied, refused, not sent,
//!   or in doubt (then never re-sent; the order's refundable amount counts it as refunded).
//!
//! ```sh
//! export PAYMENTOPTIONS_API_KEY=...            # your sandbox key
//! export PAYMENTOPTIONS_ENVIRONMENT=dev        # or PAYMENTOPTIONS_BASE_URL=http://127.0.0.1:<port>
//! export MERCHANT_PUBLIC_URL=https://shop.example   # where PaymentOptions can reach this server
//! export SHOP_DATABASE=shop.sqlite3            # shared by every server process
//! cargo run -p paymentoptions-hpp --features axum --example merchant_server
//! ```
//!
//! `POST /checkout` creates an order and redirects to its payment page; `GET /orders/{ref}`
//! shows its money; `POST /orders/{ref}/refund?amount=<minor units>` refunds.

#[path = "merchant_server/app.rs"]
mod app;
#[path = "merchant_server/db.rs"]
mod db;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymentoptions_hpp::{Client, Currency, Money};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let public_url =
        std::env::var("MERCHANT_PUBLIC_URL").unwrap_or_else(|_| format!("http://127.0.0.1:{port}"));
    let path = std::env::var("SHOP_DATABASE").unwrap_or_else(|_| "shop.sqlite3".into());
    let shop = app::Shop {
        client,
        db: Arc::new(Mutex::new(db::open(&path)?)),
        public_url,
        price: Money::from_major(1000, Currency::JPY)?,
    };
    app::spawn_rechecker(
        shop.clone(),
        Duration::from_secs(30),
        Duration::from_secs(600),
    );
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("merchant server on http://{}", listener.local_addr()?);
    axum::serve(listener, app::router(shop)).await?;
    Ok(())
}
