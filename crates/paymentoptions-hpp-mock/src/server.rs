//! The running sandbox: [`MockServer`], the state its handlers share, and its routes.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use paymentoptions_hpp_client::api as spec_api;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::completion::{self, CompleteError, Completion, CustomerInput};
use crate::redelivery::{self, RedeliverError};
use crate::store::{DeliveryState, DeliveryView, Fault, LinkSnapshot, LinkView, Outcome, Store};
use crate::transactions::TransactionRecord;
use crate::{
    MockConfig, TransactionView, api, connections, control, delivery, guard, operations, overload,
    page,
};

/// State shared by every handler.
pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    /// Where this server listens, as a URL.
    pub(crate) base_url: String,
    /// The base of hosted page URLs.
    pub(crate) public_url: String,
    pub(crate) store: Mutex<Store>,
    /// The notifications' HTTP client, built on the first delivery: building one loads the
    /// platform's root certificates, the largest part of a start-up that most tests (no
    /// webhook) never need.
    http: std::sync::OnceLock<Result<reqwest::Client, String>>,
    pub(crate) delivery_changed: Notify,
    /// One permit per request being handled (see [`overload`](crate::overload)).
    pub(crate) in_flight: tokio::sync::Semaphore,
    /// The permits `in_flight` started with.
    pub(crate) max_in_flight: usize,
    /// Listings are built one at a time (see [`control`](crate::control)).
    pub(crate) listing: tokio::sync::Semaphore,
    /// The addresses this sandbox answers as (see [`guard`](crate::guard)).
    pub(crate) own: guard::OwnAddresses,
    /// A random value its notifications carry in [`guard::SENDER_HEADER`], so that one that
    /// reaches the sandbox itself is recognised and refused.
    pub(crate) sender_id: String,
    /// The open connections (see [`connections`]).
    pub(crate) connections: connections::Connections,
}

