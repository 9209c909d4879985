//! The control API, under `/__mock/` (a prefix the real API does not use). JSON in, JSON out.
//!
//! | method and path | what it does |
//! | --- | --- |
//! | `GET /__mock/links` | every link held, oldest first ([`LinkView`](crate::LinkView)) |
//! | `GET /__mock/links/{id}` | one link |
//! | `POST /__mock/links/{id}/complete` | `{"outcome": "pay" \| "decline" \| "cancel"}`: complete it without a browser ([`Completion`](crate::Completion)) |
//! | `GET /__mock/deliveries` | every notification delivery with its attempts ([`DeliveryView`](crate::DeliveryView)) |
//! | `POST /__mock/deliveries/{id}/redeliver` | send a notification again (e.g. after it failed) |
//! | `GET /__mock/faults` | faults still pending |
//! | `POST /__mock/faults` | `{"count": 2, "status": 503, "delay_ms": 100, "drop_connection": false}` ([`Fault`](crate::Fault)): for the next `count` create calls |
//! | `DELETE /__mock/faults` | clear pending faults |
//! | `POST /__mock/reset` | forget every link, delivery and fault |

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::api::error;
use crate::store::{DeliveryState, Fault, Outcome};
use crate::{CompleteError, CustomerInput, Shared, complete, delivery};

/// Pending faults are bounded like everything else the sandbox keeps.
const MAX_PENDING_FAULTS: usize = 1024;

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/links", get(links))
        .route("/links/{id}", get(link))
        .route("/links/{id}/complete", post(complete_link))
        .route("/deliveries", get(deliveries))
        .route("/deliveries/{id}/redeliver", post(redeliver))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/reset", post(reset))
}

async fn links(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.store.lock().expect("store lock").links()).into_response()
}

fn no_such_link() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such link", None)
}

async fn link(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return no_such_link();
    };
    let store = shared.store.lock().expect("store lock");
    match store.link(&id) {
        Some(r) => axum::Json(r.view()).into_response(),
        None => no_such_link(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteBody {
    outcome: Outcome,
}

async fn complete_link(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return no_such_link();
    };
    let body: CompleteBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("expected {{\"outcome\": \"pay\" | \"decline\" | \"cancel\"}}: {e}"),
                Some("outcome"),
            );
        }
    };
    match complete(&shared, id, body.outcome, CustomerInput::default()) {
        Ok(c) => axum::Json(c).into_response(),
        Err(CompleteError::NotFound) => {
            error(StatusCode::NOT_FOUND, "not_found", "no such link", None)
        }
        Err(e @ CompleteError::AlreadyCompleted(_)) => error(
            StatusCode::CONFLICT,
            "already_completed",
            e.to_string(),
            None,
        ),
        Err(e @ CompleteError::Invalid(_)) => error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            e.to_string(),
            None,
        ),
    }
}

async fn deliveries(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.store.lock().expect("store lock").deliveries()).into_response()
}

async fn redeliver(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return error(StatusCode::NOT_FOUND, "not_found", "no such delivery", None);
    };
    {
        let mut store = shared.store.lock().expect("store lock");
        let Some(d) = store.delivery_mut(&id) else {
            return error(StatusCode::NOT_FOUND, "not_found", "no such delivery", None);
        };
        if d.state == DeliveryState::Pending {
            return error(
                StatusCode::CONFLICT,
                "pending",
                "this delivery is still being attempted",
                None,
            );
        }
        d.state = DeliveryState::Pending;
        d.attempts.clear();
    }
    delivery::spawn(shared, id);
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({"id": id, "state": "pending"})),
    )
        .into_response()
}

async fn faults(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.store.lock().expect("store lock").faults()).into_response()
}

async fn add_fault(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let fault: Fault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("expected a fault like {{\"count\": 1, \"status\": 503}}: {e}"),
                None,
            );
        }
    };
    if let Some(status) = fault.status
        && !(200..=599).contains(&status)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "status must be 200..=599",
            Some("status"),
        );
    }
    if fault.count == 0 {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "count must be at least 1",
            Some("count"),
        );
    }
    let mut store = shared.store.lock().expect("store lock");
    if store.faults().len() >= MAX_PENDING_FAULTS {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_faults",
            format!(
                "at most {MAX_PENDING_FAULTS} faults can be pending; DELETE /__mock/faults first"
            ),
            None,
        );
    }
    store.push_fault(fault.clone());
    drop(store);
    (StatusCode::CREATED, axum::Json(fault)).into_response()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.store.lock().expect("store lock").clear_faults();
    StatusCode::NO_CONTENT
}

async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.store.lock().expect("store lock").reset();
    StatusCode::NO_CONTENT
}
