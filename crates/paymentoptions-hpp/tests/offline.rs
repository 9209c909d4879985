//! Request building, JSON bodies and notifications: everything that needs no server.

use paymentoptions_hpp::models::TransactionRef;
use paymentoptions_hpp::{LinkRequest, Rule, parse_notification};
use paymentoptions_hpp_testkit::{fixture, fixture_bytes};
use serde_json::{Value, json};

#[test]
fn the_page_request_goes_through_from_json_unchanged() {
    let request = LinkRequest::from_json(&fixture_bytes("hpp-link-request.json")).unwrap();
    assert_eq!(request.to_json(), fixture("hpp-link-request.json"));
}

#[test]
fn from_json_refuses_what_it_would_drop_or_change() {
    let mut body = fixture("hpp-link-request.json");
    body["billing_address"]["address2"] = json!("Apt 4");
    body["locale"] = json!("ja");
    let err = LinkRequest::from_json(body.to_string().as_bytes()).unwrap_err();
    let fields: Vec<&str> = err.violations().iter().map(|v| v.field()).collect();
    assert_eq!(fields, ["billing_address.address2", "locale"]);
    assert!(
        err.violations()
            .iter()
            .all(|v| *v.rule() == Rule::UnknownField)
    );

    let cases: [(Value, &str, &str); 10] = [
        (
            json!({"merchant_txn_ref": "x".repeat(46)}),
            "merchant_txn_ref",
            "longer than 45 characters",
        ),
        (json!({"amount": "1000"}), "amount", "invalid type"),
        (json!({"amount": -5}), "amount", "lower than 0"),
        (
            json!({"currency": "jpy"}),
            "currency",
            "codes are upper case: use JPY",
        ),
        (json!({"currency": "ZZZ"}), "currency", "ISO 4217"),
        // One mistake, one message: the URL format, not its pattern too.
        (
            json!({"return_url": {"success_url": "www.shop.example"}}),
            "return_url.success_url",
            "absolute",
        ),
        (
            json!({"shipping_address": {"email": "a@"}}),
            "shipping_address.email",
            "e-mail",
        ),
        (json!([1000]), "", "expected a JSON object"),
        (
            json!({"return_url": [null, null, null, null]}),
            "return_url",
            "expected a JSON object",
        ),
        (json!("JPY"), "", "expected a JSON object"),
    ];
    for (body, field, rule) in cases {
        let err = LinkRequest::from_json(body.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.field(), field, "{body}");
        assert!(err.to_string().contains(rule), "{body}: {err}");
    }
    let err = LinkRequest::from_json(b"{\"amount\": 1").unwrap_err();
    assert!(
        matches!(err.rule(), Rule::Json(m) if m.contains("not valid JSON")),
        "{err}"
    );
}

#[test]
fn null_means_absent() {
    let request = LinkRequest::from_json(br#"{"amount": null, "currency": "JPY"}"#).unwrap();
    assert_eq!(request.to_json(), json!({"currency": "JPY"}));
}

#[test]
fn notifications_parse_tolerantly() {
    let n = parse_notification(&fixture_bytes("transaction-notification.json")).unwrap();
    let d = n.envelope().transaction_details.clone().unwrap();
    assert_eq!(d.ref_, Some(TransactionRef::Int64(240815123456)));
    assert_eq!(d.timestamp.as_deref(), Some("2024-08-15T09:30:12.000Z"));
    assert_eq!(
        d.stored_payment_method_id.as_deref(),
        Some("094db781-fabc-4c6d-8fcd-18bee06a527a")
    );

    let n = parse_notification(
        br#"{"transaction_details": {"id": "T1", "ref": "R-9", "extra": true}, "event": "x"}"#,
    )
    .unwrap();
    assert_eq!(
        n.reference().cloned(),
        Some(TransactionRef::String("R-9".into()))
    );
}

#[test]
fn bad_notifications_name_the_path() {
    let cases: [(&[u8], &str); 8] = [
        (b"", "."),
        (br#"[{"id": "T1"}]"#, "."),
        (b"\xff\xfe", "."),
        (
            br#"{"transaction_details": {"id": "T1", "ref": [1]}}"#,
            "transaction_details.ref",
        ),
        (
            br#"{"transaction_details": {"id": 7}}"#,
            "transaction_details.id",
        ),
        (
            br#"{"transaction_details": {"ref": 1}}"#,
            "transaction_details.id",
        ),
        (br#"{}"#, "transaction_details"),
        (br#"{"transaction_details": {"id": "T1"}} {}"#, "."),
    ];
    for (body, path) in cases {
        let err = parse_notification(body).unwrap_err();
        assert_eq!(err.path(), path, "{}: {err}", String::from_utf8_lossy(body));
    }
}
