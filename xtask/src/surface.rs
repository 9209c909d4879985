//! The spec-driven surface: everything the wrapper and the CLI expose that only mirrors the spec.
//!
//! From the spec alone this emits
//! - into the client's `api` module: each request field's rules (lengths, pattern, format,
//!   bounds, allowed values) as data, each operation's path parameters with their rules, and the
//!   auth headers of `securitySchemes`;
//! - into the wrapper (`crates/paymentoptions-hpp/src/generated.rs`): a fields struct per request
//!   schema, a setter per plain field (its rustdoc from the spec's description and rules), a
//!   checked request type and builder per request body that no hand-written builder owns, and a
//!   `Client` method per operation that is not hand-written;
//! - into the CLI (`crates/paymentoptions-hpp-cli/src/generated.rs`): a clap flag per plain
//!   field (help from the spec) and a subcommand per generated operation.
//!
//! What the spec cannot say stays hand-written and is named in [`SETTINGS`]: which builders are
//! the wrapper's own types (they add money and amount semantics), which fields those builders
//! set by hand, and which operations have a hand-written method.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// What stays hand-written. Changing any of these changes the generated code: regenerate.
pub struct Settings {
    /// Request schemas whose builder is a hand-written wrapper type (which holds a `fields`
    /// member of the generated `<Schema>Fields` type): `(schema, type in the wrapper crate)`.
    pub builders: &'static [(&'static str, &'static str)],
    /// `Schema.property` fields that a hand-written builder sets itself (amount and currency go
    /// through `Money`). They get no setter and no flag, but their rules are still emitted.
    pub hand_owned_fields: &'static [&'static str],
    /// Operations with a hand-written `Client` method and CLI command.
    pub hand_owned_operations: &'static [&'static str],
    /// Response schemas that generated methods return as a hand-written type instead of the
    /// model: `(schema, type in the wrapper crate)`. The type has
    /// `fn from_response(status: u16, body: Vec<u8>) -> Result<Self, crate::Error>`, so it can
    /// keep the raw body.
    pub response_types: &'static [(&'static str, &'static str)],
}

/// This workspace's settings.
pub const SETTINGS: Settings = Settings {
    builders: &[
        ("HppLinkRequest", "LinkRequestBuilder"),
        ("AddressRequest", "AddressBuilder"),
    ],
    hand_owned_fields: &["HppLinkRequest.amount", "HppLinkRequest.currency"],
    hand_owned_operations: &["generate_hpp_link"],
    response_types: &[("TransactionEnvelope", "Transaction")],
};

/// The three pieces this module emits.
pub struct Surface {
    /// Items for the client's `api` module.
    pub api: TokenStream,
    /// The wrapper's generated module.
    pub wrapper: TokenStream,
    /// The CLI's generated module.
    pub cli: TokenStream,
}

/// Builds the surface from the spec (as JSON).
pub fn render(doc: &Value, settings: &Settings) -> Result<Surface, String> {
    let ops = operations(doc)?;
    let mut schemas: Vec<String> = Vec::new();
    for op in &ops {
        if let Some(body) = &op.body {
            collect_schemas(doc, body, &mut schemas)?;
        }
    }
    let mut structs = Vec::new();
    for name in &schemas {
        structs.push(fields_struct(doc, name, settings)?);
    }

    let api = api_items(doc, &ops, &structs)?;
    let wrapper = wrapper_items(&ops, &structs, settings);
    let cli = cli_items(&ops, &structs, settings);
    Ok(Surface { api, wrapper, cli })
}

// ---------------------------------------------------------------------------------------------
// The spec, read

struct Op {
    id: String,
    summary: String,
    description: String,
    params: Vec<Param>,
    /// The request body's component schema.
    body: Option<String>,
    /// The 2xx response's component schema.
    response: Option<String>,
}

struct Param {
    name: String,
    description: String,
    schema: Value,
}

fn operations(doc: &Value) -> Result<Vec<Op>, String> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            let mut params = Vec::new();
            let all = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for p in all {
                let (_, p) = resolve(doc, p)?;
                let name = p["name"].as_str().unwrap_or_default().to_string();
                if p["in"] != "path" {
                    return Err(format!(
                        "operation `{id}`: parameter `{name}` is `in: {}`; the surface generator \
                         (xtask/src/surface.rs) only handles path parameters so far",
                        p["in"].as_str().unwrap_or("?")
                    ));
                }
                let (_, schema) = resolve(doc, &p["schema"])?;
                params.push(Param {
                    name,
                    description: text(p.get("description")),
                    schema: schema.clone(),
                });
            }
            // Path parameters in the order the path names them: generated calls pass them so.
            params.sort_by_key(|p| path.find(&format!("{{{}}}", p.name)));
            let body = match op.get("requestBody") {
                Some(b) => {
                    let (_, b) = resolve(doc, b)?;
                    let schema = &b["content"]["application/json"]["schema"];
                    Some(ref_name(schema).ok_or_else(|| {
                        format!(
                            "operation `{id}`: the request body's schema must be a `$ref` to a \
                             component schema (the wrapper names its request type after it)"
                        )
                    })?)
                }
                None => None,
            };
            let response = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .find_map(|(_, r)| {
                    let (_, r) = resolve(doc, r).ok()?;
                    ref_name(&r["content"]["application/json"]["schema"])
                });
            out.push(Op {
                id,
                summary: text(op.get("summary")),
                description: text(op.get("description")),
                params,
                body,
                response,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn ref_name(schema: &Value) -> Option<String> {
    schema["$ref"]
        .as_str()?
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

/// Follows a local `$ref` (one level is all this spec uses; chains are followed too).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> Result<(Option<String>, &'a Value), String> {
    let mut v = v;
    let mut name = None;
    for _ in 0..8 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return Ok((name, v));
        };
        let pointer = r
            .strip_prefix('#')
            .ok_or_else(|| format!("`$ref: {r}` is not a local reference"))?;
        v = doc
            .pointer(pointer)
            .ok_or_else(|| format!("`$ref: {r}` points nowhere"))?;
        name = r.rsplit('/').next().map(str::to_string);
    }
    Err("a `$ref` chain is longer than 8".into())
}

