//! The one error type, and what each kind carries.
//!
//! No variant ever holds an API key: keys live only in the HTTP client's default headers, marked
//! sensitive, and errors are built from statuses, bodies and `reqwest` errors (which name the
//! URL, never headers).

use std::fmt;
use std::time::Duration;

use paymentoptions_hpp_client::types::ErrorBody;

pub use crate::confirmation::{Undecided, UndecidedReason};
pub use crate::money_call::{InDoubt, InDoubtCause, Refusal};
use crate::redaction::mask_card_numbers;
use crate::validation::ValidationError;

/// Everything that can go wrong. Match on it; [`Error::is_retryable`] and
/// [`Error::may_have_reached_server`] answer the two questions a caller usually has.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (missing key, bad base URL...). Nothing was sent.
    Config(ConfigError),
    /// The request breaks a rule of the API. Nothing was sent.
    Validation(ValidationError),
    /// PaymentOptions answered with a non-2xx status.
    Api(Box<ApiError>),
    /// The request or its response did not make it across the network.
    Transport(TransportError),
    /// A 2xx response whose body is not what the API promises.
    Decode(Box<DecodeError>),
    /// A money call (capture, refund, void, stored-card payment) whose answer was lost or
    /// unclear: it **may have moved money**. Never send it again blindly; see
    /// [`InDoubt::advice`].
    InDoubt(Box<InDoubt>),
    /// A money call the API refused (a 4xx, or a declined answer): nothing moved. Carries the
    /// documented code and its meaning (`ERR3019`, "insufficient refund balance").
    Refused(Box<Refusal>),
    /// A confirmation that could read the status but not decide on it (a 404, an unknown
    /// kind or outcome): keep the claim and ask again later; neither fulfil nor cancel.
    Undecided(Box<Undecided>),
}

impl Error {
    /// `true` when trying again later may succeed: network failures, and statuses 408, 429,
    /// 502, 503 and 504.
    ///
    /// Whether retrying is *safe* is another matter: see [`may_have_reached_server`](Self::may_have_reached_server).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) => true,
            Error::Api(e) => matches!(e.status, 408 | 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// For a money call in doubt: what can be done about it (the same as
    /// [`InDoubt::advice`]). Also shown by `Display`.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::InDoubt(e) => Some(e.advice()),
            _ => None,
        }
    }

    /// `true` exactly when this error may hide money that moved: a money call in doubt
    /// ([`Error::InDoubt`]). Every other error of a money call moved nothing (it was refused,
    /// or never sent), and a failed status read never moves money.
    pub fn may_have_moved_money(&self) -> bool {
        matches!(self, Error::InDoubt(_))
    }

    /// `false` only when the request surely never reached PaymentOptions (it failed before or
    /// while connecting), so sending it again cannot create a second link. A 4xx did reach
    /// the server (and was refused). For "may this have moved money?", ask
    /// [`may_have_moved_money`](Self::may_have_moved_money).
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Error::Config(_) | Error::Validation(_) => false,
            Error::Transport(e) => e.kind != TransportErrorKind::Connect,
            Error::Api(_)
            | Error::Decode(_)
            | Error::InDoubt(_)
            | Error::Refused(_)
            | Error::Undecided(_) => true,
        }
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Refused(e) => Some(e.status()),
            Error::InDoubt(e) => match e.cause() {
                InDoubtCause::Failed(e) => e.status(),
                InDoubtCause::Answer(t) => t.http_status(),
            },
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(e) => e.fmt(f),
            Error::Validation(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::InDoubt(e) => e.fmt(f),
            Error::Refused(e) => e.fmt(f),
            Error::Undecided(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => e.source.as_deref().map(|s| s as _),
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

/// A configuration problem, naming the setting (or environment variable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    setting: String,
    message: String,
}

impl ConfigError {
    pub(crate) fn new(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            setting: setting.into(),
            message: message.into(),
        }
    }

    /// The setting or environment variable at fault, e.g. `api_key` or `PAYMENTOPTIONS_API_KEY`.
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}: {}", self.setting, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A non-2xx response. The raw body is always kept (error bodies are undocumented and may not be
/// JSON); [`error_body`](Self::error_body) is its JSON reading when there is one.
#[derive(Clone)]
pub struct ApiError {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) parsed: Option<ErrorBody>,
    pub(crate) retry_after: Option<Duration>,
}

/// Bodies are shown up to this many bytes in `Display`/`Debug`.
const SHOWN_BODY: usize = 512;

impl ApiError {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `true` for 401 and 403: the API key is missing, wrong, or not allowed to do this.
    pub fn is_auth(&self) -> bool {
        matches!(self.status, 401 | 403)
    }

    /// The body as received, bounded by the client's response size limit, with any occurrence
    /// of the client's API keys (8 bytes or longer) replaced by `[redacted]`. `Display` and
    /// `Debug` show at most 512 bytes of it, with possible card numbers masked; this does not.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body read as the API's error schema, when it is a JSON object.
    pub fn error_body(&self) -> Option<&ErrorBody> {
        self.parsed.as_ref()
    }

    /// The server's message, when the body is JSON with a `message`.
    pub fn message(&self) -> Option<&str> {
        self.parsed.as_ref()?.message.as_deref()
    }

