//! What kind a transaction is: the envelope's open-ended `transaction_type`.

use std::fmt;

/// What kind of transaction (the envelope's `transaction_type`). The set is open: a type this
/// crate does not know is kept as sent in [`Other`](Self::Other).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransactionKind {
    /// An authorisation only (`PRE_AUTH`): capture or void it later.
    PreAuth,
    /// A capture of a pre-auth, or a direct payment (`CAPTURE`).
    Capture,
    /// A refund (`REFUND`).
    Refund,
    /// A cancelled authorisation (`VOID`).
    Void,
    /// Any other `transaction_type`, as sent.
    Other(String),
}

impl TransactionKind {
    /// Reads a `transaction_type` value.
    pub fn from_type(value: &str) -> Self {
        match value {
            "PRE_AUTH" => Self::PreAuth,
            "CAPTURE" => Self::Capture,
            "REFUND" => Self::Refund,
            "VOID" => Self::Void,
            other => Self::Other(other.to_string()),
        }
    }

    /// The `transaction_type` value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::PreAuth => "PRE_AUTH",
            Self::Capture => "CAPTURE",
            Self::Refund => "REFUND",
            Self::Void => "VOID",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for TransactionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
