//! The client: one pooled HTTP client with the auth headers, and the link-creation call.
//!
//! Requests are sent here rather than through the generated client's `send()`, because that one
//! drops the raw body of documented error statuses and the status of undecodable bodies, and
//! cannot say which JSON path failed. Models, the operation's method and path all still come
//! from the generated crate.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use paymentoptions_hpp_client::api::{self, Operation};
use paymentoptions_hpp_client::types as models;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tracing::Instrument;
use url::Url;

use crate::call_options::CallOptions;
use crate::config::{ApiKey, ClientBuilder, check_base_url};
use crate::confirmation::{self, Confirmation, ExpectedPayment};
use crate::error::{ApiError, ConfigError, DecodeError, Error, TransportError, TransportErrorKind};
use crate::link::{Link, LinkRequest};
use crate::money::Currency;
use crate::money_call;
use crate::platform::{self, Stopwatch};
use crate::redaction::redact;
use crate::retry::{RetryOn, RetryPolicy, parse_retry_after};
use crate::telemetry;
use crate::transaction::Transaction;
use crate::validation::Checker;

const CREATE_LINK: Operation = api::GENERATE_HPP_LINK;

/// A PaymentOptions HPP client. Cheap to clone (clones share one connection pool); build one
/// per process and reuse it.
///
/// ```no_run
/// use paymentoptions_hpp::{Client, Currency, LinkRequest, Money};
///
/// # async fn run() -> Result<(), paymentoptions_hpp::Error> {
/// let client = Client::from_env()?;
/// let request = LinkRequest::builder()
///     .amount(Money::from_major(1000, Currency::JPY)?)
///     .merchant_txn_ref("ORDER-1001")
///     .success_url("https://shop.example/paid")
///     .build()?;
/// let link = client.create_link(&request).await?;
/// println!("send the customer to {}", link.url());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Set on a view made by [`Client::with_options`].
    options: Option<Arc<CallOptions>>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    /// Parsed once: reqwest re-parses a `&str` URL on every request (about 8,000 instructions,
    /// 7 % of a round trip), but takes a `Url` as it is.
    endpoint: Url,
    merchant_id: Option<models::HppLinkRequestMerchantId>,
    merchant_email: Option<models::HppLinkRequestMerchantEmail>,
    retry: RetryPolicy,
    /// Whether this client moves real money (see [`Client::is_live`]).
    live: bool,
    max_response_bytes: usize,
    /// The distinct keys, only to scrub them from response bodies a server might echo them in.
    keys: Vec<ApiKey>,
    /// Set on each request: the fetch backend has no client-wide timeout.
    #[cfg(target_arch = "wasm32")]
    timeout: std::time::Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"[redacted]")
            .field("merchant_id", &self.inner.merchant_id.as_deref())
            .field("retry", &self.inner.retry)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `PAYMENTOPTIONS_*` environment variables (see
    /// [`config::env`](crate::config::env)). A missing or empty key is a configuration error.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    pub(crate) fn from_builder(b: ClientBuilder) -> Result<Self, Error> {
        if let Some(e) = b.env_error {
            return Err(e.into());
        }
        let api_key = b
            .api_key
            .ok_or_else(|| ConfigError::new("api_key", "is required"))?;
        if api_key.expose().trim().is_empty() {
            return Err(ConfigError::new("api_key", "is empty").into());
        }
        let x_api_key = b.x_api_key.unwrap_or_else(|| api_key.clone());
        if x_api_key.expose().trim().is_empty() {
            return Err(ConfigError::new("x_api_key", "is empty").into());
        }
        let base_url = b.environment.base_url();
        check_base_url(&base_url)?;

        let merchant_id = default_field("merchant_id", b.merchant_id)?;
        let merchant_email = default_field("merchant_email", b.merchant_email)?;

        // The headers and the prefix come from the spec's `securitySchemes`; `Authorization`
        // carries the API key, any other key header the dedicated `x_api_key` (by default the
        // same key).
        let mut headers = HeaderMap::new();
        for auth in api::AUTH_HEADERS {
            let (key, setting) = if auth.header.eq_ignore_ascii_case("authorization") {
                (&api_key, "api_key")
            } else {
                (&x_api_key, "x_api_key")
            };
            let name = header::HeaderName::from_bytes(auth.header.as_bytes()).map_err(|_| {
                ConfigError::new(setting, "the spec names a header that HTTP does not allow")
            })?;
            headers.insert(
                name,
                sensitive(&format!("{}{}", auth.prefix, key.expose()), setting)?,
            );
        }
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));

        #[cfg(all(
            feature = "rustls-ring",
            not(feature = "rustls"),
            not(target_arch = "wasm32")
        ))]
        install_ring_provider();
        platform::seed_jitter();
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(b.user_agent.as_str());
        #[cfg(not(target_arch = "wasm32"))]
        let http = native_settings(
            http,
            (b.connect_timeout, b.timeout),
            b.http2_prior_knowledge,
            b.proxy.as_deref(),
            &base_url,
            &b.root_certificates,
        )?;
        #[cfg(target_arch = "wasm32")]
        wasm_settings(
            b.proxy.is_some(),
            b.http2_prior_knowledge,
            !b.root_certificates.is_empty(),
        )?;
        let http = http
            .build()
            .map_err(|e| ConfigError::new("http_client", e.to_string()))?;

        let endpoint = format!(
            "{}{}",
            base_url.as_str().trim_end_matches('/'),
            CREATE_LINK.path
        );
        let endpoint = Url::parse(&endpoint).map_err(|e| {
            ConfigError::new(
                "base_url",
                format!("does not make a valid endpoint URL: {e}"),
            )
        })?;
        // By default both headers carry the same key: scanning bodies for it once is enough.
        let mut keys = vec![api_key];
        if x_api_key.expose() != keys[0].expose() {
            keys.push(x_api_key);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                endpoint,
                merchant_id,
                merchant_email,
                retry: b.retry,
                live: b.live.unwrap_or(matches!(
                    b.environment,
                    crate::config::Environment::Production
                )),
                #[cfg(target_arch = "wasm32")]
                timeout: b.timeout,
                max_response_bytes: b.max_response_bytes,
                keys,
            }),
            options: None,
        })
    }

    /// A view of this client whose calls (every method, generated operations included) use
    /// `options`: a timeout, extra headers. It shares this client's connection pool, keys and
    /// retry policy, and costs a reference count; this client keeps its defaults. On a view,
    /// the new options go on top of the view's (see [`CallOptions`]).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use paymentoptions_hpp::{CallOptions, Client};
    ///
    /// # async fn run(client: Client, id: &str) -> Result<(), paymentoptions_hpp::Error> {
    /// let status = client
    ///     .with_options(CallOptions::new().timeout(Duration::from_secs(2)))
    ///     .get_transaction_status(id)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// On a money call, a timeout after sending is [`Error::InDoubt`]: a short one makes that
    /// outcome likelier ([`call_options`](crate::call_options)).
    pub fn with_options(&self, options: CallOptions) -> Client {
        let options = match &self.options {
            Some(current) => current.merged(options),
            None => options,
        };
        Client {
            inner: Arc::clone(&self.inner),
            options: Some(Arc::new(options)),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Creates a payment link. The client's default `merchant_id` and `merchant_email` fill the
    /// request's gaps. Retries follow the client's [`RetryPolicy`].
    pub async fn create_link(&self, request: &LinkRequest) -> Result<Link, Error> {
        // `Bytes`, so that a retry resends the same buffer instead of copying it.
        let body = {
            let model = request.with_defaults(
                self.inner.merchant_id.as_ref(),
                self.inner.merchant_email.as_ref(),
            );
            Bytes::from(serde_json::to_vec(&*model).expect("a request model always serializes"))
        };
        let (status, bytes) = self
            .send(
                &CREATE_LINK,
                self.inner.endpoint.clone(),
                Some(body),
                self.inner.retry,
            )
            .await?;
        decode_link(status, &bytes)
    }

    /// Sends a generated operation: checks its path parameters, sends, decodes the 2xx body.
    /// The generated methods (one per operation of the spec without a hand-written one) call
    /// this, so every operation shares link creation's errors, retries and limits.
    // Unused while every generated operation returns a hand-written type; an operation added
    // to the spec with another response needs it, without a hand-written change.
    #[allow(dead_code)]
    pub(crate) async fn call<T: serde::de::DeserializeOwned>(
        &self,
        op: &Operation,
        params: &[api::FieldRule],
        values: &[&str],
        body: Option<serde_json::Value>,
        currency: Option<Currency>,
    ) -> Result<T, Error> {
        let (status, bytes) = self.call_raw(op, params, values, body, currency).await?;
        decode(status, &bytes)
    }

    /// Like [`call`](Self::call), but gives the 2xx status and the raw body, for response
    /// types that keep it.
    ///
    /// A `GET` follows the client's [`RetryPolicy`] in full. An operation that may move money
    /// (the spec's `x-moves-money`) goes through [`money_call`](crate::money_call): its target
    /// is checked first, it is never re-sent once it may have reached the server, and its
    /// result is applied, [`Error::Refused`] or [`Error::InDoubt`]. `currency` is the
    /// currency of the `Money` an amount without a currency field was given in.
    pub(crate) async fn call_raw(
        &self,
        op: &Operation,
        params: &[api::FieldRule],
        values: &[&str],
        body: Option<serde_json::Value>,
        currency: Option<Currency>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut checker = Checker::default();
        let mut path = op.path.to_string();
        for (rule, value) in params.iter().zip(values) {
            checker.check_value(rule.path, Some(&serde_json::Value::from(*value)), rule);
            path = path.replace(&format!("{{{}}}", rule.path), &encode_segment(value));
        }
        checker.finish()?;
        // Only the path is parsed again: the base URL's scheme and host were checked once, and
        // re-parsing the whole URL on every call was a measurable share of a status round trip.
        let mut url = self.inner.base_url.clone();
        let full_path = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&full_path);
        if let Some(money) = api::money::operation(op.id) {
            return self.money_call(op, money, url, body, currency).await;
        }
        // Anything else that is not a read could still change something: never re-sent once
        // it may have reached the server.
        let retry = if op.method.eq_ignore_ascii_case("GET") {
            self.inner.retry
        } else {
            self.inner.retry.with_retry_on(RetryOn::NeverSent)
        };
        let body = body
            .map(|b| Bytes::from(serde_json::to_vec(&b).expect("a JSON value always serializes")));
        self.send(op, url, body, retry).await
    }

    /// A money operation: checked (and its target read) before sending, sent at most once past
    /// the point where it may have reached the server, and its answer classified.
    async fn money_call(
        &self,
        op: &Operation,
        money: &'static api::money::MoneyOperation,
        url: Url,
        body: Option<serde_json::Value>,
        currency: Option<Currency>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut prepared = money_call::prepare(money, body)?;
        if !money.acts_on.is_empty() {
            let id = prepared.target.clone().unwrap_or_default();
            // Boxed: the status call goes through `call_raw` too.
            let target = Box::pin(self.get_transaction_status(&id)).await?;
            prepared.amount = money_call::check_target(
                money,
                &target,
                currency,
                prepared.raw_amount,
                self.inner.live,
            )?;
        }
        let bytes = Bytes::from(
            serde_json::to_vec(&prepared.body).expect("a JSON value always serializes"),
        );
        let retry = self.inner.retry.with_retry_on(RetryOn::NeverSent);
        let sent_at = std::time::SystemTime::now();
        let result = self.send(op, url, Some(bytes), retry).await;
        money_call::classify(money, prepared, sent_at, result)
    }

    /// Whether this client moves real money: confirmations require `is_live: true`, money
    /// calls refuse test transactions (and the reverse for a test client).
    pub fn is_live(&self) -> bool {
        self.inner.live
    }

    /// Is this order paid, and by which transaction? Reads the status of `transaction_id`
    /// (the id a notification claims: nothing else of it is trusted) and decides with
    /// [`check_payment`](Self::check_payment).
    ///
    /// - `Ok(Confirmation::Paid)`: fulfil the order, once (record the transaction id under a
    ///   unique key: deliveries repeat, and a customer may pay a second link);
    /// - `Ok(Confirmation::NotPaid)`: decided: do not fulfil;
    /// - `Err`: not decided. [`Error::Undecided`] (a 404 among them: a notification can come
    ///   before the status sees its transaction) or a failed status read. Keep the claim and
    ///   ask again later; answer the webhook with a 5xx if you like, but do not count on a
    ///   re-delivery: PaymentOptions documents none.
    ///
    /// ```no_run
    /// # async fn run(client: paymentoptions_hpp::Client, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// use paymentoptions_hpp::{Confirmation, Currency, ExpectedPayment, Money, parse_notification};
    ///
    /// let notification = parse_notification(body)?;
    /// // The order is found from the *confirmed* transaction, never from the notification:
    /// let status = client.get_transaction_status(notification.transaction_id()).await?;
    /// let reference = status.merchant_txn_ref().unwrap_or_default().to_string();
    /// let order = ExpectedPayment::new(&reference, Money::from_major(1000, Currency::JPY)?);
    /// match client.check_payment(notification.transaction_id(), status, &order)? {
    ///     Confirmation::Paid(payment) => println!("fulfil {reference} once: {payment}"),
    ///     Confirmation::NotPaid(not_paid) => println!("do not fulfil: {not_paid}"),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn confirm_payment(
        &self,
        transaction_id: &str,
        expected: &ExpectedPayment,
    ) -> Result<Confirmation, Error> {
        let status = match self.get_transaction_status(transaction_id).await {
            Err(Error::Api(e)) if e.status() == 404 => {
                return Err(confirmation::not_found_yet(transaction_id));
            }
            other => other?,
        };
        self.check_payment(transaction_id, status, expected)
    }

    /// The decision of [`confirm_payment`](Self::confirm_payment) on a status already read
    /// (with [`get_transaction_status`](Self::get_transaction_status) for `transaction_id`),
    /// for a server that reads the status first to find the order by the status's own
    /// `merchant_txn_ref`. No network: the checks, in order, are the transaction id, the
    /// merchant id (when this client has one and the status names one), the order's
    /// reference, `is_live` against [`is_live`](Self::is_live), the kind, the outcome, the
    /// success code's kind, and the exact amount and currency.
    pub fn check_payment(
        &self,
        transaction_id: &str,
        status: Transaction,
        expected: &ExpectedPayment,
    ) -> Result<Confirmation, Error> {
        let facts = confirmation::ClientFacts {
            merchant_id: self.inner.merchant_id.as_deref().map(String::as_str),
            live: self.inner.live,
        };
        confirmation::decide(transaction_id, status, expected, &facts)
    }

    /// Sends one operation with the client's retry policy, inside its tracing span.
    async fn send(
        &self,
        op: &Operation,
        url: Url,
        body: Option<Bytes>,
        retry: RetryPolicy,
    ) -> Result<(u16, Vec<u8>), Error> {
        let method = reqwest::Method::from_bytes(op.method.as_bytes())
            .expect("the spec's methods are HTTP methods");
        let span = telemetry::request_span(op, &url);
        async move {
            let started = Stopwatch::start();
            let mut attempt = 1;
            let result = loop {
                let result = self.attempt(&method, &url, body.as_ref()).await;
                let error = match result {
                    Ok(ok) => break Ok(ok),
                    Err(e) => e,
                };
                match retry.delay_before(attempt, &error) {
                    Some(delay) => {
                        tracing::debug!(
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            status = error.status(),
                            "retrying"
                        );
                        platform::sleep(delay).await;
                        attempt += 1;
                    }
                    None => break Err(error),
                }
            };
            telemetry::record_end(
                &tracing::Span::current(),
                attempt,
                started.elapsed_ms(),
                &result,
            );
            result.map_err(|e| with_attempts(e, attempt))
        }
        .instrument(span)
        .await
    }

    /// One HTTP exchange: `Ok` with a 2xx status and its body, or the error it maps to.
    async fn attempt(
        &self,
        method: &reqwest::Method,
        url: &Url,
        body: Option<&Bytes>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut request = self.inner.http.request(method.clone(), url.clone());
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let options = self.options.as_deref();
        if let Some(options) = options {
            for (name, value) in &options.headers {
                request = request.header(name, value);
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(timeout) = options.and_then(|o| o.timeout) {
            request = request.timeout(timeout);
        }
        #[cfg(target_arch = "wasm32")]
        let request = request.timeout(
            options
                .and_then(|o| o.timeout)
                .unwrap_or(self.inner.timeout),
        );
        #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
        let mut response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, platform::now()));
        let success = response.status().is_success();
        let limit = self.inner.max_response_bytes;
        let announced = response.content_length();
        if success && announced.is_some_and(|n| n > limit as u64) {
            // A link is a few hundred bytes: refuse an oversized body before reading any of it.
            // (An error body is still read up to the limit, for diagnosis.)
            return Err(Error::Decode(Box::new(DecodeError::new(
                status,
                ".",
                format!(
                    "the body is larger than the {limit}-byte limit (Content-Length: {})",
                    announced.unwrap_or_default()
                ),
                b"",
            ))));
        }
        // The fetch backend has no `chunk()`: the body arrives whole, then the limit applies.
        #[cfg(target_arch = "wasm32")]
        let mut response = platform::WholeBody::new(response);
        // One allocation for a body whose length is announced; the limit caps what a header
        // can make the client reserve.
        let mut buf = Vec::with_capacity(announced.map_or(0, |n| n.min(limit as u64) as usize));
        let mut cut = false;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| with_response_status(transport_error(e), status))?
        {
            let room = limit - buf.len();
            if chunk.len() > room {
                buf.extend_from_slice(&chunk[..room]);
                cut = true;
                break;
            }
            buf.extend_from_slice(&chunk);
        }
        // A proxy or debugging server may echo the request headers back; the key must not
        // reach an error message through them.
        let buf = redact(buf, &self.inner.keys);
        if success && cut {
            return Err(Error::Decode(Box::new(DecodeError::new(
                status,
                ".",
                format!("the body is larger than the {limit}-byte limit"),
                &buf,
            ))));
        }
        if success {
            return Ok((status, buf));
        }
        // Only a JSON object is an error body (serde would also read a struct from an array).
        let parsed = serde_json::from_slice::<serde_json::Value>(&buf)
            .ok()
            .filter(serde_json::Value::is_object)
            .and_then(|v| serde_json::from_value::<models::ErrorBody>(v).ok());
        Err(Error::Api(Box::new(ApiError {
            status,
            body: buf,
            parsed,
            retry_after,
        })))
    }
}

