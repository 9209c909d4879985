//! Is this order paid, and by which transaction? A confirmation that a forged or careless
//! notification cannot fool.
//!
//! A notification is unsigned: its only use is the transaction id it claims. The library reads
//! that transaction's status with the merchant's key and decides from the status alone:
//!
//! - [`Confirmation::Paid`]: an approved payment (`CAPTURE`, which is also what a stored-card
//!   payment creates) of **this** order (its own `merchant_txn_ref`), of this merchant (when
//!   the client has a merchant id), in the client's environment (`is_live`), of exactly the
//!   order's amount and currency;
//! - [`Confirmation::Authorised`]: the same for a `PRE_AUTH`, only when the caller asked for
//!   authorisations ([`ExpectedPayment::or_authorised`]); an authorisation is not money;
//! - [`Confirmation::NotPaid`]: decided: do not fulfil, with a typed [`NotPaidReason`];
//! - an error: **could not decide** (the status could not be read, or it says something the
//!   library cannot vouch for: [`Undecided`]). Keep the claim and ask again later; never
//!   fulfil, never cancel the order on it.

use std::fmt;

use crate::error::Error;
use crate::money::Money;
use crate::transaction::{Outcome, Transaction, TransactionKind, code_fits_kind};

/// What a payment must be to pay an order: the order's reference (the `merchant_txn_ref` its
/// link was created with) and its exact amount.
///
/// ```
/// use paymentoptions_hpp::{Currency, ExpectedPayment, Money};
///
/// let order = ExpectedPayment::new("ORDER-1001", Money::from_major(1000, Currency::JPY)?);
/// assert_eq!(order.merchant_txn_ref(), "ORDER-1001");
/// assert!(!order.accepts_authorisation());
/// assert!(order.or_authorised().accepts_authorisation());
/// # Ok::<(), paymentoptions_hpp::ValidationError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedPayment {
    merchant_txn_ref: String,
    amount: Money,
    authorisation: bool,
}

impl ExpectedPayment {
    /// The order `merchant_txn_ref`, to be paid exactly `amount`.
    pub fn new(merchant_txn_ref: impl Into<String>, amount: Money) -> Self {
        Self {
            merchant_txn_ref: merchant_txn_ref.into(),
            amount,
            authorisation: false,
        }
    }

    /// Also accept an approved pre-auth, as [`Confirmation::Authorised`] (never as paid): for
    /// shops that capture later. PaymentOptions documents no status change after a void, so a
    /// voided pre-auth may still read as authorised: keep your own record of voids.
    #[must_use]
    pub fn or_authorised(mut self) -> Self {
        self.authorisation = true;
        self
    }

    /// The order's reference.
    pub fn merchant_txn_ref(&self) -> &str {
        &self.merchant_txn_ref
    }

    /// The order's amount.
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// Whether a pre-auth is accepted (as authorised).
    pub fn accepts_authorisation(&self) -> bool {
        self.authorisation
    }
}

/// A decided answer to "is this order paid?". An undecided one is an error
/// ([`Error::Undecided`], or the error that kept the status from being read).
#[derive(Clone, Debug, PartialEq)]
#[must_use]
#[non_exhaustive]
pub enum Confirmation {
    /// An approved payment of the order, of exactly its amount: fulfil (once).
    Paid(Confirmed),
    /// An approved pre-auth of the order, of exactly its amount (only when asked for):
    /// capture or void it; not money yet.
    Authorised(Confirmed),
    /// Not a payment of this order: do not fulfil.
    NotPaid(NotPaid),
}

impl Confirmation {
    /// `true` only for [`Confirmation::Paid`].
    pub fn is_paid(&self) -> bool {
        matches!(self, Self::Paid(_))
    }

    /// The transaction the decision was made on.
    pub fn transaction(&self) -> &Transaction {
        match self {
            Self::Paid(t) | Self::Authorised(t) => &t.0,
            Self::NotPaid(n) => &n.transaction,
        }
    }
}

/// A transaction the library confirmed for an order (every check of
/// [`Client::check_payment`](crate::Client::check_payment) passed). Only the library makes one,
/// so that whoever receives a [`Confirmation`] (the [`ledger`](crate::ledger), say) can trust
/// it; it reads as the [`Transaction`] it wraps.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirmed(pub(crate) Transaction);

impl Confirmed {
    /// The transaction.
    pub fn transaction(&self) -> &Transaction {
        &self.0
    }

    /// The transaction, by value.
    pub fn into_transaction(self) -> Transaction {
        self.0
    }
}

impl std::ops::Deref for Confirmed {
    type Target = Transaction;

    fn deref(&self) -> &Transaction {
        &self.0
    }
}

impl fmt::Display for Confirmed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A transaction that does not pay the order, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct NotPaid {
    reason: NotPaidReason,
    transaction: Transaction,
}

impl NotPaid {
    /// Why it does not pay the order.
    pub fn reason(&self) -> &NotPaidReason {
        &self.reason
    }

