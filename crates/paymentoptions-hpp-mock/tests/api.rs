//! The sandbox over HTTP: the API's answers to good and bad requests, faults, control API,
//! eviction, and notification delivery with retries.

mod common;

use common::{AUTH, PATH, borrowed, create, http};

use std::time::Duration;

use paymentoptions_hpp_client::api::{self, AuthHeader};
use paymentoptions_hpp_mock::{
    CustomerAction, DeliveryPolicy, DeliveryState, Fault, LinkState, MockConfig, MockServer,
};
use paymentoptions_hpp_testkit::{Reply, TestServer, fixture, json_api_headers};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn fast_delivery(max_attempts: u32) -> MockConfig {
    MockConfig::default().with_delivery(
        DeliveryPolicy::default()
            .with_max_attempts(max_attempts)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(40))
            .with_timeout(Duration::from_secs(2)),
    )
}

/// [`common::post`], asserting that the answer is JSON.
async fn post(
    mock: &MockServer,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> (StatusCode, Value) {
    let resp = common::send_create(mock.base_url(), headers, body).await;
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(
        ct.as_deref(),
        Some("application/json"),
        "{status}: every answer of the API is JSON"
    );
    (status, body)
}

#[tokio::test]
async fn the_page_example_is_created_and_echoed() {
    let mock = MockServer::start().await.unwrap();
    let request = fixture("hpp-link-request.json");
    let mut response = create(&mock, &request).await;
    let id: uuid::Uuid = response["id"].as_str().unwrap().parse().unwrap();
    let url = response["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("{}/HostedPaymentPage/", mock.base_url())),
        "{url}"
    );
    let object = response.as_object_mut().unwrap();
    object.remove("id");
    object.remove("url");
    assert_eq!(response, request, "the response echoes the request");

    let links = mock.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].id, id);
    assert_eq!(links[0].state, LinkState::Open);
    assert_eq!(links[0].request, request);
}

/// Every sandbox of a process serves one router, built once: each request must still reach
/// the sandbox whose port it was sent to, with that sandbox's links, faults and URLs.
#[tokio::test]
async fn sandboxes_of_one_process_keep_their_own_state() {
    let (a, b) = (
        MockServer::start().await.unwrap(),
        MockServer::start().await.unwrap(),
    );
    let request = fixture("hpp-link-request.json");
    b.inject_fault(Fault {
        count: 1,
        status: Some(503),
        ..Fault::default()
    });
    let on_a = create(&a, &request).await;
    let (status, _) = post(&b, &AUTH, request.to_string()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "b's fault is b's");
    let on_b = create(&b, &request).await;
    for (mock, response) in [(&a, &on_a), (&b, &on_b)] {
        let links = mock.links();
        assert_eq!(links.len(), 1, "each sandbox holds only its own link");
        assert_eq!(links[0].id.to_string(), response["id"].as_str().unwrap());
        let url = response["url"].as_str().unwrap();
        assert!(url.starts_with(mock.base_url()), "{url}");
    }
    drop(a);
    // b still answers after a has stopped.
    create(&b, &request).await;
    assert_eq!(b.links().len(), 2);
}

