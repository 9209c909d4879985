//! What an injected [`Fault`] does to a call: wait, then drop the connection or answer with
//! its status instead. Before the operation (the call never takes effect) or after it (the call
//! took effect, and its answer is what is lost): see [`FaultPhase`].
//!
//! A leaf: the fault as the control API takes it, and what it does to an answer; not the
//! sandbox.

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::errors::ErrorCode;

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

/// A fault injected into the next API calls (link creation and the transaction operations),
/// or the next calls of one operation: before the call takes effect (the default), or after it
/// ([`when`](Self::when)).
///
/// As JSON (`POST /__mock/faults`): `{"count": 1, "status": 503, "delay_ms": 0,
/// "drop_connection": false, "operation": "refund_transaction", "when": "after"}`, every member
/// optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// How many API calls it applies to (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Answer with this status (and a JSON error body) instead of the operation's answer.
    pub status: Option<u16>,
    /// Wait this long before the operation (or, [`FaultPhase::After`], before its answer: a
    /// delay longer than a client's timeout, then the real answer).
    #[serde(default)]
    pub delay_ms: u64,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop_connection: bool,
    /// Only calls of this operation (its spec `operationId`, e.g. `refund_transaction`);
    /// none (the default): any API call. Calls are matched to faults oldest first. The control
    /// API refuses a name the spec does not have; through
    /// [`MockServer::inject_fault`](crate::MockServer::inject_fault) such a fault never
    /// applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Before the operation takes effect (the default: nothing happens), or after it (it took
    /// effect, and only its answer fails). A call is matched to the oldest pending fault of each
    /// phase: one before fault and one after fault can strike the same call.
    #[serde(default, skip_serializing_if = "FaultPhase::is_before")]
    pub when: FaultPhase,
}

fn one() -> u32 {
    1
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
