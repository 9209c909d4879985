//! Completing a link, as the hosted page and the control API do: the transaction, the
//! redirect, and the notification queued for delivery.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::delivery;
use crate::state::Shared;
use crate::store::{CustomerAction, DeliveryState, DeliveryView, LinkCompletion, LinkState};
use crate::transactions::{CardFacts, Kind, Payment};

/// Where a completed link sends the customer, and the transaction it produced.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Completion {
    /// The return URL (`success_url`, `decline_url` or `cancel_url`), if the request gave one.
    pub redirect: Option<String>,
    /// The transaction.
    pub transaction: LinkCompletion,
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
    /// The card, masked (none through the control API: the test card of the outcome).
    pub(crate) card: Option<CardFacts>,
}

/// Completes a link once: records the transaction (a `PRE_AUTH` when `authorise_only`, a
/// `CAPTURE` otherwise; none when cancelled), and queues the notification.
pub(crate) fn complete(
    shared: &Arc<Shared>,
    id: Uuid,
    outcome: CustomerAction,
    input: CustomerInput,
    authorise_only: bool,
) -> Result<Completion, CompleteError> {
    let (completion, delivery) = {
        let mut store = shared.store.lock().expect("store lock");
        let record = store.link(&id).ok_or(CompleteError::NotFound)?;
        if record.state != LinkState::Open {
            return Err(CompleteError::AlreadyCompleted(record.state));
        }
        let request = record.model();
        let store_card = request
            .payment_method
            .as_ref()
            .and_then(|m| m.store_payment_method)
            == Some(true);
        let amount = request
            .amount
            .or(input.amount)
            // A link completed through the control API stands in for a customer who typed 1000.
            .or(Some(1000));
        let currency = request
            .currency
            .as_ref()
            .map(|c| c.to_string())
            .or(input.currency);
        let merchant_txn_ref = request.merchant_txn_ref.as_ref().map(|r| r.to_string());
        let stored_payment_method_id =
            (outcome == CustomerAction::Pay && store_card).then(|| Uuid::new_v4().to_string());
        let (transaction, body) = if outcome == CustomerAction::Cancel {
            // No payment was attempted: no transaction the API knows, and a notification with
            // only the link page's `transaction_details` (no outcome signal in it).
            let ref_ = store.next_ref();
            let transaction = LinkCompletion {
                id: Uuid::new_v4().to_string(),
                ref_,
                timestamp: crate::now(),
                outcome,
                amount: None,
                currency,
                stored_payment_method_id: None,
                customer: input.details,
                transaction_type: None,
            };
            let mut details = json!({
                "id": transaction.id,
                "ref": transaction.ref_,
                "timestamp": transaction.timestamp,
            });
            if let Some(r) = &merchant_txn_ref {
                details["merchant_txn_ref"] = json!(r);
            }
            (transaction, json!({"transaction_details": details}))
        } else {
            let card = input.card.unwrap_or_else(|| {
                let number = if outcome == CustomerAction::Pay {
                    crate::APPROVED_CARD
                } else {
                    crate::DECLINED_CARD
                };
                CardFacts::from_number(number, None)
            });
            let mut address =
                crate::transactions::address_members(request.billing_address.as_ref());
            address.extend(input.details.clone());
            let billing_details =
                crate::transactions::billing_details(address, request.shipping_address.as_ref());
            let kind = if authorise_only {
                Kind::PreAuth
            } else {
                Kind::Capture
            };
            let record = Payment {
                kind,
                approved: outcome == CustomerAction::Pay,
                amount,
                currency: currency.clone(),
                link_id: Some(id),
                merchant_id: request.merchant_id.as_ref().map(|m| m.to_string()),
                merchant_txn_ref: merchant_txn_ref.clone(),
                card,
                stored_payment_method_id: stored_payment_method_id.clone(),
                billing_details,
                server_to_server: None,
            }
            .record(&mut store);
            let transaction = LinkCompletion {
                id: record.id.clone(),
                ref_: record.ref_,
                timestamp: record.timestamp.clone(),
                outcome,
                amount,
                currency,
                stored_payment_method_id,
                customer: input.details,
                transaction_type: Some(kind.as_str().to_string()),
            };
            (transaction, (*record.envelope).clone())
        };
        let urls = request.return_url.as_ref();
        let redirect = urls
            .and_then(|u| match outcome {
                CustomerAction::Pay => u.success_url.as_deref(),
                CustomerAction::Decline => u.decline_url.as_deref(),
                CustomerAction::Cancel => u.cancel_url.as_deref(),
            })
            .map(|url| url.to_string());
        let webhook = urls
            .and_then(|u| u.webhook_url.as_deref())
            .map(|url| url.to_string());
        let record = store.link_mut(&id).ok_or(CompleteError::NotFound)?;
        record.state = outcome.state();
        record.transaction = Some(Box::new(transaction.clone()));
        let delivery = webhook.map(|url| DeliveryView {
            id: Uuid::new_v4(),
            link_id: id,
            url,
            outcome,
            body,
            state: DeliveryState::Pending,
            attempts: Vec::new(),
            redeliveries: 0,
        });
        let delivery_id = delivery.as_ref().map(|d| d.id);
        if let Some(d) = delivery {
            store.insert_delivery(d);
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
