//! Reading an input file (or stdin) and writing a result to stdout.

use std::io::{self, Read, Write};
use std::path::Path;

use crate::exit::Failure;

/// The bytes of `path`, or of stdin when `path` is `-`.
pub fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    let result = if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    result.map_err(|e| Failure::read(path, e))
}

/// Writes `text` and a newline to stdout.
pub fn print(text: &str) -> Result<(), Failure> {
    // `println!` would panic on a closed pipe; a failed write is an ordinary failure here.
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// Writes `value` to stdout as pretty JSON.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Failure::Output(io::Error::other(e)))?;
    print(&text)
}

/// Writes `text` and a newline to stderr, for people; a failed write is ignored, since the
/// result has already been written to stdout.
pub fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}
