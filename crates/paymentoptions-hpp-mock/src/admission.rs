//! What every API operation does first, and last: the keys, an injected fault for before
//! the operation, the JSON body checked against the operation's request schema ([`admit`],
//! [`json_body`]); an injected fault for after it ([`answered`]).

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use crate::errors::ErrorCode;
use crate::faults::FaultPhase;
use crate::spec::{self, FieldError, RequestBody};
use crate::state::Shared;

/// What every API operation does first: the keys, then an injected fault for before
/// `operation` (an `operationId`). Auth first: an injected fault stands for the server failing a
/// request it accepted. `Err` is the answer to send instead.
pub(crate) async fn admit(
    shared: &Shared,
    headers: &HeaderMap,
    operation: &str,
) -> Result<(), Response> {
    if let Err(reason) = check_auth(shared, headers) {
        return Err(ErrorCode::Unauthorized.answer(reason, None));
    }
    let fault = shared
        .store
        .lock()
        .expect("store lock")
        .take_fault(operation, FaultPhase::Before);
    match fault {
        Some(fault) => crate::faults::strike(&fault).await.map_or(Ok(()), Err),
        None => Ok(()),
    }
}

/// What every API operation that got past [`admit`] and its body's checks does last: `answer`,
/// unless a fault for after the operation (an `operationId`) strikes it. The operation has
/// taken effect by then, whatever the client receives.
pub(crate) async fn answered(shared: &Shared, operation: &str, answer: Response) -> Response {
    let fault = shared
        .store
        .lock()
        .expect("store lock")
        .take_fault(operation, FaultPhase::After);
    crate::faults::after(fault, answer).await
}

/// A request body the spec's rules admit: the generated model, and the JSON and bytes it was
/// read from (the link keeps its bytes, and echoes its JSON).
pub(crate) struct Received<M> {
    pub(crate) model: M,
    pub(crate) json: Value,
    pub(crate) bytes: bytes::Bytes,
}

/// An API operation's JSON body, after [`admit`]: `application/json`, within the size limit,
/// JSON, keeping the rules of the operation's request schema and decoded into its model
/// ([`spec::read`]). `Err` is the answer to send instead.
pub(crate) async fn json_body<M: RequestBody>(
    shared: &Shared,
    request: Request,
    operation: &str,
) -> Result<Received<M>, Response> {
    // The headers by reference: axum's `HeaderMap` extractor would clone them.
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    admit(shared, headers, operation).await?;
    let is_json = crate::guard::is_json(headers);
    if !is_json {
        return Err(ErrorCode::UnsupportedMediaType
            .answer("send the body as Content-Type: application/json", None));
    }
    // The front door read the body whole, within `max_body_bytes` (see `body.rs`): this only
    // takes the bytes it holds.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Err(ErrorCode::Internal.answer("the body could not be read", None));
    };
    let json: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            return Err(
                ErrorCode::MalformedJson.answer(format!("the body is not valid JSON: {e}"), None)
            );
        }
    };
    match spec::read::<M>(&json) {
        Ok(model) => Ok(Received { model, json, bytes }),
        Err(problems) => Err(invalid(&problems).expect("a refusal names a problem")),
    }
}

/// 400 `invalid_request` naming every broken rule, when there is one.
pub(crate) fn invalid(problems: &[FieldError]) -> Option<Response> {
    let first = problems.first()?;
    let message = problems
        .iter()
        .map(|p| {
            if p.field.is_empty() {
                p.message.clone()
            } else {
                format!("{}: {}", p.field, p.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(ErrorCode::InvalidRequest.answer(message, Some(&first.field)))
}

/// `Err` with the reason when an auth header of the spec's `securitySchemes` is missing,
/// malformed or carries an unknown key.
fn check_auth(shared: &Shared, headers: &HeaderMap) -> Result<(), String> {
    let keys = &shared.config.api_keys;
    for auth in paymentoptions_hpp_client::api::AUTH_HEADERS {
        let expected = format!("`{}<api key>`", auth.prefix);
        let value = headers
            .get(auth.header)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .ok_or_else(|| {
                format!(
                    "the {} header is missing (expected {expected})",
                    auth.header
                )
            })?;
        let key = value
            .strip_prefix(auth.prefix)
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| format!("the {} header must be {expected}", auth.header))?;
        if !keys.is_empty() && !keys.iter().any(|known| known == key) {
            return Err("unknown API key".into());
        }
    }
    Ok(())
}
