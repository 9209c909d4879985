//! The probe's one rule before anything is sent: a test environment only.
//!
//! PaymentOptions documents no key format, so no key can be told live from test by itself:
//! the library's notion of live is the client's (`Client::is_live`, true for production or when
//! set), and the probe adds the server. Allowed: the dev and staging base URLs, and a sandbox
//! on this machine (a loopback host). Refused: production (by name, by URL, by a live client)
//! and any other host, which could front production. Each transaction the probe acts on must
//! also say `is_live: false` (see `steps`).

use paymentoptions_hpp::{Client, Environment};
use url::Url;

use crate::args::ConnectionArgs;
use crate::exit::Failure;

/// The client of the connection flags and `PAYMENTOPTIONS_*` variables, when it talks to a
/// test environment; [`Failure::NotTest`] otherwise.
pub fn test_client(flags: &ConnectionArgs) -> Result<Client, Failure> {
    if flags.environment == Some(Environment::Production) {
        return Err(Failure::NotTest("--environment production".into()));
    }
    let client = crate::client::build(flags)?;
    check(&client)?;
    Ok(client)
}

/// Refuses a live client, or a base URL that is neither dev, staging nor this machine.
pub fn check(client: &Client) -> Result<(), Failure> {
    let url = client.base_url();
    if client.is_live() {
        return Err(Failure::NotTest(format!(
            "the client for {} is live (production, or set live)",
            origin(url)
        )));
    }
    if same_origin(url, &Environment::Production.base_url()) {
        return Err(Failure::NotTest(format!(
            "{} is the production base URL",
            origin(url)
        )));
    }
    let test_hosts = [Environment::Dev, Environment::Staging].map(|e| e.base_url());
    if is_loopback(url) || test_hosts.iter().any(|test| same_origin(url, test)) {
        return Ok(());
    }
    Err(Failure::NotTest(format!(
        "{} is not a PaymentOptions test environment",
        origin(url)
    )))
}

/// `scheme://host:port`, without a path (which the probe does not print).
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(url: &str, live: Option<bool>) -> Client {
        let mut builder = Client::builder().api_key("test-key").base_url(url);
        if let Some(live) = live {
            builder = builder.live(live);
        }
        builder.build().unwrap()
    }

    #[test]
    fn only_test_environments_pass() {
        for ok in [
            "https://api-dev.paymentoptions.com",
            "https://api-staging.paymentoptions.com/",
            "https://API-DEV.paymentoptions.com:443",
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:1234",
        ] {
            assert!(check(&client(ok, None)).is_ok(), "{ok}");
        }
        for refused in [
            "https://api.paymentoptions.com",
            "https://API.paymentoptions.com:443/",
            "https://api.paymentoptions.com/prefix",
            "https://proxy.shop.example",
            "https://api-dev.paymentoptions.com.evil.example",
            "https://api-dev.paymentoptions.com:8443",
        ] {
            let failure = check(&client(refused, None)).unwrap_err();
            assert!(matches!(failure, Failure::NotTest(_)), "{refused}");
        }
        let live = check(&client("http://127.0.0.1:8080", Some(true))).unwrap_err();
        assert!(live.to_string().contains("is live"), "{live}");
        let production = Client::builder()
            .api_key("test-key")
            .environment(Environment::Production)
            .build()
            .unwrap();
        assert!(matches!(check(&production), Err(Failure::NotTest(_))));
    }
}
