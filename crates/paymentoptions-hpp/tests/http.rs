//! The wrapper against a scripted server on 127.0.0.1: what goes on the wire, and how every kind
//! of answer (or non-answer) maps to [`Error`].

use std::time::Duration;

use paymentoptions_hpp::{
    AddressBuilder, Client, ClientBuilder, Currency, Error, LinkRequest, Money, RetryOn,
    RetryPolicy, Rule, TransportErrorKind,
};
use paymentoptions_hpp_testkit::{Reply, TestServer, auth_header, fixture, refused_port};
use serde_json::{Value, json};

const KEY: &str = "test-key-123";
const PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;

fn client_for(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url())
        .retry_policy(RetryPolicy::none())
}

/// A setter of one address field.
type AddressSetter = fn(AddressBuilder, String) -> AddressBuilder;

/// The page's example request, built through the builder.
fn page_example() -> LinkRequest {
    // The two addresses differ only in their e-mail's local part.
    let [billing, shipping] = ["billing", "shipping"].map(|kind| {
        let fields: [(AddressSetter, String); 7] = [
            (AddressBuilder::country, "JP".into()),
            (AddressBuilder::email, format!("{kind}@testemail.com")),
            (AddressBuilder::phone_number, "8112345678".into()),
            (AddressBuilder::address1, "1-2-3 Shinjuku".into()),
            (AddressBuilder::city, "Shinjuku-ku".into()),
            (AddressBuilder::state, "Tokyo".into()),
            (AddressBuilder::postal_code, "1600022".into()),
        ];
        fields
            .into_iter()
            .fold(AddressBuilder::new(), |address, (set, value)| {
                set(address, value)
            })
    });
    LinkRequest::builder()
        .webhook_url("https://merchant.example.com/webhooks/paymentoptions")
        .success_url("http://www.successurl.com/")
        .decline_url("http://www.declineurl.com/")
        .cancel_url("http://cancelurl.com/")
        .amount(Money::from_major(1000, Currency::JPY).unwrap())
        .merchant_id("MERCHANT-0001")
        .merchant_email("merchant@testemail.com")
        .merchant_txn_ref("2003089893366DTEST")
        .payment_method_type("scheme")
        .store_payment_method(true)
        .billing_address(billing)
        .shipping_address(shipping)
        .build()
        .unwrap()
}

async fn create(server: &TestServer) -> Result<paymentoptions_hpp::Link, Error> {
    client_for(server)
        .build()
        .unwrap()
        .create_link(&page_example())
        .await
}

#[tokio::test]
async fn the_page_example_arrives_exactly_with_both_auth_headers() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, fixture("hpp-link-response.json")));

    let link = create(&server).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, PATH);
    r.assert_auth("test-key-123");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(
        r.header("user-agent")
            .unwrap()
            .starts_with("paymentoptions-hpp-rust/")
    );
    assert_eq!(r.json(), fixture("hpp-link-request.json"));

    assert_eq!(
        link.id().to_string(),
        "f49173ce-4916-445c-a831-3c1468acf14e"
    );
    assert_eq!(
        link.url().as_str(),
        "https://checkout-dev.paymentoptions.com/jp/HostedPaymentPage/hKJsdByR"
    );
    assert_eq!(
        link.amount(),
        Some(Money::from_minor(1000, Currency::JPY).unwrap())
    );
    assert_eq!(link.merchant_txn_ref(), Some("2003089893366DTEST"));
    assert_eq!(
        serde_json::to_value(link.response()).unwrap(),
        fixture("hpp-link-response.json")
    );
}

