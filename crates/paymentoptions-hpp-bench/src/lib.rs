//! What the benchmarks share (see `BENCHMARKS.md` at the repository root): the spec's example
//! bodies, the page example request built through the wrapper's builder, the hand-written serde
//! structs the baselines decode into, servers on their own thread, and small statistics.
//!
//! Every figure is a ratio against a baseline measured in the same run: these machines are
//! noisy, and absolute times move from run to run.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use paymentoptions_hpp::{AddressBuilder, Currency, LinkRequest, Money};
use serde::{Deserialize, Serialize};

/// The spec's example request body (`fixtures/hpp-link-request.json`).
pub const REQUEST_FIXTURE: &[u8] = include_bytes!("../../../fixtures/hpp-link-request.json");

/// The spec's example response body (`fixtures/hpp-link-response.json`).
pub const RESPONSE_FIXTURE: &[u8] = include_bytes!("../../../fixtures/hpp-link-response.json");

/// The spec's transaction envelope example, the answer of the status call
/// (`fixtures/transaction-notification-envelope.json`).
pub const STATUS_FIXTURE: &[u8] =
    include_bytes!("../../../fixtures/transaction-notification-envelope.json");

/// The transaction status path (with its `{transactionId}` parameter), from the generated crate.
pub const STATUS_PATH: &str = paymentoptions_hpp_client::api::GET_TRANSACTION_STATUS.path;

/// The API key every benchmark sends (servers here accept any key).
pub const API_KEY: &str = "bench-api-key-0000";

/// The link-creation path, from the generated crate.
pub const CREATE_PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// The page example request (`fixtures/hpp-link-request.json`), built the way a merchant
/// builds it: through [`LinkRequest::builder`], every rule checked.
pub fn page_example_request() -> LinkRequest {
    let address = |email: &str| {
        AddressBuilder::new()
            .country("JP")
            .email(email)
            .phone_number("8112345678")
            .address1("1-2-3 Shinjuku")
            .city("Shinjuku-ku")
            .state("Tokyo")
            .postal_code("1600022")
    };
    LinkRequest::builder()
        .amount(Money::from_minor(1000, Currency::JPY).expect("JPY 1000 is an amount"))
        .merchant_id("MERCHANT-0001")
        .merchant_email("merchant@testemail.com")
        .merchant_txn_ref("2003089893366DTEST")
        .webhook_url("https://merchant.example.com/webhooks/paymentoptions")
        .success_url("http://www.successurl.com/")
        .decline_url("http://www.declineurl.com/")
        .cancel_url("http://cancelurl.com/")
        .payment_method_type("scheme")
        .store_payment_method(true)
        .billing_address(address("billing@testemail.com"))
        .shipping_address(address("shipping@testemail.com"))
        .build()
        .expect("the page example is a valid request")
}

/// The hand-written baselines: what a developer would write with `serde` alone, with the same
/// field types as the generated models (`Uuid` id, `i64` amount, strings) and the same field
/// order, so that both encode to the same bytes.
pub mod handwritten {
    use super::{Deserialize, Serialize};

