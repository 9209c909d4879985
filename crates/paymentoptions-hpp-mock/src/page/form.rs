//! Reading what the customer typed on the page: the amount and currency the link left out,
//! contact details, and the card, which decides the outcome.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::cards::{self, DECLINED_CARD};
use crate::completion::CustomerInput;
use crate::money;
use crate::store::{CustomerAction, LinkView};
use crate::transactions::CardFacts;

/// A customer detail the page asks for when the link's billing address lacks it.
pub(crate) struct Detail {
    /// The form field, also the member of `billing_address` that pre-fills it.
    pub(crate) name: &'static str,
    pub(crate) label: &'static str,
    /// The HTML `autocomplete` token.
    pub(crate) autocomplete: &'static str,
    /// The HTML input type.
    pub(crate) kind: &'static str,
}

/// The customer details, in page order.
pub(crate) const DETAILS: [Detail; 7] = [
    Detail {
        name: "email",
        label: "Email",
        autocomplete: "email",
        kind: "email",
    },
    Detail {
        name: "phone_number",
        label: "Phone number",
        autocomplete: "tel",
        kind: "tel",
    },
    Detail {
        name: "address1",
        label: "Address",
        autocomplete: "address-line1",
        kind: "text",
    },
    Detail {
        name: "city",
        label: "City",
        autocomplete: "address-level2",
        kind: "text",
    },
    Detail {
        name: "state",
        label: "State / prefecture",
        autocomplete: "address-level1",
        kind: "text",
    },
    Detail {
        name: "postal_code",
        label: "Postal code",
        autocomplete: "postal-code",
        kind: "text",
    },
    Detail {
        name: "country",
        label: "Country (2-letter code)",
        autocomplete: "country",
        kind: "text",
    },
];

/// What is wrong, per form field, in page order.
pub(crate) type FieldErrors = Vec<(&'static str, String)>;

/// The form as posted.
pub(crate) type Form = HashMap<String, String>;

/// `field` of the link's billing address, when the request pre-filled it.
pub(crate) fn prefilled<'a>(request: &'a Value, field: &str) -> Option<&'a str> {
    request
        .get("billing_address")
        .and_then(|a| a.get(field))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The link's amount, when its request gave one.
pub(crate) fn link_amount(request: &Value) -> Option<i64> {
    request.get("amount").and_then(Value::as_i64)
}

/// Checks the customer's entries; the outcome is decided by the card number.
pub(crate) fn read_payment(
    view: &LinkView,
    form: &Form,
) -> Result<(CustomerAction, CustomerInput), FieldErrors> {
    let get = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors: FieldErrors = Vec::new();
    let mut input = CustomerInput::default();
    let request = &view.request;

    let currency = match request.get("currency").and_then(Value::as_str) {
        Some(c) => c.to_string(),
        None => {
            let c = get("currency").to_ascii_uppercase();
            if !paymentoptions_hpp_client::formats::iso4217(&c) {
                errors.push((
                    "currency",
                    "Enter a 3-letter currency code, like JPY or USD.".into(),
                ));
            }
            input.currency = Some(c.clone());
            c
        }
    };
    if link_amount(request).is_none() {
        match money::parse(&get("amount"), &currency) {
            Ok(minor) => input.amount = Some(minor),
            Err(m) => errors.push(("amount", m)),
        }
    }
    input.details = read_details(request, &get, &mut errors);

    let card = cards::card_number(&get("card_number"));
    if card.is_none() {
        errors.push((
            "card_number",
            "Enter a valid card number, like 4242 4242 4242 4242.".into(),
        ));
    }
    if !cards::valid_expiry(&get("expiry"), chrono::Utc::now().date_naive()) {
        errors.push((
            "expiry",
            "Enter the expiry date as MM/YY, this month or later.".into(),
        ));
    }
    if !cards::valid_cvc(&get("cvc")) {
        errors.push((
            "cvc",
            "Enter the 3 or 4 digits on the back of the card.".into(),
        ));
    }
    match card {
        Some(card) if errors.is_empty() => {
            let outcome = if card == DECLINED_CARD {
                CustomerAction::Decline
            } else {
                CustomerAction::Pay
            };
            let expiry = get("expiry");
            let expiry = expiry
                .split_once('/')
                .map(|(m, y)| (m.trim().to_string(), y.trim().to_string()));
            // Only the masked number is kept (first six, last four digits).
            input.card = Some(CardFacts::from_number(
                &card,
                expiry.as_ref().map(|(m, y)| (m.as_str(), y.as_str())),
            ));
            Ok((outcome, input))
        }
        _ => Err(errors),
    }
}

/// The details the link left out, as typed (empty ones omitted).
fn read_details(
    request: &Value,
    get: &impl Fn(&str) -> String,
    errors: &mut FieldErrors,
) -> Map<String, Value> {
    let mut details = Map::new();
    for detail in &DETAILS {
        let name = detail.name;
        if prefilled(request, name).is_some() {
            continue;
        }
        let value = get(name);
        match name {
            "email" if !valid_email(&value) => errors.push((
                "email",
                "Enter an email address, like name@example.com.".into(),
            )),
            "country" if !(value.is_empty() || is_country_code(&value)) => {
                errors.push(("country", "Enter a 2-letter country code, like JP.".into()))
            }
            _ => {}
        }
        if !value.is_empty() {
            details.insert(name.to_string(), Value::String(value));
        }
    }
    details
}

fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_countries() {
        assert!(valid_email("a@b.example"));
        assert!(!valid_email("a@b") && !valid_email("@b.c") && !valid_email("a b@c.d"));
        assert!(is_country_code("JP") && !is_country_code("JPN") && !is_country_code("J1"));
    }
}
