//! Create PaymentOptions **Hosted Payment Page** links from Rust.
//!
//! Build a checked [`LinkRequest`], send it with a [`Client`], redirect the customer to the
//! returned [`Link::url`], and read the webhook with [`parse_notification`]:
//!
//! ```no_run
//! use paymentoptions_hpp::{AddressBuilder, Client, Currency, LinkRequest, Money};
//!
//! # async fn run() -> Result<(), paymentoptions_hpp::Error> {
//! let client = Client::from_env()?; // PAYMENTOPTIONS_API_KEY, PAYMENTOPTIONS_ENVIRONMENT...
//! let request = LinkRequest::builder()
//!     .amount(Money::parse_major("10.50", Currency::USD)?)   // sent as 1050 minor units
//!     .merchant_txn_ref("ORDER-1001")
//!     .webhook_url("https://shop.example/webhooks/paymentoptions")
//!     .success_url("https://shop.example/paid")
//!     .billing_address(AddressBuilder::new().country("US").email("ada@example.com"))
//!     .build()?;                                              // every rule checked here
//! let link = client.create_link(&request).await?;
//! println!("redirect the customer to {}", link.url());
//! # Ok(()) }
//! ```
//!
//! # What this crate adds to the generated client
//!
//! - **Money**: [`Money`] keeps amount and currency together as integer minor units per
//!   ISO 4217 (the API's amount unit is this crate's documented assumption: see [`money`]).
//! - **Validation before sending**: every rule in the OpenAPI spec (checked by the generated
//!   types) plus ISO 4217 currencies, ISO 3166-1 countries, e-mails and absolute http(s) URLs;
//!   failures name the field and the rule ([`ValidationError`]).
//! - **Auth and configuration**: both API-key headers on every request, marked sensitive; keys
//!   never appear in `Debug`, `Display`, errors or logs. HTTPS only, except to loopback hosts.
//! - **Errors you can match** ([`Error`]) that keep the raw body of API errors and say which
//!   JSON path of a response failed to decode.
//! - **Safe retries** ([`RetryPolicy`]): by default only failures where the request surely never
//!   left this machine, because the API has no idempotency key.
//! - **Notifications**: [`parse_notification`], and what to do with one (see [`notification`]).
//! - **Per-call options** ([`CallOptions`], [`Client::with_options`]): a timeout and extra
//!   headers for some calls, without a second client.
//! - **Observability**: one `tracing` span per request (`paymentoptions_hpp.request`) with the
//!   operation, attempts, duration and OpenTelemetry's HTTP names (`http.request.method`,
//!   `url.template`, `server.address`, `server.port`, `http.response.status_code`,
//!   `error.type`); never keys, transaction ids or personal data.
//!
//! The generated models are re-exported as [`models`]; the crate never requires writing one of
//! their struct literals, since those break whenever the spec gains a field.

#![deny(missing_docs)]
// On docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod call_options;
pub mod client;
pub mod config;
pub mod confirmation;
pub mod error;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod extract;
#[cfg(feature = "fixtures")]
#[cfg_attr(docsrs, doc(cfg(feature = "fixtures")))]
pub mod fixtures;
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, unused_imports, dead_code)]
mod generated;
mod json;
pub mod ledger;
pub mod link;
pub mod money;
pub mod money_call;
pub mod notification;
mod platform;
pub mod redaction;
pub mod retry;
mod telemetry;
mod tls_roots;
pub mod transaction;
pub mod validation;

pub use call_options::{CallOptions, HeaderError, HeaderRefusal};
pub use client::Client;
pub use config::{ApiKey, ClientBuilder, Environment};
pub use confirmation::{Confirmation, Confirmed, ExpectedPayment, NotPaid, NotPaidReason};
pub use error::{
    ApiError, ConfigError, DecodeError, Error, InDoubt, InDoubtCause, Refusal, TransportError,
    TransportErrorKind, Undecided, UndecidedReason,
};
pub use generated::requests;
pub use ledger::{Action, Fact, Fulfilment, Ledger, LedgerError};
pub use link::{AddressBuilder, Amount, Link, LinkRequest, LinkRequestBuilder};
pub use money::{Currency, Money, MoneyError};
pub use notification::{Notification, NotificationError, parse_notification};
pub use retry::{RetryOn, RetryPolicy};
pub use transaction::{Outcome, Transaction, TransactionKind};
pub use validation::{Rule, ValidationError, Violation};

/// The generated models (request, response, notification, error body), from
/// `paymentoptions-hpp-client`.
pub use paymentoptions_hpp_client::types as models;

/// The README's Rust examples compile as doctests, so the quickstart cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
