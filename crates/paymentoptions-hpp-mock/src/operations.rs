//! The transaction operations of the spec: status, capture, refund, void and the stored-card
//! payment. Each goes through what link creation does first (auth, then an injected fault,
//! then the body checked against the operation's request schema in the embedded spec), then
//! applies its rule to the store in one locked step (see [`crate::transactions`]).

use std::sync::{Arc, LazyLock};

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use paymentoptions_hpp_client::api as spec_api;
use serde_json::{Value, json};

use crate::admission::{admit, answered, invalid, json_body};
use crate::errors::{ErrorCode, PathParam};
use crate::spec::{FieldError, RequestValidator};
use crate::state::Shared;
use crate::transactions::{self, Refusal};

/// The validators of the operations, compiled once per process: they only read the embedded
/// spec.
struct Validators {
    status_id: RequestValidator,
    capture: RequestValidator,
    refund: RequestValidator,
    void: RequestValidator,
    payment: RequestValidator,
}

static VALIDATORS: LazyLock<Validators> = LazyLock::new(|| Validators {
    status_id: RequestValidator::for_path_parameter(
        spec_api::GET_TRANSACTION_STATUS,
        "transactionId",
    ),
    capture: RequestValidator::for_operation(spec_api::CAPTURE_TRANSACTION),
    refund: RequestValidator::for_operation(spec_api::REFUND_TRANSACTION),
    void: RequestValidator::for_operation(spec_api::VOID_TRANSACTION),
    payment: RequestValidator::for_operation(spec_api::PAY_WITH_STORED_CARD),
});

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
    if let Some(refused) = invalid(&VALIDATORS.status_id.errors(&json!({"transactionId": id}))) {
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

/// The members every body of these operations has once validated.
fn id_and_amount(body: &Value) -> (&str, Option<i64>) {
    (
        body["transactionId"].as_str().unwrap_or_default(),
        body.get("amount").and_then(Value::as_i64),
    )
}

/// `POST .../capture`.
pub(crate) async fn capture(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let operation = spec_api::CAPTURE_TRANSACTION.id;
    let body = match json_body(&shared, request, operation, &VALIDATORS.capture).await {
        Ok((body, _)) => body,
        Err(answer) => return answer,
    };
    let (id, amount) = id_and_amount(&body);
    let result = {
        let mut store = shared.store.lock().expect("store lock");
        let after = shared.config.status_after_change;
        transactions::capture(&mut store, id, amount.unwrap_or_default(), after)
    };
    answered(&shared, operation, answer(result)).await
}

/// `POST .../refund`.
pub(crate) async fn refund(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let operation = spec_api::REFUND_TRANSACTION.id;
    let body = match json_body(&shared, request, operation, &VALIDATORS.refund).await {
        Ok((body, _)) => body,
        Err(answer) => return answer,
    };
    let (id, amount) = id_and_amount(&body);
    let result = {
        let mut store = shared.store.lock().expect("store lock");
        let settings = (
            shared.config.status_after_change,
            shared.config.over_refund_status,
        );
        transactions::refund(&mut store, id, amount.unwrap_or_default(), settings)
    };
    answered(&shared, operation, answer(result)).await
}

/// `POST .../void`.
pub(crate) async fn void(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let operation = spec_api::VOID_TRANSACTION.id;
    let body = match json_body(&shared, request, operation, &VALIDATORS.void).await {
        Ok((body, _)) => body,
        Err(answer) => return answer,
    };
    let (id, _) = id_and_amount(&body);
    let result = {
        let mut store = shared.store.lock().expect("store lock");
        transactions::void(&mut store, id, shared.config.status_after_change)
    };
    answered(&shared, operation, answer(result)).await
}

/// `POST .../payment` (the stored-card form).
pub(crate) async fn pay_with_stored_card(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Response {
    let operation = spec_api::PAY_WITH_STORED_CARD.id;
    let body = match json_body(&shared, request, operation, &VALIDATORS.payment).await {
        Ok((body, _)) => body,
        Err(answer) => return answer,
    };
    // The spec's pattern admits any run of digits; more than an amount can hold is refused
    // here, naming the field like the schema's rules do.
    let amount = body["amount"].as_str().unwrap_or_default();
    if amount.parse::<i64>().is_err() {
        return invalid(&[FieldError {
            field: "amount".into(),
            message: format!(
                "\"{amount}\" is larger than the largest amount, {}",
                i64::MAX
            ),
        }])
        .expect("one problem");
    }
    let result = {
        let mut store = shared.store.lock().expect("store lock");
        transactions::pay_with_stored_card(&mut store, &body)
    };
    answered(&shared, operation, answer(result)).await
}