impl Shared {
    /// The notifications' HTTP client (built on first use), or why it could not be built.
    pub(crate) fn http(&self) -> Result<&reqwest::Client, &str> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .no_proxy()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| format!("the sandbox's HTTP client could not be built: {e}"))
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Why a notification to `url` would reach this sandbox, if it would.
    pub(crate) fn own_address(&self, url: &str) -> Option<String> {
        self.own.own_url(url)
    }
}

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
            connections: connections::Connections::new(config.max_connections),
            max_in_flight: in_flight.available_permits(),
            in_flight,
            base_url,
            public_url,
            store: Mutex::new(Store::new(
                config.max_links,
                config.max_transactions,
                config.spec_examples,
            )),
            http: std::sync::OnceLock::new(),
            delivery_changed: Notify::new(),
            config,
        });
        let app = router();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(connections::serve(listener, app, shared.clone(), stopped));
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

    /// The value of this sandbox's notifications' sender header.
    #[cfg(test)]
    pub(crate) fn sender_id(&self) -> &str {
        &self.shared.sender_id
    }

    /// How many connections are open (see [`MockConfig::max_connections`]).
    pub fn open_connections(&self) -> usize {
        self.shared.connections.count()
    }

    /// Every link still held, oldest first.
    pub fn links(&self) -> Vec<LinkView> {
        let snapshots = self
            .shared
            .store
            .lock()
            .expect("store lock")
            .link_snapshots(0, usize::MAX);
        snapshots.into_iter().map(LinkSnapshot::view).collect()
    }

    /// One link.
    pub fn link(&self, id: Uuid) -> Option<LinkView> {
        let snapshot = {
            let store = self.shared.store.lock().expect("store lock");
            store.link(&id).map(|l| l.snapshot(&store))
        };
        snapshot.map(LinkSnapshot::view)
    }

    /// Every transaction still held, oldest first.
    pub fn transactions(&self) -> Vec<TransactionView> {
        let records = self
            .shared
            .store
            .lock()
            .expect("store lock")
            .transaction_records(0, usize::MAX);
        records.into_iter().map(TransactionRecord::view).collect()
    }

    /// One transaction, by its id.
    pub fn transaction(&self, id: &str) -> Option<TransactionView> {
        let record = self
            .shared
            .store
            .lock()
            .expect("store lock")
            .transaction(id)
            .cloned();
        record.map(TransactionRecord::view)
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
    /// amount, the customer's amount defaults to 1000 minor units). Paying captures at once
    /// (`CAPTURE`), or only authorises (`PRE_AUTH`) when
    /// [`MockConfig::authorise_only`] is set.
    pub fn complete(&self, id: Uuid, outcome: Outcome) -> Result<Completion, CompleteError> {
        let authorise_only = self.shared.config.authorise_only;
        completion::complete(
            &self.shared,
            id,
            outcome,
            CustomerInput::default(),
            authorise_only,
        )
    }

    /// Pays a link as a pre-authorisation only (`PRE_AUTH`), whatever
    /// [`MockConfig::authorise_only`] says: its transaction can then be captured or voided
    /// through the API.
    pub fn authorise(&self, id: Uuid) -> Result<Completion, CompleteError> {
        completion::complete(
            &self.shared,
            id,
            Outcome::Pay,
            CustomerInput::default(),
            true,
        )
    }

    /// Makes the next `fault.count` API calls (of `fault.operation` only, when set) fail as
    /// described.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared
            .store
            .lock()
            .expect("store lock")
            .push_fault(fault);
    }

    /// Sends notification delivery `id` again, whether it was delivered or failed: the same
    /// body to the same webhook URL, as a new round of attempts under the
    /// [`DeliveryPolicy`](crate::DeliveryPolicy), recorded after the earlier ones (see
    /// [`DeliveryView::redeliveries`]). The attempts are made in the background: wait for them
    /// with [`wait_for_deliveries`](Self::wait_for_deliveries).
    ///
    /// PaymentOptions documents no re-delivery; this is how a test checks that a repeated
    /// notification changes nothing.
    pub fn redeliver(&self, id: Uuid) -> Result<(), RedeliverError> {
        redelivery::begin(&mut self.shared.store.lock().expect("store lock"), &id)?;
        delivery::spawn(self.shared.clone(), id);
        Ok(())
    }

    /// Forgets every link, transaction, stored card, delivery and fault.
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

/// The router: the API (link creation and the transaction operations), the hosted page, the
/// control API, and JSON 404/405 everywhere else. Requests reach it through the
/// [`front`](crate::front) door (guard, body reader, concurrency limit).
///
/// It holds no sandbox: its handlers find theirs in the request's extensions, where the front
/// door put it. So it is built once per process and every sandbox serves a clone: building it
/// was most of what starting one cost once the validators were shared.
pub(crate) fn router() -> Router {
    static ROUTER: LazyLock<Router> = LazyLock::new(build_router);
    ROUTER.clone()
}

fn build_router() -> Router {
    Router::new()
        .route(
            spec_api::GENERATE_HPP_LINK.path,
            post(api::create_link).fallback(api::method_not_allowed),
        )
        .route(
            spec_api::GET_TRANSACTION_STATUS.path,
            get(operations::status).fallback(api::method_not_allowed_get),
        )
        .route(
            spec_api::CAPTURE_TRANSACTION.path,
            post(operations::capture).fallback(api::method_not_allowed),
        )
        .route(
            spec_api::REFUND_TRANSACTION.path,
            post(operations::refund).fallback(api::method_not_allowed),
        )
        .route(
            spec_api::VOID_TRANSACTION.path,
            post(operations::void).fallback(api::method_not_allowed),
        )
        .route(
            spec_api::PAY_WITH_STORED_CARD.path,
            post(operations::pay_with_stored_card).fallback(api::method_not_allowed),
        )
        .route(
            "/HostedPaymentPage/{token}",
            get(page::show)
                .post(page::submit)
                .layer(axum::middleware::map_response(page::security_headers)),
        )
        .nest("/__mock", control::router())
        .fallback(api::not_found)
}
