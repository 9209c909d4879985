//! Building a link request and reading the created link.

use std::borrow::Cow;

use paymentoptions_hpp_client::types as models;
use serde_json::Value;
use uuid::Uuid;

use crate::error::DecodeError;
use crate::money::{Currency, Money};
use crate::validation::{Checker, Rule, ValidationError, Violation};

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
    country: Option<String>,
    email: Option<String>,
    phone_number: Option<String>,
    address1: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    )*};
}

impl AddressBuilder {
    /// An empty address.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// ISO 3166-1 alpha-2 country code, upper case (`JP`).
        country,
        /// Customer e-mail address (at most 45 characters).
        email,
        /// Phone number (at most 20 characters).
        phone_number,
        /// Street address (at most 199 characters).
        address1,
        /// City (at most 65 characters).
        city,
        /// State, prefecture or region (at most 65 characters).
        state,
        /// Postal code.
        postal_code,
    }

    fn check(self, prefix: &str, c: &mut Checker) -> models::AddressRequest {
        let f = |name: &str| format!("{prefix}.{name}");
        c.country(&f("country"), self.country.as_deref());
        c.email(&f("email"), self.email.as_deref());
        models::AddressRequest {
            country: c.spec(&f("country"), self.country),
            email: c.spec(&f("email"), self.email),
            phone_number: c.spec(&f("phone_number"), self.phone_number),
            address1: c.spec(&f("address1"), self.address1),
            city: c.spec(&f("city"), self.city),
            state: c.spec(&f("state"), self.state),
            postal_code: self.postal_code,
        }
    }
}

