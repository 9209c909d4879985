//! The facts of an order's money, and the one replay that derives its state from them. Every
//! fact passes through [`State::apply`], whether it is recorded now or loaded from storage: a
//! stored list the library would never have produced does not load.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::LedgerError;
use crate::money::{self, Money};

/// One recorded fact about an order's money. Only [`Ledger`](super::Ledger) makes them;
/// they serialize so that a shop can store them (append-only), and load back only through
/// [`Ledger::from_facts`](super::Ledger::from_facts), which replays and re-checks them all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fact(pub(super) Event);

impl Fact {
    /// The operation reference of a money call's fact (its attempt and its result), if any.
    pub fn reference(&self) -> Option<&str> {
        match &self.0 {
            Event::Attempted { reference, .. }
            | Event::Applied { reference, .. }
            | Event::Refused { reference, .. }
            | Event::NotSent { reference }
            | Event::InDoubt { reference }
            | Event::ResolvedApplied { reference, .. }
            | Event::ResolvedNotApplied { reference } => Some(reference),
            Event::Paid { .. } | Event::Authorised { .. } | Event::Fulfilled { .. } => None,
        }
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Event::Paid {
                transaction,
                amount,
            } => write!(f, "paid {amount} by {transaction}"),
            Event::Authorised {
                transaction,
                amount,
            } => write!(f, "authorised {amount} by {transaction}"),
            Event::Attempted {
                reference,
                operation,
                target,
                amount,
            } => write!(
                f,
                "{operation} of {amount} on {target} attempted ({reference})"
            ),
            Event::Applied {
                reference,
                transaction,
            } => write!(f, "{reference} applied as {transaction}"),
            Event::Refused { reference, code } => {
                write!(f, "{reference} refused")?;
                code.as_ref().map_or(Ok(()), |c| write!(f, " ({c})"))
            }
            Event::NotSent { reference } => write!(f, "{reference} not sent"),
            Event::InDoubt { reference } => write!(f, "{reference} in doubt"),
            Event::ResolvedApplied {
                reference,
                transaction,
            } => write!(f, "{reference} applied as {transaction} (back office)"),
            Event::ResolvedNotApplied { reference } => {
                write!(f, "{reference} not applied (back office)")
            }
            Event::Fulfilled { by } => write!(f, "fulfilled, paid by {by}"),
        }
    }
}

/// The money calls a ledger records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// A refund of a payment (`refund_transaction`).
    Refund,
    /// A capture of an authorisation (`capture_transaction`).
    Capture,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Refund => "refund",
            Self::Capture => "capture",
        })
    }
}

/// Money as stored: minor units and an ISO 4217 code, checked again when loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredMoney", into = "StoredMoney")]
pub(super) struct Amount(pub(super) Money);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredMoney {
    minor_units: i64,
    currency: String,
}

impl From<Amount> for StoredMoney {
    fn from(a: Amount) -> Self {
        Self {
            minor_units: a.0.minor_units(),
            currency: a.0.currency().code().to_string(),
        }
    }
}

impl TryFrom<StoredMoney> for Amount {
    type Error = String;
    fn try_from(s: StoredMoney) -> Result<Self, String> {
        let currency = money::currency(&s.currency).map_err(|e| e.to_string())?;
        Money::from_minor(s.minor_units, currency)
            .map(Amount)
            .map_err(|e| e.to_string())
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum Event {
    /// An approved payment of the order (checked against it): `Confirmation::Paid`.
    Paid { transaction: String, amount: Amount },
    /// An approved pre-auth of the order: `Confirmation::Authorised`.
    Authorised { transaction: String, amount: Amount },
    /// A money call, recorded before it is sent.
    Attempted {
        reference: String,
        operation: Operation,
        target: String,
        amount: Amount,
    },
    /// The call's answer: applied, creating `transaction`.
    Applied {
        reference: String,
        transaction: String,
    },
    /// The call's answer: refused, nothing moved.
    Refused {
        reference: String,
        code: Option<String>,
    },
    /// The call failed before anything was sent.
    NotSent { reference: String },
    /// The call may have moved money (its answer was in doubt, or lost).
    InDoubt { reference: String },
    /// The back office says an attempt in doubt was applied.
    ResolvedApplied {
        reference: String,
        transaction: String,
    },
    /// The back office says an attempt in doubt was not applied.
    ResolvedNotApplied { reference: String },
    /// The order was fulfilled, on the payment `by`.
    Fulfilled { by: String },
}

/// Where a money call stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// Recorded, no answer recorded yet: it may be running, or its process may have died.
    Pending,
    /// In doubt: may have moved money.
    InDoubt,
    Applied,
    /// Refused, not sent, or not applied: nothing moved.
    Closed,
}

#[derive(Clone, Debug)]
pub(super) struct Attempt {
    pub(super) operation: Operation,
    pub(super) target: String,
    pub(super) amount: Money,
    pub(super) stage: Stage,
}

/// A payment of the order (a confirmed capture or stored-card payment, or an applied
/// capture of its authorisation).
#[derive(Clone, Debug)]
pub(super) struct PaymentState {
    pub(super) transaction: String,
    pub(super) amount: Money,
}

#[derive(Clone, Debug)]
pub(super) struct AuthorisationState {
    pub(super) transaction: String,
    pub(super) amount: Money,
}

/// The state derived from the facts, in their order.
#[derive(Clone, Debug)]
pub(super) struct State {
    pub(super) order_ref: String,
    pub(super) order_amount: Money,
    pub(super) payments: Vec<PaymentState>,
    pub(super) authorisations: Vec<AuthorisationState>,
    pub(super) attempts: BTreeMap<String, Attempt>,
    /// Attempt references in the order they were recorded.
    pub(super) attempt_order: Vec<String>,
    pub(super) fulfilled_by: Option<String>,
    /// The transactions money calls created (refunds, captures).
    pub(super) created: Vec<String>,
}

impl State {
    pub(super) fn new(order_ref: String, order_amount: Money) -> Self {
        Self {
            order_ref,
            order_amount,
            payments: Vec::new(),
            authorisations: Vec::new(),
            attempts: BTreeMap::new(),
            attempt_order: Vec::new(),
            fulfilled_by: None,
            created: Vec::new(),
        }
    }

