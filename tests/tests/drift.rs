//! Plain `cargo test` catches a spec change that was not followed by `cargo xtask generate`.

use xtask::codegen::{self, Freshness};

#[test]
fn generated_client_matches_the_spec() {
    let root = xtask::workspace_root();
    let fresh = codegen::render(&root.join(xtask::SPEC_PATH)).unwrap_or_else(|e| panic!("{e}"));
    assert_fresh(xtask::GENERATED_PATH, &fresh);
}

#[test]
fn generated_httpmock_stubs_match_the_spec() {
    let root = xtask::workspace_root();
    let fresh =
        xtask::httpmock::render(&root.join(xtask::SPEC_PATH)).unwrap_or_else(|e| panic!("{e}"));
    assert_fresh(xtask::HTTPMOCK_PATH, &fresh);
}

/// Fails with the start of the diff when the checked-in `rel` is not `fresh`.
fn assert_fresh(rel: &str, fresh: &str) {
    let on_disk = std::fs::read_to_string(xtask::workspace_root().join(rel)).ok();
    if let Freshness::Stale { diff } = codegen::compare(rel, on_disk.as_deref(), fresh) {
        const SHOWN: usize = 60;
        let shown: Vec<&str> = diff.lines().take(SHOWN).collect();
        let more = diff.lines().count().saturating_sub(SHOWN);
        panic!(
            "{rel} is stale: {} changed since it was generated. Run `cargo xtask generate`, then \
             `cargo test` and review the snapshot diffs (`cargo insta review`).\n\n{}{}",
            xtask::SPEC_PATH,
            shown.join("\n"),
            if more > 0 {
                format!("\n... {more} more diff lines")
            } else {
                String::new()
            }
        );
    }
}

/// The generated crates' versions carry the spec's `info.version` as build metadata
/// (`0.1.0+api.1.0.0`), so a release says which API it was generated from (see CHANGELOG.md).
#[test]
fn generated_crates_versions_name_the_api_version() {
    let root = xtask::workspace_root();
    let spec = paymentoptions_hpp_tests::spec();
    let api = spec["info"]["version"].as_str().unwrap();
    let expected = format!("+api.{api}");
    for krate in ["paymentoptions-hpp-client", "paymentoptions-hpp-httpmock"] {
        let rel = format!("crates/{krate}/Cargo.toml");
        let manifest = std::fs::read_to_string(root.join(&rel)).unwrap();
        let version = manifest
            .lines()
            .find_map(|l| l.strip_prefix("version = \""))
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{rel} has no version line"));
        assert!(
            version.ends_with(&expected),
            "{rel} has version {version}, but the spec's info.version is {api}: set the build \
             metadata to `{expected}` (and bump the version as the change report says)"
        );
    }
}