    /// The transaction as its status reads.
    pub fn transaction(&self) -> &Transaction {
        &self.transaction
    }
}

impl fmt::Display for NotPaid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "transaction {} does not pay the order: {}",
            self.transaction.id().unwrap_or("-"),
            self.reason
        )
    }
}

/// Why a transaction does not pay an order. Each is decided from the status, not from a
/// notification's claims.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotPaidReason {
    /// The status answer is for another transaction than the one asked about.
    OtherTransaction {
        /// The id in the answer, if any.
        found: Option<String>,
    },
    /// The transaction is another merchant's (`merchant_details.mid` differs from the
    /// client's merchant id).
    OtherMerchant {
        /// The merchant id in the answer.
        found: String,
    },
    /// The transaction is another order's (its own `merchant_txn_ref` differs, or is absent).
    OtherOrder {
        /// Its `merchant_txn_ref`, if any.
        found: Option<String>,
    },
    /// A test transaction for a live client, or a live one for a test client.
    OtherEnvironment {
        /// The transaction's `is_live`.
        live: bool,
    },
    /// A refund, a void, or a pre-auth when authorisations were not asked for.
    NotAPayment {
        /// Its kind.
        kind: TransactionKind,
    },
    /// Declined (see [`Outcome`]).
    Declined(Outcome),
    /// Money moved, but not the order's amount (a documented partial approval): neither paid
    /// nor declined. Give it back (a refund of what was collected) or ask for the rest.
    PartiallyApproved {
        /// The response code.
        response_code: i64,
        /// What the status says was collected, if it says.
        collected: Option<Money>,
    },
    /// Approved, but of another amount or currency than the order's (or none).
    OtherAmount {
        /// What the status says, if it says.
        found: Option<Money>,
    },
}

impl fmt::Display for NotPaidReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "(none)".into());
        match self {
            Self::OtherTransaction { found } => {
                write!(f, "the status answer is for transaction {}", or_none(found))
            }
            Self::OtherMerchant { found } => write!(f, "it is merchant {found}'s"),
            Self::OtherOrder { found } => {
                write!(f, "it belongs to merchant_txn_ref {}", or_none(found))
            }
            Self::OtherEnvironment { live: true } => {
                f.write_str("it is a live transaction, and this client is not live")
            }
            Self::OtherEnvironment { live: false } => {
                f.write_str("it is a test transaction, and this client is live")
            }
            Self::NotAPayment { kind } => write!(f, "it is a {kind}, not a payment"),
            Self::Declined(outcome) => write!(f, "it is {outcome}"),
            Self::PartiallyApproved {
                response_code,
                collected,
            } => {
                write!(f, "partially approved (response code {response_code})")?;
                match collected {
                    Some(m) => write!(f, ", {m} collected: give it back or ask for the rest"),
                    None => f.write_str(": give back what was collected or ask for the rest"),
                }
            }
            Self::OtherAmount { found: Some(m) } => write!(f, "it is of {m}"),
            Self::OtherAmount { found: None } => f.write_str("its status names no amount"),
        }
    }
}

/// The status could be read, but the library cannot decide on it: keep the claim, do not
/// fulfil, do not cancel, and ask again later ([`Error::Undecided`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Undecided {
    transaction_id: String,
    reason: UndecidedReason,
    transaction: Option<Transaction>,
}

impl Undecided {
    /// The id that was asked about.
    pub fn transaction_id(&self) -> &str {
        &self.transaction_id
    }

    /// Why no decision was made.
    pub fn reason(&self) -> &UndecidedReason {
        &self.reason
    }

    /// The transaction as its status reads, when it could be read.
    pub fn transaction(&self) -> Option<&Transaction> {
        self.transaction.as_ref()
    }
}

impl fmt::Display for Undecided {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "transaction {} is not decided: {}",
            self.transaction_id, self.reason
        )
    }
}

impl std::error::Error for Undecided {}

/// Why the status could not decide.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UndecidedReason {
    /// The status call answered 404. A notification may arrive before the status call can
    /// see its transaction, and PaymentOptions documents no delay: this is not proof of
    /// forgery. Ask again with a growing delay (seconds at first, then minutes) for a day,
    /// and only then hand the claim to a person.
    NotFoundYet,
    /// A kind of transaction the library does not know (a wallet's, say), or none: neither
    /// accepted nor refused.
    UnknownKind {
        /// The `transaction_type`, if any.
        kind: Option<String>,
    },
    /// The status does not say whether it was approved ([`Outcome::Unknown`]).
    UnknownOutcome,
    /// The status carries a documented success code of another kind of transaction
    /// (`INFO0002`, refunded, on a payment): a later change the documentation does not
    /// describe.
    CodeOfAnotherKind {
        /// The gateway code.
        gateway_code: String,
    },
    /// A live client, and the status does not say `is_live`: a missing `is_live` never
    /// counts as live.
    LiveModeNotStated,
}

