//! What can stop generation, as one paragraph naming the file.

use std::fmt;
use std::path::PathBuf;

use super::display_rel;
use crate::spec::SpecError;

/// Everything that can stop generation. `Display` is one paragraph, naming the file.
#[derive(Debug)]
pub enum GenerateError {
    /// The spec is unreadable, not YAML, or breaks a rule progenitor relies on.
    Spec(SpecError),
    /// progenitor rejected (or panicked on) a spec that passed the lint.
    Generator { path: PathBuf, message: String },
    /// The spec has a request field or operation the surface generator cannot expose.
    Surface { path: PathBuf, message: String },
    /// progenitor produced tokens that are not a Rust file (a progenitor bug).
    Format { message: String },
    /// Reading or writing the generated file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Spec(e) => e.fmt(f),
            GenerateError::Generator { path, message } => write!(
                f,
                "{}: progenitor cannot generate a client from this spec: {message}. Check the \
                 schema it names against the pitfalls in ARCHITECTURE.md.",
                display_rel(path)
            ),
            GenerateError::Surface { path, message } => write!(
                f,
                "{}: the library and CLI surface cannot be generated: {message}",
                display_rel(path)
            ),
            GenerateError::Format { message } => write!(
                f,
                "progenitor's output is not valid Rust ({message}); this is a generator bug, \
                 not a spec problem"
            ),
            GenerateError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for GenerateError {}

impl From<SpecError> for GenerateError {
    fn from(e: SpecError) -> Self {
        GenerateError::Spec(e)
    }
}
