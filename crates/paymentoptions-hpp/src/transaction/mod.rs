//! A transaction as PaymentOptions reports it: the answer of the status, capture, refund, void
//! and stored-card payment calls, and (through [`Notification::transaction`]) the webhook.
//!
//! Every one of those answers is the same tolerant envelope
//! ([`models::TransactionEnvelope`](crate::models::TransactionEnvelope)): every field optional,
//! no documented state vocabulary. [`Transaction`] reads it with accessors and keeps the raw
//! body, and [`Transaction::outcome`] says whether it was approved, declined, or unknown, from
//! the documented signals only (see [`Outcome`] for the rule).
//!
//! [`Notification::transaction`]: crate::Notification::transaction

mod envelope;
mod kind;
mod outcome;
mod record;
#[cfg(test)]
mod tests;

pub(crate) use envelope::{decode_envelope, merchant_txn_ref_of};
pub use kind::TransactionKind;
pub(crate) use outcome::code_fits_kind;
pub use outcome::{Outcome, gateway_meaning, response_meaning};
pub use record::Transaction;
