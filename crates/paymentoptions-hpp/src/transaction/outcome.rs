//! Whether a transaction was approved, declined or unknown, and the documented meanings of
//! the codes that say so.

use std::fmt;

use paymentoptions_hpp_client::api::codes;
use paymentoptions_hpp_client::types::TransactionEnvelope;

/// What happened to a transaction, read from the documented signals of the envelope:
/// `success`, `payment_details.response_code` (0 is the only success) and
/// `gateway_response` (`code`: a documented `INFO` code for a success, `ERR...` for a risk-rule
/// error; `type`: `INFO` for a success).
///
/// The rule, in order:
///
/// 1. **Declined** when any signal says no: `success` is `false`, a `response_code` other
///    than 0 (and other than a partial approval), or an `ERR` gateway code. A body whose
///    signals contradict each other (`success: true` with response code 5) is therefore
///    declined, never approved.
/// 2. **Partially approved** when the response code is one the spec documents as a partial
///    approval (`api::codes::PARTIAL_APPROVAL`: money moved, but not the amount asked for).
/// 3. **Approved** only when `success` is `true` *and* a second signal agrees (response code
///    0, or a documented success code: `api::codes::APPROVES`), any gateway code present is a
///    documented success code, and any `gateway_response.type` present is a documented success
///    type (`api::codes::SUCCESS_TYPES`).
/// 4. **Unknown** otherwise: a body that says nothing (the link page's notification carries
///    only `transaction_details`), `success: true` alone, an undocumented gateway code
///    (`INFO9999`, `WARN0001`) or type (`ERROR`). Read the transaction's status
///    ([`Client::get_transaction_status`](crate::Client::get_transaction_status)).
///
/// How a declined or pending transaction looks is not documented by PaymentOptions: this is
/// why anything short of an explicit, corroborated, documented success is not treated as paid.
/// Whether a success code fits the kind of transaction (`INFO0002`, refunded, on a payment) is
/// not part of the outcome: [`Client::check_payment`](crate::Client::check_payment) and the
/// money calls check it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The transaction succeeded.
    Approved,
    /// Money moved, but not the amount asked for (a documented partial-approval response
    /// code): neither approved nor declined.
    PartiallyApproved {
        /// `payment_details.response_code`.
        response_code: i64,
    },
    /// The transaction failed.
    Declined {
        /// `payment_details.response_code`, when sent.
        response_code: Option<i64>,
        /// The documented meaning of the code that says no (a non-zero response code, else an
        /// `ERR` gateway code), from the spec (`api::codes`); `None`
        /// when that code is not documented, or when only `success` says no.
        meaning: Option<&'static str>,
        /// `gateway_response.code`, when sent.
        gateway_code: Option<String>,
    },
    /// The body does not say (see the rule above).
    Unknown,
}

impl Outcome {
    /// Reads the outcome of an envelope by the rule above.
    pub fn of(envelope: &TransactionEnvelope) -> Self {
        let success = envelope.success;
        let response_code = envelope
            .payment_details
            .as_ref()
            .and_then(|p| p.response_code);
        let gateway = envelope.gateway_response.as_ref();
        let gateway_code = gateway.and_then(|g| g.code.clone());
        let gateway_type = gateway.and_then(|g| g.type_.as_deref());
        let family = gateway_code.as_deref().map(gateway_family);
        let partial = response_code.is_some_and(|c| codes::PARTIAL_APPROVAL.contains(&c));
        let says_no = success == Some(false)
            || response_code.is_some_and(|c| c != 0 && !partial)
            || family == Some(Family::Err);
        if says_no {
            // The meaning of the code that says no; none when only `success` does.
            let meaning = match response_code {
                Some(code) if code != 0 => response_meaning(code),
                _ if family == Some(Family::Err) => {
                    gateway_code.as_deref().and_then(gateway_meaning)
                }
                _ => None,
            };
            return Self::Declined {
                response_code,
                meaning,
                gateway_code,
            };
        }
        if let (true, Some(code)) = (partial, response_code) {
            return Self::PartiallyApproved {
                response_code: code,
            };
        }
        let documented_success = family == Some(Family::Success);
        let agrees = response_code == Some(0) || documented_success;
        let code_ok = gateway_code.is_none() || documented_success;
        let type_ok = gateway_type.is_none_or(|t| codes::SUCCESS_TYPES.contains(&t));
        if success == Some(true) && agrees && code_ok && type_ok {
            Self::Approved
        } else {
            Self::Unknown
        }
    }

    /// `true` only for [`Outcome::Approved`].
    pub fn is_approved(&self) -> bool {
        matches!(self, Self::Approved)
    }

    /// `true` only for [`Outcome::Declined`].
    pub fn is_declined(&self) -> bool {
        matches!(self, Self::Declined { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Approved => f.write_str("approved"),
            Self::Unknown => f.write_str("unknown"),
            Self::PartiallyApproved { response_code } => {
                write!(f, "partially approved (response code {response_code}")?;
                if let Some(meaning) = response_meaning(*response_code) {
                    write!(f, ", \"{meaning}\"")?;
                }
                f.write_str(")")
            }
            Self::Declined {
                response_code,
                meaning,
                gateway_code,
            } => {
                f.write_str("declined")?;
                let mut parts = Vec::new();
                if let Some(code) = response_code {
                    parts.push(format!("response code {code}"));
                }
                if let Some(code) = gateway_code {
                    parts.push(format!("gateway code {code}"));
                }
                if let Some(meaning) = meaning {
                    parts.push(format!("\"{meaning}\""));
                }
                if !parts.is_empty() {
                    write!(f, " ({})", parts.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// A documented success code (`api::codes::APPROVES`).
    Success,
    Err,
    Undocumented,
}

fn gateway_family(code: &str) -> Family {
    if codes::APPROVES.iter().any(|(c, _)| *c == code) {
        Family::Success
    } else if code.starts_with("ERR") {
        Family::Err
    } else {
        Family::Undocumented
    }
}

/// Whether the envelope's gateway code (when it sends one) is a documented approval of
/// `kind` (`api::codes::APPROVES`): `INFO0002` (refunded) approves a refund, not a payment.
/// A body without a gateway code says nothing against its kind.
pub(crate) fn code_fits_kind(envelope: &TransactionEnvelope, kind: &str) -> bool {
    let Some(code) = envelope
        .gateway_response
        .as_ref()
        .and_then(|g| g.code.as_deref())
    else {
        return true;
    };
    codes::APPROVES
        .iter()
        .any(|(c, kinds)| *c == code && kinds.contains(&kind))
}

/// The documented meaning of a `payment_details.response_code`.
pub fn response_meaning(code: i64) -> Option<&'static str> {
    codes::RESPONSE_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

/// The documented meaning of a `gateway_response.code`.
pub fn gateway_meaning(code: &str) -> Option<&'static str> {
    codes::GATEWAY_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}
