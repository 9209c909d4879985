//! An order's money as recorded facts, with every state derived from them.
//!
//! A shop keeps the [`Fact`]s a [`Ledger`] hands out (append-only, in order) and never a state
//! of its own: whether to fulfil, what was collected, what was refunded, what may have been,
//! and what is in doubt are all read from the facts. Facts serialize (`serde`) for storage;
//! they load back only through [`Ledger::from_facts`], which replays each one through the
//! same checks as when it was recorded, so an edited or reordered list does not load.
//!
//! - A fact of a payment comes only from a [`Confirmation`](crate::Confirmation) (checked again against the order:
//!   its kind, its approval, its `merchant_txn_ref`, its exact amount), or from an applied
//!   capture of the order's authorisation.
//! - A money call is recorded **before** it is sent ([`Ledger::prepare_refund`],
//!   [`Ledger::prepare_capture`]): the prepared request carries the attempt's reference in its
//!   `notes`, which is the reference the call uses (and an in-doubt error reports). Its result
//!   is then recorded as applied, refused, not sent or in doubt ([`Ledger::record_result`]).
//!   An attempt without a result counts as possibly applied until one is recorded.
//! - Refunds target a payment: a captured transaction, never the pre-auth it captured. One
//!   refund at a time per payment; the refundable amount is what was collected less the
//!   refunds confirmed and those possibly applied.
//! - The first payment fulfils the order ([`Action::Fulfil`]), once. A further approved
//!   payment of the same order (a second link, a second tab) is [`Action::GiveBack`]: a
//!   person decides how to return it; it is never fulfilled again, nor refunded on its own.
//!
//! A ledger is one process's view. **Fulfilling once across processes is the database's
//! job**: store the facts in a transaction that also re-reads them, and fulfil through a
//! conditional update (`UPDATE orders SET paid_by = ? WHERE id = ? AND paid_by IS NULL`)
//! whose row count says which process won. `examples/merchant_server.rs` does so in SQLite.
//!
//! ```
//! use paymentoptions_hpp::ledger::{Fulfilment, Ledger};
//! use paymentoptions_hpp::{Currency, ExpectedPayment, Money};
//!
//! let order = ExpectedPayment::new("ORDER-1", Money::from_major(1000, Currency::JPY)?);
//! let ledger = Ledger::new(&order);
//! assert_eq!(ledger.fulfilment(), Fulfilment::Unpaid);
//! assert_eq!(ledger.refundable().minor_units(), 0);
//! // Storage round trip: facts out, facts back in (re-checked).
//! let json = serde_json::to_string(ledger.facts())?;
//! let again = Ledger::from_facts(&order, serde_json::from_str::<Vec<_>>(&json)?)?;
//! assert_eq!(again.collected(), ledger.collected());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod fact;
mod record;
#[cfg(test)]
mod tests;

use crate::confirmation::ExpectedPayment;
use crate::money::Money;

pub use error::LedgerError;
use fact::{Event, Stage, State};
pub use fact::{Fact, Operation};
pub use record::{Action, Prepared, Recorded};

/// The facts of one order's money, and what follows from them.
#[derive(Clone, Debug)]
pub struct Ledger {
    state: State,
    facts: Vec<Fact>,
}

/// Whether to fulfil the order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fulfilment {
    /// No confirmed payment.
    Unpaid,
    /// Paid by `payment` and not yet fulfilled: fulfil, then [`Ledger::record_fulfilled`].
    Due {
        /// The payment's transaction id.
        payment: String,
    },
    /// Fulfilled, on `payment`.
    Done {
        /// The payment's transaction id.
        payment: String,
    },
}

/// A payment of the order: the transaction a refund targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// The captured transaction's id.
    pub transaction_id: String,
    /// What it collected.
    pub amount: Money,
    /// What can still be refunded from it.
    pub refundable: Money,
}

/// A money call that may have moved money: its answer was in doubt or lost, or it has no
/// recorded answer yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doubt {
    /// The operation reference (the request's `notes`): quote it to the back office.
    pub reference: String,
    /// Refund or capture.
    pub operation: Operation,
    /// The transaction it acted on.
    pub target: String,
    /// The amount sent.
    pub amount: Money,
    /// `true` when no answer was recorded at all: it may still be running, or its process
    /// died; [`Ledger::record_lost`] once it surely is not running.
    pub unanswered: bool,
}

impl Ledger {
    /// An order with no facts yet.
    pub fn new(order: &ExpectedPayment) -> Self {
        Self {
            state: State::new(order.merchant_txn_ref().to_string(), order.amount()),
            facts: Vec::new(),
        }
    }

