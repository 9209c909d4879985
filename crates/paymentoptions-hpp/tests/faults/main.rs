//! Fault injection against servers on 127.0.0.1: what the client does when the server is slow,
//! hangs up, lies about its body, sends too much, redirects, or speaks HTTP/2. Each case asserts
//! the exact [`Error`] it maps to. Faults an HTTP server cannot produce (a reset mid-body, a
//! body cut short of its `Content-Length`) are written byte by byte with [`RawServer`].
//!
//! `tests/http/` covers the plain cases (a slow head through the scripted server, a 307, a
//! 4 KiB body over a 1 KiB limit, truncated JSON through axum); this file covers the rest.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use paymentoptions_hpp::{
    Client, ClientBuilder, Currency, Error, LinkRequest, Money, RetryOn, RetryPolicy,
    TransportErrorKind,
};
use paymentoptions_hpp_testkit::{
    RawServer, Reply, TestServer, auth_header, fixture, reset, response_head,
};
use serde_json::json;
use tokio::io::AsyncWriteExt;

mod bodies;
mod protocol;
mod timeouts;

const KEY: &str = "faults-key-0123";
const PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;
const MIB: usize = 1024 * 1024;
const LINK_ID: &str = "f49173ce-4916-445c-a831-3c1468acf14e";

fn link_response() -> Vec<u8> {
    serde_json::to_vec(&fixture("hpp-link-response.json")).unwrap()
}

/// A client for `base_url` that never retries (tests that check retries set their own policy).
fn client_for(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
}

/// Retries everything retryable, quickly: to show what an opt-in would re-send.
fn transient_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_retry_on(RetryOn::Transient)
        .with_max_retries(2)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn request() -> LinkRequest {
    LinkRequest::builder()
        .amount(Money::from_major(1000, Currency::JPY).unwrap())
        .merchant_txn_ref("FAULTS-0001")
        .build()
        .unwrap()
}

fn transport_kind(err: &Error) -> TransportErrorKind {
    match err {
        Error::Transport(t) => t.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn attempts(err: &Error) -> u32 {
    match err {
        Error::Transport(t) => t.attempts(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn response_status(err: &Error) -> Option<u16> {
    match err {
        Error::Transport(t) => t.response_status(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// A server that reads the request and never answers: the response head never comes.
async fn silent_server() -> RawServer {
    RawServer::start(|_request, stream| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await
}
