//! Settings for what PaymentOptions does not document. Where its behaviour is not documented,
//! the sandbox does not pick one: it offers each plausible behaviour as a
//! [`MockConfig`](crate::MockConfig) setting (and a `po-hpp mock` flag), so that a client's
//! tests can cover them all. The defaults are what the sandbox did before the settings
//! existed; none of them is a statement about PaymentOptions.
//!
//! A leaf: the settings' types and the small rules that apply them, taking what they need.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

/// How a transaction's status (the status call's answer) reads after a capture, refund or
/// void acted on it. Not documented by PaymentOptions; the sandbox offers each choice.
///
/// Either way the operation itself is a new transaction with its own id and status, and
/// [`TransactionView`](crate::TransactionView) keeps the balances (`captured`, `refunded`,
/// `voided`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusAfterChange {
    /// As it was made (the default): a voided pre-auth still reads as an approved `PRE_AUTH`
    /// ("Payment Authorised.", `INFO0000`), a refunded capture as an approved `CAPTURE`.
    #[default]
    Unchanged,
    /// Showing the latest operation on it: its `transaction_type` and `gateway_response` become
    /// the operation's (`VOID` with `INFO0003` "Authorization Cancelled." after a void, `REFUND`
    /// with `INFO0002` "Payment Refunded." after a refund, in full or in part, `CAPTURE` with
    /// `INFO0001` after a capture). `success`, the amount and every other member stay as they
    /// were.
    LatestOperation,
}

impl StatusAfterChange {
    /// Its name, as `po-hpp mock --status-after-change` takes it: `unchanged`,
    /// `latest-operation`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusAfterChange::Unchanged => "unchanged",
            StatusAfterChange::LatestOperation => "latest-operation",
        }
    }

    /// The status envelope of a transaction after an operation of `transaction_type`, answered
    /// with `gateway_response`, acted on it: `None` when it stays as it is.
    pub(crate) fn after(
        self,
        envelope: &Value,
        transaction_type: &str,
        gateway_response: &Value,
    ) -> Option<Value> {
        match self {
            StatusAfterChange::Unchanged => None,
            StatusAfterChange::LatestOperation => {
                let mut changed = envelope.clone();
                changed["transaction_type"] = Value::from(transaction_type);
                changed["gateway_response"] = gateway_response.clone();
                Some(changed)
            }
        }
    }
}

impl FromStr for StatusAfterChange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        [
            StatusAfterChange::Unchanged,
            StatusAfterChange::LatestOperation,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or_else(|| format!("`{s}` is not one of unchanged, latest-operation"))
    }
}

/// The HTTP status that carries the refusal of a refund larger than what is left to refund
/// (gateway code `ERR3019`, response code -8019, "insufficient refund balance"). Not
/// documented by PaymentOptions (it documents the codes, not the status or the body that carry
/// them); the sandbox offers each choice.
///
/// - a 4xx (the default, [`OverRefundStatus::DEFAULT`], is 412): that status, with the
///   transaction envelope (`success: false`, the codes) plus the `code` and `message` of an
///   error body;
/// - a 2xx (201, as a refund that is made): the envelope alone, `success: false`, with the
///   codes.
///
/// ```
/// use paymentoptions_hpp_mock::OverRefundStatus;
///
/// assert_eq!(OverRefundStatus::default().get(), 412);
/// assert_eq!(OverRefundStatus::new(201).unwrap().get(), 201);
/// assert!(OverRefundStatus::new(503).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverRefundStatus(u16);

impl OverRefundStatus {
    /// 412 Precondition Failed.
    pub const DEFAULT: Self = Self(412);

    /// `status`, when it is a 2xx or a 4xx.
    pub fn new(status: u16) -> Result<Self, InvalidOverRefundStatus> {
        if (200..=299).contains(&status) || (400..=499).contains(&status) {
            Ok(Self(status))
        } else {
            Err(InvalidOverRefundStatus(status))
        }
    }

    /// The status.
    pub fn get(self) -> u16 {
        self.0
    }

    /// A 2xx: the refusal reads as an answer whose envelope says `success: false`.
    pub fn is_success(self) -> bool {
        (200..=299).contains(&self.0)
    }
}

impl Default for OverRefundStatus {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for OverRefundStatus {
    /// The number, as `po-hpp mock --over-refund-status` takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for OverRefundStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let status = s.parse::<u16>().map_err(|_| {
            format!("`{s}` is not an HTTP status (a 2xx or a 4xx, e.g. 412 or 201)")
        })?;
        Self::new(status).map_err(|e| e.to_string())
    }
}

/// An [`OverRefundStatus`] that is neither a 2xx nor a 4xx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidOverRefundStatus(pub u16);

impl fmt::Display for InvalidOverRefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "over-refund status {} is neither a 2xx nor a 4xx (e.g. 412, 400 or 201)",
            self.0
        )
    }
}

impl std::error::Error for InvalidOverRefundStatus {}

/// Whether the status call, reading a transaction for the `read`-th time (1 for the first), is
/// still not to see it when the first `unseen` reads of a new transaction answer 404.
pub(crate) fn still_unseen(read: u32, unseen: u32) -> bool {
    read <= unseen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_read_back() {
        for c in [
            StatusAfterChange::Unchanged,
            StatusAfterChange::LatestOperation,
        ] {
            assert_eq!(c.as_str().parse::<StatusAfterChange>(), Ok(c));
        }
        let refused = "changed".parse::<StatusAfterChange>().unwrap_err();
        assert!(refused.contains("unchanged, latest-operation"), "{refused}");
    }

    #[test]
    fn over_refund_statuses_are_2xx_or_4xx() {
        for ok in [200, 201, 299, 400, 409, 412, 422, 499] {
            assert_eq!(OverRefundStatus::new(ok).map(OverRefundStatus::get), Ok(ok));
            assert_eq!(
                ok.to_string().parse::<OverRefundStatus>().unwrap().get(),
                ok
            );
        }
        for refused in [0, 100, 199, 301, 399, 500, 503, 600] {
            assert_eq!(
                OverRefundStatus::new(refused),
                Err(InvalidOverRefundStatus(refused))
            );
        }
        assert!(OverRefundStatus::new(201).unwrap().is_success());
        assert!(!OverRefundStatus::DEFAULT.is_success());
        let message = "4l2".parse::<OverRefundStatus>().unwrap_err();
        assert!(message.contains("`4l2` is not an HTTP status"), "{message}");
        let message = "500".parse::<OverRefundStatus>().unwrap_err();
        assert!(message.contains("neither a 2xx nor a 4xx"), "{message}");
    }

    #[test]
    fn the_latest_operation_replaces_only_the_type_and_the_gateway_answer() {
        let made = json!({"success": true, "transaction_type": "PRE_AUTH",
            "gateway_response": {"code": "INFO0000"}, "payment_details": {"amount": 1000}});
        let void = json!({"code": "INFO0003"});
        assert_eq!(
            StatusAfterChange::Unchanged.after(&made, "VOID", &void),
            None
        );
        assert_eq!(
            StatusAfterChange::LatestOperation.after(&made, "VOID", &void),
            Some(json!({"success": true, "transaction_type": "VOID",
                "gateway_response": {"code": "INFO0003"}, "payment_details": {"amount": 1000}}))
        );
    }

    #[test]
    fn the_first_reads_are_unseen() {
        assert!(!still_unseen(1, 0));
        assert!(still_unseen(1, 2) && still_unseen(2, 2) && !still_unseen(3, 2));
    }
}
