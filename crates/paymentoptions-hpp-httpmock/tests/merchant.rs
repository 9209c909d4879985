//! What a merchant's unit test looks like: per-call typed stubs on an httpmock server (it binds
//! 127.0.0.1), with the `paymentoptions-hpp` wrapper pointed at it.

use httpmock::MockServer;
use paymentoptions_hpp::{Client, Currency, Error, LinkRequest, Money, models};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_httpmock::MockServerExt;
use serde_json::{Value, json};

/// The spec's example answer to `generate_hpp_link`, read from the spec the client embeds.
fn example_response() -> models::HppLinkResponse {
    let spec: Value = serde_json::from_str(api::OPENAPI_JSON).unwrap();
    let op = api::GENERATE_HPP_LINK;
    let example = &spec["paths"][op.path][op.method.to_lowercase()]["responses"]["200"]["content"]
        ["application/json"]["example"];
    assert!(example.is_object(), "the spec has no example 200 response");
    serde_json::from_value(example.clone()).unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("k")
        .base_url(&server.base_url())
        .build()
        .unwrap()
}

fn request(currency: Currency) -> LinkRequest {
    LinkRequest::builder()
        .amount(Money::from_major(1000, currency).unwrap())
        .merchant_txn_ref("ORDER-1001")
        .success_url("https://shop.example/paid")
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_stubbed_link_creation_answers_the_specs_example() {
    let server = MockServer::start_async().await;
    let example = example_response();
    let mock = server.generate_hpp_link(|when, then| {
        // The typed `when` already matches the operation's method and path; only part of the
        // body matters to this test.
        when.into_inner().json_body_includes(
            json!({"merchant_txn_ref": "ORDER-1001", "currency": "JPY"}).to_string(),
        );
        then.ok(&example);
    });

    let link = client(&server)
        .create_link(&request(Currency::JPY))
        .await
        .unwrap();

    assert_eq!(link.url().as_str(), example.url);
    assert_eq!(link.id(), example.id);
    assert_eq!(link.response(), &example);
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_request_the_stub_does_not_match_is_not_answered_by_it() {
    let server = MockServer::start_async().await;
    let mock = server.generate_hpp_link(|when, then| {
        when.into_inner()
            .json_body_includes(json!({"currency": "JPY"}).to_string());
        then.ok(&example_response());
    });

    let err = client(&server)
        .create_link(&request(Currency::USD))
        .await
        .unwrap_err();

    // httpmock answers 404 when no stub matches; the wrapper reports it as the API's status.
    assert_eq!(err.status(), Some(404), "{err:?}");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_typed_error_status_reaches_the_wrapper_as_error_api() {
    let server = MockServer::start_async().await;
    let body: models::ErrorBody = serde_json::from_value(json!({
        "message": "invalid API key",
        "code": "AUTH_001",
    }))
    .unwrap();
    let mock = server.generate_hpp_link(|when, then| {
        when.body(request(Currency::JPY).as_model());
        then.unauthorized(&body);
    });

    let err = client(&server)
        .create_link(&request(Currency::JPY))
        .await
        .unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.status(), 401);
    assert!(api.is_auth());
    assert_eq!(api.error_body(), Some(&body));
    assert_eq!(api.message(), Some("invalid API key"));
    // Not retried: the default policy only retries requests that never left the machine.
    mock.assert_calls_async(1).await;
}
