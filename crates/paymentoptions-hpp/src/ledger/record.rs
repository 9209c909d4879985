//! Recording: facts made from the library's own values (a confirmation, a prepared call, the
//! call's result), each checked against the order before it is kept.

use paymentoptions_hpp_client::api;

use super::fact::{Amount, Event, Fact, Operation, Stage};
use super::{Ledger, LedgerError};
use crate::confirmation::Confirmation;
use crate::error::Error;
use crate::generated::requests::{CaptureRequest, RefundRequest};
use crate::money::Money;
use crate::transaction::{Transaction, TransactionKind, code_fits_kind};

/// What recording changed: the new fact to store (none for a repeat), and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct Recorded {
    /// The new fact, to append to storage; `None` when nothing new was learnt.
    pub fact: Option<Fact>,
    /// What to do now.
    pub action: Action,
}

/// What a recorded fact asks of the shop.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Nothing (a repeat, a refusal, a payment that does not pay the order...).
    None,
    /// The order's first payment: fulfil the order (once: see the module docs).
    Fulfil {
        /// The payment's transaction id.
        payment: String,
    },
    /// A further payment of an order already paid: give it back (a person decides how; the
    /// library never refunds it on its own, and never fulfils it).
    GiveBack {
        /// The payment's transaction id (the refund's target).
        payment: String,
        /// What it collected.
        amount: Money,
    },
    /// An authorisation of the order: capture or void it; not money yet.
    CaptureOrVoid {
        /// The pre-auth's transaction id.
        authorisation: String,
    },
    /// The call may have moved money: do not send it again; ask the back office about
    /// `reference`, then [`Ledger::resolve_applied`] or [`Ledger::resolve_not_applied`].
    AskBackOffice {
        /// The operation reference.
        reference: String,
    },
}

/// A money call recorded as attempted: store [`fact`](Self::fact) first, then send
/// [`request`](Self::request) (its `notes` carry [`reference`](Self::reference)), then
/// [`Ledger::record_result`].
#[derive(Clone, Debug)]
#[must_use]
pub struct Prepared<R> {
    fact: Fact,
    request: R,
    reference: String,
}

impl<R> Prepared<R> {
    /// The attempt, to store before sending.
    pub fn fact(&self) -> &Fact {
        &self.fact
    }

    /// The request to send.
    pub fn request(&self) -> &R {
        &self.request
    }

    /// The operation reference (the request's `notes`).
    pub fn reference(&self) -> &str {
        &self.reference
    }
}

fn recorded(fact: Fact, action: Action) -> Recorded {
    Recorded {
        fact: Some(fact),
        action,
    }
}

impl Ledger {
    /// Records a confirmation of this order. The transaction is checked again against the
    /// order (kind, approval, `merchant_txn_ref`, exact amount): a [`Confirmation`] of
    /// another order or amount is refused. The environment and merchant are the client's
    /// checks: confirm with [`Client::confirm_payment`](crate::Client::confirm_payment) or
    /// [`Client::check_payment`](crate::Client::check_payment). A repeat records nothing.
    pub fn record_confirmation(
        &mut self,
        confirmation: &Confirmation,
    ) -> Result<Recorded, LedgerError> {
        let (kind, make): (_, fn(String, Amount) -> Event) = match confirmation {
            Confirmation::Paid(_) => (TransactionKind::Capture, |transaction, amount| {
                Event::Paid {
                    transaction,
                    amount,
                }
            }),
            Confirmation::Authorised(_) => (TransactionKind::PreAuth, |transaction, amount| {
                Event::Authorised {
                    transaction,
                    amount,
                }
            }),
            Confirmation::NotPaid(_) => {
                return Ok(Recorded {
                    fact: None,
                    action: Action::None,
                });
            }
        };
        let transaction = confirmation.transaction();
        let (id, amount) = self.check_of_order(transaction, &kind)?;
        let repeat = match kind {
            TransactionKind::Capture => self.state.payment(&id).is_some(),
            _ => self
                .state
                .authorisations
                .iter()
                .any(|a| a.transaction == id),
        };
        if repeat {
            return Ok(Recorded {
                fact: None,
                action: Action::None,
            });
        }
        let fact = self.push(Fact(make(id.clone(), Amount(amount))))?;
        let action = match kind {
            TransactionKind::Capture => self.payment_action(&id),
            _ => Action::CaptureOrVoid { authorisation: id },
        };
        Ok(recorded(fact, action))
    }

