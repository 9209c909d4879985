//! A scripted HTTP server on 127.0.0.1 for tests: it records every request (method, path,
//! headers, body) and answers with queued [`Reply`]s, so tests can check exactly what a client
//! sent and how it handles each kind of answer, without touching the network.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use paymentoptions_hpp_testkit::{Reply, TestServer};
//!
//! let server = TestServer::start().await;
//! server.push_reply(Reply::json(401, serde_json::json!({"message": "bad key"})));
//! // ... point a client at server.base_url() ...
//! assert!(server.requests().is_empty());
//! # }
//! ```
//!
//! For faults below HTTP (a connection reset mid-body, a body cut short of its
//! `Content-Length`, exact partial writes), [`RawServer`] hands the test the TCP socket itself.
//!
//! For HTTPS, [`TlsServer`] puts TLS in front of either, with a certificate from a
//! [`TestPki`] made at test time; [`ConnectProxy`] is an HTTP `CONNECT` proxy that records what
//! crosses it.
//!
//! [`fixture`] and its siblings read the workspace's `fixtures/`; [`json_api_headers`] and
//! [`operation_path`] build a request's auth headers and path from the spec.

mod fixtures;
pub mod oracle;
mod proxy;
mod raw;
mod spec;
mod tls;

pub use fixtures::{fixture, fixture_bytes, fixture_path};
pub use oracle::SchemaValidator;
pub use proxy::ConnectProxy;
pub use raw::{RawRequest, RawServer, reset, response_head};
pub use spec::{auth_header, json_api_headers, operation_path};
pub use tls::{TestPki, TlsServer};

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path and query, e.g. the spec's `api::GENERATE_HPP_LINK.path`.
    pub path: String,
    /// Headers in order, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
}

impl Recorded {
    /// Every value of header `name`.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The only value of header `name` (panics if it appears more than once).
    pub fn header(&self, name: &str) -> Option<&str> {
        let values = self.header_values(name);
        assert!(
            values.len() <= 1,
            "header {name} sent {} times",
            values.len()
        );
        values.first().copied()
    }

    /// Asserts that the request carries `key` in every auth header the spec's
    /// `securitySchemes` name, with its prefix (`Authorization: Basic <key>`, `x-api-key: <key>`).
    #[track_caller]
    pub fn assert_auth(&self, key: &str) {
        for (name, value) in paymentoptions_hpp_client::api::auth_header_values(key) {
            assert_eq!(
                self.header(name),
                Some(value.as_str()),
                "auth header {name}"
            );
        }
    }

    /// The body as JSON (panics if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

/// How the server answers one request.
#[derive(Clone, Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Wait this long before sending the headers.
    pub delay: Duration,
    /// Send the headers, then wait this long before the body.
    pub body_delay: Duration,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::raw(
            status,
            "application/json",
            serde_json::to_vec(&value).unwrap(),
        )
    }

    /// A reply with any content type and body.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
            body_delay: Duration::ZERO,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Sends the headers at once and the body after `delay`.
    pub fn body_delay(mut self, delay: Duration) -> Self {
        self.body_delay = delay;
        self
    }
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    replies: VecDeque<Reply>,
    default: Option<Reply>,
}

/// The server. It runs until dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts on an ephemeral port of 127.0.0.1, answering 200 with `{}` until told otherwise.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let shared = shared.clone();
            async move { handle(shared, req).await }
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { addr, state, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a reply for the next request (replies are used first in, first out).
    pub fn push_reply(&self, reply: Reply) {
        self.state.lock().unwrap().replies.push_back(reply);
    }

    /// The reply used when the queue is empty.
    pub fn set_default_reply(&self, reply: Reply) {
        self.state.lock().unwrap().default = Some(reply);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(state: Arc<Mutex<State>>, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
        version: format!("{:?}", parts.version),
    };
    let reply = {
        let mut s = state.lock().unwrap();
        s.requests.push(recorded);
        s.replies
            .pop_front()
            .or_else(|| s.default.clone())
            .unwrap_or_else(|| Reply::json(200, serde_json::json!({})))
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let body = if reply.body_delay.is_zero() {
        Body::from(reply.body)
    } else {
        let delay = reply.body_delay;
        let bytes = bytes::Bytes::from(reply.body);
        let stream = futures_util::stream::once(async move {
            tokio::time::sleep(delay).await;
            Ok::<_, std::io::Error>(bytes)
        });
        Body::from_stream(stream)
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    for (name, value) in reply.headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}

/// A port on 127.0.0.1 where nothing listens (bound, then released), for connection-refused tests.
pub fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
