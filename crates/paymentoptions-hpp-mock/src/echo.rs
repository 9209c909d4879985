//! The create response (`id`, `url`, and the request fields the real API echoes), serialized
//! straight from the request instead of being copied into a new `serde_json::Value` first.
//!
//! The echoed fields are read from the embedded spec once per process: the properties
//! the operation's success response schema shares with its request schema. A field added to
//! both in the spec is echoed without an edit here.
//!
//! Its bytes are those of the `Map` the sandbox used to build: keys sorted, as `serde_json::Map`
//! keeps them (no crate of the workspace turns on serde_json's `preserve_order`; a test below
//! fails if one does).

use std::sync::LazyLock;

use paymentoptions_hpp_client::{api, document};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use uuid::Uuid;

/// The keys of a create response, sorted: `id`, `url` and the echoed request fields.
pub(crate) struct EchoedFields {
    keys: Vec<String>,
}

/// The spec's schema of the create operation's request body and of its 200 response.
fn operation_schemas(spec: &Value) -> (&Value, &Value) {
    let operation = document::operation(spec, api::GENERATE_HPP_LINK)
        .expect("the spec has the create operation");
    let schema = |pointer: &str| {
        let reference = operation
            .pointer(pointer)
            .and_then(Value::as_str)
            .expect("the operation's schemas are references");
        spec.pointer(reference.trim_start_matches('#'))
            .expect("the reference resolves")
    };
    (
        schema("/requestBody/content/application~1json/schema/$ref"),
        schema("/responses/200/content/application~1json/schema/$ref"),
    )
}

/// The response schema's properties that the request schema has too, in the response
/// schema's order.
pub(crate) fn echoed_names(spec: &Value) -> Vec<String> {
    let (request, response) = operation_schemas(spec);
    let properties = |schema: &Value| {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let requested = properties(request);
    properties(response)
        .keys()
        .filter(|k| requested.contains_key(*k))
        .cloned()
        .collect()
}

/// The fields of the embedded spec (see [`echoed_names`]), read once per process.
pub(crate) fn echoed_fields() -> &'static EchoedFields {
    static FIELDS: LazyLock<EchoedFields> = LazyLock::new(|| {
        let spec: Value = document::parsed();
        EchoedFields::new(echoed_names(&spec))
    });
    &FIELDS
}

impl EchoedFields {
    fn new(echoed: Vec<String>) -> Self {
        let mut keys = vec!["id".to_string(), "url".to_string()];
        keys.extend(echoed);
        keys.sort_unstable();
        keys.dedup();
        Self { keys }
    }
}

/// `{"id": ..., "url": ..., <echoed fields>}`: every echoed field the request has, unless null.
pub(crate) struct LinkResponse<'a> {
    pub(crate) id: Uuid,
    pub(crate) url: &'a str,
    pub(crate) request: &'a Value,
    pub(crate) fields: &'a EchoedFields,
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
        for key in &self.fields.keys {
            match key.as_str() {
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

    /// The fields the sandbox echoed when they were listed by hand.
    const LISTED_BY_HAND: [&str; 9] = [
        "amount",
        "currency",
        "merchant_id",
        "merchant_email",
        "merchant_txn_ref",
        "payment_method",
        "return_url",
        "billing_address",
        "shipping_address",
    ];

    /// The body as the sandbox built it before: a `Value` filled field by field.
    fn as_value(id: Uuid, url: &str, request: &Value) -> Vec<u8> {
        let spec: Value = serde_json::from_str(api::OPENAPI_JSON).unwrap();
        let mut response = json!({"id": id, "url": url});
        for field in echoed_names(&spec) {
            if let Some(v) = request.get(&field).filter(|v| !v.is_null()) {
                response[&field] = v.clone();
            }
        }
        serde_json::to_vec(&response).unwrap()
    }

    #[test]
    fn the_echoed_fields_come_from_the_spec() {
        let spec: Value = serde_json::from_str(api::OPENAPI_JSON).unwrap();
        let mut names = echoed_names(&spec);
        names.sort();
        let mut by_hand = LISTED_BY_HAND.to_vec();
        by_hand.sort_unstable();
        assert_eq!(names, by_hand);

        // A field the spec adds to both schemas is echoed; one only in the response is not.
        let mut grown = spec.clone();
        let schemas = grown.pointer_mut("/components/schemas").unwrap();
        schemas["HppLinkRequest"]["properties"]["locale"] = json!({"type": "string"});
        schemas["HppLinkResponse"]["properties"]["locale"] = json!({"type": "string"});
        schemas["HppLinkResponse"]["properties"]["status"] = json!({"type": "string"});
        let names = echoed_names(&grown);
        assert!(names.contains(&"locale".to_string()), "{names:?}");
        assert!(!names.contains(&"status".to_string()), "{names:?}");
        let fields = EchoedFields::new(names);
        let request = json!({"locale": "ja", "status": "x", "amount": 1});
        let body = LinkResponse {
            id: Uuid::nil(),
            url: "u",
            request: &request,
            fields: &fields,
        }
        .to_vec(0);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"id": Uuid::nil(), "url": "u", "locale": "ja", "amount": 1})
        );
    }

    /// The sorted keys above are `Map`'s order only while no crate in the build turns on
    /// serde_json's `preserve_order`, which would also give tests another `Map` than
    /// production.
    #[test]
    fn serde_json_maps_are_sorted_in_this_build() {
        let map: serde_json::Map<String, Value> = [("url", 1), ("id", 2)]
            .map(|(k, v)| (k.to_string(), json!(v)))
            .into_iter()
            .collect();
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            ["id", "url"],
            "a crate turns on serde_json's `preserve_order`"
        );
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
        let fields = echoed_fields();
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
                fields,
            }
            .to_vec(0);
            assert_eq!(
                String::from_utf8(echoed).unwrap(),
                String::from_utf8(as_value(id, url, &request)).unwrap()
            );
        }
    }
}
