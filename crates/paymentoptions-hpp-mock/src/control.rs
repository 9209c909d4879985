//! The control API, under `/__mock/` (a prefix the real API does not use). JSON in, JSON out.
//!
//! | method and path | what it does |
//! | --- | --- |
//! | `GET /__mock/links?offset=0&limit=100` | links held, oldest first ([`LinkView`](crate::LinkView)), one page at a time (see below) |
//! | `GET /__mock/links/{id}` | one link, with its transactions |
//! | `POST /__mock/links/{id}/complete` | `{"outcome": "pay" \| "decline" \| "cancel"}` (or the state names `"paid"`, `"declined"`, `"cancelled"`), and optionally `"capture": false` to pay as a pre-authorisation only (`PRE_AUTH`; the default is [`MockConfig::authorise_only`](crate::MockConfig::authorise_only)): complete it without a browser ([`Completion`](crate::Completion)) |
//! | `GET /__mock/transactions?offset=0&limit=100` | transactions held, oldest first ([`TransactionView`](crate::TransactionView): balances and the envelope the status call answers), one page at a time |
//! | `GET /__mock/transactions/{id}` | one transaction |
//! | `GET /__mock/deliveries?offset=0&limit=100` | notification deliveries with their attempts ([`DeliveryView`](crate::DeliveryView)), one page at a time |
//! | `POST /__mock/deliveries/{id}/redeliver` | send a notification again, delivered or failed: the same body to the same URL, a new round of attempts recorded after the earlier ones (202 `{"id": ..., "state": "pending"}`; 404 unknown, 409 while its attempts are still being made); see [`MockServer::redeliver`](crate::MockServer::redeliver) |
//! | `GET /__mock/faults` | faults still pending |
//! | `POST /__mock/faults` | `{"count": 2, "status": 503, "delay_ms": 100, "drop_connection": false, "operation": "refund_transaction", "when": "after"}` ([`Fault`]): for the next `count` API calls (of `operation` only, when given); `"when": "after"` lets each call take effect and then fails its answer ([`FaultPhase`]) |
//! | `DELETE /__mock/faults` | clear pending faults |
//! | `POST /__mock/reset` | forget every link, transaction, delivery and fault |
//!
//! `POST`s must say `Content-Type: application/json`, even without a body (see the crate's
//! `guard` rules: this is what keeps other web pages out).
//!
//! Listings are paged, so that one request cannot make the sandbox build a body of every link
//! it holds: `limit` defaults to [`DEFAULT_PAGE`] and is at most [`MAX_PAGE`]. The body is a
//! JSON array; the `X-Total-Count` header says how many are held, and a `Link` header with
//! `rel="next"` gives the next page while there is one.

use std::sync::Arc;

use axum::Router;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::completion::{CompleteError, CustomerInput, complete};
use crate::delivery;
use crate::errors::{ErrorCode, PathParam};
use crate::faults::Fault;
use crate::faults::FaultPhase;
use crate::redelivery::RedeliverError;
use crate::state::Shared;
use crate::store::{CustomerAction, Store};

/// Pending faults are bounded like everything else the sandbox keeps.
const MAX_PENDING_FAULTS: usize = 1024;

/// Items in a listing page when the request names no `limit`.
pub const DEFAULT_PAGE: usize = 100;
/// The largest `limit` a listing page accepts.
pub const MAX_PAGE: usize = 1000;

/// `?offset=&limit=` of a listing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

impl Page {
    /// `(offset, limit)`, or why the query is refused.
    fn read(
        query: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
    ) -> Result<(usize, usize), String> {
        let Query(page) = query.map_err(|e| e.body_text())?;
        match page.limit {
            None => Ok((page.offset, DEFAULT_PAGE)),
            Some(n @ 1..=MAX_PAGE) => Ok((page.offset, n)),
            Some(n) => Err(format!("limit {n} is not in 1..={MAX_PAGE}")),
        }
    }
}

