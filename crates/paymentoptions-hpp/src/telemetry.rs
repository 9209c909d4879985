//! The request span: OpenTelemetry's HTTP client names, so that `tracing-opentelemetry` exports
//! it as a client span a collector understands, and nothing a log must not hold.
//!
//! The full URL is never recorded: a path carries a transaction id. The spec's path template
//! (`url.template`) says which operation it was; `operation` names it as the spec does.

use paymentoptions_hpp_client::api::Operation;
use tracing::Span;
use tracing::field::Empty;
use url::{Host, Url};

use crate::error::{Error, TransportErrorKind};

/// The span of one operation, retries included. `url` gives only its host and port.
pub(crate) fn request_span(op: &Operation, url: &Url) -> Span {
    let address = match url.host() {
        // Without the brackets of a URL: the semantic conventions want the address alone.
        Some(Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => String::new(),
    };
    tracing::info_span!(
        "paymentoptions_hpp.request",
        operation = op.id,
        "http.request.method" = op.method,
        "url.template" = op.path,
        "server.address" = address,
        // Integers as `i64` throughout: tracing-opentelemetry exports a `u64` as a string.
        "server.port" = url.port_or_known_default().map(i64::from),
        // Read by tracing-opentelemetry: a client span named as the conventions name one.
        "otel.kind" = "client",
        "otel.name" = %format_args!("{} {}", op.method, op.path),
        "otel.status_code" = Empty,
        attempts = Empty,
        duration_ms = Empty,
        "http.response.status_code" = Empty,
        "error.type" = Empty,
    )
}

/// Records how the operation ended on its span.
pub(crate) fn record_end(
    span: &Span,
    attempts: u32,
    duration_ms: u64,
    result: &Result<(u16, Vec<u8>), Error>,
) {
    span.record("attempts", i64::from(attempts));
    span.record(
        "duration_ms",
        i64::try_from(duration_ms).unwrap_or(i64::MAX),
    );
    match result {
        Ok((status, _)) => {
            span.record("http.response.status_code", i64::from(*status));
        }
        Err(e) => {
            if let Some(status) = e.status() {
                span.record("http.response.status_code", i64::from(status));
            }
            span.record("error.type", error_type(e).as_str());
            span.record("otel.status_code", "error");
            tracing::debug!(kind = error_kind(e), "request failed");
        }
    }
}

/// `error.type`: the status code for an HTTP error (as the conventions ask), otherwise a
/// low-cardinality name of what failed.
fn error_type(e: &Error) -> String {
    match e {
        Error::Api(api) => api.status().to_string(),
        Error::Transport(t) => match t.kind() {
            TransportErrorKind::Connect => "connect".into(),
            TransportErrorKind::Timeout => "timeout".into(),
            _ => "transport".into(),
        },
        other => error_kind(other).into(),
    }
}

pub(crate) fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Config(_) => "config",
        Error::Validation(_) => "validation",
        Error::Api(_) => "api",
        Error::Transport(_) => "transport",
        Error::Decode(_) => "decode",
        Error::InDoubt(_) => "in_doubt",
        Error::Refused(_) => "refused",
        Error::Undecided(_) => "undecided",
    }
}
