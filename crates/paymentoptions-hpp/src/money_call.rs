//! The calls that may move money: the spec's `x-moves-money` operations (capture, refund,
//! void, stored-card payment), whichever method sends them.
//!
//! Before sending, the library reads the status of the transaction the call acts on (a `GET`,
//! safe to repeat) and refuses, with nothing sent, a target of the wrong kind (a refund of a
//! pre-auth), one that is not approved or of another environment, an amount in another
//! currency than the target's (the API's body has no currency), or an amount of zero or less.
//!
//! After sending, exactly three things can be true, and each is a distinct result:
//! - **applied**: a 2xx whose transaction is an approved one of the kind the operation
//!   creates, for the amount asked (`Ok`);
//! - **refused** ([`Error::Refused`]): a 4xx, or a 2xx declined: nothing moved;
//! - **in doubt** ([`Error::InDoubt`]): a 5xx, a connection lost after sending, an unreadable
//!   2xx, or a 2xx whose outcome is unknown, partial, or not what was asked. Money may have
//!   moved. The call is never re-sent automatically: the API has no idempotency key.

use std::fmt;
use std::time::SystemTime;

use paymentoptions_hpp_client::api::{self, money::MoneyOperation};
use paymentoptions_hpp_client::types::TransactionEnvelope;
use serde_json::Value;

use crate::error::{ApiError, Error, TransportErrorKind};
use crate::money::{Currency, Money};
use crate::transaction::{self, Outcome, Transaction, code_fits_kind};
use crate::validation::{Rule, ValidationError};

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
            .is_some_and(|op| op.acts_on.iter().any(|k| *k == "PRE_AUTH"));
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
        if let (None, Some(api)) = (self.meaning, &self.api) {
            if let Some(message) = api.message() {
                write!(f, ": {}", crate::redaction::mask_card_numbers(message))?;
            }
        }
        f.write_str("; nothing moved")
    }
}

/// A money call, checked and ready to send.
pub(crate) struct Prepared {
    pub(crate) body: Value,
    pub(crate) target: Option<String>,
    pub(crate) amount: Option<Money>,
    pub(crate) raw_amount: Option<i64>,
    pub(crate) reference: String,
}

/// The checks that need no network: the amount's sign, and the operation's reference.
pub(crate) fn prepare(op: &MoneyOperation, body: Option<Value>) -> Result<Prepared, Error> {
    let mut body = body.unwrap_or_else(|| Value::Object(Default::default()));
    let raw_amount = match body.get("amount") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse::<i64>().ok(),
        Some(_) => None,
    };
    if raw_amount.is_some_and(|a| a <= 0) {
        return Err(ValidationError::one("amount", Rule::NotPositive).into());
    }
    let target = target_param()
        .and_then(|name| body.get(name))
        .and_then(Value::as_str)
        .map(str::to_string);
    let reference = match op.reference {
        Some(field) => match body.get(field).and_then(Value::as_str) {
            Some(given) if !given.is_empty() => given.to_string(),
            _ => {
                let made = new_reference();
                body[field] = Value::String(made.clone());
                made
            }
        },
        None => new_reference(),
    };
    Ok(Prepared {
        body,
        target,
        amount: None,
        raw_amount,
        reference,
    })
}

/// The body field that names the transaction acted on: the status call's own parameter name.
fn target_param() -> Option<&'static str> {
    api::path_params::GET_TRANSACTION_STATUS
        .first()
        .map(|p| p.path)
}

/// A reference unique enough to find one call among a merchant's: not a secret.
fn new_reference() -> String {
    format!("po-{:024x}", fastrand::u128(..) >> 32)
}

/// Checks the target's status against the operation and the amount's currency. `Ok` with the
/// money the amount stands for (in the target's currency).
pub(crate) fn check_target(
    op: &MoneyOperation,
    target: &Transaction,
    currency: Option<Currency>,
    raw_amount: Option<i64>,
    live: bool,
) -> Result<Option<Money>, Error> {
    let field = target_param().unwrap_or("transactionId");
    let refuse = |needs: String, found: String| -> Error {
        ValidationError::one(field, Rule::Target { needs, found }).into()
    };
    let kind = target.kind();
    let kind_name = kind.as_ref().map(|k| k.as_str().to_string());
    let acted_on = kind_name
        .as_deref()
        .is_some_and(|k| op.acts_on.contains(&k));
    // PaymentOptions does not document whether a transaction's status changes after an
    // operation on it: a refunded payment may read as a REFUND afterwards. So a target that
    // reads as what this operation creates may be the original after an earlier call (a
    // second partial refund): it is sent, and the server decides. Any other kind is refused.
    let changed_by_earlier_call = kind_name.as_deref() == Some(op.creates);
    if !acted_on && !changed_by_earlier_call {
        let found = match &kind_name {
            Some(k) => format!("a {k}"),
            None => "a transaction of no stated kind".into(),
        };
        return Err(refuse(format!("a {}", op.acts_on.join(" or ")), found));
    }
    let kind_name = kind_name.unwrap_or_default();
    if !target.outcome().is_approved() || !code_fits_kind(target.envelope(), &kind_name) {
        return Err(refuse(
            format!("an approved {kind_name}"),
            format!("a {kind_name} whose status is {}", target.outcome()),
        ));
    }
    if let Some(target_live) = target.is_live() {
        if target_live != live {
            let (needs, found) = if live {
                ("a live transaction", "a test transaction")
            } else {
                ("a test transaction", "a live transaction")
            };
            return Err(refuse(needs.into(), found.into()));
        }
    }
    let target_money = target.amount();
    let target_currency = target_money.map(|m| m.currency());
    if let Some(currency) = currency {
        match target_currency {
            Some(t) if t == currency => {}
            Some(t) => {
                let rule = Rule::CurrencyMismatch {
                    transaction: t.code(),
                    amount: currency.code(),
                };
                return Err(ValidationError::one("amount", rule).into());
            }
            None => {
                return Err(refuse(
                    format!("a transaction whose status names its currency ({currency})"),
                    "one whose status names no amount and currency".into(),
                ));
            }
        }
    }
    let amount = match (raw_amount, target_currency) {
        (Some(units), Some(c)) => Money::from_minor(units, c).ok(),
        _ => None,
    };
    // The amount an unchanged target reads (what was authorised or captured, or what is left
    // of it) bounds the call; one read after a change may show the change's amount instead.
    if let (true, Some(units), Some(most)) = (acted_on, raw_amount, target_money) {
        if units > most.minor_units() {
            let rule = Rule::Maximum {
                max: most.minor_units(),
            };
            return Err(ValidationError::one("amount", rule).into());
        }
    }
    Ok(amount)
}

