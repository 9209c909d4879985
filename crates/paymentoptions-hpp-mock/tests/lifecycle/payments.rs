//! Paying and declining (over the API and on the hosted page), and stored cards paying again.

use super::*;

#[tokio::test]
async fn pay_and_decline_notify_the_envelope_and_the_status_call_answers_it() {
    // Without the spec's examples: every transaction held is one this test made.
    let sandbox = Sandbox::start(MockConfig::default().with_spec_examples(false)).await;
    let paid = sandbox.link("ORDER-PAID", true).await;
    let declined = sandbox.link("ORDER-DECLINED", true).await;
    let cancelled = sandbox.link("ORDER-CANCELLED", true).await;
    sandbox.complete(paid, json!({"outcome": "pay"})).await;
    sandbox
        .complete(declined, json!({"outcome": "decline"}))
        .await;
    let cancel = sandbox
        .complete(cancelled, json!({"outcome": "cancel"}))
        .await;
    let received = sandbox.notifications(3).await;
    let by_outcome = |outcome: &str| {
        received
            .iter()
            .find(|r| r.header("x-mock-outcome") == Some(outcome))
            .unwrap_or_else(|| panic!("a {outcome} notification"))
            .json()
    };

    // Paid: an approved CAPTURE, the card masked, a stored card issued.
    let body = by_outcome("paid");
    assert_eq!(body["success"], true, "{body}");
    assert_eq!(body["status_code"], 200);
    assert_eq!(body["is_live"], false);
    assert_eq!(body["transaction_type"], "CAPTURE");
    assert_eq!(body["gateway_response"]["code"], "INFO0000");
    assert_eq!(body["gateway_response"]["type"], "INFO");
    let payment = &body["payment_details"];
    assert_eq!(
        (
            &payment["amount"],
            &payment["currency"],
            &payment["response_code"]
        ),
        (&json!(1000), &json!("JPY"), &json!(0))
    );
    assert_eq!(payment["card"]["number"], "424242******4242");
    assert!(!body.to_string().contains("4242424242424242"));
    assert_eq!(body["merchant_details"]["merchant_txn_ref"], "ORDER-PAID");
    assert_eq!(body["merchant_details"]["mid"], "MERCHANT-0001");
    assert_eq!(
        body["transaction_details"]["merchant_txn_ref"],
        "ORDER-PAID"
    );
    assert_eq!(
        body["transaction_details"]["billing_details"]["billing_address"]["email"],
        "taro@example.com"
    );
    assert_transaction_details(&body);
    let token = body["transaction_details"]["stored_payment_method_id"]
        .as_str()
        .unwrap();
    assert!(Uuid::parse_str(token).is_ok(), "{token}");
    let id = id_of(&body);
    assert_eq!(
        sandbox
            .view(paid)
            .transaction
            .unwrap()
            .transaction_type
            .as_deref(),
        Some("CAPTURE")
    );
    // The status call answers the transaction as stored: the notification's very body.
    assert_eq!(sandbox.status(&id).await, (200, body.clone()));

    // Declined: the sandbox's assumed shape, no card stored.
    let body = by_outcome("declined");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["transaction_type"], "CAPTURE");
    assert_eq!(body["payment_details"]["response_code"], 5);
    assert_eq!(body["gateway_response"]["code"], "ERR0005");
    assert_eq!(body["gateway_response"]["type"], "ERROR");
    assert_eq!(
        body["payment_details"]["card"]["number"],
        "400000******0002"
    );
    assert!(body["payment_details"].get("auth_code").is_none());
    assert!(
        body["transaction_details"]
            .get("stored_payment_method_id")
            .is_none()
    );
    assert_transaction_details(&body);
    let declined_id = id_of(&body);
    assert_eq!(sandbox.status(&declined_id).await, (200, body.clone()));

    // Cancelled: a notification without outcome signals, and no transaction.
    let body = by_outcome("cancelled");
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["transaction_details"],
        "{body}"
    );
    let cancel_id = cancel["transaction"]["id"].as_str().unwrap();
    assert_eq!(body["transaction_details"]["id"], cancel_id);
    assert_eq!(cancel["transaction"]["transaction_type"], Value::Null);
    let (status, error) = sandbox.status(cancel_id).await;
    assert_eq!(status, 404, "{error}");
    assert_eq!(error["code"], "not_found");

    // Each link view shows its transactions; the cancelled one has none.
    let view = sandbox.view(paid);
    assert_eq!(view.state, LinkState::Paid);
    assert_eq!(view.transactions.len(), 1);
    assert_eq!(view.transactions[0].id, id);
    assert!(view.transactions[0].approved);
    assert!(!sandbox.view(declined).transactions[0].approved);
    assert!(sandbox.view(cancelled).transactions.is_empty());
    assert_eq!(sandbox.mock.transactions().len(), 2);

    // A declined payment cannot be refunded, captured or voided.
    for (status, body) in [
        sandbox.refund(&declined_id, 1).await,
        sandbox.capture(&declined_id, 1).await,
        sandbox.void(&declined_id).await,
    ] {
        assert_eq!(status, 412, "{body}");
    }
    sandbox.check_conformance();
}

