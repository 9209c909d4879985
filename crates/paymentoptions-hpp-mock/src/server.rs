//! The running sandbox: [`MockServer`], its public handle.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use uuid::Uuid;

use crate::addresses::OwnAddresses;
use crate::completion::{self, CompleteError, Completion, CustomerInput};
use crate::faults::Fault;
use crate::redelivery::{self, RedeliverError};
use crate::state::Shared;
use crate::store::{CustomerAction, DeliveryState, DeliveryView, LinkSnapshot, LinkView, Store};
use crate::transactions::TransactionRecord;
use crate::{MockConfig, TransactionView, connections, delivery, overload, routes};

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
            own: OwnAddresses::new(addr, config.public_url.as_deref()),
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
                config
                    .spec_examples
                    .then_some(crate::examples::seed as fn(&mut Store)),
            )),
            http: std::sync::OnceLock::new(),
            delivery_changed: Notify::new(),
            config,
        });
        let app = routes::router().with_state(shared.clone());
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
            .into_iter()
            .map(Arc::unwrap_or_clone)
            .collect()
    }

    /// Completes a link as a customer would on the hosted page (for a link created without an
    /// amount, the customer's amount defaults to 1000 minor units). Paying captures at once
    /// (`CAPTURE`), or only authorises (`PRE_AUTH`) when
    /// [`MockConfig::authorise_only`] is set.
    pub fn complete(&self, id: Uuid, outcome: CustomerAction) -> Result<Completion, CompleteError> {
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
            CustomerAction::Pay,
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