/// Reads a money call's result: applied (`Ok`), refused, in doubt, or an error that surely
/// moved nothing.
pub(crate) fn classify(
    op: &MoneyOperation,
    prepared: Prepared,
    sent_at: SystemTime,
    result: Result<(u16, Vec<u8>), Error>,
) -> Result<(u16, Vec<u8>), Error> {
    let in_doubt = |prepared: Prepared, cause| {
        Error::InDoubt(Box::new(InDoubt {
            operation: op.id,
            target: prepared.target,
            amount: prepared.amount,
            raw_amount: prepared.raw_amount,
            sent_at,
            reference: prepared.reference,
            cause,
        }))
    };
    match result {
        Ok((status, body)) => {
            let answer = match Transaction::from_response(status, body) {
                Ok(t) => t,
                Err(e) => return Err(in_doubt(prepared, InDoubtCause::Failed(e))),
            };
            match answer.outcome() {
                Outcome::Declined { .. } => Err(refusal_of_answer(op, status, answer)),
                Outcome::Approved if is_what_was_asked(op, &prepared, &answer) => {
                    Ok((status, answer.raw().to_vec()))
                }
                _ => Err(in_doubt(prepared, InDoubtCause::Answer(Box::new(answer)))),
            }
        }
        Err(Error::Api(e)) if e.status() >= 500 => {
            Err(in_doubt(prepared, InDoubtCause::Failed(Error::Api(e))))
        }
        Err(Error::Api(e)) if !e.is_auth() => Err(refusal_of_error(op, e)),
        Err(Error::Transport(e)) if e.kind() != TransportErrorKind::Connect => Err(in_doubt(
            prepared,
            InDoubtCause::Failed(Error::Transport(e)),
        )),
        Err(e @ Error::Decode(_)) => Err(in_doubt(prepared, InDoubtCause::Failed(e))),
        Err(other) => Err(other),
    }
}

/// An approved answer counts as applied only when it is the kind of transaction the operation
/// creates, with a success code of that kind, for the amount asked (when one was).
fn is_what_was_asked(op: &MoneyOperation, prepared: &Prepared, answer: &Transaction) -> bool {
    let kind_ok = answer.kind().is_some_and(|k| k.as_str() == op.creates)
        && code_fits_kind(answer.envelope(), op.creates);
    let amount_ok = match (prepared.raw_amount, answer.amount()) {
        (None, _) => true,
        (Some(units), Some(m)) => {
            m.minor_units() == units && prepared.amount.is_none_or(|asked| asked == m)
        }
        (Some(_), None) => false,
    };
    kind_ok && amount_ok
}

fn refusal_of_answer(op: &MoneyOperation, status: u16, answer: Transaction) -> Error {
    let (gateway_code, response_code, meaning) = codes_of(answer.envelope());
    Error::Refused(Box::new(Refusal {
        operation: op.id,
        status,
        gateway_code,
        response_code,
        meaning,
        api: None,
        transaction: Some(Box::new(answer)),
    }))
}

fn refusal_of_error(op: &MoneyOperation, e: Box<ApiError>) -> Error {
    // The error body may be the transaction envelope with the `ErrorBody` members (an
    // assumption of this workspace: no error body is documented), or only the latter.
    let envelope = transaction::decode_envelope(e.body()).ok();
    let (mut gateway_code, response_code, mut meaning) =
        envelope.as_ref().map(codes_of).unwrap_or_default();
    if gateway_code.is_none() {
        gateway_code = e
            .error_body()
            .and_then(|b| b.code.as_ref())
            .and_then(|c| c.as_str())
            .filter(|c| transaction::gateway_meaning(c).is_some())
            .map(str::to_string);
        meaning = meaning.or_else(|| {
            gateway_code
                .as_deref()
                .and_then(transaction::gateway_meaning)
        });
    }
    Error::Refused(Box::new(Refusal {
        operation: op.id,
        status: e.status(),
        gateway_code,
        response_code,
        meaning,
        api: Some(e),
        transaction: None,
    }))
}

/// The gateway code, the response code, and the documented meaning of whichever says no.
fn codes_of(envelope: &TransactionEnvelope) -> (Option<String>, Option<i64>, Option<&'static str>) {
    let gateway_code = envelope
        .gateway_response
        .as_ref()
        .and_then(|g| g.code.clone());
    let response_code = envelope
        .payment_details
        .as_ref()
        .and_then(|p| p.response_code);
    let meaning = gateway_code
        .as_deref()
        .and_then(transaction::gateway_meaning)
        .filter(|_| {
            gateway_code
                .as_deref()
                .is_some_and(|c| c.starts_with("ERR"))
        })
        .or_else(|| {
            response_code
                .filter(|c| *c != 0)
                .and_then(transaction::response_meaning)
        });
    (gateway_code, response_code, meaning)
}
