//! `po-hpp notification parse`.

use std::path::Path;

use paymentoptions_hpp::Outcome;

use crate::exit::Failure;
use crate::{output, stdio};

/// Decodes the notification in `file` (`-` for stdin) and prints a summary line, or (`json`)
/// the body as received, card numbers masked (see [`output::print_body`]); a notification that
/// says declined then fails with exit 11.
pub fn parse(file: &Path, json: bool) -> Result<(), Failure> {
    let body = stdio::read(file)?;
    let notification = paymentoptions_hpp::parse_notification(&body)
        .map_err(|e| Failure::Invalid(e.to_string()))?;
    if json {
        output::print_body(notification.raw())?;
    } else {
        stdio::print(&format!(
            "{} {} {}",
            notification.transaction_id(),
            notification.outcome(),
            notification.merchant_txn_ref().unwrap_or("-")
        ))?;
    }
    match notification.outcome() {
        outcome @ Outcome::Declined { .. } => Err(Failure::Declined(format!(
            "the notification of transaction {} says {outcome}",
            notification.transaction_id()
        ))),
        _ => Ok(()),
    }
}
