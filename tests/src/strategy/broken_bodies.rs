//! Broken variants of a JSON body, rendered as raw bytes because most of them cannot be held in
//! a `serde_json::Value`.

use std::fmt;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::{BoxedStrategy, Just};
use serde_json::Value;

use super::valid_values::{any_json, short_text};

/// One step into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// Every path in `value`, the root (empty path) first.
pub fn paths(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(at.clone());
        match value {
            Value::Object(members) => {
                for (key, v) in members {
                    at.push(Step::Key(key.clone()));
                    walk(v, at, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    at.push(Step::Index(i));
                    walk(v, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

/// A change to the value at one path of a document.
#[derive(Clone, PartialEq, Eq)]
pub enum Edit {
    /// Write these bytes instead of the value (they need not be JSON).
    Replace(Vec<u8>),
    /// Leave the member (or array element) out.
    Drop,
    /// Write the member, then the same key again with these bytes as its value.
    Duplicate(Vec<u8>),
    /// Add a member with this key and these bytes to the object at the path.
    Insert(String, Vec<u8>),
}

/// A change to the rendered bytes.
#[derive(Clone)]
pub enum ByteEdit {
    /// None.
    Keep,
    /// Cut the body at this position.
    Truncate(Index),
    /// Insert these bytes at this position.
    Insert(Index, Vec<u8>),
    /// XOR the byte at this position with this mask.
    Flip(Index, u8),
}

/// A broken variant of a JSON document: edits at paths, then a byte edit.
#[derive(Clone)]
pub struct Mutation {
    /// Path edits; the first edit for a path wins.
    pub edits: Vec<(Vec<Step>, Edit)>,
    /// Applied to the rendered bytes.
    pub bytes: ByteEdit,
}

/// Shows raw bytes as text (lossy), cut in the middle when long, so that a failing case stays
/// readable.
struct Shown<'a>(&'a [u8]);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOW: usize = 120;
        if self.0.len() <= 2 * SHOW {
            write!(f, "{:?}", String::from_utf8_lossy(self.0))
        } else {
            write!(
                f,
                "{:?} ...({} bytes)... {:?}",
                String::from_utf8_lossy(&self.0[..SHOW]),
                self.0.len() - 2 * SHOW,
                String::from_utf8_lossy(&self.0[self.0.len() - SHOW..])
            )
        }
    }
}

impl fmt::Debug for Edit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edit::Replace(b) => f.debug_tuple("Replace").field(&Shown(b)).finish(),
            Edit::Drop => f.write_str("Drop"),
            Edit::Duplicate(b) => f.debug_tuple("Duplicate").field(&Shown(b)).finish(),
            Edit::Insert(k, b) => f.debug_tuple("Insert").field(k).field(&Shown(b)).finish(),
        }
    }
}

impl fmt::Debug for ByteEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ByteEdit::Keep => f.write_str("Keep"),
            ByteEdit::Truncate(i) => f.debug_tuple("Truncate").field(i).finish(),
            ByteEdit::Insert(i, b) => f.debug_tuple("Insert").field(i).field(&Shown(b)).finish(),
            ByteEdit::Flip(i, m) => f.debug_tuple("Flip").field(i).field(m).finish(),
        }
    }
}

