//! Building and checking a link request.
//!
//! The plain setters (`merchant_txn_ref`, `webhook_url`, the address fields...) and their
//! documentation are generated from the spec into `crate::generated`; this module keeps what
//! the spec cannot say: the amount as [`Money`], and that it must be chosen explicitly.

use std::borrow::Cow;

use paymentoptions_hpp_client::api::request_rules;
use paymentoptions_hpp_client::types as models;
use serde_json::Value;

use crate::generated::{AddressRequestFields, HppLinkRequestFields};
use crate::json::{Nulls, differences, first_duplicate_key};
use crate::money::{Currency, Money};
use crate::validation::{Checker, Rule, ValidationError, decode_model};

/// How the amount of a link is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Amount {
    /// The link charges exactly this amount.
    Fixed(Money),
    /// The customer types the amount on the hosted page, optionally in a fixed currency.
    CustomerEntered {
        /// The currency, if the merchant fixes it.
        currency: Option<Currency>,
    },
}

/// A billing or shipping address (every field optional: the customer fills gaps on the page).
///
/// Its setters, one per field of the spec's `AddressRequest`, are generated from the spec.
///
/// ```
/// use paymentoptions_hpp::AddressBuilder;
///
/// let address = AddressBuilder::new()
///     .country("JP")
///     .email("billing@testemail.com")
///     .phone_number("8112345678")
///     .address1("1-2-3 Shinjuku")
///     .city("Shinjuku-ku")
///     .state("Tokyo")
///     .postal_code("1600022");
/// # let _ = address;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct AddressBuilder {
    pub(crate) fields: AddressRequestFields,
}

impl AddressBuilder {
    /// An empty address.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Builds a [`LinkRequest`]; nothing is checked until [`build`](Self::build), which reports
/// every broken rule at once.
///
/// The amount must be chosen explicitly: either [`amount`](Self::amount), or
/// [`customer_enters_amount`](Self::customer_enters_amount) for a link where the customer types
/// it, so that a forgotten amount never becomes an open-amount link by accident. Every other
/// setter is generated from the spec, with the field's rules in its documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct LinkRequestBuilder {
    amount: Option<Amount>,
    pub(crate) fields: HppLinkRequestFields,
}

impl LinkRequestBuilder {
    /// Charge exactly this amount.
    pub fn amount(mut self, money: Money) -> Self {
        self.amount = Some(Amount::Fixed(money));
        self
    }

    /// Let the customer type the amount (and choose the currency) on the hosted page.
    pub fn customer_enters_amount(mut self) -> Self {
        self.amount = Some(Amount::CustomerEntered { currency: None });
        self
    }

    /// Let the customer type the amount on the hosted page, in this currency.
    pub fn customer_enters_amount_in(mut self, currency: Currency) -> Self {
        self.amount = Some(Amount::CustomerEntered {
            currency: Some(currency),
        });
        self
    }

    /// Set the amount choice directly.
    pub fn amount_choice(mut self, amount: Amount) -> Self {
        self.amount = Some(amount);
        self
    }

    /// Checks every field and builds the request, or reports every broken rule.
    pub fn build(self) -> Result<LinkRequest, ValidationError> {
        let mut c = Checker::default();
        let mut body =
            serde_json::to_value(&self.fields).expect("a fields struct always serializes");
        let (amount, currency) = match self.amount {
            Some(Amount::Fixed(m)) => (Some(m.minor_units()), Some(m.currency())),
            Some(Amount::CustomerEntered { currency }) => (None, currency),
            None => {
                c.push("amount", Rule::AmountNotChosen);
                (None, None)
            }
        };
        if let Value::Object(map) = &mut body {
            if let Some(amount) = amount {
                map.insert("amount".into(), amount.into());
            }
            if let Some(currency) = currency {
                map.insert("currency".into(), currency.code().into());
            }
        }
        c.check_body(&body, request_rules::HPP_LINK_REQUEST, "");
        money_policy(&body, &mut c);
        c.finish()?;
        Ok(LinkRequest {
            model: decode_model(&body)?,
        })
    }
}

