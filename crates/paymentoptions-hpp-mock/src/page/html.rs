//! The page's HTML. Every text that comes from a request or the customer goes through [`esc`];
//! the style sheet and the one script carry the response's CSP nonce.

use std::fmt::Write;

use serde_json::Value;

use super::form::{DETAILS, Form, link_amount, prefilled};
use crate::money;
use crate::store::{LinkState, LinkView};

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
const CLEAR_CARD_ON_RESTORE: &str = "addEventListener('pageshow',function(e){if(e.persisted){\
    ['card_number','cvc'].forEach(function(id){var el=document.getElementById(id);if(el){el.value='';}});}});";

/// A page: its title and the HTML inside `<main>`.
pub(crate) struct Page {
    pub(crate) title: String,
    pub(crate) body: String,
}

impl Page {
    /// The whole document; `nonce` lets its style sheet and script run under the CSP.
    pub(crate) fn document(&self, nonce: &str) -> String {
        format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{} · PaymentOptions sandbox</title><style nonce=\"{nonce}\">{STYLE}</style></head>\
             <body><main>\n<p class=\"sandbox\">Sandbox: no real payment is made</p>\n{}\n</main>\
             <script nonce=\"{nonce}\">{CLEAR_CARD_ON_RESTORE}</script></body></html>\n",
            esc(&self.title),
            self.body
        )
    }
}

/// One labelled input, with its error when it has one.
struct Field<'a> {
    name: &'a str,
    label: &'a str,
    autocomplete: &'a str,
    kind: &'a str,
    value: &'a str,
    /// More attributes, written as is (never from input).
    attributes: &'static str,
}

impl Field<'_> {
    fn render(&self, errors: &[(&'static str, String)]) -> String {
        let name = self.name;
        let error = errors
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| m.as_str());
        let mut html = format!(
            "<label for=\"{name}\">{}</label><input id=\"{name}\" name=\"{name}\" type=\"{}\" \
             autocomplete=\"{}\" value=\"{}\"",
            esc(self.label),
            self.kind,
            self.autocomplete,
            esc(self.value)
        );
        if let Some(message) = error {
            html.push_str(" aria-invalid=\"true\"");
            // Focus lands on the first field to fix, so keyboard and screen-reader users
            // start there.
            if errors.first().is_some_and(|(n, _)| *n == name) {
                html.push_str(" autofocus");
            }
            let _ = write!(html, " aria-describedby=\"{name}-error\"");
            html.push_str(self.attributes);
            let _ = write!(
                html,
                "><p class=\"error\" id=\"{name}-error\">{}</p>",
                esc(message)
            );
        } else {
            html.push_str(self.attributes);
            html.push('>');
        }
        html
    }
}

