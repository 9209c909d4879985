//! The concurrency limit: at most [`MockConfig::max_concurrent_requests`](crate::MockConfig)
//! requests are handled at once, on every route. The next one is refused at once (load
//! shedding) with `503 {"code": "overloaded", ...}` and `Retry-After: 1`, rather than queued
//! without bound: a flood of slow requests costs the sandbox a bounded number of handlers, and
//! its clients get an answer they can retry.
//!
//! A request holds its slot from the moment its whole body has been read (see
//! [`front`](crate::front)) until its response head is produced, so one held by an injected
//! `delay_ms` fault counts. A request whose body is still arriving holds a connection (bounded
//! by `max_connections` and `body_read_timeout`), not a slot; idle keep-alive connections hold
//! neither.

use axum::http::{HeaderValue, header};
use axum::response::Response;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::errors::ErrorCode;
use crate::state::Shared;

/// The semaphore behind the limit, sized from the configuration (at least 1).
pub(crate) fn semaphore(max_concurrent_requests: usize) -> Semaphore {
    Semaphore::new(max_concurrent_requests.clamp(1, Semaphore::MAX_PERMITS))
}

/// A slot for a request, held until it is dropped; `None` when none is free (answer with
/// [`overloaded`] then).
pub(crate) fn slot(shared: &Shared) -> Option<SemaphorePermit<'_>> {
    shared.in_flight.try_acquire().ok()
}

/// The 503 answer to a request to `path` that found no free slot.
pub(crate) fn overloaded(shared: &Shared, path: &str) -> Response {
    tracing::debug!(path, "overloaded: request refused");
    let mut response = ErrorCode::Overloaded.answer(
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