/// Builds a [`LinkRequest`]; nothing is checked until [`build`](Self::build), which reports
/// every broken rule at once.
///
/// The amount must be chosen explicitly: either [`amount`](Self::amount), or
/// [`customer_enters_amount`](Self::customer_enters_amount) for a link where the customer types
/// it, so that a forgotten amount never becomes an open-amount link by accident.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct LinkRequestBuilder {
    amount: Option<Amount>,
    merchant_id: Option<String>,
    merchant_email: Option<String>,
    merchant_txn_ref: Option<String>,
    webhook_url: Option<String>,
    success_url: Option<String>,
    decline_url: Option<String>,
    cancel_url: Option<String>,
    payment_method_type: Option<String>,
    store_payment_method: Option<bool>,
    billing_address: Option<AddressBuilder>,
    shipping_address: Option<AddressBuilder>,
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

    setters! {
        /// Merchant id (at most 128 characters); overrides the client's default.
        merchant_id,
        /// Merchant e-mail (at most 45 characters); overrides the client's default.
        merchant_email,
        /// Your own reference for this payment, e.g. the order number (at most 45 characters).
        merchant_txn_ref,
        /// Where PaymentOptions POSTs the transaction notification (absolute http(s) URL, at most 255).
        webhook_url,
        /// Where the customer lands after paying (absolute http(s) URL, at most 255).
        success_url,
        /// Where the customer lands after a decline (absolute http(s) URL, at most 255).
        decline_url,
        /// Where the customer lands after cancelling (absolute http(s) URL, at most 255).
        cancel_url,
        /// Payment method type; the source page shows `scheme` (cards).
        payment_method_type,
    }

    /// Save the card for later transactions: the notification then carries a
    /// `stored_payment_method_id`.
    pub fn store_payment_method(mut self, store: bool) -> Self {
        self.store_payment_method = Some(store);
        self
    }

    /// Billing address.
    pub fn billing_address(mut self, address: AddressBuilder) -> Self {
        self.billing_address = Some(address);
        self
    }

    /// Shipping address.
    pub fn shipping_address(mut self, address: AddressBuilder) -> Self {
        self.shipping_address = Some(address);
        self
    }

    /// Checks every field and builds the request, or reports every broken rule.
    pub fn build(self) -> Result<LinkRequest, ValidationError> {
        let mut c = Checker::default();
        let (amount, currency) = match self.amount {
            Some(Amount::Fixed(m)) => (Some(m.minor_units()), Some(m.currency())),
            Some(Amount::CustomerEntered { currency }) => (None, currency),
            None => {
                c.push("amount", Rule::AmountNotChosen);
                (None, None)
            }
        };
        let currency = currency.map(|cur| cur.code().to_string());

        c.email("merchant_email", self.merchant_email.as_deref());
        let urls = [
            ("return_url.webhook_url", &self.webhook_url),
            ("return_url.success_url", &self.success_url),
            ("return_url.decline_url", &self.decline_url),
            ("return_url.cancel_url", &self.cancel_url),
        ];
        for (field, value) in urls {
            c.http_url(field, value.as_deref());
        }
        let any_url = urls.iter().any(|(_, v)| v.is_some());
        let return_url = any_url.then(|| models::ReturnUrlsRequest {
            webhook_url: c.spec("return_url.webhook_url", self.webhook_url),
            success_url: c.spec("return_url.success_url", self.success_url),
            decline_url: c.spec("return_url.decline_url", self.decline_url),
            cancel_url: c.spec("return_url.cancel_url", self.cancel_url),
        });
        let payment_method = (self.payment_method_type.is_some()
            || self.store_payment_method.is_some())
        .then_some(models::PaymentMethod {
            type_: self.payment_method_type,
            store_payment_method: self.store_payment_method,
        });

        let model = models::HppLinkRequest {
            amount,
            currency: c.spec("currency", currency),
            merchant_id: c.spec("merchant_id", self.merchant_id),
            merchant_email: c.spec("merchant_email", self.merchant_email),
            merchant_txn_ref: c.spec("merchant_txn_ref", self.merchant_txn_ref),
            return_url,
            payment_method,
            billing_address: self
                .billing_address
                .map(|a| a.check("billing_address", &mut c)),
            shipping_address: self
                .shipping_address
                .map(|a| a.check("shipping_address", &mut c)),
        };
        c.finish()?;
        Ok(LinkRequest { model })
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
    /// by construction; this adds the format and ISO checks).
    pub fn from_model(model: models::HppLinkRequest) -> Result<Self, ValidationError> {
        let mut c = Checker::default();
        c.currency("currency", model.currency.as_deref().map(String::as_str));
        c.email(
            "merchant_email",
            model.merchant_email.as_deref().map(String::as_str),
        );
        if let Some(urls) = &model.return_url {
            for (field, value) in [
                ("return_url.webhook_url", urls.webhook_url.as_deref()),
                ("return_url.success_url", urls.success_url.as_deref()),
                ("return_url.decline_url", urls.decline_url.as_deref()),
                ("return_url.cancel_url", urls.cancel_url.as_deref()),
            ] {
                c.http_url(field, value.map(String::as_str));
            }
        }
        if let Some(amount) = model.amount
            && amount < 0
        {
            c.push("amount", Rule::Spec("lower than 0 (minimum)".into()));
        }
        for (prefix, address) in [
            ("billing_address", &model.billing_address),
            ("shipping_address", &model.shipping_address),
        ] {
            if let Some(a) = address {
                c.country(
                    &format!("{prefix}.country"),
                    a.country.as_deref().map(String::as_str),
                );
                c.email(
                    &format!("{prefix}.email"),
                    a.email.as_deref().map(String::as_str),
                );
            }
        }
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
    /// let err = paymentoptions_hpp::LinkRequest::from_json(br#"{"amount": 1, "amuont": 2}"#).unwrap_err();
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
        if !original.is_object() {
            return Err(ValidationError::one(
                "",
                Rule::Json("expected a JSON object".into()),
            ));
        }
        // `original` kept the last of a key written twice; the first must not vanish silently.
        if let Some(field) = first_duplicate_key(body) {
            return Err(ValidationError::one(
                field,
                Rule::Json("duplicate field: the key is written twice in its object".into()),
            ));
        }
        let model: models::HppLinkRequest =
            serde_path_to_error::deserialize(&original).map_err(|e| {
                let field = json_path(e.path());
                let field = if field == "." { String::new() } else { field };
                ValidationError::one(field, Rule::Spec(e.into_inner().to_string()))
            })?;
        let encoded = serde_json::to_value(&model).expect("a request model always serializes");
        let mut changed = Vec::new();
        differences(&original, &encoded, "", nulls, &mut changed);
        if !changed.is_empty() {
            return Err(ValidationError::new(changed));
        }
        Self::from_model(model)
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

/// How a key appears in a field path: as itself, or `""` for the empty key (an empty path
/// means the body itself).
fn path_key(key: &str) -> &str {
    if key.is_empty() { "\"\"" } else { key }
}

/// `path` as `serde_path_to_error` writes it (`billing_address.city`, `.` for the body), except
/// that an empty key is written `""` and an unknown position (the JSON broke off between two
/// members) is left out, so that a path is never empty and never `?`.
pub(crate) fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    use std::fmt::Write;

    let mut out = String::new();
    for segment in path.iter() {
        if matches!(segment, Segment::Unknown) {
            continue;
        }
        if !out.is_empty() && !matches!(segment, Segment::Seq { .. }) {
            out.push('.');
        }
        match segment {
            Segment::Map { key } => out.push_str(path_key(key)),
            other => {
                let _ = write!(out, "{other}");
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// The path (`billing_address.city`) of the first key written twice in one object of `body`,
/// which must be valid JSON. (A `serde_json::Value` keeps only the last value of such a key.)
fn first_duplicate_key(body: &[u8]) -> Option<String> {
    use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use std::collections::HashSet;
    use std::fmt;

    /// Walks a JSON value at path `.0`; yields the first duplicate key's path below it.
    struct Scan(String);

    impl Scan {
        fn child(&self, key: &str) -> Scan {
            let key = path_key(key);
            Scan(if self.0.is_empty() {
                key.to_string()
            } else {
                format!("{}.{key}", self.0)
            })
        }
    }

    impl<'de> DeserializeSeed<'de> for Scan {
        type Value = Option<String>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Scan {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            let mut i = 0usize;
            while let Some(inner) = seq.next_element_seed(Scan(format!("{}[{i}]", self.0)))? {
                found = found.or(inner);
                i += 1;
            }
            Ok(found)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            let mut seen = HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let child = self.child(&key);
                if !seen.insert(key) {
                    found = found.or(Some(child.0.clone()));
                }
                found = found.or(map.next_value_seed(child)?);
            }
            Ok(found)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    Scan(String::new()).deserialize(&mut de).ok().flatten()
}

/// What a `null` in a request body means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nulls {
    /// Absent, as the API reads it: dropped from the body sent.
    Absent,
    /// Refused, because dropping it would change the body.
    Refused,
}

/// Records every place where `encoded` (what would be sent) differs from `original` (what was
/// given): keys the model does not have, values it would read differently (serde reads a
/// struct from a JSON array, for one), and, unless they count as absent, `null`s.
fn differences(
    original: &Value,
    encoded: &Value,
    at: &str,
    nulls: Nulls,
    out: &mut Vec<Violation>,
) {
    let field = |key: &str| {
        let key = path_key(key);
        if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        }
    };
    match (original, encoded) {
        (Value::Object(o), Value::Object(e)) => {
            for (key, value) in o {
                match e.get(key) {
                    None if value.is_null() && nulls == Nulls::Absent => {}
                    None if value.is_null() => out.push(Violation {
                        field: field(key),
                        rule: Rule::Json(
                            "`null` would not be sent (the API reads it as absent): leave the field out".into(),
                        ),
                    }),
                    None => out.push(Violation {
                        field: field(key),
                        rule: Rule::UnknownField,
                    }),
                    Some(kept) => differences(value, kept, &field(key), nulls, out),
                }
            }
            for key in e.keys().filter(|k| !o.contains_key(*k)) {
                out.push(Violation {
                    field: field(key),
                    rule: Rule::Json("would be added to the body sent".into()),
                });
            }
        }
        (o, Value::Object(_)) if !o.is_object() => out.push(Violation {
            field: at.to_string(),
            rule: Rule::Json("expected a JSON object".into()),
        }),
        (o, e) if o != e => out.push(Violation {
            field: at.to_string(),
            rule: Rule::Json(format!("would be sent as {e} instead of {o}")),
        }),
        _ => {}
    }
}

/// A created payment link: where to send the customer, and what PaymentOptions echoed back.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    id: Uuid,
    url: url::Url,
    response: models::HppLinkResponse,
}

impl Link {
    /// Decodes a link-creation response body, e.g. one a proxy or a log kept.
    ///
    /// The body is read exactly as [`Client::create_link`](crate::Client::create_link) reads a
    /// 2xx response: it must be one JSON object (nothing but whitespace after it) with a UUID
    /// `id` and an absolute `url`; every echoed field may be absent and unknown fields are
    /// ignored. A body that does not decode gives a [`DecodeError`] naming the JSON path that
    /// failed; its [`status`](DecodeError::status) is 200, the status of a created link.
    ///
    /// ```
    /// use paymentoptions_hpp::Link;
    ///
    /// let body = br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e",
    ///     "url": "https://checkout-dev.paymentoptions.com/jp/HostedPaymentPage/hKJsdByR",
    ///     "amount": 1000, "currency": "JPY"}"#;
    /// let link = Link::from_json(body)?;
    /// assert_eq!(link.url().host_str(), Some("checkout-dev.paymentoptions.com"));
    /// assert_eq!(link.response().amount, Some(1000));
    ///
    /// let err = Link::from_json(br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": 7}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.path(), "url");
    /// assert_eq!(err.status(), 200);
    /// # Ok::<(), paymentoptions_hpp::DecodeError>(())
    /// ```
    pub fn from_json(body: &[u8]) -> Result<Self, DecodeError> {
        const STATUS: u16 = 200;
        // serde reads a struct from a JSON array too (fields by position); only an object is a link.
        if body.trim_ascii_start().first() == Some(&b'[') {
            return Err(DecodeError::new(
                STATUS,
                ".",
                "expected a JSON object, found an array",
                body,
            ));
        }
        // The common case, a good body, decodes without tracking paths (half the cost, see
        // BENCHMARKS.md); only a failure is decoded again to say where it broke. Both read the
        // same bodies: `from_slice` also refuses trailing bytes.
        if let Ok(response) = serde_json::from_slice::<models::HppLinkResponse>(body) {
            return Self::from_response(response)
                .map_err(|message| DecodeError::new(STATUS, "url", message, body));
        }
        let mut de = serde_json::Deserializer::from_slice(body);
        let response: models::HppLinkResponse =
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = json_path(e.path());
                DecodeError::new(STATUS, path, e.into_inner().to_string(), body)
            })?;
        // Trailing bytes after the JSON value mean a broken body too.
        de.end()
            .map_err(|e| DecodeError::new(STATUS, ".", e.to_string(), body))?;
        Self::from_response(response)
            .map_err(|message| DecodeError::new(STATUS, "url", message, body))
    }

    pub(crate) fn from_response(response: models::HppLinkResponse) -> Result<Self, String> {
        let url = url::Url::parse(&response.url)
            .map_err(|e| format!("`url` is not an absolute URL ({e})"))?;
        Ok(Self {
            id: response.id,
            url,
            response,
        })
    }

    /// The link's id.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The hosted payment page: redirect the customer's browser here.
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    /// The echoed amount and currency, when both are present and the currency is known.
    pub fn amount(&self) -> Option<Money> {
        let currency = Currency::from_code(self.response.currency.as_deref()?)?;
        Money::from_minor(u64::try_from(self.response.amount?).ok()?, currency).ok()
    }

    /// The echoed `merchant_txn_ref`.
    pub fn merchant_txn_ref(&self) -> Option<&str> {
        self.response.merchant_txn_ref.as_deref()
    }

    /// Every echoed field, as the generated response model.
    pub fn response(&self) -> &models::HppLinkResponse {
        &self.response
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
