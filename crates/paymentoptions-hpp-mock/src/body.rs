//! Reading a request's body whole, before any handler runs: at most `max_body_bytes` (413
//! `payload_too_large` as soon as more arrives, even for a chunked body of unknown length) and
//! within `body_read_timeout` (408 `request_timeout`, and the connection is closed).

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::api::error;
use crate::server::Shared;

/// Middleware: replaces the streamed body with the bytes read, or answers 408/413.
pub(crate) async fn read_whole(
    Extension(shared): Extension<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let limit = shared.config.max_body_bytes;
    let timeout = shared.config.body_read_timeout;
    let bytes = match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return closing(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {limit} bytes"),
                None,
            ));
        }
        Err(_) => {
            return closing(error(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!(
                    "the body did not arrive within {} ms (body_read_timeout)",
                    timeout.as_millis()
                ),
                None,
            ));
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The rest of the body is not read: the connection cannot carry another request.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
