//! What goes on the wire: the page example, both auth headers, client defaults, a base URL's
//! path prefix.

use super::*;

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
