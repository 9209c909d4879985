//! What `po-hpp` says about itself: exit codes in `--help` and the README, a build without the sandbox.

use super::*;

#[tokio::test]
async fn help_and_readme_show_the_same_exit_codes() {
    let help = run(&["--help"], &[], None).await;
    assert_eq!(help.code, 0);
    let table: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| *l != "Exit codes:")
        .skip(1)
        .collect();
    assert_eq!(table.len(), 15, "{}", help.stdout);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for row in table {
        assert!(readme.contains(row), "README.md lacks the row {row:?}");
    }
    let link_help = run(&["link", "create", "--help"], &[], None).await;
    assert!(link_help.stdout.contains("Exit codes:"));
    assert!(link_help.stdout.contains("PAYMENTOPTIONS_API_KEY"));
    if cfg!(feature = "mock") {
        let mock_help = run(&["mock", "--help"], &[], None).await;
        assert!(mock_help.stdout.contains("Exit codes:"));
        assert!(mock_help.stdout.contains("4242 4242 4242 4242"));
    }
}

/// A po-hpp built without the `mock` feature (`cargo install --no-default-features`) says so,
/// rather than calling `mock` an unknown command. `cargo test -p paymentoptions-hpp-cli
/// --no-default-features --test cli` runs it.
#[cfg(not(feature = "mock"))]
#[tokio::test]
async fn a_build_without_the_mock_feature_says_how_to_get_it() {
    for args in [
        &["mock"][..],
        &["mock", "--port", "8080"],
        &["mock", "--help"],
        &["probe", "--out", "probe-answers"],
    ] {
        run(args, &[], None).await.assert_failed(
            2,
            &[
                "without the `mock` feature",
                "default features",
                &format!("`po-hpp {}`", args[0]),
            ],
        );
    }
    // The command list does not offer it.
    let help = run(&["--help"], &[], None).await;
    assert!(
        !help
            .stdout
            .lines()
            .any(|l| l.trim_start().starts_with("mock ")),
        "{}",
        help.stdout
    );
}
