//! What one merchant test costs when every test starts its own server, as `#[tokio::test]`
//! suites do: the sandbox against wiremock, the generic HTTP mock a merchant might pick
//! instead.
//!
//! - `wiremock` (the baseline): `wiremock::MockServer::start()`, one mounted mock answering the
//!   spec's example response, a library client, one `create_link`; then the server is dropped.
//! - `sandbox`: `paymentoptions_hpp_mock::MockServer::start()`, a library client, one
//!   `create_link` (validated against the spec, stored), the customer pays
//!   (`MockServer::complete`), then the sandbox is dropped. It does more than wiremock, which
//!   knows nothing of the API.
//! - `sandbox_start`: the sandbox started and dropped, nothing else: its start-up cost alone.
//!
//! Everything runs on one current-thread runtime, as in a `#[tokio::test]`. wiremock keeps a
//! process-wide pool of servers and hands a used one back after a reset: its `start()` is that
//! cheap by design, and the baseline keeps it (a merchant's suite gets the same).
//!
//! `cargo bench -p paymentoptions-hpp-bench --bench per_test`

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, criterion_group};
use paymentoptions_hpp::{Currency, LinkRequest, Money};
use paymentoptions_hpp_bench::{
    API_KEY, CREATE_PATH, RESPONSE_FIXTURE, interleaved, measuring, print_criterion_ratios,
    profile_request,
};
use paymentoptions_hpp_mock::CustomerAction;
use tokio::runtime::Runtime;

/// A link as a merchant's test creates one: an amount, a reference, where to send the customer
/// back (the amount of the spec's example response, which wiremock answers). No `webhook_url`: a notification is a test of its own, with a receiver it starts.
fn request() -> LinkRequest {
    LinkRequest::builder()
        .amount(Money::from_minor(1000, Currency::JPY).expect("JPY 1000 is an amount"))
        .merchant_txn_ref("order-1")
        .success_url("http://shop.test/paid")
        .decline_url("http://shop.test/declined")
        .cancel_url("http://shop.test/cancelled")
        .build()
        .expect("a valid request")
}

fn client(base_url: &str) -> paymentoptions_hpp::Client {
    paymentoptions_hpp::Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .build()
        .expect("the client builds")
}

/// The baseline: wiremock started, one mock mounted, one link created through the library.
async fn wiremock_test(request: &LinkRequest) -> paymentoptions_hpp::Link {
    use wiremock::matchers::{method, path};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("POST"))
        .and(path(CREATE_PATH))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_raw(RESPONSE_FIXTURE, "application/json"),
        )
        .mount(&server)
        .await;
    client(&server.uri())
        .create_link(request)
        .await
        .expect("wiremock answers the example")
}

/// The sandbox: started, one link created through the library and paid, dropped.
async fn sandbox_test(request: &LinkRequest) -> paymentoptions_hpp::Link {
    let mock = paymentoptions_hpp_mock::MockServer::start()
        .await
        .expect("the sandbox starts");
    let link = client(mock.base_url())
        .create_link(request)
        .await
        .expect("the sandbox creates the link");
    let paid = mock
        .complete(link.id(), CustomerAction::Pay)
        .expect("the link is paid");
    black_box(paid);
    link
}

async fn sandbox_start() {
    let mock = paymentoptions_hpp_mock::MockServer::start()
        .await
        .expect("the sandbox starts");
    black_box(&mock);
    drop(mock);
    // Lets the runtime reap the aborted server task (and close its listener), as the end of a
    // `#[tokio::test]` does: without a yield here, nothing in this variant awaits I/O, and the
    // loop would pile up open listeners.
    tokio::task::yield_now().await;
}

const VARIANTS: [&str; 3] = ["wiremock", "sandbox", "sandbox_start"];

async fn run(variant: usize, request: &LinkRequest) {
    match variant {
        0 => drop(black_box(wiremock_test(request).await)),
        1 => drop(black_box(sandbox_test(request).await)),
        _ => sandbox_start().await,
    }
}

/// `PER_TEST_PROFILE=<variant>`: runs that variant alone, `PER_TEST_PROFILE_N` times (default
/// 2,000), so that a profiler (`perf record`, callgrind) sees one variant's whole process.
/// Returns false when the variable is not set.
fn profile_one(runtime: &Runtime, request: &LinkRequest) -> bool {
    let Some((variant, n)) = profile_request("PER_TEST", &VARIANTS, 2000) else {
        return false;
    };
    let started = Instant::now();
    runtime.block_on(async {
        for _ in 0..n {
            run(variant, request).await;
        }
    });
    println!(
        "{}: {n} tests, {:.0} us each",
        VARIANTS[variant],
        started.elapsed().as_micros() as f64 / f64::from(n)
    );
    true
}

fn per_test(c: &mut Criterion) {
    let runtime: Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let request = request();
    // Every variant works before anything is timed.
    runtime.block_on(async {
        let (wiremock, sandbox) = (wiremock_test(&request).await, sandbox_test(&request).await);
        assert_eq!(wiremock.amount(), sandbox.amount());
        sandbox_start().await;
    });
    if profile_one(&runtime, &request) {
        return;
    }

    let since = SystemTime::now();
    let mut group = c.benchmark_group("per_test");
    group.measurement_time(Duration::from_secs(6));
    for (i, name) in VARIANTS.iter().enumerate() {
        let request = &request;
        group.bench_function(*name, |b| {
            b.to_async(&runtime).iter(|| run(i, request));
        });
    }
    group.finish();
    print_criterion_ratios("per_test", &VARIANTS, since);

    if measuring() {
        // The figure the target is checked against, as for the round trip: rounds of every
        // variant in turn, the median over rounds of the per-round ratio.
        let timed = |variant: usize| {
            let (runtime, request) = (&runtime, &request);
            move |n: u64| {
                let started = Instant::now();
                runtime.block_on(async {
                    for _ in 0..n {
                        run(variant, request).await;
                    }
                });
                started.elapsed()
            }
        };
        let (mut a, mut b, mut c) = (timed(0), timed(1), timed(2));
        interleaved(
            "per_test",
            60,
            50,
            &mut [
                (VARIANTS[0], &mut a),
                (VARIANTS[1], &mut b),
                (VARIANTS[2], &mut c),
            ],
        );
    }
}

criterion_group!(benches, per_test);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
