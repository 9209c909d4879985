//! The rules of the operations on a transaction (capture, refund, void, the stored-card
//! payment): each checks and records in one step, under the store's lock.

use std::sync::Arc;

use paymentoptions_hpp_client::types;
use serde_json::{Map, Value, json};

use super::{Kind, LEGAL_NAME, Payment, TransactionRecord, gateway, new_id, put, stamp};
use crate::codes;
use crate::errors::ErrorCode;
use crate::store::Store;
use crate::undocumented::{OverRefundStatus, StatusAfterChange};

/// Why an operation was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// No such transaction (or it was evicted): 404.
    NotFound(String),
    /// No such stored card: 406.
    UnknownCard(String),
    /// The transaction's state does not allow it: 412, with its code and a message.
    State(ErrorCode, String),
    /// More than is left to refund: the envelope, with `status` (see [`OverRefundStatus`]).
    OverRefund { status: u16, envelope: Value },
}

/// A capture, refund or void: the record it acts on, checked and updated in one step.
fn derived(
    store: &mut Store,
    original: &TransactionRecord,
    kind: Kind,
    amount: Option<i64>,
    (meaning, message): (&str, &str),
) -> TransactionRecord {
    let code = codes::gateway(meaning);
    let id = new_id();
    let ref_ = store.next_ref();
    let timestamp = stamp();
    let mut details = json!({"id": id, "ref": ref_, "timestamp": timestamp});
    put(
        &mut details,
        "merchant_txn_ref",
        original.merchant_txn_ref.clone(),
    );
    let mut envelope = json!({
        "success": true,
        "status_code": 200,
        "is_live": false,
        "transaction_type": kind.as_str(),
        "gateway_response": gateway(true, code, message),
        "merchant_details": {"legal_name": LEGAL_NAME},
        "transaction_details": details,
    });
    if let Some(amount) = amount {
        let mut payment = json!({"amount": amount, "response_code": 0});
        put(&mut payment, "currency", original.currency.clone());
        envelope["payment_details"] = payment;
    }
    let record = TransactionRecord {
        id,
        ref_,
        timestamp,
        kind,
        approved: true,
        amount,
        currency: original.currency.clone(),
        link_id: original.link_id,
        original_id: Some(original.id.clone()),
        merchant_txn_ref: original.merchant_txn_ref.clone(),
        stored_payment_method_id: None,
        captured: 0,
        refunded: 0,
        voided: false,
        status_reads: 0,
        envelope: Arc::new(envelope),
    };
    store.insert_transaction(record.clone(), None);
    record
}

fn found<'a>(store: &'a Store, id: &str) -> Result<&'a TransactionRecord, Refusal> {
    store
        .transaction(id)
        .ok_or_else(|| Refusal::NotFound(format!("no transaction {id}")))
}

/// A pre-auth that can still be captured or voided, or why not.
fn open_pre_auth(t: &TransactionRecord, what: &str) -> Result<(), Refusal> {
    let refuse = |code, message: String| Err(Refusal::State(code, message));
    if t.kind != Kind::PreAuth {
        return refuse(
            ErrorCode::NotAPreAuth,
            format!(
                "transaction {} is a {}: only a PRE_AUTH can be {what}",
                t.id,
                t.kind.as_str()
            ),
        );
    }
    if !t.approved {
        return refuse(
            ErrorCode::Declined,
            format!("pre-auth {} was declined: nothing to {what}", t.id),
        );
    }
    if t.voided {
        return refuse(ErrorCode::Voided, format!("pre-auth {} was voided", t.id));
    }
    if t.captured > 0 {
        return refuse(
            ErrorCode::AlreadyCaptured,
            format!(
                "pre-auth {} was already captured ({} of {}; the rest was released)",
                t.id,
                t.captured,
                t.amount.unwrap_or(0)
            ),
        );
    }
    Ok(())
}

/// Changes `original`'s status after `operation` acted on it, when `after` says so.
fn status_after(
    original: &mut TransactionRecord,
    operation: &TransactionRecord,
    after: StatusAfterChange,
) {
    let changed = after.after(
        &original.envelope,
        operation.kind.as_str(),
        &operation.envelope["gateway_response"],
    );
    if let Some(changed) = changed {
        original.envelope = Arc::new(changed);
    }
}

/// `capture_transaction`: at most the authorised amount, once; the rest is released.
pub(crate) fn capture(
    store: &mut Store,
    id: &str,
    amount: i64,
    after: StatusAfterChange,
) -> Result<Value, Refusal> {
    let original = found(store, id)?;
    open_pre_auth(original, "captured")?;
    let authorised = original.amount.unwrap_or(0);
    if amount > authorised {
        return Err(Refusal::State(
            ErrorCode::AmountExceedsAuthorisation,
            format!("cannot capture {amount}: pre-auth {id} authorised {authorised}"),
        ));
    }
    let original = original.clone();
    let capture = derived(
        store,
        &original,
        Kind::Capture,
        Some(amount),
        (codes::CAPTURED, "Payment Captured."),
    );
    if let Some(t) = store.transaction_mut(id) {
        t.captured = amount;
        status_after(t, &capture, after);
    }
    Ok(capture.created_answer())
}

