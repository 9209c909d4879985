//! The library's retries and the sandbox's notification retries back off by one formula: the
//! wait grows by doubling from the first one, stops growing at the cap, and is jittered between
//! half and all of the step. They are two copies (the sandbox does not depend on the library),
//! so this test holds both to the same properties and, with the same random draw, to the same
//! waits.

use std::time::Duration;

use paymentoptions_hpp::RetryPolicy;
use paymentoptions_hpp_mock::DeliveryPolicy;

/// A backoff under test: the wait after the `n`th failure (1-based).
type Backoff<'a> = &'a dyn Fn(u32) -> Duration;

const SETTINGS: [(u64, u64); 4] = [(100, 800), (250, 10_000), (1, 1), (7, 1_000_000)];

fn library(initial: Duration, max: Duration) -> impl Fn(u32) -> Duration {
    let policy = RetryPolicy::default().with_backoff(initial, max);
    move |n| policy.backoff(n)
}

fn sandbox(initial: Duration, max: Duration) -> impl Fn(u32) -> Duration {
    let policy = DeliveryPolicy::default()
        .with_initial_backoff(initial)
        .with_max_backoff(max);
    move |n| policy.backoff(n)
}

/// The step before jitter: `initial` doubled `n - 1` times, at most `max`.
fn step(initial: Duration, max: Duration, n: u32) -> Duration {
    let mut step = initial;
    for _ in 1..n {
        step = step.saturating_mul(2);
        if step >= max {
            return max;
        }
    }
    step.min(max)
}

/// Every wait lies in `[step / 2, step]` for the doubling, capped `step`: so waits grow (two
/// failures later the shortest wait is the longest before) until the cap, never exceed it, and
/// are spread over the upper half of each step.
fn holds_the_properties(name: &str, backoff: Backoff<'_>, initial: Duration, max: Duration) {
    for n in (1..=40).chain([u32::MAX]) {
        let step = step(initial, max, n);
        let (mut low, mut high) = (Duration::MAX, Duration::ZERO);
        for _ in 0..200 {
            let wait = backoff(n);
            assert!(
                wait >= step / 2 && wait <= step,
                "{name}: wait {wait:?} after failure {n} is outside [{:?}, {step:?}]",
                step / 2
            );
            low = low.min(wait);
            high = high.max(wait);
        }
        // Jitter: failures at the same moment do not retry at the same moment.
        if step >= Duration::from_micros(100) {
            assert!(low < high, "{name}: no jitter after failure {n} ({low:?})");
        }
    }
}

#[test]
fn both_grow_cap_and_jitter_alike() {
    for (initial, max) in SETTINGS {
        let (initial, max) = (Duration::from_millis(initial), Duration::from_millis(max));
        holds_the_properties("library", &library(initial, max), initial, max);
        holds_the_properties("sandbox", &sandbox(initial, max), initial, max);
    }
}

#[test]
fn with_the_same_random_draw_both_wait_the_same() {
    for (initial, max) in SETTINGS {
        let (initial, max) = (Duration::from_millis(initial), Duration::from_millis(max));
        let (library, sandbox) = (library(initial, max), sandbox(initial, max));
        for n in (1..=40).chain([u32::MAX]) {
            for seed in 0..20 {
                fastrand::seed(seed);
                let from_library = library(n);
                fastrand::seed(seed);
                assert_eq!(
                    from_library,
                    sandbox(n),
                    "failure {n}, {initial:?} up to {max:?}"
                );
            }
        }
    }
}
