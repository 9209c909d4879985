//! Completing a link, as the hosted page and the control API do: the transaction, the
//! redirect, and the notification queued for delivery.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::delivery;
use crate::server::Shared;
use crate::store::{DeliveryState, DeliveryView, LinkState, Outcome, Transaction};

/// Where a completed link sends the customer, and the transaction it produced.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Completion {
    /// The return URL (`success_url`, `decline_url` or `cancel_url`), if the request gave one.
    pub redirect: Option<String>,
    /// The transaction.
    pub transaction: Transaction,
    /// The notification delivery, if the request gave a `webhook_url`.
    pub delivery_id: Option<Uuid>,
}

/// Why a link could not be completed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CompleteError {
    /// No such link (or it was evicted).
    NotFound,
    /// It was completed before.
    AlreadyCompleted(LinkState),
    /// What the customer entered is not usable (the message says why).
    Invalid(String),
}

impl fmt::Display for CompleteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompleteError::NotFound => f.write_str("no such payment link"),
            CompleteError::AlreadyCompleted(state) => {
                write!(
                    f,
                    "this payment link was already completed ({})",
                    state.as_str()
                )
            }
            CompleteError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CompleteError {}

/// What the customer typed on the hosted page.
#[derive(Clone, Debug, Default)]
pub(crate) struct CustomerInput {
    pub(crate) amount: Option<i64>,
    pub(crate) currency: Option<String>,
    pub(crate) details: Map<String, Value>,
}

/// Completes a link once: records the transaction, and queues the notification.
pub(crate) fn complete(
    shared: &Arc<Shared>,
    id: Uuid,
    outcome: Outcome,
    input: CustomerInput,
) -> Result<Completion, CompleteError> {
    let (completion, delivery) = {
        let mut store = shared.store.lock().expect("store lock");
        let ref_ = store.next_ref();
        let record = store.link_mut(&id).ok_or(CompleteError::NotFound)?;
        if record.state != LinkState::Open {
            return Err(CompleteError::AlreadyCompleted(record.state));
        }
        let request = record.request();
        let text = |pointer: &str| {
            request
                .pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let store_card =
            request.pointer("/payment_method/store_payment_method") == Some(&Value::Bool(true));
        let amount = request
            .get("amount")
            .and_then(Value::as_i64)
            .or(input.amount)
            .or(
                // A link completed through the control API stands in for a customer who typed 1000.
                if outcome == Outcome::Cancel {
                    None
                } else {
                    Some(1000)
                },
            );
        let transaction = Transaction {
            id: Uuid::new_v4().to_string(),
            ref_,
            timestamp: crate::now(),
            outcome,
            amount: if outcome == Outcome::Cancel {
                None
            } else {
                amount
            },
            currency: text("/currency").or(input.currency),
            stored_payment_method_id: (outcome == Outcome::Pay && store_card)
                .then(|| Uuid::new_v4().to_string()),
            customer: input.details,
        };
        let mut details = json!({
            "id": transaction.id,
            "ref": transaction.ref_,
            "timestamp": transaction.timestamp,
        });
        if let Some(r) = text("/merchant_txn_ref") {
            details["merchant_txn_ref"] = json!(r);
        }
        if let Some(s) = &transaction.stored_payment_method_id {
            details["stored_payment_method_id"] = json!(s);
        }
        let redirect = text(&format!("/return_url/{}", outcome.return_url_field()));
        let webhook = text("/return_url/webhook_url");
        record.state = outcome.state();
        record.transaction = Some(Box::new(transaction.clone()));
        let delivery = webhook.map(|url| DeliveryView {
            id: Uuid::new_v4(),
            link_id: id,
            url,
            outcome,
            body: json!({"transaction_details": details}),
            state: DeliveryState::Pending,
            attempts: Vec::new(),
        });
        let delivery_id = delivery.as_ref().map(|d| d.id);
        if let Some(d) = &delivery {
            store.insert_delivery(d.clone());
        }
        (
            Completion {
                redirect,
                transaction,
                delivery_id,
            },
            delivery_id,
        )
    };
    if let Some(delivery_id) = delivery {
        delivery::spawn(shared.clone(), delivery_id);
    }
    tracing::debug!(link = %id, outcome = outcome.state().as_str(), "link completed");
    Ok(completion)
}
