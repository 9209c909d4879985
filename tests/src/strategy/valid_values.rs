//! JSON values valid for a schema of the spec, generated from the spec itself, and the JSON a
//! generated model type gives back for them.

use std::collections::BTreeSet;

use paymentoptions_hpp_client::formats;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};
use serde_json::{Map, Value};

/// Schema keywords the generator understands. Any other keyword makes it panic, so that a spec
/// change it cannot honour fails the property tests instead of weakening them.
const KNOWN_KEYWORDS: [&str; 25] = [
    // validation
    "allOf",
    "type",
    "format",
    "properties",
    "required",
    "nullable",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
    "items",
    "minItems",
    "maxItems",
    "oneOf",
    "anyOf",
    "$ref",
    "additionalProperties",
    // annotations
    "description",
    "example",
    "title",
    "deprecated",
];

/// Below this many `$ref`s, optional properties are generated; deeper, only required ones (so
/// a recursive schema still gives finite values).
const OPTIONAL_DEPTH: usize = 8;
/// A schema that needs more `$ref`s than this for one value is recursive through required
/// properties: no finite value exists.
const MAX_DEPTH: usize = 32;
/// Strings without `maxLength` are at most this many characters.
const DEFAULT_MAX_CHARS: usize = 40;

/// Values valid for component schema `name` of `spec` (the spec as JSON, see [`crate::spec`]).
///
/// Panics when the spec has no such schema or uses a keyword the generator does not know.
pub fn component(spec: &Value, name: &str) -> BoxedStrategy<Value> {
    let at = format!("#/components/schemas/{name}");
    let schema = resolve(spec, &at);
    build(spec, schema, &at, 0)
}

/// Values valid for `schema`, whose `$ref`s point into `spec`.
pub fn schema(spec: &Value, schema: &Value) -> BoxedStrategy<Value> {
    build(spec, schema, "(schema)", 0)
}

fn resolve<'a>(spec: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("strategy: only local `$ref`s are supported, not {reference}"));
    spec.pointer(pointer)
        .unwrap_or_else(|| panic!("strategy: `$ref` {reference} points to nothing"))
}

fn build(spec: &Value, schema: &Value, at: &str, depth: usize) -> BoxedStrategy<Value> {
    assert!(
        depth <= MAX_DEPTH,
        "strategy: {at} is recursive through required properties: no finite value exists"
    );
    let Some(map) = schema.as_object() else {
        panic!("strategy: the schema at {at} is not an object: {schema}");
    };
    if let Some(reference) = map.get("$ref") {
        // OpenAPI 3.0: keywords next to `$ref` are ignored.
        let reference = reference
            .as_str()
            .unwrap_or_else(|| panic!("strategy: `$ref` at {at} is not a string"));
        return build(spec, resolve(spec, reference), reference, depth + 1);
    }
    if let Some(single) = single_all_of(map) {
        // `allOf` one schema is that schema (what typify generates: a newtype around it).
        return build(spec, single, &format!("{at}/allOf/0"), depth + 1);
    }
    for key in map.keys() {
        assert!(
            KNOWN_KEYWORDS.contains(&key.as_str()) || key.starts_with("x-"),
            "strategy: keyword `{key}` at {at} is not understood by tests/src/strategy.rs; \
             teach it there so generated values follow the rule"
        );
    }
    let inner = if let Some(values) = map.get("enum") {
        let values = values
            .as_array()
            .unwrap_or_else(|| panic!("strategy: `enum` at {at} is not an array"))
            .clone();
        assert!(!values.is_empty(), "strategy: empty `enum` at {at}");
        proptest::sample::select(values).boxed()
    } else if let Some(branches) = map.get("oneOf").or_else(|| map.get("anyOf")) {
        // `oneOf` needs exactly one branch to match; the spec's branches are disjoint types,
        // and `properties.rs` checks every value with the sandbox's validator.
        let branches = branches
            .as_array()
            .unwrap_or_else(|| panic!("strategy: `oneOf`/`anyOf` at {at} is not an array"));
        Union::new(
            branches
                .iter()
                .enumerate()
                .map(|(i, b)| build(spec, b, &format!("{at}/oneOf/{i}"), depth)),
        )
        .boxed()
    } else {
        match map.get("type").map(|t| t.as_str().unwrap_or_default()) {
            Some("object") => object(spec, map, at, depth),
            Some("string") => string(map, at),
            Some("integer") => integer(map, at),
            Some("number") => number(map, at),
            Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
            Some("array") => array(spec, map, at, depth),
            None => any_json(),
            Some(other) => panic!("strategy: type `{other}` at {at} is not supported"),
        }
    };
    if map.get("nullable") == Some(&Value::Bool(true)) {
        prop_oneof![1 => Just(Value::Null), 3 => inner].boxed()
    } else {
        inner
    }
}

