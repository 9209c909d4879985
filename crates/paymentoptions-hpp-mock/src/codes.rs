//! The documented gateway and response codes the sandbox answers with, read from the spec's
//! tables (`paymentoptions_hpp_client::api::codes`) by their meaning rather than restated.

use paymentoptions_hpp_client::api::codes::{GATEWAY_CODES, RESPONSE_CODES};

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
    }
}