#[tokio::test]
async fn a_stored_card_pays_again_and_unknown_tokens_are_refused() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let link = sandbox.link("ORDER-STORE", true).await;
    let first = sandbox.pay(link, true).await;
    let token = sandbox
        .mock
        .transaction(&first)
        .unwrap()
        .stored_payment_method_id
        .expect("a stored card");

    let (status, paid) = sandbox.pay_with(&token, "2500", "ORDER-AGAIN").await;
    assert_eq!(status, 201, "{paid}");
    assert_eq!(paid["success"], true);
    assert_eq!(paid["status_code"], 201);
    assert_eq!(paid["transaction_type"], "CAPTURE");
    assert_eq!(paid["gateway_response"]["code"], "INFO0000");
    // The amount arrives as a string of digits and is answered as the integer.
    assert_eq!(paid["payment_details"]["amount"], 2500);
    assert_eq!(paid["payment_details"]["currency"], "USD");
    assert_eq!(paid["payment_details"]["response_code"], 0);
    assert_eq!(
        paid["payment_details"]["card"]["number"],
        "424242******4242"
    );
    assert_eq!(paid["merchant_details"]["merchant_txn_ref"], "ORDER-AGAIN");
    assert_eq!(
        paid["merchant_details"]["device_details"]["customer_ip"],
        "192.0.2.7"
    );
    assert_eq!(
        paid["transaction_details"]["stored_payment_method_id"],
        token.as_str()
    );
    assert_transaction_details(&paid);
    let again = id_of(&paid);
    let (status, read) = sandbox.status(&again).await;
    assert_eq!(
        (status, &read["payment_details"]["amount"]),
        (200, &json!(2500))
    );
    // It is a payment like any other: refundable up to its amount.
    assert_eq!(sandbox.refund(&again, 2500).await.0, 201);
    assert_eq!(sandbox.refund(&again, 1).await.0, 412);
    // The card stays stored.
    assert_eq!(sandbox.pay_with(&token, "1", "ORDER-THIRD").await.0, 201);

    // Unknown tokens: 406.
    let unknown = Uuid::new_v4().to_string();
    let (status, refused) = sandbox.pay_with(&unknown, "100", "ORDER-X").await;
    assert_eq!((status, &refused["code"]), (406, &json!("invalid_card")));
    assert_eq!(refused["field"], "payment_method.stored_payment_method_id");
    // A payment without `store_payment_method`, and a declined one, store nothing.
    let plain = sandbox.link("ORDER-PLAIN", false).await;
    let plain_id = sandbox.pay(plain, true).await;
    assert_eq!(
        sandbox
            .mock
            .transaction(&plain_id)
            .unwrap()
            .stored_payment_method_id,
        None
    );
    let declined = sandbox.link("ORDER-NO", true).await;
    let completion = sandbox
        .complete(declined, json!({"outcome": "decline"}))
        .await;
    assert_eq!(
        completion["transaction"]["stored_payment_method_id"],
        Value::Null
    );

    // The spec's rules: digits only, at most 19 of them; more than an amount holds is named.
    for amount in [
        "12.5",
        "-1",
        "",
        "99999999999999999999",
        "9999999999999999999",
    ] {
        let (status, refused) = sandbox.pay_with(&token, amount, "ORDER-BAD").await;
        assert_eq!(
            (status, &refused["field"]),
            (400, &json!("amount")),
            "{amount}: {refused}"
        );
    }
    let (status, refused) = sandbox
        .call(
            api::PAY_WITH_STORED_CARD,
            None,
            Some(json!({"amount": 100, "currency": "USD", "payment_method": {"stored_payment_method_id": token}})),
        )
        .await;
    assert_eq!(
        (status, &refused["field"]),
        (400, &json!("amount")),
        "an integer amount: {refused}"
    );
    let (status, _) = sandbox
        .call(
            api::PAY_WITH_STORED_CARD,
            None,
            Some(json!({"amount": "100", "currency": "USD", "payment_method": {}})),
        )
        .await;
    assert_eq!(status, 400, "no token");
    let seen = sandbox.check_conformance();
    assert!(seen.contains(&("pay_with_stored_card", 406)));
}

/// The hosted page's form makes the same transactions: the card the customer typed, masked,
/// with its expiry; a pre-auth when the sandbox authorises only.
#[tokio::test]
async fn the_hosted_page_makes_the_same_transactions() {
    let sandbox = Sandbox::start(MockConfig::default().with_authorise_only(true)).await;
    for (card, outcome, masked) in [
        ("5555 5555 5555 4444", "paid", "555555******4444"),
        ("4000 0000 0000 0002", "declined", "400000******0002"),
    ] {
        let link = sandbox.link(&format!("ORDER-PAGE-{outcome}"), true).await;
        let url = sandbox.view(link).url;
        let response = http()
            .post(&url)
            .form(&[
                ("action", "pay"),
                ("card_number", card),
                ("expiry", "12/39"),
                ("cvc", "123"),
                ("phone_number", "0312345678"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let transaction = &sandbox.view(link).transactions[0];
        let envelope = &transaction.envelope;
        assert_eq!(envelope["transaction_type"], "PRE_AUTH");
        let card_json = &envelope["payment_details"]["card"];
        assert_eq!(
            card_json,
            &json!({"number": masked, "exp_month": "12", "exp_year": "39"})
        );
        assert!(!envelope.to_string().contains(&card.replace(' ', "")));
        // What the customer typed joins the link's billing address.
        let billing = &envelope["transaction_details"]["billing_details"]["billing_address"];
        assert_eq!(billing["phone_number"], "0312345678", "{envelope}");
        assert_eq!(billing["email"], "taro@example.com");
        if outcome == "paid" {
            assert_eq!(envelope["payment_details"]["scheme"], "MASTERCARD");
            assert_eq!(sandbox.capture(&transaction.id, 1000).await.0, 201);
        }
    }
    let received = sandbox.notifications(2).await;
    assert!(
        received
            .iter()
            .all(|r| r.json()["transaction_type"] == "PRE_AUTH")
    );
    sandbox.check_conformance();
}
