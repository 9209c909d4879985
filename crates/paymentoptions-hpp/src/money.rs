//! Amount and currency, always together.
//!
//! The API takes `amount` as an integer. The source page only shows JPY, which has no minor unit,
//! so the unit is an assumption: this crate sends **minor units per ISO 4217** (JPY 1000 = ¥1000,
//! USD 1050 = $10.50), like Stripe, Adyen and Checkout.com. Every conversion between major and
//! minor units in this crate happens in this module. The sandbox's hosted page, which does not
//! depend on this crate, has its own (`paymentoptions-hpp-mock`'s `money.rs`), kept in agreement
//! by a cross-crate test: if PaymentOptions documents otherwise, those two files change.

use std::fmt;

pub use iso_currency::Currency;

use crate::validation::{Rule, ValidationError};
use paymentoptions_hpp_client::amounts::{self, AmountProblem};

mod arithmetic;

pub use arithmetic::MoneyError;

/// An amount of money in one currency, held as an integer number of minor units.
///
/// Minor units are an `i64` everywhere, in and out ([`from_minor`](Self::from_minor),
/// [`minor_units`](Self::minor_units), the arithmetic): the API's amounts are `int64` in the
/// spec, so the value goes to and comes from the wire without a conversion that could fail
/// half-way through a caller's code. The API's non-negative rule is kept at construction
/// instead: a negative amount is refused there (`Rule::Minimum { min: 0 }`), and arithmetic
/// that would go below zero or past `i64::MAX` is refused with a [`MoneyError`]. So a
/// `Money` always holds `0..=i64::MAX` minor units.
///
/// ```
/// use paymentoptions_hpp::{Currency, Money};
///
/// let yen = Money::from_major(1000, Currency::JPY)?;
/// assert_eq!(yen.minor_units(), 1000);
///
/// let dollars = Money::parse_major("10.50", Currency::USD)?;
/// assert_eq!(dollars.minor_units(), 1050);
/// assert_eq!(dollars.to_string(), "10.50 USD");
///
/// assert!(Money::parse_major("10.505", Currency::USD).is_err());
/// # Ok::<(), paymentoptions_hpp::ValidationError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    minor_units: i64,
    currency: Currency,
}

const FIELD: &str = "amount";

impl Money {
    /// An amount already in minor units (cents for USD, yen for JPY).
    ///
    /// Fails (naming `amount`, `Rule::Minimum { min: 0 }`) only when the value is negative:
    /// the API has no negative amounts, a refund is its own call.
    ///
    /// ```
    /// use paymentoptions_hpp::{Currency, Money, Rule};
    ///
    /// assert_eq!(Money::from_minor(1050, Currency::USD)?.to_string(), "10.50 USD");
    /// assert_eq!(Money::from_minor(-1, Currency::USD).unwrap_err().rule(), &Rule::Minimum { min: 0 });
    /// # Ok::<(), paymentoptions_hpp::ValidationError>(())
    /// ```
    pub fn from_minor(minor_units: i64, currency: Currency) -> Result<Self, ValidationError> {
        if minor_units < 0 {
            return Err(ValidationError::one(FIELD, Rule::Minimum { min: 0 }));
        }
        Ok(Self {
            minor_units,
            currency,
        })
    }

    /// A whole number of major units (dollars for USD, yen for JPY); negative ones are refused
    /// as by [`from_minor`](Self::from_minor).
    pub fn from_major(major_units: i64, currency: Currency) -> Result<Self, ValidationError> {
        let scale = i64::try_from(scale(currency)?)
            .map_err(|_| ValidationError::one(FIELD, Rule::AmountTooLarge))?;
        let minor = major_units
            .checked_mul(scale)
            .ok_or_else(|| ValidationError::one(FIELD, Rule::AmountTooLarge))?;
        Self::from_minor(minor, currency)
    }

    /// A decimal amount in major units, like `"10.50"`: exact (no floating point), and refused
    /// when it has more decimal places than the currency allows (`"10.505"` USD, `"1.5"` JPY).
    /// Trailing zeros beyond the exponent are accepted (`"10.500"` USD is 1050).
    pub fn parse_major(amount: &str, currency: Currency) -> Result<Self, ValidationError> {
        let exponent = u32::from(exponent(currency)?);
        let minor = amounts::parse_major(amount, exponent).map_err(|problem| {
            let rule = match problem {
                AmountProblem::Syntax => Rule::AmountSyntax,
                AmountProblem::TooPrecise { exponent } => Rule::AmountPrecision {
                    exponent: u16::try_from(exponent).unwrap_or(u16::MAX),
                },
                AmountProblem::TooLarge => Rule::AmountTooLarge,
            };
            ValidationError::one(FIELD, rule)
        })?;
        Self::from_minor(minor, currency)
    }

