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

use std::net::{IpAddr, SocketAddr};

use axum::http::{Method, Request, StatusCode, header};
use axum::response::Response;

use crate::api::error;
use crate::server::Shared;
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

/// The header every notification the sandbox sends carries, with [`Shared::sender_id`].
pub(crate) const SENDER_HEADER: &str = "x-mock-sender";

/// The addresses the sandbox answers as.
pub(crate) struct OwnAddresses {
    addr: SocketAddr,
    /// `public_url`'s host (lower case) and port (explicit or the scheme's).
    public: Option<(String, u16)>,
}

impl OwnAddresses {
    pub(crate) fn new(addr: SocketAddr, public_url: Option<&str>) -> Self {
        let public = public_url
            .and_then(|u| reqwest::Url::parse(u).ok())
            .and_then(|u| {
                Some((
                    u.host_str()?.to_ascii_lowercase(),
                    u.port_or_known_default()?,
                ))
            });
        Self { addr, public }
    }

    /// `true` when a request for `host:port` is meant for this sandbox.
    pub(crate) fn is_own_authority(&self, host: &str, port: u16) -> bool {
        let host = host.to_ascii_lowercase();
        if self.public.as_ref() == Some(&(host.clone(), port)) {
            return true;
        }
        if port != self.addr.port() {
            return false;
        }
        if host == "localhost" {
            return true;
        }
        match parse_ip(&host) {
            Some(ip) => ip == self.addr.ip() || self.addr.ip().is_unspecified(),
            None => false,
        }
    }

    /// Why a notification to `url` would reach the sandbox itself, if it would.
    pub(crate) fn own_url(&self, url: &str) -> Option<String> {
        let url = reqwest::Url::parse(url).ok()?;
        let host = url.host_str()?.to_ascii_lowercase();
        let port = url.port_or_known_default()?;
        let local = host == "localhost"
            || parse_ip(&host)
                .is_some_and(|ip| ip.is_loopback() || ip.is_unspecified() || ip == self.addr.ip());
        let own = (local && port == self.addr.port())
            || self.public.as_ref() == Some(&(host.clone(), port));
        own.then(|| format!("{host}:{port} is the sandbox's own address"))
    }
}

/// `127.0.0.1` or `[::1]` (as a `Host` writes an IPv6 address).
fn parse_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// `host` and `port` of a `Host` header value (`port` defaults to 80: the sandbox speaks
/// plain HTTP).
fn split_authority(authority: &str) -> Option<(&str, u16)> {
    let authority = authority.trim();
    // `[::1]:8080`, `[::1]`, `host:8080`, `host`.
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => {
            (&authority[..i], authority[i + 1..].parse().ok()?)
        }
        _ => (authority, 80),
    };
    (!host.is_empty()).then_some((host, port))
}

/// The refusal of a request not meant for this sandbox, if it is one; checked before anything
/// else runs (see [`front`](crate::front)).
pub(crate) fn refusal<B>(shared: &Shared, request: &Request<B>) -> Option<Response> {
    let on_api = on_api(request.uri().path());
    // The API's spec declares 400 for a request it refuses; elsewhere 403 says it best.
    let forbidden = if on_api {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::FORBIDDEN
    };
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let own_host = host
        .and_then(split_authority)
        .is_some_and(|(h, p)| shared.own.is_own_authority(h, p));
    if !own_host {
        return Some(error(
            StatusCode::BAD_REQUEST,
            "unknown_host",
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
            return Some(error(
                forbidden,
                "foreign_origin",
                "requests from other web origins are refused",
                None,
            ));
        }
    }
    if headers
        .get(SENDER_HEADER)
        .is_some_and(|v| v.as_bytes() == shared.sender_id.as_bytes())
    {
        return Some(error(
            forbidden,
            "self_notification",
            "the sandbox does not notify itself",
            None,
        ));
    }
    if request.method() == Method::POST
        && request.uri().path().starts_with("/__mock/")
        && !is_json(headers)
    {
        return Some(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
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

    #[test]
    fn own_authorities() {
        let loopback = OwnAddresses::new(SocketAddr::from(([127, 0, 0, 1], 4000)), None);
        for (host, port, own) in [
            ("127.0.0.1", 4000, true),
            ("LOCALHOST", 4000, true),
            ("127.0.0.1", 4001, false),
            ("127.0.0.2", 4000, false),
            ("rebound.example", 4000, false),
        ] {
            assert_eq!(loopback.is_own_authority(host, port), own, "{host}:{port}");
        }
        let any = OwnAddresses::new(
            SocketAddr::from(([0, 0, 0, 0], 4000)),
            Some("https://Sandbox.Test/base"),
        );
        for (host, port, own) in [
            ("192.168.1.9", 4000, true),
            ("[::1]", 4000, true),
            ("sandbox.test", 443, true),
            ("sandbox.test", 4000, false),
            ("other.test", 4000, false),
        ] {
            assert_eq!(any.is_own_authority(host, port), own, "{host}:{port}");
        }
        assert_eq!(split_authority("[::1]:8080"), Some(("[::1]", 8080)));
        assert_eq!(split_authority("[::1]"), Some(("[::1]", 80)));
        assert_eq!(split_authority("h"), Some(("h", 80)));
        assert_eq!(split_authority("h:x"), None);
    }

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

    #[test]
    fn own_urls() {
        let own = OwnAddresses::new(
            SocketAddr::from(([127, 0, 0, 1], 4000)),
            Some("http://sandbox.test:8080"),
        );
        for url in [
            "http://127.0.0.1:4000/__mock/reset",
            "http://localhost:4000/x",
            "http://[::1]:4000/",
            "http://0.0.0.0:4000/",
            "http://sandbox.test:8080/__mock/reset",
        ] {
            assert!(own.own_url(url).is_some(), "{url}");
        }
        for url in [
            "http://127.0.0.1:4001/",
            "https://merchant.example/hook",
            "http://sandbox.test/",
        ] {
            assert_eq!(own.own_url(url), None, "{url}");
        }
    }
}
