//! Small statistics over the measurements, and the figures and ratios the benchmarks print.

use std::path::PathBuf;
use std::time::Duration;

use crate::fixtures::workspace_root;

/// The `p`-th percentile (0..=100, nearest rank) of sorted values.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> T {
    assert!(!sorted.is_empty(), "no values");
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of unsorted values (sorts them).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    assert!(n > 0, "no values");
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Criterion's median estimate (ns) of benchmark `group/id` from this run: `None` when criterion
/// did not measure it since `since` (test mode, `--list`, a filter that skipped it).
pub fn criterion_median_ns(group: &str, id: &str, since: std::time::SystemTime) -> Option<f64> {
    let home = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|t| PathBuf::from(t).join("criterion"))
        })
        .unwrap_or_else(|| workspace_root().join("target/criterion"));
    let path = home.join(group).join(id).join("new/estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates.pointer("/median/point_estimate")?.as_f64()
}

/// Prints each benchmark's median and its ratio to `baseline` (the first of `ids`), from
/// criterion's estimates of this run; prints nothing in test mode.
pub fn print_criterion_ratios(group: &str, ids: &[&str], since: std::time::SystemTime) {
    let Some(base) = criterion_median_ns(group, ids[0], since) else {
        return;
    };
    println!("\n{group}: medians from criterion, ratio to {}", ids[0]);
    for id in ids {
        if let Some(ns) = criterion_median_ns(group, id, since) {
            println!("  {id:<24} {:>12.0} ns   {:.3}x", ns, ns / base);
        }
    }
}

/// Runs each variant for `iters` iterations per round, `rounds` times, rotating which variant
/// goes first, so that a burst of noise on the machine hits every variant alike. Each variant
/// returns the time its `iters` iterations took. Prints, per variant, the median time per
/// iteration over the rounds and the median over rounds of its ratio to the first variant (the
/// baseline) in the same round; returns those ratios.
pub fn interleaved(
    title: &str,
    rounds: usize,
    iters: u64,
    variants: &mut [(&str, &mut dyn FnMut(u64) -> Duration)],
) -> Vec<f64> {
    let n = variants.len();
    let mut per_iter = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            let elapsed = (variants[i].1)(iters);
            per_iter[i].push(elapsed.as_nanos() as f64 / iters as f64);
        }
    }
    println!(
        "\n{title}: interleaved, {rounds} rounds x {iters} iterations, ratio to {}",
        variants[0].0
    );
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut ratios: Vec<f64> = (0..rounds)
            .map(|r| per_iter[i][r] / per_iter[0][r])
            .collect();
        let ratio = median(&mut ratios);
        let (lo, hi) = (percentile(&ratios, 25.0), percentile(&ratios, 75.0));
        let ns = median(&mut per_iter[i].clone());
        println!(
            "  {:<24} {:>12.0} ns   {:.3}x  (rounds' IQR {:.3}-{:.3})",
            variants[i].0, ns, ratio, lo, hi
        );
        out.push(ratio);
    }
    out
}

/// One load run's figures, as the load benchmarks (`sandbox_load`, `wrk_load`) report them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadFigures {
    /// Creates answered per second over the run.
    pub per_second: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
}

/// Prints the summary of alternated bare and sandbox rounds (BENCHMARKS.md, section 4): each
/// figure's median over rounds, and the median over rounds of the sandbox/bare throughput ratio
/// of the same round, against the targets. Returns that ratio.
pub fn print_load_summary(
    bare: &[LoadFigures],
    sandbox: &[LoadFigures],
    connections: usize,
) -> f64 {
    let med = |runs: &[LoadFigures], f: fn(&LoadFigures) -> f64| {
        median(&mut runs.iter().map(f).collect::<Vec<_>>())
    };
    let mut ratios: Vec<f64> = bare
        .iter()
        .zip(sandbox)
        .map(|(b, s)| s.per_second / b.per_second)
        .collect();
    let ratio = median(&mut ratios);
    println!("summary (medians over rounds):");
    for (name, runs) in [("bare", bare), ("sandbox", sandbox)] {
        println!(
            "  {name:<8} {:>9.0} creates/s   p50 {:>6.2} ms   p99 {:>6.2} ms",
            med(runs, |r| r.per_second),
            med(runs, |r| r.p50_ms),
            med(runs, |r| r.p99_ms),
        );
    }
    println!(
        "  sandbox/bare throughput {ratio:.2}x (target >= 0.5x); sandbox p99 {:.2} ms at \
         {connections} connections (target < 5 ms)",
        med(sandbox, |r| r.p99_ms),
    );
    ratio
}
