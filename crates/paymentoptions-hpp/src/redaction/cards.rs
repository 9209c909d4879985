//! Card numbers in shown text: masked but their last four digits.

use super::decoded::Decoded;

/// The lengths of card numbers (ISO/IEC 7812 allows 8 to 19, but no scheme issues fewer than
/// 13; shorter runs are references, dates and amounts).
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 13..=19;

/// The digits shown of a card number.
const SHOWN_DIGITS: usize = 4;

/// Masks every card number in `text` but its last four digits, each hidden digit replaced by
/// `*` and separators kept: `5200 0000 0000 1005` becomes `**** **** **** 1005`.
///
/// A card number is 13 to 19 digits not glued to a letter or digit (`2003089893366DTEST` is a
/// reference), either together or in groups separated by single spaces or dashes: a first
/// group of four digits, then groups of three to six (the layouts schemes print: 4-4-4-4,
/// 4-6-5, 4-4-4-4-3, ...). Dates, times, UUIDs, amounts and shorter references are left alone.
/// Digits written as JSON escapes (`\u0035`) count as digits.
///
/// ```
/// use paymentoptions_hpp::redaction::mask_card_numbers;
///
/// assert_eq!(
///     mask_card_numbers(r#"{"number": "5200000000001005", "ref": 74811}"#),
///     r#"{"number": "************1005", "ref": 74811}"#
/// );
/// assert_eq!(mask_card_numbers("3782 822463 10005"), "**** ****** *0005");
/// ```
pub fn mask_card_numbers(text: &str) -> String {
    mask(text, false)
}

/// Like [`mask_card_numbers`], for a JSON text that must stay valid JSON: a card number sent
/// as a JSON number (not a string) becomes a string, `5200000000001005` becoming
/// `"************1005"`. A JSON number with a sign, a fraction or an exponent is not a card
/// number.
///
/// ```
/// use paymentoptions_hpp::redaction::mask_card_numbers_in_json;
///
/// assert_eq!(
///     mask_card_numbers_in_json(r#"{"card": {"number": 4111111111111111}, "amount": 1000}"#),
///     r#"{"card": {"number": "************1111"}, "amount": 1000}"#
/// );
/// ```
pub fn mask_card_numbers_in_json(json: &str) -> String {
    mask(json, true)
}

fn mask(raw: &str, json: bool) -> String {
    let decoded = Decoded::json(raw.as_bytes());
    let text = decoded.text();
    let found = card_numbers(text);
    if found.is_empty() {
        return raw.to_string();
    }
    let strings = if json {
        string_spans(raw.as_bytes())
    } else {
        Vec::new()
    };
    // What replaces each range of `raw`; an empty range is an insertion.
    let mut edits: Vec<(usize, usize, &str)> = Vec::new();
    for (start, end) in found {
        let (raw_start, raw_end) = decoded.span(start, end);
        if json && !strings.iter().any(|&(s, e)| s <= raw_start && raw_end <= e) {
            let before = raw.as_bytes()[..raw_start].last();
            let after = raw.as_bytes().get(raw_end);
            if before == Some(&b'-') || matches!(after, Some(b'.' | b'e' | b'E')) {
                continue;
            }
            edits.push((raw_start, raw_start, "\""));
            edits.push((raw_end, raw_end, "\""));
        }
        let digits: Vec<usize> = (start..end).filter(|&i| text[i].is_ascii_digit()).collect();
        for &i in &digits[..digits.len() - SHOWN_DIGITS] {
            let (s, e) = decoded.span(i, i + 1);
            edits.push((s, e, "*"));
        }
    }
    edits.sort_unstable();
    let mut out = String::with_capacity(raw.len() + 2);
    let mut from = 0;
    for (start, end, with) in edits {
        if start < from {
            continue;
        }
        // Every edited range is ASCII (a digit, or the escape of one): on a character boundary.
        out.push_str(&raw[from..start]);
        out.push_str(with);
        from = end;
    }
    out.push_str(&raw[from..]);
    out
}

/// The card numbers in `text`, as ranges from their first digit to their last.
fn card_numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let run = digit_run(text, i);
        let starts_word = i == 0 || !text[i - 1].is_ascii_alphanumeric();
        let grouped = (starts_word && run == SHOWN_DIGITS)
            .then(|| grouped_end(text, i))
            .flatten();
        let together = (starts_word && CARD_DIGITS.contains(&run) && ends_word(text, i + run))
            .then_some(i + run);
        match grouped.or(together) {
            Some(end) => {
                found.push((i, end));
                i = end;
            }
            None => i += run,
        }
    }
    found
}

