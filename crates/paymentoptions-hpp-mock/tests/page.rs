//! The hosted payment page over plain HTTP (the browser test in `tests/tests/browser/` drives
//! the same page in Chromium): what it shows, what it asks for, and where it sends the customer.

mod common;

use common::http;

use paymentoptions_hpp_mock::{CustomerAction, LinkState, MockServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Creates a link: its id and page URL.
async fn create(mock: &MockServer, body: Value) -> (uuid::Uuid, String) {
    let resp = common::create(mock, &body).await;
    (
        resp["id"].as_str().unwrap().parse().unwrap(),
        resp["url"].as_str().unwrap().to_string(),
    )
}

async fn page(url: &str) -> (StatusCode, String) {
    let resp = http().get(url).send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn submit(url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    http().post(url).form(form).send().await.unwrap()
}

const CARD: [(&str, &str); 4] = [
    ("action", "pay"),
    ("card_number", "4242 4242 4242 4242"),
    ("expiry", "12/34"),
    ("cvc", "123"),
];

fn with<'a>(base: &[(&'a str, &'a str)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    base.iter().chain(more).copied().collect()
}

#[tokio::test]
async fn a_prefilled_link_shows_its_details_and_pays() {
    let mock = MockServer::start().await.unwrap();
    let request = paymentoptions_hpp_testkit::fixture("hpp-link-request.json");
    let (id, url) = create(&mock, request).await;

    let (status, html) = page(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("1,000 JPY"), "amount formatted for JPY");
    assert!(
        html.contains("2003089893366DTEST"),
        "merchant reference shown"
    );
    assert!(
        html.contains("billing@testemail.com"),
        "prefilled details shown"
    );
    assert!(
        !html.contains("id=\"email\""),
        "prefilled details are not asked again"
    );
    assert!(
        !html.contains("id=\"amount\""),
        "a fixed amount is not asked"
    );
    assert!(html.contains("<label for=\"card_number\">"));
    assert!(html.contains("<html lang=\"en\">"));

    let resp = submit(&url, &CARD).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "http://www.successurl.com/");
    let link = mock.link(id).unwrap();
    assert_eq!(link.state, LinkState::Paid);
    let tx = link.transaction.unwrap();
    assert_eq!(tx.amount, Some(1000));
    assert!(tx.stored_payment_method_id.is_some());

    // A link is used once: a second payment is refused with a clear page.
    let again = submit(&url, &CARD).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("already been paid"));
    let (status, html) = page(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("already been paid"));
}

