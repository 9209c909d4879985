//! What each `format` the spec uses means: the one definition the library's checks and the
//! sandbox's validation both call, so a value one accepts the other never refuses for its
//! format.
//!
//! The spec names a format (`iso4217`, `iso3166-alpha2`, `email`, `uri`); what it admits is
//! decided here, once, and said in the spec's description of each field:
//! - `iso4217`: an active ISO 4217 alphabetic code, upper case (`JPY`; not `XYZ`, not `jpy`);
//! - `iso3166-alpha2`: an assigned ISO 3166-1 alpha-2 code, upper case (`JP`, `GB`; not `UK`,
//!   not `ZZ`);
//! - `email`: an address as RFC 5321 writes it, in ASCII (an internationalized domain is written
//!   in its ASCII form, `xn--...`, as mail servers exchange it);
//! - `uri`: an absolute `http` or `https` URL with a host (and a port that exists), written as
//!   RFC 3986 requires: a character a browser would encode (a space, `|`, a non-ASCII letter) or a
//!   `%` not followed by two hex digits is refused, with the encoded form to send instead, rather
//!   than encoded silently (the merchant's redirect must be what the merchant wrote).

/// Whether `value` is of `format`; `None` for a format this module does not define (the spec's
/// lint refuses such a format, so `None` means a spec newer than this code).
pub fn is_valid(format: &str, value: &str) -> Option<bool> {
    Some(match format {
        ISO4217 => iso4217(value),
        ISO3166_ALPHA2 => iso3166_alpha2(value),
        EMAIL => email(value).is_ok(),
        URI => http_url(value).is_ok(),
        _ => return None,
    })
}

/// The spec's format name for currency codes.
pub const ISO4217: &str = "iso4217";
/// The spec's format name for country codes.
pub const ISO3166_ALPHA2: &str = "iso3166-alpha2";
/// The spec's format name for e-mail addresses.
pub const EMAIL: &str = "email";
/// The spec's format name for URLs.
pub const URI: &str = "uri";

/// Every format this module defines, for code that registers them (the sandbox's validator).
pub const FORMATS: &[&str] = &[ISO4217, ISO3166_ALPHA2, EMAIL, URI];

/// An active ISO 4217 alphabetic currency code, upper case.
pub fn iso4217(value: &str) -> bool {
    is_upper_code(value, 3) && iso_currency::Currency::from_code(value).is_some()
}

/// An assigned ISO 3166-1 alpha-2 country code, upper case.
pub fn iso3166_alpha2(value: &str) -> bool {
    is_upper_code(value, 2) && value.parse::<iso_currency::Country>().is_ok()
}

/// The minor-unit exponent of an active ISO 4217 currency (`JPY` 0, `USD` 2, `KWD` 3), or
/// `None` for a code that is not one, or one without minor units defined (`XAU`).
pub fn currency_exponent(code: &str) -> Option<u32> {
    if !iso4217(code) {
        return None;
    }
    iso_currency::Currency::from_code(code)?
        .exponent()
        .map(u32::from)
}

fn is_upper_code(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_uppercase())
}

/// Why a value is not of the `email` format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailProblem {
    /// Not an address at all.
    Invalid,
    /// An address, but not in ASCII: `ascii` is the same address with its domain in its ASCII
    /// form, when the part before `@` is ASCII.
    NotAscii {
        /// The address to send instead, if there is one.
        ascii: Option<String>,
    },
}

/// Checks the `email` format.
pub fn email(value: &str) -> Result<(), EmailProblem> {
    if !email_address::EmailAddress::is_valid(value) {
        return Err(EmailProblem::Invalid);
    }
    if value.is_ascii() {
        return Ok(());
    }
    let ascii = value.rsplit_once('@').and_then(|(local, domain)| {
        let domain = url::Host::parse(domain).ok()?.to_string();
        let candidate = format!("{local}@{domain}");
        (local.is_ascii() && email_address::EmailAddress::is_valid(&candidate)).then_some(candidate)
    });
    Err(EmailProblem::NotAscii { ascii })
}

/// Why a value is not of the `uri` format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlProblem {
    /// Not an absolute `http` or `https` URL with a host (or its port does not exist).
    NotAbsoluteHttp,
    /// A URL, but with characters RFC 3986 does not allow as written: `encoded` is the same URL
    /// percent-encoded (what a browser would send), when that is itself of the format.
    NotEncoded {
        /// The URL to send instead, if there is one.
        encoded: Option<String>,
    },
}

/// Checks the `uri` format.
pub fn http_url(value: &str) -> Result<(), UrlProblem> {
    let parsed = match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && has_host(&u) => u,
        _ => return Err(UrlProblem::NotAbsoluteHttp),
    };
    if written_as_rfc3986(value) {
        return Ok(());
    }
    Err(UrlProblem::NotEncoded {
        encoded: encoded(&parsed),
    })
}

