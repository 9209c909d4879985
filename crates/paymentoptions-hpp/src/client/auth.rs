//! Which key goes in which header. The headers and the prefix come from the spec's
//! `securitySchemes`: only the choice of key is made here.

use paymentoptions_hpp_client::api;
use reqwest::header::{self, HeaderMap, HeaderValue};

use crate::config::ApiKey;
use crate::error::ConfigError;

/// The headers every request carries: `Authorization` carries the API key, any other key
/// header the dedicated `x_api_key` (by default the same key), each marked sensitive so that
/// reqwest keeps it out of its own `Debug`.
pub(super) fn default_headers(
    api_key: &ApiKey,
    x_api_key: &ApiKey,
) -> Result<HeaderMap, ConfigError> {
    let mut headers = HeaderMap::new();
    for auth in api::AUTH_HEADERS {
        let (key, setting) = if auth.header.eq_ignore_ascii_case("authorization") {
            (api_key, "api_key")
        } else {
            (x_api_key, "x_api_key")
        };
        let name = header::HeaderName::from_bytes(auth.header.as_bytes()).map_err(|_| {
            ConfigError::new(setting, "the spec names a header that HTTP does not allow")
        })?;
        headers.insert(
            name,
            sensitive(&format!("{}{}", auth.prefix, key.expose()), setting)?,
        );
    }
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    Ok(headers)
}

fn sensitive(value: &str, setting: &str) -> Result<HeaderValue, ConfigError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        ConfigError::new(
            setting,
            "contains characters that are not allowed in an HTTP header",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}
