//! Reading the transaction notification PaymentOptions POSTs to `return_url.webhook_url`.
//!
//! The source page documents **no signature** on this request, so anyone who learns the webhook
//! URL can send one. Treat a notification as a hint:
//!
//! 1. parse it with [`parse_notification`] and answer 2xx quickly (the sender retries otherwise);
//! 2. de-duplicate on `transaction_details.id`: the same notification may arrive more than once;
//! 3. confirm the transaction with PaymentOptions (or your back office) before fulfilling an order;
//! 4. match `merchant_txn_ref` against the order you created the link for.
//!
//! Hard-to-guess webhook URLs (a random path segment per link) and, where PaymentOptions can
//! publish them, an allow-list of source addresses reduce the noise but are not authentication.

use std::fmt;

use paymentoptions_hpp_client::types::TransactionNotification;

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
            self.path, self.message
        )
    }
}

impl std::error::Error for NotificationError {}

/// Parses a notification body (the raw bytes of the webhook request).
///
/// Unknown fields are ignored, and `ref` may be a number or a string; `transaction_details`
/// and its `id` are required, since a notification without them can be neither de-duplicated
/// nor confirmed.
///
/// ```
/// let body = br#"{"transaction_details": {
///     "id": "7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21", "ref": 240815123456,
///     "timestamp": "2024-08-15T09:30:12.000Z", "merchant_txn_ref": "2003089893366DTEST"}}"#;
/// let notification = paymentoptions_hpp::parse_notification(body)?;
/// let details = notification.0.transaction_details.unwrap();
/// assert_eq!(details.merchant_txn_ref.as_deref(), Some("2003089893366DTEST"));
///
/// let err = paymentoptions_hpp::parse_notification(br#"{"transaction_details": {"ref": []}}"#).unwrap_err();
/// assert_eq!(err.path(), "transaction_details.ref");
/// # Ok::<(), paymentoptions_hpp::NotificationError>(())
/// ```
pub fn parse_notification(body: &[u8]) -> Result<TransactionNotification, NotificationError> {
    // serde reads a struct from a JSON array too (fields by position); only an object will do.
    if body.trim_ascii_start().first() == Some(&b'[') {
        return Err(NotificationError {
            path: ".".into(),
            message: "expected a JSON object, found an array".into(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let notification: TransactionNotification =
        serde_path_to_error::deserialize(&mut de).map_err(|e| NotificationError {
            path: crate::json::json_path(e.path()),
            message: e.into_inner().to_string(),
        })?;
    de.end().map_err(|e| NotificationError {
        path: ".".into(),
        message: e.to_string(),
    })?;
    let missing = |path: &str| NotificationError {
        path: path.into(),
        message: "missing".into(),
    };
    let details = notification
        .transaction_details
        .as_ref()
        .ok_or_else(|| missing("transaction_details"))?;
    match details.id.as_deref() {
        Some(id) if !id.trim().is_empty() => Ok(notification),
        _ => Err(missing("transaction_details.id")),
    }
}