impl fmt::Debug for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutation")
            .field("edits", &self.edits)
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Mutation {
    /// `document` with this mutation applied, as bytes.
    pub fn apply(&self, document: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        let mut at = Vec::new();
        match self.edit_at(&at) {
            Some(Edit::Replace(raw)) => out.extend_from_slice(raw),
            _ => self.render(document, &mut at, &mut out),
        }
        match &self.bytes {
            ByteEdit::Keep => {}
            ByteEdit::Truncate(i) => out.truncate(i.index(out.len() + 1)),
            ByteEdit::Insert(i, raw) => {
                let i = i.index(out.len() + 1);
                out.splice(i..i, raw.iter().copied());
            }
            ByteEdit::Flip(i, mask) => {
                if !out.is_empty() {
                    let i = i.index(out.len());
                    out[i] ^= mask;
                }
            }
        }
        out
    }

    fn edit_at(&self, at: &[Step]) -> Option<&Edit> {
        self.edits.iter().find(|(p, _)| p == at).map(|(_, e)| e)
    }

    fn render(&self, value: &Value, at: &mut Vec<Step>, out: &mut Vec<u8>) {
        let mut first = true;
        let mut sep = |out: &mut Vec<u8>| {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
        };
        match value {
            Value::Object(members) => {
                out.push(b'{');
                for (key, v) in members {
                    at.push(Step::Key(key.clone()));
                    let write_key = |out: &mut Vec<u8>| {
                        serde_json::to_writer(&mut *out, key).unwrap();
                        out.push(b':');
                    };
                    match self.edit_at(at) {
                        Some(Edit::Drop) => {}
                        Some(Edit::Replace(raw)) => {
                            sep(out);
                            write_key(out);
                            out.extend_from_slice(raw);
                        }
                        Some(Edit::Duplicate(raw)) => {
                            sep(out);
                            write_key(out);
                            self.render(v, at, out);
                            sep(out);
                            write_key(out);
                            out.extend_from_slice(raw);
                        }
                        _ => {
                            sep(out);
                            write_key(out);
                            self.render(v, at, out);
                        }
                    }
                    at.pop();
                }
                if let Some(Edit::Insert(key, raw)) = self.edit_at(at) {
                    sep(out);
                    serde_json::to_writer(&mut *out, key).unwrap();
                    out.push(b':');
                    out.extend_from_slice(raw);
                }
                out.push(b'}');
            }
            Value::Array(items) => {
                out.push(b'[');
                for (i, v) in items.iter().enumerate() {
                    at.push(Step::Index(i));
                    match self.edit_at(at) {
                        Some(Edit::Drop) => {}
                        Some(Edit::Replace(raw)) => {
                            sep(out);
                            out.extend_from_slice(raw);
                        }
                        _ => {
                            sep(out);
                            self.render(v, at, out);
                        }
                    }
                    at.pop();
                }
                if let Some(Edit::Insert(_, raw)) = self.edit_at(at) {
                    sep(out);
                    out.extend_from_slice(raw);
                }
                out.push(b']');
            }
            leaf => serde_json::to_writer(&mut *out, leaf).unwrap(),
        }
    }
}

/// How many characters (or escapes) the long strings of [`odd_values`] have.
pub const LONG: usize = 5_000;

/// How deep [`deeply_nested`] values go: far past serde_json's recursion limit (128).
pub const DEEP: usize = 10_000;

/// `depth` nested arrays, objects, or a mix of both, closed or left open.
pub fn deeply_nested(depth: usize, kind: u8, closed: bool) -> Vec<u8> {
    let (open, close): (&[u8], &[u8]) = match kind % 3 {
        0 => (b"[", b"]"),
        1 => (b"{\"a\":", b"}"),
        _ => (b"[{\"a\":", b"}]"),
    };
    let mut out = open.repeat(depth);
    out.extend_from_slice(b"0");
    if closed {
        out.extend_from_slice(&close.repeat(depth));
    }
    out
}

