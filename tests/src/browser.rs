//! Finding Chromium and ChromeDriver for the browser test (`tests/browser/`), and what to do
//! without them. Shared with `build.rs`, which marks the browser tests ignored when they are
//! missing outside CI, so that this file only uses `std`.

use std::ffi::OsString;
use std::path::PathBuf;

/// Where Chromium and ChromeDriver are.
#[derive(Debug)]
pub struct Browser {
    /// The Chromium executable.
    pub chromium: PathBuf,
    /// The ChromeDriver executable.
    pub chromedriver: PathBuf,
}

/// The variables naming the executables, and the Debian paths used when they are unset.
pub const LOCATIONS: [(&str, &str); 2] = [
    ("CHROMIUM", "/usr/bin/chromium"),
    ("CHROMEDRIVER", "/usr/bin/chromedriver"),
];

/// The path of each executable: its variable (looked up with `env`), or the Debian path.
pub fn paths(env: &impl Fn(&str) -> Option<OsString>) -> [(&'static str, PathBuf); 2] {
    LOCATIONS.map(|(var, default)| {
        let path = env(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default));
        (var, path)
    })
}

/// Chromium and ChromeDriver as `CHROMIUM` / `CHROMEDRIVER` (looked up with `env`) name them,
/// or else at their Debian paths; `Err` names what is missing.
pub fn locate(env: impl Fn(&str) -> Option<OsString>) -> Result<Browser, String> {
    let [(_, chromium), (_, chromedriver)] = paths(&env);
    let missing: Vec<String> = [("CHROMIUM", &chromium), ("CHROMEDRIVER", &chromedriver)]
        .into_iter()
        .filter(|(_, p)| !p.is_file())
        .map(|(var, p)| format!("{} (set {var} to override)", p.display()))
        .collect();
    if missing.is_empty() {
        Ok(Browser {
            chromium,
            chromedriver,
        })
    } else {
        Err(missing.join(", "))
    }
}

/// What a test does about the browser.
#[derive(Debug)]
pub enum Decision {
    /// Installed: run.
    Run(Browser),
    /// Not installed on a developer's machine: say so (the build marked the tests ignored).
    Skip(String),
    /// Not installed under CI, which installs it: fail.
    Fail(String),
}

/// The decision for what [`locate`] found, under CI (`ci`) or not.
pub fn decide(found: Result<Browser, String>, ci: bool) -> Decision {
    match found {
        Ok(browser) => Decision::Run(browser),
        Err(missing) if ci => Decision::Fail(format!(
            "CI is set but the browser test cannot find {missing}. CI must install the Debian \
             packages chromium and chromium-driver (.ci/run does)."
        )),
        Err(missing) => Decision::Skip(format!(
            "skipping: install chromium and chromium-driver (Debian) to run the browser test \
             (not found: {missing})"
        )),
    }
}

/// `true` when the `CI` value (looked up with `env`) is set and not empty.
pub fn is_ci(env: &impl Fn(&str) -> Option<OsString>) -> bool {
    env("CI").is_some_and(|v| !v.is_empty())
}
