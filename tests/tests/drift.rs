//! Plain `cargo test` catches a spec change that was not followed by `cargo xtask generate`.

use xtask::codegen::{self, Freshness};

#[test]
fn generated_files_match_the_spec() {
    let root = xtask::workspace_root();
    let spec = root.join(xtask::SPEC_PATH);
    let rendered = codegen::read_spec(&spec)
        .and_then(|text| codegen::render(&spec, &text))
        .unwrap_or_else(|e| panic!("{e}"));
    for (rel, fresh) in &rendered.files {
        let on_disk = std::fs::read_to_string(root.join(rel)).ok();
        if let Freshness::Stale { diff } = codegen::compare(rel, on_disk.as_deref(), fresh) {
            const SHOWN: usize = 60;
            let shown: Vec<&str> = diff.lines().take(SHOWN).collect();
            let more = diff.lines().count().saturating_sub(SHOWN);
            panic!(
                "{rel} is stale: {} changed since it was generated. Run `cargo xtask generate`, \
                 then `cargo test` and review the snapshot diffs (`cargo insta review`).\n\n{}{}",
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
}

/// `paymentoptions-hpp-client`'s version carries the spec's `info.version` as build metadata
/// (`0.1.0+api.1.0.0`), so a release says which API it was generated from (see CHANGELOG.md).
#[test]
fn client_version_names_the_api_version() {
    let root = xtask::workspace_root();
    let manifest =
        std::fs::read_to_string(root.join("crates/paymentoptions-hpp-client/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("the client's Cargo.toml has a version line");
    let spec = paymentoptions_hpp_tests::spec();
    let api = spec["info"]["version"].as_str().unwrap();
    let expected = format!("+api.{api}");
    assert!(
        version.ends_with(&expected),
        "crates/paymentoptions-hpp-client/Cargo.toml has version {version}, but the spec's \
         info.version is {api}: set the build metadata to `{expected}` (and bump the version as \
         the change report says)"
    );
}

/// Until a release exists, the README tells users to depend on the repository: the URL it
/// shows is the workspace's `repository`, so moving the repository cannot leave it stale.
#[test]
fn readme_git_dependencies_name_the_repository() {
    let root = xtask::workspace_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let repository = manifest
        .lines()
        .find_map(|l| l.strip_prefix("repository = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("the workspace manifest has a `repository`");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for line in readme
        .lines()
        .filter(|l| l.contains("git = \"") || l.contains("--git "))
    {
        assert!(
            line.contains(&format!("git = \"{repository}\""))
                || line.contains(&format!("--git {repository} ")),
            "README line {line:?} should use the repository {repository}"
        );
    }
    for crate_name in [
        "paymentoptions-hpp =",
        "paymentoptions-hpp-mock =",
        "paymentoptions-hpp-cli",
    ] {
        assert!(
            readme
                .lines()
                .any(|l| l.contains(crate_name) && (l.contains("git = \"") || l.contains("--git "))),
            "README should show how to get {crate_name} from the repository"
        );
    }
}

/// This crate's build includes the xtask with the library and the sandbox: a serde_json feature
/// any of them turned on would change the `Map` the others run with here. `preserve_order`
/// would make these tests read maps in another order than production does.
#[test]
fn serde_json_keeps_maps_sorted_with_the_xtask_in_the_build() {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"z": 1, "a": 2}"#).unwrap();
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["a", "z"],
        "a crate turns on serde_json's `preserve_order`"
    );
}
