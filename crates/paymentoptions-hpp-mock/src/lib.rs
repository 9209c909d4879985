//! A local sandbox of the PaymentOptions Hosted Payment Page API, for tests and offline work.
//!
//! - **The API**: `POST /api/v1/server-to-server-interface/hpp/generate/link` with both auth
//!   headers, the body validated against the very OpenAPI schemas the client is generated from,
//!   answering like the real API (a fresh `id`, a `url`, the request echoed).
//! - **A working hosted payment page** at that `url`: server-rendered HTML (no JavaScript
//!   needed) where a customer, a browser test, or [`MockServer::complete`] pays, is declined or
//!   cancels. The customer is then redirected (303) to `success_url`, `decline_url` or
//!   `cancel_url`, and the transaction notification is POSTed to `webhook_url`, retried until
//!   it is acknowledged.
//! - **Control and inspection** under `/__mock/` (see [`control`]): links, deliveries, faults,
//!   reset.
//!
//! Test cards (any future expiry, any 3-digit CVC): `4242 4242 4242 4242` is approved,
//! `4000 0000 0000 0002` is declined; any other number that passes the Luhn check is approved.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! use paymentoptions_hpp_mock::MockServer;
//!
//! let mock = MockServer::start().await?;
//! println!("point the client at {}", mock.base_url());
//! assert!(mock.links().is_empty());
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod api;
pub mod control;
mod delivery;
mod echo;
mod guard;
mod money;
mod overload;
mod page;
pub mod spec;
mod store;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use paymentoptions_hpp_client::api as spec_api;
use serde_json::{Map, Value, json};
use tokio::sync::Notify;
use uuid::Uuid;

pub use delivery::DeliveryPolicy;
pub use page::{APPROVED_CARD, DECLINED_CARD};
pub use store::{
    Attempt, DeliveryState, DeliveryView, Fault, LinkState, LinkView, Outcome, Transaction,
};

use crate::spec::RequestValidator;
use crate::store::{LinkRecord, Store};

/// How the sandbox behaves.
///
/// Start from [`MockConfig::default`] and change what you need with the `with_*` methods (the
/// struct is `#[non_exhaustive]`, so new settings can be added without breaking your code):
///
/// ```
/// use std::time::Duration;
/// use paymentoptions_hpp_mock::{DeliveryPolicy, MockConfig};
///
/// let config = MockConfig::default()
///     .with_api_keys(["sandbox-key"])
///     .with_max_links(100)
///     .with_delivery(DeliveryPolicy::default().with_max_attempts(3))
///     .with_public_url("http://sandbox.test:8080");
/// assert_eq!(config.max_links, 100);
/// assert_eq!(config.delivery.max_attempts, 3);
/// assert_eq!(config.delivery.timeout, Duration::from_secs(10));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct MockConfig {
    /// Accepted API keys, for both headers. Empty (the default): any non-empty key.
    pub api_keys: Vec<String>,
    /// Links kept at most; the oldest are evicted first (default 10,000).
    pub max_links: usize,
    /// Largest request body accepted, in bytes (default 16 KiB, several times the largest body
    /// the spec's limits allow); larger ones get 413. With `max_links`, it bounds memory.
    pub max_body_bytes: usize,
    /// Requests handled at once at most, on every route (default 256; at least 1). One more
    /// is answered at once with 503 `{"code": "overloaded", ...}` and `Retry-After: 1` instead
    /// of waiting: a request counts from its head to its response head (a body still arriving
    /// or an injected `delay_ms` fault holds its slot).
    pub max_concurrent_requests: usize,
    /// How notifications are retried.
    pub delivery: DeliveryPolicy,
    /// Where to listen (default `127.0.0.1:0`: an ephemeral port on loopback).
    pub addr: SocketAddr,
    /// The base URL of the hosted page links, when browsers reach the sandbox at another
    /// address than `addr` (listening on `0.0.0.0`, behind a proxy). Default: `http://<addr>`.
    pub public_url: Option<String>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            api_keys: Vec::new(),
            max_links: 10_000,
            max_body_bytes: 16 * 1024,
            max_concurrent_requests: 256,
            delivery: DeliveryPolicy::default(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
        }
    }
}

