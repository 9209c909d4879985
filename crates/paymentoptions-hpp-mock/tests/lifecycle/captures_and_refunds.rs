//! Pre-auths captured in part or voided, refunds down to zero, and refunds racing each other.

use super::*;

#[tokio::test]
async fn pre_auth_partial_capture_then_refunds_down_to_zero() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let link = sandbox.link("ORDER-PREAUTH", false).await;
    let pre_auth = sandbox.pay(link, false).await;
    let (status, body) = sandbox.status(&pre_auth).await;
    assert_eq!(status, 200);
    assert_eq!(body["transaction_type"], "PRE_AUTH");
    assert_eq!(body["success"], true);
    assert_eq!(body["payment_details"]["amount"], 1000);
    // The notification says PRE_AUTH too.
    let notified = sandbox.notifications(1).await[0].json();
    assert_eq!(notified, body);

    // A pre-auth is not refundable: its capture is.
    let (status, refused) = sandbox.refund(&pre_auth, 100).await;
    assert_eq!((status, &refused["code"]), (412, &json!("not_refundable")));
    // Not more than authorised.
    let (status, refused) = sandbox.capture(&pre_auth, 1001).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("amount_exceeds_authorisation")),
        "{refused}"
    );

    // A partial capture: a new transaction, linked to the pre-auth; the rest is released.
    let (status, capture) = sandbox.capture(&pre_auth, 600).await;
    assert_eq!(status, 201, "{capture}");
    assert_eq!(capture["status_code"], 201);
    assert_eq!(capture["success"], true);
    assert_eq!(capture["transaction_type"], "CAPTURE");
    assert_eq!(capture["gateway_response"]["code"], "INFO0001");
    assert_eq!(capture["payment_details"]["amount"], 600);
    assert_eq!(capture["payment_details"]["currency"], "JPY");
    assert_eq!(
        capture["transaction_details"]["merchant_txn_ref"],
        "ORDER-PREAUTH"
    );
    assert_transaction_details(&capture);
    let capture_id = id_of(&capture);
    assert_ne!(capture_id, pre_auth);

    // Once only; then neither a void.
    let (status, refused) = sandbox.capture(&pre_auth, 400).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("already_captured"))
    );
    let (status, refused) = sandbox.void(&pre_auth).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("already_captured"))
    );
    // A capture is not a pre-auth.
    let (status, refused) = sandbox.capture(&capture_id, 1).await;
    assert_eq!((status, &refused["code"]), (412, &json!("not_a_pre_auth")));

    // Refund in part, then the rest.
    let (status, first) = sandbox.refund(&capture_id, 200).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["transaction_type"], "REFUND");
    assert_eq!(first["gateway_response"]["code"], "INFO0002");
    assert_eq!(first["payment_details"]["amount"], 200);
    let (status, rest) = sandbox.refund(&capture_id, 400).await;
    assert_eq!(status, 201, "{rest}");
    assert_ne!(id_of(&first), id_of(&rest));

    // Nothing is left: the documented over-refund answer.
    let (status, over) = sandbox.refund(&capture_id, 1).await;
    assert_eq!(status, 412, "{over}");
    assert_eq!(over["success"], false);
    assert_eq!(over["transaction_type"], "REFUND");
    assert_eq!(over["gateway_response"]["code"], "ERR3019");
    assert_eq!(over["payment_details"]["response_code"], -8019);
    assert_eq!(over["code"], "ERR3019");
    assert!(
        over["message"].as_str().unwrap().contains("0 left"),
        "{over}"
    );

    // The status of each: as created, with status_code 200.
    for created in [&capture, &first, &rest] {
        let (status, mut read) = sandbox.status(&id_of(created)).await;
        assert_eq!(status, 200);
        assert_eq!(read["status_code"], 200);
        read["status_code"] = json!(201);
        assert_eq!(&read, created);
    }

    // The link shows them all, each with its original and balances.
    let view = sandbox.view(link);
    let kinds: Vec<(&str, Option<&str>)> = view
        .transactions
        .iter()
        .map(|t| (t.transaction_type.as_str(), t.original_id.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("PRE_AUTH", None),
            ("CAPTURE", Some(pre_auth.as_str())),
            ("REFUND", Some(capture_id.as_str())),
            ("REFUND", Some(capture_id.as_str())),
        ]
    );
    assert_eq!(view.transactions[0].captured, 600);
    assert_eq!(view.transactions[1].refunded, 600);
    assert_eq!(sandbox.mock.transaction(&capture_id).unwrap().refunded, 600);
    let seen = sandbox.check_conformance();
    assert!(seen.contains(&("refund_transaction", 412)));
}