#[tokio::test]
async fn missing_details_are_asked_for_and_checked() {
    let mock = MockServer::start().await.unwrap();
    let (id, url) = create(
        &mock,
        json!({"currency": "USD", "merchant_txn_ref": "<script>alert(1)</script>",
               "return_url": {"success_url": "https://shop.example/ok"}}),
    )
    .await;
    let (_, html) = page(&url).await;
    assert!(html.contains("<label for=\"amount\">Amount (USD)</label>"));
    assert!(html.contains("<label for=\"email\">Email</label>"));
    assert!(html.contains("&lt;script&gt;"), "merchant data is escaped");
    assert!(!html.contains("<script>alert(1)"));

    // Bad entries: 422, the page again, every problem marked, nothing completed.
    let resp = submit(
        &url,
        &[
            ("action", "pay"),
            ("amount", "10.505"),
            ("email", "nope"),
            ("card_number", "4242 4242 4242 4241"),
            ("expiry", "13/30"),
            ("cvc", "1"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    for field in ["amount", "email", "card_number", "expiry", "cvc"] {
        assert!(
            html.contains(&format!("id=\"{field}\" name=\"{field}\""))
                && html.contains(&format!("aria-describedby=\"{field}-error\"")),
            "{field} is not marked invalid"
        );
    }
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("value=\"10.505\""), "entries are kept");
    assert_eq!(mock.link(id).unwrap().state, LinkState::Open);

    let resp = submit(
        &url,
        &with(
            &CARD,
            &[
                ("amount", "10.50"),
                ("email", "ada@example.com"),
                ("city", "Tokyo"),
            ],
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "https://shop.example/ok");
    let tx = mock.link(id).unwrap().transaction.unwrap();
    assert_eq!(tx.amount, Some(1050));
    assert_eq!(tx.customer["email"], "ada@example.com");
    assert_eq!(tx.customer["city"], "Tokyo");
    assert!(
        tx.customer.get("card_number").is_none(),
        "card data is never stored"
    );
}

#[tokio::test]
async fn decline_and_cancel_go_to_their_urls() {
    let mock = MockServer::start().await.unwrap();
    let urls = json!({"success_url": "https://s.example/ok", "decline_url": "https://s.example/declined",
                      "cancel_url": "https://s.example/cancelled"});
    let body = json!({"amount": 100, "currency": "EUR", "return_url": urls,
                      "billing_address": {"email": "a@b.example"}});

    let (id, url) = create(&mock, body.clone()).await;
    let declined = [
        ("action", "pay"),
        ("card_number", "4000 0000 0000 0002"),
        ("expiry", "01/30"),
        ("cvc", "999"),
    ];
    let resp = submit(&url, &declined).await;
    assert_eq!(resp.headers()["location"], "https://s.example/declined");
    assert_eq!(mock.link(id).unwrap().state, LinkState::Declined);

    let (id, url) = create(&mock, body.clone()).await;
    let resp = submit(&url, &[("action", "cancel")]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "https://s.example/cancelled");
    assert_eq!(mock.link(id).unwrap().state, LinkState::Cancelled);
    assert!(mock.link(id).unwrap().transaction.unwrap().amount.is_none());

    // No return URL: the customer stays on the sandbox's result page.
    let (id, url) = create(&mock, json!({"amount": 1, "currency": "JPY"})).await;
    let completion = mock.complete(id, CustomerAction::Pay).unwrap();
    assert_eq!(completion.redirect, None);
    let (status, html) = page(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-state=\"paid\""));
}

#[tokio::test]
async fn unknown_links_get_a_clear_page() {
    let mock = MockServer::start().await.unwrap();
    let (status, html) = page(&format!("{}/HostedPaymentPage/nope1234", mock.base_url())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("does not exist"));
    let resp = submit(
        &format!("{}/HostedPaymentPage/nope1234", mock.base_url()),
        &CARD,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

/// Issue 13, item 8: every answer of the page, whatever its state, carries a CSP that lets
/// only its own nonced style sheet and script run and forbids framing, plus
/// `X-Frame-Options`, `X-Content-Type-Options` and `Referrer-Policy`.
#[tokio::test]
async fn every_page_answer_has_the_security_headers() {
    let mock = MockServer::start().await.unwrap();
    let (id, url) = create(
        &mock,
        json!({"amount": 100, "currency": "JPY", "return_url": {
            "success_url": "https://shop.example:8443/ok",
            "cancel_url": "http://cancel.example/c",
        }}),
    )
    .await;
    let check = |what: &str, response: &reqwest::Response| {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .unwrap_or_else(|| panic!("{what}: no {name}"))
                .to_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header("referrer-policy"), "same-origin", "{what}");
        assert_eq!(header("cache-control"), "no-store", "{what}");
        let csp = header("content-security-policy");
        for directive in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(directive), "{what}: {csp}");
        }
        csp
    };
    let response = http().get(&url).send().await.unwrap();
    let csp = check("checkout", &response);
    assert!(
        csp.contains("form-action 'self' http://cancel.example https://shop.example:8443"),
        "{csp}"
    );
    let html = response.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(
        html.contains(&format!("<style nonce=\"{nonce}\">")),
        "{html}"
    );
    assert!(
        html.contains(&format!("<script nonce=\"{nonce}\">")),
        "{html}"
    );
    assert_eq!(html.matches("<script").count(), 1);
    // A fresh nonce for every answer.
    let again = http().get(&url).send().await.unwrap();
    assert_ne!(check("checkout again", &again), csp);

    let invalid = submit(&url, &[("action", "pay")]).await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    check("422", &invalid);
    let missing = http()
        .get(format!("{}/HostedPaymentPage/nope", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let csp = check("not found", &missing);
    assert!(csp.contains("form-action 'none'"), "{csp}");
    let paid = submit(&url, &with(&CARD, &[("email", "a@b.example")])).await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    check("303", &paid);
    assert_eq!(mock.link(id).unwrap().state, LinkState::Paid);
    let finished = http().get(&url).send().await.unwrap();
    check("finished", &finished);
}
