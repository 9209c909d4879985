//! Unit tests of the outcome rule and the transaction kinds.

use paymentoptions_hpp_client::api::codes;
use paymentoptions_hpp_client::types::TransactionEnvelope;

use super::*;

fn outcome(body: serde_json::Value) -> Outcome {
    Outcome::of(&serde_json::from_value(body).unwrap())
}

#[test]
fn approved_needs_success_and_a_second_agreeing_signal() {
    use serde_json::json;
    assert_eq!(
        outcome(json!({"success": true, "payment_details": {"response_code": 0}})),
        Outcome::Approved
    );
    assert_eq!(
        outcome(json!({"success": true, "gateway_response": {"code": "INFO0003"}})),
        Outcome::Approved
    );
    // Alone, or without `success`, a signal is not enough.
    assert_eq!(outcome(json!({"success": true})), Outcome::Unknown);
    assert_eq!(
        outcome(
            json!({"payment_details": {"response_code": 0}, "gateway_response": {"code": "INFO0000"}})
        ),
        Outcome::Unknown
    );
    assert_eq!(
        outcome(json!({"transaction_details": {"id": "x"}})),
        Outcome::Unknown
    );
    assert_eq!(outcome(json!({})), Outcome::Unknown);
    // An undocumented gateway code blocks approval.
    assert_eq!(
        outcome(
            json!({"success": true, "payment_details": {"response_code": 0},
            "gateway_response": {"code": "WARN0001"}})
        ),
        Outcome::Unknown
    );
}

#[test]
fn only_documented_codes_and_types_approve() {
    use serde_json::json;
    // An INFO-looking code the spec does not list, and a type other than INFO.
    for gateway in [
        json!({"code": "INFO_I_SAY_SO"}),
        json!({"code": "INFO9999"}),
        json!({"type": "ERROR", "code": "INFO0000"}),
        json!({"type": "ERROR"}),
    ] {
        assert_eq!(
            outcome(
                json!({"success": true, "payment_details": {"response_code": 0},
                "gateway_response": gateway})
            ),
            Outcome::Unknown,
            "{gateway}"
        );
    }
    assert_eq!(
        outcome(json!({"success": true, "gateway_response": {"type": "INFO", "code": "INFO0001"}})),
        Outcome::Approved
    );
}

#[test]
fn a_partial_approval_is_neither_approved_nor_declined() {
    use serde_json::json;
    let code = codes::PARTIAL_APPROVAL[0];
    let partial = outcome(json!({"success": true, "payment_details": {"response_code": code}}));
    assert_eq!(
        partial,
        Outcome::PartiallyApproved {
            response_code: code
        }
    );
    assert!(!partial.is_approved() && !partial.is_declined());
    assert!(
        partial.to_string().contains("partial approval"),
        "{partial}"
    );
    // Anything else saying no still declines.
    assert!(
        outcome(json!({"success": false, "payment_details": {"response_code": code}}))
            .is_declined()
    );
}

#[test]
fn success_codes_fit_their_kinds() {
    let envelope = |code: &str| -> TransactionEnvelope {
        serde_json::from_value(serde_json::json!({"gateway_response": {"code": code}})).unwrap()
    };
    assert!(code_fits_kind(&envelope("INFO0000"), "CAPTURE"));
    assert!(code_fits_kind(&envelope("INFO0002"), "REFUND"));
    assert!(!code_fits_kind(&envelope("INFO0002"), "CAPTURE"));
    assert!(!code_fits_kind(&envelope("INFO0003"), "PRE_AUTH"));
    let silent: TransactionEnvelope = serde_json::from_value(serde_json::json!({})).unwrap();
    assert!(code_fits_kind(&silent, "CAPTURE"));
}

#[test]
fn any_signal_that_says_no_declines_even_against_success() {
    use serde_json::json;
    assert_eq!(
        outcome(json!({"success": true, "payment_details": {"response_code": 5}})),
        Outcome::Declined {
            response_code: Some(5),
            meaning: Some("do not honour (declined)"),
            gateway_code: None
        }
    );
    assert_eq!(
        outcome(
            json!({"success": true, "payment_details": {"response_code": 0},
            "gateway_response": {"code": "ERR3019"}})
        ),
        Outcome::Declined {
            response_code: Some(0),
            meaning: Some("insufficient refund balance"),
            gateway_code: Some("ERR3019".into())
        }
    );
    assert_eq!(
        outcome(json!({"success": false, "gateway_response": {"code": "ERR3019"}})),
        Outcome::Declined {
            response_code: None,
            meaning: Some("insufficient refund balance"),
            gateway_code: Some("ERR3019".into())
        }
    );
    assert_eq!(
        outcome(json!({"success": false, "payment_details": {"response_code": 4242}})),
        Outcome::Declined {
            response_code: Some(4242),
            meaning: None,
            gateway_code: None
        }
    );
    assert_eq!(
        outcome(json!({"payment_details": {"response_code": 51}})).to_string(),
        "declined (response code 51, \"insufficient funds\")"
    );
}

#[test]
fn kinds_are_an_open_set() {
    for kind in [
        TransactionKind::PreAuth,
        TransactionKind::Capture,
        TransactionKind::Refund,
        TransactionKind::Void,
        TransactionKind::Other("AUTH_REVERSAL".into()),
    ] {
        assert_eq!(TransactionKind::from_type(kind.as_str()), kind);
    }
}