#[tokio::test]
async fn a_voided_pre_auth_cannot_be_captured() {
    // Authorise-only as the configuration, through the page's own path (`MockServer::complete`).
    let sandbox = Sandbox::start(MockConfig::default().with_authorise_only(true)).await;
    let link = sandbox.link("ORDER-VOID", false).await;
    let completion = sandbox
        .mock
        .complete(link, paymentoptions_hpp_mock::CustomerAction::Pay)
        .unwrap();
    assert_eq!(
        completion.transaction.transaction_type.as_deref(),
        Some("PRE_AUTH")
    );
    let pre_auth = completion.transaction.id;

    let (status, void) = sandbox.void(&pre_auth).await;
    assert_eq!(status, 201, "{void}");
    assert_eq!(void["transaction_type"], "VOID");
    assert_eq!(void["gateway_response"]["code"], "INFO0003");
    assert_eq!(void["success"], true);
    assert!(void.get("payment_details").is_none(), "{void}");
    assert_transaction_details(&void);
    let void_id = id_of(&void);
    assert_eq!(sandbox.status(&void_id).await.1["transaction_type"], "VOID");

    let (status, refused) = sandbox.capture(&pre_auth, 1000).await;
    assert_eq!(
        (status, &refused["code"]),
        (412, &json!("voided")),
        "{refused}"
    );
    let (status, refused) = sandbox.void(&pre_auth).await;
    assert_eq!((status, &refused["code"]), (412, &json!("voided")));
    // A void is neither capturable nor refundable.
    assert_eq!(sandbox.capture(&void_id, 1).await.0, 412);
    assert_eq!(sandbox.refund(&void_id, 1).await.0, 412);

    let held = sandbox.mock.transaction(&pre_auth).unwrap();
    assert!(held.voided && held.captured == 0);
    // `capture: true` in the control API overrides the configuration.
    let other = sandbox.link("ORDER-CAPTURED", false).await;
    let id = sandbox.pay(other, true).await;
    assert_eq!(
        sandbox.mock.transaction(&id).unwrap().transaction_type,
        "CAPTURE"
    );
    // And `MockServer::authorise` pre-authorises whatever the configuration says.
    let plain = Sandbox::start(MockConfig::default()).await;
    let link = plain.link("ORDER-AUTH", false).await;
    let completion = plain.mock.authorise(link).unwrap();
    assert_eq!(
        completion.transaction.transaction_type.as_deref(),
        Some("PRE_AUTH")
    );
    sandbox.check_conformance();
    plain.check_conformance();
}

#[tokio::test]
async fn racing_refunds_never_refund_more_than_was_paid() {
    let sandbox = Arc::new(Sandbox::start(MockConfig::default()).await);
    let link = sandbox.link("ORDER-RACE", false).await;
    let paid = sandbox.pay(link, true).await;
    // Thirty refunds of 100 on 1000, all at once: ten fit.
    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let sandbox = sandbox.clone();
            let paid = paid.clone();
            tokio::spawn(async move { sandbox.refund(&paid, 100).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        if status == 412 {
            assert_eq!(body["gateway_response"]["code"], "ERR3019", "{body}");
        }
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        20,
        "{statuses:?}"
    );
    assert_eq!(sandbox.mock.transaction(&paid).unwrap().refunded, 1000);

    // Two refunds of 600 on another payment: exactly one wins.
    let link = sandbox.link("ORDER-RACE-2", false).await;
    let paid = sandbox.pay(link, true).await;
    let (a, b) = tokio::join!(sandbox.refund(&paid, 600), sandbox.refund(&paid, 600));
    let mut pair = [a.0, b.0];
    pair.sort();
    assert_eq!(pair, [201, 412]);
    let refunds: i64 = sandbox
        .mock
        .transactions()
        .iter()
        .filter(|t| t.original_id.as_deref() == Some(paid.as_str()))
        .filter_map(|t| t.amount)
        .sum();
    assert_eq!(refunds, 600);
    sandbox.check_conformance();
}
