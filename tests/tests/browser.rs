//! The sandbox's hosted payment page in a real browser: headless Chromium, driven through
//! ChromeDriver with the W3C WebDriver protocol (fantoccini; ChromeDriver and the session in
//! `webdriver/`).
//!
//! Each test creates a link through the wrapper crate against the in-process sandbox, opens the
//! link's page, fills in what the link left out, pays / is declined / cancels, and checks where
//! the browser lands, what the sandbox recorded, and the notification the merchant received. It
//! also checks what a browser can see of the page's accessibility: labels and focus order.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`; or the
//! `CHROMIUM` / `CHROMEDRIVER` variables). Without them the tests are reported as ignored, with
//! the reason (`build.rs` marks them so when it finds neither), except under CI (`CI` set),
//! where they fail: `.ci/run` installs both.

mod webdriver;

use std::ffi::OsString;
use std::io::Write;
use std::time::Duration;

use paymentoptions_hpp::{Client, Currency, Link, LinkRequest, LinkRequestBuilder, Money};
use paymentoptions_hpp_mock::{DeliveryState, LinkState, LinkView, MockServer};
use paymentoptions_hpp_testkit::{Recorded, Reply, TestServer};
use paymentoptions_hpp_tests::browser::{Browser, Decision, decide, is_ci, locate};
use serde_json::{Value, json};

use webdriver::{ChromeDriver, Key, Session};

const APPROVED_CARD: &str = "4242 4242 4242 4242";
const DECLINED_CARD: &str = "4000 0000 0000 0002";
/// How long a form submission may take to land on the return page.
const LANDING: Duration = Duration::from_secs(15);

const THANK_YOU: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <title>Thank you</title></head><body><h1>Thank you</h1><p>Back at the shop.</p></body></html>";

/// The customer-detail inputs the page asks for when the link has no billing address, in
/// page order.
const DETAILS: [&str; 7] = [
    "email",
    "phone_number",
    "address1",
    "city",
    "state",
    "postal_code",
    "country",
];
/// The card inputs and the two buttons, in page order.
const CARD_AND_BUTTONS: [&str; 6] = [
    "card_number",
    "expiry",
    "cvc",
    "cardholder",
    "pay",
    "cancel",
];

// ---------------------------------------------------------------------------------------------
// Finding the browser

/// The browser, or `None` to skip the test; panics under CI when it is missing.
///
/// Outside CI, a build without the browser marks the tests ignored (`build.rs`), so this only
/// skips when they are run anyway (`--ignored`) or the browser went away since the build.
fn browser() -> Option<Browser> {
    let env = |var: &str| std::env::var_os(var);
    match decide(locate(env), is_ci(&env)) {
        Decision::Run(browser) => Some(browser),
        Decision::Skip(message) => {
            // Straight to stderr: the test harness would swallow `eprintln!` of a passing test.
            let _ = writeln!(std::io::stderr(), "{message}");
            None
        }
        Decision::Fail(message) => panic!("{message}"),
    }
}

/// Starts ChromeDriver and opens a session; both are closed when dropped, panics included.
macro_rules! open_browser {
    ($driver:ident, $session:ident) => {
        let Some(browser) = browser() else { return };
        let $driver = ChromeDriver::start(&browser.chromedriver).await;
        let $session = $driver.new_session(&browser.chromium).await;
    };
}

// ---------------------------------------------------------------------------------------------
// The merchant's side: sandbox, receiver, client

struct Shop {
    mock: MockServer,
    /// Receives the notification (`/webhook`) and serves the return pages.
    receiver: TestServer,
    client: Client,
}

impl Shop {
    async fn start() -> Shop {
        let mock = MockServer::start().await.expect("the sandbox starts");
        let receiver = TestServer::start().await;
        receiver.set_default_reply(Reply::raw(200, "text/html; charset=utf-8", THANK_YOU));
        let client = Client::builder()
            .api_key("sandbox-browser-test-key")
            .base_url(mock.base_url())
            .build()
            .expect("a client for the sandbox");
        Shop {
            mock,
            receiver,
            client,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.receiver.base_url())
    }

