//! Exit codes, and how each failure is reported.
//!
//! Scripts branch on the exit code, so every kind of failure has its own; people read stderr,
//! so every failure is one line there, starting with `error: `.

use std::fmt;
use std::io;
#[cfg(feature = "mock")]
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use paymentoptions_hpp::redaction::redact_secrets;
use paymentoptions_hpp::{Error, ValidationError};

/// The exit codes of `po-hpp`. `--help` and the crate README show [`TABLE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    /// Done.
    Ok = 0,
    /// Anything the other codes do not cover (stdout could not be written, or a kind of library
    /// error newer than this CLI).
    Other = 1,
    /// Bad command line: unknown flag, bad flag value, flags that cannot be combined (clap's
    /// message, which may span several lines), or a command this build leaves out.
    Usage = 2,
    /// Configuration: missing or empty API key, bad environment or base URL.
    Config = 3,
    /// The request or notification breaks a rule, or the amount flags are incomplete.
    Validation = 4,
    /// PaymentOptions refused the API key (HTTP 401 or 403).
    Auth = 5,
    /// PaymentOptions answered with any other non-2xx status.
    Api = 6,
    /// The network failed (connection refused, DNS, TLS, timeout).
    Transport = 7,
    /// A 2xx response whose body is not what the API promises.
    Decode = 8,
    /// An input file (or stdin) could not be read.
    Read = 9,
    /// `po-hpp mock` could not listen on its address (port in use, address not on this machine,
    /// port not allowed). Kept in a build without the `mock` feature, so that a code never
    /// changes meaning between builds.
    #[cfg_attr(not(feature = "mock"), allow(dead_code))]
    Listen = 10,
    /// The call succeeded, but the transaction it returned is declined (the output is still
    /// printed on stdout).
    Declined = 11,
    /// A money call (capture, refund, void, stored-card payment) was refused: nothing moved.
    /// The message names the documented code and its meaning (`ERR3019`, "insufficient refund
    /// balance").
    Refused = 12,
    /// A money call is in doubt: it may have moved money (a 5xx, a lost connection, an
    /// unclear answer). Do not run it again; the message says what can be done.
    InDoubt = 13,
    /// `po-hpp probe` refused to run: the environment, the base URL or the client is not a
    /// test one (production, a live client, a URL that is neither dev, staging nor this
    /// machine), or a transaction it was given says it is live. Nothing more was sent.
    #[cfg_attr(not(feature = "mock"), allow(dead_code))]
    NotTest = 14,
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> Self {
        ExitCode::from(code as u8)
    }
}

/// The exit-code table shown by `--help`; the crate README repeats it (a test keeps them equal).
pub const TABLE: &str = "\
Exit codes:
  0  ok
  1  other failure (e.g. stdout could not be written)
  2  usage: unknown flag, bad flag value, flags that cannot be combined
  3  configuration: missing API key, bad environment or base URL
  4  validation: invalid request, amount flags or notification; nothing was sent
  5  auth: PaymentOptions refused the API key (HTTP 401 or 403)
  6  API error: any other non-2xx answer (the status is in the message)
  7  network: could not connect, timeout, connection lost
  8  unexpected response body from PaymentOptions
  9  a file (or stdin) could not be read (or, for probe, written)
  10 mock: the sandbox could not listen on --host/--port (e.g. the port is in use)
  11 declined: the transaction (or notification) says declined; it is still printed
  12 refused: a capture, refund, void or payment was refused; nothing moved
  13 in doubt: a capture, refund, void or payment may have moved money; do not re-run it
  14 probe: not a test environment (production, a live client or transaction); refused";

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The library refused or failed the call.
    Hpp(Error),
    /// The flags or the input do not make a valid request or notification; the message is
    /// already phrased for the user.
    Invalid(String),
    /// An input file (or stdin, shown as `-`) could not be read.
    Read {
        /// The path as given on the command line.
        path: String,
        /// Why it could not be read.
        source: io::Error,
    },
    /// Writing the result to stdout failed.
    Output(io::Error),
    /// An output file could not be written.
    #[cfg(feature = "mock")]
    Write {
        /// The file.
        path: String,
        /// Why it could not be written.
        source: io::Error,
    },
    /// `po-hpp probe` refuses anything but a test environment; the message says what it saw.
    #[cfg(feature = "mock")]
    NotTest(String),
    /// The transaction was declined; the message says which and why.
    Declined(String),
    /// A webhook answered `notification send` with a non-2xx status.
    Rejected(String),
    /// A webhook could not be reached, or did not answer in time.
    Unreachable(String),
    /// The sandbox could not start listening on `addr`.
    #[cfg(feature = "mock")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why it could not listen there.
        source: io::Error,
    },
    /// Ctrl-C could not be watched for, so the sandbox could not be stopped gracefully.
    #[cfg(feature = "mock")]
    Signal(io::Error),
    /// The command exists, but this build was made without the `mock` feature, which it needs.
    #[cfg(not(feature = "mock"))]
    NotBuilt(&'static str),
}

impl Failure {
    /// A read failure for `path`.
    pub fn read(path: &Path, source: io::Error) -> Self {
        Failure::Read {
            path: path.display().to_string(),
            source,
        }
    }

