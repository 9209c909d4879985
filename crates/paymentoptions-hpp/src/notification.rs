//! Reading the transaction notification PaymentOptions POSTs to `return_url.webhook_url`.
//!
//! The source page documents **no signature** on this request, so anyone who learns the webhook
//! URL can send one. Treat a notification as a hint:
//!
//! 1. parse it with [`parse_notification`], and keep only the transaction id it claims
//!    ([`Notification::transaction_id`]): save that claim before doing anything else;
//! 2. confirm the claim with PaymentOptions before fulfilling an order:
//!    [`Client::confirm_payment`](crate::Client::confirm_payment) (or
//!    [`check_payment`](crate::Client::check_payment) on a status read first, to find the order
//!    by the **status's** `merchant_txn_ref`) answers paid only for an approved payment of that
//!    order, merchant and environment, of exactly its amount;
//! 3. fulfil once: the same notification may arrive more than once, and a customer may pay a
//!    second link for the same order (record the paying transaction under a unique key);
//! 4. never trust what the body says besides the id: [`Notification::outcome`] and
//!    [`Notification::merchant_txn_ref`] are claims.
//!
//! PaymentOptions documents no re-delivery: answering a 5xx while a claim is undecided may or
//! may not bring the notification back, so confirm saved claims again from your own job.
//!
//! Hard-to-guess webhook URLs (a random path segment per link) and, where PaymentOptions can
//! publish them, an allow-list of source addresses reduce the noise but are not authentication.

use std::fmt;

use paymentoptions_hpp_client::types::{
    TransactionEnvelope, TransactionNotification, TransactionRef,
};

use crate::transaction::{self, Outcome, Transaction};

/// A notification body that is not a usable transaction notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationError {
    path: String,
    message: String,
}

impl NotificationError {
    /// The JSON path that failed, e.g. `transaction_details.ref` (`.` for the whole body).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for NotificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid transaction notification at `{}`: {}",
            self.path,
            // serde quotes the value it refused, which may be a card number.
            crate::redaction::mask_card_numbers(&self.message)
        )
    }
}

impl std::error::Error for NotificationError {}

/// A transaction notification, read from the webhook body by [`parse_notification`].
///
/// It always has a transaction id (the parser refuses bodies without one). Everything else
/// depends on what PaymentOptions sent: the link page's example carries only
/// `transaction_details`, the 3-D Secure page's the whole transaction envelope.
///
/// `Debug` never shows the card number nor the raw body; [`raw`](Self::raw) may hold both.
#[derive(Clone, PartialEq)]
pub struct Notification {
    model: TransactionNotification,
    raw: Vec<u8>,
}

impl Notification {
    /// The transaction id (`transaction_details.id`, never blank): de-duplicate deliveries on
    /// it, and read the transaction's status with it.
    pub fn transaction_id(&self) -> &str {
        self.details_field(|d| d.id.as_deref())
            .expect("parse_notification refuses a notification without an id")
    }

    /// The merchant's reference, from `merchant_details` or `transaction_details`.
    pub fn merchant_txn_ref(&self) -> Option<&str> {
        transaction::merchant_txn_ref_of(self.envelope())
    }

    /// The stored card's id, when the link asked to store the payment method and it was.
    pub fn stored_payment_method_id(&self) -> Option<&str> {
        self.details_field(|d| d.stored_payment_method_id.as_deref())
    }

    /// When the transaction happened, as sent (`yyyy-mm-ddThh:mm:ss.000Z`).
    pub fn timestamp(&self) -> Option<&str> {
        self.details_field(|d| d.timestamp.as_deref())
    }

    /// PaymentOptions' reference for the transaction (`transaction_details.ref`).
    pub fn reference(&self) -> Option<&TransactionRef> {
        self.envelope()
            .transaction_details
            .as_ref()
            .and_then(|d| d.ref_.as_ref())
    }

    /// What the body itself says happened, by the rule of [`Outcome`]: `Unknown` when it
    /// carries none of the envelope's signals (as the link page's example does). A hint only:
    /// anyone can POST a notification, so confirm before fulfilling.
    pub fn outcome(&self) -> Outcome {
        Outcome::of(self.envelope())
    }

    /// The notification read as a [`Transaction`] (amount, kind, card's last four...).
    pub fn transaction(&self) -> Transaction {
        Transaction::from_parts(self.model.0.clone(), self.raw.clone())
    }

    /// The decoded envelope, every field as sent.
    pub fn envelope(&self) -> &TransactionEnvelope {
        &self.model.0
    }

    /// The notification as the generated model.
    pub fn model(&self) -> &TransactionNotification {
        &self.model
    }

    /// The body as received. It may contain the full card number: never log it.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    fn details_field<'a>(
        &'a self,
        field: impl FnOnce(&'a paymentoptions_hpp_client::types::TransactionDetails) -> Option<&'a str>,
    ) -> Option<&'a str> {
        self.envelope().transaction_details.as_ref().and_then(field)
    }
}

impl fmt::Debug for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notification")
            .field("transaction_id", &self.transaction_id())
            .field("merchant_txn_ref", &self.merchant_txn_ref())
            .field("timestamp", &self.timestamp())
            .field("outcome", &self.outcome())
            .field("transaction", &self.transaction())
            .finish_non_exhaustive()
    }
}

impl serde::Serialize for Notification {
    /// Encodes the decoded notification (not the raw body): the card number included, as sent.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.model.serialize(serializer)
    }
}

/// Parses a notification body (the raw bytes of the webhook request).
///
/// Unknown fields are ignored, every field of the envelope is optional, and `ref` may be a
/// number or a string; `transaction_details` and its `id` are required, since a notification
/// without them can be neither de-duplicated nor confirmed.
///
/// ```
/// use paymentoptions_hpp::Outcome;
///
/// let body = br#"{"transaction_details": {
///     "id": "7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21", "ref": 240815123456,
///     "timestamp": "2024-08-15T09:30:12.000Z", "merchant_txn_ref": "2003089893366DTEST"}}"#;
/// let notification = paymentoptions_hpp::parse_notification(body)?;
/// assert_eq!(notification.transaction_id(), "7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21");
/// assert_eq!(notification.merchant_txn_ref(), Some("2003089893366DTEST"));
/// // This body says nothing about the outcome: confirm it with the status call.
/// assert_eq!(notification.outcome(), Outcome::Unknown);
///
/// let err = paymentoptions_hpp::parse_notification(br#"{"transaction_details": {"ref": []}}"#).unwrap_err();
/// assert_eq!(err.path(), "transaction_details.ref");
/// # Ok::<(), paymentoptions_hpp::NotificationError>(())
/// ```
pub fn parse_notification(body: &[u8]) -> Result<Notification, NotificationError> {
    let envelope = transaction::decode_envelope(body)
        .map_err(|(path, message)| NotificationError { path, message })?;
    let missing = |path: &str| NotificationError {
        path: path.into(),
        message: "missing".into(),
    };
    let details = envelope
        .transaction_details
        .as_ref()
        .ok_or_else(|| missing("transaction_details"))?;
    match details.id.as_deref() {
        Some(id) if !id.trim().is_empty() => Ok(Notification {
            model: TransactionNotification(envelope),
            raw: body.to_vec(),
        }),
        _ => Err(missing("transaction_details.id")),
    }
}
