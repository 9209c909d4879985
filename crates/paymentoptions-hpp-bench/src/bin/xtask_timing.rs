//! End-to-end time of `cargo xtask generate --check` with the xtask already built: N runs of
//! the command as a maintainer types it (cargo's freshness check included), and N runs of the
//! built executable alone (`<target>/debug/xtask generate --check`, and `release/` when built).
//! Prints the median, min and max of each. Every run must succeed (the generated code must be
//! current); no time is asserted.
//!
//! ```sh
//! cargo run --release -p paymentoptions-hpp-bench --bin xtask_timing -- --runs 20
//! ```
//!
//! The untimed first run of `cargo xtask generate --check` builds the xtask if needed.
//!
//! `hyperfine`, when installed, measures the same thing (BENCHMARKS.md).

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use paymentoptions_hpp_bench::{machine, workspace_root};

const USAGE: &str = "\
usage: xtask_timing [--runs N] [--xtask PATH] [--no-cargo]

  --runs N      timed runs of each command (default 10), after one untimed run
  --xtask PATH  the built xtask executable (default: <target dir>/debug/xtask, and
                <target dir>/release/xtask when it exists)
  --no-cargo    do not time `cargo xtask generate --check` itself
";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Runs `command` once untimed, then `runs` times; the times of the timed runs.
fn time(
    label: &str,
    mut command: impl FnMut() -> Command,
    runs: usize,
) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..=runs {
        let started = Instant::now();
        let output = command()
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{label}: cannot start: {e}"))?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            return Err(format!(
                "{label} failed ({}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        if i > 0 {
            times.push(elapsed);
        }
    }
    times.sort_unstable();
    Ok(times)
}

fn report(label: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = times.len();
    let median = if n % 2 == 1 {
        ms(times[n / 2])
    } else {
        (ms(times[n / 2 - 1]) + ms(times[n / 2])) / 2.0
    };
    println!(
        "  {label:<52} median {median:>7.1} ms   min {:>7.1} ms   max {:>7.1} ms   ({n} runs)",
        ms(times[0]),
        ms(times[n - 1]),
    );
}

fn run() -> Result<(), String> {
    let mut runs = 10;
    let mut executables = Vec::new();
    let mut cargo = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--runs needs a number >= 1")?
            }
            "--xtask" => {
                executables.push(PathBuf::from(args.next().ok_or("--xtask needs a path")?))
            }
            "--no-cargo" => cargo = false,
            _ => return Err(format!("unknown argument {arg}\n{USAGE}")),
        }
    }
    println!("machine: {}", machine());
    println!("`generate --check`, {runs} runs each after one untimed run:");
    if cargo {
        let cargo_bin = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let times = time(
            "cargo xtask generate --check",
            || {
                let mut c = Command::new(&cargo_bin);
                c.args(["xtask", "generate", "--check"]);
                c
            },
            runs,
        )?;
        report("cargo xtask generate --check", &times);
    }
    if executables.is_empty() {
        let debug = target_dir().join("debug/xtask");
        if !debug.exists() {
            return Err(format!(
                "{} is not built: run `cargo xtask generate --check` once (with the same \
                 CARGO_TARGET_DIR), or pass --xtask PATH",
                debug.display()
            ));
        }
        executables.push(debug);
        let release = target_dir().join("release/xtask");
        if release.exists() {
            executables.push(release);
        }
    }
    for exe in &executables {
        let label = format!("{} generate --check", exe.display());
        let times = time(
            &label,
            || {
                let mut c = Command::new(exe);
                c.args(["generate", "--check"]);
                c
            },
            runs,
        )?;
        report(&label, &times);
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
