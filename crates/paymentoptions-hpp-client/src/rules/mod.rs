//! The spec's request rules applied to a JSON body: the one reading of the rule tables
//! ([`api::request_rules`](crate::api::request_rules), [`api::path_params`](crate::api::path_params))
//! that `paymentoptions-hpp` (before it sends) and its sandbox (when it receives) both call.
//!
//! Only the rules a `FieldRule` carries are checked here: lengths, `pattern`, `format`,
//! `minimum`/`maximum`, `enum` and `required`. A value of the wrong JSON type is left to the
//! generated model's decoder, which names the type it expected. What either side refuses
//! beyond the spec (the library's money policy, the sandbox's server-side refusals) is its own.
//!
//! ```
//! use paymentoptions_hpp_client::api::request_rules::HPP_LINK_REQUEST;
//! use paymentoptions_hpp_client::rules::{self, CodeProblem, Problem};
//!
//! let body = serde_json::json!({"currency": "jpy", "merchant_txn_ref": "x".repeat(46)});
//! let broken = rules::check_body(&body, HPP_LINK_REQUEST, "");
//! assert_eq!(broken.len(), 2);
//! assert!(broken.iter().any(|b| b.field == "currency"
//!     && b.problem == Problem::Currency(CodeProblem::LowerCase { upper: "JPY".into() })));
//! assert!(broken.iter().any(|b| b.field == "merchant_txn_ref"
//!     && matches!(b.problem, Problem::MaxLength { .. })));
//! ```

mod pattern;

use std::fmt;

use serde_json::Value;

use crate::api::FieldRule;
use crate::formats::{self, EmailProblem, UrlProblem};

pub use pattern::matches_pattern;

/// One rule of the spec that a field breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// The JSON path of the field (`billing_address.country`), or the parameter's name.
    pub field: String,
    /// The rule, and what the check learnt about the value.
    pub problem: Problem,
}

/// A rule of the spec, as a value breaks it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Longer than `maxLength` (in characters).
    MaxLength {
        /// The most characters allowed.
        max: u64,
    },
    /// Shorter than `minLength` (in characters).
    MinLength {
        /// The fewest characters allowed.
        min: u64,
    },
    /// Does not match `pattern` (checked only when the length and the format hold: a pattern
    /// that approximates a format, like `^https?://`, is one mistake with it).
    Pattern {
        /// The ECMA-262 regular expression.
        pattern: &'static str,
    },
    /// Lower than `minimum`.
    Minimum {
        /// The lowest value allowed.
        min: i64,
    },
    /// Higher than `maximum`.
    Maximum {
        /// The highest value allowed.
        max: i64,
    },
    /// Missing (or `null`), but listed in its object's `required`.
    Required,
    /// Not one of the `enum` values.
    OneOf {
        /// The values allowed.
        values: &'static [&'static str],
    },
    /// Not of the `iso4217` format.
    Currency(CodeProblem),
    /// Not of the `iso3166-alpha2` format.
    Country(CodeProblem),
    /// Not of the `email` format.
    Email(EmailProblem),
    /// Not of the `uri` format.
    Url(UrlProblem),
    /// A number of an `int32`/`int64` field written with a fraction or an exponent (`5.0`,
    /// `1e3`), even when it is whole.
    NotAnInteger,
    /// Not a JSON object, where the schema has one (the body, or an object the rules reach
    /// into). Serde's derived models would read an array as an object's fields in order, so
    /// the decoder cannot be left to refuse it.
    NotAnObject,
}