fn schema<'a>(doc: &'a Value, name: &str) -> Result<&'a Value, String> {
    doc.pointer(&format!("/components/schemas/{name}"))
        .ok_or_else(|| format!("component schema `{name}` does not exist"))
}

/// Request schemas reachable from `name`, `name` first, each once.
fn collect_schemas(doc: &Value, name: &str, out: &mut Vec<String>) -> Result<(), String> {
    if out.iter().any(|n| n == name) {
        return Ok(());
    }
    out.push(name.to_string());
    let s = schema(doc, name)?;
    for (_, prop) in properties(s) {
        if let Some(child) = ref_name(prop) {
            collect_schemas(doc, &child, out)?;
        }
    }
    Ok(())
}

fn properties(s: &Value) -> impl Iterator<Item = (&String, &Value)> {
    s.get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

// ---------------------------------------------------------------------------------------------
// Fields of a request schema

/// The generated `<Schema>Fields` struct: what a builder collects before it is checked.
struct FieldsStruct {
    schema: String,
    /// Members in the spec's property order.
    members: Vec<Member>,
    /// Every rule of the schema, nested schemas included, by dotted JSON path.
    rules: Vec<RuleData>,
    has_float: bool,
}

struct Member {
    json: String,
    ident: String,
    doc: String,
    /// Whether a hand-written builder sets it (no setter, no flag, not in the struct).
    hand_owned: bool,
    kind: MemberKind,
    /// `x-money`: the setter takes `Money`; `Some(sibling)` when it also sets a currency field.
    money: Option<Option<String>>,
    /// The currency field an `x-money` amount sets: it gets no setter of its own.
    set_by_money: bool,
}

enum MemberKind {
    /// A string, integer, number or boolean.
    Plain(Scalar),
    /// A nested object with its own builder type (`billing_address(AddressBuilder)`).
    Builder { schema: String, rust_type: String },
    /// A nested object without a builder type: its fields are set on the parent builder.
    Flattened { schema: String },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Text,
    Integer,
    Number,
    Boolean,
}

impl Scalar {
    fn rust(self) -> TokenStream {
        match self {
            Scalar::Text => quote!(::std::string::String),
            Scalar::Integer => quote!(i64),
            Scalar::Number => quote!(f64),
            Scalar::Boolean => quote!(bool),
        }
    }
}

/// One field's rules, as the spec's keywords give them.
#[derive(Default, Clone)]
struct RuleData {
    path: String,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<String>,
    format: Option<String>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    one_of: Vec<String>,
    required: bool,
}

impl RuleData {
    fn from_schema(path: String, s: &Value) -> Self {
        RuleData {
            path,
            min_length: s["minLength"].as_u64(),
            max_length: s["maxLength"].as_u64(),
            pattern: s["pattern"].as_str().map(str::to_string),
            format: s["format"].as_str().map(str::to_string),
            minimum: s["minimum"].as_i64(),
            maximum: s["maximum"].as_i64(),
            one_of: s["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            required: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.format.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.one_of.is_empty()
            && !self.required
    }

    /// The rules in words, for rustdoc and `--help` (empty when there are none).
    fn sentence(&self) -> String {
        let mut parts = Vec::new();
        if self.required {
            parts.push("required".to_string());
        }
        match (self.min_length, self.max_length) {
            (Some(a), Some(b)) if a == b => parts.push(format!("exactly {a} characters")),
            (Some(a), Some(b)) => parts.push(format!("{a} to {b} characters")),
            (Some(a), None) => parts.push(format!("at least {a} characters")),
            (None, Some(b)) => parts.push(format!("at most {b} characters")),
            (None, None) => {}
        }
        if let Some(f) = &self.format {
            parts.push(format_words(f));
        }
        if let Some(p) = &self.pattern {
            parts.push(format!("matches `{p}`"));
        }
        match (self.minimum, self.maximum) {
            (Some(a), Some(b)) => parts.push(format!("from {a} to {b}")),
            (Some(a), None) => parts.push(format!("at least {a}")),
            (None, Some(b)) => parts.push(format!("at most {b}")),
            (None, None) => {}
        }
        if !self.one_of.is_empty() {
            let values: Vec<String> = self.one_of.iter().map(|v| format!("`{v}`")).collect();
            parts.push(format!("one of {}", values.join(", ")));
        }
        parts.join("; ")
    }
}

fn format_words(format: &str) -> String {
    match format {
        "email" => "an e-mail address".into(),
        "uri" => "an absolute http(s) URL".into(),
        "iso4217" => "an ISO 4217 currency code".into(),
        "iso3166-alpha2" => "an ISO 3166-1 alpha-2 country code".into(),
        other => format!("format `{other}`"),
    }
}

fn fields_struct(doc: &Value, name: &str, settings: &Settings) -> Result<FieldsStruct, String> {
    let s = schema(doc, name)?;
    let mut members = Vec::new();
    let mut rules = Vec::new();
    let mut has_float = false;
    let required: Vec<&str> = s["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let money_currencies: Vec<String> = properties(s)
        .filter_map(|(_, p)| p["x-money"]["currency"].as_str().map(str::to_string))
        .collect();
    for (json, prop) in properties(s) {
        let (child, resolved) = resolve(doc, prop)?;
        let hand_owned = settings
            .hand_owned_fields
            .contains(&format!("{name}.{json}").as_str());
        // A property's own description wins over its schema's.
        let doc_text = match prop.get("description") {
            Some(d) => text(Some(d)),
            None => text(resolved.get("description")),
        };
        let kind = match (&child, resolved["type"].as_str()) {
            (Some(child), _) if resolved.get("properties").is_some() => {
                let nested = fields_struct(doc, child, settings)?;
                has_float |= nested.has_float;
                for r in nested.rules {
                    rules.push(RuleData {
                        path: format!("{json}.{}", r.path),
                        ..r
                    });
                }
                match settings.builders.iter().find(|(s, _)| s == child) {
                    Some((_, rust_type)) => MemberKind::Builder {
                        schema: child.clone(),
                        rust_type: rust_type.to_string(),
                    },
                    None => MemberKind::Flattened {
                        schema: child.clone(),
                    },
                }
            }
            (_, Some(t @ ("string" | "integer" | "number" | "boolean"))) => {
                let rule = RuleData::from_schema(json.clone(), resolved);
                if !rule.is_empty() {
                    rules.push(rule);
                }
                let scalar = match t {
                    "string" => Scalar::Text,
                    "integer" => Scalar::Integer,
                    "number" => Scalar::Number,
                    _ => Scalar::Boolean,
                };
                has_float |= scalar == Scalar::Number && !hand_owned;
                MemberKind::Plain(scalar)
            }
            (_, other) if hand_owned => {
                let _ = other;
                MemberKind::Plain(Scalar::Text)
            }
            (_, other) => {
                return Err(format!(
                    "request field `{name}.{json}` has type {}; the surface generator \
                     (xtask/src/surface.rs) makes setters for strings, numbers, booleans and \
                     objects only: add it to `hand_owned_fields` there and set it by hand, or \
                     teach the generator the type",
                    other.map_or("(none)".to_string(), |t| format!("`{t}`"))
                ));
            }
        };
        if required.contains(&json.as_str()) {
            match rules.iter_mut().find(|r| r.path == *json) {
                Some(rule) => rule.required = true,
                None => rules.push(RuleData {
                    path: json.clone(),
                    required: true,
                    ..RuleData::default()
                }),
            }
        }
        let money = match prop.get("x-money") {
            None | Some(Value::Bool(false)) => None,
            Some(m) => Some(m["currency"].as_str().map(str::to_string)),
        };
        members.push(Member {
            json: json.clone(),
            ident: rust_ident(json),
            doc: doc_text,
            hand_owned,
            kind,
            money,
            set_by_money: money_currencies.contains(json),
        });
    }
    Ok(FieldsStruct {
        schema: name.to_string(),
        members,
        rules,
        has_float,
    })
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// `transactionId` -> `transaction_id`; a keyword gets a trailing `_`.
fn rust_ident(json: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for ch in json.chars() {
        if ch.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
            prev_lower = false;
        } else if ch.is_ascii_alphanumeric() {
            out.push(ch);
            prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        } else {
            out.push('_');
            prev_lower = false;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

fn kebab(ident: &str) -> String {
    ident.trim_matches('_').replace('_', "-")
}

fn type_ident(schema: &str) -> proc_macro2::Ident {
    format_ident!("{}", schema)
}

fn fields_ident(schema: &str) -> proc_macro2::Ident {
    format_ident!("{}Fields", schema)
}

fn ident(name: &str) -> proc_macro2::Ident {
    format_ident!("{}", name)
}

fn find<'a>(structs: &'a [FieldsStruct], schema: &str) -> &'a FieldsStruct {
    structs
        .iter()
        .find(|s| s.schema == schema)
        .expect("every nested schema was collected")
}

/// Doc text with the rules appended: what a setter's rustdoc and a flag's help say.
fn doc_with_rules(doc: &str, path: &str, rule: Option<&RuleData>) -> String {
    let mut out = if doc.is_empty() {
        format!("Sets `{path}`.")
    } else {
        doc.to_string()
    };
    out.push_str(&format!("\n\nSent as `{path}`."));
    if let Some(words) = rule.map(RuleData::sentence).filter(|w| !w.is_empty()) {
        out.push_str(&format!(" Rules (from the spec): {words}."));
    }
    out
}

/// The first sentence of a description: `--help` lists flags one line each.
fn first_sentence(doc: &str) -> String {
    let one_line = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.find(". ") {
        Some(i) => one_line[..=i].to_string(),
        None => one_line,
    }
}

// ---------------------------------------------------------------------------------------------
// Setters: one per plain field of a builder, flattening nested objects that have no builder

/// A setter on a builder: the method name, where it writes, and what it takes.
struct Setter {
    name: String,
    /// The JSON path it sets, relative to the builder's schema.
    path: String,
    /// Member path below `self.fields` (`return_url.webhook_url`).
    target: Vec<String>,
    /// The spec's description of the field.
    description: String,
    /// The rustdoc: the description and the rules.
    doc: String,
    kind: SetterKind,
}

enum SetterKind {
    Plain(Scalar),
    Builder {
        rust_type: String,
    },
    /// Takes `Money`: stores its minor units (and its currency in the field `currency`).
    Money {
        scalar: Scalar,
        currency: Option<String>,
    },
    /// Hidden: the raw value of a field a `Money` setter owns, for the CLI's flags.
    Raw(Scalar),
}

fn setters(structs: &[FieldsStruct], schema: &str) -> Vec<Setter> {
    let s = find(structs, schema);
    let mut out = Vec::new();
    for m in s.members.iter().filter(|m| !m.hand_owned) {
        let raw = |scalar: Scalar| Setter {
            name: format!("raw_{}", m.ident.trim_end_matches('_')),
            path: m.json.clone(),
            target: vec![m.ident.clone()],
            description: m.doc.clone(),
            doc: format!(
                "The raw `{}`, for tools that take it as text (`po-hpp`); use the `Money` setter.",
                m.json
            ),
            kind: SetterKind::Raw(scalar),
        };
        match &m.kind {
            MemberKind::Plain(scalar) if m.set_by_money => out.push(raw(*scalar)),
            MemberKind::Plain(scalar) if m.money.is_some() => {
                let currency = m.money.clone().flatten();
                let mut description = m.doc.clone();
                if let Some(c) = &currency {
                    description.push_str(&format!("\n\nAlso sets `{c}` to the money's currency."));
                }
                out.push(Setter {
                    name: m.ident.clone(),
                    path: m.json.clone(),
                    target: vec![m.ident.clone()],
                    doc: doc_with_rules(&description, &m.json, rule_at(s, &m.json)),
                    description,
                    kind: SetterKind::Money {
                        scalar: *scalar,
                        currency: currency.map(|c| rust_ident(&c)),
                    },
                });
                out.push(raw(*scalar));
            }
            MemberKind::Plain(scalar) => out.push(Setter {
                name: m.ident.clone(),
                path: m.json.clone(),
                target: vec![m.ident.clone()],
                description: m.doc.clone(),
                doc: doc_with_rules(&m.doc, &m.json, rule_at(s, &m.json)),
                kind: SetterKind::Plain(*scalar),
            }),
            MemberKind::Builder { rust_type, .. } => out.push(Setter {
                name: m.ident.clone(),
                path: m.json.clone(),
                target: vec![m.ident.clone()],
                description: m.doc.clone(),
                doc: doc_with_rules(&m.doc, &m.json, None),
                kind: SetterKind::Builder {
                    rust_type: rust_type.clone(),
                },
            }),
            MemberKind::Flattened { schema: child } => {
                for inner in setters(structs, child) {
                    let path = format!("{}.{}", m.json, inner.path);
                    let rule = rule_at(s, &path);
                    let description = find(structs, child)
                        .members
                        .iter()
                        .find(|c| inner.target.first() == Some(&c.ident))
                        .map(|c| c.doc.clone())
                        .unwrap_or_default();
                    let mut target = vec![m.ident.clone()];
                    target.extend(inner.target);
                    out.push(Setter {
                        name: inner.name,
                        doc: doc_with_rules(&description, &path, rule),
                        description,
                        path,
                        target,
                        kind: inner.kind,
                    });
                }
            }
        }
    }
    // A flattened field keeps its own name unless that is a keyword or taken (by a field of the
    // builder, a hand-written one included); then it is prefixed with its parent's
    // (`payment_method.type` -> `payment_method_type`).
    let mut taken: BTreeSet<String> = s.members.iter().map(|m| m.ident.clone()).collect();
    for setter in out.iter_mut().filter(|s| s.target.len() > 1) {
        let own = setter.name.clone();
        if own.ends_with('_') || taken.contains(&own) {
            setter.name = format!("{}_{}", setter.target[0], own.trim_end_matches('_'));
        }
        taken.insert(setter.name.clone());
    }
    out
}

fn rule_at<'a>(s: &'a FieldsStruct, path: &str) -> Option<&'a RuleData> {
    s.rules.iter().find(|r| r.path == path)
}

// ---------------------------------------------------------------------------------------------
// The client's `api` items

fn api_items(doc: &Value, ops: &[Op], structs: &[FieldsStruct]) -> Result<TokenStream, String> {
    let rule_tokens = |r: &RuleData| {
        let path = &r.path;
        let opt_u = |v: Option<u64>| match v {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let opt_i = |v: Option<i64>| match v {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let opt_s = |v: &Option<String>| match v {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let (min_length, max_length) = (opt_u(r.min_length), opt_u(r.max_length));
        let (pattern, format) = (opt_s(&r.pattern), opt_s(&r.format));
        let (minimum, maximum) = (opt_i(r.minimum), opt_i(r.maximum));
        let one_of = &r.one_of;
        let required = r.required;
        quote! {
            FieldRule {
                path: #path,
                min_length: #min_length,
                max_length: #max_length,
                pattern: #pattern,
                format: #format,
                minimum: #minimum,
                maximum: #maximum,
                one_of: &[#(#one_of),*],
                required: #required,
            }
        }
    };
    let tables = structs.iter().map(|s| {
        let name = format_ident!("{}", upper_snake(&s.schema));
        let rules = s.rules.iter().map(rule_tokens);
        let doc = format!(
            "The rules of every field of `{}` (nested objects included), by JSON path.",
            s.schema
        );
        let doc = Doc(&doc);
        quote! {
            #doc
            pub const #name: &[FieldRule] = &[#(#rules),*];
        }
    });
    let params = ops.iter().map(|op| {
        let name = format_ident!("{}", upper_snake(&op.id));
        let rules = op
            .params
            .iter()
            .map(|p| rule_tokens(&RuleData::from_schema(p.name.clone(), &p.schema)));
        let doc = format!(
            "The path parameters of `{}` with their rules, in path order.",
            op.id
        );
        let doc = Doc(&doc);
        quote! {
            #doc
            pub const #name: &[FieldRule] = &[#(#rules),*];
        }
    });
    let mut auth = Vec::new();
    if let Some(schemes) = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    {
        for (scheme, s) in schemes {
            if s["type"] != "apiKey" || s["in"] != "header" {
                return Err(format!(
                    "security scheme `{scheme}` is not an API key in a header; the wrapper only \
                     sends those"
                ));
            }
            let header = s["name"].as_str().unwrap_or_default();
            let prefix = s["x-value-prefix"].as_str().unwrap_or_default();
            auth.push(quote! {
                AuthHeader { scheme: #scheme, header: #header, prefix: #prefix }
            });
        }
    }
    let mut response_codes: Vec<(i64, String)> = doc
        .pointer("/components/schemas/PaymentDetails/properties/response_code/x-response-codes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(code, meaning)| {
            let code = code
                .parse::<i64>()
                .map_err(|_| format!("x-response-codes: `{code}` is not an integer"))?;
            Ok((code, meaning.as_str().unwrap_or_default().to_string()))
        })
        .collect::<Result<_, String>>()?;
    response_codes.sort_by_key(|(code, _)| *code);
    let response_codes = response_codes
        .iter()
        .map(|(code, meaning)| quote!((#code, #meaning)));
    let gateway_codes: Vec<TokenStream> = doc
        .pointer("/components/schemas/GatewayResponse/properties/code/x-gateway-codes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(code, meaning)| {
            let meaning = meaning.as_str().unwrap_or_default();
            quote!((#code, #meaning))
        })
        .collect();
    Ok(quote! {
        /// A request field's (or path parameter's) rules, from the spec's keywords.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct FieldRule {
            /// JSON path of the field below its schema (`billing_address.country`), or the
            /// parameter's name.
            pub path: &'static str,
            /// `minLength`, in characters.
            pub min_length: Option<u64>,
            /// `maxLength`, in characters.
            pub max_length: Option<u64>,
            /// `pattern` (ECMA-262 regular expression).
            pub pattern: Option<&'static str>,
            /// `format` (`email`, `uri`, `iso4217`, `iso3166-alpha2`, ...).
            pub format: Option<&'static str>,
            /// `minimum`.
            pub minimum: Option<i64>,
            /// `maximum`.
            pub maximum: Option<i64>,
            /// `enum`: the allowed values (empty: any).
            pub one_of: &'static [&'static str],
            /// Listed in its object's `required`.
            pub required: bool,
        }

        /// An API-key header from the spec's `securitySchemes`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct AuthHeader {
            /// The scheme's name in the spec.
            pub scheme: &'static str,
            /// The header's name.
            pub header: &'static str,
            /// What precedes the key in the header's value (the spec's `x-value-prefix`).
            pub prefix: &'static str,
        }

        /// Every API-key header a request carries, from `securitySchemes`.
        pub const AUTH_HEADERS: &[AuthHeader] = &[#(#auth),*];

        /// The auth headers that carry `key` in every scheme: `(name, value)` pairs, for tools
        /// and tests that send requests without the wrapper.
        pub fn auth_header_values(key: &str) -> Vec<(&'static str, String)> {
            AUTH_HEADERS
                .iter()
                .map(|h| (h.header, format!("{}{}", h.prefix, key)))
                .collect()
        }

        /// The documented codes and their meanings (the spec's `x-response-codes` on
        /// `PaymentDetails.response_code`, and `x-gateway-codes` on `GatewayResponse.code`).
        pub mod codes {
            /// `payment_details.response_code`: code, meaning. 0 is the only success.
            pub const RESPONSE_CODES: &[(i64, &str)] = &[#(#response_codes),*];
            /// `gateway_response.code`: code, meaning.
            pub const GATEWAY_CODES: &[(&str, &str)] = &[#(#gateway_codes),*];
        }

        /// Rules of each request schema's fields.
        pub mod request_rules {
            use super::FieldRule;
            #(#tables)*
        }

        /// Path parameters of each operation.
        pub mod path_params {
            use super::FieldRule;
            #(#params)*
        }
    })
}

/// Documentation text that quotes as one `#[doc]` attribute per line, so that the generated
/// file reads as `///` comments.
struct Doc<'a>(&'a str);

impl quote::ToTokens for Doc<'_> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for line in self.0.lines() {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            tokens.extend(quote!(#[doc = #line]));
        }
    }
}

fn upper_snake(name: &str) -> String {
    rust_ident(name).trim_end_matches('_').to_uppercase()
}

// ---------------------------------------------------------------------------------------------
// The wrapper's module

fn wrapper_items(ops: &[Op], structs: &[FieldsStruct], settings: &Settings) -> TokenStream {
    let fields = structs.iter().map(fields_struct_tokens);
    let mut impls = Vec::new();
    let mut requests = Vec::new();
    for s in structs {
        let setters = setters(structs, &s.schema);
        let methods = setters.iter().map(setter_tokens);
        match settings.builders.iter().find(|(b, _)| *b == s.schema) {
            Some((_, rust_type)) => {
                let ty = ident(rust_type);
                impls.push(quote! {
                    impl crate::#ty {
                        #(#methods)*
                    }
                });
            }
            None if ops.iter().any(|op| op.body.as_deref() == Some(&s.schema)) => {
                requests.push(request_tokens(s, methods.collect()));
            }
            // A nested schema without a builder: its setters live on the parent.
            None => {}
        }
    }
    let methods = ops
        .iter()
        .filter(|op| !settings.hand_owned_operations.contains(&op.id.as_str()))
        .map(|op| operation_tokens(op, settings));
    quote! {
        use paymentoptions_hpp_client::api;
        use paymentoptions_hpp_client::types as models;

        #(#fields)*
        #(#impls)*

        /// Checked request bodies of the operations without a hand-written request type, each
        /// with a builder whose setters come from the spec.
        pub mod requests {
            use super::*;
            #(#requests)*
        }

        impl crate::Client {
            #(#methods)*
        }
    }
}

fn fields_struct_tokens(s: &FieldsStruct) -> TokenStream {
    let name = fields_ident(&s.schema);
    let members = s.members.iter().filter(|m| !m.hand_owned).map(|m| {
        let id = ident(&m.ident);
        let json = &m.json;
        match &m.kind {
            MemberKind::Plain(scalar) => {
                let ty = scalar.rust();
                quote! {
                    #[serde(rename = #json, skip_serializing_if = "Option::is_none")]
                    pub(crate) #id: Option<#ty>,
                }
            }
            MemberKind::Builder { schema, .. } => {
                let ty = fields_ident(schema);
                quote! {
                    #[serde(rename = #json, skip_serializing_if = "Option::is_none")]
                    pub(crate) #id: Option<#ty>,
                }
            }
            MemberKind::Flattened { schema } => {
                let ty = fields_ident(schema);
                let skip = format!("{ty}::is_empty");
                quote! {
                    #[serde(rename = #json, skip_serializing_if = #skip)]
                    pub(crate) #id: #ty,
                }
            }
        }
    });
    let derives = if s.has_float {
        quote!(#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)])
    } else {
        quote!(#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)])
    };
    let doc = format!(
        "The fields of `{}` that builders set one by one; checked against \
         `api::request_rules` when the request is built.",
        s.schema
    );
    let doc = Doc(&doc);
    quote! {
        #doc
        #derives
        pub(crate) struct #name {
            #(#members)*
        }

        impl #name {
            /// Whether no field is set (the object is then left out of the body).
            pub(crate) fn is_empty(&self) -> bool {
                *self == Self::default()
            }
        }
    }
}

fn setter_tokens(s: &Setter) -> TokenStream {
    let name = ident(&s.name);
    let doc = Doc(&s.doc);
    let target = s.target.iter().map(|t| ident(t));
    match &s.kind {
        SetterKind::Plain(Scalar::Text) => quote! {
            #doc
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.fields.#(#target).* = Some(value.into());
                self
            }
        },
        SetterKind::Plain(scalar) => {
            let ty = scalar.rust();
            quote! {
                #doc
                pub fn #name(mut self, value: #ty) -> Self {
                    self.fields.#(#target).* = Some(value);
                    self
                }
            }
        }
        SetterKind::Builder { rust_type } => {
            let ty = ident(rust_type);
            quote! {
                #doc
                pub fn #name(mut self, value: crate::#ty) -> Self {
                    self.fields.#(#target).* = Some(value.fields);
                    self
                }
            }
        }
        SetterKind::Money { scalar, currency } => {
            let units = match scalar {
                Scalar::Text => quote!(value.minor_units().to_string()),
                _ => quote!(value.minor_units()),
            };
            let currency = currency.as_ref().map(|c| {
                let c = ident(c);
                quote!(self.fields.#c = Some(value.currency().code().to_string());)
            });
            quote! {
                #doc
                pub fn #name(mut self, value: crate::Money) -> Self {
                    self.fields.#(#target).* = Some(#units);
                    #currency
                    self
                }
            }
        }
        SetterKind::Raw(scalar) => {
            let ty = match scalar {
                Scalar::Text => quote!(impl Into<String>),
                other => other.rust(),
            };
            let value = match scalar {
                Scalar::Text => quote!(value.into()),
                _ => quote!(value),
            };
            quote! {
                #doc
                #[doc(hidden)]
                pub fn #name(mut self, value: #ty) -> Self {
                    self.fields.#(#target).* = Some(#value);
                    self
                }
            }
        }
    }
}

fn request_tokens(s: &FieldsStruct, methods: Vec<TokenStream>) -> TokenStream {
    let name = type_ident(&s.schema);
    let builder = format_ident!("{}Builder", s.schema);
    let fields = fields_ident(&s.schema);
    let rules = format_ident!("{}", upper_snake(&s.schema));
    let doc = format!(
        "A checked `{}` request body: every rule of the spec holds. Build one with \
         [`{}::builder`].",
        s.schema, s.schema
    );
    let doc = Doc(&doc);
    let builder_doc = format!(
        "Builds a [`{}`]; nothing is checked until [`build`](Self::build), which reports every \
         broken rule at once.",
        s.schema
    );
    let builder_doc = Doc(&builder_doc);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name {
            model: models::#name,
        }

        impl #name {
            /// Starts a request.
            pub fn builder() -> #builder {
                #builder::default()
            }

            /// The request as the generated model.
            pub fn as_model(&self) -> &models::#name {
                &self.model
            }

            /// The JSON body that is sent.
            pub fn to_json(&self) -> serde_json::Value {
                serde_json::to_value(&self.model).expect("a request model always serializes")
            }
        }

        #builder_doc
        #[derive(Clone, Debug, Default, PartialEq)]
        #[must_use]
        pub struct #builder {
            fields: #fields,
        }

        impl #builder {
            #(#methods)*

            /// Checks every field and builds the request, or reports every broken rule.
            pub fn build(self) -> Result<#name, crate::ValidationError> {
                let body = serde_json::to_value(&self.fields)
                    .expect("a fields struct always serializes");
                crate::validation::checked_model(body, api::request_rules::#rules)
                    .map(|model| #name { model })
            }
        }
    }
}