/// `url` as a browser would send it (the WHATWG serialization: an ASCII host, a non-ASCII or
/// blank character escaped), with what that leaves outside RFC 3986 (`|`, `[`, `^`...)
/// escaped too; `None` when a `%` starts no escape, whose meaning only the sender knows.
fn encoded(url: &url::Url) -> Option<String> {
    let serialized = url.as_str();
    let mut out = String::with_capacity(serialized.len());
    let bytes = serialized.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let allowed = match b {
            b'%' => {
                let escape = bytes.get(i + 1..i + 3);
                if !escape.is_some_and(|e| e.iter().all(u8::is_ascii_hexdigit)) {
                    return None;
                }
                true
            }
            b'[' | b']' => is_in_host(serialized, i),
            _ => is_uri_char(b),
        };
        if allowed {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    written_as_rfc3986(&out).then_some(out)
}

fn has_host(url: &url::Url) -> bool {
    url.host_str().is_some_and(|h| !h.is_empty())
}

/// Whether every character of `value` may stand as written in a URI (RFC 3986, section 2):
/// unreserved and reserved characters, and `%` only as the start of a two-hex-digit escape.
/// `[` and `]` only delimit an IPv6 host.
fn written_as_rfc3986(value: &str) -> bool {
    let bytes = value.as_bytes();
    let host_is_ip_literal = value
        .split_once("//")
        .is_some_and(|(_, rest)| rest.starts_with('['));
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ok = match b {
            b'%' => {
                let escape = bytes.get(i + 1..i + 3);
                if !escape.is_some_and(|e| e.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                i += 3;
                continue;
            }
            b'[' | b']' => host_is_ip_literal && is_in_host(value, i),
            _ => is_uri_char(b),
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// An unreserved or reserved character other than `[` and `]` (RFC 3986, section 2).
fn is_uri_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'()*+,;=".contains(&b)
}

/// Whether byte `at` of `value` lies in its authority (between `//` and the next `/`, `?` or
/// `#`).
fn is_in_host(value: &str, at: usize) -> bool {
    let Some(start) = value.find("//").map(|i| i + 2) else {
        return false;
    };
    let end = value[start..]
        .find(['/', '?', '#'])
        .map_or(value.len(), |i| start + i);
    (start..end).contains(&at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_case_and_assigned() {
        for ok in ["JPY", "USD", "KWD", "EUR"] {
            assert!(iso4217(ok), "{ok}");
        }
        for refused in ["XYZ", "jpy", "JP", "JPYY", "", "ＪＰＹ"] {
            assert!(!iso4217(refused), "{refused}");
        }
        for ok in ["JP", "GB", "US"] {
            assert!(iso3166_alpha2(ok), "{ok}");
        }
        for refused in ["UK", "ZZ", "jp", "JPN", ""] {
            assert!(!iso3166_alpha2(refused), "{refused}");
        }
    }

    #[test]
    fn exponents_are_iso_4217s() {
        let cases = [
            ("JPY", Some(0)),
            ("USD", Some(2)),
            ("KWD", Some(3)),
            ("BHD", Some(3)),
        ];
        for (code, exponent) in cases {
            assert_eq!(currency_exponent(code), exponent, "{code}");
        }
        assert_eq!(currency_exponent("XYZ"), None);
        assert_eq!(currency_exponent("usd"), None);
    }

    #[test]
    fn urls_are_absolute_http_and_written_as_rfc_3986_requires() {
        for ok in [
            "https://shop.example/paid",
            "http://127.0.0.1:8080/a?b=c&d=%20#frag",
            "https://[::1]:8443/x",
            "https://shop.example/a(b)*c;d=e,f'g!$+",
            "https://xn--bcher-kva.example/",
        ] {
            assert_eq!(http_url(ok), Ok(()), "{ok}");
        }
        for not_http in [
            "https://",
            "ftp://shop.example/",
            "/paid",
            "shop.example",
            "https://shop.example:99999/",
            "",
        ] {
            assert_eq!(
                http_url(not_http),
                Err(UrlProblem::NotAbsoluteHttp),
                "{not_http}"
            );
        }
        let encoded = |s: &str| match http_url(s) {
            Err(UrlProblem::NotEncoded { encoded }) => encoded,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(
            encoded("https://shop.example/a b").as_deref(),
            Some("https://shop.example/a%20b")
        );
        assert_eq!(
            encoded("https://shop.example/p|q").as_deref(),
            Some("https://shop.example/p%7Cq")
        );
        assert_eq!(
            encoded("https://shop.example/café").as_deref(),
            Some("https://shop.example/caf%C3%A9")
        );
        assert_eq!(
            encoded("https://bücher.example/").as_deref(),
            Some("https://xn--bcher-kva.example/")
        );
        assert!(matches!(
            http_url("https://shop.example/a[]"),
            Err(UrlProblem::NotEncoded { .. })
        ));
        // A broken escape has no encoded form that means the same: the sender must decide.
        assert_eq!(encoded("https://shop.example/%zz"), None);
    }

    #[test]
    fn email_addresses_are_ascii() {
        assert_eq!(email("billing@testemail.com"), Ok(()));
        assert_eq!(email("not an address"), Err(EmailProblem::Invalid));
        assert_eq!(
            email("user@bücher.example"),
            Err(EmailProblem::NotAscii {
                ascii: Some("user@xn--bcher-kva.example".into())
            })
        );
    }

    #[test]
    fn every_format_is_defined_and_others_are_not() {
        for format in FORMATS {
            assert!(is_valid(format, "").is_some(), "{format}");
        }
        assert_eq!(is_valid("date-time", "x"), None);
    }
}
