//! The ledger's tests: fixtures, the forged and double-payment cases, and (in `properties`)
//! sequences of duplicated, reordered, forged, partial and failed events against a model.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{Action, Fact, Fulfilment, Ledger, LedgerError};
use crate::confirmation::{ClientFacts, Confirmation, Confirmed, ExpectedPayment, decide};
use crate::error::{Error, InDoubt, InDoubtCause};
use crate::money::{Currency, Money};
use crate::money_call::Refusal;
use crate::transaction::Transaction;
use crate::validation::{Rule, ValidationError};

const ORDER: &str = "ORDER-1";
const PRICE: i64 = 1000;

fn id(n: u32) -> String {
    format!("{n:08}-0000-4000-8000-000000000000")
}

fn order() -> ExpectedPayment {
    ExpectedPayment::new(ORDER, Money::from_minor(PRICE, Currency::JPY).unwrap())
}

fn transaction(
    id: &str,
    kind: &str,
    order: &str,
    amount: i64,
    currency: &str,
    ok: bool,
) -> Transaction {
    let code = match (ok, kind) {
        (false, _) => "ERR3019",
        (true, "REFUND") => "INFO0002",
        (true, "VOID") => "INFO0003",
        (true, _) => "INFO0000",
    };
    let body = json!({
        "success": ok,
        "is_live": false,
        "transaction_type": kind,
        "transaction_details": {"id": id},
        "merchant_details": {"merchant_txn_ref": order},
        "payment_details": {"amount": amount, "currency": currency, "response_code": if ok { 0 } else { 51 }},
        "gateway_response": {"code": code},
    });
    Transaction::from_response(200, serde_json::to_vec(&body).unwrap()).unwrap()
}

/// The transactions a notification may claim: the order's two genuine payments (two links),
/// and forgeries of every kind.
fn pool() -> Vec<Transaction> {
    vec![
        transaction(&id(1), "CAPTURE", ORDER, PRICE, "JPY", true),
        transaction(&id(2), "CAPTURE", ORDER, PRICE, "JPY", true),
        transaction(&id(3), "CAPTURE", "ORDER-2", PRICE, "JPY", true),
        transaction(&id(4), "CAPTURE", ORDER, PRICE - 1, "JPY", true),
        transaction(&id(5), "REFUND", ORDER, PRICE, "JPY", true),
        transaction(&id(6), "PRE_AUTH", ORDER, PRICE, "JPY", true),
        transaction(&id(7), "CAPTURE", ORDER, PRICE, "JPY", false),
        transaction(&id(8), "CAPTURE", ORDER, PRICE, "USD", true),
    ]
}

const GENUINE_PAYMENTS: [u32; 2] = [1, 2];

mod properties;

use properties::confirmation;

#[test]
fn forged_confirmations_are_refused_with_their_reason() {
    let pool = pool();
    let mut ledger = Ledger::new(&order());
    let other_order = ledger.record_confirmation(&Confirmation::Paid(Confirmed(pool[2].clone())));
    assert!(matches!(other_order, Err(LedgerError::OtherOrder { .. })));
    let other_amount = ledger.record_confirmation(&Confirmation::Paid(Confirmed(pool[3].clone())));
    assert!(matches!(other_amount, Err(LedgerError::OtherAmount { .. })));
    let a_refund = ledger.record_confirmation(&Confirmation::Paid(Confirmed(pool[4].clone())));
    assert!(matches!(a_refund, Err(LedgerError::WrongKind { .. })));
    let declined = ledger.record_confirmation(&Confirmation::Paid(Confirmed(pool[6].clone())));
    assert!(matches!(declined, Err(LedgerError::NotApproved)));
    let usd = ledger.record_confirmation(&Confirmation::Paid(Confirmed(pool[7].clone())));
    assert!(matches!(usd, Err(LedgerError::OtherAmount { .. })));
    assert!(ledger.facts().is_empty());
    assert_eq!(ledger.fulfilment(), Fulfilment::Unpaid);
}

#[test]
fn a_second_payment_is_given_back_never_fulfilled() {
    let pool = pool();
    let mut ledger = Ledger::new(&order());
    let first = ledger
        .record_confirmation(&confirmation(&pool[0], false).unwrap())
        .unwrap();
    assert_eq!(first.action, Action::Fulfil { payment: id(1) });
    let repeat = ledger
        .record_confirmation(&confirmation(&pool[0], false).unwrap())
        .unwrap();
    assert_eq!(
        repeat,
        super::Recorded {
            fact: None,
            action: Action::None
        }
    );
    let second = ledger
        .record_confirmation(&confirmation(&pool[1], false).unwrap())
        .unwrap();
    assert_eq!(
        second.action,
        Action::GiveBack {
            payment: id(2),
            amount: ledger.order_amount()
        }
    );
    assert_eq!(ledger.to_give_back().len(), 1);
    assert_eq!(ledger.collected().minor_units(), 2 * PRICE);
    ledger.record_fulfilled().unwrap();
    assert!(matches!(
        ledger.record_fulfilled(),
        Err(LedgerError::AlreadyFulfilled { .. })
    ));
}

#[test]
fn refunds_target_the_capture_not_the_pre_auth() {
    let pool = pool();
    let mut ledger = Ledger::new(&order());
    let auth = ledger
        .record_confirmation(&confirmation(&pool[5], false).unwrap())
        .unwrap();
    assert_eq!(
        auth.action,
        Action::CaptureOrVoid {
            authorisation: id(6)
        }
    );
    let price = ledger.order_amount();
    assert!(matches!(
        ledger.prepare_refund(&id(6), price),
        Err(LedgerError::NotAPayment { .. })
    ));
    let capture = ledger.prepare_capture(&id(6)).unwrap();
    let result = Ok(transaction(&id(9), "CAPTURE", ORDER, PRICE, "JPY", true));
    let applied = ledger.record_result(capture.reference(), &result).unwrap();
    assert_eq!(applied.action, Action::Fulfil { payment: id(9) });
    let refund = ledger.prepare_refund(&id(9), price).unwrap();
    assert_eq!(refund.request().to_json()["transactionId"], json!(id(9)));
    // One call at a time on a payment, and the one without an answer counts as applied.
    assert!(matches!(
        ledger.prepare_refund(&id(9), price),
        Err(LedgerError::InFlight { .. })
    ));
    assert_eq!(ledger.refundable().minor_units(), 0);
}
