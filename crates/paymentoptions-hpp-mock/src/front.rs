//! The front door every request goes through before the router, in this order: the
//! [`guard`] (who may ask), the [`body`] reader (bounded in size and time), then a slot of the
//! concurrency limit ([`overload`]). Then the router gets the request: the sandbox's own,
//! which gives its handlers the sandbox through axum's `State`.
//!
//! Plain function calls rather than three tower middlewares: under load, axum's `from_fn`
//! layers (a boxed future, a router clone and a `Next` per layer and request) cost more than
//! the checks themselves (BENCHMARKS.md, section 4b).

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use tower_service::Service;

use crate::errors::ErrorCode;
use crate::state::Shared;
use crate::{body, guard, overload};

/// Answers `request`, which reached `shared`'s sandbox.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    mut app: Router,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<Response, Infallible> {
    let request = request.map(Body::new);
    if let Some(refusal) = too_long(&request) {
        return Ok(refusal);
    }
    if let Some(refusal) = guard::refusal(&shared, &request) {
        return Ok(refusal);
    }
    // The body is read before a slot is taken: a slow sender holds a connection, bounded by
    // `max_connections` and `body_read_timeout`, but no handler.
    let request = match body::read_whole(&shared, request).await {
        Ok(request) => request,
        Err(answer) => return Ok(answer),
    };
    let Some(_slot) = overload::slot(&shared) else {
        return Ok(overload::overloaded(&shared, request.uri().path()));
    };
    app.call(request).await
}

/// The longest request target (path and query) the sandbox reads; hyper refuses longer than
/// 64 KiB itself, with a bodiless 414.
const MAX_TARGET_BYTES: usize = 8 * 1024;

/// The 414 answer to a request whose target is longer than [`MAX_TARGET_BYTES`].
fn too_long(request: &axum::extract::Request) -> Option<Response> {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |t| t.as_str().len());
    (target > MAX_TARGET_BYTES).then(|| {
        ErrorCode::UriTooLong.answer(
            format!("the request target is {target} bytes long, more than {MAX_TARGET_BYTES}"),
            None,
        )
    })
}
