//! The hosted payment page: server-rendered HTML that works without JavaScript.
//!
//! What the link request pre-filled is shown; what it left out (the amount, the customer's
//! contact details and address) is asked for, as the source page describes. Every input has a
//! `<label>`, errors are announced (`role="alert"`, `aria-invalid`, `aria-describedby`), and the
//! DOM order is the focus order: details, card, then Pay before Cancel.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};

use crate::store::{LinkRecord, LinkState, LinkView, Outcome};
use crate::{CompleteError, CustomerInput, Shared, complete, money, state_name};

/// A test card that is always approved.
pub const APPROVED_CARD: &str = "4242424242424242";
/// The test card that is always declined.
pub const DECLINED_CARD: &str = "4000000000000002";

/// Customer detail fields, as (form name, label, autocomplete token, input type).
const DETAILS: [(&str, &str, &str, &str); 7] = [
    ("email", "Email", "email", "email"),
    ("phone_number", "Phone number", "tel", "tel"),
    ("address1", "Address", "address-line1", "text"),
    ("city", "City", "address-level2", "text"),
    ("state", "State / prefecture", "address-level1", "text"),
    ("postal_code", "Postal code", "postal-code", "text"),
    ("country", "Country (2-letter code)", "country", "text"),
];

pub(crate) async fn show(State(shared): State<Arc<Shared>>, Path(token): Path<String>) -> Response {
    match find(&shared, &token) {
        None => not_found(),
        Some(view) if view.state != LinkState::Open => finished(&view, StatusCode::OK),
        Some(view) => Html(checkout(&view, &token, &HashMap::new(), &[])).into_response(),
    }
}

