//! Mistakes caught before anything is sent: invalid requests, code mistakes, configuration.

use super::*;

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let err = LinkRequest::builder()
        .amount(Money::from_minor(100, Currency::USD).unwrap())
        .merchant_txn_ref("x".repeat(46))
        .merchant_email("not-an-email")
        .success_url("/relative")
        .billing_address(AddressBuilder::new().country("XX").city("c".repeat(66)))
        .shipping_address(AddressBuilder::new().country("jp"))
        .build()
        .unwrap_err();
    let found: Vec<String> = err.violations().iter().map(|v| v.to_string()).collect();
    assert_eq!(
        found,
        [
            "return_url.success_url: not an absolute http:// or https:// URL",
            "merchant_email: not a well-formed e-mail address",
            "merchant_txn_ref: longer than 45 characters",
            "billing_address.country: not an ISO 3166-1 alpha-2 country code (like JP or US)",
            "billing_address.city: longer than 65 characters",
            "shipping_address.country: not an ISO 3166-1 alpha-2 country code (like JP or US); \
             codes are upper case: use JP",
        ]
    );
    let rules: Vec<&Rule> = err.violations().iter().map(|v| v.rule()).collect();
    assert_eq!(rules[2], &Rule::MaxLength { max: 45 }, "limits are data");
    assert_eq!(rules[4], &Rule::MaxLength { max: 65 });
    let err = LinkRequest::builder().build().unwrap_err();
    assert_eq!(err.field(), "amount");
}

/// Country and currency codes get a message a person can act on, never a raw pattern.
#[test]
fn code_mistakes_say_how_to_fix_them() {
    let country = |code: &str| {
        let err = LinkRequest::builder()
            .customer_enters_amount()
            .billing_address(AddressBuilder::new().country(code))
            .build()
            .unwrap_err();
        assert_eq!(
            err.violations().len(),
            1,
            "one mistake, one violation: {err}"
        );
        assert_eq!(err.rule(), &Rule::Iso3166Alpha2Country);
        err.violations()[0].to_string()
    };
    assert!(country("us").ends_with("codes are upper case: use US"));
    assert!(country("USA").ends_with("the code has 2 letters, not 3"));
    assert_eq!(
        country("XX"),
        "billing_address.country: not an ISO 3166-1 alpha-2 country code (like JP or US)"
    );
    let currency = |body: &str| {
        let err = LinkRequest::from_json(body.as_bytes()).unwrap_err();
        assert_eq!(err.rule(), &Rule::Iso4217Currency, "{err}");
        err.violations()[0].hint().map(str::to_string)
    };
    assert_eq!(
        currency(r#"{"currency": "usd"}"#).as_deref(),
        Some("codes are upper case: use USD")
    );
    assert_eq!(
        currency(r#"{"currency": "US"}"#).as_deref(),
        Some("the code has 3 letters, not 2")
    );
    assert_eq!(currency(r#"{"currency": "ZZZ"}"#), None);
}

#[tokio::test]
async fn configuration_errors_name_the_setting() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        ClientBuilder::from_env_with(move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
        .build()
        .unwrap_err()
    };
    let setting = |e: Error| match e {
        Error::Config(c) => c.setting().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(setting(env(&[])), "PAYMENTOPTIONS_API_KEY");
    assert_eq!(
        setting(env(&[("PAYMENTOPTIONS_API_KEY", "  ")])),
        "PAYMENTOPTIONS_API_KEY"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_ENVIRONMENT", "live")
        ])),
        "PAYMENTOPTIONS_ENVIRONMENT"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_ENVIRONMENT", "dev"),
            ("PAYMENTOPTIONS_BASE_URL", "https://x.example")
        ])),
        "PAYMENTOPTIONS_BASE_URL"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_BASE_URL", "http://api.paymentoptions.com")
        ])),
        "base_url"
    );
    assert_eq!(
        setting(env(&[
            ("PAYMENTOPTIONS_API_KEY", "k"),
            ("PAYMENTOPTIONS_MERCHANT_EMAIL", "nope")
        ])),
        "merchant_email"
    );
    assert_eq!(setting(Client::builder().build().unwrap_err()), "api_key");
    assert_eq!(
        setting(Client::builder().api_key("bad\nkey").build().unwrap_err()),
        "api_key"
    );
    assert_eq!(
        setting(
            Client::builder()
                .api_key("k")
                .proxy("::not a url")
                .build()
                .unwrap_err()
        ),
        "proxy"
    );

    let ok = ClientBuilder::from_env_with(|k| match k {
        "PAYMENTOPTIONS_API_KEY" => Some("k".into()),
        "PAYMENTOPTIONS_BASE_URL" => Some("http://127.0.0.1:9/prefix".into()),
        _ => None,
    })
    .build()
    .unwrap();
    assert_eq!(ok.base_url().as_str(), "http://127.0.0.1:9/prefix");
}
