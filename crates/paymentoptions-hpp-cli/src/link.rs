//! `po-hpp link create`.

use paymentoptions_hpp::config::env;
use paymentoptions_hpp::{LinkRequest, LinkRequestBuilder, Money, money};

use crate::args::{AmountArgs, CreateArgs};
use crate::exit::Failure;
use crate::generated::HppLinkRequestArgs;
use crate::stdio;

/// Builds the request, sends it, and prints the link's URL on stdout and its id on stderr (or,
/// with `--json`, the whole response on stdout).
pub async fn create(args: CreateArgs) -> Result<(), Failure> {
    let CreateArgs {
        body,
        json,
        dry_run,
        amount,
        currency,
        fields,
        connection,
    } = args;
    // The request is checked before the configuration: a broken request is the more specific
    // mistake, and neither needs the network.
    let request = match body {
        Some(path) => from_body(&stdio::read(&path)?)?,
        None => from_flags(amount, currency, fields)?,
    };
    let client = crate::client::build(&connection)?;
    if dry_run {
        let body = with_merchant_defaults(request.to_json());
        let curl = crate::dry_run::curl(
            &client,
            &paymentoptions_hpp_client::api::GENERATE_HPP_LINK,
            &[],
            Some(&body),
        )?;
        return stdio::print(&curl);
    }
    let link = client.create_link(&request).await?;
    if json {
        crate::output::print_body(link.raw())
    } else {
        // stdout stays the URL alone, for `URL=$(po-hpp link create ...)`; the id, which the
        // sandbox's control API and PaymentOptions' support ask for, goes where people read.
        stdio::print(link.url().as_str())?;
        stdio::note(&format!("link id: {}", link.id()));
        Ok(())
    }
}

/// The body as the client sends it: `PAYMENTOPTIONS_MERCHANT_ID` and `_EMAIL` fill the fields
/// the request lacks (the client does this itself when sending, from the same variables).
fn with_merchant_defaults(mut body: serde_json::Value) -> serde_json::Value {
    for (field, variable) in [
        ("merchant_id", env::MERCHANT_ID),
        ("merchant_email", env::MERCHANT_EMAIL),
    ] {
        let value = std::env::var(variable).ok();
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
        if let (Some(object), Some(value)) = (body.as_object_mut(), value) {
            object
                .entry(field)
                .or_insert_with(|| serde_json::Value::from(value));
        }
    }
    body
}

/// A request from a JSON body, refused unless it is sent exactly as written (a `null`, which
/// the library would otherwise drop as "absent", included).
fn from_body(body: &[u8]) -> Result<LinkRequest, Failure> {
    Ok(LinkRequest::from_json_exact(body)?)
}

/// A request from the field flags.
fn from_flags(
    amount: AmountArgs,
    currency: Option<String>,
    fields: HppLinkRequestArgs,
) -> Result<LinkRequest, Failure> {
    let builder = choose_amount(LinkRequest::builder(), amount, currency.as_deref())?;
    Ok(fields.apply(builder)?.build()?)
}

/// Applies the one amount choice (clap already refused two).
fn choose_amount(
    builder: LinkRequestBuilder,
    amount: AmountArgs,
    currency: Option<&str>,
) -> Result<LinkRequestBuilder, Failure> {
    let currency = currency.map(money::currency).transpose()?;
    let needs_currency = |flag: &str| {
        Failure::Invalid(format!(
            "invalid request: currency: {flag} needs --currency (e.g. --currency JPY)"
        ))
    };
    if let Some(minor) = amount.amount {
        let currency = currency.ok_or_else(|| needs_currency("--amount"))?;
        let minor = crate::amount::minor_units("--amount", &minor)?;
        return Ok(builder.amount(Money::from_minor(minor, currency)?));
    }
    if let Some(major) = amount.amount_major {
        let currency = currency.ok_or_else(|| needs_currency("--amount-major"))?;
        return Ok(builder.amount(Money::parse_major(&major, currency)?));
    }
    match (amount.customer_enters_amount, currency) {
        (true, Some(currency)) => Ok(builder.customer_enters_amount_in(currency)),
        (true, None) => Ok(builder.customer_enters_amount()),
        // The library would refuse this too (`Rule::AmountNotChosen`), but in terms of its
        // builder methods; this names the flags.
        (false, _) => Err(Failure::Invalid(
            "invalid request: amount: choose --amount, --amount-major or --customer-enters-amount"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_field_is_refused_rather_than_dropped() {
        let Err(failure) =
            from_body(br#"{"amount": 1000, "currency": "JPY", "billing_address": {"city": null}}"#)
        else {
            panic!("a null field must be refused");
        };
        let message = failure.to_string();
        assert!(message.contains("billing_address.city"), "{message}");
    }
}
