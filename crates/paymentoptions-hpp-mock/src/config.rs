//! [`MockConfig`]: what can be set, and its defaults.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::{DeliveryPolicy, OverRefundStatus, StatusAfterChange};

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
    /// Transactions kept at most (payments, captures, refunds, voids; default 10,000); the
    /// oldest are evicted first, with the card a payment stored. A transaction outlives its
    /// link; an evicted one is unknown to the status call (404).
    pub max_transactions: usize,
    /// Whether paying a link only authorises it (`PRE_AUTH`: capture or void it later through
    /// the API) instead of capturing it at once (`CAPTURE`, the default). The control API's
    /// `complete` can choose per link (`"capture": false`), and so can
    /// [`MockServer::authorise`](crate::MockServer::authorise).
    pub authorise_only: bool,
    /// Largest request body accepted, in bytes (default 16 KiB, several times the largest body
    /// the spec's limits allow); larger ones get 413. With `max_links`, it bounds memory.
    pub max_body_bytes: usize,
    /// Requests handled at once at most, on every route (default 256; at least 1). One more
    /// is answered at once with 503 `{"code": "overloaded", ...}` and `Retry-After: 1` instead
    /// of waiting: a request counts from its head to its response head (a body still arriving
    /// or an injected `delay_ms` fault holds its slot).
    pub max_concurrent_requests: usize,
    /// How notifications are retried. Whether PaymentOptions re-sends a notification the
    /// merchant answered with a 5xx is not documented by PaymentOptions; the sandbox offers
    /// each choice: re-sent with backoff (the default), or never re-sent
    /// (`DeliveryPolicy::default().with_max_attempts(1)`: one attempt only; `po-hpp mock
    /// --delivery-attempts 1`).
    pub delivery: DeliveryPolicy,
    /// Where to listen (default `127.0.0.1:0`: an ephemeral port on loopback).
    pub addr: SocketAddr,
    /// The base URL of the hosted page links, when browsers reach the sandbox at another
    /// address than `addr` (listening on `0.0.0.0`, behind a proxy). Default: `http://<addr>`.
    /// Requests are served for this address's `Host`, the listening address and `localhost`
    /// only.
    pub public_url: Option<String>,
    /// How long a client may take to send a request's head, from the moment the sandbox waits
    /// for it (default 10 s); the connection is closed after that.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body (default 10 s); after that it gets
    /// 408 `request_timeout` and the connection is closed. A body being read does not hold
    /// one of the `max_concurrent_requests` slots.
    pub body_read_timeout: Duration,
    /// A connection on which nothing is sent or received, and no request is being handled,
    /// for this long is closed (default 30 s).
    pub idle_timeout: Duration,
    /// Connections open at most (default 1024; at least 1). When a new one arrives at the
    /// limit, the connection idle for longest (no request being handled) is closed for it; if
    /// every connection is busy, the new one is closed at once.
    pub max_connections: usize,
    /// How a transaction's status reads after a capture, refund or void acted on it: not
    /// documented by PaymentOptions; the sandbox offers each choice (see
    /// [`StatusAfterChange`]; default: unchanged).
    pub status_after_change: StatusAfterChange,
    /// The HTTP status of the refusal of a refund larger than what is left (`ERR3019`): not
    /// documented by PaymentOptions; the sandbox offers each choice (see [`OverRefundStatus`];
    /// default 412).
    pub over_refund_status: OverRefundStatus,
    /// How many of the first status calls for a new transaction answer 404 as if it did not
    /// exist (default 0). Whether the status call sees a transaction at once is not documented
    /// by PaymentOptions; the sandbox offers each choice, so that a client can check that it
    /// reads a 404 right after a payment as "not decided yet", not as forgery. Each
    /// transaction counts its own reads; the control API's reads do not count.
    pub unseen_status_reads: u32,
    /// Whether a fresh (or reset) sandbox knows the transactions and the stored card the spec's
    /// examples name, so that every example request in the spec succeeds as documented
    /// (default: yes). They are listed with the others; turn them off for a sandbox that
    /// starts empty.
    pub spec_examples: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            api_keys: Vec::new(),
            max_links: 10_000,
            max_transactions: 10_000,
            authorise_only: false,
            max_body_bytes: 16 * 1024,
            max_concurrent_requests: 256,
            delivery: DeliveryPolicy::default(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 1024,
            status_after_change: StatusAfterChange::default(),
            over_refund_status: OverRefundStatus::default(),
            unseen_status_reads: 0,
            spec_examples: true,
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

    /// Sets [`max_transactions`](Self::max_transactions): transactions kept at most, the
    /// oldest evicted first.
    #[must_use]
    pub fn with_max_transactions(mut self, max_transactions: usize) -> Self {
        self.max_transactions = max_transactions;
        self
    }

    /// Sets [`authorise_only`](Self::authorise_only): paying a link makes a `PRE_AUTH` (to be
    /// captured or voided) instead of a `CAPTURE`.
    #[must_use]
    pub fn with_authorise_only(mut self, authorise_only: bool) -> Self {
        self.authorise_only = authorise_only;
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

    /// Sets [`header_read_timeout`](Self::header_read_timeout): how long a request's head may
    /// take to arrive.
    #[must_use]
    pub fn with_header_read_timeout(mut self, header_read_timeout: Duration) -> Self {
        self.header_read_timeout = header_read_timeout;
        self
    }

    /// Sets [`body_read_timeout`](Self::body_read_timeout): how long a request's body may take
    /// to arrive.
    #[must_use]
    pub fn with_body_read_timeout(mut self, body_read_timeout: Duration) -> Self {
        self.body_read_timeout = body_read_timeout;
        self
    }

    /// Sets [`idle_timeout`](Self::idle_timeout): how long a connection may stay silent with
    /// no request being handled.
    #[must_use]
    pub fn with_idle_timeout(mut self, idle_timeout: Duration) -> Self {
        self.idle_timeout = idle_timeout;
        self
    }

    /// Sets [`max_connections`](Self::max_connections): connections open at most.
    #[must_use]
    pub fn with_max_connections(mut self, max_connections: usize) -> Self {
        self.max_connections = max_connections;
        self
    }

    /// Sets [`status_after_change`](Self::status_after_change): how a transaction's status
    /// reads after a capture, refund or void acted on it (not documented by PaymentOptions).
    #[must_use]
    pub fn with_status_after_change(mut self, status_after_change: StatusAfterChange) -> Self {
        self.status_after_change = status_after_change;
        self
    }

    /// Sets [`over_refund_status`](Self::over_refund_status): the HTTP status of an `ERR3019`
    /// refusal (not documented by PaymentOptions).
    #[must_use]
    pub fn with_over_refund_status(mut self, over_refund_status: OverRefundStatus) -> Self {
        self.over_refund_status = over_refund_status;
        self
    }

    /// Sets [`unseen_status_reads`](Self::unseen_status_reads): how many of the first status
    /// calls for a new transaction answer 404 (not documented by PaymentOptions).
    #[must_use]
    pub fn with_unseen_status_reads(mut self, unseen_status_reads: u32) -> Self {
        self.unseen_status_reads = unseen_status_reads;
        self
    }

    /// Sets [`spec_examples`](Self::spec_examples): whether a fresh sandbox knows the spec's
    /// example transactions and stored card.
    #[must_use]
    pub fn with_spec_examples(mut self, spec_examples: bool) -> Self {
        self.spec_examples = spec_examples;
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
            .field("max_transactions", &self.max_transactions)
            .field("authorise_only", &self.authorise_only)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("delivery", &self.delivery)
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("status_after_change", &self.status_after_change)
            .field("over_refund_status", &self.over_refund_status)
            .field("unseen_status_reads", &self.unseen_status_reads)
            .field("spec_examples", &self.spec_examples)
            .finish()
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
            max_transactions,
            authorise_only,
            max_body_bytes,
            max_concurrent_requests,
            delivery,
            addr,
            public_url,
            header_read_timeout,
            body_read_timeout,
            idle_timeout,
            max_connections,
            status_after_change,
            over_refund_status,
            unseen_status_reads,
            spec_examples,
        } = config;
        let default = MockConfig::default();
        [
            ("api_keys", *api_keys != default.api_keys),
            ("max_links", *max_links != default.max_links),
            (
                "max_transactions",
                *max_transactions != default.max_transactions,
            ),
            ("authorise_only", *authorise_only != default.authorise_only),
            ("max_body_bytes", *max_body_bytes != default.max_body_bytes),
            (
                "max_concurrent_requests",
                *max_concurrent_requests != default.max_concurrent_requests,
            ),
            ("delivery", *delivery != default.delivery),
            ("addr", *addr != default.addr),
            ("public_url", *public_url != default.public_url),
            (
                "header_read_timeout",
                *header_read_timeout != default.header_read_timeout,
            ),
            (
                "body_read_timeout",
                *body_read_timeout != default.body_read_timeout,
            ),
            ("idle_timeout", *idle_timeout != default.idle_timeout),
            (
                "max_connections",
                *max_connections != default.max_connections,
            ),
            (
                "status_after_change",
                *status_after_change != default.status_after_change,
            ),
            (
                "over_refund_status",
                *over_refund_status != default.over_refund_status,
            ),
            (
                "unseen_status_reads",
                *unseen_status_reads != default.unseen_status_reads,
            ),
            ("spec_examples", *spec_examples != default.spec_examples),
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
        let c = default.clone().with_max_transactions(8);
        assert_eq!(
            (changed_fields(&c), c.max_transactions),
            (vec!["max_transactions"], 8)
        );
        let c = default.clone().with_authorise_only(true);
        assert_eq!(
            (changed_fields(&c), c.authorise_only),
            (vec!["authorise_only"], true)
        );
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

        let s = Duration::from_secs;
        let c = default.clone().with_header_read_timeout(s(1));
        assert_eq!(
            (changed_fields(&c), c.header_read_timeout),
            (vec!["header_read_timeout"], s(1))
        );
        let c = default.clone().with_body_read_timeout(s(2));
        assert_eq!(
            (changed_fields(&c), c.body_read_timeout),
            (vec!["body_read_timeout"], s(2))
        );
        let c = default.clone().with_idle_timeout(s(3));
        assert_eq!(
            (changed_fields(&c), c.idle_timeout),
            (vec!["idle_timeout"], s(3))
        );
        let c = default.clone().with_max_connections(4);
        assert_eq!(
            (changed_fields(&c), c.max_connections),
            (vec!["max_connections"], 4)
        );

        let c = default
            .clone()
            .with_status_after_change(StatusAfterChange::LatestOperation);
        assert_eq!(
            (changed_fields(&c), c.status_after_change),
            (
                vec!["status_after_change"],
                StatusAfterChange::LatestOperation
            )
        );
        let created = OverRefundStatus::new(201).unwrap();
        let c = default.clone().with_over_refund_status(created);
        assert_eq!(
            (changed_fields(&c), c.over_refund_status),
            (vec!["over_refund_status"], created)
        );
        let c = default.clone().with_unseen_status_reads(2);
        assert_eq!(
            (changed_fields(&c), c.unseen_status_reads),
            (vec!["unseen_status_reads"], 2)
        );
        let c = default.clone().with_spec_examples(false);
        assert_eq!(
            (changed_fields(&c), c.spec_examples),
            (vec!["spec_examples"], false)
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
}
