//! A key a server echoes JSON-escaped must not come out once decoded. In its own test binary:
//! `secrets.rs` installs a thread-local TRACE subscriber, and a test running beside it in the
//! same process could leave tracing's per-callsite cache saying "disabled" for its spans.

use std::time::Duration;

use paymentoptions_hpp::{Client, Error, LinkRequest};
use paymentoptions_hpp_testkit::{Reply, TestServer};

/// A server that echoes the key JSON-escaped (`\/`, as PHP writes a slash, or `\uXXXX`) must
/// not get it, decoded, into an error: keys with `/` and `+` are common (base64).
#[tokio::test]
async fn a_key_escaped_in_json_is_redacted_after_decoding() {
    const KEY: &str = "CANARY/abc+123==";
    const X_KEY: &str = "CANARY/x+key==";
    let server = TestServer::start().await;
    let client = Client::builder()
        .api_key(KEY)
        .x_api_key(X_KEY)
        .base_url(&server.base_url())
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();
    let slash = |k: &str| k.replace('/', "\\/");
    let unicode =
        |k: &str| -> String { k.chars().map(|c| format!("\\u{:04x}", c as u32)).collect() };
    let json = |status: u16, body: String| Reply::raw(status, "application/json", body);
    let replies = [
        // The escaped key in `message`, and in a body without `message` (shown raw).
        json(400, format!("{{\"message\": \"key {}\"}}", slash(KEY))),
        json(400, format!("{{\"detail\": \"{}\"}}", slash(X_KEY))),
        json(401, format!("{{\"message\": \"{}\"}}", unicode(KEY))),
        json(502, format!("{{\"echo\": [\"{}\"]}}", unicode(X_KEY))),
        // A 2xx the decoder refuses: serde names the decoded value in its message.
        json(200, format!("{{\"id\": 1, \"url\": \"{}\"}}", slash(KEY))),
        json(200, format!("{{\"id\": \"{}\"}}", unicode(KEY))),
        // Mixed: some characters escaped, some not.
        Reply::raw(400, "text/plain", "CANARY\\u002fabc\\u002B123=="),
    ];
    let leaks = |what: &str, text: &str| {
        for key in [KEY, X_KEY] {
            assert!(!text.contains(key), "{what} leaks {key}: {text}");
            assert!(
                !text.contains(&slash(key)),
                "{what} leaks {key} escaped: {text}"
            );
            assert!(
                !text.contains(&unicode(key)),
                "{what} leaks {key} escaped: {text}"
            );
        }
    };
    for reply in replies {
        server.push_reply(reply);
        let err = client.create_link(&request).await.unwrap_err();
        leaks("Display", &err.to_string());
        leaks("Debug", &format!("{err:?}"));
        if let Error::Api(api) = &err {
            let body = api.body_text();
            leaks("ApiError::body", &body);
            leaks("ApiError::message", api.message().unwrap_or_default());
            // Whoever decodes the body finds no key either.
            if let Ok(decoded) = serde_json::from_str::<serde_json::Value>(&body) {
                leaks("the decoded body", &format!("{decoded:?}"));
            }
            assert!(body.contains("[redacted]"), "{body}");
        } else {
            assert!(matches!(err, Error::Decode(_)), "{err:?}");
        }
    }
}
