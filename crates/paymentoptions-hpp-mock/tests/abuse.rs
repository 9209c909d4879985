//! The sandbox under abuse: a flood of creates (bounded memory), a streamed body over the limit,
//! more concurrent requests than it takes, and a receiver that fails half its notifications.
//! Everything stays on 127.0.0.1, and every loop is bounded in count and time.

mod common;

use common::{AUTH, PATH, auth_head_lines, http};

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode as AxumStatus;
use paymentoptions_hpp_mock::{
    CustomerAction, DeliveryPolicy, DeliveryState, Fault, MockConfig, MockServer,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinSet;

const MIB: usize = 1024 * 1024;

/// POSTs `body` to the create endpoint with both auth headers: the status, headers and JSON.
async fn create(
    http: &reqwest::Client,
    base_url: &str,
    body: String,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = http.post(format!("{base_url}{PATH}")).body(body);
    for &(name, value) in AUTH.iter() {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let json = response.json().await.unwrap_or(Value::Null);
    (status, headers, json)
}

/// This process's resident set size, from `/proc/self/status` (`None` off Linux).
fn rss_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// 5,000 creates, 50 at a time, into a sandbox that keeps 100 links. Each body carries 32 KiB
/// of padding (the spec allows unknown fields and the sandbox keeps the request as received),
/// so a store that kept every link would hold over 150 MiB of padding alone.
///
/// The memory check is a coarse guard against a store that stops evicting, not a measurement:
/// RSS is process-wide (the client, the allocator's caches and the other tests of this file
/// running in parallel count too), so the bound is generous. It is measured after the first
/// 100 creates, when the store is already full and the connections are open.
#[tokio::test]
async fn a_flood_of_creates_evicts_the_oldest_and_keeps_memory_bounded() {
    const KEPT: usize = 100;
    const CREATES: usize = 5_000;
    const AT_ONCE: usize = 50; // divides KEPT: the kept links are exactly the last batches
    const PADDING: usize = 32 * 1024;
    const GROWTH_BOUND: usize = 64 * MIB;

    let mock = MockServer::start_with(
        MockConfig::default()
            .with_max_links(KEPT)
            .with_max_body_bytes(64 * 1024),
    )
    .await
    .unwrap();
    let http = http();
    let padding: Arc<str> = "x".repeat(PADDING).into();
    let base_url: Arc<str> = mock.base_url().into();
    let started = Instant::now();
    let mut rss_before = None;
    let mut urls: HashMap<usize, String> = HashMap::new();
    for batch in (0..CREATES).step_by(AT_ONCE) {
        if batch == KEPT {
            rss_before = rss_bytes();
        }
        let mut tasks = JoinSet::new();
        for n in batch..batch + AT_ONCE {
            let (http, base_url, padding) = (http.clone(), base_url.clone(), padding.clone());
            tasks.spawn(async move {
                let body = json!({
                    "amount": 1000,
                    "currency": "JPY",
                    "merchant_txn_ref": format!("FLOOD-{n}"),
                    "padding": &*padding,
                });
                let (status, _, response) = create(&http, &base_url, body.to_string()).await;
                assert_eq!(status, StatusCode::OK, "create {n}: {response}");
                (n, response["url"].as_str().unwrap().to_string())
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (n, url) = done.unwrap();
            urls.insert(n, url);
        }
    }
    let rss_after = rss_bytes();
    let took = started.elapsed();
    match (rss_before, rss_after) {
        (Some(before), Some(after)) => {
            let growth = after.saturating_sub(before);
            eprintln!(
                "{CREATES} creates in {took:?}; RSS {} MiB -> {} MiB (+{} KiB)",
                before / MIB,
                after / MIB,
                growth / 1024
            );
            assert!(
                growth < GROWTH_BOUND,
                "RSS grew by {} MiB over {CREATES} creates into a {KEPT}-link store",
                growth / MIB
            );
        }
        _ => eprintln!("no /proc/self/status here: RSS not checked ({took:?})"),
    }

    let links = mock.links();
    assert_eq!(links.len(), KEPT);
    let n_of = |l: &paymentoptions_hpp_mock::LinkView| -> usize {
        l.request["merchant_txn_ref"].as_str().unwrap()["FLOOD-".len()..]
            .parse()
            .unwrap()
    };
    let kept: Vec<usize> = links.iter().map(n_of).collect();
    // Batches never overlap, so the survivors are exactly the last two batches, oldest first.
    let mut first: Vec<usize> = kept[..AT_ONCE].to_vec();
    let mut second: Vec<usize> = kept[AT_ONCE..].to_vec();
    first.sort_unstable();
    second.sort_unstable();
    assert_eq!(
        first,
        (CREATES - KEPT..CREATES - AT_ONCE).collect::<Vec<_>>()
    );
    assert_eq!(second, (CREATES - AT_ONCE..CREATES).collect::<Vec<_>>());
    // An evicted link's hosted page is gone; a kept one's is served.
    let page = |n: usize| http.get(&urls[&n]).send();
    assert_eq!(page(0).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(
        page(CREATES - KEPT - 1).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(page(CREATES - 1).await.unwrap().status(), StatusCode::OK);
}

/// A chunked body (no `Content-Length`, so the size is unknown up front) that keeps coming, in
/// 1 KiB chunks every millisecond, past the 16 KiB limit: the sandbox answers 413 as soon as the
/// limit is crossed, long before the sender would have finished (4 MiB, over 4 s).
#[tokio::test]
async fn a_streamed_chunked_body_over_the_limit_gets_413_while_still_arriving() {
    const CHUNKS: usize = 4096;
    let mock = MockServer::start().await.unwrap();
    let addr = mock.addr();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sent_by_writer = sent.clone();
    let writing = tokio::spawn(async move {
        let head = format!(
            "POST {PATH} HTTP/1.1\r\nhost: {addr}\r\n{}transfer-encoding: chunked\r\n\r\n",
            auth_head_lines()
        );
        writer.write_all(head.as_bytes()).await?;
        let mut chunk = b"400\r\n".to_vec();
        chunk.extend_from_slice(&[b' '; 1024]);
        chunk.extend_from_slice(b"\r\n");
        for _ in 0..CHUNKS {
            writer.write_all(&chunk).await?;
            sent_by_writer.fetch_add(1024, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        writer.write_all(b"0\r\n\r\n").await
    });

    let started = Instant::now();
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    let (head, body) = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let n = reader.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed without a complete answer: {response:?}");
            response.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&response).into_owned();
            let Some((head, body)) = text.split_once("\r\n\r\n") else {
                continue;
            };
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .expect("the answer has a Content-Length")
                .parse()
                .unwrap();
            if body.len() >= length {
                break (head.to_string(), body.to_string());
            }
        }
    })
    .await
    .expect("no answer while the body was still arriving");
    let took = started.elapsed();
    let sent_then = sent.load(std::sync::atomic::Ordering::SeqCst);
    writing.abort();

    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["code"], "payload_too_large", "{error}");
    assert!(
        sent_then < MIB,
        "the answer came after {sent_then} bytes ({took:?}): the sandbox read on past its limit"
    );
    assert!(mock.links().is_empty());
}

/// With `max_concurrent_requests: 2`, two creates held inside the handler by a delay fault use
/// both slots: a third request (any route) is refused at once with 503 `overloaded` and
/// `Retry-After: 1` instead of waiting, creates nothing, and once the two finish there is room
/// again.
#[tokio::test]
async fn over_the_concurrency_limit_requests_are_shed_with_503() {
    const HOLD: Duration = Duration::from_millis(1500);
    let mock = MockServer::start_with(MockConfig::default().with_max_concurrent_requests(2))
        .await
        .unwrap();
    mock.inject_fault(Fault {
        count: 2,
        delay_ms: HOLD.as_millis() as u64,
        ..Fault::default()
    });
    let http = http();
    let base_url = mock.base_url().to_string();
    let held: Vec<_> = (0..2)
        .map(|n| {
            let (http, base_url) = (http.clone(), base_url.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let body = json!({"merchant_txn_ref": format!("HELD-{n}")}).to_string();
                let (status, _, _) = create(&http, &base_url, body).await;
                (status, started.elapsed())
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.in_flight_requests() < 2 {
        assert!(Instant::now() < deadline, "the two requests never got in");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let started = Instant::now();
    let (status, headers, error) = create(&http, &base_url, "{}".into()).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{error}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(error["code"], "overloaded");
    assert!(
        error["message"].as_str().unwrap().contains("2 requests"),
        "{error}"
    );
    assert!(
        took < HOLD / 2,
        "the third request waited {took:?} instead of being refused"
    );
    // Every route counts: the control API is refused too.
    let control = http
        .get(format!("{base_url}/__mock/links"))
        .send()
        .await
        .unwrap();
    assert_eq!(control.status(), StatusCode::SERVICE_UNAVAILABLE);

    for h in held {
        let (status, took) = h.await.unwrap();
        assert_eq!(status, StatusCode::OK, "a held request was shed");
        assert!(took >= HOLD, "a held request was not held ({took:?})");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.in_flight_requests() > 0 {
        assert!(Instant::now() < deadline, "slots were not given back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (status, _, _) = create(&http, &base_url, "{}".into()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "room again after the held requests ended"
    );
    assert_eq!(
        mock.links().len(),
        3,
        "the refused request created nothing, the others one link each"
    );
}

/// What a flaky receiver did with one notification request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Answered 500 without processing it.
    Refused,
    /// Processed it and answered 200 at once.
    Accepted,
    /// Processed it but answered 200 only after the sender's timeout: to the sender a failure.
    AcceptedTooLate,
}

#[derive(Default)]
struct Receiver {
    /// Per link number: each request's body and fate, in arrival order.
    seen: Mutex<HashMap<usize, Vec<(Value, Fate)>>>,
}

async fn flaky_hook(
    State(receiver): State<Arc<Receiver>>,
    Path(n): Path<usize>,
    body: axum::body::Bytes,
) -> AxumStatus {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    // Half the requests fail; one in ten is processed but acknowledged too late.
    let fate = match fastrand::u8(0..10) {
        0..=4 => Fate::Refused,
        5 => Fate::AcceptedTooLate,
        _ => Fate::Accepted,
    };
    receiver
        .seen
        .lock()
        .unwrap()
        .entry(n)
        .or_default()
        .push((body, fate));
    match fate {
        Fate::Refused => AxumStatus::INTERNAL_SERVER_ERROR,
        Fate::Accepted => AxumStatus::OK,
        Fate::AcceptedTooLate => {
            tokio::time::sleep(Duration::from_millis(600)).await;
            AxumStatus::OK
        }
    }
}

/// 50 completed links notify a receiver that fails half its requests at random (and is too slow
/// to acknowledge one in ten). With enough attempts, every delivery ends `Delivered`; every
/// attempt the sandbox recorded is one the receiver saw, with the same outcome; the receiver
/// processed each notification at least once (more than once when its acknowledgement came
/// too late: at least once, not exactly once); and every body it saw is the recorded one.
#[tokio::test]
async fn a_flaky_receiver_gets_every_notification_unaltered() {
    const LINKS: usize = 50;
    let receiver = Arc::new(Receiver::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/hook/{n}", axum::routing::post(flaky_hook))
        .with_state(receiver.clone());
    let serving = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mock = MockServer::start_with(
        MockConfig::default().with_delivery(
            DeliveryPolicy::default()
                // P(40 failures in a row) = 0.6^40, about 1e-9 per delivery.
                .with_max_attempts(40)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20))
                .with_timeout(Duration::from_millis(200)),
        ),
    )
    .await
    .unwrap();
    let http = http();
    let mut link_numbers = HashMap::new();
    for n in 0..LINKS {
        let body = json!({
            "amount": 1000 + n,
            "currency": "JPY",
            "merchant_txn_ref": format!("FLAKY-{n}"),
            "return_url": {"webhook_url": format!("http://{hook_addr}/hook/{n}")},
        });
        let (status, _, link) = create(&http, mock.base_url(), body.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{link}");
        let id: uuid::Uuid = link["id"].as_str().unwrap().parse().unwrap();
        link_numbers.insert(id, n);
        let outcome = [
            CustomerAction::Pay,
            CustomerAction::Decline,
            CustomerAction::Cancel,
        ][n % 3];
        mock.complete(id, outcome).unwrap();
    }

    let deliveries = mock
        .wait_for_deliveries(LINKS, Duration::from_secs(10))
        .await;
    serving.abort();
    assert_eq!(deliveries.len(), LINKS);
    let seen = receiver.seen.lock().unwrap();
    let mut transaction_ids = HashSet::new();
    let (mut requests, mut refused, mut late) = (0, 0, 0);
    for d in &deliveries {
        let n = link_numbers[&d.link_id];
        assert_eq!(
            d.state,
            DeliveryState::Delivered,
            "link {n}: {:?}",
            d.attempts
        );
        let received = seen.get(&n).map(Vec::as_slice).unwrap_or_default();
        // Attempt by attempt, what the sandbox recorded is what the receiver did.
        let recorded: Vec<Fate> = d
            .attempts
            .iter()
            .map(|a| match (a.status, &a.error) {
                (Some(500), None) => Fate::Refused,
                (Some(200), None) => Fate::Accepted,
                (None, Some(_)) => Fate::AcceptedTooLate,
                other => panic!("link {n}: unexpected attempt {other:?}"),
            })
            .collect();
        let fates: Vec<Fate> = received.iter().map(|(_, f)| *f).collect();
        assert_eq!(recorded, fates, "link {n}");
        assert_eq!(fates.last(), Some(&Fate::Accepted), "link {n}");
        for (body, fate) in received {
            assert_eq!(
                body, &d.body,
                "link {n}: a {fate:?} body differs from the recorded one"
            );
        }
        assert_eq!(
            d.body["transaction_details"]["merchant_txn_ref"],
            format!("FLAKY-{n}")
        );
        assert!(transaction_ids.insert(d.body["transaction_details"]["id"].clone()));
        requests += received.len();
        refused += fates.iter().filter(|f| **f == Fate::Refused).count();
        late += fates
            .iter()
            .filter(|f| **f == Fate::AcceptedTooLate)
            .count();
    }
    assert_eq!(
        seen.len(),
        LINKS,
        "requests for links that were never completed"
    );
    assert!(
        refused > 0,
        "the receiver never failed: the test proved nothing"
    );
    eprintln!(
        "{LINKS} notifications: {requests} requests, {refused} refused, {late} acknowledged too late"
    );
}
