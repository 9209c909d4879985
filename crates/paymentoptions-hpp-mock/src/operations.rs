//! The transaction operations of the spec: status, capture, refund, void and the stored-card
//! payment. Each goes through what link creation does first (auth, then an injected fault,
//! then the body checked against the operation's request schema in the embedded spec), then
//! applies its rule to the store in one locked step (see [`crate::transactions`]).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use paymentoptions_hpp_client::api as spec_api;
use paymentoptions_hpp_client::types;
use serde_json::Value;

use crate::admission::{Received, admit, answered, invalid, json_body};
use crate::config::MockConfig;
use crate::errors::{ErrorCode, PathParam};
use crate::spec::{self, FieldError};
use crate::state::Shared;
use crate::store::Store;
use crate::transactions::{self, Refusal};

/// The status of an answer about an id the sandbox does not know (never made, evicted, or
/// not seen yet): the documented "not found", PaymentOptions' own choice being undocumented.
/// `po-hpp probe` compares the real API's answer with it.
pub(crate) const UNKNOWN_ID: StatusCode = ErrorCode::NotFound.status();

/// `body` as a JSON answer with `status`.
fn json_answer(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        )],
        serde_json::to_vec(body).expect("a JSON value serializes"),
    )
        .into_response()
}

/// The answer of an operation that creates a transaction: 201 with its envelope, or the
/// refusal's status.
fn answer(result: Result<Value, Refusal>) -> Response {
    match result {
        Ok(envelope) => json_answer(StatusCode::CREATED, &envelope),
        Err(Refusal::NotFound(message)) => ErrorCode::NotFound.answer(message, None),
        Err(Refusal::UnknownCard(message)) => {
            ErrorCode::InvalidCard.answer(message, Some("payment_method.stored_payment_method_id"))
        }
        Err(Refusal::State(code, message)) => code.answer(message, None),
        Err(Refusal::OverRefund { status, envelope }) => json_answer(
            StatusCode::from_u16(status).unwrap_or(StatusCode::PRECONDITION_FAILED),
            &envelope,
        ),
    }
}

/// `GET .../transaction/status/{transactionId}`: the transaction as stored; 404 for an unknown
/// one, and for the first [`MockConfig::unseen_status_reads`](crate::MockConfig::unseen_status_reads)
/// reads of each.
pub(crate) async fn status(
    State(shared): State<Arc<Shared>>,
    PathParam(id): PathParam,
    request: Request,
) -> Response {
    if let Err(answer) = admit(
        &shared,
        request.headers(),
        spec_api::GET_TRANSACTION_STATUS.id,
    )
    .await
    {
        return answer;
    }
    let params = spec_api::path_params::GET_TRANSACTION_STATUS;
    if let Some(refused) = invalid(&spec::path_parameter_errors(params, "transactionId", &id)) {
        return refused;
    }
    let unseen = shared.config.unseen_status_reads;
    let envelope = shared
        .store
        .lock()
        .expect("store lock")
        .transaction_mut(&id)
        .and_then(|t| {
            t.status_reads = t.status_reads.saturating_add(1);
            let seen = !crate::undocumented::still_unseen(t.status_reads, unseen);
            seen.then(|| t.envelope.clone())
        });
    let answer = match envelope {
        Some(envelope) => json_answer(StatusCode::OK, &envelope),
        None => ErrorCode::NotFound.answer(format!("no transaction {id}"), None),
    };
    answered(&shared, spec_api::GET_TRANSACTION_STATUS.id, answer).await
}

/// A money call's amount as the store counts it. The spec's `int64` bounds it (checked when
/// the body was read), so the model's `u64` always fits.
fn minor_units(amount: std::num::NonZeroU64) -> i64 {
    i64::try_from(amount.get()).unwrap_or(i64::MAX)
}

/// What the money operations do between reading the body and answering: `apply` their rule
/// to the store under its lock, in one step.
async fn transact<M: spec::RequestBody>(
    shared: &Shared,
    request: Request,
    operation: &str,
    apply: impl FnOnce(&mut Store, &MockConfig, M) -> Result<Value, Refusal>,
) -> Response {
    let body = match json_body::<M>(shared, request, operation).await {
        Ok(Received { model, .. }) => model,
        Err(answer) => return answer,
    };
    let result = apply(
        &mut shared.store.lock().expect("store lock"),
        &shared.config,
        body,
    );
    answered(shared, operation, answer(result)).await
}

/// `POST .../capture`.
pub(crate) async fn capture(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let operation = spec_api::CAPTURE_TRANSACTION.id;
    transact(
        &shared,
        request,
        operation,
        |store, config, body: types::CaptureRequest| {
            let amount = minor_units(body.amount);
            let after = config.status_after_change;
            transactions::capture(store, &body.transaction_id, amount, after)
        },
    )
    .await
}

/// `POST .../refund`.
pub(crate) async fn refund(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let operation = spec_api::REFUND_TRANSACTION.id;
    transact(
        &shared,
        request,
        operation,
        |store, config, body: types::RefundRequest| {
            let amount = minor_units(body.amount);
            let settings = (config.status_after_change, config.over_refund_status);
            transactions::refund(store, &body.transaction_id, amount, settings)
        },
    )
    .await
}

/// `POST .../void`.
pub(crate) async fn void(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let operation = spec_api::VOID_TRANSACTION.id;
    transact(
        &shared,
        request,
        operation,
        |store, config, body: types::VoidRequest| {
            transactions::void(store, &body.transaction_id, config.status_after_change)
        },
    )
    .await
}

/// `POST .../payment` (the stored-card form).
pub(crate) async fn pay_with_stored_card(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Response {
    let operation = spec_api::PAY_WITH_STORED_CARD.id;
    let body = match json_body::<types::StoredCardPaymentRequest>(&shared, request, operation).await
    {
        Ok(Received { model, .. }) => model,
        Err(answer) => return answer,
    };
    // The spec's pattern admits any run of digits; more than an amount can hold is refused
    // here, naming the field like the schema's rules do.
    let amount = body.amount.as_str();
    let Ok(amount) = amount.parse::<i64>() else {
        return invalid(&[FieldError {
            field: "amount".into(),
            message: format!(
                "\"{amount}\" is larger than the largest amount, {}",
                i64::MAX
            ),
        }])
        .expect("one problem");
    };
    let result = {
        let mut store = shared.store.lock().expect("store lock");
        transactions::pay_with_stored_card(&mut store, &body, amount)
    };
    answered(&shared, operation, answer(result)).await
}
