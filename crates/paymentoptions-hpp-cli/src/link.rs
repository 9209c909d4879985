//! `po-hpp link create`.

use paymentoptions_hpp::config::env;
use paymentoptions_hpp::{
    Client, ClientBuilder, Error, LinkRequest, LinkRequestBuilder, Money, money,
};

use crate::args::{AmountArgs, ConnectionArgs, CreateArgs};
use crate::exit::Failure;
use crate::generated::HppLinkRequestArgs;
use crate::stdio;

/// Builds the request, sends it, and prints the link's URL on stdout and its id on stderr (or,
/// with `--json`, the whole response on stdout).
pub async fn create(args: CreateArgs) -> Result<(), Failure> {
    let CreateArgs {
        body,
        json,
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
    let client = client(&connection)?;
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

/// The client, from the `PAYMENTOPTIONS_*` variables with the connection flags on top.
pub fn client(flags: &ConnectionArgs) -> Result<Client, Error> {
    let server_flag = flags.base_url.is_some() || flags.environment.is_some();
    let mut builder = ClientBuilder::from_env_with(|name| {
        // A flag that picks the server replaces both variables that do; hiding them keeps a stale
        // or conflicting value in the shell from failing a command that does not use it.
        if server_flag && (name == env::ENVIRONMENT || name == env::BASE_URL) {
            return None;
        }
        std::env::var(name).ok()
    });
    if let Some(url) = &flags.base_url {
        builder = builder.base_url(url);
    }
    if let Some(environment) = &flags.environment {
        builder = builder.environment(environment.clone());
    }
    if let Some(timeout) = flags.timeout {
        builder = builder.timeout(timeout);
    }
    builder.build()
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
    Ok(fields.apply(builder).build()?)
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
        return Ok(builder.amount(Money::from_minor(minor_units(&minor)?, currency)?));
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

/// `--amount`: a whole number of minor units, nothing else (no sign, no decimals).
fn minor_units(value: &str) -> Result<u64, Failure> {
    let invalid = |why: &str| Failure::Invalid(format!("invalid request: amount: `{value}` {why}"));
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "is not a whole number of minor units (for a decimal amount use --amount-major)",
        ));
    }
    value
        .parse()
        .map_err(|_| invalid("is too large (at most 9223372036854775807 minor units)"))
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

    #[test]
    fn amounts_are_whole_minor_units() {
        assert_eq!(minor_units("1000").ok(), Some(1000));
        for bad in ["", "10.5", "-1", "+1", "1e3", " 1"] {
            assert!(minor_units(bad).is_err(), "{bad:?}");
        }
        assert!(minor_units("99999999999999999999").is_err());
    }
}
