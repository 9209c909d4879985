//! The documented gateway and response codes the sandbox answers with, read from the spec's
//! tables (`paymentoptions_hpp_client::api::codes`) by their meaning rather than restated.

use std::sync::LazyLock;

use paymentoptions_hpp_client::api::OPENAPI_JSON;
use paymentoptions_hpp_client::api::codes::{GATEWAY_CODES, RESPONSE_CODES};
use serde_json::Value;

/// The documented `gateway_response.code` whose meaning is `meaning`.
///
/// # Panics
///
/// When the spec has no such code: only the sandbox's own constant meanings are asked for, and
/// a unit test asks for each of them.
pub(crate) fn gateway(meaning: &str) -> &'static str {
    GATEWAY_CODES
        .iter()
        .find(|(_, m)| *m == meaning)
        .map(|(code, _)| *code)
        .unwrap_or_else(|| panic!("the spec documents no gateway code for {meaning:?}"))
}

/// The documented `payment_details.response_code` whose meaning starts with `meaning`.
///
/// # Panics
///
/// Like [`gateway`].
pub(crate) fn response(meaning: &str) -> i64 {
    RESPONSE_CODES
        .iter()
        .find(|(_, m)| m.starts_with(meaning))
        .map(|(code, _)| *code)
        .unwrap_or_else(|| panic!("the spec documents no response code for {meaning:?}"))
}

/// The `gateway_response.code` of a payment the sandbox declines. PaymentOptions documents
/// none: the spec names the sandbox's choice (`x-sandbox-declined-code` on
/// `GatewayResponse.code`), outside its table of documented codes.
///
/// # Panics
///
/// When the spec names none: a unit test reads it.
pub(crate) fn declined() -> &'static str {
    static CODE: LazyLock<String> = LazyLock::new(|| {
        let spec: Value = serde_json::from_str(OPENAPI_JSON).expect("the embedded spec is JSON");
        spec.pointer("/components/schemas/GatewayResponse/properties/code/x-sandbox-declined-code")
            .and_then(Value::as_str)
            .expect("the spec names the sandbox's declined gateway code")
            .to_string()
    });
    &CODE
}

/// `gateway_response.code` of an approved payment or pre-auth.
pub(crate) const PAID: &str = "payment successful";
/// `gateway_response.code` of a capture.
pub(crate) const CAPTURED: &str = "captured";
/// `gateway_response.code` of a refund.
pub(crate) const REFUNDED: &str = "refunded";
/// `gateway_response.code` of a void.
pub(crate) const VOIDED: &str = "authorization cancelled (void)";
/// The gateway and response codes of a refund larger than what is left to refund.
pub(crate) const INSUFFICIENT_REFUND_BALANCE: &str = "insufficient refund balance";
/// The response code of a declined payment.
pub(crate) const DO_NOT_HONOUR: &str = "do not honour";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_meaning_the_sandbox_uses_is_documented() {
        assert_eq!(
            [
                PAID,
                CAPTURED,
                REFUNDED,
                VOIDED,
                INSUFFICIENT_REFUND_BALANCE
            ]
            .map(gateway),
            ["INFO0000", "INFO0001", "INFO0002", "INFO0003", "ERR3019"]
        );
        assert_eq!(response(INSUFFICIENT_REFUND_BALANCE), -8019);
        assert_eq!(response(DO_NOT_HONOUR), 5);
    }

    #[test]
    fn the_declined_code_is_named_by_the_spec_and_not_documented() {
        assert_eq!(declined(), "ERR0005");
        assert!(GATEWAY_CODES.iter().all(|(code, _)| *code != declined()));
    }
}