/// The end of the longest card number written in groups that starts with the four digits at
/// `start`, if any.
fn grouped_end(text: &[u8], start: usize) -> Option<usize> {
    let (mut digits, mut at, mut end) = (SHOWN_DIGITS, start + SHOWN_DIGITS, None);
    while matches!(text.get(at), Some(b' ' | b'-')) {
        let group = digit_run(text, at + 1);
        if !(3..=6).contains(&group) || digits + group > *CARD_DIGITS.end() {
            break;
        }
        digits += group;
        at += 1 + group;
        if CARD_DIGITS.contains(&digits) && ends_word(text, at) {
            end = Some(at);
        }
    }
    end
}

fn digit_run(text: &[u8], start: usize) -> usize {
    text.get(start..)
        .map_or(0, |t| t.iter().take_while(|b| b.is_ascii_digit()).count())
}

fn ends_word(text: &[u8], end: usize) -> bool {
    text.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// The ranges of `json` inside string literals, quotes included.
fn string_spans(json: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(open) = memchr::memchr(b'"', &json[i..]).map(|at| i + at) {
        let mut j = open + 1;
        while j < json.len() && json[j] != b'"' {
            j += if json[j] == b'\\' { 2 } else { 1 };
        }
        let close = j.min(json.len());
        spans.push((open, (close + 1).min(json.len())));
        i = close + 1;
        if i >= json.len() {
            break;
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_are_masked_together_or_in_groups() {
        for (text, expected) in [
            (
                r#"{"number": "5200000000001005", "t": "ü4242424242424242."}"#,
                r#"{"number": "************1005", "t": "ü************4242."}"#,
            ),
            ("5200 0000 0000 1005", "**** **** **** 1005"),
            ("5200-0000-0000-1005,", "****-****-****-1005,"),
            ("(4111 1111 1111 1111 111)", "(**** **** **** ***1 111)"),
            ("3782-822463-10005", "****-******-*0005"),
            ("4000 0012 3456", "4000 0012 3456"), // twelve digits
            // A card after a reference, and one followed by a year.
            ("74811 4111 1111 1111 1111", "74811 **** **** **** 1111"),
            ("4111 1111 1111 1111 2024", "**** **** **** 1111 2024"),
            // JSON-escaped digits are digits.
            (r#""\u0035200000000001005""#, r#""************1005""#),
            ("", ""),
        ] {
            assert_eq!(mask_card_numbers(text), expected, "{text}");
        }
    }

    #[test]
    fn ids_amounts_dates_and_references_are_not_card_numbers() {
        for text in [
            "240815123456",
            "12345678901234567890",
            "2003089893366DTEST",
            "x4111111111111111",
            "ref: 74811",
            "7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21",
            "12345678-1234-5678-1234-567812345678",
            "00000000-0000-0000-0000-000000000000",
            "2024-08-15T09:30:12.000Z",
            "2024-08-15 09:30:12",
            "1000 JPY, 10.50 USD, 1050 minor units",
            "4111 11 1111 1111",
        ] {
            assert_eq!(mask_card_numbers(text), text);
            assert_eq!(mask_card_numbers_in_json(text), text);
        }
    }

    #[test]
    fn json_stays_json() {
        for (json, expected) in [
            (r#"{"n":5200000000001005}"#, r#"{"n":"************1005"}"#),
            (r#"[5200000000001005,1]"#, r#"["************1005",1]"#),
            (
                r#"{"n":"5200 0000 0000 1005"}"#,
                r#"{"n":"**** **** **** 1005"}"#,
            ),
            // Not card numbers: a sign, a fraction, an exponent.
            (r#"[-5200000000001005]"#, r#"[-5200000000001005]"#),
            (r#"[5200000000001005.5]"#, r#"[5200000000001005.5]"#),
            (r#"[5200000000001005e2]"#, r#"[5200000000001005e2]"#),
            // Quotes escaped inside a string do not end it.
            (
                r#"{"a\"5200000000001005":"\"5200000000001005"}"#,
                r#"{"a\"************1005":"\"************1005"}"#,
            ),
        ] {
            let out = mask_card_numbers_in_json(json);
            assert_eq!(out, expected, "{json}");
            serde_json::from_str::<serde_json::Value>(&out).unwrap();
        }
    }
}
