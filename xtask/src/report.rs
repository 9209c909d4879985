//! The change report: what a spec change means for users of the HTTP API and of the crates.
//!
//! The previous state is the spec embedded in the checked-in generated file (`api::OPENAPI_JSON`),
//! so the report needs no git history and always compares against what users have now.
//!
//! Every change is classified by [`classify`], one table for three audiences:
//! - the HTTP API: does a client built for the old spec still work against the new API?
//! - `paymentoptions-hpp-client`: generated structs have public fields and generated enums are
//!   exhaustive, so any field or variant change is a breaking (major) change of the crate;
//! - `paymentoptions-hpp`: its own API only grows (setters, accessors); the models it re-exports
//!   are documented as read-only (never built with struct literals), so additions are minor.
//!
//! cargo-semver-checks (`cargo xtask semver`) is the authority on the Rust API itself; this
//! report predicts and explains, and covers what that tool cannot see (re-exported models,
//! wire compatibility).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write};

use serde_json::Value;

/// Which way a schema travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Sent by clients (request bodies).
    Request,
    /// Read by clients (responses, and the notification merchants receive).
    Response,
    /// Both ways.
    Both,
    /// Not used by any operation.
    Unused,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "request+response",
            Direction::Unused => "unused",
        }
    }
}

/// Can a client built for the old spec keep working against the new API?
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Api {
    /// Yes.
    Compatible,
    /// No (or not always).
    Breaking,
}

/// The semver bump a change calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// No release needed.
    None,
    /// Patch.
    Patch,
    /// Minor.
    Minor,
    /// Major (for 0.x crates: the minor number).
    Major,
}

impl Bump {
    fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// What changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `info.version` changed.
    VersionChanged,
    /// An operation appeared.
    OperationAdded,
    /// An operation disappeared.
    OperationRemoved,
    /// An operation's `operationId` (the generated method's name) changed.
    OperationRenamed,
    /// A component schema appeared.
    SchemaAdded,
    /// A component schema disappeared.
    SchemaRemoved,
    /// A property appeared.
    FieldAdded {
        /// Whether it is required.
        required: bool,
    },
    /// A property disappeared.
    FieldRemoved {
        /// Whether it was required.
        required: bool,
    },
    /// A property's (or schema's) type or type-defining format changed.
    TypeChanged,
    /// An optional property became required.
    BecameRequired,
    /// A required property became optional.
    BecameOptional,
    /// `nullable` was switched on.
    NullableAdded {
        /// Whether the property is required.
        required: bool,
    },
    /// `nullable` was switched off.
    NullableRemoved,
    /// An enum gained values.
    EnumValueAdded,
    /// An enum lost values.
    EnumValueRemoved,
    /// A rule now accepts fewer values (lower `maxLength`, new `pattern`, ...).
    RuleTightened {
        /// A string that had no length/pattern rule got one: typify turns it into a newtype.
        new_newtype: bool,
    },
    /// A rule now accepts more values.
    RuleLoosened {
        /// The last length/pattern rule of a string went: its newtype becomes a `String`.
        newtype_removed: bool,
    },
    /// Only descriptions or examples changed.
    DocsChanged,
}

/// One classified change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where: `HppLinkRequest.locale`, `POST /path`, `info.version`.
    pub location: String,
    /// What.
    pub kind: Kind,
    /// Which way the schema travels (for schema changes).
    pub direction: Direction,
    /// Human detail, e.g. `maxLength 45 -> 40`.
    pub detail: String,
    /// Wire compatibility.
    pub api: Api,
    /// Bump of `paymentoptions-hpp-client`.
    pub client: Bump,
    /// Bump of `paymentoptions-hpp`.
    pub wrapper: Bump,
    /// What a maintainer should do besides bumping, if anything.
    pub follow_up: Option<String>,
}

