//! Checked arithmetic and comparison of [`Money`] within one currency.
//!
//! Every operation takes two amounts of the same currency and refuses, with a [`MoneyError`],
//! what has no answer: two currencies (there is no exchange rate here), a result past the
//! API's `i64::MAX` minor units, or one below zero (the API has no negative amounts). There is
//! deliberately no `PartialOrd`, `Add` or `Sub`: an operator cannot say why it failed, and
//! `partial_cmp` answering `None` for two currencies is easy to read as "not less".

use std::cmp::Ordering;
use std::fmt;

use super::{Currency, Money};

/// Why two amounts could not be added, subtracted or compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MoneyError {
    /// The two amounts are in different currencies.
    CurrencyMismatch {
        /// The currency of the amount the method was called on.
        left: Currency,
        /// The currency of the other amount.
        right: Currency,
    },
    /// The result would be more than the API's largest amount (`i64::MAX` minor units).
    Overflow {
        /// The currency of both amounts.
        currency: Currency,
    },
    /// The result would be below zero: more was taken away than there was.
    BelowZero {
        /// The currency of both amounts.
        currency: Currency,
        /// How many minor units are missing (the other amount minus this one).
        short_by: i64,
    },
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CurrencyMismatch { left, right } => write!(
                f,
                "amounts in {} and {} cannot be combined (no exchange rate is applied)",
                left.code(),
                right.code()
            ),
            Self::Overflow { currency } => write!(
                f,
                "the {} result is too large (at most {} minor units)",
                currency.code(),
                i64::MAX
            ),
            Self::BelowZero { currency, short_by } => write!(
                f,
                "the {} result would be below zero (short by {})",
                currency.code(),
                // `short_by` is positive and at most `i64::MAX`, so this cannot fail.
                Money::from_minor(*short_by, *currency)
                    .map(|m| m.to_string())
                    .unwrap_or_else(|_| short_by.to_string())
            ),
        }
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    /// No money in `currency`: the start of a sum.
    ///
    /// ```
    /// use paymentoptions_hpp::{Currency, Money};
    ///
    /// let zero = Money::zero(Currency::JPY);
    /// assert!(zero.is_zero());
    /// assert_eq!(zero.minor_units(), 0);
    /// ```
    pub fn zero(currency: Currency) -> Self {
        Self {
            minor_units: 0,
            currency,
        }
    }

    /// Whether the amount is zero (which the API refuses for captures, refunds and payments).
    pub fn is_zero(&self) -> bool {
        self.minor_units == 0
    }

    /// `self + other`, in their common currency.
    ///
    /// ```
    /// use paymentoptions_hpp::{Currency, Money, MoneyError};
    ///
    /// let refunded = Money::parse_major("4.00", Currency::USD)?;
    /// let again = Money::parse_major("2.50", Currency::USD)?;
    /// assert_eq!(refunded.checked_add(again)?.to_string(), "6.50 USD");
    ///
    /// let yen = Money::from_minor(100, Currency::JPY)?;
    /// assert_eq!(
    ///     refunded.checked_add(yen),
    ///     Err(MoneyError::CurrencyMismatch { left: Currency::USD, right: Currency::JPY })
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        let currency = self.same_currency(&other)?;
        let minor_units = self
            .minor_units
            .checked_add(other.minor_units)
            .ok_or(MoneyError::Overflow { currency })?;
        Ok(Self {
            minor_units,
            currency,
        })
    }

    /// `self - other`, in their common currency; refused below zero.
    ///
    /// What is left to refund of a payment, from what the shop has refunded so far:
    ///
    /// ```
    /// use paymentoptions_hpp::{Currency, Money, MoneyError};
    ///
    /// let paid = Money::from_minor(1000, Currency::JPY)?;
    /// let refunded = Money::from_minor(400, Currency::JPY)?;
    /// assert_eq!(paid.checked_sub(refunded)?.minor_units(), 600);
    /// assert_eq!(
    ///     refunded.checked_sub(paid),
    ///     Err(MoneyError::BelowZero { currency: Currency::JPY, short_by: 600 })
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        let currency = self.same_currency(&other)?;
        // Both are in `0..=i64::MAX`, so the difference cannot overflow; only its sign matters.
        let minor_units = self.minor_units - other.minor_units;
        if minor_units < 0 {
            return Err(MoneyError::BelowZero {
                currency,
                short_by: -minor_units,
            });
        }
        Ok(Self {
            minor_units,
            currency,
        })
    }

    /// Compares two amounts of the same currency.
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use paymentoptions_hpp::{Currency, Money};
    ///
    /// let asked = Money::parse_major("10.50", Currency::USD)?;
    /// let left = Money::from_minor(1000, Currency::USD)?;
    /// assert_eq!(asked.try_cmp(&left)?, Ordering::Greater);
    /// assert!(asked.try_cmp(&Money::zero(Currency::EUR)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_cmp(&self, other: &Money) -> Result<Ordering, MoneyError> {
        self.same_currency(other)?;
        Ok(self.minor_units.cmp(&other.minor_units))
    }

    fn same_currency(&self, other: &Money) -> Result<Currency, MoneyError> {
        if self.currency == other.currency {
            Ok(self.currency)
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpy(minor: i64) -> Money {
        Money::from_minor(minor, Currency::JPY).unwrap()
    }

    #[test]
    fn sums_and_differences_stay_in_range() {
        assert_eq!(jpy(i64::MAX).checked_add(jpy(0)), Ok(jpy(i64::MAX)));
        assert_eq!(
            jpy(i64::MAX).checked_add(jpy(1)),
            Err(MoneyError::Overflow {
                currency: Currency::JPY
            })
        );
        assert_eq!(jpy(i64::MAX).checked_sub(jpy(i64::MAX)), Ok(jpy(0)));
        assert_eq!(
            jpy(0).checked_sub(jpy(i64::MAX)),
            Err(MoneyError::BelowZero {
                currency: Currency::JPY,
                short_by: i64::MAX
            })
        );
        assert!(jpy(5).checked_sub(jpy(5)).unwrap().is_zero());
        assert!(!jpy(1).is_zero());
    }

    #[test]
    fn another_currency_is_refused_whatever_the_amounts() {
        let usd = Money::zero(Currency::USD);
        let mismatch = MoneyError::CurrencyMismatch {
            left: Currency::JPY,
            right: Currency::USD,
        };
        // Refused before the amounts are looked at: not an overflow, not "below zero".
        assert_eq!(jpy(i64::MAX).checked_add(usd), Err(mismatch));
        assert_eq!(jpy(0).checked_sub(usd), Err(mismatch));
        assert_eq!(jpy(0).try_cmp(&usd), Err(mismatch));
        assert_eq!(
            mismatch.to_string(),
            "amounts in JPY and USD cannot be combined (no exchange rate is applied)"
        );
    }

    #[test]
    fn comparison_within_a_currency() {
        assert_eq!(jpy(1).try_cmp(&jpy(2)), Ok(Ordering::Less));
        assert_eq!(jpy(2).try_cmp(&jpy(2)), Ok(Ordering::Equal));
        assert_eq!(jpy(3).try_cmp(&jpy(2)), Ok(Ordering::Greater));
    }

    #[test]
    fn errors_say_how_much_is_missing_in_major_units() {
        let usd = |m| Money::from_minor(m, Currency::USD).unwrap();
        assert_eq!(
            usd(100).checked_sub(usd(1050)).unwrap_err().to_string(),
            "the USD result would be below zero (short by 9.50 USD)"
        );
    }
}
