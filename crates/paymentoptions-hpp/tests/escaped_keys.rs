//! A key a server echoes JSON-escaped must not come out once decoded. In its own test binary:
//! `secrets.rs` installs a thread-local TRACE subscriber, and a test running beside it in the
//! same process could leave tracing's per-callsite cache saying "disabled" for its spans.

use std::time::Duration;

use paymentoptions_hpp::{Client, Error, LinkRequest};
use paymentoptions_hpp_testkit::{Reply, TestServer};

/// The canaries: keys with `/` and `+`, which every encoding changes.
const KEY: &str = "CANARY/abc+123==";
const X_KEY: &str = "CANARY/x+key==";

/// A server, a client with the canary keys pointed at it, and a request to send.
async fn canary_client() -> (TestServer, Client, LinkRequest) {
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
    (server, client, request)
}

/// A server that echoes the key JSON-escaped (`\/`, as PHP writes a slash, or `\uXXXX`) must
/// not get it, decoded, into an error: keys with `/` and `+` are common (base64).
#[tokio::test]
async fn a_key_escaped_in_json_is_redacted_after_decoding() {
    let (server, client, request) = canary_client().await;
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

/// A key a proxy echoes percent-encoded (a query string, a form) or base64-encoded (the
/// `Authorization: Basic` form, alone or after a user name) must not reach an error, nor the
/// raw body of a transaction.
#[tokio::test]
async fn a_key_percent_or_base64_encoded_is_redacted() {
    // `printf '%s' <text> | base64`: `CANARY/abc+123==`, `m:CANARY/abc+123==`,
    // `CANARY/x+key==` and `CANARY/x+key==:`.
    const KEY_B64: &str = "Q0FOQVJZL2FiYysxMjM9PQ==";
    const USER_KEY_B64: &str = "bTpDQU5BUlkvYWJjKzEyMz09";
    const X_KEY_B64: &str = "Q0FOQVJZL3gra2V5PT0=";
    const X_KEY_COLON_B64: &str = "Q0FOQVJZL3gra2V5PT06";
    let percent = |k: &str| -> String { k.bytes().map(|b| format!("%{b:02X}")).collect() };
    let forms = [
        KEY.to_string(),
        X_KEY.to_string(),
        percent(KEY),
        percent(X_KEY),
        "CANARY%2Fabc%2B123%3D%3D".to_string(),
        KEY_B64.to_string(),
        USER_KEY_B64.to_string(),
        X_KEY_B64.to_string(),
        X_KEY_COLON_B64.to_string(),
    ];
    let leaks = |what: &str, text: &str| {
        for form in &forms {
            assert!(!text.contains(form.as_str()), "{what} leaks {form}: {text}");
        }
    };
    let redacted = |what: &str, text: &str| {
        leaks(what, text);
        assert!(text.contains("[redacted]"), "{what}: {text}");
    };
    let (server, client, request) = canary_client().await;
    let text = |status: u16, body: String| Reply::raw(status, "text/plain", body);
    let json = |status: u16, body: String| Reply::raw(status, "application/json", body);
    let replies = [
        text(400, format!("you sent ?api_key={}", percent(KEY))),
        text(
            400,
            "you sent x-api-key=CANARY%2Fabc%2B123%3D%3D".to_string(),
        ),
        json(
            401,
            format!("{{\"message\": \"Authorization: Basic {KEY_B64}\"}}"),
        ),
        text(502, format!("Authorization: Basic {USER_KEY_B64}")),
        json(
            403,
            format!("{{\"echo\": [\"{X_KEY_B64}\", \"{X_KEY_COLON_B64}\"]}}"),
        ),
        // A PHP proxy writes base64's `/` as `\/` in JSON.
        json(
            400,
            format!("{{\"message\": \"{}\"}}", KEY_B64.replace('/', "\\/")),
        ),
        // A 2xx the decoder refuses: serde names the decoded value in its message.
        json(200, format!("{{\"id\": 1, \"url\": \"{}\"}}", percent(KEY))),
        json(200, format!("{{\"id\": \"Basic {KEY_B64}\"}}")),
    ];
    for reply in replies {
        server.push_reply(reply);
        let err = client.create_link(&request).await.unwrap_err();
        leaks("Display", &err.to_string());
        leaks("Debug", &format!("{err:?}"));
        match &err {
            Error::Api(api) => {
                redacted("ApiError::body", &api.body_text());
                if let Some(message) = api.message() {
                    leaks("ApiError::message", message);
                }
            }
            Error::Decode(decode) => {
                redacted("DecodeError::body_snippet", decode.body_snippet());
            }
            other => panic!("an API or decode error expected: {other:?}"),
        }
    }

    // A 2xx transaction body echoing the key: the raw body (what `po-hpp --json` prints) has
    // it redacted too, and stays JSON.
    server.push_reply(json(
        200,
        format!(
            "{{\"transaction_details\": {{\"id\": \"fc565b43-26f5-4906-92ae-d849edc3c3a1\"}}, \
             \"debug\": {{\"authorization\": \"Basic {KEY_B64}\", \"query\": \"k={}\"}}}}",
            percent(X_KEY)
        ),
    ));
    let transaction = client
        .get_transaction_status("fc565b43-26f5-4906-92ae-d849edc3c3a1")
        .await
        .unwrap();
    let raw = String::from_utf8(transaction.raw().to_vec()).unwrap();
    redacted("Transaction::raw", &raw);
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["debug"]["authorization"], "Basic [redacted]");
    assert_eq!(raw["debug"]["query"], "k=[redacted]");
}
