//! A customer's whole way through the page (pay, be declined, cancel), checked from both sides.

use super::*;

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
