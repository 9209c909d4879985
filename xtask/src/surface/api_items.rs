//! The items emitted into the client's `api` module: rules, path parameters, auth, codes.

use super::*;

pub(super) fn api_items(
    doc: &Value,
    ops: &[Op],
    structs: &[FieldsStruct],
) -> Result<TokenStream, String> {
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
    let approves = string_lists(
        doc,
        "/components/schemas/GatewayResponse/properties/code/x-approves",
    )?
    .into_iter()
    .map(|(code, kinds)| quote!((#code, &[#(#kinds),*])));
    let success_types = strings(
        doc.pointer("/components/schemas/GatewayResponse/properties/type/x-success-types"),
        "x-success-types",
    )?;
    let partial: Vec<i64> = doc
        .pointer("/components/schemas/PaymentDetails/properties/response_code/x-partial-approval")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            v.as_i64()
                .ok_or("x-partial-approval: every code is an integer".to_string())
        })
        .collect::<Result<_, String>>()?;
    let money_ops = money_operations(doc)?;
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
            /// The kinds of transaction (`transaction_type`) each success code approves (the
            /// spec's `x-approves`).
            pub const APPROVES: &[(&str, &[&str])] = &[#(#approves),*];
            /// The `gateway_response.type` values an approval may carry (`x-success-types`).
            pub const SUCCESS_TYPES: &[&str] = &[#(#success_types),*];
            /// Response codes that say money moved, but not the amount asked for
            /// (`x-partial-approval`).
            pub const PARTIAL_APPROVAL: &[i64] = &[#(#partial),*];
        }

        /// The operations that may move money (the spec's `x-moves-money`).
        pub mod money {
            /// An operation that may move money: never re-sent automatically, and in doubt
            /// when its answer is lost.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct MoneyOperation {
                /// The `operationId`.
                pub id: &'static str,
                /// The kinds of transaction (`transaction_type`) its `transactionId` may name;
                /// empty when it names none.
                pub acts_on: &'static [&'static str],
                /// The kind of transaction its approved answer creates.
                pub creates: &'static str,
                /// The body field that carries the merchant's reference for the call, if any.
                pub reference: Option<&'static str>,
            }

            /// Every operation with `x-moves-money`, in the spec's order.
            pub const OPERATIONS: &[MoneyOperation] = &[#(#money_ops),*];

            /// The money operation with this `operationId`, if it is one.
            pub fn operation(id: &str) -> Option<&'static MoneyOperation> {
                OPERATIONS.iter().find(|op| op.id == id)
            }
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

pub(super) fn upper_snake(name: &str) -> String {
    rust_ident(name).trim_end_matches('_').to_uppercase()
}

/// A list of strings at `value` (absent: empty).
fn strings(value: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{what}: every entry is a string"))
        })
        .collect()
}

/// A map of string lists at `pointer` (absent: empty), in the spec's order.
fn string_lists(doc: &Value, pointer: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    doc.pointer(pointer)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(key, list)| Ok((key.clone(), strings(Some(list), pointer)?)))
        .collect()
}

/// The `x-moves-money` operations, as `api::money::MoneyOperation` literals.
fn money_operations(doc: &Value) -> Result<Vec<TokenStream>, String> {
    let mut out = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(money) = op.get("x-moves-money") else {
                continue;
            };
            let id = op["operationId"].as_str().unwrap_or_default();
            let acts_on = strings(money.get("acts-on"), "x-moves-money.acts-on")?;
            let creates = money["creates"]
                .as_str()
                .ok_or_else(|| format!("operation `{id}`: x-moves-money needs `creates`"))?;
            let reference = match money["reference"].as_str() {
                Some(r) => quote!(Some(#r)),
                None => quote!(None),
            };
            out.push(quote! {
                MoneyOperation {
                    id: #id,
                    acts_on: &[#(#acts_on),*],
                    creates: #creates,
                    reference: #reference,
                }
            });
        }
    }
    Ok(out)
}
