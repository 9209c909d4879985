//! Validation errors: which field broke which rule.
//!
//! The rules themselves live in the OpenAPI spec; `cargo xtask generate` turns each request
//! field's keywords (`maxLength`, `pattern`, `format`, `minimum`, `enum`...) into a table
//! (`paymentoptions_hpp_client::api::request_rules`), and `paymentoptions_hpp_client::rules`
//! reads it (with `formats` for what the spec can only name: `email`, ISO codes, URLs) for
//! this library and the sandbox alike. Here: the library's words for what it finds ([`Rule`],
//! hints), and its own policy beyond the spec.

use std::fmt;

use paymentoptions_hpp_client::api::FieldRule;
use paymentoptions_hpp_client::formats::{EmailProblem, UrlProblem};
use paymentoptions_hpp_client::rules::{self as spec_rules, Broken, CodeProblem, Problem};
use serde_json::Value;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    field: String,
    rule: Rule,
    hint: Option<String>,
}

impl Violation {
    pub(crate) fn new(field: impl Into<String>, rule: Rule) -> Self {
        Self {
            field: field.into(),
            rule,
            hint: None,
        }
    }

    /// The JSON path of the field, e.g. `billing_address.country` (empty for the body itself).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The rule it breaks.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// How to fix the value, when the check can tell (`codes are upper case: use US`).
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

/// A rule a request field must follow. Rules from the spec carry their limit as data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Longer than the spec's `maxLength` (in characters).
    MaxLength {
        /// The most characters allowed.
        max: u64,
    },
    /// Shorter than the spec's `minLength` (in characters).
    MinLength {
        /// The fewest characters allowed.
        min: u64,
    },
    /// Does not match the spec's `pattern`.
    Pattern {
        /// The regular expression (ECMA-262).
        pattern: &'static str,
    },
    /// Lower than the spec's `minimum`.
    Minimum {
        /// The lowest value allowed.
        min: i64,
    },
    /// Higher than the spec's `maximum`.
    Maximum {
        /// The highest value allowed.
        max: i64,
    },
    /// Missing, but listed in its object's `required`.
    Required,
    /// Not one of the spec's `enum` values.
    OneOf {
        /// The values allowed.
        values: &'static [&'static str],
    },
    /// Not an ISO 4217 alphabetic currency code.
    Iso4217Currency,
    /// Not an ISO 3166-1 alpha-2 country code.
    Iso3166Alpha2Country,
    /// Not a well-formed e-mail address.
    Email,
    /// Not an absolute `http` or `https` URL.
    AbsoluteHttpUrl,
    /// A URL with characters RFC 3986 does not allow as written (a space, `|`, a non-ASCII
    /// letter, a `%` that starts no escape): the spec's `uri` format. The hint gives the
    /// percent-encoded URL to send instead, when there is one; the library never encodes it
    /// itself, so the redirect stays what the merchant wrote.
    UrlNotEncoded,
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
    /// A money call's amount in another currency than the transaction it acts on (the API's
    /// body has no currency: it would be read in the transaction's).
    CurrencyMismatch {
        /// The transaction's currency (ISO 4217 code).
        transaction: &'static str,
        /// The amount's currency.
        amount: &'static str,
    },
    /// A money call's `transactionId` names a transaction the operation cannot act on: a kind
    /// other than the spec's `x-moves-money.acts-on`, not approved, or of another environment.
    Target {
        /// What the operation needs.
        needs: String,
        /// What the transaction's status says.
        found: String,
    },
    /// A link amount without a currency: the library's own policy (the API's rules allow it,
    /// and the hosted page then lets the customer choose the currency, so a JPY price could be
    /// paid in BHD). To let the customer choose, say so with `customer_enters_amount`.
    AmountWithoutCurrency,
    /// Zero or less: the library's own policy for money (the API's rule for this field may be
    /// looser), since a zero payment or refund moves nothing and only hides a mistake.
    NotPositive,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::MaxLength { max } => write!(f, "longer than {max} characters"),
            Rule::MinLength { min } => write!(f, "shorter than {min} characters"),
            Rule::Pattern { pattern } => write!(f, "does not match the pattern `{pattern}`"),
            Rule::Minimum { min } => write!(f, "lower than {min}"),
            Rule::Maximum { max } => write!(f, "higher than {max}"),
            Rule::Required => f.write_str("required, but missing"),
            Rule::OneOf { values } => write!(f, "not one of {}", values.join(", ")),
            Rule::Iso4217Currency => f.write_str("not an ISO 4217 currency code (like JPY or USD)"),
            Rule::Iso3166Alpha2Country => {
                f.write_str("not an ISO 3166-1 alpha-2 country code (like JP or US)")
            }
            Rule::Email => f.write_str("not a well-formed e-mail address"),
            Rule::AbsoluteHttpUrl => f.write_str("not an absolute http:// or https:// URL"),
            Rule::UrlNotEncoded => f.write_str(
                "has characters a URL cannot carry as written (RFC 3986): percent-encode them",
            ),
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
            Rule::CurrencyMismatch {
                transaction,
                amount,
            } => write!(
                f,
                "in {amount}, but the transaction is in {transaction}: give the amount in \
                 {transaction} (the API's body has no currency)"
            ),
            Rule::Target { needs, found } => write!(f, "names {found}; the operation needs {needs}"),
            Rule::AmountWithoutCurrency => f.write_str(
                "an amount needs its currency (without one the customer would choose it on the \
                 hosted page)",
            ),
            Rule::NotPositive => f.write_str("zero or less: a money call needs at least 1 minor unit"),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "request body: {}", self.rule)?;
        } else {
            write!(f, "{}: {}", self.field, self.rule)?;
        }
        match &self.hint {
            Some(hint) => write!(f, "; {hint}"),
            None => Ok(()),
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
///
/// // Limits from the spec are data, not text.
/// let err = LinkRequest::builder()
///     .customer_enters_amount()
///     .merchant_txn_ref("x".repeat(500))
///     .build()
///     .unwrap_err();
/// assert!(matches!(err.rule(), Rule::MaxLength { .. }));
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
        Self::new(vec![Violation::new(field, rule)])
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
        self.violations.push(Violation::new(field, rule));
    }

    fn push_hint(&mut self, field: &str, rule: Rule, hint: Option<String>) {
        self.violations.push(Violation {
            field: field.to_string(),
            rule,
            hint,
        });
    }

    /// Checks every field of `body` that `rules` names (paths below `at`), through the
    /// spec's one reading of its rules (`paymentoptions_hpp_client::rules`, shared with the
    /// sandbox); fields of the wrong JSON type are left to the decoder, which names the type
    /// it expected.
    pub(crate) fn check_body(&mut self, body: &Value, rules: &[FieldRule], at: &str) {
        for broken in spec_rules::check_body(body, rules, at) {
            self.push_broken(broken);
        }
    }

    /// Checks one value (absent and `null` pass unless the rule says it is required).
    pub(crate) fn check_value(&mut self, field: &str, value: Option<&Value>, rule: &FieldRule) {
        let mut broken = Vec::new();
        spec_rules::check_value(field, value, rule, &mut broken);
        for broken in broken {
            self.push_broken(broken);
        }
    }

    /// The library's [`Rule`] for a rule of the spec, with the hint the check found.
    fn push_broken(&mut self, broken: Broken) {
        let (rule, hint) = match broken.problem {
            Problem::MaxLength { max } => (Rule::MaxLength { max }, None),
            Problem::MinLength { min } => (Rule::MinLength { min }, None),
            Problem::Pattern { pattern } => (Rule::Pattern { pattern }, None),
            Problem::Minimum { min } => (Rule::Minimum { min }, None),
            Problem::Maximum { max } => (Rule::Maximum { max }, None),
            Problem::Required => (Rule::Required, None),
            Problem::OneOf { values } => (Rule::OneOf { values }, None),
            Problem::Currency(problem) => (Rule::Iso4217Currency, code_hint(problem)),
            Problem::Country(problem) => (Rule::Iso3166Alpha2Country, code_hint(problem)),
            Problem::Email(EmailProblem::Invalid) => (Rule::Email, None),
            Problem::Email(EmailProblem::NotAscii { ascii }) => (
                Rule::Email,
                Some(match ascii {
                    Some(ascii) => format!("write the domain in ASCII: {ascii}"),
                    None => "an address in ASCII only".to_string(),
                }),
            ),
            Problem::Url(UrlProblem::NotAbsoluteHttp) => (Rule::AbsoluteHttpUrl, None),
            Problem::Url(UrlProblem::NotEncoded { encoded }) => (
                Rule::UrlNotEncoded,
                Some(match encoded {
                    Some(encoded) => format!("send {encoded}"),
                    None => "a `%` starts no escape: write it as %25".to_string(),
                }),
            ),
            problem @ (Problem::NotAnObject | Problem::NotAnInteger) => {
                (Rule::Json(problem.to_string()), None)
            }
            // A rule the shared reading learnt after this version of the library: its own
            // words, so that nothing is dropped.
            other => (Rule::Json(other.to_string()), None),
        };
        self.push_hint(&broken.field, rule, hint);
    }

    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError::new(self.violations))
        }
    }
}