/// The checkout form for an open link, with what the customer typed and what is wrong.
pub(crate) fn checkout(
    view: &LinkView,
    token: &str,
    form: &Form,
    errors: &[(&'static str, String)],
) -> Page {
    let request = &view.request;
    let value = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let currency = request.get("currency").and_then(Value::as_str);
    let amount = link_amount(request);
    let total = match (amount, currency) {
        (Some(a), Some(c)) => Some(money::format(a, c)),
        (Some(a), None) => Some(a.to_string()),
        _ => None,
    };

    let mut body = String::from("<h1>Complete your payment</h1>");
    match &total {
        Some(t) => {
            let _ = write!(body, "<p class=\"total\" id=\"total\">{}</p>", esc(t));
        }
        None => body.push_str("<p class=\"hint\">Enter the amount to pay below.</p>"),
    }
    body.push_str(&summary(request));
    body.push_str(&error_list(errors));
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/HostedPaymentPage/{}\" novalidate>",
        esc(token)
    );
    if amount.is_none() || currency.is_none() {
        body.push_str("<fieldset><legend>Amount</legend>");
        if currency.is_none() {
            body.push_str(
                &Field {
                    name: "currency",
                    label: "Currency (3-letter code)",
                    autocomplete: "transaction-currency",
                    kind: "text",
                    value: value("currency"),
                    attributes: " required maxlength=\"3\"",
                }
                .render(errors),
            );
        }
        if amount.is_none() {
            let label = match currency {
                Some(c) => format!("Amount ({c})"),
                None => "Amount".to_string(),
            };
            body.push_str(
                &Field {
                    name: "amount",
                    label: &label,
                    autocomplete: "transaction-amount",
                    kind: "text",
                    value: value("amount"),
                    attributes: " required inputmode=\"decimal\"",
                }
                .render(errors),
            );
        }
        body.push_str("</fieldset>");
    }

    let missing: Vec<_> = DETAILS
        .iter()
        .filter(|d| prefilled(request, d.name).is_none())
        .collect();
    if !missing.is_empty() {
        body.push_str("<fieldset><legend>Your details</legend>");
        for detail in missing {
            body.push_str(
                &Field {
                    name: detail.name,
                    label: detail.label,
                    autocomplete: detail.autocomplete,
                    kind: detail.kind,
                    value: value(detail.name),
                    attributes: if detail.name == "email" {
                        " required"
                    } else {
                        ""
                    },
                }
                .render(errors),
            );
        }
        body.push_str("</fieldset>");
    }
    body.push_str(&card_fields(&value, errors));

    let pay = match &total {
        Some(t) => format!("Pay {}", esc(t)),
        None => "Pay".into(),
    };
    let _ = write!(
        body,
        "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"pay\" id=\"pay\">{pay}</button>\
         <button type=\"submit\" name=\"action\" value=\"cancel\" id=\"cancel\" class=\"secondary\" formnovalidate>Cancel</button></div>"
    );
    body.push_str("</form>");
    Page {
        title: total
            .map(|t| format!("Pay {t}"))
            .unwrap_or_else(|| "Pay".into()),
        body,
    }
}

/// What the request pre-filled, as a description list (empty when nothing was).
fn summary(request: &Value) -> String {
    let text = |p: &str| request.get(p).and_then(Value::as_str);
    let mut items = String::new();
    if let Some(r) = text("merchant_txn_ref") {
        let _ = write!(items, "<dt>Reference</dt><dd>{}</dd>", esc(r));
    }
    if let Some(m) = text("merchant_id") {
        let _ = write!(items, "<dt>Merchant</dt><dd>{}</dd>", esc(m));
    }
    for detail in &DETAILS {
        if let Some(v) = prefilled(request, detail.name) {
            let _ = write!(items, "<dt>{}</dt><dd>{}</dd>", esc(detail.label), esc(v));
        }
    }
    if items.is_empty() {
        items
    } else {
        format!("<dl aria-label=\"Order details\">{items}</dl>")
    }
}

/// The errors, announced, each linking to its field (empty when there are none).
fn error_list(errors: &[(&'static str, String)]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let items: String = errors
        .iter()
        .map(|(name, message)| format!("<li><a href=\"#{name}\">{}</a></li>", esc(message)))
        .collect();
    format!(
        "<div class=\"alert\" role=\"alert\" id=\"errors\"><strong>Please fix {}:</strong><ul>{items}</ul></div>",
        if errors.len() == 1 {
            "this field"
        } else {
            "these fields"
        }
    )
}

/// The card fieldset. The card number and code are never written back into the page.
fn card_fields<'a>(value: &impl Fn(&str) -> &'a str, errors: &[(&'static str, String)]) -> String {
    let field = |name, label, autocomplete, value, attributes| {
        Field {
            name,
            label,
            autocomplete,
            kind: "text",
            value,
            attributes,
        }
        .render(errors)
    };
    format!(
        "<fieldset><legend>Card</legend>{}<div class=\"row\"><div>{}</div><div>{}</div></div>{}\
         <p class=\"hint\">Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.</p>\
         </fieldset>",
        field(
            "card_number",
            "Card number",
            "cc-number",
            "",
            " required inputmode=\"numeric\""
        ),
        field(
            "expiry",
            "Expiry (MM/YY)",
            "cc-exp",
            value("expiry"),
            " required placeholder=\"MM/YY\""
        ),
        field(
            "cvc",
            "Security code",
            "cc-csc",
            "",
            " required inputmode=\"numeric\" maxlength=\"4\""
        ),
        field(
            "cardholder",
            "Name on card",
            "cc-name",
            value("cardholder"),
            ""
        ),
    )
}

/// The page of a link that was completed before.
pub(crate) fn finished(view: &LinkView) -> Page {
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
    Page {
        title: title.into(),
        body: format!(
            "<h1>{title}</h1><p role=\"status\" data-state=\"{}\">{text} It cannot be used again; \
             ask the merchant for a new link if you need to pay.</p>",
            view.state.as_str()
        ),
    }
}

/// The page of an unknown (or evicted) link.
pub(crate) fn not_found() -> Page {
    Page {
        title: "Not found".into(),
        body: "<h1>Payment link not found</h1><p role=\"status\">This payment link does not exist \
               or has expired. Ask the merchant for a new link.</p>"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn a_field_names_its_error_and_takes_focus_when_first() {
        let errors = vec![("a", "Fix <a>".to_string()), ("b", "Fix b".to_string())];
        let field = |name| Field {
            name,
            label: "L",
            autocomplete: "off",
            kind: "text",
            value: "\"v\"",
            attributes: " required",
        };
        assert_eq!(
            field("a").render(&errors),
            "<label for=\"a\">L</label><input id=\"a\" name=\"a\" type=\"text\" autocomplete=\"off\" \
             value=\"&quot;v&quot;\" aria-invalid=\"true\" autofocus aria-describedby=\"a-error\" \
             required><p class=\"error\" id=\"a-error\">Fix &lt;a&gt;</p>"
        );
        assert!(!field("b").render(&errors).contains("autofocus"));
        assert_eq!(
            field("c").render(&errors),
            "<label for=\"c\">L</label><input id=\"c\" name=\"c\" type=\"text\" autocomplete=\"off\" \
             value=\"&quot;v&quot;\" required>"
        );
    }
}
