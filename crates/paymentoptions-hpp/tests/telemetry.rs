//! The request span's fields, read by a recording `tracing` layer: OpenTelemetry's HTTP names
//! with the right values, on success and on each kind of failure, and never a key, a header
//! value, a transaction id or the full URL.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use paymentoptions_hpp::{CallOptions, Client, RetryPolicy};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::{Reply, TestServer, refused_port};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const CANARY: &str = "canary-KEY-5f3a9c";
const X_CANARY: &str = "canary-XKEY-77e1";
const HEADER_CANARY: &str = "canary-HEADER-31d0";
const TRANSACTION: &str = "fc565b43-26f5-4906-92ae-d849edc3c3a1";
const SPAN: &str = "paymentoptions_hpp.request";

type Fields = BTreeMap<String, String>;

/// Every span's fields, as recorded (at creation and later), in creation order.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(String, Fields)>>>);

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields::new();
        fields.insert("#id".into(), id.into_u64().to_string());
        attrs.record(&mut Visitor(&mut fields));
        let name = attrs.metadata().name().to_string();
        self.0.lock().unwrap().push((name, fields));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.0.lock().unwrap();
        let key = id.into_u64().to_string();
        if let Some((_, fields)) = spans.iter_mut().rev().find(|(_, f)| f["#id"] == key) {
            values.record(&mut Visitor(fields));
        }
    }
}

impl Recorder {
    fn requests(&self) -> Vec<Fields> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(name, _)| name == SPAN)
            .map(|(_, fields)| fields.clone())
            .collect()
    }
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(CANARY)
        .x_api_key(X_CANARY)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn approved_capture() -> serde_json::Value {
    json!({
        "success": true, "status_code": 200, "is_live": false, "transaction_type": "CAPTURE",
        "gateway_response": {"type": "INFO", "code": "INFO0001"},
        "payment_details": {"amount": 1000, "currency": "JPY", "response_code": 0},
        "transaction_details": {"id": TRANSACTION}
    })
}

fn get(fields: &Fields, name: &str) -> Option<String> {
    fields.get(name).cloned()
}

#[tokio::test]
async fn the_request_span_has_the_http_semantic_convention_names_and_nothing_secret() {
    let recorder = Recorder::default();
    let subscriber = tracing_subscriber::registry().with(recorder.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let server = TestServer::start().await;
    let port = server.addr().port();
    server.push_reply(Reply::json(200, approved_capture()));
    server.push_reply(Reply::json(
        503,
        json!({"message": format!("echo {CANARY}")}),
    ));
    server.push_reply(Reply::json(200, approved_capture()).delay(Duration::from_millis(800)));
    let client = client(&server.base_url()).with_options(
        CallOptions::new()
            .header("x-merchant-token", HEADER_CANARY)
            .unwrap(),
    );
    client.get_transaction_status(TRANSACTION).await.unwrap();
    client
        .get_transaction_status(TRANSACTION)
        .await
        .unwrap_err();
    client
        .with_options(CallOptions::new().timeout(Duration::from_millis(200)))
        .get_transaction_status(TRANSACTION)
        .await
        .unwrap_err();
    let closed_port = refused_port();
    let refused = self::client(&format!("http://127.0.0.1:{closed_port}"));
    refused
        .get_transaction_status(TRANSACTION)
        .await
        .unwrap_err();

    let spans = recorder.requests();
    assert_eq!(spans.len(), 4, "{spans:#?}");
    let template = api::GET_TRANSACTION_STATUS.path;
    assert!(
        template.contains('{'),
        "the spec's path is a template: {template}"
    );
    for fields in &spans {
        assert_eq!(
            get(fields, "operation").as_deref(),
            Some(api::GET_TRANSACTION_STATUS.id)
        );
        assert_eq!(get(fields, "http.request.method").as_deref(), Some("GET"));
        assert_eq!(get(fields, "url.template").as_deref(), Some(template));
        assert_eq!(get(fields, "server.address").as_deref(), Some("127.0.0.1"));
        assert_eq!(get(fields, "otel.kind").as_deref(), Some("client"));
        assert_eq!(get(fields, "otel.name"), Some(format!("GET {template}")),);
        assert_eq!(get(fields, "attempts").as_deref(), Some("1"));
        assert!(get(fields, "duration_ms").is_some(), "{fields:?}");
        for value in fields.values() {
            for secret in [CANARY, X_CANARY, HEADER_CANARY, TRANSACTION] {
                assert!(
                    !value.contains(secret),
                    "a span field holds {secret}: {fields:?}"
                );
            }
            assert!(
                !value.contains("http://"),
                "the URL is recorded: {fields:?}"
            );
        }
    }
    let [ok, unavailable, timeout, connect] = &spans[..] else {
        unreachable!()
    };
    for fields in [ok, unavailable, timeout] {
        assert_eq!(get(fields, "server.port"), Some(port.to_string()));
    }
    assert_eq!(get(connect, "server.port"), Some(closed_port.to_string()));

    assert_eq!(get(ok, "http.response.status_code").as_deref(), Some("200"));
    assert_eq!(get(ok, "error.type"), None);
    assert_eq!(get(ok, "otel.status_code"), None);

    assert_eq!(
        get(unavailable, "http.response.status_code").as_deref(),
        Some("503")
    );
    assert_eq!(get(unavailable, "error.type").as_deref(), Some("503"));
    assert_eq!(
        get(unavailable, "otel.status_code").as_deref(),
        Some("error")
    );

    assert_eq!(get(timeout, "http.response.status_code"), None);
    assert_eq!(get(timeout, "error.type").as_deref(), Some("timeout"));

    assert_eq!(get(connect, "http.response.status_code"), None);
    assert_eq!(get(connect, "error.type").as_deref(), Some("connect"));
}

#[tokio::test]
async fn a_post_names_its_method_and_template_too() {
    let recorder = Recorder::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(recorder.clone()));
    tracing::callsite::rebuild_interest_cache();
    let server = TestServer::start().await;
    server.push_reply(Reply::json(400, json!({"message": "bad"})));
    let request = paymentoptions_hpp::LinkRequest::builder()
        .customer_enters_amount()
        .build()
        .unwrap();
    client(&server.base_url())
        .create_link(&request)
        .await
        .unwrap_err();
    let spans = recorder.requests();
    let [fields] = &spans[..] else {
        panic!("{spans:#?}")
    };
    assert_eq!(get(fields, "http.request.method").as_deref(), Some("POST"));
    assert_eq!(
        get(fields, "url.template").as_deref(),
        Some(api::GENERATE_HPP_LINK.path)
    );
    assert_eq!(get(fields, "error.type").as_deref(), Some("400"));
}