/// The settings only reqwest's native backend has (the fetch backend leaves them to the
/// JavaScript host's `fetch`).
#[cfg(not(target_arch = "wasm32"))]
fn native_settings(
    http: reqwest::ClientBuilder,
    (connect_timeout, timeout): (std::time::Duration, std::time::Duration),
    http2_prior_knowledge: bool,
    proxy: Option<&str>,
    base_url: &Url,
    root_certificates: &[crate::tls_roots::RootCertificatePem],
) -> Result<reqwest::ClientBuilder, ConfigError> {
    // Read even where unused below, so that a bad one is refused on every route.
    let roots = crate::tls_roots::parse(root_certificates)?;
    let mut http = http
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        // A link-creation endpoint has no reason to redirect, and following one would carry
        // `x-api-key` (which reqwest does not know to be secret) to another host.
        .redirect(reqwest::redirect::Policy::none());
    if http2_prior_knowledge {
        http = http.http2_prior_knowledge();
    }
    let direct_to_loopback = proxy.is_none() && crate::config::is_loopback(base_url);
    if direct_to_loopback {
        // HTTP(S)_PROXY from the environment must not capture a local sandbox's traffic.
        http = http.no_proxy();
    }
    if direct_to_loopback && base_url.scheme() == "http" {
        // Never speaks TLS: the extra roots are not added either, so that an `https://`
        // connection it should never make still fails.
        http = without_root_certificates(http);
    } else {
        http = crate::tls_roots::with_extra_roots(http, roots);
    }
    if let Some(proxy) = proxy {
        let proxy = reqwest::Proxy::all(proxy)
            .map_err(|e| ConfigError::new("proxy", format!("not a usable proxy URL: {e}")))?;
        http = http.proxy(proxy);
    }
    Ok(http)
}

