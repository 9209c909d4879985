//! The client crate's `generated.rs`: progenitor's models and low-level `Client`, put behind
//! the client crate's features, followed by the `api` module (written by `surface::api_module`).

use std::path::Path;

use progenitor::Generator;

use crate::codegen::{self, GenerateError};

/// Renders the client file, header included, from the parsed spec and the `api` module's tokens.
pub(crate) fn render(
    path: &Path,
    api: &openapiv3::OpenAPI,
    api_module: proc_macro2::TokenStream,
) -> Result<String, GenerateError> {
    let tokens = codegen::catch_panic(|| Generator::new(&codegen::settings()).generate_tokens(api))
        .map_err(|message| GenerateError::Generator {
            path: path.to_path_buf(),
            message,
        })?;
    let mut file = codegen::parse_tokens(crate::docs::tidy(tokens, false))?;
    gate_low_level_client(&mut file.items)?;
    gate_model_builders(&mut file.items);
    file.items
        .extend(codegen::parse_tokens(crate::docs::tidy(api_module, true))?.items);
    gate_schemars_derive(&mut file.items);
    Ok(codegen::rust_file(path, &file))
}

/// The feature of the client crate that compiles `schemars::JsonSchema` for the models.
const SCHEMARS_FEATURE: &str = "schemars";

/// The feature of the client crate that compiles progenitor's low-level `Client`.
const CLIENT_FEATURE: &str = "client";

/// Turns every `schemars::JsonSchema` in a `#[derive(...)]` (the derive `settings()` asks
/// progenitor for) into `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`,
/// in modules too. Only the model snapshots need the schemas, and a merchant's build should
/// not compile schemars for them; progenitor's `with_derive` cannot emit a `cfg_attr`.
fn gate_schemars_derive(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Struct(s) => gate_schemars_in(&mut s.attrs),
            syn::Item::Enum(e) => gate_schemars_in(&mut e.attrs),
            syn::Item::Union(u) => gate_schemars_in(&mut u.attrs),
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    gate_schemars_derive(items);
                }
            }
            _ => {}
        }
    }
}

