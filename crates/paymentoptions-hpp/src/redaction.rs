//! Keeping API keys and card numbers out of what the library and `po-hpp` show.
//!
//! - **Keys**: every response body is scrubbed of the client's API keys before anything reads
//!   it, so that a proxy or debugging server echoing the request headers cannot get a key into
//!   an error, a log or [`Transaction::raw`](crate::Transaction::raw). A key is found as
//!   written, JSON-escaped (`\/`, `\u0041`), percent-encoded (`%2F`) and base64-encoded (the
//!   `Authorization: Basic` form, alone or as part of `user:key`), and replaced by `[redacted]`.
//! - **Card numbers**: wherever a body is shown (error `Display`/`Debug`, `po-hpp --json`), a
//!   card number is masked but its last four digits: 13 to 19 digits, written together or in
//!   groups separated by single spaces or dashes (`5200 0000 0000 1005`, `5200-0000-0000-1005`).
//!
//! ```
//! use paymentoptions_hpp::redaction::{mask_card_numbers, redact_secrets};
//!
//! assert_eq!(mask_card_numbers("card 5200-0000-0000-1005"), "card ****-****-****-1005");
//! // Ids, references and timestamps are not card numbers.
//! let shown = "ref 2003089893366DTEST at 2024-08-15T09:30:12.000Z";
//! assert_eq!(mask_card_numbers(shown), shown);
//!
//! // `Basic ` then the base64 of `key-0123456789:`.
//! let body = b"echo: Authorization: Basic a2V5LTAxMjM0NTY3ODk6".to_vec();
//! assert_eq!(
//!     redact_secrets(body, &["key-0123456789"]),
//!     b"echo: Authorization: Basic [redacted]".to_vec()
//! );
//! ```

mod cards;
mod decoded;
mod keys;

pub use cards::{mask_card_numbers, mask_card_numbers_in_json};
pub(crate) use keys::ClientKeys;
pub use keys::redact_secrets;

/// What replaces a key.
const REDACTED: &[u8] = b"[redacted]";

/// Shorter strings are not keys, and replacing them would blank out ordinary text (a one-letter
/// test key would hide every occurrence of that letter).
const MIN_KEY_LEN: usize = 8;
