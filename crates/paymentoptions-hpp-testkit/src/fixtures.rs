//! The workspace's `fixtures/` (the spec's example bodies as files), so that no test restates
//! where they are.

use std::path::PathBuf;

/// `fixtures/<name>` under the workspace root.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// The bytes of `fixtures/<name>`, exactly as stored (panics, naming the file, if unreadable).
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `fixtures/<name>` as JSON (panics, naming the file, if it is not JSON).
pub fn fixture(name: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture_bytes(name)).unwrap_or_else(|e| panic!("fixtures/{name}: {e}"))
}