fn gate_schemars_in(attrs: &mut Vec<syn::Attribute>) {
    type Paths = syn::punctuated::Punctuated<syn::Path, syn::Token![,]>;
    let is_json_schema = |p: &syn::Path| {
        let names: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        names == ["schemars", "JsonSchema"]
    };
    let mut out = Vec::with_capacity(attrs.len() + 1);
    for attr in attrs.drain(..) {
        let derived = match attr.path().is_ident("derive") {
            true => attr.parse_args_with(Paths::parse_terminated).ok(),
            false => None,
        };
        match derived {
            Some(paths) if paths.iter().any(is_json_schema) => {
                let rest: Vec<_> = paths.into_iter().filter(|p| !is_json_schema(p)).collect();
                if !rest.is_empty() {
                    out.push(syn::parse_quote!(#[derive(#(#rest),*)]));
                }
                out.push(syn::parse_quote!(
                    #[cfg_attr(feature = #SCHEMARS_FEATURE, derive(schemars::JsonSchema))]
                ));
            }
            _ => out.push(attr),
        }
    }
    *attrs = out;
}

/// Puts everything progenitor emits besides its `types` module (the `Client`, its operation
/// builders, the `progenitor_client` imports) behind the client crate's `client` feature: the
/// wrapper reads only the models and the `api` facts, and sends its own requests.
fn gate_low_level_client(items: &mut [syn::Item]) -> Result<(), GenerateError> {
    let gate: syn::Attribute = syn::parse_quote!(#[cfg(feature = #CLIENT_FEATURE)]);
    for item in items {
        let attrs = match item {
            syn::Item::Mod(m) if m.ident == "types" => continue,
            syn::Item::Use(i) => &mut i.attrs,
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Enum(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Mod(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            syn::Item::Const(i) => &mut i.attrs,
            syn::Item::Static(i) => &mut i.attrs,
            syn::Item::Trait(i) => &mut i.attrs,
            syn::Item::Type(i) => &mut i.attrs,
            syn::Item::Macro(i) => &mut i.attrs,
            other => {
                return Err(GenerateError::Format {
                    message: format!(
                        "an item progenitor emitted cannot be put behind the `{CLIENT_FEATURE}` \
                         feature: `{}`",
                        quote::ToTokens::to_token_stream(other)
                    ),
                });
            }
        };
        attrs.insert(0, gate.clone());
    }
    Ok(())
}

/// The items of the file's top-level `types` module (progenitor's models), if it has one.
pub(crate) fn types_module(items: &[syn::Item]) -> Option<&[syn::Item]> {
    items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, i)| i.as_slice()),
        _ => None,
    })
}

/// The feature of the client crate that compiles typify's `types::builder` module.
const BUILDERS_FEATURE: &str = "builders";

/// Puts typify's `types::builder` module, and the `builder()` constructor of each model that
/// returns one, behind the client crate's `builders` feature: nothing but progenitor's own
/// `Client` (whose `body_map` takes them; the `client` feature turns `builders` on) uses them,
/// and a build without it (the wrapper's) should not compile them.
fn gate_model_builders(items: &mut [syn::Item]) {
    let gate: syn::Attribute = syn::parse_quote!(#[cfg(feature = #BUILDERS_FEATURE)]);
    let types = items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    });
    for item in types.into_iter().flat_map(|(_, items)| items.iter_mut()) {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.attrs.insert(0, gate.clone()),
            syn::Item::Impl(i) if i.trait_.is_none() => {
                for member in &mut i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && f.sig.ident == "builder"
                    {
                        f.attrs.insert(0, gate.clone());
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_file() -> String {
        let path = crate::workspace_root().join(crate::SPEC_PATH);
        let text = codegen::read_spec(&path).unwrap();
        codegen::render(&path, &text)
            .unwrap()
            .file(crate::GENERATED_PATH)
            .to_string()
    }

    #[test]
    fn the_json_schema_derive_is_behind_the_schemars_feature() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, schemars::JsonSchema, PartialEq)]
            #[serde(transparent)]
            pub struct A(String);
            pub mod types {
                /// Kept in place.
                #[derive(schemars::JsonSchema)]
                pub enum B { X }
                #[derive(Debug, ::serde::Serialize)]
                pub struct C;
            }
            pub fn f() {}
        };
        gate_schemars_derive(&mut file.items);
        let expected: syn::File = syn::parse_quote! {
            #[derive(Clone, PartialEq)]
            #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
            #[serde(transparent)]
            pub struct A(String);
            pub mod types {
                /// Kept in place.
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                pub enum B { X }
                #[derive(Debug, ::serde::Serialize)]
                pub struct C;
            }
            pub fn f() {}
        };
        assert_eq!(
            prettyplease::unparse(&file),
            prettyplease::unparse(&expected)
        );
    }

    #[test]
    fn only_the_models_and_the_api_facts_are_compiled_without_the_client_feature() {
        let file = syn::parse_file(&client_file()).unwrap();
        let gate = quote::quote!(#[cfg(feature = "client")]).to_string();
        let (mut gated, mut ungated) = (Vec::new(), Vec::new());
        for item in &file.items {
            let (name, attrs) = match item {
                syn::Item::Mod(i) => (format!("mod {}", i.ident), &i.attrs),
                syn::Item::Struct(i) => (format!("struct {}", i.ident), &i.attrs),
                syn::Item::Use(i) => ("use".to_string(), &i.attrs),
                syn::Item::Impl(i) => ("impl".to_string(), &i.attrs),
                other => panic!(
                    "unexpected item {}",
                    quote::ToTokens::to_token_stream(other)
                ),
            };
            let text = |a: &syn::Attribute| quote::ToTokens::to_token_stream(a).to_string();
            match attrs.iter().any(|a| text(a) == gate) {
                true => gated.push(name),
                false => ungated.push(name),
            }
        }
        assert_eq!(ungated, ["mod types", "mod api"]);
        for name in ["struct Client", "mod builder", "mod prelude", "use", "impl"] {
            assert!(
                gated.iter().any(|g| g == name),
                "{name} is not gated: {gated:?}"
            );
        }
    }

    #[test]
    fn the_model_builders_are_behind_the_builders_feature() {
        let file = syn::parse_file(&client_file()).unwrap();
        let gate = quote::quote!(#[cfg(feature = "builders")]).to_string();
        let gated = |attrs: &[syn::Attribute]| {
            attrs
                .iter()
                .any(|a| quote::ToTokens::to_token_stream(a).to_string() == gate)
        };
        let mut constructors = 0;
        for item in types_module(&file.items).unwrap() {
            match item {
                syn::Item::Mod(m) if m.ident == "builder" => assert!(gated(&m.attrs)),
                syn::Item::Impl(i) => {
                    for member in &i.items {
                        if let syn::ImplItem::Fn(f) = member
                            && f.sig.ident == "builder"
                        {
                            assert!(gated(&f.attrs), "{}", f.sig.ident);
                            constructors += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        assert!(constructors > 0, "no model has a builder() to gate");
    }
}
