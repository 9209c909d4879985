//! Accepting connections, with the time and count limits that keep slow clients from starving
//! everyone else:
//!
//! - a request's head must arrive within `header_read_timeout` (hyper's timer, which also runs
//!   while a kept-alive connection waits for its next request; the first request's head is
//!   also timed here, since hyper starts its timer only once it knows the connection speaks
//!   HTTP/1);
//! - its body within `body_read_timeout` (see [`body`](crate::body));
//! - a connection silent for `idle_timeout` with no request being handled is closed (HTTP/2
//!   included, which has no head timer);
//! - at most `max_connections` are open: a new one closes the one idle for longest, or is
//!   closed at once when every connection is busy.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

use crate::state::Shared;

pub(crate) mod registry;

use registry::Connection;
pub(crate) use registry::Connections;

/// Accepts connections until `stop` fires (or its sender is dropped), then lets the open ones
/// finish their requests.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    let (stopping, stop_watch) = watch::channel(false);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, most likely: wait instead of spinning.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some((id, connection)) = shared.connections.admit() else {
            tracing::debug!("max_connections reached, every connection busy: connection closed");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(run(
            stream,
            app.clone(),
            shared.clone(),
            id,
            connection,
            stop_watch.clone(),
        ));
    }
    drop(listener);
    drop(stop_watch);
    let _ = stopping.send(true);
    // Every connection holds a receiver: this returns when the last one has closed.
    stopping.closed().await;
}

async fn run(
    stream: TcpStream,
    app: Router,
    shared: Arc<Shared>,
    id: u64,
    connection: Arc<Connection>,
    mut stopping: watch::Receiver<bool>,
) {
    let config = &shared.config;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let io = TokioIo::new(Watched {
        io: stream,
        connection: connection.clone(),
        connections: shared.clone(),
    });
    let counted = connection.clone();
    let sandbox = shared.clone();
    let service = hyper::service::service_fn(move |request| {
        let (app, sandbox) = (app.clone(), sandbox.clone());
        let busy = Busy::new(&counted);
        async move {
            let response = crate::front::handle(sandbox, app, request).await;
            drop(busy);
            response
        }
    });
    let serving = builder.serve_connection(io, service);
    tokio::pin!(serving);
    // hyper's head timer starts only once the connection is known to be HTTP/1: bytes that
    // could still begin the HTTP/2 preface (`P`, `PR`...) would hold it open forever.
    let first_request = tokio::time::sleep(config.header_read_timeout);
    tokio::pin!(first_request);
    let idle = config.idle_timeout;
    let mut shutting_down = false;
    loop {
        let last = connection.last_activity.load(Ordering::SeqCst);
        let idle_for = shared.connections.now_ms().saturating_sub(last);
        let wait = idle.saturating_sub(std::time::Duration::from_millis(idle_for));
        tokio::select! {
            result = serving.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!(error = %e, "connection ended with an error");
                }
                break;
            }
            _ = tokio::time::sleep(wait) => {
                let last = connection.last_activity.load(Ordering::SeqCst);
                let silent = shared.connections.now_ms().saturating_sub(last);
                if connection.in_flight.load(Ordering::SeqCst) == 0
                    && silent >= idle.as_millis() as u64
                {
                    tracing::debug!("idle connection closed");
                    break;
                }
                if connection.in_flight.load(Ordering::SeqCst) > 0 {
                    // Busy: check again after a whole idle period.
                    connection
                        .last_activity
                        .store(shared.connections.now_ms(), Ordering::SeqCst);
                }
            }
            _ = &mut first_request, if !connection.served.load(Ordering::SeqCst) => {
                if !connection.served.load(Ordering::SeqCst) {
                    tracing::debug!("no request head within header_read_timeout: connection closed");
                    break;
                }
            }
            _ = connection.evict.notified() => {
                tracing::debug!("connection closed to make room (max_connections)");
                break;
            }
            changed = stopping.changed(), if !shutting_down => {
                let _ = changed;
                shutting_down = true;
                serving.as_mut().graceful_shutdown();
            }
        }
    }
    shared.connections.remove(id);
}

/// Counts a request as being handled on its connection while it lives.
struct Busy(Arc<Connection>);

impl Busy {
    fn new(connection: &Arc<Connection>) -> Self {
        connection.in_flight.fetch_add(1, Ordering::SeqCst);
        connection.served.store(true, Ordering::SeqCst);
        Self(connection.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The socket, noting when a byte last went either way.
struct Watched {
    io: TcpStream,
    connection: Arc<Connection>,
    connections: Arc<Shared>,
}

impl Watched {
    fn touch(&self) {
        self.connection
            .last_activity
            .store(self.connections.connections.now_ms(), Ordering::SeqCst);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.io).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
