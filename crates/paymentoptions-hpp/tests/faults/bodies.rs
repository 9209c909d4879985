//! Bodies that break: cut short, truncated JSON, over the size limit, or mislabelled.

use super::*;

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
/// HTML error page behind a 200) still fails, as a decode error (see `tests/http/`).
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
