//! Workspace automation behind `cargo xtask`.
//!
//! The library half exists so that other crates' tests (the drift test in `tests/`) can run the
//! exact same generator as `cargo xtask generate --check`.

mod client;
pub mod codegen;
mod docs;
pub mod httpmock;
pub mod ordered;
pub mod report;
pub mod semver;
pub mod spec;
pub mod surface;

use std::path::{Path, PathBuf};

/// The OpenAPI document every generated file is derived from, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/paymentoptions-hpp.yaml";

/// The generated module of `paymentoptions-hpp-client`, relative to the workspace root.
pub const GENERATED_PATH: &str = "crates/paymentoptions-hpp-client/src/generated.rs";

/// The spec as pretty-printed JSON with sorted keys, beside the client's generated module, which
/// embeds it (`api::OPENAPI_JSON`); the change report compares against it.
pub const SPEC_JSON_PATH: &str = "crates/paymentoptions-hpp-client/src/openapi.json";

/// The wrapper's generated surface (setters, request builders, operation methods).
pub const WRAPPER_GENERATED_PATH: &str = "crates/paymentoptions-hpp/src/generated.rs";

/// The CLI's generated surface (field flags, operation subcommands).
pub const CLI_GENERATED_PATH: &str = "crates/paymentoptions-hpp-cli/src/generated.rs";

/// The generated module of `paymentoptions-hpp-httpmock` (typed `httpmock` stubs), relative to
/// the workspace root.
pub const HTTPMOCK_PATH: &str = "crates/paymentoptions-hpp-httpmock/src/generated.rs";

/// Every file `cargo xtask generate` writes, the client's first.
pub const GENERATED_FILES: &[&str] = &[
    GENERATED_PATH,
    SPEC_JSON_PATH,
    WRAPPER_GENERATED_PATH,
    CLI_GENERATED_PATH,
    HTTPMOCK_PATH,
];

/// The workspace root: the nearest directory holding [`SPEC_PATH`] at or above the
/// `CARGO_MANIFEST_DIR` that cargo sets when it runs this process (`cargo run`, `cargo test`),
/// else the checkout this crate was compiled in.
///
/// The run-time variable comes first because a target directory shared between checkouts
/// lets cargo reuse a binary built in another one: the compile-time path would then read
/// that checkout's spec, and `generate --check` would pass on a changed one. Searching
/// upwards lets any member of the workspace (`xtask/`, `tests/`, `crates/*`) call this.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .and_then(|dir| holding_the_spec(Path::new(&dir)))
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("xtask lives one level below the workspace root")
                .to_path_buf()
        })
}

/// The nearest of `dir` and its ancestors that holds [`SPEC_PATH`].
fn holding_the_spec(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(SPEC_PATH).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_from_any_member_or_not_at_all() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for member in ["xtask", "tests", "crates/paymentoptions-hpp-mock/src"] {
            assert_eq!(holding_the_spec(&root.join(member)).as_deref(), Some(root));
        }
        assert_eq!(
            holding_the_spec(&root.join("openapi")).as_deref(),
            Some(root)
        );
        assert_eq!(holding_the_spec(Path::new("/")), None);
    }
}
