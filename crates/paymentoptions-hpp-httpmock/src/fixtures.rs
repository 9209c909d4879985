//! Hand-written helpers over the generated stubs: match by `&str` ids and [`Money`] amounts,
//! and answer with the library's fixtures (`paymentoptions_hpp::fixtures`), so a test writes
//! no JSON and no `.parse()`.
//!
//! - `when`: [`GetTransactionStatusWhen::id`] (the generated `transaction_id` takes the
//!   spec's checked id type), `transaction_id(&str)` on the capture, refund and void stubs,
//!   `amount(Money)` on the capture and refund stubs;
//! - `then`: `transaction(&TransactionFixture)` on every transaction operation (its documented
//!   success status, or the fixture's own error status, e.g. 412 for
//!   [`TransactionFixture::refund_refused`]), `link(&LinkFixture)` on link creation, and
//!   `error(&ErrorFixture)` on every operation.

use httpmock::Then;
use paymentoptions_hpp::Money;
use paymentoptions_hpp::fixtures::{ErrorFixture, LinkFixture, TransactionFixture};
use paymentoptions_hpp_client::api;
use serde_json::json;

use crate::operations::{
    CaptureTransactionThen, CaptureTransactionWhen, GenerateHppLinkThen, GetTransactionStatusThen,
    GetTransactionStatusWhen, PayWithStoredCardThen, RefundTransactionThen, RefundTransactionWhen,
    VoidTransactionThen, VoidTransactionWhen,
};

/// The documented success status of the operations that create a transaction.
const CREATED: u16 = 201;
/// The documented success status of the reads (the status call, link creation).
const OK: u16 = 200;

/// `then` answering `status` with a JSON body.
fn answer(then: Then, status: u16, body: Vec<u8>) -> Then {
    then.status(status)
        .header("content-type", "application/json")
        .body(body)
}

/// A transaction fixture as an operation whose success status is `success` answers it: that
/// status for an approved or declined transaction, the fixture's own for an error answer.
fn transaction(then: Then, fixture: &TransactionFixture, success: u16) -> Then {
    let fixture = if fixture.status() >= 400 {
        fixture.clone()
    } else {
        fixture.clone().with_status(success)
    };
    answer(then, fixture.status(), fixture.to_bytes())
}

fn error(then: Then, fixture: &ErrorFixture) -> Then {
    answer(
        then,
        fixture.status(),
        fixture.to_json().to_string().into_bytes(),
    )
}

impl GetTransactionStatusWhen {
    /// Matches the status read of transaction `id`, exactly (the id is not a pattern).
    pub fn id(self, id: &str) -> Self {
        let (before, after) = api::GET_TRANSACTION_STATUS
            .path
            .split_once("{transactionId}")
            .unwrap_or((api::GET_TRANSACTION_STATUS.path, ""));
        let pattern = format!(
            "^{}{}{}$",
            regex::escape(before),
            regex::escape(id),
            regex::escape(after)
        );
        match regex::Regex::new(&pattern) {
            Ok(re) => Self::new(self.into_inner().path_matches(re)),
            // Only an id long enough to exceed the regex size limit gets here: match nothing
            // rather than everything.
            Err(_) => Self::new(self.into_inner().path("/ no path matches this id")),
        }
    }
}

macro_rules! money_when {
    ($when:ty) => {
        impl $when {
            /// Matches a request for transaction `id` (the body's `transactionId`).
            pub fn transaction_id(self, id: &str) -> Self {
                Self::new(
                    self.into_inner()
                        .json_body_includes(json!({ "transactionId": id }).to_string()),
                )
            }
        }
    };
}
money_when!(CaptureTransactionWhen);
money_when!(RefundTransactionWhen);
money_when!(VoidTransactionWhen);

macro_rules! amount_when {
    ($when:ty) => {
        impl $when {
            /// Matches a request for `amount` (the body's `amount`, in minor units: the body
            /// names no currency, so only the number is matched).
            pub fn amount(self, amount: Money) -> Self {
                Self::new(
                    self.into_inner()
                        .json_body_includes(json!({ "amount": amount.minor_units() }).to_string()),
                )
            }
        }
    };
}
amount_when!(CaptureTransactionWhen);
amount_when!(RefundTransactionWhen);

macro_rules! transaction_then {
    ($then:ty, $success:expr) => {
        impl $then {
            /// Answers the fixture's exact body: with the operation's documented success
            /// status, or with the fixture's error status (412 for an `ERR3019` refusal).
            pub fn transaction(self, fixture: &TransactionFixture) -> Self {
                Self::new(transaction(self.into_inner(), fixture, $success))
            }

            /// Answers an error fixture (its status and body).
            pub fn error(self, fixture: &ErrorFixture) -> Self {
                Self::new(error(self.into_inner(), fixture))
            }
        }
    };
}
transaction_then!(GetTransactionStatusThen, OK);
transaction_then!(CaptureTransactionThen, CREATED);
transaction_then!(RefundTransactionThen, CREATED);
transaction_then!(VoidTransactionThen, CREATED);
transaction_then!(PayWithStoredCardThen, CREATED);

impl GenerateHppLinkThen {
    /// Answers 200 with the link fixture's exact body.
    pub fn link(self, fixture: &LinkFixture) -> Self {
        Self::new(answer(
            self.into_inner(),
            OK,
            fixture.to_json().to_string().into_bytes(),
        ))
    }

    /// Answers an error fixture (its status and body).
    pub fn error(self, fixture: &ErrorFixture) -> Self {
        Self::new(error(self.into_inner(), fixture))
    }
}