#[tokio::test]
async fn a_separate_x_api_key_and_client_defaults() {
    let server = TestServer::start().await;
    server.set_default_reply(Reply::json(200, fixture("hpp-link-response.json")));
    let client = client_for(&server)
        .x_api_key("other-key")
        .merchant_id("DEFAULT-ID")
        .merchant_email("default@shop.example")
        .build()
        .unwrap();

    let bare = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();
    client.create_link(&bare).await.unwrap();
    let own = LinkRequest::builder()
        .customer_enters_amount_in(Currency::USD)
        .merchant_id("OWN-ID")
        .build()
        .unwrap();
    client.create_link(&own).await.unwrap();

    let requests = server.requests();
    let (basic, x_api_key) = (auth_header("authorization"), auth_header("xApiKey"));
    assert_eq!(
        requests[0].header(basic.header),
        Some(format!("{}{KEY}", basic.prefix).as_str())
    );
    assert_eq!(
        requests[0].header(x_api_key.header),
        Some(format!("{}other-key", x_api_key.prefix).as_str())
    );
    // Fields left out stay out of the JSON: no amount, no currency, no nulls.
    assert_eq!(
        requests[0].json(),
        json!({"merchant_id": "DEFAULT-ID", "merchant_email": "default@shop.example"})
    );
    assert_eq!(
        requests[1].json(),
        json!({"currency": "USD", "merchant_id": "OWN-ID", "merchant_email": "default@shop.example"})
    );
}

#[tokio::test]
async fn error_statuses_keep_status_and_raw_body() {
    let server = TestServer::start().await;
    let cases = [
        Reply::json(
            400,
            json!({"message": "merchant_email is invalid", "field": "merchant_email", "code": 1001}),
        ),
        Reply::json(401, json!({"message": "Unauthorized"})),
        Reply::raw(404, "text/plain", "Not Found"),
        Reply::raw(
            500,
            "text/html",
            "<html><body>Internal Server Error</body></html>",
        ),
        Reply::raw(502, "text/html", "<html><h1>502 Bad Gateway</h1></html>"),
        Reply::raw(503, "application/json", "[1, 2]"),
    ];
    for reply in cases {
        let expected_status = reply.status;
        let expected_body = reply.body.clone();
        server.push_reply(reply);
        let Error::Api(e) = create(&server).await.unwrap_err() else {
            panic!("{expected_status}: not an API error")
        };
        assert_eq!(e.status(), expected_status);
        assert_eq!(e.body(), expected_body.as_slice());
        assert!(
            e.to_string().contains(&format!("HTTP {expected_status}")),
            "{e}"
        );
        match expected_status {
            400 => {
                let parsed = e.error_body().unwrap();
                assert_eq!(parsed.field.as_deref(), Some("merchant_email"));
                assert_eq!(parsed.code, Some(json!(1001)));
                assert_eq!(e.message(), Some("merchant_email is invalid"));
                assert!(!e.is_auth());
            }
            401 => assert!(e.is_auth()),
            _ => assert!(e.error_body().is_none(), "{expected_status}"),
        }
    }
}

#[tokio::test]
async fn retryable_and_reached_server_classification() {
    let server = TestServer::start().await;
    server.push_reply(Reply::raw(502, "text/html", "bad gateway"));
    let err = create(&server).await.unwrap_err();
    assert!(err.is_retryable());
    assert!(err.may_have_reached_server());
    server.push_reply(Reply::json(400, json!({})));
    let err = create(&server).await.unwrap_err();
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_and_is_not_retried_by_default() {
    let server = TestServer::start().await;
    server.set_default_reply(
        Reply::json(200, fixture("hpp-link-response.json")).delay(Duration::from_secs(5)),
    );
    let client = client_for(&server)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let err = client.create_link(&page_example()).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
    assert!(err.is_retryable());
    assert!(err.may_have_reached_server());
    assert_eq!(
        server.requests().len(),
        1,
        "a create that may have arrived is never re-sent by default"
    );
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let port = refused_port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&format!("http://127.0.0.1:{port}"))
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let err = client.create_link(&page_example()).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Connect);
    assert_eq!(t.attempts(), 3);
    assert!(!err.may_have_reached_server());
    // Short, and says what happened: not three times reqwest's chain with the whole URL.
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to PaymentOptions (127.0.0.1:{port} refused the connection; 3 attempts)"
        )
    );
}

