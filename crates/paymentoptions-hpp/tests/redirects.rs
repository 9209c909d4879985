//! No redirect ever carries a key: the client follows none, so a 3xx that points at another
//! host:port is returned as the answer, and the other server never sees a connection, over
//! http:// and https:// alike. reqwest, left to its default policy, would follow it, dropping
//! `Authorization` on a cross-host hop but not `x-api-key`: the control test shows that this
//! harness sees such a hop.

use paymentoptions_hpp::{Client, ClientBuilder, LinkRequest, RetryPolicy};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer, auth_header};

const KEY: &str = "redirect-test-key-0815";
const TRANSACTION_ID: &str = "f49173ce-4916-445c-a831-3c1468acf14e";
const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// Where the redirect points: the same path on another host (`localhost`, not `127.0.0.1`)
/// and port.
fn location(scheme: &str, other: std::net::SocketAddr) -> String {
    format!("{scheme}://localhost:{}/elsewhere", other.port())
}

/// The client's two kinds of call (a POST and a GET) through `first`, each answered with
/// every redirect status to `to`: every call must end in that status, unfollowed.
async fn call_each_redirect(client: &Client, first: &TestServer, to: &str) {
    for status in REDIRECTS {
        first.push_reply(Reply::raw(status, "text/plain", "moved").header("location", to));
        let link = LinkRequest::builder()
            .customer_enters_amount()
            .build()
            .unwrap();
        let err = client.create_link(&link).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "create_link, {status}: {err}");

        first.push_reply(Reply::raw(status, "text/plain", "moved").header("location", to));
        let err = client
            .get_transaction_status(TRANSACTION_ID)
            .await
            .unwrap_err();
        assert_eq!(
            err.status(),
            Some(status),
            "get_transaction_status, {status}: {err}"
        );
    }
    assert_eq!(first.requests().len(), 2 * REDIRECTS.len());
}

/// Distinct keys in the two headers, so that either one reaching the other server shows.
fn client_to(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .x_api_key(format!("x-{KEY}"))
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
}

#[tokio::test]
async fn over_http_a_redirect_to_another_host_is_never_followed() {
    let first = TestServer::start().await;
    let other = TestServer::start().await;

    let client = client_to(&first.base_url()).build().unwrap();
    call_each_redirect(&client, &first, &location("http", other.addr())).await;

    assert!(other.requests().is_empty(), "{:?}", other.requests());
}

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
#[tokio::test]
async fn over_https_a_redirect_to_another_host_is_never_followed() {
    use paymentoptions_hpp_testkit::{TestPki, TlsServer};

    let pki = TestPki::generate();
    let (first, other) = (TestServer::start().await, TestServer::start().await);
    let first_https = TlsServer::start(&pki, &first).await;
    let other_https = TlsServer::start(&pki, &other).await;

    // The extra root lets a followed redirect complete its handshake: nothing but the
    // redirect policy stands between the keys and the other server.
    let client = client_to(&first_https.base_url())
        .add_root_certificate(pki.ca_pem())
        .build()
        .unwrap();
    call_each_redirect(&client, &first, &location("https", other_https.addr())).await;

    assert!(first_https.handshakes() >= 1);
    assert_eq!(
        other_https.accepted(),
        0,
        "the other server saw a connection"
    );
    assert!(other.requests().is_empty(), "{:?}", other.requests());
}

/// The harness sees a followed redirect: reqwest with its default policy and the same auth
/// headers reaches the other server, and `x-api-key` goes with it.
#[tokio::test]
async fn control_a_client_that_follows_redirects_carries_x_api_key_to_the_other_host() {
    let first = TestServer::start().await;
    let other = TestServer::start().await;
    first.push_reply(
        Reply::raw(307, "text/plain", "moved").header("location", &location("http", other.addr())),
    );
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in api::auth_header_values(KEY) {
        headers.insert(name, value.parse().unwrap());
    }
    let follower = reqwest::Client::builder()
        .default_headers(headers)
        .no_proxy()
        .build()
        .unwrap();

    let response = follower
        .post(format!("{}/api", first.base_url()))
        .body("{}")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let reached = other.requests();
    assert_eq!(reached.len(), 1, "the redirect was followed");
    let (basic, x_api_key) = (auth_header("authorization"), auth_header("xApiKey"));
    assert_eq!(
        reached[0].header(x_api_key.header),
        Some(format!("{}{KEY}", x_api_key.prefix).as_str()),
        "{} went along",
        x_api_key.header
    );
    assert_eq!(
        reached[0].header(basic.header),
        None,
        "{} was dropped",
        basic.header
    );
}
