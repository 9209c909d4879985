//! Runs the real `po-hpp` binary as a user runs it, shared by the CLI's integration tests (each
//! `tests/*.rs` file is its own crate, and only this crate's tests know where the binary is).
#![allow(dead_code)] // not every test file uses every helper

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// How long one run may take unless a test says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// What one finished run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts that no `needle` appears on stdout or stderr (a key or card number in any of its
    /// written forms).
    #[track_caller]
    pub fn assert_shows_none<S: AsRef<str>>(&self, needles: impl IntoIterator<Item = S>) {
        for needle in needles {
            let needle = needle.as_ref();
            for text in [&self.stdout, &self.stderr] {
                assert!(!text.contains(needle), "{needle:?} shown:\n{text}");
            }
        }
    }

    /// Asserts a failure with `code`: nothing on stdout, one `error: ` line on stderr that
    /// contains each of `needles`.
    #[track_caller]
    pub fn assert_failed(&self, code: i32, needles: &[&str]) {
        assert_eq!(self.code, code, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "", "stdout of a failed run");
        assert!(
            self.stderr.starts_with("error: ") && self.stderr.lines().count() == 1,
            "one `error: ` line expected, got {:?}",
            self.stderr
        );
        for needle in needles {
            assert!(
                self.stderr.contains(needle),
                "stderr should contain {needle:?}: {}",
                self.stderr
            );
        }
    }
}

/// `po-hpp args` with no `PAYMENTOPTIONS_*` nor proxy variable from the test's environment (a
/// proxy would change what a connection failure is), stdin empty, stdout and stderr captured,
/// killed when dropped: for a test that spawns it itself (a long-running `po-hpp mock`).
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_po-hpp"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("PAYMENTOPTIONS_") || text.to_ascii_lowercase().ends_with("_proxy") {
            command.env_remove(name);
        }
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs `po-hpp args` (as [`command`]) with `env` added and `stdin` fed, and waits at most a
/// minute for it to exit.
pub async fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    run_within(args, env, stdin, DEFAULT_TIMEOUT).await
}

/// [`run`], waiting at most `timeout`.
pub async fn run_within(
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
    timeout: Duration,
) -> Run {
    let mut command = command(args);
    command.envs(env.iter().copied());
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.spawn().expect("po-hpp starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(bytes).await.unwrap();
        // Dropping the pipe closes it, so the CLI sees the end of its input.
    }
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("po-hpp {args:?} finishes within {timeout:?}"))
        .unwrap();
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}
