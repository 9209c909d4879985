//! The spec's examples, known to a fresh sandbox, so that every example request in the spec
//! succeeds as documented (as a mock server generated from the spec would answer them).
//!
//! Nothing here restates an example: the transactions and the stored card are read from the
//! embedded spec through the generated models. The status call's example is the payment, kept
//! with its example body as its envelope (the status call answers it as documented). Each money
//! operation's request example names the transaction it acts on (`x-moves-money`'s `acts-on`);
//! one the spec shows nowhere else is made an approved transaction of the first kind the
//! operation acts on, for the example's amount (or the payment's), in the payment's currency.
//! A spec whose examples disagree (an example acting on a kind it may not) is reported by
//! [`plan`] and its test, never by a panic at run time.

use std::sync::{Arc, LazyLock};

use paymentoptions_hpp_client::api::{self, money};
use paymentoptions_hpp_client::types;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::spec::{request_example, response_example};
use crate::store::Store;
use crate::transactions::{CardFacts, Kind, Payment, StoredCard, TransactionRecord};

/// What seeding adds to a store: computed once per process from the embedded spec.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The status call's example: the payment every other example is about.
    payment: Option<Seeded>,
    /// The transactions the money operations' examples act on, beyond the payment.
    targets: Vec<Target>,
}

#[derive(Debug)]
struct Seeded {
    envelope: Value,
    id: String,
    kind: Kind,
    approved: bool,
    amount: Option<i64>,
    currency: Option<String>,
    merchant_id: Option<String>,
    merchant_txn_ref: Option<String>,
    /// The token of the card it stored, and the card.
    stored: Option<(String, String)>,
}

#[derive(Debug)]
struct Target {
    id: String,
    kind: Kind,
    amount: Option<i64>,
}

static PLAN: LazyLock<Result<Plan, String>> = LazyLock::new(plan);

/// Adds the spec's example transactions and stored card to `store` (nothing when the spec's
/// examples disagree: [`plan`]'s test says how).
pub(crate) fn seed(store: &mut Store) {
    let Ok(plan) = &*PLAN else { return };
    let Some(payment) = &plan.payment else { return };
    let record = TransactionRecord {
        id: payment.id.clone(),
        ref_: store.next_ref(),
        timestamp: example_timestamp(&payment.envelope),
        kind: payment.kind,
        approved: payment.approved,
        amount: payment.amount,
        currency: payment.currency.clone(),
        link_id: None,
        original_id: None,
        merchant_txn_ref: payment.merchant_txn_ref.clone(),
        stored_payment_method_id: payment.stored.as_ref().map(|(token, _)| token.clone()),
        captured: 0,
        refunded: 0,
        voided: false,
        status_reads: 0,
        envelope: Arc::new(payment.envelope.clone()),
    };
    let card = payment.stored.as_ref().map(|(token, number)| {
        let card = StoredCard {
            transaction_id: payment.id.clone(),
            card: CardFacts::from_number(number, None),
        };
        (token.clone(), card)
    });
    store.insert_transaction(record, card);
    for target in &plan.targets {
        Payment {
            kind: target.kind,
            approved: true,
            amount: target.amount.or(payment.amount),
            currency: payment.currency.clone(),
            link_id: None,
            merchant_id: payment.merchant_id.clone(),
            merchant_txn_ref: payment.merchant_txn_ref.clone(),
            card: CardFacts::default(),
            stored_payment_method_id: None,
            billing_details: None,
            server_to_server: None,
        }
        .record_as(store, target.id.clone());
    }
}

fn example_timestamp(envelope: &Value) -> String {
    decode::<types::TransactionEnvelope>(envelope)
        .and_then(|e| e.transaction_details)
        .and_then(|d| d.timestamp)
        .unwrap_or_default()
}

fn decode<T: DeserializeOwned>(value: &Value) -> Option<T> {
    serde_json::from_value(value.clone()).ok()
}