pub(crate) async fn submit(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(view) = find(&shared, &token) else {
        return not_found();
    };
    if view.state != LinkState::Open {
        return finished(&view, StatusCode::CONFLICT);
    }
    let (outcome, input) = if form.get("action").map(String::as_str) == Some("cancel") {
        (Outcome::Cancel, CustomerInput::default())
    } else {
        match read_payment(&view, &form) {
            Ok(ok) => ok,
            Err(errors) => {
                let html = checkout(&view, &token, &form, &errors);
                return (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response();
            }
        }
    };
    match complete(&shared, view.id, outcome, input) {
        Ok(c) => {
            let target = c
                .redirect
                .unwrap_or_else(|| format!("/HostedPaymentPage/{token}"));
            (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response()
        }
        // Two submissions raced: the second one sees the first one's result.
        Err(CompleteError::AlreadyCompleted(_)) => match find(&shared, &token) {
            Some(v) => finished(&v, StatusCode::CONFLICT),
            None => not_found(),
        },
        Err(CompleteError::NotFound) => not_found(),
        Err(CompleteError::Invalid(m)) => {
            let html = checkout(&view, &token, &form, &[("amount", m)]);
            (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response()
        }
    }
}

/// Payment pages must not be stored by browsers or proxies: they carry customer data.
pub(crate) async fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn find(shared: &Shared, token: &str) -> Option<LinkView> {
    let snapshot = {
        let store = shared.store.lock().expect("store lock");
        let id = store.id_for_token(token)?;
        store.link(&id).map(LinkRecord::snapshot)
    };
    snapshot.map(crate::store::LinkSnapshot::view)
}

type FieldErrors = Vec<(&'static str, String)>;

/// Checks the customer's entries; the outcome is decided by the card number.
fn read_payment(
    view: &LinkView,
    form: &HashMap<String, String>,
) -> Result<(Outcome, CustomerInput), FieldErrors> {
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
            if iso_currency::Currency::from_code(&c).is_none() {
                errors.push((
                    "currency",
                    "Enter a 3-letter currency code, like JPY or USD.".into(),
                ));
            }
            input.currency = Some(c.clone());
            c
        }
    };
    if request.get("amount").and_then(Value::as_i64).is_none() {
        match money::parse(&get("amount"), &currency) {
            Ok(minor) => input.amount = Some(minor),
            Err(m) => errors.push(("amount", m)),
        }
    }
    let mut details = Map::new();
    for (name, _, _, _) in DETAILS {
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
    input.details = details;

    let card: String = get("card_number")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if !(12..=19).contains(&card.len()) || !card.bytes().all(|b| b.is_ascii_digit()) || !luhn(&card)
    {
        errors.push((
            "card_number",
            "Enter a valid card number, like 4242 4242 4242 4242.".into(),
        ));
    }
    let expiry = get("expiry");
    if !valid_expiry(&expiry, chrono::Utc::now().date_naive()) {
        errors.push((
            "expiry",
            "Enter the expiry date as MM/YY, this month or later.".into(),
        ));
    }
    let cvc = get("cvc");
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        errors.push((
            "cvc",
            "Enter the 3 or 4 digits on the back of the card.".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let outcome = if card == DECLINED_CARD {
        Outcome::Decline
    } else {
        Outcome::Pay
    };
    Ok((outcome, input))
}

fn prefilled<'a>(request: &'a Value, field: &str) -> Option<&'a str> {
    request
        .pointer(&format!("/billing_address/{field}"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
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

/// `MM/YY`, this month or later.
fn valid_expiry(s: &str, today: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let Some((mm, yy)) = s.split_once('/') else {
        return false;
    };
    let (mm, yy) = (mm.trim(), yy.trim());
    if mm.len() != 2 || yy.len() != 2 || !yy.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(month), Ok(year)) = (mm.parse::<u32>(), yy.parse::<i32>()) else {
        return false;
    };
    (1..=12).contains(&month) && (2000 + year, month) >= (today.year(), today.month())
}

/// The Luhn checksum every card number carries.
pub(crate) fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root{color-scheme:light;--ink:#1a1f36;--muted:#5b6478;--line:#d6dbe6;--brand:#0b5cff;--bad:#b42318;--bg:#f4f6fb}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Hiragino Sans',sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:30rem;margin:2rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(26,31,54,.08)}
.sandbox{margin:0 0 1rem;padding:.25rem .75rem;display:inline-block;border-radius:999px;background:#fff4d6;color:#7a4b00;font-size:.8rem}
h1{font-size:1.4rem;margin:0 0 .25rem}
.total{font-size:2rem;font-weight:650;margin:.25rem 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0 0 1.5rem;color:var(--muted)}
dt{font-weight:600}dd{margin:0;color:var(--ink);overflow-wrap:anywhere}
fieldset{border:0;padding:0;margin:0 0 1.25rem}
legend{font-weight:650;margin-bottom:.5rem}
label{display:block;font-size:.9rem;margin:.6rem 0 .2rem}
input{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid var(--line);border-radius:8px}
input:focus{outline:3px solid rgba(11,92,255,.35);border-color:var(--brand)}
input[aria-invalid=true]{border-color:var(--bad)}
.row{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem}
.error{color:var(--bad);font-size:.85rem;margin:.2rem 0 0}
.alert{border:1px solid var(--bad);color:var(--bad);border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
.hint{color:var(--muted);font-size:.85rem}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{flex:1;padding:.75rem 1rem;font:inherit;font-weight:600;border-radius:8px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--ink);border-color:var(--line)}
button:focus-visible{outline:3px solid rgba(11,92,255,.45);outline-offset:2px}
";

/// Progressive enhancement only (the page works without JavaScript): when a browser restores
/// the page from its back/forward cache, the card number and code it kept are wiped.
const CLEAR_CARD_ON_RESTORE: &str = "<script>addEventListener('pageshow',function(e){if(e.persisted){\
    ['card_number','cvc'].forEach(function(id){var el=document.getElementById(id);if(el){el.value='';}});}});</script>";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · PaymentOptions sandbox</title><style>{STYLE}</style></head>\
         <body><main>\n<p class=\"sandbox\">Sandbox: no real payment is made</p>\n{body}\n</main>{CLEAR_CARD_ON_RESTORE}</body></html>\n",
        esc(title)
    )
}

fn field(
    name: &str,
    label: &str,
    autocomplete: &str,
    kind: &str,
    value: &str,
    errors: &[(&'static str, String)],
    extra: &str,
) -> String {
    let error = errors
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| m.as_str());
    // Focus lands on the first field to fix, so keyboard and screen-reader users start there.
    let first = errors.first().is_some_and(|(n, _)| *n == name);
    let (invalid, described, message) = match error {
        Some(m) => (
            if first {
                " aria-invalid=\"true\" autofocus"
            } else {
                " aria-invalid=\"true\""
            },
            format!(" aria-describedby=\"{name}-error\""),
            format!("<p class=\"error\" id=\"{name}-error\">{}</p>", esc(m)),
        ),
        None => ("", String::new(), String::new()),
    };
    format!(
        "<label for=\"{name}\">{}</label><input id=\"{name}\" name=\"{name}\" type=\"{kind}\" \
         autocomplete=\"{autocomplete}\" value=\"{}\"{invalid}{described}{extra}>{message}",
        esc(label),
        esc(value)
    )
}

fn checkout(
    view: &LinkView,
    token: &str,
    form: &HashMap<String, String>,
    errors: &[(&'static str, String)],
) -> String {
    let request = &view.request;
    let value = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let currency = request.get("currency").and_then(Value::as_str);
    let amount = request.get("amount").and_then(Value::as_i64);
    let total = match (amount, currency) {
        (Some(a), Some(c)) => Some(money::format(a, c)),
        (Some(a), None) => Some(a.to_string()),
        _ => None,
    };

    let mut summary = String::new();
    let text = |p: &str| request.pointer(p).and_then(Value::as_str);
    if let Some(r) = text("/merchant_txn_ref") {
        summary += &format!("<dt>Reference</dt><dd>{}</dd>", esc(r));
    }
    if let Some(m) = text("/merchant_id") {
        summary += &format!("<dt>Merchant</dt><dd>{}</dd>", esc(m));
    }
    for (name, label, _, _) in DETAILS {
        if let Some(v) = prefilled(request, name) {
            summary += &format!("<dt>{}</dt><dd>{}</dd>", esc(label), esc(v));
        }
    }

    let mut body = String::new();
    body += "<h1>Complete your payment</h1>";
    match &total {
        Some(t) => body += &format!("<p class=\"total\" id=\"total\">{}</p>", esc(t)),
        None => body += "<p class=\"hint\">Enter the amount to pay below.</p>",
    }
    if !summary.is_empty() {
        body += &format!("<dl aria-label=\"Order details\">{summary}</dl>");
    }
    if !errors.is_empty() {
        let items: String = errors
            .iter()
            .map(|(name, message)| format!("<li><a href=\"#{name}\">{}</a></li>", esc(message)))
            .collect();
        body += &format!(
            "<div class=\"alert\" role=\"alert\" id=\"errors\"><strong>Please fix {}:</strong><ul>{items}</ul></div>",
            if errors.len() == 1 {
                "this field"
            } else {
                "these fields"
            }
        );
    }
    body += &format!(
        "<form method=\"post\" action=\"/HostedPaymentPage/{}\" novalidate>",
        esc(token)
    );

    if amount.is_none() || currency.is_none() {
        body += "<fieldset><legend>Amount</legend>";
        if currency.is_none() {
            body += &field(
                "currency",
                "Currency (3-letter code)",
                "transaction-currency",
                "text",
                value("currency"),
                errors,
                " required maxlength=\"3\"",
            );
        }
        if amount.is_none() {
            let label = match currency {
                Some(c) => format!("Amount ({c})"),
                None => "Amount".to_string(),
            };
            body += &field(
                "amount",
                &label,
                "transaction-amount",
                "text",
                value("amount"),
                errors,
                " required inputmode=\"decimal\"",
            );
        }
        body += "</fieldset>";
    }

    let missing: Vec<_> = DETAILS
        .iter()
        .filter(|(n, ..)| prefilled(request, n).is_none())
        .collect();
    if !missing.is_empty() {
        body += "<fieldset><legend>Your details</legend>";
        for (name, label, autocomplete, kind) in missing {
            let required = if *name == "email" { " required" } else { "" };
            body += &field(
                name,
                label,
                autocomplete,
                kind,
                value(name),
                errors,
                required,
            );
        }
        body += "</fieldset>";
    }

    body += "<fieldset><legend>Card</legend>";
    body += &field(
        "card_number",
        "Card number",
        "cc-number",
        "text",
        "",
        errors,
        " required inputmode=\"numeric\"",
    );
    body += "<div class=\"row\"><div>";
    body += &field(
        "expiry",
        "Expiry (MM/YY)",
        "cc-exp",
        "text",
        value("expiry"),
        errors,
        " required placeholder=\"MM/YY\"",
    );
    body += "</div><div>";
    body += &field(
        "cvc",
        "Security code",
        "cc-csc",
        "text",
        "",
        errors,
        " required inputmode=\"numeric\" maxlength=\"4\"",
    );
    body += "</div></div>";
    body += &field(
        "cardholder",
        "Name on card",
        "cc-name",
        "text",
        value("cardholder"),
        errors,
        "",
    );
    body += "<p class=\"hint\">Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.</p>";
    body += "</fieldset>";

    let pay = match &total {
        Some(t) => format!("Pay {}", esc(t)),
        None => "Pay".into(),
    };
    body += &format!(
        "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"pay\" id=\"pay\">{pay}</button>\
         <button type=\"submit\" name=\"action\" value=\"cancel\" id=\"cancel\" class=\"secondary\" formnovalidate>Cancel</button></div>"
    );
    body += "</form>";
    layout(
        &total
            .map(|t| format!("Pay {t}"))
            .unwrap_or_else(|| "Pay".into()),
        &body,
    )
}

fn finished(view: &LinkView, status: StatusCode) -> Response {
    let (title, text) = match view.state {
        LinkState::Paid => (
            "Payment complete",
            "This payment link has already been paid.",
        ),
        LinkState::Declined => (
            "Payment declined",
            "This payment link was used, and the payment was declined.",
        ),
        LinkState::Cancelled => ("Payment cancelled", "This payment link was cancelled."),
        LinkState::Open => ("Payment", "This payment link is still open."),
    };
    let body = format!(
        "<h1>{title}</h1><p role=\"status\" data-state=\"{}\">{text} It cannot be used again; \
         ask the merchant for a new link if you need to pay.</p>",
        state_name(view.state)
    );
    (status, Html(layout(title, &body))).into_response()
}

fn not_found() -> Response {
    let body = "<h1>Payment link not found</h1><p role=\"status\">This payment link does not exist \
                or has expired. Ask the merchant for a new link.</p>";
    (StatusCode::NOT_FOUND, Html(layout("Not found", body))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_the_test_cards_only_when_valid() {
        assert!(luhn("4242424242424242"));
        assert!(luhn(DECLINED_CARD));
        assert!(!luhn("4242424242424241"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn expiry_format_and_date() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert!(valid_expiry("12/29", today));
        assert!(valid_expiry("11/26", today), "this month is still valid");
        assert!(!valid_expiry("10/26", today), "last month has expired");
        assert!(!valid_expiry("01/20", today));
        assert!(!valid_expiry("13/29", today));
        assert!(!valid_expiry("00/29", today));
        assert!(!valid_expiry("1229", today));
        assert!(!valid_expiry("1/29", today));
    }
}