    /// The exit code this failure ends the process with.
    pub fn code(&self) -> Code {
        match self {
            Failure::Hpp(Error::Config(_)) => Code::Config,
            Failure::Hpp(Error::Validation(_)) | Failure::Invalid(_) => Code::Validation,
            Failure::Hpp(Error::Api(e)) if e.is_auth() => Code::Auth,
            Failure::Hpp(Error::Api(_)) => Code::Api,
            Failure::Hpp(Error::Transport(_)) => Code::Transport,
            Failure::Hpp(Error::Decode(_)) => Code::Decode,
            Failure::Hpp(Error::Refused(_)) => Code::Refused,
            Failure::Hpp(Error::InDoubt(_)) => Code::InDoubt,
            Failure::Read { .. } => Code::Read,
            #[cfg(feature = "mock")]
            Failure::Write { .. } => Code::Read,
            #[cfg(feature = "mock")]
            Failure::NotTest(_) => Code::NotTest,
            Failure::Declined(_) => Code::Declined,
            Failure::Rejected(_) => Code::Api,
            Failure::Unreachable(_) => Code::Transport,
            #[cfg(feature = "mock")]
            Failure::Listen { .. } => Code::Listen,
            #[cfg(feature = "mock")]
            Failure::Signal(_) => Code::Other,
            #[cfg(not(feature = "mock"))]
            Failure::NotBuilt(_) => Code::Usage,
            // `Error` is non-exhaustive: a kind added later still fails, just without its own code.
            Failure::Hpp(_) | Failure::Output(_) => Code::Other,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Hpp(e)
    }
}

impl From<ValidationError> for Failure {
    fn from(e: ValidationError) -> Self {
        Failure::Hpp(Error::Validation(e))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The library's messages never contain an API key, which is why they are shown as is.
            Failure::Hpp(e) => e.fmt(f),
            Failure::Invalid(message) => f.write_str(message),
            Failure::Read { path, source } => write!(f, "cannot read `{path}`: {source}"),
            Failure::Output(e) => write!(f, "cannot write to stdout: {e}"),
            #[cfg(feature = "mock")]
            Failure::Write { path, source } => write!(f, "cannot write `{path}`: {source}"),
            #[cfg(feature = "mock")]
            Failure::NotTest(message) => write!(
                f,
                "probe refused, nothing sent: {message} (the probe runs against a test \
                 environment only: --environment dev or staging, or a sandbox on this machine)"
            ),
            Failure::Declined(message)
            | Failure::Rejected(message)
            | Failure::Unreachable(message) => f.write_str(message),
            #[cfg(feature = "mock")]
            Failure::Listen { addr, source } => {
                write!(f, "the sandbox cannot listen on {addr}: {source}")?;
                match source.kind() {
                    io::ErrorKind::AddrInUse => {
                        f.write_str(" (choose another --port, or --port 0 for any free one)")
                    }
                    io::ErrorKind::AddrNotAvailable => {
                        f.write_str(" (--host must be an address of this machine)")
                    }
                    _ => Ok(()),
                }
            }
            #[cfg(feature = "mock")]
            Failure::Signal(e) => write!(f, "cannot watch for Ctrl-C: {e}"),
            #[cfg(not(feature = "mock"))]
            Failure::NotBuilt(command) => write!(
                f,
                "this po-hpp was built without the `mock` feature: reinstall it with the \
                 default features to get `po-hpp {command}`"
            ),
        }
    }
}

/// Prints `error: <message>` on one line of stderr and returns the exit code.
///
/// Every occurrence of a value in `secrets`, written or encoded, is replaced by `[redacted]`
/// (by the library's [`redact_secrets`], so only strings of 8 bytes or more count): the library
/// keeps the client's keys out of its errors, but a failure may quote other input.
pub fn report(failure: &Failure, secrets: &[String]) -> ExitCode {
    let message = redact_secrets(one_line(&failure.to_string()).into_bytes(), secrets);
    eprintln!("error: {}", String::from_utf8_lossy(&message));
    failure.code().into()
}

/// Collapses line breaks and other control characters, which API error bodies (HTML pages)
/// carry, so that a failure stays one line and cannot drive the terminal.
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut gap = false;
    for c in message.chars() {
        if c.is_control() || c.is_whitespace() {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_in_the_table() {
        let codes = [
            Code::Ok,
            Code::Other,
            Code::Usage,
            Code::Config,
            Code::Validation,
            Code::Auth,
            Code::Api,
            Code::Transport,
            Code::Decode,
            Code::Read,
            Code::Listen,
            Code::Declined,
            Code::Refused,
            Code::InDoubt,
            Code::NotTest,
        ];
        let rows: Vec<&str> = TABLE.lines().skip(1).collect();
        assert_eq!(rows.len(), codes.len());
        for (row, code) in rows.iter().zip(codes) {
            assert!(
                row.trim_start().starts_with(&format!("{} ", code as u8)),
                "{row:?} should describe {code:?}"
            );
        }
    }

    #[test]
    fn messages_become_one_line() {
        assert_eq!(
            one_line("PaymentOptions answered HTTP 500: <html>\r\n  <b>oops</b>\n</html>\n"),
            "PaymentOptions answered HTTP 500: <html> <b>oops</b> </html>"
        );
        assert_eq!(one_line("a\u{1b}[31mb"), "a [31mb");
    }
}