/// A client for plain `http://` to a loopback host, with no proxy, never speaks TLS: it sends
/// to its base URL only and follows no redirect. Loading the platform's root certificates is
/// then most of the cost of building one (milliseconds, paid by every test that builds a
/// client against a local sandbox), so it trusts none: an `https://` connection it should
/// never make would fail its certificate check rather than succeed.
#[cfg(not(target_arch = "wasm32"))]
fn without_root_certificates(http: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    let http = http.tls_certs_only(std::iter::empty());
    http
}

/// Refuses the settings the fetch backend cannot honour, rather than dropping them silently.
#[cfg(target_arch = "wasm32")]
fn wasm_settings(
    proxy: bool,
    http2_prior_knowledge: bool,
    root_certificates: bool,
) -> Result<(), ConfigError> {
    if proxy {
        return Err(ConfigError::new(
            "proxy",
            "not supported on wasm32: requests go through the host's fetch, which picks the route",
        ));
    }
    if http2_prior_knowledge {
        return Err(ConfigError::new(
            "http2_prior_knowledge",
            "not supported on wasm32: the host's fetch picks the HTTP version",
        ));
    }
    if root_certificates {
        return Err(ConfigError::new(
            crate::tls_roots::SETTING,
            "not supported on wasm32: the host's fetch does TLS with the host's roots",
        ));
    }
    Ok(())
}

