//! The CLI's flags: one per field of a request body, with its help line and value name.

use super::*;

/// A flag: the setter it calls on which builder.
pub(super) struct Flag {
    /// Rust field name in the args struct (also the flag, in kebab case).
    pub(super) field: String,
    pub(super) setter: String,
    pub(super) help: String,
    pub(super) heading: String,
    pub(super) kind: SetterKind,
    /// For flags of a nested builder: the member it belongs to.
    pub(super) nested: Option<String>,
    pub(super) value_name: String,
    /// The amount of an `x-money` field: taken as text and parsed strictly by the CLI
    /// (`crate::amount::minor_units`), whatever the field's JSON type.
    pub(super) money_amount: bool,
}

pub(super) fn flags(structs: &[FieldsStruct], schema: &str) -> Vec<Flag> {
    let parent = find(structs, schema);
    let mut out = Vec::new();
    for s in setters(structs, schema) {
        match &s.kind {
            SetterKind::Money { .. } => {}
            SetterKind::Raw(k, _) => {
                let money_amount = parent
                    .members
                    .iter()
                    .any(|m| m.ident == s.target[0] && m.money.is_some());
                out.push(Flag {
                    field: s.target.join("_").trim_end_matches('_').to_string(),
                    setter: s.name.clone(),
                    help: flag_help(&s.description, &s.path, rule_at(parent, &s.path)),
                    heading: "Request fields".into(),
                    kind: SetterKind::Plain(*k),
                    nested: None,
                    value_name: if money_amount {
                        "MINOR_UNITS".into()
                    } else {
                        value_name(&s.path)
                    },
                    money_amount,
                })
            }
            SetterKind::Plain(k) => out.push(Flag {
                field: s.name.clone(),
                setter: s.name.clone(),
                help: flag_help(&s.description, &s.path, rule_at(parent, &s.path)),
                heading: "Request fields".into(),
                kind: SetterKind::Plain(*k),
                nested: None,
                value_name: value_name(&s.path),
                money_amount: false,
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
                            money_amount: false,
                        });
                    }
                }
            }
        }
    }
    out
}

/// A flag's one-line help: the description's first sentence, the field, its rules.
pub(super) fn flag_help(description: &str, path: &str, rule: Option<&RuleData>) -> String {
    let sentence = first_sentence(description);
    let rules = rule.map(RuleData::sentence).unwrap_or_default();
    // Parentheses, not brackets: the help is also rustdoc, where `[x]` is a link.
    if rules.is_empty() {
        format!("{sentence} (`{path}`)")
    } else {
        format!("{sentence} (`{path}`: {rules})")
    }
}

pub(super) fn value_name(path: &str) -> String {
    path.rsplit('.')
        .next()
        .unwrap_or(path)
        .trim_end_matches('_')
        .to_uppercase()
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
