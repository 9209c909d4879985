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

use std::fmt;

use paymentoptions_hpp_client::api::codes;
use paymentoptions_hpp_client::types::TransactionEnvelope;

use crate::error::{DecodeError, Error};
use crate::money::{self, Money};

/// What kind of transaction (the envelope's `transaction_type`). The set is open: a type this
/// crate does not know is kept as sent in [`Other`](Self::Other).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransactionKind {
    /// An authorisation only (`PRE_AUTH`): capture or void it later.
    PreAuth,
    /// A capture of a pre-auth, or a direct payment (`CAPTURE`).
    Capture,
    /// A refund (`REFUND`).
    Refund,
    /// A cancelled authorisation (`VOID`).
    Void,
    /// Any other `transaction_type`, as sent.
    Other(String),
}

impl TransactionKind {
    /// Reads a `transaction_type` value.
    pub fn from_type(value: &str) -> Self {
        match value {
            "PRE_AUTH" => Self::PreAuth,
            "CAPTURE" => Self::Capture,
            "REFUND" => Self::Refund,
            "VOID" => Self::Void,
            other => Self::Other(other.to_string()),
        }
    }

    /// The `transaction_type` value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::PreAuth => "PRE_AUTH",
            Self::Capture => "CAPTURE",
            Self::Refund => "REFUND",
            Self::Void => "VOID",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for TransactionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to a transaction, read from the documented signals of the envelope:
/// `success`, `payment_details.response_code` (0 is the only success) and
/// `gateway_response` (`code`: a documented `INFO` code for a success, `ERR...` for a risk-rule
/// error; `type`: `INFO` for a success).
///
/// The rule, in order:
///
/// 1. **Declined** when any signal says no: `success` is `false`, a `response_code` other
///    than 0 (and other than a partial approval), or an `ERR` gateway code. A body whose
///    signals contradict each other (`success: true` with response code 5) is therefore
///    declined, never approved.
/// 2. **Partially approved** when the response code is one the spec documents as a partial
///    approval (`api::codes::PARTIAL_APPROVAL`: money moved, but not the amount asked for).
/// 3. **Approved** only when `success` is `true` *and* a second signal agrees (response code
///    0, or a documented success code: `api::codes::APPROVES`), any gateway code present is a
///    documented success code, and any `gateway_response.type` present is a documented success
///    type (`api::codes::SUCCESS_TYPES`).
/// 4. **Unknown** otherwise: a body that says nothing (the link page's notification carries
///    only `transaction_details`), `success: true` alone, an undocumented gateway code
///    (`INFO9999`, `WARN0001`) or type (`ERROR`). Read the transaction's status
///    ([`Client::get_transaction_status`](crate::Client::get_transaction_status)).
///
/// How a declined or pending transaction looks is not documented by PaymentOptions: this is
/// why anything short of an explicit, corroborated, documented success is not treated as paid.
/// Whether a success code fits the kind of transaction (`INFO0002`, refunded, on a payment) is
/// not part of the outcome: [`Client::check_payment`](crate::Client::check_payment) and the
/// money calls check it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The transaction succeeded.
    Approved,
    /// Money moved, but not the amount asked for (a documented partial-approval response
    /// code): neither approved nor declined.
    PartiallyApproved {
        /// `payment_details.response_code`.
        response_code: i64,
    },
    /// The transaction failed.
    Declined {
        /// `payment_details.response_code`, when sent.
        response_code: Option<i64>,
        /// The documented meaning of the code that says no (a non-zero response code, else an
        /// `ERR` gateway code), from the spec (`api::codes`); `None`
        /// when that code is not documented, or when only `success` says no.
        meaning: Option<&'static str>,
        /// `gateway_response.code`, when sent.
        gateway_code: Option<String>,
    },
    /// The body does not say (see the rule above).
    Unknown,
}