/// A checked request for a payment link: every rule of the spec and of this crate holds.
///
/// Build one with [`LinkRequest::builder`], or from the API's own JSON format with
/// [`LinkRequest::from_json`]. Send it with [`Client::create_link`](crate::Client::create_link).
///
/// ```
/// use paymentoptions_hpp::{AddressBuilder, Currency, LinkRequest, Money};
///
/// let request = LinkRequest::builder()
///     .amount(Money::from_major(1000, Currency::JPY)?)
///     .merchant_txn_ref("2003089893366DTEST")
///     .success_url("https://shop.example/paid")
///     .billing_address(AddressBuilder::new().country("JP"))
///     .build()?;
/// assert_eq!(request.to_json()["amount"], 1000);
/// # Ok::<(), paymentoptions_hpp::ValidationError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRequest {
    model: models::HppLinkRequest,
}

impl LinkRequest {
    /// Starts a request.
    pub fn builder() -> LinkRequestBuilder {
        LinkRequestBuilder::default()
    }

    /// Checks a request the generated model already holds (its lengths and patterns are checked
    /// by construction; this adds the format, ISO and bound checks).
    pub fn from_model(model: models::HppLinkRequest) -> Result<Self, ValidationError> {
        let body = serde_json::to_value(&model).expect("a request model always serializes");
        let mut c = Checker::default();
        c.check_body(&body, request_rules::HPP_LINK_REQUEST, "");
        money_policy(&body, &mut c);
        c.finish()?;
        Ok(Self { model })
    }

    /// Parses and checks a request body in the API's JSON format (as in the API documentation).
    ///
    /// Nothing is dropped or changed silently: a field the request model does not have is
    /// refused ([`Rule::UnknownField`]), and so is a key written twice in one object;
    /// `null` is read as "absent", which the API treats alike.
    ///
    /// ```
    /// let body = br#"{"amount": 1000, "currency": "JPY", "merchant_txn_ref": "A-1"}"#;
    /// let request = paymentoptions_hpp::LinkRequest::from_json(body)?;
    /// assert_eq!(request.to_json()["currency"], "JPY");
    ///
    /// let err = paymentoptions_hpp::LinkRequest::from_json(br#"{"currency": "JPY", "amuont": 2}"#).unwrap_err();
    /// assert_eq!(err.field(), "amuont");
    ///
    /// let err = paymentoptions_hpp::LinkRequest::from_json(br#"{"amount": 1, "amount": 2}"#).unwrap_err();
    /// assert_eq!(err.field(), "amount");
    /// # Ok::<(), paymentoptions_hpp::ValidationError>(())
    /// ```
    pub fn from_json(body: &[u8]) -> Result<Self, ValidationError> {
        Self::from_json_with(body, Nulls::Absent)
    }

    /// Like [`from_json`](Self::from_json), but a `null` is refused too, so that the body sent
    /// is exactly the body given (`po-hpp link create --body` uses this).
    ///
    /// ```
    /// use paymentoptions_hpp::LinkRequest;
    ///
    /// let body = br#"{"amount": null, "currency": "JPY"}"#;
    /// assert!(LinkRequest::from_json(body).is_ok());
    /// let err = LinkRequest::from_json_exact(body).unwrap_err();
    /// assert_eq!(err.field(), "amount");
    /// ```
    pub fn from_json_exact(body: &[u8]) -> Result<Self, ValidationError> {
        Self::from_json_with(body, Nulls::Refused)
    }

    fn from_json_with(body: &[u8], nulls: Nulls) -> Result<Self, ValidationError> {
        let original: Value = serde_json::from_slice(body)
            .map_err(|e| ValidationError::one("", Rule::Json(format!("not valid JSON: {e}"))))?;
        // `original` kept the last of a key written twice; the first must not vanish silently.
        if let Some(field) = first_duplicate_key(body) {
            return Err(ValidationError::one(
                field,
                Rule::Json("duplicate field: the key is written twice in its object".into()),
            ));
        }
        let mut c = Checker::default();
        c.check_body(&original, request_rules::HPP_LINK_REQUEST, "");
        money_policy(&original, &mut c);
        c.finish()?;
        let model: models::HppLinkRequest = decode_model(&original)?;
        let encoded = serde_json::to_value(&model).expect("a request model always serializes");
        let mut changed = Vec::new();
        differences(&original, &encoded, "", nulls, &mut changed);
        if !changed.is_empty() {
            return Err(ValidationError::new(changed));
        }
        Ok(Self { model })
    }

    /// The request as the generated model.
    pub fn as_model(&self) -> &models::HppLinkRequest {
        &self.model
    }