impl fmt::Display for UndecidedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFoundYet => f.write_str(
                "the status call does not know it (404) yet; not proof of forgery: ask again \
                 with a growing delay for a day before handing the claim to a person",
            ),
            Self::UnknownKind { kind: Some(kind) } => {
                write!(f, "its kind `{kind}` is not one this library can vouch for")
            }
            Self::UnknownKind { kind: None } => f.write_str("its status names no kind"),
            Self::UnknownOutcome => f.write_str("its status says neither approved nor declined"),
            Self::CodeOfAnotherKind { gateway_code } => write!(
                f,
                "its status carries {gateway_code}, a code of another kind of transaction"
            ),
            Self::LiveModeNotStated => {
                f.write_str("its status does not say is_live, and this client is live")
            }
        }
    }
}

/// What the client knows about itself that a confirmation checks.
pub(crate) struct ClientFacts<'a> {
    pub(crate) merchant_id: Option<&'a str>,
    pub(crate) live: bool,
}

/// The whole decision, on a transaction read from the status call for `asked_id`.
pub(crate) fn decide(
    asked_id: &str,
    transaction: Transaction,
    expected: &ExpectedPayment,
    client: &ClientFacts<'_>,
) -> Result<Confirmation, Error> {
    let undecided = |reason, transaction| {
        Error::Undecided(Box::new(Undecided {
            transaction_id: asked_id.to_string(),
            reason,
            transaction: Some(transaction),
        }))
    };
    let not_paid = |reason, transaction| {
        Ok(Confirmation::NotPaid(NotPaid {
            reason,
            transaction,
        }))
    };
    // Whose transaction is it? Checked first: another order's payment is never this one's,
    // whatever its outcome.
    if transaction.id() != Some(asked_id) {
        let found = transaction.id().map(str::to_string);
        return not_paid(NotPaidReason::OtherTransaction { found }, transaction);
    }
    let mid = transaction
        .envelope()
        .merchant_details
        .as_ref()
        .and_then(|m| m.mid.as_deref());
    if let (Some(ours), Some(theirs)) = (client.merchant_id, mid)
        && ours != theirs
    {
        let found = theirs.to_string();
        return not_paid(NotPaidReason::OtherMerchant { found }, transaction);
    }
    if transaction.merchant_txn_ref() != Some(expected.merchant_txn_ref()) {
        let found = transaction.merchant_txn_ref().map(str::to_string);
        return not_paid(NotPaidReason::OtherOrder { found }, transaction);
    }
    match (transaction.is_live(), client.live) {
        (Some(live), ours) if live != ours => {
            return not_paid(NotPaidReason::OtherEnvironment { live }, transaction);
        }
        (None, true) => return Err(undecided(UndecidedReason::LiveModeNotStated, transaction)),
        _ => {}
    }
    let authorisation = match transaction.kind() {
        Some(TransactionKind::Capture) => false,
        Some(TransactionKind::PreAuth) if expected.accepts_authorisation() => true,
        Some(
            kind @ (TransactionKind::PreAuth | TransactionKind::Refund | TransactionKind::Void),
        ) => {
            return not_paid(NotPaidReason::NotAPayment { kind }, transaction);
        }
        Some(TransactionKind::Other(kind)) => {
            let kind = Some(kind);
            return Err(undecided(
                UndecidedReason::UnknownKind { kind },
                transaction,
            ));
        }
        None => {
            return Err(undecided(
                UndecidedReason::UnknownKind { kind: None },
                transaction,
            ));
        }
    };
    match transaction.outcome() {
        Outcome::Approved => {}
        Outcome::PartiallyApproved { response_code } => {
            let collected = transaction.amount();
            let reason = NotPaidReason::PartiallyApproved {
                response_code,
                collected,
            };
            return not_paid(reason, transaction);
        }
        outcome @ Outcome::Declined { .. } => {
            return not_paid(NotPaidReason::Declined(outcome), transaction);
        }
        _ => return Err(undecided(UndecidedReason::UnknownOutcome, transaction)),
    }
    let kind = transaction.kind().expect("matched above");
    if !code_fits_kind(transaction.envelope(), kind.as_str()) {
        let gateway_code = transaction
            .envelope()
            .gateway_response
            .as_ref()
            .and_then(|g| g.code.clone())
            .unwrap_or_default();
        let reason = UndecidedReason::CodeOfAnotherKind { gateway_code };
        return Err(undecided(reason, transaction));
    }
    if transaction.amount() != Some(expected.amount()) {
        let found = transaction.amount();
        return not_paid(NotPaidReason::OtherAmount { found }, transaction);
    }
    Ok(if authorisation {
        Confirmation::Authorised(Confirmed(transaction))
    } else {
        Confirmation::Paid(Confirmed(transaction))
    })
}

/// The error for a status call that does not know the id (404): undecided, not forged.
pub(crate) fn not_found_yet(asked_id: &str) -> Error {
    Error::Undecided(Box::new(Undecided {
        transaction_id: asked_id.to_string(),
        reason: UndecidedReason::NotFoundYet,
        transaction: None,
    }))
}
