//! Notification delivery: POST the transaction to the merchant's webhook until it answers 2xx.
//!
//! At least once: every attempt is recorded, retries back off exponentially (with jitter) up
//! to `max_attempts`, and a delivery that still failed is kept as `failed` (visible under
//! `/__mock/deliveries`, and re-sendable) rather than dropped. Any finished delivery can be
//! re-sent on demand (see [`crate::redelivery`]): a new round of attempts, recorded after the
//! earlier ones.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::state::Shared;
use crate::views::{Attempt, DeliveryState};

/// How notifications are retried.
///
/// Start from [`DeliveryPolicy::default`] and change what you need with the `with_*` methods
/// (the struct is `#[non_exhaustive]`, so new settings can be added without breaking your
/// code):
///
/// ```
/// use std::time::Duration;
/// use paymentoptions_hpp_mock::{DeliveryPolicy, MockConfig};
///
/// let fast = DeliveryPolicy::default()
///     .with_max_attempts(4)
///     .with_initial_backoff(Duration::from_millis(10))
///     .with_max_backoff(Duration::from_millis(50))
///     .with_timeout(Duration::from_secs(2));
/// let config = MockConfig::default().with_delivery(fast);
/// assert_eq!(config.delivery.max_attempts, 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryPolicy {
    /// Attempts in all (the first included).
    pub max_attempts: u32,
    /// Wait before the second attempt; doubles each time.
    pub initial_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// How long one attempt may take.
    pub timeout: Duration,
}

impl Default for DeliveryPolicy {
    /// 8 attempts, 250 ms doubling up to 10 s, 10 s per attempt.
    fn default() -> Self {
        Self {
            max_attempts: 8,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            timeout: Duration::from_secs(10),
        }
    }
}

impl DeliveryPolicy {
    /// Sets [`max_attempts`](Self::max_attempts): attempts in all, the first included.
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets [`initial_backoff`](Self::initial_backoff): the wait before the second attempt,
    /// doubled after each failed one.
    #[must_use]
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets [`max_backoff`](Self::max_backoff): the longest wait between attempts.
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets [`timeout`](Self::timeout): how long one attempt may take.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The wait after `failed_attempts`: the sandbox's picture of how PaymentOptions spaces
    /// re-deliveries (not documented), a fact of its own, unrelated to the client's retries.
    pub(crate) fn backoff(&self, failed_attempts: u32) -> Duration {
        let step = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(failed_attempts.saturating_sub(1)))
            .min(self.max_backoff);
        // Between half and all of the step, so that many failing deliveries spread out.
        step / 2 + (step / 2).mul_f64(fastrand::f64())
    }
}

/// Delivers `id` in the background, attempt after attempt, recording each.
pub(crate) fn spawn(shared: Arc<Shared>, id: Uuid) {
    let store_handle = shared.clone();
    let task = tokio::spawn(async move {
        run(&shared, id).await;
        shared
            .store
            .lock()
            .expect("store lock")
            .delivery_task_done(&id);
    });
    store_handle
        .store
        .lock()
        .expect("store lock")
        .set_delivery_task(id, task.abort_handle());
}

/// Ends delivery `id` as failed without sending it, with one attempt saying why.
fn fail_unsent(shared: &Shared, id: Uuid, at: String, error: String) {
    let mut store = shared.store.lock().expect("store lock");
    if let Some(d) = store.delivery_mut(&id) {
        d.attempts.push(Attempt {
            at,
            status: None,
            error: Some(error),
            redelivery: d.redeliveries,
        });
        d.state = DeliveryState::Failed;
    }
    drop(store);
    shared.delivery_changed.notify_waiters();
}

async fn run(shared: &Shared, id: Uuid) {
    let policy = shared.config.delivery;
    loop {
        let Some(delivery) = shared.store.lock().expect("store lock").delivery(&id) else {
            return; // reset or evicted
        };
        // This round's: a re-delivery gets the policy's attempts again.
        let done = delivery
            .attempts
            .iter()
            .filter(|a| a.redelivery == delivery.redeliveries)
            .count() as u32;
        let (url, outcome) = (delivery.url.as_str(), delivery.outcome);
        let at = crate::now();
        if let Some(reason) = shared.own_address(url) {
            // A notification to the sandbox's own routes (`/__mock/reset`...) would act on it.
            fail_unsent(
                shared,
                id,
                at,
                format!("not sent: {reason}; the sandbox never notifies itself"),
            );
            return;
        }
        let http = match shared.http() {
            Ok(http) => http,
            Err(reason) => {
                fail_unsent(shared, id, at, format!("not sent: {reason}"));
                return;
            }
        };
        let result = http
            .post(url)
            .timeout(policy.timeout)
            .header("content-type", "application/json")
            .header("x-mock-outcome", outcome.state().as_str())
            .header(crate::guard::SENDER_HEADER, &shared.sender_id)
            .body(serde_json::to_vec(&delivery.body).expect("a JSON value serializes"))
            .send()
            .await;
        let (status, error) = match &result {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(describe(e))),
        };
        let delivered = result.map(|r| r.status().is_success()).unwrap_or(false);
        let attempts = done + 1;
        {
            let mut store = shared.store.lock().expect("store lock");
            let Some(d) = store.delivery_mut(&id) else {
                return;
            };
            d.attempts.push(Attempt {
                at,
                status,
                error,
                redelivery: d.redeliveries,
            });
            d.state = if delivered {
                DeliveryState::Delivered
            } else if attempts >= policy.max_attempts {
                DeliveryState::Failed
            } else {
                DeliveryState::Pending
            };
            if d.state != DeliveryState::Pending {
                tracing::debug!(delivery = %id, state = ?d.state, attempts, "notification delivery finished");
                shared.delivery_changed.notify_waiters();
                return;
            }
        }
        shared.delivery_changed.notify_waiters();
        tokio::time::sleep(policy.backoff(attempts)).await;
    }
}

fn describe(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let p = DeliveryPolicy::default()
            .with_max_attempts(10)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(400))
            .with_timeout(Duration::from_secs(1));
        for _ in 0..100 {
            for (failed, step) in [(1, 100), (2, 200), (3, 400), (9, 400), (u32::MAX, 400)] {
                let d = p.backoff(failed);
                assert!(d >= Duration::from_millis(step / 2) && d <= Duration::from_millis(step));
            }
        }
        // A first wait above the cap is capped; the largest settings do not overflow.
        let capped = DeliveryPolicy::default()
            .with_initial_backoff(Duration::from_secs(7))
            .with_max_backoff(Duration::from_secs(1));
        assert!(capped.backoff(1) <= Duration::from_secs(1));
        let huge = DeliveryPolicy::default()
            .with_initial_backoff(Duration::MAX)
            .with_max_backoff(Duration::MAX);
        assert!(huge.backoff(u32::MAX) >= Duration::MAX / 2);
    }

    #[test]
    fn builders_set_their_field_and_nothing_else() {
        let d = DeliveryPolicy::default();
        let ms = Duration::from_millis;
        assert_eq!(
            d.with_max_attempts(3),
            DeliveryPolicy {
                max_attempts: 3,
                ..d
            }
        );
        assert_eq!(
            d.with_initial_backoff(ms(1)),
            DeliveryPolicy {
                initial_backoff: ms(1),
                ..d
            }
        );
        assert_eq!(
            d.with_max_backoff(ms(2)),
            DeliveryPolicy {
                max_backoff: ms(2),
                ..d
            }
        );
        assert_eq!(
            d.with_timeout(ms(3)),
            DeliveryPolicy {
                timeout: ms(3),
                ..d
            }
        );
    }
}
