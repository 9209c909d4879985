//! The JSON toolkit behind request checking and response decoding: field paths as this crate
//! writes them, duplicate keys (which `serde_json::Value` would silently collapse), and what a
//! decode-then-encode round trip would change.

use serde_json::Value;

use crate::validation::{Rule, Violation};

/// How a key appears in a field path: as itself, or `""` for the empty key (an empty path
/// means the body itself).
pub(crate) fn path_key(key: &str) -> &str {
    if key.is_empty() { "\"\"" } else { key }
}

/// `path` as `serde_path_to_error` writes it (`billing_address.city`, `.` for the body), except
/// that an empty key is written `""` and an unknown position (the JSON broke off between two
/// members) is left out, so that a path is never empty and never `?`.
pub(crate) fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    use std::fmt::Write;

    let mut out = String::new();
    for segment in path.iter() {
        if matches!(segment, Segment::Unknown) {
            continue;
        }
        if !out.is_empty() && !matches!(segment, Segment::Seq { .. }) {
            out.push('.');
        }
        match segment {
            Segment::Map { key } => out.push_str(path_key(key)),
            other => {
                let _ = write!(out, "{other}");
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// The path (`billing_address.city`) of the first key written twice in one object of `body`,
/// which must be valid JSON. (A `serde_json::Value` keeps only the last value of such a key.)
pub(crate) fn first_duplicate_key(body: &[u8]) -> Option<String> {
    use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use std::collections::HashSet;
    use std::fmt;

    /// Walks a JSON value at path `.0`; yields the first duplicate key's path below it.
    struct Scan(String);

    impl Scan {
        fn child(&self, key: &str) -> Scan {
            let key = path_key(key);
            Scan(if self.0.is_empty() {
                key.to_string()
            } else {
                format!("{}.{key}", self.0)
            })
        }
    }

    impl<'de> DeserializeSeed<'de> for Scan {
        type Value = Option<String>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Scan {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            let mut i = 0usize;
            while let Some(inner) = seq.next_element_seed(Scan(format!("{}[{i}]", self.0)))? {
                found = found.or(inner);
                i += 1;
            }
            Ok(found)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            let mut seen = HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let child = self.child(&key);
                if !seen.insert(key) {
                    found = found.or(Some(child.0.clone()));
                }
                found = found.or(map.next_value_seed(child)?);
            }
            Ok(found)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    Scan(String::new()).deserialize(&mut de).ok().flatten()
}

/// What a `null` in a request body means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nulls {
    /// Absent, as the API reads it: dropped from the body sent.
    Absent,
    /// Refused, because dropping it would change the body.
    Refused,
}

/// Records every place where `encoded` (what would be sent) differs from `original` (what was
/// given): keys the model does not have, values it would read differently (serde reads a
/// struct from a JSON array, for one), and, unless they count as absent, `null`s.
pub(crate) fn differences(
    original: &Value,
    encoded: &Value,
    at: &str,
    nulls: Nulls,
    out: &mut Vec<Violation>,
) {
    let field = |key: &str| {
        let key = path_key(key);
        if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        }
    };
    match (original, encoded) {
        (Value::Object(o), Value::Object(e)) => {
            for (key, value) in o {
                match e.get(key) {
                    None if value.is_null() && nulls == Nulls::Absent => {}
                    None if value.is_null() => out.push(Violation::new(
                        field(key),
                        Rule::Json(
                            "`null` would not be sent (the API reads it as absent): leave the field out".into(),
                        ),
                    )),
                    None => out.push(Violation::new(field(key), Rule::UnknownField)),
                    Some(kept) => differences(value, kept, &field(key), nulls, out),
                }
            }
            for key in e.keys().filter(|k| !o.contains_key(*k)) {
                out.push(Violation::new(
                    field(key),
                    Rule::Json("would be added to the body sent".into()),
                ));
            }
        }
        (o, Value::Object(_)) if !o.is_object() => out.push(Violation::new(
            at,
            Rule::Json("expected a JSON object".into()),
        )),
        (o, e) if o != e => out.push(Violation::new(
            at,
            Rule::Json(format!("would be sent as {e} instead of {o}")),
        )),
        _ => {}
    }
}
