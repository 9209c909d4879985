//! Fault injection against servers on 127.0.0.1: what the client does when the server is slow,
//! hangs up, lies about its body, sends too much, redirects, or speaks HTTP/2. Each case asserts
//! the exact [`Error`] it maps to. Faults an HTTP server cannot produce (a reset mid-body, a
//! body cut short of its `Content-Length`) are written byte by byte with [`RawServer`].
//!
//! `tests/http.rs` covers the plain cases (a slow head through the scripted server, a 307, a
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

#[tokio::test]
async fn a_response_head_that_never_comes_is_a_timeout_resent_only_on_opt_in() {
    let server = silent_server().await;
    let client = client_for(&server.base_url())
        .timeout(Duration::from_millis(250))
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");
    assert_eq!(response_status(&err), None, "no head arrived");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the timeout did not fire"
    );
    assert!(err.may_have_reached_server());
    assert!(err.is_retryable());
    assert_eq!(attempts(&err), 1);
    assert_eq!(server.requests().len(), 1, "the default policy re-sent it");
    assert_eq!(
        server.requests()[0].request_line(),
        format!("POST {PATH} HTTP/1.1"),
        "the request was sent whole before the wait"
    );

    // Opting in to transient retries re-sends it: that is what the opt-in means.
    let eager = client_for(&server.base_url())
        .timeout(Duration::from_millis(250))
        .retry_policy(transient_retries())
        .build()
        .unwrap();
    let err = eager.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert_eq!(attempts(&err), 3);
    assert_eq!(server.requests().len(), 1 + 3);
}

