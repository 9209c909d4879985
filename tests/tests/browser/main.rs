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

#[path = "../webdriver/mod.rs"]
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

// After `open_browser!`, which they use (a `macro_rules!` is in scope only below it).
mod availability;
mod checkout;
mod page;

use page::{
    check_accessibility, check_labels, check_policy, fill_card, fill_details, finished_page,
    focus_order, type_into,
};

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