    /// The amount in minor units, as sent to the API (never negative).
    pub fn minor_units(&self) -> i64 {
        self.minor_units
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

impl fmt::Display for Money {
    /// `10.50 USD`, `1000 JPY`: major units with the currency's decimal places.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = self.currency.exponent().map_or(0, u32::from);
        let major = amounts::format_major(self.minor_units, exponent);
        write!(f, "{major} {}", self.currency.code())
    }
}

fn exponent(currency: Currency) -> Result<u16, ValidationError> {
    currency
        .exponent()
        .ok_or_else(|| ValidationError::one("currency", Rule::CurrencyWithoutMinorUnit))
}

fn scale(currency: Currency) -> Result<u64, ValidationError> {
    10u64
        .checked_pow(u32::from(exponent(currency)?))
        .ok_or_else(|| ValidationError::one(FIELD, Rule::AmountTooLarge))
}

/// Parses an ISO 4217 code such as `"JPY"` into a [`Currency`], with a validation error naming
/// `currency` otherwise.
///
/// ```
/// assert_eq!(paymentoptions_hpp::money::currency("JPY")?, paymentoptions_hpp::Currency::JPY);
/// assert!(paymentoptions_hpp::money::currency("ZZZ").is_err());
/// # Ok::<(), paymentoptions_hpp::ValidationError>(())
/// ```
pub fn currency(code: &str) -> Result<Currency, ValidationError> {
    Currency::from_code(code).ok_or_else(|| ValidationError::one("currency", Rule::Iso4217Currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_units_respect_the_exponent() {
        let minor = |m: Result<Money, ValidationError>| m.unwrap().minor_units();
        assert_eq!(minor(Money::from_major(1000, Currency::JPY)), 1000);
        assert_eq!(minor(Money::from_major(10, Currency::USD)), 1000);
        assert_eq!(minor(Money::from_major(1, Currency::KWD)), 1000);
        for (amount, currency, expected) in [
            ("10.50", Currency::USD, 1050),
            ("10.5", Currency::USD, 1050),
            ("10.500", Currency::USD, 1050),
            ("0.01", Currency::EUR, 1),
            ("1000", Currency::JPY, 1000),
            ("1.234", Currency::BHD, 1234),
        ] {
            assert_eq!(
                minor(Money::parse_major(amount, currency)),
                expected,
                "{amount} {currency}"
            );
        }
    }

    #[test]
    fn too_precise_or_malformed_amounts_are_refused() {
        let rule = |s: &str, c| Money::parse_major(s, c).unwrap_err().rule().clone();
        assert_eq!(
            rule("10.505", Currency::USD),
            Rule::AmountPrecision { exponent: 2 }
        );
        assert_eq!(
            rule("1000.5", Currency::JPY),
            Rule::AmountPrecision { exponent: 0 }
        );
        for bad in [
            "", ".5", "5.", "-1", "+1", "1,5", "1e3", " 1", "1.2.3", "１",
        ] {
            assert_eq!(rule(bad, Currency::USD), Rule::AmountSyntax, "{bad:?}");
        }
        assert_eq!(
            rule("99999999999999999999", Currency::USD),
            Rule::AmountTooLarge
        );
        assert_eq!(rule("1", Currency::XAU), Rule::CurrencyWithoutMinorUnit);
        assert_eq!(
            Money::from_minor(-1, Currency::USD).unwrap_err().rule(),
            &Rule::Minimum { min: 0 }
        );
        assert_eq!(
            Money::from_major(-1, Currency::JPY).unwrap_err().rule(),
            &Rule::Minimum { min: 0 }
        );
        assert_eq!(
            Money::from_major(i64::MAX / 10, Currency::USD)
                .unwrap_err()
                .rule(),
            &Rule::AmountTooLarge
        );
    }

    #[test]
    fn display_uses_major_units() {
        for (minor, currency, shown) in [
            (1050, Currency::USD, "10.50 USD"),
            (5, Currency::USD, "0.05 USD"),
            (1000, Currency::JPY, "1000 JPY"),
            (1234, Currency::BHD, "1.234 BHD"),
        ] {
            assert_eq!(
                Money::from_minor(minor, currency).unwrap().to_string(),
                shown
            );
        }
    }
}
