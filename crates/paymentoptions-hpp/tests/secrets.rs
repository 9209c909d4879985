//! A canary key goes through every path that could print it; it must never come out.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymentoptions_hpp::{Client, ClientBuilder, Error, LinkRequest, RetryPolicy};
use paymentoptions_hpp_testkit::{Reply, TestServer, refused_port};
use serde_json::json;

const CANARY: &str = "canary-KEY-5f3a9c";
const X_CANARY: &str = "canary-XKEY-77e1";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `printf '%s' <text> | base64`: `canary-KEY-5f3a9c`, `canary-KEY-5f3a9c:` and
/// `merchant:canary-XKEY-77e1`.
const CANARY_B64: &str = "Y2FuYXJ5LUtFWS01ZjNhOWM=";
const CANARY_COLON_B64: &str = "Y2FuYXJ5LUtFWS01ZjNhOWM6";
const USER_X_CANARY_B64: &str = "bWVyY2hhbnQ6Y2FuYXJ5LVhLRVktNzdlMQ==";

/// Every byte percent-encoded.
fn percent(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} leaks the API key: {text}");
    assert!(
        !text.contains(X_CANARY),
        "{what} leaks the x-api-key: {text}"
    );
    for encoded in [
        CANARY_B64.to_string(),
        CANARY_COLON_B64.to_string(),
        USER_X_CANARY_B64.to_string(),
        percent(CANARY),
        percent(X_CANARY),
    ] {
        assert!(
            !text.contains(&encoded),
            "{what} leaks a key encoded as {encoded}: {text}"
        );
    }
}

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(CANARY)
        .x_api_key(X_CANARY)
        .base_url(base_url)
        .timeout(Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
}

#[tokio::test]
async fn the_key_never_appears_in_debug_display_errors_or_traces() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A callsite first reached by a test on another thread (no subscriber) may have cached "never
    // enabled" before this subscriber was registered.
    tracing::callsite::rebuild_interest_cache();

    let server = TestServer::start().await;
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();
    let mut outputs: Vec<(String, String)> = Vec::new();

    let b = builder(&server.base_url());
    outputs.push(("ClientBuilder Debug".into(), format!("{b:?}")));
    let client = b.build().unwrap();
    outputs.push(("Client Debug".into(), format!("{client:?}")));

    let replies = [
        Reply::json(400, json!({"message": "bad"})),
        Reply::json(401, json!({"message": "who are you"})),
        Reply::raw(502, "text/html", "<html>bad gateway</html>"),
        Reply::raw(200, "application/json", "{not json"),
        Reply::json(200, json!({})).delay(Duration::from_secs(3)),
        // A proxy that echoes the request headers back in its error page.
        Reply::raw(
            400,
            "text/plain",
            format!("echo: authorization: Basic {CANARY}; x-api-key: {X_CANARY}"),
        ),
        Reply::raw(200, "application/json", format!("{{\"id\": \"{CANARY}\"}}")),
        // The same, encoded: base64 (`Basic`, with and without a user name) and percent.
        Reply::raw(
            400,
            "text/plain",
            format!(
                "echo: authorization: Basic {CANARY_B64}, Basic {CANARY_COLON_B64}; \
                 proxy-authorization: Basic {USER_X_CANARY_B64}"
            ),
        ),
        Reply::json(
            400,
            json!({"message": format!("?key={}&x={}", percent(CANARY), percent(X_CANARY))}),
        ),
        Reply::raw(
            200,
            "application/json",
            format!("{{\"id\": \"{CANARY_B64}\", \"url\": 1}}"),
        ),
    ];
    for reply in replies {
        server.push_reply(reply);
        let err = client.create_link(&request).await.unwrap_err();
        outputs.push((format!("{err:?} Display"), err.to_string()));
        outputs.push(("error Debug".into(), format!("{err:?}")));
        if let Error::Api(api) = &err {
            outputs.push(("ApiError::body".into(), api.body_text()));
        }
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            outputs.push(("error source".into(), format!("{s} / {s:?}")));
            source = s.source();
        }
    }
    let refused = builder(&format!("http://127.0.0.1:{}", refused_port()))
        .build()
        .unwrap();
    let err = refused.create_link(&request).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)));
    outputs.push(("connect error".into(), format!("{err} / {err:?}")));

    let config_errors = [
        Client::builder()
            .api_key(CANARY)
            .base_url("http://example.com")
            .build()
            .unwrap_err(),
        Client::builder()
            .api_key(format!("{CANARY}\n"))
            .build()
            .unwrap_err(),
        Client::builder()
            .api_key(CANARY)
            .proxy("::")
            .build()
            .unwrap_err(),
    ];
    for err in config_errors {
        outputs.push(("config error".into(), format!("{err} / {err:?}")));
    }

    drop(_guard);
    let traces = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        traces.contains("paymentoptions_hpp.request"),
        "no span recorded: {traces}"
    );
    outputs.push(("TRACE output".into(), traces));
    for (what, text) in &outputs {
        assert_clean(what, text);
    }
    // The server did receive the keys: the canary was really used.
    let x_api_key = paymentoptions_hpp_testkit::auth_header("xApiKey");
    assert_eq!(
        server.requests()[0].header(x_api_key.header),
        Some(format!("{}{X_CANARY}", x_api_key.prefix).as_str())
    );
}