    /// A link with every return URL on the receiver and no billing address, so that the page
    /// asks for the customer's details.
    async fn create_link(&self, amount: LinkRequestBuilder, merchant_txn_ref: &str) -> Link {
        let request = amount
            .merchant_txn_ref(merchant_txn_ref)
            .webhook_url(self.url("/webhook"))
            .success_url(self.url("/success"))
            .decline_url(self.url("/declined"))
            .cancel_url(self.url("/cancelled"))
            .build()
            .expect("a valid link request");
        self.client
            .create_link(&request)
            .await
            .expect("the sandbox creates the link")
    }

    /// The only link the sandbox holds.
    fn only_link(&self, link: &Link) -> LinkView {
        let links = self.mock.links();
        assert_eq!(links.len(), 1, "one link in the sandbox: {links:#?}");
        assert_eq!(links[0].id, link.id());
        links[0].clone()
    }

    /// Waits for the one notification to be delivered, and returns what the receiver got.
    async fn notification(&self) -> Recorded {
        let deliveries = self
            .mock
            .wait_for_deliveries(1, Duration::from_secs(10))
            .await;
        assert_eq!(deliveries.len(), 1, "one notification: {deliveries:#?}");
        assert_eq!(
            deliveries[0].state,
            DeliveryState::Delivered,
            "{deliveries:#?}"
        );
        let webhooks: Vec<Recorded> = self
            .receiver
            .requests()
            .into_iter()
            .filter(|r| r.path == "/webhook")
            .collect();
        assert_eq!(webhooks.len(), 1, "one request to /webhook: {webhooks:#?}");
        assert_eq!(webhooks[0].method, "POST");
        webhooks[0].clone()
    }

    /// The browser's visits to the return page `path`.
    fn visits(&self, path: &str) -> usize {
        self.receiver
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path == path)
            .count()
    }
}

/// Checks the notification body against the transaction the sandbox recorded.
fn check_notification(
    webhook: &Recorded,
    view: &LinkView,
    merchant_txn_ref: &str,
    outcome_header: &str,
) {
    assert_eq!(webhook.header("x-mock-outcome"), Some(outcome_header));
    assert_eq!(webhook.header("content-type"), Some("application/json"));
    let transaction = view.transaction.as_ref().expect("a completed transaction");
    let body = webhook.json();
    let details = &body["transaction_details"];
    assert_eq!(details["id"], json!(transaction.id), "{body}");
    assert_eq!(details["ref"], json!(transaction.ref_), "{body}");
    assert_eq!(details["timestamp"], json!(transaction.timestamp), "{body}");
    assert_eq!(
        details["merchant_txn_ref"],
        json!(merchant_txn_ref),
        "{body}"
    );
    let timestamp = details["timestamp"].as_str().unwrap_or_default();
    assert!(
        timestamp.len() == 24 && timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T',
        "timestamp as yyyy-mm-ddThh:mm:ss.sssZ: {timestamp:?}"
    );
    // And the merchant's library reads it.
    let parsed = paymentoptions_hpp::parse_notification(&webhook.body)
        .expect("the wrapper parses the notification");
    let parsed = parsed
        .envelope()
        .transaction_details
        .clone()
        .expect("transaction_details");
    assert_eq!(parsed.id.as_deref(), Some(transaction.id.as_str()));
    assert_eq!(parsed.merchant_txn_ref.as_deref(), Some(merchant_txn_ref));
}

// ---------------------------------------------------------------------------------------------
// What a browser can see of accessibility

