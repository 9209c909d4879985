//! The client: one pooled HTTP client with the auth headers, and the calls it makes.
//!
//! Requests are sent here rather than through the generated client's `send()`, because that one
//! drops the raw body of documented error statuses and the status of undecodable bodies, and
//! cannot say which JSON path failed. Models, the operation's method and path all still come
//! from the generated crate.
//!
//! This module builds the client; the rest is split by job: `auth` (which key goes in which
//! header), `http_settings` (what each reqwest backend can be told), `operations` (the calls),
//! `path` (an operation's URL), `transport` (the retry loop and one HTTP exchange) and `decode`
//! (reading a 2xx body).

mod auth;
mod decode;
mod http_settings;
mod operations;
mod path;
mod transport;

use std::fmt;
use std::sync::Arc;

use paymentoptions_hpp_client::api::{self, Operation};
use paymentoptions_hpp_client::types as models;
use url::Url;

use crate::call_options::CallOptions;
use crate::config::{ClientBuilder, check_base_url};
use crate::error::{ConfigError, Error};
use crate::platform;
use crate::redaction::ClientKeys;
use crate::retry::RetryPolicy;
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
    /// Only to scrub them from response bodies a server might echo them in.
    keys: ClientKeys,
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

    pub(crate) fn from_builder(mut b: ClientBuilder) -> Result<Self, Error> {
        if let Some(e) = b.env_error.take() {
            return Err(e.into());
        }
        let api_key = b
            .api_key
            .take()
            .ok_or_else(|| ConfigError::new("api_key", "is required"))?;
        if api_key.expose().trim().is_empty() {
            return Err(ConfigError::new("api_key", "is empty").into());
        }
        let x_api_key = b.x_api_key.take().unwrap_or_else(|| api_key.clone());
        if x_api_key.expose().trim().is_empty() {
            return Err(ConfigError::new("x_api_key", "is empty").into());
        }
        let base_url = b.environment.base_url();
        check_base_url(&base_url)?;

        let merchant_id = default_field("merchant_id", b.merchant_id.take())?;
        let merchant_email = default_field("merchant_email", b.merchant_email.take())?;

        let headers = auth::default_headers(&api_key, &x_api_key)?;
        platform::seed_jitter();
        let http = http_settings::http_client(&b, headers, &base_url)?;

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
                keys: ClientKeys::new(api_key, x_api_key),
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

    /// Whether this client moves real money: confirmations require `is_live: true`, money
    /// calls refuse test transactions (and the reverse for a test client).
    pub fn is_live(&self) -> bool {
        self.inner.live
    }
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
