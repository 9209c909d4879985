//! The setup of `examples/otel.rs` with the SDK's in-memory exporter instead of stdout: what
//! reaches an OpenTelemetry collector for one call.

#[path = "../examples/otel/setup.rs"]
mod setup;

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::trace::InMemorySpanExporter;
use paymentoptions_hpp::{Client, RetryPolicy};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer};
use serde_json::json;

const CANARY: &str = "canary-KEY-5f3a9c";
const TRANSACTION: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

#[tokio::test]
async fn the_exported_span_is_an_http_client_span_with_the_convention_attributes() {
    let exporter = InMemorySpanExporter::default();
    let provider = setup::tracer_provider(exporter.clone());
    let server = TestServer::start().await;
    server.push_reply(Reply::json(
        404,
        json!({"message": format!("no transaction {TRANSACTION} for {CANARY}")}),
    ));
    {
        let _guard = tracing::subscriber::set_default(setup::subscriber(&provider));
        tracing::callsite::rebuild_interest_cache();
        let client = Client::builder()
            .api_key(CANARY)
            .base_url(&server.base_url())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        client
            .get_transaction_status(TRANSACTION)
            .await
            .unwrap_err();
    }
    provider.force_flush().unwrap();

    let spans = exporter.get_finished_spans().unwrap();
    let template = api::GET_TRANSACTION_STATUS.path;
    let [span] = &spans[..] else {
        panic!("one span per call: {spans:#?}")
    };
    assert_eq!(span.name, format!("GET {template}"));
    assert_eq!(span.span_kind, SpanKind::Client);
    assert!(
        matches!(span.status, Status::Error { .. }),
        "{:?}",
        span.status
    );
    let a = &span.attributes;
    let text = |key| attribute(a, key).map(|v| v.as_str().into_owned());
    let int = |key| match attribute(a, key) {
        Some(Value::I64(n)) => Some(*n),
        other => panic!("{key} is not an integer: {other:?}"),
    };
    assert_eq!(text("http.request.method").as_deref(), Some("GET"));
    assert_eq!(text("url.template").as_deref(), Some(template));
    assert_eq!(text("server.address").as_deref(), Some("127.0.0.1"));
    assert_eq!(int("server.port"), Some(i64::from(server.addr().port())));
    assert_eq!(int("http.response.status_code"), Some(404));
    assert_eq!(text("error.type").as_deref(), Some("404"));
    assert_eq!(
        text("operation").as_deref(),
        Some(api::GET_TRANSACTION_STATUS.id)
    );
    assert_eq!(int("attempts"), Some(1));
    let everything = format!("{span:?}");
    for secret in [CANARY, TRANSACTION] {
        assert!(
            !everything.contains(secret),
            "the span holds {secret}: {everything}"
        );
    }
    provider.shutdown().unwrap();
}
