//! What the sandbox refuses: unknown ids, broken rules, bad keys, and injected faults.

use super::*;

#[tokio::test]
async fn unknown_ids_and_broken_rules_are_refused_with_declared_statuses() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let unknown = Uuid::new_v4().to_string();
    for (status, body) in [
        sandbox.status(&unknown).await,
        sandbox.capture(&unknown, 1).await,
        sandbox.refund(&unknown, 1).await,
        sandbox.void(&unknown).await,
    ] {
        assert_eq!(
            (status, &body["code"]),
            (404, &json!("not_found")),
            "{body}"
        );
        assert!(body["message"].as_str().unwrap().contains(&unknown));
    }
    // The path parameter's rule, from the spec: 36 characters.
    let (status, body) = sandbox.status("short").await;
    assert_eq!(
        (status, &body["field"]),
        (400, &json!("transactionId")),
        "{body}"
    );
    let (status, body) = sandbox.status(&"x".repeat(37)).await;
    assert_eq!(status, 400, "{body}");
    // The body rules, from the spec.
    for (operation, body, field) in [
        (
            api::CAPTURE_TRANSACTION,
            json!({"transactionId": unknown, "amount": 0}),
            "amount",
        ),
        (
            api::CAPTURE_TRANSACTION,
            json!({"transactionId": unknown, "amount": 5.0}),
            "amount",
        ),
        (
            api::REFUND_TRANSACTION,
            json!({"transactionId": unknown, "amount": "1"}),
            "amount",
        ),
        (
            api::REFUND_TRANSACTION,
            json!({"transactionId": "short", "amount": 1}),
            "transactionId",
        ),
        (
            api::VOID_TRANSACTION,
            json!({"transactionId": unknown, "merchant_id": "m".repeat(129)}),
            "merchant_id",
        ),
        (
            api::CAPTURE_TRANSACTION,
            json!({"transactionId": unknown, "amount": 1, "notes": "n".repeat(129)}),
            "notes",
        ),
        (api::VOID_TRANSACTION, json!({}), "transactionId"),
    ] {
        let (status, refused) = sandbox.call(operation, None, Some(body.clone())).await;
        assert_eq!(
            (status, &refused["code"], &refused["field"]),
            (400, &json!("invalid_request"), &json!(field)),
            "{} {body}: {refused}",
            operation.id
        );
    }
    // Wrong method: 405 naming the one allowed (not an answer of the operation, so unrecorded).
    let base = sandbox.mock.base_url();
    let response = http()
        .post(format!(
            "{base}{}",
            api::GET_TRANSACTION_STATUS
                .path
                .replace("{transactionId}", &unknown)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET");
    let response = http()
        .get(format!("{base}{}", api::REFUND_TRANSACTION.path))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (response.status().as_u16(), &response.headers()["allow"]),
        (405, &"POST".parse().unwrap())
    );
    sandbox.check_conformance();
}

#[tokio::test]
async fn auth_and_faults_apply_to_every_operation() {
    let sandbox = Sandbox::start(MockConfig::default()).await;
    let link = sandbox.link("ORDER-FAULT", false).await;
    let paid = sandbox.pay(link, true).await;
    let control = |path: &str| format!("{}/__mock/{path}", sandbox.mock.base_url());

    // A fault for refunds only: the status call and a capture go through.
    let response = http()
        .post(control("faults"))
        .json(&json!({"status": 502, "operation": "refund_transaction"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(sandbox.status(&paid).await.0, 200);
    assert_eq!(sandbox.capture(&paid, 1).await.0, 412);
    // A request without keys is refused before the fault, which stays pending.
    let base = sandbox.mock.base_url().to_string();
    let body = json!({"transactionId": paid, "amount": 1}).to_string();
    for (headers, what) in [
        (
            vec![("content-type", "application/json".to_string())],
            "no key",
        ),
        (json_api_headers("wrong-key-here"), "a wrong key"),
    ] {
        let (status, refused) = send(
            &base,
            &sandbox.answers,
            what,
            api::REFUND_TRANSACTION,
            None,
            &borrowed(&headers),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, &refused["code"]),
            (401, &json!("unauthorized")),
            "{what}"
        );
    }
    let (status, faulted) = sandbox.refund(&paid, 1).await;
    assert_eq!((status, &faulted["code"]), (502, &json!("injected_fault")));
    assert_eq!(
        sandbox.mock.transaction(&paid).unwrap().refunded,
        0,
        "nothing refunded"
    );
    assert_eq!(
        sandbox.refund(&paid, 1).await.0,
        201,
        "the fault was used once"
    );

    // A fault for any operation hits the next call, whatever it is.
    let response = http()
        .post(control("faults"))
        .json(&json!({"status": 504}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(sandbox.status(&paid).await.0, 504);
    let response = http()
        .post(control("faults"))
        .json(&json!({"status": 500, "operation": "refund"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        400,
        "an operation the spec does not have"
    );
    let refused: Value = response.json().await.unwrap();
    assert_eq!(refused["field"], "operation");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("refund_transaction")
    );
    sandbox.check_conformance();
}
