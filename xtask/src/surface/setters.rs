//! Setters: one per plain field of a builder, flattening nested objects that have no builder.

use super::*;

/// A setter on a builder: the method name, where it writes, and what it takes.
pub(super) struct Setter {
    pub(super) name: String,
    /// The JSON path it sets, relative to the builder's schema.
    pub(super) path: String,
    /// Member path below `self.fields` (`return_url.webhook_url`).
    pub(super) target: Vec<String>,
    /// The spec's description of the field.
    pub(super) description: String,
    /// The rustdoc: the description and the rules.
    pub(super) doc: String,
    pub(super) kind: SetterKind,
}

pub(super) enum SetterKind {
    Plain(Scalar),
    Builder {
        rust_type: String,
    },
    /// Takes `Money`: stores its minor units (and its currency in the field `currency`).
    Money {
        scalar: Scalar,
        currency: Option<String>,
    },
    /// Hidden: the raw value of a field a `Money` setter owns, for the CLI's flags. `true`
    /// when the field is an amount without a currency field: the raw value is then in the
    /// minor units of whatever the operation acts on, and forgets a `Money`'s currency.
    Raw(Scalar, bool),
}

pub(super) fn setters(structs: &[FieldsStruct], schema: &str) -> Vec<Setter> {
    let s = find(structs, schema);
    let mut out = Vec::new();
    for m in s.members.iter().filter(|m| !m.hand_owned) {
        let raw = |scalar: Scalar, forgets_currency: bool| Setter {
            name: format!("raw_{}", m.ident.trim_end_matches('_')),
            path: m.json.clone(),
            target: vec![m.ident.clone()],
            description: m.doc.clone(),
            doc: format!(
                "The raw `{}`, for tools that take it as text (`po-hpp`); use the `Money` setter.",
                m.json
            ),
            kind: SetterKind::Raw(scalar, forgets_currency),
        };
        match &m.kind {
            MemberKind::Plain(scalar) if m.set_by_money => out.push(raw(*scalar, false)),
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
                out.push(raw(*scalar, m.money == Some(None)));
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

pub(super) fn rule_at<'a>(s: &'a FieldsStruct, path: &str) -> Option<&'a RuleData> {
    s.rules.iter().find(|r| r.path == path)
}