impl Outcome {
    /// Reads the outcome of an envelope by the rule above.
    pub fn of(envelope: &TransactionEnvelope) -> Self {
        let success = envelope.success;
        let response_code = envelope
            .payment_details
            .as_ref()
            .and_then(|p| p.response_code);
        let gateway = envelope.gateway_response.as_ref();
        let gateway_code = gateway.and_then(|g| g.code.clone());
        let gateway_type = gateway.and_then(|g| g.type_.as_deref());
        let family = gateway_code.as_deref().map(gateway_family);
        let partial = response_code.is_some_and(|c| codes::PARTIAL_APPROVAL.contains(&c));
        let says_no = success == Some(false)
            || response_code.is_some_and(|c| c != 0 && !partial)
            || family == Some(Family::Err);
        if says_no {
            // The meaning of the code that says no; none when only `success` does.
            let meaning = match response_code {
                Some(code) if code != 0 => response_meaning(code),
                _ if family == Some(Family::Err) => {
                    gateway_code.as_deref().and_then(gateway_meaning)
                }
                _ => None,
            };
            return Self::Declined {
                response_code,
                meaning,
                gateway_code,
            };
        }
        if let (true, Some(code)) = (partial, response_code) {
            return Self::PartiallyApproved {
                response_code: code,
            };
        }
        let documented_success = family == Some(Family::Success);
        let agrees = response_code == Some(0) || documented_success;
        let code_ok = gateway_code.is_none() || documented_success;
        let type_ok = gateway_type.is_none_or(|t| codes::SUCCESS_TYPES.contains(&t));
        if success == Some(true) && agrees && code_ok && type_ok {
            Self::Approved
        } else {
            Self::Unknown
        }
    }

    /// `true` only for [`Outcome::Approved`].
    pub fn is_approved(&self) -> bool {
        matches!(self, Self::Approved)
    }