/// `void_transaction`: a pre-auth not captured.
pub(crate) fn void(
    store: &mut Store,
    id: &str,
    after: StatusAfterChange,
) -> Result<Value, Refusal> {
    let original = found(store, id)?;
    open_pre_auth(original, "voided")?;
    let original = original.clone();
    let void = derived(
        store,
        &original,
        Kind::Void,
        None,
        (codes::VOIDED, "Authorization Cancelled."),
    );
    if let Some(t) = store.transaction_mut(id) {
        t.voided = true;
        status_after(t, &void, after);
    }
    Ok(void.created_answer())
}

/// `refund_transaction`: up to what an approved capture (or payment) holds, in as many parts
/// as wanted.
pub(crate) fn refund(
    store: &mut Store,
    id: &str,
    amount: i64,
    (after, refusal): (StatusAfterChange, OverRefundStatus),
) -> Result<Value, Refusal> {
    let original = found(store, id)?;
    if original.kind != Kind::Capture || !original.approved {
        let hint = if original.kind == Kind::PreAuth && original.captured > 0 {
            ": refund its capture's transaction instead"
        } else {
            ""
        };
        let what = if original.approved {
            original.kind.as_str()
        } else {
            "declined payment"
        };
        return Err(Refusal::State(
            ErrorCode::NotRefundable,
            format!("transaction {id} is a {what}: only an approved CAPTURE can be refunded{hint}"),
        ));
    }
    let left = original.amount.unwrap_or(0) - original.refunded;
    if amount > left {
        let message =
            format!("Insufficient refund balance: {amount} asked, {left} left to refund on {id}.");
        let meaning = codes::INSUFFICIENT_REFUND_BALANCE;
        let mut payment = json!({
            "amount": amount,
            "response_code": codes::response(meaning),
            "responseDescription": "Insufficient refund balance.",
        });
        put(&mut payment, "currency", original.currency.clone());
        let mut details = Map::new();
        if let Some(r) = &original.merchant_txn_ref {
            details.insert("merchant_txn_ref".into(), json!(r));
        }
        let code = codes::gateway(meaning);
        let mut envelope = json!({
            "success": false,
            "status_code": refusal.get(),
            "is_live": false,
            "transaction_type": Kind::Refund.as_str(),
            "gateway_response": gateway(false, code, "Insufficient refund balance."),
            "payment_details": payment,
            "transaction_details": details,
        });
        if !refusal.is_success() {
            // An error status: the error body's members too, for clients that read only those.
            envelope["code"] = json!(code);
            envelope["message"] = json!(message);
        }
        return Err(Refusal::OverRefund {
            status: refusal.get(),
            envelope,
        });
    }
    let original = original.clone();
    let refund = derived(
        store,
        &original,
        Kind::Refund,
        Some(amount),
        (codes::REFUNDED, "Payment Refunded."),
    );
    if let Some(t) = store.transaction_mut(id) {
        t.refunded += amount;
        status_after(t, &refund, after);
    }
    Ok(refund.created_answer())
}

/// `pay_with_stored_card`: an approved `CAPTURE` of the stored card, for the amount and
/// currency sent.
pub(crate) fn pay_with_stored_card(
    store: &mut Store,
    request: &types::StoredCardPaymentRequest,
    amount: i64,
) -> Result<Value, Refusal> {
    let token = request.payment_method.stored_payment_method_id.to_string();
    let Some(stored) = store.stored_card(&token) else {
        return Err(Refusal::UnknownCard(format!(
            "no stored card {token}: use the stored_payment_method_id of a hosted-page payment \
             made with store_payment_method"
        )));
    };
    let card = stored.card.clone();
    let billing = super::billing_details(
        super::address_members(request.billing_address.as_ref()),
        request.shipping_address.as_ref(),
    );
    let customer_ip = request.customer_ip.as_ref().map(|ip| ip.to_string());
    let mut device = json!({"merchant_ip": "127.0.0.1"});
    put(&mut device, "customer_ip", customer_ip.clone());
    put(&mut device, "visited_ip", customer_ip);
    let record = Payment {
        kind: Kind::Capture,
        approved: true,
        amount: Some(amount),
        currency: Some(request.currency.to_string()),
        link_id: None,
        merchant_id: request.merchant_id.as_ref().map(|m| m.to_string()),
        merchant_txn_ref: request.merchant_txn_ref.as_ref().map(|r| r.to_string()),
        card,
        stored_payment_method_id: Some(token),
        billing_details: billing,
        server_to_server: Some(device),
    }
    .record(store);
    Ok(record.created_answer())
}
