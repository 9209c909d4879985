//! A request schema's fields, their kinds and their rules (the spec's keywords, as data).

use super::*;

/// The generated `<Schema>Fields` struct: what a builder collects before it is checked.
pub(super) struct FieldsStruct {
    pub(super) schema: String,
    /// Members in the spec's property order.
    pub(super) members: Vec<Member>,
    /// Every rule of the schema, nested schemas included, by dotted JSON path.
    pub(super) rules: Vec<RuleData>,
    pub(super) has_float: bool,
}

impl FieldsStruct {
    /// Whether a `Money` amount of this schema has no currency field beside it.
    pub(super) fn money_without_currency(&self) -> bool {
        self.members
            .iter()
            .any(|m| !m.hand_owned && m.money == Some(None))
    }
}

pub(super) struct Member {
    pub(super) json: String,
    pub(super) ident: String,
    pub(super) doc: String,
    /// Whether a hand-written builder sets it (no setter, no flag, not in the struct).
    pub(super) hand_owned: bool,
    pub(super) kind: MemberKind,
    /// `x-money`: the setter takes `Money`; `Some(sibling)` when it also sets a currency field.
    pub(super) money: Option<Option<String>>,
    /// The currency field an `x-money` amount sets: it gets no setter of its own.
    pub(super) set_by_money: bool,
}

pub(super) enum MemberKind {
    /// A string, integer, number or boolean.
    Plain(Scalar),
    /// A nested object with its own builder type (`billing_address(AddressBuilder)`).
    Builder { schema: String, rust_type: String },
    /// A nested object without a builder type: its fields are set on the parent builder.
    Flattened { schema: String },
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scalar {
    Text,
    Integer,
    Number,
    Boolean,
}

impl Scalar {
    pub(super) fn rust(self) -> TokenStream {
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
pub(super) struct RuleData {
    pub(super) path: String,
    pub(super) min_length: Option<u64>,
    pub(super) max_length: Option<u64>,
    pub(super) pattern: Option<String>,
    pub(super) format: Option<String>,
    pub(super) minimum: Option<i64>,
    pub(super) maximum: Option<i64>,
    pub(super) one_of: Vec<String>,
    pub(super) required: bool,
}

impl RuleData {
    pub(super) fn from_schema(path: String, s: &Value) -> Self {
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

    pub(super) fn is_empty(&self) -> bool {
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
    pub(super) fn sentence(&self) -> String {
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

pub(super) fn format_words(format: &str) -> String {
    match format {
        "email" => "an e-mail address".into(),
        "uri" => "an absolute http(s) URL".into(),
        "iso4217" => "an ISO 4217 currency code".into(),
        "iso3166-alpha2" => "an ISO 3166-1 alpha-2 country code".into(),
        other => format!("format `{other}`"),
    }
}

pub(super) fn fields_struct(
    doc: &Value,
    name: &str,
    settings: &Settings,
) -> Result<FieldsStruct, String> {
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
                     (xtask/src/surface/) makes setters for strings, numbers, booleans and \
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

pub(super) const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// `transactionId` -> `transaction_id`; a keyword gets a trailing `_`.
pub(super) fn rust_ident(json: &str) -> String {
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

pub(super) fn kebab(ident: &str) -> String {
    ident.trim_matches('_').replace('_', "-")
}

pub(super) fn type_ident(schema: &str) -> proc_macro2::Ident {
    format_ident!("{}", schema)
}

pub(super) fn fields_ident(schema: &str) -> proc_macro2::Ident {
    format_ident!("{}Fields", schema)
}

pub(super) fn ident(name: &str) -> proc_macro2::Ident {
    format_ident!("{}", name)
}

pub(super) fn find<'a>(structs: &'a [FieldsStruct], schema: &str) -> &'a FieldsStruct {
    structs
        .iter()
        .find(|s| s.schema == schema)
        .expect("every nested schema was collected")
}

/// Doc text with the rules appended: what a setter's rustdoc and a flag's help say.
pub(super) fn doc_with_rules(doc: &str, path: &str, rule: Option<&RuleData>) -> String {
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
pub(super) fn first_sentence(doc: &str) -> String {
    let one_line = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.find(". ") {
        Some(i) => one_line[..=i].to_string(),
        None => one_line,
    }
}