/// How to fix an ISO code, when the check can tell.
fn code_hint(problem: CodeProblem) -> Option<String> {
    match problem {
        CodeProblem::LowerCase { upper } => Some(format!("codes are upper case: use {upper}")),
        CodeProblem::Length { letters, found } => {
            Some(format!("the code has {letters} letters, not {found}"))
        }
        CodeProblem::Unknown => None,
    }
}

/// Checks `body` against the request schema's `rules`, then decodes it into the generated model.
#[allow(
    dead_code,
    reason = "used by the generated request builders, when the spec has any"
)]
pub(crate) fn checked_model<M: serde::de::DeserializeOwned>(
    body: Value,
    rules: &[FieldRule],
) -> Result<M, ValidationError> {
    let mut c = Checker::default();
    c.check_body(&body, rules, "");
    c.finish()?;
    decode_model(&body)
}

/// Decodes a checked body into the generated model; a value of the wrong JSON type is named by
/// its path.
pub(crate) fn decode_model<M: serde::de::DeserializeOwned>(
    body: &Value,
) -> Result<M, ValidationError> {
    serde_path_to_error::deserialize(body).map_err(|e| {
        let field = crate::json::json_path(e.path());
        let field = if field == "." { String::new() } else { field };
        ValidationError::one(field, Rule::Json(e.into_inner().to_string()))
    })
}
