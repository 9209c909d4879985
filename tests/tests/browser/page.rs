//! Reading and filling the hosted page in the browser: what it shows of accessibility (labels,
//! focus order, its content policy) and typing into its form.

use super::*;

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
pub(super) async fn check_labels(session: &Session<'_>) {
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
pub(super) async fn check_accessibility(session: &Session<'_>, expected: &[&str]) {
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
pub(super) async fn check_policy(session: &Session<'_>) {
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
pub(super) fn focus_order<'a>(amount_inputs: &[&'a str]) -> Vec<&'a str> {
    let mut order = amount_inputs.to_vec();
    order.extend(DETAILS);
    order.extend(CARD_AND_BUTTONS);
    order
}

// ---------------------------------------------------------------------------------------------
// Filling the page

pub(super) async fn type_into(session: &Session<'_>, id: &str, text: &str) {
    session.find(&format!("#{id}")).await.send_keys(text).await;
}

/// The customer's details, as a Japanese customer types them.
pub(super) async fn fill_details(session: &Session<'_>, email: &str) {
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

pub(super) async fn fill_card(session: &Session<'_>, number: &str) {
    type_into(session, "card_number", number).await;
    let expiry = session.find("#expiry").await;
    if expiry.value().await.is_empty() {
        expiry.send_keys("12/34").await;
    }
    type_into(session, "cvc", "123").await;
}

/// The `role=status` text and `data-state` of the page a used link shows.
pub(super) async fn finished_page(session: &Session<'_>) -> (String, Option<String>) {
    let status = session.find("[role=status]").await;
    (status.text().await, status.attribute("data-state").await)
}
