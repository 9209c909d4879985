//! Marks the browser tests (`tests/browser/`) ignored when Chromium or ChromeDriver is
//! missing and `CI` is not set. libtest has no way for a running test to say "skipped", so a
//! test that returned early was reported as passed; an ignored test is listed as `ignored`,
//! with the reason, and counted in the summary. Under CI the tests are never ignored, so a
//! missing browser fails them.

#[allow(dead_code)]
#[path = "src/browser.rs"]
mod browser;

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(no_browser)");
    println!("cargo::rerun-if-env-changed=CI");
    let env = |var: &str| {
        println!("cargo::rerun-if-env-changed={var}");
        std::env::var_os(var)
    };
    // Installing the browser later must rebuild with the tests enabled: watch each executable,
    // or the directory it would appear in (a missing path would rerun this script every build).
    for (_, path) in browser::paths(&env) {
        let watched = if path.exists() {
            Some(path.as_path())
        } else {
            path.parent().filter(|dir| dir.is_dir())
        };
        if let Some(watched) = watched.and_then(Path::to_str) {
            println!("cargo::rerun-if-changed={watched}");
        }
    }
    if let browser::Decision::Skip(_) = browser::decide(browser::locate(env), browser::is_ci(&env))
    {
        println!("cargo::rustc-cfg=no_browser");
    }
}