    /// `true` only for [`Outcome::Declined`].
    pub fn is_declined(&self) -> bool {
        matches!(self, Self::Declined { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Approved => f.write_str("approved"),
            Self::Unknown => f.write_str("unknown"),
            Self::PartiallyApproved { response_code } => {
                write!(f, "partially approved (response code {response_code}")?;
                if let Some(meaning) = response_meaning(*response_code) {
                    write!(f, ", \"{meaning}\"")?;
                }
                f.write_str(")")
            }
            Self::Declined {
                response_code,
                meaning,
                gateway_code,
            } => {
                f.write_str("declined")?;
                let mut parts = Vec::new();
                if let Some(code) = response_code {
                    parts.push(format!("response code {code}"));
                }
                if let Some(code) = gateway_code {
                    parts.push(format!("gateway code {code}"));
                }
                if let Some(meaning) = meaning {
                    parts.push(format!("\"{meaning}\""));
                }
                if !parts.is_empty() {
                    write!(f, " ({})", parts.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// A documented success code (`api::codes::APPROVES`).
    Success,
    Err,
    Undocumented,
}

fn gateway_family(code: &str) -> Family {
    if codes::APPROVES.iter().any(|(c, _)| *c == code) {
        Family::Success
    } else if code.starts_with("ERR") {
        Family::Err
    } else {
        Family::Undocumented
    }
}

/// Whether the envelope's gateway code (when it sends one) is a documented approval of
/// `kind` (`api::codes::APPROVES`): `INFO0002` (refunded) approves a refund, not a payment.
/// A body without a gateway code says nothing against its kind.
pub(crate) fn code_fits_kind(envelope: &TransactionEnvelope, kind: &str) -> bool {
    let Some(code) = envelope
        .gateway_response
        .as_ref()
        .and_then(|g| g.code.as_deref())
    else {
        return true;
    };
    codes::APPROVES
        .iter()
        .any(|(c, kinds)| *c == code && kinds.contains(&kind))
}

/// The documented meaning of a `payment_details.response_code`.
pub fn response_meaning(code: i64) -> Option<&'static str> {
    codes::RESPONSE_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

/// The documented meaning of a `gateway_response.code`.
pub fn gateway_meaning(code: &str) -> Option<&'static str> {
    codes::GATEWAY_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

/// A transaction: the decoded envelope, the raw body it came from, and accessors.
///
/// `Debug` and `Display` never show the card number (only its last four digits) nor the raw
/// body; [`raw`](Self::raw) gives the body as received, which may hold the full card number:
/// do not log it.
///
/// ```
/// use paymentoptions_hpp::{Outcome, Transaction, TransactionKind};
///
/// let body = br#"{"success": true, "transaction_type": "REFUND",
///     "gateway_response": {"code": "INFO0002"},
///     "payment_details": {"amount": 400, "currency": "JPY", "response_code": 0},
///     "transaction_details": {"id": "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "merchant_txn_ref": "ORDER-1"}}"#;
/// let refund = Transaction::from_response(201, body.to_vec())?;
/// assert_eq!(refund.kind(), Some(TransactionKind::Refund));
/// assert_eq!(refund.outcome(), Outcome::Approved);
/// assert_eq!(refund.amount().unwrap().to_string(), "400 JPY");
/// assert_eq!(refund.merchant_txn_ref(), Some("ORDER-1"));
/// # Ok::<(), paymentoptions_hpp::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Transaction {
    status: Option<u16>,
    envelope: TransactionEnvelope,
    raw: Vec<u8>,
}

impl Transaction {
    /// Reads a 2xx response body of a transaction operation. Any JSON object decodes (every
    /// field is optional); a body that is not one, or a field of the wrong type, is an
    /// [`Error::Decode`] naming the JSON path.
    pub fn from_response(status: u16, body: Vec<u8>) -> Result<Self, Error> {
        let envelope = decode_envelope(&body)
            .map_err(|(path, message)| DecodeError::new(status, path, message, &body))
            .map_err(|e| Error::Decode(Box::new(e)))?;
        Ok(Self {
            status: Some(status),
            envelope,
            raw: body,
        })
    }

    pub(crate) fn from_parts(envelope: TransactionEnvelope, raw: Vec<u8>) -> Self {
        Self {
            status: None,
            envelope,
            raw,
        }
    }

    /// The HTTP status of the response it was read from (`None` for a notification's view).
    pub fn http_status(&self) -> Option<u16> {
        self.status
    }

    /// The transaction id (`transaction_details.id`): the id to read its status with, and to
    /// capture, refund or void it.
    pub fn id(&self) -> Option<&str> {
        self.envelope
            .transaction_details
            .as_ref()
            .and_then(|d| d.id.as_deref())
    }

    /// What kind of transaction, when the body says (`transaction_type`).
    pub fn kind(&self) -> Option<TransactionKind> {
        self.envelope
            .transaction_type
            .as_deref()
            .map(TransactionKind::from_type)
    }

    /// Approved, declined or unknown: see [`Outcome`] for the rule.
    pub fn outcome(&self) -> Outcome {
        Outcome::of(&self.envelope)
    }

    /// The amount and currency (`payment_details`), when both are sent and make valid money
    /// (a non-negative amount and an ISO 4217 currency).
    pub fn amount(&self) -> Option<Money> {
        money_of(&self.envelope)
    }

    /// The merchant's reference: `merchant_details.merchant_txn_ref`, else
    /// `transaction_details.merchant_txn_ref` (capture, refund and void answers carry it there).
    pub fn merchant_txn_ref(&self) -> Option<&str> {
        merchant_txn_ref_of(&self.envelope)
    }

    /// The stored card's id, when the payment stored the card (`transaction_details.stored_payment_method_id`).
    pub fn stored_payment_method_id(&self) -> Option<&str> {
        self.envelope
            .transaction_details
            .as_ref()
            .and_then(|d| d.stored_payment_method_id.as_deref())
    }

    /// The last four digits of the card, when the body names a card ending in four digits.
    pub fn card_last_four(&self) -> Option<&str> {
        self.envelope
            .payment_details
            .as_ref()?
            .card
            .as_ref()?
            .number
            .as_ref()?
            .last_four()
    }

    /// `true` for a live transaction, `false` for a test one, `None` when not said.
    pub fn is_live(&self) -> Option<bool> {
        self.envelope.is_live
    }

    /// The decoded envelope, every field as sent.
    pub fn envelope(&self) -> &TransactionEnvelope {
        &self.envelope
    }

    /// The body as received (bounded by the client's response size limit). It may contain the
    /// full card number: never log it.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }
}

impl fmt::Debug for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("http_status", &self.status)
            .field("id", &self.id())
            .field("kind", &self.kind())
            .field("outcome", &self.outcome())
            .field("amount", &self.amount())
            .field("merchant_txn_ref", &self.merchant_txn_ref())
            .field("card_last_four", &self.card_last_four())
            .field("is_live", &self.is_live())
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Transaction {
    /// One line: `<kind> <id> <outcome> <amount>`, `-` for what the body does not say.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind();
        write!(
            f,
            "{} {} {} {}",
            kind.as_ref().map_or("-", TransactionKind::as_str),
            self.id().unwrap_or("-"),
            self.outcome(),
            self.amount()
                .map_or_else(|| "-".to_string(), |m| m.to_string()),
        )
    }
}

/// Decodes an envelope, refusing anything but a JSON object; on failure, the JSON path and
/// what was wrong there.
pub(crate) fn decode_envelope(body: &[u8]) -> Result<TransactionEnvelope, (String, String)> {
    // serde reads a struct from a JSON array too (fields by position); only an object will do.
    if body.trim_ascii_start().first() == Some(&b'[') {
        return Err((".".into(), "expected a JSON object, found an array".into()));
    }
    // A good body decodes without path tracking; only a failure is decoded again to say where.
    if let Ok(envelope) = serde_json::from_slice(body) {
        return Ok(envelope);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let envelope: TransactionEnvelope = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| (crate::json::json_path(e.path()), e.into_inner().to_string()))?;
    de.end().map_err(|e| (".".to_string(), e.to_string()))?;
    Ok(envelope)
}

pub(crate) fn money_of(envelope: &TransactionEnvelope) -> Option<Money> {
    let details = envelope.payment_details.as_ref()?;
    let currency = money::currency(details.currency.as_deref()?).ok()?;
    Money::from_minor(details.amount?, currency).ok()
}

pub(crate) fn merchant_txn_ref_of(envelope: &TransactionEnvelope) -> Option<&str> {
    envelope
        .merchant_details
        .as_ref()
        .and_then(|m| m.merchant_txn_ref.as_deref())
        .or_else(|| {
            envelope
                .transaction_details
                .as_ref()
                .and_then(|d| d.merchant_txn_ref.as_deref())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(body: serde_json::Value) -> Outcome {
        Outcome::of(&serde_json::from_value(body).unwrap())
    }

    #[test]
    fn approved_needs_success_and_a_second_agreeing_signal() {
        use serde_json::json;
        assert_eq!(
            outcome(json!({"success": true, "payment_details": {"response_code": 0}})),
            Outcome::Approved
        );
        assert_eq!(
            outcome(json!({"success": true, "gateway_response": {"code": "INFO0003"}})),
            Outcome::Approved
        );
        // Alone, or without `success`, a signal is not enough.
        assert_eq!(outcome(json!({"success": true})), Outcome::Unknown);
        assert_eq!(
            outcome(
                json!({"payment_details": {"response_code": 0}, "gateway_response": {"code": "INFO0000"}})
            ),
            Outcome::Unknown
        );
        assert_eq!(
            outcome(json!({"transaction_details": {"id": "x"}})),
            Outcome::Unknown
        );
        assert_eq!(outcome(json!({})), Outcome::Unknown);
        // An undocumented gateway code blocks approval.
        assert_eq!(
            outcome(
                json!({"success": true, "payment_details": {"response_code": 0},
                "gateway_response": {"code": "WARN0001"}})
            ),
            Outcome::Unknown
        );
    }

    #[test]
    fn only_documented_codes_and_types_approve() {
        use serde_json::json;
        // An INFO-looking code the spec does not list, and a type other than INFO.
        for gateway in [
            json!({"code": "INFO_I_SAY_SO"}),
            json!({"code": "INFO9999"}),
            json!({"type": "ERROR", "code": "INFO0000"}),
            json!({"type": "ERROR"}),
        ] {
            assert_eq!(
                outcome(
                    json!({"success": true, "payment_details": {"response_code": 0},
                    "gateway_response": gateway})
                ),
                Outcome::Unknown,
                "{gateway}"
            );
        }
        assert_eq!(
            outcome(
                json!({"success": true, "gateway_response": {"type": "INFO", "code": "INFO0001"}})
            ),
            Outcome::Approved
        );
    }

    #[test]
    fn a_partial_approval_is_neither_approved_nor_declined() {
        use serde_json::json;
        let code = codes::PARTIAL_APPROVAL[0];
        let partial = outcome(json!({"success": true, "payment_details": {"response_code": code}}));
        assert_eq!(
            partial,
            Outcome::PartiallyApproved {
                response_code: code
            }
        );
        assert!(!partial.is_approved() && !partial.is_declined());
        assert!(
            partial.to_string().contains("partial approval"),
            "{partial}"
        );
        // Anything else saying no still declines.
        assert!(
            outcome(json!({"success": false, "payment_details": {"response_code": code}}))
                .is_declined()
        );
    }

    #[test]
    fn success_codes_fit_their_kinds() {
        let envelope = |code: &str| -> TransactionEnvelope {
            serde_json::from_value(serde_json::json!({"gateway_response": {"code": code}})).unwrap()
        };
        assert!(code_fits_kind(&envelope("INFO0000"), "CAPTURE"));
        assert!(code_fits_kind(&envelope("INFO0002"), "REFUND"));
        assert!(!code_fits_kind(&envelope("INFO0002"), "CAPTURE"));
        assert!(!code_fits_kind(&envelope("INFO0003"), "PRE_AUTH"));
        let silent: TransactionEnvelope = serde_json::from_value(serde_json::json!({})).unwrap();
        assert!(code_fits_kind(&silent, "CAPTURE"));
    }

    #[test]
    fn any_signal_that_says_no_declines_even_against_success() {
        use serde_json::json;
        assert_eq!(
            outcome(json!({"success": true, "payment_details": {"response_code": 5}})),
            Outcome::Declined {
                response_code: Some(5),
                meaning: Some("do not honour (declined)"),
                gateway_code: None
            }
        );
        assert_eq!(
            outcome(
                json!({"success": true, "payment_details": {"response_code": 0},
                "gateway_response": {"code": "ERR3019"}})
            ),
            Outcome::Declined {
                response_code: Some(0),
                meaning: Some("insufficient refund balance"),
                gateway_code: Some("ERR3019".into())
            }
        );
        assert_eq!(
            outcome(json!({"success": false, "gateway_response": {"code": "ERR3019"}})),
            Outcome::Declined {
                response_code: None,
                meaning: Some("insufficient refund balance"),
                gateway_code: Some("ERR3019".into())
            }
        );
        assert_eq!(
            outcome(json!({"success": false, "payment_details": {"response_code": 4242}})),
            Outcome::Declined {
                response_code: Some(4242),
                meaning: None,
                gateway_code: None
            }
        );
        assert_eq!(
            outcome(json!({"payment_details": {"response_code": 51}})).to_string(),
            "declined (response code 51, \"insufficient funds\")"
        );
    }

    #[test]
    fn kinds_are_an_open_set() {
        for kind in [
            TransactionKind::PreAuth,
            TransactionKind::Capture,
            TransactionKind::Refund,
            TransactionKind::Void,
            TransactionKind::Other("AUTH_REVERSAL".into()),
        ] {
            assert_eq!(TransactionKind::from_type(kind.as_str()), kind);
        }
    }
}
