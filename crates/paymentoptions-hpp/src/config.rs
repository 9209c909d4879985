//! Client configuration: keys, environment, timeouts, defaults.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{ConfigError, Error};
use crate::retry::RetryPolicy;
use crate::tls_roots::RootCertificatePem;

/// An API key. It is only ever exposed to build the two auth headers, which are marked
/// sensitive; `Debug` prints `ApiKey([redacted])`.
///
/// ```
/// let key = paymentoptions_hpp::ApiKey::new("sk_live_123");
/// assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
/// ```
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

/// Which PaymentOptions environment to talk to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// Development / sandbox: `https://api-dev.paymentoptions.com`. The default.
    Dev,
    /// Staging: `https://api-staging.paymentoptions.com`.
    Staging,
    /// Production: `https://api.paymentoptions.com`. Real money.
    Production,
    /// Any other base URL (a proxy, a local sandbox). `http://` only for loopback hosts.
    Custom(Url),
}

impl Environment {
    /// The base URL requests go to.
    pub fn base_url(&self) -> Url {
        let s = match self {
            Environment::Dev => "https://api-dev.paymentoptions.com",
            Environment::Staging => "https://api-staging.paymentoptions.com",
            Environment::Production => "https://api.paymentoptions.com",
            Environment::Custom(url) => return url.clone(),
        };
        Url::parse(s).expect("built-in base URLs parse")
    }

    /// Reads `dev` (or `sandbox`), `staging`, `production` (or `prod`), case-insensitively.
    ///
    /// ```
    /// use paymentoptions_hpp::Environment;
    /// assert_eq!(Environment::from_name("Production"), Some(Environment::Production));
    /// assert_eq!(Environment::from_name("live"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "dev" | "development" | "sandbox" => Some(Environment::Dev),
            "staging" => Some(Environment::Staging),
            "production" | "prod" => Some(Environment::Production),
            _ => None,
        }
    }
}

/// Environment variables read by [`ClientBuilder::from_env`].
pub mod env {
    /// The API key (required).
    pub const API_KEY: &str = "PAYMENTOPTIONS_API_KEY";
    /// A separate key for the `x-api-key` header (defaults to the API key).
    pub const X_API_KEY: &str = "PAYMENTOPTIONS_X_API_KEY";
    /// `dev`, `staging` or `production`.
    pub const ENVIRONMENT: &str = "PAYMENTOPTIONS_ENVIRONMENT";
    /// A custom base URL (instead of `PAYMENTOPTIONS_ENVIRONMENT`).
    pub const BASE_URL: &str = "PAYMENTOPTIONS_BASE_URL";
    /// Default `merchant_id` for every link.
    pub const MERCHANT_ID: &str = "PAYMENTOPTIONS_MERCHANT_ID";
    /// Default `merchant_email` for every link.
    pub const MERCHANT_EMAIL: &str = "PAYMENTOPTIONS_MERCHANT_EMAIL";
}

/// Configures a [`Client`](crate::Client).
///
/// ```
/// use std::time::Duration;
/// use paymentoptions_hpp::{Client, Environment};
///
/// let client = Client::builder()
///     .api_key("my-api-key")
///     .environment(Environment::Staging)
///     .connect_timeout(Duration::from_secs(5))
///     .timeout(Duration::from_secs(20))
///     .merchant_id("MERCHANT-0001")
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://api-staging.paymentoptions.com/");
/// # Ok::<(), paymentoptions_hpp::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) x_api_key: Option<ApiKey>,
    pub(crate) environment: Environment,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) proxy: Option<String>,
    pub(crate) root_certificates: Vec<RootCertificatePem>,
    pub(crate) merchant_id: Option<String>,
    pub(crate) merchant_email: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) http2_prior_knowledge: bool,
    pub(crate) live: Option<bool>,
    pub(crate) env_error: Option<ConfigError>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            x_api_key: None,
            environment: Environment::Dev,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: concat!("paymentoptions-hpp-rust/", env!("CARGO_PKG_VERSION")).to_string(),
            proxy: None,
            root_certificates: Vec::new(),
            merchant_id: None,
            merchant_email: None,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http2_prior_knowledge: false,
            live: None,
            env_error: None,
        }
    }
}

/// The default of [`ClientBuilder::max_response_bytes`]: the largest body the library reads.
/// `po-hpp` bounds the files it reads (`--body`, a notification) by it too.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

