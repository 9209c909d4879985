//! Requests the sandbox refuses or takes in order: float amounts, faults only after auth,
//! the control API's inputs, other sites' pages and rebound host names.

use super::*;

/// Item 2: `5.0` is an integer to JSON Schema, but not to the client's decoder, and the page
/// read it as "no amount" (a `5000.0` link was paid with 1). Refused everywhere, naming the
/// field.
#[tokio::test]
async fn float_amounts_are_refused_naming_the_field() {
    let mock = MockServer::start().await.unwrap();
    for amount in ["5.0", "5000.0", "1e3", "1E3", "0.0", "-0.0"] {
        let body = format!(r#"{{"amount": {amount}, "currency": "JPY"}}"#);
        let (status, error) = post(&mock, &AUTH, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{amount}: {error}");
        assert_eq!(error["field"], "amount", "{amount}: {error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("not an integer"),
            "{error}"
        );
    }
    assert!(mock.links().is_empty(), "no float link exists to be paid");

    // The page and the control API charge the integer amount they were given.
    let link = create(&mock, &json!({"amount": 5000, "currency": "JPY"})).await;
    let page = http()
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("5,000 JPY"), "{page}");
    let completion = http()
        .post(format!(
            "{}/__mock/links/{}/complete",
            mock.base_url(),
            id_of(&link)
        ))
        .json(&json!({"outcome": "pay"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(completion["transaction"]["amount"], 5000, "{completion}");

    // The control API's numbers are whole too, and the refusal names the member.
    let faults = format!("{}/__mock/faults", mock.base_url());
    for (body, field) in [
        (json!({"count": 1.0}), "count"),
        (json!({"status": 503.0}), "status"),
        (json!({"delay_ms": 1e2}), "delay_ms"),
    ] {
        let response = http().post(&faults).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["field"], field, "{error}");
    }
    assert!(mock.links().len() == 1);
}

/// Item 12: an injected fault answered requests without a key. Auth comes first, and the
/// fault is still there for the next authenticated request.
#[tokio::test]
async fn auth_comes_before_injected_faults() {
    let mock = MockServer::start().await.unwrap();
    mock.inject_fault(Fault {
        count: 1,
        status: Some(503),
        ..Fault::default()
    });
    let (status, error) = post(&mock, &[("content-type", "application/json")], "{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    let (status, error) = post(&mock, &AUTH, "{}").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{error}");
    assert_eq!(error["code"], "injected_fault");
}

/// Issue 14: states and the notification header say `paid`, the control API took `pay`. Both
/// vocabularies are accepted.
#[tokio::test]
async fn the_control_api_accepts_actions_and_states() {
    let mock = MockServer::start().await.unwrap();
    for (outcome, state) in [
        ("pay", LinkState::Paid),
        ("paid", LinkState::Paid),
        ("decline", LinkState::Declined),
        ("declined", LinkState::Declined),
        ("cancel", LinkState::Cancelled),
        ("cancelled", LinkState::Cancelled),
    ] {
        let link = create(&mock, &json!({"amount": 100, "currency": "JPY"})).await;
        let response = http()
            .post(format!(
                "{}/__mock/links/{}/complete",
                mock.base_url(),
                id_of(&link)
            ))
            .json(&json!({"outcome": outcome}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{outcome}");
        assert_eq!(mock.link(id_of(&link)).unwrap().state, state, "{outcome}");
    }
}

/// Item 6: any web page could drive the sandbox (a cross-origin `text/plain` POST to
/// `/__mock/faults` got 201), and any `Host` was served (DNS rebinding). Each form is refused,
/// on every kind of route; the page's own form post still works.
#[tokio::test]
async fn other_web_pages_and_rebound_names_are_refused() {
    let mock = MockServer::start().await.unwrap();
    let base = mock.base_url().to_string();
    let link = create(&mock, &json!({"amount": 100, "currency": "JPY"})).await;
    let page_url = link["url"].as_str().unwrap().to_string();

    // What a cross-origin form can send: text/plain or a form encoding, with its Origin.
    for (path, content_type) in [
        ("/__mock/faults", "text/plain"),
        ("/__mock/reset", "application/x-www-form-urlencoded"),
        ("/__mock/reset", "multipart/form-data; boundary=x"),
    ] {
        for origin in [Some("http://evil.example"), Some("null"), None] {
            let mut request = http()
                .post(format!("{base}{path}"))
                .header("content-type", content_type)
                .body(r#"{"count": 1, "status": 500}"#);
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{path} {content_type} {origin:?}: {status}"
            );
        }
    }
    // A foreign Origin is refused even with JSON (a page can send that after a preflight the
    // sandbox never grants, but it must not count on that), and on the page's form.
    let response = http()
        .post(format!("{base}/__mock/reset"))
        .header("content-type", "application/json")
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let cancel = [("action", "cancel")];
    let response = http()
        .post(&page_url)
        .header("origin", "http://evil.example")
        .form(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let faults: Vec<Value> = http()
        .get(format!("{base}/__mock/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(faults.is_empty() && mock.links().len() == 1, "{faults:?}");

    // A rebound name: the sandbox's own socket, another name.
    let port = mock.addr().port();
    let routes = [
        ("GET", format!("{base}/__mock/links")),
        ("GET", page_url.clone()),
        ("POST", format!("{base}{PATH}")),
    ];
    for host in [format!("rebound.example:{port}"), "127.0.0.1".to_string()] {
        for (method, url) in &routes {
            let mut request = http()
                .request(method.parse().unwrap(), url)
                .header("host", &host);
            for &(k, v) in AUTH.iter() {
                request = request.header(k, v);
            }
            let response = request.body("{}").send().await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "{method} {url} as {host}"
            );
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["code"], "unknown_host");
        }
    }
    assert_eq!(mock.links().len(), 1, "the rebound create made nothing");

    // The page's own form, from its own origin, as a browser sends it.
    let response = http()
        .post(&page_url)
        .header("origin", &base)
        .form(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = http()
        .post(format!("{base}/__mock/reset"))
        .header("content-type", "application/json")
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(mock.links().is_empty());
}
