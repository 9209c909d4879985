//! Servers on their own OS thread: a bare axum baseline and the sandbox.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use crate::system::{current_tid, thread_cpu_time};

/// A server running on its own OS thread, on a current-thread tokio runtime (as `po-hpp mock`
/// runs the sandbox), so that it has one core to itself and the load generator the other.
/// Stops when dropped.
pub struct ServerThread {
    addr: SocketAddr,
    tid: Option<u32>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerThread {
    /// Starts `serve` (which binds, spawns its server and returns the address and whatever must
    /// live as long as the server) on a new thread.
    pub fn start<F, Fut, G>(name: &str, serve: F) -> Self
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = (SocketAddr, G)>,
        G: 'static,
    {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime");
                rt.block_on(async move {
                    let (addr, guard) = serve().await;
                    let _ = ready_tx.send((addr, current_tid()));
                    let _ = stopped.await;
                    drop(guard);
                });
            })
            .expect("a server thread");
        let (addr, tid) = ready_rx.recv().expect("the server started");
        Self {
            addr,
            tid,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// A bare axum handler on `path` that reads the request body and answers `body` as JSON:
    /// the cheapest server that speaks the same HTTP as the real one.
    pub fn bare(path: &'static str, body: &'static [u8]) -> Self {
        Self::bare_with(axum::routing::MethodFilter::POST, path, body)
    }

    /// Like [`bare`](Self::bare), for GET: `path` may hold `{parameters}` (axum's syntax is
    /// the spec's).
    pub fn bare_get(path: &'static str, body: &'static [u8]) -> Self {
        Self::bare_with(axum::routing::MethodFilter::GET, path, body)
    }

    fn bare_with(
        method: axum::routing::MethodFilter,
        path: &'static str,
        body: &'static [u8],
    ) -> Self {
        Self::start("bare-server", move || async move {
            use axum::http::header;
            let app = axum::Router::new().route(
                path,
                axum::routing::on(method, move |_request: bytes::Bytes| async move {
                    ([(header::CONTENT_TYPE, "application/json")], body)
                }),
            );
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .expect("bind 127.0.0.1");
            let addr = listener.local_addr().expect("a local address");
            let task = tokio::spawn(async move {
                axum::serve(listener, app)
                    .await
                    .expect("the bare server runs");
            });
            (addr, AbortOnDrop(task))
        })
    }

    /// The sandbox (`paymentoptions-hpp-mock`), started with `config` (its `addr` should be
    /// `127.0.0.1:0`).
    pub fn sandbox(config: paymentoptions_hpp_mock::MockConfig) -> Self {
        Self::start("sandbox-server", move || async move {
            let mock = paymentoptions_hpp_mock::MockServer::start_with(config)
                .await
                .expect("the sandbox starts");
            (mock.addr(), mock)
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// CPU time the server thread has used so far (from `/proc/self/task/<tid>/schedstat`).
    pub fn cpu_time(&self) -> Option<Duration> {
        thread_cpu_time(self.tid?)
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