/// Ids (or markup) of visible form controls without a non-empty `<label for=...>`.
const UNLABELLED_SCRIPT: &str = r#"
const unlabelled = [];
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden' || el.getClientRects().length === 0) continue;
  if (getComputedStyle(el).visibility === 'hidden') continue;
  const label = el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
  if (!label || label.textContent.trim() === '') unlabelled.push(el.id || el.name || el.outerHTML);
}
return unlabelled;
"#;

/// The keyboard-focusable elements in DOM order, those with a positive tabindex, and whether
/// `#pay` comes before `#cancel`.
const FOCUS_SCRIPT: &str = r#"
const focusable = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
  .filter(el => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0);
const pay = document.getElementById('pay');
const cancel = document.getElementById('cancel');
return {
  lang: document.documentElement.lang,
  dom_order: focusable.map(el => el.id || el.tagName.toLowerCase()),
  positive_tabindex: [...document.querySelectorAll('[tabindex]')]
    .filter(el => el.tabIndex > 0).map(el => el.id || el.tagName.toLowerCase()),
  pay_before_cancel: !!pay && !!cancel
    && (pay.compareDocumentPosition(cancel) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
};
"#;

/// Every visible input has a label.
async fn check_labels(session: &Session<'_>) {
    let unlabelled = session.execute(UNLABELLED_SCRIPT, json!([])).await;
    assert_eq!(
        unlabelled,
        json!([]),
        "inputs without a <label for=...> on {}",
        session.current_url().await
    );
}

/// Labels, `lang`, no positive tabindex, Pay before Cancel in the DOM, and a real walk with the
/// Tab key from a freshly loaded page that visits `expected` in order.
async fn check_accessibility(session: &Session<'_>, expected: &[&str]) {
    check_labels(session).await;
    let focus = session.execute(FOCUS_SCRIPT, json!([])).await;
    assert_eq!(focus["lang"], json!("en"), "{focus}");
    assert_eq!(focus["positive_tabindex"], json!([]), "{focus}");
    assert_eq!(focus["pay_before_cancel"], json!(true), "{focus}");
    assert_eq!(focus["dom_order"], json!(expected), "{focus}");

    // The keyboard: nothing is focused after load; each Tab moves to the next control.
    let active = "return document.activeElement ? (document.activeElement.id || document.activeElement.tagName.toLowerCase()) : null;";
    assert_eq!(session.execute(active, json!([])).await, json!("body"));
    let mut visited = Vec::new();
    for _ in 0..expected.len() {
        session.press_key(Key::Tab).await;
        visited.push(session.execute(active, json!([])).await);
    }
    assert_eq!(json!(visited), json!(expected), "the Tab order");
}

/// The page's Content Security Policy is in force in the browser: its own (nonced) style
/// sheet applies, and a script injected into the page does not run.
async fn check_policy(session: &Session<'_>) {
    let probe = "var s = document.createElement('script'); s.textContent = 'window.injected = true;';\
        document.body.appendChild(s);\
        return {injected: window.injected === true,\
                styled: getComputedStyle(document.querySelector('main')).maxWidth};";
    let result = session.execute(probe, json!([])).await;
    assert_eq!(
        result["injected"],
        json!(false),
        "an injected script ran: {result}"
    );
    assert_eq!(
        result["styled"],
        json!("480px"),
        "the page's style sheet did not apply: {result}"
    );
}

/// The focus order of a checkout page: `amount_inputs`, the details, the card, Pay, Cancel.
fn focus_order<'a>(amount_inputs: &[&'a str]) -> Vec<&'a str> {
    let mut order = amount_inputs.to_vec();
    order.extend(DETAILS);
    order.extend(CARD_AND_BUTTONS);
    order
}

// ---------------------------------------------------------------------------------------------
// Filling the page

async fn type_into(session: &Session<'_>, id: &str, text: &str) {
    session.find(&format!("#{id}")).await.send_keys(text).await;
}