/// The total timeout (`ClientBuilder::timeout`) covers reading the body too, and reqwest flags
/// its expiry as a timeout at that stage as well, so a stalled body is `Timeout`, not `Other`,
/// whatever the status: a 502 whose body stalls is a timeout, not an API error (its body was
/// never read whole). The head's status is kept on the error (`response_status`): after a 2xx
/// head the link was most likely created.
#[tokio::test]
async fn a_body_that_stalls_after_the_head_is_a_timeout() {
    // Through the scripted HTTP server: the head at once, the (chunked) body after 5 s.
    let server = TestServer::start().await;
    server.push_reply(
        Reply::raw(200, "application/json", link_response()).body_delay(Duration::from_secs(5)),
    );
    server.push_reply(
        Reply::raw(502, "text/html", "<html>bad gateway</html>").body_delay(Duration::from_secs(5)),
    );
    let client = client_for(&server.base_url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    for status in [200, 502] {
        let started = Instant::now();
        let err = client.create_link(&request()).await.unwrap_err();
        assert_eq!(
            transport_kind(&err),
            TransportErrorKind::Timeout,
            "{status}: {err}"
        );
        assert!(started.elapsed() < Duration::from_secs(4), "{status}");
        assert_eq!(
            err.status(),
            None,
            "{status}: no status for a body never read"
        );
        assert_eq!(
            response_status(&err),
            Some(status),
            "{status}: but the head's status is kept"
        );
        assert!(
            err.to_string()
                .contains(&format!("while reading the body of a {status} response")),
            "{err}"
        );
        assert!(err.may_have_reached_server());
    }

    // Byte-exact: Content-Length 2000, 10 bytes of it, then nothing.
    let raw = RawServer::start(|_request, mut stream| async move {
        let head = response_head(
            200,
            &[
                ("content-type", "application/json"),
                ("content-length", "2000"),
            ],
        );
        let _ = stream.write_all(&head).await;
        let _ = stream.write_all(b"{\"id\": \"f4").await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = client_for(&raw.base_url())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");
    assert_eq!(response_status(&err), Some(200));
    assert_eq!(attempts(&err), 1);
    assert_eq!(raw.requests().len(), 1, "not re-sent by default");
}

/// The server promises 4096 bytes, sends the head and 100 of them, then hangs up: with an
/// orderly close (FIN: hyper reports the body as incomplete) and with a reset (RST: the read
/// fails with "connection reset"). Either way the client cannot know whether the link was
/// created, so the error is `Other`, says it may have reached the server, and the default
/// policy does not re-send it.
#[tokio::test]
async fn a_connection_lost_mid_body_is_other_and_not_resent_by_default() {
    for hard_reset in [false, true] {
        let server = RawServer::start(move |_request, mut stream| async move {
            let head = response_head(
                200,
                &[
                    ("content-type", "application/json"),
                    ("content-length", "4096"),
                ],
            );
            let mut partial = link_response();
            partial.truncate(100);
            let _ = stream.write_all(&head).await;
            let _ = stream.write_all(&partial).await;
            let _ = stream.flush().await;
            if hard_reset {
                reset(stream);
            }
        })
        .await;
        let how = if hard_reset { "reset" } else { "close" };

        let client = client_for(&server.base_url())
            .retry_policy(RetryPolicy::default())
            .build()
            .unwrap();
        let err = client.create_link(&request()).await.unwrap_err();
        assert_eq!(
            transport_kind(&err),
            TransportErrorKind::Other,
            "{how}: {err}"
        );
        assert!(err.may_have_reached_server(), "{how}");
        assert!(err.is_retryable(), "{how}");
        assert_eq!(attempts(&err), 1, "{how}");
        assert_eq!(err.status(), None, "{how}");
        assert_eq!(
            response_status(&err),
            Some(200),
            "{how}: the head had arrived"
        );
        assert!(
            err.to_string()
                .starts_with("the exchange with PaymentOptions failed"),
            "{how}: {err}"
        );
        assert_eq!(server.requests().len(), 1, "{how}: re-sent by default");

        let eager = client_for(&server.base_url())
            .retry_policy(transient_retries())
            .build()
            .unwrap();
        let err = eager.create_link(&request()).await.unwrap_err();
        assert_eq!(transport_kind(&err), TransportErrorKind::Other, "{how}");
        assert_eq!(attempts(&err), 3, "{how}: the opt-in re-sends it");
        assert_eq!(server.requests().len(), 1 + 3, "{how}");
    }
}

/// A body that ends early but honestly (its `Content-Length` is its real, short length): the
/// transport is fine, the JSON is not, and the error names where the JSON broke off.
#[tokio::test]
async fn truncated_json_with_a_matching_content_length_is_a_decode_error_with_a_path() {
    let head = format!("{{\"id\": \"{LINK_ID}\", \"url\": \"https://checkout.example/p/1\"");
    let cases: Vec<(String, &str, &str)> = vec![
        // Nothing at all.
        (String::new(), ".", "EOF while parsing a value"),
        // Inside the second field's value.
        (
            format!("{{\"id\": \"{LINK_ID}\", \"url\": \"https://chec"),
            "url",
            "EOF while parsing a string",
        ),
        // Inside a nested object.
        (
            format!("{head}, \"billing_address\": {{\"country\": \"JP\", \"city\": \"Shinj"),
            "billing_address.city",
            "EOF while parsing a string",
        ),
        // Between fields (after a comma, or with only the closing brace missing) there is no
        // field to name: the error is about the body itself, `.`.
        (format!("{head},"), ".", "EOF while parsing a value"),
        (head.clone(), ".", "EOF while parsing an object"),
    ];
    let bodies: Arc<Mutex<VecDeque<Vec<u8>>>> = Arc::new(Mutex::new(
        cases
            .iter()
            .map(|(b, _, _)| b.clone().into_bytes())
            .collect(),
    ));
    let queue = bodies.clone();
    let server = RawServer::start(move |_request, mut stream| {
        let body = queue.lock().unwrap().pop_front().unwrap_or_default();
        async move {
            let length = body.len().to_string();
            let head = response_head(
                200,
                &[
                    ("content-type", "application/json"),
                    ("content-length", &length),
                ],
            );
            let _ = stream.write_all(&head).await;
            let _ = stream.write_all(&body).await;
        }
    })
    .await;
    let client = client_for(&server.base_url()).build().unwrap();
    for (body, path, message) in &cases {
        let err = client.create_link(&request()).await.unwrap_err();
        let Error::Decode(d) = &err else {
            panic!("{body:?}: {err:?}")
        };
        assert_eq!(d.status(), 200, "{body:?}");
        assert_eq!(d.path(), *path, "{body:?}: {d}");
        assert!(d.message().contains(message), "{body:?}: {d}");
        assert_eq!(d.body_snippet(), body.as_str());
        assert!(err.may_have_reached_server());
        assert!(
            !err.is_retryable(),
            "a broken 2xx body is not fixed by asking again"
        );
    }
    assert_eq!(server.requests().len(), cases.len());
}

/// A 10 MB body, streamed slowly (64 KiB every 5 ms, so the whole of it would take over 0.8 s):
/// the client stops at `max_response_bytes` (1 MiB by default), returns, and hangs up, so the
/// server's next write fails long before it has written 10 MB. For a 2xx the body is then a
/// decode error (refused on its `Content-Length` alone: see the next test); for an error status
/// it is an API error with the first 1 MiB of the body.
#[tokio::test]
async fn a_10_mb_body_is_cut_at_the_limit_without_reading_the_rest() {
    const TOTAL: usize = 10 * 1000 * 1000;
    const CHUNK: usize = 64 * 1024;
    for status in [200u16, 502] {
        let written = Arc::new(AtomicUsize::new(0));
        let (done, finished) = tokio::sync::mpsc::unbounded_channel::<(usize, Option<String>)>();
        let counter = written.clone();
        let server = RawServer::start(move |_request, mut stream| {
            let counter = counter.clone();
            let done = done.clone();
            async move {
                let length = TOTAL.to_string();
                let head = response_head(
                    status,
                    &[
                        ("content-type", "application/json"),
                        ("content-length", &length),
                    ],
                );
                let mut failure = stream.write_all(&head).await.err().map(|e| e.to_string());
                // JSON whitespace: had the client read it all, it would still not be a link.
                let chunk = vec![b' '; CHUNK];
                let mut sent = 0;
                while failure.is_none() && sent < TOTAL {
                    let n = CHUNK.min(TOTAL - sent);
                    match stream.write_all(&chunk[..n]).await {
                        Ok(()) => {
                            sent += n;
                            counter.store(sent, Ordering::SeqCst);
                        }
                        Err(e) => failure = Some(e.to_string()),
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                let _ = done.send((sent, failure));
            }
        })
        .await;
        let client = client_for(&server.base_url()).build().unwrap();

        let started = Instant::now();
        let err = client.create_link(&request()).await.unwrap_err();
        let took = started.elapsed();
        let at_return = written.load(Ordering::SeqCst);
        match &err {
            Error::Decode(d) if status == 200 => {
                assert_eq!(d.status(), 200);
                assert_eq!(d.path(), ".");
                assert!(d.message().contains("1048576-byte limit"), "{d}");
            }
            Error::Api(e) if status == 502 => {
                assert_eq!(e.body().len(), MIB, "error bodies are cut at the limit");
            }
            other => panic!("{status}: {other:?}"),
        }
        assert!(
            at_return < 4 * MIB,
            "{status}: the server had written {at_return} bytes when the client returned \
             after {took:?}"
        );

        // The client hung up: the server's next write fails, far short of 10 MB.
        let (total, failure) = tokio::time::timeout(Duration::from_secs(10), {
            let mut finished = finished;
            async move { finished.recv().await.unwrap() }
        })
        .await
        .expect("the server neither finished nor failed");
        assert!(
            failure.is_some(),
            "{status}: the server wrote all {total} bytes: the client kept reading"
        );
        assert!(
            total < 4 * MIB,
            "{status}: the server wrote {total} bytes before the client hung up"
        );
        eprintln!(
            "{status}: returned after {took:?}; the server wrote {at_return} bytes by then, \
             {total} in all, then: {}",
            failure.unwrap()
        );
    }
}

/// A 2xx whose `Content-Length` is over `max_response_bytes` is refused from its head: the
/// server here sends the head and then nothing for 30 s, so reading any of the body would end
/// in the 5 s timeout instead of this decode error.
#[tokio::test]
async fn a_2xx_announcing_a_body_over_the_limit_is_refused_before_reading_it() {
    let raw = RawServer::start(|_request, mut stream| async move {
        let head = response_head(
            200,
            &[
                ("content-type", "application/json"),
                ("content-length", "10000000"),
            ],
        );
        let _ = stream.write_all(&head).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = client_for(&raw.base_url())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.create_link(&request()).await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert!(started.elapsed() < Duration::from_secs(4), "{err}");
    assert_eq!(d.status(), 200);
    assert_eq!(d.path(), ".");
    assert!(
        d.message()
            .contains("1048576-byte limit (Content-Length: 10000000)"),
        "{d}"
    );
    assert_eq!(d.body_snippet(), "", "nothing of the body was read");
    assert!(!err.is_retryable());
}

/// The wrapper ignores `Content-Type` on 2xx answers and decodes the body: a link the server
/// did create is returned even when a proxy relabels it, and a body that is not a link (an
/// HTML error page behind a 200) still fails, as a decode error (see `tests/http.rs`).
/// Refusing on the label alone would turn a created link into an error, and a caller retrying
/// that error would create a duplicate.
#[tokio::test]
async fn a_link_labelled_text_html_or_unlabelled_is_still_decoded() {
    let server = TestServer::start().await;
    server.push_reply(Reply::raw(200, "text/html; charset=utf-8", link_response()));
    let mut unlabelled = Reply::raw(200, "", link_response());
    unlabelled.headers.clear();
    server.push_reply(unlabelled);
    let client = client_for(&server.base_url()).build().unwrap();
    for label in ["text/html", "none"] {
        let link = client.create_link(&request()).await.unwrap();
        assert_eq!(link.id().to_string(), LINK_ID, "{label}");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r.header("accept") == Some("application/json"))
    );
}

/// Every redirect status is returned as an API error and never followed, whether it points to
/// another host (`localhost` instead of `127.0.0.1`), to the same host on another port, or to
/// another path of the same server: no request (and so no key) reaches the target.
#[tokio::test]
async fn redirects_of_every_kind_are_returned_not_followed() {
    let elsewhere = TestServer::start().await;
    let server = TestServer::start().await;
    let port = elsewhere.addr().port();
    let targets = [
        ("another host", format!("http://localhost:{port}{PATH}")),
        (
            "same host, other port",
            format!("http://127.0.0.1:{port}{PATH}"),
        ),
        (
            "same server, other path",
            format!("{}/moved{PATH}", server.base_url()),
        ),
        ("relative", "/moved".to_string()),
    ];
    let client = client_for(&server.base_url()).build().unwrap();
    let mut sent = 0;
    for status in [301u16, 302, 303, 307, 308] {
        for (what, location) in &targets {
            if status == 307 && *what == "same host, other port" {
                continue; // tests/http.rs
            }
            server
                .push_reply(Reply::raw(status, "text/plain", "moved").header("location", location));
            let err = client.create_link(&request()).await.unwrap_err();
            sent += 1;
            let Error::Api(e) = &err else {
                panic!("{status} to {what}: {err:?}")
            };
            assert_eq!(e.status(), status, "{what}");
            assert!(!err.is_retryable(), "{status} {what}");
            assert!(err.may_have_reached_server());
            assert_eq!(
                server.requests().len(),
                sent,
                "{status} to {what} was followed"
            );
        }
    }
    assert!(
        elsewhere.requests().is_empty(),
        "a redirect was followed to another port or host"
    );
    assert!(server.requests().iter().all(|r| r.path == PATH));

    // Control: the target is reachable, so the assertions above are not vacuous. A client that
    // does follow redirects gets there (and would have carried `x-api-key`).
    server.push_reply(Reply::raw(307, "text/plain", "moved").header("location", &targets[0].1));
    let following = reqwest::Client::builder().no_proxy().build().unwrap();
    let answer = following
        .post(format!("{}{PATH}", server.base_url()))
        .header(auth_header("xApiKey").header, KEY)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let followed = elsewhere.requests();
    assert_eq!(followed.len(), 1);
    // Why the wrapper follows none: on a cross-host redirect reqwest drops `Authorization` but
    // knows nothing of `x-api-key`, which would reach the other host.
    assert_eq!(followed[0].header(auth_header("xApiKey").header), Some(KEY));
}

#[tokio::test]
async fn http1_by_default_and_http2_with_prior_knowledge() {
    let server = TestServer::start().await;
    server.set_default_reply(Reply::raw(200, "application/json", link_response()));
    let expected = serde_json::to_value(request().as_model()).unwrap();
    for (builder, version) in [
        (client_for(&server.base_url()), "HTTP/1.1"),
        (
            client_for(&server.base_url()).http2_prior_knowledge(),
            "HTTP/2.0",
        ),
    ] {
        let client = builder.build().unwrap();
        let link = client.create_link(&request()).await.unwrap();
        assert_eq!(link.id().to_string(), LINK_ID, "{version}");
        let recorded = server.requests().pop().unwrap();
        assert_eq!(recorded.version, version);
        assert_eq!(recorded.method, "POST");
        assert_eq!(recorded.path, PATH);
        recorded.assert_auth(KEY);
        assert_eq!(recorded.header("content-type"), Some("application/json"));
        assert_eq!(recorded.json(), expected, "{version}");
    }
}

/// Over HTTP/2 every kind of answer maps to the same error as over HTTP/1.1.
#[tokio::test]
async fn over_http2_errors_map_as_over_http1() {
    let server = TestServer::start().await;
    let client = client_for(&server.base_url())
        .http2_prior_knowledge()
        .timeout(Duration::from_millis(300))
        .max_response_bytes(1024)
        .build()
        .unwrap();

    server.push_reply(Reply::json(
        400,
        json!({"message": "bad", "field": "amount", "code": 1001}),
    ));
    let Error::Api(e) = client.create_link(&request()).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(e.status(), 400);
    assert_eq!(e.error_body().unwrap().field.as_deref(), Some("amount"));

    server.push_reply(Reply::raw(
        200,
        "application/json",
        format!("{{\"id\": \"{LINK_ID}"),
    ));
    let Error::Decode(d) = client.create_link(&request()).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(d.path(), "id");

    server.push_reply(Reply::raw(200, "application/json", vec![b' '; 4096]));
    let Error::Decode(d) = client.create_link(&request()).await.unwrap_err() else {
        panic!()
    };
    assert!(d.message().contains("1024-byte limit"), "{d}");

    server.push_reply(
        Reply::raw(200, "application/json", link_response()).delay(Duration::from_secs(5)),
    );
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");

    server.push_reply(
        Reply::raw(200, "application/json", link_response()).body_delay(Duration::from_secs(5)),
    );
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout, "{err}");

    server.push_reply(Reply::raw(307, "text/plain", "moved").header("location", "/elsewhere"));
    assert_eq!(
        client.create_link(&request()).await.unwrap_err().status(),
        Some(307)
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    assert!(requests.iter().all(|r| r.version == "HTTP/2.0"));
}

/// Prior knowledge means exactly that: a server that only speaks HTTP/1.1 receives the HTTP/2
/// connection preface and the request fails. The preface did reach the server, so the error is
/// not a connect error.
#[tokio::test]
async fn http2_prior_knowledge_against_an_http1_only_server_fails() {
    let server = RawServer::start(|_request, mut stream| async move {
        let head = response_head(400, &[("content-length", "0")]);
        let _ = stream.write_all(&head).await;
    })
    .await;
    let client = client_for(&server.base_url())
        .http2_prior_knowledge()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.create_link(&request()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Other, "{err}");
    assert!(err.may_have_reached_server());
    assert_eq!(server.requests()[0].request_line(), "PRI * HTTP/2.0");
}