    /// Fulfil for the first payment, give back any other.
    fn payment_action(&self, id: &str) -> Action {
        match self.state.payments.iter().position(|p| p.transaction == id) {
            Some(0) => Action::Fulfil {
                payment: id.to_string(),
            },
            Some(i) => Action::GiveBack {
                payment: id.to_string(),
                amount: self.state.payments[i].amount,
            },
            None => Action::None,
        }
    }

    /// An approved transaction of `kind`, of this order, for exactly its amount.
    fn check_of_order(
        &self,
        t: &Transaction,
        kind: &TransactionKind,
    ) -> Result<(String, Money), LedgerError> {
        if t.kind().as_ref() != Some(kind) {
            return Err(LedgerError::WrongKind {
                expected: kind.as_str().to_string(),
                found: t.kind().map(|k| k.as_str().to_string()),
            });
        }
        // A success code of another kind (`INFO0002` on a payment) is not its approval.
        if !t.outcome().is_approved() || !code_fits_kind(t.envelope(), kind.as_str()) {
            return Err(LedgerError::NotApproved);
        }
        if t.merchant_txn_ref() != Some(self.merchant_txn_ref()) {
            return Err(LedgerError::OtherOrder {
                found: t.merchant_txn_ref().map(str::to_string),
            });
        }
        if t.amount() != Some(self.order_amount()) {
            return Err(LedgerError::OtherAmount {
                expected: self.order_amount(),
                found: t.amount(),
            });
        }
        let id = t
            .id()
            .filter(|i| !i.is_empty())
            .ok_or(LedgerError::NoTransactionId)?;
        Ok((id.to_string(), self.order_amount()))
    }

    /// Records a refund of `amount` from the payment `payment` as attempted, and gives the
    /// request to send. Refused: a transaction that is not a payment of this order (a
    /// pre-auth: refund its capture), another currency, more than is refundable from it, or
    /// while another call on it has no answer.
    pub fn prepare_refund(
        &mut self,
        payment: &str,
        amount: Money,
    ) -> Result<Prepared<RefundRequest>, LedgerError> {
        // Built first: a request that cannot be built must leave no attempt behind.
        let reference = crate::money_call::new_reference();
        let request = RefundRequest::builder()
            .transaction_id(payment)
            .amount(amount)
            .notes(reference.clone())
            .build()
            .map_err(LedgerError::Request)?;
        self.attempt(Operation::Refund, payment, amount, request, reference)
    }

    /// Records a capture of the whole of the order's authorisation `authorisation` as
    /// attempted, and gives the request to send. Once applied, the capture (not the pre-auth)
    /// is the payment that refunds target.
    pub fn prepare_capture(
        &mut self,
        authorisation: &str,
    ) -> Result<Prepared<CaptureRequest>, LedgerError> {
        let amount = self
            .state
            .authorisations
            .iter()
            .find(|a| a.transaction == authorisation)
            .map(|a| a.amount)
            .ok_or_else(|| LedgerError::NotAnAuthorisation {
                transaction: authorisation.to_string(),
            })?;
        let reference = crate::money_call::new_reference();
        let request = CaptureRequest::builder()
            .transaction_id(authorisation)
            .amount(amount)
            .notes(reference.clone())
            .build()
            .map_err(LedgerError::Request)?;
        self.attempt(
            Operation::Capture,
            authorisation,
            amount,
            request,
            reference,
        )
    }

