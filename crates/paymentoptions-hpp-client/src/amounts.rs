//! Amounts in major units (`10.50`) and minor units (`1050`), for a currency's ISO 4217
//! exponent ([`crate::formats::currency_exponent`]): the one conversion the library's `Money`
//! and the sandbox's hosted page both use. Exact (integers only, never floating point).

/// Why a text is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountProblem {
    /// Not digits with at most one `.` and digits after it (`10.50`, `1000`).
    Syntax,
    /// More significant decimal places than the exponent allows (`10.505` for USD).
    TooPrecise {
        /// The currency's exponent.
        exponent: u32,
    },
    /// More than a 64-bit signed integer holds, in minor units.
    TooLarge,
}

/// `text` in major units (`10.50`) as minor units for `exponent` (`1050` for 2). Trailing
/// zeros beyond the exponent are accepted (`10.500`); a sign, a blank, a grouping comma, a
/// leading or trailing `.` are not.
pub fn parse_major(text: &str, exponent: u32) -> Result<i64, AmountProblem> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || (text.contains('.') && fraction.is_empty())
    {
        return Err(AmountProblem::Syntax);
    }
    let significant = fraction.trim_end_matches('0');
    let width = usize::try_from(exponent).map_err(|_| AmountProblem::TooLarge)?;
    if significant.len() > width {
        return Err(AmountProblem::TooPrecise { exponent });
    }
    let scale = 10i64.checked_pow(exponent).ok_or(AmountProblem::TooLarge)?;
    let whole: i64 = whole.parse().map_err(|_| AmountProblem::TooLarge)?;
    let frac: i64 = if significant.is_empty() {
        0
    } else {
        // At most `width` digits, which `scale` fitting in an i64 bounds.
        format!("{significant:0<width$}")
            .parse()
            .map_err(|_| AmountProblem::TooLarge)?
    };
    whole
        .checked_mul(scale)
        .and_then(|m| m.checked_add(frac))
        .ok_or(AmountProblem::TooLarge)
}

/// `minor` minor units in major units with `exponent` decimals: `10.50`, `-0.05`, `1000`.
pub fn format_major(minor: i64, exponent: u32) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = u128::from(minor.unsigned_abs());
    match 10u128.checked_pow(exponent) {
        Some(scale) if exponent > 0 => format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = exponent as usize
        ),
        _ => format!("{sign}{abs}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::currency_exponent;

    /// Fixed values of currencies with each exponent ISO 4217 uses, not a second copy.
    #[test]
    fn known_amounts_in_each_exponent() {
        let cases = [
            ("JPY", "1000", 1000),
            ("JPY", "0", 0),
            ("USD", "10.50", 1050),
            ("USD", "10.5", 1050),
            ("USD", "0.05", 5),
            ("USD", "10.500", 1050),
            ("KWD", "1.234", 1234),
            ("BHD", "1234.567", 1_234_567),
            ("CLF", "1.0001", 10001),
        ];
        for (code, text, minor) in cases {
            let exponent = currency_exponent(code).unwrap();
            assert_eq!(parse_major(text, exponent), Ok(minor), "{text} {code}");
        }
        let written = [
            ("JPY", 1000, "1000"),
            ("USD", 1050, "10.50"),
            ("USD", 5, "0.05"),
            ("USD", -5, "-0.05"),
            ("KWD", 1234, "1.234"),
            ("CLF", 10001, "1.0001"),
            ("USD", i64::MAX, "92233720368547758.07"),
            ("USD", i64::MIN, "-92233720368547758.08"),
        ];
        for (code, minor, text) in written {
            let exponent = currency_exponent(code).unwrap();
            assert_eq!(format_major(minor, exponent), text, "{minor} {code}");
        }
    }

    #[test]
    fn what_is_not_an_amount_is_refused_with_why() {
        for text in ["", ".", "10.", ".5", "-1", "+1", "1,000", " 1", "1e3", "１"] {
            assert_eq!(parse_major(text, 2), Err(AmountProblem::Syntax), "{text:?}");
        }
        assert_eq!(
            parse_major("10.505", 2),
            Err(AmountProblem::TooPrecise { exponent: 2 })
        );
        assert_eq!(
            parse_major("1.5", 0),
            Err(AmountProblem::TooPrecise { exponent: 0 })
        );
        assert_eq!(parse_major("92233720368547758.07", 2), Ok(i64::MAX));
        assert_eq!(
            parse_major("92233720368547758.08", 2),
            Err(AmountProblem::TooLarge)
        );
        assert_eq!(
            parse_major("99999999999999999999", 0),
            Err(AmountProblem::TooLarge)
        );
        assert_eq!(parse_major("1", 40), Err(AmountProblem::TooLarge));
    }

    #[test]
    fn what_is_written_reads_back() {
        for exponent in [0, 2, 3, 4] {
            for minor in [0, 1, 9, 10, 99, 100, 1050, 123_456_789, i64::MAX] {
                assert_eq!(
                    parse_major(&format_major(minor, exponent), exponent),
                    Ok(minor),
                    "{minor} at {exponent}"
                );
            }
        }
    }
}
