//! The sandbox's hosted page and the library read and write amounts alike, for every ISO 4217
//! currency: the page shows what `Money` displays, each parses what the other writes, and both
//! refuse the same malformed, too precise and too large amounts.
//!
//! The two are separate implementations because the sandbox does not depend on the wrapper;
//! where they differ on purpose (the page reads what a customer types), the test says so.

use paymentoptions_hpp::{Currency, Money, Rule, money::currency};
use paymentoptions_hpp_mock::money as page;

/// Every three-letter upper-case code, so that no currency `iso_currency` knows is missed.
fn every_code() -> impl Iterator<Item = String> {
    let letters = || b'A'..=b'Z';
    letters().flat_map(move |a| {
        letters()
            .flat_map(move |b| letters().map(move |c| String::from_utf8(vec![a, b, c]).unwrap()))
    })
}

/// The currencies with a minor unit, with their exponent.
fn with_exponent() -> Vec<(Currency, u32)> {
    let found: Vec<_> = every_code()
        .filter_map(|code| Currency::from_code(&code))
        .filter_map(|c| c.exponent().map(|e| (c, u32::from(e))))
        .collect();
    // ISO 4217 uses these exponents (none uses 1: MGA and MRU are listed with 2).
    for exponent in [0, 2, 3, 4] {
        assert!(
            found.iter().any(|(_, e)| *e == exponent),
            "ISO 4217 has currencies with exponent {exponent}"
        );
    }
    found
}

/// `minor` written in major units with `exponent` decimals, without grouping: `10.50`.
fn major(minor: u128, exponent: u32) -> String {
    let scale = 10u128.pow(exponent);
    if exponent == 0 {
        minor.to_string()
    } else {
        format!(
            "{}.{:0width$}",
            minor / scale,
            minor % scale,
            width = exponent as usize
        )
    }
}

/// What the page shows, without its thousands separators and currency code.
fn page_amount(minor: i64, code: &str) -> String {
    page::format(minor, code)
        .strip_suffix(&format!(" {code}"))
        .unwrap()
        .replace(',', "")
}

fn library_amount(money: Money) -> String {
    let code = money.currency().code();
    money
        .to_string()
        .strip_suffix(&format!(" {code}"))
        .unwrap()
        .to_string()
}

#[test]
fn every_code_has_one_exponent_in_both() {
    let mut known = 0;
    for code in every_code() {
        match Currency::from_code(&code).and_then(|c| c.exponent()) {
            Some(e) => {
                known += 1;
                assert_eq!(page::exponent(&code), u32::from(e), "{code}");
                assert_eq!(currency(&code).unwrap().code(), code);
            }
            // Unknown codes and those without a minor unit (gold, SDRs...): the library refuses
            // a decimal amount in them, the page shows the integer as it is.
            None => assert_eq!(page::exponent(&code), 0, "{code}"),
        }
    }
    assert!(known > 100, "iso_currency lists the ISO 4217 currencies");
}

#[test]
fn the_page_shows_what_money_displays_and_each_reads_the_other() {
    for (c, e) in with_exponent() {
        let code = c.code();
        let scale = 10i64.pow(e);
        for minor in [
            1,
            5,
            scale - 1,
            scale,
            scale + 1,
            1050,
            123_456_789,
            i64::MAX,
        ] {
            let minor = minor.max(1); // `scale - 1` is 0 for currencies without decimals
            let money = Money::from_minor(minor, c).unwrap();
            let shown = page_amount(minor, code);
            assert_eq!(library_amount(money), shown, "{code} {minor}");
            assert_eq!(
                shown,
                major(minor.unsigned_abs().into(), e),
                "{code} {minor}"
            );
            // Library -> page, page -> library, and the page reads its own grouped output.
            assert_eq!(page::parse(&shown, code), Ok(minor), "{code} {shown}");
            assert_eq!(
                Money::parse_major(&shown, c).ok().map(|m| m.minor_units()),
                Some(minor),
                "{code} {shown}"
            );
            let grouped = page::format(minor, code);
            let grouped = grouped.strip_suffix(&format!(" {code}")).unwrap();
            assert_eq!(page::parse(grouped, code), Ok(minor), "{code} {grouped}");
        }
        // Trailing zeros beyond the exponent are accepted by both.
        let padded = format!("7.{}", "0".repeat(e as usize + 2));
        assert_eq!(page::parse(&padded, code), Ok(7 * scale), "{code} {padded}");
        assert_eq!(
            Money::parse_major(&padded, c).ok().map(|m| m.minor_units()),
            Some(7 * scale),
            "{code} {padded}"
        );
    }
}

#[test]
fn both_refuse_the_same_amounts() {
    for (c, e) in with_exponent() {
        let code = c.code();
        let library = |s: &str| Money::parse_major(s, c).map_err(|err| err.rule().clone());
        let too_precise = format!("1.{}", "1".repeat(e as usize + 1));
        assert_eq!(
            library(&too_precise),
            Err(Rule::AmountPrecision {
                exponent: e.try_into().unwrap()
            }),
            "{code}"
        );
        let message = page::parse(&too_precise, code).unwrap_err();
        assert!(message.contains(code), "{code}: {message}");
        for malformed in [
            "", ".5", "5.", "-1", "+1", "1e3", "1.2.3", "１", "ten", "0x10",
        ] {
            assert_eq!(
                library(malformed),
                Err(Rule::AmountSyntax),
                "{code} {malformed:?}"
            );
            assert!(
                page::parse(malformed, code).is_err(),
                "{code} {malformed:?}"
            );
        }
        let beyond = major(u128::from(i64::MAX.unsigned_abs()) + 1, e);
        for too_large in [beyond.as_str(), "99999999999999999999999"] {
            assert_eq!(
                library(too_large),
                Err(Rule::AmountTooLarge),
                "{code} {too_large}"
            );
            assert_eq!(
                page::parse(too_large, code),
                Err("That amount is too large.".into()),
                "{code} {too_large}"
            );
        }
    }
}

/// The page reads what a customer types, so it is more lenient in two ways, and stricter in
/// one: a payment cannot be of nothing.
#[test]
fn the_page_differs_only_where_a_customer_types() {
    for (c, e) in with_exponent() {
        let code = c.code();
        let thousand = 1000 * 10i64.pow(e);
        for typed in ["1,000", " 1000 ", "1 000"] {
            assert_eq!(page::parse(typed, code), Ok(thousand), "{code} {typed:?}");
            assert_eq!(
                Money::parse_major(typed, c).unwrap_err().rule(),
                &Rule::AmountSyntax,
                "{code} {typed:?}"
            );
        }
        assert!(page::parse("0", code).is_err(), "{code}");
        assert_eq!(Money::parse_major("0", c).unwrap().minor_units(), 0);
    }
    // A currency without a minor unit: the library cannot tell major from minor and refuses;
    // the page shows and reads the integer as it is, as `Money::from_minor` and its display do.
    let gold = Currency::XAU;
    assert_eq!(gold.exponent(), None);
    assert_eq!(
        Money::parse_major("5", gold).unwrap_err().rule(),
        &Rule::CurrencyWithoutMinorUnit
    );
    assert_eq!(page::parse("5", "XAU"), Ok(5));
    assert_eq!(
        library_amount(Money::from_minor(1234, gold).unwrap()),
        page_amount(1234, "XAU")
    );
}
