//! Amount flags: strict `--amount` parsing for every command, and the amount choices of the
//! calls whose body has no currency (capture, refund), which are read in the target's.

use paymentoptions_hpp::{Client, Money};

use crate::exit::Failure;

/// A `--amount` value: a whole number of minor units written plainly, nothing else. A sign,
/// a leading zero, spaces or decimals are refused rather than read: `007` or `+5` typed into
/// a payment command is more likely a slip than a wish. `0` passes here, for the library to
/// refuse with its own rule (nothing moves for zero).
pub fn minor_units(flag: &str, value: &str) -> Result<i64, Failure> {
    let invalid = |why: &str| Failure::Invalid(format!("invalid request: {flag}: `{value}` {why}"));
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "is not a whole number of minor units (for a decimal amount use --amount-major)",
        ));
    }
    if value.len() > 1 && value.starts_with('0') {
        return Err(invalid("has a leading zero (write the number plainly)"));
    }
    value
        .parse()
        .map_err(|_| invalid(&format!("is too large (at most {} minor units)", i64::MAX)))
}

/// The other ways to say how much a capture or refund moves: both are read in the currency of
/// the transaction acted on, which the command reads first with `get-transaction-status`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Amount (instead of --amount)")]
pub struct TargetAmountArgs {
    /// Amount as a decimal in major units of the target transaction's currency (10.50 on a USD
    /// payment is sent as 1050). The target's status is read first to learn its currency.
    #[arg(long, value_name = "DECIMAL", conflicts_with_all = ["amount", "full"])]
    pub amount_major: Option<String>,

    /// The whole amount of the target, read from its status: for a capture the pre-auth's
    /// amount, for a refund the payment's. PaymentOptions documents no refunded total, so on a
    /// payment already refunded in part this asks for too much and is refused (ERR3019, exit
    /// 12): give what is left with --amount or --amount-major instead.
    #[arg(long, conflicts_with = "amount")]
    pub full: bool,
}

impl TargetAmountArgs {
    /// The amount to send, when one of these flags was given: read from (or in the currency
    /// of) the status of `target`. Never with `dry_run`, which must not send even the read.
    pub async fn resolve(
        &self,
        client: &Client,
        target: Option<&str>,
        dry_run: bool,
    ) -> Result<Option<Money>, Failure> {
        let flag = match (&self.amount_major, self.full) {
            (Some(_), _) => "--amount-major",
            (None, true) => "--full",
            (None, false) => return Ok(None),
        };
        if dry_run {
            return Err(Failure::Invalid(format!(
                "invalid request: {flag} reads the target transaction's status first, which \
                 --dry-run does not send: give the amount with --amount"
            )));
        }
        let target = target.ok_or_else(|| {
            Failure::Invalid(format!(
                "invalid request: transactionId: {flag} needs --transaction-id"
            ))
        })?;
        let status = client.get_transaction_status(target).await?;
        let whole = status.amount().ok_or_else(|| {
            Failure::Invalid(format!(
                "invalid request: amount: the status of {target} names no amount and currency, \
                 so {flag} cannot be read; give --amount"
            ))
        })?;
        match &self.amount_major {
            Some(major) => Ok(Some(Money::parse_major(major, whole.currency())?)),
            None => Ok(Some(whole)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_whole_numbers_are_minor_units() {
        assert_eq!(minor_units("--amount", "1000").ok(), Some(1000));
        assert_eq!(minor_units("--amount", "0").ok(), Some(0));
        assert_eq!(
            minor_units("--amount", "9223372036854775807").ok(),
            Some(i64::MAX)
        );
        for bad in [
            "",
            "10.5",
            "5.0",
            "-1",
            "+5",
            "007",
            "00",
            "1e3",
            " 5",
            "5 ",
            "１",
            "9223372036854775808",
        ] {
            let Err(failure) = minor_units("--amount", bad) else {
                panic!("{bad:?} must be refused");
            };
            assert!(failure.to_string().contains("--amount"), "{failure}");
        }
    }
}