fn object(spec: &Value, map: &Map<String, Value>, at: &str, depth: usize) -> BoxedStrategy<Value> {
    match map.get("additionalProperties") {
        None | Some(Value::Bool(_)) => {}
        Some(_) => panic!(
            "strategy: `additionalProperties` with a schema at {at} is not supported (it would \
             be a map type)"
        ),
    }
    let required: BTreeSet<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let empty = Map::new();
    let properties = match map.get("properties") {
        Some(Value::Object(p)) => p,
        Some(_) => panic!("strategy: `properties` at {at} is not an object"),
        None => &empty,
    };
    for name in &required {
        assert!(
            properties.contains_key(*name),
            "strategy: required property `{name}` at {at} has no schema"
        );
    }
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
        .iter()
        .filter(|(name, _)| depth < OPTIONAL_DEPTH || required.contains(name.as_str()))
        .map(|(name, schema)| {
            let key = name.clone();
            let value = build(spec, schema, &format!("{at}/properties/{name}"), depth)
                .prop_map(move |v| (key.clone(), v));
            if required.contains(name.as_str()) {
                value.prop_map(Some).boxed()
            } else {
                proptest::option::weighted(0.6, value).boxed()
            }
        })
        .collect();
    members
        .prop_map(|members| Value::Object(members.into_iter().flatten().collect()))
        .boxed()
}

fn usize_keyword(map: &Map<String, Value>, key: &str, at: &str) -> Option<usize> {
    map.get(key).map(|v| {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or_else(|| panic!("strategy: `{key}` at {at} is not a count: {v}"))
    })
}

/// The `format`s [`formatted`] draws strings of.
const KNOWN_FORMATS: [&str; 7] = [
    "email",
    "uri",
    "uuid",
    "date-time",
    "date",
    formats::ISO4217,
    formats::ISO3166_ALPHA2,
];

/// Every upper-case code of `len` letters that `valid` (the shared definition of its format)
/// admits: the ISO codes are drawn from these, so no hand-kept list can go stale.
fn codes(len: u32, valid: fn(&str) -> bool) -> Vec<String> {
    (0..26u32.pow(len))
        .map(|mut n| {
            (0..len)
                .map(|_| {
                    let letter = char::from(b'A' + (n % 26) as u8);
                    n /= 26;
                    letter
                })
                .collect::<String>()
        })
        .filter(|code| valid(code))
        .collect()
}

/// Strings of the JSON Schema `format`.
fn formatted(format: &str, at: &str) -> BoxedStrategy<String> {
    let regex = |pattern: &str| {
        proptest::string::string_regex(pattern)
            .unwrap_or_else(|e| panic!("strategy: pattern {pattern:?} at {at}: {e}"))
            .boxed()
    };
    match format {
        "email" => regex(r"[a-z]{1,10}@[a-z]{1,10}\.com"),
        "uri" => regex(r"https://[a-z]{1,10}\.example/[a-z]{0,10}"),
        "uuid" => any::<u128>().prop_map(uuid_text).boxed(),
        // chrono (what typify makes of `date-time`) writes whole seconds in UTC as `...Z`.
        "date-time" => (date(), 0u32..24, 0u32..60, 0u32..60)
            .prop_map(|(d, h, m, s)| format!("{d}T{h:02}:{m:02}:{s:02}Z"))
            .boxed(),
        "date" => date().boxed(),
        formats::ISO4217 => prop::sample::select(codes(3, formats::iso4217)).boxed(),
        formats::ISO3166_ALPHA2 => prop::sample::select(codes(2, formats::iso3166_alpha2)).boxed(),
        other => panic!("strategy: string format `{other}` at {at} is not supported"),
    }
}

