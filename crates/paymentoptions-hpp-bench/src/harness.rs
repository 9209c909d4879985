//! How a bench binary starts: its arguments, the profiler's single-variant mode, and whether
//! it measures or only smoke-runs.

/// The `main` of a bench binary: `parse` reads the arguments (an empty error means `--help`),
/// `run` does the work. Bad arguments print the error and `usage` and exit 2; a failed run
/// prints its error and exits 1.
pub fn bin_main<O>(
    usage: &str,
    parse: impl FnOnce() -> Result<O, String>,
    run: impl FnOnce(O) -> Result<(), String>,
) -> std::process::ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprint!("{usage}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The variant a profiler should see alone: `<PREFIX>_PROFILE=<variant>` names it (one of
/// `variants`; anything else panics with the list), `<PREFIX>_PROFILE_N` how many times to run
/// it (default `default_n`). `None` when `<PREFIX>_PROFILE` is not set.
pub fn profile_request(prefix: &str, variants: &[&str], default_n: u32) -> Option<(usize, u32)> {
    let name = std::env::var(format!("{prefix}_PROFILE")).ok()?;
    let variant = variants
        .iter()
        .position(|v| *v == name)
        .unwrap_or_else(|| panic!("{prefix}_PROFILE must be one of {variants:?}, not {name:?}"));
    let n = std::env::var(format!("{prefix}_PROFILE_N"))
        .map(|n| n.parse().expect("the count is a number"))
        .unwrap_or(default_n);
    Some((variant, n))
}

/// True when the bench binary was started by `cargo bench` (which passes `--bench`), false
/// under `cargo test --benches` (run once, as a smoke test).
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}
