//! The reqwest client's settings: what each backend can be told, and what the fetch backend
//! (wasm32) cannot honour, refused rather than dropped.

use reqwest::header::HeaderMap;
use url::Url;

use crate::config::ClientBuilder;
use crate::error::ConfigError;

/// The pooled HTTP client for a builder's settings, sending `headers` on every request.
// The fetch backend picks the route itself: `base_url` only matters to the native one.
#[cfg_attr(target_arch = "wasm32", allow(unused_variables))]
pub(super) fn http_client(
    b: &ClientBuilder,
    headers: HeaderMap,
    base_url: &Url,
) -> Result<reqwest::Client, ConfigError> {
    #[cfg(all(
        feature = "rustls-ring",
        not(feature = "rustls"),
        not(target_arch = "wasm32")
    ))]
    install_ring_provider();
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(b.user_agent.as_str());
    #[cfg(not(target_arch = "wasm32"))]
    let http = native_settings(
        http,
        (b.connect_timeout, b.timeout),
        b.http2_prior_knowledge,
        b.proxy.as_deref(),
        base_url,
        &b.root_certificates,
    )?;
    #[cfg(target_arch = "wasm32")]
    wasm_settings(
        b.proxy.is_some(),
        b.http2_prior_knowledge,
        !b.root_certificates.is_empty(),
    )?;
    http.build()
        .map_err(|e| ConfigError::new("http_client", e.to_string()))
}

/// The settings only reqwest's native backend has (the fetch backend leaves them to the
/// JavaScript host's `fetch`).
#[cfg(not(target_arch = "wasm32"))]
fn native_settings(
    http: reqwest::ClientBuilder,
    (connect_timeout, timeout): (std::time::Duration, std::time::Duration),
    http2_prior_knowledge: bool,
    proxy: Option<&str>,
    base_url: &Url,
    root_certificates: &[crate::tls_roots::RootCertificatePem],
) -> Result<reqwest::ClientBuilder, ConfigError> {
    // Read even where unused below, so that a bad one is refused on every route.
    let roots = crate::tls_roots::parse(root_certificates)?;
    let mut http = http
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        // A link-creation endpoint has no reason to redirect, and following one would carry
        // `x-api-key` (which reqwest does not know to be secret) to another host.
        .redirect(reqwest::redirect::Policy::none());
    if http2_prior_knowledge {
        http = http.http2_prior_knowledge();
    }
    let direct_to_loopback = proxy.is_none() && crate::config::is_loopback(base_url);
    if direct_to_loopback {
        // HTTP(S)_PROXY from the environment must not capture a local sandbox's traffic.
        http = http.no_proxy();
    }
    if direct_to_loopback && base_url.scheme() == "http" {
        // Never speaks TLS: the extra roots are not added either, so that an `https://`
        // connection it should never make still fails.
        http = without_root_certificates(http);
    } else {
        http = crate::tls_roots::with_extra_roots(http, roots);
    }
    if let Some(proxy) = proxy {
        let proxy = reqwest::Proxy::all(proxy)
            .map_err(|e| ConfigError::new("proxy", format!("not a usable proxy URL: {e}")))?;
        http = http.proxy(proxy);
    }
    Ok(http)
}

/// A client for plain `http://` to a loopback host, with no proxy, never speaks TLS: it sends
/// to its base URL only and follows no redirect. Loading the platform's root certificates is
/// then most of the cost of building one (milliseconds, paid by every test that builds a
/// client against a local sandbox), so it trusts none: an `https://` connection it should
/// never make would fail its certificate check rather than succeed.
#[cfg(not(target_arch = "wasm32"))]
fn without_root_certificates(http: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    let http = http.tls_certs_only(std::iter::empty());
    http
}

/// Refuses the settings the fetch backend cannot honour, rather than dropping them silently.
#[cfg(target_arch = "wasm32")]
fn wasm_settings(
    proxy: bool,
    http2_prior_knowledge: bool,
    root_certificates: bool,
) -> Result<(), ConfigError> {
    if proxy {
        return Err(ConfigError::new(
            "proxy",
            "not supported on wasm32: requests go through the host's fetch, which picks the route",
        ));
    }
    if http2_prior_knowledge {
        return Err(ConfigError::new(
            "http2_prior_knowledge",
            "not supported on wasm32: the host's fetch picks the HTTP version",
        ));
    }
    if root_certificates {
        return Err(ConfigError::new(
            crate::tls_roots::SETTING,
            "not supported on wasm32: the host's fetch does TLS with the host's roots",
        ));
    }
    Ok(())
}

/// With `rustls-ring` (and not `rustls`), reqwest has no rustls crypto provider of its own and
/// panics when building a client without a process default: install ring's, unless the
/// application installed one already (then that one is used).
#[cfg(all(
    feature = "rustls-ring",
    not(feature = "rustls"),
    not(target_arch = "wasm32")
))]
fn install_ring_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may win the race to install one: either way, one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