/// With `rustls-ring` (and not `rustls`), reqwest has no rustls crypto provider of its own and
/// panics when building a client without a process default: install ring's, unless the
/// application installed one already (then that one is used).
#[cfg(all(
    feature = "rustls-ring",
    not(feature = "rustls"),
    not(target_arch = "wasm32")
))]
fn install_ring_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may win the race to install one: either way, one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn sensitive(value: &str, setting: &str) -> Result<HeaderValue, ConfigError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        ConfigError::new(
            setting,
            "contains characters that are not allowed in an HTTP header",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Decodes a 2xx link-creation body with [`Link::from_json`], keeping the response's status.
fn decode_link(status: u16, body: &[u8]) -> Result<Link, Error> {
    Link::from_json(body).map_err(|mut e| {
        e.status = status;
        Error::Decode(Box::new(e))
    })
}

/// Decodes a 2xx body into a generated model, naming the JSON path that failed.
#[allow(dead_code)] // see `Client::call`
fn decode<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    // A good body decodes without path tracking; only a failure is decoded again to say where.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let fail = |path: String, message: String| {
        Error::Decode(Box::new(DecodeError::new(status, path, message, body)))
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| fail(crate::json::json_path(e.path()), e.into_inner().to_string()))?;
    de.end().map_err(|e| fail(".".into(), e.to_string()))?;
    Ok(value)
}

