//! Whether the browser tests run: skipped without a browser on a developer's machine, failed
//! under CI, and `build.rs` deciding the same.

use super::*;

/// Without a browser: skipped on a developer's machine, a failure under CI.
#[test]
fn a_missing_browser_skips_locally_and_fails_under_ci() {
    let nowhere = |var: &str| Some(OsString::from(format!("/nonexistent/{var}")));
    let missing = locate(nowhere).expect_err("nothing at /nonexistent");
    assert!(
        missing.contains("/nonexistent/CHROMIUM (set CHROMIUM"),
        "{missing}"
    );
    assert!(
        missing.contains("/nonexistent/CHROMEDRIVER (set CHROMEDRIVER"),
        "{missing}"
    );

    match decide(Err(missing.clone()), false) {
        Decision::Skip(m) => assert!(m.starts_with("skipping: install chromium"), "{m}"),
        other => panic!("expected a skip, got {other:?}"),
    }
    match decide(Err(missing), true) {
        Decision::Fail(m) => assert!(m.contains("CI is set") && m.contains("chromium-driver")),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// `build.rs` marks the browser tests ignored exactly when this run would have to skip them:
/// a browser installed since the last build, or `CI` set, rebuilds with them enabled.
#[test]
fn the_build_ignores_the_browser_tests_exactly_when_they_would_skip() {
    let env = |var: &str| std::env::var_os(var);
    let skip = matches!(decide(locate(env), is_ci(&env)), Decision::Skip(_));
    assert_eq!(
        cfg!(no_browser),
        skip,
        "build.rs decided differently from this run (was the test binary run outside cargo?)"
    );
}
