//! Options for some calls only: a timeout and extra headers, without a second client.
//!
//! [`Client::with_options`](crate::Client::with_options) gives a view of the client (the same
//! connection pool, key and retry policy) whose every call, generated operations included,
//! uses these options; the client itself keeps its defaults.
//!
//! ```no_run
//! use std::time::Duration;
//! use paymentoptions_hpp::{CallOptions, Client};
//!
//! # async fn run(client: Client, transaction_id: &str) -> Result<(), paymentoptions_hpp::Error> {
//! // A checkout page waits 3 s at most; the nightly report keeps the client's 30 s.
//! let checkout = client.with_options(
//!     CallOptions::new()
//!         .timeout(Duration::from_secs(3))
//!         .header("x-request-id", "checkout-7f3a")?,
//! );
//! let status = checkout.get_transaction_status(transaction_id).await?;
//! # Ok(()) }
//! ```
//!
//! # A short timeout on a money call
//!
//! A capture, refund, void or stored-card payment that times out after it was sent may still
//! have been applied: the result is [`Error::InDoubt`](crate::Error::InDoubt), never a retry
//! (the API has no idempotency key). The shorter the timeout, the likelier that outcome; read
//! the target's status before trying again.

use std::fmt;
use std::time::Duration;

use paymentoptions_hpp_client::api;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

/// A timeout and extra headers for the calls made through
/// [`Client::with_options`](crate::Client::with_options).
///
/// `Debug` shows header names only: values are treated like keys, never printed, and sent
/// marked sensitive.
#[derive(Clone, Default)]
#[must_use]
pub struct CallOptions {
    pub(crate) timeout: Option<std::time::Duration>,
    pub(crate) headers: HeaderMap,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("headers", &names)
            .finish()
    }
}

impl CallOptions {
    /// No option: the client's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long each attempt of a call may take, body included, instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout). Like that one, it bounds one attempt: a
    /// retried read may take it once per attempt. A money call reads its target's status
    /// first; both requests get it.
    ///
    /// On a money call, a timeout after sending is [`Error::InDoubt`](crate::Error::InDoubt):
    /// a shorter one makes that outcome likelier (see the [module](self) documentation).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a header to every request of the call (a correlation id, a tracing header...).
    /// Setting a name twice sends both values.
    ///
    /// Refused, with nothing kept: a header that carries a key (`Authorization`, `x-api-key`,
    /// every header of the spec's security schemes, `Proxy-Authorization`) or that the library
    /// sets itself (`Content-Type`, `Accept`, `Content-Length`, `Transfer-Encoding`, `Host`),
    /// and a name or value HTTP does not allow.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, HeaderError> {
        let refuse = |reason| HeaderError {
            name: name.to_string(),
            reason,
        };
        let header_name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| refuse(HeaderRefusal::BadName))?;
        if is_auth_header(&header_name) {
            return Err(refuse(HeaderRefusal::Auth));
        }
        if SET_BY_LIBRARY.contains(&header_name) {
            return Err(refuse(HeaderRefusal::SetByLibrary));
        }
        let mut header_value =
            HeaderValue::from_str(value).map_err(|_| refuse(HeaderRefusal::BadValue))?;
        header_value.set_sensitive(true);
        self.headers.append(header_name, header_value);
        Ok(self)
    }

    /// These options with `later`'s on top: its timeout (when set) wins, and its headers
    /// replace those of the same names.
    pub(crate) fn merged(&self, later: CallOptions) -> CallOptions {
        let mut headers = self.headers.clone();
        for name in later.headers.keys() {
            headers.remove(name);
        }
        for (name, value) in &later.headers {
            headers.append(name.clone(), value.clone());
        }
        CallOptions {
            timeout: later.timeout.or(self.timeout),
            headers,
        }
    }
}

/// The headers the library sets: overriding one would break decoding or the request's framing.
const SET_BY_LIBRARY: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::ACCEPT,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::HOST,
];

fn is_auth_header(name: &HeaderName) -> bool {
    *name == header::AUTHORIZATION
        || *name == header::PROXY_AUTHORIZATION
        || name.as_str() == "x-api-key"
        || api::AUTH_HEADERS
            .iter()
            .any(|auth| auth.header.eq_ignore_ascii_case(name.as_str()))
}

/// An extra header [`CallOptions::header`] refused, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderError {
    name: String,
    reason: HeaderRefusal,
}

impl HeaderError {
    /// The header's name, as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why it was refused.
    pub fn reason(&self) -> HeaderRefusal {
        self.reason
    }
}

/// Why an extra header was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderRefusal {
    /// It carries a key: keys are set on the client ([`ClientBuilder`](crate::ClientBuilder)).
    Auth,
    /// The library sets it (`Content-Type`, `Accept`, framing headers).
    SetByLibrary,
    /// Not a valid HTTP header name.
    BadName,
    /// Not a valid HTTP header value (a control character, a line break...).
    BadValue,
}

// The value is never printed: it may be a token.
impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` so that a name with control characters cannot forge a message.
        write!(f, "call option: header {:?} {}", self.name, self.why())
    }
}

impl HeaderError {
    fn why(&self) -> &'static str {
        match self.reason {
            HeaderRefusal::Auth => "carries an API key: keys are set on the client, never per call",
            HeaderRefusal::SetByLibrary => "is set by the library and cannot be overridden",
            HeaderRefusal::BadName => "is not a valid HTTP header name",
            HeaderRefusal::BadValue => "has a value HTTP does not allow in a header",
        }
    }
}

impl std::error::Error for HeaderError {}

impl From<HeaderError> for crate::Error {
    fn from(e: HeaderError) -> Self {
        crate::ConfigError::new(format!("header {:?}", e.name), e.why()).into()
    }
}
