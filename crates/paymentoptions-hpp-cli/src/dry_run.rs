//! `--dry-run`: the call that would be sent, as a curl command, with nothing sent.
//!
//! The method, the path and the key headers' names come from the spec (the client crate's
//! `api` module); the base URL from the same configuration a real call uses. Both keys are
//! printed as `[redacted]`: a command line ends up in shell histories, tickets and chat.

use paymentoptions_hpp::Client;
use paymentoptions_hpp::redaction::redact_secrets;
use paymentoptions_hpp_client::api::{AUTH_HEADERS, Operation};

use crate::exit::Failure;

/// What is printed in place of each key.
const REDACTED: &str = "[redacted]";

/// `op` with its path parameters `values` (in the order of the path's `{…}`) and `body`, as
/// one curl command (one flag a line).
pub fn curl(
    client: &Client,
    op: &Operation,
    values: &[&str],
    body: Option<&serde_json::Value>,
) -> Result<String, Failure> {
    let mut url = client.base_url().clone();
    let mut values = values.iter();
    let mut segments = Vec::new();
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('{') && segment.ends_with('}') {
            let value = values
                .next()
                .ok_or_else(|| Failure::Invalid(format!("invalid request: {segment}: missing")))?;
            segments.push(*value);
        } else {
            segments.push(segment);
        }
    }
    // Each segment percent-encoded on its own, as the client sends it: an id with a `/` or
    // `?` stays one segment.
    url.path_segments_mut()
        .map_err(|()| Failure::Invalid("invalid request: the base URL cannot have a path".into()))?
        .pop_if_empty()
        .extend(segments);
    let mut lines = vec![format!("curl -X {} {}", op.method, quote(url.as_str()))];
    for auth in AUTH_HEADERS {
        lines.push(format!(
            "-H {}",
            quote(&format!("{}: {}{REDACTED}", auth.header, auth.prefix))
        ));
    }
    lines.push(format!("-H {}", quote("Accept: application/json")));
    if let Some(body) = body {
        lines.push(format!("-H {}", quote("Content-Type: application/json")));
        let json = serde_json::to_string(body).expect("a JSON value always serializes");
        lines.push(format!("--data-raw {}", quote(&json)));
    }
    let text = lines.join(" \\\n  ");
    // The keys are never formatted in, but a key pasted into a field (a note, a reference)
    // would be: the same redaction as every other output.
    let text = redact_secrets(text.into_bytes(), &crate::api_keys());
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// `s` as one POSIX shell word: single-quoted, with each `'` written as `'\''`.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME `x`"), "'$HOME `x`'");
    }
}