    /// Whether any fact already names this transaction id (payments, authorisations and
    /// the transactions money calls created are all distinct).
    pub(super) fn knows_transaction(&self, id: &str) -> bool {
        self.payments.iter().any(|p| p.transaction == id)
            || self.authorisations.iter().any(|a| a.transaction == id)
            || self.created.iter().any(|c| c == id)
    }

    pub(super) fn payment(&self, id: &str) -> Option<&PaymentState> {
        self.payments.iter().find(|p| p.transaction == id)
    }

    /// Refunds of `payment` in each stage: (confirmed, possibly applied but not confirmed).
    pub(super) fn refunds_of(&self, payment: &str) -> (i64, i64) {
        let mut confirmed = 0;
        let mut possible = 0;
        for a in self.attempts.values() {
            if a.operation != Operation::Refund || a.target != payment {
                continue;
            }
            match a.stage {
                Stage::Applied => confirmed += a.amount.minor_units(),
                Stage::Pending | Stage::InDoubt => possible += a.amount.minor_units(),
                Stage::Closed => {}
            }
        }
        (confirmed, possible)
    }

    /// What can still be refunded from `payment`: its amount less its confirmed and possible
    /// refunds.
    pub(super) fn refundable_from(&self, payment: &PaymentState) -> i64 {
        let (confirmed, possible) = self.refunds_of(&payment.transaction);
        payment.amount.minor_units() - confirmed - possible
    }

    fn pending_on(&self, target: &str) -> Option<&str> {
        self.attempt_order
            .iter()
            .find(|r| {
                self.attempts
                    .get(*r)
                    .is_some_and(|a| a.target == target && a.stage == Stage::Pending)
            })
            .map(String::as_str)
    }

    fn is_order_amount(&self, amount: Money) -> Result<(), LedgerError> {
        if amount == self.order_amount {
            Ok(())
        } else {
            Err(LedgerError::OtherAmount {
                expected: self.order_amount,
                found: Some(amount),
            })
        }
    }

    fn new_transaction(&self, id: &str) -> Result<(), LedgerError> {
        if id.is_empty() {
            return Err(LedgerError::NoTransactionId);
        }
        if self.knows_transaction(id) {
            return Err(LedgerError::AlreadyRecorded {
                transaction: id.to_string(),
            });
        }
        Ok(())
    }

    fn attempt_mut(&mut self, reference: &str) -> Result<&mut Attempt, LedgerError> {
        self.attempts
            .get_mut(reference)
            .ok_or_else(|| LedgerError::UnknownAttempt {
                reference: reference.to_string(),
            })
    }

