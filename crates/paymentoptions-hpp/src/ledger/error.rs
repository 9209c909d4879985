//! Why a fact was not recorded (or a stored list did not load).

use std::fmt;

use crate::money::Money;
use crate::validation::ValidationError;

/// A fact the ledger will not record: the library would not produce it for this order, or
/// it breaks a rule of the order's money. Nothing was recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LedgerError {
    /// The transaction is not of the kind the fact needs (a refund's id as a payment).
    WrongKind {
        /// The kind needed.
        expected: String,
        /// Its kind, if it says.
        found: Option<String>,
    },
    /// The transaction is not an approval.
    NotApproved,
    /// The transaction is another order's.
    OtherOrder {
        /// Its `merchant_txn_ref`, if any.
        found: Option<String>,
    },
    /// Not the amount and currency needed.
    OtherAmount {
        /// The amount needed.
        expected: Money,
        /// The amount found, if any.
        found: Option<Money>,
    },
    /// The transaction names no id.
    NoTransactionId,
    /// The transaction is already recorded (as a payment, an authorisation, or the result
    /// of a call).
    AlreadyRecorded {
        /// Its id.
        transaction: String,
    },
    /// An attempt reuses a reference.
    DuplicateReference {
        /// The reference.
        reference: String,
    },
    /// An amount of zero.
    NotPositive,
    /// Another call on the same transaction has no answer yet: one at a time.
    InFlight {
        /// The reference of the call without an answer.
        reference: String,
    },
    /// A refund in another currency than its payment's.
    OtherCurrency {
        /// The payment's currency.
        expected: &'static str,
        /// The refund's.
        found: &'static str,
    },
    /// A refund of more than is left to refund from its payment (refunds in doubt count as
    /// applied).
    MoreThanRefundable {
        /// What is left.
        refundable: Money,
        /// What was asked.
        asked: Money,
    },
    /// A refund's target is not a payment of this order (a pre-auth: refund its capture).
    NotAPayment {
        /// The target.
        transaction: String,
    },
    /// A capture's target is not an authorisation of this order.
    NotAnAuthorisation {
        /// The target.
        transaction: String,
    },
    /// The authorisation was captured (or may have been).
    AlreadyCaptured {
        /// The pre-auth.
        transaction: String,
    },
    /// No attempt with this reference.
    UnknownAttempt {
        /// The reference.
        reference: String,
    },
    /// The attempt's result is already recorded (or, for a back-office answer, it is not in
    /// doubt).
    AlreadyAnswered {
        /// The reference.
        reference: String,
    },
    /// The order is already fulfilled.
    AlreadyFulfilled {
        /// The payment it was fulfilled on.
        by: String,
    },
    /// Fulfilment names a transaction other than the order's first payment.
    NotTheFulfillingPayment {
        /// The transaction named.
        transaction: String,
    },
    /// Nothing to fulfil: no payment.
    NothingToFulfil,
    /// The request could not be built.
    Request(ValidationError),
    /// A stored fact does not follow from the ones before it.
    Stored {
        /// Its position in the list.
        index: usize,
        /// Why.
        error: Box<LedgerError>,
    },
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "(none)".into());
        match self {
            Self::WrongKind { expected, found } => {
                write!(f, "needs a {expected}, found {}", opt(found))
            }
            Self::NotApproved => f.write_str("the transaction is not approved"),
            Self::OtherOrder { found } => {
                write!(
                    f,
                    "the transaction belongs to merchant_txn_ref {}",
                    opt(found)
                )
            }
            Self::OtherAmount {
                expected,
                found: Some(found),
            } => write!(f, "needs {expected}, found {found}"),
            Self::OtherAmount {
                expected,
                found: None,
            } => write!(f, "needs {expected}, found no amount"),
            Self::NoTransactionId => f.write_str("the transaction names no id"),
            Self::AlreadyRecorded { transaction } => {
                write!(f, "transaction {transaction} is already recorded")
            }
            Self::DuplicateReference { reference } => {
                write!(f, "reference `{reference}` is already used (or empty)")
            }
            Self::NotPositive => f.write_str("the amount must be more than zero"),
            Self::InFlight { reference } => write!(
                f,
                "call {reference} on this transaction has no answer yet: one at a time"
            ),
            Self::OtherCurrency { expected, found } => {
                write!(f, "the payment is in {expected}, the refund in {found}")
            }
            Self::MoreThanRefundable { refundable, asked } => write!(
                f,
                "{asked} asked, {refundable} refundable (refunds in doubt count as applied)"
            ),
            Self::NotAPayment { transaction } => {
                write!(f, "{transaction} is not a payment of this order")
            }
            Self::NotAnAuthorisation { transaction } => {
                write!(f, "{transaction} is not an authorisation of this order")
            }
            Self::AlreadyCaptured { transaction } => {
                write!(f, "{transaction} is captured, or may be")
            }
            Self::UnknownAttempt { reference } => write!(f, "no call with reference {reference}"),
            Self::AlreadyAnswered { reference } => {
                write!(f, "call {reference} already has its result")
            }
            Self::AlreadyFulfilled { by } => write!(f, "already fulfilled (paid by {by})"),
            Self::NotTheFulfillingPayment { transaction } => {
                write!(f, "{transaction} is not the order's first payment")
            }
            Self::NothingToFulfil => f.write_str("no payment to fulfil"),
            Self::Request(e) => write!(f, "the request is invalid: {e}"),
            Self::Stored { index, error } => write!(f, "stored fact #{index}: {error}"),
        }
    }
}

impl std::error::Error for LedgerError {}
