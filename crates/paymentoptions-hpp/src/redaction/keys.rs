//! API keys in a body: as written, JSON-escaped, percent-encoded or base64-encoded.

use memchr::memmem;

use super::decoded::Decoded;
use super::{MIN_KEY_LEN, REDACTED};
use crate::config::ApiKey;

/// A client's distinct keys, kept only to scrub them from the response bodies a server might
/// echo them in.
pub(crate) struct ClientKeys(Vec<ApiKey>);

impl ClientKeys {
    /// The keys of a client's two key headers.
    pub(crate) fn new(api_key: ApiKey, x_api_key: ApiKey) -> Self {
        // By default both headers carry the same key: scanning bodies for it once is enough.
        let mut keys = vec![api_key];
        if x_api_key.expose() != keys[0].expose() {
            keys.push(x_api_key);
        }
        Self(keys)
    }

    /// The keys replaced in a response body (see [`redact_secrets`]).
    pub(crate) fn redact(&self, body: Vec<u8>) -> Vec<u8> {
        let keys: Vec<&[u8]> = self.0.iter().map(|k| k.expose().as_bytes()).collect();
        redact_bytes(body, &keys)
    }
}

/// Replaces every occurrence of each secret (8 bytes or longer: shorter strings are not keys,
/// and would blank out ordinary text) with `[redacted]`: as written, JSON-escaped (`\/`,
/// `\u0041`), percent-encoded (`%2F`), and base64-encoded (standard or URL-safe alphabet, at
/// any offset of the encoded text, so `base64("user:" + key)` too). A base64 word that encodes
/// a secret is replaced whole.
///
/// The library applies it to every response body with the client's keys; it is public for
/// what an application shows of bodies it gets elsewhere (a webhook, a log).
///
/// ```
/// use paymentoptions_hpp::redaction::redact_secrets;
///
/// let body = br#"{"echo": "x-api-key=CANARY%2Fabc%2B123%3D%3D"}"#.to_vec();
/// assert_eq!(
///     redact_secrets(body, &["CANARY/abc+123=="]),
///     br#"{"echo": "x-api-key=[redacted]"}"#.to_vec()
/// );
/// ```
pub fn redact_secrets<S: AsRef<str>>(body: Vec<u8>, secrets: &[S]) -> Vec<u8> {
    let keys: Vec<&[u8]> = secrets.iter().map(|k| k.as_ref().as_bytes()).collect();
    redact_bytes(body, &keys)
}

fn redact_bytes(body: Vec<u8>, keys: &[&[u8]]) -> Vec<u8> {
    let mut keys: Vec<&[u8]> = keys
        .iter()
        .copied()
        .filter(|k| k.len() >= MIN_KEY_LEN)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() || body.is_empty() {
        return body;
    }
    let body = redact_plain(body, &keys);
    let encoded: Vec<Vec<u8>> = keys.iter().flat_map(|k| base64_cores(k)).collect();
    let mut ranges = Vec::new();
    // Base64 has no escape character: it is searched for in the body as it is, and in each
    // decoding (a JSON encoder may write a base64 `/` as `\/`).
    find(&Decoded::plain(&body), &[], &encoded, &mut ranges);
    for decoded in [Decoded::json(&body), Decoded::percent(&body)] {
        if !decoded.is_plain() {
            find(&decoded, &keys, &encoded, &mut ranges);
        }
    }
    replace(body, ranges)
}

/// The plain occurrences of each key.
fn redact_plain(body: Vec<u8>, keys: &[&[u8]]) -> Vec<u8> {
    let mut body = body;
    for key in keys {
        // memmem scans the body once, vectorised: this runs on every response (BENCHMARKS.md).
        let finder = memmem::Finder::new(key);
        let mut hits = finder.find_iter(&body).peekable();
        if hits.peek().is_none() {
            continue;
        }
        let mut out = Vec::with_capacity(body.len());
        let mut from = 0;
        for at in hits {
            if at < from {
                continue; // overlaps the occurrence just replaced
            }
            out.extend_from_slice(&body[from..at]);
            out.extend_from_slice(REDACTED);
            from = at + key.len();
        }
        out.extend_from_slice(&body[from..]);
        body = out;
    }
    body
}

