//! The wrapper against a scripted server on 127.0.0.1: what goes on the wire, and how every kind
//! of answer (or non-answer) maps to [`Error`].

use std::time::Duration;

use paymentoptions_hpp::{
    AddressBuilder, Client, ClientBuilder, Currency, Error, LinkRequest, Money, RetryOn,
    RetryPolicy, Rule, TransportErrorKind,
};
use paymentoptions_hpp_testkit::{Reply, TestServer, auth_header, fixture, refused_port};
use serde_json::{Value, json};

mod answers;
mod refused_before_sending;
mod retries;
mod wire;

const KEY: &str = "test-key-123";
const PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;

fn client_for(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url())
        .retry_policy(RetryPolicy::none())
}

/// A setter of one address field.
type AddressSetter = fn(AddressBuilder, String) -> AddressBuilder;

/// The page's example request, built through the builder.
fn page_example() -> LinkRequest {
    // The two addresses differ only in their e-mail's local part.
    let [billing, shipping] = ["billing", "shipping"].map(|kind| {
        let fields: [(AddressSetter, String); 7] = [
            (AddressBuilder::country, "JP".into()),
            (AddressBuilder::email, format!("{kind}@testemail.com")),
            (AddressBuilder::phone_number, "8112345678".into()),
            (AddressBuilder::address1, "1-2-3 Shinjuku".into()),
            (AddressBuilder::city, "Shinjuku-ku".into()),
            (AddressBuilder::state, "Tokyo".into()),
            (AddressBuilder::postal_code, "1600022".into()),
        ];
        fields
            .into_iter()
            .fold(AddressBuilder::new(), |address, (set, value)| {
                set(address, value)
            })
    });
    LinkRequest::builder()
        .webhook_url("https://merchant.example.com/webhooks/paymentoptions")
        .success_url("http://www.successurl.com/")
        .decline_url("http://www.declineurl.com/")
        .cancel_url("http://cancelurl.com/")
        .amount(Money::from_major(1000, Currency::JPY).unwrap())
        .merchant_id("MERCHANT-0001")
        .merchant_email("merchant@testemail.com")
        .merchant_txn_ref("2003089893366DTEST")
        .payment_method_type("scheme")
        .store_payment_method(true)
        .billing_address(billing)
        .shipping_address(shipping)
        .build()
        .unwrap()
}

async fn create(server: &TestServer) -> Result<paymentoptions_hpp::Link, Error> {
    client_for(server)
        .build()
        .unwrap()
        .create_link(&page_example())
        .await
}
