//! What the sandbox shows of its state: links, transactions, deliveries, faults. These are
//! the control API's JSON and [`MockServer`](crate::MockServer)'s answers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Where a link is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LinkState {
    /// Waiting for the customer.
    Open,
    /// Paid: the customer was sent to `success_url`.
    Paid,
    /// Declined: the customer was sent to `decline_url`.
    Declined,
    /// Cancelled by the customer: sent to `cancel_url`.
    Cancelled,
}

/// How a customer finishes on the hosted page.
///
/// Written `pay`, `decline` and `cancel` (the customer's action); the control API also
/// accepts the names of the states they lead to, `paid`, `declined` and `cancelled`, which
/// are what [`LinkState`] and the `X-Mock-Outcome` header of notifications say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CustomerAction {
    /// Pay (approved).
    #[serde(alias = "paid")]
    Pay,
    /// Pay, but the card is declined.
    #[serde(alias = "declined")]
    Decline,
    /// Cancel.
    #[serde(alias = "cancelled")]
    Cancel,
}

impl LinkState {
    /// Its name, as the control API writes it: `open`, `paid`, `declined`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Open => "open",
            LinkState::Paid => "paid",
            LinkState::Declined => "declined",
            LinkState::Cancelled => "cancelled",
        }
    }
}

impl CustomerAction {
    /// The state a link ends in.
    pub fn state(self) -> LinkState {
        match self {
            CustomerAction::Pay => LinkState::Paid,
            CustomerAction::Decline => LinkState::Declined,
            CustomerAction::Cancel => LinkState::Cancelled,
        }
    }

    /// The request's return URL this outcome redirects to.
    pub fn return_url_field(self) -> &'static str {
        match self {
            CustomerAction::Pay => "success_url",
            CustomerAction::Decline => "decline_url",
            CustomerAction::Cancel => "cancel_url",
        }
    }
}

/// How a link was completed: the payment transaction it produced (paid or declined), or, for
/// a cancelled link, the record its notification carries. A cancelled link creates no
/// transaction: the status call answers 404 for its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkCompletion {
    /// Transaction id (de-duplication key of notifications; the status call's
    /// `transactionId` when paid or declined).
    pub id: String,
    /// PaymentOptions-style numeric reference.
    #[serde(rename = "ref")]
    pub ref_: i64,
    /// `yyyy-mm-ddThh:mm:ss.000Z`.
    pub timestamp: String,
    /// The outcome.
    pub outcome: CustomerAction,
    /// The amount charged, in minor units (the request's, or what the customer typed).
    pub amount: Option<i64>,
    /// The currency.
    pub currency: Option<String>,
    /// Set when the link asked to store the payment method and the payment went through.
    pub stored_payment_method_id: Option<String>,
    /// Details the customer typed on the hosted page (never card data).
    pub customer: Map<String, Value>,
    /// `CAPTURE` (paid at once) or `PRE_AUTH` (authorised only: see
    /// [`MockConfig::authorise_only`](crate::MockConfig::authorise_only)) for a payment, paid or
    /// declined; none for a cancelled link.
    #[serde(default)]
    pub transaction_type: Option<String>,
}

/// A link as the control API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    /// Link id (the `id` of the create response).
    pub id: Uuid,
    /// The hosted page.
    pub url: String,
    /// Where the link is in its life.
    pub state: LinkState,
    /// When it was created.
    pub created_at: String,
    /// The request body as received.
    pub request: Value,
    /// How it was completed, once it is.
    pub transaction: Option<LinkCompletion>,
    /// Its transactions, oldest first: the payment (none when cancelled), then the captures,
    /// refunds and voids made on it.
    #[serde(default)]
    pub transactions: Vec<crate::TransactionView>,
}

/// Where a notification delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeliveryState {
    /// Not yet acknowledged; more attempts will be made.
    Pending,
    /// A 2xx was received.
    Delivered,
    /// Every attempt failed; kept so that it is never silently lost.
    Failed,
}

/// One attempt to deliver a notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// When it started.
    pub at: String,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Why it failed without a status (connection refused, timeout...).
    pub error: Option<String>,
    /// 0 for the notification's first round of attempts; `n` for those of its `n`-th
    /// re-delivery on demand (see [`DeliveryView::redeliveries`]).
    #[serde(default)]
    pub redelivery: u32,
}

/// A notification and its delivery attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    /// Delivery id.
    pub id: Uuid,
    /// The link it is about.
    pub link_id: Uuid,
    /// The receiver (`return_url.webhook_url`).
    pub url: String,
    /// The outcome, also sent as the `X-Mock-Outcome` header.
    pub outcome: CustomerAction,
    /// The body POSTed (a `TransactionNotification`).
    pub body: Value,
    /// Where the delivery stands.
    pub state: DeliveryState,
    /// Every attempt so far, re-deliveries' included, oldest first.
    pub attempts: Vec<Attempt>,
    /// How many times it was re-sent on demand
    /// ([`MockServer::redeliver`](crate::MockServer::redeliver),
    /// `POST /__mock/deliveries/{id}/redeliver`). Each re-delivery is a new round of attempts
    /// under the same [`DeliveryPolicy`](crate::DeliveryPolicy), recorded after the earlier ones.
    #[serde(default)]
    pub redeliveries: u32,
}
