//! The spec as a JSON value whose objects keep the YAML's document order.
//!
//! Generated code follows the spec's order (a schema's fields, its security schemes, its
//! operations), and `serde_json::Map` iterates in that order only when serde_json's
//! `preserve_order` feature is on. A feature of the xtask would reach every crate built
//! alongside it (the library and the sandbox under `cargo test`), so the xtask owns this type
//! instead: the same shape as `serde_json::Value`, with `IndexMap` objects.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// An object, in document order.
pub type Map = IndexMap<String, Value>;

/// A JSON value read from the spec.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

static NULL: Value = Value::Null;

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// The value at a JSON pointer (`/components/schemas/X`, `~1` for `/`, `~0` for `~`).
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut at = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            at = match at {
                Value::Object(map) => map.get(&token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// The same value as a `serde_json::Value` (whose objects iterate as that type does).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a spec value always converts")
    }

    /// Pretty-printed JSON with every object's keys sorted, ending in a newline: the same
    /// bytes for the same spec, whatever order its YAML lists keys in.
    pub fn to_sorted_pretty_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.sort_keys();
        let mut out = serde_json::to_string_pretty(&sorted).expect("a spec value serializes");
        out.push('\n');
        out
    }

    fn sort_keys(&mut self) {
        match self {
            Value::Object(map) => {
                map.sort_unstable_keys();
                map.values_mut().for_each(Value::sort_keys);
            }
            Value::Array(items) => items.iter_mut().for_each(Value::sort_keys),
            _ => {}
        }
    }
}

/// `value["key"]`: the member, or null when there is none (as with `serde_json::Value`).
impl std::ops::Index<&str> for Value {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// Serializes objects in their stored order, so the bytes never depend on serde_json's map.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    out.serialize_entry(k, v)?;
                }
                out.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Deserialize::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("{v} is not a JSON number")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some((k, v)) = access.next_entry::<String, Value>()? {
            map.insert(k, v);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_the_yaml_order_and_print_sorted() {
        let v: Value =
            serde_saphyr::from_str("b: 1\na:\n  z: [true, null, 1.5]\n  y: x\n").unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"b":1,"a":{"z":[true,null,1.5],"y":"x"}}"#
        );
        assert_eq!(
            v.to_sorted_pretty_json(),
            "{\n  \"a\": {\n    \"y\": \"x\",\n    \"z\": [\n      true,\n      null,\n      1.5\n    ]\n  },\n  \"b\": 1\n}\n"
        );
        assert_eq!(
            v.pointer("/a/z/2").and_then(|n| n.to_json().as_f64()),
            Some(1.5)
        );
        assert_eq!(v["a"]["y"], "x");
        assert_eq!(v["a"]["missing"], Value::Null);
    }

    #[test]
    fn pointers_unescape_their_tokens() {
        let v: Value = serde_saphyr::from_str("'/p~q':\n  'application/json': 1\n").unwrap();
        assert_eq!(
            v.pointer("/~1p~0q/application~1json")
                .and_then(Value::as_u64),
            Some(1)
        );
        assert_eq!(v.pointer(""), Some(&v));
        assert_eq!(v.pointer("/nope"), None);
    }
}
