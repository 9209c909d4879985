//! What an injected [`Fault`] does to a call: wait, then drop the connection or answer with
//! its status instead. Before the operation (the call never takes effect) or after it (the call
//! took effect, and its answer is what is lost): see [`FaultPhase`].
//!
//! A leaf: it takes the fault and the answer, not the sandbox.

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::errors::ErrorCode;
use crate::views::Fault;

/// When an injected [`Fault`] strikes: written `"before"` (the default) or `"after"` in the
/// fault's `when`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultPhase {
    /// Before the operation: it never takes effect (no transaction, no link, no balance
    /// change), as when a request is lost on its way in.
    #[default]
    Before,
    /// After the operation took effect (the transaction is recorded, the balance changed, the
    /// link exists): only its answer is lost, replaced, or late. This is the case in which a
    /// client that retries a refund refunds twice.
    After,
}

impl FaultPhase {
    /// `true` for [`FaultPhase::Before`] (what a fault's JSON leaves out).
    pub(crate) fn is_before(&self) -> bool {
        *self == FaultPhase::Before
    }
}

/// What `fault` makes of a call: after its `delay_ms`, `Some` answer to send instead (the
/// injected status, or a dropped connection), or `None` to go on (before the operation) or to
/// send the real answer (after it).
pub(crate) async fn strike(fault: &Fault) -> Option<Response> {
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    if fault.drop_connection {
        return Some(dropped_connection());
    }
    let status = fault.status?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // The same answer in both phases: a client cannot tell whether the call took effect, which
    // is what these faults exist to test.
    Some(ErrorCode::InjectedFault(status).answer("fault injected through /__mock/faults", None))
}

/// `answer`, unless a fault for after the operation strikes it.
pub(crate) async fn after(fault: Option<Fault>, answer: Response) -> Response {
    match fault {
        Some(fault) => strike(&fault).await.unwrap_or(answer),
        None => answer,
    }
}

/// A response whose body fails at once: hyper then closes the connection without a complete
/// answer, which is what a client sees when a server or proxy drops it.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault injected through /__mock/faults",
        ))
    });
    Response::new(Body::from_stream(stream))
}