impl MockConfig {
    /// Sets [`api_keys`](Self::api_keys): the keys accepted in both headers (none: any
    /// non-empty key).
    #[must_use]
    pub fn with_api_keys(mut self, api_keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.api_keys = api_keys.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`max_links`](Self::max_links): links kept at most, the oldest evicted first.
    #[must_use]
    pub fn with_max_links(mut self, max_links: usize) -> Self {
        self.max_links = max_links;
        self
    }

    /// Sets [`max_body_bytes`](Self::max_body_bytes): the largest request body accepted, in
    /// bytes.
    #[must_use]
    pub fn with_max_body_bytes(mut self, max_body_bytes: usize) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// Sets [`max_concurrent_requests`](Self::max_concurrent_requests): requests handled at
    /// once at most (at least 1), beyond which requests get 503 `overloaded`.
    #[must_use]
    pub fn with_max_concurrent_requests(mut self, max_concurrent_requests: usize) -> Self {
        self.max_concurrent_requests = max_concurrent_requests;
        self
    }

    /// Sets [`delivery`](Self::delivery): how notifications are retried.
    #[must_use]
    pub fn with_delivery(mut self, delivery: DeliveryPolicy) -> Self {
        self.delivery = delivery;
        self
    }

    /// Sets [`addr`](Self::addr): where to listen.
    #[must_use]
    pub fn with_addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Sets [`public_url`](Self::public_url) to `Some(public_url)`: the base URL of the hosted
    /// page links, when browsers reach the sandbox at another address than `addr`.
    #[must_use]
    pub fn with_public_url(mut self, public_url: impl Into<String>) -> Self {
        self.public_url = Some(public_url.into());
        self
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field(
                "api_keys",
                &format_args!("[{} redacted]", self.api_keys.len()),
            )
            .field("max_links", &self.max_links)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("delivery", &self.delivery)
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// State shared by every handler.
pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    /// Where this server listens, as a URL.
    pub(crate) base_url: String,
    /// The base of hosted page URLs.
    pub(crate) public_url: String,
    pub(crate) validator: RequestValidator,
    pub(crate) store: Mutex<Store>,
    pub(crate) http: reqwest::Client,
    pub(crate) delivery_changed: Notify,
    /// One permit per request being handled (see [`overload`]).
    pub(crate) in_flight: tokio::sync::Semaphore,
    /// The permits `in_flight` started with.
    pub(crate) max_in_flight: usize,
    /// Listings are built one at a time (see [`control`]).
    pub(crate) listing: tokio::sync::Semaphore,
    /// The addresses this sandbox answers as (see [`guard`]).
    pub(crate) own: guard::OwnAddresses,
    /// A random value its notifications carry in [`guard::SENDER_HEADER`], so that one that
    /// reaches the sandbox itself is recognised and refused.
    pub(crate) sender_id: String,
}

impl Shared {
    /// Why a notification to `url` would reach this sandbox, if it would.
    pub(crate) fn own_address(&self, url: &str) -> Option<String> {
        self.own.own_url(url)
    }
}

/// Request fields the create response echoes: the response schema's properties.
pub(crate) const ECHOED_FIELDS: &[&str] = &[
    "amount",
    "currency",
    "merchant_id",
    "merchant_email",
    "merchant_txn_ref",
    "payment_method",
    "return_url",
    "billing_address",
    "shipping_address",
];

/// A running sandbox. It stops when dropped (or with [`shutdown`](Self::shutdown)).
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Starts with [`MockConfig::default`] on an ephemeral port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts with `config`.
    pub async fn start_with(config: MockConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(std::io::Error::other)?;
        let base_url = format!("http://{addr}");
        let public_url = config
            .public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| base_url.clone());
        let in_flight = overload::semaphore(config.max_concurrent_requests);
        let shared = Arc::new(Shared {
            own: guard::OwnAddresses::new(addr, config.public_url.as_deref()),
            sender_id: format!("{:032x}", fastrand::u128(..)),
            listing: tokio::sync::Semaphore::new(1),
            max_in_flight: in_flight.available_permits(),
            in_flight,
            base_url,
            public_url,
            validator: RequestValidator::hpp_link_request(),
            store: Mutex::new(Store::new(config.max_links)),
            http,
            delivery_changed: Notify::new(),
            config,
        });
        let app = router(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "the sandbox server stopped");
            }
        });
        tracing::info!(base_url = %shared.base_url, "PaymentOptions HPP sandbox listening");
        Ok(Self {
            shared,
            addr,
            stop: Some(stop),
            task,
        })
    }

    /// `http://127.0.0.1:<port>`: the base URL for the client.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests are being handled right now (see
    /// [`MockConfig::max_concurrent_requests`]).
    pub fn in_flight_requests(&self) -> usize {
        self.shared.max_in_flight - self.shared.in_flight.available_permits()
    }

    /// Every link still held, oldest first.
    pub fn links(&self) -> Vec<LinkView> {
        let snapshots = self
            .shared
            .store
            .lock()
            .expect("store lock")
            .link_snapshots(0, usize::MAX);
        snapshots
            .into_iter()
            .map(store::LinkSnapshot::view)
            .collect()
    }

    /// One link.
    pub fn link(&self, id: Uuid) -> Option<LinkView> {
        let snapshot = {
            let store = self.shared.store.lock().expect("store lock");
            store.link(&id).map(LinkRecord::snapshot)
        };
        snapshot.map(store::LinkSnapshot::view)
    }

    /// Every notification delivery still held, oldest first.
    pub fn deliveries(&self) -> Vec<DeliveryView> {
        self.shared
            .store
            .lock()
            .expect("store lock")
            .deliveries(0, usize::MAX)
    }

    /// Completes a link as a customer would on the hosted page (for a link created without an
    /// amount, the customer's amount defaults to 1000 minor units).
    pub fn complete(&self, id: Uuid, outcome: Outcome) -> Result<Completion, CompleteError> {
        complete(&self.shared, id, outcome, CustomerInput::default())
    }

    /// Makes the next `fault.count` create calls fail as described.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared
            .store
            .lock()
            .expect("store lock")
            .push_fault(fault);
    }

    /// Forgets every link, delivery and fault.
    pub fn reset(&self) {
        self.shared.store.lock().expect("store lock").reset();
    }

    /// Waits until `n` deliveries are no longer pending (delivered or failed), or `timeout`.
    /// Returns every delivery either way.
    pub async fn wait_for_deliveries(&self, n: usize, timeout: Duration) -> Vec<DeliveryView> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.delivery_changed.notified();
            let all = self.deliveries();
            let finished = all
                .iter()
                .filter(|d| d.state != DeliveryState::Pending)
                .count();
            if finished >= n {
                return all;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.deliveries();
            }
        }
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

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
                    state_name(*state)
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
            timestamp: now(),
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
    tracing::debug!(link = %id, outcome = outcome_name(outcome), "link completed");
    Ok(completion)
}

