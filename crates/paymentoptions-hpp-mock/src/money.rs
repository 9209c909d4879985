//! Amounts on the hosted page: minor units <-> what a customer reads and types.
//!
//! Like the client, the sandbox reads `amount` as minor units of the currency (ISO 4217
//! exponent): JPY 1000 is shown as `1,000 JPY`, USD 1050 as `10.50 USD`.

/// The ISO 4217 exponent of `code` (0 for unknown codes and codes without a minor unit).
pub fn exponent(code: &str) -> u32 {
    iso_currency::Currency::from_code(code)
        .and_then(|c| c.exponent())
        .map(u32::from)
        .unwrap_or(0)
}

/// `1,000 JPY`, `10.50 USD`, `1.234 BHD`.
pub fn format(minor: i64, code: &str) -> String {
    let exp = exponent(code);
    let scale = 10u64.pow(exp);
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    let major = group(abs / scale);
    if exp == 0 {
        format!("{sign}{major} {code}")
    } else {
        format!(
            "{sign}{major}.{:0width$} {code}",
            abs % scale,
            width = exp as usize
        )
    }
}

fn group(n: u64) -> String {
    let digits = n.to_string();
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
pub fn parse(input: &str, code: &str) -> Result<i64, String> {
    let exp = exponent(code) as usize;
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (cleaned.contains('.') && !digits(fraction)) {
        return Err("Enter the amount as a number, like 10.50.".into());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > exp {
        return Err(if exp == 0 {
            format!("{code} has no decimal places.")
        } else {
            format!("{code} has at most {exp} decimal places.")
        });
    }
    let too_large = || "That amount is too large.".to_string();
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    let frac: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<exp$}")
            .parse()
            .map_err(|_| too_large())?
    };
    let minor = whole
        .checked_mul(10i64.pow(exp as u32))
        .and_then(|m| m.checked_add(frac))
        .ok_or_else(too_large)?;
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