    /// The transaction envelope (the status answer), every field optional as in the spec;
    /// shapes the spec leaves open are `serde_json::Value`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct Envelope {
        /// `success`.
        pub success: Option<bool>,
        /// `status_code`.
        pub status_code: Option<i64>,
        /// `is_live`.
        pub is_live: Option<bool>,
        /// `transaction_type`.
        pub transaction_type: Option<String>,
        /// `gateway_response`.
        pub gateway_response: Option<GatewayResponse>,
        /// `merchant_details`.
        pub merchant_details: Option<MerchantDetails>,
        /// `payment_details`.
        pub payment_details: Option<PaymentDetails>,
        /// `transaction_details`.
        pub transaction_details: Option<TransactionDetails>,
        /// `risk_details`.
        pub risk_details: Option<serde_json::Value>,
    }

    /// `gateway_response`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct GatewayResponse {
        /// `version`.
        pub version: Option<String>,
        /// `type`.
        #[serde(rename = "type")]
        pub type_: Option<String>,
        /// `message`.
        pub message: Option<String>,
        /// `code`.
        pub code: Option<String>,
    }

    /// `merchant_details`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct MerchantDetails {
        /// `legal_name`.
        pub legal_name: Option<String>,
        /// `mid`.
        pub mid: Option<String>,
        /// `merchant_txn_ref`.
        pub merchant_txn_ref: Option<String>,
        /// `billing_details`.
        pub billing_details: Option<serde_json::Value>,
        /// `device_details`.
        pub device_details: Option<serde_json::Value>,
    }

    /// `payment_details`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct PaymentDetails {
        /// `amount`.
        pub amount: Option<i64>,
        /// `response_code`.
        pub response_code: Option<i64>,
        /// `responseDescription`.
        #[serde(rename = "responseDescription")]
        pub response_description: Option<String>,
        /// `auth_code`.
        pub auth_code: Option<String>,
        /// `currency`.
        pub currency: Option<String>,
        /// `payment_method`.
        pub payment_method: Option<String>,
        /// `scheme`.
        pub scheme: Option<String>,
        /// `card`.
        pub card: Option<Card>,
        /// `additional_data`.
        pub additional_data: Option<serde_json::Value>,
    }

    /// `card`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct Card {
        /// `name`.
        pub name: Option<String>,
        /// `number`.
        pub number: Option<String>,
        /// `exp_month`.
        pub exp_month: Option<String>,
        /// `exp_year`.
        pub exp_year: Option<String>,
    }

    /// `transaction_details`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct TransactionDetails {
        /// `id`.
        pub id: Option<String>,
        /// `ref` (a number or a string).
        #[serde(rename = "ref")]
        pub ref_: Option<serde_json::Value>,
        /// `timestamp`.
        pub timestamp: Option<String>,
        /// `merchant_txn_ref`.
        pub merchant_txn_ref: Option<String>,
        /// `stored_payment_method_id`.
        pub stored_payment_method_id: Option<String>,
        /// `billing_details`.
        pub billing_details: Option<serde_json::Value>,
    }

    /// The link request.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct LinkRequest {
        /// Minor units.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub amount: Option<i64>,
        /// Billing address.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub billing_address: Option<Address>,
        /// ISO 4217 code.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub currency: Option<String>,
        /// Merchant e-mail.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub merchant_email: Option<String>,
        /// Merchant id.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub merchant_id: Option<String>,
        /// Merchant reference.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub merchant_txn_ref: Option<String>,
        /// Payment method.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub payment_method: Option<PaymentMethod>,
        /// Return URLs.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub return_url: Option<ReturnUrls>,
        /// Shipping address.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub shipping_address: Option<Address>,
    }

    /// An address (request and response alike).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct Address {
        /// Street.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub address1: Option<String>,
        /// City.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub city: Option<String>,
        /// ISO 3166-1 alpha-2.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub country: Option<String>,
        /// E-mail.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
        /// Phone.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub phone_number: Option<String>,
        /// Postal code.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub postal_code: Option<String>,
        /// State.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
    }

    /// Payment method options.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct PaymentMethod {
        /// Store the card.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub store_payment_method: Option<bool>,
        /// `scheme`.
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        pub type_: Option<String>,
    }

    /// Return URLs (request and response alike).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct ReturnUrls {
        /// Cancel.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cancel_url: Option<String>,
        /// Decline.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub decline_url: Option<String>,
        /// Success.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub success_url: Option<String>,
        /// Webhook.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub webhook_url: Option<String>,
    }

    /// The created link.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct LinkResponse {
        /// Echoed amount.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub amount: Option<i64>,
        /// Echoed billing address.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub billing_address: Option<Address>,
        /// Echoed currency.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub currency: Option<String>,
        /// Link id.
        pub id: uuid::Uuid,
        /// Echoed merchant e-mail.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub merchant_email: Option<String>,
        /// Echoed merchant id.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub merchant_id: Option<String>,
        /// Echoed reference.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub merchant_txn_ref: Option<String>,
        /// Echoed payment method.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub payment_method: Option<PaymentMethod>,
        /// Echoed return URLs.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub return_url: Option<ReturnUrls>,
        /// Echoed shipping address.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub shipping_address: Option<Address>,
        /// The hosted page.
        pub url: String,
    }

    /// The example request, decoded from the fixture.
    pub fn example_request() -> LinkRequest {
        serde_json::from_slice(super::REQUEST_FIXTURE).expect("the fixture decodes")
    }
}

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

