//! Who may drive the sandbox. Its control API has no authentication, so a web page the
//! developer visits must not be able to reach it:
//!
//! - the `Host` must be the sandbox's own address (`127.0.0.1:<port>`, `localhost:<port>`, any
//!   IP literal with its port when it listens on an unspecified address) or `public_url`'s: a
//!   DNS name rebound to 127.0.0.1 carries its own name, and is refused;
//! - a request with an `Origin` must come from one of those addresses: a cross-origin form or
//!   `fetch` is refused;
//! - `POST`s under `/__mock/` must say `Content-Type: application/json`, which a cross-origin
//!   page cannot send without a CORS preflight (which the sandbox never grants);
//! - a request carrying the sandbox's own [`SENDER_HEADER`] (a notification it sent to itself
//!   by a name the delivery check did not recognise) is refused.
//!
//! The hosted page's own form posts from the page's origin, so it passes.

use axum::http::{Method, Request, header};
use axum::response::Response;

use crate::addresses::split_authority;
use crate::errors::ErrorCode;
use crate::state::Shared;
use paymentoptions_hpp_client::api as spec_api;

/// Whether `path` is under the API's operations (the prefix the spec's paths share), where
/// the spec's statuses apply.
fn on_api(path: &str) -> bool {
    static PREFIX: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let (a, b) = (
            spec_api::GENERATE_HPP_LINK.path,
            spec_api::GET_TRANSACTION_STATUS.path,
        );
        let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        a[..common].to_string()
    });
    path.starts_with(PREFIX.as_str())
}

/// The header every notification the sandbox sends carries, with
/// [`Shared::sender_id`](crate::state::Shared::sender_id).
pub(crate) const SENDER_HEADER: &str = "x-mock-sender";

/// The refusal of a request not meant for this sandbox, if it is one; checked before anything
/// else runs (see [`front`](crate::front)).
pub(crate) fn refusal<B>(shared: &Shared, request: &Request<B>) -> Option<Response> {
    let on_api = on_api(request.uri().path());
    // The API's spec declares 400 for a request it refuses; elsewhere 403 says it best (see
    // `ErrorCode::ForeignOrigin`).
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let own_host = host
        .and_then(split_authority)
        .is_some_and(|(h, p)| shared.own.is_own_authority(h, p));
    if !own_host {
        return Some(ErrorCode::UnknownHost.answer(
            "the Host header must be the sandbox's own address or its public_url \
             (other names are refused, against DNS rebinding)",
            None,
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let own_origin = origin
            .to_str()
            .ok()
            .and_then(|o| reqwest::Url::parse(o).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .and_then(|u| Some((u.host_str()?.to_string(), u.port_or_known_default()?)))
            .is_some_and(|(h, p)| shared.own.is_own_authority(&h, p));
        if !own_origin {
            return Some(
                ErrorCode::ForeignOrigin { api: on_api }
                    .answer("requests from other web origins are refused", None),
            );
        }
    }
    if headers
        .get(SENDER_HEADER)
        .is_some_and(|v| v.as_bytes() == shared.sender_id.as_bytes())
    {
        return Some(
            ErrorCode::SelfNotification { api: on_api }
                .answer("the sandbox does not notify itself", None),
        );
    }
    if request.method() == Method::POST
        && request.uri().path().starts_with("/__mock/")
        && !is_json(headers)
    {
        return Some(ErrorCode::UnsupportedMediaType.answer(
            "control API requests are sent as Content-Type: application/json",
            None,
        ));
    }
    None
}

/// `Content-Type: application/json` (parameters such as `charset` allowed).
pub(crate) fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notification that reaches the sandbox by a name `own_url` does not know carries the
    /// sandbox's own sender id, and is refused before any route runs.
    #[tokio::test]
    async fn a_request_carrying_the_own_sender_id_is_refused() {
        let mock = crate::MockServer::start().await.unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let reset = format!("{}/__mock/reset", mock.base_url());
        let refused = http
            .post(&reset)
            .header("content-type", "application/json")
            .header(SENDER_HEADER, mock.sender_id())
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        let other = http
            .post(&reset)
            .header("content-type", "application/json")
            .header(SENDER_HEADER, "another sandbox")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 204);
    }
}
