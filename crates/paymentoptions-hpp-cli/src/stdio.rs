//! Reading an input file (or stdin) and writing a result to stdout.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use paymentoptions_hpp::config::DEFAULT_MAX_RESPONSE_BYTES;

use crate::exit::Failure;

/// The bytes of `path`, or of stdin when `path` is `-`: at most the library's body limit (a
/// larger input is refused without reading the rest, so `/dev/zero` cannot exhaust memory),
/// and refused when it starts with a byte-order mark, which JSON parsers would only call "an
/// expected value at line 1 column 1".
pub fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    read_bounded(path, DEFAULT_MAX_RESPONSE_BYTES)
}

fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    // One byte more than the limit tells "exactly the limit" from "larger".
    let take = limit as u64 + 1;
    let result = if path == Path::new("-") {
        io::stdin().lock().take(take).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(take).read_to_end(&mut bytes))
    };
    result.map_err(|e| Failure::read(path, e))?;
    let shown = path.display();
    if bytes.len() > limit {
        return Err(Failure::Invalid(format!(
            "`{shown}` is larger than {limit} bytes, the largest body the library reads"
        )));
    }
    let bom = [
        (&b"\xEF\xBB\xBF"[..], "UTF-8"),
        (&b"\xFF\xFE"[..], "UTF-16 little-endian"),
        (&b"\xFE\xFF"[..], "UTF-16 big-endian"),
    ]
    .into_iter()
    .find(|(mark, _)| bytes.starts_with(mark));
    if let Some((_, encoding)) = bom {
        return Err(Failure::Invalid(format!(
            "`{shown}` starts with a {encoding} byte-order mark (BOM): save it as UTF-8 without \
             a BOM (JSON does not allow one)"
        )));
    }
    Ok(bytes)
}

/// Whether stdout was open when the process started. When it was closed (`po-hpp ... >&-`),
/// Rust's runtime put `/dev/null` in its place before `main`, and a link's URL would be lost
/// with exit code 0.
static STDOUT_OPEN: OnceLock<bool> = OnceLock::new();

/// Notes whether stdout was open: call it first thing in `main`.
pub fn check_stdout() {
    let _ = STDOUT_OPEN.set(!stdout_was_closed());
}

/// Rust's runtime replaces a closed standard descriptor with `/dev/null` opened for reading
/// and writing, which a shell redirection (`>/dev/null`, write only) never is. Linux shows
/// both facts in `/proc`; elsewhere a closed stdout cannot be told apart and counts as open.
fn stdout_was_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let target = std::fs::read_link("/proc/self/fd/1");
        let flags = std::fs::read_to_string("/proc/self/fdinfo/1");
        let (Ok(target), Ok(flags)) = (target, flags) else {
            return false;
        };
        let read_write = flags
            .lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            // O_ACCMODE and O_RDWR.
            .is_some_and(|f| f & 0o3 == 0o2);
        target == Path::new("/dev/null") && read_write
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Writes `text` and a newline to stdout.
pub fn print(text: &str) -> Result<(), Failure> {
    if STDOUT_OPEN.get() == Some(&false) {
        return Err(Failure::Output(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "stdout is closed",
        )));
    }
    // `println!` would panic on a closed pipe; a failed write is an ordinary failure here.
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// Writes `text` and a newline to stderr, for people; a failed write is ignored, since the
/// result has already been written to stdout.
pub fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("po-hpp-stdio-{}", fastrand_name()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn fastrand_name() -> String {
        format!(
            "{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        )
    }

    #[test]
    fn inputs_are_bounded_and_a_bom_is_named() {
        let at_limit = file(&[b' '; 16]);
        assert_eq!(read_bounded(&at_limit, 16).unwrap().len(), 16);
        let message = read_bounded(&at_limit, 15).unwrap_err().to_string();
        assert!(message.contains("larger than 15 bytes"), "{message}");
        std::fs::remove_file(at_limit).unwrap();

        for (mark, name) in [
            (&b"\xEF\xBB\xBF"[..], "UTF-8 byte-order mark"),
            (&b"\xFF\xFE"[..], "UTF-16 little-endian byte-order mark"),
            (&b"\xFE\xFF"[..], "UTF-16 big-endian byte-order mark"),
        ] {
            let path = file(&[mark, b"{}"].concat());
            let message = read_bounded(&path, 1024).unwrap_err().to_string();
            assert!(message.contains(name), "{message}");
            std::fs::remove_file(path).unwrap();
        }
    }
}