/// This thread's id, from `/proc/thread-self` (`<pid>/task/<tid>`).
pub fn current_tid() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// CPU time used by thread `tid` of this process (Linux `schedstat`: nanoseconds on a CPU).
pub fn thread_cpu_time(tid: u32) -> Option<Duration> {
    let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat")).ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// CPU time used by this whole process (`/proc/self/schedstat`).
pub fn process_cpu_time() -> Option<Duration> {
    let mut total = Duration::ZERO;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let tid: u32 = task.ok()?.file_name().to_str()?.parse().ok()?;
        total += thread_cpu_time(tid).unwrap_or_default();
    }
    Some(total)
}

/// This process's resident set size in KiB (`VmRSS` of `/proc/self/status`).
pub fn vm_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The `p`-th percentile (0..=100, nearest rank) of sorted values.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> T {
    assert!(!sorted.is_empty(), "no values");
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of unsorted values (sorts them).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    assert!(n > 0, "no values");
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The CPU model and core count, and rustc's version, for the figures' header.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

/// Criterion's median estimate (ns) of benchmark `group/id` from this run: `None` when criterion
/// did not measure it since `since` (test mode, `--list`, a filter that skipped it).
pub fn criterion_median_ns(group: &str, id: &str, since: std::time::SystemTime) -> Option<f64> {
    let home = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|t| PathBuf::from(t).join("criterion"))
        })
        .unwrap_or_else(|| workspace_root().join("target/criterion"));
    let path = home.join(group).join(id).join("new/estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates.pointer("/median/point_estimate")?.as_f64()
}

/// Prints each benchmark's median and its ratio to `baseline` (the first of `ids`), from
/// criterion's estimates of this run; prints nothing in test mode.
pub fn print_criterion_ratios(group: &str, ids: &[&str], since: std::time::SystemTime) {
    let Some(base) = criterion_median_ns(group, ids[0], since) else {
        return;
    };
    println!("\n{group}: medians from criterion, ratio to {}", ids[0]);
    for id in ids {
        if let Some(ns) = criterion_median_ns(group, id, since) {
            println!("  {id:<24} {:>12.0} ns   {:.3}x", ns, ns / base);
        }
    }
}

/// Runs each variant for `iters` iterations per round, `rounds` times, rotating which variant
/// goes first, so that a burst of noise on the machine hits every variant alike. Each variant
/// returns the time its `iters` iterations took. Prints, per variant, the median time per
/// iteration over the rounds and the median over rounds of its ratio to the first variant (the
/// baseline) in the same round; returns those ratios.
pub fn interleaved(
    title: &str,
    rounds: usize,
    iters: u64,
    variants: &mut [(&str, &mut dyn FnMut(u64) -> Duration)],
) -> Vec<f64> {
    let n = variants.len();
    let mut per_iter = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            let elapsed = (variants[i].1)(iters);
            per_iter[i].push(elapsed.as_nanos() as f64 / iters as f64);
        }
    }
    println!(
        "\n{title}: interleaved, {rounds} rounds x {iters} iterations, ratio to {}",
        variants[0].0
    );
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut ratios: Vec<f64> = (0..rounds)
            .map(|r| per_iter[i][r] / per_iter[0][r])
            .collect();
        let ratio = median(&mut ratios);
        let (lo, hi) = (percentile(&ratios, 25.0), percentile(&ratios, 75.0));
        let ns = median(&mut per_iter[i].clone());
        println!(
            "  {:<24} {:>12.0} ns   {:.3}x  (rounds' IQR {:.3}-{:.3})",
            variants[i].0, ns, ratio, lo, hi
        );
        out.push(ratio);
    }
    out
}

/// One load run's figures, as the load benchmarks (`sandbox_load`, `wrk_load`) report them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadFigures {
    /// Creates answered per second over the run.
    pub per_second: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
}

