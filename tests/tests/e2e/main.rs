//! The wrapper against the sandbox over real HTTP on 127.0.0.1: the whole hosted-page flow,
//! error mapping against the sandbox's answers, faults, and load; then the money lifecycle:
//! pay, learn the outcome from the notification, confirm it with the status call, refund in
//! parts, capture and void a pre-authorisation, and charge the stored card again.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use paymentoptions_hpp::requests::{
    CaptureRequest, RefundRequest, StoredCardPaymentRequest, VoidRequest,
};
use paymentoptions_hpp::{
    AddressBuilder, Client, Confirmation, Currency, Error, ExpectedPayment, LinkRequest, Money,
    NotPaidReason, Notification, Outcome as PaymentOutcome, RetryOn, RetryPolicy, TransactionKind,
    TransportErrorKind, parse_notification,
};
use paymentoptions_hpp_mock::{
    CustomerAction, DeliveryPolicy, DeliveryState, Fault, LinkState, MockConfig, MockServer,
};
use paymentoptions_hpp_testkit::TestServer;

mod hosted_page;
mod money_lifecycle;

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn fast_delivery() -> MockConfig {
    MockConfig::default().with_delivery(
        DeliveryPolicy::default()
            .with_max_attempts(4)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(50))
            .with_timeout(Duration::from_secs(2)),
    )
}
