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

mod failures;

use std::time::SystemTime;

use paymentoptions_hpp_client::api::{self, money::MoneyOperation};
use paymentoptions_hpp_client::types::TransactionEnvelope;
use serde_json::Value;

pub use failures::{InDoubt, InDoubtCause, Refusal};

use crate::error::{ApiError, Error, TransportErrorKind};
use crate::money::{Currency, Money};
use crate::transaction::{self, Outcome, Transaction, code_fits_kind};
use crate::validation::{Rule, ValidationError};

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
    // A body that carries its currency (a payment) says what money it asks for; one without
    // learns it from its target (see `check_target`).
    let amount = match (raw_amount, body.get("currency").and_then(Value::as_str)) {
        (Some(units), Some(code)) => crate::money::currency(code)
            .ok()
            .and_then(|c| Money::from_minor(units, c).ok()),
        _ => None,
    };
    Ok(Prepared {
        body,
        target,
        amount,
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
pub(crate) fn new_reference() -> String {
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
    if let Some(target_live) = target.is_live()
        && target_live != live
    {
        let (needs, found) = if live {
            ("a live transaction", "a test transaction")
        } else {
            ("a test transaction", "a live transaction")
        };
        return Err(refuse(needs.into(), found.into()));
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
    if let (true, Some(units), Some(most)) = (acted_on, raw_amount, target_money)
        && units > most.minor_units()
    {
        let rule = Rule::Maximum {
            max: most.minor_units(),
        };
        return Err(ValidationError::one("amount", rule).into());
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
        // A 4xx is the API refusing the call (an auth refusal stays an `Error::Api`); a 5xx,
        // or a redirect (never followed) or other status that is no refusal, leaves it open.
        Err(Error::Api(e)) if e.is_auth() => Err(Error::Api(e)),
        Err(Error::Api(e)) if (400..500).contains(&e.status()) => Err(refusal_of_error(op, e)),
        Err(Error::Api(e)) => Err(in_doubt(prepared, InDoubtCause::Failed(Error::Api(e)))),
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