    /// The request as the generated model, by value.
    pub fn into_model(self) -> models::HppLinkRequest {
        self.model
    }

    /// The JSON body that is sent.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.model).expect("a request model always serializes")
    }

    /// Fills `merchant_id` and `merchant_email` from client defaults where the request has none.
    /// Borrows the request when there is nothing to fill: a clone of the model is about 3 % of
    /// the instructions of a whole round trip (BENCHMARKS.md, 1.).
    pub(crate) fn with_defaults(
        &self,
        merchant_id: Option<&models::HppLinkRequestMerchantId>,
        merchant_email: Option<&models::HppLinkRequestMerchantEmail>,
    ) -> Cow<'_, models::HppLinkRequest> {
        let fill_id = self.model.merchant_id.is_none() && merchant_id.is_some();
        let fill_email = self.model.merchant_email.is_none() && merchant_email.is_some();
        if !fill_id && !fill_email {
            return Cow::Borrowed(&self.model);
        }
        let mut model = self.model.clone();
        if fill_id {
            model.merchant_id = merchant_id.cloned();
        }
        if fill_email {
            model.merchant_email = merchant_email.cloned();
        }
        Cow::Owned(model)
    }
}

/// The library's own rules for a link's money, beyond the spec's: an amount is positive and
/// comes with its currency (see [`Rule::AmountWithoutCurrency`], [`Rule::NotPositive`]).
fn money_policy(body: &Value, c: &mut Checker) {
    // An amount of the wrong JSON type is the decoder's to name.
    let Some(amount) = body.get("amount").and_then(Value::as_i64) else {
        return;
    };
    if body.get("currency").is_none_or(Value::is_null) {
        c.push("currency", Rule::AmountWithoutCurrency);
    }
    if amount <= 0 {
        c.push("amount", Rule::NotPositive);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(merchant_id: Option<&str>) -> LinkRequest {
        let mut b = LinkRequest::builder().customer_enters_amount();
        if let Some(id) = merchant_id {
            b = b.merchant_id(id);
        }
        b.build().unwrap()
    }

    fn text<T: std::ops::Deref<Target = String>>(value: &Option<T>) -> Option<&str> {
        value.as_deref().map(String::as_str)
    }

    #[test]
    fn an_amount_needs_its_currency_and_must_be_positive() {
        let err = LinkRequest::from_json(br#"{"amount": 1000}"#).unwrap_err();
        assert_eq!(
            (err.field(), err.rule()),
            ("currency", &Rule::AmountWithoutCurrency)
        );
        let err = LinkRequest::from_json(br#"{"amount": 0, "currency": "JPY"}"#).unwrap_err();
        assert_eq!((err.field(), err.rule()), ("amount", &Rule::NotPositive));
        let zero = crate::Money::from_minor(0, crate::Currency::JPY).unwrap();
        let err = LinkRequest::builder().amount(zero).build().unwrap_err();
        assert_eq!((err.field(), err.rule()), ("amount", &Rule::NotPositive));
        // A currency alone (the customer types the amount in it) is fine.
        assert!(LinkRequest::from_json(br#"{"currency": "JPY"}"#).is_ok());
    }

    #[test]
    fn with_defaults_copies_the_model_only_when_it_fills_a_gap() {
        let default_id = models::HppLinkRequestMerchantId::try_from("DEFAULT").unwrap();
        let default_email =
            models::HppLinkRequestMerchantEmail::try_from("shop@example.com").unwrap();

        let own = request(Some("OWN"));
        let model = own.with_defaults(Some(&default_id), None);
        assert!(matches!(model, Cow::Borrowed(_)), "nothing to fill");
        assert_eq!(text(&model.merchant_id), Some("OWN"));
        assert!(matches!(own.with_defaults(None, None), Cow::Borrowed(_)));

        let model = own.with_defaults(Some(&default_id), Some(&default_email));
        assert!(matches!(model, Cow::Owned(_)), "the e-mail is filled");
        assert_eq!(text(&model.merchant_id), Some("OWN"), "never overwritten");
        assert_eq!(text(&model.merchant_email), Some("shop@example.com"));

        let bare = request(None);
        let model = bare.with_defaults(Some(&default_id), None);
        assert_eq!(text(&model.merchant_id), Some("DEFAULT"));
        assert_eq!(
            bare.as_model().merchant_id,
            None,
            "the request is not changed"
        );
    }
}