impl ClientBuilder {
    /// The API key, sent as `Authorization: Basic <key>` and (unless [`x_api_key`](Self::x_api_key)
    /// is set) as `x-api-key: <key>`.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// A separate key for the `x-api-key` header.
    pub fn x_api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.x_api_key = Some(key.into());
        self
    }

    /// Whether this client moves real money (default: only for [`Environment::Production`]).
    /// A live client confirms only transactions whose status says `is_live: true` and a test
    /// client only those that do not say so; money calls refuse a target of the other kind.
    /// Set it for a custom base URL that fronts production (a proxy).
    pub fn live(mut self, live: bool) -> Self {
        self.live = Some(live);
        self
    }

    /// The environment (default: [`Environment::Dev`]).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// A custom base URL; same as `environment(Environment::Custom(..))`. An unparsable URL is
    /// reported by [`build`](Self::build).
    pub fn base_url(mut self, url: &str) -> Self {
        match Url::parse(url) {
            Ok(u) => self.environment = Environment::Custom(u),
            Err(e) => {
                self.env_error = Some(ConfigError::new("base_url", format!("not a URL: {e}")))
            }
        }
        self
    }

    /// How long connecting (DNS, TCP, TLS) may take (default 10 s). No effect on wasm32,
    /// where the host's `fetch` connects: only [`timeout`](Self::timeout) applies there.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole request may take, body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `paymentoptions-hpp-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Send every request through this HTTP(S) proxy, e.g. `http://proxy.internal:3128`.
    ///
    /// Without it, the `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` environment variables apply, except
    /// to a loopback base URL (a local sandbox), which is always reached directly.
    ///
    /// On wasm32, `build` refuses it: requests go through the host's `fetch`.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Also trust the certificate authorities in `pem` (one or more PEM `CERTIFICATE` blocks),
    /// besides the platform's roots: for a private root in front of the API, or a
    /// TLS-inspecting corporate proxy (with [`proxy`](Self::proxy)) that re-signs every
    /// connection with its own root. May be called more than once; the roots add up.
    ///
    /// [`build`](Self::build) reads the PEM: text without a certificate, or a certificate the
    /// TLS backend cannot read, is a [`ConfigError`] naming the `root_certificate` setting.
    /// Redirects stay unfollowed and hostnames stay checked: the extra root only widens which
    /// issuers are trusted.
    ///
    /// ```no_run
    /// let pem = std::fs::read("/etc/ssl/corp/inspecting-proxy-root.pem")?;
    /// let client = paymentoptions_hpp::Client::builder()
    ///     .api_key("my-api-key")
    ///     .proxy("http://proxy.corp.example:3128")
    ///     .add_root_certificate(pem)
    ///     .build()?;
    /// # drop(client);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// On wasm32, `build` refuses it: the host's `fetch` does TLS with the host's roots. A
    /// build without a TLS feature refuses it too, rather than drop it.
    pub fn add_root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates
            .push(RootCertificatePem(pem.as_ref().to_vec()));
        self
    }

    /// `merchant_id` for every link that does not set its own.
    pub fn merchant_id(mut self, merchant_id: impl Into<String>) -> Self {
        self.merchant_id = Some(merchant_id.into());
        self
    }

    /// `merchant_email` for every link that does not set its own.
    pub fn merchant_email(mut self, merchant_email: impl Into<String>) -> Self {
        self.merchant_email = Some(merchant_email.into());
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`], connect failures only).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body read, in bytes (default 1 MiB). Longer success bodies are a
    /// decode error (refused from the `Content-Length` header alone when it announces more,
    /// before any of the body is read); longer error bodies are cut.
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.max_response_bytes = max;
        self
    }

    /// Speak HTTP/2 from the first byte ("prior knowledge", h2c) instead of HTTP/1.1.
    ///
    /// For HTTP/2 servers without TLS, e.g. a local proxy; over https, HTTP/2 is negotiated
    /// automatically (ALPN) and this is not needed. A server that only speaks HTTP/1.1 fails
    /// every request with a [`Transport`](crate::Error::Transport) error.
    ///
    /// ```
    /// let client = paymentoptions_hpp::Client::builder()
    ///     .api_key("my-api-key")
    ///     .base_url("http://127.0.0.1:8080") // an HTTP/2-only local proxy
    ///     .http2_prior_knowledge()
    ///     .build()?;
    /// assert!(format!("{client:?}").contains("127.0.0.1:8080"));
    /// # Ok::<(), paymentoptions_hpp::Error>(())
    /// ```
    ///
    /// On wasm32, `build` refuses it: the host's `fetch` picks the HTTP version.
    pub fn http2_prior_knowledge(mut self) -> Self {
        self.http2_prior_knowledge = true;
        self
    }

    /// A builder from the process environment; see [`env`](mod@env) for the variables.
    pub fn from_env() -> Self {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// A builder from any variable source (a map in tests, a config file, CLI flags...).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use paymentoptions_hpp::ClientBuilder;
    ///
    /// let vars = HashMap::from([
    ///     ("PAYMENTOPTIONS_API_KEY", "my-api-key"),
    ///     ("PAYMENTOPTIONS_ENVIRONMENT", "production"),
    /// ]);
    /// let client = ClientBuilder::from_env_with(|k| vars.get(k).map(|v| v.to_string())).build()?;
    /// assert_eq!(client.base_url().as_str(), "https://api.paymentoptions.com/");
    /// # Ok::<(), paymentoptions_hpp::Error>(())
    /// ```
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_string());
        let mut b = Self::default();
        match get(env::API_KEY) {
            Some(k) if !k.is_empty() => b.api_key = Some(ApiKey::new(k)),
            Some(_) => b.env_error = Some(ConfigError::new(env::API_KEY, "is set but empty")),
            None => b.env_error = Some(ConfigError::new(env::API_KEY, "is not set")),
        }
        if let Some(k) = get(env::X_API_KEY).filter(|k| !k.is_empty()) {
            b.x_api_key = Some(ApiKey::new(k));
        }
        let environment = get(env::ENVIRONMENT).filter(|v| !v.is_empty());
        let base_url = get(env::BASE_URL).filter(|v| !v.is_empty());
        let env_error = match (environment, base_url) {
            (Some(_), Some(_)) => Some(ConfigError::new(
                env::BASE_URL,
                format!("set together with {}; set only one", env::ENVIRONMENT),
            )),
            (Some(name), None) => match Environment::from_name(&name) {
                Some(e) => {
                    b.environment = e;
                    None
                }
                None => Some(ConfigError::new(
                    env::ENVIRONMENT,
                    format!("`{name}` is not one of dev, staging, production"),
                )),
            },
            (None, Some(url)) => match Url::parse(&url) {
                Ok(u) => {
                    b.environment = Environment::Custom(u);
                    None
                }
                Err(e) => Some(ConfigError::new(env::BASE_URL, format!("not a URL: {e}"))),
            },
            (None, None) => None,
        };
        b.env_error = b.env_error.or(env_error);
        b.merchant_id = get(env::MERCHANT_ID).filter(|v| !v.is_empty());
        b.merchant_email = get(env::MERCHANT_EMAIL).filter(|v| !v.is_empty());
        b
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<crate::Client, Error> {
        crate::client::Client::from_builder(self)
    }
}