/// The customer's details, as a Japanese customer types them.
async fn fill_details(session: &Session<'_>, email: &str) {
    if !email.is_empty() {
        type_into(session, "email", email).await;
    }
    type_into(session, "phone_number", "+81 3-1234-5678").await;
    type_into(session, "address1", "1-2-3 Marunouchi").await;
    type_into(session, "city", "Chiyoda-ku").await;
    type_into(session, "state", "Tokyo").await;
    type_into(session, "postal_code", "100-0005").await;
    type_into(session, "country", "JP").await;
}

async fn fill_card(session: &Session<'_>, number: &str) {
    type_into(session, "card_number", number).await;
    let expiry = session.find("#expiry").await;
    if expiry.value().await.is_empty() {
        expiry.send_keys("12/34").await;
    }
    type_into(session, "cvc", "123").await;
}

/// The `role=status` text and `data-state` of the page a used link shows.
async fn finished_page(session: &Session<'_>) -> (String, Option<String>) {
    let status = session.find("[role=status]").await;
    (status.text().await, status.attribute("data-state").await)
}

// ---------------------------------------------------------------------------------------------
// The tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    no_browser,
    ignore = "needs chromium and chromium-driver (Debian), or CHROMIUM / CHROMEDRIVER"
)]
async fn approved_card_lands_on_the_success_url_and_notifies_the_merchant() {
    open_browser!(driver, session);
    let shop = Shop::start().await;
    let reference = "ORDER-BROWSER-PAID";
    let link = shop
        .create_link(
            LinkRequest::builder().amount(Money::from_major(12_345, Currency::JPY).unwrap()),
            reference,
        )
        .await;
    let page = link.url().to_string();

    // The page: the amount, formatted; the reference; no amount input; the details asked for.
    session.goto(&page).await;
    assert_eq!(
        session.title().await,
        "Pay 12,345 JPY · PaymentOptions sandbox"
    );
    assert_eq!(session.find("#total").await.text().await, "12,345 JPY");
    assert_eq!(session.find("#pay").await.text().await, "Pay 12,345 JPY");
    assert!(session.try_find("#amount").await.is_none());
    assert!(session.try_find("#currency").await.is_none());
    let summary = session.find("dl").await.text().await;
    assert!(summary.contains(reference), "order details: {summary:?}");
    check_accessibility(&session, &focus_order(&[])).await;
    check_policy(&session).await;

    // Pay without the (required) email: the page says what is wrong and keeps what was typed,
    // except the card number and CVC.
    fill_details(&session, "").await;
    fill_card(&session, APPROVED_CARD).await;
    type_into(&session, "cardholder", "HANAKO YAMADA").await;
    session.find("#pay").await.click().await;
    let alert = session.wait_for("[role=alert]", LANDING).await.text().await;
    assert!(
        alert.contains("Please fix this field") && alert.contains("Enter an email address"),
        "{alert:?}"
    );
    // Focus starts on the field to fix.
    let focused = session
        .execute(
            "return document.activeElement && document.activeElement.id;",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(focused, serde_json::json!("email"));
    assert_eq!(session.current_url().await, page, "still on the page");
    let email = session.find("#email").await;
    assert_eq!(
        email.attribute("aria-invalid").await.as_deref(),
        Some("true")
    );
    assert_eq!(
        email.attribute("aria-describedby").await.as_deref(),
        Some("email-error")
    );
    let message = session.find("#email-error").await.text().await;
    assert!(message.contains("email address"), "{message:?}");
    assert_eq!(session.find("#city").await.value().await, "Chiyoda-ku");
    assert_eq!(session.find("#expiry").await.value().await, "12/34");
    assert_eq!(
        session.find("#cardholder").await.value().await,
        "HANAKO YAMADA"
    );
    assert_eq!(session.find("#card_number").await.value().await, "");
    assert_eq!(session.find("#cvc").await.value().await, "");
    assert_eq!(
        session.find("#city").await.attribute("aria-invalid").await,
        None
    );
    check_labels(&session).await;
    assert_eq!(shop.mock.links()[0].state, LinkState::Open);

    // Fix it and pay.
    type_into(&session, "email", "hanako@example.com").await;
    fill_card(&session, APPROVED_CARD).await;
    session.find("#pay").await.click().await;
    let success = shop.url("/success");
    session.wait_for_url(&success, LANDING).await;
    assert_eq!(session.title().await, "Thank you");
    // Back from the shop: whether the browser restores the checkout page from its cache or
    // loads it again, no card number is left on screen.
    session.back().await;
    let card_left = session
        .execute(
            "var el = document.getElementById('card_number'); return el ? el.value : '';",
            json!([]),
        )
        .await;
    assert_eq!(card_left, json!(""), "the card number came back");
    session.goto(&success).await;
    assert_eq!(shop.visits("/success"), 2);
    // The page's token opens the page: it must not reach the shop in the Referer.
    let landing = shop.receiver.requests();
    let landing = landing.iter().find(|r| r.path == "/success").unwrap();
    for referer in landing.header_values("referer") {
        assert!(!referer.contains("HostedPaymentPage"), "Referer: {referer}");
    }

    // The sandbox: paid, the amount charged, what the customer typed (and no card data).
    let view = shop.only_link(&link);
    assert_eq!(view.state, LinkState::Paid);
    let transaction = view.transaction.as_ref().expect("a transaction");
    assert_eq!(transaction.amount, Some(12_345));
    assert_eq!(transaction.currency.as_deref(), Some("JPY"));
    let customer = Value::Object(transaction.customer.clone());
    assert_eq!(
        customer,
        json!({
            "email": "hanako@example.com",
            "phone_number": "+81 3-1234-5678",
            "address1": "1-2-3 Marunouchi",
            "city": "Chiyoda-ku",
            "state": "Tokyo",
            "postal_code": "100-0005",
            "country": "JP",
        })
    );
    let recorded = serde_json::to_string(&view).unwrap();
    for secret in ["4242 4242 4242 4242", "4242424242424242", "12/34", "HANAKO"] {
        assert!(
            !recorded.contains(secret),
            "card data {secret:?} kept: {recorded}"
        );
    }

    // The merchant's notification.
    let webhook = shop.notification().await;
    check_notification(&webhook, &view, reference, "paid");

    // The link cannot be used again.
    session.goto(&page).await;
    let (text, state) = finished_page(&session).await;
    assert!(text.contains("already been paid"), "{text:?}");
    assert_eq!(state.as_deref(), Some("paid"));
    assert!(session.try_find("#pay").await.is_none());
    assert!(session.try_find("form").await.is_none());

    session.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    no_browser,
    ignore = "needs chromium and chromium-driver (Debian), or CHROMIUM / CHROMEDRIVER"
)]
async fn declined_card_lands_on_the_decline_url() {
    open_browser!(driver, session);
    let shop = Shop::start().await;
    let reference = "ORDER-BROWSER-DECLINED";
    let link = shop
        .create_link(
            LinkRequest::builder().customer_enters_amount_in(Currency::USD),
            reference,
        )
        .await;
    let page = link.url().to_string();

    // No total: the customer types the amount, in the link's currency.
    session.goto(&page).await;
    assert!(session.try_find("#total").await.is_none());
    assert!(session.try_find("#currency").await.is_none());
    let label = session.find("label[for=amount]").await.text().await;
    assert_eq!(label, "Amount (USD)");
    assert_eq!(session.find("#pay").await.text().await, "Pay");
    check_accessibility(&session, &focus_order(&["amount"])).await;

    type_into(&session, "amount", "10.50").await;
    fill_details(&session, "taro@example.com").await;
    fill_card(&session, DECLINED_CARD).await;
    session.find("#pay").await.click().await;
    session.wait_for_url(&shop.url("/declined"), LANDING).await;
    assert_eq!(shop.visits("/declined"), 1);
    assert_eq!(shop.visits("/success"), 0);

    let view = shop.only_link(&link);
    assert_eq!(view.state, LinkState::Declined);
    let transaction = view.transaction.as_ref().expect("a transaction");
    assert_eq!(transaction.amount, Some(1050), "10.50 USD in cents");
    assert_eq!(transaction.currency.as_deref(), Some("USD"));
    assert_eq!(transaction.customer["email"], json!("taro@example.com"));

    let webhook = shop.notification().await;
    check_notification(&webhook, &view, reference, "declined");

    session.goto(&page).await;
    let (text, state) = finished_page(&session).await;
    assert!(text.contains("declined"), "{text:?}");
    assert_eq!(state.as_deref(), Some("declined"));

    session.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    no_browser,
    ignore = "needs chromium and chromium-driver (Debian), or CHROMIUM / CHROMEDRIVER"
)]
async fn cancel_lands_on_the_cancel_url_without_filling_anything() {
    open_browser!(driver, session);
    let shop = Shop::start().await;
    let reference = "ORDER-BROWSER-CANCELLED";
    let link = shop
        .create_link(LinkRequest::builder().customer_enters_amount(), reference)
        .await;
    let page = link.url().to_string();

    // Neither amount nor currency: both are asked for, currency first.
    session.goto(&page).await;
    assert_eq!(
        session.find("label[for=currency]").await.text().await,
        "Currency (3-letter code)"
    );
    assert_eq!(
        session.find("label[for=amount]").await.text().await,
        "Amount"
    );
    check_accessibility(&session, &focus_order(&["currency", "amount"])).await;

    // Cancel skips validation: every field is still empty.
    session.find("#cancel").await.click().await;
    session.wait_for_url(&shop.url("/cancelled"), LANDING).await;
    assert_eq!(session.title().await, "Thank you");

    let view = shop.only_link(&link);
    assert_eq!(view.state, LinkState::Cancelled);
    let transaction = view.transaction.as_ref().expect("a transaction");
    assert_eq!(transaction.amount, None, "nothing charged");
    assert!(transaction.customer.is_empty());

    let webhook = shop.notification().await;
    check_notification(&webhook, &view, reference, "cancelled");

    session.goto(&page).await;
    let (text, state) = finished_page(&session).await;
    assert!(text.contains("was cancelled"), "{text:?}");
    assert_eq!(state.as_deref(), Some("cancelled"));

    session.quit().await;
}

