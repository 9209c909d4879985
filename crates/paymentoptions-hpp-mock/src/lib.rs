//! A local sandbox of the PaymentOptions Hosted Payment Page API, for tests and offline work.
//!
//! - **The API**: `POST /api/v1/server-to-server-interface/hpp/generate/link` with both auth
//!   headers, the body validated against the very OpenAPI schemas the client is generated from,
//!   answering like the real API (a fresh `id`, a `url`, the request echoed).
//! - **A working hosted payment page** at that `url`: server-rendered HTML (no JavaScript
//!   needed) where a customer, a browser test, or [`MockServer::complete`] pays, is declined or
//!   cancels. The customer is then redirected (303) to `success_url`, `decline_url` or
//!   `cancel_url`, and the transaction notification is POSTed to `webhook_url`, retried until
//!   it is acknowledged.
//! - **Transactions** like PaymentOptions': paying creates an approved `CAPTURE` (or a
//!   `PRE_AUTH` with [`MockConfig::authorise_only`] or [`MockServer::authorise`]), declining a
//!   declined one (`success: false`, response code 5, gateway code `ERR0005`: PaymentOptions
//!   does not document the shape, this is the sandbox's assumption), cancelling none. The
//!   notification carries the transaction envelope, and the spec's transaction operations
//!   work on it: status, capture (at most the authorised amount, once), refund (in parts, up to
//!   what was captured; one more answers 412 with `ERR3019`, or the status
//!   [`MockConfig::over_refund_status`] chooses), void (an uncaptured pre-auth) and
//!   the stored-card payment (with the `stored_payment_method_id` a payment with
//!   `store_payment_method` issued). Unknown ids answer 404, unknown card tokens 406, a state
//!   that does not allow the operation 412. Every operation checks the keys, then an injected
//!   fault, then its body against the spec, like link creation. A fault can also strike after
//!   the operation took effect ([`FaultPhase::After`]): the refund is made, its answer is lost.
//! - **Control and inspection** under `/__mock/` (see [`control`]): links, transactions,
//!   deliveries (re-sent on demand: [`MockServer::redeliver`]), faults, reset.
//! - **What PaymentOptions does not document** is a setting, not a choice the sandbox makes:
//!   how a status reads after a void or refund ([`StatusAfterChange`]), which status carries
//!   `ERR3019` ([`OverRefundStatus`]), whether a notification is re-sent after a 5xx
//!   ([`DeliveryPolicy::max_attempts`] 1: never), whether the status call sees a new
//!   transaction at once ([`MockConfig::unseen_status_reads`]).
//!
//! Test cards (any future expiry, any 3-digit CVC): `4242 4242 4242 4242` is approved,
//! `4000 0000 0000 0002` is declined; any other number that passes the Luhn check is approved.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! use paymentoptions_hpp_mock::MockServer;
//!
//! let mock = MockServer::start().await?;
//! println!("point the client at {}", mock.base_url());
//! assert!(mock.links().is_empty());
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod addresses;
mod admission;
mod body;
mod codes;
mod completion;
mod config;
mod connections;
pub mod control;
mod delivery;
mod echo;
mod errors;
mod examples;
mod faults;
mod front;
mod guard;
mod ids;
mod link;
mod money;
mod operations;
mod overload;
mod page;
pub mod probe;
mod redelivery;
mod routes;
mod server;
pub mod spec;
mod state;
mod store;
mod transactions;
mod undocumented;
mod views;

pub use completion::{CompleteError, Completion};
pub use config::MockConfig;
pub use delivery::DeliveryPolicy;
pub use faults::{Fault, FaultPhase};
pub use page::{APPROVED_CARD, DECLINED_CARD};
pub use redelivery::RedeliverError;
pub use server::MockServer;
pub use transactions::TransactionView;
pub use undocumented::{InvalidOverRefundStatus, OverRefundStatus, StatusAfterChange};
pub use views::{
    Attempt, CustomerAction, DeliveryState, DeliveryView, LinkCompletion, LinkState, LinkView,
};

/// The customer's action on the hosted page, under its former name (which the library's
/// verdict, `paymentoptions_hpp::Outcome`, also has).
#[deprecated(note = "renamed `CustomerAction`")]
pub type Outcome = CustomerAction;

/// How a link was completed, under its former name (it is not one of the transactions the
/// sandbox keeps: those are [`TransactionView`]s).
#[deprecated(note = "renamed `LinkCompletion`")]
pub type Transaction = LinkCompletion;

/// Now, as `yyyy-mm-ddThh:mm:ss.000Z` (the notification's timestamp format).
pub(crate) fn now() -> String {
    timestamp(chrono::Utc::now())
}

/// `t` as `yyyy-mm-ddThh:mm:ss.000Z`.
pub(crate) fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    // The same text as `format("%Y-%m-%dT%H:%M:%S%.3fZ")`, without parsing a format string on
    // every call.
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_keep_their_format() {
        use chrono::TimeZone;
        for (secs, nanos) in [
            (0, 0),
            (1_700_000_000, 999_999_999),
            (1_700_000_000, 1_000_000),
            (253_402_300_799, 123_456_789),
        ] {
            let t = chrono::Utc.timestamp_opt(secs, nanos).unwrap();
            assert_eq!(
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            );
        }
        assert_eq!(now().len(), "2024-01-01T00:00:00.000Z".len());
    }
}
