//! Sending: the retry loop inside the request's tracing span, and one HTTP exchange (per-call
//! options applied, the body read up to its limit and scrubbed of keys, a non-2xx status
//! mapped to its error).

use bytes::Bytes;
use paymentoptions_hpp_client::api::Operation;
use reqwest::header;
use tracing::Instrument;
use url::Url;

use super::{Client, models};
use crate::error::{ApiError, DecodeError, Error, TransportError, TransportErrorKind};
use crate::platform::{self, Stopwatch};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::telemetry;

impl Client {
    /// Sends one operation with the client's retry policy, inside its tracing span.
    pub(super) async fn send(
        &self,
        op: &Operation,
        url: Url,
        body: Option<Bytes>,
        retry: RetryPolicy,
    ) -> Result<(u16, Vec<u8>), Error> {
        let method = reqwest::Method::from_bytes(op.method.as_bytes())
            .expect("the spec's methods are HTTP methods");
        let span = telemetry::request_span(op, &url);
        async move {
            let started = Stopwatch::start();
            let mut attempt = 1;
            let result = loop {
                let result = self.attempt(&method, &url, body.as_ref()).await;
                let error = match result {
                    Ok(ok) => break Ok(ok),
                    Err(e) => e,
                };
                match retry.delay_before(attempt, &error) {
                    Some(delay) => {
                        tracing::debug!(
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            status = error.status(),
                            "retrying"
                        );
                        platform::sleep(delay).await;
                        attempt += 1;
                    }
                    None => break Err(error),
                }
            };
            telemetry::record_end(
                &tracing::Span::current(),
                attempt,
                started.elapsed_ms(),
                &result,
            );
            result.map_err(|e| with_attempts(e, attempt))
        }
        .instrument(span)
        .await
    }

    /// One HTTP exchange: `Ok` with a 2xx status and its body, or the error it maps to.
    async fn attempt(
        &self,
        method: &reqwest::Method,
        url: &Url,
        body: Option<&Bytes>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut request = self.inner.http.request(method.clone(), url.clone());
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let options = self.options.as_deref();
        if let Some(options) = options {
            for (name, value) in &options.headers {
                request = request.header(name, value);
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(timeout) = options.and_then(|o| o.timeout) {
            request = request.timeout(timeout);
        }
        #[cfg(target_arch = "wasm32")]
        let request = request.timeout(
            options
                .and_then(|o| o.timeout)
                .unwrap_or(self.inner.timeout),
        );
        #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
        let mut response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, platform::now()));
        let success = response.status().is_success();
        let limit = self.inner.max_response_bytes;
        let announced = response.content_length();
        if success && announced.is_some_and(|n| n > limit as u64) {
            // A link is a few hundred bytes: refuse an oversized body before reading any of it.
            // (An error body is still read up to the limit, for diagnosis.)
            return Err(Error::Decode(Box::new(DecodeError::new(
                status,
                ".",
                format!(
                    "the body is larger than the {limit}-byte limit (Content-Length: {})",
                    announced.unwrap_or_default()
                ),
                b"",
            ))));
        }
        // The fetch backend has no `chunk()`: the body arrives whole, then the limit applies.
        #[cfg(target_arch = "wasm32")]
        let mut response = platform::WholeBody::new(response);
        // One allocation for a body whose length is announced; the limit caps what a header
        // can make the client reserve.
        let mut buf = Vec::with_capacity(announced.map_or(0, |n| n.min(limit as u64) as usize));
        let mut cut = false;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| with_response_status(transport_error(e), status))?
        {
            let room = limit - buf.len();
            if chunk.len() > room {
                buf.extend_from_slice(&chunk[..room]);
                cut = true;
                break;
            }
            buf.extend_from_slice(&chunk);
        }
        // A proxy or debugging server may echo the request headers back; the key must not
        // reach an error message through them.
        let buf = self.inner.keys.redact(buf);
        if success && cut {
            return Err(Error::Decode(Box::new(DecodeError::new(
                status,
                ".",
                format!("the body is larger than the {limit}-byte limit"),
                &buf,
            ))));
        }
        if success {
            return Ok((status, buf));
        }
        // Only a JSON object is an error body (serde would also read a struct from an array).
        let parsed = serde_json::from_slice::<serde_json::Value>(&buf)
            .ok()
            .filter(serde_json::Value::is_object)
            .and_then(|v| serde_json::from_value::<models::ErrorBody>(v).ok());
        Err(Error::Api(Box::new(ApiError {
            status,
            body: buf,
            parsed,
            retry_after,
        })))
    }
}

fn transport_error(e: reqwest::Error) -> Error {
    // A failed fetch does not say whether the request left (there is no `is_connect` on wasm):
    // it counts as possibly sent, so the default policy does not retry it.
    #[cfg(not(target_arch = "wasm32"))]
    let connect = e.is_connect();
    #[cfg(target_arch = "wasm32")]
    let connect = false;
    let kind = if connect {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Other
    };
    // reqwest's own message is generic ("error sending request for url (...)"); the innermost
    // cause says what happened. Neither carries headers, so no key can leak here.
    let summary = match kind {
        TransportErrorKind::Connect => crate::error::connect_summary(&e, e.url()),
        _ => None,
    };
    let message = summary.unwrap_or_else(|| {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message = format!("{message}: {s}");
            source = s.source();
        }
        message
    });
    Error::Transport(TransportError {
        kind,
        attempts: 1,
        message,
        response_status: None,
        source: Some(Box::new(e)),
    })
}

/// Notes the status of a response whose body failed after its head arrived.
fn with_response_status(e: Error, status: u16) -> Error {
    match e {
        Error::Transport(mut t) => {
            t.response_status = Some(status);
            Error::Transport(t)
        }
        other => other,
    }
}

fn with_attempts(e: Error, attempts: u32) -> Error {
    match e {
        Error::Transport(mut t) => {
            t.attempts = attempts;
            Error::Transport(t)
        }
        other => other,
    }
}