fn operation_tokens(op: &Op, settings: &Settings) -> TokenStream {
    let name = ident(&rust_ident(&op.id));
    let facts = format_ident!("{}", op.id.to_uppercase());
    let params_table = format_ident!("{}", upper_snake(&op.id));
    let mut doc = op.summary.clone();
    if !op.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&op.description);
    }
    let mut args = Vec::new();
    let mut values = Vec::new();
    for p in &op.params {
        let id = ident(&rust_ident(&p.name));
        args.push(quote!(#id: &str));
        values.push(quote!(#id));
        let rule = RuleData::from_schema(p.name.clone(), &p.schema);
        doc.push_str(&format!(
            "\n\n`{}`: {}",
            rust_ident(&p.name),
            doc_with_rules(&p.description, &p.name, Some(&rule)).replace("\n\nSent as", " Sent as")
        ));
    }
    let body = match &op.body {
        Some(schema) => {
            let ty = type_ident(schema);
            args.push(quote!(request: &requests::#ty));
            quote!(Some(request.to_json()))
        }
        None => quote!(None),
    };
    let doc = Doc(&doc);
    let own_type = op.response.as_ref().and_then(|r| {
        settings
            .response_types
            .iter()
            .find(|(schema, _)| schema == r)
            .map(|(_, ty)| ident(ty))
    });
    match (own_type, &op.response) {
        (Some(ty), _) => quote! {
            #doc
            pub async fn #name(&self, #(#args),*) -> Result<crate::#ty, crate::Error> {
                let (status, body) = self
                    .call_raw(&api::#facts, api::path_params::#params_table, &[#(#values),*], #body)
                    .await?;
                crate::#ty::from_response(status, body)
            }
        },
        (None, response) => {
            let response = match response {
                Some(r) => {
                    let r = type_ident(r);
                    quote!(models::#r)
                }
                None => quote!(serde_json::Value),
            };
            quote! {
                #doc
                pub async fn #name(&self, #(#args),*) -> Result<#response, crate::Error> {
                    self.call(&api::#facts, api::path_params::#params_table, &[#(#values),*], #body)
                        .await
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The CLI's module

/// A flag: the setter it calls on which builder.
struct Flag {
    /// Rust field name in the args struct (also the flag, in kebab case).
    field: String,
    setter: String,
    help: String,
    heading: String,
    kind: SetterKind,
    /// For flags of a nested builder: the member it belongs to.
    nested: Option<String>,
    value_name: String,
}

fn flags(structs: &[FieldsStruct], schema: &str) -> Vec<Flag> {
    let parent = find(structs, schema);
    let mut out = Vec::new();
    for s in setters(structs, schema) {
        match &s.kind {
            SetterKind::Money { .. } => {}
            SetterKind::Raw(k) => out.push(Flag {
                field: s.target.join("_").trim_end_matches('_').to_string(),
                setter: s.name.clone(),
                help: flag_help(&s.description, &s.path, rule_at(parent, &s.path)),
                heading: "Request fields".into(),
                kind: SetterKind::Plain(*k),
                nested: None,
                value_name: value_name(&s.path),
            }),
            SetterKind::Plain(k) => out.push(Flag {
                field: s.name.clone(),
                setter: s.name.clone(),
                help: flag_help(&s.description, &s.path, rule_at(parent, &s.path)),
                heading: "Request fields".into(),
                kind: SetterKind::Plain(*k),
                nested: None,
                value_name: value_name(&s.path),
            }),
            SetterKind::Builder { .. } => {
                let child = parent
                    .members
                    .iter()
                    .find(|m| m.ident == s.target[0])
                    .and_then(|m| match &m.kind {
                        MemberKind::Builder { schema, .. } => Some(schema.clone()),
                        _ => None,
                    })
                    .expect("a builder setter has a builder member");
                // `billing_address.city` -> `--billing-city`: the parent's first word.
                let prefix = s.name.split('_').next().unwrap_or(&s.name).to_string();
                let heading = capitalize(&s.name.replace('_', " "));
                for inner in setters(structs, &child) {
                    if let SetterKind::Plain(k) = inner.kind {
                        let path = format!("{}.{}", s.path, inner.path);
                        out.push(Flag {
                            field: format!("{prefix}_{}", inner.name.trim_end_matches('_')),
                            setter: inner.name.clone(),
                            help: flag_help(&inner.description, &path, rule_at(parent, &path)),
                            heading: heading.clone(),
                            kind: SetterKind::Plain(k),
                            nested: Some(s.name.clone()),
                            value_name: value_name(&inner.path),
                        });
                    }
                }
            }
        }
    }
    out
}

/// A flag's one-line help: the description's first sentence, the field, its rules.
fn flag_help(description: &str, path: &str, rule: Option<&RuleData>) -> String {
    let sentence = first_sentence(description);
    let rules = rule.map(RuleData::sentence).unwrap_or_default();
    // Parentheses, not brackets: the help is also rustdoc, where `[x]` is a link.
    if rules.is_empty() {
        format!("{sentence} (`{path}`)")
    } else {
        format!("{sentence} (`{path}`: {rules})")
    }
}

fn value_name(path: &str) -> String {
    path.rsplit('.')
        .next()
        .unwrap_or(path)
        .trim_end_matches('_')
        .to_uppercase()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn cli_items(ops: &[Op], structs: &[FieldsStruct], settings: &Settings) -> TokenStream {
    let mut items = Vec::new();
    for s in structs {
        let is_builder = settings.builders.iter().any(|(b, _)| *b == s.schema);
        let is_body = ops.iter().any(|op| op.body.as_deref() == Some(&s.schema));
        if !is_body {
            continue;
        }
        let builder_ty = match settings.builders.iter().find(|(b, _)| *b == s.schema) {
            Some((_, t)) => {
                let t = ident(t);
                quote!(paymentoptions_hpp::#t)
            }
            None => {
                let t = format_ident!("{}Builder", s.schema);
                quote!(paymentoptions_hpp::requests::#t)
            }
        };
        let _ = is_builder;
        items.push(args_struct_tokens(structs, s, builder_ty, settings));
    }
    let generated: Vec<&Op> = ops
        .iter()
        .filter(|op| !settings.hand_owned_operations.contains(&op.id.as_str()))
        .collect();
    let variants = generated.iter().map(|op| {
        let variant = format_ident!("{}", pascal(&op.id));
        let args = format_ident!("{}Args", pascal(&op.id));
        let name = kebab(&op.id);
        let about = if op.summary.is_empty() {
            format!("Calls `{}`.", op.id)
        } else {
            op.summary.clone()
        };
        let long = if op.description.is_empty() {
            about.clone()
        } else {
            format!("{about}\n\n{}", op.description)
        };
        let long = Doc(&long);
        quote! {
            #long
            #[command(name = #name)]
            #variant(Box<#args>),
        }
    });
    let arg_structs = generated.iter().map(|op| {
        let args = format_ident!("{}Args", pascal(&op.id));
        let params = op.params.iter().map(|p| {
            let id = ident(&rust_ident(&p.name));
            let rule = RuleData::from_schema(p.name.clone(), &p.schema);
            let help = flag_help(&p.description, &p.name, Some(&rule));
            let help = Doc(&help);
            let value_name = value_name(&rust_ident(&p.name));
            quote! {
                #help
                #[arg(long, value_name = #value_name)]
                pub #id: String,
            }
        });
        let body = op.body.as_ref().map(|schema| {
            let ty = format_ident!("{}Args", schema);
            quote! {
                /// The request body's fields.
                #[command(flatten)]
                pub body: #ty,
            }
        });
        let doc = format!("Flags of `{}`.", kebab(&op.id));
        let doc = Doc(&doc);
        quote! {
            #doc
            #[derive(Debug, clap::Args)]
            pub struct #args {
                #(#params)*
                #body
                /// Print the whole response as pretty JSON instead of a summary.
                #[arg(long)]
                pub json: bool,
                /// Where and how to connect.
                #[command(flatten)]
                pub connection: crate::args::ConnectionArgs,
            }
        }
    });
    let arms = generated.iter().map(|op| {
        let variant = format_ident!("{}", pascal(&op.id));
        let method = ident(&rust_ident(&op.id));
        let params: Vec<_> = op
            .params
            .iter()
            .map(|p| {
                let id = ident(&rust_ident(&p.name));
                quote!(&args.#id)
            })
            .collect();
        // A hand-written response type has a hand-written rendering in the CLI
        // (`From<T> for crate::output::Output`); a model is printed as its JSON.
        let own_type = op
            .response
            .as_ref()
            .is_some_and(|r| settings.response_types.iter().any(|(schema, _)| schema == r));
        let output = |call: TokenStream| {
            if own_type {
                quote!(crate::output::Output::from(#call))
            } else {
                quote!(crate::output::Output::json(
                    serde_json::to_value(#call).expect("a decoded response always serializes")
                ))
            }
        };
        match &op.body {
            Some(schema) => {
                let req = type_ident(schema);
                let out = output(quote!(client.#method(#(#params,)* &request).await?));
                quote! {
                    Operation::#variant(args) => {
                        let request = args.body.apply(paymentoptions_hpp::requests::#req::builder()).build()?;
                        #out
                    }
                }
            }
            None => {
                let out = output(quote!(client.#method(#(#params),*).await?));
                quote! {
                    Operation::#variant(args) => #out
                }
            }
        }
    });
    let jsons = generated.iter().map(|op| {
        let variant = format_ident!("{}", pascal(&op.id));
        quote!(Operation::#variant(ref args) => args.json)
    });
    let connections = generated.iter().map(|op| {
        let variant = format_ident!("{}", pascal(&op.id));
        quote!(Operation::#variant(ref args) => &args.connection)
    });
    let run_body = if generated.is_empty() {
        quote! {
            let _ = client;
            match self {}
        }
    } else {
        quote! {
            Ok(match self {
                #(#arms,)*
            })
        }
    };
    quote! {
        #(#items)*

        /// The operations without a hand-written command: one subcommand each, from the spec.
        #[derive(Debug, clap::Subcommand)]
        pub enum Operation {
            #(#variants)*
        }

        #(#arg_structs)*

        impl Operation {
            /// The connection flags given with the operation.
            pub fn connection(&self) -> &crate::args::ConnectionArgs {
                match *self {
                    #(#connections,)*
                }
            }

            /// Whether `--json` was given.
            pub fn json(&self) -> bool {
                match *self {
                    #(#jsons,)*
                }
            }

            /// Sends the request and returns the decoded response, to print.
            pub async fn run(
                self,
                client: &paymentoptions_hpp::Client,
            ) -> Result<crate::output::Output, paymentoptions_hpp::Error> {
                #run_body
            }
        }
    }
}

fn pascal(id: &str) -> String {
    rust_ident(id)
        .split('_')
        .filter(|p| !p.is_empty())
        .map(capitalize)
        .collect()
}

fn args_struct_tokens(
    structs: &[FieldsStruct],
    s: &FieldsStruct,
    builder_ty: TokenStream,
    _settings: &Settings,
) -> TokenStream {
    let name = format_ident!("{}Args", s.schema);
    let flags = flags(structs, &s.schema);
    let fields = flags.iter().map(|f| {
        let id = ident(&f.field);
        let help = Doc(&f.help);
        let heading = &f.heading;
        let value_name = &f.value_name;
        match f.kind {
            SetterKind::Plain(Scalar::Boolean) => quote! {
                #help
                #[arg(long, help_heading = #heading, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
                pub #id: Option<bool>,
            },
            SetterKind::Plain(scalar) => {
                let ty = scalar.rust();
                quote! {
                    #help
                    #[arg(long, help_heading = #heading, value_name = #value_name)]
                    pub #id: Option<#ty>,
                }
            }
            _ => unreachable!("flags are plain"),
        }
    });
    // Plain flags apply to the builder; a nested builder's flags make one value when any is set.
    let direct = flags.iter().filter(|f| f.nested.is_none()).map(|f| {
        let id = ident(&f.field);
        let setter = ident(&f.setter);
        quote! {
            if let Some(v) = self.#id {
                builder = builder.#setter(v);
            }
        }
    });
    let mut nested_names: Vec<&String> = flags.iter().filter_map(|f| f.nested.as_ref()).collect();
    nested_names.dedup();
    let nested = nested_names.iter().map(|n| {
        let setter = ident(n);
        let members: Vec<&Flag> = flags
            .iter()
            .filter(|f| f.nested.as_ref() == Some(n))
            .collect();
        let rust_type = setters(structs, &s.schema)
            .into_iter()
            .find(|st| &st.name == *n)
            .and_then(|st| match st.kind {
                SetterKind::Builder { rust_type } => Some(rust_type),
                _ => None,
            })
            .expect("a nested flag belongs to a builder setter");
        let ty = ident(&rust_type);
        let any = members.iter().map(|f| {
            let id = ident(&f.field);
            quote!(self.#id.is_some())
        });
        let sets = members.iter().map(|f| {
            let id = ident(&f.field);
            let inner = ident(&f.setter);
            quote! {
                if let Some(v) = self.#id {
                    nested = nested.#inner(v);
                }
            }
        });
        quote! {
            if #(#any)||* {
                let mut nested = paymentoptions_hpp::#ty::default();
                #(#sets)*
                builder = builder.#setter(nested);
            }
        }
    });
    let doc = format!(
        "One flag per field of `{}` that the library has a setter for, help from the spec.",
        s.schema
    );
    let doc = Doc(&doc);
    let group = name.to_string();
    quote! {
        #doc
        #[derive(Debug, clap::Args)]
        #[group(id = #group, multiple = true)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// Applies every given flag to `builder`.
            pub fn apply(self, mut builder: #builder_ty) -> #builder_ty {
                #(#direct)*
                #(#nested)*
                builder
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idents_and_flags() {
        assert_eq!(rust_ident("transactionId"), "transaction_id");
        assert_eq!(rust_ident("type"), "type_");
        assert_eq!(rust_ident("address1"), "address1");
        assert_eq!(kebab("type_"), "type");
        assert_eq!(pascal("get_transaction_status"), "GetTransactionStatus");
        assert_eq!(upper_snake("HppLinkRequest"), "HPP_LINK_REQUEST");
    }

    #[test]
    fn rule_sentences() {
        let r = RuleData {
            min_length: Some(2),
            max_length: Some(2),
            pattern: Some("^[A-Z]{2}$".into()),
            ..RuleData::default()
        };
        assert_eq!(r.sentence(), "exactly 2 characters; matches `^[A-Z]{2}$`");
        let r = RuleData {
            max_length: Some(45),
            format: Some("email".into()),
            ..RuleData::default()
        };
        assert_eq!(r.sentence(), "at most 45 characters; an e-mail address");
    }
}
