//! Amounts on the hosted page: minor units <-> what a customer reads and types.
//!
//! The conversion is the client crate's (`amounts`, the one the library's `Money` uses, for
//! the ISO 4217 exponent `formats::currency_exponent` gives): JPY 1000 is `1000`, USD 1050
//! `10.50`. What is the page's own is presentation: thousands grouped (`1,000 JPY`), what a
//! customer types cleaned of blanks and grouping commas, a zero refused, messages for people.

use paymentoptions_hpp_client::amounts::{self, AmountProblem};
use paymentoptions_hpp_client::formats;

/// The ISO 4217 exponent of `code` (0 for unknown codes and codes without a minor unit).
pub(crate) fn exponent(code: &str) -> u32 {
    formats::currency_exponent(code).unwrap_or(0)
}

/// `1,000 JPY`, `10.50 USD`, `1,234.567 BHD`.
pub(crate) fn format(minor: i64, code: &str) -> String {
    let major = amounts::format_major(minor, exponent(code));
    let (sign, unsigned) = match major.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", major.as_str()),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let mut out = format!("{sign}{}", group(whole));
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    format!("{out} {code}")
}

fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses what a customer typed (`1000`, `10.50`, `1,000`) into minor units of `code`.
pub(crate) fn parse(input: &str, code: &str) -> Result<i64, String> {
    let exp = exponent(code);
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let minor = amounts::parse_major(&cleaned, exp).map_err(|problem| match problem {
        AmountProblem::Syntax => "Enter the amount as a number, like 10.50.".to_string(),
        AmountProblem::TooPrecise { exponent: 0 } => format!("{code} has no decimal places."),
        AmountProblem::TooPrecise { exponent } => {
            format!("{code} has at most {exponent} decimal places.")
        }
        AmountProblem::TooLarge => "That amount is too large.".to_string(),
    })?;
    if minor == 0 {
        return Err("The amount must be more than zero.".into());
    }
    Ok(minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_exponent() {
        assert_eq!(format(1000, "JPY"), "1,000 JPY");
        assert_eq!(format(1050, "USD"), "10.50 USD");
        assert_eq!(format(5, "USD"), "0.05 USD");
        assert_eq!(format(1234567, "BHD"), "1,234.567 BHD");
        assert_eq!(format(100, "XXX"), "100 XXX");
    }

    #[test]
    fn parses_what_customers_type() {
        assert_eq!(parse("1000", "JPY"), Ok(1000));
        assert_eq!(parse("1,000", "JPY"), Ok(1000));
        assert_eq!(parse("10.5", "USD"), Ok(1050));
        assert_eq!(parse(" 10.50 ", "USD"), Ok(1050));
        assert!(parse("10.505", "USD").is_err());
        assert!(parse("1.5", "JPY").is_err());
        assert!(parse("", "USD").is_err());
        assert!(parse("-1", "USD").is_err());
        assert!(parse("0", "USD").is_err());
        assert!(parse("99999999999999999999", "USD").is_err());
    }
}
