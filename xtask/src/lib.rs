//! Workspace automation behind `cargo xtask`.
//!
//! The library half exists so that other crates' tests (the drift test in `tests/`) can run the
//! exact same generator as `cargo xtask generate --check`.

pub mod codegen;
pub mod report;
pub mod semver;
pub mod spec;
pub mod surface;

use std::path::{Path, PathBuf};

/// The OpenAPI document every generated file is derived from, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/paymentoptions-hpp.yaml";

/// The generated module of `paymentoptions-hpp-client`, relative to the workspace root.
pub const GENERATED_PATH: &str = "crates/paymentoptions-hpp-client/src/generated.rs";

/// The wrapper's generated surface (setters, request builders, operation methods).
pub const WRAPPER_GENERATED_PATH: &str = "crates/paymentoptions-hpp/src/generated.rs";

/// The CLI's generated surface (field flags, operation subcommands).
pub const CLI_GENERATED_PATH: &str = "crates/paymentoptions-hpp-cli/src/generated.rs";

/// Every file `cargo xtask generate` writes, the client's first.
pub const GENERATED_FILES: &[&str] = &[GENERATED_PATH, WRAPPER_GENERATED_PATH, CLI_GENERATED_PATH];

/// The workspace root, found from this crate's manifest directory (so it works from any cwd).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
