//! Broken bodies, as properties (point 2 of the crate's doc): `Ok` or a typed error, never a
//! panic; what decodes re-encodes faithfully.

use super::*;

proptest! {
    #![proptest_config(config(DECODE_CASES))]

    /// (a) Arbitrary bytes, and bytes made of JSON tokens.
    #[test]
    fn arbitrary_bytes_decode_or_fail_typed(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            strategy::json_ish_bytes(),
        ]
    ) {
        check_all(&body)?;
    }

    /// Any small JSON value (mostly the wrong shape).
    #[test]
    fn arbitrary_json_decodes_or_fails_typed(value in strategy::any_json()) {
        check_all(&serde_json::to_vec(&value).unwrap())?;
    }

    /// (b) Mutations of the spec's example response.
    #[test]
    fn mutated_link_responses_decode_or_fail_typed(m in strategy::mutation(&RESPONSE)) {
        check_all(&m.apply(&RESPONSE))?;
    }

    /// (b) Mutations of the spec's example notification.
    #[test]
    fn mutated_notifications_decode_or_fail_typed(m in strategy::mutation(&NOTIFICATION)) {
        check_all(&m.apply(&NOTIFICATION))?;
    }

    /// (b) Mutations of the spec's full transaction envelope (the status answer's shape).
    #[test]
    fn mutated_transaction_envelopes_decode_or_fail_typed(m in strategy::mutation(&ENVELOPE)) {
        check_all(&m.apply(&ENVELOPE))?;
    }

    /// Every envelope the spec allows is a transaction, every field kept.
    #[test]
    fn spec_valid_envelopes_are_transactions(value in component("TransactionEnvelope")) {
        let body = serde_json::to_vec(&value).unwrap();
        let t = Transaction::from_response(200, body.clone())
            .map_err(|e| TestCaseError::fail(format!("a valid envelope is refused: {e}")))?;
        prop_assert_eq!(
            serde_json::to_value(t.envelope()).unwrap(),
            strategy::round_tripped(&SPEC, schema_of("TransactionEnvelope"), &value)
        );
        check_transaction(&body)?;
    }

    /// (b) Mutations of the spec's example request.
    #[test]
    fn mutated_link_requests_decode_or_fail_typed(m in strategy::mutation(&REQUEST)) {
        check_all(&m.apply(&REQUEST))?;
    }

    /// Every response the spec allows is a link, with every echoed field kept.
    #[test]
    fn spec_valid_link_responses_decode(value in component("HppLinkResponse")) {
        let body = serde_json::to_vec(&value).unwrap();
        let link = Link::from_json(&body)
            .map_err(|e| TestCaseError::fail(format!("a valid response is refused: {e}")))?;
        prop_assert_eq!(Some(link.id().to_string()), value["id"].as_str().map(String::from));
        prop_assert_eq!(
            serde_json::to_value(link.response()).unwrap(),
            strategy::round_tripped(&SPEC, schema_of("HppLinkResponse"), &value)
        );
        check_link(&body)?;
    }

    /// A notification the spec allows parses unless it lacks what de-duplication needs
    /// (`transaction_details.id`, non-blank), which the error then names.
    #[test]
    fn spec_valid_notifications_parse(value in component("TransactionNotification")) {
        let body = serde_json::to_vec(&value).unwrap();
        let usable = value
            .pointer("/transaction_details/id")
            .and_then(Value::as_str)
            .is_some_and(|id| !id.trim().is_empty());
        match parse_notification(&body) {
            Ok(n) => {
                prop_assert!(usable);
                prop_assert_eq!(
                    serde_json::to_value(&n).unwrap(),
                    strategy::round_tripped(&SPEC, schema_of("TransactionNotification"), &value)
                );
            }
            Err(e) => {
                prop_assert!(!usable, "a usable notification is refused: {}", e);
                prop_assert!(
                    ["transaction_details", "transaction_details.id"].contains(&e.path()),
                    "{}", e
                );
            }
        }
        check_notification(&body)?;
    }

    /// A request the spec allows (its formats as `formats` defines them) is accepted and sent
    /// exactly as given, unless it breaks the library's own money policy (a positive amount,
    /// with its currency).
    #[test]
    fn spec_valid_link_requests_are_sent_as_given(value in component("HppLinkRequest")) {
        let body = serde_json::to_vec(&value).unwrap();
        match LinkRequest::from_json(&body) {
            Ok(request) => prop_assert_eq!(
                request.to_json(),
                strategy::round_tripped(&SPEC, schema_of("HppLinkRequest"), &value)
            ),
            Err(e) => {
                for v in e.violations() {
                    prop_assert!(
                        matches!(
                            v.rule(),
                            Rule::NotPositive | Rule::AmountWithoutCurrency
                        ),
                        "a request valid for the spec is refused: {}", e
                    );
                }
            }
        }
        check_request(&body)?;
    }
}