/// The classification table. One row per (kind, direction); see the module docs for why.
pub fn classify(kind: &Kind, direction: Direction) -> (Api, Bump, Bump) {
    use Api::{Breaking as B, Compatible as C};
    use Bump::{Major, Minor, Patch};
    use Direction::{Both, Request, Response, Unused};
    // For both directions, the worse of the two wire verdicts holds.
    let api = |request: Api, response: Api| match direction {
        Request => request,
        Response => response,
        Both => request.max(response),
        Unused => C,
    };
    match kind {
        Kind::VersionChanged => (C, Patch, Patch),
        Kind::DocsChanged => (C, Patch, Patch),
        Kind::OperationAdded => (C, Minor, Minor),
        Kind::OperationRemoved => (B, Major, Major),
        Kind::OperationRenamed => (C, Major, Patch),
        Kind::SchemaAdded => (C, Minor, Minor),
        Kind::SchemaRemoved => (api(B, B), Major, Major),
        // Old clients do not send a new field: fine unless the API now requires it. Old clients
        // ignore a new response field (the generated models do not deny unknown fields).
        Kind::FieldAdded { required } => (api(if *required { B } else { C }, C), Major, Minor),
        // A removed request field may now be refused; a removed response field breaks old
        // clients only if they required it.
        Kind::FieldRemoved { required } => (api(B, if *required { B } else { C }), Major, Major),
        Kind::TypeChanged => (api(B, B), Major, Major),
        Kind::BecameRequired => (api(B, C), Major, Major),
        Kind::BecameOptional => (api(C, B), Major, Major),
        // An optional field decodes `null` as absent; a required one does not.
        Kind::NullableAdded { required } => (api(C, if *required { B } else { C }), Major, Major),
        Kind::NullableRemoved => (api(B, C), Major, Major),
        // Generated enums are closed: old clients cannot decode a new value they receive.
        Kind::EnumValueAdded => (api(C, B), Major, Minor),
        Kind::EnumValueRemoved => (api(B, C), Major, Major),
        Kind::RuleTightened { new_newtype } => {
            (api(B, C), if *new_newtype { Major } else { Minor }, Minor)
        }
        Kind::RuleLoosened { newtype_removed } => (
            api(C, C),
            if *newtype_removed { Major } else { Patch },
            Patch,
        ),
    }
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `info.version` before and after.
    pub versions: (String, String),
    /// Every change, in document order.
    pub changes: Vec<Change>,
}

impl Report {
    /// `true` when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether every old client still works.
    pub fn api(&self) -> Api {
        self.changes
            .iter()
            .map(|c| c.api)
            .max()
            .unwrap_or(Api::Compatible)
    }

    /// The bump `paymentoptions-hpp-client` needs.
    pub fn client(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| c.client)
            .max()
            .unwrap_or(Bump::None)
    }

    /// The bump `paymentoptions-hpp` needs.
    pub fn wrapper(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| c.wrapper)
            .max()
            .unwrap_or(Bump::None)
    }

    /// The changes at `location`.
    pub fn at(&self, location: &str) -> Vec<&Change> {
        self.changes
            .iter()
            .filter(|c| c.location == location)
            .collect()
    }

    /// Plain text, for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str("change report: no API change against the checked-in spec\n");
            return out;
        }
        let _ = writeln!(
            out,
            "change report against the checked-in spec (info.version {} -> {}):",
            self.versions.0, self.versions.1
        );
        let _ = writeln!(
            out,
            "  HTTP API:                  {}",
            api_summary(self.api())
        );
        let _ = writeln!(
            out,
            "  paymentoptions-hpp-client: {} bump",
            self.client().label()
        );
        let _ = writeln!(
            out,
            "  paymentoptions-hpp:        {} bump",
            self.wrapper().label()
        );
        let _ = writeln!(
            out,
            "\n  {:<10} {:<7} {:<7} change",
            "API", "client", "wrapper"
        );
        for c in &self.changes {
            let _ = writeln!(
                out,
                "  {:<10} {:<7} {:<7} {}: {}",
                api_label(c.api),
                c.client.label(),
                c.wrapper.label(),
                c.location,
                c.describe()
            );
            if let Some(f) = &c.follow_up {
                let _ = writeln!(out, "  {:<26} -> {f}", "");
            }
        }
        out
    }

    /// Markdown, to paste into a pull request description.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("### API change report\n\n");
        if self.is_empty() {
            out.push_str("No API change against the checked-in spec.\n");
            return out;
        }
        let _ = writeln!(
            out,
            "`info.version` {} → {}\n\n| audience | verdict |\n| --- | --- |\n\
             | HTTP API (existing clients) | {} |\n| `paymentoptions-hpp-client` | **{}** bump |\n\
             | `paymentoptions-hpp` | **{}** bump |\n",
            self.versions.0,
            self.versions.1,
            api_summary(self.api()),
            self.client().label(),
            self.wrapper().label()
        );
        out.push_str("| where | change | direction | HTTP API | client | wrapper | follow-up |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
        for c in &self.changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                c.location,
                c.describe().replace('|', "\\|"),
                if c.is_schema_change() {
                    c.direction.label()
                } else {
                    ""
                },
                api_label(c.api),
                c.client.label(),
                c.wrapper.label(),
                c.follow_up.as_deref().unwrap_or("").replace('|', "\\|")
            );
        }
        out.push_str(
            "\nThe crates' own API is checked by `cargo xtask semver` (cargo-semver-checks); \
             the model snapshot diffs show each changed type.\n",
        );
        out
    }
}

fn api_label(api: Api) -> &'static str {
    match api {
        Api::Compatible => "compatible",
        Api::Breaking => "BREAKING",
    }
}

fn api_summary(api: Api) -> &'static str {
    match api {
        Api::Compatible => "compatible: clients built for the old spec keep working",
        Api::Breaking => "BREAKING: clients built for the old spec may fail",
    }
}

impl Change {
    fn is_schema_change(&self) -> bool {
        !matches!(
            self.kind,
            Kind::VersionChanged
                | Kind::OperationAdded
                | Kind::OperationRemoved
                | Kind::OperationRenamed
        )
    }

