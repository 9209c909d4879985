//! The embedded spec ([`api::OPENAPI_JSON`](crate::api::OPENAPI_JSON)) as a JSON value, and the
//! lookups code that reads it at run time shares (the sandbox's examples and echo, the tests'
//! schema oracle).

use serde_json::Value;

use crate::api::Operation;

/// The whole OpenAPI document, parsed.
pub fn parsed() -> Value {
    serde_json::from_str(crate::api::OPENAPI_JSON).expect("the embedded spec is JSON")
}

/// The operation object (`paths.<path>.<method>`) of `operation` in `spec`.
///
/// ```
/// use paymentoptions_hpp_client::{api, document};
///
/// let spec = document::parsed();
/// let create = document::operation(&spec, api::GENERATE_HPP_LINK).unwrap();
/// assert_eq!(create["operationId"], api::GENERATE_HPP_LINK.id);
/// ```
pub fn operation(spec: &Value, operation: Operation) -> Option<&Value> {
    spec.get("paths")?
        .get(operation.path)?
        .get(operation.method.to_ascii_lowercase())
}
