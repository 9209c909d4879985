//! `cargo xtask semver`: cargo-semver-checks, the authority on the crates' Rust API.
//!
//! Slow (it builds rustdoc JSON twice per crate), so it is its own command rather than part of
//! `cargo xtask generate`; CI runs it. `--rehearse` proves the wrapper's promise: an additive
//! spec change (new optional fields) regenerates a client whose API breaks (its structs gain
//! public fields), while the wrapper's public API stays semver-compatible.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Published crates checked against a release.
const PUBLISHED: [&str; 5] = [
    "paymentoptions-hpp-client",
    "paymentoptions-hpp-httpmock",
    "paymentoptions-hpp",
    "paymentoptions-hpp-mock",
    "paymentoptions-hpp-cli",
];

/// What `cargo xtask semver` was asked to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Check against this git revision instead of the latest release tag.
    pub baseline_rev: Option<String>,
    /// Also run the rehearsal.
    pub rehearse: bool,
}

/// Parses `[--baseline-rev REV] [--rehearse]`.
pub fn parse_args(args: &[&str]) -> Option<Options> {
    let mut options = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--rehearse" => options.rehearse = true,
            "--baseline-rev" => options.baseline_rev = Some(it.next()?.to_string()),
            _ => return None,
        }
    }
    Some(options)
}

/// Runs the checks; `Err` explains what failed.
pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    ensure_installed()?;
    let baseline = match &options.baseline_rev {
        Some(rev) => Some(rev.clone()),
        None => latest_tag(root),
    };
    match baseline {
        Some(rev) => {
            eprintln!("==> cargo-semver-checks against {rev}");
            let mut cmd = cargo(root);
            cmd.args(["semver-checks", "check-release", "--baseline-rev", &rev]);
            for package in lib_packages() {
                cmd.args(["--package", package]);
            }
            if !cmd.status().map_err(|e| e.to_string())?.success() {
                return Err(format!(
                    "cargo-semver-checks found changes that need a bigger version bump than the \
                     Cargo.toml versions show (against {rev}); bump the versions it names"
                ));
            }
        }
        None => eprintln!(
            "==> no release tag yet (and no --baseline-rev): nothing to compare the crates with"
        ),
    }
    if options.rehearse {
        rehearse(root)?;
    }
    Ok(())
}

/// The published crates that have a library target (cargo-semver-checks checks libraries).
fn lib_packages() -> impl Iterator<Item = &'static str> {
    PUBLISHED
        .into_iter()
        .filter(|p| *p != "paymentoptions-hpp-cli")
}

fn cargo(dir: &Path) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(dir);
    cmd
}

/// The release installed when none is: pinned, like progenitor, because what it reports can
/// change between releases (and each supports a range of rustdoc JSON formats).
const SEMVER_CHECKS_VERSION: &str = "0.51.0";

