//! What a generated operation prints: a summary line by default, the response as JSON with
//! `--json`; and the exit code a declined transaction ends with.

use paymentoptions_hpp::{Outcome, Transaction};

use crate::exit::Failure;
use crate::stdio;

/// The decoded response of a generated operation.
// `Json` is unused while every generated operation returns a hand-written type; an operation
// added to the spec with another response gets it from the generator.
#[allow(dead_code)]
#[derive(Debug)]
pub enum Output {
    /// A response the CLI has no summary for: always printed as JSON.
    Json(serde_json::Value),
    /// A transaction (status, capture, refund, void, stored-card payment).
    Transaction(Box<Transaction>),
}

impl Output {
    /// A model's JSON.
    #[allow(dead_code)] // see `Output`
    pub fn json(value: serde_json::Value) -> Self {
        Self::Json(value)
    }

    /// Prints the response (`json`: as pretty JSON), then fails with
    /// [`Code::Declined`](crate::exit::Code::Declined) when it is a declined transaction, so
    /// that scripts can branch on the exit code while still getting the output.
    pub fn print(self, json: bool) -> Result<(), Failure> {
        match self {
            Self::Json(value) => stdio::print_json(&value),
            Self::Transaction(transaction) => {
                if json {
                    stdio::print_json(transaction.envelope())?;
                } else {
                    // One line, `<kind> <id> <outcome> <amount>`, `-` where the body is silent.
                    stdio::print(&transaction.to_string())?;
                }
                match transaction.outcome() {
                    outcome @ Outcome::Declined { .. } => Err(Failure::Declined(format!(
                        "transaction {} was {outcome}",
                        transaction.id().unwrap_or("(without id)")
                    ))),
                    _ => Ok(()),
                }
            }
        }
    }
}

impl From<Transaction> for Output {
    fn from(transaction: Transaction) -> Self {
        Self::Transaction(Box::new(transaction))
    }
}
