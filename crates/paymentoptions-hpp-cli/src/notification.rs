//! `po-hpp notification parse` and `po-hpp notification send`.

use std::path::Path;
use std::time::Duration;

use paymentoptions_hpp::fixtures::{DeliveryError, DeliveryOptions, deliver};
use paymentoptions_hpp::{Money, Outcome};

use crate::args::SendArgs;
use crate::exit::Failure;
use crate::{amount, output, stdio};

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

/// Builds the notification the flags describe, POSTs it to `--url`, and prints the webhook's
/// status; a non-2xx answer fails (exit 6), as does a webhook that cannot be reached (exit 7).
pub async fn send(args: SendArgs) -> Result<(), Failure> {
    let amount = match (&args.amount, &args.currency) {
        (Some(value), Some(code)) => {
            let minor = amount::minor_units("--amount", value)?;
            let currency = paymentoptions_hpp::money::currency(code)?;
            Some(Money::from_minor(minor, currency)?)
        }
        _ => None,
    };
    let notification = args
        .outcome
        .notification(
            &args.transaction_id,
            amount,
            args.merchant_txn_ref.as_deref(),
        )
        .map_err(|e| Failure::Invalid(format!("{e} (--{})", e.field().replace('_', "-"))))?;
    let options = DeliveryOptions {
        timeout: Duration::from_millis(args.timeout_ms),
        allow_remote: args.allow_remote,
    };
    let answer = deliver(&args.url, &notification, &options)
        .await
        .map_err(|e| match e {
            DeliveryError::Transport(_) => Failure::Unreachable(e.to_string()),
            other => Failure::Invalid(match other {
                DeliveryError::NotLoopback { .. } => format!("{other}: pass --allow-remote"),
                _ => other.to_string(),
            }),
        })?;
    let reason = http_reason(answer.status);
    stdio::print(&format!("{} {reason}", answer.status))?;
    if !answer.body.trim().is_empty() {
        // The receiver's text, without what could drive the terminal.
        let body: String = answer
            .body
            .trim()
            .chars()
            .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
            .collect();
        stdio::note(&body);
    }
    if answer.is_success() {
        Ok(())
    } else {
        Err(Failure::Rejected(format!(
            "the webhook answered {} {reason} to the `{}` notification of {}",
            answer.status, args.outcome, args.transaction_id
        )))
    }
}

/// The standard reason phrase of a status, for the summary line.
fn http_reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}
