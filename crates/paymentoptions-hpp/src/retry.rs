//! When a failed link creation is sent again.
//!
//! Creating a link is not idempotent and PaymentOptions documents no idempotency key, so a retry
//! after the server may have seen the request can create a second link. The default policy only
//! retries failures that happened before the request left this machine (connect errors: DNS, TCP,
//! TLS). Retrying more is an explicit opt-in.

use std::time::Duration;

use crate::error::{Error, TransportErrorKind};

/// Which failures are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryOn {
    /// Only failures where the request surely never reached the server (connect errors). The default.
    NeverSent,
    /// Also timeouts, dropped connections and statuses 408, 429, 502, 503, 504. These may have
    /// created a link already: opt in only if a duplicate link is harmless to you (for example
    /// because you reconcile on `merchant_txn_ref`).
    Transient,
}

/// Retry policy: which failures, how many times, how long to wait.
///
/// Waits grow exponentially from `initial_backoff` up to `max_backoff`, with jitter (each wait is
/// a random duration between half and all of the exponential step), so that many clients failing
/// together do not retry together. A `Retry-After` header is honoured: the wait is at least what
/// the server asked for, and when it asks for more than `max_retry_after`, the error is returned
/// at once (see [`ApiError::retry_after`](crate::ApiError::retry_after)).
///
/// ```
/// use std::time::Duration;
/// use paymentoptions_hpp::{RetryOn, RetryPolicy};
///
/// let default = RetryPolicy::default();
/// assert_eq!(default.retry_on(), RetryOn::NeverSent);
///
/// let eager = RetryPolicy::default()
///     .with_retry_on(RetryOn::Transient)
///     .with_max_retries(4)
///     .with_backoff(Duration::from_millis(100), Duration::from_secs(2));
/// # let _ = eager;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    retry_on: RetryOn,
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Up to 2 retries of connect failures, waiting about 0.25 s then 0.5 s.
    fn default() -> Self {
        Self {
            retry_on: RetryOn::NeverSent,
            max_retries: 2,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Which failures are retried.
    pub fn retry_on(&self) -> RetryOn {
        self.retry_on
    }

    /// How many times a request is re-sent at most (0: never).
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Sets which failures are retried.
    #[must_use]
    pub fn with_retry_on(mut self, retry_on: RetryOn) -> Self {
        self.retry_on = retry_on;
        self
    }

    /// Sets how many times a request is re-sent at most.
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first wait and the cap of the exponential backoff.
    #[must_use]
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the longest `Retry-After` that is waited out rather than returned.
    #[must_use]
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// How long to wait before retry number `retry` (1-based) after `error`, or `None` to stop.
    pub(crate) fn delay_before(&self, retry: u32, error: &Error) -> Option<Duration> {
        if retry > self.max_retries || !self.covers(error) {
            return None;
        }
        let jittered = self.backoff(retry);
        let retry_after = match error {
            Error::Api(e) => e.retry_after,
            _ => None,
        };
        match retry_after {
            Some(asked) if asked > self.max_retry_after => None,
            Some(asked) => Some(asked.max(jittered)),
            None => Some(jittered),
        }
    }

    /// The wait before retry number `retry` (1-based) when the server asked for none: the
    /// exponential step, capped, then jittered between half and all of it.
    fn backoff(&self, retry: u32) -> Duration {
        let step = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }

    fn covers(&self, error: &Error) -> bool {
        match (self.retry_on, error) {
            (_, Error::Transport(t)) if t.kind == TransportErrorKind::Connect => true,
            (RetryOn::Transient, e) => e.is_retryable(),
            (RetryOn::NeverSent, _) => false,
        }
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, TransportError};

    fn transport(kind: TransportErrorKind) -> Error {
        Error::Transport(TransportError {
            kind,
            attempts: 1,
            message: String::new(),
            response_status: None,
            source: None,
        })
    }

    fn api(status: u16, retry_after: Option<Duration>) -> Error {
        Error::Api(Box::new(ApiError {
            status,
            body: Vec::new(),
            parsed: None,
            retry_after,
        }))
    }

    #[test]
    fn default_policy_retries_only_what_was_never_sent() {
        let p = RetryPolicy::default();
        assert!(
            p.delay_before(1, &transport(TransportErrorKind::Connect))
                .is_some()
        );
        assert!(
            p.delay_before(2, &transport(TransportErrorKind::Connect))
                .is_some()
        );
        assert!(
            p.delay_before(3, &transport(TransportErrorKind::Connect))
                .is_none()
        );
        assert!(
            p.delay_before(1, &transport(TransportErrorKind::Timeout))
                .is_none()
        );
        assert!(
            p.delay_before(1, &transport(TransportErrorKind::Other))
                .is_none()
        );
        assert!(p.delay_before(1, &api(503, None)).is_none());
        assert!(p.delay_before(1, &api(429, None)).is_none());
        assert!(
            RetryPolicy::none()
                .delay_before(1, &transport(TransportErrorKind::Connect))
                .is_none()
        );
    }

    #[test]
    fn transient_policy_is_opt_in_and_skips_client_errors() {
        let p = RetryPolicy::default().with_retry_on(RetryOn::Transient);
        assert!(
            p.delay_before(1, &transport(TransportErrorKind::Timeout))
                .is_some()
        );
        for status in [408, 429, 502, 503, 504] {
            assert!(p.delay_before(1, &api(status, None)).is_some(), "{status}");
        }
        for status in [400, 401, 403, 404, 406, 412, 500] {
            assert!(p.delay_before(1, &api(status, None)).is_none(), "{status}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_within_bounds() {
        let p = RetryPolicy::default()
            .with_max_retries(10)
            .with_backoff(Duration::from_millis(100), Duration::from_millis(800));
        let err = transport(TransportErrorKind::Connect);
        for _ in 0..200 {
            for (retry, step) in [(1, 100), (2, 200), (3, 400), (4, 800), (8, 800)] {
                let d = p.delay_before(retry, &err).unwrap();
                assert!(d >= Duration::from_millis(step / 2), "{retry}: {d:?}");
                assert!(d <= Duration::from_millis(step), "{retry}: {d:?}");
            }
        }
        // The largest settings and retry counts do not overflow, and stay capped.
        let huge = RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX);
        assert!(huge.backoff(u32::MAX) >= Duration::MAX / 2);
        // A cap below the first wait is raised to it (`with_backoff`).
        let raised =
            RetryPolicy::default().with_backoff(Duration::from_secs(7), Duration::from_secs(1));
        for retry in [1, 2, 30] {
            let d = raised.backoff(retry);
            assert!(d >= Duration::from_millis(3500) && d <= Duration::from_secs(7));
        }
    }

    #[test]
    fn retry_after_is_honoured_or_returned() {
        let p = RetryPolicy::default().with_retry_on(RetryOn::Transient);
        let d = p
            .delay_before(1, &api(429, Some(Duration::from_secs(3))))
            .unwrap();
        assert_eq!(d, Duration::from_secs(3));
        assert!(
            p.delay_before(1, &api(429, Some(Duration::from_secs(31))))
                .is_none()
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
