//! The concurrency limit: at most [`MockConfig::max_concurrent_requests`](crate::MockConfig)
//! requests are handled at once, on every route. The next one is refused at once (load
//! shedding) with `503 {"code": "overloaded", ...}` and `Retry-After: 1`, rather than queued
//! without bound: a flood of slow requests costs the sandbox a bounded number of handlers, and
//! its clients get an answer they can retry.
//!
//! A request holds its slot from the moment its head is read until its response head is
//! produced, so a request whose body is still arriving counts, and so does one held by an
//! injected `delay_ms` fault. Idle keep-alive connections do not count.

use std::sync::Arc;

use axum::Extension;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use crate::server::Shared;

/// The semaphore behind the limit, sized from the configuration (at least 1).
pub(crate) fn semaphore(max_concurrent_requests: usize) -> Semaphore {
    Semaphore::new(max_concurrent_requests.clamp(1, Semaphore::MAX_PERMITS))
}

/// Middleware: runs the request if a slot is free, answers 503 at once otherwise.
pub(crate) async fn shed(
    Extension(shared): Extension<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Ok(_slot) = shared.in_flight.try_acquire() else {
        tracing::debug!(path = %request.uri().path(), "overloaded: request refused");
        return overloaded(&shared);
    };
    next.run(request).await
}

fn overloaded(shared: &Shared) -> Response {
    let mut response = crate::api::error(
        StatusCode::SERVICE_UNAVAILABLE,
        "overloaded",
        format!(
            "the sandbox is already handling {} requests (max_concurrent_requests); \
             try again shortly",
            shared.max_in_flight
        ),
        None,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
