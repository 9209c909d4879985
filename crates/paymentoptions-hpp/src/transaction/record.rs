//! The [`Transaction`] type: a decoded envelope with its raw body, read through accessors.

use std::fmt;

use paymentoptions_hpp_client::types::TransactionEnvelope;

use super::envelope::{decode_envelope, merchant_txn_ref_of, money_of};
use super::{Outcome, TransactionKind};
use crate::error::{DecodeError, Error};
use crate::money::Money;

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
