//! What `po-hpp probe` saves, and how the sandbox replays it.
//!
//! PaymentOptions does not document how a status reads after a void or a partial refund, which
//! HTTP status carries `ERR3019`, what a repeated full refund answers, whether a link's id
//! reads as a transaction, what an unknown id answers, nor how soon a new transaction can be
//! read. `po-hpp probe` asks its dev environment and saves every answer (keys redacted, card
//! numbers masked) as one JSON file, an [`Answer`], beside a [`Manifest`]. This module is the
//! one reader of that directory:
//!
//! - [`Probe::load`] reads it back;
//! - [`Probe::findings`] says, per [`Question`], which sandbox setting the answers match
//!   ([`Verdict`]), by one rule, which the CLI's report applies too;
//! - [`Probe::config`] turns the findings into the [`MockConfig`](crate::MockConfig) that
//!   reproduces them, so a test suite runs against what the real API did.
//!
//! ```no_run
//! use paymentoptions_hpp_mock::{MockConfig, MockServer, probe::Probe};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let probe = Probe::load("tests/probe-2026-12-04".as_ref())?;
//! let mock = MockServer::start_with(probe.config(MockConfig::default())?).await?;
//! # drop(mock); Ok(()) }
//! ```

mod matching;
mod replay;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use matching::{Finding, Setting, Verdict};
pub use replay::{Probe, ReplayError};

/// The version of the directory's format that this crate reads and `po-hpp probe` writes.
pub const FORMAT: u32 = 1;

/// The name of the manifest file in a probe directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// A question the probe asks; the sandbox's settings are its possible answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Question {
    /// How a pre-auth's status reads after a void ([`StatusAfterChange`](crate::StatusAfterChange)).
    StatusAfterVoid,
    /// How a payment's status reads after a partial refund
    /// ([`StatusAfterChange`](crate::StatusAfterChange)).
    StatusAfterPartialRefund,
    /// Which HTTP status carries `ERR3019`, a refund of more than is left
    /// ([`OverRefundStatus`](crate::OverRefundStatus)).
    OverRefundStatus,
    /// What a full refund, sent a second time, answers
    /// ([`OverRefundStatus`](crate::OverRefundStatus) when it is refused with `ERR3019`).
    RepeatedFullRefund,
    /// Whether a link's id reads as a transaction (the sandbox: it does not).
    LinkIdAsTransaction,
    /// What the status call answers for an id no transaction has (the sandbox: 404).
    UnknownId,
    /// How many status reads of a new transaction answer as if it did not exist
    /// ([`MockConfig::unseen_status_reads`](crate::MockConfig::unseen_status_reads)).
    FirstStatusReads,
}

impl Question {
    /// Every question, in the order the probe asks them.
    pub const ALL: [Question; 7] = [
        Question::UnknownId,
        Question::LinkIdAsTransaction,
        Question::FirstStatusReads,
        Question::StatusAfterVoid,
        Question::StatusAfterPartialRefund,
        Question::OverRefundStatus,
        Question::RepeatedFullRefund,
    ];

    /// Its name in files and reports (`status-after-void`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Question::StatusAfterVoid => "status-after-void",
            Question::StatusAfterPartialRefund => "status-after-partial-refund",
            Question::OverRefundStatus => "over-refund-status",
            Question::RepeatedFullRefund => "repeated-full-refund",
            Question::LinkIdAsTransaction => "link-id-as-transaction",
            Question::UnknownId => "unknown-id",
            Question::FirstStatusReads => "first-status-reads",
        }
    }

    /// The question in words.
    pub fn asks(self) -> &'static str {
        match self {
            Question::StatusAfterVoid => "how does a pre-auth's status read after a void?",
            Question::StatusAfterPartialRefund => {
                "how does a payment's status read after a partial refund?"
            }
            Question::OverRefundStatus => {
                "which HTTP status carries ERR3019 (a refund of more than is left)?"
            }
            Question::RepeatedFullRefund => "what does a repeated full refund answer?",
            Question::LinkIdAsTransaction => "does a link's id read as a transaction?",
            Question::UnknownId => "what does the status call answer for an unknown id?",
            Question::FirstStatusReads => {
                "how many first status reads of a new transaction answer as if it did not exist?"
            }
        }
    }
}

impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The steps of a question, as [`Answer::step`] names them.
pub mod step {
    /// The status of the transaction acted on, read before the operation.
    pub const BEFORE: &str = "before";
    /// The operation the question is about (the void, the refund, the status read).
    pub const OPERATION: &str = "operation";
    /// The status of the transaction acted on, read after the operation.
    pub const AFTER: &str = "after";
    /// The first full refund, before the repeated one.
    pub const FIRST: &str = "first";
    /// The link's creation.
    pub const LINK: &str = "link";
    /// A status read (of a link's id, or of a new transaction until it is seen).
    pub const READ: &str = "read";
}

/// One answer of the API, as saved: one file of a probe directory.
///
/// Bodies are as received but for what must never be saved: the API keys (replaced by
/// `[redacted]`) and card numbers (masked but their last four digits).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The question it answers.
    pub question: Question,
    /// Which step of the question ([`step`]).
    pub step: String,
    /// The spec's `operationId` of the call.
    pub operation: String,
    /// The HTTP method.
    pub method: String,
    /// The spec's path template.
    pub path: String,
    /// The transaction (or link) id the call was about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The request body sent, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    /// The HTTP status; `None` when no answer arrived or nothing was sent ([`error`](Self::error)),
    /// and for a link's creation, whose status the library does not keep (its body is saved).
    #[serde(default)]
    pub status: Option<u16>,
    /// The body, when it is JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The body, when it is not JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
    /// Why there is no status: the call was not sent, or no answer arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Answer {
    /// Whether the status is a 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// A string member of the JSON body, by a path of keys.
    pub fn body_str(&self, path: &[&str]) -> Option<&str> {
        let mut value = self.body.as_ref()?;
        for key in path {
            value = value.get(key)?;
        }
        value.as_str()
    }

    /// `transaction_type` of the body.
    pub fn transaction_type(&self) -> Option<&str> {
        self.body_str(&["transaction_type"])
    }

    /// `gateway_response.code` of the body.
    pub fn gateway_code(&self) -> Option<&str> {
        self.body_str(&["gateway_response", "code"])
    }

    /// `success` of the body.
    pub fn success(&self) -> Option<bool> {
        self.body.as_ref()?.get("success")?.as_bool()
    }
}

/// The index of a probe directory ([`MANIFEST_FILE`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The base URL probed.
    pub base_url: String,
    /// The answer files, in the order they were received.
    pub answers: Vec<Entry>,
    /// Why a question has no answer (no pre-auth was given, say).
    #[serde(default)]
    pub unanswered: Vec<Unanswered>,
}

/// One answer file of a [`Manifest`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The file's name in the directory.
    pub file: String,
    /// The question it answers.
    pub question: Question,
    /// Its step.
    pub step: String,
}

/// A question the probe could not ask, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unanswered {
    /// The question.
    pub question: Question,
    /// Why, and what would answer it.
    pub reason: String,
}
