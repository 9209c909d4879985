//! A transaction as the sandbox keeps it, and as it is shown: the data the store holds, with
//! no rule of any operation (those are `rules.rs` and the payments in `mod.rs`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// What a transaction is (`transaction_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An authorisation only: captured or voided later.
    PreAuth,
    /// A payment, or the capture of a pre-auth.
    Capture,
    Refund,
    Void,
}

impl Kind {
    /// The kind named `transaction_type` (one of the four the sandbox makes).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        [Kind::PreAuth, Kind::Capture, Kind::Refund, Kind::Void]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::PreAuth => "PRE_AUTH",
            Kind::Capture => "CAPTURE",
            Kind::Refund => "REFUND",
            Kind::Void => "VOID",
        }
    }
}

/// A transaction as the sandbox keeps it.
#[derive(Clone)]
pub(crate) struct TransactionRecord {
    pub(crate) id: String,
    pub(crate) ref_: i64,
    pub(crate) timestamp: String,
    pub(crate) kind: Kind,
    pub(crate) approved: bool,
    pub(crate) amount: Option<i64>,
    pub(crate) currency: Option<String>,
    pub(crate) link_id: Option<Uuid>,
    pub(crate) original_id: Option<String>,
    pub(crate) merchant_txn_ref: Option<String>,
    pub(crate) stored_payment_method_id: Option<String>,
    pub(crate) captured: i64,
    pub(crate) refunded: i64,
    pub(crate) voided: bool,
    /// How many times the status call asked for it (see
    /// [`MockConfig::unseen_status_reads`](crate::MockConfig::unseen_status_reads)).
    pub(crate) status_reads: u32,
    /// What the status call answers (`status_code` 200). Shared, so that a listing copies it
    /// out of the lock for the price of a counter.
    pub(crate) envelope: Arc<Value>,
}

impl TransactionRecord {
    /// The view, copying the envelope: call it after releasing the lock.
    pub(crate) fn view(self) -> TransactionView {
        TransactionView {
            id: self.id,
            ref_: self.ref_,
            timestamp: self.timestamp,
            transaction_type: self.kind.as_str().to_string(),
            approved: self.approved,
            amount: self.amount,
            currency: self.currency,
            link_id: self.link_id,
            original_id: self.original_id,
            merchant_txn_ref: self.merchant_txn_ref,
            stored_payment_method_id: self.stored_payment_method_id,
            captured: self.captured,
            refunded: self.refunded,
            voided: self.voided,
            envelope: Arc::unwrap_or_clone(self.envelope),
        }
    }

    /// The envelope with `status_code` 201: the answer of the operation that created it.
    pub(crate) fn created_answer(&self) -> Value {
        let mut answer = (*self.envelope).clone();
        answer["status_code"] = json!(201);
        answer
    }
}

/// A transaction, as the control API (`GET /__mock/transactions`) and
/// [`MockServer::transactions`](crate::MockServer::transactions) show it: the facts, its
/// balances, and the envelope the status call answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransactionView {
    /// The transaction id, a UUID (`transaction_details.id`).
    pub id: String,
    /// The numeric reference (`transaction_details.ref`).
    #[serde(rename = "ref")]
    pub ref_: i64,
    /// When it was made, `yyyy-mm-ddThh:mm:ss.000Z`.
    pub timestamp: String,
    /// `PRE_AUTH`, `CAPTURE`, `REFUND` or `VOID`.
    pub transaction_type: String,
    /// Approved (`success: true`), or declined.
    pub approved: bool,
    /// In minor units (none for a void).
    pub amount: Option<i64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// The link whose payment it is, or acts on (none for a stored-card payment).
    pub link_id: Option<Uuid>,
    /// The transaction a capture, refund or void acts on.
    pub original_id: Option<String>,
    /// The merchant's reference.
    pub merchant_txn_ref: Option<String>,
    /// The stored card this payment issued (a hosted-page payment with
    /// `store_payment_method`) or charged (a stored-card payment).
    pub stored_payment_method_id: Option<String>,
    /// For a pre-auth: how much was captured (the rest was released).
    pub captured: i64,
    /// For a capture: how much was refunded so far.
    pub refunded: i64,
    /// For a pre-auth: voided.
    pub voided: bool,
    /// The body the status call answers.
    pub envelope: Value,
}

/// A card as a transaction shows it: never its whole number.
#[derive(Clone, Debug, Default)]
pub(crate) struct CardFacts {
    /// `424242******4242`.
    pub(crate) masked_number: String,
    pub(crate) exp_month: Option<String>,
    pub(crate) exp_year: Option<String>,
}

impl CardFacts {
    /// The card of `digits` (a whole card number), masked: its first six and last four digits.
    pub(crate) fn from_number(digits: &str, expiry: Option<(&str, &str)>) -> Self {
        let n = digits.len();
        let masked_number = if n > 10 {
            format!("{}{}{}", &digits[..6], "*".repeat(n - 10), &digits[n - 4..])
        } else {
            "*".repeat(n)
        };
        Self {
            masked_number,
            exp_month: expiry.map(|(m, _)| m.to_string()),
            exp_year: expiry.map(|(_, y)| y.to_string()),
        }
    }

    /// The scheme, from the number's first digit (what the sandbox can tell).
    pub(super) fn scheme(&self) -> Option<(&'static str, &'static str)> {
        match self.masked_number.as_bytes().first() {
            Some(b'4') => Some(("VISA", "VISA-SSL")),
            Some(b'5') | Some(b'2') => Some(("MASTERCARD", "ECMC-SSL")),
            Some(b'3') => Some(("AMEX", "AMEX-SSL")),
            _ => None,
        }
    }

    pub(super) fn to_json(&self) -> Value {
        let mut card = json!({"number": self.masked_number});
        if let (Some(m), Some(y)) = (&self.exp_month, &self.exp_year) {
            card["exp_month"] = json!(m);
            card["exp_year"] = json!(y);
        }
        card
    }
}

/// A card stored by a payment, charged by `pay_with_stored_card`.
#[derive(Clone)]
pub(crate) struct StoredCard {
    /// The payment that stored it: the card is forgotten when that transaction is evicted.
    pub(crate) transaction_id: String,
    pub(crate) card: CardFacts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_are_masked_to_six_and_four() {
        let card = CardFacts::from_number("4242424242424242", Some(("12", "34")));
        assert_eq!(card.masked_number, "424242******4242");
        assert_eq!(
            card.to_json(),
            json!({"number": "424242******4242", "exp_month": "12", "exp_year": "34"})
        );
        assert_eq!(
            CardFacts::from_number("4000000000000002", None).to_json(),
            json!({"number": "400000******0002"})
        );
        assert_eq!(
            CardFacts::from_number("378282246310005", None).masked_number,
            "378282*****0005"
        );
        assert_eq!(CardFacts::from_number("1234", None).masked_number, "****");
    }
}
