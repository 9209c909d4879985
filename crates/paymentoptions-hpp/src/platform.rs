//! What the client needs from the platform, on native targets and on `wasm32-unknown-unknown`
//! (browsers, Cloudflare Workers, Node), where `std`'s clock panics and tokio has no timer:
//! waiting before a retry, the wall clock (for `Retry-After` dates) and elapsed time.
//!
//! On wasm the JavaScript host provides all three (`setTimeout`, `Date.now()`), through the
//! `js-sys` crate that reqwest's fetch backend already brings.

use std::time::{Duration, SystemTime};

/// Waits `delay` without blocking the executor.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn sleep(delay: Duration) {
    tokio::time::sleep(delay).await;
}

/// Waits `delay` on the host's `setTimeout`, which browsers, Workers and Node all have.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn sleep(delay: Duration) {
    use wasm_bindgen::JsValue;

    // setTimeout takes a signed 32-bit number of milliseconds.
    let ms = delay.as_millis().min(i32::MAX as u128) as f64;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let global = js_sys::global();
        match js_sys::Reflect::get(&global, &JsValue::from_str("setTimeout")) {
            Ok(set_timeout) if set_timeout.is_function() => {
                let set_timeout = js_sys::Function::from(set_timeout);
                let _ = set_timeout.call2(&global, &resolve, &JsValue::from_f64(ms));
            }
            // A host without a timer: retry at once rather than never.
            _ => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The wall clock.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn now() -> SystemTime {
    SystemTime::now()
}

/// The wall clock, from `Date.now()` (`SystemTime::now()` panics on this target).
#[cfg(target_arch = "wasm32")]
pub(crate) fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs_f64(js_sys::Date::now().max(0.0) / 1000.0)
}

/// Measures elapsed time (for the request span's `duration_ms`).
pub(crate) struct Stopwatch {
    #[cfg(not(target_arch = "wasm32"))]
    started: std::time::Instant,
    /// `Date.now()` at the start: `Instant::now()` panics on this target.
    #[cfg(target_arch = "wasm32")]
    started_ms: f64,
}

impl Stopwatch {
    /// Starts measuring.
    pub(crate) fn start() -> Self {
        Self {
            #[cfg(not(target_arch = "wasm32"))]
            started: std::time::Instant::now(),
            #[cfg(target_arch = "wasm32")]
            started_ms: js_sys::Date::now(),
        }
    }

    /// Whole milliseconds since [`start`](Self::start).
    pub(crate) fn elapsed_ms(&self) -> u64 {
        #[cfg(not(target_arch = "wasm32"))]
        return self.started.elapsed().as_millis() as u64;
        #[cfg(target_arch = "wasm32")]
        return (js_sys::Date::now() - self.started_ms).max(0.0) as u64;
    }
}

/// Seeds the retry jitter's generator on wasm, where `fastrand` has no entropy of its own
/// (every instance would otherwise wait the same jittered delays). Native targets seed it from
/// the OS already.
pub(crate) fn seed_jitter() {
    #[cfg(target_arch = "wasm32")]
    fastrand::seed((js_sys::Math::random() * (1u64 << 53) as f64) as u64);
}

/// A response read through the same `chunk()` loop as natively, although the fetch backend
/// only hands out the whole body.
#[cfg(target_arch = "wasm32")]
pub(crate) struct WholeBody(Option<reqwest::Response>);

#[cfg(target_arch = "wasm32")]
impl WholeBody {
    /// Wraps a response whose body has not been read.
    pub(crate) fn new(response: reqwest::Response) -> Self {
        Self(Some(response))
    }

    /// The whole body the first time (`None` if it is empty), then `None`.
    pub(crate) async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, reqwest::Error> {
        match self.0.take() {
            Some(response) => Ok(Some(response.bytes().await?).filter(|b| !b.is_empty())),
            None => Ok(None),
        }
    }
}
