//! An HTTP `CONNECT` proxy on 127.0.0.1 that records what crosses it: each `CONNECT` request's
//! head, and every byte the client sent through the tunnel. A test can then check where a
//! client asked to go and that nothing secret crossed the proxy in clear.
//!
//! It tunnels only to loopback hosts (tests never reach the network); any other target, or a
//! method other than `CONNECT`, is answered 403 and recorded all the same.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use paymentoptions_hpp_testkit::ConnectProxy;
//!
//! let proxy = ConnectProxy::start().await;
//! // ... configure the client's proxy as proxy.url() ...
//! assert!(proxy.requests().is_empty());
//! assert!(proxy.client_bytes().is_empty());
//! # }
//! ```

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::RawRequest;

/// Longest request head read; a longer one is refused.
const MAX_HEAD: usize = 16 * 1024;

#[derive(Default)]
struct Seen {
    requests: Vec<RawRequest>,
    client_bytes: Vec<u8>,
}

/// The proxy. It runs until dropped.
pub struct ConnectProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

impl ConnectProxy {
    /// Starts on an ephemeral port of 127.0.0.1.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = seen.clone();
        let task = tokio::spawn(async move {
            let mut tunnels = tokio::task::JoinSet::new();
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                while tunnels.try_join_next().is_some() {}
                tunnels.spawn(tunnel(client, shared.clone()));
            }
        });
        Self { addr, seen, task }
    }

    /// `http://127.0.0.1:<port>`, for a client's proxy setting.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request head received (one per connection), `CONNECT` or not.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.seen.lock().unwrap().requests.clone()
    }

    /// Every byte clients sent, request heads and tunnelled bytes alike, in arrival order.
    pub fn client_bytes(&self) -> Vec<u8> {
        self.seen.lock().unwrap().client_bytes.clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn tunnel(mut client: TcpStream, seen: Arc<Mutex<Seen>>) {
    let Some(head) = read_head(&mut client, &seen).await else {
        return;
    };
    let request = RawRequest {
        head,
        body: Vec::new(),
    };
    let target = connect_target(request.request_line());
    seen.lock().unwrap().requests.push(request);
    let upstream = match target {
        Some(target) => TcpStream::connect(target).await.ok(),
        None => None,
    };
    let Some(upstream) = upstream else {
        let _ = client
            .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    let downstream = async move {
        let _ = tokio::io::copy(&mut upstream_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    };
    let upstream = async move {
        let mut buf = [0u8; 8192];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            seen.lock()
                .unwrap()
                .client_bytes
                .extend_from_slice(&buf[..n]);
            if upstream_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = upstream_write.shutdown().await;
    };
    tokio::join!(downstream, upstream);
}

/// Reads up to the blank line ending the head (a `CONNECT` has no body, and its client waits
/// for the answer before sending more), recording the bytes.
async fn read_head(client: &mut TcpStream, seen: &Mutex<Seen>) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte: nothing past the head may be swallowed before the tunnel opens.
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_HEAD || client.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    seen.lock().unwrap().client_bytes.extend_from_slice(&head);
    head.truncate(head.len() - 4);
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// `host:port` of `CONNECT host:port HTTP/1.1`, when the host is a loopback one.
fn connect_target(request_line: &str) -> Option<SocketAddr> {
    let mut parts = request_line.split_whitespace();
    if parts.next() != Some("CONNECT") {
        return None;
    }
    let authority = parts.next()?;
    let (host, port) = authority.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::from([127, 0, 0, 1])
    } else {
        host.parse().ok()?
    };
    ip.is_loopback().then_some(SocketAddr::new(ip, port))
}
