//! Money safety against the sandbox, under each of its settings for what PaymentOptions does
//! not document: forged claims (a refund's id, a pre-auth, a voided pre-auth, another order's
//! payment) never confirm an order; a refund in another currency never leaves; a refund that
//! was applied and whose answer was lost is in doubt, not failed; refusals are typed however
//! the server carries them.

use std::time::Duration;

use paymentoptions_hpp::requests::{CaptureRequest, RefundRequest, VoidRequest};
use paymentoptions_hpp::{
    Client, Confirmation, Currency, Error, ExpectedPayment, LinkRequest, Money, NotPaidReason,
    RetryPolicy, TransactionKind, UndecidedReason,
};
use paymentoptions_hpp_mock::{
    Fault, FaultPhase, MockConfig, MockServer, OverRefundStatus, StatusAfterChange,
};

fn jpy(amount: i64) -> Money {
    Money::from_minor(amount, Currency::JPY).unwrap()
}

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// Pays (or only authorises) a JPY `amount` link for `order`; the transaction id.
async fn pay(mock: &MockServer, order: &str, amount: i64, authorise: bool) -> String {
    let request = LinkRequest::builder()
        .amount(jpy(amount))
        .merchant_txn_ref(order)
        .build()
        .unwrap();
    let link = client(mock).create_link(&request).await.unwrap();
    let completion = if authorise {
        mock.authorise(link.id())
    } else {
        mock.complete(link.id(), paymentoptions_hpp_mock::CustomerAction::Pay)
    };
    completion.unwrap().transaction.id
}

fn refund(id: &str, amount: Money) -> RefundRequest {
    RefundRequest::builder()
        .transaction_id(id)
        .amount(amount)
        .build()
        .unwrap()
}

async fn reason(client: &Client, id: &str, order: &ExpectedPayment) -> NotPaidReason {
    match client.confirm_payment(id, order).await {
        Ok(Confirmation::NotPaid(n)) => n.reason().clone(),
        other => panic!("expected not paid, got {other:?}"),
    }
}

/// The refunds the sandbox recorded against any transaction.
fn refunds(mock: &MockServer) -> Vec<i64> {
    mock.transactions()
        .into_iter()
        .filter(|t| t.transaction_type == "REFUND")
        .filter_map(|t| t.amount)
        .collect()
}

#[tokio::test]
async fn forged_claims_never_confirm_an_order() {
    for setting in [
        StatusAfterChange::Unchanged,
        StatusAfterChange::LatestOperation,
    ] {
        let mock = MockServer::start_with(MockConfig::default().with_status_after_change(setting))
            .await
            .unwrap();
        let client = client(&mock);
        let order_a = ExpectedPayment::new("ORDER-A", jpy(1000));
        let order_b = ExpectedPayment::new("ORDER-B", jpy(1000));
        let paid_a = pay(&mock, "ORDER-A", 1000, false).await;
        assert!(
            client
                .confirm_payment(&paid_a, &order_a)
                .await
                .unwrap()
                .is_paid()
        );
        // ORDER-A's payment claimed for ORDER-B.
        assert_eq!(
            reason(&client, &paid_a, &order_b).await,
            NotPaidReason::OtherOrder {
                found: Some("ORDER-A".into())
            }
        );
        // A refund of 1,000 on another order does not pay ORDER-B.
        let paid_c = pay(&mock, "ORDER-C", 2000, false).await;
        let r = client
            .refund_transaction(&refund(&paid_c, jpy(1000)))
            .await
            .unwrap();
        let refund_id = r.id().unwrap().to_string();
        assert!(matches!(
            reason(&client, &refund_id, &order_b).await,
            NotPaidReason::NotAPayment { .. } | NotPaidReason::OtherOrder { .. }
        ));
        // An uncaptured pre-auth is not paid; asked for, it is authorised.
        let pre_auth = pay(&mock, "ORDER-D", 1000, true).await;
        let order_d = ExpectedPayment::new("ORDER-D", jpy(1000));
        assert_eq!(
            reason(&client, &pre_auth, &order_d).await,
            NotPaidReason::NotAPayment {
                kind: TransactionKind::PreAuth
            }
        );
        // Voided: never paid, whether its status changes or not.
        let void = VoidRequest::builder()
            .transaction_id(&pre_auth)
            .build()
            .unwrap();
        client.void_transaction(&void).await.unwrap();
        let voided = client.confirm_payment(&pre_auth, &order_d).await.unwrap();
        assert!(!voided.is_paid(), "{setting:?}: {voided:?}");
        let as_authorisation = client
            .confirm_payment(&pre_auth, &order_d.clone().or_authorised())
            .await
            .unwrap();
        match setting {
            // The documented limitation: an unchanged status cannot show the void.
            StatusAfterChange::Unchanged => {
                assert!(matches!(as_authorisation, Confirmation::Authorised(_)))
            }
            _ => assert!(
                matches!(as_authorisation, Confirmation::NotPaid(_)),
                "{as_authorisation:?}"
            ),
        }
    }
}