/// `items` (a JSON array) with `X-Total-Count` and, when more follow, a `Link` to them.
fn page_response(
    route: &str,
    items: Vec<u8>,
    offset: usize,
    limit: usize,
    total: usize,
) -> Response {
    let mut response = (
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        )],
        items,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert("x-total-count", total.into());
    let next = offset.saturating_add(limit);
    if next < total
        && let Ok(link) = header::HeaderValue::from_str(&format!(
            "</__mock/{route}?offset={next}&limit={limit}>; rel=\"next\""
        ))
    {
        headers.insert(header::LINK, link);
    }
    response
}

/// A refused listing query.
fn bad_query(message: impl std::fmt::Display) -> Response {
    ErrorCode::InvalidRequest.answer(
        format!("expected ?offset=<n>&limit=<1..={MAX_PAGE}>: {message}"),
        None,
    )
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/links", get(links))
        .route("/links/{id}", get(link))
        .route("/links/{id}/complete", post(complete_link))
        .route("/transactions", get(transactions))
        .route("/transactions/{id}", get(transaction))
        .route("/deliveries", get(deliveries))
        .route("/deliveries/{id}/redeliver", post(redeliver))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/reset", post(reset))
}

/// A page of a listing: one listing at a time (a page can be megabytes, and parallel ones only
/// add memory), `take` snapshots the page under the store lock, and `write` parses and writes it
/// after the lock is released, on a blocking thread, so that creates wait neither for the lock
/// nor for an async worker.
async fn listing<T: Send + 'static>(
    shared: &Shared,
    page: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
    name: &'static str,
    take: impl FnOnce(&Store, usize, usize) -> (usize, T),
    write: impl FnOnce(T) -> serde_json::Result<Vec<u8>> + Send + 'static,
) -> Response {
    let (offset, limit) = match Page::read(page) {
        Ok(p) => p,
        Err(m) => return bad_query(m),
    };
    let Ok(_turn) = shared.listing.acquire().await else {
        return ErrorCode::Stopping.answer("the sandbox is stopping", None);
    };
    let (total, items) = take(&shared.store.lock().expect("store lock"), offset, limit);
    match tokio::task::spawn_blocking(move || write(items)).await {
        Ok(Ok(raw)) => page_response(name, raw, offset, limit, total),
        _ => ErrorCode::Internal.answer("the listing could not be written", None),
    }
}

async fn links(
    State(shared): State<Arc<Shared>>,
    page: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
) -> Response {
    listing(
        &shared,
        page,
        "links",
        |store, offset, limit| (store.link_count(), store.link_snapshots(offset, limit)),
        |snapshots| {
            let views: Vec<_> = snapshots
                .into_iter()
                .map(crate::store::LinkSnapshot::view)
                .collect();
            serde_json::to_vec(&views)
        },
    )
    .await
}

fn no_such_link() -> Response {
    ErrorCode::NotFound.answer("no such link", None)
}

async fn link(State(shared): State<Arc<Shared>>, PathParam(id): PathParam) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return no_such_link();
    };
    let snapshot = {
        let store = shared.store.lock().expect("store lock");
        store.link(&id).map(|l| l.snapshot(&store))
    };
    match snapshot {
        Some(s) => axum::Json(s.view()).into_response(),
        None => no_such_link(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteBody {
    outcome: CustomerAction,
    /// `false`: authorise only (`PRE_AUTH`); absent: as the configuration says.
    capture: Option<bool>,
}

async fn complete_link(
    State(shared): State<Arc<Shared>>,
    PathParam(id): PathParam,
    body: axum::body::Bytes,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return no_such_link();
    };
    let body: CompleteBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return ErrorCode::InvalidRequest.answer(
                format!(
                    "expected {{\"outcome\": \"pay\" | \"decline\" | \"cancel\", \
                     \"capture\": true | false}}: {e}"
                ),
                Some("outcome"),
            );
        }
    };
    let authorise_only = body
        .capture
        .map_or(shared.config.authorise_only, |capture| !capture);
    match complete(
        &shared,
        id,
        body.outcome,
        CustomerInput::default(),
        authorise_only,
    ) {
        Ok(c) => axum::Json(c).into_response(),
        Err(CompleteError::NotFound) => ErrorCode::NotFound.answer("no such link", None),
        Err(e @ CompleteError::AlreadyCompleted(_)) => {
            ErrorCode::AlreadyCompleted.answer(e.to_string(), None)
        }
        Err(e @ CompleteError::Invalid(_)) => ErrorCode::InvalidRequest.answer(e.to_string(), None),
    }
}

