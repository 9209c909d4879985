use std::process::ExitCode;
use std::time::Instant;

use xtask::codegen::{self, Freshness};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check] [--format text|markdown]
        regenerate, from openapi/paymentoptions-hpp.yaml, the client
        (crates/paymentoptions-hpp-client/src/generated.rs, and the spec as JSON beside it),
        the library's and CLI's spec-driven surface (src/generated.rs in paymentoptions-hpp
        and paymentoptions-hpp-cli) and the httpmock stubs, then print the change report
        (what the change means for the HTTP API and for each crate's version) on stdout.
        --check writes nothing and exits 1, with the diff on stderr, when the checked-in
        files are stale.
  semver [--baseline-rev REV] [--rehearse]
        run cargo-semver-checks on the published crates against REV (default: the latest
        release tag, skipped when there is none); --rehearse also applies an additive spec
        change in a scratch copy of the workspace and checks that the wrapper's public API
        stays semver-compatible (installs cargo-semver-checks when missing)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["generate", rest @ ..] => match parse_generate(rest) {
            Some((check, markdown)) => generate(check, markdown),
            None => usage(),
        },
        ["semver", rest @ ..] => match xtask::semver::parse_args(rest) {
            Some(options) => match xtask::semver::run(&xtask::workspace_root(), &options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            },
            None => usage(),
        },
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprint!("{USAGE}");
    ExitCode::from(2)
}

/// `[--check] [--format text|markdown]`, in any order.
fn parse_generate(args: &[&str]) -> Option<(bool, bool)> {
    let (mut check, mut markdown) = (false, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--check" => check = true,
            "--format" => match it.next() {
                Some(&"markdown") => markdown = true,
                Some(&"text") => markdown = false,
                _ => return None,
            },
            "--format=markdown" => markdown = true,
            "--format=text" => markdown = false,
            _ => return None,
        }
    }
    Some((check, markdown))
}

fn generate(check: bool, markdown: bool) -> ExitCode {
    let started = Instant::now();
    let root = xtask::workspace_root();
    let outcome = match codegen::run(&root, check) {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let elapsed = started.elapsed().as_millis();
    // The report goes to stdout, so that `--format markdown > report.md` captures only it.
    if markdown {
        print!("{}", outcome.report.to_markdown());
    } else {
        print!("{}", outcome.report.to_text());
    }
    match outcome.freshness {
        Freshness::UpToDate => {
            eprintln!(
                "the generated files are up to date with {} ({elapsed} ms)",
                xtask::SPEC_PATH,
            );
            ExitCode::SUCCESS
        }
        Freshness::Stale { diff } if check => {
            eprint!("{diff}");
            eprintln!(
                "error: the generated files are stale: they differ from what {} generates \
                 (diff above). Run `cargo xtask generate` and commit the result.",
                xtask::SPEC_PATH
            );
            ExitCode::FAILURE
        }
        Freshness::Stale { .. } => {
            eprintln!(
                "wrote the generated files ({}) from {} ({elapsed} ms); review the snapshot \
                 diffs with `cargo insta review` after `cargo test`",
                xtask::GENERATED_FILES.join(", "),
                xtask::SPEC_PATH,
            );
            ExitCode::SUCCESS
        }
    }
}