fn ensure_installed() -> Result<(), String> {
    let installed = Command::new("cargo-semver-checks")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    eprintln!("==> installing cargo-semver-checks {SEMVER_CHECKS_VERSION} (once; several minutes)");
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "install",
            "--locked",
            &format!("cargo-semver-checks@{SEMVER_CHECKS_VERSION}"),
        ])
        // Its release profile asks for fat LTO in one codegen unit: the slowest build there is,
        // for a tool run a few times on small crates. Without them the install takes a fraction
        // of the CPU time on a 2-core machine.
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo install --locked cargo-semver-checks@{SEMVER_CHECKS_VERSION}` failed"
        ))
    }
}

fn latest_tag(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["describe", "--tags", "--abbrev=0"])
        .current_dir(root)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The additive change rehearsed: new optional fields in a request, a response and the
/// notification, as PaymentOptions might add them.
pub fn additive_change(spec: &str) -> Result<String, String> {
    let insert = |text: &str, anchor: &str, addition: &str| -> Result<String, String> {
        if !text.contains(anchor) {
            return Err(format!(
                "rehearsal anchor not found in the spec: {anchor:?}"
            ));
        }
        Ok(text.replacen(anchor, &format!("{anchor}{addition}"), 1))
    };
    let spec = insert(
        spec,
        "      properties:\n        return_url:\n          $ref: '#/components/schemas/ReturnUrlsRequest'\n",
        "        locale:\n          type: string\n          maxLength: 5\n          description: Language of the hosted page (rehearsal).\n",
    )?;
    let spec = insert(
        &spec,
        "      required: [id, url]\n      properties:\n",
        "        expires_at:\n          type: string\n          description: When the link expires (rehearsal).\n",
    )?;
    insert(
        &spec,
        "    TransactionDetails:\n      type: object\n      description: The transaction itself.\n      properties:\n",
        "        card_brand:\n          type: string\n          description: Card brand (rehearsal).\n",
    )
}

/// Copies the workspace, applies [`additive_change`], regenerates, and checks what
/// cargo-semver-checks says about each crate.
fn rehearse(root: &Path) -> Result<(), String> {
    let scratch = root.join("target").join("semver-rehearsal");
    let copy = scratch.join("workspace");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    }
    copy_tracked_files(root, &copy)?;
    let spec_path = copy.join(crate::SPEC_PATH);
    let spec = std::fs::read_to_string(&spec_path).map_err(|e| e.to_string())?;
    std::fs::write(&spec_path, additive_change(&spec)?).map_err(|e| e.to_string())?;

    let outcome = crate::codegen::run(&copy, false).map_err(|e| e.to_string())?;
    eprintln!(
        "==> rehearsal: an additive spec change\n{}",
        outcome.report.to_text()
    );

    // Shared with the surface rehearsals (xtask/tests/surface_rehearsal.rs): the dependencies
    // are compiled once for every scratch copy.
    let target = root.join("target").join("rehearsal-target");
    let check = |package: &str| -> Result<(bool, String), String> {
        let out = cargo(&copy)
            .env("CARGO_TARGET_DIR", &target)
            .args([
                "semver-checks",
                "check-release",
                "--package",
                package,
                "--baseline-root",
            ])
            .arg(root)
            .output()
            .map_err(|e| e.to_string())?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok((out.status.success(), text))
    };

    let (wrapper_ok, wrapper_out) = check("paymentoptions-hpp")?;
    eprintln!("==> cargo-semver-checks, paymentoptions-hpp:\n{wrapper_out}");
    if !wrapper_ok {
        return Err(
            "rehearsal failed: an additive spec change broke the public API of paymentoptions-hpp"
                .into(),
        );
    }
    let (client_ok, client_out) = check("paymentoptions-hpp-client")?;
    eprintln!("==> cargo-semver-checks, paymentoptions-hpp-client:\n{client_out}");
    // The control: the tool must see the generated structs gain fields, or the check above
    // proves nothing.
    if client_ok || !client_out.contains("constructible_struct_adds_field") {
        return Err(
            "rehearsal failed: cargo-semver-checks did not report the generated client's new \
             struct fields, so it is not checking what this rehearsal relies on"
                .into(),
        );
    }
    eprintln!(
        "==> rehearsal ok: the client needs a major bump (new public struct fields), the wrapper's \
         public API is unchanged"
    );
    Ok(())
}

/// Copies the files git tracks (the working tree version), so the copy builds like a clone.
fn copy_tracked_files(root: &Path, to: &Path) -> Result<(), String> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("git ls-files: {e}"))?;
    if !out.status.success() {
        return Err("git ls-files failed: the rehearsal needs a git checkout".into());
    }
    for rel in out.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let rel = PathBuf::from(String::from_utf8_lossy(rel).into_owned());
        let from = root.join(&rel);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let dest = to.join(&rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::copy(&from, &dest).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        assert_eq!(parse_args(&[]), Some(Options::default()));
        assert_eq!(
            parse_args(&["--rehearse", "--baseline-rev", "v0.1.0"]),
            Some(Options {
                baseline_rev: Some("v0.1.0".into()),
                rehearse: true
            })
        );
        assert_eq!(parse_args(&["--baseline-rev"]), None);
        assert_eq!(parse_args(&["--nope"]), None);
    }

    #[test]
    fn the_rehearsed_change_applies_to_the_current_spec() {
        let spec = std::fs::read_to_string(crate::workspace_root().join(crate::SPEC_PATH)).unwrap();
        let changed = additive_change(&spec).unwrap();
        let report = crate::report::diff(
            &crate::spec::parse(Path::new("a"), &spec).unwrap().to_json(),
            &crate::spec::parse(Path::new("b"), &changed)
                .unwrap()
                .to_json(),
        );
        let places: Vec<&str> = report.changes.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(
            places,
            [
                "HppLinkRequest.locale",
                "HppLinkResponse.expires_at",
                "TransactionDetails.card_brand"
            ]
        );
        assert_eq!(report.api(), crate::report::Api::Compatible);
    }
}
