use std::process::ExitCode;
use std::time::Instant;

use xtask::codegen::{self, Freshness};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate           regenerate crates/paymentoptions-hpp-client/src/generated.rs from
                     openapi/paymentoptions-hpp.yaml
  generate --check   write nothing; exit 1 with a diff when the checked-in code is stale
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["generate"] => generate(false),
        ["generate", "--check"] => generate(true),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn generate(check: bool) -> ExitCode {
    let started = Instant::now();
    let root = xtask::workspace_root();
    match codegen::run(&root, check) {
        Ok(Freshness::UpToDate) => {
            eprintln!(
                "{} is up to date with {} ({} ms)",
                xtask::GENERATED_PATH,
                xtask::SPEC_PATH,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Ok(Freshness::Stale { diff }) if check => {
            print!("{diff}");
            eprintln!(
                "error: {} is stale: it differs from what {} generates (diff above). \
                 Run `cargo xtask generate` and commit the result.",
                xtask::GENERATED_PATH,
                xtask::SPEC_PATH
            );
            ExitCode::FAILURE
        }
        Ok(Freshness::Stale { .. }) => {
            eprintln!(
                "wrote {} from {} ({} ms); review the snapshot diffs with `cargo insta review` \
                 after `cargo test`",
                xtask::GENERATED_PATH,
                xtask::SPEC_PATH,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
