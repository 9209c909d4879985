//! What a failed money call is: refused (nothing moved) or in doubt (money may have moved).

use std::fmt;
use std::time::SystemTime;

use paymentoptions_hpp_client::api;

use crate::error::{ApiError, Error};
use crate::money::Money;
use crate::transaction::Transaction;

/// A money call whose answer did not say what happened: it may have been applied. Do not send
/// it again; see [`advice`](Self::advice) for what can be done.
#[derive(Debug)]
pub struct InDoubt {
    pub(crate) operation: &'static str,
    pub(crate) target: Option<String>,
    pub(crate) amount: Option<Money>,
    pub(crate) raw_amount: Option<i64>,
    pub(crate) sent_at: SystemTime,
    pub(crate) reference: String,
    pub(crate) cause: InDoubtCause,
}

/// What left a money call in doubt.
#[derive(Debug)]
#[non_exhaustive]
pub enum InDoubtCause {
    /// The request failed after it may have reached the server (a 5xx, a connection lost
    /// after sending, an unreadable 2xx).
    Failed(Error),
    /// A 2xx whose transaction is not a clear approval of what was asked: its outcome is
    /// unknown or partial, or its kind or amount is not the one asked for.
    Answer(Box<Transaction>),
}

impl InDoubt {
    /// The `operationId` (`refund_transaction`...).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The transaction the call acted on (`transactionId`), if it names one.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// The amount sent, as money, when its currency is known.
    pub fn amount(&self) -> Option<Money> {
        self.amount
    }

    /// The amount sent in minor units, whether or not its currency is known.
    pub fn minor_units(&self) -> Option<i64> {
        self.raw_amount
    }

    /// When the request was sent (this machine's clock).
    pub fn sent_at(&self) -> SystemTime {
        self.sent_at
    }

    /// The operation's reference: what the body carried in the operation's reference field
    /// (`notes` for capture and refund, `merchant_txn_ref` for a payment), which the library
    /// fills with a reference of its own when the caller left it empty. A void has no such
    /// field: its reference stays on this side. Quote it to PaymentOptions' back office.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// What left it in doubt.
    pub fn cause(&self) -> &InDoubtCause {
        &self.cause
    }

    /// What the merchant can do, naming only what exists: PaymentOptions documents no
    /// idempotency key, no list of a transaction's refunds and no look-up by reference.
    pub fn advice(&self) -> String {
        let mut advice = format!(
            "`{}` may have been applied: do not send it again (the API has no idempotency \
             key, the first request may still be running, and a second one could move money \
             twice). ",
            self.operation
        );
        let acts_on_pre_auth = api::money::operation(self.operation)
            .is_some_and(|op| op.acts_on.contains(&"PRE_AUTH"));
        if let (true, Some(target)) = (acts_on_pre_auth, &self.target) {
            advice.push_str(&format!(
                "The pre-auth's status ({} {target}) may show the change, but PaymentOptions \
                 does not document that it does: a change seen there is evidence, an unchanged \
                 status is not. ",
                api::GET_TRANSACTION_STATUS.id
            ));
        }
        advice.push_str(&format!(
            "Only PaymentOptions' back office can say for sure: ask it for the call with \
             reference `{}`",
            self.reference
        ));
        if let Some(target) = &self.target {
            advice.push_str(&format!(" on transaction {target}"));
        }
        advice.push_str(", and keep the order's money in doubt until it answers.");
        advice
    }
}

impl fmt::Display for InDoubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is in doubt", self.operation)?;
        match (&self.amount, self.raw_amount) {
            (Some(m), _) => write!(f, " ({m}")?,
            (None, Some(units)) => write!(f, " ({units} minor units")?,
            (None, None) => f.write_str(" (")?,
        }
        write!(f, ", reference {})", self.reference)?;
        match &self.cause {
            InDoubtCause::Failed(e) => write!(f, ": {e}")?,
            InDoubtCause::Answer(t) => write!(f, ": the answer reads {t}")?,
        }
        write!(f, ". {}", self.advice())
    }
}

/// A money call the API refused: nothing moved. Carries the documented code and its meaning
/// when the answer names one (`ERR3019`, "insufficient refund balance").
#[derive(Debug)]
pub struct Refusal {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) gateway_code: Option<String>,
    pub(crate) response_code: Option<i64>,
    pub(crate) meaning: Option<&'static str>,
    pub(crate) api: Option<Box<ApiError>>,
    pub(crate) transaction: Option<Box<Transaction>>,
}

impl Refusal {
    /// The `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `gateway_response.code` of the answer (`ERR3019`...), when it names one.
    pub fn gateway_code(&self) -> Option<&str> {
        self.gateway_code.as_deref()
    }

    /// `payment_details.response_code` of the answer, when it names one.
    pub fn response_code(&self) -> Option<i64> {
        self.response_code
    }

    /// The documented meaning of the code (from the spec's `x-gateway-codes` and
    /// `x-response-codes`), when the code is documented.
    pub fn meaning(&self) -> Option<&'static str> {
        self.meaning
    }

    /// The error answer (a 4xx), with its raw body.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.api.as_deref()
    }

    /// The declined transaction (a 2xx that says no).
    pub fn transaction(&self) -> Option<&Transaction> {
        self.transaction.as_deref()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} refused (HTTP {})", self.operation, self.status)?;
        if let Some(code) = &self.gateway_code {
            write!(f, ": {code}")?;
        }
        if let Some(code) = self.response_code.filter(|c| *c != 0) {
            write!(f, " (response code {code})")?;
        }
        if let Some(meaning) = self.meaning {
            write!(f, " \"{meaning}\"")?;
        }
        if let (None, Some(message)) = (self.meaning, self.api.as_ref().and_then(|a| a.message())) {
            write!(f, ": {}", crate::redaction::mask_card_numbers(message))?;
        }
        f.write_str("; nothing moved")
    }
}