#[tokio::test]
async fn auth_headers_are_required() {
    let mock = MockServer::start().await.unwrap();
    let body = json!({"amount": 1}).to_string();
    let ct = ("content-type", "application/json");
    // The spec's headers, each as `edit` has it (`None`: left out).
    let headers_with = |edit: &dyn Fn(&AuthHeader) -> Option<String>| {
        let headers = api::AUTH_HEADERS.iter();
        headers
            .filter_map(|h| edit(h).map(|value| (h.header, value)))
            .collect::<Vec<_>>()
    };
    let as_specified = |h: &AuthHeader| format!("{}k", h.prefix);
    // No key at all; each header left out; each prefix replaced, or followed by no key.
    let mut cases = vec![Vec::new()];
    for left_out in api::AUTH_HEADERS {
        cases.push(headers_with(&|h| (h != left_out).then(|| as_specified(h))));
    }
    for prefixed in api::AUTH_HEADERS.iter().filter(|h| !h.prefix.is_empty()) {
        for value in ["Bearer k".to_string(), prefixed.prefix.to_string()] {
            cases.push(headers_with(&|h| {
                Some(if h == prefixed {
                    value.clone()
                } else {
                    as_specified(h)
                })
            }));
        }
    }
    for case in &cases {
        let mut headers = borrowed(case);
        headers.push(ct);
        let (status, error) = post(&mock, &headers, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(error["code"], "unauthorized");
        assert!(error["message"].as_str().unwrap().len() > 10);
    }
    assert!(mock.links().is_empty());

    let strict = MockServer::start_with(MockConfig::default().with_api_keys(["right"]))
        .await
        .unwrap();
    let (status, _) = post(&strict, &AUTH, body.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let right = json_api_headers("right");
    let (status, _) = post(&strict, &borrowed(&right), body).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn bad_input_gets_a_4xx_json_error_never_a_5xx() {
    let mock = MockServer::start_with(MockConfig::default().with_max_body_bytes(1024))
        .await
        .unwrap();
    let bad = StatusCode::BAD_REQUEST;
    let cases: Vec<(String, StatusCode, Option<&str>)> = vec![
        ("{\"amount\": 10".into(), bad, None),
        ("".into(), bad, None),
        ("\u{feff}{}".into(), bad, None),
        (json!({"amount": "1000"}).to_string(), bad, Some("amount")),
        (json!({"amount": -1}).to_string(), bad, Some("amount")),
        (json!({"amount": 1e300}).to_string(), bad, Some("amount")),
        (
            json!({"currency": "yen"}).to_string(),
            bad,
            Some("currency"),
        ),
        (
            json!({"merchant_txn_ref": "x".repeat(46)}).to_string(),
            bad,
            Some("merchant_txn_ref"),
        ),
        (
            json!({"billing_address": {"country": "Japan"}}).to_string(),
            bad,
            Some("billing_address.country"),
        ),
        (
            json!({"return_url": {"success_url": 5}}).to_string(),
            bad,
            Some("return_url.success_url"),
        ),
        (json!([]).to_string(), bad, Some("")),
        (json!("text").to_string(), bad, Some("")),
        (
            format!("{}1{}", "[".repeat(200), "]".repeat(200)),
            bad,
            None,
        ),
        (
            json!({"merchant_id": "x".repeat(2000)}).to_string(),
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
    ];
    for (body, expected, field) in cases {
        let (status, error) = post(&mock, &AUTH, body.clone()).await;
        assert_eq!(status, expected, "{body:.80}: {error}");
        assert!(error["message"].is_string(), "{error}");
        if let Some(field) = field {
            assert_eq!(error["field"], field, "{body:.80}");
        }
    }
    let (status, _) = post(&mock, &AUTH, vec![0xff, 0xfe, 0x00]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let plain = [AUTH[0], AUTH[1], ("content-type", "text/plain")];
    let (status, error) = post(&mock, &plain, "{}").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{error}");
    assert!(mock.links().is_empty());

    let resp = http()
        .get(format!("{}{PATH}", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["allow"], "POST");
    assert_eq!(
        resp.json::<Value>().await.unwrap()["code"],
        "method_not_allowed"
    );
    for path in ["/", "/api/v1/hpp/generate/link", "/__mock/nope"] {
        let resp = http()
            .post(format!("{}{path}", mock.base_url()))
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(resp.json::<Value>().await.unwrap()["code"], "not_found");
    }
}

#[tokio::test]
async fn injected_faults_apply_to_the_next_creates_only() {
    let mock = MockServer::start().await.unwrap();
    mock.inject_fault(Fault {
        count: 2,
        status: Some(503),
        ..Fault::default()
    });
    for _ in 0..2 {
        let (status, error) = post(&mock, &AUTH, "{}").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error["code"], "injected_fault");
    }
    create(&mock, &json!({})).await;

    // Through the control API: a delay, then a dropped connection.
    let faults = format!("{}/__mock/faults", mock.base_url());
    let resp = http()
        .post(&faults)
        .json(&json!({"delay_ms": 300}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let started = std::time::Instant::now();
    create(&mock, &json!({})).await;
    assert!(started.elapsed() >= Duration::from_millis(300));

    http()
        .post(&faults)
        .json(&json!({"drop_connection": true}))
        .send()
        .await
        .unwrap();
    let mut req = http().post(format!("{}{PATH}", mock.base_url())).body("{}");
    for &(k, v) in AUTH.iter() {
        req = req.header(k, v);
    }
    // Depending on timing the client sees the drop while reading the head or the body.
    let outcome = match req.send().await {
        Err(e) => Err(e),
        Ok(resp) => resp.bytes().await.map(|_| ()),
    };
    assert!(
        outcome.is_err(),
        "a dropped connection must not look like an answer"
    );

    for bad in [
        json!({"status": 99}),
        json!({"stauts": 503}),
        json!({"count": 0}),
    ] {
        let resp = http().post(&faults).json(&bad).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    http()
        .post(&faults)
        .json(&json!({"count": 5, "status": 500}))
        .send()
        .await
        .unwrap();
    let resp = http().delete(&faults).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    create(&mock, &json!({})).await;
}

#[tokio::test]
async fn links_are_bounded_oldest_first() {
    let mock = MockServer::start_with(MockConfig::default().with_max_links(3))
        .await
        .unwrap();
    let mut urls = Vec::new();
    for n in 0..5 {
        let r = create(&mock, &json!({"merchant_txn_ref": format!("R{n}")})).await;
        urls.push(r["url"].as_str().unwrap().to_string());
    }
    let refs: Vec<Value> = mock
        .links()
        .iter()
        .map(|l| l.request["merchant_txn_ref"].clone())
        .collect();
    assert_eq!(refs, [json!("R2"), json!("R3"), json!("R4")]);
    let status = |url: String| async move { http().get(url).send().await.unwrap().status() };
    assert_eq!(status(urls[0].clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(status(urls[4].clone()).await, StatusCode::OK);
}

#[tokio::test]
async fn control_api_completes_once_and_lists_deliveries() {
    let receiver = TestServer::start().await;
    let mock = MockServer::start_with(fast_delivery(3)).await.unwrap();
    let mut request = fixture("hpp-link-request.json");
    request["return_url"]["webhook_url"] = json!(format!("{}/hook", receiver.base_url()));
    let link = create(&mock, &request).await;
    let id = link["id"].as_str().unwrap();
    let complete = format!("{}/__mock/links/{id}/complete", mock.base_url());
    let post_json = |url: String, body: Value| async move {
        http().post(url).json(&body).send().await.unwrap()
    };

    let resp = post_json(complete.clone(), json!({"outcome": "pay"})).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let completion: Value = resp.json().await.unwrap();
    assert_eq!(completion["redirect"], "http://www.successurl.com/");
    assert!(
        completion["transaction"]["stored_payment_method_id"].is_string(),
        "store_payment_method was true"
    );

    let again = post_json(complete.clone(), json!({"outcome": "cancel"})).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let bad = post_json(complete.clone(), json!({"outcome": "refund"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let nil = uuid::Uuid::nil();
    let missing = post_json(
        format!("{}/__mock/links/{nil}/complete", mock.base_url()),
        json!({"outcome": "pay"}),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let deliveries = mock.wait_for_deliveries(1, Duration::from_secs(5)).await;
    assert_eq!(deliveries[0].state, DeliveryState::Delivered);
    let received = &receiver.requests()[0];
    assert_eq!(received.path, "/hook");
    assert_eq!(received.header("x-mock-outcome"), Some("paid"));
    let details = &received.json()["transaction_details"];
    assert_eq!(details["merchant_txn_ref"], "2003089893366DTEST");
    assert_eq!(details["id"], completion["transaction"]["id"]);
    assert_eq!(
        details["stored_payment_method_id"],
        completion["transaction"]["stored_payment_method_id"]
    );
    let get_json = |path: &str| {
        let url = format!("{}{path}", mock.base_url());
        async move {
            http()
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        get_json("/__mock/deliveries").await[0]["state"],
        "delivered"
    );
    assert_eq!(get_json("/__mock/links").await[0]["state"], "paid");
    assert_eq!(
        get_json(&format!("/__mock/links/{id}")).await["state"],
        "paid"
    );

    let reset = http()
        .post(format!("{}/__mock/reset", mock.base_url()))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert!(mock.links().is_empty() && mock.deliveries().is_empty());
}

#[tokio::test]
async fn notifications_are_retried_until_acknowledged() {
    let receiver = TestServer::start().await;
    receiver.push_reply(Reply::raw(500, "text/plain", "down"));
    receiver.push_reply(Reply::raw(503, "text/plain", "still down"));
    let mock = MockServer::start_with(fast_delivery(5)).await.unwrap();
    let hook = format!("{}/hook", receiver.base_url());
    let link = create(
        &mock,
        &json!({"amount": 500, "currency": "USD", "return_url": {"webhook_url": hook}}),
    )
    .await;
    let id = link["id"].as_str().unwrap().parse().unwrap();
    mock.complete(id, CustomerAction::Decline).unwrap();

    let d = &mock.wait_for_deliveries(1, Duration::from_secs(5)).await[0];
    assert_eq!(d.state, DeliveryState::Delivered);
    let statuses: Vec<Option<u16>> = d.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(200)]);
    let bodies: Vec<Value> = receiver.requests().iter().map(|r| r.json()).collect();
    assert_eq!(bodies.len(), 3);
    assert!(
        bodies.iter().all(|b| *b == d.body),
        "every attempt carries the same notification"
    );
    assert_eq!(
        receiver.requests()[2].header("x-mock-outcome"),
        Some("declined")
    );
}

#[tokio::test]
async fn undeliverable_notifications_are_kept_as_failed_and_can_be_redelivered() {
    let receiver = TestServer::start().await;
    receiver.set_default_reply(Reply::raw(500, "text/plain", "down"));
    let mock = MockServer::start_with(fast_delivery(3)).await.unwrap();
    let hook = format!("{}/hook", receiver.base_url());
    let link = create(&mock, &json!({"return_url": {"webhook_url": hook}})).await;
    let id = link["id"].as_str().unwrap().parse().unwrap();
    mock.complete(id, CustomerAction::Cancel).unwrap();
    let d = mock
        .wait_for_deliveries(1, Duration::from_secs(5))
        .await
        .remove(0);
    assert_eq!(d.state, DeliveryState::Failed);
    assert_eq!(d.attempts.len(), 3);

    receiver.set_default_reply(Reply::json(200, json!({})));
    let resp = http()
        .post(format!(
            "{}/__mock/deliveries/{}/redeliver",
            mock.base_url(),
            d.id
        ))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let d = mock
        .wait_for_deliveries(1, Duration::from_secs(5))
        .await
        .remove(0);
    assert_eq!(d.state, DeliveryState::Delivered);
    assert_eq!(receiver.requests().len(), 4);

    // A receiver that does not exist: connection errors are recorded, not lost.
    let port = paymentoptions_hpp_testkit::refused_port();
    let gone = format!("http://127.0.0.1:{port}/hook");
    let link = create(&mock, &json!({"return_url": {"webhook_url": gone}})).await;
    let id = link["id"].as_str().unwrap().parse().unwrap();
    mock.complete(id, CustomerAction::Pay).unwrap();
    let all = mock.wait_for_deliveries(2, Duration::from_secs(5)).await;
    let d = all.iter().find(|d| d.link_id == id).unwrap();
    assert_eq!(d.state, DeliveryState::Failed);
    assert!(d.attempts.iter().all(|a| a.status.is_none()));
    assert!(d.attempts[0].error.is_some(), "{:?}", d.attempts[0]);
}
