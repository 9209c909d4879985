//! The addresses a sandbox answers as: its socket address and its `public_url`, which a
//! request's `Host` and `Origin` must name (see [`guard`](crate::guard)) and a notification must
//! not (see [`delivery`](crate::delivery)).

use std::net::{IpAddr, SocketAddr};

/// The addresses the sandbox answers as.
pub(crate) struct OwnAddresses {
    addr: SocketAddr,
    /// `public_url`'s host (lower case) and port (explicit or the scheme's).
    public: Option<(String, u16)>,
}

impl OwnAddresses {
    pub(crate) fn new(addr: SocketAddr, public_url: Option<&str>) -> Self {
        let public = public_url
            .and_then(|u| reqwest::Url::parse(u).ok())
            .and_then(|u| {
                Some((
                    u.host_str()?.to_ascii_lowercase(),
                    u.port_or_known_default()?,
                ))
            });
        Self { addr, public }
    }

    /// `true` when a request for `host:port` is meant for this sandbox.
    pub(crate) fn is_own_authority(&self, host: &str, port: u16) -> bool {
        let host = host.to_ascii_lowercase();
        if self.public.as_ref() == Some(&(host.clone(), port)) {
            return true;
        }
        if port != self.addr.port() {
            return false;
        }
        if host == "localhost" {
            return true;
        }
        match parse_ip(&host) {
            Some(ip) => ip == self.addr.ip() || self.addr.ip().is_unspecified(),
            None => false,
        }
    }

    /// Why a notification to `url` would reach the sandbox itself, if it would.
    pub(crate) fn own_url(&self, url: &str) -> Option<String> {
        let url = reqwest::Url::parse(url).ok()?;
        let host = url.host_str()?.to_ascii_lowercase();
        let port = url.port_or_known_default()?;
        let local = host == "localhost"
            || parse_ip(&host)
                .is_some_and(|ip| ip.is_loopback() || ip.is_unspecified() || ip == self.addr.ip());
        let own = (local && port == self.addr.port())
            || self.public.as_ref() == Some(&(host.clone(), port));
        own.then(|| format!("{host}:{port} is the sandbox's own address"))
    }
}

/// `127.0.0.1` or `[::1]` (as a `Host` writes an IPv6 address).
fn parse_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// `host` and `port` of a `Host` header value (`port` defaults to 80: the sandbox speaks
/// plain HTTP).
pub(crate) fn split_authority(authority: &str) -> Option<(&str, u16)> {
    let authority = authority.trim();
    // `[::1]:8080`, `[::1]`, `host:8080`, `host`.
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => {
            (&authority[..i], authority[i + 1..].parse().ok()?)
        }
        _ => (authority, 80),
    };
    (!host.is_empty()).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_authorities() {
        let loopback = OwnAddresses::new(SocketAddr::from(([127, 0, 0, 1], 4000)), None);
        for (host, port, own) in [
            ("127.0.0.1", 4000, true),
            ("LOCALHOST", 4000, true),
            ("127.0.0.1", 4001, false),
            ("127.0.0.2", 4000, false),
            ("rebound.example", 4000, false),
        ] {
            assert_eq!(loopback.is_own_authority(host, port), own, "{host}:{port}");
        }
        let any = OwnAddresses::new(
            SocketAddr::from(([0, 0, 0, 0], 4000)),
            Some("https://Sandbox.Test/base"),
        );
        for (host, port, own) in [
            ("192.168.1.9", 4000, true),
            ("[::1]", 4000, true),
            ("sandbox.test", 443, true),
            ("sandbox.test", 4000, false),
            ("other.test", 4000, false),
        ] {
            assert_eq!(any.is_own_authority(host, port), own, "{host}:{port}");
        }
        assert_eq!(split_authority("[::1]:8080"), Some(("[::1]", 8080)));
        assert_eq!(split_authority("[::1]"), Some(("[::1]", 80)));
        assert_eq!(split_authority("h"), Some(("h", 80)));
        assert_eq!(split_authority("h:x"), None);
    }

    #[test]
    fn own_urls() {
        let own = OwnAddresses::new(
            SocketAddr::from(([127, 0, 0, 1], 4000)),
            Some("http://sandbox.test:8080"),
        );
        for url in [
            "http://127.0.0.1:4000/__mock/reset",
            "http://localhost:4000/x",
            "http://[::1]:4000/",
            "http://0.0.0.0:4000/",
            "http://sandbox.test:8080/__mock/reset",
        ] {
            assert!(own.own_url(url).is_some(), "{url}");
        }
        for url in [
            "http://127.0.0.1:4001/",
            "https://merchant.example/hook",
            "http://sandbox.test/",
        ] {
            assert_eq!(own.own_url(url), None, "{url}");
        }
    }
}