#[tokio::test]
async fn opt_in_retries_honour_retry_after() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(503, json!({"message": "busy"})).header("retry-after", "1"));
    server.push_reply(Reply::json(200, fixture("hpp-link-response.json")));
    let client = client_for(&server)
        .retry_policy(
            RetryPolicy::default()
                .with_retry_on(RetryOn::Transient)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    client.create_link(&page_example()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not waited out"
    );
    assert_eq!(server.requests().len(), 2);

    // The default policy never re-sends after the server answered.
    server.push_reply(Reply::json(503, json!({})).header("retry-after", "0"));
    let client = client_for(&server)
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();
    let err = client.create_link(&page_example()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn bad_success_bodies_are_decode_errors_with_a_path() {
    let server = TestServer::start().await;
    let mut wrong_amount = fixture("hpp-link-response.json");
    wrong_amount["amount"] = json!("1000");
    let mut wrong_city = fixture("hpp-link-response.json");
    wrong_city["billing_address"]["city"] = json!(42);
    let mut bad_url = fixture("hpp-link-response.json");
    bad_url["url"] = json!("/relative/only");
    let cases: Vec<(Reply, &str, &str)> = vec![
        (
            Reply::raw(200, "application/json", "{\"id\": \"f49173ce"),
            "id",
            "EOF",
        ),
        (
            Reply::raw(200, "text/html", "<html>maintenance</html>"),
            ".",
            "expected value",
        ),
        (Reply::json(200, json!({})), ".", "missing field `id`"),
        (
            Reply::json(200, json!(["f49173ce-4916-445c-a831-3c1468acf14e"])),
            ".",
            "found an array",
        ),
        (Reply::json(200, wrong_amount), "amount", "invalid type"),
        (
            Reply::json(200, wrong_city),
            "billing_address.city",
            "invalid type",
        ),
        (Reply::json(200, bad_url), "url", "not an absolute URL"),
        (
            Reply::raw(
                200,
                "application/json",
                format!("{} trailing", fixture("hpp-link-response.json")),
            ),
            ".",
            "trailing",
        ),
    ];
    for (reply, path, message) in cases {
        server.push_reply(reply);
        let err = create(&server).await.unwrap_err();
        let Error::Decode(d) = &err else {
            panic!("{path}: {err:?}")
        };
        assert_eq!(d.status(), 200);
        assert_eq!(d.path(), path, "{d}");
        assert!(d.message().contains(message), "{path}: {d}");
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn tolerant_reading_of_responses() {
    let server = TestServer::start().await;
    let mut extra = fixture("hpp-link-response.json");
    extra["brand_new_field"] = json!({"nested": [1, 2, 3]});
    extra["billing_address"]["line2"] = json!("Apt 4");
    extra["amount"] = Value::Null;
    server.push_reply(Reply::json(200, extra));
    server.push_reply(Reply::json(
        200,
        json!({"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": "https://checkout.example/p/1"}),
    ));

    let link = create(&server).await.unwrap();
    assert_eq!(link.amount(), None);
    assert_eq!(
        link.response()
            .billing_address
            .as_ref()
            .unwrap()
            .city
            .as_deref(),
        Some("Shinjuku-ku")
    );
    let minimal = create(&server).await.unwrap();
    assert_eq!(minimal.url().as_str(), "https://checkout.example/p/1");
    assert!(minimal.response().return_url.is_none());
}

#[tokio::test]
async fn oversized_bodies_are_bounded() {
    let server = TestServer::start().await;
    let client = client_for(&server)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    server.push_reply(Reply::raw(200, "application/json", vec![b' '; 4096]));
    let err = client.create_link(&page_example()).await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert!(d.message().contains("1024-byte limit"), "{d}");

    server.push_reply(Reply::raw(502, "text/html", vec![b'x'; 4096]));
    let Error::Api(e) = client.create_link(&page_example()).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(e.body().len(), 1024, "error bodies are cut at the limit");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = TestServer::start().await;
    let server = TestServer::start().await;
    server.push_reply(
        Reply::raw(307, "text/plain", "moved")
            .header("location", &format!("{}{PATH}", elsewhere.base_url())),
    );
    let err = create(&server).await.unwrap_err();
    assert_eq!(err.status(), Some(307));
    assert!(
        elsewhere.requests().is_empty(),
        "the keys must not follow a redirect"
    );
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let err = LinkRequest::builder()
        .amount(Money::from_minor(100, Currency::USD).unwrap())
        .merchant_txn_ref("x".repeat(46))
        .merchant_email("not-an-email")
        .success_url("/relative")
        .billing_address(AddressBuilder::new().country("XX").city("c".repeat(66)))
        .shipping_address(AddressBuilder::new().country("jp"))
        .build()
        .unwrap_err();
    let found: Vec<String> = err.violations().iter().map(|v| v.to_string()).collect();
    assert_eq!(
        found,
        [
            "return_url.success_url: not an absolute http:// or https:// URL",
            "merchant_email: not a well-formed e-mail address",
            "merchant_txn_ref: longer than 45 characters",
            "billing_address.country: not an ISO 3166-1 alpha-2 country code (like JP or US)",
            "billing_address.city: longer than 65 characters",
            "shipping_address.country: not an ISO 3166-1 alpha-2 country code (like JP or US); \
             codes are upper case: use JP",
        ]
    );
    let rules: Vec<&Rule> = err.violations().iter().map(|v| v.rule()).collect();
    assert_eq!(rules[2], &Rule::MaxLength { max: 45 }, "limits are data");
    assert_eq!(rules[4], &Rule::MaxLength { max: 65 });
    let err = LinkRequest::builder().build().unwrap_err();
    assert_eq!(err.field(), "amount");
}

/// Country and currency codes get a message a person can act on, never a raw pattern.
#[test]
fn code_mistakes_say_how_to_fix_them() {
    let country = |code: &str| {
        let err = LinkRequest::builder()
            .customer_enters_amount()
            .billing_address(AddressBuilder::new().country(code))
            .build()
            .unwrap_err();
        assert_eq!(
            err.violations().len(),
            1,
            "one mistake, one violation: {err}"
        );
        assert_eq!(err.rule(), &Rule::Iso3166Alpha2Country);
        err.violations()[0].to_string()
    };
    assert!(country("us").ends_with("codes are upper case: use US"));
    assert!(country("USA").ends_with("the code has 2 letters, not 3"));
    assert_eq!(
        country("XX"),
        "billing_address.country: not an ISO 3166-1 alpha-2 country code (like JP or US)"
    );
    let currency = |body: &str| {
        let err = LinkRequest::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(err.rule(), &Rule::Iso4217Currency, "{err}");
        err.violations()[0].hint().map(str::to_string)
    };
    assert_eq!(
        currency(r#"{"currency": "usd"}"#).as_deref(),
        Some("codes are upper case: use USD")
    );
    assert_eq!(
        currency(r#"{"currency": "US"}"#).as_deref(),
        Some("the code has 3 letters, not 2")
    );
    assert_eq!(currency(r#"{"currency": "ZZZ"}"#), None);
}

#[tokio::test]
async fn configuration_errors_name_the_setting() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        ClientBuilder::from_env_with(move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
        .build()
        .unwrap_err()
    };
    let setting = |e: Error| match e {
        Error::Config(c) => c.setting().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(setting(env(&[])), "PAYMENTOPTIONS_API_KEY");
    assert_eq!(
        setting(env(&[("PAYMENTOPTIONS_API_KEY", "  ")])),
        "PAYMENTOPTIONS_API_KEY"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_ENVIRONMENT", "live")
        ])),
        "PAYMENTOPTIONS_ENVIRONMENT"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_ENVIRONMENT", "dev"),
            ("PAYMENTOPTIONS_BASE_URL", "https://x.example")
        ])),
        "PAYMENTOPTIONS_BASE_URL"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_BASE_URL", "http://api.paymentoptions.com")
        ])),
        "base_url"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_MERCHANT_EMAIL", "nope")
        ])),
        "merchant_email"
    );
    assert_eq!(setting(Client::builder().build().unwrap_err()), "api_key");
    assert_eq!(
        setting(Client::builder().api_key("bad\nkey").build().unwrap_err()),
        "api_key"
    );
    assert_eq!(
        setting(
            Client::builder()
                .api_key("k")
                .proxy("::not a url")
                .build()
                .unwrap_err()
        ),
        "proxy"
    );

    let ok = ClientBuilder::from_env_with(|k| match k {
        "PAYMENTOPTIONS_API_KEY" => Some("k".into()),
        "PAYMENTOPTIONS_BASE_URL" => Some("http://127.0.0.1:9/prefix".into()),
        _ => None,
    })
    .build()
    .unwrap();
    assert_eq!(ok.base_url().as_str(), "http://127.0.0.1:9/prefix");
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, fixture("hpp-link-response.json")));
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&format!("{}/proxy/po/", server.base_url()))
        .build()
        .unwrap();
    client.create_link(&page_example()).await.unwrap();
    assert_eq!(server.requests()[0].path, format!("/proxy/po{PATH}"));
}
