//! The link-creation endpoint, as the spec describes it, what every API operation does
//! first (auth, injected faults, the JSON body checked against the spec), and the JSON errors
//! of the sandbox.

use std::sync::{Arc, LazyLock};

use axum::Extension;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use paymentoptions_hpp_client::api as spec_api;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::echo::{LinkResponse, echoed_fields};
use crate::faults::FaultPhase;
use crate::server::Shared;
use crate::spec::{FieldError, RequestValidator};
use crate::store::{LinkRecord, LinkState};

/// A JSON error in the spec's `ErrorBody` shape (`message`, `code`, and `field` when known).
pub(crate) fn error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    field: Option<&str>,
) -> Response {
    let mut body = json!({"message": message.into(), "code": code});
    if let Some(field) = field {
        body["field"] = json!(field);
    }
    (status, axum::Json(body)).into_response()
}

pub(crate) async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such endpoint", None)
}

pub(crate) async fn method_not_allowed() -> Response {
    only(axum::http::Method::POST)
}

pub(crate) async fn method_not_allowed_get() -> Response {
    only(axum::http::Method::GET)
}

fn only(method: axum::http::Method) -> Response {
    let mut r = error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("this endpoint only accepts {method}"),
        None,
    );
    if let Ok(allow) = header::HeaderValue::from_str(method.as_str()) {
        r.headers_mut().insert(header::ALLOW, allow);
    }
    r
}

/// What every API operation does first: the keys, then an injected fault for before
/// `operation` (an `operationId`). Auth first: an injected fault stands for the server failing a
/// request it accepted. `Err` is the answer to send instead.
pub(crate) async fn admit(
    shared: &Shared,
    headers: &HeaderMap,
    operation: &str,
) -> Result<(), Response> {
    if let Err(reason) = check_auth(shared, headers) {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            reason,
            None,
        ));
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

/// An API operation's JSON body, after [`admit`]: `application/json`, within the size limit,
/// JSON, and valid against the operation's request schema. `Err` is the answer to send
/// instead.
pub(crate) async fn json_body(
    shared: &Shared,
    request: Request,
    operation: &str,
    validator: &RequestValidator,
) -> Result<(Value, bytes::Bytes), Response> {
    // The headers by reference: axum's `HeaderMap` extractor would clone them.
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    admit(shared, headers, operation).await?;
    let is_json = crate::guard::is_json(headers);
    if !is_json {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as Content-Type: application/json",
            None,
        ));
    }
    let limit = shared.config.max_body_bytes;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {limit} bytes"),
            None,
        ));
    };
    let request: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {e}"),
                None,
            ));
        }
    };
    invalid(&validator.errors(&request)).map_or(Ok((request, bytes)), Err)
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
    Some(error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        message,
        Some(&first.field),
    ))
}

/// The link-creation body's validator. Compiling it reads the whole embedded spec, and it never
/// changes: every sandbox of the process shares one (like the operations' validators), so that
/// a test starting its own sandbox does not pay for it again.
fn link_validator() -> &'static RequestValidator {
    static VALIDATOR: LazyLock<RequestValidator> =
        LazyLock::new(RequestValidator::hpp_link_request);
    &VALIDATOR
}

/// `POST /api/v1/server-to-server-interface/hpp/generate/link`.
pub(crate) async fn create_link(
    Extension(shared): Extension<Arc<Shared>>,
    request: Request,
) -> Response {
    let operation = spec_api::GENERATE_HPP_LINK.id;
    let (request, bytes) = match json_body(&shared, request, operation, link_validator()).await {
        Ok(accepted) => accepted,
        Err(answer) => return answer,
    };

    let id = link_id();
    let token = token();
    let url = format!("{}/HostedPaymentPage/{token}", shared.public_url);
    // Echo what the real API echoes: every request field the response schema knows.
    let response = LinkResponse {
        id,
        url: &url,
        request: &request,
        fields: echoed_fields(),
    }
    .to_vec(bytes.len() + url.len() + 64);
    let link = LinkRecord {
        id,
        url,
        token,
        state: LinkState::Open,
        created_at: chrono::Utc::now(),
        // A copy: the received `Bytes` can be a view of hyper's read buffer, which it would pin.
        body: std::sync::Arc::from(&bytes[..]),
        transaction: None,
        transactions: Vec::new(),
    };
    shared.store.lock().expect("store lock").insert_link(link);
    tracing::debug!(link = %id, "link created");
    let answer = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        )],
        response,
    )
        .into_response();
    answered(&shared, operation, answer).await
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

/// A random (version 4) link id. From `fastrand`, like the page token (which is what grants
/// access to the page): `Uuid::new_v4` makes a `getrandom` system call per link.
fn link_id() -> Uuid {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
}

/// A random 8-character page token, like the real hosted page's.
fn token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..8)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_ids_are_random_v4_uuids() {
        let ids: std::collections::HashSet<Uuid> = (0..1000).map(|_| link_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids {
            assert_eq!(id.get_version(), Some(uuid::Version::Random));
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        }
    }
}
