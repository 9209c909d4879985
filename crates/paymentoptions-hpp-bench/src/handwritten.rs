//! The hand-written baselines: what a developer would write with `serde` alone, with the same
//! field types as the generated models (`Uuid` id, `i64` amount, strings) and the same field
//! order, so that both encode to the same bytes.

use serde::{Deserialize, Serialize};

/// The transaction envelope (the status answer), every field optional as in the spec;
/// shapes the spec leaves open are `serde_json::Value`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// `success`.
    pub success: Option<bool>,
    /// `status_code`.
    pub status_code: Option<i64>,
    /// `is_live`.
    pub is_live: Option<bool>,
    /// `transaction_type`.
    pub transaction_type: Option<String>,
    /// `gateway_response`.
    pub gateway_response: Option<GatewayResponse>,
    /// `merchant_details`.
    pub merchant_details: Option<MerchantDetails>,
    /// `payment_details`.
    pub payment_details: Option<PaymentDetails>,
    /// `transaction_details`.
    pub transaction_details: Option<TransactionDetails>,
    /// `risk_details`.
    pub risk_details: Option<serde_json::Value>,
}

/// `gateway_response`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GatewayResponse {
    /// `version`.
    pub version: Option<String>,
    /// `type`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// `code`.
    pub code: Option<String>,
}

/// `merchant_details`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MerchantDetails {
    /// `legal_name`.
    pub legal_name: Option<String>,
    /// `mid`.
    pub mid: Option<String>,
    /// `merchant_txn_ref`.
    pub merchant_txn_ref: Option<String>,
    /// `billing_details`.
    pub billing_details: Option<serde_json::Value>,
    /// `device_details`.
    pub device_details: Option<serde_json::Value>,
}

/// `payment_details`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentDetails {
    /// `amount`.
    pub amount: Option<i64>,
    /// `response_code`.
    pub response_code: Option<i64>,
    /// `responseDescription`.
    #[serde(rename = "responseDescription")]
    pub response_description: Option<String>,
    /// `auth_code`.
    pub auth_code: Option<String>,
    /// `currency`.
    pub currency: Option<String>,
    /// `payment_method`.
    pub payment_method: Option<String>,
    /// `scheme`.
    pub scheme: Option<String>,
    /// `card`.
    pub card: Option<Card>,
    /// `additional_data`.
    pub additional_data: Option<serde_json::Value>,
}

/// `card`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// `name`.
    pub name: Option<String>,
    /// `number`.
    pub number: Option<String>,
    /// `exp_month`.
    pub exp_month: Option<String>,
    /// `exp_year`.
    pub exp_year: Option<String>,
}

/// `transaction_details`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransactionDetails {
    /// `id`.
    pub id: Option<String>,
    /// `ref` (a number or a string).
    #[serde(rename = "ref")]
    pub ref_: Option<serde_json::Value>,
    /// `timestamp`.
    pub timestamp: Option<String>,
    /// `merchant_txn_ref`.
    pub merchant_txn_ref: Option<String>,
    /// `stored_payment_method_id`.
    pub stored_payment_method_id: Option<String>,
    /// `billing_details`.
    pub billing_details: Option<serde_json::Value>,
}

/// The link request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkRequest {
    /// Minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Billing address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// ISO 4217 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Merchant e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_email: Option<String>,
    /// Merchant id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// Merchant reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_txn_ref: Option<String>,
    /// Payment method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<PaymentMethod>,
    /// Return URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<ReturnUrls>,
    /// Shipping address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
}

/// An address (request and response alike).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// Street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// State.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// Payment method options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethod {
    /// Store the card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_payment_method: Option<bool>,
    /// `scheme`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

/// Return URLs (request and response alike).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnUrls {
    /// Cancel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Decline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_url: Option<String>,
    /// Success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Webhook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

/// The created link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkResponse {
    /// Echoed amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Echoed billing address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    /// Echoed currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Link id.
    pub id: uuid::Uuid,
    /// Echoed merchant e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_email: Option<String>,
    /// Echoed merchant id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// Echoed reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_txn_ref: Option<String>,
    /// Echoed payment method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<PaymentMethod>,
    /// Echoed return URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<ReturnUrls>,
    /// Echoed shipping address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    /// The hosted page.
    pub url: String,
}

/// The example request, decoded from the fixture.
pub fn example_request() -> LinkRequest {
    serde_json::from_slice(crate::REQUEST_FIXTURE).expect("the fixture decodes")
}
