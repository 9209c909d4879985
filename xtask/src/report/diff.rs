//! The diff of two specs: operations, component schemas, their fields and rules, each change
//! classified as it is found.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::{Change, Direction, Kind, Report};
use super::paths::{directions, merge, operations};
use super::policy::{classify, follow_up};
use super::schema_shape::{RULES, Strict, docs, has_newtype_rules, type_sig};

/// Compares two specs (as JSON) and classifies every change.
pub fn diff(old: &Value, new: &Value) -> Report {
    let mut d = Differ {
        old,
        new,
        directions: directions(old).into_iter().chain(directions(new)).fold(
            BTreeMap::new(),
            |mut acc: BTreeMap<String, Direction>, (k, v)| {
                acc.entry(k).and_modify(|d| *d = merge(*d, v)).or_insert(v);
                acc
            },
        ),
        changes: Vec::new(),
    };
    let version = |v: &Value| {
        v.pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string()
    };
    let versions = (version(old), version(new));
    if versions.0 != versions.1 {
        d.push(
            "info.version",
            Kind::VersionChanged,
            Direction::Unused,
            format!("{} -> {}", versions.0, versions.1),
        );
    }
    d.operations();
    d.schemas();
    Report {
        versions,
        changes: d.changes,
    }
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    directions: BTreeMap<String, Direction>,
    changes: Vec<Change>,
}

