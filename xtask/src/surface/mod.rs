//! The spec-driven surface: everything the wrapper and the CLI expose that only mirrors the spec.
//!
//! From the spec alone this emits
//! - the client's `api` module (all of it, `api_module`): the version, servers and operations,
//!   the spec itself (`OPENAPI_JSON`), each request field's rules (lengths, pattern, format,
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

use crate::ordered::Value;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

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

/// The three pieces this module emits, each by one function.
pub struct Surface {
    /// The client's `api` module.
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

    let api = api_module(doc, &ops, &structs)?;
    let wrapper = wrapper_items(&ops, &structs, settings);
    let cli = cli_items(&ops, &structs, settings);
    Ok(Surface { api, wrapper, cli })
}

mod api_items;
mod cli;
mod fields;
mod setters;
mod spec_read;
mod wrapper;

use std::collections::BTreeSet;

use api_items::*;
use cli::*;
use fields::*;
use setters::*;
use spec_read::*;
use wrapper::*;

/// Documentation text, quoted as a `#[doc]` attribute; `crate::docs::tidy` lays it out as
/// `///` lines.
struct Doc<'a>(&'a str);

impl quote::ToTokens for Doc<'_> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let text = self.0;
        tokens.extend(quote!(#[doc = #text]));
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
