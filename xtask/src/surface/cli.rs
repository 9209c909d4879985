//! The CLI's generated module: one flag per field, one subcommand per operation.

use super::*;

mod body_args;
mod flags;

use body_args::*;
use flags::*;

pub(super) fn cli_items(ops: &[Op], structs: &[FieldsStruct], settings: &Settings) -> TokenStream {
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
    // The body field naming the transaction an operation acts on: a path parameter of another
    // operation (the status call's `transactionId`).
    let param_names: Vec<&str> = ops
        .iter()
        .flat_map(|op| op.params.iter().map(|p| p.name.as_str()))
        .collect();
    // An operation whose amount has no currency field (capture, refund) also takes the amount
    // in the target's currency: `--amount-major`, `--full` (`crate::amount::TargetAmountArgs`).
    let target_amount = |op: &Op| -> Option<String> {
        let schema = op.body.as_ref()?;
        let currencyless = setters(structs, schema)
            .iter()
            .any(|s| matches!(s.kind, SetterKind::Raw(_, true)));
        let target = find(structs, schema)
            .members
            .iter()
            .find(|m| param_names.contains(&m.json.as_str()))?;
        currencyless.then(|| target.ident.clone())
    };
    let arg_structs = generated.iter().map(|op| {
        let args = format_ident!("{}Args", pascal(&op.id));
        let whole = target_amount(op).map(|_| {
            quote! {
                /// The amount in the target transaction's currency, or all of it.
                #[command(flatten)]
                pub target_amount: crate::amount::TargetAmountArgs,
            }
        });
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
                /// Print the request as a curl command (both keys shown as `[redacted]`) and
                /// exit without sending anything. A money call's reference (`notes` or
                /// `merchant_txn_ref`, when not given) is added only when sending.
                #[arg(long)]
                pub dry_run: bool,
                #whole
                /// Where and how to connect.
                #[command(flatten)]
                pub connection: crate::args::ConnectionArgs,
            }
        }
    });
    let arms = generated.iter().map(|op| {
        let variant = format_ident!("{}", pascal(&op.id));
        let method = ident(&rust_ident(&op.id));
        let constant = format_ident!("{}", rust_ident(&op.id).to_uppercase());
        let api_op = quote!(&paymentoptions_hpp_client::api::#constant);
        let values: Vec<_> = op
            .params
            .iter()
            .map(|p| {
                let id = ident(&rust_ident(&p.name));
                quote!(args.#id.as_str())
            })
            .collect();
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
                let builder = quote!(args.body.apply(paymentoptions_hpp::requests::#req::builder())?);
                let builder = match target_amount(op) {
                    Some(target) => {
                        let target = ident(&target);
                        quote! {{
                            let target = args.body.#target.clone();
                            let mut builder = #builder;
                            if let Some(money) = args
                                .target_amount
                                .resolve(client, target.as_deref(), args.dry_run)
                                .await?
                            {
                                builder = builder.amount(money);
                            }
                            builder
                        }}
                    }
                    None => builder,
                };
                quote! {
                    Operation::#variant(args) => {
                        let args = *args;
                        let request = #builder.build()?;
                        if args.dry_run {
                            let body = request.to_json();
                            return Ok(crate::output::Output::DryRun(
                                crate::dry_run::curl(client, #api_op, &[#(#values),*], Some(&body))?,
                            ));
                        }
                        #out
                    }
                }
            }
            None => {
                let out = output(quote!(client.#method(#(#params),*).await?));
                quote! {
                    Operation::#variant(args) => {
                        if args.dry_run {
                            return Ok(crate::output::Output::DryRun(
                                crate::dry_run::curl(client, #api_op, &[#(#values),*], None)?,
                            ));
                        }
                        #out
                    }
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

            /// Sends the request and returns the decoded response, to print (with `--dry-run`,
            /// the request as a curl command, nothing sent).
            pub async fn run(
                self,
                client: &paymentoptions_hpp::Client,
            ) -> Result<crate::output::Output, crate::exit::Failure> {
                #run_body
            }
        }
    }
}

pub(super) fn pascal(id: &str) -> String {
    rust_ident(id)
        .split('_')
        .filter(|p| !p.is_empty())
        .map(capitalize)
        .collect()
}