fn string(map: &Map<String, Value>, at: &str) -> BoxedStrategy<Value> {
    let min = usize_keyword(map, "minLength", at).unwrap_or(0);
    let max = usize_keyword(map, "maxLength", at);
    let regex = |pattern: &str| {
        proptest::string::string_regex(pattern)
            .unwrap_or_else(|e| panic!("strategy: pattern {pattern:?} at {at}: {e}"))
            .boxed()
    };
    let format = map
        .get("format")
        .and_then(Value::as_str)
        .filter(|f| KNOWN_FORMATS.contains(f));
    let strings: BoxedStrategy<String> = if let (Some(pattern), Some(format)) =
        (map.get("pattern").and_then(Value::as_str), format)
    {
        // Both rules: strings of the format, kept when they match the pattern too (a pattern
        // alone, like `^https?://`, makes `http://` a URL, which the format is not).
        let matcher = regress::Regex::new(pattern)
            .unwrap_or_else(|e| panic!("strategy: pattern {pattern:?} at {at}: {e}"));
        formatted(format, at)
            .prop_filter("pattern", move |s| matcher.find(s).is_some())
            .boxed()
    } else if let Some(pattern) = map.get("pattern") {
        let pattern = pattern
            .as_str()
            .unwrap_or_else(|| panic!("strategy: `pattern` at {at} is not a string"));
        // JSON Schema patterns search (are unanchored); a string that matches the pattern
        // whole matches it. proptest's generator does not take anchors, so they are dropped.
        let core = pattern.strip_prefix('^').unwrap_or(pattern);
        let core = match core.strip_suffix('$') {
            Some(c) if !c.ends_with('\\') => c,
            _ => core,
        };
        regex(core)
    } else if let Some(format) = format {
        formatted(format, at)
    } else {
        let max = max.unwrap_or(min.max(DEFAULT_MAX_CHARS));
        proptest::collection::vec(any::<char>(), min..=max)
            .prop_map(String::from_iter)
            .boxed()
    };
    // Patterns and formats must still respect the length rules (counted in characters, as
    // JSON Schema and the generated newtypes count them).
    strings
        .prop_filter("minLength/maxLength", move |s| {
            let n = s.chars().count();
            n >= min && max.is_none_or(|max| n <= max)
        })
        .prop_map(Value::String)
        .boxed()
}