/// The router: the API, the hosted page, the control API, and JSON 404/405 everywhere else,
/// all behind the concurrency limit.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            spec_api::GENERATE_HPP_LINK.path,
            post(api::create_link).fallback(api::method_not_allowed),
        )
        .route(
            "/HostedPaymentPage/{token}",
            get(page::show)
                .post(page::submit)
                .layer(axum::middleware::map_response(page::no_store)),
        )
        .nest("/__mock", control::router())
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            overload::shed,
        ))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            guard::check,
        ))
        .with_state(shared)
}

/// Now, as `yyyy-mm-ddThh:mm:ss.000Z` (the notification's timestamp format).
pub(crate) fn now() -> String {
    timestamp(chrono::Utc::now())
}

/// `t` as `yyyy-mm-ddThh:mm:ss.000Z`.
pub(crate) fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    // The same text as `format("%Y-%m-%dT%H:%M:%S%.3fZ")`, without parsing a format string on
    // every call.
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pay => "paid",
        Outcome::Decline => "declined",
        Outcome::Cancel => "cancelled",
    }
}

pub(crate) fn state_name(state: LinkState) -> &'static str {
    match state {
        LinkState::Open => "open",
        LinkState::Paid => "paid",
        LinkState::Declined => "declined",
        LinkState::Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_debug_shows_the_limits_but_not_the_keys() {
        let config =
            MockConfig::default().with_api_keys(["sandbox-secret-key-1", "sandbox-secret-key-2"]);
        let debug = format!("{config:?}");
        assert!(!debug.contains("sandbox-secret"), "{debug}");
        assert!(debug.contains("[2 redacted]"), "{debug}");
        assert!(debug.contains("max_concurrent_requests: 256"), "{debug}");
    }

    /// The names of the fields of `config` that differ from [`MockConfig::default`]. The
    /// destructuring is exhaustive: a new field does not compile until it is compared here.
    fn changed_fields(config: &MockConfig) -> Vec<&'static str> {
        let MockConfig {
            api_keys,
            max_links,
            max_body_bytes,
            max_concurrent_requests,
            delivery,
            addr,
            public_url,
        } = config;
        let default = MockConfig::default();
        [
            ("api_keys", *api_keys != default.api_keys),
            ("max_links", *max_links != default.max_links),
            ("max_body_bytes", *max_body_bytes != default.max_body_bytes),
            (
                "max_concurrent_requests",
                *max_concurrent_requests != default.max_concurrent_requests,
            ),
            ("delivery", *delivery != default.delivery),
            ("addr", *addr != default.addr),
            ("public_url", *public_url != default.public_url),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
    }

    #[test]
    fn config_builders_set_their_field_and_nothing_else() {
        let default = MockConfig::default();
        assert!(changed_fields(&default).is_empty());

        let c = default.clone().with_api_keys(["k1", "k2"]);
        assert_eq!(
            (changed_fields(&c), c.api_keys),
            (vec!["api_keys"], vec!["k1".to_string(), "k2".into()])
        );
        let c = default.clone().with_api_keys(vec![String::from("k3")]);
        assert_eq!(
            (changed_fields(&c), c.api_keys),
            (vec!["api_keys"], vec!["k3".to_string()])
        );
        let c = default.clone().with_max_links(7);
        assert_eq!((changed_fields(&c), c.max_links), (vec!["max_links"], 7));
        let c = default.clone().with_max_body_bytes(1024);
        assert_eq!(
            (changed_fields(&c), c.max_body_bytes),
            (vec!["max_body_bytes"], 1024)
        );
        let c = default.clone().with_max_concurrent_requests(3);
        assert_eq!(
            (changed_fields(&c), c.max_concurrent_requests),
            (vec!["max_concurrent_requests"], 3)
        );
        let delivery = DeliveryPolicy::default().with_max_attempts(2);
        let c = default.clone().with_delivery(delivery);
        assert_eq!(
            (changed_fields(&c), c.delivery),
            (vec!["delivery"], delivery)
        );
        let addr = SocketAddr::from(([0, 0, 0, 0], 8080));
        let c = default.clone().with_addr(addr);
        assert_eq!((changed_fields(&c), c.addr), (vec!["addr"], addr));
        let c = default.clone().with_public_url("http://sandbox.test");
        assert_eq!(
            (changed_fields(&c), c.public_url.as_deref()),
            (vec!["public_url"], Some("http://sandbox.test"))
        );

        // Chained, each sets its own field; the keys stay out of `Debug`.
        let c = MockConfig::default()
            .with_max_links(100)
            .with_api_keys(["secret-one", "secret-two"]);
        assert_eq!(changed_fields(&c), ["api_keys", "max_links"]);
        assert_eq!((c.max_links, c.api_keys.len()), (100, 2));
        let debug = format!("{c:?}");
        assert!(!debug.contains("secret-"), "{debug}");
        assert!(debug.contains("[2 redacted]"), "{debug}");
    }

    #[test]
    fn timestamps_keep_their_format() {
        use chrono::TimeZone;
        for (secs, nanos) in [
            (0, 0),
            (1_700_000_000, 999_999_999),
            (1_700_000_000, 1_000_000),
            (253_402_300_799, 123_456_789),
        ] {
            let t = chrono::Utc.timestamp_opt(secs, nanos).unwrap();
            assert_eq!(
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            );
        }
        assert_eq!(now().len(), "2024-01-01T00:00:00.000Z".len());
    }

    #[test]
    fn echoed_fields_are_the_response_schema_properties() {
        let spec: Value = serde_json::from_str(spec_api::OPENAPI_JSON).unwrap();
        let mut properties: Vec<&str> = spec
            .pointer("/components/schemas/HppLinkResponse/properties")
            .and_then(Value::as_object)
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "id" | "url"))
            .collect();
        properties.sort_unstable();
        let mut echoed = ECHOED_FIELDS.to_vec();
        echoed.sort_unstable();
        assert_eq!(properties, echoed);
    }
}
