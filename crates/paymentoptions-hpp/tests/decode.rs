//! `Link::from_json` is the decoder `Client::create_link` uses: the same link or the same error
//! (path, message, body snippet) for every body, except that the client reports the response's
//! own 2xx status where `from_json` says 200. The property tests in `tests/tests/properties/`
//! drive `from_json` with arbitrary and mutated bodies.

use paymentoptions_hpp::{Client, Currency, Error, Link, LinkRequest, Money, RetryPolicy};
use paymentoptions_hpp_testkit::{Reply, TestServer};

fn fixture() -> Vec<u8> {
    paymentoptions_hpp_testkit::fixture_bytes("hpp-link-response.json")
}

#[tokio::test]
async fn create_link_decodes_exactly_as_from_json() {
    let server = TestServer::start().await;
    let client = Client::builder()
        .api_key("test-key-123")
        .base_url(&server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let request = LinkRequest::builder()
        .amount(Money::from_major(1000, Currency::JPY).unwrap())
        .build()
        .unwrap();
    let whole = fixture();
    let bodies: Vec<Vec<u8>> = vec![
        whole.clone(),
        whole[..whole.len() / 2].to_vec(),
        b"[]".to_vec(),
        b"<html>maintenance</html>".to_vec(),
        br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": "/relative"}"#.to_vec(),
        br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "": "#.to_vec(),
        br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": "https://x.example/", "amount": 1e400}"#.to_vec(),
    ];
    for status in [200, 201] {
        for body in &bodies {
            server.push_reply(Reply::raw(status, "application/json", body.clone()));
            let sent = client.create_link(&request).await;
            let read = Link::from_json(body);
            match (sent, read) {
                (Ok(sent), Ok(read)) => assert_eq!(sent, read),
                (Err(Error::Decode(sent)), Err(read)) => {
                    assert_eq!(sent.status(), status);
                    assert_eq!(read.status(), 200);
                    assert_eq!(
                        (sent.path(), sent.message(), sent.body_snippet()),
                        (read.path(), read.message(), read.body_snippet())
                    );
                }
                (sent, read) => panic!("{status} {body:?}: {sent:?} vs {read:?}"),
            }
        }
    }
}

/// A link whose `url` is not a web page is refused before any browser could be sent to it
/// (issue 13, item 7: the sandbox enforces the spec's pattern on return URLs; the library
/// refuses a hosted page that is not http(s)).
#[test]
fn a_link_url_that_is_not_a_web_page_is_refused() {
    for url in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "mailto:shop@example.com",
    ] {
        let body = serde_json::json!({"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": url});
        let err = Link::from_json(body.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.path(), "url", "{url}");
        assert!(err.message().contains("not a web address"), "{url}: {err}");
    }
    for url in ["https://checkout.example/p/1", "http://127.0.0.1:8080/p/1"] {
        let body = serde_json::json!({"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": url});
        assert!(
            Link::from_json(body.to_string().as_bytes()).is_ok(),
            "{url}"
        );
    }
}