#[tokio::test]
async fn a_refund_or_capture_in_another_currency_never_leaves() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let paid = pay(&mock, "ORDER-1", 1000, false).await;
    let usd = Money::parse_major("10.50", Currency::USD).unwrap();
    let err = client
        .refund_transaction(&refund(&paid, usd))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.field() == "amount"),
        "{err}"
    );
    let pre_auth = pay(&mock, "ORDER-2", 1000, true).await;
    let capture = CaptureRequest::builder()
        .transaction_id(&pre_auth)
        .amount(Money::parse_major("1.000", Currency::KWD).unwrap())
        .build()
        .unwrap();
    assert!(client.capture_transaction(&capture).await.is_err());
    assert!(refunds(&mock).is_empty());
    // The pre-auth was never captured.
    let captures_of_it = mock
        .transactions()
        .into_iter()
        .filter(|t| t.original_id.as_deref() == Some(pre_auth.as_str()))
        .count();
    assert_eq!(captures_of_it, 0);
    assert_eq!(mock.transaction(&pre_auth).unwrap().captured, 0);
}

#[tokio::test]
async fn an_applied_refund_whose_answer_is_lost_is_in_doubt() {
    let lost_answers = [
        Fault {
            status: Some(503),
            ..Fault::default()
        },
        Fault {
            drop_connection: true,
            ..Fault::default()
        },
        Fault {
            delay_ms: 4_000, // past the client's 2 s timeout
            ..Fault::default()
        },
    ];
    for fault in lost_answers {
        let mock = MockServer::start().await.unwrap();
        let client = client(&mock);
        let paid = pay(&mock, "ORDER-1", 1000, false).await;
        mock.inject_fault(Fault {
            operation: Some("refund_transaction".into()),
            when: FaultPhase::After,
            ..fault.clone()
        });
        let err = client
            .refund_transaction(&refund(&paid, jpy(1000)))
            .await
            .unwrap_err();
        assert!(err.may_have_moved_money(), "{fault:?}: {err:?}");
        let Error::InDoubt(doubt) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(doubt.target(), Some(paid.as_str()));
        assert_eq!(doubt.amount(), Some(jpy(1000)));
        // It was applied: the sandbox has the refund.
        assert_eq!(refunds(&mock), vec![1000], "{fault:?}");
        // Sending it again (what the advice says not to do) is refused by the balance: here
        // the answer is clear, but only because the sandbox keeps one.
        let again = client
            .refund_transaction(&refund(&paid, jpy(1000)))
            .await
            .unwrap_err();
        assert!(
            matches!(&again, Error::Refused(r) if r.gateway_code() == Some("ERR3019")),
            "{again:?}"
        );
        assert_eq!(refunds(&mock), vec![1000]);
    }
}

#[tokio::test]
async fn an_over_refund_is_a_typed_refusal_whichever_status_carries_it() {
    for status in [412, 400, 409, 201, 200] {
        let config =
            MockConfig::default().with_over_refund_status(OverRefundStatus::new(status).unwrap());
        let mock = MockServer::start_with(config).await.unwrap();
        let client = client(&mock);
        let paid = pay(&mock, "ORDER-1", 1000, false).await;
        client
            .refund_transaction(&refund(&paid, jpy(600)))
            .await
            .unwrap();
        let err = client
            .refund_transaction(&refund(&paid, jpy(600)))
            .await
            .unwrap_err();
        let Error::Refused(r) = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(
            (r.status(), r.gateway_code(), r.meaning()),
            (status, Some("ERR3019"), Some("insufficient refund balance")),
            "{err}"
        );
        assert!(!err.may_have_moved_money());
    }
}

#[tokio::test]
async fn partial_refunds_work_whether_or_not_the_status_changes() {
    for setting in [
        StatusAfterChange::Unchanged,
        StatusAfterChange::LatestOperation,
    ] {
        let mock = MockServer::start_with(MockConfig::default().with_status_after_change(setting))
            .await
            .unwrap();
        let client = client(&mock);
        let paid = pay(&mock, "ORDER-1", 1000, false).await;
        for part in [300, 300, 400] {
            client
                .refund_transaction(&refund(&paid, jpy(part)))
                .await
                .unwrap_or_else(|e| panic!("{setting:?}: {e}"));
        }
        let err = client
            .refund_transaction(&refund(&paid, jpy(1)))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{setting:?}: {err:?}");
        assert_eq!(refunds(&mock), vec![300, 300, 400]);
    }
}

#[tokio::test]
async fn a_transaction_the_status_cannot_see_yet_is_undecided_then_paid() {
    let config = MockConfig::default().with_unseen_status_reads(2);
    let mock = MockServer::start_with(config).await.unwrap();
    let client = client(&mock);
    let paid = pay(&mock, "ORDER-1", 1000, false).await;
    let order = ExpectedPayment::new("ORDER-1", jpy(1000));
    for _ in 0..2 {
        match client.confirm_payment(&paid, &order).await {
            Err(Error::Undecided(u)) => assert_eq!(u.reason(), &UndecidedReason::NotFoundYet),
            other => panic!("{other:?}"),
        }
    }
    assert!(
        client
            .confirm_payment(&paid, &order)
            .await
            .unwrap()
            .is_paid()
    );
}