    /// Applies one fact, or says why the library would never have recorded it here.
    pub(super) fn apply(&mut self, event: &Event) -> Result<(), LedgerError> {
        match event {
            Event::Paid {
                transaction,
                amount,
            } => {
                self.is_order_amount(amount.0)?;
                self.new_transaction(transaction)?;
                self.payments.push(PaymentState {
                    transaction: transaction.clone(),
                    amount: amount.0,
                });
            }
            Event::Authorised {
                transaction,
                amount,
            } => {
                self.is_order_amount(amount.0)?;
                self.new_transaction(transaction)?;
                self.authorisations.push(AuthorisationState {
                    transaction: transaction.clone(),
                    amount: amount.0,
                });
            }
            Event::Attempted {
                reference,
                operation,
                target,
                amount,
            } => self.attempt(reference, *operation, target, amount.0)?,
            Event::Applied {
                reference,
                transaction,
            }
            | Event::ResolvedApplied {
                reference,
                transaction,
            } => {
                let from = if matches!(event, Event::Applied { .. }) {
                    &[Stage::Pending][..]
                } else {
                    &[Stage::Pending, Stage::InDoubt][..]
                };
                self.new_transaction(transaction)?;
                let attempt = self.attempt_mut(reference)?;
                advance(reference, attempt, from, Stage::Applied)?;
                let (operation, amount) = (attempt.operation, attempt.amount);
                self.created.push(transaction.clone());
                if operation == Operation::Capture {
                    self.payments.push(PaymentState {
                        transaction: transaction.clone(),
                        amount,
                    });
                }
            }
            Event::Refused { reference, .. } | Event::NotSent { reference } => {
                let attempt = self.attempt_mut(reference)?;
                advance(reference, attempt, &[Stage::Pending], Stage::Closed)?;
            }
            Event::InDoubt { reference } => {
                let attempt = self.attempt_mut(reference)?;
                advance(reference, attempt, &[Stage::Pending], Stage::InDoubt)?;
            }
            Event::ResolvedNotApplied { reference } => {
                let attempt = self.attempt_mut(reference)?;
                let from = [Stage::Pending, Stage::InDoubt];
                advance(reference, attempt, &from, Stage::Closed)?;
            }
            Event::Fulfilled { by } => {
                if let Some(done) = &self.fulfilled_by {
                    return Err(LedgerError::AlreadyFulfilled { by: done.clone() });
                }
                match self.payments.first() {
                    Some(first) if first.transaction == *by => self.fulfilled_by = Some(by.clone()),
                    _ => {
                        return Err(LedgerError::NotTheFulfillingPayment {
                            transaction: by.clone(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn attempt(
        &mut self,
        reference: &str,
        operation: Operation,
        target: &str,
        amount: Money,
    ) -> Result<(), LedgerError> {
        if reference.is_empty() || self.attempts.contains_key(reference) {
            return Err(LedgerError::DuplicateReference {
                reference: reference.to_string(),
            });
        }
        if amount.minor_units() <= 0 {
            return Err(LedgerError::NotPositive);
        }
        if let Some(running) = self.pending_on(target) {
            return Err(LedgerError::InFlight {
                reference: running.to_string(),
            });
        }
        match operation {
            Operation::Refund => {
                let payment = self
                    .payment(target)
                    .ok_or_else(|| LedgerError::NotAPayment {
                        transaction: target.to_string(),
                    })?;
                if payment.amount.currency() != amount.currency() {
                    return Err(LedgerError::OtherCurrency {
                        expected: payment.amount.currency().code(),
                        found: amount.currency().code(),
                    });
                }
                let refundable = self.refundable_from(payment);
                if amount.minor_units() > refundable {
                    return Err(LedgerError::MoreThanRefundable {
                        refundable: Money::from_minor(refundable.max(0), payment.amount.currency())
                            .expect("a non-negative amount"),
                        asked: amount,
                    });
                }
            }
            Operation::Capture => {
                let auth = self
                    .authorisations
                    .iter()
                    .find(|a| a.transaction == target)
                    .ok_or_else(|| LedgerError::NotAnAuthorisation {
                        transaction: target.to_string(),
                    })?;
                if amount != auth.amount {
                    return Err(LedgerError::OtherAmount {
                        expected: auth.amount,
                        found: Some(amount),
                    });
                }
                let captured = self.attempts.values().any(|a| {
                    a.operation == Operation::Capture
                        && a.target == target
                        && matches!(a.stage, Stage::Applied | Stage::InDoubt)
                });
                if captured {
                    return Err(LedgerError::AlreadyCaptured {
                        transaction: target.to_string(),
                    });
                }
            }
        }
        self.attempts.insert(
            reference.to_string(),
            Attempt {
                operation,
                target: target.to_string(),
                amount,
                stage: Stage::Pending,
            },
        );
        self.attempt_order.push(reference.to_string());
        Ok(())
    }
}

fn advance(
    reference: &str,
    attempt: &mut Attempt,
    from: &[Stage],
    to: Stage,
) -> Result<(), LedgerError> {
    if !from.contains(&attempt.stage) {
        return Err(LedgerError::AlreadyAnswered {
            reference: reference.to_string(),
        });
    }
    attempt.stage = to;
    Ok(())
}
