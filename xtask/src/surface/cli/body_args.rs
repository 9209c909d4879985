//! The `<Schema>Args` struct of a request body: its flags, and how they fill the builder.

use super::*;

pub(super) fn args_struct_tokens(
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
            SetterKind::Plain(_) if f.money_amount => quote! {
                #help
                #[arg(long, help_heading = #heading, value_name = #value_name)]
                pub #id: Option<String>,
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
        if f.money_amount {
            let flag = format!("--{}", f.field.replace('_', "-"));
            let value = match f.kind {
                SetterKind::Plain(Scalar::Text) => {
                    quote!(crate::amount::minor_units(#flag, &v)?.to_string())
                }
                _ => quote!(crate::amount::minor_units(#flag, &v)?),
            };
            return quote! {
                if let Some(v) = self.#id {
                    builder = builder.#setter(#value);
                }
            };
        }
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
            /// Applies every given flag to `builder`; fails on an amount that is not plainly
            /// written minor units.
            pub fn apply(
                self,
                mut builder: #builder_ty,
            ) -> Result<#builder_ty, crate::exit::Failure> {
                #(#direct)*
                #(#nested)*
                Ok(builder)
            }
        }
    }
}
