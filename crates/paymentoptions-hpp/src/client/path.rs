//! The URL of an operation: its path parameters checked by the spec's rules and
//! percent-encoded into the spec's path.

use paymentoptions_hpp_client::api::{self, Operation};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::validation::{Checker, ValidationError};

/// What a path parameter keeps as it is: only RFC 3986 unreserved characters, so that a value
/// can never add a path segment or a query.
const ENCODED_IN_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `base_url` with the operation's path, each `{parameter}` replaced by its value; every value
/// is checked first, and all that break a rule are named together.
pub(super) fn operation_url(
    base_url: &Url,
    op: &Operation,
    params: &[api::FieldRule],
    values: &[&str],
) -> Result<Url, ValidationError> {
    let mut checker = Checker::default();
    let mut path = op.path.to_string();
    for (rule, value) in params.iter().zip(values) {
        checker.check_value(rule.path, Some(&serde_json::Value::from(*value)), rule);
        let encoded = utf8_percent_encode(value, ENCODED_IN_SEGMENT).to_string();
        path = path.replace(&format!("{{{}}}", rule.path), &encoded);
    }
    checker.finish()?;
    // Only the path is parsed again: the base URL's scheme and host were checked once, and
    // re-parsing the whole URL on every call was a measurable share of a status round trip.
    let mut url = base_url.clone();
    let full_path = format!("{}{path}", url.path().trim_end_matches('/'));
    url.set_path(&full_path);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(value: &str) -> String {
        utf8_percent_encode(value, ENCODED_IN_SEGMENT).to_string()
    }

    #[test]
    fn only_unreserved_characters_stay_as_they_are() {
        for (value, encoded) in [
            ("Az09-._~", "Az09-._~"),
            ("a/b?c#d e%", "a%2Fb%3Fc%23d%20e%25"),
            ("../x", "..%2Fx"),
            // Every byte of a non-ASCII character, upper-case hex.
            ("é€", "%C3%A9%E2%82%AC"),
            ("+:@!*'()", "%2B%3A%40%21%2A%27%28%29"),
        ] {
            assert_eq!(segment(value), encoded, "{value:?}");
        }
    }

    #[test]
    fn a_parameter_stays_one_segment_below_the_base_path() {
        let op = api::GET_TRANSACTION_STATUS;
        let rules = api::path_params::GET_TRANSACTION_STATUS;
        let base = Url::parse("http://127.0.0.1:8080/api/").unwrap();
        // Exactly as long as the spec's rule asks, so that only the encoding is tested.
        let len = rules[0].max_length.unwrap() as usize;
        let value = format!("{:-<len$}", "../x?y#z");
        let url = operation_url(&base, &op, rules, &[&value]).unwrap();
        let placeholder = format!("{{{}}}", rules[0].path);
        let expected = format!("/api{}", op.path.replace(&placeholder, &segment(&value)));
        assert_eq!(url.path(), expected);
        assert!(url.path().contains("..%2Fx%3Fy%23z"), "{url}");
        assert_eq!((url.query(), url.fragment()), (None, None));
    }

    #[test]
    fn a_parameter_that_breaks_its_rule_is_named() {
        let op = api::GET_TRANSACTION_STATUS;
        let rules = api::path_params::GET_TRANSACTION_STATUS;
        let base = Url::parse("http://127.0.0.1:8080").unwrap();
        let error = operation_url(&base, &op, rules, &["short"]).unwrap_err();
        assert!(error.to_string().contains(rules[0].path), "{error}");
    }
}
