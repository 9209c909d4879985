//! The state every handler of one sandbox shares ([`Shared`]), given to them by axum's `State`
//! extractor. A leaf: it knows the configuration, the store and the limits' bookkeeping, and
//! nothing of the handlers, the router or the running server.

use std::sync::Mutex;

use tokio::sync::Notify;

use crate::MockConfig;
use crate::addresses::OwnAddresses;
use crate::connections::registry::Connections;
use crate::store::Store;

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
    pub(crate) http: std::sync::OnceLock<Result<reqwest::Client, String>>,
    pub(crate) delivery_changed: Notify,
    /// One permit per request being handled (see [`overload`](crate::overload)).
    pub(crate) in_flight: tokio::sync::Semaphore,
    /// The permits `in_flight` started with.
    pub(crate) max_in_flight: usize,
    /// Listings are built one at a time (see [`control`](crate::control)).
    pub(crate) listing: tokio::sync::Semaphore,
    /// The addresses this sandbox answers as (see [`guard`](crate::guard)).
    pub(crate) own: OwnAddresses,
    /// A random value its notifications carry in [`SENDER_HEADER`](crate::guard::SENDER_HEADER), so that one that
    /// reaches the sandbox itself is recognised and refused.
    pub(crate) sender_id: String,
    /// The open connections (see [`connections`](crate::connections)).
    pub(crate) connections: Connections,
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
