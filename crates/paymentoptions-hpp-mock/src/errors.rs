//! The sandbox's own errors: [`ErrorCode`] (each code with the HTTP status it is sent with)
//! and the JSON answer in the spec's `ErrorBody` shape. A leaf: it knows nothing of the
//! sandbox's state or handlers.
//!
//! These are the sandbox's codes, not PaymentOptions' gateway codes (those are read from the
//! spec, see [`codes`](crate::codes)).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What went wrong, as the error body's `code`; each carries the status it is answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    /// 404: no such endpoint, link, transaction or delivery.
    NotFound,
    /// 405: a method the path does not accept.
    MethodNotAllowed,
    /// 401: an auth header missing, malformed or with an unknown key.
    Unauthorized,
    /// 415: a body that is not `application/json`.
    UnsupportedMediaType,
    /// 413: a body over `max_body_bytes`.
    PayloadTooLarge,
    /// 408: a body slower than `body_read_timeout`.
    RequestTimeout,
    /// 414: a request target longer than the server reads.
    UriTooLong,
    /// 400: a body that is not JSON.
    MalformedJson,
    /// 400: a request that breaks a rule (of the spec, or of the control API).
    InvalidRequest,
    /// 400: a `Host` that is not the sandbox's own.
    UnknownHost,
    /// A request from another web origin: 400 on the API (the status its spec declares for a
    /// refused request), 403 elsewhere.
    ForeignOrigin {
        /// Whether the request was for the API.
        api: bool,
    },
    /// A notification the sandbox sent to itself: 400 on the API, 403 elsewhere.
    SelfNotification {
        /// Whether the request was for the API.
        api: bool,
    },
    /// 503: too many requests at once.
    Overloaded,
    /// 503: the sandbox is shutting down.
    Stopping,
    /// 500: the sandbox failed.
    Internal,
    /// 409: a link already completed.
    AlreadyCompleted,
    /// 409: a delivery whose attempts are still being made.
    Pending,
    /// 429: as many faults pending as the sandbox keeps.
    TooManyFaults,
    /// An injected fault, with the status it was given.
    InjectedFault(StatusCode),
    /// 406: no such stored card.
    InvalidCard,
    /// 412: capture or void of a transaction that is not a pre-auth.
    NotAPreAuth,
    /// 412: capture or void of a declined pre-auth.
    Declined,
    /// 412: capture or void of a voided pre-auth.
    Voided,
    /// 412: capture or void of a pre-auth already captured.
    AlreadyCaptured,
    /// 412: a capture of more than was authorised.
    AmountExceedsAuthorisation,
    /// 412: a refund of what is not an approved capture.
    NotRefundable,
}

impl ErrorCode {
    /// The status this error is answered with.
    pub(crate) const fn status(self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UriTooLong => StatusCode::URI_TOO_LONG,
            Self::MalformedJson | Self::InvalidRequest | Self::UnknownHost => {
                StatusCode::BAD_REQUEST
            }
            Self::ForeignOrigin { api } | Self::SelfNotification { api } => {
                if api {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::FORBIDDEN
                }
            }
            Self::Overloaded | Self::Stopping => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::AlreadyCompleted | Self::Pending => StatusCode::CONFLICT,
            Self::TooManyFaults => StatusCode::TOO_MANY_REQUESTS,
            Self::InjectedFault(status) => status,
            Self::InvalidCard => StatusCode::NOT_ACCEPTABLE,
            Self::NotAPreAuth
            | Self::Declined
            | Self::Voided
            | Self::AlreadyCaptured
            | Self::AmountExceedsAuthorisation
            | Self::NotRefundable => StatusCode::PRECONDITION_FAILED,
        }
    }

    /// The error body's `code`.
    pub(crate) const fn code(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Unauthorized => "unauthorized",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RequestTimeout => "request_timeout",
            Self::UriTooLong => "uri_too_long",
            Self::MalformedJson => "malformed_json",
            Self::InvalidRequest => "invalid_request",
            Self::UnknownHost => "unknown_host",
            Self::ForeignOrigin { .. } => "foreign_origin",
            Self::SelfNotification { .. } => "self_notification",
            Self::Overloaded => "overloaded",
            Self::Stopping => "stopping",
            Self::Internal => "internal",
            Self::AlreadyCompleted => "already_completed",
            Self::Pending => "pending",
            Self::TooManyFaults => "too_many_faults",
            Self::InjectedFault(_) => "injected_fault",
            Self::InvalidCard => "invalid_card",
            Self::NotAPreAuth => "not_a_pre_auth",
            Self::Declined => "declined",
            Self::Voided => "voided",
            Self::AlreadyCaptured => "already_captured",
            Self::AmountExceedsAuthorisation => "amount_exceeds_authorisation",
            Self::NotRefundable => "not_refundable",
        }
    }

    /// The JSON answer: `message`, `code`, and `field` when known.
    pub(crate) fn answer(self, message: impl Into<String>, field: Option<&str>) -> Response {
        let mut body = json!({"message": message.into(), "code": self.code()});
        if let Some(field) = field {
            body["field"] = json!(field);
        }
        (self.status(), axum::Json(body)).into_response()
    }
}

/// The answer on a path the sandbox does not serve.
pub(crate) async fn not_found() -> Response {
    ErrorCode::NotFound.answer("no such endpoint", None)
}

/// The answer to a method a path does not accept, naming in `Allow` the one it does.
pub(crate) fn method_not_allowed(allowed: &Method) -> Response {
    let mut r =
        ErrorCode::MethodNotAllowed.answer(format!("this endpoint only accepts {allowed}"), None);
    if let Ok(allow) = HeaderValue::from_str(allowed.as_str()) {
        r.headers_mut().insert(header::ALLOW, allow);
    }
    r
}

/// The answer to a method a path does not accept, on the routes without their own (the
/// control API, the hosted page); axum adds the `Allow` header.
pub(crate) async fn wrong_method(method: Method) -> Response {
    ErrorCode::MethodNotAllowed.answer(
        format!("this endpoint does not accept {method} (see the Allow header)"),
        None,
    )
}

/// A route's one path parameter, percent-decoded. Malformed (`%FF`, not UTF-8), it is refused
/// with a JSON 400 `invalid_request`, where axum's own `Path` answers plain text.
pub(crate) struct PathParam(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(ErrorCode::InvalidRequest.answer(
                format!("the path is not valid: {}", rejection.body_text()),
                None,
            )),
        }
    }
}