    fn describe(&self) -> String {
        let what = match &self.kind {
            Kind::VersionChanged => "info.version changed",
            Kind::DocsChanged => "description or example changed",
            Kind::OperationAdded => "operation added",
            Kind::OperationRemoved => "operation removed",
            Kind::OperationRenamed => "operationId changed (generated method renamed)",
            Kind::SchemaAdded => "schema added",
            Kind::SchemaRemoved => "schema removed",
            Kind::FieldAdded { required: true } => "required field added",
            Kind::FieldAdded { required: false } => "optional field added",
            Kind::FieldRemoved { required: true } => "required field removed",
            Kind::FieldRemoved { required: false } => "optional field removed",
            Kind::TypeChanged => "type changed",
            Kind::BecameRequired => "optional -> required",
            Kind::BecameOptional => "required -> optional",
            Kind::NullableAdded { .. } => "became nullable",
            Kind::NullableRemoved => "no longer nullable",
            Kind::EnumValueAdded => "enum value added",
            Kind::EnumValueRemoved => "enum value removed",
            Kind::RuleTightened { .. } => "rule tightened",
            Kind::RuleLoosened { .. } => "rule loosened",
        };
        let mut s = what.to_string();
        if !self.detail.is_empty() {
            s = format!("{s}, {}", self.detail);
        }
        if self.is_schema_change() {
            s = format!("{s} ({})", self.direction.label());
        }
        s
    }
}

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

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn operations(spec: &Value) -> BTreeMap<String, String> {
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

fn merge(a: Direction, b: Direction) -> Direction {
    match (a, b) {
        (x, y) if x == y => x,
        (Direction::Unused, y) => y,
        (x, Direction::Unused) => x,
        _ => Direction::Both,
    }
}

/// Which way each component schema travels, following `$ref`s from the operations.
fn directions(spec: &Value) -> BTreeMap<String, Direction> {
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

/// Keywords whose change changes the generated Rust type.
const TYPE_FORMATS: [&str; 9] = [
    "int32",
    "int64",
    "float",
    "double",
    "uuid",
    "date-time",
    "date",
    "byte",
    "binary",
];

/// The parts of a schema that make its Rust type: type, type-defining format, `$ref`, and the
/// composition of `oneOf`/`anyOf`/`allOf`/`items`.
fn type_sig(schema: &Value) -> String {
    let Some(map) = schema.as_object() else {
        return "any".into();
    };
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        return r.trim_start_matches("#/components/schemas/").to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(items) = map.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = items.iter().map(type_sig).collect();
            return format!("{key}[{}]", parts.join(", "));
        }
    }
    let mut sig = map
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("any")
        .to_string();
    if let Some(f) = map.get("format").and_then(Value::as_str)
        && TYPE_FORMATS.contains(&f)
    {
        sig = format!("{sig}({f})");
    }
    if let Some(items) = map.get("items") {
        sig = format!("{sig}<{}>", type_sig(items));
    }
    sig
}

/// Rules that constrain values without changing the type, with which way is stricter.
const RULES: [(&str, Strict); 9] = [
    ("maxLength", Strict::Lower),
    ("minLength", Strict::Higher),
    ("maximum", Strict::Lower),
    ("minimum", Strict::Higher),
    ("maxItems", Strict::Lower),
    ("minItems", Strict::Higher),
    ("pattern", Strict::Any),
    ("format", Strict::Any),
    ("multipleOf", Strict::Any),
];

#[derive(Clone, Copy)]
enum Strict {
    Lower,
    Higher,
    Any,
}

/// Rules typify turns into a checked newtype when they sit on a string.
fn has_newtype_rules(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && ["maxLength", "minLength", "pattern"]
            .iter()
            .any(|k| schema.get(*k).is_some())
}

fn docs(schema: &Value) -> Value {
    serde_json::json!([schema.get("description"), schema.get("example")])
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

/// The hand-written work a change calls for, beyond the version bump.
fn follow_up(kind: &Kind, direction: Direction, location: &str) -> Option<String> {
    let request = matches!(direction, Direction::Request | Direction::Both);
    match kind {
        Kind::FieldAdded { .. } if request => Some(format!(
            "add a setter for `{location}` to the wrapper's request builder, and a po-hpp flag"
        )),
        Kind::FieldRemoved { .. } | Kind::TypeChanged if request => Some(format!(
            "update or remove the wrapper setter and po-hpp flag for `{location}`"
        )),
        Kind::OperationAdded => Some("add a wrapper method (and a po-hpp command) for it".into()),
        Kind::EnumValueAdded if matches!(direction, Direction::Response | Direction::Both) => Some(
            "clients on the old version will fail to decode responses carrying the new value: release first".into(),
        ),
        Kind::SchemaAdded => Some("add it to `for_each_component!` in tests/src/lib.rs".into()),
        _ => None,
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}