/// Adds the body ranges of the keys, and of the base64 words holding an encoded key, found in
/// the decoded text.
fn find(
    decoded: &Decoded<'_>,
    keys: &[&[u8]],
    encoded: &[Vec<u8>],
    ranges: &mut Vec<(usize, usize)>,
) {
    let text = decoded.text();
    for key in keys {
        for at in memmem::find_iter(text, key) {
            ranges.push(decoded.span(at, at + key.len()));
        }
    }
    for core in encoded {
        for at in memmem::find_iter(text, core) {
            let start = text[..at]
                .iter()
                .rposition(|&b| !is_base64(b))
                .map_or(0, |i| i + 1);
            let end = at
                + text[at..]
                    .iter()
                    .position(|&b| !is_base64(b) && b != b'=')
                    .unwrap_or(text.len() - at);
            ranges.push(decoded.span(start, end));
        }
    }
}

/// Replaces `ranges` of `body` (in any order, overlapping or not) by `[redacted]`.
fn replace(body: Vec<u8>, mut ranges: Vec<(usize, usize)>) -> Vec<u8> {
    if ranges.is_empty() {
        return body;
    }
    ranges.sort_unstable();
    let mut out = Vec::with_capacity(body.len());
    let mut from = 0;
    for (start, end) in ranges {
        if start < from {
            // Overlaps the occurrence just replaced: extend it.
            from = from.max(end);
            continue;
        }
        out.extend_from_slice(&body[from..start]);
        out.extend_from_slice(REDACTED);
        from = end;
    }
    out.extend_from_slice(&body[from..]);
    out
}

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// What any base64 text encoding `key` contains, whatever precedes it: base64 encodes three
/// bytes as four characters, so the key starts at one of three bit offsets, and for each the
/// characters made of the key's bits only are always the same. Both alphabets.
fn base64_cores(key: &[u8]) -> Vec<Vec<u8>> {
    let mut cores = Vec::with_capacity(6);
    for shift in 0..3 {
        let mut bytes = vec![0u8; shift];
        bytes.extend_from_slice(key);
        let first = (shift * 8).div_ceil(6);
        let last = bytes.len() * 8 / 6;
        let sextets: Vec<usize> = (first..last)
            .map(|i| {
                let (byte, offset) = (i * 6 / 8, i * 6 % 8);
                let pair = u16::from(bytes[byte]) << 8
                    | u16::from(bytes.get(byte + 1).copied().unwrap_or(0));
                usize::from((pair >> (10 - offset)) & 0x3f)
            })
            .collect();
        for alphabet in [STANDARD, URL_SAFE] {
            let core: Vec<u8> = sextets.iter().map(|&s| alphabet[s]).collect();
            if !cores.contains(&core) {
                cores.push(core);
            }
        }
    }
    cores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(body: &str, keys: &[&str]) -> String {
        String::from_utf8(redact_secrets(body.into(), keys)).unwrap()
    }

    #[test]
    fn every_occurrence_of_each_long_key_is_replaced() {
        let keys = ["secret-key-1", "short"];
        assert_eq!(
            redacted("a secret-key-1 b secret-key-1secret-key-1 c short", &keys),
            "a [redacted] b [redacted][redacted] c short"
        );
        assert_eq!(redacted("nothing here", &keys), "nothing here");
        assert_eq!(redacted("", &keys), "");
        // Occurrences are replaced left to right, without overlap.
        assert_eq!(redacted("aaaaaaaaaaaa", &["aaaaaaaa"]), "[redacted]aaaa");
    }

    #[test]
    fn keys_are_replaced_in_every_json_escaped_form() {
        let keys = ["CANARY/abc+123=="];
        for (body, expected) in [
            (r#"{"m":"CANARY\/abc+123=="}"#, r#"{"m":"[redacted]"}"#),
            (
                r#"{"m":"\u0043\u0041\u004e\u0041\u0052\u0059\u002f\u0061\u0062\u0063\u002b\u0031\u0032\u0033\u003d\u003d"}"#,
                r#"{"m":"[redacted]"}"#,
            ),
            (r#"x CANARY\u002Fabc\u002b123== y"#, "x [redacted] y"),
            (r#"CANARY/abc+123==\/ \"#, r#"[redacted]\/ \"#),
            (r#"\\CANARY\/abc+123==\n"#, r#"\\[redacted]\n"#),
            // Not the key once decoded: `\\/` is a backslash then a slash.
            (r#"CANARY\\/abc+123=="#, r#"CANARY\\/abc+123=="#),
            (
                r#"bad \u12 escape \ud800 \q"#,
                r#"bad \u12 escape \ud800 \q"#,
            ),
            (r#"\ud83d\ude00"#, r#"\ud83d\ude00"#),
        ] {
            let out = redacted(body, &keys);
            assert_eq!(out, expected, "{body}");
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&out) {
                assert!(!v.to_string().contains("CANARY/abc"), "{v}");
            }
        }
        // What a JSON encoder that escapes every character writes, for a key of any length.
        let key = "k\u{e9}y/with+\"quotes\"\u{1F600}";
        let escaped: String = key.encode_utf16().map(|u| format!("\\u{u:04x}")).collect();
        assert_eq!(
            redacted(&format!("{{\"m\":\"{escaped}\"}}"), &[key]),
            r#"{"m":"[redacted]"}"#
        );
    }

    #[test]
    fn keys_are_replaced_percent_encoded() {
        let keys = ["CANARY/abc+123=="];
        for (body, expected) in [
            ("k=CANARY%2Fabc%2B123%3D%3D&x=1", "k=[redacted]&x=1"),
            ("k=CANARY%2fabc+123%3d%3d", "k=[redacted]"),
            // Every byte encoded.
            (
                "%43%41%4E%41%52%59%2F%61%62%63%2B%31%32%33%3D%3D;",
                "[redacted];",
            ),
            // `%` that is no escape, and an encoded key that is not this one.
            ("100% CANARY%2Fabd", "100% CANARY%2Fabd"),
        ] {
            assert_eq!(redacted(body, &keys), expected, "{body}");
        }
    }

    #[test]
    fn keys_are_replaced_base64_encoded_at_any_offset_and_in_both_alphabets() {
        // `printf '%s' <text> | base64` (and `| basenc --base64url`).
        for (body, expected) in [
            // canary-KEY-5f3a9c
            ("Basic Y2FuYXJ5LUtFWS01ZjNhOWM=, ok", "Basic [redacted], ok"),
            // canary-KEY-5f3a9c:
            ("Basic Y2FuYXJ5LUtFWS01ZjNhOWM6", "Basic [redacted]"),
            // u:canary-KEY-5f3a9c
            ("Basic dTpjYW5hcnktS0VZLTVmM2E5Yw==", "Basic [redacted]"),
            // us:canary-KEY-5f3a9c
            ("[dXM6Y2FuYXJ5LUtFWS01ZjNhOWM=]", "[[redacted]]"),
            // ~~canary-KEY-5f3a9c?
            (
                r#"{"a":"fn5jYW5hcnktS0VZLTVmM2E5Yz8="}"#,
                r#"{"a":"[redacted]"}"#,
            ),
            // Another key's base64 (canary-KEY-5f3b9c).
            (
                "Basic Y2FuYXJ5LUtFWS01ZjNiOWM=",
                "Basic Y2FuYXJ5LUtFWS01ZjNiOWM=",
            ),
        ] {
            assert_eq!(redacted(body, &["canary-KEY-5f3a9c"]), expected, "{body}");
        }
        // ?>?canary/KEY? : standard `Pz4/`, URL-safe `Pz4_`, and the standard one JSON-escaped.
        let key = ["canary/KEY?"];
        for body in [
            "Pz4/Y2FuYXJ5L0tFWT8=",
            "Pz4_Y2FuYXJ5L0tFWT8",
            r#""Pz4\/Y2FuYXJ5L0tFWT8=""#,
        ] {
            let out = redacted(body, &key);
            assert!(!out.contains("Y2FuYXJ5L0tFWT8"), "{body}: {out}");
            assert!(out.contains("[redacted]"), "{body}: {out}");
        }
    }
}