/// Percent-encodes a path parameter: only RFC 3986 unreserved characters stay as they are, so
/// a value can never add a path segment or a query.
fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A client default for a request field, checked by the field's rules in the spec.
fn default_field<T>(path: &str, value: Option<String>) -> Result<Option<T>, ConfigError>
where
    T: TryFrom<String>,
    T::Error: fmt::Display,
{
    let Some(value) = value else { return Ok(None) };
    let mut checker = Checker::default();
    if let Some(rule) = api::request_rules::HPP_LINK_REQUEST
        .iter()
        .find(|r| r.path == path)
    {
        checker.check_value(path, Some(&serde_json::Value::from(value.as_str())), rule);
    }
    if let Err(e) = checker.finish() {
        return Err(ConfigError::new(path, e.rule().to_string()));
    }
    T::try_from(value)
        .map(Some)
        .map_err(|e| ConfigError::new(path, e.to_string()))
}

fn transport_error(e: reqwest::Error) -> Error {
    // A failed fetch does not say whether the request left (there is no `is_connect` on wasm):
    // it counts as possibly sent, so the default policy does not retry it.
    #[cfg(not(target_arch = "wasm32"))]
    let connect = e.is_connect();
    #[cfg(target_arch = "wasm32")]
    let connect = false;
    let kind = if connect {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Other
    };
    // reqwest's own message is generic ("error sending request for url (...)"); the innermost
    // cause says what happened. Neither carries headers, so no key can leak here.
    let summary = match kind {
        TransportErrorKind::Connect => crate::error::connect_summary(&e, e.url()),
        _ => None,
    };
    let message = summary.unwrap_or_else(|| {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message = format!("{message}: {s}");
            source = s.source();
        }
        message
    });
    Error::Transport(TransportError {
        kind,
        attempts: 1,
        message,
        response_status: None,
        source: Some(Box::new(e)),
    })
}

/// Notes the status of a response whose body failed after its head arrived.
fn with_response_status(e: Error, status: u16) -> Error {
    match e {
        Error::Transport(mut t) => {
            t.response_status = Some(status);
            Error::Transport(t)
        }
        other => other,
    }
}

fn with_attempts(e: Error, attempts: u32) -> Error {
    match e {
        Error::Transport(mut t) => {
            t.attempts = attempts;
            Error::Transport(t)
        }
        other => other,
    }
}
