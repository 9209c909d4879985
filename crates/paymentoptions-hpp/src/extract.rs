//! With the `axum` feature: [`Notification`] as an axum extractor.
//!
//! ```no_run
//! use axum::http::StatusCode;
//! use paymentoptions_hpp::Notification;
//!
//! // A malformed body never reaches the handler: it is answered 400 with the reason.
//! async fn webhook(notification: Notification) -> StatusCode {
//!     println!("transaction {}: confirm it before fulfilling", notification.transaction_id());
//!     StatusCode::OK
//! }
//! let app: axum::Router = axum::Router::new().route("/webhooks/paymentoptions", axum::routing::post(webhook));
//! ```

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::notification::{Notification, NotificationError, parse_notification};

/// The largest notification body the extractor reads. A transaction envelope is a few
/// kilobytes; anything far larger is not a notification, and reading it would let anyone who
/// knows the webhook URL make the server buffer it.
pub const MAX_NOTIFICATION_BYTES: usize = 64 * 1024;

/// Why the extractor refused a request; answered as its status with the reason as plain text.
#[derive(Debug)]
#[non_exhaustive]
pub enum NotificationRejection {
    /// The body is larger than [`MAX_NOTIFICATION_BYTES`] (413).
    TooLarge,
    /// The body could not be read (400).
    Unreadable(String),
    /// The body is not a usable notification (400); names the JSON path.
    Invalid(NotificationError),
}

impl std::fmt::Display for NotificationRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge => write!(
                f,
                "the notification body is larger than {MAX_NOTIFICATION_BYTES} bytes"
            ),
            Self::Unreadable(why) => write!(f, "the notification body could not be read: {why}"),
            Self::Invalid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for NotificationRejection {}

impl IntoResponse for NotificationRejection {
    fn into_response(self) -> Response {
        let status = match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unreadable(_) | Self::Invalid(_) => StatusCode::BAD_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}

impl<S: Send + Sync> FromRequest<S> for Notification {
    type Rejection = NotificationRejection;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let body = axum::body::to_bytes(request.into_body(), MAX_NOTIFICATION_BYTES)
            .await
            .map_err(|e| {
                // axum reports a crossed limit as a length-limit error somewhere in the chain.
                let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
                while let Some(s) = source {
                    if s.to_string().contains("length limit") {
                        return NotificationRejection::TooLarge;
                    }
                    source = s.source();
                }
                NotificationRejection::Unreadable(e.to_string())
            })?;
        parse_notification(&body).map_err(NotificationRejection::Invalid)
    }
}