/// Why a value is not an ISO code of its format. The code is checked as a whole first: `us`
/// or `USA` is one mistake, not a broken pattern and a broken length as well.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// A valid code, but not in upper case.
    LowerCase {
        /// The code to send.
        upper: String,
    },
    /// Not as many letters as the format's codes have.
    Length {
        /// How many letters the codes have.
        letters: usize,
        /// How many characters the value has.
        found: usize,
    },
    /// Of the right length, but no code of the standard.
    Unknown,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::MaxLength { max } => write!(f, "longer than {max} characters"),
            Problem::MinLength { min } => write!(f, "shorter than {min} characters"),
            Problem::Pattern { pattern } => write!(f, "does not match the pattern `{pattern}`"),
            Problem::Minimum { min } => write!(f, "lower than {min}"),
            Problem::Maximum { max } => write!(f, "higher than {max}"),
            Problem::Required => f.write_str("required, but missing"),
            Problem::OneOf { values } => write!(f, "not one of {}", values.join(", ")),
            Problem::Currency(problem) => {
                f.write_str("not an ISO 4217 currency code (like JPY or USD)")?;
                problem.hint(f)
            }
            Problem::Country(problem) => {
                f.write_str("not an ISO 3166-1 alpha-2 country code (like JP or US)")?;
                problem.hint(f)
            }
            Problem::Email(EmailProblem::Invalid) => {
                f.write_str("not a well-formed e-mail address")
            }
            Problem::Email(EmailProblem::NotAscii { ascii }) => {
                f.write_str("not a well-formed e-mail address; ")?;
                match ascii {
                    Some(ascii) => write!(f, "write the domain in ASCII: {ascii}"),
                    None => f.write_str("an address in ASCII only"),
                }
            }
            Problem::NotAnObject => f.write_str("expected a JSON object"),
            Problem::NotAnInteger => {
                f.write_str("not an integer: write it without a fraction or exponent (5, not 5.0)")
            }
            Problem::Url(UrlProblem::NotAbsoluteHttp) => {
                f.write_str("not an absolute http:// or https:// URL")
            }
            Problem::Url(UrlProblem::NotEncoded { encoded }) => {
                f.write_str(
                    "has characters a URL cannot carry as written (RFC 3986): percent-encode them; ",
                )?;
                match encoded {
                    Some(encoded) => write!(f, "send {encoded}"),
                    None => f.write_str("a `%` starts no escape: write it as %25"),
                }
            }
        }
    }
}

impl CodeProblem {
    /// `; <how to fix it>`, when there is a fix to give.
    fn hint(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeProblem::LowerCase { upper } => write!(f, "; codes are upper case: use {upper}"),
            CodeProblem::Length { letters, found } => {
                write!(f, "; the code has {letters} letters, not {found}")
            }
            CodeProblem::Unknown => Ok(()),
        }
    }
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.field, self.problem)
        }
    }
}

/// Every rule of `rules` that `body` breaks, in the table's order. The rules' paths are below
/// `at` (empty for the body itself). A field inside an optional object that is absent is not
/// checked, so a required member of an absent optional object is not missing.
pub fn check_body(body: &Value, rules: &[FieldRule], at: &str) -> Vec<Broken> {
    let mut out = Vec::new();
    let path = |p: &str| match (at.is_empty(), p.is_empty()) {
        (true, _) => p.to_string(),
        (false, true) => at.to_string(),
        (false, false) => format!("{at}.{p}"),
    };
    if !body.is_object() {
        out.push(Broken {
            field: path(""),
            problem: Problem::NotAnObject,
        });
        return out;
    }
    let mut not_objects: Vec<&str> = Vec::new();
    for rule in rules {
        let mut value = Some(body);
        let mut parent_absent = false;
        let mut walked = 0;
        let mut keys = rule.path.split('.').peekable();
        while let Some(key) = keys.next() {
            walked += key.len() + 1;
            value = value.and_then(|v| v.get(key)).filter(|v| !v.is_null());
            if keys.peek().is_some() {
                match value {
                    None => parent_absent = true,
                    Some(v) if !v.is_object() => {
                        let parent = &rule.path[..walked - 1];
                        if !not_objects.contains(&parent) {
                            not_objects.push(parent);
                            out.push(Broken {
                                field: path(parent),
                                problem: Problem::NotAnObject,
                            });
                        }
                        parent_absent = true;
                    }
                    Some(_) => continue,
                }
                break;
            }
        }
        if parent_absent {
            continue;
        }
        check_value(&path(rule.path), value, rule, &mut out);
    }
    out
}