/// The odd values every decoder must survive, each as raw bytes: values of every JSON type,
/// numbers no 64-bit type holds, deep nesting, long strings, invalid UTF-8 and escapes, and
/// tokens that are not JSON at all. [`odd_value`] draws from these and from random ones.
pub fn odd_values() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        // every type
        "null",
        "true",
        "false",
        "0",
        "-1",
        "1.5",
        "\"\"",
        "\"x\"",
        "\"   \"",
        "[]",
        "{}",
        "[1,\"a\",null]",
        "{\"a\":1}",
        // numbers
        "1e400",
        "-1e400",
        "1e-400",
        "18446744073709551616",
        "18446744073709551615",
        "-18446744073709551616",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "1.7976931348623157e308",
        "-0",
        "-0.0",
        "1E2",
        "0.1e1",
        "01",
        "1.",
        ".5",
        "+1",
        "0x10",
        // strings
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\udc00\\ud800\"",
        "\"\\uDBFF\\uDFFF\"",
        "\"\\x41\"",
        "\"\\u12\"",
        "\"tab\there\"",
        "\"unterminated",
        "\"a\\\"",
        // not JSON
        "",
        "NaN",
        "Infinity",
        "-Infinity",
        "undefined",
        "tru",
        "nul",
        "'single'",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\"}",
        "{a:1}",
        "[",
        "{",
        "]",
        "}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    // 500-digit integers and decimals.
    out.push("9".repeat(500).into_bytes());
    out.push(format!("0.{}1", "0".repeat(500)).into_bytes());
    out.push(format!("1{}e-400", "0".repeat(400)).into_bytes());
    // Long strings (far past every `maxLength` and the 512-byte snippet of errors): ASCII,
    // multi-byte, escapes.
    for unit in ["a", "é", "日", "😀", "\\n", "\\u00e9", "\\ud83d\\ude00"] {
        out.push(format!("\"{}\"", unit.repeat(LONG)).into_bytes());
    }
    // Invalid UTF-8 inside strings: a lone continuation byte, an overlong NUL, an encoded
    // surrogate, a truncated sequence, bytes that never occur in UTF-8.
    for bad in [
        &b"\x80"[..],
        b"\xc0\x80",
        b"\xed\xa0\x80",
        b"\xe6\x97",
        b"\xff\xfe",
        b"\xf4\x90\x80\x80",
    ] {
        let mut s = b"\"ab".to_vec();
        s.extend_from_slice(bad);
        s.extend_from_slice(b"cd\"");
        out.push(s);
        out.push(bad.to_vec());
    }
    // Deep nesting, closed and unclosed.
    for kind in 0..3 {
        out.push(deeply_nested(DEEP, kind, true));
        out.push(deeply_nested(DEEP, kind, false));
    }
    out
}

/// One odd value: from [`odd_values`], any small JSON value, or random bytes.
pub fn odd_value() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        4 => proptest::sample::select(odd_values()),
        2 => any_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => (0usize..DEEP + 1, any::<u8>(), any::<bool>())
            .prop_map(|(depth, kind, closed)| deeply_nested(depth, kind, closed)),
        1 => json_ish_bytes(),
        1 => proptest::collection::vec(any::<u8>(), 0..16),
    ]
    .boxed()
}

/// Bytes made of JSON's tokens and of bytes that break it, to get past a parser's first byte
/// more often than random bytes do.
pub fn json_ish_bytes() -> BoxedStrategy<Vec<u8>> {
    let tokens: Vec<&'static [u8]> = vec![
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b",",
        b"\"",
        b"\\",
        b"\"id\"",
        b"\"url\"",
        b"\"amount\"",
        b"\"transaction_details\"",
        b"\"ref\"",
        b"null",
        b"true",
        b"0",
        b"-",
        b"1e",
        b"9999",
        b".",
        b" ",
        b"\n",
        b"\\u",
        b"d800",
        b"\xff",
        b"\xc3",
        b"\x00",
    ];
    proptest::collection::vec(proptest::sample::select(tokens), 0..64)
        .prop_map(|parts| parts.concat())
        .boxed()
}

/// A mutation of `document`: one to three edits at its paths, then maybe a byte edit.
pub fn mutation(document: &Value) -> BoxedStrategy<Mutation> {
    let paths = paths(document);
    let edit = prop_oneof![
        3 => odd_value().prop_map(Edit::Replace),
        2 => Just(Edit::Drop),
        1 => odd_value().prop_map(Edit::Duplicate),
        1 => (short_text(), odd_value()).prop_map(|(k, v)| Edit::Insert(k, v)),
    ];
    let bytes = prop_oneof![
        6 => Just(ByteEdit::Keep),
        1 => any::<Index>().prop_map(ByteEdit::Truncate),
        1 => (any::<Index>(), proptest::collection::vec(any::<u8>(), 1..4))
            .prop_map(|(i, b)| ByteEdit::Insert(i, b)),
        1 => (any::<Index>(), 1u8..=255).prop_map(|(i, m)| ByteEdit::Flip(i, m)),
    ];
    (
        proptest::collection::vec((proptest::sample::select(paths), edit), 1..=3),
        bytes,
    )
        .prop_map(|(edits, bytes)| Mutation { edits, bytes })
        .boxed()
}
