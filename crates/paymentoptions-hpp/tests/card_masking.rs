//! Card numbers in bodies shown by errors: masked but their last four digits, however they
//! are written. In its own test binary: `secrets.rs` installs a scoped `tracing` subscriber,
//! and a second test running beside it in the same process could register the request span's
//! callsite first, with no subscriber, and hide the span from it.

use paymentoptions_hpp::{Client, Error, LinkRequest, RetryPolicy};
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::json;

/// A card number in a body is masked but its last four digits in every error, written
/// together, with spaces or with dashes; ids, references, timestamps and amounts are not.
#[tokio::test]
async fn card_numbers_are_masked_in_errors_and_nothing_else_is() {
    let server = TestServer::start().await;
    let client = Client::builder()
        .api_key("card-test-key")
        .base_url(&server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();
    let untouched = [
        "7d0b3c1e-5a8f-4f0e-9a53-2b6f8e1c4d21",
        "2003089893366DTEST",
        "2024-08-15T09:30:12.000Z",
        "ref: 74811",
        "1000 JPY",
    ];
    let ordinary = untouched.join(", ");
    let replies = [
        (
            Reply::json(
                400,
                json!({"message": format!("card 5200 0000 0000 1005 refused; {ordinary}")}),
            ),
            "**** **** **** 1005",
        ),
        (
            Reply::raw(
                502,
                "text/plain",
                format!("card=5200-0000-0000-1005; {ordinary}"),
            ),
            "****-****-****-1005",
        ),
        (
            Reply::json(
                400,
                json!({"card": {"number": "5200000000001005"}, "note": ordinary}),
            ),
            "************1005",
        ),
        // Refused by the decoder, which quotes the value.
        (
            Reply::raw(200, "application/json", r#"{"id": 5200000000001005}"#),
            "************1005",
        ),
    ];
    for (reply, masked) in replies {
        server.push_reply(reply);
        let err = client.create_link(&request).await.unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            for full in [
                "5200000000001005",
                "5200 0000 0000 1005",
                "5200-0000-0000-1005",
            ] {
                assert!(!text.contains(full), "{full} shown: {text}");
            }
            assert!(text.contains(masked), "{masked} expected: {text}");
            if !matches!(err, Error::Decode(_)) {
                for kept in untouched {
                    assert!(text.contains(kept), "{kept} expected as it is: {text}");
                }
            }
        }
    }

    let err = paymentoptions_hpp::parse_notification(
        br#"{"transaction_details": {"id": 4111111111111111}}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("************1111"), "{err}");
    assert!(!err.to_string().contains("4111111111111111"), "{err}");
}