    /// Records the result of the call prepared as `reference`: applied (an approved
    /// transaction of the kind the call creates, for the amount sent), refused, not sent
    /// (an error the library says moved nothing), or in doubt (anything else, including an
    /// answer that does not match the attempt).
    pub fn record_result(
        &mut self,
        reference: &str,
        result: &Result<Transaction, Error>,
    ) -> Result<Recorded, LedgerError> {
        let attempt =
            self.state
                .attempts
                .get(reference)
                .ok_or_else(|| LedgerError::UnknownAttempt {
                    reference: reference.to_string(),
                })?;
        if attempt.stage != Stage::Pending {
            return Err(LedgerError::AlreadyAnswered {
                reference: reference.to_string(),
            });
        }
        let (creates, op_id) = match attempt.operation {
            Operation::Refund => (TransactionKind::Refund, api::REFUND_TRANSACTION.id),
            Operation::Capture => (TransactionKind::Capture, api::CAPTURE_TRANSACTION.id),
        };
        let reference = reference.to_string();
        let in_doubt = Event::InDoubt {
            reference: reference.clone(),
        };
        let event = match result {
            Ok(t) => {
                let id = t.id().filter(|i| !i.is_empty());
                let what_was_asked = t.kind() == Some(creates.clone())
                    && code_fits_kind(t.envelope(), creates.as_str())
                    && t.outcome().is_approved()
                    && t.amount() == Some(attempt.amount);
                match id {
                    Some(id) if what_was_asked && !self.state.knows_transaction(id) => {
                        Event::Applied {
                            reference: reference.clone(),
                            transaction: id.to_string(),
                        }
                    }
                    _ => in_doubt,
                }
            }
            Err(Error::Refused(r)) if r.operation() == op_id => Event::Refused {
                reference: reference.clone(),
                code: r.gateway_code().map(str::to_string),
            },
            Err(Error::Refused(_) | Error::InDoubt(_)) => in_doubt,
            Err(_) => Event::NotSent {
                reference: reference.clone(),
            },
        };
        self.push_result(event, &reference)
    }

    /// Records `request`, which carries `reference`, as an attempt of `operation` on `target`.
    fn attempt<R>(
        &mut self,
        operation: Operation,
        target: &str,
        amount: Money,
        request: R,
        reference: String,
    ) -> Result<Prepared<R>, LedgerError> {
        let fact = self.push(Fact(Event::Attempted {
            reference: reference.clone(),
            operation,
            target: target.to_string(),
            amount: Amount(amount),
        }))?;
        Ok(Prepared {
            fact,
            request,
            reference,
        })
    }

    fn push_result(&mut self, event: Event, reference: &str) -> Result<Recorded, LedgerError> {
        let fact = self.push(Fact(event))?;
        let action = match &fact.0 {
            Event::InDoubt { .. } => Action::AskBackOffice {
                reference: reference.to_string(),
            },
            Event::Applied { transaction, .. } | Event::ResolvedApplied { transaction, .. } => {
                self.payment_action(transaction)
            }
            _ => Action::None,
        };
        Ok(recorded(fact, action))
    }

    /// Records that the call `reference`, recorded as attempted, has no answer and surely is
    /// not running any more (its process died): it is in doubt.
    pub fn record_lost(&mut self, reference: &str) -> Result<Recorded, LedgerError> {
        let event = Event::InDoubt {
            reference: reference.to_string(),
        };
        self.push_result(event, reference)
    }

    /// Records the back office's answer that the call `reference` was applied, as
    /// `transaction_id`.
    pub fn resolve_applied(
        &mut self,
        reference: &str,
        transaction_id: &str,
    ) -> Result<Recorded, LedgerError> {
        let event = Event::ResolvedApplied {
            reference: reference.to_string(),
            transaction: transaction_id.to_string(),
        };
        self.push_result(event, reference)
    }

    /// Records the back office's answer that the call `reference` was not applied: its
    /// amount is refundable (or its authorisation capturable) again.
    pub fn resolve_not_applied(&mut self, reference: &str) -> Result<Recorded, LedgerError> {
        let event = Event::ResolvedNotApplied {
            reference: reference.to_string(),
        };
        self.push_result(event, reference)
    }
}
