//! The create response (`id`, `url`, and the request fields the real API echoes), serialized
//! straight from the request instead of being copied into a new `serde_json::Value` first.
//!
//! Its bytes are those of the `Map` the sandbox used to build: `serde_json::Map` keeps its keys
//! sorted unless any crate in the build turns on serde_json's `preserve_order` feature (then
//! insertion order: `id`, `url`, then [`ECHOED_FIELDS`](crate::ECHOED_FIELDS)), so the order
//! is taken from how `Map` behaves in this build.

use std::sync::LazyLock;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The response keys, in the order a `serde_json::Map` of this build iterates them.
static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys = vec!["id", "url"];
    keys.extend_from_slice(crate::ECHOED_FIELDS);
    let probe: Map<String, Value> = keys.iter().map(|k| (k.to_string(), Value::Null)).collect();
    probe
        .keys()
        .map(|k| *keys.iter().find(|known| *known == k).expect("a known key"))
        .collect()
});

/// `{"id": ..., "url": ..., <echoed fields>}`: every echoed field the request has, unless null.
pub(crate) struct LinkResponse<'a> {
    pub(crate) id: Uuid,
    pub(crate) url: &'a str,
    pub(crate) request: &'a Value,
}

impl LinkResponse<'_> {
    /// The JSON body.
    pub(crate) fn to_vec(&self, capacity: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut out, self).expect("a JSON value always serializes");
        out
    }

    fn echoed(&self, key: &str) -> Option<&Value> {
        self.request.get(key).filter(|v| !v.is_null())
    }
}

impl Serialize for LinkResponse<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for key in KEYS.iter() {
            match *key {
                "id" => map.serialize_entry(key, &self.id)?,
                "url" => map.serialize_entry(key, self.url)?,
                field => {
                    if let Some(value) = self.echoed(field) {
                        map.serialize_entry(field, value)?;
                    }
                }
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The body as the sandbox built it before: a `Value` filled field by field.
    fn as_value(id: Uuid, url: &str, request: &Value) -> Vec<u8> {
        let mut response = json!({"id": id, "url": url});
        for field in crate::ECHOED_FIELDS {
            if let Some(v) = request.get(*field).filter(|v| !v.is_null()) {
                response[*field] = v.clone();
            }
        }
        serde_json::to_vec(&response).unwrap()
    }

    #[test]
    fn the_bytes_are_those_of_the_value_it_replaces() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/hpp-link-request.json"
        );
        let example: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let id = Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef);
        let url = "http://127.0.0.1:1/HostedPaymentPage/AbCd1234";
        let mut without_amount = example.clone();
        without_amount.as_object_mut().unwrap().remove("amount");
        for request in [
            example,
            without_amount,
            json!({}),
            json!({"amount": null, "currency": "JPY", "unknown": [1, 2], "zz": "not echoed"}),
            json!({"return_url": {"webhook_url": "https://x.test/\u{e9}\"\\", "cancel_url": null}}),
            json!({"shipping_address": {"z": 1, "a": {"nested": [true, 1.5, "s"]}}}),
        ] {
            let echoed = LinkResponse {
                id,
                url,
                request: &request,
            }
            .to_vec(0);
            assert_eq!(
                String::from_utf8(echoed).unwrap(),
                String::from_utf8(as_value(id, url, &request)).unwrap()
            );
        }
    }
}