impl Differ<'_> {
    fn direction(&self, schema: &str) -> Direction {
        self.directions
            .get(schema)
            .copied()
            .unwrap_or(Direction::Unused)
    }

    fn push(
        &mut self,
        location: impl Into<String>,
        kind: Kind,
        direction: Direction,
        detail: String,
    ) {
        let (api, client, wrapper) = classify(&kind, direction);
        let location = location.into();
        let follow_up = follow_up(&kind, direction, &location);
        self.changes.push(Change {
            location,
            kind,
            direction,
            detail,
            api,
            client,
            wrapper,
            follow_up,
        });
    }

    fn operations(&mut self) {
        let (old, new) = (operations(self.old), operations(self.new));
        for (key, id) in &new {
            match old.get(key) {
                None => self.push(
                    key.clone(),
                    Kind::OperationAdded,
                    Direction::Unused,
                    format!("operationId {id}"),
                ),
                Some(old_id) if old_id != id => self.push(
                    key.clone(),
                    Kind::OperationRenamed,
                    Direction::Unused,
                    format!("{old_id} -> {id}"),
                ),
                Some(_) => {}
            }
        }
        for (key, id) in &old {
            if !new.contains_key(key) {
                self.push(
                    key.clone(),
                    Kind::OperationRemoved,
                    Direction::Unused,
                    format!("operationId {id}"),
                );
            }
        }
    }

    fn schemas(&mut self) {
        let empty = serde_json::Map::new();
        let schemas = |v: &Value| {
            v.pointer("/components/schemas")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_else(|| empty.clone())
        };
        let (old, new) = (schemas(self.old), schemas(self.new));
        for (name, schema) in &new {
            let dir = self.direction(name);
            match old.get(name) {
                None => self.push(name.clone(), Kind::SchemaAdded, dir, String::new()),
                Some(before) => self.schema(name, before, schema, dir),
            }
        }
        for name in old.keys().filter(|k| !new.contains_key(*k)) {
            let dir = self.direction(name);
            self.push(name.clone(), Kind::SchemaRemoved, dir, String::new());
        }
    }

    fn schema(&mut self, name: &str, old: &Value, new: &Value, dir: Direction) {
        // `allOf: [$ref X]` is X on the wire (typify makes it a newtype that derefs to X):
        // compare X's fields, so wrapping an object in a shared one reads as what it is.
        let (old, new) = (&object_view(self.old, old), &object_view(self.new, new));
        let props = |v: &Value| v.get("properties").and_then(Value::as_object).cloned();
        let required = |v: &Value| -> BTreeSet<String> {
            v.get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        };
        match (props(old), props(new)) {
            (Some(op), Some(np)) => {
                let (or, nr) = (required(old), required(new));
                for (field, schema) in &np {
                    let at = format!("{name}.{field}");
                    match op.get(field) {
                        None => self.push(
                            at,
                            Kind::FieldAdded {
                                required: nr.contains(field),
                            },
                            dir,
                            type_sig(schema),
                        ),
                        Some(before) => {
                            match (or.contains(field), nr.contains(field)) {
                                (false, true) => {
                                    self.push(at.clone(), Kind::BecameRequired, dir, String::new())
                                }
                                (true, false) => {
                                    self.push(at.clone(), Kind::BecameOptional, dir, String::new())
                                }
                                _ => {}
                            }
                            self.value(&at, before, schema, dir, nr.contains(field));
                        }
                    }
                }
                for field in op.keys().filter(|f| !np.contains_key(*f)) {
                    self.push(
                        format!("{name}.{field}"),
                        Kind::FieldRemoved {
                            required: or.contains(field),
                        },
                        dir,
                        String::new(),
                    );
                }
                if docs(old) != docs(new) {
                    self.push(name, Kind::DocsChanged, dir, String::new());
                }
            }
            _ => self.value(name, old, new, dir, true),
        }
    }

    /// Compares one schema value (a property, or a component that is not an object).
    fn value(&mut self, at: &str, old: &Value, new: &Value, dir: Direction, required: bool) {
        let (ot, nt) = (type_sig(old), type_sig(new));
        if ot != nt {
            self.push(at, Kind::TypeChanged, dir, format!("{ot} -> {nt}"));
            return;
        }
        let nullable = |v: &Value| v.get("nullable") == Some(&Value::Bool(true));
        match (nullable(old), nullable(new)) {
            (false, true) => self.push(at, Kind::NullableAdded { required }, dir, String::new()),
            (true, false) => self.push(at, Kind::NullableRemoved, dir, String::new()),
            _ => {}
        }
        let values =
            |v: &Value| -> Option<Vec<Value>> { v.get("enum").and_then(Value::as_array).cloned() };
        if let (Some(ov), Some(nv)) = (values(old), values(new)) {
            let added: Vec<String> = nv
                .iter()
                .filter(|v| !ov.contains(v))
                .map(|v| v.to_string())
                .collect();
            let removed: Vec<String> = ov
                .iter()
                .filter(|v| !nv.contains(v))
                .map(|v| v.to_string())
                .collect();
            if !added.is_empty() {
                self.push(at, Kind::EnumValueAdded, dir, added.join(", "));
            }
            if !removed.is_empty() {
                self.push(at, Kind::EnumValueRemoved, dir, removed.join(", "));
            }
        } else if values(old).is_some() != values(new).is_some() {
            self.push(at, Kind::TypeChanged, dir, "enum <-> open value".into());
        }
        if old.get("properties").is_some() && new.get("properties").is_some() {
            // An inline object: compare its fields like a component's.
            self.schema(at, old, new, dir);
            return;
        }
        let (old_newtype, new_newtype) = (has_newtype_rules(old), has_newtype_rules(new));
        for (rule, strict) in RULES {
            let (o, n) = (old.get(rule), new.get(rule));
            if o == n {
                continue;
            }
            let show =
                |v: Option<&Value>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
            let detail = format!("{rule} {} -> {}", show(o), show(n));
            let tighter = match (o.and_then(Value::as_f64), n.and_then(Value::as_f64), strict) {
                (Some(a), Some(b), Strict::Lower) => b < a,
                (Some(a), Some(b), Strict::Higher) => b > a,
                (None, Some(_), _) => true,
                (Some(_), None, _) => false,
                // A changed pattern or format may refuse what was accepted.
                _ => n.is_some(),
            };
            let kind = if tighter {
                Kind::RuleTightened {
                    new_newtype: !old_newtype && new_newtype,
                }
            } else {
                Kind::RuleLoosened {
                    newtype_removed: old_newtype && !new_newtype,
                }
            };
            self.push(at, kind, dir, detail);
        }
        if docs(old) != docs(new) {
            self.push(at, Kind::DocsChanged, dir, String::new());
        }
    }
}

/// `schema` itself, or, when it is `allOf` one `$ref`, the referenced component with the
/// wrapper's own description.
fn object_view(doc: &Value, schema: &Value) -> Value {
    let single = schema
        .get("allOf")
        .and_then(Value::as_array)
        .filter(|items| items.len() == 1)
        .and_then(|items| items[0].get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| doc.pointer(pointer));
    match single {
        Some(target) => {
            let mut view = target.clone();
            if let (Some(map), Some(description)) =
                (view.as_object_mut(), schema.get("description"))
            {
                map.insert("description".into(), description.clone());
            }
            view
        }
        None => schema.clone(),
    }
}
