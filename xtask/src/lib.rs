//! Workspace automation behind `cargo xtask`.
//!
//! The library half exists so that other crates' tests (the drift test in `tests/`) can run the
//! exact same generator as `cargo xtask generate --check`.

pub mod codegen;
pub mod httpmock;
pub mod report;
pub mod semver;
pub mod spec;

use std::path::{Path, PathBuf};

/// The OpenAPI document every generated file is derived from, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/paymentoptions-hpp.yaml";

/// The generated module of `paymentoptions-hpp-client`, relative to the workspace root.
pub const GENERATED_PATH: &str = "crates/paymentoptions-hpp-client/src/generated.rs";

/// The generated module of `paymentoptions-hpp-httpmock` (typed `httpmock` stubs), relative to
/// the workspace root.
pub const HTTPMOCK_PATH: &str = "crates/paymentoptions-hpp-httpmock/src/generated.rs";

/// The workspace root, found from this crate's manifest directory (so it works from any cwd).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
