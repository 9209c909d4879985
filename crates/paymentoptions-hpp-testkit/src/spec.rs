//! What a request sent without the wrapper takes from the spec: the auth headers and an
//! operation's path, so that no test restates a header name, a prefix or a path.

use paymentoptions_hpp_client::api;

/// The spec's auth headers carrying `key` (`api::auth_header_values`: every scheme of
/// `securitySchemes`, with its `x-value-prefix`) and `content-type: application/json`: what a
/// JSON API call sent without the wrapper carries.
pub fn json_api_headers(key: &str) -> Vec<(&'static str, String)> {
    let mut headers = api::auth_header_values(key);
    headers.push(("content-type", "application/json".into()));
    headers
}

/// `operation`'s path with each `{name}` of `params` filled in as given (not encoded: tests pass
/// plain ids), e.g. `operation_path(&api::GET_TRANSACTION_STATUS, &[("transactionId", id)])`.
/// Panics if a parameter is not in the path, or the path keeps one that was not given.
pub fn operation_path(operation: &api::Operation, params: &[(&str, &str)]) -> String {
    let mut path = operation.path.to_string();
    for (name, value) in params {
        let placeholder = format!("{{{name}}}");
        assert!(
            path.contains(&placeholder),
            "{} has no parameter {name}",
            operation.path
        );
        path = path.replace(&placeholder, value);
    }
    assert!(!path.contains('{'), "{path}: a path parameter is missing");
    path
}

/// The header of the spec's `securitySchemes` entry `scheme` (`authorization`, `xApiKey`), for
/// tests about one header in particular (which key it carries, whether a redirect keeps it).
/// Panics, naming the schemes there are, if the spec has no such scheme.
pub fn auth_header(scheme: &str) -> &'static api::AuthHeader {
    api::AUTH_HEADERS
        .iter()
        .find(|h| h.scheme == scheme)
        .unwrap_or_else(|| panic!("no security scheme {scheme} in {:?}", api::AUTH_HEADERS))
}
