//! Extra root certificates ([`ClientBuilder::add_root_certificate`]): read when the client is
//! built, so that a bad one is a [`ConfigError`] naming the setting, not a failed handshake
//! later.
//!
//! [`ClientBuilder::add_root_certificate`]: crate::ClientBuilder::add_root_certificate

use std::fmt;

#[cfg(not(target_arch = "wasm32"))]
use crate::error::ConfigError;

/// The setting a bad root is reported under.
pub(crate) const SETTING: &str = "root_certificate";

/// The text given to `add_root_certificate`. Its `Debug` gives only the length: a builder's
/// `Debug` should not print kilobytes of base64.
#[derive(Clone)]
pub(crate) struct RootCertificatePem(pub(crate) Vec<u8>);

impl fmt::Debug for RootCertificatePem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RootCertificatePem({} bytes)", self.0.len())
    }
}

/// Every certificate of every PEM text given, each checked by the TLS backend.
#[cfg(all(
    not(target_arch = "wasm32"),
    any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")
))]
pub(crate) fn parse(pems: &[RootCertificatePem]) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    let mut roots = Vec::new();
    for (i, pem) in pems.iter().enumerate() {
        let which = if pems.len() > 1 {
            format!("the PEM text of call {} ", i + 1)
        } else {
            "the PEM text ".to_string()
        };
        let certs = reqwest::Certificate::from_pem_bundle(&pem.0)
            .map_err(|e| ConfigError::new(SETTING, format!("{which}is not valid PEM: {e}")))?;
        if certs.is_empty() {
            return Err(ConfigError::new(
                SETTING,
                format!("{which}holds no `-----BEGIN CERTIFICATE-----` block"),
            ));
        }
        // rustls reads the DER inside only when a client is built, and then says only "builder
        // error": a client that trusts nothing else names a bad certificate here instead.
        reqwest::Client::builder()
            .tls_certs_only(certs.iter().cloned())
            .build()
            .map_err(|e| {
                let mut message =
                    format!("{which}holds a certificate the TLS backend refuses: {e}");
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    message = format!("{message}: {s}");
                    source = s.source();
                }
                ConfigError::new(SETTING, message)
            })?;
        roots.extend(certs);
    }
    Ok(roots)
}

/// Without a TLS backend an extra root could never be used: refused rather than dropped.
#[cfg(all(
    not(target_arch = "wasm32"),
    not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))
))]
pub(crate) fn parse(
    pems: &[RootCertificatePem],
) -> Result<Vec<std::convert::Infallible>, ConfigError> {
    if pems.is_empty() {
        return Ok(Vec::new());
    }
    Err(ConfigError::new(
        SETTING,
        "this build has no TLS backend: enable the `rustls`, `rustls-ring` or `native-tls` feature",
    ))
}

/// The platform's roots and the extra ones: the extra ones widen trust, never replace it.
#[cfg(all(
    not(target_arch = "wasm32"),
    any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")
))]
pub(crate) fn with_extra_roots(
    http: reqwest::ClientBuilder,
    roots: Vec<reqwest::Certificate>,
) -> reqwest::ClientBuilder {
    if roots.is_empty() {
        return http;
    }
    http.tls_certs_merge(roots)
}

/// Without a TLS backend, `tls_roots::parse` refused any extra root.
#[cfg(all(
    not(target_arch = "wasm32"),
    not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))
))]
pub(crate) fn with_extra_roots(
    http: reqwest::ClientBuilder,
    roots: Vec<std::convert::Infallible>,
) -> reqwest::ClientBuilder {
    debug_assert!(roots.is_empty());
    http
}
