//! How answers map to `Error`: error statuses, bad, tolerant or oversized bodies, redirects.

use super::*;

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