/// The transactions the spec's examples name, or how its examples disagree.
pub(crate) fn plan() -> Result<Plan, String> {
    let payment = match response_example(api::GET_TRANSACTION_STATUS, 200) {
        Some(example) => Some(payment(example)?),
        None => None,
    };
    let mut targets: Vec<Target> = Vec::new();
    for operation in money::OPERATIONS {
        let Some(first_kind) = operation.acts_on.first() else {
            continue;
        };
        let spec_operation = api::OPERATIONS
            .iter()
            .find(|o| o.id == operation.id)
            .ok_or_else(|| format!("{} is not an operation of the spec", operation.id))?;
        let Some(example) = request_example(*spec_operation) else {
            continue;
        };
        let (id, amount) = target_of(operation.id, &example)?;
        let known = payment
            .as_ref()
            .filter(|p| p.id == id)
            .map(|p| p.kind)
            .or_else(|| targets.iter().find(|t| t.id == id).map(|t| t.kind));
        match known {
            Some(kind) if operation.acts_on.contains(&kind.as_str()) => {}
            Some(kind) => {
                return Err(format!(
                    "the example of {} acts on {id}, a {} in another example; it acts on {:?}",
                    operation.id,
                    kind.as_str(),
                    operation.acts_on
                ));
            }
            None => targets.push(Target {
                id,
                kind: Kind::from_name(first_kind)
                    .ok_or_else(|| format!("{} acts on unknown kind {first_kind}", operation.id))?,
                amount,
            }),
        }
    }
    Ok(Plan { payment, targets })
}

/// The status call's example, read through the generated envelope.
fn payment(example: Value) -> Result<Seeded, String> {
    let envelope: types::TransactionEnvelope = serde_json::from_value(example.clone())
        .map_err(|e| format!("the status call's example is no TransactionEnvelope: {e}"))?;
    let details = envelope.transaction_details.unwrap_or_default();
    let payment = envelope.payment_details.unwrap_or_default();
    let merchant = envelope.merchant_details.unwrap_or_default();
    let type_ = envelope.transaction_type.unwrap_or_default();
    let stored = details.stored_payment_method_id.zip(
        payment
            .card
            .and_then(|c| c.number)
            .map(|n| n.expose().to_string()),
    );
    Ok(Seeded {
        id: details
            .id
            .ok_or("the status call's example has no transaction id")?,
        kind: Kind::from_name(&type_)
            .ok_or_else(|| format!("the status call's example is a {type_}"))?,
        approved: envelope.success == Some(true),
        amount: payment.amount,
        currency: payment.currency,
        merchant_id: merchant.mid,
        merchant_txn_ref: merchant.merchant_txn_ref.or(details.merchant_txn_ref),
        stored,
        envelope: example,
    })
}

/// The transaction a money operation's request example acts on, and its amount. The body names
/// its target with the status call's parameter (the library reads it the same way), so an
/// operation the spec adds needs no edit here.
fn target_of(operation: &str, example: &Value) -> Result<(String, Option<i64>), String> {
    let field = api::path_params::GET_TRANSACTION_STATUS
        .first()
        .map(|p| p.path)
        .ok_or("the status call has no path parameter")?;
    let id = example
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the example of {operation} names no `{field}`"))?;
    Ok((
        id.to_string(),
        example.get("amount").and_then(Value::as_i64),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specs_examples_agree_with_one_another() {
        let plan = plan().expect("the examples agree");
        let payment = plan.payment.expect("the status call has an example");
        assert!(payment.approved, "the example payment is approved");
        assert!(payment.stored.is_some(), "it stored the example card");
        // Every money operation that acts on a transaction has an example that names one.
        for operation in money::OPERATIONS.iter().filter(|o| !o.acts_on.is_empty()) {
            let spec_operation = api::OPERATIONS
                .iter()
                .find(|o| o.id == operation.id)
                .unwrap();
            let example = request_example(*spec_operation)
                .unwrap_or_else(|| panic!("{} has no request example", operation.id));
            let (id, _) = target_of(operation.id, &example).unwrap();
            assert!(
                id == payment.id || plan.targets.iter().any(|t| t.id == id),
                "{} acts on {id}, which nothing seeds",
                operation.id
            );
        }
    }

    #[test]
    fn a_store_with_the_examples_knows_the_payment_its_card_and_the_targets() {
        let plan = plan().unwrap();
        let payment = plan.payment.as_ref().unwrap();
        let store = Store::new(10, 10, Some(seed));
        assert_eq!(store.transaction_count(), 1 + plan.targets.len());
        let kept = store.transaction(&payment.id).unwrap();
        assert_eq!(*kept.envelope, payment.envelope, "answered as documented");
        let (token, _) = payment.stored.as_ref().unwrap();
        assert_eq!(store.stored_card(token).unwrap().transaction_id, payment.id);
        for target in &plan.targets {
            let kept = store.transaction(&target.id).unwrap();
            assert_eq!((kept.kind, kept.approved), (target.kind, true));
        }
        assert_eq!(Store::new(10, 10, None).transaction_count(), 0);
    }
}
