//! The wrapper's generated module: fields structs, setters, request types, operation methods.

use super::*;

pub(super) fn wrapper_items(
    ops: &[Op],
    structs: &[FieldsStruct],
    settings: &Settings,
) -> TokenStream {
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

pub(super) fn fields_struct_tokens(s: &FieldsStruct) -> TokenStream {
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
    let money_currency = s.money_without_currency().then(|| {
        quote! {
            /// The currency of the `Money` the amount was set with (the body has no currency
            /// field): kept so that the library can refuse another currency than the
            /// transaction's before sending. `None` after a raw amount.
            #[serde(skip)]
            pub(crate) money_currency: Option<crate::Currency>,
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
            #money_currency
        }

        impl #name {
            /// Whether no field is set (the object is then left out of the body).
            pub(crate) fn is_empty(&self) -> bool {
                *self == Self::default()
            }
        }
    }
}

pub(super) fn setter_tokens(s: &Setter) -> TokenStream {
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
            // Without a currency field, the currency is kept beside the body: the library
            // refuses to send it against a transaction in another currency.
            let currency = match currency {
                Some(c) => {
                    let c = ident(c);
                    quote!(self.fields.#c = Some(value.currency().code().to_string());)
                }
                None => quote!(self.fields.money_currency = Some(value.currency());),
            };
            quote! {
                #doc
                pub fn #name(mut self, value: crate::Money) -> Self {
                    self.fields.#(#target).* = Some(#units);
                    #currency
                    self
                }
            }
        }
        SetterKind::Raw(scalar, forgets_currency) => {
            let forget = forgets_currency.then(|| quote!(self.fields.money_currency = None;));
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
                    #forget
                    self
                }
            }
        }
    }
}

pub(super) fn request_tokens(s: &FieldsStruct, methods: Vec<TokenStream>) -> TokenStream {
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
    let currency = if s.money_without_currency() {
        quote!(self.fields.money_currency)
    } else {
        quote!(None)
    };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name {
            model: models::#name,
            currency: Option<crate::Currency>,
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

            /// The currency of the `Money` given for an amount the body sends without a
            /// currency: the client refuses to send it against a transaction in another one.
            pub fn currency(&self) -> Option<crate::Currency> {
                self.currency
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
                    .map(|model| #name { model, currency: #currency })
            }
        }
    }
}

pub(super) fn operation_tokens(op: &Op, settings: &Settings) -> TokenStream {
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
            quote!(Some(request.to_json()), request.currency())
        }
        None => quote!(None, None),
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