async fn transactions(
    State(shared): State<Arc<Shared>>,
    page: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
) -> Response {
    listing(
        &shared,
        page,
        "transactions",
        |store, offset, limit| {
            (
                store.transaction_count(),
                store.transaction_records(offset, limit),
            )
        },
        |records| {
            let views: Vec<_> = records
                .into_iter()
                .map(crate::transactions::TransactionRecord::view)
                .collect();
            serde_json::to_vec(&views)
        },
    )
    .await
}

async fn transaction(State(shared): State<Arc<Shared>>, PathParam(id): PathParam) -> Response {
    let record = shared
        .store
        .lock()
        .expect("store lock")
        .transaction(&id)
        .cloned();
    match record {
        Some(r) => axum::Json(r.view()).into_response(),
        None => ErrorCode::NotFound.answer("no such transaction", None),
    }
}

async fn deliveries(
    State(shared): State<Arc<Shared>>,
    page: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
) -> Response {
    listing(
        &shared,
        page,
        "deliveries",
        |store, offset, limit| (store.delivery_count(), store.deliveries(offset, limit)),
        |items| serde_json::to_vec(&items.iter().map(|d| &**d).collect::<Vec<_>>()),
    )
    .await
}

async fn redeliver(State(shared): State<Arc<Shared>>, PathParam(id): PathParam) -> Response {
    let started = match id.parse::<Uuid>() {
        Ok(id) => crate::redelivery::begin(&mut shared.store.lock().expect("store lock"), &id)
            .map(|()| id),
        Err(_) => Err(RedeliverError::NotFound),
    };
    match started {
        Ok(id) => {
            delivery::spawn(shared, id);
            (
                StatusCode::ACCEPTED,
                axum::Json(json!({"id": id, "state": "pending"})),
            )
                .into_response()
        }
        Err(e @ RedeliverError::NotFound) => ErrorCode::NotFound.answer(e.to_string(), None),
        Err(e @ RedeliverError::Pending) => ErrorCode::Pending.answer(e.to_string(), None),
    }
}

async fn faults(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.store.lock().expect("store lock").faults()).into_response()
}

async fn add_fault(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    // Whole numbers only, named: `{"count": 1.0}` is refused like `5.0` as an amount is.
    if let Ok(serde_json::Value::Object(members)) = serde_json::from_slice(&body)
        && let Some((name, value)) = members.iter().find(|(_, v)| v.is_f64())
    {
        return ErrorCode::InvalidRequest.answer(
            format!("{name}: {value} is not an integer: write it without a fraction or exponent"),
            Some(name),
        );
    }
    if let Ok(serde_json::Value::Object(members)) = serde_json::from_slice(&body)
        && let Some(when) = members.get("when")
        && serde_json::from_value::<FaultPhase>(when.clone()).is_err()
    {
        return ErrorCode::InvalidRequest.answer(
            format!("when: {when} is not \"before\" (the default) or \"after\""),
            Some("when"),
        );
    }
    let fault: Fault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return ErrorCode::InvalidRequest.answer(
                format!("expected a fault like {{\"count\": 1, \"status\": 503}}: {e}"),
                None,
            );
        }
    };
    if let Some(status) = fault.status
        && !(200..=599).contains(&status)
    {
        return ErrorCode::InvalidRequest.answer("status must be 200..=599", Some("status"));
    }
    if let Some(operation) = &fault.operation
        && !paymentoptions_hpp_client::api::OPERATIONS
            .iter()
            .any(|o| o.id == operation)
    {
        let known: Vec<&str> = paymentoptions_hpp_client::api::OPERATIONS
            .iter()
            .map(|o| o.id)
            .collect();
        return ErrorCode::InvalidRequest.answer(
            format!(
                "operation {operation:?} is not one of the API's: {}",
                known.join(", ")
            ),
            Some("operation"),
        );
    }
    if fault.count == 0 {
        return ErrorCode::InvalidRequest.answer("count must be at least 1", Some("count"));
    }
    let mut store = shared.store.lock().expect("store lock");
    if store.faults().len() >= MAX_PENDING_FAULTS {
        return ErrorCode::TooManyFaults.answer(
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