    /// The ledger of `order` from stored facts, each checked again in order. A list the
    /// library would not have produced for this order (another order's payment, an edited
    /// amount, a result before its attempt, a duplicate) is refused, naming the first bad
    /// fact.
    pub fn from_facts(
        order: &ExpectedPayment,
        facts: impl IntoIterator<Item = Fact>,
    ) -> Result<Self, LedgerError> {
        let mut ledger = Self::new(order);
        for (index, fact) in facts.into_iter().enumerate() {
            ledger.push(fact).map_err(|error| LedgerError::Stored {
                index,
                error: Box::new(error),
            })?;
        }
        Ok(ledger)
    }

    /// Every fact, in the order recorded: what to store.
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// The order's reference.
    pub fn merchant_txn_ref(&self) -> &str {
        &self.state.order_ref
    }

    /// The order's amount.
    pub fn order_amount(&self) -> Money {
        self.state.order_amount
    }

    pub(crate) fn push(&mut self, fact: Fact) -> Result<Fact, LedgerError> {
        self.state.apply(&fact.0)?;
        self.facts.push(fact.clone());
        Ok(fact)
    }

    /// Whether to fulfil: the first payment fulfils, once.
    pub fn fulfilment(&self) -> Fulfilment {
        match (&self.state.fulfilled_by, self.state.payments.first()) {
            (Some(by), _) => Fulfilment::Done {
                payment: by.clone(),
            },
            (None, Some(first)) => Fulfilment::Due {
                payment: first.transaction.clone(),
            },
            (None, None) => Fulfilment::Unpaid,
        }
    }

    /// Records that the order was fulfilled on its first payment. Fails when nothing is
    /// due (unpaid, or already fulfilled).
    pub fn record_fulfilled(&mut self) -> Result<Fact, LedgerError> {
        match self.fulfilment() {
            Fulfilment::Due { payment } => self.push(Fact(Event::Fulfilled { by: payment })),
            Fulfilment::Done { payment } => Err(LedgerError::AlreadyFulfilled { by: payment }),
            Fulfilment::Unpaid => Err(LedgerError::NothingToFulfil),
        }
    }

    fn money(&self, minor: i64) -> Money {
        let currency = self.state.order_amount.currency();
        Money::from_minor(minor.max(0), currency).expect("a sum of amounts that fit")
    }

    /// Every payment of the order, the fulfilling one first.
    pub fn payments(&self) -> Vec<Payment> {
        self.state
            .payments
            .iter()
            .map(|p| Payment {
                transaction_id: p.transaction.clone(),
                amount: p.amount,
                refundable: self.money(self.state.refundable_from(p)),
            })
            .collect()
    }

    /// Everything collected: the sum of the payments.
    pub fn collected(&self) -> Money {
        self.money(
            self.state
                .payments
                .iter()
                .map(|p| p.amount.minor_units())
                .sum(),
        )
    }

    /// Refunds confirmed applied.
    pub fn refunded(&self) -> Money {
        self.money(self.sum_refunds(|(confirmed, _)| confirmed))
    }

    /// Refunds that may have been applied: confirmed, in doubt, or without an answer yet.
    pub fn refunds_possible(&self) -> Money {
        self.money(self.sum_refunds(|(confirmed, possible)| confirmed + possible))
    }

    /// What can still be refunded: collected less the refunds possibly applied.
    pub fn refundable(&self) -> Money {
        let left = self
            .state
            .payments
            .iter()
            .map(|p| self.state.refundable_from(p))
            .sum();
        self.money(left)
    }

    fn sum_refunds(&self, pick: impl Fn((i64, i64)) -> i64) -> i64 {
        self.state
            .payments
            .iter()
            .map(|p| pick(self.state.refunds_of(&p.transaction)))
            .sum()
    }

    /// The money calls that may have moved money and are not confirmed either way.
    pub fn in_doubt(&self) -> Vec<Doubt> {
        self.state
            .attempt_order
            .iter()
            .filter_map(|reference| {
                let a = &self.state.attempts[reference];
                matches!(a.stage, Stage::Pending | Stage::InDoubt).then(|| Doubt {
                    reference: reference.clone(),
                    operation: a.operation,
                    target: a.target.clone(),
                    amount: a.amount,
                    unanswered: a.stage == Stage::Pending,
                })
            })
            .collect()
    }

    /// The payments beyond the fulfilling one that are not yet given back (less what was
    /// refunded, or may have been): each is an [`Action::GiveBack`] for a person to settle.
    pub fn to_give_back(&self) -> Vec<Payment> {
        self.payments()
            .into_iter()
            .skip(1)
            .filter(|p| p.refundable.minor_units() > 0)
            .collect()
    }

    /// The authorisations of the order that no capture has applied to (or may have).
    pub fn authorisations(&self) -> Vec<(String, Money)> {
        self.state
            .authorisations
            .iter()
            .filter(|a| {
                !self.state.attempts.values().any(|t| {
                    t.operation == Operation::Capture
                        && t.target == a.transaction
                        && t.stage != Stage::Closed
                })
            })
            .map(|a| (a.transaction.clone(), a.amount))
            .collect()
    }
}
