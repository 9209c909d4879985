//! Reading a request's body whole, before any handler runs: at most `max_body_bytes` (413
//! `payload_too_large` as soon as more arrives, even for a chunked body of unknown length) and
//! within `body_read_timeout` (408 `request_timeout`, and the connection is closed).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::errors::ErrorCode;
use crate::state::Shared;

/// `request` with its streamed body replaced by the bytes read, or the 408/413 answer.
pub(crate) async fn read_whole(shared: &Shared, request: Request) -> Result<Request, Response> {
    let (parts, body) = request.into_parts();
    let limit = shared.config.max_body_bytes;
    let timeout = shared.config.body_read_timeout;
    let bytes = match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return Err(closing(
                ErrorCode::PayloadTooLarge
                    .answer(format!("the body is larger than {limit} bytes"), None),
            ));
        }
        Err(_) => {
            return Err(closing(ErrorCode::RequestTimeout.answer(
                format!(
                    "the body did not arrive within {} ms (body_read_timeout)",
                    timeout.as_millis()
                ),
                None,
            )));
        }
    };
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The rest of the body is not read: the connection cannot carry another request.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
