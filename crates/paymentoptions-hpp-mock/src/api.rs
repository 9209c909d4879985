//! The link-creation endpoint, as the spec describes it, what every API operation does
//! first (auth, injected faults, the JSON body checked against the spec), and the JSON errors
//! of the sandbox.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::Extension;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use paymentoptions_hpp_client::api as spec_api;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::echo::{LinkResponse, echoed_fields};
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

/// The spec's operations the sandbox serves: those a [`Fault`](crate::Fault) can name.
pub(crate) const OPERATIONS: [spec_api::Operation; 6] = [
    spec_api::GENERATE_HPP_LINK,
    spec_api::GET_TRANSACTION_STATUS,
    spec_api::CAPTURE_TRANSACTION,
    spec_api::REFUND_TRANSACTION,
    spec_api::VOID_TRANSACTION,
    spec_api::PAY_WITH_STORED_CARD,
];

/// What every API operation does first: the keys, then an injected fault for `operation` (an
/// `operationId`). Auth first: an injected fault stands for the server failing a request it
/// accepted. `Err` is the answer to send instead.
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
        .take_fault(operation);
    if let Some(fault) = &fault {
        if fault.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
        }
        if fault.drop_connection {
            return Err(dropped_connection());
        }
        if let Some(status) = fault.status {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Err(error(
                status,
                "injected_fault",
                "fault injected through /__mock/faults",
                None,
            ));
        }
    }
    Ok(())
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
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        )],
        response,
    )
        .into_response()
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
