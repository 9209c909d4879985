//! The `axum` feature's `Notification` extractor, in a real axum server on 127.0.0.1: a
//! notification reaches the handler; a malformed body is answered 400 with the reason naming
//! the JSON path, an oversized one 413, and neither reaches the handler.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::post;
use paymentoptions_hpp::Notification;
use paymentoptions_hpp::extract::MAX_NOTIFICATION_BYTES;

type Seen = Arc<Mutex<Vec<String>>>;

async fn webhook(State(seen): State<Seen>, notification: Notification) -> &'static str {
    seen.lock()
        .unwrap()
        .push(notification.transaction_id().to_string());
    "ok"
}

#[tokio::test]
async fn the_extractor_reads_notifications_and_refuses_bad_bodies_with_a_reason() {
    let seen = Seen::default();
    let app = axum::Router::new()
        .route("/webhook", post(webhook))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>| {
        let request = http.post(&url).body(body);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    let fixture = paymentoptions_hpp_testkit::fixture_bytes("transaction-notification.json");
    assert_eq!(post(fixture).await, (200, "ok".to_string()));

    let (status, reason) = post(br#"{"transaction_details": {"ref": []}}"#.to_vec()).await;
    assert_eq!(status, 400);
    assert!(reason.contains("transaction_details.ref"), "{reason}");
    let (status, reason) = post(b"not json".to_vec()).await;
    assert_eq!(status, 400, "{reason}");
    let (status, reason) = post(br#"{"transaction_details": {}}"#.to_vec()).await;
    assert_eq!(
        (status, reason.contains("transaction_details.id")),
        (400, true)
    );

    let mut huge = br#"{"transaction_details": {"id": "x", "pad": ""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', MAX_NOTIFICATION_BYTES));
    huge.extend_from_slice(br#""}}"#);
    let (status, reason) = post(huge).await;
    assert_eq!(status, 413, "{reason}");

    assert_eq!(
        *seen.lock().unwrap(),
        vec!["7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21".to_string()]
    );
}