    /// How long the server asked to wait (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field(
                "body",
                &truncate(&mask_card_numbers(&self.body_text()), SHOWN_BODY),
            )
            .field(
                "parsed",
                &self
                    .parsed
                    .as_ref()
                    .map(|p| mask_card_numbers(&format!("{p:?}"))),
            )
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PaymentOptions answered HTTP {}", self.status)?;
        match (self.message(), self.body.is_empty()) {
            (Some(m), _) => write!(f, ": {}", truncate(&mask_card_numbers(m), SHOWN_BODY)),
            (None, true) => f.write_str(" with an empty body"),
            (None, false) => write!(
                f,
                ": {}",
                truncate(&mask_card_numbers(&self.body_text()), SHOWN_BODY)
            ),
        }?;
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What kind of network failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Connecting (DNS, TCP or TLS) failed: the request was never sent.
    Connect,
    /// The connect or total timeout expired after the connection was made.
    Timeout,
    /// Anything else (connection reset mid-request, malformed HTTP, ...).
    Other,
}

/// A network failure.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) kind: TransportErrorKind,
    pub(crate) attempts: u32,
    pub(crate) message: String,
    /// The status of a response whose head arrived before the body failed.
    pub(crate) response_status: Option<u16>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// Which kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// How many attempts were made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The status of the response, when its head arrived and the failure came while reading
    /// its body (of the last attempt). A 2xx here means the link was most likely created, but
    /// its details never arrived: look it up before creating it again.
    /// [`Error::status`] stays `None` for a transport error, since no whole response was
    /// received.
    ///
    /// ```
    /// # async fn run(client: paymentoptions_hpp::Client, request: paymentoptions_hpp::LinkRequest) {
    /// use paymentoptions_hpp::Error;
    ///
    /// match client.create_link(&request).await {
    ///     Err(Error::Transport(e)) if e.response_status().is_some_and(|s| s < 300) => {
    ///         // Created, probably: the answer broke off after its head.
    ///     }
    ///     _ => {}
    /// }
    /// # }
    /// ```
    pub fn response_status(&self) -> Option<u16> {
        self.response_status
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect to PaymentOptions",
            TransportErrorKind::Timeout => "PaymentOptions did not answer in time",
            TransportErrorKind::Other => "the exchange with PaymentOptions failed",
        };
        write!(f, "{what} ({}", self.message)?;
        if let Some(status) = self.response_status {
            write!(f, "; while reading the body of a {status} response")?;
        }
        if self.attempts > 1 {
            write!(f, "; {} attempts", self.attempts)?;
        }
        f.write_str(")")?;
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as _)
    }
}

/// A short account of a failure to connect whose cause a person can act on: the host name did
/// not resolve (a typo, or no network), or nothing listens at the address (the server, or the
/// sandbox, is not running). `None` for any other cause (TLS, ...), which is then shown in full.
///
/// Both causes otherwise read alike: the same generic "error sending request" chain, the whole
/// URL included, repeated for nothing.
pub(crate) fn connect_summary(
    error: &(dyn std::error::Error + 'static),
    url: Option<&url::Url>,
) -> Option<String> {
    let host = url.and_then(url::Url::host_str);
    let mut cause = Some(error);
    while let Some(e) = cause {
        // hyper-util and reqwest name a failed lookup so; the resolver's own message (e.g.
        // "Name or service not known") is the innermost cause.
        let text = e.to_string();
        if text == "dns error" || text == "error resolving DNS" {
            let mut innermost = e;
            while let Some(next) = innermost.source() {
                innermost = next;
            }
            let why = if std::ptr::addr_eq(innermost, e) {
                "no address found".to_string()
            } else {
                innermost.to_string()
            };
            return Some(match host {
                Some(host) => format!("DNS: the host name `{host}` did not resolve: {why}"),
                None => format!("DNS: the host name did not resolve: {why}"),
            });
        }
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        {
            let port = url.and_then(url::Url::port_or_known_default);
            return Some(match (host, port) {
                (Some(host), Some(port)) => format!("{host}:{port} refused the connection"),
                _ => "the server refused the connection".to_string(),
            });
        }
        cause = e.source();
    }
    None
}

/// A response body that does not match the API's schema.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub(crate) status: u16,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) body: String,
}

impl DecodeError {
    pub(crate) fn new(
        status: u16,
        path: impl Into<String>,
        message: impl Into<String>,
        body: &[u8],
    ) -> Self {
        Self {
            status,
            path: path.into(),
            // serde quotes the value it refused, which may be a card number.
            message: mask_card_numbers(&message.into()),
            body: truncate(
                &mask_card_numbers(&String::from_utf8_lossy(body)),
                SHOWN_BODY,
            ),
        }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The JSON path that failed, e.g. `id` or `billing_address.city` (`.` for the whole body).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The start of the body (at most 512 bytes), for diagnosis, with card numbers masked but
    /// for their last four digits (see [`mask_card_numbers`]).
    pub fn body_snippet(&self) -> &str {
        &self.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected response body (HTTP {}) at `{}`: {}",
            self.status, self.path, self.message
        )?;
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// At most `max` bytes of `s`, cut at a character boundary, with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}
