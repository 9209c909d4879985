//! Test cards and the checks a card's number and expiry get.

/// A test card that is always approved.
pub const APPROVED_CARD: &str = "4242424242424242";
/// The test card that is always declined.
pub const DECLINED_CARD: &str = "4000000000000002";

/// The Luhn checksum every card number carries.
pub(crate) fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// A card number as typed (spaces and dashes allowed), when it is one: its digits.
pub(crate) fn card_number(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    ((12..=19).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && luhn(&digits))
    .then_some(digits)
}

/// `MM/YY`, this month or later.
pub(crate) fn valid_expiry(s: &str, today: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let Some((mm, yy)) = s.split_once('/') else {
        return false;
    };
    let (mm, yy) = (mm.trim(), yy.trim());
    if mm.len() != 2 || yy.len() != 2 || !yy.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(month), Ok(year)) = (mm.parse::<u32>(), yy.parse::<i32>()) else {
        return false;
    };
    (1..=12).contains(&month) && (2000 + year, month) >= (today.year(), today.month())
}

/// Three or four digits.
pub(crate) fn valid_cvc(s: &str) -> bool {
    (3..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_the_test_cards_only_when_valid() {
        assert!(luhn("4242424242424242"));
        assert!(luhn(DECLINED_CARD));
        assert!(!luhn("4242424242424241"));
        assert_eq!(
            card_number("4242 4242-4242 4242").as_deref(),
            Some(APPROVED_CARD)
        );
        assert_eq!(card_number("4242"), None);
        assert_eq!(card_number("4242x42424242424"), None);
    }

    #[test]
    fn expiry_format_and_date() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert!(valid_expiry("12/29", today));
        assert!(valid_expiry("11/26", today), "this month is still valid");
        assert!(!valid_expiry("10/26", today), "last month has expired");
        assert!(!valid_expiry("01/20", today));
        assert!(!valid_expiry("13/29", today));
        assert!(!valid_expiry("00/29", today));
        assert!(!valid_expiry("1229", today));
        assert!(!valid_expiry("1/29", today));
    }

    #[test]
    fn cvc() {
        assert!(valid_cvc("123") && valid_cvc("1234"));
        assert!(!valid_cvc("12") && !valid_cvc("12a") && !valid_cvc("12345"));
    }
}
