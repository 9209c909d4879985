//! The hosted-page flow end to end, auth errors, faults and retries, load, and the spec rules
//! the wrapper and the sandbox must agree on.

use super::*;

fn request(receiver: &TestServer, order: &str) -> LinkRequest {
    let base = receiver.base_url();
    LinkRequest::builder()
        .amount(Money::parse_major("10.50", Currency::USD).unwrap())
        .merchant_txn_ref(order)
        .webhook_url(format!("{base}/webhook"))
        .success_url(format!("{base}/paid"))
        .decline_url(format!("{base}/declined"))
        .cancel_url(format!("{base}/cancelled"))
        .store_payment_method(true)
        .billing_address(AddressBuilder::new().country("US").email("ada@example.com"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn pay_decline_and_cancel_end_to_end() {
    let receiver = TestServer::start().await;
    let mock = MockServer::start_with(fast_delivery()).await.unwrap();
    let client = client(&mock);

    for (n, (outcome, landing, header)) in [
        (CustomerAction::Pay, "/paid", "paid"),
        (CustomerAction::Decline, "/declined", "declined"),
        (CustomerAction::Cancel, "/cancelled", "cancelled"),
    ]
    .into_iter()
    .enumerate()
    {
        let order = format!("ORDER-{n}");
        let link = client
            .create_link(&request(&receiver, &order))
            .await
            .unwrap();
        assert!(link.url().as_str().starts_with(mock.base_url()));
        assert_eq!(
            link.amount(),
            Some(Money::from_minor(1050, Currency::USD).unwrap())
        );
        assert_eq!(link.merchant_txn_ref(), Some(order.as_str()));

        let completion = mock.complete(link.id(), outcome).unwrap();
        assert_eq!(
            completion.redirect,
            Some(format!("{}{landing}", receiver.base_url()))
        );
        let deliveries = mock
            .wait_for_deliveries(n + 1, Duration::from_secs(10))
            .await;
        assert!(
            deliveries
                .iter()
                .all(|d| d.state == DeliveryState::Delivered)
        );

        let received = receiver.requests().pop().unwrap();
        assert_eq!(received.path, "/webhook");
        assert_eq!(received.header("x-mock-outcome"), Some(header));
        let notification = parse_notification(&received.body).unwrap();
        let details = notification.envelope().transaction_details.clone().unwrap();
        assert_eq!(
            details.id.as_deref(),
            Some(completion.transaction.id.as_str())
        );
        assert_eq!(details.merchant_txn_ref.as_deref(), Some(order.as_str()));
        assert!(details.timestamp.unwrap().ends_with('Z'));
        // Only a successful payment stores the card.
        assert_eq!(
            details.stored_payment_method_id.is_some(),
            outcome == CustomerAction::Pay
        );
        assert_eq!(mock.link(link.id()).unwrap().state, outcome.state());
    }
}

#[tokio::test]
async fn unknown_keys_are_auth_errors_and_empty_requests_stay_empty() {
    let mock = MockServer::start_with(MockConfig::default().with_api_keys(["the-right-key"]))
        .await
        .unwrap();
    let wrong = client(&mock);
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();
    let Error::Api(e) = wrong.create_link(&request).await.unwrap_err() else {
        panic!("expected an API error")
    };
    assert!(e.is_auth());
    assert_eq!(
        e.error_body().unwrap().code,
        Some(serde_json::json!("unauthorized"))
    );

    let right = Client::builder()
        .api_key("the-right-key")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    let link = right.create_link(&request).await.unwrap();
    assert_eq!(mock.link(link.id()).unwrap().request, serde_json::json!({}));
}

#[tokio::test]
async fn faults_map_to_typed_errors_and_opt_in_retries() {
    let mock = MockServer::start().await.unwrap();
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();

    mock.inject_fault(Fault {
        status: Some(503),
        ..Fault::default()
    });
    let err = client(&mock).create_link(&request).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());

    mock.inject_fault(Fault {
        drop_connection: true,
        ..Fault::default()
    });
    let err = client(&mock).create_link(&request).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_ne!(
        t.kind(),
        TransportErrorKind::Connect,
        "the request was sent"
    );
    assert!(err.may_have_reached_server());

    // The default policy never re-sends a create that reached the server ...
    mock.reset();
    mock.inject_fault(Fault {
        status: Some(503),
        ..Fault::default()
    });
    let default = Client::builder()
        .api_key("k")
        .base_url(mock.base_url())
        .build()
        .unwrap();
    assert!(default.create_link(&request).await.is_err());
    assert!(mock.links().is_empty());
    // ... the opt-in policy does, and succeeds.
    mock.inject_fault(Fault {
        count: 2,
        status: Some(503),
        ..Fault::default()
    });
    let eager = Client::builder()
        .api_key("k")
        .base_url(mock.base_url())
        .retry_policy(
            RetryPolicy::default()
                .with_retry_on(RetryOn::Transient)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    eager.create_link(&request).await.unwrap();
    assert_eq!(mock.links().len(), 1);

    mock.inject_fault(Fault {
        delay_ms: 2_000,
        ..Fault::default()
    });
    let impatient = Client::builder()
        .api_key("k")
        .base_url(mock.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = impatient.create_link(&request).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_concurrent_creates_are_all_retrievable() {
    const LINKS: usize = 2_000;
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let links: Vec<_> = futures_util::stream::iter(0..LINKS)
        .map(|n| {
            let client = client.clone();
            async move {
                let request = LinkRequest::builder()
                    .amount(
                        Money::from_minor(100 + i64::try_from(n).unwrap(), Currency::JPY).unwrap(),
                    )
                    .merchant_txn_ref(format!("LOAD-{n}"))
                    .build()
                    .unwrap();
                client.create_link(&request).await.unwrap()
            }
        })
        .buffer_unordered(64)
        .collect()
        .await;

    let ids: HashSet<_> = links.iter().map(|l| l.id()).collect();
    assert_eq!(ids.len(), LINKS, "every id is fresh");
    let held = mock.links();
    assert_eq!(held.len(), LINKS);
    for link in &links {
        let view = mock.link(link.id()).expect("every link is retrievable");
        assert_eq!(view.state, LinkState::Open);
        assert_eq!(
            view.request["merchant_txn_ref"],
            link.merchant_txn_ref().unwrap()
        );
        assert_eq!(view.url, link.url().as_str());
    }
    // And their pages answer.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for link in links.iter().step_by(100) {
        let status = http.get(link.url().as_str()).send().await.unwrap().status();
        assert_eq!(status, 200);
    }
}
