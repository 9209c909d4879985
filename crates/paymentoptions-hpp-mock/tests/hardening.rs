//! Issue 13's attacks on the sandbox, each performed: float amounts, pending deliveries
//! beyond the bound, cross-origin and rebound requests, self-notification, faults before auth,
//! a large listing next to creates, and the outcome vocabulary. Everything stays on 127.0.0.1
//! and every loop is bounded in count and time.

mod common;

use common::{AUTH, PATH, create, http, post};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use paymentoptions_hpp_mock::{
    CustomerAction, DeliveryPolicy, DeliveryState, Fault, LinkState, MockConfig, MockServer,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

/// The tests that time a create next to an attack take turns: each attack is heavy enough to
/// slow the other's sandbox on a small machine.
static TIMED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn id_of(link: &Value) -> uuid::Uuid {
    link["id"].as_str().unwrap().parse().unwrap()
}

/// Item 2: `5.0` is an integer to JSON Schema, but not to the client's decoder, and the page
/// read it as "no amount" (a `5000.0` link was paid with 1). Refused everywhere, naming the
/// field.
#[tokio::test]
async fn float_amounts_are_refused_naming_the_field() {
    let mock = MockServer::start().await.unwrap();
    for amount in ["5.0", "5000.0", "1e3", "1E3", "0.0", "-0.0"] {
        let body = format!(r#"{{"amount": {amount}, "currency": "JPY"}}"#);
        let (status, error) = post(&mock, &AUTH, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{amount}: {error}");
        assert_eq!(error["field"], "amount", "{amount}: {error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("not an integer"),
            "{error}"
        );
    }
    assert!(mock.links().is_empty(), "no float link exists to be paid");

    // The page and the control API charge the integer amount they were given.
    let link = create(&mock, &json!({"amount": 5000, "currency": "JPY"})).await;
    let page = http()
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("5,000 JPY"), "{page}");
    let completion = http()
        .post(format!(
            "{}/__mock/links/{}/complete",
            mock.base_url(),
            id_of(&link)
        ))
        .json(&json!({"outcome": "pay"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(completion["transaction"]["amount"], 5000, "{completion}");

    // The control API's numbers are whole too, and the refusal names the member.
    let faults = format!("{}/__mock/faults", mock.base_url());
    for (body, field) in [
        (json!({"count": 1.0}), "count"),
        (json!({"status": 503.0}), "status"),
        (json!({"delay_ms": 1e2}), "delay_ms"),
    ] {
        let response = http().post(&faults).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["field"], field, "{error}");
    }
    assert!(mock.links().len() == 1);
}

/// Item 3: with `max_links` 10, completing 30 links whose receiver never answers held 30
/// deliveries and their retry loops. Now at most 10 are held, and the connections of the
/// evicted ones are closed (their tasks stop).
#[tokio::test]
async fn pending_deliveries_are_bounded_like_links() {
    const MAX: usize = 10;
    // A receiver that accepts and never answers, counting the connections still open.
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", receiver.local_addr().unwrap());
    let open = Arc::new(AtomicUsize::new(0));
    let counted = open.clone();
    let accepting = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = receiver.accept().await else {
                return;
            };
            counted.fetch_add(1, Ordering::SeqCst);
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
                counted.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    let mock = MockServer::start_with(
        MockConfig::default()
            .with_max_links(MAX)
            .with_delivery(DeliveryPolicy::default().with_timeout(Duration::from_secs(30))),
    )
    .await
    .unwrap();
    for _ in 0..3 * MAX {
        let link = create(&mock, &json!({"return_url": {"webhook_url": hook}})).await;
        mock.complete(id_of(&link), CustomerAction::Pay).unwrap();
    }
    let deliveries = mock.deliveries();
    assert_eq!(deliveries.len(), MAX);
    assert!(deliveries.iter().all(|d| d.state == DeliveryState::Pending));
    // The evicted deliveries' requests are abandoned: their connections close.
    let deadline = Instant::now() + Duration::from_secs(5);
    while open.load(Ordering::SeqCst) > MAX {
        assert!(
            Instant::now() < deadline,
            "{} connections still open for {MAX} deliveries",
            open.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A reset stops the rest.
    mock.reset();
    let deadline = Instant::now() + Duration::from_secs(5);
    while open.load(Ordering::SeqCst) > 0 {
        assert!(Instant::now() < deadline, "a reset left deliveries running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    accepting.abort();
}

/// Item 10: a link whose `webhook_url` is the sandbox's own `/__mock/reset` wiped every link
/// when paid. The notification is not sent, and the record says why.
#[tokio::test]
async fn the_sandbox_never_notifies_itself() {
    let mock = MockServer::start().await.unwrap();
    let port = mock.addr().port();
    let keep = create(&mock, &json!({"merchant_txn_ref": "KEEP"})).await;
    for hook in [
        format!("{}/__mock/reset", mock.base_url()),
        format!("http://localhost:{port}/__mock/reset"),
        format!("http://[::1]:{port}/__mock/reset"),
        format!("http://0.0.0.0:{port}/__mock/reset"),
    ] {
        let link = create(&mock, &json!({"return_url": {"webhook_url": hook}})).await;
        let completion = mock.complete(id_of(&link), CustomerAction::Pay).unwrap();
        let id = completion.delivery_id.unwrap();
        let delivery = mock
            .wait_for_deliveries(mock.deliveries().len(), Duration::from_secs(5))
            .await
            .into_iter()
            .find(|d| d.id == id)
            .unwrap();
        assert_eq!(delivery.state, DeliveryState::Failed, "{hook}");
        let error = delivery.attempts[0].error.as_deref().unwrap();
        assert!(error.contains("never notifies itself"), "{hook}: {error}");
        assert_eq!(delivery.attempts.len(), 1, "{hook}: not retried");
    }
    assert!(
        mock.link(id_of(&keep)).is_some(),
        "the sandbox's state survived"
    );
}

/// Item 12: an injected fault answered requests without a key. Auth comes first, and the
/// fault is still there for the next authenticated request.
#[tokio::test]
async fn auth_comes_before_injected_faults() {
    let mock = MockServer::start().await.unwrap();
    mock.inject_fault(Fault {
        count: 1,
        status: Some(503),
        ..Fault::default()
    });
    let (status, error) = post(&mock, &[("content-type", "application/json")], "{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    let (status, error) = post(&mock, &AUTH, "{}").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{error}");
    assert_eq!(error["code"], "injected_fault");
}

/// Issue 14: states and the notification header say `paid`, the control API took `pay`. Both
/// vocabularies are accepted.
#[tokio::test]
async fn the_control_api_accepts_actions_and_states() {
    let mock = MockServer::start().await.unwrap();
    for (outcome, state) in [
        ("pay", LinkState::Paid),
        ("paid", LinkState::Paid),
        ("decline", LinkState::Declined),
        ("declined", LinkState::Declined),
        ("cancel", LinkState::Cancelled),
        ("cancelled", LinkState::Cancelled),
    ] {
        let link = create(&mock, &json!({"amount": 100, "currency": "JPY"})).await;
        let response = http()
            .post(format!(
                "{}/__mock/links/{}/complete",
                mock.base_url(),
                id_of(&link)
            ))
            .json(&json!({"outcome": outcome}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{outcome}");
        assert_eq!(mock.link(id_of(&link)).unwrap().state, state, "{outcome}");
    }
}

/// Item 6: any web page could drive the sandbox (a cross-origin `text/plain` POST to
/// `/__mock/faults` got 201), and any `Host` was served (DNS rebinding). Each form is refused,
/// on every kind of route; the page's own form post still works.
#[tokio::test]
async fn other_web_pages_and_rebound_names_are_refused() {
    let mock = MockServer::start().await.unwrap();
    let base = mock.base_url().to_string();
    let link = create(&mock, &json!({"amount": 100, "currency": "JPY"})).await;
    let page_url = link["url"].as_str().unwrap().to_string();

    // What a cross-origin form can send: text/plain or a form encoding, with its Origin.
    for (path, content_type) in [
        ("/__mock/faults", "text/plain"),
        ("/__mock/reset", "application/x-www-form-urlencoded"),
        ("/__mock/reset", "multipart/form-data; boundary=x"),
    ] {
        for origin in [Some("http://evil.example"), Some("null"), None] {
            let mut request = http()
                .post(format!("{base}{path}"))
                .header("content-type", content_type)
                .body(r#"{"count": 1, "status": 500}"#);
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{path} {content_type} {origin:?}: {status}"
            );
        }
    }
    // A foreign Origin is refused even with JSON (a page can send that after a preflight the
    // sandbox never grants, but it must not count on that), and on the page's form.
    let response = http()
        .post(format!("{base}/__mock/reset"))
        .header("content-type", "application/json")
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let cancel = [("action", "cancel")];
    let response = http()
        .post(&page_url)
        .header("origin", "http://evil.example")
        .form(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let faults: Vec<Value> = http()
        .get(format!("{base}/__mock/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(faults.is_empty() && mock.links().len() == 1, "{faults:?}");

    // A rebound name: the sandbox's own socket, another name.
    let port = mock.addr().port();
    let routes = [
        ("GET", format!("{base}/__mock/links")),
        ("GET", page_url.clone()),
        ("POST", format!("{base}{PATH}")),
    ];
    for host in [format!("rebound.example:{port}"), "127.0.0.1".to_string()] {
        for (method, url) in &routes {
            let mut request = http()
                .request(method.parse().unwrap(), url)
                .header("host", &host);
            for &(k, v) in AUTH.iter() {
                request = request.header(k, v);
            }
            let response = request.body("{}").send().await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "{method} {url} as {host}"
            );
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["code"], "unknown_host");
        }
    }
    assert_eq!(mock.links().len(), 1, "the rebound create made nothing");

    // The page's own form, from its own origin, as a browser sends it.
    let response = http()
        .post(&page_url)
        .header("origin", &base)
        .form(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = http()
        .post(format!("{base}/__mock/reset"))
        .header("content-type", "application/json")
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(mock.links().is_empty());
}

/// Item 9: `GET /__mock/links` of 10,000 links answered 23.5 MB and held a concurrent create
/// for 3 s. Listings are paged, parsed outside the lock, and creates stay fast while four
/// readers page through every link.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_large_listing_does_not_stall_creates() {
    let _turn = TIMED.lock().await;
    const LINKS: usize = 3000;
    let mock = MockServer::start().await.unwrap();
    let base = mock.base_url().to_string();
    let http = http();
    // Bulky bodies: every link holds about 3 KiB of request.
    let padding = "x".repeat(3000);
    let body = json!({"amount": 100, "currency": "JPY", "padding": padding}).to_string();
    let mut creating = tokio::task::JoinSet::new();
    for chunk in 0..20 {
        let (http, base, body) = (http.clone(), base.clone(), body.clone());
        creating.spawn(async move {
            for _ in 0..LINKS / 20 {
                let mut r = http.post(format!("{base}{PATH}")).body(body.clone());
                for &(k, v) in AUTH.iter() {
                    r = r.header(k, v);
                }
                assert_eq!(r.send().await.unwrap().status(), StatusCode::OK, "{chunk}");
            }
        });
    }
    creating.join_all().await;
    assert_eq!(mock.links().len(), LINKS);

    // One page by default, with the total and the next page named.
    let first = http
        .get(format!("{base}/__mock/links"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["x-total-count"], LINKS.to_string().as_str());
    assert_eq!(
        first.headers()["link"],
        "</__mock/links?offset=100&limit=100>; rel=\"next\""
    );
    assert_eq!(first.json::<Vec<Value>>().await.unwrap().len(), 100);
    for bad in ["limit=0", "limit=1001", "offset=-1", "limit=x", "unknown=1"] {
        let response = http
            .get(format!("{base}/__mock/links?{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }

    // Four readers page through everything, again and again, while creates are timed.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (http, base, stop) = (http.clone(), base.clone(), stop.clone());
        readers.spawn(async move {
            let mut pages = 0;
            while !stop.load(Ordering::SeqCst) {
                let mut offset = 0;
                while offset < LINKS {
                    let page = http
                        .get(format!("{base}/__mock/links?offset={offset}&limit=1000"))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(page.status(), StatusCode::OK);
                    assert!(page.bytes().await.unwrap().len() > 1000 * 3000);
                    offset += 1000;
                    pages += 1;
                }
            }
            pages
        });
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let started = Instant::now();
        let mut r = http.post(format!("{base}{PATH}")).body(r#"{"amount": 1}"#);
        for &(k, v) in AUTH.iter() {
            r = r.header(k, v);
        }
        assert_eq!(r.send().await.unwrap().status(), StatusCode::OK);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::SeqCst);
    let pages: usize = readers.join_all().await.into_iter().sum();
    eprintln!(
        "slowest of 20 creates next to four listing readers: {slowest:?} ({pages} pages of 1000 links)"
    );
    assert!(pages >= 4, "the readers did page ({pages} pages)");
    assert!(
        slowest < Duration::from_millis(100),
        "a create took {slowest:?} next to the listings"
    );
}

/// Reads from `socket` until the sandbox closes it (or `deadline`): what it answered.
async fn read_until_closed(
    socket: &mut tokio::net::TcpStream,
    deadline: Instant,
) -> Option<String> {
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, socket.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(String::from_utf8_lossy(&answer).into_owned()),
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
        }
    }
}

/// Item 5: 257 sockets sending a body one byte per second made every route answer 503 for as
/// long as they lasted, and 3,000 sockets that sent one byte stayed open 42 s and more. Here
/// 300 slow bodies and 2,000 one-byte sockets: a normal create still answers within 100 ms, the
/// slow bodies get 408 at `body_read_timeout`, and the silent sockets are closed at
/// `header_read_timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_do_not_starve_a_normal_create() {
    let _turn = TIMED.lock().await;
    const SLOW_BODIES: usize = 300;
    const ONE_BYTE: usize = 2000;
    const TIMEOUT: Duration = Duration::from_secs(10);
    // Room for every attacker: the timeouts, not the connection limit, are under test.
    let mock = MockServer::start_with(
        MockConfig::default()
            .with_header_read_timeout(TIMEOUT)
            .with_body_read_timeout(TIMEOUT)
            .with_max_connections(SLOW_BODIES + ONE_BYTE + 100),
    )
    .await
    .unwrap();
    let addr = mock.addr();
    let started = Instant::now();

    // In batches, each accepted before the next: the listen queue is finite, and a connection
    // the kernel dropped from it would never reach the sandbox.
    let mut silent = Vec::new();
    for batch in 0..ONE_BYTE / 500 {
        let mut connecting = tokio::task::JoinSet::new();
        for _ in 0..500 {
            connecting.spawn(async move {
                use tokio::io::AsyncWriteExt;
                let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
                socket.write_all(b"P").await.unwrap();
                socket
            });
        }
        silent.extend(connecting.join_all().await);
        let deadline = Instant::now() + Duration::from_secs(5);
        while mock.open_connections() < (batch + 1) * 500 {
            assert!(
                Instant::now() < deadline,
                "{} connections",
                mock.open_connections()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let mut slow = tokio::task::JoinSet::new();
    for _ in 0..SLOW_BODIES {
        slow.spawn(async move {
            use tokio::io::AsyncWriteExt;
            let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "POST {PATH} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Basic k\r\n\
                 x-api-key: k\r\ncontent-type: application/json\r\ncontent-length: 16000\r\n\r\n{{"
            );
            socket.write_all(head.as_bytes()).await.unwrap();
            // One byte every half second, while the sandbox listens.
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut buf = [0u8; 1024];
            loop {
                tokio::select! {
                    read = socket.read(&mut buf) => {
                        let n = read.unwrap_or(0);
                        let answer = String::from_utf8_lossy(&buf[..n]).into_owned();
                        return (answer, read_until_closed(&mut socket, deadline).await.is_some());
                    }
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {
                        if socket.write_all(b" ").await.is_err() || Instant::now() > deadline {
                            return (String::new(), true);
                        }
                    }
                }
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.open_connections() < SLOW_BODIES + ONE_BYTE {
        assert!(
            Instant::now() < deadline,
            "{} connections",
            mock.open_connections()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let set_up = started.elapsed();

    // During the attack: normal creates.
    let client = http();
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let begun = Instant::now();
        let mut r = client.post(format!("{}{PATH}", mock.base_url())).body("{}");
        for &(k, v) in AUTH.iter() {
            r = r.header(k, v);
        }
        let status = r.send().await.unwrap().status();
        slowest = slowest.max(begun.elapsed());
        assert_eq!(status, StatusCode::OK);
    }
    let during = started.elapsed();
    eprintln!(
        "{SLOW_BODIES} slow bodies and {ONE_BYTE} one-byte sockets (set up in {set_up:?}): \
         slowest of 10 creates {slowest:?}"
    );
    assert!(
        during < TIMEOUT,
        "the creates ran after the first attackers were cut off ({during:?})"
    );
    assert!(
        slowest < Duration::from_millis(100),
        "a create took {slowest:?} during the attack"
    );

    // The attackers are cut off at the timeouts.
    let deadline = Instant::now() + TIMEOUT + Duration::from_secs(5);
    for mut socket in silent {
        assert!(
            read_until_closed(&mut socket, deadline).await.is_some(),
            "a one-byte socket is still open {:?} after it connected",
            started.elapsed()
        );
    }
    for (answer, closed) in slow.join_all().await {
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("request_timeout"), "{answer}");
        assert!(closed, "a slow body's connection stayed open");
    }
    let cut_off = started.elapsed();
    eprintln!("every attacker cut off {cut_off:?} after the first connected");
    assert!(mock.links().len() == 10);
}

/// At `max_connections`, a new connection closes the one silent for longest instead of being
/// refused: sockets held open without a request cannot lock normal clients out.
#[tokio::test]
async fn at_the_connection_limit_the_idlest_makes_room() {
    let _turn = TIMED.lock().await;
    use tokio::io::AsyncWriteExt;
    const MAX: usize = 50;
    let mock = MockServer::start_with(MockConfig::default().with_max_connections(MAX))
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..MAX {
        let mut socket = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
        socket.write_all(b"P").await.unwrap();
        held.push(socket);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while mock.open_connections() < MAX {
        assert!(Instant::now() < deadline, "{}", mock.open_connections());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let begun = Instant::now();
    let mut r = http().post(format!("{}{PATH}", mock.base_url())).body("{}");
    for &(k, v) in AUTH.iter() {
        r = r.header(k, v);
    }
    assert_eq!(r.send().await.unwrap().status(), StatusCode::OK);
    // Served at once rather than after a held socket times out (the head read timeout is
    // seconds): the bound leaves room for a loaded machine, it measures no performance.
    assert!(
        begun.elapsed() < Duration::from_secs(2),
        "{:?}",
        begun.elapsed()
    );
    // The oldest held socket was the one closed.
    let closed = read_until_closed(&mut held[0], Instant::now() + Duration::from_secs(2)).await;
    assert!(closed.is_some(), "the idlest connection is still open");
    assert!(mock.open_connections() <= MAX);
}

/// A kept-alive connection with nothing to do is closed at `idle_timeout`; one whose request
/// is still being handled (here held by a delay fault) is not.
#[tokio::test]
async fn idle_connections_are_closed_busy_ones_are_not() {
    use tokio::io::AsyncWriteExt;
    let idle = Duration::from_millis(500);
    let mock = MockServer::start_with(
        MockConfig::default()
            .with_idle_timeout(idle)
            .with_header_read_timeout(Duration::from_secs(30)),
    )
    .await
    .unwrap();
    let addr = mock.addr();
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let get = format!("GET /__mock/faults HTTP/1.1\r\nhost: {addr}\r\n\r\n");
    socket.write_all(get.as_bytes()).await.unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut socket, started + Duration::from_secs(5))
        .await
        .expect("closed when idle");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let took = started.elapsed();
    assert!(took >= idle && took < idle * 4, "closed after {took:?}");

    mock.inject_fault(Fault {
        count: 1,
        delay_ms: 3 * idle.as_millis() as u64,
        ..Fault::default()
    });
    let mut r = http().post(format!("{}{PATH}", mock.base_url())).body("{}");
    for &(k, v) in AUTH.iter() {
        r = r.header(k, v);
    }
    let response = r.send().await.expect("a busy connection is kept");
    assert_eq!(response.status(), StatusCode::OK);
}

/// Item 7: `javascript:` and `data:` return URLs were accepted and answered with
/// `303 Location: javascript:...`. The spec now says http(s), so the sandbox refuses them.
#[tokio::test]
async fn return_urls_must_be_web_addresses() {
    let mock = MockServer::start().await.unwrap();
    for field in ["success_url", "decline_url", "cancel_url", "webhook_url"] {
        for url in [
            "javascript:alert(document.cookie)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://files.example/x",
            "//shop.example/ok",
        ] {
            let body = json!({"return_url": {field: url}}).to_string();
            let (status, error) = post(&mock, &AUTH, body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field} {url}: {error}");
            assert_eq!(error["field"], format!("return_url.{field}"), "{error}");
        }
        for url in ["https://shop.example/ok", "HTTP://shop.example/ok"] {
            create(&mock, &json!({"return_url": {field: url}})).await;
        }
    }
    assert_eq!(mock.links().len(), 8);
}