fn date() -> impl Strategy<Value = String> {
    (1970u32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

/// The canonical (lower-case, hyphenated) text of a UUID, the form `uuid::Uuid` writes back.
fn uuid_text(n: u128) -> String {
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn bound(map: &Map<String, Value>, key: &str, exclusive: &str, at: &str) -> Option<(f64, bool)> {
    let value = map.get(key)?;
    let n = value
        .as_f64()
        .unwrap_or_else(|| panic!("strategy: `{key}` at {at} is not a number: {value}"));
    Some((n, map.get(exclusive) == Some(&Value::Bool(true))))
}

fn integer(map: &Map<String, Value>, at: &str) -> BoxedStrategy<Value> {
    let (mut lo, mut hi) = match map.get("format").and_then(Value::as_str) {
        Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
        Some("int64") | None => (i64::MIN, i64::MAX),
        Some(other) => panic!("strategy: integer format `{other}` at {at} is not supported"),
    };
    if let Some((min, exclusive)) = bound(map, "minimum", "exclusiveMinimum", at) {
        let min = min.ceil();
        let min = if exclusive && min == map["minimum"].as_f64().unwrap() {
            min + 1.0
        } else {
            min
        };
        lo = lo.max(min as i64);
    }
    if let Some((max, exclusive)) = bound(map, "maximum", "exclusiveMaximum", at) {
        let max = max.floor();
        let max = if exclusive && max == map["maximum"].as_f64().unwrap() {
            max - 1.0
        } else {
            max
        };
        hi = hi.min(max as i64);
    }
    assert!(lo <= hi, "strategy: no integer fits the bounds at {at}");
    // The edges are where decoders break; a uniform draw from 2^64 values never hits them.
    let edges: Vec<i64> = [lo, hi, lo.saturating_add(1), hi.saturating_sub(1), 0, 1, -1]
        .into_iter()
        .filter(|n| (lo..=hi).contains(n))
        .collect();
    prop_oneof![
        1 => proptest::sample::select(edges),
        3 => lo..=hi,
    ]
    .prop_map(Value::from)
    .boxed()
}

fn number(map: &Map<String, Value>, at: &str) -> BoxedStrategy<Value> {
    let lo = bound(map, "minimum", "exclusiveMinimum", at).map_or(-1e15, |b| b.0);
    let hi = bound(map, "maximum", "exclusiveMaximum", at).map_or(1e15, |b| b.0);
    // Exclusive bounds: a draw equal to the bound is filtered out.
    let (min, max) = (map.get("minimum").cloned(), map.get("maximum").cloned());
    (lo..=hi)
        .prop_filter("exclusive bounds", move |n| {
            Some(Value::from(*n)) != min && Some(Value::from(*n)) != max
        })
        .prop_map(Value::from)
        .boxed()
}

fn array(spec: &Value, map: &Map<String, Value>, at: &str, depth: usize) -> BoxedStrategy<Value> {
    let items = map
        .get("items")
        .unwrap_or_else(|| panic!("strategy: array at {at} has no `items`"));
    let min = usize_keyword(map, "minItems", at).unwrap_or(0);
    let max = usize_keyword(map, "maxItems", at).unwrap_or(min + 4);
    proptest::collection::vec(build(spec, items, &format!("{at}/items"), depth), min..=max)
        .prop_map(Value::Array)
        .boxed()
}

/// Any small JSON value (what a schema without `type` allows): null, booleans, integers,
/// decimals, strings, and arrays and objects of those, at most three levels deep.
///
/// Decimals are the ones serde_json's default parser reads back exactly (few digits: it only
/// guarantees exact round trips of every `f64` with its `float_roundtrip` feature).
pub fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (any::<i32>(), 0..4)
            .prop_map(|(n, decimals)| Value::from(f64::from(n) / 10f64.powi(decimals))),
        short_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((short_text(), inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
    .boxed()
}

pub(super) fn short_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter)
}

/// The JSON that a generated model type gives back after decoding `value` (valid for
/// `schema`) and encoding it again: the same, except that an optional property whose schema
/// admits `null` (`nullable: true`, or no `type` at all) and is `null` disappears, because the
/// model holds it as `None` and skips `None` when encoding.
pub fn round_tripped(spec: &Value, schema: &Value, value: &Value) -> Value {
    let schema = follow(spec, schema);
    match value {
        Value::Object(members) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return branch(spec, schema)
                    .map_or_else(|| value.clone(), |b| round_tripped(spec, b, value));
            };
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let kept = members
                .iter()
                .filter_map(|(name, v)| match properties.get(name) {
                    Some(s)
                        if v.is_null()
                            && !required.contains(name.as_str())
                            && admits_null(spec, s) =>
                    {
                        None
                    }
                    Some(s) => Some((name.clone(), round_tripped(spec, s, v))),
                    None => Some((name.clone(), v.clone())),
                });
            Value::Object(kept.collect())
        }
        Value::Array(items) => match schema.get("items") {
            Some(s) => Value::Array(items.iter().map(|v| round_tripped(spec, s, v)).collect()),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

fn follow<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => follow(spec, resolve(spec, reference)),
        None => match schema.as_object().and_then(single_all_of) {
            Some(single) => follow(spec, single),
            None => schema,
        },
    }
}

/// The one schema of an `allOf` with exactly one member.
fn single_all_of(map: &Map<String, Value>) -> Option<&Value> {
    map.get("allOf")
        .and_then(Value::as_array)
        .filter(|items| items.len() == 1)
        .map(|items| &items[0])
}

/// The `oneOf`/`anyOf` branch an object value was generated from: the first object branch.
fn branch<'a>(spec: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))?
        .as_array()?;
    branches
        .iter()
        .map(|b| follow(spec, b))
        .find(|b| b.get("type").and_then(Value::as_str) == Some("object"))
}

fn admits_null(spec: &Value, schema: &Value) -> bool {
    let schema = follow(spec, schema);
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.contains(&Value::Null);
    }
    if let Some(branches) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        return branches.iter().any(|b| admits_null(spec, b));
    }
    schema.get("type").is_none()
}