/// Checks one value against `rule`, appending what it breaks to `out`. Absent and `null`
/// pass unless the rule says the field is required; other JSON types than strings and numbers
/// are the decoder's to refuse.
pub fn check_value(field: &str, value: Option<&Value>, rule: &FieldRule, out: &mut Vec<Broken>) {
    let mut push = |problem| {
        out.push(Broken {
            field: field.to_string(),
            problem,
        })
    };
    match value {
        None | Some(Value::Null) if rule.required => push(Problem::Required),
        Some(Value::String(s)) => check_str(s, rule, &mut push),
        Some(Value::Number(n)) => {
            // `int32`/`int64` name the range the server holds: a bound of its own, which
            // JSON's numbers (and a model's `u64`, for `minimum: 1`) would otherwise exceed.
            let range = match rule.format {
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                Some("int64") => Some((i64::MIN, i64::MAX)),
                _ => None,
            };
            let min = rule.minimum.into_iter().chain(range.map(|r| r.0)).max();
            let max = rule.maximum.into_iter().chain(range.map(|r| r.1)).min();
            match n.as_i64() {
                Some(n) => {
                    if let Some(min) = min.filter(|&min| n < min) {
                        push(Problem::Minimum { min });
                    }
                    if let Some(max) = max.filter(|&max| n > max) {
                        push(Problem::Maximum { max });
                    }
                }
                // Above `i64::MAX`.
                None if n.is_u64() => {
                    if let Some(max) = max {
                        push(Problem::Maximum { max });
                    }
                }
                // Written with a fraction or an exponent: an integer to JSON Schema when whole,
                // but read as "no amount" by code that asks for an integer.
                None if range.is_some() => push(Problem::NotAnInteger),
                None => {}
            }
        }
        _ => {}
    }
}

fn check_str(s: &str, rule: &FieldRule, push: &mut impl FnMut(Problem)) {
    match rule.format {
        Some(formats::ISO3166_ALPHA2) => {
            if let Some(problem) = code_problem(s, 2, formats::iso3166_alpha2) {
                return push(Problem::Country(problem));
            }
        }
        Some(formats::ISO4217) => {
            if let Some(problem) = code_problem(s, 3, formats::iso4217) {
                return push(Problem::Currency(problem));
            }
        }
        _ => {}
    }
    let chars = s.chars().count() as u64;
    let mut length_ok = true;
    if let Some(max) = rule.max_length
        && chars > max
    {
        push(Problem::MaxLength { max });
        length_ok = false;
    }
    if let Some(min) = rule.min_length
        && chars < min
    {
        push(Problem::MinLength { min });
        length_ok = false;
    }
    let format_problem = match rule.format {
        Some(formats::EMAIL) => formats::email(s).err().map(Problem::Email),
        Some(formats::URI) => formats::http_url(s).err().map(Problem::Url),
        _ => None,
    };
    let format_ok = format_problem.is_none();
    if let Some(problem) = format_problem {
        push(problem);
    }
    if let Some(pattern) = rule.pattern
        && length_ok
        && format_ok
        && !matches_pattern(pattern, s)
    {
        push(Problem::Pattern { pattern });
    }
    if !rule.one_of.is_empty() && !rule.one_of.contains(&s) {
        push(Problem::OneOf {
            values: rule.one_of,
        });
    }
}

/// `None` when `code` is a valid code of `len` upper-case letters.
fn code_problem(code: &str, len: usize, valid: impl Fn(&str) -> bool) -> Option<CodeProblem> {
    if code.len() == len && code.bytes().all(|b| b.is_ascii_uppercase()) && valid(code) {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    if code.len() == len && upper != code && valid(&upper) {
        return Some(CodeProblem::LowerCase { upper });
    }
    let found = code.chars().count();
    if found != len {
        return Some(CodeProblem::Length {
            letters: len,
            found,
        });
    }
    Some(CodeProblem::Unknown)
}

#[cfg(test)]
mod tests;
