//! The hosted payment page: server-rendered HTML that works without JavaScript.
//!
//! What the link request pre-filled is shown; what it left out (the amount, the customer's
//! contact details and address) is asked for, as the source page describes. Every input has a
//! `<label>`, errors are announced (`role="alert"`, `aria-invalid`, `aria-describedby`), and the
//! DOM order is the focus order: details, card, then Pay before Cancel.
//!
//! Every page is sent with a strict Content Security Policy (nothing loads but its own nonced
//! style sheet and script, it cannot be framed, its form posts only to itself and the link's
//! return URLs), `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
//! `Referrer-Policy: same-origin` (the page's URL is its access token) and
//! `Cache-Control: no-store` (it carries customer data).

mod cards;
mod form;
mod html;

use std::sync::Arc;

use axum::Form;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub use cards::{APPROVED_CARD, DECLINED_CARD};

use crate::completion::{CompleteError, CustomerInput, complete};
use crate::state::Shared;
use crate::store::{CustomerAction, LinkSnapshot, LinkState, LinkView};
use html::Page;

pub(crate) async fn show(State(shared): State<Arc<Shared>>, Path(token): Path<String>) -> Response {
    match find(&shared, &token) {
        None => respond(StatusCode::NOT_FOUND, &html::not_found(), None),
        Some(view) if view.state != LinkState::Open => {
            respond(StatusCode::OK, &html::finished(&view), None)
        }
        Some(view) => respond(
            StatusCode::OK,
            &html::checkout(&view, &token, &form::Form::new(), &[]),
            Some(&view),
        ),
    }
}

pub(crate) async fn submit(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    Form(form): Form<form::Form>,
) -> Response {
    let Some(view) = find(&shared, &token) else {
        return respond(StatusCode::NOT_FOUND, &html::not_found(), None);
    };
    if view.state != LinkState::Open {
        return respond(StatusCode::CONFLICT, &html::finished(&view), None);
    }
    let (outcome, input) = if form.get("action").map(String::as_str) == Some("cancel") {
        (CustomerAction::Cancel, CustomerInput::default())
    } else {
        match form::read_payment(&view, &form) {
            Ok(ok) => ok,
            Err(errors) => {
                let page = html::checkout(&view, &token, &form, &errors);
                return respond(StatusCode::UNPROCESSABLE_ENTITY, &page, Some(&view));
            }
        }
    };
    let authorise_only = shared.config.authorise_only;
    match complete(&shared, view.id, outcome, input, authorise_only) {
        Ok(c) => {
            let target = c
                .redirect
                .unwrap_or_else(|| format!("/HostedPaymentPage/{token}"));
            (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response()
        }
        // Two submissions raced: the second one sees the first one's result.
        Err(CompleteError::AlreadyCompleted(_)) => match find(&shared, &token) {
            Some(v) => respond(StatusCode::CONFLICT, &html::finished(&v), None),
            None => respond(StatusCode::NOT_FOUND, &html::not_found(), None),
        },
        Err(CompleteError::NotFound) => respond(StatusCode::NOT_FOUND, &html::not_found(), None),
        Err(CompleteError::Invalid(m)) => {
            let page = html::checkout(&view, &token, &form, &[("amount", m)]);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &page, Some(&view))
        }
    }
}

/// Headers every page response gets, redirects included.
pub(crate) async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        // Payment pages must not be stored by browsers or proxies: they carry customer data.
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Not `no-referrer`: browsers then send `Origin: null` with the page's own form, which the
        // guard must refuse. `same-origin` still keeps the page's URL (its access token) from the
        // return URLs it redirects to.
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        );
    }
    response
}

/// `page` as an HTML response, with a Content Security Policy that lets only its own style
/// sheet and script run. The form of an open `link` may post to the page, and browsers follow
/// its redirect to the link's return URLs, so their origins are allowed as form targets too.
fn respond(status: StatusCode, page: &Page, link: Option<&LinkView>) -> Response {
    let nonce = format!("{:032x}", fastrand::u128(..));
    let mut form_action = String::from("'none'");
    if let Some(link) = link {
        form_action = String::from("'self'");
        for origin in return_origins(&link.request) {
            form_action.push(' ');
            form_action.push_str(&origin);
        }
    }
    let policy = format!(
        "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; \
         frame-ancestors 'none'; base-uri 'none'; form-action {form_action}"
    );
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page.document(&nonce),
    )
        .into_response();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// The origins (`https://shop.example:8443`) of the link's browser return URLs.
fn return_origins(request: &Value) -> Vec<String> {
    let mut origins: Vec<String> = ["success_url", "decline_url", "cancel_url"]
        .into_iter()
        .filter_map(|field| request.get("return_url")?.get(field)?.as_str())
        .filter_map(|url| reqwest::Url::parse(url).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .map(|url| url.origin().ascii_serialization())
        .collect();
    origins.sort();
    origins.dedup();
    origins
}

fn find(shared: &Shared, token: &str) -> Option<LinkView> {
    let snapshot = {
        let store = shared.store.lock().expect("store lock");
        let id = store.id_for_token(token)?;
        store.link(&id).map(|l| l.snapshot(&store))
    };
    snapshot.map(LinkSnapshot::view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_targets_are_the_return_url_origins() {
        let request = json!({"return_url": {
            "success_url": "https://Shop.example:8443/ok?x=1",
            "decline_url": "https://shop.example:8443/no",
            "cancel_url": "javascript:alert(1)",
            "webhook_url": "https://hooks.example/",
        }});
        assert_eq!(return_origins(&request), ["https://shop.example:8443"]);
        assert!(return_origins(&json!({})).is_empty());
    }
}
