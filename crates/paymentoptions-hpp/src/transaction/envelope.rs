//! Decoding the raw envelope and reading fields from it that more than one caller needs.

use paymentoptions_hpp_client::types::TransactionEnvelope;

use crate::money::{self, Money};

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
