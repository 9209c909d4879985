//! A raw TCP server on 127.0.0.1 for faults a well-behaved HTTP server cannot produce: a head
//! that never comes, a body cut short of its `Content-Length`, a connection reset mid-body,
//! exact partial writes.
//!
//! For each connection it reads **one** HTTP/1.1 request (the head, then `Content-Length` body
//! bytes), records it, and hands the socket to the test's handler, which writes whatever bytes
//! it likes. The connection closes when the handler returns (with [`reset`], by a TCP reset
//! instead of an orderly close). A handler that writes a whole response should send
//! `connection: close` (see [`response_head`]), so that the client does not try to reuse a
//! connection the server is about to close.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use paymentoptions_hpp_testkit::{RawServer, response_head};
//! use tokio::io::AsyncWriteExt;
//!
//! // Promise 100 bytes, send 5, hang up.
//! let server = RawServer::start(|_request, mut stream| async move {
//!     let head = response_head(200, &[("content-type", "application/json"), ("content-length", "100")]);
//!     let _ = stream.write_all(&head).await;
//!     let _ = stream.write_all(b"{\"id\"").await;
//! })
//! .await;
//! // ... point a client at server.base_url() ...
//! assert!(server.requests().is_empty());
//! # }
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Requests with a longer head are recorded as they are and handed over unfinished.
const MAX_HEAD: usize = 64 * 1024;

/// One request as [`RawServer`] read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// The request line and headers, as sent (without the blank line that ends them).
    pub head: String,
    /// The body: `Content-Length` bytes (empty without that header; chunked bodies are not read).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The request line, e.g. `POST /api/v1/... HTTP/1.1`.
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// The server. It runs until dropped; dropping it also ends every handler still running.
pub struct RawServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Starts on an ephemeral port of 127.0.0.1. `handler` is called once per connection, after
    /// the request was read, with the request and the socket.
    pub async fn start<F, Fut>(handler: F) -> Self
    where
        F: Fn(RawRequest, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let handler = Arc::new(handler);
        let task = tokio::spawn(async move {
            // Owned here, so that aborting this task drops (ends) every connection's handler.
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                while connections.try_join_next().is_some() {}
                let handler = handler.clone();
                let recorded = recorded.clone();
                connections.spawn(async move {
                    let Some(request) = read_request(&mut stream).await else {
                        return; // closed before a whole head arrived
                    };
                    recorded.lock().unwrap().push(request.clone());
                    handler(request, stream).await;
                });
            }
        });
        Self {
            addr,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request read so far (one per connection).
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `HTTP/1.1 <status> <reason>`, the given headers and `connection: close`, ending with the
/// blank line: write the body (or part of it) after it.
pub fn response_head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let reason = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("connection: close\r\n\r\n");
    head.into_bytes()
}

/// Closes the connection with a TCP reset (RST, `SO_LINGER` 0) rather than an orderly close
/// (FIN): the peer's next read fails with "connection reset".
pub fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// Reads one request: the head up to the blank line, then `Content-Length` body bytes.
async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            break buf.len();
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut request = RawRequest {
        head: String::from_utf8_lossy(&buf[..head_end]).into_owned(),
        body: buf.get(head_end + 4..).unwrap_or_default().to_vec(),
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while request.body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => request.body.extend_from_slice(&chunk[..n]),
        }
    }
    Some(request)
}
