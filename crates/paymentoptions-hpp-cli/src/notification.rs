//! `po-hpp notification parse`.

use std::path::Path;

use crate::exit::Failure;
use crate::stdio;

/// Decodes the notification in `file` (`-` for stdin) and prints it as pretty JSON.
pub fn parse(file: &Path) -> Result<(), Failure> {
    let body = stdio::read(file)?;
    let notification = paymentoptions_hpp::parse_notification(&body)
        .map_err(|e| Failure::Invalid(e.to_string()))?;
    stdio::print_json(&notification)
}