/// Without a browser: skipped on a developer's machine, a failure under CI.
#[test]
fn a_missing_browser_skips_locally_and_fails_under_ci() {
    let nowhere = |var: &str| Some(OsString::from(format!("/nonexistent/{var}")));
    let missing = locate(nowhere).expect_err("nothing at /nonexistent");
    assert!(
        missing.contains("/nonexistent/CHROMIUM (set CHROMIUM"),
        "{missing}"
    );
    assert!(
        missing.contains("/nonexistent/CHROMEDRIVER (set CHROMEDRIVER"),
        "{missing}"
    );

    match decide(Err(missing.clone()), false) {
        Decision::Skip(m) => assert!(m.starts_with("skipping: install chromium"), "{m}"),
        other => panic!("expected a skip, got {other:?}"),
    }
    match decide(Err(missing), true) {
        Decision::Fail(m) => assert!(m.contains("CI is set") && m.contains("chromium-driver")),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// `build.rs` marks the browser tests ignored exactly when this run would have to skip them:
/// a browser installed since the last build, or `CI` set, rebuilds with them enabled.
#[test]
fn the_build_ignores_the_browser_tests_exactly_when_they_would_skip() {
    let env = |var: &str| std::env::var_os(var);
    let skip = matches!(decide(locate(env), is_ci(&env)), Decision::Skip(_));
    assert_eq!(
        cfg!(no_browser),
        skip,
        "build.rs decided differently from this run (was the test binary run outside cargo?)"
    );
}
