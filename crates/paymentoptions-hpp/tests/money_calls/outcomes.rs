//! The three ends of a refund: applied, refused, in doubt; and a retry when nothing connected.

use super::*;

#[tokio::test]
async fn an_applied_refund_reads_its_target_first_and_carries_an_operation_reference() {
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 400, "JPY")));
    let client = client_for(&server).build().unwrap();
    let t = client.refund_transaction(&refund(jpy(400))).await.unwrap();
    assert_eq!(t.kind(), Some(TransactionKind::Refund));
    let requests = server.requests();
    assert_eq!(requests[0].method, "GET");
    assert!(requests[0].path.ends_with(PAYMENT), "{}", requests[0].path);
    let sent = money_requests(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, path(&api::REFUND_TRANSACTION));
    let notes = sent[0].1["notes"].as_str().unwrap();
    assert!(notes.starts_with("po-"), "{notes}");
    assert_eq!(sent[0].1["amount"], 400);

    // The caller's own notes are kept, and are the call's reference.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 100, "JPY")));
    let with_notes = RefundRequest::builder()
        .transaction_id(PAYMENT)
        .amount(jpy(100))
        .notes("RMA-77")
        .build()
        .unwrap();
    client.refund_transaction(&with_notes).await.unwrap();
    assert_eq!(money_requests(&server)[1].1["notes"], "RMA-77");

    // Empty notes are no reference: the library's own goes there.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(201, approved("REFUND", NEW_ID, 100, "JPY")));
    let empty_notes = RefundRequest::builder()
        .transaction_id(PAYMENT)
        .amount(jpy(100))
        .notes("")
        .build()
        .unwrap();
    client.refund_transaction(&empty_notes).await.unwrap();
    let notes = money_requests(&server)[2].1["notes"].clone();
    assert!(notes.as_str().unwrap().starts_with("po-"), "{notes}");
}

#[tokio::test]
async fn a_declined_answer_and_a_4xx_are_typed_refusals_with_the_documented_meaning() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    // ERR3019 in a 2xx envelope.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(
        201,
        json!({"success": false, "transaction_type": "REFUND",
            "gateway_response": {"code": "ERR3019"},
            "payment_details": {"response_code": -8019}}),
    ));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    let Error::Refused(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (r.status(), r.gateway_code(), r.response_code(), r.meaning()),
        (
            201,
            Some("ERR3019"),
            Some(-8019),
            Some("insufficient refund balance")
        )
    );
    assert!(r.transaction().is_some());
    assert!(!err.may_have_moved_money());
    assert_eq!(err.hint(), None);

    // ERR3019 in a 412 whose body is the envelope plus the error members.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(
        412,
        json!({"code": "ERR3019", "message": "insufficient refund balance",
            "success": false, "gateway_response": {"code": "ERR3019"},
            "payment_details": {"response_code": -8019}}),
    ));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    let Error::Refused(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((r.status(), r.gateway_code()), (412, Some("ERR3019")));
    assert!(err.to_string().contains("nothing moved"), "{err}");
    assert!(err.may_have_reached_server());

    // A 404 is a refusal with no code; a 401 stays an API (auth) error.
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(404, json!({"code": "not_found"})));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(r) if r.gateway_code().is_none()),
        "{err:?}"
    );
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(401, json!({"message": "bad key"})));
    let err = client
        .refund_transaction(&refund(jpy(500)))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(a) if a.is_auth()), "{err:?}");
    assert_eq!(money_requests(&server).len(), 4);
}

#[tokio::test]
async fn a_5xx_a_timeout_or_an_unreadable_answer_is_in_doubt_and_never_resent() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    let before = SystemTime::now();
    server.push_reply(Reply::json(200, approved("PRE_AUTH", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::json(503, json!({"message": "busy"})));
    let capture = CaptureRequest::builder()
        .transaction_id(PAYMENT)
        .amount(jpy(600))
        .build()
        .unwrap();
    let err = client.capture_transaction(&capture).await.unwrap_err();
    assert!(err.may_have_moved_money());
    let Error::InDoubt(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.operation(), api::CAPTURE_TRANSACTION.id);
    assert_eq!(d.target(), Some(PAYMENT));
    assert_eq!(d.amount(), Some(jpy(600)));
    assert!(d.sent_at() >= before);
    assert!(matches!(d.cause(), InDoubtCause::Failed(e) if e.status() == Some(503)));
    let sent = money_requests(&server);
    assert_eq!(sent.len(), 1, "a capture is sent once");
    assert_eq!(sent[0].1["notes"], d.reference());
    // The advice names only what exists: the status call, and the back office.
    let advice = d.advice();
    assert!(advice.contains(api::GET_TRANSACTION_STATUS.id), "{advice}");
    assert!(advice.contains("back office"), "{advice}");
    assert!(advice.contains(d.reference()), "{advice}");
    assert!(!advice.contains("merchant_txn_ref"), "{advice}");
    assert_eq!(err.hint(), Some(advice));

    // A timeout after sending (a fresh server: the answer never came in time).
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(
        Reply::json(201, approved("REFUND", NEW_ID, 400, "JPY")).delay(Duration::from_secs(3)),
    );
    let client = client_for(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .refund_transaction(&refund(jpy(400)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InDoubt(d) if matches!(d.cause(), InDoubtCause::Failed(Error::Transport(_)))),
        "{err:?}"
    );
    assert_eq!(money_requests(&server).len(), 1);

    // A 2xx that cannot be read.
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
    server.push_reply(Reply::raw(201, "application/json", "{\"success\": tru"));
    let client = client_for(&server).build().unwrap();
    let err = client
        .refund_transaction(&refund(jpy(400)))
        .await
        .unwrap_err();
    assert!(err.may_have_moved_money(), "{err:?}");
}

#[tokio::test]
async fn a_2xx_that_is_not_a_clear_approval_of_what_was_asked_is_in_doubt() {
    let server = TestServer::start().await;
    let client = client_for(&server).build().unwrap();
    let mut unknown = approved("REFUND", NEW_ID, 400, "JPY");
    unknown.as_object_mut().unwrap().remove("success");
    let mut partial = approved("REFUND", NEW_ID, 400, "JPY");
    partial["payment_details"]["response_code"] = json!(api::codes::PARTIAL_APPROVAL[0]);
    let mut code_of_another_kind = approved("REFUND", NEW_ID, 400, "JPY");
    code_of_another_kind["gateway_response"]["code"] = json!("INFO0000");
    let answers = [
        unknown,
        partial,
        code_of_another_kind,
        approved("REFUND", NEW_ID, 300, "JPY"), // another amount
        approved("CAPTURE", NEW_ID, 400, "JPY"), // another kind
        approved("REFUND", NEW_ID, 400, "USD"), // another currency
    ];
    for answer in answers {
        server.push_reply(Reply::json(200, approved("CAPTURE", PAYMENT, 1000, "JPY")));
        server.push_reply(Reply::json(201, answer.clone()));
        let err = client
            .refund_transaction(&refund(jpy(400)))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InDoubt(d) if matches!(d.cause(), InDoubtCause::Answer(_))),
            "{answer}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_money_call_that_never_connected_is_retried_and_moved_nothing() {
    let port = paymentoptions_hpp_testkit::refused_port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let pay = StoredCardPaymentRequest::builder()
        .amount(jpy(1000))
        .stored_payment_method_id("094db781-fabc-4c6d-8fcd-18bee06a527a")
        .build()
        .unwrap();
    let err = client.pay_with_stored_card(&pay).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.may_have_moved_money());
    assert!(!err.may_have_reached_server());
}
