//! Validation errors: which field broke which rule.
//!
//! Length and pattern rules come from the spec and are checked by the generated types (their
//! messages are kept as [`Rule::Spec`]); the rules the spec can only name (`format: email`, ISO
//! codes, absolute URLs) are checked here with well-kept crates.

use std::fmt;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The JSON path of the field, e.g. `billing_address.country` (empty for the body itself).
    pub field: String,
    /// The rule it breaks.
    pub rule: Rule,
}

/// A rule a request field must follow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// A rule written in the OpenAPI spec (a length or a pattern), as reported by the generated
    /// type that enforces it, e.g. `longer than 45 characters`.
    Spec(String),
    /// Not an ISO 4217 alphabetic currency code.
    Iso4217Currency,
    /// Not an ISO 3166-1 alpha-2 country code.
    Iso3166Alpha2Country,
    /// Not a well-formed e-mail address.
    Email,
    /// Not an absolute `http` or `https` URL.
    AbsoluteHttpUrl,
    /// A decimal amount that is not a plain number like `10.50`.
    AmountSyntax,
    /// More decimal places than the currency's ISO 4217 exponent allows (USD: 2, JPY: 0).
    AmountPrecision {
        /// The currency's number of decimal places.
        exponent: u16,
    },
    /// An amount too large to send (the API's amounts are 64-bit signed integers).
    AmountTooLarge,
    /// The currency has no ISO 4217 minor unit (e.g. `XAU`), so an amount cannot be expressed in it.
    CurrencyWithoutMinorUnit,
    /// Neither an amount nor "the customer enters the amount" was chosen.
    AmountNotChosen,
    /// A JSON body field that the API's request model does not have (it would be dropped).
    UnknownField,
    /// A JSON body that is not valid JSON, or not of the expected type.
    Json(String),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Spec(message) => f.write_str(message),
            Rule::Iso4217Currency => f.write_str("not an ISO 4217 currency code (like JPY or USD)"),
            Rule::Iso3166Alpha2Country => {
                f.write_str("not an ISO 3166-1 alpha-2 country code (like JP or US)")
            }
            Rule::Email => f.write_str("not a well-formed e-mail address"),
            Rule::AbsoluteHttpUrl => f.write_str("not an absolute http:// or https:// URL"),
            Rule::AmountSyntax => f.write_str("not a decimal amount like 10.50"),
            Rule::AmountPrecision { exponent: 0 } => {
                f.write_str("the currency has no minor unit: no decimal places allowed")
            }
            Rule::AmountPrecision { exponent } => {
                write!(f, "more than {exponent} decimal places for this currency")
            }
            Rule::AmountTooLarge => f.write_str("too large (at most 9223372036854775807 minor units)"),
            Rule::CurrencyWithoutMinorUnit => {
                f.write_str("the currency has no ISO 4217 minor unit, so it cannot carry an amount")
            }
            Rule::AmountNotChosen => f.write_str(
                "choose an amount (`amount`) or let the customer enter it (`customer_enters_amount`)",
            ),
            Rule::UnknownField => {
                f.write_str("not a field of the request; it would be dropped, so it is refused")
            }
            Rule::Json(message) => f.write_str(message),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "request body: {}", self.rule)
        } else {
            write!(f, "{}: {}", self.field, self.rule)
        }
    }
}

/// A request was refused before anything was sent: one or more fields break a rule.
///
/// ```
/// use paymentoptions_hpp::{LinkRequest, Rule};
///
/// let err = LinkRequest::builder()
///     .customer_enters_amount()
///     .merchant_email("not an address")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.field(), "merchant_email");
/// assert_eq!(err.rule(), &Rule::Email);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    violations: Vec<Violation>,
}

impl ValidationError {
    pub(crate) fn new(violations: Vec<Violation>) -> Self {
        debug_assert!(!violations.is_empty());
        Self { violations }
    }

    pub(crate) fn one(field: impl Into<String>, rule: Rule) -> Self {
        Self::new(vec![Violation {
            field: field.into(),
            rule,
        }])
    }

    /// Every broken rule, in field order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The field of the first broken rule.
    pub fn field(&self) -> &str {
        &self.violations[0].field
    }

    /// The first broken rule.
    pub fn rule(&self) -> &Rule {
        &self.violations[0].rule
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid request: ")?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            v.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Collects violations while a request is checked field by field.
#[derive(Default)]
pub(crate) struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    pub(crate) fn push(&mut self, field: impl Into<String>, rule: Rule) {
        self.violations.push(Violation {
            field: field.into(),
            rule,
        });
    }

    /// Converts a raw string into a generated, spec-checked newtype, recording its rule if it fails.
    pub(crate) fn spec<T>(&mut self, field: &str, value: Option<String>) -> Option<T>
    where
        T: TryFrom<String>,
        T::Error: fmt::Display,
    {
        match T::try_from(value?) {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, Rule::Spec(e.to_string()));
                None
            }
        }
    }

    pub(crate) fn email(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value
            && !email_address::EmailAddress::is_valid(v)
        {
            self.push(field, Rule::Email);
        }
    }

    pub(crate) fn http_url(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value
            && !is_absolute_http_url(v)
        {
            self.push(field, Rule::AbsoluteHttpUrl);
        }
    }

    pub(crate) fn country(&mut self, field: &str, value: Option<&str>) {
        // Only codes that passed the spec's pattern (two capital letters) reach the ISO check, so
        // one mistake is reported once.
        if let Some(v) = value
            && v.len() == 2
            && v.bytes().all(|b| b.is_ascii_uppercase())
            && v.parse::<iso_currency::Country>().is_err()
        {
            self.push(field, Rule::Iso3166Alpha2Country);
        }
    }

    pub(crate) fn currency(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value
            && v.len() == 3
            && v.bytes().all(|b| b.is_ascii_uppercase())
            && iso_currency::Currency::from_code(v).is_none()
        {
            self.push(field, Rule::Iso4217Currency);
        }
    }

    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError::new(self.violations))
        }
    }
}

/// `true` for `http://host/...` and `https://host/...` with a host.
pub(crate) fn is_absolute_http_url(value: &str) -> bool {
    match url::Url::parse(value) {
        Ok(u) => matches!(u.scheme(), "http" | "https") && u.host().is_some(),
        Err(_) => false,
    }
}
