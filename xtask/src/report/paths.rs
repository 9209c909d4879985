//! What the spec's `paths` say: its operations, and which way each component schema travels.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::Direction;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(super) fn operations(spec: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
                    out.insert(format!("{} {path}", m.to_uppercase()), id.to_string());
                }
            }
        }
    }
    out
}

pub(super) fn merge(a: Direction, b: Direction) -> Direction {
    match (a, b) {
        (x, y) if x == y => x,
        (Direction::Unused, y) => y,
        (x, Direction::Unused) => x,
        _ => Direction::Both,
    }
}

/// Which way each component schema travels, following `$ref`s from the operations.
pub(super) fn directions(spec: &Value) -> BTreeMap<String, Direction> {
    let mut found: BTreeMap<String, Direction> = BTreeMap::new();
    let mark = |v: &Value, dir: Direction, found: &mut BTreeMap<String, Direction>| {
        let mut stack = vec![v.clone()];
        let mut seen = BTreeSet::new();
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(map) => {
                    if let Some(name) = map
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        && seen.insert(name.to_string())
                    {
                        found
                            .entry(name.to_string())
                            .and_modify(|d| *d = merge(*d, dir))
                            .or_insert(dir);
                        if let Some(s) = spec.pointer(&format!("/components/schemas/{name}")) {
                            stack.push(s.clone());
                        }
                    }
                    for (k, child) in map {
                        if k != "example" && k != "examples" {
                            stack.push(child);
                        }
                    }
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    };
    let resolve = |v: &Value| -> Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|p| spec.pointer(p))
                .cloned()
                .unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            for m in METHODS {
                let Some(op) = item.get(m) else { continue };
                if let Some(body) = op.get("requestBody") {
                    mark(&resolve(body), Direction::Request, &mut found);
                }
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for r in responses.values() {
                        mark(&resolve(r), Direction::Response, &mut found);
                    }
                }
                // Callbacks are requests the API sends to the merchant: clients read them.
                if let Some(callbacks) = op.get("callbacks").and_then(Value::as_object) {
                    for cb in callbacks.values().filter_map(Value::as_object) {
                        for cb_item in cb.values() {
                            for cm in METHODS {
                                if let Some(body) =
                                    cb_item.get(cm).and_then(|o| o.get("requestBody"))
                                {
                                    mark(&resolve(body), Direction::Response, &mut found);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    found
}
