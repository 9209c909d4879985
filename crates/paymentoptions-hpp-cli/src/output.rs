//! What a generated operation prints: a summary line by default, the response as JSON with
//! `--json`; and the exit code a declined transaction ends with.

use paymentoptions_hpp::redaction::{mask_card_numbers_in_json, redact_secrets};
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
    /// `--dry-run`: the request as a curl command, not sent.
    DryRun(String),
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
            Self::Json(value) => print_json(&value),
            Self::DryRun(curl) => stdio::print(&curl),
            Self::Transaction(transaction) => {
                if json {
                    print_body(transaction.raw())?;
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

/// Prints a body as received (every field, unknown ones included, in its order, each value
/// written as it was), indented as pretty JSON, but for what must never be shown: the API keys
/// of the environment, written or encoded (the library has already removed the client's from
/// a response), and card numbers, masked but their last four digits.
pub fn print_body(body: &[u8]) -> Result<(), Failure> {
    let body = redact_secrets(body.to_vec(), &crate::api_keys());
    let text = mask_card_numbers_in_json(&String::from_utf8_lossy(&body));
    if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() {
        stdio::print(&indent(&text))
    } else {
        stdio::print(text.trim_end())
    }
}

/// Valid JSON laid out as `serde_json::to_string_pretty` lays it out, its tokens copied as
/// written: re-encoding the decoded value would drop the fields the model does not know,
/// reorder keys and rewrite numbers and escapes.
fn indent(json: &str) -> String {
    const STEP: &str = "  ";
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&STEP.repeat(depth));
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Prints `value` as pretty JSON, card numbers masked.
fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Output(std::io::Error::other(e)))?;
    print_body(text.as_bytes())
}

impl From<Transaction> for Output {
    fn from(transaction: Transaction) -> Self {
        Self::Transaction(Box::new(transaction))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_lays_out_like_serde_json_and_keeps_every_token() {
        for json in [
            r#"{"a":[1,2,{"c":null}],"b":1,"e":{},"f":[],"s":"x, {y}: \"z\" \\"}"#,
            "[]",
            r#""text""#,
            "{\n  \"k\" :\t[ ]\r\n}",
        ] {
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(
                indent(json),
                serde_json::to_string_pretty(&value).unwrap(),
                "{json}"
            );
        }
        // Kept as written, where re-encoding would change them (order, number, escape).
        assert_eq!(
            indent(r#"{"z":1.50,"a":"\u00e9","n":123456789012345678901234567890}"#),
            "{\n  \"z\": 1.50,\n  \"a\": \"\\u00e9\",\n  \"n\": 123456789012345678901234567890\n}"
        );
    }
}
