//! Listing transactions: pages, and the bound on how many are kept.

use super::*;

#[tokio::test]
async fn transactions_are_listed_in_pages_and_bounded() {
    // Without the spec's examples: the sandbox starts empty, so every count is this test's.
    let config = MockConfig::default()
        .with_max_transactions(4)
        .with_spec_examples(false);
    let sandbox = Sandbox::start(config).await;
    let first_link = sandbox.link("ORDER-0", true).await;
    let first = sandbox.pay(first_link, true).await;
    let token = sandbox
        .mock
        .transaction(&first)
        .unwrap()
        .stored_payment_method_id
        .unwrap();
    assert_eq!(sandbox.refund(&first, 10).await.0, 201);
    let mut ids = vec![first.clone()];
    for n in 1..=3 {
        let link = sandbox.link(&format!("ORDER-{n}"), false).await;
        ids.push(sandbox.pay(link, true).await);
    }
    // Five made, four kept: the oldest went, with the card it stored.
    let held: Vec<TransactionView> = sandbox.mock.transactions();
    assert_eq!(held.len(), 4);
    assert!(held.iter().all(|t| t.id != first));
    assert_eq!(sandbox.status(&first).await.0, 404);
    assert_eq!(sandbox.pay_with(&token, "1", "ORDER-GONE").await.0, 406);
    // Its link stays, without it; the refund made on it is still held and readable.
    let view = sandbox.view(first_link);
    assert_eq!(view.transactions.len(), 1);
    assert_eq!(view.transactions[0].transaction_type, "REFUND");
    assert_eq!(sandbox.status(&view.transactions[0].id).await.0, 200);

    // Paged like links, through the control API.
    let page = |query: &'static str| {
        let url = format!("{}/__mock/transactions{query}", sandbox.mock.base_url());
        async move { http().get(url).send().await.unwrap() }
    };
    let response = page("?limit=3").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "4");
    assert_eq!(
        response.headers()["link"],
        "</__mock/transactions?offset=3&limit=3>; rel=\"next\""
    );
    let listed: Vec<TransactionView> = response.json().await.unwrap();
    assert_eq!(listed, held[..3]);
    let response = page("?offset=3&limit=3").await;
    assert!(response.headers().get("link").is_none());
    let listed: Vec<TransactionView> = response.json().await.unwrap();
    assert_eq!(listed, held[3..]);
    assert_eq!(page("?limit=0").await.status(), 400);
    assert_eq!(page("?limit=1001").await.status(), 400);
    // One transaction, and its envelope is what the status call answers.
    let one = &held[3];
    let response = page_one(&sandbox, &one.id).await;
    assert_eq!(response.status(), 200);
    let view: TransactionView = response.json().await.unwrap();
    assert_eq!(&view, one);
    assert_eq!(sandbox.status(&one.id).await.1, view.envelope);
    assert_eq!(page_one(&sandbox, "nope").await.status(), 404);

    // Reset forgets them.
    let response = http()
        .post(format!("{}/__mock/reset", sandbox.mock.base_url()))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(sandbox.mock.transactions().is_empty());
    assert_eq!(sandbox.status(&one.id).await.0, 404);
    sandbox.check_conformance();
}

async fn page_one(sandbox: &Sandbox, id: &str) -> reqwest::Response {
    http()
        .get(format!(
            "{}/__mock/transactions/{id}",
            sandbox.mock.base_url()
        ))
        .send()
        .await
        .unwrap()
}