/// Refuses anything but `https://`, except `http://` to a loopback host (a local sandbox).
pub(crate) fn check_base_url(url: &Url) -> Result<(), ConfigError> {
    let fail = |m: &str| Err(ConfigError::new("base_url", m.to_string()));
    if url.cannot_be_a_base() || url.host().is_none() {
        return fail("must be an absolute http(s) URL with a host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail("must not carry credentials; use the api_key setting");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return fail("must not have a query or fragment");
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => fail(
            "plain http:// is refused except for loopback hosts (localhost, 127.0.0.0/8, ::1): \
             API keys would travel in clear text; use https://",
        ),
        _ => fail("must use https:// (or http:// to a loopback host)"),
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_hosts_are_the_specs_servers() {
        let servers: Vec<&str> = paymentoptions_hpp_client::api::SERVERS
            .iter()
            .map(|s| s.url)
            .collect();
        for env in [
            Environment::Dev,
            Environment::Staging,
            Environment::Production,
        ] {
            let url = env.base_url().to_string();
            assert!(
                servers.contains(&url.trim_end_matches('/')),
                "{url} is not among the spec's servers {servers:?}"
            );
        }
    }

    #[test]
    fn http_only_for_loopback() {
        for ok in [
            "https://api.paymentoptions.com",
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://[::1]:1234/prefix",
            "http://localhost:3000",
            "http://LOCALHOST",
        ] {
            assert!(check_base_url(&Url::parse(ok).unwrap()).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.paymentoptions.com",
            "http://10.0.0.1",
            "http://localhost.evil.example",
            "ftp://127.0.0.1",
            "https://user:pass@api.paymentoptions.com",
            "https://api.paymentoptions.com/?key=1",
            "mailto:x@y.z",
        ] {
            let err = check_base_url(&Url::parse(bad).unwrap()).unwrap_err();
            assert_eq!(err.setting(), "base_url", "{bad}");
        }
    }
}