/// Prints the summary of alternated bare and sandbox rounds (BENCHMARKS.md, section 4): each
/// figure's median over rounds, and the median over rounds of the sandbox/bare throughput ratio
/// of the same round, against the targets. Returns that ratio.
pub fn print_load_summary(
    bare: &[LoadFigures],
    sandbox: &[LoadFigures],
    connections: usize,
) -> f64 {
    let med = |runs: &[LoadFigures], f: fn(&LoadFigures) -> f64| {
        median(&mut runs.iter().map(f).collect::<Vec<_>>())
    };
    let mut ratios: Vec<f64> = bare
        .iter()
        .zip(sandbox)
        .map(|(b, s)| s.per_second / b.per_second)
        .collect();
    let ratio = median(&mut ratios);
    println!("summary (medians over rounds):");
    for (name, runs) in [("bare", bare), ("sandbox", sandbox)] {
        println!(
            "  {name:<8} {:>9.0} creates/s   p50 {:>6.2} ms   p99 {:>6.2} ms",
            med(runs, |r| r.per_second),
            med(runs, |r| r.p50_ms),
            med(runs, |r| r.p99_ms),
        );
    }
    println!(
        "  sandbox/bare throughput {ratio:.2}x (target >= 0.5x); sandbox p99 {:.2} ms at \
         {connections} connections (target < 5 ms)",
        med(sandbox, |r| r.p99_ms),
    );
    ratio
}

/// The `main` of a bench binary: `parse` reads the arguments (an empty error means `--help`),
/// `run` does the work. Bad arguments print the error and `usage` and exit 2; a failed run
/// prints its error and exits 1.
pub fn bin_main<O>(
    usage: &str,
    parse: impl FnOnce() -> Result<O, String>,
    run: impl FnOnce(O) -> Result<(), String>,
) -> std::process::ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprint!("{usage}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The variant a profiler should see alone: `<PREFIX>_PROFILE=<variant>` names it (one of
/// `variants`; anything else panics with the list), `<PREFIX>_PROFILE_N` how many times to run
/// it (default `default_n`). `None` when `<PREFIX>_PROFILE` is not set.
pub fn profile_request(prefix: &str, variants: &[&str], default_n: u32) -> Option<(usize, u32)> {
    let name = std::env::var(format!("{prefix}_PROFILE")).ok()?;
    let variant = variants
        .iter()
        .position(|v| *v == name)
        .unwrap_or_else(|| panic!("{prefix}_PROFILE must be one of {variants:?}, not {name:?}"));
    let n = std::env::var(format!("{prefix}_PROFILE_N"))
        .map(|n| n.parse().expect("the count is a number"))
        .unwrap_or(default_n);
    Some((variant, n))
}

/// True when the bench binary was started by `cargo bench` (which passes `--bench`), false
/// under `cargo test --benches` (run once, as a smoke test).
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Panics unless the baselines send and read what the wrapper and the generated models send and
/// read (the same request bytes, an equal decoded response): otherwise the ratios would compare
/// different work. The benches call it before measuring, so the CI smoke run checks it too.
pub fn assert_baselines_match() {
    let wrapper = serde_json::to_vec(page_example_request().as_model()).expect("encodes");
    let hand = serde_json::to_vec(&handwritten::example_request()).expect("encodes");
    assert_eq!(
        String::from_utf8_lossy(&wrapper),
        String::from_utf8_lossy(&hand),
        "the hand-written request encodes differently from the generated model"
    );
    let fixture: serde_json::Value = serde_json::from_slice(REQUEST_FIXTURE).expect("JSON");
    let sent: serde_json::Value = serde_json::from_slice(&wrapper).expect("JSON");
    assert_eq!(
        sent, fixture,
        "the builder must rebuild the page example exactly"
    );

    let generated: paymentoptions_hpp::models::HppLinkResponse =
        serde_json::from_slice(RESPONSE_FIXTURE).expect("the generated model decodes");
    let hand: handwritten::LinkResponse =
        serde_json::from_slice(RESPONSE_FIXTURE).expect("the hand-written struct decodes");
    assert_eq!(
        serde_json::to_value(&generated).expect("encodes"),
        serde_json::to_value(&hand).expect("encodes"),
        "the hand-written response struct reads differently from the generated model"
    );
    assert_eq!(percentile(&[1, 2, 3, 4], 50.0), 2);
    assert_eq!(percentile(&(1..=100).collect::<Vec<u32>>(), 99.0), 99);
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
}
