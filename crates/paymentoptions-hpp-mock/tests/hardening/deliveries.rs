//! Webhook deliveries: pending ones bounded like links, and none to the sandbox itself.

use super::*;

/// Item 3: with `max_links` 10, completing 30 links whose receiver never answers held 30
/// deliveries and their retry loops. Now at most 10 are held, and the connections of the
/// evicted ones are closed (their tasks stop).
#[tokio::test]
async fn pending_deliveries_are_bounded_like_links() {
    const MAX: usize = 10;
    // A receiver that accepts and never answers, counting the connections still open.
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", receiver.local_addr().unwrap());
    let open = Arc::new(AtomicUsize::new(0));
    let counted = open.clone();
    let accepting = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = receiver.accept().await else {
                return;
            };
            counted.fetch_add(1, Ordering::SeqCst);
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
                counted.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    let mock = MockServer::start_with(
        MockConfig::default()
            .with_max_links(MAX)
            .with_delivery(DeliveryPolicy::default().with_timeout(Duration::from_secs(30))),
    )
    .await
    .unwrap();
    for _ in 0..3 * MAX {
        let link = create(&mock, &json!({"return_url": {"webhook_url": hook}})).await;
        mock.complete(id_of(&link), CustomerAction::Pay).unwrap();
    }
    let deliveries = mock.deliveries();
    assert_eq!(deliveries.len(), MAX);
    assert!(deliveries.iter().all(|d| d.state == DeliveryState::Pending));
    // The evicted deliveries' requests are abandoned: their connections close.
    let deadline = Instant::now() + Duration::from_secs(5);
    while open.load(Ordering::SeqCst) > MAX {
        assert!(
            Instant::now() < deadline,
            "{} connections still open for {MAX} deliveries",
            open.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A reset stops the rest.
    mock.reset();
    let deadline = Instant::now() + Duration::from_secs(5);
    while open.load(Ordering::SeqCst) > 0 {
        assert!(Instant::now() < deadline, "a reset left deliveries running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    accepting.abort();
}

/// Item 10: a link whose `webhook_url` is the sandbox's own `/__mock/reset` wiped every link
/// when paid. The notification is not sent, and the record says why.
#[tokio::test]
async fn the_sandbox_never_notifies_itself() {
    let mock = MockServer::start().await.unwrap();
    let port = mock.addr().port();
    let keep = create(&mock, &json!({"merchant_txn_ref": "KEEP"})).await;
    for hook in [
        format!("{}/__mock/reset", mock.base_url()),
        format!("http://localhost:{port}/__mock/reset"),
        format!("http://[::1]:{port}/__mock/reset"),
        format!("http://0.0.0.0:{port}/__mock/reset"),
    ] {
        let link = create(&mock, &json!({"return_url": {"webhook_url": hook}})).await;
        let completion = mock.complete(id_of(&link), CustomerAction::Pay).unwrap();
        let id = completion.delivery_id.unwrap();
        let delivery = mock
            .wait_for_deliveries(mock.deliveries().len(), Duration::from_secs(5))
            .await
            .into_iter()
            .find(|d| d.id == id)
            .unwrap();
        assert_eq!(delivery.state, DeliveryState::Failed, "{hook}");
        let error = delivery.attempts[0].error.as_deref().unwrap();
        assert!(error.contains("never notifies itself"), "{hook}: {error}");
        assert_eq!(delivery.attempts.len(), 1, "{hook}: not retried");
    }
    assert!(
        mock.link(id_of(&keep)).is_some(),
        "the sandbox's state survived"
    );
}
