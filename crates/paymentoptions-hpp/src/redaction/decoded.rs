//! A body read as a decoder would read it (JSON string escapes, or percent-encoding, decoded),
//! with, for each decoded byte, the range of the body it comes from: what is found in the
//! decoded text is then hidden in the body itself.

use std::borrow::Cow;

/// Decoded text, and where each of its bytes comes from in the body.
pub(super) struct Decoded<'a> {
    text: Cow<'a, [u8]>,
    /// `None` when nothing was decoded: byte `i` comes from `i..i + 1`.
    spans: Option<Vec<(usize, usize)>>,
}

impl<'a> Decoded<'a> {
    /// The body as it is.
    pub(super) fn plain(raw: &'a [u8]) -> Self {
        Self {
            text: Cow::Borrowed(raw),
            spans: None,
        }
    }

    /// The body with every JSON string escape decoded, wherever it is (a JSON decoder would
    /// decode those inside strings, and the rest is not JSON a decoder reads). Malformed
    /// escapes are kept as written, as a decoder would refuse them.
    pub(super) fn json(raw: &'a [u8]) -> Self {
        if memchr::memchr(b'\\', raw).is_none() {
            return Self::plain(raw);
        }
        Self::decode(raw, json_escape_at)
    }

    /// The body with every `%XX` decoded (`+` is kept: a key's `+` may be written as it is).
    pub(super) fn percent(raw: &'a [u8]) -> Self {
        if memchr::memchr(b'%', raw).is_none() {
            return Self::plain(raw);
        }
        Self::decode(raw, |raw, i| {
            let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            // `%+1` parses as hex: only two hex digits make an escape.
            hex.bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then(|| (vec![byte], 3))
        })
    }

    /// Whether anything was decoded (otherwise the body is its own text).
    pub(super) fn is_plain(&self) -> bool {
        self.spans.is_none()
    }

    pub(super) fn text(&self) -> &[u8] {
        &self.text
    }

    /// The range of the body the decoded bytes `start..end` come from.
    pub(super) fn span(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.spans {
            None => (start, end),
            Some(spans) => (spans[start].0, spans[end - 1].1),
        }
    }

    /// Decodes with `escape_at`, called at each escape's first byte (`\` or `%`): the bytes it
    /// stands for and its length, or `None` when it is not an escape.
    fn decode(raw: &'a [u8], escape_at: impl Fn(&[u8], usize) -> Option<(Vec<u8>, usize)>) -> Self {
        let mut text = Vec::with_capacity(raw.len());
        let mut spans = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if matches!(raw[i], b'\\' | b'%')
                && let Some((bytes, len)) = escape_at(raw, i)
            {
                for b in bytes {
                    text.push(b);
                    spans.push((i, i + len));
                }
                i += len;
                continue;
            }
            text.push(raw[i]);
            spans.push((i, i + 1));
            i += 1;
        }
        Self {
            text: Cow::Owned(text),
            spans: Some(spans),
        }
    }
}

/// The UTF-8 bytes of the JSON escape at `raw[i]`, and the escape's length.
fn json_escape_at(raw: &[u8], i: usize) -> Option<(Vec<u8>, usize)> {
    if raw[i] != b'\\' {
        return None;
    }
    let (c, len) = escape_at(raw, i)?;
    let mut buf = [0u8; 4];
    Some((c.encode_utf8(&mut buf).as_bytes().to_vec(), len))
}

/// The character the escape at `raw[i]` (a backslash) stands for, and the escape's length.
fn escape_at(raw: &[u8], i: usize) -> Option<(char, usize)> {
    let simple = match raw.get(i + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex4 = |at: usize| {
                let digits = std::str::from_utf8(raw.get(at..at + 4)?).ok()?;
                u32::from_str_radix(digits, 16).ok()
            };
            let high = hex4(i + 2)?;
            if !(0xD800..0xDC00).contains(&high) {
                return Some((char::from_u32(high)?, 6));
            }
            // A surrogate pair: `\uD83D\uDE00`.
            if raw.get(i + 6..i + 8) != Some(b"\\u") {
                return None;
            }
            let low = hex4(i + 8)?;
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return Some((char::from_u32(c)?, 12));
        }
        _ => return None,
    };
    Some((simple, 2))
}
