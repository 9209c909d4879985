//! Transactions: what paying a link, and the capture, refund, void and stored-card payment
//! operations, create; the transaction envelope the status call, those operations and the
//! notifications answer with; and the rules each operation checks.
//!
//! Every rule is checked and applied under the store's lock in one step (see
//! [`crate::store`]), so two refunds racing on one capture can never refund more than it
//! holds.
//!
//! What PaymentOptions documents is followed (`transaction_type`, `gateway_response` codes
//! `INFO0000`-`INFO0003` and `ERR3019`, response code 0 and -8019). What it does not document is
//! this sandbox's assumption, written in the spec's descriptions: a declined payment answers
//! `success: false`, response code 5 and the gateway code the spec names for it
//! (`codes::declined`); an unknown id answers 404, an unknown card token 406, a state that
//! does not allow the operation 412 (an over-refund with the envelope and `ERR3019`, or
//! another status: see [`OverRefundStatus`](crate::OverRefundStatus)). How the status of a transaction reads after
//! an operation acted on it is a setting too ([`StatusAfterChange`](crate::StatusAfterChange)).
//! The operations' rules are in `rules.rs`.

use std::sync::Arc;

use paymentoptions_hpp_client::types;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::codes;
use crate::store::Store;

pub(crate) mod record;
mod rules;

pub use record::TransactionView;
pub(crate) use record::{CardFacts, Kind, StoredCard, TransactionRecord};
pub(crate) use rules::{Refusal, capture, pay_with_stored_card, refund, void};

/// The merchant every sandbox transaction belongs to.
pub(crate) const LEGAL_NAME: &str = "PaymentOptions HPP sandbox";

/// A payment: a hosted-page payment or a stored-card one.
pub(crate) struct Payment {
    pub(crate) kind: Kind,
    pub(crate) approved: bool,
    pub(crate) amount: Option<i64>,
    pub(crate) currency: Option<String>,
    pub(crate) link_id: Option<Uuid>,
    pub(crate) merchant_id: Option<String>,
    pub(crate) merchant_txn_ref: Option<String>,
    pub(crate) card: CardFacts,
    /// Store the card (a new token), or the token charged.
    pub(crate) stored_payment_method_id: Option<String>,
    /// `{billing_address, shipping_address}`, when known.
    pub(crate) billing_details: Option<Value>,
    /// A stored-card payment shows its billing under `merchant_details`, with the device.
    pub(crate) server_to_server: Option<Value>,
}

/// The members of `address` the spec names (none when there is none): what a transaction
/// keeps of an address is bounded by the spec, not by what a body carried.
pub(crate) fn address_members(address: Option<&types::AddressRequest>) -> Map<String, Value> {
    match address.map(serde_json::to_value) {
        Some(Ok(Value::Object(members))) => members,
        _ => Map::new(),
    }
}

/// `{billing_address, shipping_address}` as a transaction shows them, when there is either.
pub(crate) fn billing_details(
    billing: Map<String, Value>,
    shipping: Option<&types::AddressRequest>,
) -> Option<Value> {
    let mut details = Map::new();
    if !billing.is_empty() {
        details.insert("billing_address".into(), Value::Object(billing));
    }
    let shipping = address_members(shipping);
    if !shipping.is_empty() {
        details.insert("shipping_address".into(), Value::Object(shipping));
    }
    (!details.is_empty()).then_some(Value::Object(details))
}

/// Now, as the documented `yyyy-mm-ddThh:mm:ss.000Z`: transactions are stamped to the second,
/// like every published sample.
pub(crate) fn stamp() -> String {
    let now = chrono::Utc::now();
    crate::timestamp(now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos())))
}

pub(crate) fn new_id() -> String {
    Uuid::new_v4().to_string()
}

pub(crate) fn gateway(approved: bool, code: &str, message: &str) -> Value {
    json!({
        "version": "1",
        "type": if approved { "INFO" } else { "ERROR" },
        "message": message,
        "code": code,
    })
}

/// Members of `object` set only when `value` is some.
pub(crate) fn put(object: &mut Value, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        object[key] = v.into();
    }
}

impl Payment {
    /// Records the payment; its envelope; the card it stores.
    pub(crate) fn record(self, store: &mut Store) -> TransactionRecord {
        self.record_as(store, new_id())
    }

    /// [`record`](Self::record) under a given id (the spec's examples name theirs).
    pub(crate) fn record_as(self, store: &mut Store, id: String) -> TransactionRecord {
        let ref_ = store.next_ref();
        let timestamp = stamp();
        let (code, message) = match (self.approved, self.kind) {
            (false, _) => (codes::declined(), "Payment Declined."),
            (true, Kind::PreAuth) => (codes::gateway(codes::PAID), "Payment Authorised."),
            (true, _) => (codes::gateway(codes::PAID), "Payment Successful."),
        };
        let mut merchant = json!({"legal_name": LEGAL_NAME});
        put(&mut merchant, "mid", self.merchant_id.clone());
        put(
            &mut merchant,
            "merchant_txn_ref",
            self.merchant_txn_ref.clone(),
        );
        let mut payment = json!({
            "amount": self.amount,
            "response_code": if self.approved { 0 } else { codes::response(codes::DO_NOT_HONOUR) },
            "responseDescription": if self.approved {
                "The transaction was completed successfully."
            } else {
                "Do not honour."
            },
            "card": self.card.to_json(),
        });
        put(&mut payment, "currency", self.currency.clone());
        if self.approved {
            payment["auth_code"] = json!(format!("{:06}", fastrand::u32(..1_000_000)));
        }
        if let Some((scheme, method)) = self.card.scheme() {
            payment["scheme"] = json!(scheme);
            payment["payment_method"] = json!(method);
        }
        let mut details = json!({"id": id, "ref": ref_, "timestamp": timestamp});
        put(
            &mut details,
            "merchant_txn_ref",
            self.merchant_txn_ref.clone(),
        );
        put(
            &mut details,
            "stored_payment_method_id",
            self.stored_payment_method_id.clone(),
        );
        match self.server_to_server {
            Some(device) => {
                put(&mut merchant, "billing_details", self.billing_details);
                merchant["device_details"] = device;
            }
            None => put(&mut details, "billing_details", self.billing_details),
        }
        let envelope = json!({
            "success": self.approved,
            "status_code": 200,
            "is_live": false,
            "transaction_type": self.kind.as_str(),
            "gateway_response": gateway(self.approved, code, message),
            "merchant_details": merchant,
            "payment_details": payment,
            "transaction_details": details,
            "risk_details": {"risk_score": null},
        });
        let record = TransactionRecord {
            id,
            ref_,
            timestamp,
            kind: self.kind,
            approved: self.approved,
            amount: self.amount,
            currency: self.currency,
            link_id: self.link_id,
            original_id: None,
            merchant_txn_ref: self.merchant_txn_ref,
            stored_payment_method_id: self.stored_payment_method_id,
            captured: 0,
            refunded: 0,
            voided: false,
            status_reads: 0,
            envelope: Arc::new(envelope),
        };
        let stored = record
            .stored_payment_method_id
            .clone()
            .filter(|_| self.approved && self.link_id.is_some());
        let card = stored.map(|token| {
            (
                token,
                StoredCard {
                    transaction_id: record.id.clone(),
                    card: self.card,
                },
            )
        });
        store.insert_transaction(record.clone(), card);
        record
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_whole_seconds() {
        let s = stamp();
        assert!(s.ends_with(".000Z") && s.len() == 24, "{s}");
    }
}
