//! The production path end to end: HTTPS to a TLS server on 127.0.0.1 whose certificate is
//! issued by a CA made at test time, through whichever TLS feature this test is built with
//! (`rustls`, `rustls-ring`, `native-tls`), directly and through an HTTP `CONNECT` proxy.
#![cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]

use paymentoptions_hpp::{
    Client, ClientBuilder, Error, LinkRequest, RetryPolicy, TransportErrorKind,
};
use paymentoptions_hpp_testkit::{
    ConnectProxy, Reply, TestPki, TestServer, TlsServer, auth_header, fixture,
};

const KEY: &str = "https-test-key-4711";

/// A backend answering one link, behind TLS with a certificate of a fresh CA.
async fn https_server() -> (TestPki, TestServer, TlsServer) {
    let pki = TestPki::generate();
    let backend = TestServer::start().await;
    backend.set_default_reply(Reply::json(200, fixture("hpp-link-response.json")));
    let https = TlsServer::start(&pki, &backend).await;
    (pki, backend, https)
}

fn client_for(https: &TlsServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(&https.base_url())
        .retry_policy(RetryPolicy::none())
}

fn link_request() -> LinkRequest {
    LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_handshake_completes_and_the_call_succeeds_when_the_root_is_added() {
    let (pki, backend, https) = https_server().await;
    let client = client_for(&https)
        .add_root_certificate(pki.ca_pem())
        .build()
        .unwrap();

    let link = client.create_link(&link_request()).await.unwrap();

    assert_eq!(
        link.url().as_str(),
        fixture("hpp-link-response.json")["url"].as_str().unwrap()
    );
    assert_eq!(https.handshakes(), 1);
    let requests = backend.requests();
    assert_eq!(requests.len(), 1);
    requests[0].assert_auth(KEY);
}

#[tokio::test]
async fn without_the_root_the_call_fails_naming_the_certificate_and_sends_nothing() {
    let (_pki, backend, https) = https_server().await;
    let other_ca = TestPki::generate();
    let platform_roots_only = client_for(&https).build().unwrap();
    let another_root = client_for(&https)
        .add_root_certificate(other_ca.ca_pem())
        .build()
        .unwrap();

    for client in [platform_roots_only, another_root] {
        let err = client.create_link(&link_request()).await.unwrap_err();
        let Error::Transport(transport) = &err else {
            panic!("expected a transport error, got {err:?}");
        };
        assert_eq!(transport.kind(), TransportErrorKind::Connect, "{err}");
        let text = err.to_string();
        let lower = text.to_lowercase();
        assert!(
            lower.contains("certificate") && lower.contains("issuer"),
            "the message should name the certificate problem: {text}"
        );
        assert!(!lower.contains("may have reached"), "{text}");
        assert!(!err.may_have_reached_server(), "{text}");
        assert!(!text.contains(KEY), "{text}");
    }
    assert!(https.accepted() >= 2, "the client connected");
    assert_eq!(https.handshakes(), 0);
    assert!(
        backend.requests().is_empty(),
        "nothing crossed the failed handshake"
    );
}

#[tokio::test]
async fn through_a_connect_proxy_the_call_succeeds_and_the_proxy_sees_no_key() {
    let (pki, backend, https) = https_server().await;
    let proxy = ConnectProxy::start().await;
    let client = client_for(&https)
        .proxy(proxy.url())
        .add_root_certificate(pki.ca_pem())
        .build()
        .unwrap();

    client.create_link(&link_request()).await.unwrap();

    let connects = proxy.requests();
    assert_eq!(connects.len(), 1, "{connects:?}");
    assert_eq!(
        connects[0].request_line(),
        format!("CONNECT {} HTTP/1.1", https.addr())
    );
    let seen = proxy.client_bytes();
    let key_crossed = seen.windows(KEY.len()).any(|w| w == KEY.as_bytes());
    assert!(!key_crossed, "the API key crossed the proxy in clear");
    let header_crossed = String::from_utf8_lossy(&seen)
        .to_lowercase()
        .contains(&auth_header("xApiKey").header.to_lowercase());
    assert!(!header_crossed, "a request head crossed the proxy in clear");
    assert_eq!(https.handshakes(), 1);
    let requests = backend.requests();
    assert_eq!(requests.len(), 1);
    requests[0].assert_auth(KEY);
}

#[tokio::test]
async fn a_bad_root_certificate_is_a_config_error_naming_the_setting() {
    let pki = TestPki::generate();
    let armour = |body: &str| {
        format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n").into_bytes()
    };
    let cases: [(&str, Vec<u8>); 4] = [
        ("empty", Vec::new()),
        ("no PEM block", b"not a certificate".to_vec()),
        ("bad base64", armour("%%%% not base64 %%%%")),
        ("not a certificate inside", armour("aGVsbG8gd29ybGQ=")),
    ];
    // Also for a loopback http:// client, which never uses the roots: refused, not dropped.
    for base_url in ["https://127.0.0.1:9", "http://127.0.0.1:9"] {
        for (what, pem) in &cases {
            let err = Client::builder()
                .api_key(KEY)
                .base_url(base_url)
                .add_root_certificate(pki.ca_pem())
                .add_root_certificate(pem)
                .build()
                .unwrap_err();
            let Error::Config(config) = &err else {
                panic!("{what} at {base_url}: expected a config error, got {err:?}");
            };
            assert_eq!(config.setting(), "root_certificate", "{what}: {err}");
            assert!(config.message().contains("call 2"), "{what}: {err}");
        }
    }
}

#[tokio::test]
async fn a_bundle_of_roots_and_several_calls_add_up() {
    let (pki, _backend, https) = https_server().await;
    let other_ca = TestPki::generate();
    let bundle = format!("{}{}", other_ca.ca_pem(), pki.ca_pem());
    for client in [
        client_for(&https).add_root_certificate(&bundle),
        client_for(&https)
            .add_root_certificate(other_ca.ca_pem())
            .add_root_certificate(pki.ca_pem().as_bytes()),
    ] {
        client
            .build()
            .unwrap()
            .create_link(&link_request())
            .await
            .unwrap();
    }
    assert_eq!(https.handshakes(), 2);
}

#[test]
fn the_builders_debug_shows_no_certificate_bytes() {
    let pki = TestPki::generate();
    let builder = Client::builder().add_root_certificate(pki.ca_pem());
    let debug = format!("{builder:?}");
    assert!(debug.contains("RootCertificatePem("), "{debug}");
    assert!(!debug.contains("BEGIN CERTIFICATE"), "{debug}");
}
